import pg from 'pg';
import type { Db, Queryable, Row, SqlValue } from './types.ts';

// int8 and numeric come back as bigint, never as number or string.
pg.types.setTypeParser(20, (v) => BigInt(v));
pg.types.setTypeParser(1700, (v) => (/^-?\d+$/.test(v) ? BigInt(v) : v));

const norm = (params: readonly SqlValue[]): unknown[] =>
  params.map((p) => (typeof p === 'bigint' ? p.toString() : p instanceof Uint8Array ? Buffer.from(p) : p));

const fix = <T>(rows: Row[]): T[] => {
  for (const r of rows) for (const k in r) if (Buffer.isBuffer(r[k])) r[k] = new Uint8Array(r[k] as Buffer);
  return rows as T[];
};

class PgQueryable implements Queryable {
  readonly engine = 'postgres' as const;
  protected readonly client: pg.Pool | pg.PoolClient;
  constructor(client: pg.Pool | pg.PoolClient) {
    this.client = client;
  }
  async query<T = Row>(sql: string, params: readonly SqlValue[] = []): Promise<T[]> {
    const r = await this.client.query(sql, norm(params));
    return fix<T>(r.rows);
  }
  async exec(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    const r = await this.client.query(sql, norm(params));
    return r.rowCount ?? 0;
  }
}

/** PostgreSQL through a pg pool; commits are durable with the server's default synchronous_commit=on. */
export class PostgresDb extends PgQueryable implements Db {
  readonly pool: pg.Pool;
  constructor(connectionString: string, opts: { schema?: string; max?: number } = {}) {
    const pool = new pg.Pool({
      connectionString,
      max: opts.max ?? 10,
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    super(pool);
    this.pool = pool;
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const r = await fn(new PgQueryable(client));
      await client.query('COMMIT');
      this.committed();
      return r;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  private readonly commitListeners: (() => void)[] = [];

  durable(): undefined {
    return undefined;
  }

  onCommit(listener: () => void): void {
    this.commitListeners.push(listener);
  }

  private committed(): void {
    for (const l of this.commitListeners) l();
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
