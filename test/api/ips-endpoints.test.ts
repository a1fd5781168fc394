import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines } from '../../src/platform/testing.ts';
import { startTestPlatform, type TestPlatform } from '../harness.ts';
import { I, type PayeeBank, pacs008, payeeBank } from './ips-kit.ts';

for (const engine of engines()) {
  describe(`IPS deliveries follow the payee bank's endpoints on ${engine}`, () => {
    let t: TestPlatform;
    const hosts: PayeeBank[] = [];
    let payer: { bic: string; token: string };
    let payee: { bic: string; token: string };

    before(async () => {
      t = await startTestPlatform(engine);
      const operator = await t.login('operator');
      const [a, b] = (await t.call('GET', '/api/participants/v1/participants?type=bank', { cookie: operator })).body
        .items;
      payer = { bic: a.bic, token: await t.token(a.id) };
      payee = { bic: b.bic, token: await t.token(b.id) };
      const funded = await t.call('POST', `${I}/positions`, {
        token: payer.token,
        body: { id: 'fund-endpoints', direction: 'fund', amount: '100.00' },
      });
      assert.equal(funded.status, 200, JSON.stringify(funded.body));
    });
    after(async () => {
      for (const h of hosts) h.server.close();
      await t?.close();
    });

    const host = async () => {
      const h = await payeeBank();
      hosts.push(h);
      const r = await t.call('POST', '/api/participants/v1/webhooks', {
        token: payee.token,
        body: { url: h.url, events: ['ips.pacs008'] },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return { bank: h, endpointId: r.body.id as string };
    };
    const pay = async () => {
      const r = await t.call('POST', `${I}/pacs.008`, {
        token: payer.token,
        body: pacs008(payer.bic, payee.bic, '1.00'),
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body.txInfAndSts[0].txSts as string;
    };

    it('a payment right after the payee bank replaced its endpoint goes to the new one, not one found before', async () => {
      const old = await host();
      assert.equal(await pay(), 'ACSC');
      assert.equal(old.bank.received.length, 1);
      // the bank moves to a new host: disables the old endpoint, registers the new one
      const off = await t.call('DELETE', `/api/participants/v1/webhooks/${old.endpointId}`, { token: payee.token });
      assert.equal(off.status, 200, JSON.stringify(off.body));
      const moved = await host();
      assert.equal(await pay(), 'ACSC');
      assert.equal(old.bank.received.length, 1, 'nothing more to the disabled endpoint');
      assert.equal(moved.bank.received.length, 1);
    });
  });
}
