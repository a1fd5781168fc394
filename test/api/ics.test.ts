import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { build, parse } from '../../packages/iso20022/index.ts';
import { officialXsdDir } from '../../packages/iso20022/testing.ts';
import { engines } from '../../src/platform/testing.ts';
import { startTestPlatform, type TestPlatform } from '../harness.ts';

const I = '/api/ics/v1';
const run = `${process.pid}-${Date.now().toString(36)}`;
let seq = 0;
const next = () => `${run}-${++seq}`;

const payment = (to: string, amount: unknown, o: { currency?: string; txId?: string } = {}) => {
  const n = next();
  return { txId: o.txId ?? `TX-${n}`, endToEndId: `E2E-${n}`, receiverBic: to, amount, currency: o.currency ?? 'KZT' };
};
const batch = (...payments: unknown[]) => ({ msgId: `MSG-${next()}`, payments });

function pacs008(from: string, to: string, amount: string) {
  const n = next();
  return {
    grpHdr: {
      msgId: `P8-${n}`,
      creDtTm: '2026-11-23T10:00:00+05:00',
      nbOfTxs: 1,
      sttlmInf: { sttlmMtd: 'CLRG' },
      instgAgt: { finInstnId: { bicfi: from } },
    },
    cdtTrfTxInf: [
      {
        pmtId: { endToEndId: `E2E-${n}`, txId: `P8TX-${n}` },
        intrBkSttlmAmt: { amount, ccy: 'KZT' },
        intrBkSttlmDt: '2026-11-23',
        chrgBr: 'SLEV',
        dbtr: { nm: 'Pension Fund' },
        dbtrAgt: { finInstnId: { bicfi: from } },
        cdtrAgt: { finInstnId: { bicfi: to } },
        cdtr: { nm: 'Aigerim Sarsenova' },
      },
    ],
  };
}

const enc = encodeURIComponent;

for (const engine of engines()) {
  describe(`ICS API on ${engine}`, () => {
    let t: TestPlatform;
    let operator: string;
    const banks: { id: string; bic: string; token: string }[] = [];
    before(async () => {
      t = await startTestPlatform(engine, { iso20022XsdDir: officialXsdDir() });
      operator = await t.login('operator');
      const all = (await t.call('GET', '/api/participants/v1/participants?type=bank', { cookie: operator })).body.items;
      for (const b of all.slice(0, 3)) banks.push({ id: b.id, bic: b.bic, token: await t.token(b.id) });
    });
    after(async () => t?.close());

    it('takes a batch into the open cycle, answering each payment; the receiver sees it, others do not', async () => {
      const [a, b, c] = banks;
      const cur = await t.call('GET', `${I}/cycles/current`, { token: a!.token });
      assert.equal(cur.status, 200, JSON.stringify(cur.body));
      assert.match(cur.body.id, /^\d{4}-\d{2}-\d{2}#\d+$/);
      const r = await t.call('POST', `${I}/payments`, {
        token: a!.token,
        body: batch(payment(b!.bic, '1500.00'), payment(c!.bic, '5000000.00')),
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.cycleId, cur.body.id);
      assert.deepEqual(
        r.body.transactions.map((x: { status: string }) => x.status),
        ['ACSP', 'ACSP'],
      );
      const id = r.body.transactions[0].paymentId;
      const seen = await t.call('GET', `${I}/payments/${enc(id)}`, { token: b!.token });
      assert.equal(seen.status, 200);
      assert.deepEqual([seen.body.amount, seen.body.status, seen.body.cycleId], ['150000', 'accepted', cur.body.id]);
      // the third bank neither sent nor received it
      assert.equal((await t.call('GET', `${I}/payments/${enc(id)}`, { token: c!.token })).status, 404);
      const listed = await t.call('GET', `${I}/payments`, { token: b!.token });
      assert.ok(listed.body.items.some((p: { id: string }) => p.id === id));
      assert.ok(
        !(await t.call('GET', `${I}/payments`, { token: c!.token })).body.items.some(
          (p: { id: string }) => p.id === id,
        ),
      );
      // a TPP has no settlement role and no BIC
      const tpp = await t.login('tpp');
      const forbidden = await t.call('POST', `${I}/payments`, { cookie: tpp, body: batch(payment(b!.bic, '1.00')) });
      assert.equal(forbidden.status, 403);
      assert.deepEqual((await t.call('GET', `${I}/payments`, { cookie: tpp })).body.items, []);
      const regulator = await t.login('regulator');
      const oversight = await t.call('GET', `${I}/payments?limit=1000`, { cookie: regulator });
      assert.ok(oversight.body.items.some((p: { id: string }) => p.id === id));
      // oversight narrows to one participant; a bank cannot widen its view with the same filter
      const ofC = await t.call('GET', `${I}/payments?limit=1000&bic=${c!.bic}`, { cookie: regulator });
      assert.ok(!ofC.body.items.some((p: { id: string }) => p.id === id));
      const ofB = await t.call('GET', `${I}/payments?limit=1000&bic=${b!.bic}`, { cookie: regulator });
      assert.ok(ofB.body.items.some((p: { id: string }) => p.id === id));
      const widened = await t.call('GET', `${I}/payments?bic=${b!.bic}`, { token: c!.token });
      assert.ok(!widened.body.items.some((p: { id: string }) => p.id === id));
    });

    it('refuses bad input: floats and 3 decimals are 400 naming the field; limit, BIC, currency, repeats per payment', async () => {
      const [a, b] = banks;
      const float = await t.call('POST', `${I}/payments`, { token: a!.token, body: batch(payment(b!.bic, 10.5)) });
      assert.equal(float.status, 400);
      assert.ok(
        float.body.errors.some((e: { field: string }) => e.field === '/payments/0/amount'),
        JSON.stringify(float.body),
      );
      const three = await t.call('POST', `${I}/payments`, {
        token: a!.token,
        body: batch(payment(b!.bic, '1.00'), payment(b!.bic, '1.005')),
      });
      assert.equal(three.status, 400);
      assert.ok(
        three.body.errors.some((e: { field: string }) => e.field === '/payments/1/amount'),
        JSON.stringify(three.body),
      );
      const extra = await t.call('POST', `${I}/payments`, {
        token: a!.token,
        body: batch({ ...payment(b!.bic, '1.00'), note: 'x' }),
      });
      assert.equal(extra.status, 400);

      const used = payment(b!.bic, '2.00');
      const body = batch(
        payment(b!.bic, '5000000.01'),
        payment('NOPEKZKA', '3.00'),
        payment(b!.bic, '3.00', { currency: 'USD' }),
        used,
        { ...payment(b!.bic, '4.00'), txId: used.txId },
      );
      const r = await t.call('POST', `${I}/payments`, { token: a!.token, body });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.status, 'PART');
      assert.deepEqual(
        r.body.transactions.map((x: { status: string; reason?: string }) => x.reason ?? x.status),
        ['AM02', 'RC01', 'AM03', 'ACSP', 'DUPL'],
      );
      const rejected = await t.call('GET', `${I}/payments/${enc(r.body.transactions[0].paymentId)}`, {
        token: a!.token,
      });
      assert.deepEqual([rejected.body.status, rejected.body.reason], ['rejected', 'AM02']);
      // the same message id again (another Idempotency-Key): DUPL
      const again = await t.call('POST', `${I}/payments`, { token: a!.token, body });
      assert.equal(again.status, 409);
      assert.equal(again.body.reason, 'DUPL');
      // a transaction id is used once
      const reuse = await t.call('POST', `${I}/payments`, {
        token: a!.token,
        body: batch({ ...payment(b!.bic, '1.00'), txId: used.txId }),
      });
      assert.deepEqual([reuse.body.status, reuse.body.transactions[0].reason], ['RJCT', 'DUPL']);
      // the same Idempotency-Key replays the first answer
      const key = crypto.randomUUID();
      const once = batch(payment(b!.bic, '9.00'));
      const first = await t.call('POST', `${I}/payments`, { token: a!.token, body: once, key });
      const replay = await t.call('POST', `${I}/payments`, { token: a!.token, body: once, key });
      assert.equal(replay.status, 200);
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(replay.body, first.body);
    });

    it('takes pacs.008 as JSON and XML and answers pacs.002 (ACSP with the cycle), valid against the XSD', async () => {
      const [a, b] = banks;
      const json = await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: pacs008(a!.bic, b!.bic, '250.75') });
      assert.equal(json.status, 200, JSON.stringify(json.body));
      const tx = json.body.txInfAndSts[0];
      assert.equal(tx.txSts, 'ACSP');
      const current = (await t.call('GET', `${I}/cycles/current`, { token: a!.token })).body.id;
      assert.equal(tx.clrSysRef, current);
      assert.equal(json.body.orgnlGrpInfAndSts[0].grpSts, 'ACSP');

      const msg = pacs008(a!.bic, b!.bic, '1.00');
      const model = {
        ...msg,
        cdtTrfTxInf: msg.cdtTrfTxInf.map((x) => ({ ...x, intrBkSttlmAmt: { amount: 600_000_000n, ccy: 'KZT' } })),
      };
      const xml = build({ type: 'pacs.008.001.09', message: model as never });
      const r = await t.call('POST', `${I}/pacs.008`, {
        token: a!.token,
        raw: xml,
        headers: { 'content-type': 'application/xml' },
      });
      assert.equal(r.status, 200, String(r.body));
      assert.match(r.headers.get('content-type') ?? '', /application\/xml/);
      const report = parse(r.body as string, { expect: 'pacs.002.001.11', xsdDir: officialXsdDir() });
      const sts = (report.message as { txInfAndSts: { txSts: string; stsRsnInf: { rsn: { cd: string } }[] }[] })
        .txInfAndSts[0]!;
      assert.deepEqual([sts.txSts, sts.stsRsnInf[0]!.rsn.cd], ['RJCT', 'AM02'], '6,000,000 KZT is over the limit');

      const three = await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: pacs008(a!.bic, b!.bic, '1.005') });
      assert.equal(three.status, 400);
      assert.ok(
        three.body.errors.some((e: { field: string }) => e.field === '/cdtTrfTxInf/0/intrBkSttlmAmt/amount'),
        JSON.stringify(three.body),
      );
      const spoof = await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: pacs008(b!.bic, a!.bic, '1.00') });
      assert.equal(spoof.status, 403);
    });

    it('the operator closes the cycle: net positions settle in IMTS; each bank reads its own report row', async () => {
      const [a, b, c] = banks;
      const balance = async (x: { token: string }) =>
        BigInt((await t.call('GET', '/api/imts/v1/balance', { token: x.token })).body.available);
      await t.call('POST', `${I}/payments`, { token: b!.token, body: batch(payment(c!.bic, '100.00')) });
      const cycleId = (await t.call('GET', `${I}/cycles/current`, { token: a!.token })).body.id;
      const open = await t.call('GET', `${I}/cycles/${enc(cycleId)}`, { token: a!.token });
      assert.equal(open.body.status, 'open');
      const expected = (await t.call('GET', `${I}/payments?limit=1000&cycleId=${enc(cycleId)}`, { cookie: operator }))
        .body.items;
      const net = (bic: string) =>
        expected
          .filter((p: { status: string }) => p.status === 'accepted')
          .reduce(
            (s: bigint, p: { senderBic: string; receiverBic: string; amount: string }) =>
              s + (p.receiverBic === bic ? BigInt(p.amount) : 0n) - (p.senderBic === bic ? BigInt(p.amount) : 0n),
            0n,
          );
      const before = [await balance(a!), await balance(b!), await balance(c!)];

      assert.equal((await t.call('POST', `${I}/cycles/${enc(cycleId)}/close`, { token: a!.token })).status, 403);
      const closed = await t.call('POST', `${I}/cycles/${enc(cycleId)}/close`, { cookie: operator });
      assert.equal(closed.status, 200, JSON.stringify(closed.body));
      assert.equal(closed.body.status, 'closed');
      assert.equal(closed.body.rejectedCount, 0);
      assert.deepEqual(
        [await balance(a!), await balance(b!), await balance(c!)],
        [before[0]! + net(a!.bic), before[1]! + net(b!.bic), before[2]! + net(c!.bic)],
      );
      const again = await t.call('POST', `${I}/cycles/${enc(cycleId)}/close`, { cookie: operator });
      assert.equal(again.status, 409);

      const own = await t.call('GET', `${I}/cycles/${enc(cycleId)}/report`, { token: a!.token });
      assert.equal(own.status, 200, JSON.stringify(own.body));
      assert.deepEqual(
        own.body.items.map((r: { participant: string }) => r.participant),
        [a!.bic],
      );
      assert.equal(BigInt(own.body.items[0].net), net(a!.bic));
      assert.equal(own.body.items[0].status, 'settled');
      const all = await t.call('GET', `${I}/cycles/${enc(cycleId)}/report`, { cookie: await t.login('regulator') });
      assert.ok(all.body.items.length >= 3);
      const settled = await t.call('GET', `${I}/payments?status=settled&cycleId=${enc(cycleId)}`, { token: c!.token });
      assert.ok(settled.body.items.length >= 1);
      assert.ok(settled.body.items.every((p: { status: string }) => p.status === 'settled'));

      // new payments go to the next cycle
      const later = await t.call('POST', `${I}/payments`, { token: a!.token, body: batch(payment(b!.bic, '1.00')) });
      assert.notEqual(later.body.cycleId, cycleId);
      const cycles = await t.call('GET', `${I}/cycles?status=closed`, { token: a!.token });
      assert.ok(cycles.body.items.some((x: { id: string }) => x.id === cycleId));
      assert.equal((await t.call('GET', `${I}/cycles/not-a-cycle`, { token: a!.token })).status, 400);
    });
  });
}
