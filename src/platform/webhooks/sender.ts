import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.ts';
import { type Db, GroupCommit } from '../db/index.ts';
import type { Logger } from '../logger.ts';
import { backoffDelay } from './backoff.ts';
import { postOnce } from './post.ts';
import { signWebhook } from './signature.ts';
import { type Claimed, claimDue, finish, hasDue, type Outcome, releaseClaims, resetForRedelivery } from './store.ts';
import type { WebhookTarget } from './types.ts';

export interface WebhookSenderOptions {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** A participant's active endpoints subscribed to the event type. */
  targets: (participantId: string, eventType: string) => Promise<WebhookTarget[]>;
  /**
   * How long a participant's endpoints, once found, serve further attempts without another lookup. Default
   * 1000 ms: an endpoint disabled or given a new secret is honoured within a second (the previous secret
   * keeps verifying meanwhile), as the participants' own cache does. An empty answer is never kept: a new
   * endpoint is used at once. 0 looks up at every attempt.
   */
  targetsTtlMs?: number;
  fetch?: typeof fetch;
  /** Attempts before a delivery is 'failed'. Default 12. */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt up to maxDelayMs. Defaults 1 s and 1 h. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Per request. Default 5 s. */
  timeoutMs?: number;
  /** Deliveries in flight at once per sender. Default 8. */
  concurrency?: number;
  /** Safety-net poll when nobody nudges. Default 1000 ms. */
  pollIntervalMs?: number;
  /** Jitter source in [0, 1); inject a constant for deterministic schedules. Default Math.random. */
  random?: () => number;
}

export interface WebhookRunResult {
  attempted: number;
  delivered: number;
  /** Failed this time, scheduled again. */
  retrying: number;
  /** Out of attempts. */
  failed: number;
}

/** Beyond the request timeout, time a lease allows for the targets lookup and the result write. */
const LEASE_MARGIN_MS = 60_000;
/** Rounds of "claim came back empty yet rows look due" (a claim racing another sender's) before giving up. */
const MAX_EMPTY_CLAIMS = 20;
/** Deliveries a worker claims at once. */
const CLAIM_SIZE = 16;

/** An attempt's outcome waiting for its group commit; `recorded` tells whether the lease still held. */
interface Finishing {
  claimed: Claimed;
  deliveredTo: string[];
  outcome: Outcome;
  recorded: boolean;
}

/**
 * Sends pending webhook deliveries, each to every endpoint of its participant that has not yet
 * acknowledged it, signed per Standard Webhooks. 2xx from all → 'delivered'; otherwise retried with
 * backoff until maxAttempts, then 'failed'. At-least-once: receivers dedupe by `webhook-id`.
 *
 * Several senders (processes) may share a PostgreSQL database: each claims rows with SKIP LOCKED and
 * a lease, so no delivery is sent by two of them at once.
 */
export class WebhookSender {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly targets: WebhookSenderOptions['targets'];
  private readonly targetsTtlMs: number;
  /** Endpoints found recently, by participant and event type (see `targetsTtlMs`). */
  private readonly targetsCache = new Map<string, { until: number; targets: Promise<WebhookTarget[]> }>();
  /** A stand-in for the network (tests); by default pooled keep-alive connections (`postOnce`). */
  private readonly fetch: typeof fetch | undefined;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly pollIntervalMs: number;
  private readonly random: () => number;
  private running: Promise<void> | null = null;
  private again = false;
  private started = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly finishes: GroupCommit<Finishing>;

  constructor(opts: WebhookSenderOptions) {
    this.db = opts.db;
    this.clock = opts.clock;
    this.logger = opts.logger;
    this.targets = opts.targets;
    this.targetsTtlMs = opts.targetsTtlMs ?? 1000;
    this.fetch = opts.fetch;
    this.maxAttempts = opts.maxAttempts ?? 12;
    this.baseDelayMs = opts.baseDelayMs ?? 1000;
    this.maxDelayMs = opts.maxDelayMs ?? 3_600_000;
    this.timeoutMs = opts.timeoutMs ?? 5000;
    this.concurrency = opts.concurrency ?? 8;
    this.pollIntervalMs = opts.pollIntervalMs ?? 1000;
    this.random = opts.random ?? Math.random;
    this.finishes = new GroupCommit(this.db, async (tx, items) => {
      for (const f of items) f.recorded = await finish(tx, f.claimed, f.deliveredTo, f.outcome);
    });
  }

  /**
   * Attempts every delivery due now, once: rows retried during this run are due after its start, so
   * they wait for a later run. Each worker claims a few deliveries at a time and sends them in turn; the
   * outcomes of all workers are written together (group commit), a commit per batch rather than per send.
   */
  async runDue(): Promise<WebhookRunResult> {
    const dueBy = this.clock.now().toISOString();
    const result: WebhookRunResult = { attempted: 0, delivered: 0, retrying: 0, failed: 0 };
    // One read when idle, rather than a claim per worker: the app nudges on every commit of every module.
    if (!(await hasDue(this.db, dueBy))) return result;
    const worker = async () => {
      let empty = 0;
      while (!this.stopped) {
        // the lease covers the whole claim sent one after another, each up to the timeout
        const leaseUntil = new Date(this.clock.nowMs() + this.timeoutMs * CLAIM_SIZE + LEASE_MARGIN_MS).toISOString();
        // its commit nudges this sender again: one more round, which ends at once when nothing is due
        const claimed = await this.db.transaction((tx) => claimDue(tx, dueBy, leaseUntil, randomUUID(), CLAIM_SIZE));
        if (claimed.length === 0) {
          if (++empty <= MAX_EMPTY_CLAIMS && (await hasDue(this.db, dueBy))) continue;
          return;
        }
        empty = 0;
        // outcomes are recorded together once the claim is sent: a commit per claim, not per delivery (a
        // crash in between re-sends them after the lease: at-least-once, receivers dedupe by webhook-id)
        const outcomes: Finishing[] = [];
        try {
          for (const [i, c] of claimed.entries()) {
            if (this.stopped) {
              await releaseClaims(this.db, claimed.slice(i), this.clock.now().toISOString());
              return;
            }
            const f = await this.attempt(c);
            outcomes.push(f);
            result.attempted++;
            result[f.outcome.status === 'pending' ? 'retrying' : f.outcome.status]++;
          }
        } finally {
          await this.record(outcomes);
        }
      }
    };
    // allSettled: if one worker's database write fails, still wait for the others' sends before returning.
    const settled = await Promise.allSettled(Array.from({ length: this.concurrency }, worker));
    const failure = settled.find((s) => s.status === 'rejected');
    if (failure) throw failure.reason;
    return result;
  }

  /** Starts the poll loop (first round immediately). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(0);
  }

  /** Send now rather than at the next poll; the app calls it on every commit. Cheap when idle. */
  nudge(): void {
    if (!this.started || this.stopped) return;
    this.pump().catch((err) => this.logger.error({ err }, 'webhook run failed'));
  }

  /** Stops polling and claiming; waits for the sends in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => {});
  }

  /** A participant's endpoints changed in this process: its next attempts look them up again (see `targetsTtlMs`). */
  forgetTargets(participantId: string): void {
    for (const key of this.targetsCache.keys())
      if (key.startsWith(`${participantId}\u0000`)) this.targetsCache.delete(key);
  }

  /** Manual redelivery of a delivered or failed delivery (portal). `participantId` scopes it to its owner. */
  async redeliver(id: string, opts: { participantId?: string } = {}): Promise<void> {
    await resetForRedelivery(this.db, id, this.clock.now().toISOString(), opts.participantId);
    this.nudge();
  }

  /** Sends one claimed delivery to its endpoints; the outcome is for the caller to record. */
  private async attempt(c: Claimed): Promise<Finishing> {
    const log = { deliveryId: c.id, participantId: c.participantId, attempt: c.attempts };
    const done = new Set(c.deliveredTo);
    const errors: string[] = [];
    let targets: WebhookTarget[] = [];
    try {
      targets = (await this.targetsOf(c.participantId, c.eventType)).filter((t) => !done.has(t.id));
    } catch (err) {
      errors.push(`endpoint lookup failed: ${describe(err, this.timeoutMs)}`);
    }
    // No endpoint left to send to counts as delivered: the participant did not subscribe to this event.
    const body = `{"id":${JSON.stringify(c.id)},"type":${JSON.stringify(c.eventType)},"createdAt":${JSON.stringify(c.createdAt)},"data":${c.payload}}`;
    const timestamp = Math.floor(this.clock.nowMs() / 1000);
    const results = await Promise.all(targets.map((t) => this.post(t, c.id, timestamp, body)));
    results.forEach((r, i) => {
      const endpointId = targets[i]!.id;
      if (r.ok) {
        done.add(endpointId);
        this.logger.info({ ...log, endpointId, statusCode: r.status }, 'webhook delivered');
      } else {
        errors.push(`${endpointId}: ${r.error}`);
        this.logger.warn({ ...log, endpointId, statusCode: r.status, error: r.error }, 'webhook attempt failed');
      }
    });
    const now = this.clock.nowMs();
    const error = errors.join('; ').slice(0, 1000);
    const outcome: Outcome =
      errors.length === 0
        ? { status: 'delivered', at: new Date(now).toISOString() }
        : c.attempts >= this.maxAttempts
          ? { status: 'failed', error }
          : {
              status: 'pending',
              error,
              nextAttemptAt: new Date(
                now + backoffDelay(c.attempts, this.baseDelayMs, this.maxDelayMs, this.random),
              ).toISOString(),
            };
    return { claimed: c, deliveredTo: [...done], outcome, recorded: false };
  }

  /** The endpoints of a participant for an event type; concurrent attempts share one lookup. */
  private targetsOf(participantId: string, eventType: string): Promise<WebhookTarget[]> {
    if (this.targetsTtlMs <= 0) return this.targets(participantId, eventType);
    const key = `${participantId}\u0000${eventType}`;
    const now = this.clock.nowMs();
    const hit = this.targetsCache.get(key);
    if (hit && hit.until > now) return hit.targets;
    const targets = this.targets(participantId, eventType);
    const entry = { until: now + this.targetsTtlMs, targets };
    this.targetsCache.set(key, entry);
    const forget = () => {
      if (this.targetsCache.get(key) === entry) this.targetsCache.delete(key);
    };
    // a failed or empty lookup is not kept; expired entries go as the map is touched
    targets.then((list) => list.length === 0 && forget(), forget);
    if (this.targetsCache.size > 10_000) {
      for (const [k, e] of this.targetsCache) if (e.until <= now) this.targetsCache.delete(k);
    }
    return targets;
  }

  /** Writes outcomes in one commit (with other workers' waiting ones); a lost lease leaves its row alone. */
  private async record(outcomes: Finishing[]): Promise<void> {
    if (outcomes.length === 0) return;
    await this.finishes.addAll(outcomes);
    for (const f of outcomes) {
      const log = { deliveryId: f.claimed.id, participantId: f.claimed.participantId, attempt: f.claimed.attempts };
      if (!f.recorded) {
        this.logger.warn(log, 'webhook lease lost before the result was recorded; another sender owns it now');
      } else if (f.outcome.status === 'failed') {
        this.logger.warn(log, 'webhook delivery failed permanently');
      }
    }
  }

  private async post(
    t: WebhookTarget,
    id: string,
    timestamp: number,
    body: string,
  ): Promise<{ ok: boolean; status?: number; error: string }> {
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'NDFI-Webhooks/1',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signWebhook(t.secret, id, timestamp, body),
    };
    try {
      let status: number;
      if (this.fetch) {
        const res = await this.fetch(t.url, {
          method: 'POST',
          headers,
          body,
          // A redirect is a misconfigured endpoint, not a place to resend a signed payload to.
          redirect: 'manual',
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        await res.body?.cancel().catch(() => {});
        status = res.status;
      } else {
        // pooled keep-alive connections; a redirect is an answer, never followed
        status = (await postOnce(t.url, { headers, body, timeoutMs: this.timeoutMs })).status;
      }
      const ok = status >= 200 && status < 300;
      return { ok, status, error: ok ? '' : `HTTP ${status}` };
    } catch (err) {
      return { ok: false, error: describe(err, this.timeoutMs) };
    }
  }

  /** Runs rounds until one starts with no nudge pending; concurrent callers share the round in flight. */
  private pump(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const run = (async () => {
      try {
        do {
          this.again = false;
          await this.runDue();
        } while (this.again && !this.stopped);
      } finally {
        this.running = null;
      }
    })();
    this.running = run;
    return run;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref(); // the HTTP server keeps the process alive, not this loop
  }

  private async tick(): Promise<void> {
    try {
      await this.pump();
    } catch (err) {
      this.logger.error({ err }, 'webhook run failed; retrying at next poll');
    }
    this.schedule(this.pollIntervalMs);
  }
}

/** A short, secret-free reason: error codes rather than messages that might echo a URL or body. */
function describe(err: unknown, timeoutMs: number): string {
  if ((err as { name?: unknown } | null)?.name === 'TimeoutError') return `timeout after ${timeoutMs} ms`;
  if (!(err instanceof Error)) return 'unknown error';
  const code = (err.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `${err.message} (${code})` : err.message.slice(0, 200);
}
