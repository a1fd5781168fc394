import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DomainError } from '../errors.ts';
import { decodeEvent, decodeJson, encodeEvent, encodeJson } from './codec.ts';

describe('event codec', () => {
  it('round-trips bigints and bytes losslessly', () => {
    const data = {
      amount: 2n ** 70n + 1n,
      negative: -(2n ** 63n),
      list: [1n, 0n, 'x', null],
      raw: new Uint8Array([0, 1, 254, 255]),
      buf: Buffer.from('hi'),
      nested: { deep: { n: 42, s: '$bigint' } },
    };
    const back = decodeJson(encodeJson(data)) as typeof data;
    assert.equal(back.amount, data.amount);
    assert.equal(back.negative, data.negative);
    assert.deepEqual(back.list, data.list);
    assert.deepEqual(back.raw, data.raw);
    assert.deepEqual(back.buf, new Uint8Array(Buffer.from('hi')));
    assert.deepEqual(back.nested, data.nested);
  });

  it('round-trips any JSON-shaped value with bigints (property)', () => {
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.bigInt(),
        fc.string(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(
          fc.string().filter((k) => k !== '__proto__'),
          tie('v'),
          { maxKeys: 4, noNullPrototype: true },
        ),
      ),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        try {
          assert.deepEqual(decodeJson(encodeJson(v)), v);
        } catch (e) {
          // the only values it may refuse are the reserved single-tag objects
          if (!(e instanceof DomainError) || !/reserved/.test(e.message)) throw e;
        }
      }),
    );
  });

  it('refuses objects that would be mistaken for tags', () => {
    assert.throws(() => encodeJson({ x: { $bigint: '5' } }), /reserved/);
    assert.equal(encodeJson({ x: { $bigint: '5', other: 1 } }), '{"x":{"$bigint":"5","other":1}}');
  });

  it('encodes whole envelopes and rejects malformed ones', () => {
    const e = { id: 'evt_1', type: 'a.b', occurredAt: '2026-01-05T04:00:00.000Z', data: { v: 1n }, key: 'k' };
    assert.deepEqual(decodeEvent(encodeEvent(e)), e);
    const noKey = { id: 'evt_2', type: 'a.b', occurredAt: '2026-01-05T04:00:00.000Z', data: null };
    assert.deepEqual(decodeEvent(encodeEvent(noKey)), noKey);
    assert.throws(() => decodeEvent('{"id":1}'), DomainError);
    assert.throws(() => decodeEvent('null'), DomainError);
  });
});
