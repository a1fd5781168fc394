/**
 * ICS clearing cycle, persisted: 1,000,000 payments among 20 participants submitted through IcsService
 * in messages of 10,000 (4 in flight), each answered only once durable (group commit), then the cycle
 * closed — netted from the stored rows, settled through the real IMTS and ledger, report written.
 * Run: `node bench/ics-cycle.ts [--quick]` (100,000 payments). One JSON line per engine on stdout
 * (SQLite always, PostgreSQL when DATABASE_URL is set).
 *
 *  - cycle_ms:  intake of every payment + the close, end to end (the requirement: ≤ 30 s on SQLite)
 *  - intake_ms, close_ms: the two parts
 *  - ops_per_s: payments / cycle_ms
 *  - p50_ms, p99_ms: latency of one message (10,000 payments) from submit to its durable answer
 *
 * The workload comes from a seeded PRNG: every run stores and closes the same cycle.
 */

import { type IcsPaymentInput, IcsService, icsMigrations } from '../src/ics/index.ts';
import { ImtsService, imtsMigrations } from '../src/imts/index.ts';
import { createLedger, type Ledger, ledgerMigrations } from '../src/ledger/index.ts';
import {
  auditMigrations,
  type Engine,
  eventsMigrations,
  ManualClock,
  migrate,
  silentLogger,
  webhooksMigrations,
} from '../src/platform/index.ts';
import { benchDb, benchEngines, cores, emit, isDurable, Latencies, now, pool, round } from './lib.ts';

const PARTICIPANTS = 20;
const BATCH = 10_000;
const IN_FLIGHT = 4;
const BANKS = Array.from({ length: PARTICIPANTS }, (_, i) => `BANK${String(i + 1).padStart(2, '0')}KZ`);
/** Monday 2026-01-05 09:00 Almaty: the first cycle of the day is open. */
const START = Date.UTC(2026, 0, 5, 4, 0, 0);

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Messages of BATCH payments, senders in turn; receivers weighted; amounts log-uniform 1 … 5,000,000 KZT. */
function workload(n: number): { sender: string; msgId: string; payments: IcsPaymentInput[] }[] {
  const rnd = prng(20260105);
  const recvW = BANKS.map(() => 1 + rnd() * 9);
  const total = recvW.reduce((s, x) => s + x, 0);
  let acc = 0;
  const cum = recvW.map((x) => (acc += x / total));
  const maxLog = Math.log(5_000_000);
  const out: { sender: string; msgId: string; payments: IcsPaymentInput[] }[] = [];
  for (let m = 0; m * BATCH < n; m++) {
    const s = m % PARTICIPANTS;
    const sender = BANKS[s]!;
    const payments: IcsPaymentInput[] = new Array(Math.min(BATCH, n - m * BATCH));
    for (let k = 0; k < payments.length; k++) {
      const u = rnd();
      let c = 0;
      while (c < PARTICIPANTS - 1 && cum[c]! < u) c++;
      if (c === s) c = (c + 1) % PARTICIPANTS;
      const i = m * BATCH + k;
      payments[k] = {
        txId: `TX${String(i).padStart(10, '0')}`,
        endToEndId: `E2E-${i}`,
        receiverBic: BANKS[c]!,
        amount: BigInt(Math.max(1, Math.floor(Math.exp(rnd() * maxLog) * 100))),
        currency: 'KZT',
      };
    }
    out.push({ sender, msgId: `MSG-${m}`, payments });
  }
  return out;
}

async function benchCycle(engine: Engine, n: number): Promise<void> {
  const { db, cleanup } = await benchDb(engine);
  let ledger: Ledger | undefined;
  try {
    await migrate(db, [
      auditMigrations,
      eventsMigrations,
      webhooksMigrations,
      ledgerMigrations,
      imtsMigrations,
      icsMigrations,
    ]);
    const clock = new ManualClock(START);
    ledger = await createLedger({ db, clock });
    await ledger.createAccounts([{ id: 'cb:issuance', owner: 'cb', currency: 'KZT', code: 'issuance' }]);
    const lookup = async (bic: string) => ({
      id: `ptc_${bic}`,
      bic,
      status: 'active' as const,
      roles: ['bank', 'settlement'],
    });
    const imts = new ImtsService({
      db,
      ledger,
      clock,
      logger: silentLogger(),
      lookup,
      centralBank: async () => ({ id: 'cb', issuanceAccountId: 'cb:issuance' }),
    });
    await imts.start();
    for (const bic of BANKS) await imts.liquidity({ id: `l-${bic}`, bic, direction: 'inject', amount: 10n ** 15n });
    const ics = new IcsService({ db, clock, logger: silentLogger(), imts, lookup });
    await ics.start();

    const messages = workload(n);
    const lat = new Latencies();
    const t0 = now();
    await pool(messages.length, IN_FLIGHT, async (i) => {
      const m = messages[i]!;
      const s = now();
      const r = await ics.submit(m.sender, { msgId: m.msgId, payments: m.payments });
      if (r.accepted !== m.payments.length) throw new Error(`message ${m.msgId}: ${r.rejected} rejected`);
      lat.add(now() - s);
    });
    const t1 = now();
    const cycleId = ics.currentCycle().id;
    const closed = await ics.closeCycle(cycleId, 'bench');
    const t2 = now();
    if (closed.settledCount !== n) throw new Error(`settled ${closed.settledCount} of ${n}`);
    const s = lat.summary();
    emit({
      bench: 'ics.cycle_persisted',
      engine,
      payments: n,
      participants: PARTICIPANTS,
      ops_per_s: round((n / (t2 - t0)) * 1000, 0),
      p50_ms: s.p50_ms,
      p99_ms: s.p99_ms,
      cycle_ms: round(t2 - t0),
      intake_ms: round(t1 - t0),
      close_ms: round(t2 - t1),
      batch: BATCH,
      in_flight: IN_FLIGHT,
      rounds: closed.rounds,
      settled_amount: closed.settledAmount,
      cores,
      durable: await isDurable(db),
    });
  } finally {
    await ledger?.close();
    await cleanup();
  }
}

export async function run(): Promise<void> {
  const n = process.argv.includes('--quick') ? 100_000 : 1_000_000;
  for (const engine of benchEngines()) await benchCycle(engine, n);
}

if (import.meta.main) await run();
