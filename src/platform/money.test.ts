import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DomainError } from './errors.ts';
import { formatAmount, MAX_MINOR, parseAmount, parseMinor } from './money.ts';

describe('money', () => {
  it('parses decimal strings to tiyn', () => {
    assert.equal(parseAmount('1500'), 150000n);
    assert.equal(parseAmount('1500.5'), 150050n);
    assert.equal(parseAmount('0.07'), 7n);
  });

  it('refuses floats, 3 decimals, negatives, garbage and overflow, naming the field', () => {
    for (const bad of [15.5, '1.005', '-1.00', 'abc', '1e5', '', '99999999999999999999', null]) {
      assert.throws(
        () => parseAmount(bad, { field: 'instructedAmount' }),
        (e: unknown) => e instanceof DomainError && e.issues[0]?.field === 'instructedAmount',
        String(bad),
      );
    }
    assert.throws(() => parseMinor((MAX_MINOR + 1n).toString()), DomainError);
    assert.equal(parseAmount('-1.00', { allowNegative: true }), -100n);
    assert.throws(() => parseAmount('0', { allowZero: false }), DomainError);
  });

  it('format and parse are inverse for every amount', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_MINOR / 100n }), (minor) => {
        assert.equal(parseAmount(formatAmount(minor)), minor);
      }),
    );
  });
});
