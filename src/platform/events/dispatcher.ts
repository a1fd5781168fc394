import { setTimeout as delay } from 'node:timers/promises';
import { type Clock, systemClock } from '../clock.ts';
import type { Db, Queryable } from '../db/index.ts';
import type { Logger } from '../logger.ts';
import { hasPending, markDispatched, pendingEvents } from './outbox.ts';
import type { EventBus } from './types.ts';

export interface OutboxDispatcherOptions {
  db: Db;
  bus: EventBus;
  logger: Logger;
  /** Events per batch (one transaction on PostgreSQL). Default 100. */
  batchSize?: number;
  /** Safety-net poll when nobody nudges. Default 1000 ms. */
  pollIntervalMs?: number;
  clock?: Clock;
}

export interface BatchResult {
  published: number;
  /** Another dispatcher holds the outbox; this one did nothing. */
  busy: boolean;
}

/** Advisory-lock namespace 'NDFI' (int4); the second key is per schema, see dispatchBatch. */
const LOCK_CLASS = 0x4e444649;

/** SQLite deployments are one process: dispatchers sharing a Db take turns through this set. */
const sqliteClaims = new WeakSet<Db>();

/**
 * Moves committed outbox rows onto the bus, oldest first, and marks them dispatched.
 *
 * At-least-once: a crash (or a publish whose outcome is unknown) between publish and mark re-publishes
 * the event on the next run; consumers dedupe with `idempotentConsumer`, NATS with the msgID window.
 *
 * Scale-out on PostgreSQL: each batch runs in one transaction that first takes
 * `pg_try_advisory_xact_lock`. The transaction-scoped lock (rather than a session lock) needs no
 * dedicated connection and is released by the server if this process dies mid-batch, so the batch is
 * simply retried by whichever dispatcher comes next. Holding it across read → publish → mark means at
 * most one dispatcher publishes at a time and the next one starts after the previous marks committed,
 * which preserves seq order across processes. A dispatcher that finds the lock taken skips the round.
 *
 * Order is seq order of committed rows. A transaction that commits after a later-numbered one has been
 * dispatched is published late, not lost (the poll reads every undispatched row).
 */
export class OutboxDispatcher {
  private readonly db: Db;
  private readonly bus: EventBus;
  private readonly logger: Logger;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly clock: Clock;
  private running: Promise<void> | null = null;
  private again = false;
  private lastBusy = false;
  private started = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(opts: OutboxDispatcherOptions) {
    this.db = opts.db;
    this.bus = opts.bus;
    this.logger = opts.logger;
    this.batchSize = opts.batchSize ?? 100;
    this.pollIntervalMs = opts.pollIntervalMs ?? 1000;
    this.clock = opts.clock ?? systemClock;
  }

  /** Starts the poll loop (first round immediately). */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.schedule(0);
  }

  /** Dispatch now rather than at the next poll; call after committing a transaction that recorded events. */
  nudge(): void {
    if (!this.started || this.stopped) return;
    this.pump().catch((err) => this.logger.error({ err }, 'outbox dispatch failed'));
  }

  /**
   * Resolves once the outbox has no undispatched rows (dispatching them itself, or waiting for the
   * dispatcher that holds the lock). Rejects if a publish fails, so shutdown and tests see it.
   */
  async drain(): Promise<void> {
    for (;;) {
      await this.pump();
      if (!(await hasPending(this.db))) return;
      if (this.lastBusy) await delay(this.pollIntervalMs);
    }
  }

  /** Stops polling and waits for the batch in flight. Does not drain: call drain() first for that. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => {});
  }

  /** One batch: read up to batchSize pending rows, publish them in order, mark the published ones. */
  async dispatchBatch(): Promise<BatchResult> {
    if (this.db.engine === 'postgres') {
      // Nothing to send: no transaction, so no commit, so no nudge back to ourselves.
      if (!(await hasPending(this.db))) return { published: 0, busy: false };
      let failure: unknown;
      const result = await this.db.transaction(async (tx): Promise<BatchResult> => {
        // Second key: the schema, so NDFI instances (and test runs) sharing a database don't contend.
        const [lock] = await tx.query<{ ok: boolean }>(
          `SELECT pg_try_advisory_xact_lock(${LOCK_CLASS}, hashtext(current_schema() || '/outbox')) AS ok`,
        );
        if (!lock?.ok) return { published: 0, busy: true };
        const r = await this.publishPending(tx);
        failure = r.failure;
        return { published: r.published, busy: false };
      });
      if (failure !== undefined) throw failure;
      return result;
    }
    if (sqliteClaims.has(this.db)) return { published: 0, busy: true };
    sqliteClaims.add(this.db);
    try {
      // No transaction here: SQLite has one writer, and subscribers' own transactions must be able to run.
      const r = await this.publishPending(this.db);
      if (r.failure !== undefined) throw r.failure;
      return { published: r.published, busy: false };
    } finally {
      sqliteClaims.delete(this.db);
    }
  }

  /** Publishes in order and stops at the first failure; what was published is marked either way. */
  private async publishPending(q: Queryable): Promise<{ published: number; failure?: unknown }> {
    const rows = await pendingEvents(q, this.batchSize);
    const done: bigint[] = [];
    let failure: unknown;
    for (const r of rows) {
      try {
        await this.bus.publish(r.envelope);
      } catch (err) {
        failure = err ?? new Error('publish failed');
        break;
      }
      done.push(r.seq);
    }
    await markDispatched(q, done, this.clock.now());
    if (done.length > 0) this.logger.debug({ count: done.length }, 'outbox events dispatched');
    return failure === undefined ? { published: done.length } : { published: done.length, failure };
  }

  /** Runs batches until the outbox looks empty; concurrent callers share the run in flight. */
  private pump(): Promise<void> {
    if (this.running) {
      this.again = true; // a nudge during a run: go round once more before settling
      return this.running;
    }
    const run = (async () => {
      try {
        do {
          this.again = false;
          for (;;) {
            const r = await this.dispatchBatch();
            this.lastBusy = r.busy;
            if (r.busy || r.published < this.batchSize) break;
          }
        } while (this.again && !this.lastBusy);
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
      this.logger.error({ err }, 'outbox dispatch failed; retrying at next poll');
    }
    this.schedule(this.pollIntervalMs);
  }
}
