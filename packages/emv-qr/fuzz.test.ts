/**
 * The decoder on hostile input: random strings, and mutants of valid payloads (with the CRC left
 * as it was, or recomputed so the mutant reaches the field checks). Each input either decodes or
 * throws EmvQrError; what decodes is a model the encoder accepts and that survives a round trip.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { crc16Hex, decode, type EmvQr, EmvQrError, encode } from './index.ts';
import { emvQr, withCrc } from './testing.ts';

const CODES = new Set([
  'too_large',
  'truncated',
  'bad_id',
  'bad_length',
  'bad_order',
  'missing_tag',
  'duplicate_tag',
  'unsupported_tag',
  'crc_mismatch',
  'bad_char',
  'bad_format',
  'bad_value',
  'unsupported_currency',
  'unsupported_country',
]);

type Outcome = { ok: true; value: EmvQr } | { ok: false; code: string };

function attempt(payload: string): Outcome {
  let value: EmvQr;
  try {
    value = decode(payload);
  } catch (e) {
    if (!(e instanceof EmvQrError)) throw new Error(`decode threw a non-EmvQrError: ${String(e)}`, { cause: e });
    assert.ok(CODES.has(e.code), e.code);
    assert.match(e.tag, /^(|[0-9]{2}(\.[0-9]{2})?)$/, `tag ${e.tag}`);
    if (e.offset !== undefined) assert.ok(e.offset >= 0 && e.offset <= payload.length, `offset ${e.offset}`);
    return { ok: false, code: e.code };
  }
  // whatever the decoder accepts, the encoder accepts and reproduces
  assert.deepStrictEqual(decode(encode(value)), value);
  return { ok: true, value };
}

/** Characters a mutation splices in: TLV-ish digits, template ids, specials, non-ASCII, controls. */
const piece = fc.oneof(
  fc.constantFrom(
    '0',
    '1',
    '2',
    '5',
    '6',
    '9',
    '00',
    '01',
    '02',
    '26',
    '52',
    '53',
    '54',
    '58',
    '59',
    '62',
    '63',
    '64',
    '99',
  ),
  fc.constantFrom('6304', '5303398', '5802KZ', '0007KZ.NDFI', '.', '-', 'e', ' ', 'A', 'z', '*'),
  fc.constantFrom('\u0000', '\n', '\u007f', '\u200b', '\ud800', 'Ә', '😀', '最'),
  fc.string({ maxLength: 6 }),
);

type Mutation =
  | { kind: 'replace'; at: number; length: number; with: string }
  | { kind: 'insert'; at: number; with: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'duplicate'; at: number; length: number }
  | { kind: 'truncate'; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('replace' as const),
    at: fc.nat(),
    length: fc.integer({ min: 1, max: 4 }),
    with: piece,
  }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), with: piece }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

function mutate(payload: string, m: Mutation): string {
  const at = m.at % (payload.length + 1);
  switch (m.kind) {
    case 'replace':
      return payload.slice(0, at) + m.with + payload.slice(at + m.length);
    case 'insert':
      return payload.slice(0, at) + m.with + payload.slice(at);
    case 'delete':
      return payload.slice(0, at) + payload.slice(at + m.length);
    case 'duplicate':
      return payload.slice(0, at + m.length) + payload.slice(at, at + m.length) + payload.slice(at + m.length);
    case 'truncate':
      return payload.slice(0, at);
  }
}

/** A mutated body with a fresh CRC, so the mutant is judged on its fields rather than its checksum. */
function reSigned(payload: string, m: Mutation): string {
  return withCrc(mutate(payload.slice(0, -8), m));
}

describe('decode never throws anything but EmvQrError', () => {
  test('random strings of any characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), (s) => void attempt(s)),
      { numRuns: 3000 },
    );
  });

  test('random strings of lone surrogates, graphemes and ASCII', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'grapheme', maxLength: 200 }),
          fc.string({ unit: 'binary-ascii', maxLength: 600 }),
          fc.string({ unit: fc.constantFrom('\ud800', '\udc00', '0', '6', '3'), maxLength: 40 }),
        ),
        (s) => void attempt(s),
      ),
      { numRuns: 2000 },
    );
  });

  test('random digit strings (they look like TLV), signed or not', () => {
    const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 200 });
    fc.assert(
      fc.property(digits, fc.boolean(), (s, signed) => void attempt(signed ? withCrc(s) : s)),
      { numRuns: 3000 },
    );
  });

  test('random sequences of plausible data objects, signed', () => {
    const object = fc
      .tuple(
        fc.constantFrom(
          '00',
          '01',
          '02',
          '15',
          '26',
          '27',
          '52',
          '53',
          '54',
          '55',
          '58',
          '59',
          '60',
          '61',
          '62',
          '63',
          '64',
          '70',
          '91',
        ),
        fc.oneof(
          fc.constantFrom(
            '01',
            '11',
            '12',
            '398',
            'KZ',
            '5411',
            '100.00',
            '0007KZ.NDFI0108KCJBKZKX0201M',
            '0103INV',
            '0002kk0103Әке',
          ),
          fc.string({ maxLength: 30 }),
        ),
      )
      .map(([id, value]) => id + String(Array.from(value).length).padStart(2, '0') + value);
    fc.assert(
      fc.property(fc.array(object, { maxLength: 16 }), (objects) => void attempt(withCrc(objects.join('')))),
      { numRuns: 3000 },
    );
  });

  test('mutants of valid payloads, with the old CRC: never accepted unless the CRC really matches', () => {
    let crcMismatches = 0;
    fc.assert(
      fc.property(emvQr, mutation, (qr, m) => {
        const mutant = mutate(encode(qr), m);
        const outcome = attempt(mutant);
        // a mutant passes only as a no-op or a genuine CRC-16 collision (about 1 in 65536)
        if (outcome.ok) assert.equal(crc16Hex(mutant.slice(0, -4)), mutant.slice(-4));
        else if (outcome.code === 'crc_mismatch') crcMismatches++;
      }),
      { numRuns: 3000 },
    );
    assert.ok(crcMismatches > 100, `only ${crcMismatches} mutants reached the CRC check`);
  });

  test('mutants of valid payloads, re-signed: field checks decide, and some still decode', () => {
    let decoded = 0;
    fc.assert(
      fc.property(emvQr, fc.array(mutation, { minLength: 1, maxLength: 3 }), (qr, ms) => {
        let mutant = encode(qr);
        for (const m of ms) mutant = reSigned(mutant, m);
        if (attempt(mutant).ok) decoded++;
      }),
      { numRuns: 3000 },
    );
    assert.ok(decoded > 0, 'no re-signed mutant decoded: the generator only exercises rejections');
  });
});
