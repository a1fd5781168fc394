/**
 * Anti-Fraud Center benchmarks, one JSON line per case, all against 1,000,000 list entries:
 *  - afc.list_load: the entries put on the lists through the service (10,000 per change: audit, versions,
 *    entries, change log, event in one durable commit each), then the start of a fresh process's lists
 *    (`AfcLists.start`: every entry into memory).
 *  - afc.screen: payments screened in process (what IPS calls): 6 identifiers and a name per payment, MACs
 *    and map lookups in memory, no database; about 1% of payments hit a listed identifier or name.
 *  - afc.screen_http: the same payments through POST /api/afc/v1/screen (`per_request: 1`, `via: http-json`)
 *    and /screen/batch (`per_request` > 1, `via: http-json-batch`) of the platform running as its own
 *    process (as deployed) on that database, banks with real OAuth tokens; answers that hit are audited
 *    (durably) before they leave, as in production. The load generator is a worker thread of this process
 *    speaking plain HTTP/1.1 on `connections` keep-alive sockets, one request in flight on each (closed loop,
 *    no pipelining), every answer read and its status checked; ops_per_s counts payments screened, the
 *    latencies are per request (write of the request to the last byte of its answer). Each line adds, over
 *    the measured window, the CPU time per request of the platform process and the busy time of the load
 *    generator's thread (measures that hold when other work shares the machine, where the rate does not),
 *    and the load average when the case started.
 *    The IPS cost of screening is `ips.pay_screened` (bench/ips.ts, `--case=pay-screened`).
 *
 * `--case=http|screen` runs one part; `--per-request=1,10,50` the HTTP batch sizes, `--connections=16,8,2`
 * (one per size, the last for the rest; `64` alone for all), `--requests=100000` payments per HTTP case. AFC_BENCH_ENTRIES changes the list
 * size; AFC_BENCH_DATA=<dir> keeps the filled database there and reuses it on the next run (the fill is
 * then not measured again: no afc.list_load line). BENCH_PROF=1 writes the platform's CPU profile to
 * BENCH_PROF_DIR (default .tmp/prof) and prints each measured window (CLOCK_MONOTONIC µs, the profile's
 * clock) on stderr.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { performance as perfHooks } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { AfcLists, AfcScreening, type EntryInput, type ListActor, type ScreenPayment } from '../src/afc/index.ts';
import { cardToken, iban, iin, imei, phone } from '../src/afc/testkit.ts';
import { ALL_MIGRATIONS } from '../src/app.ts';
import { ManualClock, migrate, SqliteDb, systemClock } from '../src/platform/index.ts';
import { tempDir } from '../src/platform/testing.ts';
import { bankClients, demoLogin, flag, freePort, kill, ROOT, spawnPlatform, waitReady } from './ips-platform.ts';
import { cores, emit, isDurable, Latencies, now, percentile, round } from './lib.ts';

const ENTRIES = Number(process.env.AFC_BENCH_ENTRIES ?? 1_000_000);
const BATCH = 10_000;
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

/** A listed account (entry kinds by i mod 20: accounts are i mod 20 < 8), for payment j. */
export const listedAccount = (j: number): string => iban(Math.floor((j * 7919) % (ENTRIES / 20)) * 20 + (j % 8));
/** The listed name payment j carries (transliterated), when it carries one. */
export const listedNameLatin = (j: number): string => listedName(j).replace('Ким', 'Kim');
export { cleanName };

/** Payment j: 6 identifiers and the creditor's name; 1 in 100 pays a listed account, 1 in 200 a listed name. */
export function payment(j: number): ScreenPayment {
  return {
    rail: 'ips',
    amount: 1_500_00n,
    debtor: { account: iban(5_000_000 + j), iin: iin(5_000_000 + j), device: imei(5_000_000 + j) },
    creditor: {
      account: j % 100 === 0 ? listedAccount(j) : iban(6_000_000 + j),
      phone: phone(5_000_000 + (j % 4_000_000)),
      iin: iin(7_000_000 + j),
      name: j % 200 === 1 ? listedNameLatin(j) : cleanName(j),
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

/**
 * A database of the platform's schema with ENTRIES list entries, filled once: in AFC_BENCH_DATA when set
 * (reused by later runs, then `loadSeconds` is undefined), else in a temp dir removed by `cleanup`. Copy
 * `db` before opening it with a platform: the pristine file is what later runs start from.
 */
export async function filledLists(): Promise<{ db: string; loadSeconds: number | undefined; cleanup(): void }> {
  const keep = process.env.AFC_BENCH_DATA;
  const dir = keep ? resolve(keep) : tempDir().dir;
  mkdirSync(dir, { recursive: true });
  const db = join(dir, 'afc-lists.db');
  const marker = join(dir, 'afc-lists.entries');
  const cleanup = () => {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  };
  if (keep && existsSync(db) && existsSync(marker) && readFileSync(marker, 'utf8') === String(ENTRIES)) {
    return { db, loadSeconds: undefined, cleanup };
  }
  rmSync(marker, { force: true });
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  const sqlite = new SqliteDb(db);
  await migrate(sqlite, ALL_MIGRATIONS);
  const loadSeconds = await fill(sqlite);
  await sqlite.close();
  writeFileSync(marker, String(ENTRIES));
  return { db, loadSeconds, cleanup };
}

async function inProcess(file: string, loadSeconds: number | undefined): Promise<void> {
  const tmp = tempDir();
  copyFileSync(file, join(tmp.dir, 'ndfi.db'));
  const db = new SqliteDb(join(tmp.dir, 'ndfi.db'));
  try {
    // a fresh process's start: every entry into memory
    const lists = new AfcLists({ db, clock: new ManualClock(Date.now()), options: { pollMs: 0, sweepMs: 0 } });
    const s0 = now();
    await lists.start();
    const startSeconds = (now() - s0) / 1000;
    emit({
      bench: 'afc.list_load',
      engine: 'sqlite',
      entries: lists.index.size,
      ...(loadSeconds === undefined
        ? { load_s: null, reused: true }
        : { ops_per_s: round(ENTRIES / loadSeconds, 0), load_s: round(loadSeconds, 1) }),
      start_s: round(startSeconds, 1),
      cores,
      durable: await isDurable(db),
      load_avg_1m: round(loadavg()[0]!),
    });

    const screening = new AfcScreening({ lists, db, clock: new ManualClock(Date.now()) });
    const n = 300_000;
    const payments = Array.from({ length: n + 20_000 }, (_, j) => payment(j));
    for (let j = n; j < n + 20_000; j++) screening.screen(payments[j]!); // warm-up (JIT)
    const lat = new Latencies();
    let hits = 0;
    const load = loadavg()[0]!;
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
      load_avg_1m: round(load),
    });
    await lists.stop();
  } finally {
    await db.close();
    tmp.cleanup();
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

/** JSON of a payment as a bank sends it (the amount a decimal string). */
export const paymentJson = (p: ScreenPayment): unknown =>
  JSON.parse(JSON.stringify(p, (_k, v) => (typeof v === 'bigint' ? '1500.00' : v)));

async function overHttp(file: string): Promise<void> {
  const sizes = (flag('per-request') ?? '1,10,50').split(',').map(Number);
  // a bank with big batches sends them over few connections: one each for the default sizes
  const conns = (flag('connections') ?? '16,8,2').split(',').map(Number);
  const amount = Number(flag('requests') ?? 100_000);
  const tmp = tempDir();
  copyFileSync(file, join(tmp.dir, 'ndfi.db'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const profDir = process.env.BENCH_PROF_DIR ?? join(ROOT, '.tmp/prof');
  const life = spawnPlatform({
    dir: tmp.dir,
    port,
    nodeFlags: process.env.BENCH_PROF ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [],
    onError: (line) => console.error(`  [platform] ${line.slice(0, 300)}`),
  });
  try {
    if (!(await waitReady(url, life))) throw new Error('the platform did not become ready');
    const operator = await demoLogin(url, tmp.dir);
    const tokens = (await bankClients(url, operator)).map((b) => b.token);
    for (const [k, perRequest] of sizes.entries()) {
      const connections = conns[Math.min(k, conns.length - 1)]!;
      const distinct = perRequest === 1 ? 20_000 : Math.max(50, Math.ceil(20_000 / perRequest));
      const bodies = Array.from({ length: distinct }, (_, b) =>
        JSON.stringify(
          perRequest === 1
            ? paymentJson(payment(b))
            : { payments: Array.from({ length: perRequest }, (_, i) => paymentJson(payment(b * perRequest + i))) },
        ),
      );
      const spec: LoadSpec = {
        port,
        path: perRequest === 1 ? '/api/afc/v1/screen' : '/api/afc/v1/screen/batch',
        tokens,
        bodies,
        connections,
        warmup: Math.max(200, Math.ceil(10_000 / perRequest)),
        n: Math.ceil(amount / perRequest),
      };
      const load = loadavg()[0]!;
      let platform0: number | undefined;
      const r = await httpLoad(spec, () => {
        platform0 = processCpuMs(life.proc.pid);
      });
      const platform1 = processCpuMs(life.proc.pid);
      if (process.env.BENCH_PROF) console.error(`# window per_request=${perRequest} ${r.window_us.join(' ')}`);
      emit({
        bench: 'afc.screen_http',
        engine: 'sqlite',
        via: perRequest === 1 ? 'http-json' : 'http-json-batch',
        entries: ENTRIES,
        per_request: perRequest,
        connections,
        requests: spec.n,
        checks: spec.n * perRequest,
        hit_ratio: round(r.hits / (spec.n * perRequest), 4),
        errors: r.errors,
        ...(r.errors ? { failures: r.failures } : {}),
        ops_per_s: round(r.per_s * perRequest, 0),
        requests_per_s: r.per_s,
        p50_ms: r.p50_ms,
        p99_ms: r.p99_ms,
        max_ms: r.max_ms,
        ...(platform0 !== undefined && platform1 !== undefined
          ? { platform_cpu_us_per_request: round(((platform1 - platform0) * 1000) / spec.n, 0) }
          : {}),
        client_busy_us_per_request: r.busy_us_per_request,
        client: 'http/1.1 keep-alive, 1 in flight per connection, worker thread',
        cores,
        durable: true,
        load_avg_1m: round(load),
      });
    }
  } finally {
    await kill(life, 'SIGTERM');
    tmp.cleanup();
  }
}

// ── the load generator ────────────────────────────────────────────────────────────────────────────────────

export interface LoadSpec {
  port: number;
  path: string;
  tokens: string[];
  /** Request i carries bodies[i mod length] and tokens[(i mod bodies.length) mod tokens.length]. */
  bodies: string[];
  connections: number;
  /** Requests before the measured ones, not counted. */
  warmup: number;
  /** Measured requests. */
  n: number;
}

interface LoadResult {
  per_s: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  errors: number;
  failures: Record<string, number>;
  /** Answers (payments) that were review or block, among the measured requests. */
  hits: number;
  /** The measured window, CLOCK_MONOTONIC microseconds (the clock of a V8 CPU profile). */
  window_us: [number, number];
  /** The generator thread's event loop busy time per measured request (its CPU, syscalls included). */
  busy_us_per_request: number;
}

/**
 * Runs the load in a worker thread; `onMeasuring` is called when the first measured request leaves (the
 * warm-up sent), so that CPU counters can be read over the measured window only.
 */
export async function httpLoad(spec: LoadSpec, onMeasuring: () => void): Promise<LoadResult> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { afcLoad: spec } });
  try {
    return await new Promise<LoadResult>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the load generator exited (${code}) before it reported`)));
      worker.on('message', (m: LoadResult | 'measuring') => {
        if (m === 'measuring') onMeasuring();
        else resolve(m);
      });
    });
  } finally {
    await worker.terminate();
  }
}

const eventLoopUtilization = perfHooks.eventLoopUtilization;
const monoUs = (): number => Number(process.hrtime.bigint() / 1000n);
const CRLF2 = Buffer.from('\r\n\r\n');
const HIT = [Buffer.from('"decision":"review"'), Buffer.from('"decision":"block"')];

function countHits(body: Buffer): number {
  let n = 0;
  for (const h of HIT) for (let at = body.indexOf(h); at >= 0; at = body.indexOf(h, at + h.length)) n++;
  return n;
}

/**
 * Closed loop on `connections` sockets: each sends its next request when the answer to the previous one has
 * been read in full (Content-Length; the platform always sends it). Requests are serialised up front.
 */
async function generate(spec: LoadSpec): Promise<LoadResult> {
  const wire = spec.bodies.map((body, k) =>
    Buffer.from(
      `POST ${spec.path} HTTP/1.1\r\nhost: 127.0.0.1:${spec.port}\r\ncontent-type: application/json\r\n` +
        `authorization: Bearer ${spec.tokens[k % spec.tokens.length]}\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    ),
  );
  const total = spec.warmup + spec.n;
  const ms = new Float64Array(total);
  const failures: Record<string, number> = {};
  let errors = 0;
  let hits = 0;
  let next = 0;
  let first = 0;
  let firstUs = 0;
  let last = 0;
  let lastUs = 0;
  let open = spec.connections;
  let elu0 = eventLoopUtilization();
  let busyMs = 0;
  await new Promise<void>((done, fail) => {
    for (let c = 0; c < spec.connections; c++) {
      const socket = connect({ host: '127.0.0.1', port: spec.port, noDelay: true });
      let i = -1;
      let sentAt = 0;
      let buf: Buffer | undefined;
      let need = -1; // bytes of the whole answer once its head is read
      let bodyAt = 0;
      let status = 0;
      const send = () => {
        if (next >= total) {
          socket.end();
          return;
        }
        i = next++;
        sentAt = performance.now();
        if (i === spec.warmup) {
          first = sentAt;
          firstUs = monoUs();
          elu0 = eventLoopUtilization();
          parentPort!.postMessage('measuring');
        }
        socket.write(wire[i % wire.length]!);
      };
      socket.once('connect', send);
      socket.on('data', (chunk: Buffer) => {
        buf = buf ? Buffer.concat([buf, chunk]) : chunk;
        while (buf) {
          if (need < 0) {
            const end = buf.indexOf(CRLF2);
            if (end < 0) return;
            const head = buf.toString('latin1', 0, end);
            status = Number(head.slice(9, 12));
            const cl = /\r\ncontent-length: *(\d+)/i.exec(head);
            if (!cl) return fail(new Error(`an answer without content-length: ${head}`));
            bodyAt = end + 4;
            need = bodyAt + Number(cl[1]);
          }
          if (buf.length < need) return;
          const t = performance.now();
          const body = buf.subarray(bodyAt, need);
          if (i >= spec.warmup) {
            ms[i] = t - sentAt;
            last = t;
            lastUs = monoUs();
            busyMs = eventLoopUtilization(elu0).active;
            if (status !== 200) {
              errors++;
              failures[status] = (failures[status] ?? 0) + 1;
            } else hits += countHits(body);
          }
          buf = buf.length > need ? buf.subarray(need) : undefined;
          need = -1;
          send();
        }
      });
      socket.on('error', fail);
      socket.on('close', () => {
        if (--open === 0) done();
      });
    }
  });
  const measured = ms.subarray(spec.warmup).sort();
  return {
    per_s: Math.round(spec.n / ((last - first) / 1000)),
    p50_ms: round(percentile(measured, 50)),
    p99_ms: round(percentile(measured, 99)),
    max_ms: round(measured.at(-1) ?? 0),
    errors,
    failures,
    hits,
    window_us: [firstUs, lastUs],
    busy_us_per_request: round((busyMs * 1000) / spec.n, 0),
  };
}

export async function run(): Promise<void> {
  const only = flag('case');
  const want = (c: string) => only === undefined || only === c;
  const lists = await filledLists();
  try {
    // HTTP first, while this process's heap is small: the load generator shares the machine with the server
    if (want('http')) await overHttp(lists.db);
    if (want('screen')) await inProcess(lists.db, lists.loadSeconds);
  } finally {
    lists.cleanup();
  }
}

if (!isMainThread && (workerData as { afcLoad?: LoadSpec } | null)?.afcLoad) {
  parentPort!.postMessage(await generate((workerData as { afcLoad: LoadSpec }).afcLoad));
} else if (import.meta.main) await run();
