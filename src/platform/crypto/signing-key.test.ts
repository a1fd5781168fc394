import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calculateJwkThumbprint, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { ManualClock } from '../clock.ts';
import { migrate } from '../db/index.ts';
import { DomainError } from '../errors.ts';
import { engines, freshDb } from '../testing.ts';
import { cryptoMigrations, loadOrCreateSigningKey } from './index.ts';

for (const engine of engines()) {
  describe(`platform signing keys on ${engine}`, () => {
    it('persists one ES256 key per use, with its thumbprint as kid', async () => {
      const t = await freshDb(engine);
      try {
        await migrate(t.db, [cryptoMigrations]);
        const clock = new ManualClock();
        const [a, b] = await Promise.all([
          loadOrCreateSigningKey({ db: t.db, use: 'oauth', clock }),
          loadOrCreateSigningKey({ db: t.db, use: 'oauth', clock }),
        ]);
        assert.equal(a!.kid, b!.kid, 'concurrent creators agree');
        const again = await loadOrCreateSigningKey({ db: t.db, use: 'oauth' });
        assert.equal(again.kid, a!.kid);
        assert.deepEqual(again.publicJwk, a!.publicJwk);
        assert.equal(a!.kid, await calculateJwkThumbprint(a!.publicJwk, 'sha256'));
        assert.equal(a!.publicJwk.alg, 'ES256');
        assert.equal('d' in a!.publicJwk, false, 'the public JWK has no private member');

        const portal = await loadOrCreateSigningKey({ db: t.db, use: 'portal-session' });
        assert.notEqual(portal.kid, a!.kid, 'each use has its own key');

        // a token signed by one loaded instance verifies with another's public key, not with another use's
        const jwt = await new SignJWT({ x: 1 })
          .setProtectedHeader({ alg: 'ES256', kid: a!.kid })
          .setIssuedAt()
          .setExpirationTime('1m')
          .sign(a!.privateKey);
        assert.equal(decodeProtectedHeader(jwt).kid, a!.kid);
        assert.equal((await jwtVerify(jwt, again.publicKey)).payload.x, 1);
        await assert.rejects(jwtVerify(jwt, portal.publicKey), /signature verification failed/);

        await assert.rejects(
          loadOrCreateSigningKey({ db: t.db, use: 'Bad Use!' }),
          (e) => e instanceof DomainError && e.type === 'validation',
        );
      } finally {
        await t.cleanup();
      }
    });
  });
}
