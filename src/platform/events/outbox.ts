import type { Clock, IdGenerator } from '../clock.ts';
import type { Queryable } from '../db/index.ts';
import { DomainError } from '../errors.ts';
import { decodeJson, encodeJson } from './codec.ts';
import { assertEventType, type EventEnvelope } from './types.ts';

/**
 * Records an event in the caller's transaction: it is published if and only if that transaction
 * commits. This is the only way modules publish. After the commit, call `dispatcher.nudge()` to
 * publish without waiting for the next poll.
 */
export async function recordEvent(
  tx: Queryable,
  e: { type: string; data: unknown; key?: string },
  ids: IdGenerator,
  clock: Clock,
): Promise<EventEnvelope> {
  // A Db (rather than a transaction handle) would commit the event on its own, outside the state change.
  if ('transaction' in tx) throw new DomainError('internal', 'recordEvent must run inside a transaction');
  assertEventType(e.type);
  const env: EventEnvelope = { id: ids.next('evt'), type: e.type, occurredAt: clock.now().toISOString(), data: e.data };
  if (e.key !== undefined) env.key = e.key;
  await tx.exec('INSERT INTO outbox (id, type, event_key, payload, created_at) VALUES ($1, $2, $3, $4, $5)', [
    env.id,
    env.type,
    env.key ?? null,
    encodeJson(env.data),
    env.occurredAt,
  ]);
  return env;
}

export interface OutboxRow {
  seq: bigint;
  envelope: EventEnvelope;
}

interface RawRow {
  seq: bigint;
  id: string;
  type: string;
  event_key: string | null;
  payload: string;
  created_at: string;
}

/** The oldest undispatched events, in seq order. */
export async function pendingEvents(q: Queryable, limit: number): Promise<OutboxRow[]> {
  const rows = await q.query<RawRow>(
    'SELECT seq, id, type, event_key, payload, created_at FROM outbox WHERE dispatched_at IS NULL ORDER BY seq LIMIT $1',
    [limit],
  );
  return rows.map((r) => {
    const envelope: EventEnvelope = { id: r.id, type: r.type, occurredAt: r.created_at, data: decodeJson(r.payload) };
    if (r.event_key !== null) envelope.key = r.event_key;
    return { seq: r.seq, envelope };
  });
}

export async function markDispatched(q: Queryable, seqs: bigint[], at: Date): Promise<void> {
  if (seqs.length === 0) return;
  const marks = seqs.map((_, i) => `$${i + 2}`).join(', ');
  await q.exec(`UPDATE outbox SET dispatched_at = $1 WHERE seq IN (${marks})`, [at.toISOString(), ...seqs]);
}

export async function hasPending(q: Queryable): Promise<boolean> {
  return (await q.query('SELECT 1 AS x FROM outbox WHERE dispatched_at IS NULL LIMIT 1')).length > 0;
}

/** Retention: deletes dispatched events and consumer dedupe marks older than `before`. */
export async function pruneEvents(q: Queryable, before: Date): Promise<{ outbox: number; processed: number }> {
  const iso = before.toISOString();
  const outbox = await q.exec('DELETE FROM outbox WHERE dispatched_at IS NOT NULL AND dispatched_at < $1', [iso]);
  const processed = await q.exec('DELETE FROM processed_events WHERE processed_at < $1', [iso]);
  return { outbox, processed };
}
