// before @peculiar/x509, as in ca.ts
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as x509 from '@peculiar/x509';
import { calculateJwkThumbprint, exportJWK } from 'jose';
import { ManualClock } from '../clock.ts';
import { migrate, SqliteDb } from '../db/index.ts';
import { DomainError, type ProblemType } from '../errors.ts';
import { engines, freshDb } from '../testing.ts';
import { cryptoMigrations, PlatformCa } from './index.ts';

const DAY = 86_400_000;

const domainError = (type: ProblemType, message?: RegExp) => (e: unknown) => {
  assert.ok(e instanceof DomainError, `expected DomainError, got ${String(e)}`);
  assert.equal(e.type, type);
  if (message) assert.match(e.message, message);
  return true;
};

const newKeyPair = (curve = 'P-256') =>
  crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, ['sign', 'verify']) as Promise<CryptoKeyPair>;

const publicJwk = async (keys: CryptoKeyPair) => {
  const { kty, crv, x, y } = await exportJWK(keys.publicKey);
  return { kty, crv, x, y };
};

const csrFor = async (keys: CryptoKeyPair, curve = 'P-256') =>
  (
    await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=whatever the participant asks for',
      keys,
      signingAlgorithm: { name: 'ECDSA', hash: curve === 'P-384' ? 'SHA-384' : 'SHA-256' },
    })
  ).toString('pem');

for (const engine of engines()) {
  describe(`platform CA on ${engine}`, () => {
    it('is created once, persisted, and the same across loads and concurrent creators', async () => {
      const t = await freshDb(engine);
      try {
        await migrate(t.db, [cryptoMigrations]);
        const clock = new ManualClock();
        const racers = await Promise.all(Array.from({ length: 5 }, () => PlatformCa.loadOrCreate({ db: t.db, clock })));
        const pems = new Set(racers.map((ca) => ca.certificatePem));
        assert.equal(pems.size, 1, 'concurrent creators agree on one CA');
        const again = await PlatformCa.loadOrCreate({ db: t.db, clock });
        assert.equal(again.certificatePem, racers[0]!.certificatePem);
        const [{ n }] = (await t.db.query<{ n: bigint }>('SELECT COUNT(*) AS n FROM platform_keys')) as [
          { n: bigint | number },
        ];
        assert.equal(BigInt(n), 1n);

        // a certificate issued by one instance verifies with another: the key is shared, not per process
        const keys = await newKeyPair();
        const issued = await racers[1]!.issue({
          participantId: 'P-KZ-001',
          commonName: 'Halyk API',
          organization: 'Halyk Bank',
          publicKeyJwk: await publicJwk(keys),
          validityDays: 365,
        });
        const v = await again.verify(issued.pem, clock.now());
        assert.equal(v.participantId, 'P-KZ-001');

        const self = new x509.X509Certificate(again.certificatePem);
        assert.equal(self.subject, 'CN=NDFI Root CA, O=NDFI');
        assert.ok(await self.isSelfSigned());
        assert.equal(self.getExtension(x509.BasicConstraintsExtension)?.ca, true);

        if (t.db instanceof SqliteDb) {
          // a restart: a new connection to the same file loads the same CA
          const reopened = new SqliteDb(t.db.path);
          try {
            assert.equal((await PlatformCa.loadOrCreate({ db: reopened, clock })).certificatePem, again.certificatePem);
          } finally {
            await reopened.close();
          }
        }
        const other = await PlatformCa.loadOrCreate({ db: t.db, clock, name: 'NDFI Test CA' });
        assert.notEqual(other.certificatePem, again.certificatePem, 'a different name is a different CA');
      } finally {
        await t.cleanup();
      }
    });

    it('issues from a JWK and verify() recovers the participant, key, serial and thumbprint', async () => {
      const t = await freshDb(engine);
      try {
        await migrate(t.db, [cryptoMigrations]);
        const clock = new ManualClock(Date.UTC(2026, 0, 5, 4, 0, 0, 500));
        const ca = await PlatformCa.loadOrCreate({ db: t.db, clock });
        const keys = await newKeyPair();
        const jwk = await publicJwk(keys);
        const issued = await ca.issue({
          participantId: 'P-KZ-002',
          commonName: 'Kaspi, Inc. "API" <prod>',
          organization: 'Kaspi Bank, JSC',
          publicKeyJwk: jwk,
          validityDays: 30,
        });
        assert.match(issued.pem, /^-----BEGIN CERTIFICATE-----/);
        assert.match(issued.serialNumber, /^[0-9a-f]{32}$/);
        assert.equal(issued.notBefore.getTime(), Date.UTC(2026, 0, 5, 4, 0, 0));
        assert.equal(issued.notAfter.getTime(), Date.UTC(2026, 0, 5, 4, 0, 0) + 30 * DAY);
        assert.equal(issued.thumbprint, await calculateJwkThumbprint(jwk, 'sha256'));

        const cert = new x509.X509Certificate(issued.pem);
        assert.equal(cert.getExtension(x509.BasicConstraintsExtension)?.ca, false);
        assert.ok(cert.getExtension(x509.ExtendedKeyUsageExtension)?.usages.includes(x509.ExtendedKeyUsage.clientAuth));
        assert.equal(cert.subjectName.getField('O')[0], 'Kaspi Bank, JSC');

        const v = await ca.verify(issued.pem, clock.now());
        assert.deepEqual(v.publicKeyJwk, jwk);
        assert.equal(v.participantId, 'P-KZ-002');
        assert.equal(v.commonName, 'Kaspi, Inc. "API" <prod>');
        assert.equal(v.serialNumber, issued.serialNumber);
        assert.equal(v.thumbprint, issued.thumbprint);

        // a name crafted to smuggle a second participant id stays one opaque value; serials never repeat
        const second = await ca.issue({
          participantId: 'P-KZ-002',
          commonName: 'x, 0.9.2342.19200300.100.1.1=P-EVIL',
          organization: '#0c03414243',
          publicKeyJwk: jwk,
          validityDays: 1,
        });
        const v2 = await ca.verify(second.pem, clock.now());
        assert.equal(v2.participantId, 'P-KZ-002');
        assert.equal(v2.commonName, 'x, 0.9.2342.19200300.100.1.1=P-EVIL');
        assert.equal(new x509.X509Certificate(second.pem).subjectName.getField('O')[0], '#0c03414243');
        assert.notEqual(second.serialNumber, issued.serialNumber);
      } finally {
        await t.cleanup();
      }
    });

    it('issues from a CSR only with proof of possession of a P-256 key; the CA, not the CSR, names the subject', async () => {
      const t = await freshDb(engine);
      try {
        await migrate(t.db, [cryptoMigrations]);
        const clock = new ManualClock();
        const ca = await PlatformCa.loadOrCreate({ db: t.db, clock });
        const keys = await newKeyPair();
        const issued = await ca.issue({
          participantId: 'P-KZ-003',
          commonName: 'Forte API',
          organization: 'ForteBank',
          csrPem: await csrFor(keys),
          validityDays: 90,
        });
        const cert = new x509.X509Certificate(issued.pem);
        assert.equal(cert.subjectName.getField('CN')[0], 'Forte API');
        const v = await ca.verify(issued.pem, clock.now());
        assert.deepEqual(v.publicKeyJwk, await publicJwk(keys));

        // a CSR whose signature was made by another key: no proof of possession
        const csr = new x509.Pkcs10CertificateRequest(await csrFor(keys));
        const forged = await x509.Pkcs10CertificateRequestGenerator.create({
          name: 'CN=x',
          keys: { publicKey: keys.publicKey, privateKey: (await newKeyPair()).privateKey },
          signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
        });
        assert.ok(await csr.verify());
        await assert.rejects(
          ca.issue({
            participantId: 'P',
            commonName: 'c',
            organization: 'o',
            csrPem: forged.toString('pem'),
            validityDays: 1,
          }),
          domainError('validation', /proof of possession/),
        );
        const p384 = await newKeyPair('P-384');
        await assert.rejects(
          ca.issue({
            participantId: 'P',
            commonName: 'c',
            organization: 'o',
            csrPem: await csrFor(p384, 'P-384'),
            validityDays: 1,
          }),
          domainError('validation', /P-256/),
        );
        await assert.rejects(
          ca.issue({ participantId: 'P', commonName: 'c', organization: 'o', csrPem: 'not a csr', validityDays: 1 }),
          domainError('validation', /csrPem/),
        );
      } finally {
        await t.cleanup();
      }
    });

    it('refuses bad issue requests', async () => {
      const t = await freshDb(engine);
      try {
        await migrate(t.db, [cryptoMigrations]);
        const ca = await PlatformCa.loadOrCreate({ db: t.db, clock: new ManualClock() });
        const keys = await newKeyPair();
        const jwk = await publicJwk(keys);
        const base = { participantId: 'P-1', commonName: 'c', organization: 'o', validityDays: 10 };
        const privateJwk = await exportJWK(keys.privateKey);
        await assert.rejects(ca.issue({ ...base, publicKeyJwk: privateJwk }), domainError('validation', /private/));
        const rsa = (await crypto.subtle.generateKey(
          {
            name: 'RSASSA-PKCS1-v1_5',
            modulusLength: 2048,
            publicExponent: new Uint8Array([1, 0, 1]),
            hash: 'SHA-256',
          },
          true,
          ['sign', 'verify'],
        )) as CryptoKeyPair;
        await assert.rejects(
          ca.issue({ ...base, publicKeyJwk: await exportJWK(rsa.publicKey) }),
          domainError('validation', /P-256/),
        );
        await assert.rejects(
          ca.issue({ ...base, publicKeyJwk: { ...jwk, y: jwk.x } }),
          domainError('validation', /point/),
          'a point not on the curve',
        );
        await assert.rejects(ca.issue({ ...base }), domainError('validation', /exactly one/));
        await assert.rejects(
          ca.issue({ ...base, publicKeyJwk: jwk, csrPem: await csrFor(keys) }),
          domainError('validation', /exactly one/),
        );
        await assert.rejects(ca.issue({ ...base, publicKeyJwk: jwk, validityDays: 0 }), domainError('validation'));
        await assert.rejects(ca.issue({ ...base, publicKeyJwk: jwk, validityDays: 1.5 }), domainError('validation'));
        await assert.rejects(ca.issue({ ...base, publicKeyJwk: jwk, validityDays: 10_000 }), domainError('validation'));
        await assert.rejects(ca.issue({ ...base, publicKeyJwk: jwk, participantId: ' ' }), domainError('validation'));
      } finally {
        await t.cleanup();
      }
    });

    it('verify() rejects expired, not-yet-valid, foreign, forged, tampered, CA and malformed certificates', async () => {
      const t = await freshDb(engine);
      const elsewhere = await freshDb(engine);
      try {
        await migrate(t.db, [cryptoMigrations]);
        await migrate(elsewhere.db, [cryptoMigrations]);
        const clock = new ManualClock();
        const ca = await PlatformCa.loadOrCreate({ db: t.db, clock });
        const jwk = await publicJwk(await newKeyPair());
        const input = { participantId: 'P-9', commonName: 'c', organization: 'o', publicKeyJwk: jwk, validityDays: 10 };
        const issued = await ca.issue(input);
        const unauthorized = (why: RegExp) => domainError('unauthorized', why);

        assert.equal((await ca.verify(issued.pem, new Date(issued.notAfter.getTime()))).participantId, 'P-9');
        await assert.rejects(
          ca.verify(issued.pem, new Date(issued.notAfter.getTime() + 1000)),
          unauthorized(/expired/),
        );
        await assert.rejects(ca.verify(issued.pem, new Date(clock.nowMs() - 60_000)), unauthorized(/not yet valid/));

        // an impostor CA with the very same name: issuer matches, signature does not
        const impostor = await PlatformCa.loadOrCreate({ db: elsewhere.db, clock });
        assert.equal(
          new x509.X509Certificate(impostor.certificatePem).subject,
          new x509.X509Certificate(ca.certificatePem).subject,
        );
        const forged = await impostor.issue(input);
        await assert.rejects(ca.verify(forged.pem, clock.now()), unauthorized(/signature/));
        // another CA of the platform is another issuer
        const other = await PlatformCa.loadOrCreate({ db: t.db, clock, name: 'Other CA' });
        await assert.rejects(ca.verify((await other.issue(input)).pem, clock.now()), unauthorized(/not issued/));

        // one flipped bit in the signed body
        const der = Buffer.from(new x509.X509Certificate(issued.pem).rawData);
        const at = der.indexOf(Buffer.from('P-9'));
        assert.ok(at > 0);
        der[at + 2] = '8'.charCodeAt(0);
        const tampered = new x509.X509Certificate(der).toString('pem');
        await assert.rejects(ca.verify(tampered, clock.now()), unauthorized(/signature/));

        await assert.rejects(ca.verify(ca.certificatePem, clock.now()), unauthorized(/CA certificate/));
        await assert.rejects(
          ca.verify('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', clock.now()),
          unauthorized(/malformed/),
        );
        await assert.rejects(ca.verify('', clock.now()), unauthorized(/malformed/));
      } finally {
        await elsewhere.cleanup();
        await t.cleanup();
      }
    });
  });
}
