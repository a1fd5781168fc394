/** IPS disputes over the API: a bank claims, the other answers, the operator decides; isolation and bad input. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines } from '../../src/platform/testing.ts';
import { startTestPlatform, type TestPlatform } from '../harness.ts';
import { I, lastSeq, type PayeeBank, pacs008, payeeBank } from './ips-kit.ts';

for (const engine of engines()) {
  describe(`IPS disputes API on ${engine}`, () => {
    let t: TestPlatform;
    let payee: PayeeBank;
    let operator: string;
    const banks: { id: string; bic: string; token: string }[] = [];
    const available = async (b: { token: string }) =>
      BigInt((await t.call('GET', `${I}/positions/mine`, { token: b.token })).body.available);
    /** A settled payment from bank 0 to bank 1; its id. */
    const settledPayment = async (amount: string) => {
      const [a, b] = banks;
      const r = await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: pacs008(a!.bic, b!.bic, amount) });
      assert.equal(r.body.cdtTrfTxInf?.[0]?.txSts ?? r.body.txInfAndSts?.[0]?.txSts, 'ACSC', JSON.stringify(r.body));
      return `${a!.bic}:ITX-${lastSeq()}`;
    };
    const url = (id: string, step = '') => `${I}/disputes/${encodeURIComponent(id)}${step ? `/${step}` : ''}`;

    before(async () => {
      t = await startTestPlatform(engine);
      operator = await t.login('operator');
      const all = (await t.call('GET', '/api/participants/v1/participants?type=bank', { cookie: operator })).body.items;
      for (const b of all.slice(0, 3)) banks.push({ id: b.id, bic: b.bic, token: await t.token(b.id) });
      payee = await payeeBank();
      const hook = await t.call('POST', '/api/participants/v1/webhooks', {
        token: banks[1]!.token,
        body: { url: payee.url, events: ['ips.pacs008'] },
      });
      assert.equal(hook.status, 201, JSON.stringify(hook.body));
      for (const [i, b] of banks.slice(0, 2).entries()) {
        const f = await t.call('POST', `${I}/positions`, {
          token: b.token,
          body: { id: `fund-d-${i}`, direction: 'fund', amount: '1000.00' },
        });
        assert.equal(f.status, 200, JSON.stringify(f.body));
      }
    });
    after(async () => {
      payee?.server.close();
      await t?.close();
    });

    it('claim → reject → escalate → operator decides for the claimant: the money is returned, history kept', async () => {
      const [a, b, c] = banks;
      const paymentId = await settledPayment('80.00');
      const before = await available(a!);
      const opened = await t.call('POST', `${I}/disputes`, {
        token: a!.token,
        body: { caseId: 'D-1', paymentId, reason: 'FRAD', amount: '50.00', description: 'account takeover' },
      });
      assert.equal(opened.status, 201, JSON.stringify(opened.body));
      assert.deepEqual([opened.body.status, opened.body.amount, opened.body.respondentBic], ['open', '50.00', b!.bic]);
      const id = opened.body.id as string;
      // the respondent sees it in its list; a stranger sees nothing
      const listed = await t.call('GET', `${I}/disputes?status=open`, { token: b!.token });
      assert.ok(listed.body.items.some((d: { id: string }) => d.id === id));
      assert.equal((await t.call('GET', url(id), { token: c!.token })).status, 404);
      assert.deepEqual((await t.call('GET', `${I}/disputes`, { token: c!.token })).body.items, []);

      const rejected = await t.call('POST', url(id, 'answer'), {
        token: b!.token,
        body: { accept: false, grounds: 'the recipient delivered the goods' },
      });
      assert.equal(rejected.body.status, 'rejected', JSON.stringify(rejected.body));
      // a bank may not decide
      assert.equal(
        (await t.call('POST', url(id, 'decide'), { token: a!.token, body: { outcome: 'claimant', grounds: 'x' } }))
          .status,
        403,
      );
      const escalated = await t.call('POST', url(id, 'escalate'), {
        token: a!.token,
        body: { grounds: 'police report 2026-1123' },
      });
      assert.equal(escalated.body.status, 'escalated');
      const decided = await t.call('POST', url(id, 'decide'), {
        cookie: operator,
        body: { outcome: 'claimant', grounds: 'the recipient is a confirmed mule' },
      });
      assert.equal(decided.status, 200, JSON.stringify(decided.body));
      assert.equal(decided.body.status, 'decided_for_claimant');
      assert.ok(decided.body.returnId);
      assert.equal((await available(a!)) - before, 5_000n);
      assert.deepEqual(
        decided.body.history.map((e: { action: string }) => e.action),
        ['open', 'reject', 'escalate', 'decide_claimant'],
      );
      // the operator's view; the decision is final
      assert.equal((await t.call('GET', url(id), { cookie: operator })).body.status, 'decided_for_claimant');
      const again = await t.call('POST', url(id, 'answer'), { token: b!.token, body: { accept: true } });
      assert.equal(again.status, 409, JSON.stringify(again.body));
      assert.equal((await available(a!)) - before, 5_000n);
    });

    it('bad input is refused naming the field or the reason, and opens nothing', async () => {
      const [a, b] = banks;
      const paymentId = await settledPayment('10.00');
      const open = (body: Record<string, unknown>, token = a!.token) =>
        t.call('POST', `${I}/disputes`, { token, body });
      const base = { caseId: 'D-BAD', paymentId, reason: 'FRAD', description: 'x' };
      const cases: [Record<string, unknown>, number, string][] = [
        [{ ...base, reason: 'OOPS' }, 400, '/reason'],
        [{ ...base, amount: 12.5 }, 400, '/amount'],
        [{ ...base, amount: '10.01' }, 400, '/amount'],
        [{ ...base, description: '' }, 400, '/description'],
        [{ ...base, extra: 1 }, 400, ''],
      ];
      for (const [body, status, field] of cases) {
        const r = await open(body);
        assert.equal(r.status, status, JSON.stringify(r.body));
        assert.equal(r.headers.get('content-type')?.startsWith('application/problem+json'), true);
        if (field) assert.ok(JSON.stringify(r.body.errors ?? []).includes(field), JSON.stringify(r.body));
      }
      assert.equal((await open(base, b!.token)).status, 404); // only the payer's bank claims
      const ok = await open(base);
      assert.equal(ok.status, 201);
      assert.equal((await open(base)).status, 409); // the case id is taken
      const noGrounds = await t.call('POST', url(ok.body.id, 'answer'), { token: b!.token, body: { accept: false } });
      assert.equal(noGrounds.status, 400, JSON.stringify(noGrounds.body));
      const listed = await t.call('GET', url(ok.body.id), { token: a!.token });
      assert.deepEqual([listed.body.status, listed.body.history.length], ['open', 1]);
    });
  });
}
