/**
 * The single writer: requests queue up, and each round takes what has accumulated (up to maxBatch
 * transfers), applies it to the in-memory balances in arrival order and persists it in ONE transaction.
 * Callers are answered only after COMMIT returned. While a commit is in flight the next batch accumulates,
 * which is what turns many small requests into few large, durable commits (group commit).
 */
import { type Clock, DomainError, type Logger, type Queryable } from '../platform/index.ts';
import type { Committer } from './commit.ts';
import { type Batch, type LedgerState, newBatch } from './domain/state.ts';
import { findTransfers, loadState } from './store.ts';

interface Job {
  /** Transfers it carries (what maxBatch counts). */
  size: number;
  /** Transfers it submits: their ids are looked up when a commit hits an id the cache had forgotten. */
  submits: readonly { id: string }[] | undefined;
  /** Pending transfers it posts or voids: loaded before applying if not in memory. */
  pendingIds: readonly string[] | undefined;
  apply(s: LedgerState, b: Batch, now: number): unknown;
  done(raw: unknown): void;
  fail(e: unknown): void;
}

export interface WriterOptions {
  db: Queryable;
  state: LedgerState;
  /** Committed ok transfers at start (for counts()). */
  transfers: number;
  committer: Committer;
  clock: Clock;
  logger: Logger;
  maxBatch: number;
  idCacheSize: number;
}

const FAILED = Symbol('failed');
/** What a commit should take when nothing presses (ms), and the least it takes whatever it costs. */
const COMMIT_TARGET_MS = 5;
const MIN_LIMIT = 256;

export class Writer {
  private state: LedgerState;
  private readonly o: WriterOptions;
  private readonly queue: Job[] = [];
  private running = false;
  private closed = false;
  /** A commit failed in a way that may leave memory and database apart: reload before the next one. */
  private stale = false;
  private idle: (() => void) | undefined;
  /** The last committed batch whose callers wait for its flush to disk (answers come in commit order). */
  private flushing: Promise<void> = Promise.resolve();
  /** Most transfers the next commit takes (see adapt). */
  private limit: number;
  /** Moving average of what a commit costs per transfer, in ms. */
  private msPerTransfer = 0.01;
  /** Durable counts, for dashboards. */
  readonly committed: { accounts: number; transfers: number };

  constructor(o: WriterOptions) {
    this.o = o;
    this.state = o.state;
    this.limit = Math.min(o.maxBatch, MIN_LIMIT);
    this.committed = { accounts: o.state.accounts.size, transfers: o.transfers };
  }

  /** The live state, for tests comparing it with what a fresh load from the database gives. */
  get memory(): LedgerState {
    return this.state;
  }

  run<R, T>(
    size: number,
    apply: (s: LedgerState, b: Batch, now: number) => R,
    present: (raw: R) => T,
    refs: { submits?: readonly { id: string }[]; pendingIds?: readonly string[] } = {},
  ): Promise<T> {
    if (this.closed) return Promise.reject(new DomainError('unavailable', 'the ledger is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        size,
        submits: refs.submits,
        pendingIds: refs.pendingIds,
        apply,
        done: (raw) => {
          try {
            resolve(present(raw as R));
          } catch (e) {
            reject(e);
          }
        },
        fail: reject,
      });
      if (!this.running) {
        this.running = true;
        // Not a microtask: requests arriving by I/O (sockets, worker messages) are each dispatched with a
        // microtask checkpoint of their own, so a microtask would commit the first one alone (synchronously
        // on SQLite) before the loop delivers the others waiting in the same poll phase: a commit per request
        // instead of group commit. setImmediate runs right after that poll phase, with all of them queued.
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Stops accepting requests and waits until everything accepted is committed or rejected. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.running) await new Promise<void>((r) => (this.idle = r));
    await this.flushing;
    await this.o.committer.close();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const jobs = this.take(this.limit);
      const backlog = this.queue.length > 0;
      const start = performance.now();
      await this.commit(jobs);
      this.adapt(jobs, backlog, performance.now() - start);
      // Let I/O and timers in between batches: a closed loop of in-process callers must not starve them.
      if (this.queue.length > 0) await new Promise<void>((r) => setImmediate(r));
    }
    this.running = false;
    this.idle?.();
  }

  /** Jobs from the head of the queue carrying at most `limit` transfers (at least one job). */
  private take(limit: number): Job[] {
    let n = 0;
    let k = 0;
    while (k < this.queue.length && (k === 0 || n + this.queue[k]!.size <= limit)) {
      n += this.queue[k]!.size;
      k++;
    }
    return this.queue.splice(0, k);
  }

  /**
   * Sizes the next batch. Everyone in a batch waits for all of it, and on SQLite a commit holds the event
   * loop: after a stall (GC, a WAL checkpoint, a burst) one commit of the whole backlog would make its oldest
   * waiters wait for thousands of younger ones. So the backlog is taken in commits of about COMMIT_TARGET_MS,
   * doubling while a backlog remains (sustained load reaches maxBatch, where a commit is cheapest per
   * transfer) and halving back once batches stay well below the limit.
   */
  private adapt(jobs: Job[], backlog: boolean, ms: number): void {
    let n = 0;
    for (const j of jobs) n += j.size;
    if (n >= 32) this.msPerTransfer += 0.2 * (ms / n - this.msPerTransfer);
    const floor = Math.min(this.o.maxBatch, Math.max(MIN_LIMIT, Math.round(COMMIT_TARGET_MS / this.msPerTransfer)));
    if (backlog) this.limit = Math.min(this.o.maxBatch, this.limit * 2);
    else if (n < this.limit / 4) this.limit = Math.max(floor, this.limit >> 1);
  }

  private async commit(jobs: Job[]): Promise<void> {
    try {
      if (this.stale) await this.reload();
      await this.prefetch(jobs);
    } catch (e) {
      this.reject(jobs, e);
      return;
    }
    for (let attempt = 0; ; attempt++) {
      const s = this.state;
      const b = newBatch();
      const start = s.mark(b);
      const now = this.o.clock.nowMs();
      const raw = jobs.map((j) => {
        const m = s.mark(b);
        try {
          return j.apply(s, b, now);
        } catch (e) {
          s.rollback(m, b);
          j.fail(e);
          return FAILED;
        }
      });
      let durable: Promise<void> | undefined;
      try {
        ({ durable } = await this.o.committer.persist(b));
      } catch (e) {
        s.rollback(start, b);
        if (attempt < 3 && this.o.committer.isDuplicate(e) && (await this.learnIds(jobs).catch(() => false))) continue;
        // The outcome may be unknown (connection lost during COMMIT): trust only the database from here.
        this.stale = true;
        this.reject(jobs, e, raw);
        return;
      }
      s.settle();
      s.evict(this.o.idCacheSize);
      this.committed.accounts += b.accounts.length;
      for (const t of b.transfers) if (t.result === 'ok') this.committed.transfers++;
      const answer = () => {
        for (let i = 0; i < jobs.length; i++) if (raw[i] !== FAILED) jobs[i]!.done(raw[i]);
      };
      if (!durable) {
        answer();
        return;
      }
      // the next batch commits while this one is flushed to disk; its callers hear only once it is there. A
      // failed flush leaves the file's state unknown: nothing is acknowledged, and the next batch reloads.
      this.flushing = durable.then(answer, (e) => {
        this.stale = true;
        this.reject(jobs, e, raw);
      });
      return;
    }
  }

  /**
   * Loads the records a batch needs that are not in memory: pending transfers it resolves (already resolved,
   * or unknown) and committed transfers it replays (the id cache keeps ids only).
   */
  private async prefetch(jobs: Job[]): Promise<void> {
    const s = this.state;
    const missing: string[] = [];
    for (const j of jobs) {
      if (j.pendingIds) for (const id of j.pendingIds) if (!s.find(id)) missing.push(id);
      if (j.submits) for (const t of j.submits) if (s.known(t.id) && !s.find(t.id)) missing.push(t.id);
    }
    if (missing.length === 0) return;
    for (const r of await findTransfers(this.o.db, missing)) if (!s.find(r.id)) s.remember(r);
  }

  /** A submitted id is already in the database: cache what is stored so the retry answers it as a replay. */
  private async learnIds(jobs: Job[]): Promise<boolean> {
    const ids = jobs.flatMap((j) => j.submits?.map((t) => t.id) ?? []).filter((id) => !this.state.find(id));
    const found = await findTransfers(this.o.db, ids);
    for (const r of found) this.state.remember(r);
    return found.length > 0;
  }

  private async reload(): Promise<void> {
    await this.o.committer.reset();
    const { state, transfers } = await loadState(this.o.db);
    this.state = state;
    this.committed.accounts = state.accounts.size;
    this.committed.transfers = transfers;
    this.stale = false;
  }

  private reject(jobs: Job[], cause: unknown, raw?: unknown[]): void {
    this.o.logger.error({ err: cause, jobs: jobs.length }, 'ledger commit failed');
    const err = new DomainError('unavailable', 'the ledger could not commit: retry with the same ids');
    err.cause = cause;
    for (let i = 0; i < jobs.length; i++) if (raw?.[i] !== FAILED) jobs[i]!.fail(err);
  }
}
