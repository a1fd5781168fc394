import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  auditMigrations,
  createHttpServer,
  idempotencyMigrations,
  listAudit,
  ManualClock,
  migrate,
  type Principal,
  silentLogger,
  ulidGenerator,
  webhooksMigrations,
} from '../../platform/index.ts';
import { engines, freshDb } from '../../platform/testing.ts';
import { iban, iin, phone } from './fixtures.test-helper.ts';
import { aliasRoutes, IpsAliasService, ipsAliasMigrations } from './index.ts';

const bank = (id: string): Principal => ({
  participantId: id,
  participantType: 'bank',
  roles: ['bank', 'settlement', 'payments'],
  via: 'token',
  clientId: `cli_${id}`,
});
const PRINCIPALS: Record<string, Principal> = {
  a: bank('ptc_a'),
  b: bank('ptc_b'),
  c: bank('ptc_c'),
  nobic: bank('ptc_nobic'),
  ops: {
    participantId: 'ptc_ops',
    participantType: 'operator',
    roles: ['operator', 'oversight'],
    via: 'session',
    userId: 'usr_ops',
  },
  mno: { participantId: 'ptc_mno', participantType: 'mno', roles: ['mno', 'fraud_reporter'], via: 'token' },
};
const BICS: Record<string, string> = { ptc_a: 'AAAAKZKA', ptc_b: 'BBBBKZKA', ptc_c: 'CCCCKZKA' };

/** The alias routes on the platform's own HTTP kernel, as src/app.ts will mount them. */
async function server(engine: 'sqlite' | 'postgres') {
  const t = await freshDb(engine);
  await migrate(t.db, [auditMigrations, webhooksMigrations, idempotencyMigrations, ipsAliasMigrations]);
  const clock = new ManualClock();
  const ids = ulidGenerator(clock);
  const svc = new IpsAliasService({
    db: t.db,
    clock,
    ids,
    options: { lookupsPerMinutePerPayer: 2, lookupsPerMinutePerBank: 100, claimDeadlineMs: 3_600_000 },
  });
  const app = await createHttpServer({
    db: t.db,
    logger: silentLogger(),
    ids,
    bodyLimitBytes: 100_000,
    rateLimitPerMinute: 10_000,
    version: 'test',
    authenticate: async (req) => PRINCIPALS[(req.headers.authorization ?? '').replace('Bearer ', '')],
    ready: async () => true,
  });
  aliasRoutes(app, svc, { bicOf: async (id) => BICS[id] ?? null });
  await app.ready();
  let key = 0;
  const call = async (
    who: string,
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: {
        authorization: `Bearer ${who}`,
        ...(method === 'GET' ? {} : { 'idempotency-key': `k${++key}` }),
        ...headers,
      },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: res.statusCode, body: res.body ? res.json() : undefined, headers: res.headers };
  };
  return {
    app,
    svc,
    clock,
    db: t.db,
    call,
    close: async () => {
      await app.close();
      await t.cleanup();
    },
  };
}

const body = (n: number, over: Record<string, string> = {}) => ({
  phone: phone(n),
  accountId: iban(n),
  holderName: 'Aigerim Seitkali',
  holderIin: iin(n),
  ...over,
});
const BASE = '/api/ips/v1/aliases';

for (const engine of engines()) {
  describe(`IPS alias API on ${engine}`, () => {
    it('register, read, change and delete own aliases; others get 409 / 404', async () => {
      const s = await server(engine);
      try {
        const r = await s.call('a', 'POST', BASE, body(1, { phone: '8 701 000 00 01' }));
        assert.equal(r.status, 201, JSON.stringify(r.body));
        assert.equal(r.body.phone, '+77010000001');
        assert.equal(r.body.bic, 'AAAAKZKA');

        const taken = await s.call('b', 'POST', BASE, body(1));
        assert.equal(taken.status, 409);
        assert.match(taken.headers['content-type'] as string, /problem\+json/);
        assert.match(taken.body.detail, /registered by another participant/);

        const got = await s.call('a', 'GET', `${BASE}/%2B77010000001`);
        assert.equal(got.status, 200);
        assert.equal(got.body.holderIin, iin(1));
        assert.equal((await s.call('a', 'GET', `${BASE}/+77010000001`)).status, 200, 'a literal + works too');
        assert.equal((await s.call('b', 'GET', `${BASE}/%2B77010000001`)).status, 404);
        assert.deepEqual((await s.call('b', 'GET', BASE)).body, { items: [] });
        assert.equal((await s.call('b', 'GET', `${BASE}?bic=AAAAKZKA`)).status, 403);
        assert.equal((await s.call('a', 'GET', BASE)).body.items.length, 1);

        const patched = await s.call('a', 'PATCH', `${BASE}/87010000001`, { holderName: 'Aigerim Nurlankyzy' });
        assert.equal(patched.status, 200);
        assert.equal(patched.body.holderName, 'Aigerim Nurlankyzy');
        assert.equal((await s.call('b', 'PATCH', `${BASE}/87010000001`, { holderName: 'X Y' })).status, 404);
        assert.equal((await s.call('a', 'PATCH', `${BASE}/87010000001`, {})).status, 400);

        assert.equal((await s.call('b', 'DELETE', `${BASE}/87010000001`)).status, 404);
        const del = await s.call('a', 'DELETE', `${BASE}/87010000001`);
        assert.deepEqual([del.status, del.body], [200, { phone: '+77010000001', deleted: true }]);
        assert.equal((await s.call('a', 'GET', `${BASE}/87010000001`)).status, 404);
      } finally {
        await s.close();
      }
    });

    it('400 names the offending field; roles and BICs are enforced', async () => {
      const s = await server(engine);
      try {
        const cases: [unknown, string][] = [
          [body(2, { phone: '+7 727 250 12 34' }), '/phone'],
          [body(2, { phone: '+7 916 123 45 67' }), '/phone'],
          [body(2, { holderIin: '123' }), '/holderIin'],
          [body(2, { holderName: '42' }), '/holderName'],
          [{ ...body(2), extra: 1 }, '/extra'],
          [{ ...body(2), phone: 77010000002 }, '/phone'],
        ];
        for (const [b, field] of cases) {
          const r = await s.call('a', 'POST', BASE, b);
          assert.equal(r.status, 400, JSON.stringify(b));
          assert.match(r.headers['content-type'] as string, /problem\+json/);
          assert.equal(r.body.errors[0].field, field, JSON.stringify(r.body));
        }
        const path = await s.call('a', 'GET', `${BASE}/87272501234`);
        assert.equal(path.status, 400);
        assert.equal(path.body.errors[0].field, 'params/phone');
        assert.equal((await s.call('a', 'POST', BASE, body(2), { 'idempotency-key': '' })).status, 400);
        assert.equal((await s.call('ops', 'POST', BASE, body(2))).status, 403, 'oversight does not register');
        assert.equal((await s.call('mno', 'GET', BASE)).status, 403);
        assert.equal((await s.call('nobic', 'POST', BASE, body(2))).status, 403);
        assert.equal((await s.call('nobody', 'GET', BASE)).status, 401);
      } finally {
        await s.close();
      }
    });

    it('lookup: masked answer, per-payer 429 with Retry-After, audited; oversight reads any record', async () => {
      const s = await server(engine);
      try {
        await s.call('a', 'POST', BASE, body(3, { holderName: 'Айгерим Сейтқали' }));
        const look = () => s.call('b', 'POST', `${BASE}/lookup`, { phone: '+7 701 000 00 03', payerId: 'h:payer-1' });
        const r = await look();
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.deepEqual(r.body, { phone: phone(3), bic: 'AAAAKZKA', maskedName: 'Айгерим С.' });
        assert.equal(r.headers['idempotent-replayed'], undefined, 'lookups are never replayed');
        assert.equal((await look()).status, 200);
        const limited = await look();
        assert.equal(limited.status, 429);
        assert.match(limited.headers['content-type'] as string, /problem\+json/);
        assert.equal(limited.headers['retry-after'], '30');
        assert.match(limited.body.detail, /payer/);
        const other = await s.call('b', 'POST', `${BASE}/lookup`, { phone: phone(4), payerId: 'h:payer-2' });
        assert.equal(other.status, 404);
        const noKey = await s.call(
          'b',
          'POST',
          `${BASE}/lookup`,
          { phone: phone(3), payerId: 'h:payer-3' },
          {
            'idempotency-key': '',
          },
        );
        assert.equal(noKey.status, 200, 'no Idempotency-Key needed for a lookup');
        const audit = await listAudit(s.db, { action: 'ips.alias.looked_up', limit: 100 });
        assert.deepEqual(
          audit.map((e) => e.actor),
          ['cli_ptc_b', 'cli_ptc_b', 'cli_ptc_b', 'cli_ptc_b'],
        );

        const ops = await s.call('ops', 'GET', `${BASE}/${encodeURIComponent(phone(3))}`);
        assert.equal(ops.status, 200);
        assert.equal(ops.body.holderIin, iin(3));
        const search = await s.call('ops', 'GET', `${BASE}?phone=${encodeURIComponent('8 701 000 00 03')}`);
        assert.equal(search.body.items.length, 1);
        assert.equal((await listAudit(s.db, { actor: 'usr_ops', limit: 10 })).length, 2, 'support reads on the record');
        assert.equal((await s.call('ops', 'POST', `${BASE}/lookup`, { phone: phone(3), payerId: 'x' })).status, 403);
      } finally {
        await s.close();
      }
    });

    it('portability over HTTP: claim, owner sees it, confirm / reject / cancel, deadline', async () => {
      const s = await server(engine);
      try {
        await s.call('a', 'POST', BASE, body(5));
        await s.call('a', 'POST', BASE, body(6));
        await s.call('a', 'POST', BASE, body(7));
        const c5 = await s.call('b', 'POST', `${BASE}/claims`, body(5, { accountId: iban(50) }));
        assert.equal(c5.status, 201, JSON.stringify(c5.body));
        assert.equal(c5.body.status, 'open');
        const dup = await s.call('c', 'POST', `${BASE}/claims`, body(5));
        assert.equal(dup.status, 409);

        const mine = await s.call('a', 'GET', `${BASE}/claims?role=owner&status=open`);
        assert.deepEqual(
          mine.body.items.map((c: { id: string; side: string; accountId?: string }) => [c.id, c.side, c.accountId]),
          [[c5.body.id, 'owner', undefined]],
        );
        assert.equal((await s.call('c', 'GET', `${BASE}/claims/${c5.body.id}`)).status, 404);
        assert.equal((await s.call('b', 'POST', `${BASE}/claims/${c5.body.id}/confirm`)).status, 403);
        const ok = await s.call('a', 'POST', `${BASE}/claims/${c5.body.id}/confirm`);
        assert.equal(ok.status, 200, JSON.stringify(ok.body));
        assert.equal(ok.body.status, 'confirmed');
        assert.equal((await s.call('b', 'GET', `${BASE}/${encodeURIComponent(phone(5))}`)).body.accountId, iban(50));

        const c6 = await s.call('b', 'POST', `${BASE}/claims`, body(6));
        const rej = await s.call('a', 'POST', `${BASE}/claims/${c6.body.id}/reject`, {
          reason: 'not our customer’s wish',
        });
        assert.deepEqual([rej.status, rej.body.status, rej.body.reason], [200, 'rejected', 'not our customer’s wish']);
        const c6b = await s.call('b', 'POST', `${BASE}/claims`, body(6));
        const cancel = await s.call('b', 'POST', `${BASE}/claims/${c6b.body.id}/cancel`);
        assert.equal(cancel.body.status, 'cancelled');

        const c7 = await s.call('c', 'POST', `${BASE}/claims`, body(7));
        s.clock.advance(3_600_000);
        assert.deepEqual(await s.svc.processDeadlines(), { completed: [c7.body.id] });
        assert.equal((await s.call('c', 'GET', `${BASE}/claims/${c7.body.id}`)).body.status, 'completed');
        assert.equal((await s.call('c', 'GET', `${BASE}/${encodeURIComponent(phone(7))}`)).status, 200);
        assert.equal((await s.call('ops', 'GET', `${BASE}/claims`)).body.items.length, 4);
      } finally {
        await s.close();
      }
    });

    it('documents every route in OpenAPI', async () => {
      const s = await server(engine);
      try {
        const doc = (await s.app.inject({ method: 'GET', url: '/openapi.json' })).json();
        for (const p of [
          '/api/ips/v1/aliases',
          '/api/ips/v1/aliases/lookup',
          '/api/ips/v1/aliases/claims',
          '/api/ips/v1/aliases/claims/{id}/confirm',
          '/api/ips/v1/aliases/{phone}',
        ]) {
          assert.ok(doc.paths[p], p);
        }
      } finally {
        await s.close();
      }
    });
  });
}
