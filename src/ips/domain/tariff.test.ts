import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { feeFor, type Tariff, tariffInForce, tariffProblem } from './tariff.ts';

const t = (o: Partial<Tariff>): Tariff => ({
  id: 'x',
  bic: null,
  paymentType: 'c2c',
  charged: 'payer_bank',
  fixed: 0n,
  bps: 0n,
  min: 0n,
  max: null,
  validFrom: '2026-01-01T00:00:00.000Z',
  createdAt: '2026-01-01T00:00:00.000Z',
  ...o,
});

describe('IPS tariffs', () => {
  it('fixed + percentage rounded half up, within the floor and the cap', () => {
    const tariff = t({ fixed: 1000n, bps: 15n, min: 1500n, max: 50_000n });
    assert.equal(feeFor(tariff, 0n), 1500n); // floor
    assert.equal(feeFor(tariff, 1_000_000n), 2500n); // 100 + 0.15 % of 10,000.00 KZT
    assert.equal(feeFor(t({ bps: 15n }), 10n), 0n); // 0.015 tiyn rounds to 0
    assert.equal(feeFor(t({ bps: 50n }), 100n), 1n); // 0.5 tiyn rounds up
    assert.equal(feeFor(tariff, 10n ** 12n), 50_000n); // cap
  });

  it('never leaves [min, max] and never falls as the amount grows', () => {
    const arb = fc.record({
      fixed: fc.bigInt({ min: 0n, max: 10n ** 6n }),
      bps: fc.bigInt({ min: 0n, max: 10_000n }),
      min: fc.bigInt({ min: 0n, max: 10n ** 6n }),
      extra: fc.option(fc.bigInt({ min: 0n, max: 10n ** 7n })),
    });
    fc.assert(
      fc.property(arb, fc.bigInt({ min: 0n, max: 10n ** 13n }), fc.bigInt({ min: 0n, max: 10n ** 13n }), (r, a, b) => {
        const tariff = t({ fixed: r.fixed, bps: r.bps, min: r.min, max: r.extra === null ? null : r.min + r.extra });
        const [lo, hi] = a < b ? [a, b] : [b, a];
        const f = feeFor(tariff, lo);
        assert.ok(f >= tariff.min && (tariff.max === null || f <= tariff.max));
        assert.ok(feeFor(tariff, hi) >= f);
      }),
    );
  });

  it('C2B is free for the payer; bad numbers are named', () => {
    assert.deepEqual(tariffProblem(t({ paymentType: 'c2b', charged: 'payer_bank' })), [
      '/charged',
      'C2B is free for the payer',
    ]);
    assert.equal(tariffProblem(t({ paymentType: 'c2b', charged: 'payee_bank' })), undefined);
    assert.equal(tariffProblem(t({ bps: 10_001n }))?.[0], '/bps');
    assert.equal(tariffProblem(t({ min: 10n, max: 5n }))?.[0], '/max');
  });

  it("a bank's own tariff before the default; the latest version in force at the time", () => {
    const all = [
      t({ id: 'd1', validFrom: '2026-01-01T00:00:00.000Z' }),
      t({ id: 'd2', validFrom: '2026-06-01T00:00:00.000Z' }),
      t({ id: 'own', bic: 'AAAAKZKA', validFrom: '2026-03-01T00:00:00.000Z' }),
      t({ id: 'future', validFrom: '2027-01-01T00:00:00.000Z' }),
    ];
    assert.equal(tariffInForce(all, 'BBBBKZKA', 'c2c', '2026-05-01T00:00:00.000Z')?.id, 'd1');
    assert.equal(tariffInForce(all, 'BBBBKZKA', 'c2c', '2026-07-01T00:00:00.000Z')?.id, 'd2');
    assert.equal(tariffInForce(all, 'AAAAKZKA', 'c2c', '2026-07-01T00:00:00.000Z')?.id, 'own');
    assert.equal(tariffInForce(all, 'AAAAKZKA', 'c2b', '2026-07-01T00:00:00.000Z'), undefined);
  });
});
