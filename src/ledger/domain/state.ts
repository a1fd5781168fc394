import type { AccountRecord, HistoryRecord, TransferRecord } from './model.ts';
import type { PendingState } from './types.ts';

/** Everything one commit writes: produced in memory, persisted in one database transaction. */
export interface Batch {
  accounts: AccountRecord[];
  transfers: TransferRecord[];
  /** Accounts whose balances to write back (may include some a rolled-back chain left unchanged). */
  touched: Set<AccountRecord>;
  /** Pending transfers created earlier whose state changed (posted, voided, expired). */
  resolved: TransferRecord[];
  history: HistoryRecord[];
}

export const newBatch = (): Batch => ({ accounts: [], transfers: [], touched: new Set(), resolved: [], history: [] });

export interface Mark {
  undo: number;
  seq: number;
  accounts: number;
  transfers: number;
  resolved: number;
  history: number;
}

// Journal frames, pushed flat (values first, kind last) so journaling allocates no objects on the hot path.
const BALANCES = 0; // account, dp, dP, cp, cP
const RECORDED = 1; // id
const OPENED = 2; // id
const CLOSED = 3; // record, previous state
const CREATED = 4; // account id

/**
 * The writer's authoritative state. Every mutation goes through the methods below, which journal the old
 * value, so a failed linked chain or a failed commit can be undone exactly back to a `mark()`.
 */
export class LedgerState {
  readonly accounts = new Map<string, AccountRecord>();
  /** Every open pending transfer: never evicted, they are needed to post, void and expire. */
  readonly pending = new Map<string, TransferRecord>();
  /**
   * Records the current batch recorded, resolved or loaded from the database, by id; emptied once the batch
   * is durable. Only ids outlive their batch (below): a record per cached id would keep a large, pointer-rich
   * old generation alive for V8's major GC to mark and compact, stalling the writer for 100+ ms.
   */
  private readonly records = new Map<string, TransferRecord>();
  /**
   * Ids of recently committed transfers, for idempotent replays: a cache in two generations (dropping the
   * older one whole is far cheaper than evicting entry by entry). A hit means "exists": the writer loads the
   * record from the database before applying (prefetch). On a miss the database's unique index decides.
   */
  private ids = new Set<string>();
  private olderIds = new Set<string>();
  /** Last sequence number assigned. */
  seq = 0;
  private readonly undo: unknown[] = [];

  /** The record with this id, if in memory: recorded, resolved or loaded in this batch, or pending. */
  find(id: string): TransferRecord | undefined {
    return this.records.get(id) ?? (this.pending.size > 0 ? this.pending.get(id) : undefined);
  }

  /** A committed transfer has this id (as far as the cache remembers): its record must be loaded to answer. */
  known(id: string): boolean {
    return this.ids.has(id) || (this.olderIds.size > 0 && this.olderIds.has(id));
  }

  /** Caches a record read from the database (it is durable: nothing to undo). */
  remember(r: TransferRecord): void {
    this.records.set(r.id, r);
  }

  mark(b: Batch): Mark {
    return {
      undo: this.undo.length,
      seq: this.seq,
      accounts: b.accounts.length,
      transfers: b.transfers.length,
      resolved: b.resolved.length,
      history: b.history.length,
    };
  }

  rollback(m: Mark, b: Batch): void {
    const u = this.undo;
    while (u.length > m.undo) {
      const k = u.pop() as number;
      if (k === BALANCES) {
        const cP = u.pop() as bigint;
        const cp = u.pop() as bigint;
        const dP = u.pop() as bigint;
        const dp = u.pop() as bigint;
        const a = u.pop() as AccountRecord;
        a.debitsPending = dp;
        a.debitsPosted = dP;
        a.creditsPending = cp;
        a.creditsPosted = cP;
      } else if (k === RECORDED) this.records.delete(u.pop() as string);
      else if (k === OPENED) this.pending.delete(u.pop() as string);
      else if (k === CLOSED) {
        const state = u.pop() as PendingState;
        const r = u.pop() as TransferRecord;
        r.state = state;
        this.pending.set(r.id, r);
      } else this.accounts.delete(u.pop() as string);
    }
    this.seq = m.seq;
    b.accounts.length = m.accounts;
    b.transfers.length = m.transfers;
    b.resolved.length = m.resolved;
    b.history.length = m.history;
  }

  /** The batch is durable: forget how to undo it, keep only the ids of its records. */
  settle(): void {
    this.undo.length = 0;
    if (this.records.size === 0) return;
    for (const id of this.records.keys()) this.ids.add(id);
    this.records.clear();
  }

  addAccount(b: Batch, a: AccountRecord): void {
    this.undo.push(a.id, CREATED);
    this.accounts.set(a.id, a);
    b.accounts.push(a);
  }

  /** Call before changing an account's balances. */
  touch(b: Batch, a: AccountRecord): void {
    this.undo.push(a, a.debitsPending, a.debitsPosted, a.creditsPending, a.creditsPosted, BALANCES);
    b.touched.add(a);
  }

  /** Records a new transfer; callers have checked with find() that the id is not known. */
  record(b: Batch, r: TransferRecord): void {
    this.undo.push(r.id, RECORDED);
    this.records.set(r.id, r);
    b.transfers.push(r);
  }

  openPending(r: TransferRecord): void {
    this.undo.push(r.id, OPENED);
    this.pending.set(r.id, r);
  }

  closePending(b: Batch, r: TransferRecord, state: PendingState): void {
    this.undo.push(r, r.state, CLOSED);
    r.state = state;
    this.pending.delete(r.id);
    // later members of this batch resolving it again must find it (already posted, voided, expired)
    this.records.set(r.id, r);
    b.resolved.push(r);
  }

  /** Keeps at most about `max` cached ids. */
  evict(max: number): void {
    if (this.ids.size < max / 2) return;
    this.olderIds = this.ids;
    this.ids = new Set();
  }
}
