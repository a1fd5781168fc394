/**
 * Shape checks that need no state. A request failing them is refused as a whole (DomainError 'validation'
 * naming the field as /index/field) before it reaches the writer; state-dependent rules are in transfers.ts.
 */
import { CURRENCIES, invalid, MAX_MINOR } from '../../platform/pure.ts';
import type { AccountInput, TransferInput } from './types.ts';

/** Printable ASCII without space or '#': the ledger derives ids of its own with '#' (timeouts). */
const ID = /^[\x21\x22\x24-\x7e]{1,128}$/;
const MAX_TIMEOUT_SECONDS = 2 ** 31 - 1;

const isId = (v: unknown): v is string => typeof v === 'string' && ID.test(v);
const isText = (v: unknown, max: number, min = 1): v is string =>
  typeof v === 'string' && v.length >= min && v.length <= max;
const isBool = (v: unknown): boolean => v === undefined || typeof v === 'boolean';

export function checkBatch(items: unknown, max: number, what: string): void {
  if (!Array.isArray(items)) throw invalid('/', `${what} must be an array`);
  if (items.length === 0) throw invalid('/', `${what} must not be empty`);
  if (items.length > max) throw invalid('/', `at most ${max} ${what} per request`);
}

export function checkAccount(a: AccountInput, i: number): void {
  const at = `/${i}`;
  if (typeof a !== 'object' || a === null) throw invalid(at, 'must be an object');
  if (!isId(a.id)) throw invalid(`${at}/id`, 'must be 1–128 printable ASCII characters without spaces or #');
  if (!(CURRENCIES as readonly unknown[]).includes(a.currency)) {
    throw invalid(`${at}/currency`, `must be one of ${CURRENCIES.join(', ')}`);
  }
  if (!isText(a.owner, 128)) throw invalid(`${at}/owner`, 'must be a participant id');
  if (!isText(a.code, 64)) throw invalid(`${at}/code`, 'must be 1–64 characters');
  const f = a.flags;
  if (f !== undefined) {
    if (typeof f !== 'object' || f === null) throw invalid(`${at}/flags`, 'must be an object');
    if (!isBool(f.debitsMustNotExceedCredits) || !isBool(f.creditsMustNotExceedDebits) || !isBool(f.history)) {
      throw invalid(`${at}/flags`, 'flags are booleans');
    }
    if (f.debitsMustNotExceedCredits && f.creditsMustNotExceedDebits) {
      throw invalid(`${at}/flags`, 'debitsMustNotExceedCredits and creditsMustNotExceedDebits are mutually exclusive');
    }
  }
}

const checkAmount = (v: unknown, field: string): void => {
  if (typeof v !== 'bigint') throw invalid(field, 'must be a bigint of minor units');
  if (v <= 0n) throw invalid(field, 'must be greater than zero');
  if (v > MAX_MINOR) throw invalid(field, 'overflows a 64-bit minor-unit value');
};

export function checkTransfer(t: TransferInput, i: number): void {
  const at = `/${i}`;
  if (typeof t !== 'object' || t === null) throw invalid(at, 'must be an object');
  if (!isId(t.id)) throw invalid(`${at}/id`, 'must be 1–128 printable ASCII characters without spaces or #');
  if (!isText(t.code, 64)) throw invalid(`${at}/code`, 'must be 1–64 characters');
  if (t.reference !== undefined && !isText(t.reference, 256, 0))
    throw invalid(`${at}/reference`, 'at most 256 characters');
  const f = t.flags ?? {};
  if (typeof f !== 'object' || f === null) throw invalid(`${at}/flags`, 'must be an object');
  if (!isBool(f.linked) || !isBool(f.pending) || !isBool(f.postPending) || !isBool(f.voidPending)) {
    throw invalid(`${at}/flags`, 'flags are booleans');
  }
  if (Number(!!f.pending) + Number(!!f.postPending) + Number(!!f.voidPending) > 1) {
    throw invalid(`${at}/flags`, 'pending, postPending and voidPending are mutually exclusive');
  }
  const resolves = f.postPending || f.voidPending;
  if (t.currency !== undefined || !resolves) {
    if (!(CURRENCIES as readonly unknown[]).includes(t.currency)) {
      throw invalid(`${at}/currency`, `must be one of ${CURRENCIES.join(', ')}`);
    }
  }
  for (const k of ['debitAccountId', 'creditAccountId'] as const) {
    if ((t[k] !== undefined || !resolves) && !isId(t[k])) throw invalid(`${at}/${k}`, 'must be an account id');
  }
  if (t.amount !== undefined || !resolves) checkAmount(t.amount, `${at}/amount`);
  if (resolves) {
    if (!isId(t.pendingId)) throw invalid(`${at}/pendingId`, 'post and void name the pending transfer');
  } else if (t.pendingId !== undefined) {
    throw invalid(`${at}/pendingId`, 'only with postPending or voidPending');
  }
  if (t.timeoutSeconds !== undefined && t.timeoutSeconds !== 0) {
    if (!f.pending) throw invalid(`${at}/timeoutSeconds`, 'only with pending');
    if (!Number.isInteger(t.timeoutSeconds) || t.timeoutSeconds < 0 || t.timeoutSeconds > MAX_TIMEOUT_SECONDS) {
      throw invalid(`${at}/timeoutSeconds`, 'must be a whole number of seconds');
    }
  }
}
