import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../errors.ts';
import { canonicalJson } from './canonical.ts';

describe('canonical JSON', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } }),
      '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
    assert.equal(canonicalJson({ b: 1, a: 2 }), canonicalJson({ a: 2, b: 1 }));
  });

  it('writes bigints as strings, dates as ISO strings, bytes as base64, and drops undefined fields', () => {
    assert.equal(
      canonicalJson({ n: 2n ** 70n, d: new Date(0), u: undefined, b: new Uint8Array([1, 2]), l: [undefined] }),
      '{"b":"AQI=","d":"1970-01-01T00:00:00.000Z","l":[null],"n":"1180591620717411303424"}',
    );
    assert.equal(canonicalJson(undefined), 'null');
    assert.equal(canonicalJson(-0), '0');
  });

  it('refuses what has no canonical form', () => {
    assert.throws(() => canonicalJson({ x: Number.NaN }), DomainError);
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    assert.throws(() => canonicalJson(loop), /circular/);
    const shared = { v: 1 };
    assert.equal(canonicalJson([shared, shared]), '[{"v":1},{"v":1}]'); // repeated is not circular
  });
});
