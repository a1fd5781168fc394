import { DomainError, invalid } from './errors.ts';

/**
 * Money is an integer count of minor units (tiyn for KZT) in a bigint, with an explicit currency.
 * This file is the only place amounts are parsed from or formatted to text.
 */
export type Currency = 'KZT' | 'USD' | 'EUR' | 'RUB' | 'CNY';
export const CURRENCIES: readonly Currency[] = ['KZT', 'USD', 'EUR', 'RUB', 'CNY'];

export interface Money {
  amount: bigint;
  currency: Currency;
}

/** Largest amount the ledger stores: a signed 64-bit column. */
export const MAX_MINOR = 2n ** 63n - 1n;

const DECIMAL = /^(-)?(\d{1,19})(?:\.(\d{1,2}))?$/;

export interface ParseOptions {
  /** Field name used in error messages. */
  field?: string;
  allowNegative?: boolean;
  allowZero?: boolean;
}

/**
 * Parses a decimal string in major units ("1234.5" KZT → 123450n tiyn). Numbers are refused outright
 * because a JSON number has already passed through a float.
 */
export function parseAmount(input: unknown, opts: ParseOptions = {}): bigint {
  const field = opts.field ?? 'amount';
  if (typeof input !== 'string') {
    throw invalid(field, 'must be a decimal string such as "1500.00" (numbers are refused: they are floats)');
  }
  const m = DECIMAL.exec(input.trim());
  if (!m) throw invalid(field, `"${input}" is not a decimal amount with at most 2 decimals`);
  const minor = BigInt(m[2]!) * 100n + BigInt((m[3] ?? '').padEnd(2, '0') || '0');
  const value = m[1] ? -minor : minor;
  return checkMinor(value, { ...opts, field });
}

/** Checks an amount already in minor units (e.g. from a `"123450"` minor-units field). */
export function checkMinor(value: bigint, opts: ParseOptions = {}): bigint {
  const field = opts.field ?? 'amount';
  if (value > MAX_MINOR || value < -MAX_MINOR) throw invalid(field, 'amount overflows a 64-bit minor-unit value');
  if (value < 0n && !opts.allowNegative) throw invalid(field, 'must not be negative');
  if (value === 0n && !(opts.allowZero ?? true)) throw invalid(field, 'must be greater than zero');
  return value;
}

/** Parses a minor-units integer string ("123450"). */
export function parseMinor(input: unknown, opts: ParseOptions = {}): bigint {
  const field = opts.field ?? 'amount';
  if (typeof input === 'bigint') return checkMinor(input, opts);
  if (typeof input !== 'string' || !/^-?\d{1,19}$/.test(input)) {
    throw invalid(field, 'must be an integer string of minor units');
  }
  return checkMinor(BigInt(input), { ...opts, field });
}

/** Formats minor units as a decimal string in major units: 123450n → "1234.50". */
export function formatAmount(minor: bigint): string {
  const neg = minor < 0n;
  const abs = neg ? -minor : minor;
  const major = abs / 100n;
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${neg ? '-' : ''}${major}.${cents}`;
}

export function parseCurrency(input: unknown, field = 'currency'): Currency {
  if (typeof input !== 'string' || !(CURRENCIES as readonly string[]).includes(input)) {
    throw invalid(field, `must be one of ${CURRENCIES.join(', ')}`);
  }
  return input as Currency;
}

export function addChecked(a: bigint, b: bigint): bigint {
  const r = a + b;
  if (r > MAX_MINOR || r < -MAX_MINOR) throw new DomainError('limit-exceeded', 'amount overflow');
  return r;
}
