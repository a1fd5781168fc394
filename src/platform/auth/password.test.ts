import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../errors.ts';
import { hashPassword, passwordNeedsRehash, verifyPassword } from './password.ts';

describe('password hashing', () => {
  it('hashes with a random salt and self-describing parameters, and verifies', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    assert.match(a, /^scrypt\$15\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    assert.notEqual(a, b, 'random salt');
    assert.equal(a.includes('correct'), false);
    assert.equal(await verifyPassword('correct horse battery staple', a), true);
    assert.equal(await verifyPassword('correct horse battery stapl', a), false);
    assert.equal(await verifyPassword('Correct horse battery staple', a), false);
    assert.equal(await verifyPassword('', a), false);
    assert.equal(passwordNeedsRehash(a), false);
  });

  it('treats canonically equal Unicode the same (NFKC)', async () => {
    const h = await hashPassword('Қазақстан-é');
    assert.equal(await verifyPassword('Қазақстан-e\u0301', h), true);
  });

  it('verifies hashes made with other parameters and flags weaker ones for rehash', async () => {
    // a hash as an older, cheaper configuration would have written it (N=2^10)
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.from('0123456789abcdef');
    const key = scryptSync('pw', salt, 32, { N: 1024, r: 8, p: 1 });
    const old = `scrypt$10$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
    assert.equal(await verifyPassword('pw', old), true);
    assert.equal(await verifyPassword('pw2', old), false);
    assert.equal(passwordNeedsRehash(old), true);
  });

  it('fails closed on malformed or abusive stored hashes and refuses empty passwords', async () => {
    const good = await hashPassword('pw');
    const parts = good.split('$');
    for (const bad of [
      '',
      'pw',
      'bcrypt$2b$...',
      good.slice(0, -4),
      ['scrypt', '30', ...parts.slice(2)].join('$'), // N = 2^30 would exhaust memory
      ['scrypt', '15', '8', '1', '', parts[5]].join('$'),
      ['scrypt', '15', '8', '1', parts[4], 'AAAA'].join('$'),
    ]) {
      assert.equal(await verifyPassword('pw', bad), false, bad);
    }
    await assert.rejects(hashPassword(''), (e) => e instanceof DomainError && e.type === 'validation');
    await assert.rejects(hashPassword('x'.repeat(1025)), (e) => e instanceof DomainError && e.type === 'validation');
  });
});
