import { type Db, DomainError, invalid, PostgresDb, SqliteDb, silentLogger, systemClock } from '../platform/index.ts';
import type { Ledger, LedgerOptions } from './api.ts';
import type { Committer } from './commit.ts';
import { PgCommitter } from './commit-pg.ts';
import { SqliteCommitter } from './commit-sqlite.ts';
import { applyAccounts } from './domain/accounts.ts';
import { accountConflict, transferError } from './domain/errors.ts';
import { HISTORY, POST, toAccount, toTransfer, transferFlags, VOID } from './domain/model.ts';
import { applyTransfers, expirePending, type Outcome } from './domain/transfers.ts';
import type {
  Account,
  AccountInput,
  AccountResult,
  HistoryPage,
  Transfer,
  TransferInput,
  TransferResult,
} from './domain/types.ts';
import { checkAccount, checkBatch, checkTransfer } from './domain/validate.ts';
import * as store from './store.ts';
import { Writer } from './writer.ts';

const present = (inputs: readonly TransferInput[], raw: Outcome[]): TransferResult[] =>
  raw.map((o, i) =>
    typeof o === 'string'
      ? { id: inputs[i]!.id, ok: false, reason: o }
      : o.result === 'ok'
        ? { id: o.id, ok: true, transfer: toTransfer(o) }
        : { id: o.id, ok: false, reason: o.result },
  );

export class LedgerService implements Ledger {
  private readonly db: Db;
  private readonly maxBatch: number;
  /** Exposed for tests that compare the writer's memory with the database. */
  readonly writer: Writer;

  constructor(db: Db, writer: Writer, maxBatch: number) {
    this.db = db;
    this.writer = writer;
    this.maxBatch = maxBatch;
  }

  async createAccounts(accounts: AccountInput[]): Promise<AccountResult[]> {
    checkBatch(accounts, this.maxBatch, 'accounts');
    accounts.forEach(checkAccount);
    return this.writer.run(
      accounts.length,
      (s, b, now) => applyAccounts(s, b, accounts, now),
      (r) => {
        if ('conflict' in r) throw accountConflict(r.conflict);
        return r;
      },
    );
  }

  async submit(transfers: TransferInput[]): Promise<TransferResult[]> {
    checkBatch(transfers, this.maxBatch, 'transfers');
    transfers.forEach(checkTransfer);
    const pendingIds: string[] = [];
    for (const t of transfers) if (transferFlags(t) & (POST | VOID)) pendingIds.push(t.pendingId!);
    return this.writer.run(
      transfers.length,
      (s, b, now) => applyTransfers(s, b, transfers, now),
      (raw) => present(transfers, raw),
      { submits: transfers, pendingIds },
    );
  }

  async transfer(transfer: TransferInput): Promise<Transfer> {
    const [r] = await this.submit([transfer]);
    if (!r!.ok) throw transferError(transfer.id, r!.reason);
    return r!.transfer;
  }

  async expirePending(now?: Date): Promise<number> {
    return this.writer.run(
      1,
      (s, b, batchNow) => expirePending(s, b, now ? now.getTime() : batchNow),
      (n) => n,
    );
  }

  async getAccount(id: string): Promise<Account | undefined> {
    const a = await store.getAccount(this.db, id);
    return a && toAccount(a);
  }

  async listAccounts(filter: store.AccountFilter = {}): Promise<Account[]> {
    return (await store.listAccounts(this.db, filter)).map(toAccount);
  }

  async getTransfer(id: string): Promise<Transfer | undefined> {
    const t = await store.getTransfer(this.db, id);
    return t && toTransfer(t);
  }

  async history(accountId: string, page: { after?: string; limit?: number } = {}): Promise<HistoryPage> {
    const limit = page.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalid('limit', 'must be 1–1000');
    if (page.after !== undefined && !/^\d{1,15}$/.test(page.after)) throw invalid('after', 'not a cursor of this list');
    const a = await store.getAccount(this.db, accountId);
    if (!a) throw new DomainError('not-found', `account ${accountId} not found`, { reason: 'AC01' });
    if (!(a.flags & HISTORY)) throw invalid('accountId', 'the account was created without the history flag');
    const rows = await store.history(this.db, accountId, Number(page.after ?? 0), limit);
    const entries = rows.map((r) => ({ transfer: toTransfer(r.transfer), balance: r.balance }));
    const last = entries.at(-1);
    return entries.length === limit && last ? { entries, next: String(last.transfer.seq) } : { entries };
  }

  totals() {
    return store.totals(this.db);
  }

  async counts(): Promise<{ accounts: number; transfers: number }> {
    return { ...this.writer.committed };
  }

  sumOfBalances() {
    return store.sumOfBalances(this.db);
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}

/**
 * Starts the ledger's writer on `db` (migrations are run separately, with `ledgerMigrations`). On PostgreSQL
 * it takes an advisory lock for its schema and refuses to start (DomainError 'unavailable') if another
 * writer holds it; on SQLite one writer per database file per process is enforced, and a database file
 * must only be written by one process (the deployment's job: SQLite means one node).
 */
export async function createLedger(opts: LedgerOptions): Promise<LedgerService> {
  const { db } = opts;
  let committer: Committer;
  if (db instanceof SqliteDb) committer = new SqliteCommitter(db);
  else if (db instanceof PostgresDb) committer = await PgCommitter.open(db);
  else throw new Error('the ledger needs a SqliteDb or PostgresDb');
  try {
    const { state, transfers } = await store.loadState(db);
    const maxBatch = opts.maxBatch ?? 8000;
    const writer = new Writer({
      db,
      state,
      transfers,
      committer,
      clock: opts.clock ?? systemClock,
      logger: opts.logger ?? silentLogger(),
      maxBatch,
      idCacheSize: opts.idCacheSize ?? 200_000,
    });
    return new LedgerService(db, writer, maxBatch);
  } catch (e) {
    await committer.close();
    throw e;
  }
}
