/**
 * IMTS through its public API: the platform runs as its own process (as deployed), autocannon drives
 * pacs.008 messages from five banks with OAuth tokens, each a fresh message that settles at once. As JSON,
 * or (`via: 'xml'`) as ISO 20022 XML which the platform validates against the official XSDs
 * (NDFI_ISO20022_XSD_DIR pointed at ../shared/iso20022/xsd) besides its own parser's checks.
 * With `rate` it reports `imts.latency` at that offered load instead of the closed-loop maximum: the open-loop
 * generator of bench/ips-load.ts in a worker thread (payment i due at i / rate s, timed from that moment to its
 * pacs.002 ACSC: no coordinated omission; one second of warm-up not counted) for `amount` payments.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { exportJWK, generateKeyPair } from 'jose';
import { build, formatAmount, type Pacs008 } from '../packages/iso20022/index.ts';
import { officialXsdDir } from '../packages/iso20022/testing.ts';
import { fetchAccessToken, totpCode } from '../src/platform/index.ts';
import { tempDir } from '../src/platform/testing.ts';
import { httpLoad } from './ips-load.ts';
import { cores, emit, round } from './lib.ts';

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('platform did not become ready');
}

export async function run(
  opts: {
    amount?: number;
    connections?: number;
    engine?: 'sqlite' | 'postgres';
    via?: 'json' | 'xml';
    /** Offered payments per second (open loop per connection); without it, as fast as answered. */
    rate?: number;
  } = {},
): Promise<void> {
  const via = opts.via ?? 'json';
  const tmp = tempDir();
  const port = 18000 + (process.pid % 1000);
  const url = `http://127.0.0.1:${port}`;
  const engine = opts.engine ?? 'sqlite';
  const child = spawn(
    process.execPath,
    [
      '--disable-warning=ExperimentalWarning',
      '--single-threaded-gc',
      '--max-semi-space-size=32',
      ...(process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir=.tmp/prof'] : []),
      'src/cli.ts',
      'start',
    ],
    {
      env: {
        ...process.env,
        PORT: String(port),
        NDFI_DATA_DIR: tmp.dir,
        LOG_LEVEL: 'warn',
        NDFI_RATE_LIMIT_PER_MINUTE: '100000000',
        DATABASE_URL: engine === 'postgres' ? (process.env.DATABASE_URL ?? '') : '',
        NATS_URL: '',
        ...(via === 'xml' ? { NDFI_ISO20022_XSD_DIR: officialXsdDir() } : {}),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  try {
    await waitReady(url);
    const logins = JSON.parse(readFileSync(join(tmp.dir, 'demo-logins.json'), 'utf8')).users;
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
    const senders: { bic: string; token: string }[] = [];
    for (const b of banks) {
      const { publicKey, privateKey } = await generateKeyPair('ES256');
      const r = await fetch(`${url}/api/participants/v1/participants/${b.id}/api-clients`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
        body: JSON.stringify({ publicKeyJwk: await exportJWK(publicKey) }),
      });
      const c = await r.json();
      senders.push({
        bic: b.bic,
        token: await fetchAccessToken({ tokenEndpoint: c.tokenEndpoint, clientId: c.clientId, privateKey }),
      });
    }
    const amount = opts.amount ?? 30_000;
    if (opts.rate) {
      const r = await httpLoad({
        url,
        kind: 'imts',
        banks: senders.map((s) => ({ bic: s.bic, token: s.token, accounts: ['KZ00CUSTOMER'] })),
        n: amount,
        warmup: opts.rate,
        rate: opts.rate,
        prefix: `L${Date.now().toString(36)}`,
      });
      emit({
        bench: 'imts.latency',
        engine,
        via: `http-${via}`,
        offered_per_s: opts.rate,
        payments: r.requests,
        errors: r.errors,
        ops_per_s: r.per_s,
        p50_ms: r.p50_ms,
        p99_ms: r.p99_ms,
        max_ms: r.max_ms,
        send_lag_max_ms: r.send_lag_max_ms,
        warmup_s: 1,
        cores,
        durable: true,
      });
      return;
    }
    let n = 0;
    const result = await autocannon({
      url,
      connections: opts.connections ?? 64,
      amount,
      requests: [
        {
          method: 'POST',
          path: '/api/imts/v1/pacs.008',
          setupRequest: (req) => {
            const i = n++;
            const from = senders[i % senders.length]!;
            const to = senders[(i + 1 + (i % 3)) % senders.length]!;
            return {
              ...req,
              headers: {
                'content-type': via === 'xml' ? 'application/xml' : 'application/json',
                authorization: `Bearer ${from.token}`,
                'idempotency-key': `k${i}`,
              },
              body: pacs008(via, i, from.bic, to.bic),
            };
          },
        },
      ],
    });
    emit({
      bench: 'imts.settle',
      engine,
      via: `http-${via}`,
      payments: result.requests.sent,
      errors: result.non2xx + result.errors,
      connections: opts.connections ?? 64,
      ops_per_s: round(result.requests.average, 0),
      p50_ms: result.latency.p50,
      p99_ms: result.latency.p99,
      max_ms: result.latency.max,
      cores,
      durable: true,
    });
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    tmp.cleanup();
  }
}

/** One pacs.008 of one 100 KZT transaction, as the JSON API or as ISO 20022 XML. */
function pacs008(via: 'json' | 'xml', i: number, from: string, to: string): string {
  const message = {
    grpHdr: {
      msgId: `B${i}`,
      creDtTm: '2026-11-23T10:00:00+05:00',
      nbOfTxs: 1,
      sttlmInf: { sttlmMtd: 'CLRG' },
      instgAgt: { finInstnId: { bicfi: from } },
    },
    cdtTrfTxInf: [
      {
        pmtId: { endToEndId: `E${i}`, txId: `T${i}` },
        intrBkSttlmAmt: { amount: 10_000n, ccy: 'KZT' },
        intrBkSttlmDt: '2026-11-23',
        chrgBr: 'SLEV',
        dbtr: { nm: 'Payer' },
        dbtrAgt: { finInstnId: { bicfi: from } },
        cdtrAgt: { finInstnId: { bicfi: to } },
        cdtr: { nm: 'Payee' },
      },
    ],
  };
  if (via === 'xml') return build({ type: 'pacs.008.001.09', message: message as unknown as Pacs008 });
  return JSON.stringify(message, (_k, v) => (typeof v === 'bigint' ? formatAmount(v, 'KZT') : v));
}

if (import.meta.main) {
  const rate = Number(process.argv.find((a) => a.startsWith('--rate='))?.slice(7)) || undefined;
  await run({ via: process.argv.includes('--xml') ? 'xml' : 'json', ...(rate ? { rate, amount: rate * 10 } : {}) });
}
