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

type Undo =
  | { k: 0; a: AccountRecord; dp: bigint; dP: bigint; cp: bigint; cP: bigint }
  | { k: 1; map: Map<string, TransferRecord>; id: string; prev: TransferRecord | undefined }
  | { k: 2; r: TransferRecord; state: PendingState | null }
  | { k: 3; id: string };

export interface Mark {
  undo: number;
  seq: number;
  accounts: number;
  transfers: number;
  resolved: number;
  history: number;
}

/**
 * The writer's authoritative state. Every mutation goes through the methods below, which journal the old
 * value, so a failed linked chain or a failed commit can be undone exactly back to a `mark()`.
 */
export class LedgerState {
  readonly accounts = new Map<string, AccountRecord>();
  /** Every open pending transfer: never evicted, they are needed to post, void and expire. */
  readonly pending = new Map<string, TransferRecord>();
  /** Recently recorded transfers by id, for idempotent replays. A cache: the database decides on a miss. */
  readonly recent = new Map<string, TransferRecord>();
  /** Last sequence number assigned. */
  seq = 0;
  private readonly undo: Undo[] = [];

  find(id: string): TransferRecord | undefined {
    return this.recent.get(id) ?? this.pending.get(id);
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
      const e = u.pop()!;
      if (e.k === 0) {
        e.a.debitsPending = e.dp;
        e.a.debitsPosted = e.dP;
        e.a.creditsPending = e.cp;
        e.a.creditsPosted = e.cP;
      } else if (e.k === 1) {
        if (e.prev) e.map.set(e.id, e.prev);
        else e.map.delete(e.id);
      } else if (e.k === 2) e.r.state = e.state;
      else this.accounts.delete(e.id);
    }
    this.seq = m.seq;
    b.accounts.length = m.accounts;
    b.transfers.length = m.transfers;
    b.resolved.length = m.resolved;
    b.history.length = m.history;
  }

  /** The batch is durable: forget how to undo it. */
  settle(): void {
    this.undo.length = 0;
  }

  addAccount(b: Batch, a: AccountRecord): void {
    this.undo.push({ k: 3, id: a.id });
    this.accounts.set(a.id, a);
    b.accounts.push(a);
  }

  /** Call before changing an account's balances. */
  touch(b: Batch, a: AccountRecord): void {
    this.undo.push({ k: 0, a, dp: a.debitsPending, dP: a.debitsPosted, cp: a.creditsPending, cP: a.creditsPosted });
    b.touched.add(a);
  }

  record(b: Batch, r: TransferRecord): void {
    this.undo.push({ k: 1, map: this.recent, id: r.id, prev: this.recent.get(r.id) });
    this.recent.set(r.id, r);
    b.transfers.push(r);
  }

  openPending(r: TransferRecord): void {
    this.undo.push({ k: 1, map: this.pending, id: r.id, prev: this.pending.get(r.id) });
    this.pending.set(r.id, r);
  }

  closePending(b: Batch, r: TransferRecord, state: PendingState): void {
    this.undo.push({ k: 2, r, state: r.state });
    this.undo.push({ k: 1, map: this.pending, id: r.id, prev: this.pending.get(r.id) });
    r.state = state;
    this.pending.delete(r.id);
    b.resolved.push(r);
  }

  /** Drops the oldest cached ids beyond `max` (only between batches: the journal may point at them). */
  evict(max: number): void {
    if (this.recent.size <= max) return;
    for (const id of this.recent.keys()) {
      this.recent.delete(id);
      if (this.recent.size <= max) break;
    }
  }
}
