import { invalid } from '../../platform/pure.ts';
import type { ClearingPayment } from './payment.ts';

/** One participant's totals in a clearing cycle. `net` = received − sent: > 0 is a credit, < 0 a debit. */
export interface NetPosition {
  sent: bigint;
  received: bigint;
  countSent: number;
  countReceived: number;
  net: bigint;
}

/**
 * A cycle reduced to bilateral totals: `amount[d][c]` and `count[d][c]` over all payments from d to c.
 * Multilateral positions, and the effect of dropping a participant's outgoing payments, are then O(N)
 * or O(N²) in participants instead of O(payments).
 */
export interface BilateralTotals {
  /** Participant ids by index, in order of first appearance. */
  participants: string[];
  index: Map<string, number>;
  amount: bigint[][];
  count: number[][];
}

/**
 * One pass over the payments. Per payment: two Map lookups and one bigint addition into a matrix
 * cell — nothing is allocated per payment except the bigint sum itself. When `debtorOut` is given
 * (length ≥ payments.length) it receives each payment's debtor index, so a caller can partition the
 * payments later without looking the debtor up again.
 *
 * Checks the two structural rules the settlement algorithm relies on (amount > 0, debtor ≠ creditor);
 * the business limit is an intake rule (validateClearingPayment) and not re-checked here.
 */
export function bilateralTotals(payments: readonly ClearingPayment[], debtorOut?: Int32Array): BilateralTotals {
  const participants: string[] = [];
  const index = new Map<string, number>();
  const amount: bigint[][] = [];
  const count: number[][] = [];
  // a new participant widens every row by one column: O(N²) over the whole pass, N is small (banks)
  const intern = (who: string): number => {
    const i = participants.length;
    participants.push(who);
    index.set(who, i);
    for (let r = 0; r < i; r++) {
      amount[r]!.push(0n);
      count[r]!.push(0);
    }
    amount.push(new Array<bigint>(i + 1).fill(0n));
    count.push(new Array<number>(i + 1).fill(0));
    return i;
  };
  const n = payments.length;
  for (let k = 0; k < n; k++) {
    const p = payments[k]!;
    const d = index.get(p.debtor) ?? intern(p.debtor);
    const c = index.get(p.creditor) ?? intern(p.creditor);
    const a = p.amount;
    if (d === c) throw invalid(`/payments/${k}/creditor`, `payment ${p.id}: creditor must differ from debtor`);
    if (!(a > 0n)) throw invalid(`/payments/${k}/amount`, `payment ${p.id}: amount must be greater than zero`);
    const row = amount[d]!;
    row[c] = row[c]! + a;
    count[d]![c]!++;
    if (debtorOut) debtorOut[k] = d;
  }
  return { participants, index, amount, count };
}

/** Multilateral positions by participant index: row sums are outgoing, column sums incoming. */
export function positionsOf(t: BilateralTotals): NetPosition[] {
  const n = t.participants.length;
  const out: NetPosition[] = [];
  for (let i = 0; i < n; i++) out.push({ sent: 0n, received: 0n, countSent: 0, countReceived: 0, net: 0n });
  for (let d = 0; d < n; d++) {
    const row = t.amount[d]!;
    const cnt = t.count[d]!;
    const pd = out[d]!;
    for (let c = 0; c < n; c++) {
      const a = row[c]!;
      if (a === 0n) continue;
      const pc = out[c]!;
      pd.sent += a;
      pd.countSent += cnt[c]!;
      pc.received += a;
      pc.countReceived += cnt[c]!;
    }
  }
  for (const p of out) p.net = p.received - p.sent;
  return out;
}

/** Participant ids sorted by code unit order: locale-independent, so results do not depend on the host. */
export const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Multilateral netting: each participant's Σ incoming − Σ outgoing. The map iterates in participant-id
 * order so the result does not depend on the order of the payments. Σ net = 0 by construction.
 */
export function netPositions(payments: readonly ClearingPayment[]): Map<string, NetPosition> {
  const t = bilateralTotals(payments);
  const positions = positionsOf(t);
  const out = new Map<string, NetPosition>();
  for (const who of [...t.participants].sort(byId)) out.set(who, positions[t.index.get(who)!]!);
  return out;
}
