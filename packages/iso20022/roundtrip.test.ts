import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { build, createValidator, MESSAGE_TYPES, parse } from './index.ts';
import { arbitraryMessage, examplePacs008, officialXsdDir } from './testing.ts';

const validator = createValidator(officialXsdDir());
after(() => validator.close());

describe('round trip: parse(build(x)) == x, and every built document is XSD-valid', () => {
  for (const type of MESSAGE_TYPES) {
    test(type, () => {
      fc.assert(
        fc.property(arbitraryMessage(type), (msg) => {
          const xml = build(msg);
          assert.deepEqual(validator.validate(xml, type), [], 'built document must satisfy the official XSD');
          assert.deepEqual(parse(xml, { expect: type }), msg);
          // Same document through the XSD-validating path, and pretty-printed.
          assert.deepEqual(parse(build(msg, { pretty: true }), { validator }), msg);
        }),
        { numRuns: 60 },
      );
    });
  }
});

test('the example payment builds to the XML a participant would send', () => {
  const xml = build(examplePacs008());
  assert.match(
    xml,
    /^<\?xml version="1.0" encoding="UTF-8"\?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.09">/,
  );
  assert.match(xml, /<IntrBkSttlmAmt Ccy="KZT">1500.00<\/IntrBkSttlmAmt>/);
  assert.match(xml, /<Nm>ТОО «Ромашка»<\/Nm>/);
  assert.deepEqual(validator.validate(xml, 'pacs.008.001.09'), []);
});
