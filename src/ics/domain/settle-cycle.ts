import { DomainError } from '../../platform/pure.ts';
import { type BilateralTotals, bilateralTotals, byId, type NetPosition, positionsOf } from './netting.ts';
import { type ClearingPayment, REASON_INSUFFICIENT_FUNDS } from './payment.ts';

/** A payment removed from the cycle because its debtor's debit position was not covered. */
export interface RejectedPayment {
  id: string;
  reason: typeof REASON_INSUFFICIENT_FUNDS;
  /** The uncovered participant (always the payment's debtor). */
  participant: string;
}

/** A participant whose outgoing payments were removed, and why. */
export interface RemovedParticipant {
  participant: string;
  /** Netting round (1-based) in which it was found uncovered. */
  round: number;
  /** Its net position in that round (< 0) and the balance that did not cover it. */
  net: bigint;
  available: bigint;
  /** Its outgoing payments that were rejected. */
  count: number;
  amount: bigint;
}

/** One settlement instruction for IMTS: + credits, − debits the participant's settlement account. */
export interface SettlementLeg {
  participant: string;
  amount: bigint;
}

export interface CycleResult {
  /** Payments that settle, in input order (the input array itself when nothing was removed). */
  settled: readonly ClearingPayment[];
  /** Payments removed, in input order. */
  rejected: RejectedPayment[];
  /** Final positions over the settled payments, by participant id; includes removed participants. */
  positions: Map<string, NetPosition>;
  /** Non-zero final nets by participant id; Σ = 0, and every debit is ≤ the participant's balance. */
  legs: SettlementLeg[];
  /** Participants whose outgoing payments were removed, by round then id. */
  removed: RemovedParticipant[];
  /** Nettings computed: 1 when everyone was covered at once. */
  rounds: number;
}

/**
 * Closes a clearing cycle: nets the payments multilaterally and decides what settles, all or nothing.
 *
 * Rule (as in most ACHs): a participant whose debit net position exceeds its available balance has
 * all its OUTGOING payments of the cycle removed and rejected with AM04; its INCOMING payments stay,
 * because their debtors are covered and the credits can only help it. Netting is then recomputed and
 * the rule repeated until every remaining debit position is covered. Nothing settles partially.
 *
 * Why the result is well-defined and order-independent: removing a participant's outgoing payments
 * only lowers other participants' incoming totals, never their outgoing, so a participant uncovered
 * in one round stays uncovered in every later one unless it is itself removed. Hence removing all
 * uncovered participants of a round at once, or one at a time in any order, ends with the same set R,
 * and R is the smallest set whose removal leaves everybody covered: every member was forced out.
 * A removed participant's net becomes its incoming total ≥ 0, so it is never removed twice and there
 * are at most N + 1 rounds.
 *
 * Cost: one pass over the payments to build bilateral totals, O(N) per removed participant to
 * subtract its row from the positions (not a re-netting of the payments), and one more pass to
 * partition the payments only when something was removed.
 *
 * A participant absent from `availableBalances` has 0 available.
 */
export function closeCycle(
  payments: readonly ClearingPayment[],
  availableBalances: ReadonlyMap<string, bigint>,
): CycleResult {
  const debtorOf = new Int32Array(payments.length);
  const totals = bilateralTotals(payments, debtorOf);
  const { isRemoved, ...outcome } = settleTotals(totals, availableBalances);
  const { removed } = outcome;

  let settled: readonly ClearingPayment[] = payments;
  let rejected: RejectedPayment[] = [];
  if (removed.length > 0) {
    // exact sizes are known: no array regrowth (and its garbage) over a million payments
    const out = removed.reduce((s, r) => s + r.count, 0);
    const kept: ClearingPayment[] = new Array(payments.length - out);
    rejected = new Array(out);
    let i = 0;
    let j = 0;
    for (let k = 0; k < payments.length; k++) {
      const p = payments[k]!;
      if (isRemoved[debtorOf[k]!] === 1) {
        rejected[j++] = { id: p.id, reason: REASON_INSUFFICIENT_FUNDS, participant: p.debtor };
      } else {
        kept[i++] = p;
      }
    }
    settled = kept;
  }
  return { settled, rejected, ...outcome };
}

/** What the netting rule decides, independent of the individual payments. */
export type NettingOutcome = Pick<CycleResult, 'positions' | 'legs' | 'removed' | 'rounds'>;

/**
 * The rule of `closeCycle` over bilateral totals (see there): one netting, then rounds that remove the
 * uncovered participants' outgoing flows until every debit is covered. `closeCycle` and the persisted
 * ICS (which aggregates a cycle in SQL instead of loading its payments) both decide through this.
 *
 * `forced` participants are treated as uncovered in the first round whatever their balance: the
 * settlement system (IMTS) found them uncovered after the balances were read, so their outgoing
 * payments go too. `isRemoved[i]` tells, by participant index of `totals`, who was removed.
 * `totals` is not modified.
 */
export function settleTotals(
  totals: BilateralTotals,
  availableBalances: ReadonlyMap<string, bigint>,
  forced: ReadonlySet<string> = new Set(),
): NettingOutcome & { isRemoved: Uint8Array } {
  const { participants, amount, count } = totals;
  const n = participants.length;
  const pos = positionsOf(totals);
  const available = participants.map((who) => availableBalances.get(who) ?? 0n);
  const isRemoved = new Uint8Array(n);
  const removed: RemovedParticipant[] = [];

  let rounds = 0;
  for (;;) {
    rounds++;
    const uncovered: number[] = [];
    for (let i = 0; i < n; i++) {
      // a removed participant's net is its incoming total, so it is covered unless its balance is negative:
      // never remove anyone twice (it would loop forever)
      if (isRemoved[i] === 1) continue;
      if (pos[i]!.net + available[i]! < 0n || (rounds === 1 && forced.has(participants[i]!))) uncovered.push(i);
    }
    if (uncovered.length === 0) break;
    // all of a round at once: the same final set as one at a time (see closeCycle), in fewer rounds
    uncovered.sort((a, b) => byId(participants[a]!, participants[b]!));
    for (const x of uncovered) {
      const px = pos[x]!;
      removed.push({
        participant: participants[x]!,
        round: rounds,
        net: px.net,
        available: available[x]!,
        count: px.countSent,
        amount: px.sent,
      });
      isRemoved[x] = 1;
      const row = amount[x]!;
      const cnt = count[x]!;
      for (let c = 0; c < n; c++) {
        const a = row[c]!;
        if (a === 0n) continue;
        const pc = pos[c]!;
        pc.received -= a;
        pc.countReceived -= cnt[c]!;
        pc.net -= a;
      }
      px.sent = 0n;
      px.countSent = 0;
      px.net = px.received;
    }
  }

  const positions = new Map<string, NetPosition>();
  const legs: SettlementLeg[] = [];
  let sum = 0n;
  for (const who of [...participants].sort(byId)) {
    const p = pos[totals.index.get(who)!]!;
    positions.set(who, p);
    if (p.net !== 0n) legs.push({ participant: who, amount: p.net });
    sum += p.net;
  }
  // cannot happen by construction; refuse to hand IMTS an unbalanced batch if it ever does
  if (sum !== 0n) throw new DomainError('internal', `clearing legs do not sum to zero: ${sum}`);
  return { positions, legs, removed, rounds, isRemoved };
}
