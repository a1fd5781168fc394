/**
 * IMTS benchmarks. One JSON line per case on stdout.
 *  - imts.gridlock: multilateral offsetting over a queue of 10,000 payments among 20 banks (pure)
 *  - imts.settle:   payments decided and settled through the service with durable commits (no HTTP),
 *                   1,000 in flight, per engine; then through the JSON API and as XML (bench/imts-http.ts)
 *  - imts.latency:  the JSON API at 1,000 payments/s offered for 10 s (`node bench/imts-http.ts --rate=N`)
 */

import { resolveGridlock } from '../src/imts/domain/gridlock.ts';
import type { QueuedPayment } from '../src/imts/domain/queue.ts';
import { imtsMigrations } from '../src/imts/migrations.ts';
import { ImtsService } from '../src/imts/service.ts';
import { createLedger, type Ledger, ledgerMigrations } from '../src/ledger/index.ts';
import { ManualClock, migrate, silentLogger, webhooksMigrations } from '../src/platform/index.ts';
import { run as runHttp } from './imts-http.ts';
import { benchDb, benchEngines, cores, emit, isDurable, Latencies, now, pool, round } from './lib.ts';

const BANKS = Array.from({ length: 20 }, (_, i) => `BANK${String(i + 1).padStart(2, '0')}KZ`);

function gridlockQueue(n: number): { queue: QueuedPayment[]; balances: Map<string, bigint> } {
  let x = 12345;
  const rnd = () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    return x / 0x7fffffff;
  };
  const queue: QueuedPayment[] = [];
  for (let i = 0; i < n; i++) {
    const d = Math.floor(rnd() * BANKS.length);
    let c = Math.floor(rnd() * BANKS.length);
    if (c === d) c = (c + 1) % BANKS.length;
    queue.push({
      id: `p${i}`,
      debtor: BANKS[d]!,
      creditor: BANKS[c]!,
      amount: BigInt(1 + Math.floor(rnd() * 1_000_000)),
      priority: rnd() < 0.1 ? 'urgent' : 'normal',
      seq: BigInt(i),
    });
  }
  // little liquidity: most of the queue is gridlocked and only offsetting releases it
  return { queue, balances: new Map(BANKS.map((b) => [b, 5_000_000n])) };
}

function benchGridlock(): void {
  const { queue, balances } = gridlockQueue(10_000);
  const lat = new Latencies();
  let settled = 0;
  for (let rep = 0; rep < 15; rep++) {
    const t0 = now();
    settled = resolveGridlock(queue, balances).settled.length;
    lat.add(now() - t0);
  }
  const s = lat.summary();
  emit({
    bench: 'imts.gridlock',
    engine: 'memory',
    queued: queue.length,
    participants: BANKS.length,
    settled,
    ops_per_s: round((queue.length / s.p50_ms) * 1000, 0),
    ...s,
    cores,
    durable: false,
  });
}

async function benchSettle(engine: 'sqlite' | 'postgres', n: number): Promise<void> {
  const { db, cleanup } = await benchDb(engine);
  let ledger: Ledger | undefined;
  try {
    await migrate(db, [ledgerMigrations, imtsMigrations, webhooksMigrations]);
    const clock = new ManualClock();
    ledger = await createLedger({ db, clock });
    await ledger.createAccounts([{ id: 'cb:issuance', owner: 'cb', currency: 'KZT', code: 'issuance' }]);
    const imts = new ImtsService({
      db,
      ledger,
      clock,
      logger: silentLogger(),
      lookup: async (bic) => ({ id: `ptc_${bic}`, bic, status: 'active', roles: ['settlement'] }),
      centralBank: async () => ({ id: 'cb', issuanceAccountId: 'cb:issuance' }),
    });
    await imts.start();
    for (const bic of BANKS) await imts.liquidity({ id: `l-${bic}`, bic, direction: 'inject', amount: 10n ** 15n });
    const lat = new Latencies();
    const t0 = now();
    await pool(n, 1000, async (i) => {
      const from = BANKS[i % BANKS.length]!;
      const to = BANKS[(i * 7 + 3) % BANKS.length]!;
      const s = now();
      const [r] = await imts.submit(from, `m${i}`, [
        {
          msgType: 'pacs.008',
          txId: `t${i}`,
          endToEndId: `e${i}`,
          receiverBic: from === to ? BANKS[(i + 1) % BANKS.length]! : to,
          amount: 100_00n,
          currency: 'KZT',
          priority: 'normal',
          document: {},
        },
      ]);
      if (r?.status !== 'ACSC') throw new Error(`payment ${i}: ${r?.status} ${r?.reason}`);
      lat.add(now() - s);
    });
    const elapsed = now() - t0;
    const s = lat.summary();
    emit({
      bench: 'imts.settle',
      engine,
      via: 'service',
      payments: n,
      concurrency: 1000,
      ops_per_s: round((n / elapsed) * 1000, 0),
      ...s,
      cores,
      durable: await isDurable(db),
    });
  } finally {
    await ledger?.close();
    await cleanup();
  }
}

export async function run(): Promise<void> {
  benchGridlock();
  for (const engine of benchEngines()) await benchSettle(engine, 30_000);
  await runHttp({ via: 'json' });
  await runHttp({ via: 'xml' });
  // the latency target: p99 at 1,000 payments/s offered (open loop), for 10 s
  await runHttp({ via: 'json', rate: 1000, amount: 10_000 });
}

if (import.meta.main) await run();
