import { DomainError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import {
  assertConsumerName,
  assertTypes,
  type EventBus,
  type EventEnvelope,
  type EventHandler,
  matches,
} from './types.ts';

interface Subscription {
  consumer: string;
  types: string[] | '*';
  handler: EventHandler;
}

/**
 * The single-process bus. `publish` resolves once every matching subscriber has handled the event, so
 * `dispatcher.drain()` means "delivered". If any subscriber fails, publish rejects and the dispatcher
 * re-publishes the event later to every subscriber (those that already applied it dedupe) — a failing
 * subscriber therefore holds back the events after it, which keeps per-dispatcher order.
 */
export class InProcessBus implements EventBus {
  private readonly subs: Subscription[] = [];
  private readonly logger: Logger | undefined;
  private closed = false;

  constructor(opts: { logger?: Logger } = {}) {
    this.logger = opts.logger;
  }

  subscribe(consumer: string, types: string[] | '*', handler: EventHandler): void {
    if (this.closed) throw new DomainError('state', 'bus is closed');
    assertConsumerName(consumer);
    assertTypes(types);
    if (this.subs.some((s) => s.consumer === consumer)) {
      throw new DomainError('conflict', `consumer '${consumer}' is already subscribed`);
    }
    this.subs.push({ consumer, types, handler });
  }

  async publish(e: EventEnvelope): Promise<void> {
    if (this.closed) throw new DomainError('unavailable', 'bus is closed');
    const targets = this.subs.filter((s) => matches(s.types, e.type));
    // Subscribers are independent, so they run concurrently; a handler never sees the next event
    // before this one settles because the dispatcher awaits each publish.
    const results = await Promise.allSettled(targets.map((s) => s.handler(e)));
    const failed = targets.filter((_, i) => results[i]!.status === 'rejected');
    if (failed.length === 0) return;
    for (const [i, s] of targets.entries()) {
      const r = results[i]!;
      if (r.status === 'rejected')
        this.logger?.warn({ err: r.reason, consumer: s.consumer, eventId: e.id }, 'event handler failed');
    }
    throw new DomainError(
      'unavailable',
      `event ${e.id} (${e.type}) failed in ${failed.map((s) => s.consumer).join(', ')}; it will be redelivered`,
    );
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
