import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock, sequentialIds } from '../clock.ts';
import { migrate, PostgresDb } from '../db/index.ts';
import { createLogger, silentLogger } from '../logger.ts';
import { engines, freshDb } from '../testing.ts';
import { enqueueWebhook, enqueueWebhooks, type WebhookInput } from './enqueue.ts';
import { webhooksMigrations } from './migrations.ts';
import { type Received, startReceiver } from './receiver.test-helper.ts';
import { WebhookSender, type WebhookSenderOptions } from './sender.ts';
import { newWebhookSecret, verifyWebhookSignature } from './signature.ts';
import { claimDue, finish, listDeliveries, pruneWebhookDeliveries } from './store.ts';
import type { WebhookTarget } from './types.ts';

async function setup(engine: 'sqlite' | 'postgres', opts: Partial<WebhookSenderOptions> = {}) {
  const t = await freshDb(engine);
  await migrate(t.db, [webhooksMigrations]);
  const clock = new ManualClock();
  const ids = sequentialIds();
  const rx = await startReceiver();
  const secret = newWebhookSecret();
  const endpoints: { list: WebhookTarget[] } = { list: [{ id: 'whk_1', url: rx.url, secret }] };
  const sender = new WebhookSender({
    db: t.db,
    clock,
    logger: silentLogger(),
    targets: async (participantId) => (participantId === 'P1' ? endpoints.list : []),
    random: () => 0.5,
    ...opts,
  });
  const enqueue = (payload: unknown, extra: Partial<WebhookInput> = {}) =>
    t.db.transaction((tx) =>
      enqueueWebhook(tx, { participantId: 'P1', eventType: 'payments.settled', payload, ...extra }, ids, clock),
    );
  const deliveries = () => listDeliveries(t.db, { participantId: 'P1', limit: 1000, order: 'asc' });
  const verify = (r: Received, secrets = [secret]) =>
    verifyWebhookSignature({
      secrets,
      id: String(r.headers['webhook-id']),
      timestamp: String(r.headers['webhook-timestamp']),
      signature: String(r.headers['webhook-signature']),
      body: r.body,
      now: clock.now(),
    });
  const cleanup = async () => {
    await sender.stop();
    await rx.close();
    await t.cleanup();
  };
  return { ...t, clock, ids, rx, secret, endpoints, sender, enqueue, deliveries, verify, cleanup };
}

for (const engine of engines()) {
  describe(`webhook delivery on ${engine}`, () => {
    it('sends a committed delivery once, signed; never one whose transaction rolled back', async () => {
      const s = await setup(engine);
      try {
        await assert.rejects(
          s.db.transaction(async (tx) => {
            await enqueueWebhook(
              tx,
              { participantId: 'P1', eventType: 'payments.settled', payload: {} },
              s.ids,
              s.clock,
            );
            throw new Error('business rule failed');
          }),
          /business rule failed/,
        );
        const { id } = await s.enqueue({ paymentId: 'pay_1', amount: 12345678901234567890n });
        assert.deepEqual(await s.sender.runDue(), { attempted: 1, delivered: 1, retrying: 0, failed: 0 });
        assert.deepEqual(await s.sender.runDue(), { attempted: 0, delivered: 0, retrying: 0, failed: 0 });

        assert.equal(s.rx.received.length, 1);
        const r = s.rx.received[0]!;
        assert.equal(r.headers['content-type'], 'application/json');
        assert.equal(r.headers['webhook-id'], id);
        assert.equal(r.headers['webhook-timestamp'], String(Math.floor(s.clock.nowMs() / 1000)));
        assert.equal(s.verify(r), true);
        assert.equal(s.verify({ ...r, body: r.body.replace('pay_1', 'pay_2') }), false);
        assert.deepEqual(JSON.parse(r.body), {
          id,
          type: 'payments.settled',
          createdAt: s.clock.now().toISOString(),
          data: { paymentId: 'pay_1', amount: '12345678901234567890' },
        });
        const [d] = await s.deliveries();
        assert.equal(d?.status, 'delivered');
        assert.equal(d?.attempts, 1);
        assert.deepEqual(d?.deliveredTo, ['whk_1']);
        assert.equal(d?.deliveredAt, s.clock.now().toISOString());
        assert.equal(d?.nextAttemptAt, null);
      } finally {
        await s.cleanup();
      }
    });

    it('retries 500s with exponential backoff and delivers on the third attempt', async () => {
      const s = await setup(engine);
      try {
        s.rx.respond = (n) => (n <= 2 ? 500 : 200);
        const t0 = s.clock.nowMs();
        const { id } = await s.enqueue({ n: 1 });
        assert.equal((await s.sender.runDue()).retrying, 1);
        let [d] = await s.deliveries();
        // random() = 0.5 → 0.75 × base × 2^(attempt-1)
        assert.equal(d?.nextAttemptAt, new Date(t0 + 750).toISOString());
        assert.equal(d?.lastError, 'whk_1: HTTP 500');
        assert.equal(d?.attempts, 1);

        s.clock.advance(749);
        assert.equal((await s.sender.runDue()).attempted, 0);
        s.clock.advance(1);
        assert.equal((await s.sender.runDue()).retrying, 1);
        [d] = await s.deliveries();
        assert.equal(d?.nextAttemptAt, new Date(t0 + 750 + 1500).toISOString());

        s.clock.advance(1499);
        assert.equal((await s.sender.runDue()).attempted, 0);
        s.clock.advance(1);
        assert.equal((await s.sender.runDue()).delivered, 1);
        [d] = await s.deliveries();
        assert.equal(d?.status, 'delivered');
        assert.equal(d?.attempts, 3);
        assert.equal(d?.lastError, null);
        assert.equal(d?.deliveredAt, new Date(t0 + 2250).toISOString());
        // Same webhook-id every time (the receiver's dedupe key), fresh timestamp and signature.
        assert.deepEqual(
          s.rx.received.map((r) => r.headers['webhook-id']),
          [id, id, id],
        );
        assert.deepEqual(
          s.rx.received.map((r) => Number(r.headers['webhook-timestamp'])),
          [t0, t0 + 750, t0 + 2250].map((ms) => Math.floor(ms / 1000)),
        );
        assert.equal(s.verify(s.rx.received[2]!), true);
      } finally {
        await s.cleanup();
      }
    });

    it('fails permanently after maxAttempts; redeliver sends it again', async () => {
      const s = await setup(engine, { maxAttempts: 3, baseDelayMs: 10_000, maxDelayMs: 15_000 });
      try {
        s.rx.respond = () => 503;
        const { id } = await s.enqueue({ n: 1 });
        const results = [];
        for (let i = 0; i < 3; i++) {
          results.push(await s.sender.runDue());
          s.clock.advance(15_000);
        }
        assert.deepEqual(
          results.map((r) => [r.retrying, r.failed]),
          [
            [1, 0],
            [1, 0],
            [0, 1],
          ],
        );
        s.clock.advance(3_600_000);
        assert.equal((await s.sender.runDue()).attempted, 0);
        let [d] = await s.deliveries();
        assert.equal(d?.status, 'failed');
        assert.equal(d?.attempts, 3);
        assert.equal(d?.lastError, 'whk_1: HTTP 503');
        assert.equal((await listDeliveries(s.db, { participantId: 'P1', status: 'failed', limit: 10 })).length, 1);

        await assert.rejects(s.sender.redeliver(id, { participantId: 'P2' }), { type: 'not-found' });
        await assert.rejects(s.sender.redeliver('whd_nope'), { type: 'not-found' });
        s.rx.respond = () => 204;
        await s.sender.redeliver(id, { participantId: 'P1' });
        await assert.rejects(s.sender.redeliver(id), { type: 'state' });
        assert.equal((await s.sender.runDue()).delivered, 1);
        [d] = await s.deliveries();
        assert.equal(d?.status, 'delivered');
        assert.equal(d?.attempts, 1);
        assert.equal(s.rx.received.length, 4);
        assert.equal(s.verify(s.rx.received[3]!), true);
      } finally {
        await s.cleanup();
      }
    });

    it('signs with the current secret after a rotation; receivers holding both secrets verify', async () => {
      const s = await setup(engine);
      try {
        const previous = s.secret;
        const current = newWebhookSecret();
        s.endpoints.list = [{ ...s.endpoints.list[0]!, secret: current }];
        await s.enqueue({ n: 1 });
        await s.sender.runDue();
        const r = s.rx.received[0]!;
        assert.equal(s.verify(r, [current, previous]), true);
        assert.equal(s.verify(r, [current]), true);
        assert.equal(s.verify(r, [previous]), false);
      } finally {
        await s.cleanup();
      }
    });

    it('retries only the endpoints that have not acknowledged', async () => {
      const s = await setup(engine);
      const other = await startReceiver(() => 500);
      try {
        s.endpoints.list.push({ id: 'whk_2', url: other.url, secret: newWebhookSecret() });
        await s.enqueue({ n: 1 });
        assert.equal((await s.sender.runDue()).retrying, 1);
        let [d] = await s.deliveries();
        assert.deepEqual(d?.deliveredTo, ['whk_1']);
        assert.equal(d?.lastError, 'whk_2: HTTP 500');
        other.respond = () => 200;
        s.clock.advance(60_000);
        assert.equal((await s.sender.runDue()).delivered, 1);
        [d] = await s.deliveries();
        assert.deepEqual(d?.deliveredTo.sort(), ['whk_1', 'whk_2']);
        assert.equal(s.rx.received.length, 1);
        assert.equal(other.received.length, 2);
      } finally {
        await other.close();
        await s.cleanup();
      }
    });

    it('treats refused connections, timeouts and redirects as failures; no endpoint as nothing to do', async () => {
      const s = await setup(engine, { timeoutMs: 100 });
      const closed = await startReceiver();
      await closed.close();
      try {
        s.endpoints.list = [{ id: 'whk_1', url: closed.url, secret: s.secret }];
        await s.enqueue({ n: 1 });
        assert.equal((await s.sender.runDue()).retrying, 1);
        assert.match((await s.deliveries())[0]?.lastError ?? '', /^whk_1: fetch failed \(ECONNREFUSED\)$/);

        s.endpoints.list = [{ id: 'whk_1', url: s.rx.url, secret: s.secret }];
        s.rx.respond = (n) => (n === 1 ? 'hang' : 302);
        s.clock.advance(60_000);
        assert.equal((await s.sender.runDue()).retrying, 1);
        assert.equal((await s.deliveries())[0]?.lastError, 'whk_1: timeout after 100 ms');
        s.clock.advance(60_000);
        assert.equal((await s.sender.runDue()).retrying, 1);
        assert.equal((await s.deliveries())[0]?.lastError, 'whk_1: HTTP 302');

        const { id } = await s.enqueue({ n: 2 }, { participantId: 'P9' });
        s.clock.advance(60_000);
        const r = await s.sender.runDue();
        assert.equal(r.delivered, 1); // P9's, with no endpoint
        const [d] = await listDeliveries(s.db, { participantId: 'P9', limit: 1 });
        assert.deepEqual([d?.id, d?.status, d?.deliveredTo], [id, 'delivered', []]);
      } finally {
        await s.cleanup();
      }
    });

    it('enqueues once per idempotency key, and only inside a transaction', async () => {
      const s = await setup(engine);
      try {
        const a = await s.enqueue({ n: 1 }, { idempotencyKey: 'k1' });
        const b = await s.enqueue({ n: 1 }, { idempotencyKey: 'k1' });
        assert.deepEqual([a.duplicate, b.duplicate, b.id], [false, true, a.id]);
        await assert.rejects(s.enqueue({ n: 2 }, { idempotencyKey: 'k1' }), { type: 'idempotency-mismatch' });
        await s.enqueue({ n: 1 }, { idempotencyKey: 'k1', participantId: 'P2' });
        await assert.rejects(
          enqueueWebhook(s.db, { participantId: 'P1', eventType: 'payments.settled', payload: {} }, s.ids, s.clock),
          { type: 'internal' },
        );
        await assert.rejects(s.enqueue({}, { eventType: 'Not A Type' }), { type: 'validation' });
        assert.equal((await s.deliveries()).length, 1);
      } finally {
        await s.cleanup();
      }
    });

    it('enqueues many at once across insert chunks, each key once, in order', async () => {
      const s = await setup(engine);
      try {
        const first = await s.enqueue({ n: 0 }, { idempotencyKey: 'k0' });
        const inputs: WebhookInput[] = Array.from({ length: 90 }, (_, i) => ({
          participantId: 'P1',
          eventType: 'payments.settled',
          payload: { n: i % 30 },
          idempotencyKey: `k${i % 30}`, // each key three times; k0 already enqueued
        }));
        const out = await s.db.transaction((tx) => enqueueWebhooks(tx, inputs, s.ids, s.clock));
        assert.equal(out.length, 90);
        assert.deepEqual(out[0], { id: first.id, duplicate: true });
        for (let i = 1; i < 30; i++) {
          assert.equal(out[i]?.duplicate, false);
          assert.deepEqual(
            [out[i + 30], out[i + 60]],
            [
              { id: out[i]!.id, duplicate: true },
              { id: out[i]!.id, duplicate: true },
            ],
          );
        }
        const stored = await s.deliveries();
        assert.deepEqual(
          stored.map((d) => [d.idempotencyKey, d.data]),
          Array.from({ length: 30 }, (_, i) => [`k${i}`, { n: i }]),
        );
        await assert.rejects(
          s.db.transaction((tx) =>
            enqueueWebhooks(
              tx,
              [
                { ...inputs[5]!, idempotencyKey: 'new' },
                { ...inputs[5]!, payload: { n: 99 } },
              ],
              s.ids,
              s.clock,
            ),
          ),
          { type: 'idempotency-mismatch' },
        );
        assert.equal((await s.deliveries()).length, 30, 'the refused call left nothing');
        assert.deepEqual(await s.db.transaction((tx) => enqueueWebhooks(tx, [], s.ids, s.clock)), []);
      } finally {
        await s.cleanup();
      }
    });

    it('lists deliveries newest first with keyset paging and a status filter', async () => {
      const s = await setup(engine);
      try {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push((await s.enqueue({ i })).id);
        await s.enqueue({ other: true }, { participantId: 'P2' });
        const page1 = await listDeliveries(s.db, { participantId: 'P1', limit: 2 });
        assert.deepEqual(
          page1.map((d) => d.id),
          [ids[4], ids[3]],
        );
        const page2 = await listDeliveries(s.db, { participantId: 'P1', limit: 10, before: page1[1]!.id });
        assert.deepEqual(
          page2.map((d) => d.id),
          [ids[2], ids[1], ids[0]],
        );
        assert.deepEqual(page2[0]?.data, { i: 2 });
        const asc = await listDeliveries(s.db, { participantId: 'P1', limit: 10, order: 'asc', after: ids[2] });
        assert.deepEqual(
          asc.map((d) => d.id),
          [ids[3], ids[4]],
        );
        assert.equal((await listDeliveries(s.db, { participantId: 'P1', status: 'delivered', limit: 10 })).length, 0);
        await assert.rejects(listDeliveries(s.db, { participantId: 'P1', limit: 0 }), { type: 'validation' });
      } finally {
        await s.cleanup();
      }
    });

    it('prunes finished deliveries created before a date, never pending ones', async () => {
      const s = await setup(engine);
      try {
        s.rx.respond = (n) => (n === 1 ? 200 : 500);
        await s.enqueue({ n: 1 });
        await s.enqueue({ n: 2 });
        await s.sender.runDue();
        s.clock.advance(1000);
        await s.enqueue({ n: 3 });
        assert.equal(await pruneWebhookDeliveries(s.db, s.clock.now()), 1);
        assert.deepEqual(
          (await s.deliveries()).map((d) => [d.data, d.status]),
          [
            [{ n: 2 }, 'pending'],
            [{ n: 3 }, 'pending'],
          ],
        );
      } finally {
        await s.cleanup();
      }
    });

    it('re-sends after the lease of a sender that died mid-send; a late result write is ignored', async () => {
      const s = await setup(engine);
      try {
        await s.enqueue({ n: 1 });
        const now = s.clock.now().toISOString();
        const lease = new Date(s.clock.nowMs() + 65_000).toISOString();
        const [dead] = await claimDue(s.db, now, lease, 'dead-sender');
        assert.ok(dead);
        assert.equal((await s.sender.runDue()).attempted, 0); // leased: not due
        s.clock.advance(65_000);
        assert.equal((await s.sender.runDue()).delivered, 1);
        assert.equal(await finish(s.db, dead, [], { status: 'pending', error: 'late', nextAttemptAt: now }), false);
        const [d] = await s.deliveries();
        assert.deepEqual([d?.status, d?.attempts], ['delivered', 2]);
      } finally {
        await s.cleanup();
      }
    });

    it('runs on its own when started and nudged after commits; logs no secrets or payloads', async () => {
      const lines: string[] = [];
      const logger = createLogger({ level: 'debug', destination: { write: (l: string) => void lines.push(l) } });
      const s = await setup(engine, { logger, pollIntervalMs: 3_600_000 });
      try {
        s.db.onCommit(() => s.sender.nudge());
        s.sender.start();
        s.rx.respond = (n) => (n === 1 ? 500 : 200);
        await s.enqueue({ marker: 'PAYLOAD-MARKER' });
        await s.rx.waitFor(1);
        await s.sender.stop();
        assert.equal(s.verify(s.rx.received[0]!), true);
        const log = lines.join('');
        assert.match(log, /webhook attempt failed/);
        assert.match(log, /"statusCode":500/);
        assert.doesNotMatch(log, /PAYLOAD-MARKER/);
        assert.equal(log.includes(s.secret), false);
        assert.equal(log.includes(s.secret.slice(6)), false);
      } finally {
        await s.cleanup();
      }
    });

    it('claims and records many deliveries in a few commits, not two per delivery', async () => {
      const s = await setup(engine, { concurrency: 2 });
      try {
        for (let i = 0; i < 100; i++) await s.enqueue({ i });
        let commits = 0;
        s.db.onCommit(() => commits++);
        const r = await s.sender.runDue();
        assert.equal(r.delivered, 100);
        assert.equal(s.rx.received.length, 100);
        // 100 deliveries: 7 claims of up to 16, outcomes group-committed as they arrive (how many share a
        // commit depends on timing: 16 on an idle machine, a few more under load); one commit per delivery
        // would be at least 100, two per delivery 200
        assert.ok(commits <= 40, `${commits} commits`);
        assert.ok((await s.deliveries()).every((d) => d.status === 'delivered' && d.attempts === 1));
      } finally {
        await s.cleanup();
      }
    });

    it('a sender stopping mid-claim gives back what it did not attempt, uncounted and due at once', async () => {
      const s = await setup(engine, { concurrency: 1 });
      try {
        for (let i = 0; i < 5; i++) await s.enqueue({ i });
        // the first send stops the sender: the other four of its claim were never attempted
        s.rx.respond = () => {
          void s.sender.stop();
          return 200;
        };
        const r = await s.sender.runDue();
        assert.equal(r.attempted, 1);
        const all = await s.deliveries();
        assert.equal(all.filter((d) => d.status === 'delivered').length, 1);
        const rest = all.filter((d) => d.status === 'pending');
        assert.equal(rest.length, 4);
        assert.ok(rest.every((d) => d.attempts === 0 && d.nextAttemptAt! <= s.clock.now().toISOString()));
      } finally {
        await s.cleanup();
      }
    });

    it('two senders running in parallel over 50 deliveries send each exactly once', async () => {
      const s = await setup(engine);
      // A second connection pool on PostgreSQL stands for a second process; SQLite is one process.
      let second = s.db;
      if (engine === 'postgres') {
        const [row] = await s.db.query<{ schema: string }>('SELECT current_schema() AS schema');
        second = new PostgresDb(process.env.DATABASE_URL!, { schema: row!.schema });
      }
      try {
        const created = new Set<string>();
        for (let i = 0; i < 50; i++) created.add((await s.enqueue({ i })).id);
        const other = new WebhookSender({
          db: second,
          clock: s.clock,
          logger: silentLogger(),
          targets: async () => s.endpoints.list,
        });
        const [a, b] = await Promise.all([s.sender.runDue(), other.runDue()]);
        assert.equal(a.delivered + b.delivered, 50);
        const seen = s.rx.received.map((r) => String(r.headers['webhook-id']));
        assert.equal(seen.length, 50);
        assert.deepEqual(new Set(seen), created);
        assert.ok(s.rx.received.every((r) => s.verify(r)));
        const all = await s.deliveries();
        assert.ok(all.every((d) => d.status === 'delivered' && d.attempts === 1));
      } finally {
        if (second !== s.db) await second.close();
        await s.cleanup();
      }
    });
  });
}
