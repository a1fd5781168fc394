import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { build, detectType, Iso20022Error, type Message, parse } from './index.ts';
import { examplePacs008, officialXsdDir } from './testing.ts';

const xsdDir = officialXsdDir();
const valid = build(examplePacs008());

function fails(run: () => unknown, code: string, path?: string, message?: RegExp): Iso20022Error {
  let caught: unknown;
  try {
    run();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof Iso20022Error, `expected Iso20022Error, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (path !== undefined)
    assert.ok(
      caught.details?.some((d) => d.path === path),
      `no issue at ${path}: ${caught.message}`,
    );
  if (message !== undefined) assert.match(caught.message, message);
  return caught;
}

describe('parse: type detection', () => {
  test('detectType reads the namespace of the root only', () => {
    assert.equal(detectType(valid), 'pacs.008.001.09');
    assert.equal(
      detectType('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><not closed'),
      'camt.053.001.08',
    );
    assert.equal(detectType(new TextEncoder().encode(valid)), 'pacs.008.001.09');
  });

  test('unknown namespaces and roots are wrong-message', () => {
    fails(() => detectType('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"/>'), 'wrong-message');
    fails(() => detectType('<Foo xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09"/>'), 'wrong-message');
    fails(() => parse('<Document/>'), 'wrong-message');
  });

  test('expect refuses other message types', () => {
    fails(() => parse(valid, { expect: 'pacs.009.001.09' }), 'wrong-message', undefined, /expected pacs.009.001.09/);
    const ok: Message<'pacs.008.001.09'> = parse(valid, { expect: 'pacs.008.001.09' });
    assert.equal(ok.message.cdtTrfTxInf[0]?.intrBkSttlmAmt.amount, 150000n);
  });

  test('prefixed namespaces and bytes parse like the default namespace', () => {
    const prefixed = valid.replace('<Document xmlns=', '<p:Document xmlns:p=').replace(/<(\/?)([A-Z])/g, '<$1p:$2');
    assert.deepEqual(parse(prefixed), examplePacs008());
    assert.deepEqual(parse(new TextEncoder().encode(valid), { xsdDir }), examplePacs008());
  });
});

describe('parse: structural validation reports the XML path', () => {
  const tx = '/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]';

  test('missing required element', () => {
    fails(() => parse(valid.replace('<ChrgBr>SLEV</ChrgBr>', '')), 'schema-invalid', `${tx}/ChrgBr`);
  });

  test('element out of order, duplicated, or unknown', () => {
    const swapped = valid.replace(/(<DbtrAgt>.*?<\/DbtrAgt>)(<CdtrAgt>.*?<\/CdtrAgt>)/, '$2$1');
    fails(() => parse(swapped), 'schema-invalid', `${tx}/DbtrAgt`, /out of order/);
    fails(
      () => parse(valid.replace('<ChrgBr>SLEV</ChrgBr>', '<ChrgBr>SLEV</ChrgBr><ChrgBr>SLEV</ChrgBr>')),
      'schema-invalid',
      `${tx}/ChrgBr`,
    );
    fails(
      () => parse(valid.replace('<ChrgBr>', '<Foo>x</Foo><ChrgBr>')),
      'schema-invalid',
      `${tx}/Foo`,
      /not expected/,
    );
  });

  test('facets: BIC pattern, text length, dates, unknown attribute', () => {
    fails(
      () => parse(valid.replace('<BICFI>HSBKKZKX</BICFI>', '<BICFI>hsbkKZKX</BICFI>')),
      'schema-invalid',
      '/Document/FIToFICstmrCdtTrf/GrpHdr/InstgAgt/FinInstnId/BICFI',
    );
    fails(
      () => parse(valid.replace('E2E-20250131-1', 'E'.repeat(36))),
      'schema-invalid',
      `${tx}/PmtId/EndToEndId`,
      /longer than 35/,
    );
    fails(
      () => parse(valid.replace('2025-01-31</IntrBkSttlmDt>', '2025-02-30</IntrBkSttlmDt>')),
      'schema-invalid',
      `${tx}/IntrBkSttlmDt`,
    );
    fails(() => parse(valid.replace('<ChrgBr>', '<ChrgBr x="1">')), 'schema-invalid', `${tx}/ChrgBr`);
  });

  test('every problem is reported, not just the first', () => {
    const broken = valid.replace('<ChrgBr>SLEV</ChrgBr>', '').replace('HSBKKZKX', 'x');
    const e = fails(() => parse(broken), 'schema-invalid');
    assert.equal(e.details?.length, 2);
  });
});

describe('parse: amounts', () => {
  const amt = (text: string, ccy = 'KZT') =>
    valid.replace(
      '<IntrBkSttlmAmt Ccy="KZT">1500.00</IntrBkSttlmAmt>',
      `<IntrBkSttlmAmt Ccy="${ccy}">${text}</IntrBkSttlmAmt>`,
    );
  const path = '/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/IntrBkSttlmAmt';

  test('read digit-wise into tiyn', () => {
    const tx = (xml: string) => parse(xml, { expect: 'pacs.008.001.09' }).message.cdtTrfTxInf[0]!;
    assert.deepEqual(tx(amt('1500.5')).intrBkSttlmAmt, { amount: 150050n, ccy: 'KZT' });
    assert.deepEqual(tx(amt(' 0.07 ')).intrBkSttlmAmt, { amount: 7n, ccy: 'KZT' });
    assert.deepEqual(tx(amt('90071992547409.93')).intrBkSttlmAmt, { amount: 9007199254740993n, ccy: 'KZT' });
  });

  test('three decimals for KZT is a scheme error, XSD-valid or not', () => {
    fails(() => parse(amt('1500.001')), 'field-invalid', path, /at most 2 decimals/);
  });

  test('negatives, exponents and a missing or bad currency are schema errors', () => {
    fails(() => parse(amt('-1.00')), 'schema-invalid', path);
    fails(() => parse(amt('1e3')), 'schema-invalid', path);
    fails(() => parse(amt('1.00', 'kzt')), 'schema-invalid', path);
    fails(() => parse(valid.replace(' Ccy="KZT"', '')), 'schema-invalid', path, /Ccy/);
  });
});

describe('parse: scheme rules are field-invalid', () => {
  test('NbOfTxs must match the transactions', () => {
    fails(
      () => parse(valid.replace('<NbOfTxs>1</NbOfTxs>', '<NbOfTxs>2</NbOfTxs>')),
      'field-invalid',
      '/Document/FIToFICstmrCdtTrf/GrpHdr/NbOfTxs',
    );
  });

  test('IBAN check digits', () => {
    fails(
      () => parse(valid.replace('KZ86125KZT5004100100', 'KZ87125KZT5004100100')),
      'field-invalid',
      '/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/DbtrAcct/Id/IBAN',
    );
  });

  test('charge bearer and settlement method subsets', () => {
    fails(() => parse(valid.replace('<ChrgBr>SLEV</ChrgBr>', '<ChrgBr>SHAR</ChrgBr>')), 'field-invalid');
    fails(() => parse(valid.replace('<SttlmMtd>CLRG</SttlmMtd>', '<SttlmMtd>COVE</SttlmMtd>')), 'field-invalid');
  });

  test('a rejected transaction needs a known reason', () => {
    const report = (reason: string) =>
      build({
        type: 'pacs.002.001.11',
        message: {
          grpHdr: { msgId: 'M1', creDtTm: '2025-01-31T10:15:01+05:00' },
          txInfAndSts: [{ orgnlEndToEndId: 'E2E-20250131-1', txSts: 'RJCT', stsRsnInf: [{ rsn: { cd: 'AM04' } }] }],
        },
      }).replace('<Cd>AM04</Cd>', reason);
    const path = '/Document/FIToFIPmtStsRpt/TxInfAndSts[1]';
    assert.equal(parse(report('<Cd>AM04</Cd>')).type, 'pacs.002.001.11');
    fails(() => parse(report('<Cd>ZZ99</Cd>')), 'field-invalid', `${path}/StsRsnInf[1]/Rsn/Cd`);
    fails(
      () => parse(report('<Prtry>x</Prtry>').replace('<Rsn><Prtry>x</Prtry></Rsn>', '')),
      'field-invalid',
      `${path}/TxSts`,
    );
  });

  test('with XSD validation, XSD violations come from libxml2 with names and lines', () => {
    const e = fails(
      () => parse(valid.replace('<ChrgBr>SLEV</ChrgBr>', ''), { xsdDir }),
      'schema-invalid',
      '/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]/Dbtr',
    );
    assert.equal(typeof e.details?.[0]?.line, 'number');
    assert.doesNotMatch(e.message, /urn:iso/);
  });
});

describe('build: invalid models are field-invalid with model paths', () => {
  const base = examplePacs008();

  function withTx(patch: Record<string, unknown>): Message {
    const tx = { ...base.message.cdtTrfTxInf[0]!, ...patch };
    return { type: base.type, message: { ...base.message, cdtTrfTxInf: [tx as never] } };
  }

  test('a misspelt property is refused rather than dropped', () => {
    fails(() => build(withTx({ endToEndID: 'x' })), 'field-invalid', 'cdtTrfTxInf[0].endToEndID', /unknown property/);
  });

  test('amounts must be non-negative bigint minor units in a real currency code', () => {
    fails(
      () => build(withTx({ intrBkSttlmAmt: { amount: 1500, ccy: 'KZT' } })),
      'field-invalid',
      'cdtTrfTxInf[0].intrBkSttlmAmt',
    );
    fails(
      () => build(withTx({ intrBkSttlmAmt: { amount: -1n, ccy: 'KZT' } })),
      'field-invalid',
      'cdtTrfTxInf[0].intrBkSttlmAmt',
    );
    fails(
      () => build(withTx({ intrBkSttlmAmt: { amount: 1n, ccy: 'tenge' } })),
      'field-invalid',
      'cdtTrfTxInf[0].intrBkSttlmAmt',
    );
  });

  test('choices need exactly one option; required fields must be there', () => {
    fails(
      () => build(withTx({ dbtrAcct: { id: { iban: 'KZ86125KZT5004100100', othr: { id: '1' } } } })),
      'field-invalid',
      'cdtTrfTxInf[0].dbtrAcct.id',
    );
    fails(() => build(withTx({ chrgBr: undefined })), 'field-invalid', 'cdtTrfTxInf[0].chrgBr');
  });

  test('strings XML cannot carry are refused', () => {
    fails(() => build(withTx({ dbtr: { nm: 'bell\u0007' } })), 'field-invalid', 'cdtTrfTxInf[0].dbtr.nm');
  });

  test('cross-field rules use model paths', () => {
    fails(
      () => build({ type: base.type, message: { ...base.message, grpHdr: { ...base.message.grpHdr, nbOfTxs: 3 } } }),
      'field-invalid',
      'grpHdr.nbOfTxs',
    );
  });

  test('unknown message type', () => {
    fails(() => build({ type: 'pacs.008.001.08', message: {} } as unknown as Message), 'wrong-message');
  });
});

describe('parse: hostile input is refused before any parsing work', () => {
  const body = valid.slice(valid.indexOf('<Document'));

  test('XXE, billion laughs, external DTDs and processing instructions', () => {
    const attacks = [
      `<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${body.replace('<Nm>', '<Nm>&xxe;')}`,
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol9 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>${body}`,
      `<!DOCTYPE Document PUBLIC "-//X//Y" "http://attacker.example/evil.dtd">${body}`,
      `<?xml-stylesheet href="http://attacker.example/x.xsl"?>${body}`,
      body.replace('<GrpHdr>', '<GrpHdr><?evil x?>'),
    ];
    for (const xml of attacks) {
      fails(() => parse(xml), 'xml-hostile');
      fails(() => parse(xml, { xsdDir }), 'xml-hostile');
      // detectType reads only up to the root tag, so it sees the prolog attacks.
      if (!xml.startsWith('<Document')) fails(() => detectType(xml), 'xml-hostile');
    }
  });

  test('size: 1 MiB by default, configurable', () => {
    const padded = valid.replace('<Ustrd>', `<Ustrd>${' '.repeat(1 << 20)}`);
    fails(() => parse(padded), 'xml-too-large');
    fails(() => parse(valid, { maxBytes: 1000 }), 'xml-too-large');
    assert.equal(parse(valid, { maxBytes: 4096 }).type, 'pacs.008.001.09');
  });

  test('depth: 64 by default, configurable', () => {
    const nest = (n: number) => body.replace('<GrpHdr>', `${'<X>'.repeat(n)}${'</X>'.repeat(n)}<GrpHdr>`);
    fails(() => parse(nest(63)), 'xml-too-deep');
    fails(() => parse(nest(61)), 'schema-invalid'); // deep but within the limit: an unknown element
    fails(() => parse(valid, { maxDepth: 5 }), 'xml-too-deep');
  });
});
