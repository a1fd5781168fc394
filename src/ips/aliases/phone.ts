import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { invalid } from '../../platform/index.ts';

/**
 * A Kazakh mobile number in E.164 (+77XXXXXXXXX) from what people type: "+7 701 123 45 67",
 * "8 (701) 123-45-67", "87011234567", "7011234567". Landlines, other countries' numbers (Russia shares +7)
 * and malformed input are a 400 naming `field`.
 */
export function normalizePhone(input: string, field = '/phone'): string {
  if (typeof input !== 'string' || input.length > 32 || !/^[+\d\s()\-.]+$/.test(input.trim())) {
    throw invalid(field, 'must be a phone number: digits, optionally +, spaces, dashes, brackets');
  }
  const p = parsePhoneNumberFromString(input.trim(), 'KZ');
  if (!p?.isValid()) throw invalid(field, 'is not a valid phone number');
  if (p.country !== 'KZ') throw invalid(field, 'must be a Kazakhstan number (+7 7XX…)');
  const type = p.getType();
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') {
    throw invalid(field, 'must be a mobile number; landlines and service numbers cannot be aliases');
  }
  return p.number;
}
