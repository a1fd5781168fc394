/**
 * Anti-Fraud Center benchmarks, one JSON line per case, all against 1,000,000 list entries:
 *  - afc.list_load: the entries put on the lists through the service (10,000 per change: audit, versions,
 *    entries, change log, event in one durable commit each), then the start of a fresh process's lists
 *    (`AfcLists.start`: every entry into memory).
 *  - afc.screen: payments screened in process (what IPS calls): 6 identifiers and a name per payment, MACs
 *    and map lookups in memory, no database; about 1% of payments hit a listed identifier or name.
 *  - afc.screen_http: the same payments through POST /api/afc/v1/screen of the platform running as its own
 *    process (as deployed) on that database, banks with real OAuth tokens, autocannon at a fixed number of
 *    connections; answers that hit are audited before they leave, as in production. One payment per request
 *    (`via: http-json`), then 50 per request through /screen/batch (`via: http-json-batch`; ops_per_s counts
 *    payments, the latencies are per request).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { exportJWK, generateKeyPair } from 'jose';
import { AfcLists, AfcScreening, type EntryInput, type ListActor, type ScreenPayment } from '../src/afc/index.ts';
import { cardToken, iban, iin, imei, phone } from '../src/afc/testkit.ts';
import { ALL_MIGRATIONS } from '../src/app.ts';
import { fetchAccessToken, ManualClock, migrate, SqliteDb, systemClock, totpCode } from '../src/platform/index.ts';
import { tempDir } from '../src/platform/testing.ts';
import { cores, emit, isDurable, Latencies, now, round } from './lib.ts';

const ENTRIES = Number(process.env.AFC_BENCH_ENTRIES ?? 1_000_000);
const BATCH = 10_000;
/** Payments per request of the batch case. */
const BATCH_HTTP = 50;
const POLICE: ListActor = { actor: 'bench', participantId: 'ptc_bench', roles: ['fraud_decider'] };

const FIRST = ['Айгерим', 'Жанна', 'Серік', 'Қуаныш', 'Дәурен', 'Әлия', 'Ерлан', 'Гүлнар', 'Нұрлан', 'Мадина'];
const LAST = ['Сейтқали', 'Ким', 'Әбенов', 'Шәкенов', 'Оспанов', 'Жұмабаев', 'Омарова', 'Тоқаев', 'Бекова', 'Исаев'];
/** Listed (Cyrillic) names: 100 people, some 1% of the entries; payments mostly carry other names. */
const listedName = (i: number): string => `${FIRST[i % 10]} ${LAST[Math.floor(i / 10) % 10]}`;
const CLEAN_FIRST = ['John', 'Maria', 'Ahmed', 'Li', 'Olga', 'Pierre', 'Anna', 'Timur', 'Sofia', 'Marat'];
const CLEAN_LAST = ['Smith', 'Garcia', 'Haddad', 'Wang', 'Petrova', 'Dubois', 'Novak', 'Rakhimov', 'Rossi', 'Lee'];
const cleanName = (j: number): string => `${CLEAN_FIRST[j % 10]} ${CLEAN_LAST[Math.floor(j / 10) % 10]}`;

/** Entry i of the bench lists: the kind by i mod 20, the status by i mod 10, a holder name on every tenth. */
function entry(i: number): EntryInput {
  const status = i % 10 < 7 ? 'suspect' : i % 10 < 9 ? 'confirmed' : 'allowed';
  const b = i % 20;
  const base = {
    status,
    source: `inc-${Math.floor(i / 3)}`,
    ...(status === 'allowed' ? { reason: 'bench override' } : {}),
  } as const;
  const holder = i % 10 === 3 ? { holderName: listedName(i) } : {};
  if (b < 8) return { kind: 'account', value: iban(i), ...holder, ...base };
  if (b < 12) return { kind: 'phone', value: phone(i), ...holder, ...base };
  if (b < 15) return { kind: 'iin', value: iin(i), ...holder, ...base };
  if (b < 17) return { kind: 'card', value: cardToken(i), ...base };
  if (b < 19) return { kind: 'device', value: imei(i), ...base };
  // one in a thousand entries is a name alone
  if (i % 1000 === 19) return { kind: 'name', value: listedName(i), ...base };
  return { kind: 'wallet', value: `kaspi:${i}`, ...base };
}

/** Payment j: 6 identifiers and the creditor's name; 1 in 100 pays a listed account, 1 in 200 a listed name. */
function payment(j: number): ScreenPayment {
  const listedAccount = iban(Math.floor((j * 7919) % (ENTRIES / 20)) * 20 + (j % 8));
  return {
    rail: 'ips',
    amount: 1_500_00n,
    debtor: { account: iban(5_000_000 + j), iin: iin(5_000_000 + j), device: imei(5_000_000 + j) },
    creditor: {
      account: j % 100 === 0 ? listedAccount : iban(6_000_000 + j),
      phone: phone(5_000_000 + (j % 4_000_000)),
      iin: iin(7_000_000 + j),
      name: j % 200 === 1 ? listedName(j).replace('Ким', 'Kim') : cleanName(j),
    },
  };
}

/** Puts ENTRIES entries on the lists of `db` through the service; answers how long it took (seconds). */
async function fill(db: SqliteDb): Promise<number> {
  const lists = new AfcLists({ db, clock: systemClock, options: { pollMs: 0, sweepMs: 0 } });
  await lists.start();
  const t0 = now();
  for (let i = 0; i < ENTRIES; i += BATCH) {
    const batch: EntryInput[] = [];
    for (let k = i; k < Math.min(ENTRIES, i + BATCH); k++) batch.push(entry(k));
    await lists.addEntries(POLICE, batch);
  }
  const seconds = (now() - t0) / 1000;
  await lists.stop();
  return seconds;
}

async function inProcess(dir: string, loadSeconds: number): Promise<void> {
  const db = new SqliteDb(join(dir, 'ndfi.db'));
  // a fresh process's start: every entry into memory
  const lists = new AfcLists({ db, clock: new ManualClock(Date.now()), options: { pollMs: 0, sweepMs: 0 } });
  const s0 = now();
  await lists.start();
  const startSeconds = (now() - s0) / 1000;
  emit({
    bench: 'afc.list_load',
    engine: 'sqlite',
    entries: lists.index.size,
    ops_per_s: round(ENTRIES / loadSeconds, 0),
    load_s: round(loadSeconds, 1),
    start_s: round(startSeconds, 1),
    cores,
    durable: await isDurable(db),
  });

  const screening = new AfcScreening({ lists, db, clock: new ManualClock(Date.now()) });
  const n = 300_000;
  const payments = Array.from({ length: n + 20_000 }, (_, j) => payment(j));
  for (let j = n; j < n + 20_000; j++) screening.screen(payments[j]!); // warm-up (JIT)
  const lat = new Latencies();
  let hits = 0;
  const t0 = now();
  for (let j = 0; j < n; j++) {
    const s = now();
    const r = screening.screen(payments[j]!);
    lat.add(now() - s);
    if (r.decision !== 'allow') hits++;
  }
  const elapsed = now() - t0;
  emit({
    bench: 'afc.screen',
    engine: 'sqlite',
    via: 'service',
    entries: lists.index.size,
    checks: n,
    identifiers_per_check: 6,
    hit_ratio: round(hits / n, 4),
    ops_per_s: round((n / elapsed) * 1000, 0),
    ...lat.summary(),
    cores,
    durable: await isDurable(db),
  });
  await lists.stop();
  await db.close();
}

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('platform did not become ready');
}

async function overHttp(dir: string, opts: { connections: number; amount: number }): Promise<void> {
  const port = 18500 + (process.pid % 1000);
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(
    process.execPath,
    [
      '--disable-warning=ExperimentalWarning',
      '--single-threaded-gc',
      '--max-semi-space-size=32',
      ...(process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF_DIR ?? '.tmp/prof'}`] : []),
      'src/cli.ts',
      'start',
    ],
    {
      env: {
        ...process.env,
        PORT: String(port),
        NDFI_DATA_DIR: dir,
        LOG_LEVEL: 'warn',
        NDFI_RATE_LIMIT_PER_MINUTE: '100000000',
        DATABASE_URL: '',
        NATS_URL: '',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  try {
    await waitReady(url);
    const logins = JSON.parse(readFileSync(join(dir, 'demo-logins.json'), 'utf8')).users;
    const op = logins.find((u: { participantType: string }) => u.participantType === 'operator');
    const login = await fetch(`${url}/api/auth/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: op.username, password: op.password, totp: totpCode(op.totpSecret, new Date()) }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const banks = (
      await (await fetch(`${url}/api/participants/v1/participants?type=bank`, { headers: { cookie } })).json()
    ).items as { id: string; bic: string }[];
    const tokens: string[] = [];
    for (const b of banks) {
      const { publicKey, privateKey } = await generateKeyPair('ES256');
      const r = await fetch(`${url}/api/participants/v1/participants/${b.id}/api-clients`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({ publicKeyJwk: await exportJWK(publicKey) }),
      });
      const c = await r.json();
      tokens.push(await fetchAccessToken({ tokenEndpoint: c.tokenEndpoint, clientId: c.clientId, privateKey }));
    }
    const json = (p: ScreenPayment) => JSON.stringify(p, (_k, v) => (typeof v === 'bigint' ? '1500.00' : v));
    const singles = Array.from({ length: 50_000 }, (_, j) => json(payment(j)));
    const batches = Array.from({ length: 500 }, (_, b) =>
      JSON.stringify({
        payments: Array.from({ length: BATCH_HTTP }, (_, k) => JSON.parse(json(payment(b * BATCH_HTTP + k)))),
      }),
    );
    const shoot = (path: string, bodies: string[], amount: number, connections: number) => {
      let i = 0;
      return autocannon({
        url,
        connections,
        amount,
        requests: [
          {
            method: 'POST',
            path,
            setupRequest: (req) => {
              const k = i++;
              return {
                ...req,
                headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[k % tokens.length]}` },
                body: bodies[k % bodies.length]!,
              };
            },
          },
        ],
      });
    };
    await shoot('/api/afc/v1/screen', singles, 10_000, opts.connections); // warm-up: JIT, token cache
    const single = await shoot('/api/afc/v1/screen', singles, opts.amount, opts.connections);
    emit({
      bench: 'afc.screen_http',
      engine: 'sqlite',
      via: 'http-json',
      entries: ENTRIES,
      checks: single.requests.sent,
      per_request: 1,
      errors: single.non2xx + single.errors,
      connections: opts.connections,
      ops_per_s: round(single.requests.average, 0),
      p50_ms: single.latency.p50,
      p99_ms: single.latency.p99,
      cores,
      durable: true,
    });
    const batch = await shoot('/api/afc/v1/screen/batch', batches, Math.ceil(opts.amount / BATCH_HTTP) * 2, 2);
    emit({
      bench: 'afc.screen_http',
      engine: 'sqlite',
      via: 'http-json-batch',
      entries: ENTRIES,
      checks: batch.requests.sent * BATCH_HTTP,
      per_request: BATCH_HTTP,
      errors: batch.non2xx + batch.errors,
      connections: 2,
      ops_per_s: round(batch.requests.average * BATCH_HTTP, 0),
      p50_ms: batch.latency.p50,
      p99_ms: batch.latency.p99,
      cores,
      durable: true,
    });
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

export async function run(): Promise<void> {
  const tmp = tempDir();
  try {
    const db = new SqliteDb(join(tmp.dir, 'ndfi.db'));
    await migrate(db, ALL_MIGRATIONS);
    const loadSeconds = await fill(db);
    await db.close();
    // HTTP first, while this process's heap is small: the load generator shares the machine with the server
    await overHttp(tmp.dir, { connections: Number(process.env.AFC_BENCH_CONNECTIONS ?? 16), amount: 100_000 });
    await inProcess(tmp.dir, loadSeconds);
  } finally {
    tmp.cleanup();
  }
}

if (import.meta.main) await run();
