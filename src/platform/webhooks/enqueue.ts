import type { Clock, IdGenerator } from '../clock.ts';
import type { Queryable, SqlValue } from '../db/index.ts';
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
  return (await enqueueWebhooks(tx, [w], ids, clock))[0]!;
}

/** Rows per multi-row INSERT: a few fixed sizes, so that few statements are prepared whatever the batch. */
const CHUNKS = [64, 16, 4, 1];

/**
 * `enqueueWebhook` for several deliveries at once, in few statements; the answers in the same order. A
 * second input with the key of an earlier one (in the database or in this call) returns the earlier one.
 */
export async function enqueueWebhooks(
  tx: Queryable,
  inputs: WebhookInput[],
  ids: IdGenerator,
  clock: Clock,
): Promise<{ id: string; duplicate: boolean }[]> {
  // A Db (rather than a transaction handle) would commit the delivery on its own, outside the state change.
  if ('transaction' in tx) throw new DomainError('internal', 'enqueueWebhook must run inside a transaction');
  const now = clock.now().toISOString();
  const rows = inputs.map((w) => {
    if (!w.participantId) throw invalid('/participantId', 'required');
    assertEventType(w.eventType);
    return {
      id: ids.next('whd'),
      participantId: w.participantId,
      eventType: w.eventType,
      key: w.idempotencyKey ?? null,
      payload: toJson(w.payload ?? null),
    };
  });
  const inserted = new Set<string>();
  let from = 0;
  for (const size of CHUNKS) {
    for (; rows.length - from >= size; from += size) {
      const params: SqlValue[] = [];
      for (const r of rows.slice(from, from + size))
        params.push(r.id, r.participantId, r.eventType, r.key, r.payload, now);
      const values = Array.from({ length: size }, (_, i) => {
        const k = i * 6;
        return `($${k + 1}, $${k + 2}, $${k + 3}, $${k + 4}, $${k + 5}, 'pending', 0, $${k + 6}, '[]', $${k + 6})`;
      }).join(', ');
      const returned = await tx.query<{ id: string }>(
        `INSERT INTO webhook_deliveries (id, participant_id, event_type, idempotency_key, payload, status, attempts,
           next_attempt_at, delivered_to, created_at)
         VALUES ${values} ON CONFLICT DO NOTHING RETURNING id`,
        params,
      );
      for (const r of returned) inserted.add(r.id);
    }
  }
  const out: { id: string; duplicate: boolean }[] = [];
  for (const r of rows) {
    if (inserted.has(r.id)) {
      out.push({ id: r.id, duplicate: false });
      continue;
    }
    // Only the idempotency index can conflict (ids are unique).
    const [prev] = await tx.query<{ id: string; event_type: string; payload: string }>(
      'SELECT id, event_type, payload FROM webhook_deliveries WHERE participant_id = $1 AND idempotency_key = $2',
      [r.participantId, r.key],
    );
    if (!prev) throw new DomainError('internal', 'webhook delivery insert conflicted but no row holds its key');
    if (prev.event_type !== r.eventType || prev.payload !== r.payload) {
      throw new DomainError(
        'idempotency-mismatch',
        `webhook idempotency key '${r.key}' was used for a different event`,
      );
    }
    out.push({ id: prev.id, duplicate: true });
  }
  return out;
}
