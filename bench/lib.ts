/**
 * Shared helpers for benchmarks: fresh databases, timing, percentiles and the one-JSON-line-per-result
 * output every bench prints to stdout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Db, type Engine, PostgresDb, SqliteDb } from '../src/platform/index.ts';

export const cores = availableParallelism();

/** Engines to bench: SQLite always, PostgreSQL when DATABASE_URL is set. */
export const benchEngines = (): Engine[] => (process.env.DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite']);

/** A fresh database: a SQLite file in a temp dir, or a PostgreSQL schema dropped by cleanup. */
export async function benchDb(
  engine: Engine,
  opts: { pgPoolMax?: number } = {},
): Promise<{ db: Db; cleanup(): Promise<void> }> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ndfi-bench-'));
    const db = new SqliteDb(join(dir, 'bench.db'));
    return {
      db,
      cleanup: async () => {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL not set');
  const schema = `bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE SCHEMA ${schema}`);
  const db = new PostgresDb(url, { schema, max: opts.pgPoolMax ?? 10 });
  return {
    db,
    cleanup: async () => {
      await db.close();
      await admin(`DROP SCHEMA ${schema} CASCADE`);
    },
  };
}

/** Whether commits are acknowledged only once on disk, as the engine is actually configured. */
export async function isDurable(db: Db): Promise<boolean> {
  if (db.engine === 'sqlite') {
    const [mode] = await db.query<{ journal_mode: string }>('PRAGMA journal_mode');
    const [sync] = await db.query<{ synchronous: bigint }>('PRAGMA synchronous');
    // FULL (2) or EXTRA (3); in WAL mode NORMAL (1) would not sync on every commit
    return mode?.journal_mode === 'wal' && Number(sync?.synchronous) >= 2;
  }
  const [r] = await db.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
  const [f] = await db.query<{ fsync: string }>('SHOW fsync');
  return r?.synchronous_commit !== 'off' && r?.synchronous_commit !== 'local' && f?.fsync === 'on';
}

export const now = (): number => performance.now();

/** Collects per-request latencies in milliseconds. */
export class Latencies {
  private readonly ms: number[] = [];
  add(ms: number): void {
    this.ms.push(ms);
  }
  get count(): number {
    return this.ms.length;
  }
  summary(): { p50_ms: number; p99_ms: number; max_ms: number } {
    const s = Float64Array.from(this.ms).sort();
    return { p50_ms: round(percentile(s, 50)), p99_ms: round(percentile(s, 99)), max_ms: round(s.at(-1) ?? 0) };
  }
}

/** Nearest-rank percentile of ascending values. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** Prints one result as one JSON line on stdout (bigints as strings). */
export function emit(result: Record<string, unknown>): void {
  console.log(JSON.stringify(result, (_, v) => (typeof v === 'bigint' ? v.toString() : v)));
}

/** Runs `n` async tasks with at most `concurrency` in flight; resolves when all are done. */
export async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}

/**
 * Offered (open-loop) load: starts `n` tasks at `perSecond`, regardless of how fast earlier ones finish,
 * so queueing shows up in the latencies instead of slowing the sender down.
 */
export async function offered(n: number, perSecond: number, task: (i: number) => Promise<void>): Promise<void> {
  const start = now();
  let sent = 0;
  let done = 0;
  let failure: unknown;
  let finished!: () => void;
  const all = new Promise<void>((r) => (finished = r));
  // count completions instead of keeping every promise: retained promises would skew GC pauses
  const settle = () => {
    if (++done === n) finished();
  };
  const fail = (e: unknown) => {
    failure ??= e;
    settle();
  };
  while (sent < n) {
    const due = Math.min(n, Math.floor(((now() - start) / 1000) * perSecond) + 1);
    while (sent < due) task(sent++).then(settle, fail);
    await new Promise<void>((r) => setTimeout(r, 1));
  }
  await all;
  if (failure) throw failure;
}
