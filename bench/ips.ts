/**
 * IPS benchmarks. One JSON line per case on stdout.
 *  - ips.pay: instant payments through the service with durable commits (no HTTP in front): reserve on the
 *    payer's position, deliver to the payee bank (an in-process endpoint that accepts at once, through a fetch
 *    stand-in, so the bank's own network is not what is measured), post, record, notify; 500 in flight.
 *  - ips.pay via http: end to end as deployed: the platform in its own process (`src/cli.ts start`, the demo
 *    world's five banks), payer banks sending pacs.008 over HTTP with OAuth tokens (closed loop, from a worker
 *    thread), each bank's payee simulator (`simulators/bank.ts`: signed delivery verified, ACCP for its
 *    customer's account, and the pacs.002 webhooks it receives as a payer) answering over HTTP in this
 *    process. A payment counts when its pacs.002 ACSC is read.
 *  - ips.latency: the same set-up under an offered (open-loop) load of 1,000 payments/s for 10 s (1 s of
 *    warm-up before, not counted): payment i is due at i/1000 s and timed from that moment to its ACSC, so
 *    neither a stall nor a late send hides any waiting (no coordinated omission).
 *  - ips.alias_lookup: confirmation-of-payee lookups (phone → bank and masked name, each audited in the
 *    hash-chained log) among 100,000 registered aliases (seeded by SQL: registration is not what is measured),
 *    through the service and over HTTP. Rate limits: the directory limits each bank (default 6,000 a minute,
 *    bursts up to that) and each payer (30 a minute). In process the per-bank limit is raised to 100,000,000 a
 *    minute (`lookupsPerMinutePerBank`, a service option) and reported; over HTTP the platform is started with
 *    NDFI_IPS_ALIAS_LOOKUPS_PER_MINUTE_PER_BANK at 100,000,000 and the run makes 10,000 lookups per bank
 *    (`--lookups-per-bank=`), counting 429s. Payer ids cycle so no payer looks up more than 30 times.
 * `--case=pay|pay-http|latency|alias|alias-http` runs one case (`--engine=sqlite|postgres` one engine, `--rate=`
 * and `--seconds=` the offered load of ips.latency, `--lookups-per-bank=` the size of the HTTP alias run);
 * BENCH_PROF=1 writes the platform's CPU profile to .tmp/prof. Over HTTP each line adds the CPU time per
 * request of the platform process and of this one (simulators and load generator), warm-up included.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BankSimulator } from '../simulators/index.ts';
import { ImtsService, imtsMigrations } from '../src/imts/index.ts';
import { IpsAliasService, IpsService, ipsAliasMigrations, ipsMigrations } from '../src/ips/index.ts';
import { createLedger, type Ledger, ledgerMigrations } from '../src/ledger/index.ts';
import {
  auditMigrations,
  type Db,
  type Engine,
  ManualClock,
  migrate,
  PostgresDb,
  SqliteDb,
  silentLogger,
  systemClock,
  ulidGenerator,
  webhooksMigrations,
} from '../src/platform/index.ts';
import { benchPhone, httpLoad, type LoadBank, type LoadResult } from './ips-load.ts';
import {
  type BankClient,
  bankClients,
  demoLogin,
  flag,
  freePort,
  kill,
  pgSchema,
  ROOT,
  spawnPlatform,
  waitReady,
} from './ips-platform.ts';
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

// ── alias lookups ─────────────────────────────────────────────────────────────────────────────────────────

const ALIASES = 100_000;
/** Payer ids the lookups cycle over: each looks up a few times, under the directory's 30 a minute. */
const PAYERS = 50_000;

/** Registers `n` aliases phone(0…n−1) straight into the directory's table, spread over the banks. */
async function seedAliases(db: Db, banks: { id: string; bic: string }[], n: number): Promise<void> {
  const at = new Date().toISOString();
  for (let from = 0; from < n; from += 500) {
    const params: (string | bigint)[] = [];
    const rows: string[] = [];
    for (let i = from; i < Math.min(n, from + 500); i++) {
      const b = banks[i % banks.length]!;
      const k = params.length;
      rows.push(`($${k + 1}, $${k + 2}, $${k + 3}, $${k + 4}, $${k + 5}, $${k + 6}, $${k + 7}, $${k + 7})`);
      params.push(benchPhone(i), b.id, b.bic, `ACC${i}`, `Holder${i} Surname${i}`, '900101000015', at);
    }
    await db.transaction((tx) =>
      tx.exec(
        `INSERT INTO ips_aliases (phone, participant_id, bic, account_id, holder_name, holder_iin, created_at, updated_at) VALUES ${rows.join(', ')}`,
        params,
      ),
    );
  }
}

async function benchAliasService(engine: Engine, lookups: number): Promise<void> {
  const { db, cleanup } = await benchDb(engine);
  try {
    await migrate(db, [auditMigrations, ipsAliasMigrations]);
    const banks = BANKS.map((bic) => ({ id: `ptc_${bic}`, bic }));
    await seedAliases(db, banks, ALIASES);
    const perBank = 100_000_000;
    const svc = new IpsAliasService({ db, clock: systemClock, options: { lookupsPerMinutePerBank: perBank } });
    const callers = banks.map((b) => ({ participantId: b.id, bic: b.bic, actor: `client_${b.bic}` }));
    const lat = new Latencies();
    // 2,000 lookups of warm-up (JIT), not counted
    await pool(2000, 256, (i) => svc.lookup(callers[i % callers.length]!, benchPhone(i), `warm-${i}`).then(() => {}));
    const t0 = now();
    await pool(lookups, 256, async (i) => {
      const s = now();
      await svc.lookup(callers[i % callers.length]!, benchPhone((i * 7919) % ALIASES), `payer-${i % PAYERS}`);
      lat.add(now() - s);
    });
    const elapsed = now() - t0;
    emit({
      bench: 'ips.alias_lookup',
      engine,
      via: 'service',
      aliases: ALIASES,
      lookups,
      concurrency: 256,
      ops_per_s: round((lookups / elapsed) * 1000, 0),
      ...lat.summary(),
      per_bank_per_min: perBank,
      per_payer_per_min: 30,
      payers: PAYERS,
      cores,
      durable: await isDurable(db),
    });
  } finally {
    await cleanup();
  }
}

// ── over HTTP, the platform as deployed ───────────────────────────────────────────────────────────────────

interface Deployed {
  url: string;
  /** CPU time the platform process has used so far, ms (Linux; undefined elsewhere). */
  cpuMs: () => number | undefined;
  dir: string;
  engine: Engine;
  operator: string;
  banks: BankClient[];
  /** The platform's database, for seeding. */
  db: () => Db;
}

async function withPlatform(
  engine: Engine,
  fn: (p: Deployed) => Promise<void>,
  env: Record<string, string> = {},
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ndfi-bench-ips-'));
  const schema = engine === 'postgres' ? await pgSchema(process.env.DATABASE_URL!, 'bench_ips') : undefined;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const life = spawnPlatform({
    dir,
    port,
    databaseUrl: schema?.url,
    env,
    nodeFlags: process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, '.tmp/prof')}`] : [],
    onError: (line) => console.error(`  [platform] ${line.slice(0, 300)}`),
  });
  const opened: Db[] = [];
  try {
    if (!(await waitReady(url, life))) throw new Error('the platform did not become ready');
    const operator = await demoLogin(url, dir);
    const banks = await bankClients(url, operator);
    await fn({
      url,
      cpuMs: () => processCpuMs(life.proc.pid),
      dir,
      engine,
      operator,
      banks,
      db: () => {
        const db = schema
          ? new PostgresDb(process.env.DATABASE_URL!, { schema: schema.schema })
          : new SqliteDb(join(dir, 'ndfi.db'));
        opened.push(db);
        return db;
      },
    });
  } finally {
    for (const db of opened) await db.close();
    await kill(life, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
    await schema?.drop();
  }
}

/** utime + stime of a process from /proc (clock ticks of 10 ms), or undefined where there is none. */
function processCpuMs(pid: number | undefined): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return undefined;
  }
}

/**
 * Runs the load, and adds the CPU time per request of the platform process and of this one (the payee
 * simulators and the load generator), warm-up included: a measure that holds when other work shares the
 * machine, where the rate does not.
 */
async function measured(p: Deployed, spec: Parameters<typeof httpLoad>[0]) {
  const platform0 = p.cpuMs();
  const here0 = process.cpuUsage();
  const r = await httpLoad(spec);
  const platform1 = p.cpuMs();
  const here = process.cpuUsage(here0);
  const n = spec.n + spec.warmup;
  return {
    r,
    cpu: {
      ...(platform0 !== undefined && platform1 !== undefined
        ? { platform_cpu_us_per_op: round(((platform1 - platform0) * 1000) / n, 0) }
        : {}),
      bench_cpu_us_per_op: round((here.user + here.system) / n, 0),
    },
  };
}

/** Every bank's payee simulator (its IPS endpoint) with customer accounts, and its position funded. */
async function payeeBanks(p: Deployed): Promise<{ load: LoadBank[]; close(): Promise<void> }> {
  const sims: BankSimulator[] = [];
  const load: LoadBank[] = [];
  for (const b of p.banks) {
    const sim = new BankSimulator({ baseUrl: p.url, participantId: b.id, webhooks: true, keepEvents: 100 });
    await sim.start({ baseUrl: p.url, cookie: p.operator });
    await sim.fundInstantPosition(1_000_000_000_00n);
    const accounts = Array.from({ length: 100 }, (_, k) => sim.openAccount({ name: `Customer ${k}` }).id);
    sims.push(sim);
    load.push({ bic: b.bic, token: b.token, accounts });
  }
  return {
    load,
    close: async () => {
      for (const s of sims) await s.close();
    },
  };
}

const httpLine = (r: LoadResult) => ({
  p50_ms: r.p50_ms,
  p99_ms: r.p99_ms,
  max_ms: r.max_ms,
  errors: r.errors,
  ...(r.errors ? { failures: r.failures } : {}),
});

async function benchPayHttp(engine: Engine, n: number, concurrency: number): Promise<void> {
  await withPlatform(engine, async (p) => {
    const payees = await payeeBanks(p);
    try {
      const { r, cpu } = await measured(p, {
        url: p.url,
        kind: 'pay',
        banks: payees.load,
        n,
        warmup: 2000,
        concurrency,
        prefix: 'P',
      });
      emit({
        bench: 'ips.pay',
        engine,
        via: 'http',
        payments: n,
        concurrency,
        ops_per_s: r.per_s,
        ...httpLine(r),
        ...cpu,
        payee: 'simulator over HTTP',
        cores,
        durable: true,
      });
    } finally {
      await payees.close();
    }
  });
}

async function benchLatency(engine: Engine, rate: number, seconds: number): Promise<void> {
  await withPlatform(engine, async (p) => {
    const payees = await payeeBanks(p);
    try {
      const { r, cpu } = await measured(p, {
        url: p.url,
        kind: 'pay',
        banks: payees.load,
        n: rate * seconds,
        warmup: rate,
        rate,
        prefix: 'L',
      });
      emit({
        bench: 'ips.latency',
        engine,
        via: 'http',
        offered_per_s: rate,
        payments: rate * seconds,
        ops_per_s: r.per_s,
        ...httpLine(r),
        send_lag_max_ms: r.send_lag_max_ms,
        ...cpu,
        warmup_s: 1,
        payee: 'simulator over HTTP',
        cores,
        durable: true,
      });
    } finally {
      await payees.close();
    }
  });
}

/** The per-bank lookup limit the platform is started with over HTTP: out of the way of the measurement. */
const HTTP_LOOKUPS_PER_MINUTE_PER_BANK = 100_000_000;

async function benchAliasHttp(engine: Engine, perBank: number, concurrency: number): Promise<void> {
  await withPlatform(
    engine,
    async (p) => {
      await seedAliases(p.db(), p.banks, ALIASES);
      const banks = p.banks.map((b) => ({ bic: b.bic, token: b.token, accounts: [] }));
      const n = perBank * banks.length;
      const { r, cpu } = await measured(p, {
        url: p.url,
        kind: 'lookup',
        banks,
        n,
        warmup: 0,
        concurrency,
        prefix: 'A',
        phones: ALIASES,
        payers: PAYERS,
      });
      emit({
        bench: 'ips.alias_lookup',
        engine,
        via: 'http',
        aliases: ALIASES,
        lookups: n,
        concurrency,
        ops_per_s: r.per_s,
        ...httpLine(r),
        rate_limited: r.failures['429'] ?? 0,
        ...cpu,
        per_bank_per_min: HTTP_LOOKUPS_PER_MINUTE_PER_BANK,
        per_payer_per_min: 30,
        payers: PAYERS,
        cores,
        durable: true,
      });
    },
    { NDFI_IPS_ALIAS_LOOKUPS_PER_MINUTE_PER_BANK: String(HTTP_LOOKUPS_PER_MINUTE_PER_BANK) },
  );
}

export async function run(): Promise<void> {
  const only = flag('case');
  const want = (c: string) => only === undefined || only === c;
  const engines = flag('engine') ? [flag('engine') as Engine] : benchEngines();
  for (const engine of engines) {
    if (want('pay')) await benchPay(engine, 20_000);
    if (want('pay-http')) await benchPayHttp(engine, 20_000, 256);
    if (want('latency')) await benchLatency(engine, Number(flag('rate') ?? 1000), Number(flag('seconds') ?? 10));
    if (want('alias')) await benchAliasService(engine, 100_000);
    if (want('alias-http')) await benchAliasHttp(engine, Number(flag('lookups-per-bank') ?? 10_000), 64);
  }
}

if (import.meta.main) await run();
