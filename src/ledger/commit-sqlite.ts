/**
 * Batch writes on SQLite: synchronous prepared statements inside one BEGIN IMMEDIATE … COMMIT, so the
 * event loop never interleaves anything; the batch is acknowledged once its WAL flush (`SqliteDb.durable`) is done.
 */
import type { SqliteDb, SqlValue } from '../platform/index.ts';
import type { Committer } from './commit.ts';
import type { AccountRecord, HistoryRecord, TransferRecord } from './domain/model.ts';
import type { Batch } from './domain/state.ts';
import { TRANSFER_COLUMNS } from './store.ts';

/**
 * Rows per statement, largest first: multi-row statements amortise the per-call cost (binding, stepping),
 * and powers of two cover any count in at most log2(128) + n/128 statements. 128 rows measured best.
 */
const SIZES = [128, 64, 32, 16, 8, 4, 2, 1];

/** `(?, ?, ?), (?, ?, ?)…`: anonymous `?` placeholders, which SqliteDb passes through unchanged. */
const values = (rows: number, cols: number): string =>
  Array.from({ length: rows }, () => `(${'?, '.repeat(cols - 1)}?)`).join(', ');

/**
 * One statement writing many rows, prepared for each size of SIZES; the parameter arrays are allocated once
 * and filled in place. node:sqlite binds anonymous placeholders about twice as fast as numbered ones
 * (`?NNN`, what `$n` becomes), measured on the transfers INSERT.
 */
class MultiRow<T> {
  private readonly sql: string[];
  private readonly params: SqlValue[][];
  private readonly cols: number;
  private readonly put: (p: SqlValue[], at: number, row: T) => void;

  constructor(sql: (values: string) => string, cols: number, put: (p: SqlValue[], at: number, row: T) => void) {
    this.cols = cols;
    this.put = put;
    this.sql = SIZES.map((rows) => sql(values(rows, cols)));
    this.params = SIZES.map((rows) => new Array<SqlValue>(rows * cols).fill(null));
  }

  write(db: SqliteDb, rows: readonly T[]): void {
    let i = 0;
    for (let c = 0; c < SIZES.length; c++) {
      const size = SIZES[c]!;
      const p = this.params[c]!;
      for (; i + size <= rows.length; i += size) {
        for (let k = 0; k < size; k++) this.put(p, k * this.cols, rows[i + k]!);
        db.execSync(this.sql[c]!, p);
      }
    }
  }
}

const transfers = new MultiRow<TransferRecord>(
  (v) => `INSERT INTO ledger_transfers (${TRANSFER_COLUMNS}) VALUES ${v}`,
  14,
  (p, at, t) => {
    p[at] = t.seq;
    p[at + 1] = t.id;
    p[at + 2] = t.debitAccountId;
    p[at + 3] = t.creditAccountId;
    p[at + 4] = t.amount;
    p[at + 5] = t.currency;
    p[at + 6] = t.code;
    p[at + 7] = t.reference;
    p[at + 8] = t.flags;
    p[at + 9] = t.pendingId;
    p[at + 10] = t.timeoutSeconds;
    p[at + 11] = t.timestamp;
    p[at + 12] = t.result;
    p[at + 13] = t.state;
  },
);

/** Balances written back with UPDATE … FROM (VALUES …): one lookup by id per row, a statement per many rows. */
const balances = new MultiRow<AccountRecord>(
  (v) => `UPDATE ledger_accounts SET debits_pending = v.column2, debits_posted = v.column3,
    credits_pending = v.column4, credits_posted = v.column5 FROM (VALUES ${v}) AS v WHERE ledger_accounts.id = v.column1`,
  5,
  (p, at, a) => {
    p[at] = a.id;
    p[at + 1] = a.debitsPending;
    p[at + 2] = a.debitsPosted;
    p[at + 3] = a.creditsPending;
    p[at + 4] = a.creditsPosted;
  },
);

const history = new MultiRow<HistoryRecord>(
  (v) => `INSERT INTO ledger_history (account_id, seq, debits_pending, debits_posted, credits_pending,
    credits_posted) VALUES ${v}`,
  6,
  (p, at, h) => {
    p[at] = h.accountId;
    p[at + 1] = h.seq;
    p[at + 2] = h.debitsPending;
    p[at + 3] = h.debitsPosted;
    p[at + 4] = h.creditsPending;
    p[at + 5] = h.creditsPosted;
  },
);

const INSERT_ACCOUNT = `INSERT INTO ledger_accounts (id, currency, owner, code, flags, debits_pending, debits_posted,
  credits_pending, credits_posted, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const UPDATE_STATE = 'UPDATE ledger_transfers SET state = ? WHERE id = ?';

/** Writers by database file: a second writer in this process would fork the in-memory balances. */
const active = new Set<string>();

export class SqliteCommitter implements Committer {
  private readonly db: SqliteDb;

  constructor(db: SqliteDb) {
    if (db.path !== ':memory:' && active.has(db.path)) {
      throw new Error(`a ledger writer is already running on ${db.path}`);
    }
    this.db = db;
    if (db.path !== ':memory:') active.add(db.path);
  }

  persist(b: Batch): Promise<{ durable?: Promise<void> }> {
    // other modules' transactions will commit in this turn anyway: one flush for both (resolves once durable)
    const shared = () => this.db.transaction(async () => this.write(b)).then(() => ({}));
    if (this.db.commitPending) return shared();
    try {
      this.db.transactionSync(() => this.write(b));
      // committed; on disk once the WAL flush under way (off the event loop) is done
      const durable = this.db.durable();
      return Promise.resolve(durable ? { durable } : {});
    } catch (e) {
      // Another module of this process is inside an async transaction on the shared connection: queue
      // behind it through the connection's own lock instead of failing the batch.
      if (e instanceof Error && e.message === 'nested transaction') return shared();
      return Promise.reject(e);
    }
  }

  private write(b: Batch): void {
    const db = this.db;
    for (const a of b.accounts) {
      db.execSync(INSERT_ACCOUNT, [
        a.id,
        a.currency,
        a.owner,
        a.code,
        a.flags,
        a.debitsPending,
        a.debitsPosted,
        a.creditsPending,
        a.creditsPosted,
        a.createdAt,
      ]);
    }
    transfers.write(db, b.transfers);
    balances.write(db, Array.from(b.touched));
    // one statement each: a pending resolved, rolled back and resolved again must end in its last state
    for (const r of b.resolved) db.execSync(UPDATE_STATE, [r.state, r.id]);
    history.write(db, b.history);
  }

  isDuplicate(e: unknown): boolean {
    return e instanceof Error && e.message.includes('UNIQUE constraint failed: ledger_transfers.id');
  }

  async reset(): Promise<void> {}

  async close(): Promise<void> {
    active.delete(this.db.path);
  }
}
