import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { DomainError } from '../errors.ts';
import type { Db, Queryable, Row, SqlValue } from './types.ts';
import { type Flush, WalSync } from './wal-sync.ts';

/**
 * `$n` → plain `?`, with the order in which the parameters must be bound (`$1` may appear twice or out of
 * order). node:sqlite binds numbered `?n` in time quadratic in their count (a 2,800-parameter INSERT: 60×
 * slower), so numbered placeholders are never passed to it. `order` is null when it is 0, 1, 2, ….
 */
function toSqlite(sql: string): { sql: string; order: number[] | null } {
  const order: number[] = [];
  const text = sql.replace(/\$(\d+)/g, (_, n: string) => {
    order.push(Number(n) - 1);
    return '?';
  });
  return { sql: text, order: order.every((v, i) => v === i) ? null : order };
}

type Bindable = string | bigint | number | null | Uint8Array;
const bindOne = (p: SqlValue): Bindable => (typeof p === 'boolean' ? (p ? 1n : 0n) : p);
const bind = (params: readonly SqlValue[], order: number[] | null): Bindable[] =>
  order ? order.map((i) => bindOne(params[i]!)) : params.map(bindOne);

interface Prepared {
  stmt: StatementSync;
  order: number[] | null;
}

interface PendingTx {
  fn: (tx: Queryable) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (e: unknown) => void;
}

/** Statements that only read: run outside a transaction they commit nothing that must reach the disk. */
const READ_ONLY = /^\s*(SELECT|PRAGMA|EXPLAIN)\b/i;

/**
 * node:sqlite in WAL mode. A commit is acknowledged only once it is on disk, but the fsync does not hold the
 * event loop: COMMIT writes the WAL (synchronous=NORMAL) and the WAL is then flushed in the thread pool
 * (`WalSync`, ADR 9), so the loop goes on with the next requests meanwhile. The API is synchronous, so one
 * connection serves the process; an async mutex keeps a transaction's statements from interleaving with
 * other callers' between its awaits.
 */
export class SqliteDb implements Db {
  readonly engine = 'sqlite' as const;
  private readonly db: DatabaseSync;
  private readonly cache = new Map<string, Prepared>();
  private lock: Promise<void> = Promise.resolve();
  private inTx = false;
  /** Undefined in memory: nothing to flush. */
  private readonly wal: WalSync | undefined;

  readonly path: string;

  /** `flush` stands in for fdatasync of the WAL (tests of the durability order). */
  constructor(path: string, opts: { flush?: Flush } = {}) {
    this.path = path;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.db.exec('PRAGMA journal_mode=WAL');
    // the WAL is flushed by WalSync after each commit, off the loop; checkpoints still sync WAL and database
    this.db.exec(`PRAGMA synchronous=${path === ':memory:' ? 'FULL' : 'NORMAL'}`);
    this.db.exec('PRAGMA foreign_keys=ON');
    this.db.exec('PRAGMA busy_timeout=5000');
    this.wal = path === ':memory:' ? undefined : new WalSync(`${path}-wal`, opts.flush);
  }

  /** A commit returned: resolves once it is durable. */
  private durableNow(): Promise<void> {
    return this.wal ? this.wal.committedNow() : Promise.resolve();
  }

  /**
   * Resolves once every commit made so far is on disk (undefined when all are). What a reader saw may have
   * been committed by others a moment ago: the HTTP layer waits for this before answering, so no answer
   * shows what a power loss could still take back.
   */
  durable(): Promise<void> | undefined {
    return this.wal?.settled();
  }

  /** Whether commits wait for a flush of the WAL file (every file database; none in memory). */
  get flushesWal(): boolean {
    return this.wal !== undefined;
  }

  private refuseIfFailed(): void {
    if (this.wal?.failed !== undefined) throw this.wal.failed;
  }

  /** close() was called: no new transaction; those requested before still run. */
  private closing = false;

  /** What a statement or transaction asked for after close() gets, as a rejection of its own promise. */
  private refuseIfClosed(): void {
    if (!this.db.isOpen) throw new DomainError('unavailable', 'the database is closed');
  }

  private prepared(sql: string): Prepared {
    this.refuseIfClosed();
    let p = this.cache.get(sql);
    if (!p) {
      const t = toSqlite(sql);
      p = { stmt: this.db.prepare(t.sql), order: t.order };
      p.stmt.setReadBigInts(true);
      this.cache.set(sql, p);
    }
    return p;
  }

  /** Synchronous access for single-writer hot paths (the ledger's group commit). */
  querySync<T = Row>(sql: string, params: readonly SqlValue[] = []): T[] {
    const p = this.prepared(sql);
    return p.stmt.all(...bind(params, p.order)) as T[];
  }

  execSync(sql: string, params: readonly SqlValue[] = []): number {
    const p = this.prepared(sql);
    return Number(p.stmt.run(...bind(params, p.order)).changes);
  }

  /**
   * Runs fn inside BEGIN IMMEDIATE … COMMIT without yielding: nothing else can interleave. Committed when it
   * returns, durable once `durable()` resolves: acknowledge nothing before.
   */
  transactionSync<T>(fn: () => T): T {
    if (this.inTx) throw new Error('nested transaction');
    this.refuseIfClosed();
    this.refuseIfFailed();
    this.db.exec('BEGIN IMMEDIATE');
    this.inTx = true;
    try {
      const r = fn();
      this.db.exec('COMMIT');
      this.durableNow().then(
        () => this.committed(),
        () => {},
      );
      return r;
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    } finally {
      this.inTx = false;
    }
  }

  private readonly direct: Queryable = {
    engine: 'sqlite',
    query: async <T = Row>(sql: string, params: readonly SqlValue[] = []) => this.querySync<T>(sql, params),
    exec: async (sql: string, params: readonly SqlValue[] = []) => {
      if (params.length === 0 && sql.includes(';')) {
        this.db.exec(sql);
        return 0;
      }
      return this.execSync(sql, params);
    },
  };

  /** Outside a transaction a statement commits by itself: one that writes answers once that is durable. */
  async query<T = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    if (!this.inTx) {
      if (READ_ONLY.test(sql)) return this.querySync<T>(sql, params);
      this.refuseIfFailed();
      const rows = this.querySync<T>(sql, params);
      await this.wrote();
      return rows;
    }
    await this.lock;
    return this.query<T>(sql, params);
  }

  async exec(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    if (!this.inTx) {
      if (READ_ONLY.test(sql)) return this.direct.exec(sql, params);
      this.refuseIfFailed();
      const changed = await this.direct.exec(sql, params);
      await this.wrote();
      return changed;
    }
    await this.lock;
    return this.exec(sql, params);
  }

  /** A statement outside any transaction committed: durable, then listeners told. */
  private async wrote(): Promise<void> {
    await this.durableNow();
    this.committed();
  }

  /**
   * Runs fn in a transaction, shared with every other transaction requested in the same turn of the event
   * loop: one BEGIN … COMMIT for all of them, each in a savepoint of its own, so one failing is rolled back
   * alone and the others commit (ADR 6). Each caller resolves only after the shared COMMIT and the WAL flush
   * that covers it, so nothing is acknowledged before it is durable (ADR 9).
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new DomainError('unavailable', 'the database is closed'));
    return new Promise<T>((resolve, reject) => {
      this.batch.push({ fn, resolve, reject } as PendingTx);
      if (!this.batchScheduled) {
        this.batchScheduled = true;
        setImmediate(() => void this.runBatch());
      }
    });
  }

  private batch: PendingTx[] = [];
  private batchScheduled = false;

  /** Transactions are waiting for this turn's shared commit: joining it saves a commit of one's own. */
  get commitPending(): boolean {
    return this.batchScheduled;
  }

  private async runBatch(): Promise<void> {
    const prev = this.lock;
    let release!: () => void;
    this.lock = new Promise<void>((r) => {
      release = r;
    });
    await prev;
    // taken once the connection is ours: whatever was requested while waiting joins this commit
    this.batchScheduled = false;
    const batch = this.batch;
    this.batch = [];
    const results: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.refuseIfFailed();
      this.db.exec('BEGIN IMMEDIATE');
      this.inTx = true;
      for (const t of batch) {
        this.db.exec('SAVEPOINT tx');
        try {
          const value = await t.fn(this.direct);
          this.db.exec('RELEASE tx');
          results.push({ ok: true, value });
        } catch (error) {
          this.db.exec('ROLLBACK TO tx');
          this.db.exec('RELEASE tx');
          results.push({ ok: false, error });
        }
      }
      this.db.exec('COMMIT');
    } catch (e) {
      // the transaction as a whole failed (COMMIT, or a statement that rolled everything back): nobody's
      // work is durable
      if (this.db.isOpen && this.db.isTransaction) this.db.exec('ROLLBACK');
      this.inTx = false;
      release();
      for (const t of batch) t.reject(e);
      return;
    }
    this.inTx = false;
    // the next batch may run while this one's WAL is flushed; its callers hear only once it is on disk
    release();
    try {
      await this.durableNow();
    } catch (e) {
      for (const t of batch) t.reject(e);
      return;
    }
    if (results.some((r) => r.ok)) this.committed();
    for (const [i, r] of results.entries()) {
      if (r.ok) batch[i]!.resolve(r.value);
      else batch[i]!.reject(r.error);
    }
  }

  private readonly commitListeners: (() => void)[] = [];

  onCommit(listener: () => void): void {
    this.commitListeners.push(listener);
  }

  private committed(): void {
    for (const l of this.commitListeners) l();
  }

  async close(): Promise<void> {
    this.closing = true;
    // transactions requested before close still run, and reach the disk
    while (this.batchScheduled) await new Promise<void>((r) => setImmediate(r));
    await this.lock;
    await this.durable()?.catch(() => {});
    this.cache.clear();
    this.db.close();
    this.wal?.close();
  }
}
