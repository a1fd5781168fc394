import { type Clock, systemClock } from '../clock.ts';
import type { Db, Queryable } from '../db/index.ts';
import { assertConsumerName, type EventEnvelope, type EventHandler } from './types.ts';

/**
 * Wraps a handler so an event delivered twice is applied once: the dedupe mark and the handler's
 * writes commit (or roll back) together. On PostgreSQL a concurrent duplicate blocks on the primary
 * key until the first commits, then sees the conflict and skips.
 *
 * The handler must write only through `tx`; side effects outside the database are not deduped.
 */
export function idempotentConsumer(
  db: Db,
  consumer: string,
  handler: (tx: Queryable, e: EventEnvelope) => Promise<void>,
  clock: Clock = systemClock,
): EventHandler {
  assertConsumerName(consumer);
  return (e) =>
    db.transaction(async (tx) => {
      const inserted = await tx.exec(
        'INSERT INTO processed_events (consumer, event_id, processed_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
        [consumer, e.id, clock.now().toISOString()],
      );
      if (inserted === 0) return; // already applied
      await handler(tx, e);
    });
}
