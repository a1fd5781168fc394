/**
 * Direct API calls for browser tests: set up what a test needs (participants, API clients, ISO 20022
 * messages from banks) the way other systems would, without going through the portal.
 */
import { exportJWK, generateKeyPair } from 'jose';
import { fetchAccessToken } from '../../src/platform/index.ts';
import { currentCode, type DemoLogin, type E2e } from './harness.ts';

export interface ApiAnswer {
  status: number;
  body: any;
}

/** One JSON call; POSTs carry a fresh Idempotency-Key. */
export async function apiCall(
  env: E2e,
  method: 'GET' | 'POST',
  path: string,
  opts: { cookie?: string; token?: string; body?: unknown } = {},
): Promise<ApiAnswer> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (method === 'POST') {
    headers['content-type'] = 'application/json';
    headers['idempotency-key'] = crypto.randomUUID();
  }
  const res = await fetch(env.url + path, {
    method,
    headers,
    body: method === 'POST' ? JSON.stringify(opts.body ?? {}) : undefined,
  });
  const text = await res.text();
  let body: any = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body };
}

/** Signs a demo user in over the API and returns its session cookie (`name=value`). */
export async function apiLogin(env: E2e, user: DemoLogin): Promise<string> {
  const res = await fetch(`${env.url}/api/auth/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() },
    body: JSON.stringify({ username: user.username, password: user.password, totp: currentCode(user) }),
  });
  if (res.status !== 200) throw new Error(`login of ${user.username} failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  if (!cookie) throw new Error('login answered no session cookie');
  return cookie;
}

/** Registers an ES256 API client for the participant (as the operator) and returns a bearer token. */
export async function apiToken(env: E2e, operatorCookie: string, participantId: string): Promise<string> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const r = await apiCall(env, 'POST', `/api/participants/v1/participants/${participantId}/api-clients`, {
    cookie: operatorCookie,
    body: { publicKeyJwk: await exportJWK(publicKey) },
  });
  if (r.status !== 201) throw new Error(`API client registration failed: ${r.status} ${JSON.stringify(r.body)}`);
  return fetchAccessToken({ tokenEndpoint: r.body.tokenEndpoint, clientId: r.body.clientId, privateKey });
}

let seq = 0;

/** A pacs.008 (customer credit transfer) in JSON, one transaction; `amount` in tenge, e.g. "1500.00". */
export function pacs008(from: string, to: string, amount: string) {
  const n = `${Date.now().toString(36)}${++seq}`.toUpperCase();
  return {
    grpHdr: {
      msgId: `E2E-MSG-${n}`,
      creDtTm: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      nbOfTxs: 1,
      sttlmInf: { sttlmMtd: 'CLRG' },
      instgAgt: { finInstnId: { bicfi: from } },
      instdAgt: { finInstnId: { bicfi: to } },
    },
    cdtTrfTxInf: [
      {
        pmtId: { endToEndId: `E2E-${n}`, txId: `TX-${n}` },
        intrBkSttlmAmt: { amount, ccy: 'KZT' },
        intrBkSttlmDt: new Date().toISOString().slice(0, 10),
        chrgBr: 'SLEV',
        dbtr: { nm: 'Aigerim Sarsenova' },
        dbtrAgt: { finInstnId: { bicfi: from } },
        cdtrAgt: { finInstnId: { bicfi: to } },
        cdtr: { nm: 'Steppe Trading LLP' },
      },
    ],
  };
}

/**
 * Sends a pacs.008 from the bank holding `token`; answers the payment id and the pacs.002 status of its
 * one transaction (ACSC settled, PDNG queued, RJCT rejected).
 */
export async function sendPacs008(
  env: E2e,
  token: string,
  from: string,
  to: string,
  amount: string,
): Promise<{ id: string; status: string }> {
  const msg = pacs008(from, to, amount);
  const r = await apiCall(env, 'POST', '/api/imts/v1/pacs.008', { token, body: msg });
  if (r.status !== 200) throw new Error(`pacs.008 refused: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: `${from}:${msg.cdtTrfTxInf[0]!.pmtId.txId}`, status: r.body.txInfAndSts[0].txSts };
}
