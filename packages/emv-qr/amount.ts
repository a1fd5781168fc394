/**
 * Transaction amount (ID 54): EMV writes it as text, up to 13 characters, digits with an optional
 * "." and decimals; the model holds bigint tiyn (KZT has 2 minor digits). No floats on either side.
 */
import { EmvQrError } from './errors.ts';
import { checkText, MAX_AMOUNT } from './model.ts';

/** Digits, no leading zeros, optionally "." and 1–2 decimals: "1500", "1500.5", "1500.50", "0.75". */
const AMOUNT = /^(0|[1-9][0-9]*)(?:\.([0-9]{1,2}))?$/;

/** "1500.50" → 150050n; `bad_format` for anything float-like ("1e3", ".5", "1,5", "-1", "1.", "1.234"). */
export function parseAmount(text: string, tag = '54'): bigint {
  checkText(text, tag, 1, 13);
  const m = AMOUNT.exec(text);
  if (m === null) {
    throw new EmvQrError('bad_format', tag, `${JSON.stringify(text)} is not an amount like 1500.00`);
  }
  const amount = BigInt(m[1]!) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
  return checkAmount(amount, tag);
}

/** 150050n → "1500.50": always two decimals. */
export function formatAmount(amount: bigint, tag = '54'): string {
  checkAmount(amount, tag);
  return `${amount / 100n}.${String(amount % 100n).padStart(2, '0')}`;
}

export function checkAmount(amount: unknown, tag = '54'): bigint {
  if (typeof amount !== 'bigint')
    throw new EmvQrError('bad_format', tag, `amount is a ${typeof amount}, not a bigint of tiyn`);
  if (amount <= 0n) throw new EmvQrError('bad_value', tag, 'amount must be positive');
  if (amount > MAX_AMOUNT) throw new EmvQrError('bad_value', tag, `amount over ${MAX_AMOUNT} tiyn`);
  return amount;
}
