import type { Queryable, SqlValue } from '../db/index.ts';
import { invalid } from '../errors.ts';
import { AUDIT_COLUMNS, type AuditEntry, type AuditRow, toEntry } from './types.ts';

export interface AuditQuery {
  entity?: string;
  entityId?: string;
  actor?: string;
  action?: string;
  /** Keyset cursor: only entries with seq > after (pass the last seq of the previous page). */
  after?: bigint;
  /** Only entries with seq < before (for newest-first paging). */
  before?: bigint;
  /** 1…1000. */
  limit: number;
  /** Default 'asc' (oldest first). */
  order?: 'asc' | 'desc';
}

/** Filtered, keyset-paged reads of the log for the portal. */
export async function listAudit(db: Queryable, q: AuditQuery): Promise<AuditEntry[]> {
  if (!Number.isInteger(q.limit) || q.limit < 1 || q.limit > 1000) throw invalid('/limit', 'must be an integer 1…1000');
  const where: string[] = [];
  const params: SqlValue[] = [];
  const add = (sql: string, v: SqlValue | undefined) => {
    if (v === undefined) return;
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  add('entity = ?', q.entity);
  add('entity_id = ?', q.entityId);
  add('actor = ?', q.actor);
  add('action = ?', q.action);
  add('seq > ?', q.after);
  add('seq < ?', q.before);
  params.push(q.limit);
  const rows = await db.query<AuditRow>(
    `SELECT ${AUDIT_COLUMNS} FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq ${q.order === 'desc' ? 'DESC' : 'ASC'} LIMIT $${params.length}`,
    params,
  );
  return rows.map(toEntry);
}
