import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenBuckets } from './rate-limit.ts';

describe('token buckets', () => {
  it('lets a burst of perMinute through, then one per refill interval', () => {
    const b = new TokenBuckets(3);
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) {
      assert.equal(b.wait('k', t0), 0);
      b.take('k', t0);
    }
    assert.equal(b.wait('k', t0), 20_000, 'one token per 20 s at 3/minute');
    assert.equal(b.wait('other', t0), 0, 'keys are independent');
    assert.equal(b.wait('k', t0 + 19_999), 1);
    assert.equal(b.wait('k', t0 + 20_000), 0);
  });

  it('forgets idle full buckets once it holds too many keys', () => {
    const b = new TokenBuckets(2, 10);
    for (let i = 0; i < 11; i++) b.take(`k${i}`, 0);
    assert.equal(b.size, 11, 'nothing is full yet: nothing dropped');
    b.take('late', 120_000);
    assert.equal(b.size, 1, 'every refilled bucket dropped, the fresh one kept');
  });
});
