/** decode(encode(x)) deep-equals x over generated valid models; the encoder's output is canonical. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { decode, encode, MAX_PAYLOAD_LENGTH, readPayload } from './index.ts';
import { emvQr } from './testing.ts';

describe('round trip', () => {
  test('decode(encode(x)) deep-equals x', () => {
    fc.assert(
      fc.property(emvQr, (qr) => {
        assert.deepStrictEqual(decode(encode(qr)), qr);
      }),
      { numRuns: 2000 },
    );
  });

  test('encode(decode(p)) === p for the encoder output: 00 first, ascending ids, 63 last, within 512 characters', () => {
    fc.assert(
      fc.property(emvQr, (qr) => {
        const payload = encode(qr);
        assert.equal(encode(decode(payload)), payload);
        assert.ok(Array.from(payload).length <= MAX_PAYLOAD_LENGTH);
        const ids = readPayload(payload).map((o) => o.id);
        assert.deepEqual(ids, [...ids].sort());
        assert.equal(ids[0], '00');
        assert.match(payload, /6304[0-9A-F]{4}$/);
      }),
      { numRuns: 500 },
    );
  });
});
