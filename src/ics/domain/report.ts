import { REASON_INSUFFICIENT_FUNDS } from './payment.ts';
import type { CycleResult } from './settle-cycle.ts';

/**
 * 'rejected': the participant's debit position was not covered, so its outgoing payments of the cycle
 * were rejected; its incoming payments from covered participants still settled (and show here).
 */
export type SettlementStatus = 'settled' | 'rejected';

export interface CycleReportRow {
  participant: string;
  /** Settled payments out / in. */
  sentCount: number;
  sentAmount: bigint;
  receivedCount: number;
  receivedAmount: bigint;
  /** Settled net position: the participant's settlement leg (0 = no leg). */
  net: bigint;
  /** Outgoing payments removed from the cycle. */
  rejectedCount: number;
  rejectedAmount: bigint;
  status: SettlementStatus;
  /** ISO 20022 reason for a rejected participant. */
  reason: typeof REASON_INSUFFICIENT_FUNDS | null;
}

/** One row per participant of the cycle, by participant id. */
export function cycleReport(result: Pick<CycleResult, 'positions' | 'removed'>): CycleReportRow[] {
  const removed = new Map(result.removed.map((r) => [r.participant, r]));
  const rows: CycleReportRow[] = [];
  for (const [participant, p] of result.positions) {
    const r = removed.get(participant);
    rows.push({
      participant,
      sentCount: p.countSent,
      sentAmount: p.sent,
      receivedCount: p.countReceived,
      receivedAmount: p.received,
      net: p.net,
      rejectedCount: r?.count ?? 0,
      rejectedAmount: r?.amount ?? 0n,
      status: r ? 'rejected' : 'settled',
      reason: r ? REASON_INSUFFICIENT_FUNDS : null,
    });
  }
  return rows;
}
