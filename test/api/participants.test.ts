import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines } from '../../src/platform/testing.ts';
import { startTestPlatform, type TestPlatform } from '../harness.ts';

const P = '/api/participants/v1';

for (const engine of engines()) {
  describe(`participants API on ${engine}`, () => {
    let t: TestPlatform;
    let operator: string;
    let bank: string;
    before(async () => {
      t = await startTestPlatform(engine);
      operator = await t.login('operator');
      bank = await t.login('bank');
    });
    after(async () => t?.close());

    const newBank = (suffix: string) => ({
      name: `Test Bank ${suffix}`,
      type: 'bank',
      bic: `TST${suffix}KZKA`.slice(0, 8),
      taxId: '940840000707',
    });

    it('the operator registers a participant; it is listed and audited', async () => {
      const r = await t.call('POST', `${P}/participants`, {
        cookie: operator,
        body: { ...newBank('A'), taxId: undefined },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.status, 'active');
      assert.deepEqual(r.body.roles.includes('bank'), true);
      const list = await t.call('GET', `${P}/participants`, { cookie: operator });
      assert.ok(list.body.items.some((p: { id: string }) => p.id === r.body.id));
      const audit = await t.call('GET', `/api/platform/v1/audit?entityId=${r.body.id}`, { cookie: operator });
      assert.equal(audit.status, 200);
      assert.deepEqual(
        audit.body.items.map((e: { action: string }) => e.action),
        ['participant.registered'],
      );
      assert.equal((await t.call('GET', '/api/platform/v1/audit', { cookie: bank })).status, 403);
    });

    it('registration publishes participants.registered through the outbox', async () => {
      const seen = new Promise<{ type: string; data: { bic: string } }>((resolve) => {
        t.app.platform.bus.subscribe('api-test', ['participants.registered'], async (e) => {
          if ((e.data as { bic: string }).bic === 'EVNTKZKA') resolve(e as never);
        });
      });
      const r = await t.call('POST', `${P}/participants`, {
        cookie: operator,
        body: { name: 'Event Bank', type: 'bank', bic: 'EVNTKZKA' },
      });
      assert.equal(r.status, 201);
      const e = await seen;
      assert.equal(e.type, 'participants.registered');
    });

    it('bad input answers 400 problem+json naming the field and stores nothing', async () => {
      const before = (await t.call('GET', `${P}/participants`, { cookie: operator })).body.items.length;
      const cases: [unknown, string][] = [
        [{ name: 'X Bank', type: 'bank', bic: 'XBNKKZKA', color: 'red' }, '/color'],
        [{ name: 42, type: 'bank', bic: 'XBNKKZKA' }, '/name'],
        [{ name: 'X Bank', type: 'bank' }, '/bic'],
        [{ name: 'X Bank', type: 'bank', bic: 'xx' }, '/bic'],
        [{ name: 'X Bank', type: 'bank', bic: 'XBNKKZKA', taxId: '123456789012' }, '/taxId'],
        [{ name: 'X Bank', type: 'rocket', bic: 'XBNKKZKA' }, '/type'],
      ];
      for (const [body, field] of cases) {
        const r = await t.call('POST', `${P}/participants`, { cookie: operator, body });
        assert.equal(r.status, 400, JSON.stringify(r.body));
        assert.match(r.headers.get('content-type') ?? '', /application\/problem\+json/);
        assert.ok(
          r.body.errors?.some((e: { field: string }) => e.field === field),
          `${JSON.stringify(body)} → ${JSON.stringify(r.body)}`,
        );
      }
      const malformed = await t.call('POST', `${P}/participants`, { cookie: operator, raw: '{"name": ' });
      assert.equal(malformed.status, 400);
      assert.equal(malformed.body.status, 400);
      const after = (await t.call('GET', `${P}/participants`, { cookie: operator })).body.items.length;
      assert.equal(after, before);
    });

    it('oversized bodies answer 413', async () => {
      const r = await t.call('POST', `${P}/participants`, {
        cookie: operator,
        raw: JSON.stringify({ name: 'x'.repeat(2_000_000), type: 'tpp' }),
      });
      assert.equal(r.status, 413);
      assert.equal(r.body.status, 413);
    });

    it('Idempotency-Key: required, same body replays, another body is 422', async () => {
      const missing = await t.call('POST', `${P}/participants`, { cookie: operator, body: newBank('B'), key: '' });
      assert.equal(missing.status, 400);
      const key = crypto.randomUUID();
      const first = await t.call('POST', `${P}/participants`, { cookie: operator, body: newBank('C'), key });
      const again = await t.call('POST', `${P}/participants`, { cookie: operator, body: newBank('C'), key });
      assert.equal(first.status, 201);
      assert.equal(again.status, 201);
      assert.equal(again.body.id, first.body.id);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      const other = await t.call('POST', `${P}/participants`, { cookie: operator, body: newBank('D'), key });
      assert.equal(other.status, 422);
      const list = (await t.call('GET', `${P}/participants`, { cookie: operator })).body.items;
      assert.equal(list.filter((p: { name: string }) => p.name === 'Test Bank C').length, 1);
      assert.equal(list.filter((p: { name: string }) => p.name === 'Test Bank D').length, 0);
    });

    it('no credentials → 401; a role not allowed → 403; another participant → 404', async () => {
      assert.equal((await t.call('GET', `${P}/participants`)).status, 401);
      assert.equal((await t.call('GET', `${P}/participants`, { token: 'garbage' })).status, 401);
      assert.equal((await t.call('GET', `${P}/participants`, { cookie: bank })).status, 403);
      assert.equal((await t.call('POST', `${P}/participants`, { cookie: bank, body: newBank('E') })).status, 403);
      const me = (await t.call('GET', `${P}/participants/me`, { cookie: bank })).body;
      assert.equal(me.type, 'bank');
      const others = (await t.call('GET', `${P}/participants`, { cookie: operator })).body.items.filter(
        (p: { id: string }) => p.id !== me.id,
      );
      for (const o of others.slice(0, 3)) {
        const r = await t.call('GET', `${P}/participants/${o.id}`, { cookie: bank });
        assert.equal(r.status, 404);
      }
      const unknown = await t.call('GET', `${P}/participants/ptc_nonexistent`, { cookie: bank });
      assert.equal(unknown.status, 404, 'unknown and foreign ids answer the same');
    });

    it('API clients: a certified key gets a token; blocking the participant revokes access at once', async () => {
      const reg = await t.call('POST', `${P}/participants`, {
        cookie: operator,
        body: { name: 'Fintech to block', type: 'tpp' },
      });
      const token = await t.token(reg.body.id);
      const me = await t.call('GET', `${P}/participants/me`, { token });
      assert.equal(me.status, 200);
      assert.equal(me.body.id, reg.body.id);
      const suspended = await t.call('POST', `${P}/participants/${reg.body.id}/suspend`, {
        cookie: operator,
        body: { reason: 'overdue accreditation' },
      });
      assert.equal(suspended.body.status, 'suspended');
      // suspended: may read, may not change
      assert.equal((await t.call('GET', `${P}/participants/me`, { token })).status, 200);
      assert.equal(
        (await t.call('POST', `${P}/webhooks`, { token, body: { url: 'https://example.test/hook', events: [] } }))
          .status,
        403,
      );
      await t.call('POST', `${P}/participants/${reg.body.id}/block`, { cookie: operator, body: { reason: 'fraud' } });
      // a token issued before the block is still unexpired, and is refused all the same
      assert.equal((await t.call('GET', `${P}/participants/me`, { token })).status, 401);
      await assert.rejects(t.token(reg.body.id), /invalid_client|failed/);
    });

    it('webhook endpoints: added with a secret shown once, listed, disabled only by their owner', async () => {
      const tpp = await t.login('tpp');
      const added = await t.call('POST', `${P}/webhooks`, {
        cookie: tpp,
        body: { url: 'https://hooks.example.test/ndfi', events: ['imts.camt054'] },
      });
      assert.equal(added.status, 201);
      assert.match(added.body.secret, /^whsec_/);
      const listed = await t.call('GET', `${P}/webhooks`, { cookie: tpp });
      assert.ok(
        listed.body.items.some(
          (w: { id: string; secret?: string }) => w.id === added.body.id && w.secret === undefined,
        ),
      );
      assert.equal((await t.call('DELETE', `${P}/webhooks/${added.body.id}`, { cookie: bank })).status, 404);
      const off = await t.call('DELETE', `${P}/webhooks/${added.body.id}`, { cookie: tpp });
      assert.equal(off.body.status, 'disabled');
      assert.equal(
        (await t.call('POST', `${P}/webhooks`, { cookie: tpp, body: { url: 'not a url', events: [] } })).status,
        400,
      );
    });

    it('the operator and the central bank cannot be blocked', async () => {
      const me = (await t.call('GET', `${P}/participants/me`, { cookie: operator })).body;
      const r = await t.call('POST', `${P}/participants/${me.id}/block`, {
        cookie: operator,
        body: { reason: 'oops' },
      });
      assert.equal(r.status, 403);
    });

    it('staff login: a wrong one-time code is refused with one message', async () => {
      const u = t.logins.find((l) => l.participantType === 'tpp')!;
      const r = await t.call('POST', '/api/auth/v1/login', {
        body: { username: u.username, password: u.password, totp: '000000' },
      });
      assert.equal(r.status, 401);
      const r2 = await t.call('POST', '/api/auth/v1/login', {
        body: { username: 'nobody', password: 'x', totp: '123456' },
      });
      assert.equal(r2.status, 401);
      assert.equal(r.body.detail, r2.body.detail);
    });

    it('OpenAPI document lists the routes with their schemas', async () => {
      const r = await t.call('GET', '/openapi.json');
      assert.equal(r.status, 200);
      assert.equal(r.body.openapi, '3.1.0');
      assert.ok(r.body.paths['/api/participants/v1/participants'].post.requestBody);
      assert.equal((await t.call('GET', '/healthz')).status, 200);
      assert.equal((await t.call('GET', '/readyz')).status, 200);
      assert.match((await t.call('GET', '/metrics')).body, /ndfi_http_request_duration_seconds/);
    });
  });
}
