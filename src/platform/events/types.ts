import { invalid } from '../errors.ts';

/** What travels on a bus. `data` may hold bigints and Uint8Arrays: the codec carries them losslessly. */
export interface EventEnvelope {
  /** Unique per event (ULID): the dedupe key for consumers and JetStream's msgID. */
  id: string;
  /** Dotted lowercase name, `<module>.<fact>`, e.g. 'participants.registered'. */
  type: string;
  /** ISO-8601 instant the recording transaction ran. */
  occurredAt: string;
  data: unknown;
  /** Ordering/partition key (usually the aggregate id), when the producer gave one. */
  key?: string;
}

export type EventHandler = (e: EventEnvelope) => Promise<void>;

/**
 * Delivery is at-least-once: a handler may see an event twice, so handlers that write go through
 * `idempotentConsumer`. Modules never call `publish`; only the OutboxDispatcher does.
 */
export interface EventBus {
  publish(e: EventEnvelope): Promise<void>;
  /** `consumer` is a durable name: one logical subscriber, however many processes run it. */
  subscribe(consumer: string, types: string[] | '*', handler: EventHandler): void;
  close(): Promise<void>;
}

// Types become NATS subjects (`ndfi.<type>`) and consumer names become durable names, so both are
// restricted to characters that are safe there: no spaces, no wildcards, no empty tokens.
const TYPE_RE = /^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/;
const CONSUMER_RE = /^[A-Za-z0-9_-]{1,64}$/;

export function assertEventType(type: string): void {
  if (!TYPE_RE.test(type)) throw invalid('/type', `event type '${type}' must be dotted lowercase, e.g. 'module.fact'`);
}

export function assertConsumerName(name: string): void {
  if (!CONSUMER_RE.test(name)) throw invalid('/consumer', `consumer name '${name}' must match ${CONSUMER_RE.source}`);
}

export function assertTypes(types: string[] | '*'): void {
  if (types === '*') return;
  if (types.length === 0) throw invalid('/types', "subscribe to at least one type, or '*'");
  for (const t of types) assertEventType(t);
}

export const matches = (types: string[] | '*', type: string): boolean => types === '*' || types.includes(type);
