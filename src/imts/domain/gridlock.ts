import { type Balances, type QueuedPayment, queuesBySender } from './queue.ts';

export interface OffsetResult {
  /** Payments that settle together, simultaneously. */
  settled: QueuedPayment[];
  /** Net change per participant of settling them all (Σ = 0). */
  net: Map<string, bigint>;
}

/**
 * Multilateral offsetting: the largest set of queued payments, a queue-order prefix of each sender,
 * that settles simultaneously with every participant's balance + incoming − outgoing ≥ 0.
 *
 * Start from everything queued; while some participant is short, drop its last selected payment.
 *
 * Why this is the best possible (and so never worse than plain FIFO): the union of two feasible
 * prefix-sets is feasible — for each sender it takes the longer prefix, whose outgoing total is that of
 * one of the two sets, while incoming only grows. So there is one maximal feasible set M. The loop keeps
 * S ⊇ M: when participant i is short in S, its last payment in S cannot be in M, or i's prefix would be
 * the same in M and S with no more incoming in M, making i short in M too. FIFO's settled set is a
 * feasible prefix-set, hence ⊆ M.
 *
 * Runs in O(n log n) for the sort plus O(n) drops.
 */
export function resolveGridlock(queue: readonly QueuedPayment[], balances: Balances): OffsetResult {
  const queues = queuesBySender(queue);
  const len = new Map<string, number>();
  const pos = new Map<string, bigint>();
  const add = (who: string, d: bigint) => pos.set(who, (pos.get(who) ?? 0n) + d);
  for (const [who, b] of balances) pos.set(who, b);
  for (const [sender, q] of queues) {
    len.set(sender, q.length);
    for (const p of q) {
      add(sender, -p.amount);
      add(p.creditor, p.amount);
    }
  }
  const short: string[] = [...queues.keys()].filter((s) => (pos.get(s) ?? 0n) < 0n);
  while (short.length > 0) {
    const who = short.pop()!;
    const q = queues.get(who)!;
    let n = len.get(who)!;
    while (n > 0 && (pos.get(who) ?? 0n) < 0n) {
      const p = q[--n]!;
      add(who, p.amount);
      add(p.creditor, -p.amount);
      // the creditor loses this incoming payment and may become short
      if ((pos.get(p.creditor) ?? 0n) < 0n && (len.get(p.creditor) ?? 0) > 0 && !short.includes(p.creditor)) {
        short.push(p.creditor);
      }
    }
    len.set(who, n);
  }
  const settled: QueuedPayment[] = [];
  const net = new Map<string, bigint>();
  for (const [sender, q] of queues) {
    for (const p of q.slice(0, len.get(sender))) {
      settled.push(p);
      net.set(sender, (net.get(sender) ?? 0n) - p.amount);
      net.set(p.creditor, (net.get(p.creditor) ?? 0n) + p.amount);
    }
  }
  return { settled, net };
}
