import type { KeyObject } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { type JWK, SignJWT } from 'jose';
import { DomainError } from '../errors.ts';

/** What participants' systems, simulators and tests use to obtain platform access tokens. */
export interface ClientCredentials {
  tokenEndpoint: string;
  clientId: string;
  /** The client's ES256 private key (CryptoKey, KeyObject or private JWK). */
  privateKey: CryptoKey | KeyObject | JWK;
  /** Key id of the certified key, when the client has more than one registered. */
  kid?: string;
}

export interface TokenResponse {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
  scope: string | undefined;
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** private_key_jwt client assertion (RFC 7523): iss = sub = client id, aud = token endpoint, one-time jti, 60 s. */
export async function clientAssertion(opts: ClientCredentials & { lifetimeSeconds?: number }): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', ...(opts.kid ? { kid: opts.kid } : {}) })
    .setIssuer(opts.clientId)
    .setSubject(opts.clientId)
    .setAudience(opts.tokenEndpoint)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + (opts.lifetimeSeconds ?? 60))
    .sign(opts.privateKey);
}

/** Client credentials grant with a fresh assertion; the whole token response. */
export async function requestToken(
  opts: ClientCredentials & { scope?: string; resource?: string },
): Promise<TokenResponse> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: opts.clientId,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: await clientAssertion(opts),
  });
  if (opts.scope !== undefined) form.set('scope', opts.scope);
  if (opts.resource !== undefined) form.set('resource', opts.resource);
  let res: Response;
  try {
    res = await fetch(opts.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form,
    });
  } catch (e) {
    throw new DomainError('unavailable', `token endpoint unreachable: ${(e as Error).message}`);
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok || typeof body['access_token'] !== 'string') {
    const what = `${String(body['error'] ?? res.status)}: ${String(body['error_description'] ?? res.statusText)}`;
    throw new DomainError(res.status >= 500 ? 'unavailable' : 'unauthorized', `token request refused (${what})`, {
      reason: typeof body['error'] === 'string' ? body['error'] : undefined,
    });
  }
  return {
    accessToken: body['access_token'],
    tokenType: String(body['token_type'] ?? 'Bearer'),
    expiresIn: Number(body['expires_in']),
    scope: typeof body['scope'] === 'string' ? body['scope'] : undefined,
  };
}

/** Just the access token; a refusal is DomainError('unauthorized') with the OAuth error code as `reason`. */
export async function fetchAccessToken(
  opts: ClientCredentials & { scope?: string; resource?: string },
): Promise<string> {
  return (await requestToken(opts)).accessToken;
}
