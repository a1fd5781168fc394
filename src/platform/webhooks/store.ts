import type { Queryable, SqlValue } from '../db/index.ts';
import { DomainError, invalid, notFound } from '../errors.ts';
import {
  DELIVERY_COLUMNS,
  type DeliveryRow,
  toDelivery,
  type WebhookDelivery,
  type WebhookDeliveryStatus,
} from './types.ts';

/** A delivery a sender holds until `leaseUntil`; its result write counts only while `token` is still set. */
export interface Claimed {
  id: string;
  participantId: string;
  eventType: string;
  payload: string;
  createdAt: string;
  /** Including this one. */
  attempts: number;
  deliveredTo: string[];
  token: string;
}

/**
 * Takes up to `limit` of the oldest due pending deliveries and leases them: pushes next_attempt_at to
 * `leaseUntil` (so no other sender finds them due; if this one dies, they become due again then:
 * at-least-once) and counts the attempt up front, so a delivery that crashes its sender still runs out of
 * attempts.
 *
 * One statement for many rows, run by the sender in a transaction: on SQLite every commit of its own is
 * an fsync holding the event loop, so a claim per delivery cost more than the payments that caused them;
 * in a transaction it shares the commit of whatever else commits in that turn. PostgreSQL: SKIP LOCKED lets
 * parallel senders take different rows instead of queueing on the same ones.
 */
export async function claimDue(
  q: Queryable,
  dueBy: string,
  leaseUntil: string,
  token: string,
  limit = 1,
): Promise<Claimed[]> {
  const lock = q.engine === 'postgres' ? 'FOR UPDATE SKIP LOCKED' : '';
  const rows = await q.query<DeliveryRow>(
    `UPDATE webhook_deliveries SET next_attempt_at = $1, lease_token = $2, attempts = attempts + 1
     WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $3
                  ORDER BY next_attempt_at LIMIT $4 ${lock})
     RETURNING ${DELIVERY_COLUMNS}`,
    [leaseUntil, token, dueBy, limit],
  );
  return rows
    .map((r) => ({
      id: r.id,
      participantId: r.participant_id,
      eventType: r.event_type,
      payload: r.payload,
      createdAt: r.created_at,
      attempts: Number(r.attempts),
      deliveredTo: JSON.parse(r.delivered_to) as string[],
      token,
    }))
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
}

/**
 * Gives back leased deliveries that were never attempted (a sender stopping with part of its claim left):
 * due again now, the attempt counted at claim uncounted.
 */
export async function releaseClaims(q: Queryable, claims: Claimed[], now: string): Promise<void> {
  for (const c of claims) {
    await q.exec(
      `UPDATE webhook_deliveries SET next_attempt_at = $1, attempts = attempts - 1, lease_token = NULL
       WHERE id = $2 AND lease_token = $3`,
      [now, c.id, c.token],
    );
  }
}

/** Whether anything is due (unlocked read): tells an empty claim caused by a race from an empty queue. */
export async function hasDue(q: Queryable, dueBy: string): Promise<boolean> {
  const rows = await q.query(
    `SELECT 1 AS x FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1 LIMIT 1`,
    [dueBy],
  );
  return rows.length > 0;
}

export type Outcome =
  | { status: 'delivered'; at: string }
  | { status: 'failed'; error: string }
  | { status: 'pending'; error: string; nextAttemptAt: string };

/** Records an attempt's result; false if the lease was lost (another sender or a redelivery took over). */
export async function finish(q: Queryable, c: Claimed, deliveredTo: string[], o: Outcome): Promise<boolean> {
  const changed = await q.exec(
    `UPDATE webhook_deliveries SET status = $1, delivered_to = $2, last_error = $3, delivered_at = $4,
       next_attempt_at = COALESCE($5, next_attempt_at), lease_token = NULL
     WHERE id = $6 AND lease_token = $7`,
    [
      o.status,
      JSON.stringify(deliveredTo),
      o.status === 'delivered' ? null : o.error,
      o.status === 'delivered' ? o.at : null,
      o.status === 'pending' ? o.nextAttemptAt : null,
      c.id,
      c.token,
    ],
  );
  return changed === 1;
}

/**
 * Makes a delivered or failed delivery due again with a fresh retry budget, for every current endpoint
 * (receivers dedupe by webhook-id). A pending one is refused: it may be in flight, and it retries anyway.
 * `participantId` scopes the lookup for portal callers: someone else's delivery is "not found".
 */
export async function resetForRedelivery(q: Queryable, id: string, now: string, participantId?: string): Promise<void> {
  const changed = await q.exec(
    `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $1, delivered_to = '[]',
       delivered_at = NULL, lease_token = NULL
     WHERE id = $2 AND status <> 'pending' AND ($3 = '' OR participant_id = $3)`,
    [now, id, participantId ?? ''],
  );
  if (changed === 1) return;
  const [row] = await q.query<{ participant_id: string }>(
    'SELECT participant_id FROM webhook_deliveries WHERE id = $1',
    [id],
  );
  if (!row || (participantId !== undefined && row.participant_id !== participantId)) throw notFound('webhook delivery');
  throw new DomainError('state', 'webhook delivery is still pending; it will be retried');
}

export interface WebhookDeliveryQuery {
  participantId: string;
  status?: WebhookDeliveryStatus;
  /** Keyset cursor: ids greater than this (pass the last id of the previous page, oldest-first paging). */
  after?: string;
  /** Ids less than this (newest-first paging). */
  before?: string;
  /** 1…1000. */
  limit: number;
  /** Default 'desc' (newest first), as the portal shows them. */
  order?: 'asc' | 'desc';
}

/** One participant's deliveries, keyset-paged by id (ids are time-ordered ULIDs). */
export async function listDeliveries(q: Queryable, f: WebhookDeliveryQuery): Promise<WebhookDelivery[]> {
  if (!Number.isInteger(f.limit) || f.limit < 1 || f.limit > 1000) throw invalid('/limit', 'must be an integer 1…1000');
  const params: SqlValue[] = [f.participantId];
  const where = ['participant_id = $1'];
  const add = (sql: string, v: SqlValue | undefined) => {
    if (v === undefined) return;
    params.push(v);
    where.push(`${sql} $${params.length}`);
  };
  add('status =', f.status);
  add('id >', f.after);
  add('id <', f.before);
  params.push(f.limit);
  const rows = await q.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM webhook_deliveries WHERE ${where.join(' AND ')}
     ORDER BY id ${f.order === 'asc' ? 'ASC' : 'DESC'} LIMIT $${params.length}`,
    params,
  );
  return rows.map(toDelivery);
}

/** Retention: deletes delivered and failed deliveries created before `before`. */
export async function pruneWebhookDeliveries(q: Queryable, before: Date): Promise<number> {
  return q.exec(`DELETE FROM webhook_deliveries WHERE status <> 'pending' AND created_at < $1`, [before.toISOString()]);
}
