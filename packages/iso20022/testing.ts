/**
 * Test helpers for this and other modules: fast-check arbitraries producing valid messages of
 * every supported type (derived from the same descriptions the codecs use, then adjusted to the
 * cross-field rules), and the location of the official XSDs. Not exported from index.ts:
 * fast-check is a dev dependency.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { MESSAGE_TYPES, type MessageType } from './message-types.ts';
import { definitionOf, type Message, type MessageModels } from './messages/registry.ts';
import { STATUS_REASON_CODES } from './reasons.ts';
import type { Amount, Node } from './schema/dsl.ts';
import { MAX_MINOR_UNITS } from './schema/money.ts';
import type { Facet, Simple } from './schema/simple.ts';

/** The shared ISO 20022 XSD folder of this repository; fails loudly rather than skipping tests. */
export function officialXsdDir(): string {
  const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const dir = join(repoRoot, '..', 'shared', 'iso20022', 'xsd');
  if (!existsSync(join(dir, 'pacs.008.001.09.xsd'))) {
    throw new Error(`official ISO 20022 XSDs not found in ${dir} (see shared/iso20022/README.md)`);
  }
  return dir;
}

// ---- simple values ----

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const ALNUM = UPPER + DIGITS;

function charsOf(alphabet: string, min: number, max = min): fc.Arbitrary<string> {
  return fc.string({ unit: fc.constantFrom(...alphabet), minLength: min, maxLength: max });
}

/** Text as participants send it: Latin, Kazakh/Cyrillic, XML specials, newlines, astral chars. */
const textChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...`${ALNUM}abcdefxyz -./,`) },
  { weight: 3, arbitrary: fc.constantFrom(...'АБВЖЗКҚҒҮҰӘӨІҺабвжзкқғүұәөіһ№') },
  { weight: 1, arbitrary: fc.constantFrom('&', '<', '>', '"', "'", ']', '\n', '\t', '\r', '\u00a0', '😀', '𝄞') },
);

function text(max: number): fc.Arbitrary<string> {
  const short = fc.string({ unit: textChar, minLength: 1, maxLength: Math.min(max, 24) });
  // Exactly the maximum now and then: length is counted in characters, not UTF-16 units.
  return fc.oneof(
    { weight: 5, arbitrary: short },
    { weight: 1, arbitrary: fc.string({ unit: textChar, minLength: max, maxLength: max }) },
  );
}

const bic = fc
  .tuple(
    charsOf(UPPER, 6),
    fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ23456789'),
    fc.constantFrom(...'ABCDEFGHIJKLMNPQRSTUVWXYZ0123456789'),
    fc.option(charsOf(ALNUM, 3), { nil: '' }),
  )
  .map((parts) => parts.join(''));

function ibanFor(country: string, bban: string): string {
  const digits = (bban + country + '00').replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rem = 0;
  for (const d of digits) rem = (rem * 10 + Number(d)) % 97;
  return `${country}${String(98 - rem).padStart(2, '0')}${bban}`;
}

/** Kazakh IBANs (20 characters) mostly, other countries' shapes sometimes; always valid check digits. */
const iban = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.tuple(charsOf(DIGITS, 3), charsOf(ALNUM, 13)).map(([bank, acct]) => ibanFor('KZ', bank + acct)),
  },
  { weight: 1, arbitrary: fc.tuple(charsOf(UPPER, 2), charsOf(ALNUM, 1, 30)).map(([cc, bban]) => ibanFor(cc, bban)) },
);

const twoDigits = (min: number, max: number) => fc.integer({ min, max }).map((n) => String(n).padStart(2, '0'));

const date = fc
  .tuple(fc.integer({ min: 2000, max: 2099 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 31 }))
  .map(([y, m, d]) => {
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    return `${y}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
  });

const zone = fc.constantFrom('', 'Z', '+05:00', '+06:00', '-03:30', '+14:00');

const dateTime = fc
  .tuple(
    date,
    twoDigits(0, 23),
    twoDigits(0, 59),
    twoDigits(0, 59),
    fc.option(charsOf(DIGITS, 1, 6), { nil: '' }),
    zone,
  )
  .map(([d, h, m, s, frac, z]) => `${d}T${h}:${m}:${s}${frac ? `.${frac}` : ''}${z}`);

const CURRENCIES = ['KZT', 'KZT', 'KZT', 'USD', 'EUR', 'JPY', 'KWD'];

const amount: fc.Arbitrary<Amount> = fc.record({
  amount: fc.oneof(
    { weight: 4, arbitrary: fc.bigInt(0n, 10n ** 9n) },
    { weight: 1, arbitrary: fc.bigInt(0n, MAX_MINOR_UNITS) },
  ),
  ccy: fc.constantFrom(...CURRENCIES),
});

const PATTERNS: Record<string, fc.Arbitrary<string>> = {
  BICFIDec2014Identifier: bic,
  AnyBICDec2014Identifier: bic,
  BICFIIdentifier: bic,
  AnyBICIdentifier: bic,
  IBAN2007Identifier: iban,
  LEIIdentifier: fc.tuple(charsOf(ALNUM, 18), charsOf(DIGITS, 2)).map(([a, b]) => a + b),
  UUIDv4Identifier: fc.uuid({ version: 4 }),
  CountryCode: charsOf(UPPER, 2),
  ActiveOrHistoricCurrencyCode: fc.constantFrom(...CURRENCIES),
};

function simple(facet: Facet): fc.Arbitrary<unknown> {
  switch (facet.kind) {
    case 'text':
      return text(facet.max);
    case 'enum':
      return fc.constantFrom(...facet.values);
    case 'external':
      return facet.values ? fc.constantFrom(...facet.values) : charsOf(ALNUM, 1, facet.max);
    case 'pattern': {
      const arb = PATTERNS[facet.name];
      if (arb === undefined) throw new Error(`no generator for pattern type ${facet.name}`);
      return arb;
    }
    case 'date':
      return date;
    case 'dateTime':
      return dateTime;
    case 'bool':
      return fc.boolean();
    case 'count':
      return fc.integer({ min: 0, max: Math.min(10 ** facet.digits - 1, 1_000_000) });
  }
}

// ---- structures ----

const cache = new WeakMap<Node, fc.Arbitrary<unknown>>();

/** A valid value for any node of a message description. */
export function arbitraryFor(node: Node): fc.Arbitrary<unknown> {
  const hit = cache.get(node);
  if (hit !== undefined) return hit;
  let arb: fc.Arbitrary<unknown>;
  switch (node.kind) {
    case 'text':
      arb = simple((node.type as Simple<unknown>).facet);
      break;
    case 'amount':
      arb = amount;
      break;
    case 'choice':
      arb = fc.oneof(...node.fields.map((f) => arbitraryFor(f.node).map((v) => ({ [f.key]: v }))));
      break;
    case 'seq': {
      const shape: Record<string, fc.Arbitrary<unknown>> = {};
      const required: string[] = [];
      for (const f of node.fields) {
        const item = arbitraryFor(f.node);
        // Optional lists are absent or non-empty: an empty array has no XML form to round-trip.
        shape[f.key] = f.list ? fc.array(item, { minLength: Math.max(f.min, 1), maxLength: Math.min(f.max, 3) }) : item;
        if (f.required) required.push(f.key);
      }
      arb = fc.record(shape, { requiredKeys: required });
      break;
    }
  }
  cache.set(node, arb);
  return arb;
}

// ---- cross-field rules ----

type Fixup<T extends MessageType> = (m: MessageModels[T]) => void;

type Reasoned = { stsRsnInf?: { rsn?: unknown }[] };

function giveReason(holder: Reasoned, status: string | undefined, rejected: readonly string[]): void {
  if (status !== undefined && rejected.includes(status) && !holder.stsRsnInf?.some((r) => r.rsn !== undefined)) {
    holder.stsRsnInf = [...(holder.stsRsnInf ?? []), { rsn: { cd: STATUS_REASON_CODES[0] } }];
  }
}

/** Makes a control total consistent: one currency, equal to the sum (dropped if it would overflow). */
function fixTotal<H extends Record<string, unknown>>(header: H, key: keyof H & string, amounts: Amount[]): void {
  const total = header[key] as Amount | undefined;
  if (total === undefined) return;
  for (const a of amounts) a.ccy = total.ccy;
  const sum = amounts.reduce((s, a) => s + a.amount, 0n);
  if (sum > MAX_MINOR_UNITS) delete header[key];
  else total.amount = sum;
}

const fixups: { [T in MessageType]?: Fixup<T> } = {
  'pacs.008.001.09': (m) => {
    m.grpHdr.nbOfTxs = m.cdtTrfTxInf.length;
    fixTotal(
      m.grpHdr,
      'ttlIntrBkSttlmAmt',
      m.cdtTrfTxInf.map((t) => t.intrBkSttlmAmt),
    );
    if (m.grpHdr.intrBkSttlmDt === undefined) for (const t of m.cdtTrfTxInf) t.intrBkSttlmDt ??= '2025-01-31';
  },
  'pacs.009.001.09': (m) => {
    m.grpHdr.nbOfTxs = m.cdtTrfTxInf.length;
    fixTotal(
      m.grpHdr,
      'ttlIntrBkSttlmAmt',
      m.cdtTrfTxInf.map((t) => t.intrBkSttlmAmt),
    );
    if (m.grpHdr.intrBkSttlmDt === undefined) for (const t of m.cdtTrfTxInf) t.intrBkSttlmDt ??= '2025-01-31';
  },
  'pacs.002.001.11': (m) => {
    if (m.orgnlGrpInfAndSts === undefined && m.txInfAndSts === undefined) {
      m.txInfAndSts = [{ orgnlEndToEndId: 'E2E-1', txSts: 'ACSC' }];
    }
    for (const g of m.orgnlGrpInfAndSts ?? []) giveReason(g, g.grpSts, ['RJCT']);
    for (const t of m.txInfAndSts ?? []) giveReason(t, t.txSts, ['RJCT', 'BLCK']);
  },
  'pacs.004.001.10': (m) => {
    m.grpHdr.nbOfTxs = m.txInf?.length ?? 0;
    fixTotal(
      m.grpHdr,
      'ttlRtrdIntrBkSttlmAmt',
      (m.txInf ?? []).map((t) => t.rtrdIntrBkSttlmAmt),
    );
    for (const t of m.txInf ?? []) {
      if (!t.rtrRsnInf?.some((r) => r.rsn !== undefined)) t.rtrRsnInf = [{ rsn: { cd: 'AC04' } }];
    }
  },
  'pacs.028.001.04': (m) => {
    if (m.orgnlGrpInf === undefined && m.txInf === undefined) m.txInf = [{ orgnlEndToEndId: 'E2E-1' }];
  },
  'camt.056.001.09': (m) => {
    for (const u of m.undrlyg)
      if (u.orgnlGrpInfAndCxl === undefined && u.txInf === undefined) u.txInf = [{ orgnlTxId: 'TX-1' }];
    if (m.ctrlData !== undefined) m.ctrlData.nbOfTxs = m.undrlyg.reduce((n, u) => n + (u.txInf?.length ?? 0), 0);
  },
  'camt.029.001.10': (m) => {
    for (const d of m.cxlDtls ?? []) {
      const g = d.orgnlGrpInfAndSts;
      if (g?.grpCxlSts === 'RJCR' && !g.cxlStsRsnInf?.some((r) => r.rsn !== undefined))
        g.cxlStsRsnInf = [{ rsn: { cd: 'LEGL' } }];
      for (const t of d.txInfAndSts ?? []) {
        if (t.txCxlSts === 'RJCR' && !t.cxlStsRsnInf?.some((r) => r.rsn !== undefined))
          t.cxlStsRsnInf = [{ rsn: { cd: 'CUST' } }];
      }
    }
  },
  'pain.013.001.08': (m) => {
    m.grpHdr.nbOfTxs = m.pmtInf.reduce((n, p) => n + p.cdtTrfTx.length, 0);
  },
  'pain.014.001.08': (m) => {
    giveReason(m.orgnlGrpInfAndSts, m.orgnlGrpInfAndSts.grpSts, ['RJCT']);
    for (const p of m.orgnlPmtInfAndSts ?? []) {
      giveReason(p, p.pmtInfSts, ['RJCT']);
      for (const t of p.txInfAndSts ?? []) giveReason(t, t.txSts, ['RJCT', 'BLCK']);
    }
  },
  'acmt.023.001.02': (m) => {
    for (const v of m.vrfctn) {
      if (v.ptyAndAcctId.pty === undefined && v.ptyAndAcctId.acct === undefined)
        v.ptyAndAcctId.acct = { iban: 'KZ86125KZT5004100100' };
    }
  },
  'acmt.024.001.02': (m) => {
    for (const r of m.rpt) if (!r.vrfctn) r.rsn ??= { cd: 'NMTC' };
  },
};

/** Valid messages of one type. */
export function arbitraryMessage<T extends MessageType>(type: T): fc.Arbitrary<Message<T>> {
  const fix = fixups[type] as Fixup<T> | undefined;
  return arbitraryFor(definitionOf(type).body).map((generated) => {
    // Fixups adjust a copy: fast-check may map the same generated value again while shrinking.
    const message = structuredClone(generated) as MessageModels[T];
    fix?.(message);
    return { type, message } as Message<T>;
  });
}

/** Valid messages of any supported type. */
export function arbitraryAnyMessage(): fc.Arbitrary<Message> {
  return fc.oneof(...MESSAGE_TYPES.map((t) => arbitraryMessage(t) as fc.Arbitrary<Message>));
}

/** A realistic single-payment pacs.008 (KZT 1 500.00, Halyk → Kaspi), for examples and tests. */
export function examplePacs008(): Message<'pacs.008.001.09'> {
  return {
    type: 'pacs.008.001.09',
    message: {
      grpHdr: {
        msgId: 'NDFI20250131-000001',
        creDtTm: '2025-01-31T10:15:00+05:00',
        nbOfTxs: 1,
        sttlmInf: { sttlmMtd: 'CLRG' },
        instgAgt: { finInstnId: { bicfi: 'HSBKKZKX' } },
        instdAgt: { finInstnId: { bicfi: 'CASPKZKA' } },
      },
      cdtTrfTxInf: [
        {
          pmtId: {
            instrId: 'INSTR-1',
            endToEndId: 'E2E-20250131-1',
            txId: 'TX-20250131-1',
            uetr: '8a562c67-ca16-48ba-b074-65581be6f011',
          },
          pmtTpInf: { instrPrty: 'HIGH' },
          intrBkSttlmAmt: { amount: 150000n, ccy: 'KZT' },
          intrBkSttlmDt: '2025-01-31',
          chrgBr: 'SLEV',
          dbtr: {
            nm: 'Әлия Нұрланқызы',
            id: { prvtId: { othr: [{ id: '880101300123', schmeNm: { cd: 'NIDN' } }] } },
          },
          dbtrAcct: { id: { iban: 'KZ86125KZT5004100100' } },
          dbtrAgt: { finInstnId: { bicfi: 'HSBKKZKX' } },
          cdtrAgt: { finInstnId: { bicfi: 'CASPKZKA' } },
          cdtr: { nm: 'ТОО «Ромашка»', id: { orgId: { othr: [{ id: '990140000123', schmeNm: { cd: 'TXID' } }] } } },
          cdtrAcct: { id: { iban: 'KZ86125KZT5004100100' } },
          purp: { prtry: '911' },
          rmtInf: {
            ustrd: ['Оплата по договору №1 от 01.01.2025'],
            strd: [{ rfrdDocInf: [{ tp: { cdOrPrtry: { cd: 'CINV' } }, nb: 'INV-2025-0042', rltdDt: '2025-01-15' }] }],
          },
        },
      ],
    },
  };
}
