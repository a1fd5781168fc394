import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { resolveGridlock } from './gridlock.ts';
import { type QueuedPayment, queuesBySender, settleFifo } from './queue.ts';

const BANKS = ['A', 'B', 'C', 'D', 'E'];

const world = fc
  .record({
    balances: fc.array(fc.bigInt({ min: 0n, max: 1_000n }), { minLength: BANKS.length, maxLength: BANKS.length }),
    payments: fc.array(
      fc.record({
        debtor: fc.constantFrom(...BANKS),
        creditor: fc.constantFrom(...BANKS),
        amount: fc.bigInt({ min: 1n, max: 800n }),
        urgent: fc.boolean(),
      }),
      { maxLength: 60 },
    ),
  })
  .map(({ balances, payments }) => ({
    balances: new Map(BANKS.map((b, i) => [b, balances[i]!])),
    queue: payments
      .filter((p) => p.debtor !== p.creditor)
      .map(
        (p, i): QueuedPayment => ({
          id: `p${i}`,
          debtor: p.debtor,
          creditor: p.creditor,
          amount: p.amount,
          priority: p.urgent ? 'urgent' : 'normal',
          seq: BigInt(i),
        }),
      ),
  }));

const total = (ps: QueuedPayment[]) => ps.reduce((s, p) => s + p.amount, 0n);

describe('IMTS gridlock resolution', () => {
  it('settles the classic zero-balance cycle A→B→C→A', () => {
    const queue: QueuedPayment[] = [
      { id: '1', debtor: 'A', creditor: 'B', amount: 100n, priority: 'normal', seq: 1n },
      { id: '2', debtor: 'B', creditor: 'C', amount: 100n, priority: 'normal', seq: 2n },
      { id: '3', debtor: 'C', creditor: 'A', amount: 100n, priority: 'normal', seq: 3n },
    ];
    const zero = new Map([
      ['A', 0n],
      ['B', 0n],
      ['C', 0n],
    ]);
    assert.equal(settleFifo(queue, zero).settled.length, 0, 'plain FIFO is stuck');
    const r = resolveGridlock(queue, zero);
    assert.deepEqual(r.settled.map((p) => p.id).sort(), ['1', '2', '3']);
    assert.deepEqual([...r.net.values()], [0n, 0n, 0n]);
  });

  it('never leaves a balance below zero', () => {
    fc.assert(
      fc.property(world, ({ balances, queue }) => {
        const { net } = resolveGridlock(queue, balances);
        for (const [who, b] of balances) assert.ok(b + (net.get(who) ?? 0n) >= 0n, who);
        assert.equal(
          [...net.values()].reduce((s, v) => s + v, 0n),
          0n,
        );
      }),
      { numRuns: 500 },
    );
  });

  it('never settles less than plain FIFO: FIFO’s settled set is contained in it', () => {
    fc.assert(
      fc.property(world, ({ balances, queue }) => {
        const fifo = new Set(settleFifo(queue, balances).settled.map((p) => p.id));
        const grid = new Set(resolveGridlock(queue, balances).settled.map((p) => p.id));
        for (const id of fifo) assert.ok(grid.has(id), id);
        assert.ok(total(resolveGridlock(queue, balances).settled) >= total(settleFifo(queue, balances).settled));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps queue order: each sender settles a prefix of its queue (urgent first, then FIFO)', () => {
    fc.assert(
      fc.property(world, ({ balances, queue }) => {
        const settled = new Set(resolveGridlock(queue, balances).settled.map((p) => p.id));
        for (const q of queuesBySender(queue).values()) {
          const flags = q.map((p) => settled.has(p.id));
          const firstUnsettled = flags.indexOf(false);
          if (firstUnsettled >= 0) assert.ok(flags.slice(firstUnsettled).every((f) => !f));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('is maximal: no further sender payment could be added', () => {
    fc.assert(
      fc.property(world, ({ balances, queue }) => {
        const r = resolveGridlock(queue, balances);
        const settled = new Set(r.settled.map((p) => p.id));
        for (const q of queuesBySender(queue).values()) {
          const next = q.find((p) => !settled.has(p.id));
          if (!next) continue;
          // adding the sender's next payment alone must make the sender short
          const after = (balances.get(next.debtor) ?? 0n) + (r.net.get(next.debtor) ?? 0n) - next.amount;
          assert.ok(after < 0n);
        }
      }),
      { numRuns: 300 },
    );
  });
});
