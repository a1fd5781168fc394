import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { ulidGenerator } from '../clock.ts';
import { migrate } from '../db/index.ts';
import { silentLogger } from '../logger.ts';
import { freshDb } from '../testing.ts';
import { idempotencyMigrations } from './idempotency.ts';
import type { Principal } from './principal.ts';
import { createHttpServer } from './server.ts';

const bank: Principal = { participantId: 'ptc_bank', participantType: 'bank', roles: ['bank'], via: 'token' };

async function listening() {
  const t = await freshDb('sqlite');
  await migrate(t.db, [idempotencyMigrations]);
  const app = await createHttpServer({
    db: t.db,
    logger: silentLogger(),
    ids: ulidGenerator(),
    bodyLimitBytes: 10_000,
    rateLimitPerMinute: 1000,
    version: 'test',
    authenticate: async (req) => (req.headers.authorization === 'Bearer bank' ? bank : undefined),
    ready: async () => true,
  });
  return { app, db: t.db, cleanup: t.cleanup };
}

/** Sends a request and hangs up once `hangUp` resolves, without waiting for the answer. */
function sendAndHangUp(port: number, path: string, headers: Record<string, string>, hangUp: Promise<void>): void {
  const body = '{}';
  const req = request({
    host: '127.0.0.1',
    port,
    path,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': String(body.length), ...headers },
  });
  req.on('error', () => {});
  req.end(body);
  void hangUp.then(() => req.destroy());
}

/** Whether `p` settles within a few event-loop turns and timers. */
const settlesSoon = (p: Promise<unknown>) => Promise.race([p.then(() => true), delay(100).then(() => false)]);

describe('HTTP kernel: close() and requests still at work', () => {
  it('waits for a request whose client hung up, its answer stored, before it returns', async () => {
    const { app, db, cleanup } = await listening();
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => {
      entered = r;
    });
    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    const events: string[] = [];
    app.post('/api/x/v1/slow', { config: { auth: { roles: ['bank'] } } }, async () => {
      entered();
      await gate;
      // what a handler does after its client left still runs on an open database
      await db.query('SELECT 1 AS one');
      events.push('handler done');
      return { ok: true };
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.server.address() as AddressInfo).port;
    sendAndHangUp(port, '/api/x/v1/slow', { authorization: 'Bearer bank', 'idempotency-key': 'k-slow' }, inHandler);
    await inHandler;
    await delay(20); // the socket is gone on the server's side too

    const closed = app.close().then(() => events.push('closed'));
    assert.equal(await settlesSoon(closed), false, 'close() returned while the request was still at work');
    open();
    await closed;
    assert.deepEqual(events, ['handler done', 'closed']);
    // the answer was stored (onSend) before close returned: a retry with the key would replay it
    const [stored] = await db.query<{ status: bigint }>('SELECT status FROM idempotency_keys WHERE idem_key = $1', [
      'k-slow',
    ]);
    assert.equal(stored?.status, 200n);
    await cleanup();
  });

  it('is not held up by a hijacked reply, a 404 or a refused request', async () => {
    const { app, cleanup } = await listening();
    let hijacked!: () => void;
    const inHijacked = new Promise<void>((r) => {
      hijacked = r;
    });
    app.post('/api/x/v1/raw', { config: { auth: 'public', idempotent: false } }, (_req, reply) => {
      // writes to the socket itself (as the OAuth server does), here never: only its client hanging up ends it
      reply.hijack();
      hijacked();
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    assert.equal((await fetch(`${url}/api/x/v1/nothing`)).status, 404);
    assert.equal((await fetch(`${url}/api/x/v1/raw`, { method: 'GET' })).status, 404);
    const refused = await fetch(`${url}/api/x/v1/nothing`, { method: 'POST', body: '{"a":' });
    assert.ok(refused.status >= 400);
    sendAndHangUp((app.server.address() as AddressInfo).port, '/api/x/v1/raw', {}, inHijacked);
    await inHijacked;
    await delay(20);
    assert.equal(await settlesSoon(app.close()), true, 'close() waits for nothing that is still running');
    await cleanup();
  });
});
