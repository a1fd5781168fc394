/** IMTS API: cancellation requests (camt.056 → camt.029) and returns (pacs.004 → pacs.002), JSON and XML. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build, type MessageType, parse, parseAmount } from '../../packages/iso20022/index.ts';
import { officialXsdDir } from '../../packages/iso20022/testing.ts';
import { engines } from '../../src/platform/testing.ts';
import { startTestPlatform, type TestPlatform } from '../harness.ts';

const I = '/api/imts/v1';
const XML = { 'content-type': 'application/xml' };
const NOW = '2026-11-23T10:00:00+05:00';
let seq = 0;

interface Bank {
  id: string;
  bic: string;
  token: string;
}

const agent = (bic: string) => ({ finInstnId: { bicfi: bic } });

function pacs008(from: string, to: string, amount: string) {
  const n = ++seq;
  return {
    grpHdr: {
      msgId: `RC-MSG-${Date.now()}-${n}`,
      creDtTm: NOW,
      nbOfTxs: 1,
      sttlmInf: { sttlmMtd: 'CLRG' },
      instgAgt: agent(from),
      instdAgt: agent(to),
    },
    cdtTrfTxInf: [
      {
        pmtId: { endToEndId: `RC-E2E-${n}`, txId: `RC-TX-${n}` },
        intrBkSttlmAmt: { amount, ccy: 'KZT' },
        intrBkSttlmDt: '2026-11-23',
        chrgBr: 'SLEV',
        dbtr: { nm: 'Aigerim Sarsenova' },
        dbtrAgt: agent(from),
        cdtrAgt: agent(to),
        cdtr: { nm: 'Steppe Trading LLP' },
      },
    ],
  };
}

function camt056(from: string, txs: Record<string, unknown>[], group?: Record<string, unknown>) {
  return {
    assgnmt: {
      id: `CXL-${Date.now()}-${++seq}`,
      assgnr: { agt: agent(from) },
      assgne: { pty: { nm: 'NDFI IMTS' } },
      creDtTm: NOW,
    },
    undrlyg: [{ ...(group ? { orgnlGrpInfAndCxl: group } : {}), ...(txs.length ? { txInf: txs } : {}) }],
  };
}

function pacs004(from: string, to: string | undefined, txs: Record<string, unknown>[]) {
  return {
    grpHdr: {
      msgId: `RTR-${Date.now()}-${++seq}`,
      creDtTm: NOW,
      nbOfTxs: txs.length,
      sttlmInf: { sttlmMtd: 'CLRG' },
      instgAgt: agent(from),
      ...(to ? { instdAgt: agent(to) } : {}),
    },
    txInf: txs,
  };
}

const returnTx = (rtrId: string, original: { txId: string; e2e: string; msgId: string }, amount: string) => ({
  rtrId,
  orgnlGrpInf: { orgnlMsgId: original.msgId, orgnlMsgNmId: 'pacs.008.001.09' },
  orgnlEndToEndId: original.e2e,
  orgnlTxId: original.txId,
  rtrdIntrBkSttlmAmt: { amount, ccy: 'KZT' },
  rtrRsnInf: [{ rsn: { cd: 'AC04' } }],
});

/** The JSON model with amounts as decimal strings → the package's model (bigint minor units). */
const toModel = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(toModel);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  if (typeof o.amount === 'string' && typeof o.ccy === 'string' && Object.keys(o).length === 2)
    return { amount: parseAmount(o.amount, o.ccy), ccy: o.ccy };
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, toModel(x)]));
};
const xmlOf = (type: MessageType, json: unknown) => build({ type, message: toModel(json) } as never);

/** Validates against the official XSD (the package's libxml2 validator, and xmllint when installed). */
function assertXsdValid(type: MessageType, xml: string) {
  parse(xml, { expect: type, xsdDir: officialXsdDir() });
  if (existsSync('/usr/bin/xmllint')) {
    const f = join(mkdtempSync(join(tmpdir(), 'ndfi-xml-')), `${type}.xml`);
    writeFileSync(f, xml);
    execFileSync('xmllint', ['--noout', '--schema', join(officialXsdDir(), `${type}.xsd`), f], { stdio: 'pipe' });
  }
}

for (const engine of engines()) {
  describe(`IMTS cancellations and returns API on ${engine}`, () => {
    let t: TestPlatform;
    let operator: string;
    let cb: string;
    const banks: Bank[] = [];
    let fresh: Bank;

    const send = async (from: Bank, to: Bank, amount: string) => {
      const msg = pacs008(from.bic, to.bic, amount);
      const r = await t.call('POST', `${I}/pacs.008`, { token: from.token, body: msg });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const tx = msg.cdtTrfTxInf[0]!.pmtId;
      return {
        status: r.body.txInfAndSts[0].txSts as string,
        id: `${from.bic}:${tx.txId}`,
        txId: tx.txId,
        e2e: tx.endToEndId,
        msgId: msg.grpHdr.msgId,
      };
    };
    const available = async (b: Bank) =>
      BigInt((await t.call('GET', `${I}/balance`, { token: b.token })).body.available);
    const payment = async (b: Bank, id: string) =>
      (await t.call('GET', `${I}/payments/${encodeURIComponent(id)}`, { token: b.token })).body;

    before(async () => {
      t = await startTestPlatform(engine, { iso20022XsdDir: officialXsdDir() });
      operator = await t.login('operator');
      cb = await t.login('central_bank');
      const all = (await t.call('GET', '/api/participants/v1/participants?type=bank', { cookie: operator })).body.items;
      for (const b of all.slice(0, 3)) banks.push({ id: b.id, bic: b.bic, token: await t.token(b.id) });
      // a bank with no liquidity: everything it sends waits in the queue
      const r = await t.call('POST', '/api/participants/v1/participants', {
        cookie: operator,
        body: { name: 'Recall Test Bank', type: 'bank', bic: 'RCLLKZKA' },
      });
      fresh = { id: r.body.id, bic: 'RCLLKZKA', token: await t.token(r.body.id) };
    });
    after(async () => t?.close());

    it('cancels a queued payment by camt.056 JSON: camt.029 CNCL/ACCR, no money moves', async () => {
      const [a] = banks;
      const p = await send(fresh, a!, '100.00');
      assert.equal(p.status, 'PDNG');
      const before = [await available(fresh), await available(a!)];
      const r = await t.call('POST', `${I}/camt.056`, {
        token: fresh.token,
        body: camt056(fresh.bic, [
          {
            cxlId: 'CX-1',
            orgnlGrpInf: { orgnlMsgId: p.msgId, orgnlMsgNmId: 'pacs.008.001.09' },
            orgnlEndToEndId: p.e2e,
            orgnlTxId: p.txId,
            cxlRsnInf: [{ rsn: { cd: 'DUPL' } }],
          },
        ]),
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.sts.conf, 'CNCL');
      assert.deepEqual(r.body.assgnmt.assgne, { agt: agent(fresh.bic) });
      const tx = r.body.cxlDtls[0].txInfAndSts[0];
      assert.deepEqual(
        [tx.cxlStsId, tx.orgnlTxId, tx.orgnlEndToEndId, tx.txCxlSts, tx.orgnlIntrBkSttlmAmt],
        ['CX-1', p.txId, p.e2e, 'ACCR', { amount: '10000', ccy: 'KZT' }],
      );
      const after = await payment(fresh, p.id);
      assert.deepEqual([after.status, after.reason], ['cancelled', 'DUPL']);
      assert.deepEqual([await available(fresh), await available(a!)], before);
      const queue = await t.call('GET', `${I}/queue`, { token: fresh.token });
      assert.equal(queue.body.items.length, 0);
      // its status by pacs.028, as XML: a cancellation reason outside pacs.002's list is given as NARR
      const sts = xmlOf('pacs.028.001.04', {
        grpHdr: { msgId: `STS-${++seq}`, creDtTm: NOW },
        txInf: [{ orgnlTxId: p.txId }],
      });
      const s = await t.call('POST', `${I}/pacs.028`, { token: fresh.token, raw: sts, headers: XML });
      assert.equal(s.status, 200, JSON.stringify(s.body));
      assert.match(s.body as string, /<TxSts>CANC<\/TxSts>/);
    });

    it('takes camt.056 XML (a whole message, a settled one, an unknown one) and answers XSD-valid camt.029 XML', async () => {
      const [a, b] = banks;
      const msg = pacs008(fresh.bic, a!.bic, '5.00');
      msg.cdtTrfTxInf.push({
        ...msg.cdtTrfTxInf[0]!,
        pmtId: { endToEndId: 'RC-E2E-2ND', txId: `RC-TX-2ND-${seq}` },
        intrBkSttlmAmt: { amount: '6.00', ccy: 'KZT' },
      });
      msg.grpHdr.nbOfTxs = 2;
      const sent = await t.call('POST', `${I}/pacs.008`, { token: fresh.token, body: msg });
      assert.deepEqual(
        sent.body.txInfAndSts.map((x: { txSts: string }) => x.txSts),
        ['PDNG', 'PDNG'],
      );
      const whole = camt056(fresh.bic, [], {
        grpCxlId: 'GRP-1',
        orgnlMsgId: msg.grpHdr.msgId,
        orgnlMsgNmId: 'pacs.008.001.09',
        grpCxl: true,
        cxlRsnInf: [{ rsn: { cd: 'CUST' } }],
      });
      const r = await t.call('POST', `${I}/camt.056`, {
        token: fresh.token,
        raw: xmlOf('camt.056.001.09', whole),
        headers: XML,
      });
      assert.equal(r.status, 200, String(r.body));
      assert.match(r.headers.get('content-type') ?? '', /application\/xml/);
      assertXsdValid('camt.029.001.10', r.body as string);
      const answer = parse(r.body as string, { expect: 'camt.029.001.10' }).message as {
        sts: { conf: string };
        cxlDtls: { orgnlGrpInfAndSts: { grpCxlSts: string }; txInfAndSts: { txCxlSts: string }[] }[];
      };
      assert.equal(answer.sts.conf, 'CNCL');
      assert.equal(answer.cxlDtls[0]!.orgnlGrpInfAndSts.grpCxlSts, 'ACCR');
      assert.deepEqual(
        answer.cxlDtls[0]!.txInfAndSts.map((x) => x.txCxlSts),
        ['ACCR', 'ACCR'],
      );

      // mixed: a settled payment (ARDT) and an unknown one (NOOR) beside a queued one: PECR
      const settled = await send(a!, b!, '1.00');
      assert.equal(settled.status, 'ACSC');
      const queued = await send(fresh, a!, '7.00');
      const mixed = camt056(a!.bic, [{ orgnlTxId: settled.txId }, { orgnlTxId: 'RC-NEVER-SENT' }]);
      const m = await t.call('POST', `${I}/camt.056`, {
        token: a!.token,
        raw: xmlOf('camt.056.001.09', mixed),
        headers: XML,
      });
      assertXsdValid('camt.029.001.10', m.body as string);
      const refused = parse(m.body as string, { expect: 'camt.029.001.10' }).message as {
        sts: { conf: string };
        cxlDtls: { txInfAndSts: { txCxlSts: string; cxlStsRsnInf: { rsn: { cd: string } }[] }[] }[];
      };
      assert.equal(refused.sts.conf, 'RJCR');
      assert.deepEqual(
        refused.cxlDtls[0]!.txInfAndSts.map((x) => [x.txCxlSts, x.cxlStsRsnInf[0]!.rsn.cd]),
        [
          ['RJCR', 'ARDT'],
          ['RJCR', 'NOOR'],
        ],
      );
      const partly = await t.call('POST', `${I}/camt.056`, {
        token: fresh.token,
        raw: xmlOf('camt.056.001.09', camt056(fresh.bic, [{ orgnlTxId: queued.txId }, { orgnlTxId: 'RC-NOPE' }])),
        headers: XML,
      });
      assertXsdValid('camt.029.001.10', partly.body as string);
      assert.match(partly.body as string, /<Conf>PECR<\/Conf>/);
    });

    it('refuses to cancel a settled payment and changes nothing; another bank’s payment reads like an unknown one', async () => {
      const [a, b] = banks;
      const settled = await send(a!, b!, '2.00');
      const queuedOfFresh = await send(fresh, b!, '3.00');
      const snapshot = async () => ({
        balances: [await available(a!), await available(b!), await available(fresh)],
        settled: await payment(a!, settled.id),
        queued: await payment(fresh, queuedOfFresh.id),
      });
      const before = await snapshot();
      const r = await t.call('POST', `${I}/camt.056`, {
        token: a!.token,
        body: camt056(a!.bic, [{ orgnlTxId: settled.txId, orgnlEndToEndId: settled.e2e }]),
      });
      assert.equal(r.status, 200);
      assert.equal(r.body.sts.conf, 'RJCR');
      const tx = r.body.cxlDtls[0].txInfAndSts[0];
      assert.deepEqual([tx.txCxlSts, tx.cxlStsRsnInf[0].rsn.cd], ['RJCR', 'ARDT']);
      // the receiver (b) and a bystander asking for the fresh bank's payment learn nothing
      const ask = async (who: Bank, txId: string, e2e?: string) => {
        const res = await t.call('POST', `${I}/camt.056`, {
          token: who.token,
          body: camt056(who.bic, [{ orgnlTxId: txId, ...(e2e ? { orgnlEndToEndId: e2e } : {}) }]),
        });
        return res.body.cxlDtls[0].txInfAndSts[0];
      };
      const foreign = await ask(b!, queuedOfFresh.txId, queuedOfFresh.e2e);
      const unknown = await ask(b!, 'RC-UNKNOWN', queuedOfFresh.e2e);
      assert.deepEqual({ ...foreign, orgnlTxId: 'X' }, { ...unknown, orgnlTxId: 'X' });
      assert.equal(foreign.cxlStsRsnInf[0].rsn.cd, 'NOOR');
      assert.equal(foreign.orgnlIntrBkSttlmAmt, undefined, 'nothing about the payment is echoed');
      const byE2e = await t.call('POST', `${I}/camt.056`, {
        token: b!.token,
        body: camt056(b!.bic, [{ orgnlEndToEndId: queuedOfFresh.e2e }]),
      });
      assert.equal(byE2e.body.cxlDtls[0].txInfAndSts[0].cxlStsRsnInf[0].rsn.cd, 'NOOR');
      // in another bank's name: refused outright
      const spoof = await t.call('POST', `${I}/camt.056`, {
        token: b!.token,
        body: camt056(fresh.bic, [{ orgnlTxId: queuedOfFresh.txId }]),
      });
      assert.equal(spoof.status, 403);
      const bad = await t.call('POST', `${I}/camt.056`, { token: a!.token, body: camt056(a!.bic, [{ cxlId: 'X' }]) });
      assert.equal(bad.status, 400);
      assert.deepEqual(await snapshot(), before, 'nothing changed');
    });

    it('returns a settled payment in parts (JSON and XML); refuses over-returns, duplicates and unknowns', async () => {
      const [a, b, c] = banks;
      const original = await send(a!, b!, '10.00');
      assert.equal(original.status, 'ACSC');
      const start = [await available(a!), await available(b!)];

      const part = await t.call('POST', `${I}/pacs.004`, {
        token: b!.token,
        body: pacs004(b!.bic, a!.bic, [returnTx(`R1-${seq}`, original, '4.00')]),
      });
      assert.equal(part.status, 200, JSON.stringify(part.body));
      assert.equal(part.body.orgnlGrpInfAndSts[0].orgnlMsgNmId, 'pacs.004.001.10');
      assert.equal(part.body.txInfAndSts[0].txSts, 'ACSC');
      assert.deepEqual([await available(a!), await available(b!)], [start[0]! + 400n, start[1]! - 400n]);

      const rest = pacs004(b!.bic, a!.bic, [returnTx(`R2-${seq}`, original, '6.00')]);
      const x = await t.call('POST', `${I}/pacs.004`, {
        token: b!.token,
        raw: xmlOf('pacs.004.001.10', rest),
        headers: XML,
      });
      assert.equal(x.status, 200, String(x.body));
      assertXsdValid('pacs.002.001.11', x.body as string);
      assert.match(x.body as string, /<TxSts>ACSC<\/TxSts>/);
      assert.deepEqual([await available(a!), await available(b!)], [start[0]! + 1000n, start[1]! - 1000n]);

      const snapshot = [await available(a!), await available(b!), await available(c!)];
      const over = await t.call('POST', `${I}/pacs.004`, {
        token: b!.token,
        raw: xmlOf('pacs.004.001.10', pacs004(b!.bic, a!.bic, [returnTx(`R3-${seq}`, original, '0.01')])),
        headers: XML,
      });
      assertXsdValid('pacs.002.001.11', over.body as string);
      assert.match(over.body as string, /<TxSts>RJCT<\/TxSts>[\s\S]*<Cd>AM02<\/Cd>/);
      const dup = await t.call('POST', `${I}/pacs.004`, {
        token: b!.token,
        body: pacs004(b!.bic, a!.bic, [returnTx(rest.txInf[0]!.rtrId as string, original, '0.01')]),
      });
      assert.deepEqual([dup.body.txInfAndSts[0].txSts, dup.body.txInfAndSts[0].stsRsnInf[0].rsn.cd], ['RJCT', 'DUPL']);
      const repeated = await t.call('POST', `${I}/pacs.004`, { token: b!.token, body: rest });
      assert.equal(repeated.status, 409, 'a message id is received once');
      // c did not receive it: its answer is the same as for a payment that does not exist
      const reason = async (who: Bank, txId: string) => {
        const res = await t.call('POST', `${I}/pacs.004`, {
          token: who.token,
          body: pacs004(who.bic, a!.bic, [returnTx(`R4-${++seq}`, { ...original, txId }, '1.00')]),
        });
        return res.body.txInfAndSts[0].stsRsnInf[0];
      };
      assert.deepEqual(await reason(c!, original.txId), await reason(c!, 'RC-NO-SUCH'));
      assert.equal((await reason(c!, original.txId)).rsn.cd, 'NARR');
      assert.deepEqual([await available(a!), await available(b!), await available(c!)], snapshot, 'nothing moved');

      const detail = await payment(a!, original.id);
      assert.equal(detail.returnedAmount, '1000');
      assert.deepEqual(
        detail.returns.map((r: { amount: string; status: string; returnReason: string }) => [
          r.amount,
          r.status,
          r.returnReason,
        ]),
        [
          ['400', 'settled', 'AC04'],
          ['600', 'settled', 'AC04'],
        ],
      );
      const theReturn = await payment(a!, detail.returns[0].id);
      assert.deepEqual(
        [theReturn.msgType, theReturn.senderBic, theReturn.receiverBic, theReturn.returnOf],
        ['pacs.004', b!.bic, a!.bic, original.id],
      );
      assert.equal((await payment(c!, original.id)).status, 404);
    });

    it('refuses a return of a queued payment, asks for the original sender, and queues an uncovered return', async () => {
      const [a] = banks;
      const queued = await send(fresh, a!, '8.00');
      const notSettled = await t.call('POST', `${I}/pacs.004`, {
        token: a!.token,
        body: pacs004(a!.bic, fresh.bic, [returnTx(`R5-${seq}`, queued, '8.00')]),
      });
      assert.equal(notSettled.body.txInfAndSts[0].txSts, 'RJCT');
      assert.match(notSettled.body.txInfAndSts[0].stsRsnInf[0].addtlInf[0], /queued/);
      const noAgent = await t.call('POST', `${I}/pacs.004`, {
        token: a!.token,
        body: pacs004(a!.bic, undefined, [returnTx(`R6-${seq}`, queued, '8.00')]),
      });
      assert.equal(noAgent.status, 400);
      assert.ok(
        noAgent.body.errors.some((e: { field: string }) => e.field === '/txInf/0/instdAgt'),
        JSON.stringify(noAgent.body),
      );
      // a bank with an empty queue receives 20.00 and gives it up; its return of 5.00 waits for liquidity
      const made = await t.call('POST', '/api/participants/v1/participants', {
        cookie: operator,
        body: { name: 'Return Test Bank', type: 'bank', bic: 'RTRNKZKA' },
      });
      const poor: Bank = { id: made.body.id, bic: 'RTRNKZKA', token: await t.token(made.body.id) };
      const incoming = await send(a!, poor, '20.00');
      assert.equal(incoming.status, 'ACSC');
      const w = await t.call('POST', `${I}/liquidity`, {
        cookie: cb,
        body: { id: `RC-W-${seq}`, bic: poor.bic, direction: 'withdraw', amount: '20.00' },
      });
      assert.equal(w.status, 200, JSON.stringify(w.body));
      const r = await t.call('POST', `${I}/pacs.004`, {
        token: poor.token,
        body: pacs004(poor.bic, a!.bic, [returnTx(`R7-${seq}`, incoming, '5.00')]),
      });
      assert.equal(r.body.txInfAndSts[0].txSts, 'PDNG');
      assert.equal((await payment(a!, incoming.id)).returns[0].status, 'queued');
      const aBefore = await available(a!);
      const inj = await t.call('POST', `${I}/liquidity`, {
        cookie: cb,
        body: { id: `RC-I-${seq}`, bic: poor.bic, direction: 'inject', amount: '5.00' },
      });
      assert.equal(inj.status, 200, JSON.stringify(inj.body));
      assert.equal(await available(a!), aBefore + 500n);
      const detail = await payment(a!, incoming.id);
      assert.deepEqual([detail.returnedAmount, detail.returns[0].status], ['500', 'settled']);
    });

    it('documents the new operations in the OpenAPI description', async () => {
      const doc = (await t.call('GET', '/openapi.json')).body;
      for (const path of [`${I}/camt.056`, `${I}/pacs.004`]) {
        assert.ok(doc.paths[path]?.post?.requestBody, `${path} is documented with its body`);
      }
    });
  });
}
