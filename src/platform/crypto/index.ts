/** Platform cryptography: the participant CA and the platform's own JWT signing keys. */
export {
  type IssueCertificateInput,
  type IssuedCertificate,
  OID_UID,
  PlatformCa,
  type VerifiedCertificate,
} from './ca.ts';
export { cryptoMigrations, jwkThumbprint } from './keys.ts';
export { loadOrCreateSigningKey, type SigningKey } from './signing-key.ts';
