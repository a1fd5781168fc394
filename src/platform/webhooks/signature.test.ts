import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffDelay } from './backoff.ts';
import { newWebhookSecret, signWebhook, verifyWebhookSignature } from './signature.ts';

const now = new Date(Date.UTC(2026, 0, 5, 4, 0, 0));
const ts = Math.floor(now.getTime() / 1000);
const body = '{"id":"whd_1","type":"payments.settled","createdAt":"2026-01-05T04:00:00.000Z","data":{"amount":"100"}}';

describe('webhook signatures', () => {
  it('matches the Standard Webhooks reference vector', () => {
    const sig = signWebhook(
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    assert.equal(sig, 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verifies its own signatures over text and raw bytes, and rejects tampering', () => {
    const secret = newWebhookSecret();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
    const signature = signWebhook(secret, 'whd_1', ts, body);
    const base = { secret, id: 'whd_1', timestamp: String(ts), body, signature, now };
    assert.equal(verifyWebhookSignature(base), true);
    assert.equal(verifyWebhookSignature({ ...base, body: new TextEncoder().encode(body) }), true);
    assert.equal(verifyWebhookSignature({ ...base, body: body.replace('100', '900') }), false);
    assert.equal(verifyWebhookSignature({ ...base, id: 'whd_2' }), false);
    assert.equal(verifyWebhookSignature({ ...base, timestamp: String(ts + 1) }), false);
    assert.equal(verifyWebhookSignature({ ...base, timestamp: `${ts}x` }), false);
    assert.equal(verifyWebhookSignature({ ...base, signature: signature.slice(0, 10) }), false);
    assert.equal(verifyWebhookSignature({ ...base, signature: `v2,${signature.slice(3)}` }), false);
    assert.equal(verifyWebhookSignature({ ...base, secret: newWebhookSecret() }), false);
    // Several signatures in one header (space-separated): any valid v1 one suffices.
    assert.equal(verifyWebhookSignature({ ...base, signature: `v1,AAAA ${signature}` }), true);
  });

  it('rejects timestamps outside the tolerance, old (replay) or future', () => {
    const secret = newWebhookSecret();
    const at = (t: number) =>
      verifyWebhookSignature({
        secret,
        id: 'whd_1',
        timestamp: t,
        body,
        signature: signWebhook(secret, 'whd_1', t, body),
        now,
      });
    assert.equal(at(ts - 300), true);
    assert.equal(at(ts - 301), false);
    assert.equal(at(ts + 300), true);
    assert.equal(at(ts + 301), false);
    const old = ts - 3600;
    const sig = signWebhook(secret, 'whd_1', old, body);
    const input = { secret, id: 'whd_1', timestamp: old, body, signature: sig, now };
    assert.equal(verifyWebhookSignature({ ...input, toleranceSeconds: 7200 }), true);
  });

  it('accepts the previous secret during a rotation when the receiver holds both', () => {
    const previous = newWebhookSecret();
    const current = newWebhookSecret();
    const signedWithPrevious = signWebhook(previous, 'whd_1', ts, body);
    const input = { id: 'whd_1', timestamp: ts, body, signature: signedWithPrevious, now };
    assert.equal(verifyWebhookSignature({ ...input, secrets: [current, previous] }), true);
    assert.equal(verifyWebhookSignature({ ...input, secret: current }), false);
    const signedWithCurrent = signWebhook(current, 'whd_1', ts, body);
    assert.equal(
      verifyWebhookSignature({ ...input, signature: signedWithCurrent, secrets: [current, previous] }),
      true,
    );
  });

  it('refuses malformed secrets instead of signing with a different key', () => {
    assert.throws(() => signWebhook('whsec_not base64!', 'whd_1', ts, body), /base64/);
    assert.throws(() => verifyWebhookSignature({ secrets: [], id: 'x', timestamp: ts, body, signature: 'v1,x', now }));
    // base64url secrets (as issued before newWebhookSecret existed) decode to the same key as base64.
    const raw = Buffer.from('fb-ff_fe00112233445566778899aabbccddeeff', 'hex');
    assert.equal(
      signWebhook(`whsec_${raw.toString('base64url')}`, 'a', ts, body),
      signWebhook(`whsec_${raw.toString('base64')}`, 'a', ts, body),
    );
  });
});

describe('webhook backoff', () => {
  it('doubles from the base, caps at the maximum, and jitters within [½, 1]', () => {
    const mid = () => 0.5;
    assert.deepEqual(
      [1, 2, 3, 4].map((n) => backoffDelay(n, 1000, 3_600_000, mid)),
      [750, 1500, 3000, 6000],
    );
    assert.equal(
      backoffDelay(30, 1000, 3_600_000, () => 0.999999),
      3_599_998,
    );
    assert.equal(
      backoffDelay(30, 1000, 3_600_000, () => 0),
      1_800_000,
    );
    assert.equal(
      backoffDelay(2000, 1000, 60_000, () => 0),
      30_000,
    );
  });
});
