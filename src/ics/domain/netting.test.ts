import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DomainError } from '../../platform/pure.ts';
import { netPositions } from './netting.ts';
import type { ClearingPayment } from './payment.ts';

const BANKS = ['A', 'B', 'C', 'D', 'E', 'F'];

const paymentsArb = fc
  .array(
    fc.record({
      debtor: fc.constantFrom(...BANKS),
      creditor: fc.constantFrom(...BANKS),
      amount: fc.bigInt({ min: 1n, max: 500_000_000n }),
    }),
    { maxLength: 80 },
  )
  .map((ps) => ps.filter((p) => p.debtor !== p.creditor).map((p, i): ClearingPayment => ({ id: `p${i}`, ...p })));

const p = (id: string, debtor: string, creditor: string, amount: bigint): ClearingPayment => ({
  id,
  debtor,
  creditor,
  amount,
});

describe('ICS multilateral netting', () => {
  it('nets a small cycle', () => {
    const pos = netPositions([
      p('1', 'A', 'B', 100n),
      p('2', 'B', 'C', 70n),
      p('3', 'C', 'A', 20n),
      p('4', 'A', 'C', 5n),
    ]);
    assert.deepEqual([...pos.keys()], ['A', 'B', 'C']);
    assert.deepEqual(pos.get('A'), { sent: 105n, received: 20n, countSent: 2, countReceived: 1, net: -85n });
    assert.deepEqual(pos.get('B'), { sent: 70n, received: 100n, countSent: 1, countReceived: 1, net: 30n });
    assert.deepEqual(pos.get('C'), { sent: 20n, received: 75n, countSent: 1, countReceived: 2, net: 55n });
  });

  it('is empty for no payments', () => {
    assert.equal(netPositions([]).size, 0);
  });

  it('refuses a payment to oneself or a non-positive amount', () => {
    assert.throws(() => netPositions([p('1', 'A', 'A', 1n)]), DomainError);
    assert.throws(() => netPositions([p('1', 'A', 'B', 0n)]), DomainError);
  });

  it('agrees with the definition: Σ net = 0, net = in − out, counts and sums per participant', () => {
    fc.assert(
      fc.property(paymentsArb, (payments) => {
        const pos = netPositions(payments);
        let total = 0n;
        for (const [who, x] of pos) {
          const out = payments.filter((q) => q.debtor === who);
          const inc = payments.filter((q) => q.creditor === who);
          assert.equal(
            x.sent,
            out.reduce((s, q) => s + q.amount, 0n),
          );
          assert.equal(
            x.received,
            inc.reduce((s, q) => s + q.amount, 0n),
          );
          assert.equal(x.countSent, out.length);
          assert.equal(x.countReceived, inc.length);
          assert.equal(x.net, x.received - x.sent);
          total += x.net;
        }
        assert.equal(total, 0n);
        assert.equal(pos.size, new Set(payments.flatMap((q) => [q.debtor, q.creditor])).size);
      }),
    );
  });

  it('does not depend on the order of the payments', () => {
    fc.assert(
      fc.property(
        paymentsArb.chain((ps) => fc.tuple(fc.constant(ps), fc.shuffledSubarray(ps, { minLength: ps.length }))),
        ([a, b]) => {
          const pa = netPositions(a);
          const pb = netPositions(b);
          assert.deepEqual([...pa.keys()], [...pb.keys()]);
          assert.deepEqual(pa, pb);
        },
      ),
    );
  });
});
