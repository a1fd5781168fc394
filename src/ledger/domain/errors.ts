import { DomainError } from '../../platform/pure.ts';
import type { FailureReason } from './types.ts';

/**
 * The DomainError a single-transfer caller gets for a rejection. `reason` is the ISO 20022 status reason
 * where one fits (AM04 insufficient funds, AC01 unknown account, DUPL duplicate, AM11 currency), otherwise
 * the ledger's own reason so callers can still branch on it.
 */
export function transferError(id: string, reason: FailureReason): DomainError {
  const msg = `transfer ${id}: ${reason}`;
  switch (reason) {
    case 'exceeds_credits':
    case 'exceeds_debits':
      return new DomainError('insufficient-funds', msg, { reason: 'AM04' });
    case 'account_not_found':
      return new DomainError('not-found', msg, { reason: 'AC01' });
    case 'pending_not_found':
      return new DomainError('not-found', msg, { reason });
    case 'exists_with_different_fields':
      return new DomainError('conflict', msg, { reason: 'DUPL' });
    case 'currency_mismatch':
      return new DomainError('validation', msg, { reason: 'AM11', issues: [{ field: '/currency', message: reason }] });
    case 'accounts_must_be_different':
      return new DomainError('validation', msg, { reason, issues: [{ field: '/creditAccountId', message: reason }] });
    case 'linked_event_chain_open':
      return new DomainError('validation', msg, { reason, issues: [{ field: '/flags/linked', message: reason }] });
    case 'amount_exceeds_pending':
      return new DomainError('validation', msg, { reason, issues: [{ field: '/amount', message: reason }] });
    case 'overflow':
      return new DomainError('limit-exceeded', msg, { reason });
    default:
      return new DomainError('state', msg, { reason });
  }
}

export const accountConflict = (id: string): DomainError =>
  new DomainError('conflict', `account ${id} exists with different fields`, { reason: 'DUPL' });
