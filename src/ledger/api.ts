import type { Clock, Currency, Db, Logger } from '../platform/index.ts';
import type {
  Account,
  AccountInput,
  AccountResult,
  CurrencyTotals,
  HistoryPage,
  Transfer,
  TransferInput,
  TransferResult,
} from './domain/types.ts';

export interface LedgerOptions {
  db: Db;
  clock?: Clock;
  logger?: Logger;
  /** Most transfers one commit carries, and one request may carry. Default 8,000. */
  maxBatch?: number;
  /** Recent transfer ids kept in memory for replays; older ones are looked up in the database. Default 200,000. */
  idCacheSize?: number;
}

/**
 * The double-entry ledger. Writes go through one writer per database (schema) that holds the balances in
 * memory and answers only after its batch is committed; reads come from the database (committed state).
 */
export interface Ledger {
  /** All-or-nothing; an id that exists with the same fields is 'exists', with other fields DomainError 'conflict' (DUPL). */
  createAccounts(accounts: AccountInput[]): Promise<AccountResult[]>;
  /**
   * Applies transfers in order, one result each; `linked` chains are all-or-nothing. Replaying an id with the
   * same content answers the stored result without applying it again. Malformed input rejects the whole call
   * (DomainError 'validation' naming /index/field); a rejected promise otherwise means "not committed, retry".
   */
  submit(transfers: TransferInput[]): Promise<TransferResult[]>;
  /** One transfer; a rejection throws a DomainError (insufficient-funds AM04, not-found AC01, conflict DUPL…). */
  transfer(transfer: TransferInput): Promise<Transfer>;
  /** Voids every pending transfer whose timeout passed at `now` (default: the clock); returns how many. */
  expirePending(now?: Date): Promise<number>;

  getAccount(id: string): Promise<Account | undefined>;
  listAccounts(filter?: { owner?: string; currency?: Currency; code?: string }): Promise<Account[]>;
  getTransfer(id: string): Promise<Transfer | undefined>;
  /** Transfers of an account created with the `history` flag, oldest first, with the balance after each. */
  history(accountId: string, page?: { after?: string; limit?: number }): Promise<HistoryPage>;
  totals(): Promise<CurrencyTotals[]>;
  counts(): Promise<{ accounts: number; transfers: number }>;
  /** Σ (credits − debits) over all accounts, posted and pending: both 0 unless the ledger is broken. */
  sumOfBalances(): Promise<{ posted: bigint; pending: bigint }>;
  /** Commits what was accepted, then releases the writer (and its leadership lock). */
  close(): Promise<void>;
}
