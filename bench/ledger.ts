/**
 * Ledger throughput and latency, durable commits only (SQLite WAL + synchronous=FULL, PostgreSQL
 * synchronous_commit=on). Run: `node bench/ledger.ts` or `npm run bench -- ledger`. One JSON line per result.
 *
 *  - batched: submits of 100 or 1,000 transfers, enough of them in flight to fill 8,000-transfer commits
 *  - one per request, concurrency 1: every transfer waits for its own commit (fsync-bound)
 *  - one per request, concurrency 1,000: single transfers merged by group commit
 *  - latency: offered (open-loop) load at half the measured maximum, for submits of 100 and of 1
 * Latencies are per submit, from the call to the acknowledgement (after COMMIT).
 */

import { createLedger, type Ledger, ledgerMigrations, type TransferInput } from '../src/ledger/index.ts';
import { type Engine, migrate } from '../src/platform/index.ts';
import { benchDb, benchEngines, cores, emit, isDurable, Latencies, now, offered, pool } from './lib.ts';

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

/** Transfers between random funded accounts, built before the clock starts. */
function transfers(prefix: string, n: number): TransferInput[] {
  let seed = 42;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed;
  };
  return Array.from({ length: n }, (_, i) => {
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
  });
}

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

/** `rate` transfers per second offered as submits of `batch`, whatever the latency. */
async function offeredLoad(engine: Engine, batch: number, rate: number, seconds: number): Promise<void> {
  await withLedger(engine, async (ledger, durable) => {
    const n = Math.round(rate * seconds);
    const all = transfers(`o${batch}-${rate}`, n);
    const lat = new Latencies();
    const start = now();
    await offered(Math.ceil(n / batch), rate / batch, async (i) => {
      const t0 = now();
      await ledger.submit(all.slice(i * batch, (i + 1) * batch));
      lat.add(now() - t0);
    });
    emit({
      bench: 'ledger.latency',
      engine,
      batch,
      offered_per_s: rate,
      transfers: n,
      ops_per_s: Math.round(n / ((now() - start) / 1000)),
      ...lat.summary(),
      cores,
      durable,
    });
  });
}

export async function run(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const scale = quick ? 0.1 : 1;
  for (const engine of benchEngines()) {
    const big = Math.round(200_000 * scale);
    const seconds = quick ? 1 : 5;
    await closedLoop(engine, { batch: 1000, concurrency: 8, transfers: big });
    const batched = await closedLoop(engine, { batch: 100, concurrency: 80, transfers: big });
    await closedLoop(engine, { batch: 1, concurrency: 1, transfers: Math.round(2_000 * scale) });
    const single = await closedLoop(engine, { batch: 1, concurrency: 1000, transfers: Math.round(100_000 * scale) });
    await offeredLoad(engine, 100, Math.round(batched / 2), seconds);
    await offeredLoad(engine, 1, Math.round(single / 2), seconds);
  }
}

if (import.meta.main) await run();
