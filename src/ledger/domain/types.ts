import type { Currency } from '../../platform/pure.ts';

/** Balance rules of an account. The two limits are mutually exclusive; `history` keeps a balance per transfer. */
export interface AccountFlags {
  /** Floor: debits (posted + pending) may never exceed posted credits, e.g. a bank's settlement account. */
  debitsMustNotExceedCredits?: boolean;
  /** Ceiling: credits (posted + pending) may never exceed posted debits. */
  creditsMustNotExceedDebits?: boolean;
  /** Record the balance after every transfer, readable with `history()`. */
  history?: boolean;
}

export interface AccountInput {
  /** Client-chosen, 1–128 printable ASCII characters without spaces or '#'. */
  id: string;
  currency: Currency;
  /** Participant id of the account holder. */
  owner: string;
  /** What the account is for: 'settlement', 'ips_position', 'issuance', 'fees'… */
  code: string;
  flags?: AccountFlags;
}

export interface Balances {
  debitsPending: bigint;
  debitsPosted: bigint;
  creditsPending: bigint;
  creditsPosted: bigint;
}

export interface Account extends Balances {
  id: string;
  currency: Currency;
  owner: string;
  code: string;
  flags: Required<AccountFlags>;
  /** Epoch milliseconds of the writer's clock when the account was created. */
  createdAt: number;
}

export type AccountResult = { id: string; result: 'created' | 'exists' };

export interface TransferFlags {
  /** Chains this transfer to the next one of the same submit: all of the chain applies or none does. */
  linked?: boolean;
  /** Reserve the amount (pending balances) until posted, voided or timed out. */
  pending?: boolean;
  /** Settle the pending transfer `pendingId`, fully or partly (`amount`); the rest is released. */
  postPending?: boolean;
  /** Release the pending transfer `pendingId`. */
  voidPending?: boolean;
}

/**
 * One transfer request. `id` is the idempotency key. For post/void, the accounts, currency and amount may be
 * omitted (taken from the pending transfer); when given they must match it (amount: at most the pending one).
 */
export interface TransferInput {
  id: string;
  debitAccountId?: string;
  creditAccountId?: string;
  /** Minor units, > 0. */
  amount?: bigint;
  currency?: Currency;
  code: string;
  reference?: string;
  flags?: TransferFlags;
  /** Post/void only: the pending transfer to resolve. */
  pendingId?: string;
  /** Pending only: seconds until `expirePending` voids it; 0 or absent means never. */
  timeoutSeconds?: number;
}

/** Why a transfer was rejected. Rejections are recorded under the transfer id, so a replay answers the same. */
export type FailureReason =
  | 'accounts_must_be_different'
  | 'account_not_found'
  | 'currency_mismatch'
  | 'exceeds_credits'
  | 'exceeds_debits'
  | 'overflow'
  | 'pending_not_found'
  | 'pending_already_posted'
  | 'pending_already_voided'
  | 'pending_expired'
  | 'pending_mismatch'
  | 'amount_exceeds_pending'
  | 'linked_event_failed'
  | 'linked_event_chain_open'
  /** The id is taken by a transfer with other content. Not recorded: the id keeps its first meaning. */
  | 'exists_with_different_fields';

/** What became of a pending transfer's reservation. */
export type PendingState = 'pending' | 'posted' | 'voided' | 'expired';

export interface Transfer {
  id: string;
  /** Order in which the writer applied it; history cursors are built from it. */
  seq: number;
  /** Empty ('') only on a rejected post/void whose pending transfer was unknown and which did not name them. */
  debitAccountId: string;
  creditAccountId: string;
  amount: bigint;
  currency: Currency | '';
  code: string;
  reference: string;
  flags: Required<TransferFlags>;
  pendingId: string | null;
  timeoutSeconds: number;
  /** Epoch milliseconds of the writer's clock when applied. */
  timestamp: number;
  /** Pending transfers: when `expirePending` voids them, if not resolved before. */
  expiresAt: number | null;
  /** 'ok', or why it was rejected (then it moved no money). */
  result: 'ok' | FailureReason;
  /** Pending transfers only. */
  state: PendingState | null;
}

export type TransferResult =
  | { id: string; ok: true; transfer: Transfer }
  | { id: string; ok: false; reason: FailureReason };

export interface HistoryEntry {
  transfer: Transfer;
  /** The account's balances right after this transfer. */
  balance: Balances;
}

export interface HistoryPage {
  entries: HistoryEntry[];
  /** Pass as `after` for the next page; absent on the last page. */
  next?: string;
}

export interface CurrencyTotals {
  currency: Currency;
  accounts: number;
  debitsPosted: bigint;
  creditsPosted: bigint;
  debitsPending: bigint;
  creditsPending: bigint;
}
