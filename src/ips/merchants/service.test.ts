import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decode, encode } from '../../../packages/emv-qr/index.ts';
import { iinBinCheckDigit } from '../../participants/index.ts';
import { auditMigrations, DomainError, listAudit, ManualClock, migrate, sequentialIds } from '../../platform/index.ts';
import { engines, freshDb, type TestDb } from '../../platform/testing.ts';
import { kzIbanOf } from './domain/merchant.ts';
import { ipsMerchantsMigrations } from './migrations.ts';
import { type MerchantActor, MerchantsService, qrRefusalError } from './service.ts';

const BICS: Record<string, string> = { ptc_a: 'KCJBKZKX', ptc_b: 'HSBKKZKX' };
const bankA: MerchantActor = { participantId: 'ptc_a', id: 'usr_a', oversight: false };
const bankB: MerchantActor = { participantId: 'ptc_b', id: 'usr_b', oversight: false };
const operator: MerchantActor = { participantId: 'ptc_op', id: 'usr_op', oversight: true };

const bin = (prefix11: string): string => prefix11 + iinBinCheckDigit(prefix11);
const account = kzIbanOf('722S000012345678');
const input = (over: Record<string, unknown> = {}) => ({
  merchantId: 'M-0001',
  name: 'Kofeinya na Abaya',
  city: 'Almaty',
  mcc: '5814',
  account,
  ...over,
});

const validationField = async (p: Promise<unknown>): Promise<string | undefined> => {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DomainError, String(e));
    assert.equal(e.type, 'validation', e.message);
    return e.issues[0]?.field;
  }
  assert.fail('expected a validation error');
};

for (const engine of engines()) {
  describe(`IPS merchant registry (${engine})`, () => {
    let t: TestDb;
    let clock: ManualClock;
    let svc: MerchantsService;

    before(async () => {
      t = await freshDb(engine);
      await migrate(t.db, [auditMigrations, ipsMerchantsMigrations]);
      clock = new ManualClock();
      svc = new MerchantsService({
        db: t.db,
        clock,
        ids: sequentialIds(),
        bicOf: async (id) => BICS[id] ?? null,
      });
    });
    after(async () => t.cleanup());

    it('registers, reads, updates, suspends and activates a merchant, audited', async () => {
      const taxId = bin('12345678901');
      const m = await svc.register(
        bankA,
        input({
          taxId,
          tariffRef: 'IPS-STD-2026',
          alternateLanguage: { language: 'kk', merchantName: 'Абай кофеханасы', merchantCity: 'Алматы' },
        }),
      );
      assert.equal(m.acquirerBic, 'KCJBKZKX');
      assert.equal(m.status, 'active');
      assert.equal(m.taxId, taxId);
      assert.equal(m.tariffRef, 'IPS-STD-2026');
      assert.deepEqual(await svc.get(bankA, m.id), m);
      assert.deepEqual(await svc.get(operator, m.id), m);

      const u = await svc.update(bankA, m.id, { name: 'Kofeinya 2', alternateLanguage: null, tariffRef: null });
      assert.equal(u.name, 'Kofeinya 2');
      assert.equal(u.alternateLanguage, null);
      assert.equal(u.tariffRef, null);
      assert.equal(u.city, 'Almaty');

      assert.equal((await svc.changeStatus(bankA, m.id, 'suspend', 'closed for renovation')).status, 'suspended');
      await assert.rejects(svc.changeStatus(bankA, m.id, 'suspend'), /already suspended/);
      assert.equal((await svc.changeStatus(bankA, m.id, 'activate')).status, 'active');

      const audit = await listAudit(t.db, { entity: 'ips_merchant', entityId: m.id, limit: 100 });
      assert.deepEqual(
        audit.filter((a) => a.entityId === m.id).map((a) => a.action),
        ['ips.merchant.registered', 'ips.merchant.updated', 'ips.merchant.suspended', 'ips.merchant.activated'],
      );
    });

    it('merchant id is unique per acquirer, not across acquirers', async () => {
      await svc.register(bankA, input({ merchantId: 'DUP-1' }));
      await assert.rejects(svc.register(bankA, input({ merchantId: 'DUP-1' })), (e: DomainError) => {
        assert.equal(e.type, 'conflict');
        return true;
      });
      const other = await svc.register(bankB, input({ merchantId: 'DUP-1' }));
      assert.equal(other.acquirerBic, 'HSBKKZKX');
    });

    it("another bank's merchant is 404 for reading and changing; oversight reads but lists all", async () => {
      const m = await svc.register(bankA, input({ merchantId: 'SCOPE-1' }));
      for (const call of [
        () => svc.get(bankB, m.id),
        () => svc.update(bankB, m.id, { name: 'Stolen' }),
        () => svc.changeStatus(bankB, m.id, 'suspend'),
        () => svc.staticQr(bankB, m.id),
        () => svc.createDynamicQr(bankB, m.id, { amount: 100n }),
        () => svc.listDynamicQr(bankB, m.id, { limit: 10 }),
        () => svc.update(operator, m.id, { name: 'Operator' }),
      ]) {
        await assert.rejects(call(), (e: DomainError) => e.type === 'not-found');
      }
      const own = await svc.list(bankB, { limit: 100 });
      assert.ok(own.length > 0);
      assert.ok(own.every((x) => x.acquirerId === 'ptc_b'));
      const all = await svc.list(operator, { limit: 500 });
      assert.ok(all.some((x) => x.acquirerId === 'ptc_a') && all.some((x) => x.acquirerId === 'ptc_b'));
      // a bank asking for another acquirer's merchants still gets only its own
      const asked = await svc.list(bankB, { limit: 500, acquirerBic: 'KCJBKZKX' });
      assert.ok(asked.every((x) => x.acquirerId === 'ptc_b'));
    });

    it('pages with a cursor and searches by name', async () => {
      for (let i = 0; i < 5; i++) await svc.register(bankB, input({ merchantId: `PAGE-${i}`, name: `Shop_${i} 100%` }));
      const first = await svc.list(bankB, { limit: 2, q: 'shop_' });
      assert.deepEqual(
        first.map((m) => m.merchantId),
        ['PAGE-0', 'PAGE-1'],
      );
      const second = await svc.list(bankB, { limit: 2, q: 'shop_', after: first.at(-1)!.id });
      assert.deepEqual(
        second.map((m) => m.merchantId),
        ['PAGE-2', 'PAGE-3'],
      );
      // LIKE wildcards in the search are literal
      assert.equal((await svc.list(bankB, { limit: 100, q: '%' })).length, 5);
      assert.equal((await svc.list(bankB, { limit: 100, q: 'shop_4' })).length, 1);
      assert.equal((await svc.list(operator, { limit: 100, acquirerBic: 'HSBKKZKX', mcc: '5814' })).length >= 5, true);
    });

    it('refuses bad input naming the field', async () => {
      assert.equal(await validationField(svc.register(bankA, input({ mcc: '54A1' }))), '/mcc');
      assert.equal(await validationField(svc.register(bankA, input({ name: 'x'.repeat(26) }))), '/name');
      assert.equal(await validationField(svc.register(bankA, input({ city: 'x'.repeat(16) }))), '/city');
      assert.equal(await validationField(svc.register(bankA, input({ account: 'KZ00722S000012345678' }))), '/account');
      // 12 digits but a wrong check digit
      const good = bin('12345678901');
      const badBin = good.slice(0, 11) + ((Number(good[11]) + 1) % 10);
      assert.equal(await validationField(svc.register(bankA, input({ taxId: badBin }))), '/taxId');
    });

    it('a participant without a BIC acquires nothing', async () => {
      await assert.rejects(
        svc.register({ participantId: 'ptc_nobic', id: 'u', oversight: false }, input()),
        (e: DomainError) => e.type === 'forbidden',
      );
    });

    it("the static code decodes back to the merchant's data", async () => {
      const taxId = bin('98765432109');
      const m = await svc.register(
        bankA,
        input({
          merchantId: 'STATIC-1',
          taxId,
          postalCode: 'A05X1A1',
          alternateLanguage: { language: 'ru', merchantName: 'Кофейня на Абая' },
        }),
      );
      const { payload } = await svc.staticQr(bankA, m.id, { terminalLabel: 'TILL-3' });
      const qr = decode(payload);
      assert.deepEqual(qr, {
        initiation: 'static',
        merchantAccount: { bic: 'KCJBKZKX', merchantId: 'STATIC-1', taxId },
        mcc: '5814',
        merchantName: 'Kofeinya na Abaya',
        merchantCity: 'Almaty',
        postalCode: 'A05X1A1',
        additionalData: { terminalLabel: 'TILL-3' },
        alternateLanguage: { language: 'ru', merchantName: 'Кофейня на Абая' },
      });
      const r = await svc.resolveQr(payload);
      assert.ok(r.ok);
      assert.equal(r.merchant.id, m.id);
      assert.equal(r.merchant.account, account);
      assert.equal(r.acquirerBic, 'KCJBKZKX');
      assert.equal(r.amount, undefined);
      assert.equal(r.dynamic, false);
      assert.equal(r.qrId, undefined);
      // oversight may read the static code too
      assert.equal((await svc.staticQr(operator, m.id)).payload, (await svc.staticQr(bankA, m.id)).payload);
    });

    it('a dynamic code resolves to its amount and reference and is paid once', async () => {
      const m = await svc.register(bankA, input({ merchantId: 'DYN-1' }));
      const q = await svc.createDynamicQr(bankA, m.id, { amount: 150_000n, billNumber: 'INV-77' });
      assert.equal(q.status, 'open');
      assert.equal(q.reference, q.id);
      assert.ok(q.id.length <= 25);
      const decoded = decode(q.payload);
      assert.equal(decoded.initiation, 'dynamic');
      assert.equal(decoded.amount, 150_000n);
      assert.deepEqual(decoded.additionalData, { billNumber: 'INV-77', referenceLabel: q.id });

      const r = await svc.resolveQr(q.payload);
      assert.ok(
        r.ok,
        JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? String(v) : v)),
      );
      assert.equal(r.amount, 150_000n);
      assert.equal(r.reference, q.id);
      assert.equal(r.billNumber, 'INV-77');
      assert.equal(r.dynamic, true);
      assert.equal(r.qrId, q.id);
      assert.equal(r.merchant.id, m.id);

      await t.db.transaction(async (tx) => svc.markPaid(q.id, 'pay_1', tx));
      // the same payment again is a no-op (a retried transaction)
      await svc.markPaid(q.id, 'pay_1');
      await assert.rejects(svc.markPaid(q.id, 'pay_2'), (e: DomainError) => {
        assert.equal(e.type, 'conflict');
        assert.equal(e.reason, 'qr_paid');
        return true;
      });
      const again = await svc.resolveQr(q.payload);
      assert.deepEqual(again.ok ? undefined : again.reason, 'qr_paid');
      const view = await svc.dynamicQr(bankA, m.id, q.id);
      assert.equal(view.status, 'paid');
      assert.equal(view.paymentId, 'pay_1');
      await assert.rejects(svc.markPaid('NOPE', 'pay_3'), (e: DomainError) => e.type === 'not-found');
    });

    it('concurrent payments of one code: exactly one marks it paid', async () => {
      const m = await svc.register(bankA, input({ merchantId: 'DYN-RACE' }));
      const q = await svc.createDynamicQr(bankA, m.id, { amount: 500n });
      const results = await Promise.allSettled(
        ['p1', 'p2', 'p3', 'p4'].map((p) => t.db.transaction((tx) => svc.markPaid(q.id, p, tx))),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    });

    it('an expired dynamic code is refused', async () => {
      const m = await svc.register(bankA, input({ merchantId: 'DYN-EXP' }));
      const expiresAt = new Date(clock.nowMs() + 15 * 60_000).toISOString();
      const q = await svc.createDynamicQr(bankA, m.id, { amount: 99_99n, expiresAt });
      assert.equal(q.expiresAt, expiresAt);
      assert.ok((await svc.resolveQr(q.payload)).ok);
      clock.advance(15 * 60_000);
      const r = await svc.resolveQr(q.payload);
      assert.equal(r.ok ? 'ok' : r.reason, 'qr_expired');
      assert.equal((await svc.dynamicQr(bankA, m.id, q.id)).status, 'expired');
      if (!r.ok) assert.equal(qrRefusalError(r).status, 409);
      // an expiry in the past is refused up front
      assert.equal(
        await validationField(
          svc.createDynamicQr(bankA, m.id, { amount: 1n, expiresAt: new Date(clock.nowMs() - 1).toISOString() }),
        ),
        '/expiresAt',
      );
    });

    it('refuses unknown and suspended merchants, unknown and altered codes', async () => {
      const m = await svc.register(bankA, input({ merchantId: 'REF-1' }));
      const q = await svc.createDynamicQr(bankA, m.id, { amount: 10_000n });
      const model = decode(q.payload);

      const unknownMerchant = encode({ ...model, merchantAccount: { bic: 'KCJBKZKX', merchantId: 'NOBODY' } });
      assert.equal(await reasonOf(unknownMerchant), 'unknown_merchant');
      const otherBank = encode({ ...model, merchantAccount: { bic: 'HSBKKZKX', merchantId: 'REF-1' } });
      assert.equal(await reasonOf(otherBank), 'unknown_merchant');

      // a fresh CRC does not make an altered amount valid: the code is compared with the issued one
      assert.equal(await reasonOf(encode({ ...model, amount: 1n })), 'qr_mismatch');
      assert.equal(
        await reasonOf(encode({ ...model, additionalData: { referenceLabel: 'NEVER-ISSUED' } })),
        'unknown_qr',
      );
      assert.equal(await reasonOf(encode({ ...model, additionalData: undefined })), 'unknown_qr');

      await svc.changeStatus(bankA, m.id, 'suspend');
      assert.equal(await reasonOf(q.payload), 'merchant_suspended');
      await assert.rejects(svc.staticQr(bankA, m.id), (e: DomainError) => e.type === 'state');
      await assert.rejects(svc.createDynamicQr(bankA, m.id, { amount: 1n }), (e: DomainError) => e.type === 'state');
      await svc.changeStatus(bankA, m.id, 'activate');
      assert.ok((await svc.resolveQr(q.payload)).ok);
    });

    it('a malformed payload is a 400 naming the EMV problem', async () => {
      const m = await svc.register(bankA, input({ merchantId: 'CRC-1' }));
      const { payload } = await svc.staticQr(bankA, m.id);
      const broken = `${payload.slice(0, -4)}${payload.endsWith('0000') ? '0001' : '0000'}`;
      await assert.rejects(svc.resolveQr(broken), (e: DomainError) => {
        assert.equal(e.status, 400);
        assert.equal(e.reason, 'crc_mismatch');
        assert.equal(e.issues[0]?.field, '/payload');
        assert.match(e.message, /CRC/);
        return true;
      });
      await assert.rejects(svc.resolveQr('hello'), (e: DomainError) => e.status === 400);
    });

    it('amounts are checked against what the QR holds', async () => {
      const m = await svc.register(bankA, input({ merchantId: 'AMT-1' }));
      assert.equal(await validationField(svc.createDynamicQr(bankA, m.id, { amount: 0n })), '/amount');
      assert.equal(await validationField(svc.createDynamicQr(bankA, m.id, { amount: 1_000_000_000_000n })), '/amount');
      // labels too long for template 62 together
      assert.equal(
        await validationField(
          svc.createDynamicQr(bankA, m.id, {
            amount: 1n,
            billNumber: 'B'.repeat(25),
            terminalLabel: 'T'.repeat(25),
            purpose: 'P'.repeat(25),
          }),
        ),
        '/',
      );
    });

    async function reasonOf(payload: string): Promise<string> {
      const r = await svc.resolveQr(payload);
      return r.ok ? 'ok' : r.reason;
    }
  });
}
