import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProbeCounts } from './memory-index.ts';

describe('ProbeCounts (the prefilter of the lists in memory)', () => {
  it('counts like a map of counts through adds and removes, across growth and backward shifts', () => {
    let seed = 42;
    const rnd = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    const set = new ProbeCounts(16);
    const ref = new Map<number, number>();
    // a small value range: many repeats, many collisions of home slots, runs that wrap around
    const values = Array.from({ length: 3000 }, () => rnd() & 0x3fffffff);
    for (let step = 0; step < 60_000; step++) {
      const v = values[rnd() % values.length]!;
      if (rnd() % 3 === 0) {
        set.remove(v);
        const n = (ref.get(v) ?? 0) - 1;
        if (n <= 0) ref.delete(v);
        else ref.set(v, n);
      } else {
        set.add(v);
        ref.set(v, (ref.get(v) ?? 0) + 1);
      }
      if (step % 997 === 0) {
        for (const x of values) assert.equal(set.count(x), ref.get(x) ?? 0, `value ${x} at step ${step}`);
        assert.equal(set.size, ref.size);
      }
    }
    for (const x of values) assert.equal(set.has(x), ref.has(x));
    for (const [x, n] of ref) for (let k = 0; k < n; k++) set.remove(x);
    assert.equal(set.size, 0);
    for (const x of values) assert.equal(set.has(x), false);
  });

  it('holds 0 and the largest 30-bit value', () => {
    const set = new ProbeCounts();
    set.add(0);
    set.add(0x3fffffff);
    assert.equal(set.has(0), true);
    assert.equal(set.has(0x3fffffff), true);
    assert.equal(set.has(1), false);
    set.remove(0);
    assert.equal(set.has(0), false);
    assert.equal(set.has(0x3fffffff), true);
  });
});
