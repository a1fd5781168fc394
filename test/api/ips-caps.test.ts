/** IPS net debit caps over the API: reserved with each payment on the ledger, changed at once, refused cleanly. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines } from '../../src/platform/testing.ts';
import { startTestPlatform, type TestPlatform } from '../harness.ts';
import { I, type PayeeBank, pacs008, payeeBank } from './ips-kit.ts';

for (const engine of engines()) {
  describe(`IPS net debit caps on ${engine}`, () => {
    let t: TestPlatform;
    let operator: string;
    const endpoints: PayeeBank[] = [];
    const banks: { id: string; bic: string; token: string }[] = [];
    const pay = async (from: number, to: number, amount: string, account?: string) => {
      const r = await t.call('POST', `${I}/pacs.008`, {
        token: banks[from]!.token,
        body: pacs008(banks[from]!.bic, banks[to]!.bic, amount, account),
      });
      const s = r.body.txInfAndSts?.[0];
      return `${s?.txSts}${s?.stsRsnInf?.[0]?.rsn?.cd ? `/${s.stsRsnInf[0].rsn.cd}` : ''}`;
    };
    const setCap = (bic: string, cap: string | null, who: { cookie?: string; token?: string } = { cookie: operator }) =>
      t.call('PUT', `${I}/caps/${bic}`, { ...who, body: { cap, grounds: 'risk committee 2026-11' } });
    const mine = async (i: number) => (await t.call('GET', `${I}/caps/mine`, { token: banks[i]!.token })).body;

    before(async () => {
      t = await startTestPlatform(engine, { ipsAnswerTimeoutMs: 1500 });
      operator = await t.login('operator');
      const all = (await t.call('GET', '/api/participants/v1/participants?type=bank', { cookie: operator })).body.items;
      for (const b of all.slice(0, 2)) banks.push({ id: b.id, bic: b.bic, token: await t.token(b.id) });
      for (const [i, b] of banks.entries()) {
        const bank = await payeeBank();
        endpoints.push(bank);
        const hook = await t.call('POST', '/api/participants/v1/webhooks', {
          token: b.token,
          body: { url: bank.url, events: ['ips.pacs008'] },
        });
        assert.equal(hook.status, 201, JSON.stringify(hook.body));
        const f = await t.call('POST', `${I}/positions`, {
          token: b.token,
          body: { id: `fund-cap-${i}`, direction: 'fund', amount: '10000.00' },
        });
        assert.equal(f.status, 200, JSON.stringify(f.body));
      }
    });
    after(async () => {
      for (const e of endpoints) e.server.close();
      await t?.close();
    });

    it('counts the day’s net debit: sends minus receipts; over the cap is RJCT AM21 with the position untouched', async () => {
      const [a] = banks;
      assert.equal((await setCap(a!.bic, '100.00')).status, 200);
      assert.equal(await pay(0, 1, '60.00'), 'ACSC');
      const position = async () => (await t.call('GET', `${I}/positions/mine`, { token: a!.token })).body.available;
      const before = await position();
      assert.equal(await pay(0, 1, '50.00'), 'RJCT/AM21');
      assert.equal(await position(), before);
      assert.equal(await pay(1, 0, '30.00'), 'ACSC'); // receipts make room
      assert.equal(await pay(0, 1, '50.00'), 'ACSC');
      const used = await mine(0);
      assert.deepEqual([used.cap, used.netDebit, used.left], ['100.00', '80.00', '20.00']);
      // a payment the payee rejects releases its share of the cap with the reservation
      endpoints[1]!.decide = () => 'RJCT';
      assert.equal(await pay(0, 1, '20.00'), 'RJCT/AC04');
      endpoints[1]!.decide = () => 'ACCP';
      assert.equal((await mine(0)).left, '20.00');
      const totals = await t.call('GET', '/api/ledger/v1/totals', { cookie: operator });
      assert.equal(totals.status, 200, JSON.stringify(totals.body)); // 500 if balances did not sum to zero
    });

    it('a changed cap applies at once; lowering below today’s use is refused naming the field; history kept', async () => {
      const [a] = banks;
      const lower = await setCap(a!.bic, '50.00');
      assert.equal(lower.status, 409, JSON.stringify(lower.body));
      assert.equal(lower.body.reason, 'AM21');
      assert.ok(JSON.stringify(lower.body.errors).includes('/cap'));
      assert.equal((await mine(0)).cap, '100.00');
      assert.equal((await setCap(a!.bic, '300.00')).status, 200);
      assert.equal(await pay(0, 1, '200.00'), 'ACSC');
      assert.equal((await mine(0)).left, '20.00');
      assert.equal((await setCap(a!.bic, null)).status, 200);
      assert.equal(await pay(0, 1, '500.00'), 'ACSC');
      const m = await mine(0);
      assert.equal(m.cap, null);
      assert.deepEqual(
        m.history.map((h: { cap: string | null }) => h.cap),
        [null, '300.00', '100.00'],
      );
      const all = await t.call('GET', `${I}/caps`, { cookie: operator });
      assert.equal(all.status, 200);
      assert.ok(all.body.items.some((c: { bic: string }) => c.bic === a!.bic));
    });

    it('only the operator sets caps; bad values and unknown banks are refused and change nothing', async () => {
      const [a, b] = banks;
      assert.equal((await setCap(a!.bic, '1.00', { token: b!.token })).status, 403);
      assert.equal((await t.call('GET', `${I}/caps`, { token: a!.token })).status, 403);
      for (const cap of ['-1.00', '1.001', 'lots']) {
        const r = await setCap(a!.bic, cap);
        assert.equal(r.status, 400, JSON.stringify(r.body));
        assert.ok(JSON.stringify(r.body.errors).includes('/cap'), JSON.stringify(r.body));
      }
      const number = await t.call('PUT', `${I}/caps/${a!.bic}`, { cookie: operator, body: { cap: 5, grounds: 'x' } });
      assert.equal(number.status, 400);
      assert.equal((await setCap('ZZZZKZKA', '1.00')).status, 404);
      const noGrounds = await t.call('PUT', `${I}/caps/${a!.bic}`, { cookie: operator, body: { cap: '1.00' } });
      assert.equal(noGrounds.status, 400);
      assert.equal((await mine(0)).cap, null);
    });
  });
}
