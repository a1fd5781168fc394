export interface AuditEntry {
  seq: bigint;
  at: string;
  /** Who: a user id, a participant id, or 'system:<component>'. */
  actor: string;
  /** What, as 'module.verb', e.g. 'participants.suspend'. */
  action: string;
  entity: string;
  entityId: string;
  /** The change as canonical JSON (sorted keys, bigints as strings). */
  details: unknown;
  digest: string;
  prevHash: string;
  hash: string;
}

export interface AuditRow {
  seq: bigint;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entity_id: string;
  details: string;
  digest: string;
  prev_hash: string;
  hash: string;
}

export const AUDIT_COLUMNS = 'seq, at, actor, action, entity, entity_id, details, digest, prev_hash, hash';

export const toEntry = (r: AuditRow): AuditEntry => ({
  seq: r.seq,
  at: r.at,
  actor: r.actor,
  action: r.action,
  entity: r.entity,
  entityId: r.entity_id,
  details: JSON.parse(r.details),
  digest: r.digest,
  prevHash: r.prev_hash,
  hash: r.hash,
});
