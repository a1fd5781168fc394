/**
 * What a participant's own systems need to talk to NDFI over its public protocols: an HTTP client bound to
 * one platform origin (it refuses any other address and never follows redirects), staff login with
 * password + TOTP for the operator's console session, and problem+json errors. No platform internals.
 */
import { generateSync } from 'otplib';

export interface StaffCredentials {
  username: string;
  password: string;
  /** Base32 TOTP secret, as an authenticator app holds it. */
  totpSecret: string;
}

/** A logged-in operator console session: the session cookie (`name=value`) for one platform. */
export interface OperatorSession {
  baseUrl: string;
  cookie: string;
}

/** A non-2xx answer from the platform, with its problem+json body. */
export class PlatformHttpError extends Error {
  override name = 'PlatformHttpError';
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly problem: unknown;
  constructor(method: string, path: string, status: number, problem: unknown) {
    const p = problem as { detail?: string; title?: string; reason?: string } | undefined;
    const what = p?.detail ?? p?.title ?? (typeof problem === 'string' ? problem.slice(0, 200) : '');
    super(`${method} ${path}: HTTP ${status}${p?.reason ? ` (${p.reason})` : ''}${what ? `: ${what}` : ''}`);
    this.status = status;
    this.method = method;
    this.path = path;
    this.problem = problem;
  }
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

export const isLoopback = (url: URL): boolean =>
  LOOPBACK.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);

/** Parses and checks the platform's base URL: http(s), no credentials, no query; returns its origin. */
export function platformOrigin(baseUrl: string): URL {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    throw new Error(`baseUrl ${JSON.stringify(baseUrl)} is not an absolute URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`baseUrl must be http(s), got ${u.protocol}`);
  if (u.username || u.password) throw new Error('baseUrl must not carry credentials');
  if (u.search || u.hash) throw new Error('baseUrl must not carry a query or fragment');
  return new URL(u.origin);
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: any;
  text: string;
}

/**
 * An HTTP client that only ever talks to one origin. Every URL is checked before the request is made,
 * redirects are errors, and each request has a timeout.
 */
export class BoundedHttp {
  readonly origin: string;
  private readonly timeoutMs: number;

  constructor(baseUrl: string, opts: { timeoutMs?: number } = {}) {
    this.origin = platformOrigin(baseUrl).origin;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  /** Throws unless `url` (absolute, or a path) is on this client's origin; returns it absolute. */
  check(url: string): string {
    const u = new URL(url, this.origin);
    if (u.origin !== this.origin)
      throw new Error(`refusing to contact ${u.origin}: this client is bound to ${this.origin}`);
    return u.toString();
  }

  async request(
    method: string,
    path: string,
    opts: { headers?: Record<string, string>; body?: string | URLSearchParams; signal?: AbortSignal } = {},
  ): Promise<HttpAnswer> {
    const url = this.check(path);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const res = await fetch(url, {
      method,
      headers: opts.headers ?? {},
      ...(opts.body !== undefined ? { body: opts.body } : {}),
      redirect: 'error',
      signal: opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout,
    });
    const text = await res.text();
    let body: unknown = text;
    if (/json/.test(res.headers.get('content-type') ?? '') && text) {
      try {
        body = JSON.parse(text);
      } catch {}
    }
    return { status: res.status, headers: res.headers, body, text };
  }

  /** JSON in, JSON out; a non-2xx answer throws PlatformHttpError. Mutating calls get an Idempotency-Key. */
  async json(
    method: string,
    path: string,
    opts: { cookie?: string; token?: string; body?: unknown; idempotencyKey?: string } = {},
  ): Promise<any> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (opts.cookie) headers.cookie = opts.cookie;
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (method !== 'GET') headers['idempotency-key'] = opts.idempotencyKey ?? crypto.randomUUID();
    const r = await this.request(method, path, {
      headers,
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    if (r.status < 200 || r.status > 299) throw new PlatformHttpError(method, path, r.status, r.body);
    return r.body;
  }
}

/** RFC 6238 code as authenticator apps compute it (SHA-1, 6 digits, 30 s). */
export const totpNow = (secret: string, now = new Date()): string =>
  generateSync({ secret, epoch: Math.floor(now.getTime() / 1000), algorithm: 'sha1', digits: 6, period: 30 });

/** Staff login (password + TOTP) at `POST /api/auth/v1/login`; the session for the console API. */
export async function operatorLogin(baseUrl: string, credentials: StaffCredentials): Promise<OperatorSession> {
  const http = new BoundedHttp(baseUrl);
  const r = await http.request('POST', '/api/auth/v1/login', {
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({
      username: credentials.username,
      password: credentials.password,
      totp: totpNow(credentials.totpSecret),
    }),
  });
  if (r.status !== 200) throw new PlatformHttpError('POST', '/api/auth/v1/login', r.status, r.body);
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  if (!cookie.includes('=')) throw new Error('login answered without a session cookie');
  const roles: string[] = r.body?.user?.roles ?? [];
  if (r.body?.participant?.type !== 'operator')
    throw new Error(`${credentials.username} is not an operator user (roles: ${roles.join(', ')})`);
  return { baseUrl: http.origin, cookie };
}
