/**
 * Shared helpers for benchmarks: fresh databases, timing, percentiles and the one-JSON-line-per-result
 * output every bench prints to stdout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentPort, Worker, workerData } from 'node:worker_threads';
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
    // FULL (2) or EXTRA (3) syncs in COMMIT; NORMAL (1) is durable only with the WAL flushed after it (ADR 9)
    const flushed = db instanceof SqliteDb && db.flushesWal;
    return mode?.journal_mode === 'wal' && (Number(sync?.synchronous) >= 2 || flushed);
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
 * Offered (open-loop) load from a worker thread, so that the sender's clock and CPU time are not the measured
 * process's event loop: a synchronous commit or a GC pause in the main thread cannot delay the sending of the
 * requests due meanwhile (which would hide their wait: coordinated omission), and the generator's garbage is
 * in another heap. The worker (`script`, which calls `offeredClient` when it finds `workerData.offered`)
 * starts request i at i / perSecond seconds, whatever the answers, and times each one from the moment it
 * posted it until the main thread's acknowledgement arrives back; `serve` handles one request in the main
 * thread. The first `warmup` requests (same rate, just before the measured `n`) are not counted: JIT
 * compilation and the worker's own start-up are not the steady state. What the client measured comes back
 * with the worst lag of the sender behind its schedule.
 */
export async function offeredLoad<T>(
  script: URL,
  opts: { n: number; warmup: number; perSecond: number; data?: unknown },
  serve: (req: T) => Promise<void>,
): Promise<OfferedSummary> {
  const { n, warmup, perSecond } = opts;
  const worker = new Worker(script, { workerData: { offered: { n, warmup, perSecond }, ...(opts.data as object) } });
  let failure: unknown;
  let acks: number[] = [];
  const flush = () => {
    worker.postMessage(acks);
    acks = [];
  };
  // Answers leave in the microtask checkpoint of the commit that made them, a few messages per commit.
  const ack = (i: number) => {
    if (acks.push(i) === 1) queueMicrotask(flush);
  };
  try {
    return await new Promise<OfferedSummary>((resolve, reject) => {
      worker.on('error', reject);
      worker.on('exit', (code) => reject(new Error(`the load generator exited (${code}) before it reported`)));
      worker.on('message', (m: { first: number; items: T[] } | { summary: OfferedSummary }) => {
        if ('summary' in m) {
          if (failure) reject(failure);
          else resolve(m.summary);
          return;
        }
        for (let k = 0; k < m.items.length; k++) {
          const i = m.first + k;
          serve(m.items[k]!).then(
            () => ack(i),
            (e) => {
              failure ??= e;
              ack(i);
            },
          );
        }
      });
    });
  } finally {
    await worker.terminate();
  }
}

export interface OfferedSummary {
  /** Requests measured (after the warm-up). */
  requests: number;
  /** Measured requests answered per second, from the first one's send to the last answer. */
  per_s: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  /** Worst delay of a send behind its schedule (the sender starved of CPU, or its 1 ms tick). */
  send_lag_max_ms: number;
}

/** The worker side of `offeredLoad`: sends `make(i)` on schedule (i = 0, 1, 2…), times each until answered. */
export async function offeredClient<T>(make: (i: number) => T): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('offeredClient runs in a worker started by offeredLoad');
  const { n, warmup, perSecond } = (workerData as { offered: { n: number; warmup: number; perSecond: number } })
    .offered;
  const total = warmup + n;
  const sentAt = new Float64Array(total);
  const ms = new Float64Array(total);
  let answered = 0;
  let last = 0;
  const all = new Promise<void>((resolve) => {
    port.on('message', (acks: number[]) => {
      const t = now();
      for (const i of acks) ms[i] = t - sentAt[i]!;
      answered += acks.length;
      last = t;
      if (answered === total) resolve();
    });
  });
  const start = now();
  let next = 0;
  let lag = 0;
  while (next < total) {
    const due = Math.min(total, Math.floor(((now() - start) / 1000) * perSecond) + 1);
    if (due > next) {
      const first = next;
      const items: T[] = [];
      for (; next < due; next++) items.push(make(next));
      const t = now();
      if (next > warmup) lag = Math.max(lag, t - (start + (Math.max(first, warmup) / perSecond) * 1000));
      sentAt.fill(t, first, next);
      port.postMessage({ first, items });
    }
    await new Promise<void>((r) => setTimeout(r, 1));
  }
  await all;
  const measured = ms.subarray(warmup).sort();
  port.postMessage({
    summary: {
      requests: n,
      per_s: Math.round(n / ((last - sentAt[warmup]!) / 1000)),
      p50_ms: round(percentile(measured, 50)),
      p99_ms: round(percentile(measured, 99)),
      max_ms: round(measured.at(-1) ?? 0),
      send_lag_max_ms: round(lag),
    } satisfies OfferedSummary,
  });
}
