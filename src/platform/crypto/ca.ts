// must run before @peculiar/x509 loads
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { JWK } from 'jose';
import type { Clock } from '../clock.ts';
import type { Queryable } from '../db/index.ts';
import { DomainError, invalid } from '../errors.ts';
import {
  EC_P256,
  exportPkcs8,
  exportPublicJwk,
  generateEcKeyPair,
  importPkcs8,
  jwkThumbprint,
  loadOrCreateKeyRow,
  publicEcJwk,
} from './keys.ts';

/** X.500 userId (RFC 4519 `UID`): carries the participant id in the subject so verify() can recover it. */
export const OID_UID = '0.9.2342.19200300.100.1.1';

const SIGNING_ALG = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;
const CA_VALIDITY_DAYS = 20 * 365;
const MAX_VALIDITY_DAYS = 825;

export interface IssueCertificateInput {
  participantId: string;
  commonName: string;
  organization: string;
  /** The participant's public key, EC P-256. Give this or csrPem. */
  publicKeyJwk?: JsonWebKey | JWK;
  /** PKCS#10 request; its signature proves possession of the key. Its subject is ignored: the CA names. */
  csrPem?: string;
  /** 1–825 days. */
  validityDays: number;
}

export interface IssuedCertificate {
  pem: string;
  /** Hex, as in the certificate. */
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** RFC 7638 SHA-256 thumbprint of the certified public key. */
  thumbprint: string;
  publicKeyJwk: JWK;
}

export interface VerifiedCertificate {
  participantId: string;
  commonName: string;
  publicKeyJwk: JWK;
  serialNumber: string;
  thumbprint: string;
  notAfter: Date;
}

/** Certificates carry whole seconds; truncating keeps notBefore/notAfter equal to what is encoded. */
const wholeSeconds = (ms: number): Date => new Date(Math.floor(ms / 1000) * 1000);

const requireText = (field: string, v: unknown, max = 128): string => {
  if (typeof v !== 'string' || v.trim() === '' || v.length > max) {
    throw invalid(field, `required, at most ${max} characters`);
  }
  return v;
};

const unauthorized = (why: string) => new DomainError('unauthorized', `certificate rejected: ${why}`);

/**
 * The platform CA: ECDSA P-256, self-signed, created on first start and persisted in platform_keys
 * (needs `cryptoMigrations`). Every process sharing the database loads the same CA. It certifies
 * participants' keys (for private_key_jwt client authentication and message signing) and verifies
 * certificates presented to the platform.
 */
export class PlatformCa {
  readonly certificate: x509.X509Certificate;
  readonly certificatePem: string;
  private readonly privateKey: CryptoKey;
  private readonly clock: Clock;

  private constructor(certificate: x509.X509Certificate, privateKey: CryptoKey, clock: Clock) {
    this.certificate = certificate;
    this.certificatePem = certificate.toString('pem');
    this.privateKey = privateKey;
    this.clock = clock;
  }

  static async loadOrCreate(opts: { db: Queryable; clock: Clock; name?: string }): Promise<PlatformCa> {
    const name = requireText('name', opts.name ?? 'NDFI Root CA');
    const row = await loadOrCreateKeyRow(opts.db, `ca:${name}`, async () => {
      const keys = await generateEcKeyPair();
      const now = opts.clock.nowMs();
      const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: randomSerial(),
        name: new x509.Name([{ CN: [{ utf8String: name }] }, { O: [{ utf8String: 'NDFI' }] }]),
        // back-dated a day so hosts with a slightly slow clock accept it at once
        notBefore: wholeSeconds(now - DAY_MS),
        notAfter: wholeSeconds(now + CA_VALIDITY_DAYS * DAY_MS),
        keys,
        signingAlgorithm: SIGNING_ALG,
        extensions: [
          new x509.BasicConstraintsExtension(true, 0, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
      });
      const publicJwk = await exportPublicJwk(keys.publicKey);
      return {
        kid: await jwkThumbprint(publicJwk),
        algorithm: 'ES256',
        private_key_pkcs8: await exportPkcs8(keys.privateKey),
        public_jwk: JSON.stringify(publicJwk),
        certificate_pem: cert.toString('pem'),
        created_at: new Date(now).toISOString(),
      };
    });
    if (!row.certificate_pem) throw new DomainError('internal', `platform key ca:${name} has no certificate`);
    // the CA key is never exported again once stored
    return new PlatformCa(
      new x509.X509Certificate(row.certificate_pem),
      await importPkcs8(row.private_key_pkcs8, false),
      opts.clock,
    );
  }

  /** Certifies a participant's EC P-256 key; the participant id goes into the subject's UID attribute. */
  async issue(input: IssueCertificateInput): Promise<IssuedCertificate> {
    const participantId = requireText('participantId', input.participantId);
    const commonName = requireText('commonName', input.commonName);
    const organization = requireText('organization', input.organization);
    const days = input.validityDays;
    if (!Number.isInteger(days) || days < 1 || days > MAX_VALIDITY_DAYS) {
      throw invalid('validityDays', `an integer from 1 to ${MAX_VALIDITY_DAYS}`);
    }
    if ((input.publicKeyJwk === undefined) === (input.csrPem === undefined)) {
      throw invalid('publicKeyJwk', 'give exactly one of publicKeyJwk or csrPem');
    }
    const publicKey =
      input.publicKeyJwk !== undefined ? await importJwk(input.publicKeyJwk) : await keyFromCsr(input.csrPem!);
    const publicKeyJwk = await exportPublicJwk(publicKey);

    const now = this.clock.nowMs();
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: new x509.Name([
        { CN: [{ utf8String: commonName }] },
        { O: [{ utf8String: organization }] },
        { [OID_UID]: [{ utf8String: participantId }] },
      ]),
      issuer: this.certificate.subjectName,
      notBefore: wholeSeconds(now),
      notAfter: wholeSeconds(now + days * DAY_MS),
      publicKey,
      signingKey: this.privateKey,
      signingAlgorithm: SIGNING_ALG,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
        await x509.SubjectKeyIdentifierExtension.create(publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(this.certificate.publicKey),
      ],
    });
    return {
      pem: cert.toString('pem'),
      serialNumber: cert.serialNumber,
      notBefore: cert.notBefore,
      notAfter: cert.notAfter,
      thumbprint: await jwkThumbprint(publicKeyJwk),
      publicKeyJwk,
    };
  }

  /**
   * Accepts only a participant certificate this CA signed that is valid at `now`; anything else
   * (malformed, other issuer, bad signature, expired, not yet valid, a CA certificate, no participant id)
   * is DomainError('unauthorized').
   */
  async verify(pem: string, now: Date): Promise<VerifiedCertificate> {
    let cert: x509.X509Certificate;
    try {
      cert = new x509.X509Certificate(pem);
    } catch {
      throw unauthorized('malformed');
    }
    if (!sameName(cert.issuerName, this.certificate.subjectName)) throw unauthorized('not issued by the platform CA');
    const signed = await cert.verify({ publicKey: this.certificate.publicKey, signatureOnly: true }).catch(() => false);
    if (!signed) throw unauthorized('signature does not verify against the platform CA');
    if (now.getTime() < cert.notBefore.getTime()) throw unauthorized('not yet valid');
    if (now.getTime() > cert.notAfter.getTime()) throw unauthorized('expired');
    if (cert.getExtension(x509.BasicConstraintsExtension)?.ca) throw unauthorized('a CA certificate');
    const uids = cert.subjectName.getField(OID_UID);
    const participantId = uids[0];
    if (uids.length !== 1 || !participantId) throw unauthorized('not exactly one participant id in the subject');
    let publicKeyJwk: JWK;
    try {
      publicKeyJwk = await exportPublicJwk(await cert.publicKey.export(EC_P256, ['verify']));
    } catch {
      throw unauthorized('the certified key is not EC P-256');
    }
    return {
      participantId,
      commonName: cert.subjectName.getField('CN')[0] ?? '',
      publicKeyJwk,
      serialNumber: cert.serialNumber,
      thumbprint: await jwkThumbprint(publicKeyJwk),
      notAfter: cert.notAfter,
    };
  }
}

/**
 * Names are built from typed values (utf8String) and compared as DER, never through their string form:
 * the library's string parsing unquotes and unescapes, which would let a crafted name change meaning.
 */
const sameName = (a: x509.Name, b: x509.Name): boolean =>
  Buffer.from(a.toArrayBuffer()).equals(Buffer.from(b.toArrayBuffer()));

/** 128 random bits, leading byte 0x01–0x7f so the DER integer is positive and keeps its length. */
function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = (b[0]! & 0x7f) | 0x01;
  return b.toString('hex');
}

async function importJwk(jwk: JsonWebKey | JWK): Promise<CryptoKey> {
  if (typeof jwk !== 'object' || jwk === null) throw invalid('publicKeyJwk', 'must be a JWK object');
  // a private member means the participant sent its private key: refuse rather than silently strip it
  if ('d' in jwk && jwk.d !== undefined) throw invalid('publicKeyJwk', 'must not contain private key material');
  const pub = publicEcJwk(jwk);
  try {
    return await crypto.subtle.importKey('jwk', pub, EC_P256, true, ['verify']);
  } catch {
    throw invalid('publicKeyJwk', 'not a valid point on P-256');
  }
}

async function keyFromCsr(pem: string): Promise<CryptoKey> {
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(pem);
  } catch {
    throw invalid('csrPem', 'not a PEM PKCS#10 certificate request');
  }
  const ok = await csr.verify().catch(() => false);
  if (!ok) throw invalid('csrPem', 'signature does not verify: no proof of possession of the key');
  try {
    return await csr.publicKey.export(EC_P256, ['verify']);
  } catch {
    throw invalid('csrPem', 'the key must be EC P-256');
  }
}
