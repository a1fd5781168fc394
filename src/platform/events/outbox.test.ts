import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock, sequentialIds } from '../clock.ts';
import { type Db, migrate, type Queryable, type Row, type SqlValue } from '../db/index.ts';
import { DomainError } from '../errors.ts';
import { silentLogger } from '../logger.ts';
import { engines, freshDb, type TestDb } from '../testing.ts';
import { OutboxDispatcher } from './dispatcher.ts';
import { idempotentConsumer } from './idempotent.ts';
import { InProcessBus } from './in-process-bus.ts';
import { eventsMigrations } from './migrations.ts';
import { pruneEvents, recordEvent } from './outbox.ts';
import type { EventBus, EventEnvelope } from './types.ts';

const logger = silentLogger();

async function setup(engine: TestDb['engine']) {
  const t = await freshDb(engine);
  await migrate(t.db, [
    eventsMigrations,
    {
      module: 'test',
      migrations: [{ id: '001', sql: 'CREATE TABLE applied (event_id TEXT NOT NULL, n BIGINT NOT NULL)' }],
    },
  ]);
  const clock = new ManualClock();
  const ids = sequentialIds();
  const record = (type: string, data: unknown, key?: string) =>
    t.db.transaction((tx) => recordEvent(tx, key === undefined ? { type, data } : { type, data, key }, ids, clock));
  return { ...t, clock, ids, record };
}

/** A subscriber that remembers what it saw. */
function recorder() {
  const seen: EventEnvelope[] = [];
  return { seen, handler: async (e: EventEnvelope) => void seen.push(e) };
}

/** A consumer whose effect is a row per application: duplicates would show up as extra rows. */
const applyOnce = (db: Db, name: string, clock?: ManualClock) =>
  idempotentConsumer(
    db,
    name,
    async (tx, e) => {
      await tx.exec('INSERT INTO applied (event_id, n) VALUES ($1, $2)', [e.id, 1n]);
    },
    clock,
  );

const appliedIds = async (db: Db) =>
  (await db.query<{ event_id: string }>('SELECT event_id FROM applied ORDER BY event_id')).map((r) => r.event_id);

/** Simulates a process dying after publishing but before the mark commits: the first UPDATE of outbox throws. */
function crashOnMark(db: Db): Db {
  let crashed = false;
  const wrap = (q: Queryable): Queryable => ({
    engine: q.engine,
    query: <T = Row>(sql: string, params?: readonly SqlValue[]) => q.query<T>(sql, params),
    exec: async (sql: string, params?: readonly SqlValue[]) => {
      if (!crashed && sql.startsWith('UPDATE outbox')) {
        crashed = true;
        throw new Error('process killed');
      }
      return q.exec(sql, params);
    },
  });
  return {
    ...wrap(db),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    onCommit: (l) => db.onCommit(l),
    durable: () => db.durable(),
    close: () => db.close(),
  };
}

/** A bus whose first publish blocks until released, telling the test when it got there. */
function gatedBus(inner: EventBus) {
  let entered!: () => void;
  let release!: () => void;
  const reached = new Promise<void>((r) => {
    entered = r;
  });
  const gate = new Promise<void>((r) => {
    release = r;
  });
  let first = true;
  const bus: EventBus = {
    publish: async (e) => {
      if (first) {
        first = false;
        entered();
        await gate;
      }
      await inner.publish(e);
    },
    subscribe: (c, t, h) => inner.subscribe(c, t, h),
    close: () => inner.close(),
  };
  return { bus, reached, release };
}

for (const engine of engines()) {
  describe(`outbox on ${engine}`, () => {
    it('never publishes an event whose transaction rolled back', async () => {
      const t = await setup(engine);
      try {
        const bus = new InProcessBus();
        const r = recorder();
        bus.subscribe('rec', '*', r.handler);
        await assert.rejects(
          t.db.transaction(async (tx) => {
            await recordEvent(tx, { type: 'participants.registered', data: { id: 'p1' } }, t.ids, t.clock);
            throw new Error('business rule failed');
          }),
          /business rule failed/,
        );
        await new OutboxDispatcher({ db: t.db, bus, logger }).drain();
        assert.deepEqual(r.seen, []);
        assert.deepEqual(await t.db.query('SELECT id FROM outbox'), []);
      } finally {
        await t.cleanup();
      }
    });

    it('delivers a committed event once to each matching subscriber after drain', async () => {
      const t = await setup(engine);
      try {
        const bus = new InProcessBus();
        const a = recorder();
        const b = recorder();
        const other = recorder();
        bus.subscribe('a', ['participants.registered'], a.handler);
        bus.subscribe('b', '*', b.handler);
        bus.subscribe('other', ['payments.settled'], other.handler);
        const e = await t.record('participants.registered', { id: 'p1' }, 'p1');
        const d = new OutboxDispatcher({ db: t.db, bus, logger, clock: t.clock });
        await d.drain();
        await d.drain(); // a second drain publishes nothing new
        assert.deepEqual(a.seen, [e]);
        assert.deepEqual(b.seen, [e]);
        assert.deepEqual(other.seen, []);
        const [row] = await t.db.query<{ dispatched_at: string | null }>('SELECT dispatched_at FROM outbox');
        assert.equal(row?.dispatched_at, t.clock.now().toISOString());
      } finally {
        await t.cleanup();
      }
    });

    it('re-publishes after a crash between publish and mark; the consumer applies once', async () => {
      const t = await setup(engine);
      try {
        const bus = new InProcessBus();
        const r = recorder();
        bus.subscribe('rec', '*', r.handler);
        bus.subscribe('apply', '*', applyOnce(t.db, 'apply'));
        const e1 = await t.record('payments.settled', { n: 1 });
        const e2 = await t.record('payments.settled', { n: 2 });
        await assert.rejects(new OutboxDispatcher({ db: crashOnMark(t.db), bus, logger }).drain(), /process killed/);
        assert.deepEqual(
          r.seen.map((e) => e.id),
          [e1.id, e2.id],
        );
        // the "restarted" process dispatches both again
        await new OutboxDispatcher({ db: t.db, bus, logger }).drain();
        assert.deepEqual(
          r.seen.map((e) => e.id),
          [e1.id, e2.id, e1.id, e2.id],
        );
        assert.deepEqual(await appliedIds(t.db), [e1.id, e2.id]);
      } finally {
        await t.cleanup();
      }
    });

    it('keeps a failed subscriber from losing events and redelivers to it', async () => {
      const t = await setup(engine);
      try {
        const bus = new InProcessBus();
        let failing = true;
        const flaky = recorder();
        bus.subscribe('apply', '*', applyOnce(t.db, 'apply'));
        bus.subscribe('flaky', '*', async (e) => {
          if (failing) throw new Error('downstream down');
          await flaky.handler(e);
        });
        const e1 = await t.record('payments.settled', { n: 1 });
        const e2 = await t.record('payments.settled', { n: 2 });
        const d = new OutboxDispatcher({ db: t.db, bus, logger });
        await assert.rejects(d.drain(), (err: unknown) => err instanceof DomainError && /flaky/.test(err.message));
        failing = false;
        await d.drain();
        assert.deepEqual(
          flaky.seen.map((e) => e.id),
          [e1.id, e2.id],
        );
        assert.deepEqual(await appliedIds(t.db), [e1.id, e2.id]);
      } finally {
        await t.cleanup();
      }
    });

    it('preserves seq order across batches and through the live loop', async () => {
      const t = await setup(engine);
      try {
        const bus = new InProcessBus();
        const r = recorder();
        const total = 25;
        let all!: () => void;
        const done = new Promise<void>((res) => {
          all = res;
        });
        bus.subscribe('rec', '*', async (e) => {
          await r.handler(e);
          if (r.seen.length === total) all();
        });
        const d = new OutboxDispatcher({ db: t.db, bus, logger, batchSize: 4, pollIntervalMs: 60_000 });
        const expected: string[] = [];
        for (let i = 0; i < 10; i++) expected.push((await t.record('ledger.posted', { i })).id);
        d.start(); // first round is immediate; later events arrive by nudge, not by the minute-long poll
        for (let i = 10; i < total; i++) {
          expected.push((await t.record('ledger.posted', { i })).id);
          d.nudge();
        }
        await done;
        await d.drain();
        await d.stop();
        assert.deepEqual(
          r.seen.map((e) => e.id),
          expected,
        );
      } finally {
        await t.cleanup();
      }
    });

    it('round-trips bigints and keys through the outbox', async () => {
      const t = await setup(engine);
      try {
        const bus = new InProcessBus();
        const r = recorder();
        bus.subscribe('rec', '*', r.handler);
        const data = { amount: 2n ** 64n + 3n, fees: [-1n, 0n], memo: 'x', at: null };
        await t.record('payments.settled', data, 'acct-1');
        await new OutboxDispatcher({ db: t.db, bus, logger }).drain();
        assert.deepEqual(r.seen[0]?.data, data);
        assert.equal(r.seen[0]?.key, 'acct-1');
      } finally {
        await t.cleanup();
      }
    });

    it('lets only one dispatcher publish at a time', async () => {
      const t = await setup(engine);
      try {
        const inner = new InProcessBus();
        const r = recorder();
        inner.subscribe('rec', '*', r.handler);
        const g = gatedBus(inner);
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push((await t.record('ledger.posted', { i })).id);
        const d1 = new OutboxDispatcher({ db: t.db, bus: g.bus, logger });
        const d2 = new OutboxDispatcher({ db: t.db, bus: inner, logger });
        const first = d1.dispatchBatch();
        await g.reached; // d1 holds the outbox and is blocked mid-publish
        assert.deepEqual(await d2.dispatchBatch(), { published: 0, busy: true });
        g.release();
        assert.deepEqual(await first, { published: 5, busy: false });
        assert.deepEqual(
          r.seen.map((e) => e.id),
          ids,
        );
      } finally {
        await t.cleanup();
      }
    });

    it('delivers each event exactly once, in order, when two dispatchers drain concurrently', async () => {
      const t = await setup(engine);
      try {
        const bus = new InProcessBus();
        const r = recorder();
        bus.subscribe('rec', '*', r.handler);
        const ids: string[] = [];
        for (let i = 0; i < 40; i++) ids.push((await t.record('ledger.posted', { i })).id);
        const opts = { db: t.db, bus, logger, batchSize: 3, pollIntervalMs: 5 };
        await Promise.all([new OutboxDispatcher(opts).drain(), new OutboxDispatcher(opts).drain()]);
        assert.deepEqual(
          r.seen.map((e) => e.id),
          ids,
        );
      } finally {
        await t.cleanup();
      }
    });

    it('applies an event delivered twice only once, and retries after a handler failure', async () => {
      const t = await setup(engine);
      try {
        let fail = true;
        const h = idempotentConsumer(t.db, 'c1', async (tx, e) => {
          await tx.exec('INSERT INTO applied (event_id, n) VALUES ($1, $2)', [e.id, 1n]);
          if (fail) throw new Error('handler crashed after writing');
        });
        const e = await t.record('a.b', {});
        await assert.rejects(h(e), /crashed/);
        assert.deepEqual(await appliedIds(t.db), []); // its write and the dedupe mark rolled back together
        fail = false;
        await Promise.all([h(e), h(e)]);
        await h(e);
        assert.deepEqual(await appliedIds(t.db), [e.id]);
        // another consumer name applies it independently
        await idempotentConsumer(t.db, 'c2', async (tx, ev) => {
          await tx.exec('INSERT INTO applied (event_id, n) VALUES ($1, $2)', [ev.id, 2n]);
        })(e);
        assert.equal((await t.db.query('SELECT 1 FROM applied')).length, 2);
      } finally {
        await t.cleanup();
      }
    });

    it('refuses bad event types, bad consumer names and recording outside a transaction', async () => {
      const t = await setup(engine);
      try {
        await assert.rejects(
          t.record('Not A Type', {}),
          (e: unknown) => e instanceof DomainError && e.type === 'validation',
        );
        await assert.rejects(t.record('single', {}), DomainError);
        await assert.rejects(recordEvent(t.db, { type: 'a.b', data: {} }, t.ids, t.clock), /inside a transaction/);
        const bus = new InProcessBus();
        assert.throws(() => bus.subscribe('has.dot', '*', async () => {}), DomainError);
        bus.subscribe('ok', ['a.b'], async () => {});
        assert.throws(() => bus.subscribe('ok', ['a.b'], async () => {}), /already subscribed/);
      } finally {
        await t.cleanup();
      }
    });

    it('prunes dispatched events and old dedupe marks, never pending ones', async () => {
      const t = await setup(engine);
      try {
        const bus = new InProcessBus();
        bus.subscribe('apply', '*', applyOnce(t.db, 'apply', t.clock));
        await t.record('a.b', {});
        await new OutboxDispatcher({ db: t.db, bus, logger, clock: t.clock }).drain();
        await t.record('a.b', {}); // still pending
        assert.deepEqual(await pruneEvents(t.db, t.clock.now()), { outbox: 0, processed: 0 });
        t.clock.advance(1000);
        assert.deepEqual(await pruneEvents(t.db, t.clock.now()), { outbox: 1, processed: 1 });
        assert.equal((await t.db.query('SELECT 1 FROM outbox WHERE dispatched_at IS NULL')).length, 1);
      } finally {
        await t.cleanup();
      }
    });
  });
}
