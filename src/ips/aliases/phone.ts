import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { invalid } from '../../platform/index.ts';

/** Phones normalized lately, by input: parsing with the full metadata was ~13 % of an alias lookup's CPU. */
const recent = new Map<string, string>();
const RECENT_MAX = 50_000;

/**
 * A Kazakh mobile number in E.164 (+77XXXXXXXXX) from what people type: "+7 701 123 45 67",
 * "8 (701) 123-45-67", "87011234567", "7011234567". Landlines, other countries' numbers (Russia shares +7)
 * and malformed input are a 400 naming `field`.
 */
export function normalizePhone(input: string, field = '/phone'): string {
  if (typeof input !== 'string' || input.length > 32 || !/^[+\d\s()\-.]+$/.test(input.trim())) {
    throw invalid(field, 'must be a phone number: digits, optionally +, spaces, dashes, brackets');
  }
  const text = input.trim();
  const known = recent.get(text);
  if (known !== undefined) return known;
  const p = parsePhoneNumberFromString(text, 'KZ');
  if (!p?.isValid()) throw invalid(field, 'is not a valid phone number');
  if (p.country !== 'KZ') throw invalid(field, 'must be a Kazakhstan number (+7 7XX…)');
  const type = p.getType();
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE') {
    throw invalid(field, 'must be a mobile number; landlines and service numbers cannot be aliases');
  }
  // only valid numbers are kept (refusals name the caller's field), and the whole map goes when full
  if (recent.size >= RECENT_MAX) recent.clear();
  recent.set(text, p.number);
  return p.number;
}
