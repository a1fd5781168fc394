/**
 * HTTP load for the IPS and IMTS benchmarks, generated in a worker thread so the sender's clock and CPU time are not
 * the payee simulators' event loop (in the main thread) nor the platform's (another process).
 *
 * Open loop (`rate`): request i is due at start + i / rate seconds whatever the answers, and is timed from
 * that scheduled moment until its answer has been read, so a stall anywhere (the platform, the network, the
 * sender itself falling behind) counts in full: no coordinated omission. The first `warmup` requests (same
 * rate, just before the measured ones) are not counted. Closed loop (`concurrency`): that many requests in
 * flight, each timed from its own send.
 *
 * Requests are built in the worker: `pay` (a pacs.008 of one transaction between the given banks, to the
 * payee's customer account), `imts` (the same pacs.008 to IMTS, settled in central bank money) or `lookup` (an alias lookup of phone i mod `phones`, payer id i mod `payers`).
 */
import { Agent, request } from 'node:http';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { percentile, round } from './lib.ts';

export interface LoadBank {
  bic: string;
  token: string;
  /** Customer accounts at this bank that accept instant payments. */
  accounts: string[];
}

export interface LoadSpec {
  url: string;
  kind: 'pay' | 'imts' | 'lookup';
  banks: LoadBank[];
  /** Measured requests. */
  n: number;
  /** Requests before the measured ones, not counted. */
  warmup: number;
  /** Open loop: requests per second. */
  rate?: number;
  /** Closed loop: requests in flight. */
  concurrency?: number;
  /** Unique per run: transaction ids and idempotency keys start with it. */
  prefix: string;
  /** `lookup`: the phones looked up are phone(i mod phones); payer ids cycle over `payers`. */
  phones?: number;
  payers?: number;
}

export interface LoadResult {
  requests: number;
  /** Measured requests answered per second, from the first one's (scheduled) send to the last answer. */
  per_s: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  /** Answers that were not a success (HTTP status other than 200, or a payment not ACSC). */
  errors: number;
  /** The HTTP statuses and payment statuses of the failures, counted. */
  failures: Record<string, number>;
  /** Open loop: the worst delay of a send behind its schedule. */
  send_lag_max_ms: number;
}

/** Runs the load in a worker thread; resolves with what it measured. */
export async function httpLoad(spec: LoadSpec): Promise<LoadResult> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { ipsLoad: spec } });
  try {
    return await new Promise<LoadResult>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the load generator exited (${code}) before it reported`)));
      worker.once('message', (m: LoadResult) => resolve(m));
    });
  } finally {
    await worker.terminate();
  }
}

/** +7 701 NNN NN NN: phone n, as the alias benchmark registers them. */
export const benchPhone = (n: number): string => `+7701${String(n).padStart(7, '0')}`;

function requestOf(spec: LoadSpec, i: number): { path: string; token: string; body: string; key?: string } {
  const banks = spec.banks;
  const from = banks[i % banks.length]!;
  if (spec.kind === 'lookup') {
    return {
      path: '/api/ips/v1/aliases/lookup',
      token: from.token,
      body: JSON.stringify({
        phone: benchPhone(i % (spec.phones ?? 1)),
        payerId: `payer-${i % (spec.payers ?? 1)}`,
      }),
    };
  }
  const to = banks[(i + 1 + (Math.floor(i / banks.length) % (banks.length - 1))) % banks.length]!;
  const account = to.accounts[i % to.accounts.length]!;
  const txId = `${spec.prefix}${i}`;
  return {
    path: spec.kind === 'imts' ? '/api/imts/v1/pacs.008' : '/api/ips/v1/pacs.008',
    token: from.token,
    key: txId,
    body: JSON.stringify({
      grpHdr: {
        msgId: txId,
        creDtTm: '2026-11-23T10:00:00+05:00',
        nbOfTxs: 1,
        sttlmInf: { sttlmMtd: 'CLRG' },
        instgAgt: { finInstnId: { bicfi: from.bic } },
      },
      cdtTrfTxInf: [
        {
          pmtId: { endToEndId: `E${txId}`, txId },
          intrBkSttlmAmt: { amount: '100.00', ccy: 'KZT' },
          intrBkSttlmDt: '2026-11-23',
          chrgBr: 'SLEV',
          dbtr: { nm: 'Payer' },
          dbtrAgt: { finInstnId: { bicfi: from.bic } },
          cdtrAgt: { finInstnId: { bicfi: to.bic } },
          cdtr: { nm: 'Payee' },
          cdtrAcct: { id: { othr: { id: account } } },
        },
      ],
    }),
  };
}

async function generate(spec: LoadSpec): Promise<LoadResult> {
  const u = new URL(spec.url);
  const agent = new Agent({ keepAlive: true, maxSockets: spec.concurrency ?? 1024 });
  const total = spec.warmup + spec.n;
  const ms = new Float64Array(total);
  const failures: Record<string, number> = {};
  let errors = 0;
  const fail = (i: number, what: string) => {
    if (i < spec.warmup) return;
    errors++;
    failures[what] = (failures[what] ?? 0) + 1;
  };
  /** Sends request i; resolves when its answer has been read (at the time it was read). */
  const send = (i: number): Promise<number> => {
    const r = requestOf(spec, i);
    return new Promise<number>((resolve) => {
      const req = request(
        {
          host: u.hostname,
          port: u.port,
          method: 'POST',
          path: r.path,
          agent,
          headers: {
            authorization: `Bearer ${r.token}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(r.body),
            ...(r.key ? { 'idempotency-key': r.key } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const t = performance.now();
            if (res.statusCode !== 200) fail(i, String(res.statusCode));
            else if (spec.kind !== 'lookup') {
              const sts = /"txSts":"([A-Z]+)"/.exec(Buffer.concat(chunks).toString('utf8'))?.[1] ?? '?';
              if (sts !== 'ACSC') fail(i, sts);
            }
            resolve(t);
          });
          res.on('error', () => {
            fail(i, 'error');
            resolve(performance.now());
          });
        },
      );
      req.on('error', () => {
        fail(i, 'error');
        resolve(performance.now());
      });
      req.end(r.body);
    });
  };

  let lag = 0;
  let first = 0;
  let last = 0;
  if (spec.rate) {
    const rate = spec.rate;
    const start = performance.now() + 20;
    const scheduled = (i: number) => start + (i * 1000) / rate;
    first = scheduled(spec.warmup);
    const all: Promise<void>[] = [];
    let next = 0;
    while (next < total) {
      const now = performance.now();
      for (; next < total && scheduled(next) <= now; next++) {
        const i = next;
        if (i >= spec.warmup) lag = Math.max(lag, now - scheduled(i));
        all.push(
          send(i).then((t) => {
            ms[i] = t - scheduled(i);
            last = Math.max(last, t);
          }),
        );
      }
      await new Promise<void>((r) => setTimeout(r, 1));
    }
    await Promise.all(all);
  } else {
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < total; i = next++) {
        const s = performance.now();
        if (i === spec.warmup) first = s;
        const t = await send(i);
        ms[i] = t - s;
        last = Math.max(last, t);
      }
    };
    await Promise.all(Array.from({ length: spec.concurrency ?? 64 }, worker));
  }
  agent.destroy();
  const measured = ms.subarray(spec.warmup).sort();
  return {
    requests: spec.n,
    per_s: Math.round(spec.n / ((last - first) / 1000)),
    p50_ms: round(percentile(measured, 50)),
    p99_ms: round(percentile(measured, 99)),
    max_ms: round(measured.at(-1) ?? 0),
    errors,
    failures,
    send_lag_max_ms: round(lag),
  };
}

if (!isMainThread && (workerData as { ipsLoad?: LoadSpec } | null)?.ipsLoad) {
  parentPort!.postMessage(await generate((workerData as { ipsLoad: LoadSpec }).ipsLoad));
}
