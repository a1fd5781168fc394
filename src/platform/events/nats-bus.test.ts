import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { connect } from 'nats';
import { systemClock, ulidGenerator } from '../clock.ts';
import { migrate } from '../db/index.ts';
import { silentLogger } from '../logger.ts';
import { engines, freshDb } from '../testing.ts';
import { OutboxDispatcher } from './dispatcher.ts';
import { idempotentConsumer } from './idempotent.ts';
import { eventsMigrations } from './migrations.ts';
import { NatsJetStreamBus } from './nats-bus.ts';
import { recordEvent } from './outbox.ts';
import type { EventEnvelope } from './types.ts';

const logger = silentLogger();
const url = process.env.NATS_URL;
const ids = ulidGenerator(); // unique across runs: JetStream dedupes msgIDs

/** A promise plus its resolver, for "the handler got here". */
function signal<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

// Only defined when a server is configured, like engines() for PostgreSQL: without NATS_URL these
// tests do not exist rather than pass vacuously.
if (url) {
  const run = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const streams: string[] = [];
  let n = 0;
  /** A bus on its own stream and subject prefix, so runs and tests cannot see each other's messages. */
  const newBus = (extra: { retryDelayMs?: number } = {}) => {
    const k = ++n;
    const stream = `NDFI_TEST_${run}_${k}`;
    streams.push(stream);
    return NatsJetStreamBus.connect({ servers: url, logger, stream, subjectPrefix: `ndfitest_${run}_${k}`, ...extra });
  };

  after(async () => {
    const nc = await connect({ servers: url });
    const jsm = await nc.jetstreamManager();
    for (const s of streams) await jsm.streams.delete(s).catch(() => {});
    await nc.close();
  });

  describe('NATS JetStream bus', () => {
    for (const engine of engines()) {
      it(`delivers outbox events end to end through JetStream on ${engine}`, async () => {
        const t = await freshDb(engine);
        const bus = await newBus();
        try {
          await migrate(t.db, [
            eventsMigrations,
            { module: 'test', migrations: [{ id: '001', sql: 'CREATE TABLE applied (event_id TEXT, amount BIGINT)' }] },
          ]);
          const got: EventEnvelope[] = [];
          let e2!: EventEnvelope;
          const both = signal();
          bus.subscribe('ledger', ['payments.settled'], async (e) => {
            got.push(e);
            if (got.length === 2) both.resolve();
          });
          const applied = signal();
          const apply = idempotentConsumer(t.db, 'apply', async (tx, e) => {
            await tx.exec('INSERT INTO applied (event_id, amount) VALUES ($1, $2)', [
              e.id,
              (e.data as { amount: bigint }).amount,
            ]);
          });
          bus.subscribe('apply', '*', async (e) => {
            await apply(e);
            if (e.id === e2.id) applied.resolve(); // after the commit
          });
          await bus.ready();
          const record = (amount: bigint) =>
            t.db.transaction((tx) =>
              recordEvent(tx, { type: 'payments.settled', data: { amount }, key: 'acct' }, ids, systemClock),
            );
          const e1 = await record(2n ** 62n);
          e2 = await record(2n);
          await new OutboxDispatcher({ db: t.db, bus, logger }).drain();
          await both.promise;
          await applied.promise;
          assert.deepEqual(got, [e1, e2]);
          const rows = await t.db.query<{ amount: bigint }>('SELECT amount FROM applied ORDER BY amount');
          assert.deepEqual(
            rows.map((r) => r.amount),
            [2n, 2n ** 62n],
          );
        } finally {
          await bus.close();
          await t.cleanup();
        }
      });
    }

    it('redelivers after a handler failure and acks after success', async () => {
      const bus = await newBus({ retryDelayMs: 10 });
      try {
        const attempts: string[] = [];
        const succeeded = signal<EventEnvelope>();
        bus.subscribe('flaky', '*', async (e) => {
          attempts.push(e.id);
          if (attempts.length === 1) throw new Error('downstream down');
          succeeded.resolve(e);
        });
        const e = { id: ids.next('evt'), type: 'a.b', occurredAt: new Date().toISOString(), data: { v: 1n } };
        await bus.publish(e);
        assert.deepEqual(await succeeded.promise, e);
        assert.deepEqual(attempts, [e.id, e.id]);
      } finally {
        await bus.close();
      }
    });

    it('drops a re-publish of the same event id and filters by type', async () => {
      const bus = await newBus();
      try {
        const seen: string[] = [];
        const last = signal();
        bus.subscribe('two-types', ['a.x', 'a.y'], async (e) => {
          seen.push(e.type);
          if (e.type === 'a.y') last.resolve();
        });
        const env = (type: string) => ({ id: ids.next('evt'), type, occurredAt: new Date().toISOString(), data: null });
        const x = env('a.x');
        await bus.publish(x);
        await bus.publish(x); // the dispatcher after a crash: same msgID inside the duplicate window
        await bus.publish(env('a.z'));
        await bus.publish(env('a.y'));
        await last.promise;
        assert.deepEqual(seen, ['a.x', 'a.y']);
      } finally {
        await bus.close();
      }
    });

    it('resumes a durable consumer where it left off after a restart', async () => {
      const first = await newBus();
      const stream = streams.at(-1)!;
      const prefix = `ndfitest_${run}_${n}`;
      const env = (i: number) => ({
        id: ids.next('evt'),
        type: 'a.b',
        occurredAt: new Date().toISOString(),
        data: { i },
      });
      const one = signal();
      first.subscribe('durable', '*', async () => one.resolve());
      await first.publish(env(1));
      await one.promise;
      await first.close();
      const second = await NatsJetStreamBus.connect({ servers: url, logger, stream, subjectPrefix: prefix });
      try {
        const seen: unknown[] = [];
        const got = signal();
        second.subscribe('durable', '*', async (e) => {
          seen.push(e.data);
          got.resolve();
        });
        await second.publish(env(2));
        await got.promise;
        assert.deepEqual(seen, [{ i: 2 }]);
      } finally {
        await second.close();
      }
    });
  });
}
