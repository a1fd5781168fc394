import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { invalid } from '../errors.ts';

/**
 * Standard Webhooks (https://www.standardwebhooks.com) signatures: `v1,<base64 HMAC-SHA256>` over
 * `<webhook-id>.<webhook-timestamp>.<body>`, keyed with the base64 bytes after the `whsec_` prefix.
 */
const PREFIX = 'whsec_';
const B64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** A fresh secret in the standard format (plain base64, which every Standard Webhooks SDK decodes). */
export const newWebhookSecret = (): string => `${PREFIX}${randomBytes(24).toString('base64')}`;

function secretKey(secret: string): Buffer {
  const text = secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret;
  // Node's base64 decoder skips characters it does not know; refuse them rather than sign with a different key.
  if (!B64.test(text)) throw invalid('/secret', 'webhook secret must be whsec_ followed by base64');
  return Buffer.from(text, 'base64');
}

const mac = (key: Buffer, id: string, timestamp: number, body: string | Uint8Array): string =>
  createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest('base64');

/** The `webhook-signature` header value for one message. `timestamp` is unix seconds. */
export const signWebhook = (secret: string, id: string, timestamp: number, body: string | Uint8Array): string =>
  `v1,${mac(secretKey(secret), id, timestamp, body)}`;

export interface VerifyWebhookInput {
  /** The endpoint's secret; or `secrets` to accept several (current and previous during a rotation). */
  secret?: string;
  secrets?: readonly string[];
  /** The `webhook-id`, `webhook-timestamp` and `webhook-signature` headers as received. */
  id: string;
  timestamp: string | number;
  signature: string;
  /** The raw request body, exactly as received (bytes or the undecoded text). */
  body: string | Uint8Array;
  now: Date;
  /** How far the timestamp may be from `now`, either way. Default 300 s. */
  toleranceSeconds?: number;
}

/**
 * For receivers. True if any `v1` signature in the header (space-separated, per the spec) matches any
 * of the secrets and the timestamp is within tolerance, which bounds how long a captured request can
 * be replayed; receivers dedupe by `webhook-id` inside that window.
 */
export function verifyWebhookSignature(input: VerifyWebhookInput): boolean {
  const secrets = input.secrets ?? (input.secret === undefined ? [] : [input.secret]);
  if (secrets.length === 0) throw invalid('/secret', 'give secret or secrets');
  const ts =
    typeof input.timestamp === 'number'
      ? input.timestamp
      : /^\d{1,15}$/.test(input.timestamp)
        ? Number(input.timestamp)
        : Number.NaN;
  if (!Number.isSafeInteger(ts)) return false;
  const skew = Math.abs(Math.floor(input.now.getTime() / 1000) - ts);
  if (skew > (input.toleranceSeconds ?? 300)) return false;
  const given = input.signature
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3)));
  let ok = false;
  for (const secret of secrets) {
    const expected = Buffer.from(mac(secretKey(secret), input.id, ts, input.body));
    // No early exit: the time taken does not depend on which secret or which signature matched.
    for (const g of given) if (g.length === expected.length && timingSafeEqual(g, expected)) ok = true;
  }
  return ok;
}
