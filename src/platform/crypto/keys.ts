import { calculateJwkThumbprint, type JWK } from 'jose';
import type { ModuleMigrations, Queryable } from '../db/index.ts';
import { DomainError, invalid } from '../errors.ts';

/**
 * The platform's own key pairs (CA key, JWT signing keys), one row per named key.
 * Private keys are stored as base64 PKCS#8 in the database so every process sharing it uses the same
 * keys. Production would keep them in an HSM (PKCS#11 / cloud KMS) and store only a key handle here.
 */
export const cryptoMigrations: ModuleMigrations = {
  module: 'platform-crypto',
  migrations: [
    {
      id: '001-platform-keys',
      sql: `CREATE TABLE platform_keys (
        name TEXT PRIMARY KEY,
        kid TEXT NOT NULL,
        algorithm TEXT NOT NULL,
        private_key_pkcs8 TEXT NOT NULL,
        public_jwk TEXT NOT NULL,
        certificate_pem TEXT,
        created_at TEXT NOT NULL
      )`,
    },
  ],
};

export interface KeyRow {
  name: string;
  kid: string;
  algorithm: string;
  private_key_pkcs8: string;
  public_jwk: string;
  certificate_pem: string | null;
  created_at: string;
}

export const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** Only the public members of an EC key, in a fixed order: what thumbprints and JWKS documents carry. */
export function publicEcJwk(jwk: JsonWebKey | JWK): JWK {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw invalid('publicKeyJwk', 'must be an EC P-256 public key (kty EC, crv P-256, x, y)');
  }
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y };
}

/** RFC 7638 SHA-256 thumbprint of the public key: stable key id across restarts and processes. */
export const jwkThumbprint = (jwk: JWK): Promise<string> => calculateJwkThumbprint(publicEcJwk(jwk), 'sha256');

export const generateEcKeyPair = (): Promise<CryptoKeyPair> =>
  crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;

export async function exportPkcs8(key: CryptoKey): Promise<string> {
  return Buffer.from(await crypto.subtle.exportKey('pkcs8', key)).toString('base64');
}

export function importPkcs8(b64: string, extractable: boolean): Promise<CryptoKey> {
  return crypto.subtle.importKey('pkcs8', Buffer.from(b64, 'base64'), EC_P256, extractable, ['sign']);
}

export async function exportPublicJwk(key: CryptoKey): Promise<JWK> {
  return publicEcJwk(await crypto.subtle.exportKey('jwk', key));
}

const selectKey = async (db: Queryable, name: string): Promise<KeyRow | undefined> =>
  (await db.query<KeyRow>('SELECT * FROM platform_keys WHERE name = $1', [name]))[0];

/**
 * Returns the named key row, creating it on first use. Creation is race-safe across processes: every
 * contender generates a candidate, the first INSERT wins (ON CONFLICT DO NOTHING) and everyone re-reads
 * the winner, so all processes end up with the same key.
 */
export async function loadOrCreateKeyRow(
  db: Queryable,
  name: string,
  create: () => Promise<Omit<KeyRow, 'name'>>,
): Promise<KeyRow> {
  const existing = await selectKey(db, name);
  if (existing) return existing;
  const row = await create();
  await db.exec(
    `INSERT INTO platform_keys (name, kid, algorithm, private_key_pkcs8, public_jwk, certificate_pem, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING`,
    [name, row.kid, row.algorithm, row.private_key_pkcs8, row.public_jwk, row.certificate_pem, row.created_at],
  );
  const winner = await selectKey(db, name);
  if (!winner) throw new DomainError('internal', `platform key ${name} could not be stored`);
  return winner;
}
