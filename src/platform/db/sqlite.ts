import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Db, Queryable, Row, SqlValue } from './types.ts';

/** `$1` → `?1`: SQLite's numbered placeholders bind by position exactly like PostgreSQL's. */
const toSqlite = (sql: string): string => sql.replace(/\$(\d+)/g, '?$1');

type Bindable = string | bigint | number | null | Uint8Array;
const bind = (params: readonly SqlValue[]): Bindable[] =>
  params.map((p) => (typeof p === 'boolean' ? (p ? 1n : 0n) : p));

/**
 * node:sqlite in WAL mode with synchronous=FULL: a commit returns only after it is on disk. The API is
 * synchronous, so one connection serves the process; an async mutex keeps a transaction's statements
 * from interleaving with other callers' between its awaits.
 */
export class SqliteDb implements Db {
  readonly engine = 'sqlite' as const;
  private readonly db: DatabaseSync;
  private readonly cache = new Map<string, StatementSync>();
  private lock: Promise<void> = Promise.resolve();
  private inTx = false;

  readonly path: string;

  constructor(path: string) {
    this.path = path;
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new DatabaseSync(path);
    this.db.exec('PRAGMA journal_mode=WAL');
    this.db.exec('PRAGMA synchronous=FULL');
    this.db.exec('PRAGMA foreign_keys=ON');
    this.db.exec('PRAGMA busy_timeout=5000');
  }

  private stmt(sql: string): StatementSync {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(toSqlite(sql));
      s.setReadBigInts(true);
      this.cache.set(sql, s);
    }
    return s;
  }

  /** Synchronous access for single-writer hot paths (the ledger's group commit). */
  querySync<T = Row>(sql: string, params: readonly SqlValue[] = []): T[] {
    return this.stmt(sql).all(...bind(params)) as T[];
  }

  execSync(sql: string, params: readonly SqlValue[] = []): number {
    return Number(this.stmt(sql).run(...bind(params)).changes);
  }

  /** Runs fn inside BEGIN IMMEDIATE … COMMIT without yielding: nothing else can interleave. */
  transactionSync<T>(fn: () => T): T {
    if (this.inTx) throw new Error('nested transaction');
    this.db.exec('BEGIN IMMEDIATE');
    this.inTx = true;
    try {
      const r = fn();
      this.db.exec('COMMIT');
      this.committed();
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

  async query<T = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    if (!this.inTx) return this.querySync<T>(sql, params);
    await this.lock;
    return this.query<T>(sql, params);
  }

  async exec(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    if (!this.inTx) return this.direct.exec(sql, params);
    await this.lock;
    return this.exec(sql, params);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const prev = this.lock;
    let release!: () => void;
    this.lock = new Promise<void>((r) => {
      release = r;
    });
    await prev;
    this.db.exec('BEGIN IMMEDIATE');
    this.inTx = true;
    try {
      const r = await fn(this.direct);
      this.db.exec('COMMIT');
      this.committed();
      return r;
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    } finally {
      this.inTx = false;
      release();
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
    await this.lock;
    this.cache.clear();
    this.db.close();
  }
}
