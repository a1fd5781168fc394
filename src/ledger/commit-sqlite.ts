/**
 * Batch writes on SQLite: synchronous prepared statements inside one BEGIN IMMEDIATE … COMMIT, so the
 * event loop never interleaves anything; WAL + synchronous=FULL makes COMMIT return only once on disk.
 */
import type { SqliteDb, SqlValue } from '../platform/index.ts';
import type { Committer } from './commit.ts';
import type { TransferRecord } from './domain/model.ts';
import type { Batch } from './domain/state.ts';
import { TRANSFER_COLUMNS } from './store.ts';

/** Rows per INSERT: a multi-row statement amortises the per-call binding cost; measured best near 16. */
const ROWS = 16;
const COLS = 14;

const values = (rows: number): string =>
  Array.from(
    { length: rows },
    (_, r) => `(${Array.from({ length: COLS }, (_, c) => `$${r * COLS + c + 1}`).join(', ')})`,
  ).join(', ');

const INSERT_MANY = `INSERT INTO ledger_transfers (${TRANSFER_COLUMNS}) VALUES ${values(ROWS)}`;
const INSERT_ONE = `INSERT INTO ledger_transfers (${TRANSFER_COLUMNS}) VALUES ${values(1)}`;
const INSERT_ACCOUNT = `INSERT INTO ledger_accounts (id, currency, owner, code, flags, debits_pending, debits_posted,
  credits_pending, credits_posted, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;
const UPDATE_ACCOUNT = `UPDATE ledger_accounts SET debits_pending = $2, debits_posted = $3, credits_pending = $4,
  credits_posted = $5 WHERE id = $1`;
const UPDATE_STATE = 'UPDATE ledger_transfers SET state = $2 WHERE id = $1';
const INSERT_HISTORY = `INSERT INTO ledger_history (account_id, seq, debits_pending, debits_posted, credits_pending,
  credits_posted) VALUES ($1, $2, $3, $4, $5, $6)`;

const push = (p: SqlValue[], t: TransferRecord): void => {
  p.push(
    t.seq,
    t.id,
    t.debitAccountId,
    t.creditAccountId,
    t.amount,
    t.currency,
    t.code,
    t.reference,
    t.flags,
    t.pendingId,
    t.timeoutSeconds,
    t.timestamp,
    t.result,
    t.state,
  );
};

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

  persist(b: Batch): Promise<void> {
    try {
      this.db.transactionSync(() => this.write(b));
      return Promise.resolve();
    } catch (e) {
      // Another module of this process is inside an async transaction on the shared connection: queue
      // behind it through the connection's own lock instead of failing the batch.
      if (e instanceof Error && e.message === 'nested transaction') {
        return this.db.transaction(async () => this.write(b));
      }
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
    const t = b.transfers;
    let i = 0;
    for (; i + ROWS <= t.length; i += ROWS) {
      const p: SqlValue[] = [];
      for (let k = i; k < i + ROWS; k++) push(p, t[k]!);
      db.execSync(INSERT_MANY, p);
    }
    for (; i < t.length; i++) {
      const p: SqlValue[] = [];
      push(p, t[i]!);
      db.execSync(INSERT_ONE, p);
    }
    for (const a of b.touched) {
      db.execSync(UPDATE_ACCOUNT, [a.id, a.debitsPending, a.debitsPosted, a.creditsPending, a.creditsPosted]);
    }
    for (const r of b.resolved) db.execSync(UPDATE_STATE, [r.id, r.state]);
    for (const h of b.history) {
      db.execSync(INSERT_HISTORY, [
        h.accountId,
        h.seq,
        h.debitsPending,
        h.debitsPosted,
        h.creditsPending,
        h.creditsPosted,
      ]);
    }
  }

  isDuplicate(e: unknown): boolean {
    return e instanceof Error && e.message.includes('UNIQUE constraint failed: ledger_transfers.id');
  }

  async reset(): Promise<void> {}

  async close(): Promise<void> {
    active.delete(this.db.path);
  }
}
