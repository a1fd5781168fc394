import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { decode } from '../../../packages/emv-qr/index.ts';
import {
  auditMigrations,
  createHttpServer,
  idempotencyMigrations,
  ManualClock,
  migrate,
  type Principal,
  silentLogger,
  ulidGenerator,
} from '../../platform/index.ts';
import { engines, freshDb, type TestDb } from '../../platform/testing.ts';
import { kzIbanOf } from './domain/merchant.ts';
import { ipsMerchantsMigrations, MerchantsService, merchantRoutes } from './index.ts';

const PRINCIPALS: Record<string, Principal> = {
  'bank-a': {
    participantId: 'ptc_a',
    participantType: 'bank',
    roles: ['bank', 'settlement', 'payments'],
    via: 'token',
    clientId: 'cli_a',
  },
  'bank-b': {
    participantId: 'ptc_b',
    participantType: 'bank',
    roles: ['bank', 'settlement', 'payments'],
    via: 'token',
    clientId: 'cli_b',
  },
  operator: {
    participantId: 'ptc_op',
    participantType: 'operator',
    roles: ['operator', 'oversight', 'staff:admin'],
    via: 'session',
    userId: 'usr_op',
  },
  tpp: { participantId: 'ptc_tpp', participantType: 'tpp', roles: ['tpp', 'api_user'], via: 'token' },
};
const BICS: Record<string, string> = { ptc_a: 'KCJBKZKX', ptc_b: 'HSBKKZKX' };
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const account = kzIbanOf('722S000012345678');

for (const engine of engines()) {
  describe(`IPS merchants over HTTP (${engine})`, () => {
    let t: TestDb;
    let app: FastifyInstance;
    let n = 0;

    const call = async (
      who: keyof typeof PRINCIPALS | undefined,
      method: 'GET' | 'POST' | 'PATCH',
      url: string,
      payload?: unknown,
    ) => {
      const headers: Record<string, string> = {};
      if (who) headers.authorization = `Bearer ${who}`;
      if (method !== 'GET') headers['idempotency-key'] = `k-${++n}`;
      const r = await app.inject({
        method,
        url,
        headers,
        ...(payload !== undefined ? { payload: payload as object } : {}),
      });
      return {
        status: r.statusCode,
        type: String(r.headers['content-type'] ?? ''),
        raw: r.rawPayload,
        json: () => r.json(),
      };
    };
    const register = async (who: 'bank-a' | 'bank-b', body: Record<string, unknown>) => {
      const r = await call(who, 'POST', '/api/ips/v1/merchants', {
        name: 'Magnum Cash&Carry',
        city: 'Astana',
        mcc: '5411',
        account,
        ...body,
      });
      assert.equal(r.status, 201, JSON.stringify(r.json()));
      return r.json();
    };

    before(async () => {
      t = await freshDb(engine);
      await migrate(t.db, [idempotencyMigrations, auditMigrations, ipsMerchantsMigrations]);
      const clock = new ManualClock(Date.now());
      app = await createHttpServer({
        db: t.db,
        logger: silentLogger(),
        ids: ulidGenerator(),
        bodyLimitBytes: 100_000,
        rateLimitPerMinute: 100_000,
        version: 'test',
        authenticate: async (req) => PRINCIPALS[(req.headers.authorization ?? '').replace('Bearer ', '')],
        ready: async () => true,
      });
      const svc = new MerchantsService({ db: t.db, clock, bicOf: async (id) => BICS[id] ?? null });
      merchantRoutes(app, svc, {});
      await app.ready();
    });
    after(async () => {
      await app.close();
      await t.cleanup();
    });

    it('registers, reads, updates, suspends; lists with a cursor', async () => {
      const m = await register('bank-a', {
        merchantId: 'MGN-1',
        taxId: null,
        alternateLanguage: { language: 'kk', merchantName: 'Магнум', merchantCity: 'Астана' },
        tariffRef: 'IPS-RETAIL-1',
      });
      assert.match(m.id, /^mch_/);
      assert.equal(m.acquirerBic, 'KCJBKZKX');
      assert.equal(m.tariffRef, 'IPS-RETAIL-1');
      const got = await call('bank-a', 'GET', `/api/ips/v1/merchants/${m.id}`);
      assert.equal(got.status, 200);
      assert.deepEqual(got.json(), m);

      const patched = await call('bank-a', 'PATCH', `/api/ips/v1/merchants/${m.id}`, { city: 'Almaty', taxId: null });
      assert.equal(patched.status, 200, JSON.stringify(patched.json()));
      assert.equal(patched.json().city, 'Almaty');

      const s = await call('bank-a', 'POST', `/api/ips/v1/merchants/${m.id}/suspend`, { reason: 'contract ended' });
      assert.equal(s.status, 200, JSON.stringify(s.json()));
      assert.equal(s.json().status, 'suspended');
      const a = await call('bank-a', 'POST', `/api/ips/v1/merchants/${m.id}/activate`);
      assert.equal(a.json().status, 'active');

      await register('bank-a', { merchantId: 'MGN-2' });
      await register('bank-a', { merchantId: 'MGN-3' });
      const p1 = await call('bank-a', 'GET', '/api/ips/v1/merchants?limit=2');
      assert.equal(p1.status, 200);
      assert.equal(p1.json().items.length, 2);
      assert.ok(p1.json().next);
      const p2 = await call('bank-a', 'GET', `/api/ips/v1/merchants?limit=2&after=${p1.json().next}`);
      assert.ok(p2.json().items.length >= 1);
      assert.ok(p2.json().items.every((x: { id: string }) => x.id > p1.json().next));
    });

    it("scopes: another bank's merchant is 404; the operator reads and searches but does not change", async () => {
      const m = await register('bank-a', { merchantId: 'SCOPE-H', name: 'Findable Store' });
      for (const [method, url, body] of [
        ['GET', `/api/ips/v1/merchants/${m.id}`, undefined],
        ['PATCH', `/api/ips/v1/merchants/${m.id}`, { name: 'Hijack' }],
        ['POST', `/api/ips/v1/merchants/${m.id}/suspend`, {}],
        ['GET', `/api/ips/v1/merchants/${m.id}/qr`, undefined],
        ['POST', `/api/ips/v1/merchants/${m.id}/qr`, { amount: '10.00' }],
      ] as const) {
        const r = await call('bank-b', method, url, body);
        assert.equal(r.status, 404, `${method} ${url}`);
        assert.match(r.type, /problem\+json/);
      }
      const listB = await call('bank-b', 'GET', '/api/ips/v1/merchants?acquirerBic=KCJBKZKX');
      assert.ok(listB.json().items.every((x: { acquirerBic: string }) => x.acquirerBic === 'HSBKKZKX'));

      const op = await call('operator', 'GET', `/api/ips/v1/merchants/${m.id}`);
      assert.equal(op.status, 200);
      const search = await call('operator', 'GET', '/api/ips/v1/merchants?q=findable&acquirerBic=KCJBKZKX');
      assert.deepEqual(
        search.json().items.map((x: { id: string }) => x.id),
        [m.id],
      );
      const opPatch = await call('operator', 'PATCH', `/api/ips/v1/merchants/${m.id}`, { name: 'Operator' });
      assert.equal(opPatch.status, 403);
      assert.equal((await call('tpp', 'GET', '/api/ips/v1/merchants')).status, 403);
      assert.equal((await call(undefined, 'GET', '/api/ips/v1/merchants')).status, 401);
    });

    it('documents every route in the OpenAPI document', async () => {
      const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
      const paths = Object.keys(doc.paths).filter((p) => p.startsWith('/api/ips/v1/merchants'));
      assert.ok(paths.length >= 8, paths.join(', '));
      assert.ok(doc.paths['/api/ips/v1/merchants/{id}/qr.png'].get.responses['200'].content['image/png']);
    });

    it('bad input is a 400 naming the field', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ merchantId: 'B-1', mcc: '54' }, '/mcc'],
        [{ merchantId: 'B-2', mcc: '6011' }, '/mcc'],
        [{ merchantId: 'B-3', name: 'N'.repeat(26) }, '/name'],
        [{ merchantId: 'B-4', city: 'C'.repeat(16) }, '/city'],
        [{ merchantId: 'B-5', surprise: true }, '/surprise'],
        [{ merchantId: 'B-6', account: 'KZ00722S000012345678' }, '/account'],
        [{ merchantId: 'B 7' }, '/merchantId'],
        [{ merchantId: 'B-8', name: 'Магнум' }, '/name'],
      ];
      for (const [body, field] of cases) {
        const r = await call('bank-a', 'POST', '/api/ips/v1/merchants', {
          name: 'Shop',
          city: 'Astana',
          mcc: '5411',
          account,
          ...body,
        });
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.match(r.type, /problem\+json/);
        assert.ok(
          r.json().errors.some((e: { field: string }) => e.field === field),
          `${field} in ${JSON.stringify(r.json().errors)}`,
        );
      }
      const m = await register('bank-a', { merchantId: 'B-OK' });
      const dup = await call('bank-a', 'POST', '/api/ips/v1/merchants', {
        merchantId: 'B-OK',
        name: 'Shop',
        city: 'Astana',
        mcc: '5411',
        account,
      });
      assert.equal(dup.status, 409);
      for (const [amount, field] of [
        [1500, '/amount'],
        ['15.001', '/amount'],
        ['0.00', '/amount'],
        ['10000000000.00', '/amount'],
      ] as const) {
        const r = await call('bank-a', 'POST', `/api/ips/v1/merchants/${m.id}/qr`, { amount });
        assert.equal(r.status, 400, String(amount));
        assert.equal(r.json().errors[0].field, field);
      }
    });

    it('static QR: payload decodes back to the merchant; PNG and SVG images', async () => {
      const m = await register('bank-b', { merchantId: 'IMG-1', taxId: null });
      const j = await call('bank-b', 'GET', `/api/ips/v1/merchants/${m.id}/qr`);
      assert.equal(j.status, 200);
      const qr = decode(j.json().payload);
      assert.equal(qr.initiation, 'static');
      assert.deepEqual(qr.merchantAccount, { bic: 'HSBKKZKX', merchantId: 'IMG-1' });
      assert.equal(qr.merchantName, 'Magnum Cash&Carry');
      assert.equal(qr.merchantCity, 'Astana');
      assert.equal(qr.mcc, '5411');

      for (const url of [`/api/ips/v1/merchants/${m.id}/qr.png`, `/api/ips/v1/merchants/${m.id}/qr?format=png`]) {
        const png = await call('bank-b', 'GET', url);
        assert.equal(png.status, 200, url);
        assert.equal(png.type, 'image/png');
        assert.deepEqual(png.raw.subarray(0, 8), PNG_SIGNATURE);
      }
      for (const url of [`/api/ips/v1/merchants/${m.id}/qr.svg`, `/api/ips/v1/merchants/${m.id}/qr?format=svg`]) {
        const svg = await call('bank-b', 'GET', url);
        assert.equal(svg.status, 200, url);
        assert.match(svg.type, /^image\/svg\+xml/);
        assert.match(svg.raw.toString('utf8'), /^<svg[\s\S]*<\/svg>\s*$/);
      }
      // the operator may fetch the image too (read-only)
      assert.equal((await call('operator', 'GET', `/api/ips/v1/merchants/${m.id}/qr.png`)).status, 200);
    });

    it('dynamic QR: issued, resolved by another bank, images, refused when altered or malformed', async () => {
      const m = await register('bank-a', { merchantId: 'DYN-H' });
      const c = await call('bank-a', 'POST', `/api/ips/v1/merchants/${m.id}/qr`, {
        amount: '1500.00',
        billNumber: 'INV-2026-0001',
      });
      assert.equal(c.status, 201, JSON.stringify(c.json()));
      const q = c.json();
      assert.equal(q.amount, '150000');
      assert.equal(q.status, 'open');
      assert.equal(decode(q.payload).amount, 150_000n);

      const r = await call('bank-b', 'POST', '/api/ips/v1/merchants/resolve-qr', { payload: q.payload });
      assert.equal(r.status, 200, JSON.stringify(r.json()));
      const body = r.json();
      assert.equal(body.ok, true);
      assert.equal(body.amount, '150000');
      assert.equal(body.reference, q.id);
      assert.equal(body.qrId, q.id);
      assert.equal(body.dynamic, true);
      assert.equal(body.merchant.name, 'Magnum Cash&Carry');
      assert.equal(body.merchant.account, undefined, 'the settlement account is not public');

      const png = await call('bank-a', 'GET', `/api/ips/v1/merchants/${m.id}/qr/${q.id}.png`);
      assert.equal(png.type, 'image/png');
      assert.deepEqual(png.raw.subarray(0, 8), PNG_SIGNATURE);
      const svg = await call('bank-a', 'GET', `/api/ips/v1/merchants/${m.id}/qr/${q.id}?format=svg`);
      assert.match(svg.type, /^image\/svg\+xml/);
      const view = await call('bank-a', 'GET', `/api/ips/v1/merchants/${m.id}/qr/${q.id}`);
      assert.equal(view.json().payload, q.payload);
      assert.equal((await call('bank-b', 'GET', `/api/ips/v1/merchants/${m.id}/qr/${q.id}`)).status, 404);
      const list = await call('bank-a', 'GET', `/api/ips/v1/merchants/${m.id}/qr-codes`);
      assert.deepEqual(
        list.json().items.map((x: { id: string }) => x.id),
        [q.id],
      );

      const crc = q.payload.slice(-4);
      const badCrc = await call('bank-b', 'POST', '/api/ips/v1/merchants/resolve-qr', {
        payload: q.payload.slice(0, -4) + (crc === 'FFFF' ? '0000' : 'FFFF'),
      });
      assert.equal(badCrc.status, 400);
      assert.equal(badCrc.json().reason, 'crc_mismatch');
      assert.equal(badCrc.json().errors[0].field, '/payload');
      assert.match(badCrc.json().detail, /CRC/);

      const unknown = await call('bank-b', 'POST', '/api/ips/v1/merchants/resolve-qr', {
        payload: q.payload.replace('DYN-H', 'DYN-X').slice(0, -4),
      });
      assert.equal(unknown.status, 400, 'without its CRC the payload is malformed');
    });
  });
}
