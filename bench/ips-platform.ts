/**
 * What the IPS benchmarks and the IPS crash test share: the platform as deployed (`src/cli.ts start` in a
 * child process on a data dir, the demo world of five banks), its logins, the banks' OAuth clients, and a
 * fresh PostgreSQL schema when the engine is PostgreSQL. Everything goes through the public API.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { exportJWK, generateKeyPair } from 'jose';
import pg from 'pg';
import { fetchAccessToken, totpCode } from '../src/platform/index.ts';

export const ROOT = join(dirname(import.meta.filename), '..');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** One run of the platform process. */
export interface Life {
  proc: ChildProcess;
  dead: boolean;
  exited: Promise<string | null>;
}

export interface PlatformOptions {
  dir: string;
  port: number;
  /** A PostgreSQL URL (its schema in the search path), or undefined for SQLite in `dir`. */
  databaseUrl?: string | undefined;
  env?: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
  /** Called with each error line (pino level 50/60) the platform logs. */
  onError?: (line: string) => void;
}

export function spawnPlatform(o: PlatformOptions): Life {
  const proc = spawn(
    process.execPath,
    [
      '--disable-warning=ExperimentalWarning',
      '--single-threaded-gc',
      '--max-semi-space-size=32',
      ...(o.nodeFlags ?? []),
      'src/cli.ts',
      'start',
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(o.port),
        NDFI_DATA_DIR: o.dir,
        LOG_LEVEL: 'warn',
        // the platform-wide HTTP limit per participant, out of the way; the alias directory keeps its own
        NDFI_RATE_LIMIT_PER_MINUTE: '100000000',
        DATABASE_URL: o.databaseUrl ?? '',
        NATS_URL: '',
        ...o.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<string | null>((r) => proc.once('exit', (_code, signal) => r(signal)));
  for (const stream of [proc.stdout!, proc.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      if (/"level":(50|60)/.test(line)) o.onError?.(line);
    });
  }
  return { proc, dead: false, exited };
}

/** Polls /readyz; false if the process exits first or it takes more than 60 s. */
export async function waitReady(url: string, life: Life): Promise<boolean> {
  let exited = false;
  void life.exited.then(() => (exited = true));
  for (let i = 0; i < 1200 && !exited; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return true;
    } catch {}
    await sleep(50);
  }
  return false;
}

export async function kill(life: Life, signal: 'SIGKILL' | 'SIGTERM'): Promise<string | null> {
  life.dead = true;
  if (life.proc.exitCode === null && life.proc.signalCode === null) life.proc.kill(signal);
  return life.exited;
}

interface DemoLogin {
  username: string;
  password: string;
  totpSecret: string;
  participantType: string;
}

/** A staff session cookie of the demo world's operator (or another participant type). */
export async function demoLogin(url: string, dir: string, participantType = 'operator'): Promise<string> {
  const logins = JSON.parse(readFileSync(join(dir, 'demo-logins.json'), 'utf8')).users as DemoLogin[];
  const u = logins.find((l) => l.participantType === participantType);
  if (!u) throw new Error(`no ${participantType} login in the demo world`);
  const r = await fetch(`${url}/api/auth/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: u.username, password: u.password, totp: totpCode(u.totpSecret, new Date()) }),
  });
  if (!r.ok) throw new Error(`login ${u.username}: ${r.status} ${await r.text()}`);
  return (r.headers.get('set-cookie') ?? '').split(';')[0]!;
}

/** A bank with its own API client (ES256, client credentials) and a current access token. */
export interface BankClient {
  id: string;
  bic: string;
  clientId: string;
  tokenEndpoint: string;
  privateKey: CryptoKey;
  token: string;
}

/** The demo world's banks (sorted by BIC), each with a registered API client and a token. */
export async function bankClients(url: string, operatorCookie: string): Promise<BankClient[]> {
  const r = await fetch(`${url}/api/participants/v1/participants?type=bank`, { headers: { cookie: operatorCookie } });
  if (!r.ok) throw new Error(`bank list: ${r.status}`);
  const banks = ((await r.json()).items as { id: string; bic: string }[]).sort((a, b) => a.bic.localeCompare(b.bic));
  const out: BankClient[] = [];
  for (const b of banks) {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const reg = await fetch(`${url}/api/participants/v1/participants/${b.id}/api-clients`, {
      method: 'POST',
      headers: { cookie: operatorCookie, 'content-type': 'application/json', 'idempotency-key': `client-${b.bic}` },
      body: JSON.stringify({ publicKeyJwk: await exportJWK(publicKey) }),
    });
    if (reg.status !== 201) throw new Error(`api client for ${b.bic}: ${reg.status} ${await reg.text()}`);
    const c = (await reg.json()) as { clientId: string; tokenEndpoint: string };
    const client: BankClient = { ...b, clientId: c.clientId, tokenEndpoint: c.tokenEndpoint, privateKey, token: '' };
    await refreshToken(client);
    out.push(client);
  }
  return out;
}

export async function refreshToken(c: BankClient): Promise<void> {
  c.token = await fetchAccessToken({ tokenEndpoint: c.tokenEndpoint, clientId: c.clientId, privateKey: c.privateKey });
}

/** POST with a bank's token as JSON; the parsed answer, or undefined when the platform did not answer. */
export async function post(
  url: string,
  path: string,
  token: string,
  body: unknown,
  key: string = crypto.randomUUID(),
): Promise<{ status: number; json: any; replayed: boolean } | undefined> {
  try {
    const r = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const text = await r.text();
    let json: any = text;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: r.status, json, replayed: r.headers.get('idempotent-replayed') === 'true' };
  } catch {
    return undefined;
  }
}

/**
 * A fresh PostgreSQL schema for one run: the URL to give the platform (the schema in its search path) and a
 * cleanup that drops it.
 */
export async function pgSchema(
  base: string,
  prefix: string,
): Promise<{ url: string; schema: string; drop(): Promise<void> }> {
  const schema = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE SCHEMA ${schema}`);
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return { url: u.toString(), schema, drop: () => admin(`DROP SCHEMA ${schema} CASCADE`) };
}

/** `--name=value` from the command line. */
export const flag = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
