/**
 * The IPS merchant registry's rules (IPS-4): what an acquiring bank may register for a merchant so
 * that every field fits the one interbank QR standard (packages/emv-qr) and the merchant can be paid.
 * Pure: no I/O.
 */
import { DomainError, invalid } from '../../../platform/pure.ts';

export type MerchantStatus = 'active' | 'suspended';
export const MERCHANT_STATUSES: readonly MerchantStatus[] = ['active', 'suspended'];

/** Languages of the QR's template 64 (the merchant's name in Kazakh or Russian). */
export type MerchantLanguage = 'kk' | 'ru';
export const MERCHANT_LANGUAGES: readonly MerchantLanguage[] = ['kk', 'ru'];

export interface AlternateName {
  language: MerchantLanguage;
  /** 1–25 characters of any script. */
  merchantName: string;
  /** 1–15 characters of any script. */
  merchantCity: string | null;
}

export interface Merchant {
  /** Registry id (`mch_…`), the resource id in URLs. */
  id: string;
  /** The acquiring participant's id and, frozen at registration, its BIC (QR tag 26.01). */
  acquirerId: string;
  acquirerBic: string;
  /** The merchant's id at the acquirer (QR tag 26.02), unique per acquirer. */
  merchantId: string;
  /** QR tag 59: 1–25 printable ASCII characters. */
  name: string;
  /** QR tag 60: 1–15 printable ASCII characters. */
  city: string;
  /** ISO 18245 merchant category code (QR tag 52). */
  mcc: string;
  /** The merchant's settlement account at the acquirer: a Kazakh IBAN (20 characters). Never in a QR. */
  account: string;
  /** The merchant's BIN or IIN (12 digits, QR tag 26.03). */
  taxId: string | null;
  /** QR tag 61: 1–10 printable ASCII characters. */
  postalCode: string | null;
  /** QR template 64. */
  alternateLanguage: AlternateName | null;
  /** Reference to the merchant's fee tariff package (IPS-7); the tariff engine resolves it. Never charged to the payer. */
  tariffRef: string | null;
  status: MerchantStatus;
  createdAt: string;
  updatedAt: string;
}

/** What a bank sends to register a merchant. */
export interface MerchantInput {
  merchantId: string;
  name: string;
  city: string;
  mcc: string;
  account: string;
  taxId?: string | null | undefined;
  postalCode?: string | null | undefined;
  alternateLanguage?: { language: string; merchantName: string; merchantCity?: string | null } | null | undefined;
  tariffRef?: string | null | undefined;
}

/** A change: absent fields stay, `null` clears an optional one. The merchant id is permanent (it is printed). */
export type MerchantPatch = Partial<Omit<MerchantInput, 'merchantId'>>;

export type MerchantFields = Omit<Merchant, 'id' | 'acquirerId' | 'acquirerBic' | 'status' | 'createdAt' | 'updatedAt'>;

const ASCII_PRINTABLE = /^[\x20-\x7e]+$/;
/** Any script, but no control, format (zero-width, bidi), private-use, unassigned or surrogate code points. */
const UNICODE_PRINTABLE = /^[^\p{C}\p{Zl}\p{Zp}]+$/u;
/** QR tag 26.02: 1–32 printable ASCII characters without spaces. */
export const MERCHANT_ID = /^[\x21-\x7e]{1,32}$/;
export const TARIFF_REF = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;

/** Length in characters (code points), as EMV counts them. */
const lengthOf = (s: string): number => [...s].length;

function text(value: unknown, field: string, max: number, charset: 'ascii' | 'unicode' = 'ascii'): string {
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  const v = value.trim();
  if (v.length === 0) throw invalid(field, 'must not be empty');
  if (lengthOf(v) > max) throw invalid(field, `must be at most ${max} characters (it has ${lengthOf(v)})`);
  if (!(charset === 'ascii' ? ASCII_PRINTABLE : UNICODE_PRINTABLE).test(v)) {
    throw invalid(
      field,
      charset === 'ascii'
        ? 'only printable Latin (ASCII) characters: the Kazakh or Russian name goes in alternateLanguage'
        : 'contains a control or invisible character',
    );
  }
  return v;
}

/**
 * Merchant category codes that are not purchases from a merchant and so have no place in C2B:
 * cash disbursements by financial institutions.
 */
const NOT_C2B_MCC: ReadonlyMap<string, string> = new Map([
  ['6010', 'manual cash disbursement'],
  ['6011', 'automated cash disbursement (ATM)'],
]);

/** ISO 18245: four digits, 0001–9999; cash disbursement codes are refused. */
export function validateMcc(value: unknown, field = '/mcc'): string {
  if (typeof value !== 'string' || !/^[0-9]{4}$/.test(value)) {
    throw invalid(field, 'must be an ISO 18245 merchant category code of 4 digits, e.g. "5411"');
  }
  if (value === '0000') throw invalid(field, '0000 is not an ISO 18245 merchant category code');
  const why = NOT_C2B_MCC.get(value);
  if (why) throw invalid(field, `${value} (${why}) is not a merchant purchase and cannot be paid by QR`);
  return value;
}

/** ISO 13616 check: move the first 4 characters to the end, letters to numbers, mod 97 = 1. */
function ibanMod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : ch;
    for (const d of digits) rest = (rest * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return rest;
}

/** The two check digits that make `KZ??` + `bban` a valid IBAN (for tests and demo data). */
export function kzIbanOf(bban: string): string {
  const check = 98 - ibanMod97(`KZ00${bban}`);
  return `KZ${String(check).padStart(2, '0')}${bban}`;
}

/** A Kazakh IBAN: KZ, 2 check digits, 3-digit bank code, 13 alphanumerics; spaces are dropped. */
export function validateKzIban(value: unknown, field = '/account'): string {
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  const v = value.replace(/ /g, '').toUpperCase();
  if (!/^KZ[0-9]{2}[0-9]{3}[0-9A-Z]{13}$/.test(v)) {
    throw invalid(field, 'must be a Kazakh IBAN: KZ, 2 check digits, 3-digit bank code, 13 letters or digits');
  }
  if (ibanMod97(v) !== 1) throw invalid(field, 'is not a valid IBAN (check digits do not match)');
  return v;
}

function optional<T>(value: T | null | undefined, check: (v: T) => string): string | null {
  return value === undefined || value === null ? null : check(value);
}

function alternate(value: MerchantInput['alternateLanguage']): AlternateName | null {
  if (value === undefined || value === null) return null;
  if (!(MERCHANT_LANGUAGES as readonly string[]).includes(value.language)) {
    throw invalid('/alternateLanguage/language', `must be one of ${MERCHANT_LANGUAGES.join(', ')}`);
  }
  return {
    language: value.language as MerchantLanguage,
    merchantName: text(value.merchantName, '/alternateLanguage/merchantName', 25, 'unicode'),
    merchantCity:
      value.merchantCity === undefined || value.merchantCity === null
        ? null
        : text(value.merchantCity, '/alternateLanguage/merchantCity', 15, 'unicode'),
  };
}

/** Checks and normalizes everything but the merchant id and the BIN check digit (the service checks that). */
function fields(input: Omit<MerchantInput, 'merchantId'>): Omit<MerchantFields, 'merchantId'> {
  return {
    name: text(input.name, '/name', 25),
    city: text(input.city, '/city', 15),
    mcc: validateMcc(input.mcc),
    account: validateKzIban(input.account),
    taxId: optional(input.taxId, (v) => {
      if (typeof v !== 'string' || !/^[0-9]{12}$/.test(v)) throw invalid('/taxId', 'must be a BIN or IIN of 12 digits');
      return v;
    }),
    postalCode: optional(input.postalCode, (v) => text(v, '/postalCode', 10)),
    alternateLanguage: alternate(input.alternateLanguage),
    tariffRef: optional(input.tariffRef, (v) => {
      if (typeof v !== 'string' || !TARIFF_REF.test(v)) {
        throw invalid('/tariffRef', 'must be 1-64 letters, digits or . _ : / - (a tariff package reference)');
      }
      return v;
    }),
  };
}

export function validateMerchantInput(input: MerchantInput): MerchantFields {
  if (typeof input.merchantId !== 'string' || !MERCHANT_ID.test(input.merchantId)) {
    throw invalid('/merchantId', 'must be 1-32 printable ASCII characters without spaces');
  }
  return { merchantId: input.merchantId, ...fields(input) };
}

/** The merchant after a change; every field is checked again. */
export function applyPatch(m: Merchant, patch: MerchantPatch): MerchantFields {
  const pick = <K extends keyof MerchantPatch>(k: K, current: MerchantPatch[K]): MerchantPatch[K] =>
    k in patch ? patch[k] : current;
  return {
    merchantId: m.merchantId,
    ...fields({
      name: pick('name', m.name) as string,
      city: pick('city', m.city) as string,
      mcc: pick('mcc', m.mcc) as string,
      account: pick('account', m.account) as string,
      taxId: pick('taxId', m.taxId),
      postalCode: pick('postalCode', m.postalCode),
      alternateLanguage: pick('alternateLanguage', m.alternateLanguage),
      tariffRef: pick('tariffRef', m.tariffRef),
    }),
  };
}

export type StatusAction = 'suspend' | 'activate';

/** active ⇄ suspended. A suspended merchant gets no new QR codes and its codes are refused at payment. */
export function nextMerchantStatus(current: MerchantStatus, action: StatusAction): MerchantStatus {
  const to: MerchantStatus = action === 'suspend' ? 'suspended' : 'active';
  if (current === to) throw new DomainError('state', `merchant is already ${current}`);
  return to;
}
