/**
 * The ledger's public interface: the only file of src/ledger other modules import.
 *
 *   await migrate(db, [ledgerMigrations]);
 *   const ledger = await createLedger({ db, clock, logger });
 *   await ledger.createAccounts([{ id: 'imts:BANKKZKA:settlement:KZT', currency: 'KZT', owner, code: 'settlement',
 *     flags: { debitsMustNotExceedCredits: true } }]);
 *   const t = await ledger.transfer({ id, debitAccountId, creditAccountId, amount: 150000n, currency: 'KZT', code });
 *
 * Semantics follow TigerBeetle: balances are debits/credits, pending and posted; a pending transfer reserves
 * until posted (fully or partly), voided or timed out (`expirePending`); `linked` chains are all-or-nothing;
 * the transfer id is the idempotency key and rejections are recorded too, so a replay always answers the same
 * (a rejected id is spent: retry a rejected payment under a new id).
 *
 * Durability: one writer per database (schema) holds the balances in memory, applies requests in arrival order
 * and commits each accumulated batch in one transaction (group commit). A resolved promise means committed
 * (SQLite: the WAL flushed after COMMIT, off the event loop; PostgreSQL synchronous_commit=on); a DomainError 'unavailable' means not
 * committed or not known to be: retry with the same ids. Reads come from the database, i.e. committed state.
 */
import type { Ledger, LedgerOptions } from './api.ts';
import { createLedger as start } from './service.ts';

export type { Ledger, LedgerOptions } from './api.ts';
export type {
  Account,
  AccountFlags,
  AccountInput,
  AccountResult,
  Balances,
  CurrencyTotals,
  FailureReason,
  HistoryEntry,
  HistoryPage,
  PendingState,
  Transfer,
  TransferFlags,
  TransferInput,
  TransferResult,
} from './domain/types.ts';
export { ledgerMigrations } from './migrations.ts';

/**
 * Starts the writer on `db` after `ledgerMigrations` ran. PostgreSQL: takes an advisory lock for the schema
 * and refuses (DomainError 'unavailable') while another writer holds it. SQLite: one process per file.
 */
export const createLedger = (opts: LedgerOptions): Promise<Ledger> => start(opts);
export { ledgerRoutes } from './routes.ts';
