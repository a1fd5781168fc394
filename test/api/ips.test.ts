import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { build, parse } from '../../packages/iso20022/index.ts';
import { officialXsdDir } from '../../packages/iso20022/testing.ts';
import { iban, iin } from '../../src/ips/aliases/fixtures.test-helper.ts';
import { verifyWebhookSignature } from '../../src/platform/index.ts';
import { engines } from '../../src/platform/testing.ts';
import { startTestPlatform, type TestPlatform } from '../harness.ts';
import { eventually, I, lastSeq, type PayeeBank, pacs008, payeeBank } from './ips-kit.ts';

for (const engine of engines()) {
  describe(`IPS API on ${engine}`, () => {
    let t: TestPlatform;
    let payee: PayeeBank;
    const banks: { id: string; bic: string; token: string }[] = [];
    const position = async (b: { token: string }) =>
      (await t.call('GET', `${I}/positions/mine`, { token: b.token })).body as {
        available: string;
        reserved: string;
        balance: string;
      };

    before(async () => {
      t = await startTestPlatform(engine, { ipsAnswerTimeoutMs: 1500 });
      const operator = await t.login('operator');
      const all = (await t.call('GET', '/api/participants/v1/participants?type=bank', { cookie: operator })).body.items;
      for (const b of all.slice(0, 3)) banks.push({ id: b.id, bic: b.bic, token: await t.token(b.id) });
      payee = await payeeBank();
      const hook = await t.call('POST', '/api/participants/v1/webhooks', {
        token: banks[1]!.token,
        body: { url: payee.url, events: ['ips.pacs008'] },
      });
      assert.equal(hook.status, 201, JSON.stringify(hook.body));
      payee.secret = hook.body.secret;
      const funded = await t.call('POST', `${I}/positions`, {
        token: banks[0]!.token,
        body: { id: 'fund-1', direction: 'fund', amount: '1000.00' },
      });
      assert.equal(funded.status, 200, JSON.stringify(funded.body));
    });
    after(async () => {
      payee?.server.close();
      await t?.close();
    });

    it('settles at once when the payee bank accepts; the delivery is signed; money moves once', async () => {
      const [a, b] = banks;
      const before = await position(a!);
      const msg = pacs008(a!.bic, b!.bic, '100.00');
      const r = await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: msg });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.txInfAndSts[0].txSts, 'ACSC');
      const got = payee.received.at(-1)!;
      assert.equal(got.id, `${a!.bic}:ITX-${lastSeq()}`);
      assert.ok(
        verifyWebhookSignature({
          secret: payee.secret,
          id: got.headers['webhook-id']!,
          timestamp: got.headers['webhook-timestamp']!,
          signature: got.headers['webhook-signature']!,
          body: got.body,
          now: new Date(),
        }),
      );
      const after = await position(a!);
      assert.equal(BigInt(before.available) - BigInt(after.available), 10000n);
      assert.equal(after.reserved, '0');
      assert.equal((await position(b!)).balance, '10000');
      // the same transaction again: the same answer, no second delivery, no second debit
      const deliveries = payee.received.length;
      const again = await t.call('POST', `${I}/pacs.008`, {
        token: a!.token,
        body: { ...msg, grpHdr: { ...msg.grpHdr, msgId: `${msg.grpHdr.msgId}-again` } },
      });
      assert.equal(again.body.txInfAndSts[0].txSts, 'ACSC');
      assert.equal(payee.received.length, deliveries);
      assert.equal((await position(a!)).available, after.available);
    });

    it('releases the reservation when the payee bank rejects, with its reason', async () => {
      const [a, b] = banks;
      payee.decide = () => 'RJCT';
      const before = await position(a!);
      const r = await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: pacs008(a!.bic, b!.bic, '50.00') });
      payee.decide = () => 'ACCP';
      assert.deepEqual([r.body.txInfAndSts[0].txSts, r.body.txInfAndSts[0].stsRsnInf[0].rsn.cd], ['RJCT', 'AC04']);
      assert.deepEqual(await position(a!), before);
    });

    it('takes a later answer through the API, and voids at the deadline when none comes (AB05)', async () => {
      const [a, b] = banks;
      payee.decide = () => 'later';
      const id = `${a!.bic}:ITX-${lastSeq() + 1}`;
      const pending = t.call('POST', `${I}/pacs.008`, { token: a!.token, body: pacs008(a!.bic, b!.bic, '10.00') });
      // the payee answers once the delivery has reached it
      await eventually(() => payee.received.find((x) => x.id === id));
      const ans = await t.call('POST', `${I}/payments/${encodeURIComponent(id)}/answer`, {
        token: b!.token,
        body: { txSts: 'ACCP' },
      });
      assert.equal(ans.status, 200, JSON.stringify(ans.body));
      assert.equal((await pending).body.txInfAndSts[0].txSts, 'ACSC');

      const before = await position(a!);
      const silent = await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: pacs008(a!.bic, b!.bic, '10.00') });
      payee.decide = () => 'ACCP';
      assert.deepEqual(
        [silent.body.txInfAndSts[0].txSts, silent.body.txInfAndSts[0].stsRsnInf[0].rsn.cd],
        ['RJCT', 'AB05'],
      );
      assert.deepEqual(await position(a!), before);
      // a late acceptance changes nothing
      const late = await t.call('POST', `${I}/payments/${encodeURIComponent(`${a!.bic}:ITX-${lastSeq()}`)}/answer`, {
        token: b!.token,
        body: { txSts: 'ACCP' },
      });
      assert.deepEqual([late.body.status, late.body.reason], ['RJCT', 'AB05']);
      // the payee, whose answer came too late, is told the outcome too
      const told = await t.app.platform.db.query<{ participant_id: string }>(
        `SELECT participant_id FROM webhook_deliveries WHERE event_type = 'ips.pacs002' AND idempotency_key = $1`,
        [`${a!.bic}:ITX-${lastSeq()}`],
      );
      assert.deepEqual(told.map((r) => r.participant_id).sort(), [a!.id, b!.id].sort());
    });

    it('refuses what the position does not cover (AM04) without delivering; bad input changes nothing', async () => {
      const [a, b, c] = banks;
      const deliveries = payee.received.length;
      const r = await t.call('POST', `${I}/pacs.008`, {
        token: c!.token,
        body: pacs008(c!.bic, b!.bic, '1.00'),
      });
      assert.deepEqual([r.body.txInfAndSts[0].txSts, r.body.txInfAndSts[0].stsRsnInf[0].rsn.cd], ['RJCT', 'AM04']);
      assert.equal(payee.received.length, deliveries);
      const before = await position(a!);
      const float = pacs008(a!.bic, b!.bic, '1.00');
      (float.cdtTrfTxInf[0]!.intrBkSttlmAmt as { amount: unknown }).amount = 1.5;
      const bad = await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: float });
      assert.equal(bad.status, 400);
      const two = pacs008(a!.bic, b!.bic, '1.00');
      const twice = await t.call('POST', `${I}/pacs.008`, {
        token: a!.token,
        body: { ...two, cdtTrfTxInf: [two.cdtTrfTxInf[0], two.cdtTrfTxInf[0]] },
      });
      assert.equal(twice.status, 400);
      const self = await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: pacs008(a!.bic, a!.bic, '1.00') });
      assert.equal(self.body.txInfAndSts[0].stsRsnInf[0].rsn.cd, 'AC01');
      assert.deepEqual(await position(a!), before);
    });

    it('shows a payment to its payer and payee only; pacs.028 answers own transactions', async () => {
      const [a, b, c] = banks;
      await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: pacs008(a!.bic, b!.bic, '2.00') });
      const id = `${a!.bic}:ITX-${lastSeq()}`;
      for (const [who, status] of [
        [a, 200],
        [b, 200],
        [c, 404],
      ] as const) {
        assert.equal(
          (await t.call('GET', `${I}/payments/${encodeURIComponent(id)}`, { token: who!.token })).status,
          status,
        );
      }
      const s = await t.call('POST', `${I}/pacs.028`, {
        token: a!.token,
        body: { txIds: [`ITX-${lastSeq()}`, 'NOPE'] },
      });
      assert.deepEqual(
        s.body.statuses.map((x: { status: string }) => x.status),
        ['ACSC', 'RJCT'],
      );
      const foreign = await t.call('POST', `${I}/pacs.028`, { token: c!.token, body: { txIds: [`ITX-${lastSeq()}`] } });
      assert.equal(foreign.body.statuses[0].reason, 'NOOR');
    });

    it('pays a phone alias: the directory gives the payee bank and account; an unknown phone is BE23', async () => {
      const [a, b] = banks;
      const account = iban(7);
      const reg = await t.call('POST', `${I}/aliases`, {
        token: b!.token,
        body: { phone: '8 701 555 12 34', accountId: account, holderName: 'Dauren Ospanov', holderIin: iin(7) },
      });
      assert.equal(reg.status, 201, JSON.stringify(reg.body));
      const byPhone = (phone: string) => {
        const m = pacs008(a!.bic, b!.bic, '3.00');
        // the payer bank looked the phone up first (confirmation of payee): it names the bank, the directory
        // gives the account
        (m.cdtTrfTxInf[0] as Record<string, unknown>).cdtrAcct = { id: { othr: { id: phone } }, prxy: { id: phone } };
        return m;
      };
      const r = await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: byPhone('+77015551234') });
      assert.equal(r.body.txInfAndSts?.[0].txSts, 'ACSC', JSON.stringify(r.body));
      const p = await t.call('GET', `${I}/payments/${encodeURIComponent(`${a!.bic}:ITX-${lastSeq()}`)}`, {
        token: a!.token,
      });
      assert.deepEqual([p.body.payeeBic, p.body.creditorAccount, p.body.alias], [b!.bic, account, '+77015551234']);
      const unknown = await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: byPhone('+77015550000') });
      assert.deepEqual(
        [unknown.body.txInfAndSts[0].txSts, unknown.body.txInfAndSts[0].stsRsnInf[0].rsn.cd],
        ['RJCT', 'BE23'],
      );
    });

    it("pays a merchant's dynamic QR once and a static QR with the entered amount; the payer pays no fee", async () => {
      const [a, b] = banks;
      const m = await t.call('POST', `${I}/merchants`, {
        token: b!.token,
        body: { merchantId: 'SHOP-1', name: 'Steppe Coffee', city: 'Almaty', mcc: '5814', account: iban(9) },
      });
      assert.equal(m.status, 201, JSON.stringify(m.body));
      const dyn = await t.call('POST', `${I}/merchants/${m.body.id}/qr`, {
        token: b!.token,
        body: { amount: '15.00' },
      });
      assert.equal(dyn.status, 201, JSON.stringify(dyn.body));
      const before = await position(a!);
      const pay = (qr: string, txId: string, amount?: string) =>
        t.call('POST', `${I}/qr-payments`, {
          token: a!.token,
          body: { txId, endToEndId: `E-${txId}`, qr, ...(amount ? { amount } : {}) },
        });
      const r = await pay(dyn.body.payload, 'QR-1');
      assert.equal(r.body.txInfAndSts?.[0].txSts, 'ACSC', JSON.stringify(r.body));
      assert.equal(BigInt(before.available) - BigInt((await position(a!)).available), 1500n);
      const p = await t.call('GET', `${I}/payments/${encodeURIComponent(`${a!.bic}:QR-1`)}`, { token: b!.token });
      assert.deepEqual([p.body.payeeBic, p.body.creditorAccount], [b!.bic, iban(9)]);
      // paid once: a second payment of the same code is refused, nothing moves
      const again = await pay(dyn.body.payload, 'QR-2');
      assert.equal(again.status, 409, JSON.stringify(again.body));
      assert.equal(BigInt(before.available) - BigInt((await position(a!)).available), 1500n);
      // a static code needs the amount the customer entered
      const st = await t.call('GET', `${I}/merchants/${m.body.id}/qr`, { token: b!.token });
      assert.equal((await pay(st.body.payload, 'QR-3')).status, 400);
      assert.equal((await pay(st.body.payload, 'QR-4', '7.00')).body.txInfAndSts[0].txSts, 'ACSC');
      assert.equal(BigInt(before.available) - BigInt((await position(a!)).available), 2200n);
      // a tampered code is refused with the problem named
      const bad = await pay(`${st.body.payload.slice(0, -4)}0000`, 'QR-5', '1.00');
      assert.equal(bad.status, 400);
    });

    it("Me2Me: settles between one person's accounts; another person's account is BE01", async () => {
      const [a, b] = banks;
      const account = iban(11);
      await t.call('POST', `${I}/aliases`, {
        token: b!.token,
        body: { phone: '+77015559911', accountId: account, holderName: 'Aigerim Sarsenova', holderIin: iin(11) },
      });
      const me2me = (debtorIin: string) => {
        const m = pacs008(a!.bic, b!.bic, '4.00');
        const tx = m.cdtTrfTxInf[0] as Record<string, unknown>;
        tx.pmtTpInf = { ctgyPurp: { prtry: 'ME2ME' } };
        tx.dbtr = { nm: 'Aigerim Sarsenova', id: { prvtId: { othr: [{ id: debtorIin, schmeNm: { cd: 'NIDN' } }] } } };
        tx.cdtrAcct = { id: { othr: { id: '+77015559911' } }, prxy: { id: '+77015559911' } };
        return m;
      };
      const ok = await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: me2me(iin(11)) });
      assert.equal(ok.body.txInfAndSts?.[0].txSts, 'ACSC', JSON.stringify(ok.body));
      const before = await position(a!);
      const other = await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: me2me(iin(12)) });
      assert.deepEqual(
        [other.body.txInfAndSts[0].txSts, other.body.txInfAndSts[0].stsRsnInf[0].rsn.cd],
        ['RJCT', 'BE01'],
      );
      assert.deepEqual(await position(a!), before);
      const m = me2me(iin(11));
      delete (m.cdtTrfTxInf[0] as Record<string, unknown>).dbtr;
      (m.cdtTrfTxInf[0] as Record<string, unknown>).dbtr = { nm: 'Aigerim Sarsenova' };
      assert.equal((await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: m })).status, 400);
    });

    it('request to pay: delivered to the payer bank, accepted into a settled payment, told by pain.014', async () => {
      const [a, b] = banks;
      for (const [bank, events] of [
        [a!, ['ips.pain013']],
        [b!, ['ips.pain014']],
      ] as const) {
        const h = await t.call('POST', '/api/participants/v1/webhooks', {
          token: bank.token,
          body: { url: `${payee.url}/rtp`, events },
        });
        assert.equal(h.status, 201, JSON.stringify(h.body));
      }
      const rtp = (e2e: string, amount: string) => ({
        grpHdr: {
          msgId: `RTP-${e2e}`,
          creDtTm: '2026-11-23T10:00:00+05:00',
          nbOfTxs: 1,
          initgPty: { nm: 'Steppe Coffee' },
        },
        pmtInf: [
          {
            pmtMtd: 'TRF',
            reqdExctnDt: { dt: '2026-11-23' },
            xpryDt: { dtTm: new Date(Date.now() + 3600_000).toISOString() },
            dbtr: { nm: 'Aigerim Sarsenova' },
            dbtrAgt: { finInstnId: { bicfi: a!.bic } },
            cdtTrfTx: [
              {
                pmtId: { endToEndId: e2e },
                amt: { instdAmt: { amount, ccy: 'KZT' } },
                chrgBr: 'SLEV',
                cdtrAgt: { finInstnId: { bicfi: b!.bic } },
                cdtr: { nm: 'Steppe Coffee' },
                cdtrAcct: { id: { iban: iban(21) } },
              },
            ],
          },
        ],
      });
      const sent = await t.call('POST', `${I}/pain.013`, { token: b!.token, body: rtp('RTP-E2E-1', '12.00') });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      const id = sent.body.id;
      // the payer bank got it by webhook
      await eventually(() =>
        payee.received.find((x) => x.body.includes('"ips.pain013"') && x.body.includes('RTP-E2E-1')),
      );
      // not visible to a third bank; the requester cannot accept its own request
      assert.equal(
        (await t.call('GET', `${I}/requests/${encodeURIComponent(id)}`, { token: banks[2]!.token })).status,
        404,
      );
      assert.equal(
        (
          await t.call('POST', `${I}/requests/${encodeURIComponent(id)}/accept`, {
            token: b!.token,
            body: { txId: 'X' },
          })
        ).status,
        404,
      );
      const before = await position(a!);
      const acc = await t.call('POST', `${I}/requests/${encodeURIComponent(id)}/accept`, {
        token: a!.token,
        body: { txId: 'RTP-PAY-1' },
      });
      assert.equal(acc.status, 200, JSON.stringify(acc.body));
      assert.deepEqual([acc.body.request.status, acc.body.payment.status], ['paid', 'ACSC']);
      assert.equal(BigInt(before.available) - BigInt((await position(a!)).available), 1200n);
      // paid once: accepting again is refused
      const again = await t.call('POST', `${I}/requests/${encodeURIComponent(id)}/accept`, {
        token: a!.token,
        body: { txId: 'RTP-PAY-2' },
      });
      assert.equal(again.status, 409);
      // the requester's pain.014 (ACCP) is valid ISO 20022
      const report = await eventually(() =>
        payee.received.find((x) => x.body.includes('"ips.pain014"') && x.body.includes('RTP-E2E-1')),
      );
      const event = JSON.parse(report.body);
      const xml = build({ type: 'pain.014.001.08', message: event.data });
      const parsed = parse(xml, { expect: 'pain.014.001.08', xsdDir: officialXsdDir() });
      assert.equal(
        (parsed.message as { orgnlPmtInfAndSts: { txInfAndSts: { txSts: string }[] }[] }).orgnlPmtInfAndSts[0]!
          .txInfAndSts[0]!.txSts,
        'ACCP',
      );
      // declined: nothing moves, the request is closed
      const other = await t.call('POST', `${I}/pain.013`, { token: b!.token, body: rtp('RTP-E2E-2', '5.00') });
      const dec = await t.call('POST', `${I}/requests/${encodeURIComponent(other.body.id)}/decline`, {
        token: a!.token,
        body: { reason: 'AC04' },
      });
      assert.deepEqual([dec.status, dec.body.status, dec.body.reason], [200, 'declined', 'AC04']);
      // a duplicate request id is refused
      assert.equal(
        (await t.call('POST', `${I}/pain.013`, { token: b!.token, body: rtp('RTP-E2E-2', '5.00') })).status,
        409,
      );
    });

    it('returns a settled payment in parts, never more than it; a recall is answered by a return or rejected', async () => {
      const [a, b, c] = banks;
      const fundB = await t.call('POST', `${I}/positions`, {
        token: b!.token,
        body: { id: 'fund-b', direction: 'fund', amount: '100.00' },
      });
      assert.equal(fundB.status, 200, JSON.stringify(fundB.body));
      await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: pacs008(a!.bic, b!.bic, '20.00') });
      const id = encodeURIComponent(`${a!.bic}:ITX-${lastSeq()}`);
      const ret = (who: { token: string }, rtrId: string, amount?: string) =>
        t.call('POST', `${I}/payments/${id}/return`, {
          token: who.token,
          body: { rtrId, reason: 'AC04', ...(amount ? { amount } : {}) },
        });
      const before = await position(a!);
      assert.equal((await ret(b!, 'R1', '5.00')).status, 201);
      assert.equal(BigInt((await position(a!)).available) - BigInt(before.available), 500n);
      assert.equal((await ret(b!, 'R2', '15.01')).status, 400); // more than the 15.00 left
      assert.equal((await ret(b!, 'R1', '1.00')).status, 409); // the return id is used
      assert.equal((await ret(a!, 'R3', '1.00')).status, 404); // the payer cannot "return" it
      assert.equal((await ret(c!, 'R3', '1.00')).status, 404);

      // a recall: the payee answers by returning what is left
      const opened = await t.call('POST', `${I}/payments/${id}/recall`, {
        token: a!.token,
        body: { caseId: 'CASE-1', reason: 'FRAD' },
      });
      assert.equal(opened.status, 201, JSON.stringify(opened.body));
      const caseId = encodeURIComponent(opened.body.id);
      assert.equal((await t.call('GET', `${I}/recalls/${caseId}`, { token: c!.token })).status, 404);
      const answered = await t.call('POST', `${I}/recalls/${caseId}/answer`, {
        token: b!.token,
        body: { accept: true, rtrId: 'R-CASE-1' },
      });
      assert.deepEqual([answered.status, answered.body.status], [200, 'returned']);
      assert.equal(BigInt((await position(a!)).available) - BigInt(before.available), 2000n);
      assert.equal((await ret(b!, 'R4', '0.01')).status, 400); // nothing left

      // a recall of another payment rejected with a reason; money stays
      await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: pacs008(a!.bic, b!.bic, '3.00') });
      const other = encodeURIComponent(`${a!.bic}:ITX-${lastSeq()}`);
      const o = await t.call('POST', `${I}/payments/${other}/recall`, {
        token: a!.token,
        body: { caseId: 'CASE-2', reason: 'DUPL' },
      });
      const rejected = await t.call('POST', `${I}/recalls/${encodeURIComponent(o.body.id)}/answer`, {
        token: b!.token,
        body: { accept: false, reason: 'CUST' },
      });
      assert.deepEqual([rejected.body.status, rejected.body.answerReason], ['rejected', 'CUST']);
    });

    it('returns as pacs.004 (JSON and XML, XSD-valid answers): each return settles or is refused on its own', async () => {
      const [a, b] = banks;
      await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: pacs008(a!.bic, b!.bic, '30.00') });
      const orgnlTxId = `ITX-${lastSeq()}`;
      const pacs004 = (rtrId: string, amount: string | bigint, msgId = `RTR-${rtrId}`) => ({
        grpHdr: {
          msgId,
          creDtTm: '2026-11-23T10:00:00+05:00',
          nbOfTxs: 1,
          sttlmInf: { sttlmMtd: 'CLRG' },
          instgAgt: { finInstnId: { bicfi: b!.bic } },
          instdAgt: { finInstnId: { bicfi: a!.bic } },
        },
        txInf: [
          {
            rtrId,
            orgnlTxId,
            rtrdIntrBkSttlmAmt: { amount, ccy: 'KZT' },
            rtrRsnInf: [{ rsn: { cd: 'AC04' } }],
          },
        ],
      });
      const before = await position(a!);
      const ok = await t.call('POST', `${I}/pacs.004`, { token: b!.token, body: pacs004('P4-1', '10.00') });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(ok.body.txInfAndSts[0].txSts, 'ACSC', JSON.stringify(ok.body));
      assert.equal(BigInt((await position(a!)).available) - BigInt(before.available), 1000n);
      const over = await t.call('POST', `${I}/pacs.004`, { token: b!.token, body: pacs004('P4-2', '25.00') });
      assert.deepEqual(
        [over.body.txInfAndSts[0].txSts, over.body.txInfAndSts[0].stsRsnInf[0].rsn.cd],
        ['RJCT', 'AM02'],
      );
      // the payer cannot return its own payment: it reads like an unknown one
      const wrong = await t.call('POST', `${I}/pacs.004`, {
        token: a!.token,
        body: {
          ...pacs004('P4-3', '1.00'),
          grpHdr: { ...pacs004('P4-3', '1.00').grpHdr, instgAgt: { finInstnId: { bicfi: a!.bic } } },
        },
      });
      assert.equal(wrong.body.txInfAndSts[0].txSts, 'RJCT');
      const xml = build({ type: 'pacs.004.001.10', message: pacs004('P4-4', 500n) } as never);
      const answered = await t.call('POST', `${I}/pacs.004`, {
        token: b!.token,
        raw: xml,
        headers: { 'content-type': 'application/xml' },
      });
      assert.equal(answered.status, 200, String(answered.body));
      const report = parse(String(answered.body), { expect: 'pacs.002.001.11', xsdDir: officialXsdDir() });
      assert.equal((report.message as { txInfAndSts: { txSts: string }[] }).txInfAndSts[0]!.txSts, 'ACSC');
      assert.equal(BigInt((await position(a!)).available) - BigInt(before.available), 1500n);
    });

    it('screened by the Anti-Fraud Center: a confirmed fraudster is refused FRAD; a suspect settles with a hold on the credit', async () => {
      const [a, b] = banks;
      const police = await t.login('law_enforcement');
      const [fraudster, suspect] = [iban(9101), iban(9102)];
      const listed = await t.call('POST', '/api/afc/v1/lists/entries', {
        cookie: police,
        body: {
          entries: [
            { kind: 'account', value: fraudster, status: 'confirmed', source: 'case-ips-1', reason: 'court decision' },
            { kind: 'account', value: suspect, status: 'suspect', source: 'case-ips-2', reason: 'reported by a bank' },
          ],
        },
      });
      assert.equal(listed.status, 200, JSON.stringify(listed.body));
      const before = await position(a!);
      const blocked = await t.call('POST', `${I}/pacs.008`, {
        token: a!.token,
        body: pacs008(a!.bic, b!.bic, '10.00', fraudster),
      });
      assert.deepEqual(
        [blocked.body.txInfAndSts[0].txSts, blocked.body.txInfAndSts[0].stsRsnInf[0].rsn.cd],
        ['RJCT', 'FRAD'],
      );
      assert.deepEqual(await position(a!), before);
      const seen = payee.received.length;
      const held = await t.call('POST', `${I}/pacs.008`, {
        token: a!.token,
        body: pacs008(a!.bic, b!.bic, '10.00', suspect),
      });
      assert.equal(held.body.txInfAndSts[0].txSts, 'ACSC', JSON.stringify(held.body));
      const delivery = JSON.parse(payee.received.slice(seen).at(-1)!.body);
      assert.equal(delivery.screening.decision, 'review');
      assert.equal(delivery.screening.action, 'hold_credit');
      // held for the rail's policy time (72 h by default), then released unless the suspect is confirmed
      const holdMs = Date.parse(delivery.screening.holdUntil) - Date.now();
      assert.ok(holdMs <= 72 * 3_600_000 && holdMs > 72 * 3_600_000 - 60_000, `held ${holdMs} ms from now`);
      // an ordinary payment carries no screening note
      await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: pacs008(a!.bic, b!.bic, '1.00') });
      assert.equal(JSON.parse(payee.received.at(-1)!.body).screening, undefined);
    });

    it('the monitor counts outcomes, reasons and decision times for oversight only', async () => {
      const operator = await t.login('operator');
      const m = await t.call('GET', `${I}/stats?minutes=60`, { cookie: operator });
      assert.equal(m.status, 200, JSON.stringify(m.body));
      assert.ok(m.body.settled >= 3 && m.body.rejected >= 2, JSON.stringify(m.body));
      assert.equal(m.body.total, m.body.settled + m.body.rejected + m.body.inFlight);
      assert.ok(m.body.reasons.AM04 >= 1 && m.body.reasons.AB05 >= 1, JSON.stringify(m.body.reasons));
      assert.ok(m.body.decisionMs.p50 <= m.body.decisionMs.p99 && m.body.decisionMs.p99 <= m.body.decisionMs.max);
      assert.equal(
        m.body.perMinute.reduce(
          (n: number, x: { settled: number; rejected: number; inFlight: number }) =>
            n + x.settled + x.rejected + x.inFlight,
          0,
        ),
        m.body.total,
      );
      assert.equal(m.body.decisionMs.sample, m.body.settled);
      assert.equal((await t.call('GET', `${I}/stats`, { token: banks[0]!.token })).status, 403);
    });

    it('B2B: a supplier payment names its invoice; the payee bank receives it; without one it is 400, nothing moves', async () => {
      const [a, b] = banks;
      const b2b = (invoice?: string) => {
        const m = pacs008(a!.bic, b!.bic, '250.00');
        const tx = m.cdtTrfTxInf[0]! as Record<string, unknown>;
        tx.pmtTpInf = { ctgyPurp: { cd: 'SUPP' } };
        if (invoice) tx.rmtInf = { strd: [{ rfrdDocInf: [{ tp: { cdOrPrtry: { cd: 'CINV' } }, nb: invoice }] }] };
        return m;
      };
      const before = await position(a!);
      const bad = await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: b2b() });
      assert.equal(bad.status, 400, JSON.stringify(bad.body));
      assert.equal(bad.body.errors[0].field, '/cdtTrfTxInf/0/rmtInf/strd/0/rfrdDocInf/0/nb');
      assert.deepEqual(await position(a!), before);
      const seen = payee.received.length;
      const ok = await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: b2b('INV-2026-0042') });
      assert.equal(ok.body.txInfAndSts[0].txSts, 'ACSC', JSON.stringify(ok.body));
      const delivered = payee.received.slice(seen).map((r) => r.body);
      assert.ok(delivered.some((body) => body.includes('INV-2026-0042')));
    });

    it('tariffs: published with history, fees charged to the right bank, C2B free for the payer, monthly statement', async () => {
      const [a, b] = banks;
      const operator = await t.login('operator');
      const publish = (
        body: Record<string, unknown>,
        who: { cookie?: string; token?: string } = { cookie: operator },
      ) => t.call('POST', `${I}/tariffs`, { ...who, body });
      const c2c = await publish({
        paymentType: 'c2c',
        charged: 'payer_bank',
        fixed: '0.50',
        bps: 10,
        min: '0.50',
        max: '100.00',
      });
      assert.equal(c2c.status, 201, JSON.stringify(c2c.body));
      const bad = await publish({ paymentType: 'c2b', charged: 'payer_bank', fixed: '1.00', bps: 0 });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.errors[0].field, '/charged');
      assert.equal(
        (await publish({ paymentType: 'c2c', charged: 'payer_bank', fixed: '1.00', bps: 0 }, { token: a!.token }))
          .status,
        403,
      );
      assert.equal((await publish({ paymentType: 'c2b', charged: 'payee_bank', fixed: '1.00', bps: 0 })).status, 201);
      const list = await t.call('GET', `${I}/tariffs`, { token: a!.token });
      assert.ok(list.body.items.length >= 2);

      const month = new Date().toISOString().slice(0, 7);
      const statement = async (who: { token: string }) =>
        (await t.call('GET', `${I}/fees/statement?month=${month}`, { token: who.token })).body;
      const aBefore = BigInt((await statement(a!)).total);
      // oversight names the bank; a bank reads only its own
      const noBank = await t.call('GET', `${I}/fees/statement?month=${month}`, { cookie: operator });
      assert.deepEqual([noBank.status, noBank.body.errors?.[0]?.field], [400, '/bic']);
      const ofA = await t.call('GET', `${I}/fees/statement?month=${month}&bic=${a!.bic}`, { cookie: operator });
      assert.equal(ofA.body.total, (await statement(a!)).total);
      const other = await t.call('GET', `${I}/fees/statement?month=${month}&bic=${b!.bic}`, { token: a!.token });
      assert.equal(other.status, 404);
      // C2C 100.00: 0.50 + 0.10 % = 0.60 to the payer's bank
      const r = await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: pacs008(a!.bic, b!.bic, '100.00') });
      assert.equal(r.body.txInfAndSts[0].txSts, 'ACSC', JSON.stringify(r.body));
      assert.equal(BigInt((await statement(a!)).total) - aBefore, 60n);
      // a rejected payment costs nothing
      payee.decide = () => 'RJCT';
      await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: pacs008(a!.bic, b!.bic, '100.00') });
      payee.decide = () => 'ACCP';
      assert.equal(BigInt((await statement(a!)).total) - aBefore, 60n);
      // C2B: the payee's bank pays 1.00, the payer's bank nothing
      const m = await t.call('POST', `${I}/merchants`, {
        token: b!.token,
        body: { merchantId: 'SHOP-FEE', name: 'Fee Shop', city: 'Almaty', mcc: '5411', account: iban(31) },
      });
      const st = await t.call('GET', `${I}/merchants/${m.body.id}/qr`, { token: b!.token });
      const bBefore = BigInt((await statement(b!)).total);
      const qr = await t.call('POST', `${I}/qr-payments`, {
        token: a!.token,
        body: { txId: 'FEE-QR-1', endToEndId: 'E-FEE-QR-1', qr: st.body.payload, amount: '50.00' },
      });
      assert.equal(qr.body.txInfAndSts[0].txSts, 'ACSC', JSON.stringify(qr.body));
      assert.equal(BigInt((await statement(b!)).total) - bBefore, 100n);
      assert.equal(BigInt((await statement(a!)).total) - aBefore, 60n);
      const lines = (await statement(b!)).lines.map((l: { paymentType: string }) => l.paymentType);
      assert.ok(lines.includes('c2b'));
    });

    it('a bulk file is answered at once, processed in the background, each item with its own status', async () => {
      const [a, b, c] = banks;
      const item = (n: number, extra: Record<string, string>) => ({
        txId: `BULK-${n}`,
        endToEndId: `E-BULK-${n}`,
        amount: '1.00',
        ...extra,
      });
      const r = await t.call('POST', `${I}/bulk`, {
        token: a!.token,
        body: {
          bulkId: 'B-1',
          payments: [
            item(1, { payeeBic: b!.bic, creditorAccount: 'KZ86125KZT5004100100', remittance: 'INV-2026-001' }),
            item(2, { alias: '+77015550001' }),
            item(3, { payeeBic: b!.bic, creditorAccount: 'KZ86125KZT5004100100' }),
          ],
        },
      });
      assert.equal(r.status, 202, JSON.stringify(r.body));
      assert.equal(r.body.items, 3);
      const id = encodeURIComponent(r.body.id);
      let view = r.body;
      while (view.status !== 'done') view = (await t.call('GET', `${I}/bulk/${id}`, { token: a!.token })).body;
      assert.deepEqual(
        view.results.map((x: { status: string; reason: string | null }) => [x.status, x.reason]),
        [
          ['ACSC', null],
          ['RJCT', 'BE23'],
          ['ACSC', null],
        ],
      );
      assert.deepEqual([view.settled, view.rejected, view.pending], [2, 1, 0]);
      assert.equal((await t.call('GET', `${I}/bulk/${id}`, { token: c!.token })).status, 404);
      const again = await t.call('POST', `${I}/bulk`, {
        token: a!.token,
        body: { bulkId: 'B-1', payments: [item(9, { payeeBic: b!.bic, creditorAccount: 'X' })] },
      });
      assert.equal(again.status, 409);
    });

    it('defunds back to IMTS; never more than is available', async () => {
      const [a] = banks;
      const before = await position(a!);
      const over = await t.call('POST', `${I}/positions`, {
        token: a!.token,
        body: { id: 'defund-too-much', direction: 'defund', amount: '1000000.00' },
      });
      assert.equal(over.status, 422, JSON.stringify(over.body));
      const ok = await t.call('POST', `${I}/positions`, {
        token: a!.token,
        body: { id: 'defund-1', direction: 'defund', amount: '1.00' },
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.equal(BigInt(before.available) - BigInt((await position(a!)).available), 100n);
    });
  });
}
