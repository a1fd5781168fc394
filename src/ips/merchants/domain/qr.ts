/**
 * The registry's QR codes (IPS-4): the EMV model of a merchant's static or dynamic code, the check of
 * a dynamic code against its record, and the EMV errors as the platform's validation problems. Pure.
 */
import { type EmvQr, EmvQrError, MAX_AMOUNT } from '../../../../packages/emv-qr/index.ts';
import { DomainError, type FieldIssue, invalid } from '../../../platform/pure.ts';
import type { Merchant } from './merchant.ts';

/** Template 62 fields a bank may put on a code (the reference label of a dynamic code is the registry's). */
export interface QrLabels {
  billNumber?: string | undefined;
  terminalLabel?: string | undefined;
  storeLabel?: string | undefined;
  purpose?: string | undefined;
}

export interface DynamicQrInput extends QrLabels {
  /** tiyn, 1…{@link MAX_AMOUNT}. */
  amount: bigint;
  /** The registry's id of the code, written as the reference label (62.05). */
  reference: string;
}

/** A recorded dynamic code. */
export interface DynamicQr {
  /** = the reference label (62.05): unique across the registry. */
  id: string;
  merchantPk: string;
  acquirerId: string;
  amount: bigint;
  billNumber: string | null;
  payload: string;
  expiresAt: string | null;
  createdAt: string;
  paidAt: string | null;
  paymentId: string | null;
}

export type QrStatus = 'open' | 'paid' | 'expired';

export function qrStatus(q: DynamicQr, now: Date): QrStatus {
  if (q.paidAt !== null) return 'paid';
  if (q.expiresAt !== null && Date.parse(q.expiresAt) <= now.getTime()) return 'expired';
  return 'open';
}

function labels(l: QrLabels, reference?: string): EmvQr['additionalData'] {
  const data: NonNullable<EmvQr['additionalData']> = {};
  if (l.billNumber !== undefined) data.billNumber = l.billNumber;
  if (l.storeLabel !== undefined) data.storeLabel = l.storeLabel;
  if (reference !== undefined) data.referenceLabel = reference;
  if (l.terminalLabel !== undefined) data.terminalLabel = l.terminalLabel;
  if (l.purpose !== undefined) data.purpose = l.purpose;
  return Object.keys(data).length > 0 ? data : undefined;
}

function base(m: Merchant): Omit<EmvQr, 'initiation'> {
  const qr: Omit<EmvQr, 'initiation'> = {
    merchantAccount: {
      bic: m.acquirerBic,
      merchantId: m.merchantId,
      ...(m.taxId !== null ? { taxId: m.taxId } : {}),
    },
    mcc: m.mcc,
    merchantName: m.name,
    merchantCity: m.city,
  };
  if (m.postalCode !== null) qr.postalCode = m.postalCode;
  if (m.alternateLanguage !== null) {
    qr.alternateLanguage = {
      language: m.alternateLanguage.language,
      merchantName: m.alternateLanguage.merchantName,
      ...(m.alternateLanguage.merchantCity !== null ? { merchantCity: m.alternateLanguage.merchantCity } : {}),
    };
  }
  return qr;
}

/** The merchant's static code: no amount (the payer enters it), one sticker for many payments. */
export function staticQrModel(m: Merchant, l: QrLabels = {}): EmvQr {
  const additionalData = labels(l);
  return { initiation: 'static', ...base(m), ...(additionalData ? { additionalData } : {}) };
}

/** A dynamic code for one order: its amount and the registry's reference label. */
export function dynamicQrModel(m: Merchant, input: DynamicQrInput): EmvQr {
  return { initiation: 'dynamic', ...base(m), amount: input.amount, additionalData: labels(input, input.reference) };
}

/** Checks an amount for a dynamic code: > 0 and within what the QR's 13-character field holds. */
export function checkQrAmount(amount: bigint, field = '/amount'): bigint {
  if (amount <= 0n) throw invalid(field, 'must be greater than zero');
  if (amount > MAX_AMOUNT) throw invalid(field, 'must be at most 9999999999.99 (what the QR amount field holds)');
  return amount;
}

/** Request fields by EMV tag, so an encoding problem names the field the caller sent. */
const FIELD_OF_TAG: Record<string, string> = {
  '26.01': '/acquirerBic',
  '26.02': '/merchantId',
  '26.03': '/taxId',
  '52': '/mcc',
  '54': '/amount',
  '59': '/name',
  '60': '/city',
  '61': '/postalCode',
  '62': '/',
  '62.01': '/billNumber',
  '62.03': '/storeLabel',
  '62.07': '/terminalLabel',
  '62.08': '/purpose',
  '64.01': '/alternateLanguage/merchantName',
  '64.02': '/alternateLanguage/merchantCity',
};

/** An encoder error as a 400 naming the request field (a whole-template overflow names the template). */
export function encodingProblem(e: EmvQrError): DomainError {
  const field = FIELD_OF_TAG[e.tag] ?? '/';
  const message =
    e.tag === '62' && e.code === 'bad_length'
      ? 'the QR additional data (bill number, labels, purpose and the 25-character reference) is over 99 characters: shorten them'
      : `${e.message} (${e.code})`;
  return new DomainError('validation', `${field}: ${message}`, { issues: [{ field, message }], reason: e.code });
}

/** A payload that does not decode, as a 400 naming the EMV problem and where it was met. */
export function payloadProblem(e: EmvQrError, field = '/payload'): DomainError {
  const where = e.offset !== undefined ? ` at character ${e.offset}` : '';
  const message = `not a valid NDFI QR code: ${e.message}${where} (${e.code})`;
  const issue: FieldIssue = { field, message };
  return new DomainError('validation', `${field}: ${message}`, { issues: [issue], reason: e.code });
}

export const isEmvQrError = (e: unknown): e is EmvQrError => e instanceof EmvQrError;
