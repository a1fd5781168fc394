import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines } from '../../src/platform/testing.ts';
import { startTestPlatform, type TestPlatform } from '../harness.ts';

const L = '/api/ledger/v1';

for (const engine of engines()) {
  describe(`ledger API on ${engine}`, () => {
    let t: TestPlatform;
    let nbk: string;
    let bank: string;
    let bankAccount: { id: string; owner: string; creditsPosted: string };
    let issuance: string;
    before(async () => {
      t = await startTestPlatform(engine);
      nbk = await t.login('central_bank');
      bank = await t.login('bank');
      const own = await t.call('GET', `${L}/accounts`, { cookie: bank });
      bankAccount = own.body.items[0];
      const all = await t.call('GET', `${L}/accounts?code=issuance`, { cookie: nbk });
      issuance = all.body.items[0].id;
    });
    after(async () => t?.close());

    it('a bank sees only its own accounts; another bank’s account answers 404', async () => {
      const own = await t.call('GET', `${L}/accounts`, { cookie: bank });
      assert.equal(own.status, 200);
      assert.ok(own.body.items.length >= 1);
      assert.ok(own.body.items.every((a: { owner: string }) => a.owner === bankAccount.owner));
      // asking for another owner is ignored, not honoured
      const all = await t.call('GET', `${L}/accounts?owner=someone-else`, { cookie: bank });
      assert.deepEqual(
        all.body.items.map((a: { id: string }) => a.id),
        own.body.items.map((a: { id: string }) => a.id),
      );
      const others = (await t.call('GET', `${L}/accounts?code=settlement`, { cookie: nbk })).body.items.filter(
        (a: { owner: string }) => a.owner !== bankAccount.owner,
      );
      assert.ok(others.length >= 4);
      assert.equal(
        (await t.call('GET', `${L}/accounts/${encodeURIComponent(others[0].id)}`, { cookie: bank })).status,
        404,
      );
      assert.equal(
        (await t.call('GET', `${L}/accounts/${encodeURIComponent(issuance)}/history`, { cookie: bank })).status,
        404,
      );
    });

    it('amounts: floats, 3 decimals, negatives, zero and garbage → 400 naming /amount, nothing posted', async () => {
      const before = (await t.call('GET', `${L}/accounts/${encodeURIComponent(bankAccount.id)}`, { cookie: nbk })).body;
      for (const amount of [100.5, '1.005', '-5.00', '0', 'ten', '1e3']) {
        const r = await t.call('POST', `${L}/transfers`, {
          cookie: nbk,
          body: {
            id: `bad-${String(amount)}`,
            debitAccountId: issuance,
            creditAccountId: bankAccount.id,
            amount,
            currency: 'KZT',
            code: 'test',
          },
        });
        assert.equal(r.status, 400, `${amount}: ${JSON.stringify(r.body)}`);
        assert.ok(
          r.body.errors.some((e: { field: string }) => e.field === '/amount'),
          JSON.stringify(r.body),
        );
      }
      const after = (await t.call('GET', `${L}/accounts/${encodeURIComponent(bankAccount.id)}`, { cookie: nbk })).body;
      assert.equal(after.creditsPosted, before.creditsPosted);
      const bad = await t.call('GET', `${L}/transfers/bad-100.5`, { cookie: nbk });
      assert.equal(bad.status, 404);
    });

    it('the central bank posts; the transfer id makes it idempotent; a bank may not post', async () => {
      const body = {
        id: 'inj-1',
        debitAccountId: issuance,
        creditAccountId: bankAccount.id,
        amount: '1000000.50',
        currency: 'KZT',
        code: 'liquidity',
      };
      const r1 = await t.call('POST', `${L}/transfers`, { cookie: nbk, body });
      assert.equal(r1.status, 201, JSON.stringify(r1.body));
      assert.equal(r1.body.amount, '100000050');
      // a second request with a new Idempotency-Key but the same transfer id is not applied twice
      const r2 = await t.call('POST', `${L}/transfers`, { cookie: nbk, body });
      assert.equal(r2.status, 201);
      assert.equal(r2.body.seq, r1.body.seq);
      const changed = await t.call('POST', `${L}/transfers`, { cookie: nbk, body: { ...body, amount: '5.00' } });
      assert.equal(changed.status, 409);
      assert.equal(changed.body.reason, 'DUPL');
      const hist = await t.call('GET', `${L}/accounts/${encodeURIComponent(bankAccount.id)}/history`, { cookie: bank });
      assert.equal(hist.body.entries.filter((e: { transfer: { id: string } }) => e.transfer.id === 'inj-1').length, 1);
      const byBank = await t.call('POST', `${L}/transfers`, { cookie: bank, body: { ...body, id: 'inj-2' } });
      assert.equal(byBank.status, 403);
    });

    it('a settlement account cannot go below zero: AM04, nothing moves', async () => {
      const acc = (await t.call('GET', `${L}/accounts/${encodeURIComponent(bankAccount.id)}`, { cookie: nbk })).body;
      const tooMuch = (BigInt(acc.creditsPosted) - BigInt(acc.debitsPosted) + 1n).toString();
      const amount = `${tooMuch.slice(0, -2)}.${tooMuch.slice(-2)}`;
      const r = await t.call('POST', `${L}/transfers`, {
        cookie: nbk,
        body: {
          id: 'overdraft-1',
          debitAccountId: bankAccount.id,
          creditAccountId: issuance,
          amount,
          currency: 'KZT',
          code: 'withdrawal',
        },
      });
      assert.equal(r.status, 422, JSON.stringify(r.body));
      assert.equal(r.body.reason, 'AM04');
      const after = (await t.call('GET', `${L}/accounts/${encodeURIComponent(bankAccount.id)}`, { cookie: nbk })).body;
      assert.equal(after.debitsPosted, acc.debitsPosted);
      const totals = await t.call('GET', `${L}/totals`, { cookie: nbk });
      assert.equal(totals.status, 200);
      assert.deepEqual(totals.body.sumOfBalances, { posted: '0', pending: '0' });
    });

    it('the dashboard shows counts and ledger totals', async () => {
      const r = await t.call('GET', '/api/platform/v1/dashboard', { cookie: nbk });
      assert.equal(r.status, 200);
      assert.equal(r.body.health.status, 'ok');
      assert.equal(r.body.health.engine, engine);
      assert.equal(r.body.counts.participants, 13);
      assert.ok(r.body.counts.ledgerAccounts >= 6);
      const kzt = r.body.ledgerTotals.find((x: { currency: string }) => x.currency === 'KZT');
      assert.equal(kzt.debitsPosted, kzt.creditsPosted);
      // a bank's dashboard totals only its own accounts
      const mine = await t.call('GET', '/api/platform/v1/dashboard', { cookie: bank });
      const own = (await t.call('GET', `${L}/accounts`, { cookie: bank })).body.items;
      assert.equal(mine.body.counts.ledgerAccounts, own.length);
      const ownCredits = own.reduce((s: bigint, a: { creditsPosted: string }) => s + BigInt(a.creditsPosted), 0n);
      assert.equal(mine.body.ledgerTotals[0].creditsPosted, ownCredits.toString());
    });
  });
}
