/**
 * The IMTS payment queue, as pure functions over plain data. A payment that is not covered waits;
 * within one sender, urgent payments go before normal ones and each priority is FIFO by arrival.
 * A payment never overtakes an earlier one of its sender in that order (no "FIFO bypass"), so what a
 * sender settles is always a prefix of its queue.
 */
export type Priority = 'urgent' | 'normal';

export interface QueuedPayment {
  id: string;
  /** Participant whose settlement account is debited. */
  debtor: string;
  /** Participant whose settlement account is credited. */
  creditor: string;
  /** Minor units, > 0. */
  amount: bigint;
  priority: Priority;
  /** Arrival order across the whole system. */
  seq: bigint;
}

/** Available liquidity per participant (posted credits − debits of its settlement account, in minor units). */
export type Balances = ReadonlyMap<string, bigint>;

const RANK: Record<Priority, number> = { urgent: 0, normal: 1 };

/** Queue order: priority, then arrival. */
export function compareQueueOrder(a: QueuedPayment, b: QueuedPayment): number {
  return RANK[a.priority] - RANK[b.priority] || (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0);
}

/** Each sender's queued payments in queue order. */
export function queuesBySender(queue: readonly QueuedPayment[]): Map<string, QueuedPayment[]> {
  const by = new Map<string, QueuedPayment[]>();
  for (const p of queue) {
    const q = by.get(p.debtor) ?? [];
    if (q.length === 0) by.set(p.debtor, q);
    q.push(p);
  }
  for (const q of by.values()) q.sort(compareQueueOrder);
  return by;
}

/**
 * Plain FIFO settlement: repeatedly settle every sender's head payment that its balance covers; the
 * credit may cover another sender's head. Returns the settled payments in settlement order and the
 * balances after. This is the baseline gridlock resolution must never do worse than.
 */
export function settleFifo(
  queue: readonly QueuedPayment[],
  balances: Balances,
): { settled: QueuedPayment[]; balances: Map<string, bigint> } {
  const bal = new Map(balances);
  const queues = queuesBySender(queue);
  const heads = new Map<string, number>();
  const settled: QueuedPayment[] = [];
  let progress = true;
  while (progress) {
    progress = false;
    for (const [sender, q] of queues) {
      let i = heads.get(sender) ?? 0;
      while (i < q.length) {
        const p = q[i]!;
        const have = bal.get(sender) ?? 0n;
        if (have < p.amount) break;
        bal.set(sender, have - p.amount);
        bal.set(p.creditor, (bal.get(p.creditor) ?? 0n) + p.amount);
        settled.push(p);
        i++;
        progress = true;
      }
      heads.set(sender, i);
    }
  }
  return { settled, balances: bal };
}
