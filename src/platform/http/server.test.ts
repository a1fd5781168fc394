import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { ulidGenerator } from '../clock.ts';
import { migrate } from '../db/index.ts';
import { DomainError } from '../errors.ts';
import { silentLogger } from '../logger.ts';
import { freshDb } from '../testing.ts';
import { idempotencyMigrations } from './idempotency.ts';
import type { Principal } from './principal.ts';
import { createHttpServer } from './server.ts';

const bank: Principal = { participantId: 'ptc_bank', participantType: 'bank', roles: ['bank'], via: 'token' };

async function server(rateLimitPerMinute = 1000) {
  const t = await freshDb('sqlite');
  await migrate(t.db, [idempotencyMigrations]);
  const app = await createHttpServer({
    db: t.db,
    logger: silentLogger(),
    ids: ulidGenerator(),
    bodyLimitBytes: 10_000,
    rateLimitPerMinute,
    version: 'test',
    authenticate: async (req) => (req.headers.authorization === 'Bearer bank' ? bank : undefined),
    ready: async () => true,
  });
  return { app, cleanup: t.cleanup };
}

describe('HTTP kernel', () => {
  it('refuses to start with a route that declares no auth (deny by default)', async () => {
    const { app, cleanup } = await server();
    assert.throws(() => app.get('/api/x/v1/open', async () => 'oops'), /declares no auth/);
    await app.close();
    await cleanup();
  });

  it('problem+json for unknown routes, internal errors without their message, and request ids', async () => {
    const { app, cleanup } = await server();
    app.get('/api/x/v1/boom', { config: { auth: 'public' } }, async () => {
      throw new Error('secret connection string postgres://u:p@h');
    });
    app.get('/api/x/v1/domain', { config: { auth: 'public' } }, async () => {
      throw new DomainError('insufficient-funds', 'not enough', { reason: 'AM04' });
    });
    const nf = await app.inject({ method: 'GET', url: '/api/x/v1/nothing' });
    assert.equal(nf.statusCode, 404);
    assert.match(nf.headers['content-type'] as string, /problem\+json/);
    const boom = await app.inject({ method: 'GET', url: '/api/x/v1/boom' });
    assert.equal(boom.statusCode, 500);
    assert.doesNotMatch(boom.body, /postgres/);
    assert.ok(boom.headers['x-request-id']);
    const d = await app.inject({ method: 'GET', url: '/api/x/v1/domain' });
    assert.equal(d.statusCode, 422);
    assert.equal(d.json().reason, 'AM04');
    await app.close();
    await cleanup();
  });

  it('names nested body fields and query parameters in validation errors', async () => {
    const { app, cleanup } = await server();
    app.post(
      '/api/x/v1/things',
      {
        config: { auth: { roles: ['bank'] } },
        schema: {
          querystring: Type.Object({ mode: Type.Optional(Type.Literal('fast')) }),
          body: Type.Object({
            creditor: Type.Object({ bic: Type.String({ pattern: '^[A-Z]{8}$' }) }, { additionalProperties: false }),
          }),
        },
      },
      async () => ({ ok: true }),
    );
    const h = { authorization: 'Bearer bank', 'idempotency-key': 'k1' };
    const nested = await app.inject({
      method: 'POST',
      url: '/api/x/v1/things',
      headers: h,
      payload: { creditor: { bic: 'x' } },
    });
    assert.equal(nested.statusCode, 400);
    assert.equal(nested.json().errors[0].field, '/creditor/bic');
    const query = await app.inject({
      method: 'POST',
      url: '/api/x/v1/things?mode=slow',
      headers: { ...h, 'idempotency-key': 'k2' },
      payload: { creditor: { bic: 'ABCDEFGH' } },
    });
    assert.equal(query.statusCode, 400);
    assert.equal(query.json().errors[0].field, 'querystring/mode');
    await app.close();
    await cleanup();
  });

  it('coerces query-string integers but never body strings or numbers', async () => {
    const { app, cleanup } = await server();
    app.post(
      '/api/x/v1/page',
      {
        config: { auth: { roles: 'any' } },
        schema: {
          querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })) }),
          body: Type.Object({ amount: Type.String() }),
        },
      },
      async (req) => ({ limit: (req.query as { limit?: number }).limit }),
    );
    const h = { authorization: 'Bearer bank' };
    const ok = await app.inject({
      method: 'POST',
      url: '/api/x/v1/page?limit=5',
      headers: { ...h, 'idempotency-key': 'q1' },
      payload: { amount: '1.00' },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().limit, 5);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/x/v1/page?limit=50',
      headers: { ...h, 'idempotency-key': 'q2' },
      payload: { amount: '1.00' },
    });
    assert.equal(bad.statusCode, 400);
    const number = await app.inject({
      method: 'POST',
      url: '/api/x/v1/page',
      headers: { ...h, 'idempotency-key': 'q3' },
      payload: { amount: 1 },
    });
    assert.equal(number.statusCode, 400, 'a JSON number is not coerced into an amount string');
    await app.close();
    await cleanup();
  });

  it('rate-limits per participant with a 429 problem', async () => {
    const { app, cleanup } = await server(3);
    app.get('/api/x/v1/ping', { config: { auth: { roles: 'any' } } }, async () => 'pong');
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) {
      codes.push(
        (await app.inject({ method: 'GET', url: '/api/x/v1/ping', headers: { authorization: 'Bearer bank' } }))
          .statusCode,
      );
    }
    assert.deepEqual(codes, [200, 200, 200, 429, 429]);
    const r = await app.inject({ method: 'GET', url: '/api/x/v1/ping', headers: { authorization: 'Bearer bank' } });
    assert.match(r.headers['content-type'] as string, /problem\+json/);
    assert.equal(r.json().status, 429);
    await app.close();
    await cleanup();
  });

  it('401 without credentials, 403 for a role not allowed', async () => {
    const { app, cleanup } = await server();
    app.get('/api/x/v1/operator-only', { config: { auth: { roles: ['operator'] } } }, async () => 'x');
    assert.equal((await app.inject({ method: 'GET', url: '/api/x/v1/operator-only' })).statusCode, 401);
    assert.equal(
      (await app.inject({ method: 'GET', url: '/api/x/v1/operator-only', headers: { authorization: 'Bearer bank' } }))
        .statusCode,
      403,
    );
    await app.close();
    await cleanup();
  });
});
