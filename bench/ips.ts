/**
 * IPS benchmarks. One JSON line per case on stdout.
 *  - ips.pay: instant payments through the service with durable commits (no HTTP in front): reserve on the
 *    payer's position, deliver to the payee bank (an in-process endpoint that accepts at once, through a fetch
 *    stand-in, so the bank's own network is not what is measured), post, record, notify; 500 in flight.
 */
import { ImtsService, imtsMigrations } from '../src/imts/index.ts';
import { IpsService, ipsMigrations } from '../src/ips/index.ts';
import { createLedger, type Ledger, ledgerMigrations } from '../src/ledger/index.ts';
import { ManualClock, migrate, silentLogger, ulidGenerator, webhooksMigrations } from '../src/platform/index.ts';
import { benchDb, benchEngines, cores, emit, isDurable, Latencies, now, pool, round } from './lib.ts';

const BANKS = Array.from({ length: 10 }, (_, i) => `BANK${String(i + 1).padStart(2, '0')}KZ`);

async function benchPay(engine: 'sqlite' | 'postgres', n: number): Promise<void> {
  const { db, cleanup } = await benchDb(engine);
  let ledger: Ledger | undefined;
  try {
    await migrate(db, [ledgerMigrations, imtsMigrations, webhooksMigrations, ipsMigrations]);
    const clock = new ManualClock();
    ledger = await createLedger({ db, clock });
    await ledger.createAccounts([{ id: 'cb:issuance', owner: 'cb', currency: 'KZT', code: 'issuance' }]);
    const lookup = async (bic: string) => ({ id: `ptc_${bic}`, bic, status: 'active' as const, roles: ['settlement'] });
    const centralBank = async () => ({ id: 'cb', issuanceAccountId: 'cb:issuance' });
    const imts = new ImtsService({ db, ledger, clock, logger: silentLogger(), lookup, centralBank });
    await imts.start();
    const accept = new Response(JSON.stringify({ txSts: 'ACCP' }), { status: 200 });
    const ips = new IpsService({
      db,
      ledger,
      imts,
      clock,
      ids: ulidGenerator(clock),
      logger: silentLogger(),
      lookup,
      centralBank,
      endpoint: async (id) => ({ id: `ep_${id}`, url: 'http://payee.invalid/ips', secret: 'whsec_YmVuY2g=' }),
      fetch: async () => accept.clone(),
    });
    for (const bic of BANKS) {
      await imts.liquidity({ id: `l-${bic}`, bic, direction: 'inject', amount: 10n ** 15n });
      await ips.fund({ id: `f-${bic}`, bic, direction: 'fund', amount: 10n ** 14n });
    }
    const lat = new Latencies();
    const t0 = now();
    await pool(n, 500, async (i) => {
      const from = BANKS[i % BANKS.length]!;
      const to = BANKS[(i * 7 + 3) % BANKS.length]!;
      const s = now();
      const r = await ips.pay(from, {
        msgId: `m${i}`,
        txId: `t${i}`,
        endToEndId: `e${i}`,
        amount: 5_000_00n,
        currency: 'KZT',
        payeeBic: from === to ? BANKS[(i + 1) % BANKS.length]! : to,
        creditorAccount: `ACC${i}`,
        document: {},
      });
      if (r.status !== 'ACSC') throw new Error(`payment ${i}: ${r.status} ${r.reason}`);
      lat.add(now() - s);
    });
    const elapsed = now() - t0;
    emit({
      bench: 'ips.pay',
      engine,
      via: 'service',
      payments: n,
      concurrency: 500,
      ops_per_s: round((n / elapsed) * 1000, 0),
      ...lat.summary(),
      cores,
      durable: await isDurable(db),
    });
  } finally {
    await ledger?.close();
    await cleanup();
  }
}

export async function run(): Promise<void> {
  for (const engine of benchEngines()) await benchPay(engine, 20_000);
}

if (import.meta.main) await run();
