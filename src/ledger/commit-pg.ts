/**
 * Batch writes on PostgreSQL: one dedicated session holds the leadership lock and writes each batch as a
 * handful of set-based statements over UNNEST arrays in one transaction (synchronous_commit = on).
 */
import type { PoolClient } from 'pg';
import { DomainError, type PostgresDb } from '../platform/index.ts';
import type { Committer } from './commit.ts';
import type { TransferRecord } from './domain/model.ts';
import type { Batch } from './domain/state.ts';
import { copyIn, copyText } from './pg-copy.ts';
import { TRANSFER_COLUMNS } from './store.ts';

/**
 * Session-level advisory lock naming the ledger of this schema (tests and tenants share a database, one
 * schema each). Held for the life of the writer's session: if the session dies, the lock goes with it.
 */
const LOCK_KEY = `hashtext('ndfi.ledger'), hashtext(current_schema())`;

const COPY_TRANSFERS = `COPY ledger_transfers (${TRANSFER_COLUMNS}) FROM STDIN`;
const INSERT_ACCOUNTS = `INSERT INTO ledger_accounts (id, currency, owner, code, flags, debits_pending, debits_posted,
    credits_pending, credits_posted, created_at)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::bigint[], $7::bigint[],
    $8::bigint[], $9::bigint[], $10::bigint[])`;
const UPDATE_ACCOUNTS = `UPDATE ledger_accounts a SET debits_pending = v.dp, debits_posted = v.dpo,
    credits_pending = v.cp, credits_posted = v.cpo
  FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[]) AS v(id, dp, dpo, cp, cpo)
  WHERE a.id = v.id`;
const UPDATE_STATES = `UPDATE ledger_transfers t SET state = v.state
  FROM unnest($1::text[], $2::text[]) AS v(id, state) WHERE t.id = v.id`;
const INSERT_HISTORY = `INSERT INTO ledger_history (account_id, seq, debits_pending, debits_posted, credits_pending,
    credits_posted)
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[])`;

/** Column-major arrays: one array parameter per column. Integers travel as text to keep bigint exact. */
const columns = <T>(rows: readonly T[], n: number, row: (r: T) => (string | null)[]): (string | null)[][] => {
  const cols: (string | null)[][] = Array.from({ length: n }, () => new Array(rows.length));
  for (let i = 0; i < rows.length; i++) {
    const v = row(rows[i]!);
    for (let c = 0; c < n; c++) cols[c]![i] = v[c]!;
  }
  return cols;
};

/** The batch's transfers in COPY text format, in TRANSFER_COLUMNS order. */
function copyRows(ts: readonly TransferRecord[]): string {
  let out = '';
  for (const t of ts) {
    out += `${t.seq}\t${copyText(t.id)}\t${copyText(t.debitAccountId)}\t${copyText(t.creditAccountId)}\t${t.amount}\t${
      t.currency
    }\t${copyText(t.code)}\t${copyText(t.reference)}\t${t.flags}\t${copyText(t.pendingId)}\t${t.timeoutSeconds}\t${
      t.timestamp
    }\t${t.result}\t${copyText(t.state)}\n`;
  }
  return out;
}

export class PgCommitter implements Committer {
  private readonly db: PostgresDb;
  private client: PoolClient | null;

  private constructor(db: PostgresDb, client: PoolClient) {
    this.db = db;
    this.client = client;
  }

  /** Takes leadership or refuses: a second writer on the same schema would fork the balances. */
  static async open(db: PostgresDb): Promise<PgCommitter> {
    return new PgCommitter(db, await PgCommitter.lead(db));
  }

  private static async lead(db: PostgresDb): Promise<PoolClient> {
    const c = await db.pool.connect();
    try {
      const r = await c.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS locked`);
      if (!r.rows[0]?.locked) {
        throw new DomainError('unavailable', 'another ledger writer holds this database (advisory lock taken)');
      }
      await c.query('SET synchronous_commit = on');
      // a checked-out client without an 'error' listener would crash the process when the server goes away;
      // the next persist fails instead, and the writer resets the session
      c.on('error', () => {});
      return c;
    } catch (e) {
      c.release();
      throw e;
    }
  }

  async persist(b: Batch): Promise<{ durable?: Promise<void> }> {
    const c = this.client;
    if (!c) throw new DomainError('unavailable', 'the ledger writer lost its database session');
    await c.query('BEGIN');
    try {
      if (b.accounts.length > 0) {
        await c.query(
          INSERT_ACCOUNTS,
          columns(b.accounts, 10, (a) => [
            a.id,
            a.currency,
            a.owner,
            a.code,
            String(a.flags),
            String(a.debitsPending),
            String(a.debitsPosted),
            String(a.creditsPending),
            String(a.creditsPosted),
            String(a.createdAt),
          ]),
        );
      }
      if (b.transfers.length > 0) await copyIn(c, COPY_TRANSFERS, copyRows(b.transfers));
      if (b.touched.size > 0) {
        await c.query(
          UPDATE_ACCOUNTS,
          columns([...b.touched], 5, (a) => [
            a.id,
            String(a.debitsPending),
            String(a.debitsPosted),
            String(a.creditsPending),
            String(a.creditsPosted),
          ]),
        );
      }
      if (b.resolved.length > 0) {
        await c.query(
          UPDATE_STATES,
          columns(b.resolved, 2, (r) => [r.id, r.state]),
        );
      }
      if (b.history.length > 0) {
        await c.query(
          INSERT_HISTORY,
          columns(b.history, 6, (h) => [
            h.accountId,
            String(h.seq),
            String(h.debitsPending),
            String(h.debitsPosted),
            String(h.creditsPending),
            String(h.creditsPosted),
          ]),
        );
      }
      await c.query('COMMIT');
    } catch (e) {
      await c.query('ROLLBACK').catch(() => {});
      throw e;
    }
    // synchronous_commit=on: durable when COMMIT returns
    return {};
  }

  isDuplicate(e: unknown): boolean {
    const err = e as { code?: string; constraint?: string };
    return err?.code === '23505' && (err.constraint ?? '').startsWith('ledger_transfers');
  }

  /** Drops the session (whose lock may be gone with it) and leads again on a new one, or refuses. */
  async reset(): Promise<void> {
    const old = this.client;
    this.client = null;
    if (old) {
      // unlock while the session still answers: a destroyed socket ends its backend (and lock) only later
      await old.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`).catch(() => {});
      old.release(true);
    }
    // a dead session's backend may still hold the lock for a moment: retry briefly before refusing
    for (let attempt = 0; ; attempt++) {
      try {
        this.client = await PgCommitter.lead(this.db);
        return;
      } catch (e) {
        if (attempt >= 20) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  async close(): Promise<void> {
    const c = this.client;
    if (!c) return;
    this.client = null;
    await c.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`).catch(() => {});
    c.release();
  }
}
