import type { JWK } from 'jose';
import { type Clock, systemClock } from '../clock.ts';
import type { Queryable } from '../db/index.ts';
import { invalid } from '../errors.ts';
import {
  exportPkcs8,
  exportPublicJwk,
  generateEcKeyPair,
  importPkcs8,
  jwkThumbprint,
  loadOrCreateKeyRow,
} from './keys.ts';

/** An ES256 key the platform signs its own JWTs with (OAuth access tokens, portal sessions). */
export interface SigningKey {
  /** RFC 7638 thumbprint of the public key; goes into the JWS header. */
  kid: string;
  alg: 'ES256';
  /**
   * Extractable because oidc-provider takes its keys as private JWKs; nothing else should export it.
   * With an HSM this would be a non-extractable handle and the provider would use ExternalSigningKey.
   */
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** Public JWK with kid, alg and use: what a JWKS document publishes. */
  publicJwk: JWK & { kid: string; alg: 'ES256'; use: 'sig' };
}

const USE = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/**
 * Loads the signing key for `use` (e.g. 'oauth', 'portal-session'), creating and persisting it on the
 * first start. Needs `cryptoMigrations` applied. One key per use, so a leaked session key cannot mint
 * API tokens. No rotation yet: rotating means a second row and publishing both public keys for a while.
 */
export async function loadOrCreateSigningKey(opts: { db: Queryable; use: string; clock?: Clock }): Promise<SigningKey> {
  if (!USE.test(opts.use)) throw invalid('use', 'lowercase letters, digits, dot, dash or underscore');
  const row = await loadOrCreateKeyRow(opts.db, `jwt:${opts.use}`, async () => {
    const pair = await generateEcKeyPair();
    const publicJwk = await exportPublicJwk(pair.publicKey);
    return {
      kid: await jwkThumbprint(publicJwk),
      algorithm: 'ES256',
      private_key_pkcs8: await exportPkcs8(pair.privateKey),
      public_jwk: JSON.stringify(publicJwk),
      certificate_pem: null,
      created_at: (opts.clock ?? systemClock).now().toISOString(),
    };
  });
  const jwk = JSON.parse(row.public_jwk) as JWK;
  const publicJwk = { ...jwk, kid: row.kid, alg: 'ES256' as const, use: 'sig' as const };
  return {
    kid: row.kid,
    alg: 'ES256',
    privateKey: await importPkcs8(row.private_key_pkcs8, true),
    publicKey: await crypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']),
    publicJwk,
  };
}
