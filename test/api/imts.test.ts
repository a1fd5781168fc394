import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build, parse } from '../../packages/iso20022/index.ts';
import { officialXsdDir } from '../../packages/iso20022/testing.ts';
import { verifyWebhookSignature } from '../../src/platform/index.ts';
import { engines } from '../../src/platform/testing.ts';
import { startTestPlatform, type TestPlatform } from '../harness.ts';

const I = '/api/imts/v1';
let seq = 0;

function pacs008(from: string, to: string, amount: string, opts: { ccy?: string; priority?: 'HIGH' | 'NORM' } = {}) {
  const n = ++seq;
  return {
    grpHdr: {
      msgId: `MSG-${Date.now()}-${n}`,
      creDtTm: '2026-11-23T10:00:00+05:00',
      nbOfTxs: 1,
      sttlmInf: { sttlmMtd: 'CLRG' },
      instgAgt: { finInstnId: { bicfi: from } },
      instdAgt: { finInstnId: { bicfi: to } },
    },
    cdtTrfTxInf: [
      {
        pmtId: { endToEndId: `E2E-${n}`, txId: `TX-${n}` },
        ...(opts.priority ? { pmtTpInf: { instrPrty: opts.priority } } : {}),
        intrBkSttlmAmt: { amount, ccy: opts.ccy ?? 'KZT' },
        intrBkSttlmDt: '2026-11-23',
        chrgBr: 'SLEV',
        dbtr: { nm: 'Aigerim Sarsenova' },
        dbtrAgt: { finInstnId: { bicfi: from } },
        cdtrAgt: { finInstnId: { bicfi: to } },
        cdtr: { nm: 'Steppe Trading LLP' },
      },
    ],
  };
}

for (const engine of engines()) {
  describe(`IMTS API on ${engine}`, () => {
    let t: TestPlatform;
    let operator: string;
    const banks: { id: string; bic: string; token: string }[] = [];
    before(async () => {
      t = await startTestPlatform(engine, { iso20022XsdDir: officialXsdDir() });
      operator = await t.login('operator');
      const all = (await t.call('GET', '/api/participants/v1/participants?type=bank', { cookie: operator })).body.items;
      for (const b of all.slice(0, 2)) banks.push({ id: b.id, bic: b.bic, token: await t.token(b.id) });
    });
    after(async () => t?.close());

    it('settles a JSON pacs.008 at once and answers pacs.002 ACSC; both banks see it, others do not', async () => {
      const [a, b] = banks;
      const r = await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: pacs008(a!.bic, b!.bic, '1500.00') });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.txInfAndSts[0].txSts, 'ACSC');
      const id = `${a!.bic}:TX-${seq}`;
      const seen = await t.call('GET', `${I}/payments/${encodeURIComponent(id)}`, { token: b!.token });
      assert.equal(seen.status, 200);
      assert.equal(seen.body.amount, '150000');
      const tpp = await t.login('tpp');
      assert.equal((await t.call('GET', `${I}/payments/${encodeURIComponent(id)}`, { cookie: tpp })).status, 404);
      assert.equal(
        (await t.call('POST', `${I}/pacs.008`, { cookie: tpp, body: pacs008(a!.bic, b!.bic, '1.00') })).status,
        403,
      );
    });

    it('takes ISO 20022 XML and answers pacs.002 XML that validates against the official XSD', async () => {
      const [a, b] = banks;
      const msg = pacs008(a!.bic, b!.bic, '250.75');
      const model = {
        ...msg,
        cdtTrfTxInf: msg.cdtTrfTxInf.map((x) => ({ ...x, intrBkSttlmAmt: { amount: 25075n, ccy: 'KZT' } })),
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
      assert.equal((report.message as { txInfAndSts: { txSts: string }[] }).txInfAndSts[0]!.txSts, 'ACSC');
      if (existsSync('/usr/bin/xmllint')) {
        const f = join(mkdtempSync(join(tmpdir(), 'ndfi-xml-')), 'pacs002.xml');
        writeFileSync(f, r.body as string);
        execFileSync('xmllint', ['--noout', '--schema', join(officialXsdDir(), 'pacs.002.001.11.xsd'), f], {
          stdio: 'pipe',
        });
      }
    });

    it('pushes a signed camt.054 credit notification to the receiving bank’s webhook', async () => {
      const [a, b] = banks;
      let secret = '';
      const received = new Promise<{ headers: Record<string, string>; body: string }>((resolve) => {
        const server = createServer((req, res) => {
          let body = '';
          req.on('data', (c) => {
            body += c;
          });
          req.on('end', () => {
            res.writeHead(204).end();
            const headers = req.headers as Record<string, string>;
            if (body.includes('"CRDT"') && body.includes('E2E-WH')) {
              server.close();
              resolve({ headers, body });
            }
          });
        });
        server.listen(0, '127.0.0.1', async () => {
          const port = (server.address() as { port: number }).port;
          const r = await t.call('POST', '/api/participants/v1/webhooks', {
            token: b!.token,
            body: { url: `http://127.0.0.1:${port}/hooks`, events: ['imts.camt054'] },
          });
          secret = r.body.secret;
          const msg = pacs008(a!.bic, b!.bic, '42.00');
          msg.cdtTrfTxInf[0]!.pmtId.endToEndId = 'E2E-WH';
          await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: msg });
        });
      });
      const { headers, body } = await received;
      assert.ok(
        verifyWebhookSignature({
          secret,
          id: headers['webhook-id']!,
          timestamp: headers['webhook-timestamp']!,
          signature: headers['webhook-signature']!,
          body,
          now: new Date(),
        }),
      );
      const event = JSON.parse(body);
      assert.equal(event.type, 'imts.camt054');
      assert.equal(event.data.type, 'camt.054.001.08');
      assert.equal(event.data.message.ntfctn[0].ntry[0].amt.amount, '4200');
    });

    it('answers a pacs.028 status request with the current status, only for the requester’s own payments', async () => {
      const [a, b] = banks;
      const msg = pacs008(a!.bic, b!.bic, '3.00');
      await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: msg });
      const txId = msg.cdtTrfTxInf[0]!.pmtId.txId;
      const req = {
        grpHdr: { msgId: `STS-${seq}`, creDtTm: '2026-11-23T10:00:00+05:00' },
        txInf: [{ orgnlTxId: txId }, { orgnlTxId: 'NOPE' }],
      };
      const r = await t.call('POST', `${I}/pacs.028`, { token: a!.token, body: req });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual(
        r.body.txInfAndSts.map((x: { txSts: string }) => x.txSts),
        ['ACSC', 'RJCT'],
      );
      // the receiving bank asking about the sender's transaction id learns nothing
      const other = await t.call('POST', `${I}/pacs.028`, {
        token: b!.token,
        body: { ...req, grpHdr: { ...req.grpHdr, msgId: `STS-B-${seq}` } },
      });
      assert.equal(other.body.txInfAndSts[0].txSts, 'RJCT');
    });

    it('camt.053 statement and camt.052 report balance out and validate against the XSD', async () => {
      const [a, b] = banks;
      await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: pacs008(a!.bic, b!.bic, '7.00') });
      const today = new Date(Date.now() + 5 * 3600_000).toISOString().slice(0, 10);
      const stmt = await t.call('GET', `${I}/statements/${today}`, { token: a!.token });
      assert.equal(stmt.status, 200, JSON.stringify(stmt.body));
      const s = stmt.body.stmt[0];
      const signed = (bal: { amt: { amount: string }; cdtDbtInd: string }) =>
        (bal.cdtDbtInd === 'DBIT' ? -1n : 1n) * BigInt(bal.amt.amount);
      const movement = s.ntry.reduce(
        (sum: bigint, e: { amt: { amount: string }; cdtDbtInd: string }) =>
          sum + (e.cdtDbtInd === 'DBIT' ? -1n : 1n) * BigInt(e.amt.amount),
        0n,
      );
      assert.equal(signed(s.bal[0]) + movement, signed(s.bal[1]), 'opening + entries = closing');
      assert.ok(
        s.ntry.some(
          (e: { cdtDbtInd: string; amt: { amount: string } }) => e.cdtDbtInd === 'DBIT' && e.amt.amount === '700',
        ),
      );
      const xml = await t.call('GET', `${I}/statements/${today}?format=xml`, { token: a!.token });
      parse(xml.body as string, { expect: 'camt.053.001.08', xsdDir: officialXsdDir() });
      const rpt = await t.call('GET', `${I}/account-report?format=xml`, { token: b!.token });
      parse(rpt.body as string, { expect: 'camt.052.001.08', xsdDir: officialXsdDir() });
      // a bank cannot read another bank's statement
      const foreign = await t.call('GET', `${I}/statements/${today}?bic=${b!.bic}`, { token: a!.token });
      assert.equal(foreign.body.stmt[0].acct.id.othr.id.includes(a!.bic), true);
    });

    it('refuses bad input with problem+json naming the field and settles nothing', async () => {
      const [a, b] = banks;
      const before = (await t.call('GET', `${I}/balance`, { token: a!.token })).body.available;
      const xxe = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09">&x;</Document>`;
      const hostile = await t.call('POST', `${I}/pacs.008`, {
        token: a!.token,
        raw: xxe,
        headers: { 'content-type': 'application/xml' },
      });
      assert.equal(hostile.status, 400);
      assert.equal(hostile.body.reason, 'FF01');
      const pacs009xml = `<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.009.001.09"><FICdtTrf/></Document>`;
      const wrong = await t.call('POST', `${I}/pacs.008`, {
        token: a!.token,
        raw: pacs009xml,
        headers: { 'content-type': 'application/xml' },
      });
      assert.equal(wrong.status, 400);
      const float = pacs008(a!.bic, b!.bic, '1.00') as { cdtTrfTxInf: { intrBkSttlmAmt: unknown }[] };
      float.cdtTrfTxInf[0]!.intrBkSttlmAmt = { amount: 10.5, ccy: 'KZT' };
      const f = await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: float });
      assert.equal(f.status, 400);
      assert.ok(
        f.body.errors.some((e: { field: string }) => e.field === '/cdtTrfTxInf/0/intrBkSttlmAmt/amount'),
        JSON.stringify(f.body),
      );
      const three = await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: pacs008(a!.bic, b!.bic, '1.005') });
      assert.equal(three.status, 400);
      const missing = pacs008(a!.bic, b!.bic, '1.00') as { grpHdr: Record<string, unknown> };
      delete missing.grpHdr.msgId;
      const m = await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: missing });
      assert.equal(m.status, 400);
      assert.ok(
        m.body.errors.some((e: { field: string }) => e.field === '/grpHdr/msgId'),
        JSON.stringify(m.body),
      );
      const msg = pacs008(a!.bic, b!.bic, '5.00');
      assert.equal((await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: msg })).status, 200);
      const dup = await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: msg });
      assert.equal(dup.status, 409);
      assert.equal(dup.body.reason, 'DUPL');
      const unknown = await t.call('POST', `${I}/pacs.008`, {
        token: a!.token,
        body: pacs008(a!.bic, 'NOPEKZKA', '5.00'),
      });
      assert.deepEqual(
        [unknown.body.txInfAndSts[0].txSts, unknown.body.txInfAndSts[0].stsRsnInf[0].rsn.cd],
        ['RJCT', 'RC01'],
      );
      const usd = await t.call('POST', `${I}/pacs.008`, {
        token: a!.token,
        body: pacs008(a!.bic, b!.bic, '5.00', { ccy: 'USD' }),
      });
      assert.deepEqual([usd.body.txInfAndSts[0].txSts, usd.body.txInfAndSts[0].stsRsnInf[0].rsn.cd], ['RJCT', 'AM03']);
      const spoof = await t.call('POST', `${I}/pacs.008`, { token: a!.token, body: pacs008(b!.bic, a!.bic, '5.00') });
      assert.equal(spoof.status, 403, 'a bank cannot send in another bank’s name');
      const afterBalance = (await t.call('GET', `${I}/balance`, { token: a!.token })).body.available;
      assert.equal(BigInt(before) - BigInt(afterBalance), 500n, 'only the one valid 5.00 payment moved money');
    });

    it('gridlock: three banks with zero balance queue A→B, B→C, C→A; the operator resolves it; all settle', async () => {
      const fresh: { bic: string; token: string }[] = [];
      for (const [i, bic] of ['GRDAKZKA', 'GRDBKZKA', 'GRDCKZKA'].entries()) {
        const r = await t.call('POST', '/api/participants/v1/participants', {
          cookie: operator,
          body: { name: `Gridlock Bank ${i}`, type: 'bank', bic },
        });
        fresh.push({ bic, token: await t.token(r.body.id) });
      }
      const [a, b, c] = fresh as [
        { bic: string; token: string },
        { bic: string; token: string },
        { bic: string; token: string },
      ];
      for (const [from, to] of [
        [a, b],
        [b, c],
        [c, a],
      ] as const) {
        const r = await t.call('POST', `${I}/pacs.008`, {
          token: from.token,
          body: pacs008(from.bic, to.bic, '1000000.00'),
        });
        assert.equal(r.body.txInfAndSts[0].txSts, 'PDNG', JSON.stringify(r.body));
      }
      const queue = await t.call('GET', `${I}/queue`, { cookie: operator });
      assert.equal(queue.body.items.filter((p: { senderBic: string }) => p.senderBic.startsWith('GRD')).length, 3);
      const bankView = await t.call('GET', `${I}/queue`, { token: a.token });
      assert.deepEqual(
        bankView.body.items.map((p: { senderBic: string }) => p.senderBic),
        [a.bic],
      );
      assert.equal((await t.call('POST', `${I}/gridlock/resolve`, { token: a.token })).status, 403);
      const r = await t.call('POST', `${I}/gridlock/resolve`, { cookie: operator });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.settled, 3);
      const settled = await t.call('GET', `${I}/payments?status=settled`, { token: b.token });
      assert.equal(settled.body.items.length, 2, 'B sent one and received one');
      const totals = await t.call('GET', '/api/ledger/v1/totals', { cookie: operator });
      assert.deepEqual(totals.body.sumOfBalances, { posted: '0', pending: '0' });
    });
  });
}
