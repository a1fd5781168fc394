/**
 * The NDFI QR model (IPS-4) and the rules both the encoder and the decoder apply to its fields,
 * so that whatever one accepts, the other does too.
 */
import { EmvQrError } from './errors.ts';
import { lengthOf, parseObjects } from './tlv.ts';

/** Globally unique identifier (sub-tag 00) of the NDFI merchant account information template. */
export const NDFI_GUI = 'KZ.NDFI';
/** The merchant account information template NDFI uses (EMV ids 26–51 are for payment networks). */
export const NDFI_TEMPLATE_ID = '26';
/** Transaction currency: tenge, ISO 4217 numeric. */
export const CURRENCY_KZT = '398';
export const COUNTRY_KZ = 'KZ';
/** The largest amount the 13-character field holds with two decimals: 9 999 999 999.99 KZT. */
export const MAX_AMOUNT = 999_999_999_999n;

/** "11" static (one code for many payments), "12" dynamic (one code per payment: amount and order). */
export type Initiation = 'static' | 'dynamic';

/** Template 26: who acquires the payment and for which merchant. */
export interface NdfiMerchantAccount {
  /** 26.01: the acquiring participant's BIC (ISO 9362, 8 or 11 characters). */
  bic: string;
  /** 26.02: the merchant's id at the acquirer, 1–32 printable ASCII characters without spaces. */
  merchantId: string;
  /** 26.03: the merchant's BIN or IIN (12 digits), optional. */
  taxId?: string;
}

/** Template 62. Each field 1–25 printable ASCII characters ("***" asks the payer's app to prompt). */
export interface AdditionalData {
  billNumber?: string; // 01
  mobileNumber?: string; // 02
  storeLabel?: string; // 03
  loyaltyNumber?: string; // 04
  referenceLabel?: string; // 05
  customerLabel?: string; // 06
  terminalLabel?: string; // 07
  purpose?: string; // 08
  /** 09: what the payer's app should collect: any of "A" (address), "M" (mobile), "E" (e-mail), each once. */
  consumerDataRequest?: string;
}

/** Template 64: the merchant's name (and city) in another language, in any script. */
export interface AlternateLanguage {
  /** 64.00: ISO 639-1 code, e.g. "kk" or "ru". */
  language: string;
  /** 64.01: 1–25 characters. */
  merchantName: string;
  /** 64.02: 1–15 characters. */
  merchantCity?: string;
}

/**
 * One NDFI merchant-presented QR code. The payload format indicator ("01"), currency (398) and
 * country (KZ) are fixed by the standard and so not part of the model.
 */
export interface EmvQr {
  initiation: Initiation;
  merchantAccount: NdfiMerchantAccount;
  /** 52: ISO 18245 merchant category code, 4 digits. */
  mcc: string;
  /** 54: in tiyn (minor units), 1…{@link MAX_AMOUNT}. Required when dynamic, optional when static. */
  amount?: bigint;
  /** 59: 1–25 printable ASCII characters. */
  merchantName: string;
  /** 60: 1–15 printable ASCII characters. */
  merchantCity: string;
  /** 61: 1–10 printable ASCII characters. */
  postalCode?: string;
  additionalData?: AdditionalData;
  alternateLanguage?: AlternateLanguage;
  /**
   * Other payment networks' merchant account information (ids 02–25 primitive, 27–51 templates)
   * and unreserved templates (80–99), kept verbatim by id so one sticker can serve several schemes.
   */
  otherData?: Record<string, string>;
}

// ---- field rules ----

type Charset = 'ascii' | 'unicode';

const ASCII_PRINTABLE = /^[\x20-\x7e]*$/;
const UNICODE_PRINTABLE = /^[^\p{C}\p{Zl}\p{Zp}]*$/u;

/** Checks a text field's type, length (in characters), character set and, optionally, shape. */
export function checkText(
  value: unknown,
  tag: string,
  min: number,
  max: number,
  charset: Charset = 'ascii',
  shape?: RegExp,
  shapeName?: string,
): string {
  if (typeof value !== 'string') throw new EmvQrError('bad_format', tag, `not a string but ${typeof value}`);
  const length = lengthOf(value);
  if (length < min || length > max) {
    throw new EmvQrError('bad_length', tag, `${length} characters, not ${min === max ? min : `${min}…${max}`}`);
  }
  if (!(charset === 'ascii' ? ASCII_PRINTABLE : UNICODE_PRINTABLE).test(value)) {
    throw new EmvQrError(
      'bad_char',
      tag,
      charset === 'ascii' ? 'only printable ASCII characters are allowed' : 'non-printable character',
    );
  }
  if (shape !== undefined && !shape.test(value)) {
    throw new EmvQrError('bad_format', tag, `${JSON.stringify(value)} is not ${shapeName ?? shape.source}`);
  }
  return value;
}

export const BIC = /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/;
export const MERCHANT_ID = /^[\x21-\x7e]+$/;
export const TAX_ID = /^[0-9]{12}$/;
export const MCC = /^[0-9]{4}$/;
export const LANGUAGE = /^[A-Za-z]{2}$/;
/** Any of A, M, E, each at most once. */
export const CONSUMER_DATA_REQUEST = /^(?!.*(.).*\1)[AME]{1,3}$/;

/** Template 62's fields by sub-tag: model key and maximum length. */
export const ADDITIONAL_DATA_FIELDS = [
  ['01', 'billNumber', 25],
  ['02', 'mobileNumber', 25],
  ['03', 'storeLabel', 25],
  ['04', 'loyaltyNumber', 25],
  ['05', 'referenceLabel', 25],
  ['06', 'customerLabel', 25],
  ['07', 'terminalLabel', 25],
  ['08', 'purpose', 25],
  ['09', 'consumerDataRequest', 3],
] as const satisfies readonly (readonly [string, keyof AdditionalData, number])[];

export type OtherDataKind = 'primitive' | 'template';

/** What an id outside NDFI's own fields may carry in {@link EmvQr.otherData}, or undefined if it may not. */
export function otherDataKind(id: string): OtherDataKind | undefined {
  if (!/^[0-9]{2}$/.test(id)) return undefined;
  const n = Number(id);
  if (n >= 2 && n <= 25) return 'primitive';
  if ((n >= 27 && n <= 51) || n >= 80) return 'template';
  return undefined;
}

/** Why an id is refused at the top level (for the error message). */
export function refusalOf(id: string): string {
  const n = Number(id);
  if (n >= 55 && n <= 57) return 'tip and convenience fees are not allowed: C2B is free for the payer (IPS-7)';
  return 'not a data object of the NDFI QR standard';
}

/**
 * Another network's data object: 1–99 printable ASCII characters; a template (27–51, 80–99) must
 * be well-formed and carry its globally unique identifier (00). `offset` is where the decoder met it.
 */
export function checkOtherData(id: string, value: unknown, offset?: number): string {
  const kind = otherDataKind(id);
  if (kind === undefined) throw new EmvQrError('unsupported_tag', id, refusalOf(id), offset);
  const text = checkText(value, id, 1, 99);
  if (kind === 'template') {
    const subs = parseObjects(text, `${id}.`, (offset ?? 0) + 4);
    if (!subs.some((s) => s.id === '00')) {
      throw new EmvQrError(
        'missing_tag',
        `${id}.00`,
        'no globally unique identifier',
        offset === undefined ? undefined : offset + 4,
      );
    }
  }
  return text;
}
