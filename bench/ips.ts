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
 *  - ips.pay_screened: the same in-process payments, each a pacs.008 transaction naming both parties (names,
 *    IINs, IBANs), with the AFC screening hook as src/app.ts wires it (`ipsScreening(afcScreening)`) over
 *    1,000,000 list entries in memory (bench/afc.ts's lists; AFC_BENCH_DATA reuses them), against the same
 *    payments without screening (no hook, no lists in the process). After a warm-up run, rounds alternate
 *    the order (unscreened first, then screened first, …), each run on a fresh database: both rates
 *    (medians), their ratio and the cost in percent, and the same from this process's CPU time per payment
 *    (`cpu_cost_pct`, steadier when other work shares the machine). 1 in 100 pays a listed account, 1 in 200
 *    names a listed person: `reviewed` and `blocked` count the decisions the payments meet (a block is
 *    refused, FRAD; a review settles with the credit held).
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
 * `--case=pay|pay-screened|pay-http|latency|alias|alias-http` runs one case (`--payments=` and `--rounds=`
 * size ips.pay_screened) (`--engine=sqlite|postgres` one engine, `--rate=`
 * and `--seconds=` the offered load of ips.latency, `--lookups-per-bank=` the size of the HTTP alias run);
 * BENCH_PROF=1 writes the platform's CPU profile to .tmp/prof. Over HTTP each line adds the CPU time per
 * request of the platform process and of this one (simulators and load generator), warm-up included.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BankSimulator } from '../simulators/index.ts';
import { AfcLists, AfcScreening, ipsScreening } from '../src/afc/index.ts';
import { iban, iin } from '../src/afc/testkit.ts';
import { ImtsService, imtsMigrations } from '../src/imts/index.ts';
import { IpsAliasService, IpsService, ipsAliasMigrations, ipsMigrations, type Screening } from '../src/ips/index.ts';
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
import { cleanName, filledLists, listedAccount, listedNameLatin } from './afc.ts';
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

/** An IPS service on a fresh database: ten funded banks, payees that accept at once (see ips.pay). */
async function payWorld(
  engine: Engine,
  screen?: Screening,
): Promise<{ ips: IpsService; db: Db; close(): Promise<void> }> {
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
      ...(screen ? { screen } : {}),
    });
    for (const bic of BANKS) {
      await imts.liquidity({ id: `l-${bic}`, bic, direction: 'inject', amount: 10n ** 15n });
      await ips.fund({ id: `f-${bic}`, bic, direction: 'fund', amount: 10n ** 14n });
    }
    const opened = ledger;
    return {
      ips,
      db,
      close: async () => {
        await opened.close();
        await cleanup();
      },
    };
  } catch (e) {
    await ledger?.close();
    await cleanup();
    throw e;
  }
}

/** The payee of payment i (never the payer). */
const payeeOf = (i: number): { from: string; to: string } => {
  const from = BANKS[i % BANKS.length]!;
  const to = BANKS[(i * 7 + 3) % BANKS.length]!;
  return { from, to: from === to ? BANKS[(i + 1) % BANKS.length]! : to };
};

async function benchPay(engine: 'sqlite' | 'postgres', n: number): Promise<void> {
  const world = await payWorld(engine);
  try {
    const { ips, db } = world;
    const lat = new Latencies();
    const t0 = now();
    await pool(n, 500, async (i) => {
      const { from, to } = payeeOf(i);
      const s = now();
      const r = await ips.pay(from, {
        msgId: `m${i}`,
        txId: `t${i}`,
        endToEndId: `e${i}`,
        amount: 5_000_00n,
        currency: 'KZT',
        payeeBic: to,
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
    await world.close();
  }
}

// ── the cost of screening every payment ───────────────────────────────────────────────────────────────────

/** A pacs.008 transaction as a bank sends it: both parties named, with IINs and IBANs (what screening reads). */
interface ScreenedPayment {
  from: string;
  to: string;
  creditorAccount: string;
  document: unknown;
}

function screenedPayments(n: number): ScreenedPayment[] {
  return Array.from({ length: n }, (_, i) => {
    const { from, to } = payeeOf(i);
    // as bench/afc.ts: 1 in 100 pays a listed account, 1 in 200 a listed name
    const creditorAccount = i % 100 === 0 ? listedAccount(i) : iban(6_000_000 + i);
    const person = (name: string, id: string) => ({ nm: name, id: { prvtId: { othr: [{ id }] } } });
    return {
      from,
      to,
      creditorAccount,
      document: {
        pmtId: { endToEndId: `E${i}`, txId: `T${i}` },
        intrBkSttlmAmt: { amount: '5000.00', ccy: 'KZT' },
        dbtr: person(cleanName(i + 3), iin(5_000_000 + i)),
        dbtrAcct: { id: { iban: iban(5_000_000 + i) } },
        cdtr: person(i % 200 === 1 ? listedNameLatin(i) : cleanName(i), iin(7_000_000 + i)),
        cdtrAcct: { id: { iban: creditorAccount } },
      },
    };
  });
}

/** One measured run of `n` payments through a fresh IPS world; counts what screening refused. */
async function payRun(engine: Engine, payments: ScreenedPayment[], tag: string, screen?: Screening) {
  const world = await payWorld(engine, screen);
  try {
    const lat = new Latencies();
    let blocked = 0;
    const load = loadavg()[0]!;
    const cpu0 = process.cpuUsage();
    const t0 = now();
    await pool(payments.length, 500, async (i) => {
      const p = payments[i]!;
      const s = now();
      const r = await world.ips.pay(p.from, {
        msgId: `${tag}m${i}`,
        txId: `${tag}t${i}`,
        endToEndId: `${tag}e${i}`,
        amount: 5_000_00n,
        currency: 'KZT',
        payeeBic: p.to,
        creditorAccount: p.creditorAccount,
        document: p.document,
      });
      if (r.status === 'RJCT' && r.reason === 'FRAD') blocked++;
      else if (r.status !== 'ACSC') throw new Error(`payment ${i}: ${r.status} ${r.reason}`);
      lat.add(now() - s);
    });
    const elapsed = now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return {
      ops_per_s: round((payments.length / elapsed) * 1000, 0),
      cpu_us_per_payment: round((cpu.user + cpu.system) / payments.length, 1),
      ...lat.summary(),
      blocked,
      load_avg_1m: round(load),
      durable: await isDurable(world.db),
    };
  } finally {
    await world.close();
  }
}

/**
 * ips.pay_screened (see the header): the lists are loaded for each screened run and released (and collected)
 * after it, so the unscreened runs carry neither the check nor the index's heap.
 */
async function benchPayScreened(engine: Engine, n: number, rounds: number): Promise<void> {
  const gc = collector();
  const lists = await filledLists();
  try {
    const payments = screenedPayments(n);
    const without: Awaited<ReturnType<typeof payRun>>[] = [];
    const screened: Awaited<ReturnType<typeof payRun>>[] = [];
    let entries = 0;
    const decisions = { review: 0, block: 0 };
    const unscreenedRun = async (tag: string) => {
      gc();
      without.push(await payRun(engine, payments, tag));
    };
    const screenedRun = async (tag: string) => {
      const tmp = mkdtempSync(join(tmpdir(), 'ndfi-bench-afc-'));
      copyFileSync(lists.db, join(tmp, 'ndfi.db'));
      const listsDb = new SqliteDb(join(tmp, 'ndfi.db'));
      const afc = new AfcLists({ db: listsDb, clock: systemClock, options: { pollMs: 0, sweepMs: 0 } });
      try {
        await afc.start();
        entries = afc.index.size;
        const screening = new AfcScreening({ lists: afc, db: listsDb, clock: systemClock });
        const hook = ipsScreening(screening);
        if (screened.length === 0) {
          // what the screened runs meet, counted once outside them (and the check's code compiled)
          for (const p of payments) {
            const d = await hook({
              amount: 5_000_00n,
              payerBic: p.from,
              payeeBic: p.to,
              creditorAccount: p.creditorAccount,
              alias: null,
              document: p.document,
            });
            if (d.decision !== 'allow') decisions[d.decision]++;
          }
        }
        gc();
        screened.push(await payRun(engine, payments, tag, hook));
      } finally {
        await afc.stop();
        await listsDb.close();
        rmSync(tmp, { recursive: true, force: true });
      }
    };
    // warm-up, not counted: the payment path compiled before either variant is measured
    await payRun(engine, payments.slice(0, 10_000), 'w');
    // A B B A …: the order alternates, so that a drift of the machine over the run favours neither
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        await unscreenedRun(`u${r}`);
        await screenedRun(`s${r}`);
      } else {
        await screenedRun(`s${r}`);
        await unscreenedRun(`u${r}`);
      }
    }
    gc();
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const withRate = median(screened.map((x) => x.ops_per_s));
    const withoutRate = median(without.map((x) => x.ops_per_s));
    emit({
      bench: 'ips.pay_screened',
      engine,
      via: 'service',
      entries,
      payments: n,
      concurrency: 500,
      rounds,
      ops_per_s: withRate,
      unscreened_ops_per_s: withoutRate,
      ratio: round(withRate / withoutRate, 3),
      cost_pct: round((1 - withRate / withoutRate) * 100, 1),
      screened_runs: screened.map((x) => x.ops_per_s),
      unscreened_runs: without.map((x) => x.ops_per_s),
      // CPU time of this process per payment: holds better than the rate when other work shares the machine
      cpu_us_per_payment: median(screened.map((x) => x.cpu_us_per_payment)),
      unscreened_cpu_us_per_payment: median(without.map((x) => x.cpu_us_per_payment)),
      cpu_cost_pct: round(
        (median(screened.map((x) => x.cpu_us_per_payment)) / median(without.map((x) => x.cpu_us_per_payment)) - 1) *
          100,
        1,
      ),
      p50_ms: median(screened.map((x) => x.p50_ms)),
      p99_ms: median(screened.map((x) => x.p99_ms)),
      unscreened_p50_ms: median(without.map((x) => x.p50_ms)),
      unscreened_p99_ms: median(without.map((x) => x.p99_ms)),
      reviewed: decisions.review,
      blocked: decisions.block,
      cores,
      durable: screened.every((x) => x.durable) && without.every((x) => x.durable),
      load_avg_1m: [...without, ...screened].map((x) => x.load_avg_1m),
    });
  } finally {
    lists.cleanup();
  }
}

/** `gc()` for the runs' boundaries (the lists' heap released between rounds), without a command-line flag. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  return () => gc?.();
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
    if (want('pay-screened'))
      await benchPayScreened(engine, Number(flag('payments') ?? 20_000), Number(flag('rounds') ?? 2));
    if (want('pay-http')) await benchPayHttp(engine, 20_000, 256);
    if (want('latency')) await benchLatency(engine, Number(flag('rate') ?? 1000), Number(flag('seconds') ?? 10));
    if (want('alias')) await benchAliasService(engine, 100_000);
    if (want('alias-http')) await benchAliasHttp(engine, Number(flag('lookups-per-bank') ?? 10_000), 64);
  }
}

if (import.meta.main) await run();
