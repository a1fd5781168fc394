/** Transactional outbox, dispatcher and buses: how modules publish and consume domain events. */
export { decodeEvent, decodeJson, encodeEvent, encodeJson } from './codec.ts';
export { type BatchResult, OutboxDispatcher, type OutboxDispatcherOptions } from './dispatcher.ts';
export { idempotentConsumer } from './idempotent.ts';
export { InProcessBus } from './in-process-bus.ts';
export { eventsMigrations } from './migrations.ts';
export { NatsJetStreamBus, type NatsJetStreamBusOptions } from './nats-bus.ts';
export { pruneEvents, recordEvent } from './outbox.ts';
export type { EventBus, EventEnvelope, EventHandler } from './types.ts';
