/**
 * Starts the whole platform for API tests on a fresh database (SQLite in a temp dir, or a fresh
 * PostgreSQL schema) with the demo world, and gives logged-in sessions and OAuth tokens.
 */
import { readFileSync } from 'node:fs';
import { exportJWK, generateKeyPair } from 'jose';
import { connect } from 'nats';
import pg from 'pg';
import { type StartedApp, startApp } from '../src/app.ts';
import type { DemoLogin } from '../src/demo/index.ts';
import { type Config, type Engine, fetchAccessToken, totpCode } from '../src/platform/index.ts';
import { tempDir } from '../src/platform/testing.ts';

export interface TestPlatform {
  app: StartedApp;
  url: string;
  logins: DemoLogin[];
  login(participantType: string): Promise<string>;
  /** Registers an API client for the participant (as the operator) and returns a bearer token. */
  token(participantId: string): Promise<string>;
  call(
    method: string,
    path: string,
    opts?: {
      cookie?: string;
      token?: string;
      body?: unknown;
      raw?: string;
      key?: string;
      headers?: Record<string, string>;
    },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

let n = 0;

export async function startTestPlatform(engine: Engine, overrides: Partial<Config> = {}): Promise<TestPlatform> {
  const tmp = tempDir();
  n++;
  let databaseUrl: string | undefined;
  let dropSchema = async () => {};
  if (engine === 'postgres') {
    const base = process.env.DATABASE_URL!;
    const schema = `api_${process.pid}_${Date.now().toString(36)}_${n}`;
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    await c.query(`CREATE SCHEMA ${schema}`);
    await c.end();
    const u = new URL(base);
    u.searchParams.set('options', `-c search_path=${schema}`);
    databaseUrl = u.toString();
    dropSchema = async () => {
      const d = new pg.Client({ connectionString: base });
      await d.connect();
      await d.query(`DROP SCHEMA ${schema} CASCADE`);
      await d.end();
    };
  }
  const natsStream = `T${process.pid}_${Date.now().toString(36)}_${n}`;
  const app = await startApp({
    dataDir: tmp.dir,
    port: 0,
    demo: true,
    logLevel: 'silent',
    // explicit, so a DATABASE_URL in the environment never turns the SQLite run into a PostgreSQL one
    databaseUrl,
    // each test platform has its own JetStream stream, so runs never see each other's events
    natsStream,
    ...overrides,
  });
  const logins: DemoLogin[] = JSON.parse(readFileSync(app.demoLoginsPath, 'utf8')).users;

  const call: TestPlatform['call'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.cookie) headers.cookie = o.cookie;
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.body !== undefined || o.raw !== undefined) headers['content-type'] ??= 'application/json';
    if (method !== 'GET' && o.key !== '') headers['idempotency-key'] ??= o.key ?? crypto.randomUUID();
    const res = await fetch(app.url + path, {
      method,
      headers,
      body: o.raw ?? (o.body !== undefined ? JSON.stringify(o.body) : undefined),
    });
    const text = await res.text();
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {}
    return { status: res.status, body, headers: res.headers };
  };

  const login = async (participantType: string) => {
    const u = logins.find((l) => l.participantType === participantType);
    if (!u) throw new Error(`no demo login for ${participantType}`);
    const r = await call('POST', '/api/auth/v1/login', {
      body: { username: u.username, password: u.password, totp: totpCode(u.totpSecret, new Date()) },
    });
    if (r.status !== 200) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body)}`);
    return (r.headers.get('set-cookie') ?? '').split(';')[0]!;
  };

  let operatorCookie: string | undefined;
  const token = async (participantId: string) => {
    operatorCookie ??= await login('operator');
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = await exportJWK(publicKey);
    const r = await call('POST', `/api/participants/v1/participants/${participantId}/api-clients`, {
      cookie: operatorCookie,
      body: { publicKeyJwk: jwk },
    });
    if (r.status !== 201) throw new Error(`client registration failed: ${r.status} ${JSON.stringify(r.body)}`);
    return fetchAccessToken({ tokenEndpoint: r.body.tokenEndpoint, clientId: r.body.clientId, privateKey });
  };

  return {
    app,
    url: app.url,
    logins,
    login,
    token,
    call,
    close: async () => {
      await app.close();
      await dropSchema();
      if (process.env.NATS_URL) {
        const nc = await connect({ servers: process.env.NATS_URL });
        await (await nc.jetstreamManager()).streams.delete(natsStream).catch(() => false);
        await nc.close();
      }
      tmp.cleanup();
    },
  };
}
