import { setTimeout as delay } from 'node:timers/promises';
import {
  AckPolicy,
  type ConsumerConfig,
  type ConsumerMessages,
  connect,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
  nanos,
  RetentionPolicy,
  StorageType,
} from 'nats';
import { DomainError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { decodeEvent, encodeEvent } from './codec.ts';
import {
  assertConsumerName,
  assertTypes,
  type EventBus,
  type EventEnvelope,
  type EventHandler,
  matches,
} from './types.ts';

export interface NatsJetStreamBusOptions {
  logger: Logger;
  /** Stream name. Default 'NDFI'. */
  stream?: string;
  /** Subjects are `<prefix>.<type>`; the stream holds `<prefix>.>`. Default 'ndfi'. */
  subjectPrefix?: string;
  /** Window in which JetStream drops a re-published msgID (= event id). Default 2 min. */
  duplicateWindowMs?: number;
  /** Stream retention; consumers created later replay what is still retained. Default 7 days. */
  maxAgeMs?: number;
  replicas?: number;
  /** Unacked messages are redelivered after this. Default 30 s. */
  ackWaitMs?: number;
  /** Delay before redelivering a failed message, doubled per attempt up to maxRetryDelayMs. Default 1 s / 60 s. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
  /** In-flight messages per consumer. 1 gives strict order even across failures, at the cost of throughput. */
  maxAckPending?: number;
}

interface Running {
  consumer: string;
  messages?: ConsumerMessages;
  loop?: Promise<void>;
}

/**
 * JetStream bus: one stream, one durable pull consumer per consumer name (processes running the same
 * consumer share its work), ack after the handler succeeds, nak with backoff when it fails, and the
 * event id as msgID so the dispatcher's re-publishes inside the duplicate window are dropped.
 *
 * New durables start from the beginning of the retained stream (DeliverPolicy.All): a consumer added in
 * a later release catches up on what is retained, and nothing published before its first start is lost.
 * Messages are handled one at a time per process; a nak'd message comes back after later ones unless
 * maxAckPending is 1.
 */
export class NatsJetStreamBus implements EventBus {
  private readonly nc: NatsConnection;
  private readonly ownsConnection: boolean;
  private readonly js: JetStreamClient;
  private readonly jsm: JetStreamManager;
  private readonly o: Required<Omit<NatsJetStreamBusOptions, 'logger'>>;
  private readonly logger: Logger;
  private readonly running: Running[] = [];
  private readonly setups: Promise<void>[] = [];
  private closed = false;

  private constructor(nc: NatsConnection, jsm: JetStreamManager, owns: boolean, opts: NatsJetStreamBusOptions) {
    this.nc = nc;
    this.ownsConnection = owns;
    this.jsm = jsm;
    this.js = nc.jetstream();
    this.logger = opts.logger;
    this.o = {
      stream: opts.stream ?? 'NDFI',
      subjectPrefix: opts.subjectPrefix ?? 'ndfi',
      duplicateWindowMs: opts.duplicateWindowMs ?? 120_000,
      maxAgeMs: opts.maxAgeMs ?? 7 * 24 * 3600_000,
      replicas: opts.replicas ?? 1,
      ackWaitMs: opts.ackWaitMs ?? 30_000,
      retryDelayMs: opts.retryDelayMs ?? 1000,
      maxRetryDelayMs: opts.maxRetryDelayMs ?? 60_000,
      maxAckPending: opts.maxAckPending ?? 1000,
    };
  }

  /** Connects (the bus owns and closes the connection) and creates or updates the stream. */
  static async connect(
    opts: NatsJetStreamBusOptions & { servers: string | string[]; name?: string },
  ): Promise<NatsJetStreamBus> {
    const nc = await connect({ servers: opts.servers, name: opts.name ?? 'ndfi' });
    try {
      return await NatsJetStreamBus.create(nc, opts, true);
    } catch (e) {
      await nc.close();
      throw e;
    }
  }

  /** Uses an existing connection (left open by close() unless `owns`). */
  static async create(nc: NatsConnection, opts: NatsJetStreamBusOptions, owns = false): Promise<NatsJetStreamBus> {
    const bus = new NatsJetStreamBus(nc, await nc.jetstreamManager(), owns, opts);
    await bus.ensureStream();
    return bus;
  }

  private subject(type: string): string {
    return `${this.o.subjectPrefix}.${type}`;
  }

  private async ensureStream(): Promise<void> {
    const cfg = {
      name: this.o.stream,
      subjects: [`${this.o.subjectPrefix}.>`],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      max_age: nanos(this.o.maxAgeMs),
      duplicate_window: nanos(this.o.duplicateWindowMs),
      num_replicas: this.o.replicas,
    };
    try {
      await this.jsm.streams.add(cfg); // idempotent when the stream exists with the same config
    } catch {
      await this.jsm.streams.update(this.o.stream, cfg);
    }
  }

  subscribe(consumer: string, types: string[] | '*', handler: EventHandler): void {
    if (this.closed) throw new DomainError('state', 'bus is closed');
    assertConsumerName(consumer);
    assertTypes(types);
    if (this.running.some((r) => r.consumer === consumer)) {
      throw new DomainError('conflict', `consumer '${consumer}' is already subscribed`);
    }
    const r: Running = { consumer };
    this.running.push(r);
    const setup = this.startConsumer(r, types, handler);
    this.setups.push(setup);
    setup.catch((err) => this.logger.error({ err, consumer }, 'cannot start JetStream consumer'));
  }

  /** Resolves when every subscribe() so far has its durable consumer in place; rejects if one failed. */
  async ready(): Promise<void> {
    await Promise.all(this.setups);
  }

  async publish(e: EventEnvelope): Promise<void> {
    if (this.closed) throw new DomainError('unavailable', 'bus is closed');
    // Consumers subscribed in this process exist on the server before anything is published.
    await Promise.allSettled(this.setups);
    await this.js.publish(this.subject(e.type), new TextEncoder().encode(encodeEvent(e)), {
      msgID: e.id,
      expect: { streamName: this.o.stream },
    });
  }

  private async startConsumer(r: Running, types: string[] | '*', handler: EventHandler): Promise<void> {
    await this.ensureConsumer(r.consumer, types);
    const c = await this.js.consumers.get(this.o.stream, r.consumer);
    r.loop = (async () => {
      while (!this.closed) {
        try {
          r.messages = await c.consume({ max_messages: 100 });
          if (this.closed) await r.messages.close();
          for await (const m of r.messages) await this.handle(r.consumer, types, handler, m);
          if (this.closed) return;
        } catch (err) {
          if (this.closed) return;
          this.logger.error({ err, consumer: r.consumer }, 'JetStream consume failed; restarting');
        }
        await delay(this.o.retryDelayMs);
      }
    })();
  }

  private async ensureConsumer(durable: string, types: string[] | '*'): Promise<void> {
    // Multiple filter subjects need server 2.10; older servers get the whole prefix and handle() skips.
    const [major = 0, minor = 0] = (this.nc.info?.version ?? '0.0').split('.').map(Number);
    const multi = major > 2 || (major === 2 && minor >= 10);
    const filter =
      types === '*'
        ? { filter_subject: `${this.o.subjectPrefix}.>` }
        : types.length === 1
          ? { filter_subject: this.subject(types[0]!) }
          : multi
            ? { filter_subjects: types.map((t) => this.subject(t)) }
            : { filter_subject: `${this.o.subjectPrefix}.>` };
    const cfg: Partial<ConsumerConfig> = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(this.o.ackWaitMs),
      max_ack_pending: this.o.maxAckPending,
      ...filter,
    };
    try {
      await this.jsm.consumers.add(this.o.stream, cfg);
    } catch {
      // Exists with other settings (e.g. a new type subscribed): update what JetStream lets us update.
      const { durable_name: _d, deliver_policy: _p, ...updatable } = cfg;
      await this.jsm.consumers.update(this.o.stream, durable, updatable);
    }
  }

  private async handle(consumer: string, types: string[] | '*', handler: EventHandler, m: JsMsg): Promise<void> {
    let e: EventEnvelope;
    try {
      e = decodeEvent(new TextDecoder().decode(m.data));
    } catch (err) {
      // Redelivering an undecodable message can never succeed: drop it loudly.
      this.logger.error({ err, consumer, subject: m.subject, seq: m.seq }, 'undecodable event terminated');
      m.term();
      return;
    }
    if (!matches(types, e.type)) {
      m.ack();
      return;
    }
    try {
      await handler(e);
      m.ack();
    } catch (err) {
      const attempt = m.info.redeliveryCount; // 1 on first delivery
      const wait = Math.min(this.o.retryDelayMs * 2 ** (attempt - 1), this.o.maxRetryDelayMs);
      this.logger.warn({ err, consumer, eventId: e.id, attempt, retryInMs: wait }, 'event handler failed');
      m.nak(wait);
    }
  }

  /** Stops consuming (the message in hand finishes first), then closes the connection if the bus owns it. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled(this.setups);
    for (const r of this.running) await r.messages?.close();
    await Promise.allSettled(this.running.map((r) => r.loop));
    if (this.ownsConnection) await this.nc.drain();
  }
}
