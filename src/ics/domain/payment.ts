import { DomainError, invalid } from '../../platform/pure.ts';

/**
 * A payment submitted to ICS, the interbank clearing system for small payments. Amounts are KZT in
 * tiyn (minor units); ICS has no other currency, so none is carried.
 */
export interface ClearingPayment {
  /** Unique within the system (intake stores it under a unique key; netting does not re-check). */
  id: string;
  /** Participant whose settlement account is debited at settlement. */
  debtor: string;
  /** Participant whose settlement account is credited. */
  creditor: string;
  /** Tiyn, 0 < amount ≤ ICS_MAX_AMOUNT. */
  amount: bigint;
}

/** Largest amount ICS clears: 5,000,000.00 KZT inclusive; larger payments belong in IMTS (RTGS). */
export const ICS_MAX_AMOUNT = 500_000_000n;

/** ISO 20022 ExternalStatusReason1Code values ICS uses. */
export const REASON_ZERO_AMOUNT = 'AM01';
export const REASON_NOT_ALLOWED_AMOUNT = 'AM02';
export const REASON_INSUFFICIENT_FUNDS = 'AM04';

const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * Intake check for one payment. Throws a DomainError naming the field; an amount over the ICS limit
 * is `limit-exceeded` with reason AM02 so the rejection (pacs.002) can carry the ISO code.
 * The runtime type checks are there because payments arrive from parsed messages.
 */
export function validateClearingPayment(p: ClearingPayment): ClearingPayment {
  if (!nonEmpty(p.id)) throw invalid('id', 'must be a non-empty string');
  if (!nonEmpty(p.debtor)) throw invalid('debtor', 'must be a non-empty participant id');
  if (!nonEmpty(p.creditor)) throw invalid('creditor', 'must be a non-empty participant id');
  if (p.debtor === p.creditor) throw invalid('creditor', 'must differ from debtor');
  if (typeof p.amount !== 'bigint') throw invalid('amount', 'must be an integer amount in tiyn');
  if (p.amount <= 0n) {
    throw new DomainError('validation', 'amount: must be greater than zero', {
      issues: [{ field: 'amount', message: 'must be greater than zero' }],
      reason: REASON_ZERO_AMOUNT,
    });
  }
  if (p.amount > ICS_MAX_AMOUNT) {
    const message = 'exceeds the ICS limit of 5000000.00 KZT; send it through IMTS';
    throw new DomainError('limit-exceeded', `amount: ${message}`, {
      issues: [{ field: 'amount', message }],
      reason: REASON_NOT_ALLOWED_AMOUNT,
    });
  }
  return p;
}
