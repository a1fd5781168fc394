import type { Clock } from '../clock.ts';
import { type Queryable, rowPlaceholders, type SqlValue } from '../db/index.ts';
import { DomainError, invalid } from '../errors.ts';
import { canonicalJson, sha256Hex } from './canonical.ts';
import { entryHash } from './chain.ts';
import type { AuditEntry } from './types.ts';

export interface AuditInput {
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  details: unknown;
}

/** Advisory-lock namespace 'NDFI' (int4); the second key is per schema so instances sharing a database don't contend. */
const LOCK_SQL = `SELECT pg_advisory_xact_lock(${0x4e444649}, hashtext(current_schema() || '/audit'))`;

/**
 * Appends to the chain inside the caller's state-changing transaction, so the record and the change
 * commit or vanish together. Appends are serialized: on PostgreSQL by a transaction-scoped advisory lock
 * taken before reading the head (held to commit, so the next appender sees this entry); on SQLite by
 * the single writer. Serializing means audited transactions queue on the lock from this point to
 * commit: append late in the transaction.
 */
export async function appendAudit(tx: Queryable, entry: AuditInput, clock: Clock): Promise<AuditEntry> {
  return (await appendAudits(tx, [entry], clock))[0]!;
}

/** Rows per INSERT: a few fixed sizes, so that few statements are prepared whatever the batch. */
const CHUNKS = [256, 64, 16, 4, 1];
const COLUMNS = 'seq, at, actor, action, entity, entity_id, details, digest, prev_hash, hash';

/**
 * `appendAudit` for several entries at once, in this order: one lock, one read and one update of the head,
 * multi-row inserts. What an entry-per-transaction costs per entry (a commit, on PostgreSQL a turn on the
 * lock) is paid once for all of them.
 */
export async function appendAudits(tx: Queryable, entries: AuditInput[], clock: Clock): Promise<AuditEntry[]> {
  // A Db here would run each statement in its own transaction and release the lock in between.
  if ('transaction' in tx) throw new DomainError('internal', 'appendAudit must run inside a transaction');
  for (const entry of entries) {
    for (const k of ['actor', 'action', 'entity', 'entityId'] as const) {
      if (typeof entry[k] !== 'string' || entry[k].length === 0) throw invalid(`/${k}`, 'required');
    }
  }
  // canonical before the lock: a refused detail changes nothing
  const details = entries.map((e) => canonicalJson(e.details));
  if (entries.length === 0) return [];
  if (tx.engine === 'postgres') await tx.query(LOCK_SQL);
  const [head] = await tx.query<{ seq: bigint; hash: string }>('SELECT seq, hash FROM audit_head WHERE id = 1');
  // The migration creates the head; without it the chain's tip is unknown and appending would fork it.
  if (!head) throw new DomainError('internal', 'audit head record missing: run verifyAudit');
  const at = clock.now().toISOString();
  let prevHash = head.hash;
  let seq = head.seq;
  const out: AuditEntry[] = entries.map((entry, i) => {
    seq += 1n;
    const digest = sha256Hex(details[i]!);
    const fields = {
      seq,
      at,
      actor: entry.actor,
      action: entry.action,
      entity: entry.entity,
      entityId: entry.entityId,
      digest,
    };
    const hash = entryHash(prevHash, fields);
    const e: AuditEntry = { ...fields, details: details[i], prevHash, hash };
    prevHash = hash;
    return e;
  });
  let from = 0;
  for (const size of CHUNKS) {
    for (; out.length - from >= size; from += size) {
      const params: SqlValue[] = [];
      for (const e of out.slice(from, from + size)) {
        params.push(
          e.seq,
          e.at,
          e.actor,
          e.action,
          e.entity,
          e.entityId,
          e.details as string,
          e.digest,
          e.prevHash,
          e.hash,
        );
      }
      await tx.exec(`INSERT INTO audit_log (${COLUMNS}) VALUES ${rowPlaceholders(size, 10)}`, params);
    }
  }
  const last = out[out.length - 1]!;
  await tx.exec('UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1', [last.seq, last.hash]);
  for (const e of out) e.details = JSON.parse(e.details as string);
  return out;
}
