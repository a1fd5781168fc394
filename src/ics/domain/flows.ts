import { invalid } from '../../platform/pure.ts';
import type { BilateralTotals } from './netting.ts';
import { type NettingOutcome, settleTotals } from './settle-cycle.ts';

/** All payments of a cycle from one debtor to one creditor, summed (what `GROUP BY debtor, creditor` gives). */
export interface BilateralFlow {
  debtor: string;
  creditor: string;
  count: number;
  amount: bigint;
}

/**
 * Bilateral totals from flows that were aggregated elsewhere (in SQL, over a million stored payments),
 * checked like `bilateralTotals` checks payments. A pair may appear more than once; it is summed.
 */
export function totalsFromFlows(flows: readonly BilateralFlow[]): BilateralTotals {
  const participants: string[] = [];
  const index = new Map<string, number>();
  const intern = (who: string): number => {
    const i = participants.length;
    participants.push(who);
    index.set(who, i);
    return i;
  };
  for (const f of flows) {
    if (!index.has(f.debtor)) intern(f.debtor);
    if (!index.has(f.creditor)) intern(f.creditor);
  }
  const n = participants.length;
  const amount = Array.from({ length: n }, () => new Array<bigint>(n).fill(0n));
  const count = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (const [k, f] of flows.entries()) {
    const d = index.get(f.debtor)!;
    const c = index.get(f.creditor)!;
    if (d === c) throw invalid(`/flows/${k}/creditor`, `flow ${f.debtor}: creditor must differ from debtor`);
    if (!(f.amount > 0n)) throw invalid(`/flows/${k}/amount`, 'must be greater than zero');
    if (!Number.isSafeInteger(f.count) || f.count < 1) throw invalid(`/flows/${k}/count`, 'must be a positive integer');
    amount[d]![c] = amount[d]![c]! + f.amount;
    count[d]![c] = count[d]![c]! + f.count;
  }
  return { participants, index, amount, count };
}

/**
 * Closes a cycle given as bilateral flows: the same rule and the same result as `closeCycle` over the
 * payments the flows sum (positions, legs, removed participants, rounds), without the per-payment
 * partition. Every payment of a removed participant is rejected (AM04), every other one settles, so
 * a payment's fate follows from its debtor's row in the result.
 */
export function closeCycleFlows(
  flows: readonly BilateralFlow[],
  availableBalances: ReadonlyMap<string, bigint>,
  forced?: ReadonlySet<string>,
): NettingOutcome {
  const { isRemoved: _, ...outcome } = settleTotals(totalsFromFlows(flows), availableBalances, forced);
  return outcome;
}
