import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { ManualClock } from '../clock.ts';
import { cryptoMigrations, loadOrCreateSigningKey, PlatformCa, type SigningKey } from '../crypto/index.ts';
import { migrate } from '../db/index.ts';
import { DomainError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { freshDb, type TestDb } from '../testing.ts';
import {
  type AuthorizationServer,
  clientAssertion,
  createAuthorizationServer,
  fetchAccessToken,
  type ParticipantClient,
  requestToken,
} from './index.ts';

/**
 * How the platform mounts the authorization server in Fastify: an encapsulated plugin whose content
 * type parsers leave every body unread (oidc-provider reads the raw urlencoded body itself), and one
 * catch-all route that hands the raw request/response to the provider after reply.hijack().
 */
function mountOAuth(app: FastifyInstance, handler: () => (req: IncomingMessage, res: ServerResponse) => void) {
  return app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
    scope.all('/oauth/*', (req, reply) => {
      reply.hijack();
      handler()(req.raw, reply.raw);
    });
  });
}

const unauthorized = (e: unknown) => e instanceof DomainError && e.type === 'unauthorized';
const refused = (oauthError: string) => (e: unknown) => {
  assert.ok(e instanceof DomainError, String(e));
  assert.equal(e.type, 'unauthorized');
  assert.equal(e.reason, oauthError, e.message);
  return true;
};

const b64url = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

interface Participant {
  client: ParticipantClient;
  privateKey: CryptoKey;
  kid: string;
}

describe('authorization server over HTTP through Fastify', () => {
  let t: TestDb;
  let app: FastifyInstance;
  let base: string;
  let as: AuthorizationServer;
  let signingKey: SigningKey;
  let ca: PlatformCa;
  const clock = new ManualClock(Date.now());
  const clients = new Map<string, ParticipantClient>();
  const lookups: string[] = [];
  const logLines: string[] = [];
  const audience = 'https://api.ndfi.test/v1';

  /** A participant whose key the platform CA certified; its registered JWKS is the certified key. */
  async function enrol(clientId: string, participantId: string, scopes: string[]): Promise<Participant> {
    const keys = await generateKeyPair('ES256', { extractable: true });
    const issued = await ca.issue({
      participantId,
      commonName: `${participantId} API`,
      organization: participantId,
      publicKeyJwk: await exportJWK(keys.publicKey),
      validityDays: 365,
    });
    const verified = await ca.verify(issued.pem, clock.now());
    const jwk: JWK = { ...verified.publicKeyJwk, kid: verified.thumbprint, alg: 'ES256', use: 'sig' };
    const client: ParticipantClient = { clientId, participantId, status: 'active', jwks: { keys: [jwk] }, scopes };
    clients.set(clientId, client);
    return { client, privateKey: keys.privateKey as CryptoKey, kid: verified.thumbprint };
  }

  const creds = (p: Participant) => ({
    tokenEndpoint: as.tokenEndpoint,
    clientId: p.client.clientId,
    privateKey: p.privateKey,
    kid: p.kid,
  });

  const postToken = async (form: Record<string, string>) => {
    const res = await fetch(as.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  before(async () => {
    t = await freshDb('sqlite');
    await migrate(t.db, [cryptoMigrations]);
    signingKey = await loadOrCreateSigningKey({ db: t.db, use: 'oauth' });
    ca = await PlatformCa.loadOrCreate({ db: t.db, clock });
    let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
    app = Fastify();
    await mountOAuth(app, () => handler!);
    app.post('/echo', async (req) => ({ body: req.body })); // the rest of the app keeps its JSON parser
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    // the issuer names the listening port, so the server is created once the port is known
    as = await createAuthorizationServer({
      issuer: `${base}/oauth`,
      audience,
      signingKey,
      clock,
      logger: createLogger({ level: 'debug', destination: { write: (line: string) => void logLines.push(line) } }),
      findClient: async (id) => {
        lookups.push(id);
        return clients.get(id);
      },
    });
    handler = as.callback;
  });

  after(async () => {
    await app.close();
    await t.cleanup();
  });

  it('publishes discovery under /oauth: client credentials with private_key_jwt only, ES256 keys only public', async () => {
    const res = await fetch(`${base}/oauth/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    const d = (await res.json()) as Record<string, unknown>;
    assert.equal(d['issuer'], `${base}/oauth`);
    assert.equal(d['token_endpoint'], `${base}/oauth/token`);
    assert.equal(as.tokenEndpoint, `${base}/oauth/token`);
    assert.deepEqual(d['grant_types_supported'], ['client_credentials']);
    assert.deepEqual(d['token_endpoint_auth_methods_supported'], ['private_key_jwt']);
    assert.deepEqual(d['token_endpoint_auth_signing_alg_values_supported'], ['ES256']);
    assert.deepEqual(d['response_types_supported'], []);
    assert.equal(d['userinfo_endpoint'], undefined);
    assert.equal(d['registration_endpoint'], undefined);
    assert.equal(d['introspection_endpoint'], undefined);

    const jwks = (await (await fetch(String(d['jwks_uri']))).json()) as { keys: JWK[] };
    assert.equal(jwks.keys.length, 1);
    assert.equal(jwks.keys[0]!.kid, signingKey.kid);
    assert.equal(jwks.keys[0]!.d, undefined, 'no private key material is published');

    // the authorization endpoint serves no participant
    const p = await enrol('auth-code-try', 'P-AC', ['payments']);
    const authz = await fetch(`${base}/oauth/auth?client_id=${p.client.clientId}&response_type=code&scope=openid`, {
      redirect: 'manual',
    });
    assert.ok(authz.status >= 400, `authorization endpoint answered ${authz.status}`);

    const echo = await fetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    assert.deepEqual(await echo.json(), { body: { a: 1 } });
  });

  it('issues a short-lived JWT for a CA-certified participant key, and it verifies with the participant in it', async () => {
    const p = await enrol('halyk-core', 'P-HALYK', ['payments:read', 'payments:write']);
    const before = Math.floor(Date.now() / 1000);
    const res = await requestToken(creds(p));
    assert.equal(res.tokenType, 'Bearer');
    assert.equal(res.expiresIn, 300);
    assert.equal(res.scope, 'payments:read payments:write', 'no scope asked: all registered scopes');

    const header = decodeProtectedHeader(res.accessToken);
    assert.deepEqual([header.alg, header.typ, header.kid], ['ES256', 'at+jwt', signingKey.kid]);
    const payload = decodeJwt(res.accessToken);
    assert.equal(payload.iss, `${base}/oauth`);
    assert.equal(payload.aud, audience);
    assert.equal(payload.sub, 'halyk-core');
    assert.equal(payload['ndfi_participant'], 'P-HALYK');
    assert.ok(payload.exp! - before >= 299 && payload.exp! - before <= 301);

    const claims = await as.verifyAccessToken(res.accessToken);
    assert.equal(claims.clientId, 'halyk-core');
    assert.equal(claims.participantId, 'P-HALYK');
    assert.deepEqual(claims.scopes, ['payments:read', 'payments:write']);
    assert.equal(claims.expiresAt, payload.exp! * 1000);

    // a narrower request gets the narrower scope; the explicit default resource is accepted
    const narrow = await fetchAccessToken({ ...creds(p), scope: 'payments:read', resource: audience });
    assert.deepEqual((await as.verifyAccessToken(narrow)).scopes, ['payments:read']);
  });

  it('refuses scopes and resources the participant does not have', async () => {
    const p = await enrol('kaspi-core', 'P-KASPI', ['payments:read']);
    await assert.rejects(fetchAccessToken({ ...creds(p), scope: 'admin' }), refused('invalid_scope'));
    const partial = await requestToken({ ...creds(p), scope: 'payments:read admin' });
    assert.equal(partial.scope, 'payments:read');
    await assert.rejects(
      fetchAccessToken({ ...creds(p), resource: 'https://elsewhere.test/' }),
      refused('invalid_target'),
    );
  });

  it('answers invalid_client for a wrong key, an unknown client, a replayed, long-lived or misaddressed assertion', async () => {
    const p = await enrol('forte-core', 'P-FORTE', ['payments:read']);
    const stranger = await generateKeyPair('ES256');
    await assert.rejects(
      fetchAccessToken({ ...creds(p), privateKey: stranger.privateKey as CryptoKey }),
      refused('invalid_client'),
    );
    await assert.rejects(fetchAccessToken({ ...creds(p), clientId: 'nobody' }), refused('invalid_client'));

    const assertion = await clientAssertion(creds(p));
    const form = {
      grant_type: 'client_credentials',
      client_id: p.client.clientId,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    };
    const first = await postToken(form);
    assert.equal(first.status, 200);
    const replay = await postToken(form);
    assert.equal(replay.status, 401);
    assert.equal(replay.body['error'], 'invalid_client');
    assert.equal(replay.body['access_token'], undefined);

    // concurrent use of one fresh assertion: exactly one wins
    const racing = { ...form, client_assertion: await clientAssertion(creds(p)) };
    const statuses = (await Promise.all(Array.from({ length: 5 }, () => postToken(racing)))).map((r) => r.status);
    assert.deepEqual(statuses.sort(), [200, 401, 401, 401, 401]);

    const longLived = await clientAssertion({ ...creds(p), lifetimeSeconds: 3600 });
    assert.equal((await postToken({ ...form, client_assertion: longLived })).body['error'], 'invalid_client');
    assert.ok(
      logLines.some((l) => l.includes('must expire within 300s')),
      'the refusal reason is logged',
    );
    const elsewhere = await clientAssertion({ ...creds(p), tokenEndpoint: 'https://other.test/token' });
    assert.equal((await postToken({ ...form, client_assertion: elsewhere })).body['error'], 'invalid_client');
    // an assertion for another client, sent under this client's id
    const other = await enrol('other-core', 'P-OTHER', ['payments:read']);
    const foreign = await clientAssertion(creds(other));
    const mismatch = await postToken({ ...form, client_assertion: foreign });
    assert.deepEqual(
      [mismatch.status, mismatch.body['error'], mismatch.body['access_token']],
      [400, 'invalid_request', undefined],
    );
    assert.match(String(mismatch.body['error_description']), /client_id/);
    // no client authentication at all
    const bare = await postToken({ grant_type: 'client_credentials', client_id: p.client.clientId });
    assert.deepEqual([bare.status, bare.body['error'], bare.body['access_token']], [401, 'invalid_client', undefined]);

    // refusals are logged with the client id, never with the assertion or any other JWT
    assert.ok(logLines.some((l) => l.includes('"clientId":"forte-core"') && l.includes('refused')));
    assert.equal(logLines.filter((l) => l.includes('eyJ')).length, 0);
  });

  it('looks clients up at request time: a participant blocked after registration gets no token', async () => {
    const p = await enrol('bcc-core', 'P-BCC', ['payments:read']);
    assert.ok(await fetchAccessToken(creds(p)));
    lookups.length = 0;
    clients.set('bcc-core', { ...p.client, status: 'blocked' });
    await assert.rejects(fetchAccessToken(creds(p)), refused('invalid_client'));
    assert.ok(lookups.includes('bcc-core'), 'the registry was asked, not a cache');

    // suspension is the API's business: a suspended participant still authenticates
    clients.set('bcc-core', { ...p.client, status: 'suspended' });
    assert.equal((await as.verifyAccessToken(await fetchAccessToken(creds(p)))).participantId, 'P-BCC');

    // key rotation in the registry takes effect at once
    const rotated = await enrol('bcc-core', 'P-BCC', ['payments:read']);
    await assert.rejects(fetchAccessToken(creds(p)), refused('invalid_client'));
    assert.ok(await fetchAccessToken(creds(rotated)));
  });

  it('verifyAccessToken rejects expired, foreign-key, foreign-issuer, tampered and malformed tokens', async () => {
    const p = await enrol('jusan-core', 'P-JUSAN', ['payments:read']);
    const token = await fetchAccessToken(creds(p));
    const { expiresAt } = await as.verifyAccessToken(token);

    clock.set(expiresAt + 1000);
    await assert.rejects(as.verifyAccessToken(token), (e) => unauthorized(e) && /expired/.test((e as Error).message));
    clock.set(Date.now());

    // the same issuer and audience but another signing key: not the platform's token
    const t2 = await freshDb('sqlite');
    try {
      await migrate(t2.db, [cryptoMigrations]);
      const otherKey = await loadOrCreateSigningKey({ db: t2.db, use: 'oauth' });
      const impostor = await createAuthorizationServer({
        issuer: `${base}/oauth`,
        audience,
        signingKey: otherKey,
        findClient: async (id) => clients.get(id),
      });
      await assert.rejects(impostor.verifyAccessToken(token), unauthorized, 'nor does the impostor accept ours');
      // the genuine header and claims, signed by the other key
      const forged = await new SignJWT(decodeJwt(token))
        .setProtectedHeader(decodeProtectedHeader(token) as { alg: string })
        .sign(otherKey.privateKey);
      assert.equal((await impostor.verifyAccessToken(forged)).participantId, 'P-JUSAN');
      await assert.rejects(
        as.verifyAccessToken(forged),
        (e) => unauthorized(e) && /signature/.test((e as Error).message),
      );
    } finally {
      await t2.cleanup();
    }

    // another deployment (issuer) or another audience
    const elsewhere = await createAuthorizationServer({
      issuer: 'https://elsewhere.test/oauth',
      audience: 'https://api.elsewhere.test',
      signingKey,
      findClient: async () => undefined,
    });
    await assert.rejects(
      elsewhere.verifyAccessToken(token),
      (e) => unauthorized(e) && /claim/.test((e as Error).message),
    );

    // payload edited to another participant, signature kept
    const [h, b, s] = token.split('.') as [string, string, string];
    const edited = { ...JSON.parse(Buffer.from(b, 'base64url').toString()), ndfi_participant: 'P-HALYK' };
    await assert.rejects(as.verifyAccessToken(`${h}.${b64url(edited)}.${s}`), unauthorized);
    // header downgraded to alg none
    const none = `${b64url({ alg: 'none', typ: 'at+jwt' })}.${b}.`;
    await assert.rejects(as.verifyAccessToken(none), unauthorized);
    // a client assertion is a JWT signed by a certified key, but not an access token
    await assert.rejects(as.verifyAccessToken(await clientAssertion(creds(p))), unauthorized);
    for (const junk of ['', 'abc', 'a.b.c', `${h}.${b}`])
      await assert.rejects(as.verifyAccessToken(junk), unauthorized);
  });
});
