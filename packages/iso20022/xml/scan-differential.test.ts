/**
 * Differential test of the reader against libxml2 on XML-ish token soup: anything our reader
 * accepts, libxml2 (a conforming parser) must accept too. The reader may be stricter, never looser.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ParseOption, XmlDocument } from 'libxml2-wasm';
import { Iso20022Error } from '../errors.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { scanXml } from './scan.ts';

/** Mostly well-formed pieces, so that a good share of the soups is accepted and compared. */
const BENIGN = [
  '<a>',
  '</a>',
  '<b x="1">',
  '</b>',
  '<a/>',
  'text',
  ' ',
  '&amp;',
  '<!-- c -->',
  '<![CDATA[ x ]]>',
  '<q:d/>',
];

const TOKENS = [
  '<a>',
  '</a>',
  '<b x="1">',
  "<b x = '2' >",
  '</b>',
  '</b >',
  '<p:c xmlns:p="urn:p">',
  '</p:c>',
  '<q:d/>',
  '<a/>',
  '<a />',
  '<é/>',
  '<a\u00a0/>',
  '<a x="1"x="2"/>',
  '<a x="1" x="2"/>',
  '<a x="&lt;&#10;"/>',
  '<a x="<"/>',
  '<a xmlns="urn:d"/>',
  '<a xmlns:p=""/>',
  '<xmlns:a/>',
  'text',
  ' ',
  '\t',
  '\r\n',
  '\u00a0',
  '\u2028',
  '😀',
  '&amp;',
  '&#x41;',
  '&#0;',
  '&#xFFFE;',
  '&foo;',
  '&',
  '<!-- c -->',
  '<!---->',
  '<!-- - -->',
  '<!-- -- -->',
  '<![CDATA[ x ]]>',
  ']]>',
  '>',
  '<?xml version="1.0"?>',
  '<?xml version="1.0" encoding="utf-8"?>',
  '<?xml\u00a0version="1.0"?>',
  '<',
  '<1/>',
  '<a:b:c/>',
];

test('whatever the reader accepts, libxml2 accepts', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          { weight: 3, arbitrary: fc.constantFrom(...BENIGN) },
          { weight: 1, arbitrary: fc.constantFrom(...TOKENS) },
        ),
        { maxLength: 12 },
      ),
      fc.boolean(),
      (tokens, wrap) => {
        const xml = wrap ? `<r xmlns:q="urn:q">${tokens.join('')}</r>` : tokens.join('');
        try {
          scanXml(xml, DEFAULT_LIMITS);
        } catch (e) {
          assert.ok(e instanceof Iso20022Error, String(e));
          return;
        }
        const doc = XmlDocument.fromString(xml, { option: ParseOption.XML_PARSE_NONET | ParseOption.XML_PARSE_NO_XXE });
        doc.dispose();
      },
    ),
    { numRuns: 3000 },
  );
});
