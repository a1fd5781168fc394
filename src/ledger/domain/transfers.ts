/**
 * Applying transfers to the in-memory balances, TigerBeetle-style: in arrival order, each against the
 * balances left by the previous one. Pure: `now` is passed in; mutations go through LedgerState's journal.
 */
import { MAX_MINOR } from '../../platform/pure.ts';
import {
  type AccountRecord,
  CREDITS_MUST_NOT_EXCEED_DEBITS,
  DEBITS_MUST_NOT_EXCEED_CREDITS,
  expiresAt,
  HISTORY,
  PENDING,
  POST,
  type TransferRecord,
  transferFlags,
  VOID,
} from './model.ts';
import type { Batch, LedgerState } from './state.ts';
import type { FailureReason, TransferInput } from './types.ts';

/** The stored record (new, or the earlier one for a replay), or why the id cannot be used. */
export type Outcome = TransferRecord | 'exists_with_different_fields';

const failed = (o: Outcome): boolean => typeof o === 'string' || o.result !== 'ok';

/** Same id, same request? Fields a post/void may omit match whatever the writer filled in. */
export function sameContent(r: TransferRecord, t: TransferInput): boolean {
  const flags = transferFlags(t);
  if (r.flags !== flags || r.code !== t.code || r.reference !== (t.reference ?? '')) return false;
  if (flags & (POST | VOID)) {
    return (
      r.pendingId === t.pendingId &&
      (t.debitAccountId === undefined || t.debitAccountId === r.debitAccountId) &&
      (t.creditAccountId === undefined || t.creditAccountId === r.creditAccountId) &&
      (t.currency === undefined || t.currency === r.currency) &&
      (t.amount === undefined || t.amount === r.amount)
    );
  }
  return (
    r.debitAccountId === t.debitAccountId &&
    r.creditAccountId === t.creditAccountId &&
    r.amount === t.amount &&
    r.currency === t.currency &&
    r.timeoutSeconds === (t.timeoutSeconds ?? 0)
  );
}

/**
 * Applies one submit. Consecutive transfers flagged `linked` form a chain with the first unflagged one after
 * them: if any member fails, the chain's effects are undone, the failing member reports its reason and the
 * others 'linked_event_failed'. A chain still open at the end of the submit fails as a whole.
 */
export function applyTransfers(s: LedgerState, b: Batch, inputs: readonly TransferInput[], now: number): Outcome[] {
  const out: Outcome[] = new Array(inputs.length);
  let i = 0;
  while (i < inputs.length) {
    let end = i;
    while (end < inputs.length - 1 && inputs[end]!.flags?.linked) end++;
    const open = inputs[end]!.flags?.linked === true;
    if (end === i && !open) {
      out[i] = applyOne(s, b, inputs[i]!, now);
    } else {
      applyChain(s, b, inputs, i, end, open, now, out);
    }
    i = end + 1;
  }
  return out;
}

function applyOne(s: LedgerState, b: Batch, t: TransferInput, now: number): Outcome {
  const prior = s.find(t.id);
  if (prior) return sameContent(prior, t) ? prior : 'exists_with_different_fields';
  return execute(s, b, t, now);
}

function applyChain(
  s: LedgerState,
  b: Batch,
  inputs: readonly TransferInput[],
  from: number,
  to: number,
  open: boolean,
  now: number,
  out: Outcome[],
): void {
  const m = s.mark(b);
  let failedAt = -1;
  let reason: FailureReason | undefined;
  if (open) {
    failedAt = to;
    reason = 'linked_event_chain_open';
  } else {
    for (let k = from; k <= to; k++) {
      const o = applyOne(s, b, inputs[k]!, now);
      out[k] = o;
      if (failed(o)) {
        failedAt = k;
        reason = typeof o === 'string' ? o : o.result === 'ok' ? undefined : o.result;
        break;
      }
    }
    if (failedAt < 0) return;
  }
  s.rollback(m, b);
  for (let k = from; k <= to; k++) {
    const t = inputs[k]!;
    const prior = s.find(t.id);
    if (prior) out[k] = sameContent(prior, t) ? prior : 'exists_with_different_fields';
    else out[k] = reject(s, b, t, k === failedAt && reason ? reason : 'linked_event_failed', now);
  }
}

function newRecord(s: LedgerState, t: TransferInput, flags: number, now: number): TransferRecord {
  return {
    seq: ++s.seq,
    id: t.id,
    debitAccountId: t.debitAccountId ?? '',
    creditAccountId: t.creditAccountId ?? '',
    amount: t.amount ?? 0n,
    currency: t.currency ?? '',
    code: t.code,
    reference: t.reference ?? '',
    flags,
    pendingId: t.pendingId ?? null,
    timeoutSeconds: t.timeoutSeconds ?? 0,
    timestamp: now,
    result: 'ok',
    state: null,
  };
}

/** Records a rejection: the id is spent, no balance moves. */
function reject(s: LedgerState, b: Batch, t: TransferInput, reason: FailureReason, now: number): TransferRecord {
  const r = newRecord(s, t, transferFlags(t), now);
  r.result = reason;
  s.record(b, r);
  return r;
}

/** Above this, a sum of two balances might overflow 64 bits: only then is the exact check needed. */
const HALF = MAX_MINOR / 2n;

function execute(s: LedgerState, b: Batch, t: TransferInput, now: number): TransferRecord {
  const flags = transferFlags(t);
  if (flags & (POST | VOID)) return resolve(s, b, t, flags, now);
  if (t.debitAccountId === t.creditAccountId) return reject(s, b, t, 'accounts_must_be_different', now);
  const dr = s.accounts.get(t.debitAccountId!);
  const cr = s.accounts.get(t.creditAccountId!);
  if (!dr || !cr) return reject(s, b, t, 'account_not_found', now);
  if (dr.currency !== t.currency || cr.currency !== t.currency) return reject(s, b, t, 'currency_mismatch', now);
  const amount = t.amount!;
  const pending = (flags & PENDING) !== 0;
  // the new value of the balance this transfer grows on each side; the limits count posted + pending
  const drNew = (pending ? dr.debitsPending : dr.debitsPosted) + amount;
  const crNew = (pending ? cr.creditsPending : cr.creditsPosted) + amount;
  const drOther = pending ? dr.debitsPosted : dr.debitsPending;
  const crOther = pending ? cr.creditsPosted : cr.creditsPending;
  if (dr.flags & DEBITS_MUST_NOT_EXCEED_CREDITS && drNew + drOther > dr.creditsPosted) {
    return reject(s, b, t, 'exceeds_credits', now);
  }
  if (cr.flags & CREDITS_MUST_NOT_EXCEED_DEBITS && crNew + crOther > cr.debitsPosted) {
    return reject(s, b, t, 'exceeds_debits', now);
  }
  if ((drNew > HALF || drOther > HALF) && drNew + drOther > MAX_MINOR) return reject(s, b, t, 'overflow', now);
  if ((crNew > HALF || crOther > HALF) && crNew + crOther > MAX_MINOR) return reject(s, b, t, 'overflow', now);

  const r = newRecord(s, t, flags, now);
  s.touch(b, dr);
  s.touch(b, cr);
  if (pending) {
    dr.debitsPending = drNew;
    cr.creditsPending = crNew;
    r.state = 'pending';
    s.openPending(r);
  } else {
    dr.debitsPosted = drNew;
    cr.creditsPosted = crNew;
  }
  s.record(b, r);
  if ((dr.flags | cr.flags) & HISTORY) keepHistory(b, r, dr, cr);
  return r;
}

function pendingProblem(
  p: TransferRecord | undefined,
  t: TransferInput,
  post: boolean,
  now: number,
): FailureReason | undefined {
  if (!p || !(p.flags & PENDING) || p.result !== 'ok') return 'pending_not_found';
  if (p.state === 'posted') return 'pending_already_posted';
  if (p.state === 'voided') return 'pending_already_voided';
  if (p.state === 'expired') return 'pending_expired';
  if (
    (t.debitAccountId !== undefined && t.debitAccountId !== p.debitAccountId) ||
    (t.creditAccountId !== undefined && t.creditAccountId !== p.creditAccountId) ||
    (t.currency !== undefined && t.currency !== p.currency)
  ) {
    return 'pending_mismatch';
  }
  if (t.amount !== undefined && t.amount !== p.amount) {
    if (!post) return 'pending_mismatch';
    if (t.amount > p.amount) return 'amount_exceeds_pending';
  }
  const deadline = expiresAt(p);
  if (deadline !== null && now >= deadline) return 'pending_expired';
  return undefined;
}

/** Post (fully or partly) or void a pending transfer: its reservation is released either way. */
function resolve(s: LedgerState, b: Batch, t: TransferInput, flags: number, now: number): TransferRecord {
  const post = (flags & POST) !== 0;
  const p = s.find(t.pendingId!);
  const problem = pendingProblem(p, t, post, now);
  if (problem || !p) {
    const r = reject(s, b, t, problem ?? 'pending_not_found', now);
    if (p && p.flags & PENDING) fillFromPending(r, p, t);
    return r;
  }
  const r = newRecord(s, t, flags, now);
  fillFromPending(r, p, t);
  settlePending(s, b, r, p, post ? 'posted' : 'voided');
  return r;
}

/** Fills what the request omitted; what it gave stays as given, so a replay of a rejection still matches. */
function fillFromPending(r: TransferRecord, p: TransferRecord, t: TransferInput): void {
  if (t.debitAccountId === undefined) r.debitAccountId = p.debitAccountId;
  if (t.creditAccountId === undefined) r.creditAccountId = p.creditAccountId;
  if (t.currency === undefined) r.currency = p.currency;
  if (t.amount === undefined) r.amount = p.amount;
}

function settlePending(
  s: LedgerState,
  b: Batch,
  r: TransferRecord,
  p: TransferRecord,
  state: 'posted' | 'voided' | 'expired',
): void {
  const dr = s.accounts.get(p.debitAccountId)!;
  const cr = s.accounts.get(p.creditAccountId)!;
  s.touch(b, dr);
  s.touch(b, cr);
  dr.debitsPending -= p.amount;
  cr.creditsPending -= p.amount;
  if (state === 'posted') {
    dr.debitsPosted += r.amount;
    cr.creditsPosted += r.amount;
  }
  s.closePending(b, p, state);
  s.record(b, r);
  keepHistory(b, r, dr, cr);
}

function keepHistory(b: Batch, r: TransferRecord, dr: AccountRecord, cr: AccountRecord): void {
  if (dr.flags & HISTORY) b.history.push(snapshot(dr, r.seq));
  if (cr.flags & HISTORY) b.history.push(snapshot(cr, r.seq));
}

const snapshot = (a: AccountRecord, seq: number) => ({
  accountId: a.id,
  seq,
  debitsPending: a.debitsPending,
  debitsPosted: a.debitsPosted,
  creditsPending: a.creditsPending,
  creditsPosted: a.creditsPosted,
});

/**
 * Voids every pending transfer whose timeout has passed at `now`, each as a transfer of its own with the
 * derived id `<pendingId>#timeout` (clients cannot use '#'), so the ledger's history replays exactly.
 */
export function expirePending(s: LedgerState, b: Batch, now: number): number {
  const due: TransferRecord[] = [];
  for (const p of s.pending.values()) {
    const deadline = expiresAt(p);
    if (deadline !== null && deadline <= now) due.push(p);
  }
  for (const p of due) {
    const r: TransferRecord = {
      seq: ++s.seq,
      id: `${p.id}#timeout`,
      debitAccountId: p.debitAccountId,
      creditAccountId: p.creditAccountId,
      amount: p.amount,
      currency: p.currency,
      code: p.code,
      reference: 'timeout',
      flags: VOID,
      pendingId: p.id,
      timeoutSeconds: 0,
      timestamp: now,
      result: 'ok',
      state: null,
    };
    settlePending(s, b, r, p, 'expired');
  }
  return due.length;
}
