import type { Clock } from '../clock.ts';
import type { Queryable } from '../db/index.ts';
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
  // A Db here would run each statement in its own transaction and release the lock in between.
  if ('transaction' in tx) throw new DomainError('internal', 'appendAudit must run inside a transaction');
  for (const k of ['actor', 'action', 'entity', 'entityId'] as const) {
    if (typeof entry[k] !== 'string' || entry[k].length === 0) throw invalid(`/${k}`, 'required');
  }
  if (tx.engine === 'postgres') await tx.query(LOCK_SQL);
  const [head] = await tx.query<{ seq: bigint; hash: string }>('SELECT seq, hash FROM audit_head WHERE id = 1');
  // The migration creates the head; without it the chain's tip is unknown and appending would fork it.
  if (!head) throw new DomainError('internal', 'audit head record missing: run verifyAudit');
  const prevHash = head.hash;
  const seq = head.seq + 1n;
  const details = canonicalJson(entry.details);
  const digest = sha256Hex(details);
  const at = clock.now().toISOString();
  const hash = entryHash(prevHash, {
    seq,
    at,
    actor: entry.actor,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId,
    digest,
  });
  await tx.exec(
    'INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, details, digest, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
    [seq, at, entry.actor, entry.action, entry.entity, entry.entityId, details, digest, prevHash, hash],
  );
  await tx.exec('UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1', [seq, hash]);
  return {
    seq,
    at,
    actor: entry.actor,
    action: entry.action,
    entity: entry.entity,
    entityId: entry.entityId,
    details: JSON.parse(details),
    digest,
    prevHash,
    hash,
  };
}
