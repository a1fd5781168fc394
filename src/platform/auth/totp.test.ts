import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchTotp, newTotpSecret, totpCode, totpUri, verifyTotp } from './totp.ts';

// RFC 6238 appendix B, SHA-1 seed "12345678901234567890" in base32; 6-digit codes are the last 6 of the 8.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RFC_VECTORS: [number, string][] = [
  [59, '287082'],
  [1111111109, '081804'],
  [1111111111, '050471'],
  [1234567890, '005924'],
  [2000000000, '279037'],
  [20000000000, '353130'],
];
const at = (s: number) => new Date(s * 1000);

describe('totp', () => {
  it('matches the RFC 6238 SHA-1 test vectors', () => {
    for (const [t, code] of RFC_VECTORS) {
      assert.equal(totpCode(RFC_SECRET, at(t)), code, `T=${t}`);
      assert.ok(verifyTotp(RFC_SECRET, code, at(t)), `verify T=${t}`);
    }
  });

  it('accepts one step either side and nothing further', () => {
    const t = 1234567890; // 41152263 × 30: the first second of its step
    const code = totpCode(RFC_SECRET, at(t));
    assert.ok(verifyTotp(RFC_SECRET, code, at(t + 59)), 'last second of the next step');
    assert.ok(verifyTotp(RFC_SECRET, code, at(t - 30)), 'first second of the previous step');
    assert.equal(verifyTotp(RFC_SECRET, code, at(t + 60)), false, 'two steps later');
    assert.equal(verifyTotp(RFC_SECRET, code, at(t - 31)), false, 'two steps earlier');
  });

  it('rejects wrong, malformed and replayed codes and unusable secrets', () => {
    const now = at(1_767_590_400);
    const code = totpCode(RFC_SECRET, now);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    assert.equal(verifyTotp(RFC_SECRET, wrong, now), false);
    for (const bad of ['', '12345', '1234567', `${code} `, ' 12345', 'abcdef', '12 456']) {
      assert.equal(verifyTotp(RFC_SECRET, bad, now), false, JSON.stringify(bad));
    }
    assert.equal(verifyTotp('not base32 !!', code, now), false);
    assert.equal(verifyTotp('GEZDGNBV', code, now), false, 'a secret too short to be safe');

    const first = matchTotp(RFC_SECRET, code, now);
    assert.ok(first);
    assert.equal(matchTotp(RFC_SECRET, code, now, { afterTimeStep: first.timeStep }), undefined, 'replay');
    const next = totpCode(RFC_SECRET, at(1_767_590_400 + 30));
    assert.ok(matchTotp(RFC_SECRET, next, at(1_767_590_400 + 30), { afterTimeStep: first.timeStep }));
  });

  it('makes fresh 160-bit secrets and an otpauth URI for authenticator apps', () => {
    const s = newTotpSecret();
    assert.match(s, /^[A-Z2-7]{32}$/);
    assert.notEqual(newTotpSecret(), s);
    const now = new Date(Date.UTC(2026, 0, 5));
    assert.ok(verifyTotp(s, totpCode(s, now), now));

    const uri = new URL(totpUri({ secret: s, account: 'aigerim@halyk.kz' }));
    assert.equal(uri.protocol, 'otpauth:');
    assert.equal(uri.host, 'totp');
    assert.equal(decodeURIComponent(uri.pathname), '/NDFI:aigerim@halyk.kz');
    assert.equal(uri.searchParams.get('secret'), s);
    assert.equal(uri.searchParams.get('issuer'), 'NDFI');
    assert.equal(uri.searchParams.get('digits') ?? '6', '6');
    assert.equal(uri.searchParams.get('period') ?? '30', '30');
    assert.equal((uri.searchParams.get('algorithm') ?? 'SHA1').toUpperCase(), 'SHA1');
  });
});
