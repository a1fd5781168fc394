import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DomainError } from '../../platform/pure.ts';
import { type ClearingPayment, ICS_MAX_AMOUNT, validateClearingPayment } from './payment.ts';

const pay = (over: Partial<ClearingPayment> = {}): ClearingPayment => ({
  id: 'p1',
  debtor: 'BANKA',
  creditor: 'BANKB',
  amount: 100_00n,
  ...over,
});

const rejects = (p: ClearingPayment, field: string, reason?: string) =>
  assert.throws(
    () => validateClearingPayment(p),
    (e: unknown) =>
      e instanceof DomainError && e.issues[0]?.field === field && (reason === undefined || e.reason === reason),
  );

describe('ICS payment validation', () => {
  it('accepts amounts up to 5,000,000.00 KZT inclusive', () => {
    assert.equal(ICS_MAX_AMOUNT, 5_000_000n * 100n);
    assert.equal(validateClearingPayment(pay({ amount: ICS_MAX_AMOUNT })).amount, ICS_MAX_AMOUNT);
    assert.equal(validateClearingPayment(pay({ amount: 1n })).amount, 1n);
  });

  it('refuses a larger amount with AM02, limit-exceeded, naming the field', () => {
    assert.throws(
      () => validateClearingPayment(pay({ amount: ICS_MAX_AMOUNT + 1n })),
      (e: unknown) =>
        e instanceof DomainError &&
        e.reason === 'AM02' &&
        e.type === 'limit-exceeded' &&
        e.status === 422 &&
        e.issues[0]?.field === 'amount',
    );
  });

  it('refuses zero and negative amounts (AM01), same debtor and creditor, missing parties', () => {
    rejects(pay({ amount: 0n }), 'amount', 'AM01');
    rejects(pay({ amount: -5n }), 'amount', 'AM01');
    rejects(pay({ creditor: 'BANKA' }), 'creditor');
    rejects(pay({ debtor: '' }), 'debtor');
    rejects(pay({ creditor: '' }), 'creditor');
    rejects(pay({ id: '' }), 'id');
    rejects(pay({ amount: 5 as unknown as bigint }), 'amount');
  });

  it('splits every amount exactly at the limit', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: ICS_MAX_AMOUNT * 3n }), (amount) => {
        if (amount <= ICS_MAX_AMOUNT) validateClearingPayment(pay({ amount }));
        else rejects(pay({ amount }), 'amount', 'AM02');
      }),
    );
  });
});
