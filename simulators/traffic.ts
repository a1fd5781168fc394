/**
 * Demo traffic: one simulated bank host per demo bank, paying each other through IMTS and IPS at a set rate —
 * mostly small payments, some urgent, now and then one larger than the sender's available balance (it
 * queues until incoming payments cover it, or the bank cancels it), now and then one to an unknown BIC
 * (rejected RC01); a share goes as instant payments through IPS, on positions the banks fund from IMTS at the
 * start, answered by the payee banks' simulators — with a one-line summary every few seconds.
 *
 * Bounded: every request goes to the given platform (its origin, no redirects); the banks' webhook
 * receivers listen on 127.0.0.1 only; the run stops on its duration or signal, one of which is required.
 */
import { BankSimulator, type BankStats, type CustomerAccount, type PaymentAnswer } from './bank.ts';
import { BoundedHttp, type OperatorSession, operatorLogin, platformOrigin, type StaffCredentials } from './platform.ts';

export interface DemoTrafficOptions {
  /** The platform, e.g. http://127.0.0.1:8080. Nothing else is ever contacted. */
  baseUrl: string;
  /** An operator user's credentials (password + TOTP secret), or an operator session cookie (`name=value`). */
  operatorLogin: StaffCredentials | { cookie: string };
  /** Payments per second, in total (0 < rate ≤ 5000). */
  rate: number;
  /** Stop after this many seconds. */
  durationSeconds?: number;
  /** Stop when aborted (e.g. on Ctrl-C). */
  signal?: AbortSignal;
  /** Where summary lines go; default console.log. */
  log?: (line: string) => void;
  /** Seconds between summary lines. Default 5. */
  summaryEverySeconds?: number;
  /** Every n-th payment is larger than the sender's available balance, so it queues. Default 250; 0 never. */
  largeEvery?: number;
  /** Every n-th payment goes to an unknown BIC and is rejected. Default 200; 0 never. */
  unknownEvery?: number;
  /** Share of urgent payments (0..1). Default 0.1. */
  urgentShare?: number;
  /** Share of payments sent as instant payments through IPS (0..1). Default 0.3; needs the webhook receivers. */
  instantShare?: number;
  /** Share of payments sent as ISO 20022 XML rather than JSON (0..1). Default 0.2. */
  xmlShare?: number;
  /** Banks cancel their payments queued longer than this. Default 20 s; 0 never. */
  cancelQueuedAfterSeconds?: number;
  /** At the end, cancel what is still queued, so no bank's queue stays blocked. Default true. */
  cancelQueuedAtEnd?: boolean;
  /** Payments in flight at most; beyond it, due payments are skipped (counted). Default max(64, 2 × rate). */
  maxInFlight?: number;
  /** Customers per bank. Default 20. */
  customersPerBank?: number;
  /** Random source in [0, 1). Default Math.random. */
  random?: () => number;
  /** Run the banks' webhook receivers (camt.054 books incoming credits). Default: when the platform is on loopback. */
  webhooks?: boolean;
  /** Called with every pacs.002 answer (e.g. to stop after n payments). */
  onPayment?: (answer: PaymentAnswer & { bic: string }) => void;
}

export interface DemoTrafficReport {
  /** Prefix of every MsgId (and TxId) of this run. */
  runId: string;
  banks: { bic: string; name: string }[];
  /** Payments answered (IMTS messages and IPS payments). */
  sent: number;
  /** The IPS part: instant payments answered, settled and rejected (also counted in the totals). */
  instant: { sent: number; settled: number; rejected: number };
  settled: number;
  /** Still queued at the end. */
  queued: number;
  rejected: number;
  cancelled: number;
  /** Messages that got no pacs.002 (HTTP errors). */
  errors: number;
  /** Payments due but not sent because too many were in flight. */
  skipped: number;
  /** Credits booked by the receiving banks from camt.054 notifications. */
  credited: number;
  /** Submission latency percentiles over the run, in milliseconds. */
  p50Ms: number;
  p99Ms: number;
  elapsedSeconds: number;
  stoppedBy: 'duration' | 'signal';
}

/** A BIC no participant has: payments to it are rejected (RC01). */
export const UNKNOWN_BIC = 'ZZNOKZKA';

const FIRST = ['Aigerim', 'Nursultan', 'Dana', 'Yerlan', 'Madina', 'Arman', 'Zhanna', 'Timur', 'Saule', 'Askar'];
const LAST = ['Sarsenova', 'Akhmetov', 'Bekova', 'Omarov', 'Nurlanova', 'Seitkali', 'Zhakupova', 'Abenov'];

const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

interface SimBank {
  sim: BankSimulator;
  retail: CustomerAccount[];
  treasury: CustomerAccount;
}

/** Runs demo traffic until `durationSeconds` pass or `signal` aborts; resolves with the final counts. */
export async function runDemoTraffic(opts: DemoTrafficOptions): Promise<DemoTrafficReport> {
  const origin = platformOrigin(opts.baseUrl).origin;
  if (!Number.isFinite(opts.rate) || opts.rate <= 0 || opts.rate > 5000) throw new Error('rate: 0 < rate ≤ 5000');
  if (opts.durationSeconds === undefined && opts.signal === undefined)
    throw new Error('give durationSeconds or signal: demo traffic never runs unbounded');
  if (opts.durationSeconds !== undefined && !(opts.durationSeconds > 0)) throw new Error('durationSeconds must be > 0');
  const log = opts.log ?? ((line: string) => console.log(line));
  const random = opts.random ?? Math.random;
  const rate = opts.rate;
  const largeEvery = opts.largeEvery ?? 250;
  const unknownEvery = opts.unknownEvery ?? 200;
  const urgentShare = opts.urgentShare ?? 0.1;
  const xmlShare = opts.xmlShare ?? 0.2;
  const cancelAfterMs = (opts.cancelQueuedAfterSeconds ?? 20) * 1000;
  const maxInFlight = opts.maxInFlight ?? Math.max(64, Math.ceil(rate * 2));
  const summaryMs = (opts.summaryEverySeconds ?? 5) * 1000;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  /** Log-uniform between lo and hi tenge, in tiyn. */
  const logUniform = (lo: number, hi: number): bigint =>
    BigInt(Math.round(Math.exp(Math.log(lo) + random() * (Math.log(hi) - Math.log(lo))) * 100));

  if (opts.signal?.aborted) throw new Error('aborted before start');
  const session: OperatorSession =
    'cookie' in opts.operatorLogin
      ? { baseUrl: origin, cookie: opts.operatorLogin.cookie }
      : await operatorLogin(origin, opts.operatorLogin);
  const http = new BoundedHttp(origin);
  const list = await http.json('GET', '/api/participants/v1/participants?type=bank&status=active', {
    cookie: session.cookie,
  });
  const participants = (list.items as { id: string; bic: string | null; name: string; status: string }[]).filter(
    (p) => p.bic && p.status === 'active',
  );
  if (participants.length < 2) throw new Error(`demo traffic needs two active banks, found ${participants.length}`);

  const runId = `D${Date.now().toString(36).toUpperCase()}${Math.floor(random() * 36 ** 3)
    .toString(36)
    .toUpperCase()
    .padStart(3, '0')}`;
  const banks: SimBank[] = [];
  try {
    for (const p of participants) {
      const sim = new BankSimulator({
        baseUrl: origin,
        participantId: p.id,
        msgIdPrefix: `${runId}${p.bic!.slice(0, 4)}`,
        ...(opts.webhooks !== undefined ? { webhooks: opts.webhooks } : {}),
        log: (line) => log(`  ${line}`),
      });
      banks.push({ sim, retail: [], treasury: undefined as unknown as CustomerAccount });
      await sim.start(session);
      const b = banks.at(-1)!;
      for (let i = 0; i < (opts.customersPerBank ?? 20); i++)
        b.retail.push(sim.openAccount({ name: `${pick(FIRST)} ${pick(LAST)}`, balance: 1_000_000_000_00n }));
      b.treasury = sim.openAccount({ name: `${p.name} corporate client`, balance: 10n ** 16n });
    }
  } catch (e) {
    await Promise.allSettled(banks.map((b) => b.sim.close()));
    throw e;
  }
  // IPS runs on prefunded positions: each bank moves a slice of its settlement balance there (IMTS must be open)
  let instantShare = opts.instantShare ?? 0.3;
  // a payee bank without a receiver cannot answer deliveries: its instant payments would all time out
  if (!banks.every((b) => b.sim.receiving)) instantShare = 0;
  if (instantShare > 0) {
    try {
      for (const b of banks) {
        const balance = await b.sim.settlementBalance();
        const slice = balance / 4n < 100_000_000_00n ? balance / 4n : 100_000_000_00n;
        if (slice > 0n) await b.sim.fundInstantPosition(slice);
      }
    } catch (e) {
      log(`  IPS positions not funded (${(e as Error).message}): instant payments off`);
      instantShare = 0;
    }
  }
  const instant = { sent: 0, settled: 0, rejected: 0 };
  log(
    `demo traffic ${runId}: ${rate}/s between ${banks.map((b) => b.sim.bic).join(', ')}` +
      (opts.durationSeconds ? ` for ${opts.durationSeconds}s` : ' until stopped'),
  );

  const all: number[] = [];
  let window: number[] = [];
  let seen = 0;
  const record = (ms: number) => {
    window.push(ms);
    // reservoir sample of the run's latencies, bounded
    seen++;
    if (all.length < 100_000) all.push(ms);
    else {
      const j = Math.floor(random() * seen);
      if (j < all.length) all[j] = ms;
    }
  };
  const totals = (): BankStats => {
    const t = { ...banks[0]!.sim.stats };
    for (const k of Object.keys(t) as (keyof BankStats)[]) t[k] = banks.reduce((s, b) => s + b.sim.stats[k], 0);
    t.submitted += instant.sent;
    t.settled += instant.settled;
    t.rejected += instant.rejected;
    t.errors += instantErrors;
    return t;
  };
  let skipped = 0;
  let instantErrors = 0;
  let issued = 0;
  let failures = 0;
  const inFlight = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    inFlight.add(p);
    p.finally(() => inFlight.delete(p));
  };

  const onePayment = async (n: number): Promise<void> => {
    const from = pick(banks);
    const others = banks.filter((b) => b !== from);
    const unknown = unknownEvery > 0 && n % unknownEvery === 0;
    const large = !unknown && largeEvery > 0 && n % largeEvery === 0;
    const to = pick(others);
    if (!unknown && !large && random() < instantShare) {
      const t0 = performance.now();
      try {
        const a = await from.sim.payInstant({
          from: pick(from.retail).id,
          to: { bic: to.sim.bic, account: pick(to.retail).id },
          amount: logUniform(100, 200_000),
        });
        instant.sent++;
        if (a.status === 'ACSC') instant.settled++;
        else instant.rejected++;
        record(performance.now() - t0);
      } catch (e) {
        instantErrors++;
        if (++failures <= 5) log(`  instant payment failed: ${(e as Error).message}`);
      }
      return;
    }
    try {
      const amount = large
        ? (await from.sim.settlementBalance()) + logUniform(10_000, 2_000_000)
        : logUniform(100, 500_000);
      const a = await from.sim.pay({
        from: large ? from.treasury.id : pick(from.retail).id,
        to: unknown
          ? { bic: UNKNOWN_BIC, name: 'Nobody', account: 'UNKNOWN0001' }
          : { bic: to.sim.bic, account: pick(to.retail).id, name: 'Demo beneficiary' },
        amount,
        urgent: random() < urgentShare,
        format: random() < xmlShare ? 'xml' : 'json',
        remittance: large ? 'Demo: large corporate payment' : 'Demo payment',
      });
      record(a.latencyMs);
      opts.onPayment?.({ ...a, bic: from.sim.bic });
    } catch (e) {
      if (++failures <= 5) log(`  payment failed: ${(e as Error).message}`);
    }
  };

  const started = performance.now();
  let lastSummary = started;
  let lastSent = 0;
  let sendingEnded: number | undefined;
  const summary = (final: boolean): string => {
    const now = final ? (sendingEnded ?? performance.now()) : performance.now();
    const t = totals();
    const lat = (final ? [...all] : window).sort((a, b) => a - b);
    const secs = (now - (final ? started : lastSummary)) / 1000;
    const perSec = secs > 0 ? ((t.submitted - (final ? 0 : lastSent)) / secs).toFixed(1) : '0';
    lastSummary = now;
    lastSent = t.submitted;
    window = [];
    return (
      `${final ? 'demo traffic done' : 'demo traffic'} ${((now - started) / 1000).toFixed(0)}s: ` +
      `sent ${t.submitted} (${perSec}/s) settled ${t.settled} queued ${t.queued} rejected ${t.rejected} ` +
      `cancelled ${t.cancelled} errors ${t.errors}${skipped ? ` skipped ${skipped}` : ''} ` +
      `(IPS ${instant.sent}: settled ${instant.settled}) | ` +
      `p50 ${percentile(lat, 50).toFixed(1)} ms p99 ${percentile(lat, 99).toFixed(1)} ms`
    );
  };

  let housekeeping = false;
  const keepHouse = async () => {
    if (housekeeping) return;
    housekeeping = true;
    try {
      for (const b of banks) {
        // learn what happened to queued payments (webhooks tell it too) and give up on the stuck ones
        await b.sim.reconcile({ olderThanMs: 2000 });
        if (cancelAfterMs > 0) for (const id of b.sim.queuedPayments(cancelAfterMs)) await b.sim.cancel(id, 'CUST');
      }
    } catch (e) {
      log(`  housekeeping failed: ${(e as Error).message}`);
    } finally {
      housekeeping = false;
    }
  };

  const stoppedBy = await new Promise<'duration' | 'signal'>((resolve) => {
    let lastHouse = started;
    const stop = (why: 'duration' | 'signal') => {
      clearInterval(timer);
      clearTimeout(deadline);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(why);
    };
    const onAbort = () => stop('signal');
    const tick = () => {
      const now = performance.now();
      // never more than the duration's worth, even if this tick runs just past the deadline
      const elapsed = Math.min((now - started) / 1000, opts.durationSeconds ?? Number.POSITIVE_INFINITY);
      const due = Math.floor(elapsed * rate) - issued - skipped;
      for (let i = 0; i < due; i++) {
        if (inFlight.size >= maxInFlight) {
          skipped += due - i;
          break;
        }
        track(onePayment(++issued));
      }
      if (now - lastHouse >= 1000) {
        lastHouse = now;
        track(keepHouse());
      }
      if (now - lastSummary >= summaryMs) log(summary(false));
    };
    const timer = setInterval(tick, Math.max(5, Math.min(50, Math.floor(1000 / rate))));
    const deadline =
      opts.durationSeconds !== undefined ? setTimeout(() => stop('duration'), opts.durationSeconds * 1000) : undefined;
    if (opts.signal?.aborted) stop('signal');
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    tick();
  });
  sendingEnded = performance.now();
  const elapsedSeconds = (sendingEnded - started) / 1000;

  try {
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    for (const b of banks) {
      if (opts.cancelQueuedAtEnd ?? true)
        for (const id of b.sim.queuedPayments()) {
          try {
            await b.sim.cancel(id, 'CUST');
          } catch (e) {
            log(`  cancelling ${id} failed: ${(e as Error).message}`);
          }
        }
    }
    // a cancellation can let a later payment of the same bank (and, cascading, of others) settle
    for (const b of banks) await b.sim.reconcile();
    log(summary(true));
  } finally {
    await Promise.allSettled(banks.map((b) => b.sim.close()));
  }
  const t = totals();
  const lat = [...all].sort((a, b) => a - b);
  return {
    runId,
    banks: banks.map((b) => ({ bic: b.sim.bic, name: b.sim.name })),
    sent: t.submitted,
    instant,
    settled: t.settled,
    queued: t.queued,
    rejected: t.rejected,
    cancelled: t.cancelled,
    errors: t.errors,
    skipped,
    credited: t.credited,
    p50Ms: percentile(lat, 50),
    p99Ms: percentile(lat, 99),
    elapsedSeconds,
    stoppedBy,
  };
}
