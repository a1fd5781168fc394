import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type BilateralFlow, closeCycleFlows } from './flows.ts';
import type { ClearingPayment } from './payment.ts';
import { closeCycle } from './settle-cycle.ts';

const BANKS = ['A', 'B', 'C', 'D', 'E'];

const flowsOf = (payments: readonly ClearingPayment[]): BilateralFlow[] => {
  const m = new Map<string, BilateralFlow>();
  for (const p of payments) {
    const k = `${p.debtor}>${p.creditor}`;
    const f = m.get(k) ?? { debtor: p.debtor, creditor: p.creditor, count: 0, amount: 0n };
    f.count++;
    f.amount += p.amount;
    m.set(k, f);
  }
  return [...m.values()];
};

const world = fc.record({
  payments: fc
    .array(
      fc.record({
        debtor: fc.constantFrom(...BANKS),
        creditor: fc.constantFrom(...BANKS),
        amount: fc.bigInt({ min: 1n, max: 1_000n }),
      }),
      { maxLength: 50 },
    )
    .map((ps) => ps.filter((p) => p.debtor !== p.creditor).map((p, i): ClearingPayment => ({ id: `p${i}`, ...p }))),
  balances: fc.array(fc.bigInt({ min: 0n, max: 2_500n }), { minLength: BANKS.length, maxLength: BANKS.length }),
  shuffle: fc.integer(),
});

describe('closeCycleFlows', () => {
  it('decides exactly what closeCycle decides over the payments the flows sum, in any flow order', () => {
    fc.assert(
      fc.property(world, ({ payments, balances, shuffle }) => {
        const bal = new Map(BANKS.map((b, i) => [b, balances[i]!]));
        const expected = closeCycle(payments, bal);
        const flows = flowsOf(payments);
        // order must not matter: rotate the flows
        const k = flows.length ? Math.abs(shuffle) % flows.length : 0;
        const got = closeCycleFlows([...flows.slice(k), ...flows.slice(0, k)], bal);
        assert.deepEqual([...got.positions], [...expected.positions]);
        assert.deepEqual(got.legs, expected.legs);
        assert.deepEqual(got.removed, expected.removed);
        assert.equal(got.rounds, expected.rounds);
      }),
    );
  });

  it('removes a forced participant in round one even when its balance covers it, then recomputes', () => {
    const flows: BilateralFlow[] = [
      { debtor: 'A', creditor: 'B', count: 2, amount: 100n },
      { debtor: 'B', creditor: 'C', count: 1, amount: 150n },
      { debtor: 'C', creditor: 'A', count: 1, amount: 10n },
    ];
    const rich = new Map([
      ['A', 1_000n],
      ['B', 60n],
      ['C', 1_000n],
    ]);
    assert.deepEqual(closeCycleFlows(flows, rich).removed, []);
    const r = closeCycleFlows(flows, rich, new Set(['A']));
    // A forced out; then B (its credit of 100 gone) is short: 60 available for a debit of 150, round 2
    assert.deepEqual(
      r.removed.map((x) => [x.participant, x.round, x.count]),
      [
        ['A', 1, 2],
        ['B', 2, 1],
      ],
    );
    assert.deepEqual(r.legs, [
      { participant: 'A', amount: 10n },
      { participant: 'C', amount: -10n },
    ]);
  });

  it('sums repeated pairs and refuses malformed flows naming the field', () => {
    const r = closeCycleFlows(
      [
        { debtor: 'A', creditor: 'B', count: 1, amount: 5n },
        { debtor: 'A', creditor: 'B', count: 2, amount: 7n },
      ],
      new Map([['A', 12n]]),
    );
    assert.deepEqual(r.positions.get('B'), { sent: 0n, received: 12n, countSent: 0, countReceived: 3, net: 12n });
    assert.throws(
      () => closeCycleFlows([{ debtor: 'A', creditor: 'A', count: 1, amount: 1n }], new Map()),
      /\/flows\/0\/creditor/,
    );
    assert.throws(
      () => closeCycleFlows([{ debtor: 'A', creditor: 'B', count: 1, amount: 0n }], new Map()),
      /\/flows\/0\/amount/,
    );
  });

  it('never removes a participant twice, even with a negative balance', () => {
    const r = closeCycleFlows(
      [
        { debtor: 'A', creditor: 'B', count: 1, amount: 5n },
        { debtor: 'B', creditor: 'A', count: 1, amount: 1n },
      ],
      new Map([
        ['A', -100n],
        ['B', 0n],
      ]),
    );
    assert.deepEqual(
      r.removed.map((x) => x.participant),
      ['A', 'B'],
    );
  });
});
