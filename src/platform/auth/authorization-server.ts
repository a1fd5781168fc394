import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type JWK, errors as joseErrors, jwtVerify } from 'jose';
import type { Adapter, AdapterPayload, ClientLike, KoaContextWithOIDC, TokenLike } from 'oidc-provider';
import { type Clock, systemClock } from '../clock.ts';
import type { SigningKey } from '../crypto/index.ts';
import { DomainError, invalid } from '../errors.ts';
import { type Logger, silentLogger } from '../logger.ts';

export type ParticipantClientStatus = 'active' | 'suspended' | 'blocked';

/** A participant's OAuth client as the participant registry knows it at the moment of the request. */
export interface ParticipantClient {
  clientId: string;
  participantId: string;
  status: ParticipantClientStatus;
  /** Public keys the client signs its private_key_jwt assertions with (ES256, e.g. from its CA certificate). */
  jwks: { keys: JWK[] };
  /** Scopes the client may be granted; a token request without `scope` gets all of them. */
  scopes: string[];
}

export type FindClient = (clientId: string) => Promise<ParticipantClient | undefined>;

export interface AccessTokenClaims {
  clientId: string;
  participantId: string;
  scopes: string[];
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface AuthorizationServerOptions {
  /** Public URL of the server including its mount path, e.g. http://127.0.0.1:8080/oauth. */
  issuer: string;
  /** The platform API base URL: the only resource, and the `aud` of every access token. */
  audience: string;
  signingKey: SigningKey;
  findClient: FindClient;
  accessTokenTtlSeconds?: number;
  logger?: Logger;
  /** Time for verifyAccessToken (the provider itself issues on the system clock). */
  clock?: Clock;
  /** Trust X-Forwarded-Proto/Host from a TLS-terminating proxy in front of the platform. */
  trustProxy?: boolean;
}

export interface AuthorizationServer {
  /** Node request handler; takes requests whose URL still carries the issuer's path (e.g. /oauth/token). */
  callback: (req: IncomingMessage, res: ServerResponse) => void;
  issuer: string;
  tokenEndpoint: string;
  verifyAccessToken(token: string): Promise<AccessTokenClaims>;
}

/** Longest client assertion accepted: bounds the replay window and the replay cache. */
const MAX_ASSERTION_LIFETIME_S = 300;

const epochNow = (): number => Math.floor(Date.now() / 1000);

/**
 * The platform's OAuth 2.0 authorization server (oidc-provider): client credentials with private_key_jwt
 * (ES256) only, clients looked up in the participant registry on every request, JWT access tokens for
 * the one resource (the platform API) signed with the platform key. Everything else the provider can do
 * (authorization code, sessions, userinfo, introspection, registration…) is switched off.
 */
export async function createAuthorizationServer(opts: AuthorizationServerOptions): Promise<AuthorizationServer> {
  const issuer = opts.issuer.replace(/\/+$/, '');
  const issuerUrl = URL.parse(issuer);
  if (!issuerUrl || !/^https?:$/.test(issuerUrl.protocol)) throw invalid('issuer', 'an absolute http(s) URL');
  if (!URL.parse(opts.audience)) throw invalid('audience', 'an absolute URL');
  const ttl = opts.accessTokenTtlSeconds ?? 300;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > 3600) throw invalid('accessTokenTtlSeconds', '1 to 3600');
  const logger = opts.logger ?? silentLogger();
  const { signingKey, audience } = opts;
  const privateJwk = await crypto.subtle.exportKey('jwk', signingKey.privateKey);
  const memory = new MemoryStore();

  // Loaded on first use: processes that never serve OAuth (CLI, benchmarks, workers) skip its weight.
  const { default: Provider, errors: oidcErrors } = await import('oidc-provider');
  const provider = new Provider(issuer, {
    adapter: (model: string): Adapter =>
      model === 'Client' ? new RegistryClientAdapter(opts.findClient) : new MemoryAdapter(model, memory),
    clients: [],
    jwks: { keys: [{ ...privateJwk, kid: signingKey.kid, alg: 'ES256', use: 'sig' }] },
    clientAuthMethods: ['private_key_jwt'],
    clientDefaults: {
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      id_token_signed_response_alg: 'ES256',
    },
    enabledJWA: {
      clientAuthSigningAlgValues: ['ES256'],
      idTokenSigningAlgValues: ['ES256'],
      requestObjectSigningAlgValues: ['ES256'],
      userinfoSigningAlgValues: ['ES256'],
      introspectionSigningAlgValues: ['ES256'],
      authorizationSigningAlgValues: ['ES256'],
    },
    // no response types: the authorization endpoint serves no one, only the token endpoint is used
    responseTypes: [],
    scopes: [],
    extraClientMetadata: { properties: ['ndfi_participant', 'ndfi_scopes'] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => audience,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx: KoaContextWithOIDC, resource: string, client: ClientLike) => {
          if (resource !== audience) throw new oidcErrors.InvalidTarget(`the only resource is ${audience}`);
          return {
            scope: clientScopes(client).join(' '),
            audience,
            accessTokenTTL: ttl,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256', kid: signingKey.kid } },
          };
        },
      },
      dPoP: { enabled: false },
      introspection: { enabled: false },
      revocation: { enabled: false },
      registration: { enabled: false },
      userinfo: { enabled: false },
      rpInitiatedLogout: { enabled: false },
      pushedAuthorizationRequests: { enabled: false },
      deviceFlow: { enabled: false },
      claimsParameter: { enabled: false },
    },
    ttl: { ClientCredentials: ttl },
    extraTokenClaims: async (ctx: KoaContextWithOIDC, token: TokenLike) => {
      const client = token.client ?? ctx.oidc.client;
      return { ndfi_participant: client?.['ndfi_participant'] };
    },
    formats: {
      customizers: {
        // A request without `scope` gets every scope registered for the client (RFC 6749 §3.3 default);
        // a request whose scopes are all refused gets an error rather than a token good for nothing.
        jwt: async (ctx: KoaContextWithOIDC, token: TokenLike, jwt: { payload: Record<string, unknown> }) => {
          if (token.kind !== 'ClientCredentials' || token.scope) return;
          if (ctx.oidc.params?.['scope'] === undefined && token.resourceServer?.scope) {
            token.scope = token.resourceServer.scope;
            jwt.payload['scope'] = token.scope;
          } else if (ctx.oidc.params?.['scope'] !== undefined) {
            throw new oidcErrors.InvalidScope('none of the requested scopes is granted to this client');
          }
        },
      },
    },
    assertJwtClientAuthClaimsAndHeader: async (_ctx: unknown, claims: { exp?: unknown }) => {
      if (typeof claims.exp !== 'number' || claims.exp - epochNow() > MAX_ASSERTION_LIFETIME_S) {
        throw new oidcErrors.InvalidClientAuth(`client_assertion must expire within ${MAX_ASSERTION_LIFETIME_S}s`);
      }
    },
    // cookies are never set (no sessions), the provider still wants keys to sign them with
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    renderError: async (ctx: { type: string; body: unknown }, out: Record<string, string>) => {
      ctx.type = 'json';
      ctx.body = out;
    },
  });
  provider.proxy = opts.trustProxy ?? false;

  // Only error codes and client ids reach the log: never parameters (they hold the client assertion).
  provider.on('server_error', (_ctx, err) => logger.error({ err }, 'oauth server error'));
  provider.on('grant.error', (ctx, err) => {
    const e = err as { error?: string; error_description?: string; error_detail?: string };
    logger.warn(
      { clientId: clientIdOf(ctx), error: e.error, description: e.error_description, detail: e.error_detail },
      'oauth token request refused',
    );
  });
  provider.on('grant.success', (ctx) => logger.debug({ clientId: clientIdOf(ctx) }, 'oauth token issued'));

  const handle = provider.callback();
  const mountPath = issuerUrl.pathname.replace(/\/+$/, '');
  const verifyAccessToken = createAccessTokenVerifier({
    issuer,
    audience,
    publicKey: signingKey.publicKey,
    clock: opts.clock ?? systemClock,
  });

  return {
    issuer,
    tokenEndpoint: `${issuer}/token`,
    verifyAccessToken,
    callback(req, res) {
      // The provider routes on paths relative to its mount point and rebuilds absolute URLs from
      // originalUrl (as under Express), so strip the mount path here and keep the original beside it.
      const url = req.url ?? '/';
      if (mountPath && (url === mountPath || url.startsWith(`${mountPath}/`) || url.startsWith(`${mountPath}?`))) {
        (req as IncomingMessage & { originalUrl?: string }).originalUrl = url;
        req.url = url.slice(mountPath.length) || '/';
      }
      handle(req, res).catch((err: unknown) => {
        logger.error({ err }, 'oauth handler failed');
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"error":"server_error"}');
      });
    },
  };
}

const clientScopes = (client: ClientLike): string[] => {
  const s = client['ndfi_scopes'];
  return Array.isArray(s) ? s.filter((x): x is string => typeof x === 'string') : [];
};

const clientIdOf = (ctx: unknown): string | undefined => {
  const oidc = (ctx as KoaContextWithOIDC | undefined)?.oidc;
  const fromParams = oidc?.params?.['client_id'];
  return oidc?.client?.clientId ?? (typeof fromParams === 'string' ? fromParams : undefined);
};

/**
 * Checks a platform access token: ES256 signature by the platform key, issuer, audience, type at+jwt,
 * expiry against `clock`. Usable on its own where only the public key is at hand.
 */
export function createAccessTokenVerifier(opts: {
  issuer: string;
  audience: string;
  publicKey: CryptoKey;
  clock?: Clock;
}): (token: string) => Promise<AccessTokenClaims> {
  const clock = opts.clock ?? systemClock;
  const issuer = opts.issuer.replace(/\/+$/, '');
  // Tokens that verified, by their exact text: a client presents one token for many requests, and an ES256
  // verification costs more than the rest of a payment's processing. Only the expiry is rechecked on a
  // hit; the participant's status is checked per request by the caller either way. Two generations bound it.
  let verified = new Map<string, AccessTokenClaims>();
  let older = new Map<string, AccessTokenClaims>();
  return async (token) => {
    if (typeof token !== 'string' || token.length === 0 || token.length > 8192) throw badToken('malformed');
    const known = verified.get(token) ?? older.get(token);
    if (known) {
      if (known.expiresAt <= clock.nowMs()) throw badToken('expired');
      return known;
    }
    const claims = await verify(token);
    if (verified.size >= VERIFIED_TOKENS / 2) {
      older = verified;
      verified = new Map();
    }
    verified.set(token, claims);
    return claims;
  };

  async function verify(token: string): Promise<AccessTokenClaims> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, opts.publicKey, {
        issuer,
        audience: opts.audience,
        algorithms: ['ES256'],
        typ: 'at+jwt',
        currentDate: clock.now(),
        requiredClaims: ['exp', 'sub', 'client_id'],
      }));
    } catch (e) {
      throw badToken(reasonOf(e));
    }
    const { sub, client_id, ndfi_participant, scope, exp } = payload;
    if (typeof sub !== 'string' || sub !== client_id) throw badToken('subject is not the client');
    if (typeof ndfi_participant !== 'string' || ndfi_participant === '') throw badToken('no participant');
    if (scope !== undefined && typeof scope !== 'string') throw badToken('malformed scope');
    return {
      clientId: sub,
      participantId: ndfi_participant,
      scopes: typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [],
      expiresAt: (exp as number) * 1000,
    };
  }
}

/** Verified access tokens kept (about; see createAccessTokenVerifier). */
const VERIFIED_TOKENS = 20_000;

const badToken = (why: string) => new DomainError('unauthorized', `invalid access token: ${why}`);

function reasonOf(e: unknown): string {
  if (e instanceof joseErrors.JWTExpired) return 'expired';
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return 'signature does not verify';
  if (e instanceof joseErrors.JWTClaimValidationFailed) return `claim ${e.claim} is not acceptable`;
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return 'algorithm not allowed';
  return 'malformed';
}

/** Client metadata for oidc-provider, built from the registry on each lookup: a blocked client is unknown. */
class RegistryClientAdapter implements Adapter {
  private readonly findClient: FindClient;
  constructor(findClient: FindClient) {
    this.findClient = findClient;
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const c = await this.findClient(id);
    // Suspended participants keep getting tokens (they may still query and settle what is pending);
    // what a suspended participant may do is the API's decision, made per request.
    if (!c || c.clientId !== id || c.status === 'blocked') return undefined;
    return {
      client_id: c.clientId,
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      jwks: { keys: c.jwks.keys },
      ndfi_participant: c.participantId,
      ndfi_scopes: [...c.scopes],
    };
  }

  private readOnly(): never {
    throw new Error('OAuth clients are managed by the participant registry');
  }
  async upsert(): Promise<void> {
    this.readOnly();
  }
  async findByUserCode(): Promise<undefined> {
    return undefined;
  }
  async findByUid(): Promise<undefined> {
    return undefined;
  }
  async consume(): Promise<void> {
    this.readOnly();
  }
  async destroy(): Promise<void> {
    this.readOnly();
  }
  async revokeByGrantId(): Promise<void> {}
}

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

/** One map shared by the memory adapters of a server; expired entries are swept as new ones come in. */
class MemoryStore {
  readonly entries = new Map<string, Entry>();
  private writes = 0;

  get(key: string): AdapterPayload | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.payload;
  }

  set(key: string, payload: AdapterPayload, ttlSeconds: number): void {
    this.entries.set(key, { payload, expiresAt: Date.now() + ttlSeconds * 1000 });
    if (++this.writes % 256 === 0) {
      const now = Date.now();
      for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
    }
  }
}

/**
 * Storage for the provider's other models. With client credentials and JWT access tokens the only one
 * in use is ReplayDetection (jti of client assertions already seen), which need live no longer than an
 * assertion (≤ 300 s). Kept in memory: a replay is caught within one process; across several processes
 * an assertion could be used once per process within its short lifetime, which a shared (database)
 * adapter would close.
 */
class MemoryAdapter implements Adapter {
  private readonly model: string;
  private readonly store: MemoryStore;
  constructor(model: string, store: MemoryStore) {
    this.model = model;
    this.store = store;
  }

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const found = this.store.get(this.key(id));
    // ReplayDetection.unique() is find-then-save with awaits between; reserving the id on a miss makes
    // it a test-and-set, so two concurrent requests with the same assertion cannot both pass.
    if (!found && this.model === 'ReplayDetection') {
      this.store.set(this.key(id), { reserved: true }, MAX_ASSERTION_LIFETIME_S + 60);
    }
    return found;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    this.store.set(this.key(id), payload, expiresIn);
  }

  async findByUid(): Promise<undefined> {
    return undefined;
  }
  async findByUserCode(): Promise<undefined> {
    return undefined;
  }
  async consume(id: string): Promise<void> {
    const p = this.store.get(this.key(id));
    if (p) p['consumed'] = epochNow();
  }
  async destroy(id: string): Promise<void> {
    this.store.entries.delete(this.key(id));
  }
  async revokeByGrantId(): Promise<void> {}
}
