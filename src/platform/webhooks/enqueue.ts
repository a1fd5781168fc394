import type { Clock, IdGenerator } from '../clock.ts';
import type { Queryable } from '../db/index.ts';
import { DomainError, invalid } from '../errors.ts';
import { assertEventType } from '../events/types.ts';
import { toJson } from '../json.ts';

export interface WebhookInput {
  participantId: string;
  /** Dotted lowercase, `<module>.<fact>`, as for domain events; endpoints subscribe by it. */
  eventType: string;
  /** Any JSON-able value; bigints become decimal strings. */
  payload: unknown;
  /** Unique per participant: a second enqueue with the same key returns the first delivery. */
  idempotencyKey?: string;
}

/**
 * Records a webhook delivery in the caller's transaction, so it exists if and only if the state change
 * it reports committed. The sender picks it up after the commit (the app nudges it on every commit).
 */
export async function enqueueWebhook(
  tx: Queryable,
  w: WebhookInput,
  ids: IdGenerator,
  clock: Clock,
): Promise<{ id: string; duplicate: boolean }> {
  // A Db (rather than a transaction handle) would commit the delivery on its own, outside the state change.
  if ('transaction' in tx) throw new DomainError('internal', 'enqueueWebhook must run inside a transaction');
  if (!w.participantId) throw invalid('/participantId', 'required');
  assertEventType(w.eventType);
  const id = ids.next('whd');
  const now = clock.now().toISOString();
  const payload = toJson(w.payload ?? null);
  const key = w.idempotencyKey ?? null;
  const inserted = await tx.exec(
    `INSERT INTO webhook_deliveries (id, participant_id, event_type, idempotency_key, payload, status, attempts,
       next_attempt_at, delivered_to, created_at)
     VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, '[]', $6) ON CONFLICT DO NOTHING`,
    [id, w.participantId, w.eventType, key, payload, now],
  );
  if (inserted === 1) return { id, duplicate: false };
  // Only the idempotency index can conflict (ids are unique).
  const [prev] = await tx.query<{ id: string; event_type: string; payload: string }>(
    'SELECT id, event_type, payload FROM webhook_deliveries WHERE participant_id = $1 AND idempotency_key = $2',
    [w.participantId, key],
  );
  if (!prev) throw new DomainError('internal', 'webhook delivery insert conflicted but no row holds its key');
  if (prev.event_type !== w.eventType || prev.payload !== payload) {
    throw new DomainError('idempotency-mismatch', `webhook idempotency key '${key}' was used for a different event`);
  }
  return { id: prev.id, duplicate: true };
}
