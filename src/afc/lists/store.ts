import type { Queryable } from '../../platform/index.ts';
import type { IdentifierKind } from '../domain/identifiers.ts';
import type { ListStatus } from '../domain/lists.ts';
import { chunks, insertRows, KEYS, versionCounter } from '../store-kit.ts';

/** One list entry as stored: an identifier (by MAC, and by value when known) listed by one source. */
export interface EntryRecord {
  id: string;
  mac: string;
  kind: IdentifierKind;
  /** Normal form of the identifier; null when the entry was given as a MAC only. */
  value: string | null;
  source: string;
  status: ListStatus;
  reason: string;
  holderName: string | null;
  expiresAt: string | null;
  /** The list version of the entry's last change. */
  version: number;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
}

export type ChangeOp = 'upsert' | 'remove';

/** One row of the change log: the entry's state after the change (`upsert`) or as it was removed (`remove`). */
export interface ChangeRecord {
  version: number;
  op: ChangeOp;
  entryId: string;
  mac: string;
  kind: IdentifierKind;
  value: string | null;
  source: string;
  status: ListStatus;
  reason: string;
  holderName: string | null;
  expiresAt: string | null;
  actor: string;
  at: string;
  auditSeq: number;
}

interface RawEntry {
  id: string;
  mac: string;
  kind: IdentifierKind;
  value: string | null;
  source: string;
  status: ListStatus;
  reason: string;
  holder_name: string | null;
  expires_at: string | null;
  version: bigint;
  created_at: string;
  updated_at: string;
  updated_by: string;
}

interface RawChange {
  version: bigint;
  op: ChangeOp;
  entry_id: string;
  mac: string;
  kind: IdentifierKind;
  value: string | null;
  source: string;
  status: ListStatus;
  reason: string;
  holder_name: string | null;
  expires_at: string | null;
  actor: string;
  at: string;
  audit_seq: bigint;
}

const ENTRY_COLS =
  'id, mac, kind, value, source, status, reason, holder_name, expires_at, version, created_at, updated_at, updated_by';
const CHANGE_COLS =
  'version, op, entry_id, mac, kind, value, source, status, reason, holder_name, expires_at, actor, at, audit_seq';

const toEntry = (r: RawEntry): EntryRecord => ({
  id: r.id,
  mac: r.mac,
  kind: r.kind,
  value: r.value,
  source: r.source,
  status: r.status,
  reason: r.reason,
  holderName: r.holder_name,
  expiresAt: r.expires_at,
  version: Number(r.version),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  updatedBy: r.updated_by,
});

const toChange = (r: RawChange): ChangeRecord => ({
  version: Number(r.version),
  op: r.op,
  entryId: r.entry_id,
  mac: r.mac,
  kind: r.kind,
  value: r.value,
  source: r.source,
  status: r.status,
  reason: r.reason,
  holderName: r.holder_name,
  expiresAt: r.expires_at,
  actor: r.actor,
  at: r.at,
  auditSeq: Number(r.audit_seq),
});

const versions = versionCounter('afc_list_head');

/** The only code touching the lists' tables. */
export const listStore = {
  /** How many of these identifiers are confirmed fraudsters under another source than `source`. */
  async confirmedElsewhere(q: Queryable, macs: readonly string[], source: string): Promise<number> {
    if (macs.length === 0) return 0;
    const [r] = await q.query<{ n: bigint }>(
      `SELECT COUNT(DISTINCT mac) AS n FROM afc_list_entries
       WHERE status = 'confirmed' AND source <> $1 AND mac IN (${macs.map((_, i) => `$${i + 2}`).join(', ')})`,
      [source, ...macs],
    );
    return Number(r?.n ?? 0);
  },

  /** List changes per day (UTC) between two instants: suspects added, confirmed, removed. */
  growthByDay(
    q: Queryable,
    from: string,
    to: string,
  ): Promise<{ day: string; suspects: bigint; confirmed: bigint; removed: bigint }[]> {
    return q.query(
      `SELECT SUBSTR(at, 1, 10) AS day,
         SUM(CASE WHEN op = 'upsert' AND status = 'suspect' THEN 1 ELSE 0 END) AS suspects,
         SUM(CASE WHEN op = 'upsert' AND status = 'confirmed' THEN 1 ELSE 0 END) AS confirmed,
         SUM(CASE WHEN op = 'remove' THEN 1 ELSE 0 END) AS removed
       FROM afc_list_changes WHERE at >= $1 AND at < $2 GROUP BY SUBSTR(at, 1, 10) ORDER BY day`,
      [from, to],
    );
  },

  head: versions.head,

  /**
   * Takes the next `n` versions and returns the first. The row stays locked to the end of the transaction
   * (PostgreSQL), so versions become visible in the order they were taken.
   */
  allocate: versions.allocate,

  /** Entries of these MACs (any source). */
  async byMacs(q: Queryable, macs: readonly string[]): Promise<EntryRecord[]> {
    const out: EntryRecord[] = [];
    for (const part of chunks([...new Set(macs)], KEYS)) {
      const rows = await q.query<RawEntry>(
        `SELECT ${ENTRY_COLS} FROM afc_list_entries WHERE mac IN (${part.map((_, i) => `$${i + 1}`).join(', ')})`,
        part,
      );
      for (const r of rows) out.push(toEntry(r));
    }
    return out;
  },

  async bySource(q: Queryable, source: string, status?: ListStatus): Promise<EntryRecord[]> {
    const rows = await q.query<RawEntry>(
      status
        ? `SELECT ${ENTRY_COLS} FROM afc_list_entries WHERE source = $1 AND status = $2 ORDER BY id`
        : `SELECT ${ENTRY_COLS} FROM afc_list_entries WHERE source = $1 ORDER BY id`,
      status ? [source, status] : [source],
    );
    return rows.map(toEntry);
  },

  /** Inserts or replaces entries by id (the service decided each one's id and version). */
  upsert(tx: Queryable, entries: readonly EntryRecord[]): Promise<void> {
    return insertRows(
      tx,
      entries,
      13,
      (params, e) =>
        params.push(
          e.id,
          e.mac,
          e.kind,
          e.value,
          e.source,
          e.status,
          e.reason,
          e.holderName,
          e.expiresAt,
          BigInt(e.version),
          e.createdAt,
          e.updatedAt,
          e.updatedBy,
        ),
      (values) =>
        `INSERT INTO afc_list_entries (${ENTRY_COLS}) VALUES ${values}
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, reason = excluded.reason,
           holder_name = excluded.holder_name, expires_at = excluded.expires_at, version = excluded.version,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by,
           value = COALESCE(afc_list_entries.value, excluded.value)`,
    );
  },

  async delete(tx: Queryable, ids: readonly string[]): Promise<void> {
    for (const part of chunks(ids, KEYS)) {
      await tx.exec(`DELETE FROM afc_list_entries WHERE id IN (${part.map((_, i) => `$${i + 1}`).join(', ')})`, part);
    }
  },

  insertChanges(tx: Queryable, changes: readonly ChangeRecord[]): Promise<void> {
    return insertRows(
      tx,
      changes,
      14,
      (params, c) =>
        params.push(
          BigInt(c.version),
          c.op,
          c.entryId,
          c.mac,
          c.kind,
          c.value,
          c.source,
          c.status,
          c.reason,
          c.holderName,
          c.expiresAt,
          c.actor,
          c.at,
          BigInt(c.auditSeq),
        ),
      (values) => `INSERT INTO afc_list_changes (${CHANGE_COLS}) VALUES ${values}`,
    );
  },

  /** Changes after version `since`, oldest first. */
  async changesSince(q: Queryable, since: number, limit: number): Promise<ChangeRecord[]> {
    const rows = await q.query<RawChange>(
      `SELECT ${CHANGE_COLS} FROM afc_list_changes WHERE version > $1 ORDER BY version LIMIT $2`,
      [BigInt(since), limit],
    );
    return rows.map(toChange);
  },

  /** Entries by id (keyset paging from `after`), the full download. */
  async page(q: Queryable, after: string | undefined, limit: number): Promise<EntryRecord[]> {
    const rows = await q.query<RawEntry>(
      after === undefined
        ? `SELECT ${ENTRY_COLS} FROM afc_list_entries ORDER BY id LIMIT $1`
        : `SELECT ${ENTRY_COLS} FROM afc_list_entries WHERE id > $2 ORDER BY id LIMIT $1`,
      after === undefined ? [limit] : [limit, after],
    );
    return rows.map(toEntry);
  },

  /** Entries whose expiry is at or before `now`, oldest expiry first. */
  async expired(q: Queryable, now: string, limit: number): Promise<EntryRecord[]> {
    const rows = await q.query<RawEntry>(
      `SELECT ${ENTRY_COLS} FROM afc_list_entries WHERE expires_at IS NOT NULL AND expires_at <= $1 ORDER BY expires_at, id LIMIT $2`,
      [now, limit],
    );
    return rows.map(toEntry);
  },

  async count(q: Queryable): Promise<number> {
    const [r] = await q.query<{ n: bigint }>('SELECT COUNT(*) AS n FROM afc_list_entries');
    return Number(r?.n ?? 0n);
  },
};
