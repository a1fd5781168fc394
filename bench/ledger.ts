/**
 * Ledger throughput and latency, durable commits only (SQLite WAL + synchronous=FULL, PostgreSQL
 * synchronous_commit=on). Run: `node bench/ledger.ts` or `npm run bench -- ledger`. One JSON line per result.
 *
 *  - batched: submits of 100 or 1,000 transfers, enough of them in flight to fill 8,000-transfer commits
 *  - one per request, concurrency 1: every transfer waits for its own commit (fsync-bound)
 *  - one per request, concurrency 1,000: single transfers merged by group commit
 *  - latency: offered (open-loop) load at half the measured maximum, for submits of 100 and of 1
 * Latencies are per submit: closed loop from the call to the acknowledgement (after COMMIT); latency cases
 * as the client sees them, from sending the submit to receiving its acknowledgement.
 *
 * The latency cases generate their load in a worker thread (`offeredLoad` in lib.ts), the way clients are
 * other processes: the worker posts each submit on schedule and times it until the acknowledgement is back,
 * so a commit or GC pause of the ledger's thread delays the answers (and is counted) but not the sending.
 * The former in-process generator timed each submit from its own late call after such a pause, hiding the
 * wait (coordinated omission), and kept all its inputs (250,000 transfers) in the ledger's heap, inflating
 * every major GC: neither is what a client sees. Transfers are built lazily in the worker and arrive by
 * structured clone, as a server would parse them off the wire. One second of load at the same rate before
 * the measured seconds is not counted (JIT warm-up, the worker's start-up); `send_lag_max_ms` shows whether
 * the sender itself kept to its schedule. Each latency case runs in a process of its own; `--latency=<transfers/s>
 * [--batch=100] [--engine=sqlite] [--seconds=5]` runs just that case.
 */

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { isMainThread, workerData } from 'node:worker_threads';
import { createLedger, type Ledger, ledgerMigrations, type TransferInput } from '../src/ledger/index.ts';
import { type Engine, migrate } from '../src/platform/index.ts';
import {
  benchDb,
  benchEngines,
  cores,
  emit,
  isDurable,
  Latencies,
  now,
  offeredClient,
  offeredLoad,
  pool,
} from './lib.ts';

const ACCOUNTS = 1000;
const FUNDING = 10n ** 15n;

interface Case {
  batch: number;
  concurrency: number;
  transfers: number;
}

async function withLedger<T>(engine: Engine, fn: (l: Ledger, durable: boolean) => Promise<T>): Promise<T> {
  const { db, cleanup } = await benchDb(engine);
  try {
    await migrate(db, [ledgerMigrations]);
    const durable = await isDurable(db);
    const ledger = await createLedger({ db });
    try {
      await ledger.createAccounts([
        { id: 'src', currency: 'KZT', owner: 'cb', code: 'issuance' },
        ...Array.from({ length: ACCOUNTS }, (_, i) => ({
          id: `acc-${i}`,
          currency: 'KZT' as const,
          owner: `bank-${i % 50}`,
          code: 'settlement',
          flags: { debitsMustNotExceedCredits: true },
        })),
      ]);
      await ledger.submit(
        Array.from({ length: ACCOUNTS }, (_, i) => ({
          id: `fund-${i}`,
          debitAccountId: 'src',
          creditAccountId: `acc-${i}`,
          amount: FUNDING,
          currency: 'KZT' as const,
          code: 'fund',
        })),
      );
      const r = await fn(ledger, durable);
      const sum = await ledger.sumOfBalances();
      if (sum.posted !== 0n || sum.pending !== 0n)
        throw new Error(`ledger out of balance: ${sum.posted}/${sum.pending}`);
      return r;
    } finally {
      await ledger.close();
    }
  } finally {
    await cleanup();
  }
}

/** Transfer number i between random funded accounts; call in order 0, 1, 2… (a seeded sequence). */
function transferMaker(prefix: string): (i: number) => TransferInput {
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  return (i) => {
    const dr = rnd() % ACCOUNTS;
    const cr = (dr + 1 + (rnd() % (ACCOUNTS - 1))) % ACCOUNTS;
    return {
      id: `${prefix}-${i}`,
      debitAccountId: `acc-${dr}`,
      creditAccountId: `acc-${cr}`,
      amount: BigInt(1 + (rnd() % 100_000)),
      currency: 'KZT' as const,
      code: 'bench',
    };
  };
}

/** Transfers built before the clock starts (closed-loop cases). */
const transfers = (prefix: string, n: number): TransferInput[] => {
  const make = transferMaker(prefix);
  return Array.from({ length: n }, (_, i) => make(i));
};

async function closedLoop(engine: Engine, c: Case): Promise<number> {
  return withLedger(engine, async (ledger, durable) => {
    const all = transfers(`b${c.batch}c${c.concurrency}`, c.transfers);
    const lat = new Latencies();
    const start = now();
    await pool(Math.ceil(c.transfers / c.batch), c.concurrency, async (i) => {
      const t0 = now();
      const rs = await ledger.submit(all.slice(i * c.batch, (i + 1) * c.batch));
      lat.add(now() - t0);
      if (!rs.every((r) => r.ok)) throw new Error('a bench transfer was rejected');
    });
    const seconds = (now() - start) / 1000;
    const opsPerS = Math.round(c.transfers / seconds);
    emit({
      bench: 'ledger.transfers',
      engine,
      batch: c.batch,
      concurrency: c.concurrency,
      transfers: c.transfers,
      ops_per_s: opsPerS,
      ...lat.summary(),
      cores,
      durable,
    });
    return opsPerS;
  });
}

/**
 * `rate` transfers per second offered as submits of `batch`, whatever the latency, from a worker thread;
 * measured for `seconds` after one second of warm-up at the same rate.
 */
async function offeredCase(engine: Engine, batch: number, rate: number, seconds: number): Promise<void> {
  await withLedger(engine, async (ledger, durable) => {
    const perSecond = rate / batch;
    const n = Math.round(perSecond * seconds);
    const warmup = Math.round(perSecond * WARMUP_SECONDS);
    const data: ClientData = { batch, prefix: `o${batch}-${rate}` };
    const r = await offeredLoad<TransferInput[]>(
      new URL(import.meta.url),
      { n, warmup, perSecond, data },
      async (submit) => {
        const rs = await ledger.submit(submit);
        if (!rs.every((x) => x.ok)) throw new Error('a bench transfer was rejected');
      },
    );
    emit({
      bench: 'ledger.latency',
      engine,
      batch,
      offered_per_s: rate,
      transfers: n * batch,
      ops_per_s: r.per_s * batch,
      p50_ms: r.p50_ms,
      p99_ms: r.p99_ms,
      max_ms: r.max_ms,
      send_lag_max_ms: r.send_lag_max_ms,
      warmup_s: WARMUP_SECONDS,
      cores,
      durable,
    });
  });
}

const WARMUP_SECONDS = 1;

interface ClientData {
  batch: number;
  prefix: string;
}

/** The load generator of `offeredCase`, in its worker thread: submit i carries transfers i·batch … */
async function client({ batch, prefix }: ClientData): Promise<void> {
  const make = transferMaker(prefix);
  await offeredClient((i) => {
    const submit: TransferInput[] = new Array(batch);
    for (let k = 0; k < batch; k++) submit[k] = make(i * batch + k);
    return submit;
  });
}

/** The target throughput of batched transfers: "half load" is half of it (see the latency cases). */
const TARGET_PER_S = 100_000;

const flag = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

/**
 * A latency case in a process of its own, as a server is: the closed-loop cases before it leave hundreds of
 * MB of garbage and a grown old generation in this one, which would slow every scavenge of the measured
 * seconds and is not what a running ledger has.
 */
async function isolated(engine: Engine, batch: number, rate: number, seconds: number): Promise<void> {
  const args = [
    ...process.execArgv,
    fileURLToPath(import.meta.url),
    `--latency=${rate}`,
    `--batch=${batch}`,
    `--engine=${engine}`,
    `--seconds=${seconds}`,
  ];
  const child = spawn(process.execPath, args, { stdio: 'inherit' });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`latency case ${engine} batch ${batch} at ${rate}/s exited with ${code}`);
}

export async function run(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const scale = quick ? 0.1 : 1;
  const seconds = Number(flag('seconds') ?? (quick ? 1 : 5));
  // `--latency=50000 [--batch=100] [--engine=sqlite]`: only that latency case, in this process
  const fixed = Number(flag('latency'));
  if (fixed > 0) {
    const engine = (flag('engine') ?? 'sqlite') as Engine;
    await offeredCase(engine, Number(flag('batch') ?? 100), fixed, seconds);
    return;
  }
  for (const engine of benchEngines()) {
    const big = Math.round(200_000 * scale);
    await closedLoop(engine, { batch: 1000, concurrency: 8, transfers: big });
    const batched = await closedLoop(engine, { batch: 100, concurrency: 80, transfers: big });
    await closedLoop(engine, { batch: 1, concurrency: 1, transfers: Math.round(2_000 * scale) });
    const single = await closedLoop(engine, { batch: 1, concurrency: 1000, transfers: Math.round(100_000 * scale) });
    // half of the target (the "half that load") and half of what this run measured
    await isolated(engine, 100, Math.round((TARGET_PER_S / 2) * scale), seconds);
    await isolated(engine, 100, Math.round(batched / 2), seconds);
    await isolated(engine, 1, Math.round(single / 2), seconds);
  }
}

if (!isMainThread && (workerData as Partial<ClientData> | null)?.prefix) await client(workerData as ClientData);
else if (import.meta.main) await run();
