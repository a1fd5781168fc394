/**
 * Amounts: `bigint` minor units in the model, decimal text in XML. Text is converted digit by
 * digit — never through a float — and more fraction digits than the currency has are refused.
 */
import { Fault } from './dsl.ts';

/** ISO 4217 minor units for the currencies the scheme sees; anything else is assumed to have 2. */
export const CURRENCY_DECIMALS: Readonly<Record<string, number>> = {
  KZT: 2,
  USD: 2,
  EUR: 2,
  RUB: 2,
  CNY: 2,
  GBP: 2,
  CHF: 2,
  KGS: 2,
  UZS: 2,
  TRY: 2,
  AED: 2,
  JPY: 0,
  KRW: 0,
  KWD: 3,
  BHD: 3,
};

export function currencyDecimals(ccy: string): number {
  return CURRENCY_DECIMALS[ccy] ?? 2;
}

/** XSD `totalDigits 18`: keeping minor units below 10^18 keeps every formatted amount within it. */
export const MAX_MINOR_UNITS = 10n ** 18n - 1n;

const CCY = /^[A-Z]{3}$/;
const DECIMAL = /^([0-9]+)(?:\.([0-9]+))?$/;

export function checkCurrency(ccy: unknown): string {
  if (typeof ccy !== 'string' || !CCY.test(ccy)) throw new Fault('currency must be three capital letters (ISO 4217)');
  return ccy;
}

/** `1500.00` + KZT → 150000n. */
export function parseAmount(text: string, ccy: string): bigint {
  const m = DECIMAL.exec(text);
  if (m === null) throw new Fault(`amount '${clip(text)}' is not a non-negative decimal`);
  const int = m[1]!;
  const frac = m[2] ?? '';
  // XSD facets first (fractionDigits 5, totalDigits 18), so the kind says which rule was broken.
  const significant = int.replace(/^0+/, '').length + frac.replace(/0+$/, '').length;
  if (frac.length > 5 || significant > 18) throw new Fault(`amount '${clip(text)}' has too many digits`);
  const decimals = currencyDecimals(ccy);
  if (frac.length > decimals) throw new Fault(`${ccy} amounts have at most ${decimals} decimals`, 'field');
  const minor = BigInt(int + frac.padEnd(decimals, '0'));
  if (minor > MAX_MINOR_UNITS) throw new Fault(`amount '${clip(text)}' is too large`, 'field');
  return minor;
}

/** 150000n + KZT → `1500.00`. */
export function formatAmount(minor: bigint, ccy: string): string {
  const decimals = currencyDecimals(ccy);
  if (decimals === 0) return minor.toString();
  const digits = minor.toString().padStart(decimals + 1, '0');
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

export function checkMinorUnits(value: unknown): bigint {
  if (typeof value !== 'bigint') throw new Fault('amount must be a bigint of minor units', 'field');
  if (value < 0n) throw new Fault('amount must not be negative', 'field');
  if (value > MAX_MINOR_UNITS) throw new Fault('amount is too large', 'field');
  return value;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
