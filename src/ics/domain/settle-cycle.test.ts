import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { netPositions } from './netting.ts';
import type { ClearingPayment } from './payment.ts';
import { type CycleResult, closeCycle } from './settle-cycle.ts';

const BANKS = ['A', 'B', 'C', 'D', 'E', 'F'];

const p = (id: string, debtor: string, creditor: string, amount: bigint): ClearingPayment => ({
  id,
  debtor,
  creditor,
  amount,
});

/** Random cycles whose balances are small enough relative to the flows that removals (and cascades) are common. */
const world = fc
  .record({
    payments: fc.array(
      fc.record({
        debtor: fc.constantFrom(...BANKS),
        creditor: fc.constantFrom(...BANKS),
        amount: fc.bigInt({ min: 1n, max: 1_000n }),
      }),
      { maxLength: 60 },
    ),
    balances: fc.array(fc.option(fc.bigInt({ min: 0n, max: 3_000n }), { nil: undefined }), {
      minLength: BANKS.length,
      maxLength: BANKS.length,
    }),
  })
  .map(({ payments, balances }) => ({
    payments: payments.filter((q) => q.debtor !== q.creditor).map((q, i): ClearingPayment => ({ id: `p${i}`, ...q })),
    // a bank with no entry has nothing available
    balances: new Map(BANKS.flatMap((b, i) => (balances[i] === undefined ? [] : [[b, balances[i]!] as const]))),
  }));

const avail = (balances: ReadonlyMap<string, bigint>, who: string) => balances.get(who) ?? 0n;

/** Everyone outside `removed` is covered once the outgoing payments of `removed` are dropped. */
function closed(payments: ClearingPayment[], balances: ReadonlyMap<string, bigint>, removed: Set<string>): boolean {
  const pos = netPositions(payments.filter((q) => !removed.has(q.debtor)));
  return [...pos].every(([who, x]) => x.net + avail(balances, who) >= 0n);
}

/** The rule applied literally: re-net everything, drop ONE uncovered participant chosen by `pick`, repeat. */
function reference(
  payments: ClearingPayment[],
  balances: ReadonlyMap<string, bigint>,
  pick: (n: number) => number,
): Set<string> {
  const removed = new Set<string>();
  for (;;) {
    const pos = netPositions(payments.filter((q) => !removed.has(q.debtor)));
    const uncovered = [...pos].filter(([who, x]) => x.net + avail(balances, who) < 0n).map(([who]) => who);
    if (uncovered.length === 0) return removed;
    removed.add(uncovered[pick(uncovered.length) % uncovered.length]!);
  }
}

const ids = (xs: readonly { id: string }[]) => xs.map((x) => x.id).sort();
const removedSet = (r: CycleResult) => new Set(r.removed.map((x) => x.participant));

describe('ICS cycle close', () => {
  // A owes more than it has; once its payments go, B's debit is covered by B's balance.
  const three = [p('1', 'A', 'B', 100n), p('2', 'B', 'C', 50n), p('3', 'C', 'A', 30n), p('4', 'A', 'C', 20n)];

  it('removes an uncovered bank’s outgoing payments, keeps its incoming, and settles the recomputed netting', () => {
    // first netting: A −90 (has 10), B +50, C +40
    const r = closeCycle(
      three,
      new Map([
        ['A', 10n],
        ['B', 100n],
        ['C', 0n],
      ]),
    );
    assert.equal(r.rounds, 2);
    assert.deepEqual(ids(r.settled), ['2', '3']);
    assert.deepEqual(r.rejected, [
      { id: '1', reason: 'AM04', participant: 'A' },
      { id: '4', reason: 'AM04', participant: 'A' },
    ]);
    assert.deepEqual(r.removed, [{ participant: 'A', round: 1, net: -90n, available: 10n, count: 2, amount: 120n }]);
    // A still receives C's 30; B pays 50 out of its 100
    assert.deepEqual(r.legs, [
      { participant: 'A', amount: 30n },
      { participant: 'B', amount: -50n },
      { participant: 'C', amount: 20n },
    ]);
    assert.deepEqual(r.positions.get('A'), { sent: 0n, received: 30n, countSent: 0, countReceived: 1, net: 30n });
  });

  it('cascades when a removal uncovers another bank, down to nothing settling', () => {
    // without A's 100, B (no balance) is short 50; without B's 50, C is short 30
    const r = closeCycle(three, new Map([['A', 10n]]));
    assert.deepEqual(
      r.removed.map((x) => [x.participant, x.round]),
      [
        ['A', 1],
        ['B', 2],
        ['C', 3],
      ],
    );
    assert.equal(r.rounds, 4);
    assert.equal(r.settled.length, 0);
    assert.deepEqual(ids(r.rejected), ['1', '2', '3', '4']);
    assert.deepEqual(r.legs, []);
  });

  it('settles a circle with no liquidity at all: netting needs none', () => {
    const circle = [p('1', 'A', 'B', 100n), p('2', 'B', 'C', 100n), p('3', 'C', 'A', 100n)];
    const r = closeCycle(circle, new Map());
    assert.equal(r.settled, circle, 'nothing removed: the input is returned as is');
    assert.deepEqual(r.rejected, []);
    assert.deepEqual(r.legs, []);
    assert.equal(r.rounds, 1);
  });

  it('closes an empty cycle', () => {
    const r = closeCycle([], new Map([['A', 5n]]));
    assert.deepEqual([r.settled.length, r.rejected.length, r.legs.length, r.positions.size, r.rounds], [0, 0, 0, 0, 1]);
  });

  it('legs sum to zero, every debit is covered, positions are the netting of exactly the settled payments', () => {
    fc.assert(
      fc.property(world, ({ payments, balances }) => {
        const r = closeCycle(payments, balances);
        assert.equal(
          r.legs.reduce((s, l) => s + l.amount, 0n),
          0n,
        );
        for (const l of r.legs) {
          assert.notEqual(l.amount, 0n);
          if (l.amount < 0n) assert.ok(-l.amount <= avail(balances, l.participant), l.participant);
        }
        const renet = netPositions(r.settled);
        for (const [who, x] of r.positions) {
          const y = renet.get(who) ?? { sent: 0n, received: 0n, countSent: 0, countReceived: 0, net: 0n };
          assert.deepEqual(x, y, who);
        }
        assert.deepEqual(
          r.legs.map((l) => l.participant),
          [...r.positions].filter(([, x]) => x.net !== 0n).map(([w]) => w),
        );
      }),
    );
  });

  it('settles exactly the payments whose debtor was not removed; rejects the rest, AM04, naming the debtor', () => {
    fc.assert(
      fc.property(world, ({ payments, balances }) => {
        const r = closeCycle(payments, balances);
        const gone = removedSet(r);
        assert.deepEqual(
          r.settled.map((q) => q.id),
          payments.filter((q) => !gone.has(q.debtor)).map((q) => q.id),
        );
        assert.deepEqual(
          r.rejected,
          payments.filter((q) => gone.has(q.debtor)).map((q) => ({ id: q.id, reason: 'AM04', participant: q.debtor })),
        );
        for (const x of r.removed) {
          assert.ok(x.net + x.available < 0n, 'only uncovered participants are removed');
          const out = payments.filter((q) => q.debtor === x.participant);
          assert.equal(x.count, out.length);
          assert.equal(
            x.amount,
            out.reduce((s, q) => s + q.amount, 0n),
          );
        }
      }),
    );
  });

  it('removes the fewest participants possible: every set whose removal leaves all covered contains them', () => {
    fc.assert(
      fc.property(world, ({ payments, balances }) => {
        const gone = removedSet(closeCycle(payments, balances));
        assert.ok(closed(payments, balances, gone));
        for (let mask = 0; mask < 1 << BANKS.length; mask++) {
          const s = new Set(BANKS.filter((_, i) => mask & (1 << i)));
          if (closed(payments, balances, s)) for (const g of gone) assert.ok(s.has(g), `${g} ∉ {${[...s]}}`);
        }
      }),
    );
  });

  it('matches removing one uncovered bank at a time, in any order, re-netting from scratch each time', () => {
    fc.assert(
      fc.property(world, fc.infiniteStream(fc.nat()), ({ payments, balances }, picks) => {
        const it = picks[Symbol.iterator]();
        const expected = reference(payments, balances, () => it.next().value as number);
        assert.deepEqual([...removedSet(closeCycle(payments, balances))].sort(), [...expected].sort());
      }),
    );
  });

  it('does not depend on the order of the payments', () => {
    fc.assert(
      fc.property(
        world.chain((w) => fc.tuple(fc.constant(w), fc.shuffledSubarray(w.payments, { minLength: w.payments.length }))),
        ([{ payments, balances }, shuffled]) => {
          const a = closeCycle(payments, balances);
          const b = closeCycle(shuffled, balances);
          assert.deepEqual(ids(a.settled), ids(b.settled));
          assert.deepEqual(ids(a.rejected), ids(b.rejected));
          assert.deepEqual(a.legs, b.legs);
          assert.deepEqual(a.removed, b.removed);
          assert.deepEqual([...a.positions], [...b.positions]);
          assert.equal(a.rounds, b.rounds);
        },
      ),
    );
  });

  it('rejects nothing when every participant can cover its debit', () => {
    fc.assert(
      fc.property(world, ({ payments }) => {
        // enough to pay every outgoing payment even with no incoming at all
        const rich = new Map([...netPositions(payments)].map(([who, x]) => [who, x.sent]));
        const r = closeCycle(payments, rich);
        assert.equal(r.settled, payments);
        assert.deepEqual([r.rejected.length, r.removed.length, r.rounds], [0, 0, 1]);
      }),
    );
  });
});
