import { postOnce, signWebhook, toJson } from '../platform/index.ts';

/** Where a payee bank takes instant payments: its webhook endpoint subscribed to `ips.pacs008`. */
export interface PayeeEndpoint {
  id: string;
  url: string;
  secret: string;
}

/**
 * What the Anti-Fraud Center said of a payment to a suspect: it settles, and the payee bank credits the
 * account under a cautionary hold until the suspicion is cleared or confirmed (Pix MED's bloqueio cautelar).
 */
export interface DeliveryScreening {
  decision: 'review';
  reasons: string[];
  action: 'hold_credit';
  /** When the hold lapses and the credit is released, unless the AFC confirms the suspect before (RFC 3339). */
  holdUntil: string;
}

/** The payee bank's decision, when it gave one in its answer to the delivery. */
export type DeliveryAnswer = { txSts: 'ACCP' | 'RJCT'; reason?: string } | undefined;

/**
 * Posts the payment to the payee bank, signed per Standard Webhooks (webhook-id = payment id), and reads a
 * decision from a 200 answer `{"txSts":"ACCP"|"RJCT","reason":…}`. A 202, another status, a malformed body, a
 * network error or the timeout give no decision: the bank may still answer through the API until the
 * deadline.
 */
export async function deliver(
  endpoint: PayeeEndpoint,
  paymentId: string,
  body: unknown,
  opts: { timeoutMs: number; nowMs: number; fetch?: typeof fetch; screening?: DeliveryScreening },
): Promise<DeliveryAnswer> {
  // amounts are bigints in the model: decimal strings of tiyn on the wire, as in every NDFI JSON
  const text = toJson({ type: 'ips.pacs008', data: body, ...(opts.screening ? { screening: opts.screening } : {}) });
  const timestamp = Math.floor(opts.nowMs / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'NDFI-IPS/1',
    'webhook-id': paymentId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(endpoint.secret, paymentId, timestamp, text),
  };
  const timeoutMs = Math.max(1, opts.timeoutMs);
  try {
    let answer: { txSts?: unknown; reason?: unknown };
    if (opts.fetch) {
      const res = await opts.fetch(endpoint.url, {
        method: 'POST',
        headers,
        body: text,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (res.status !== 200) {
        await res.body?.cancel().catch(() => {});
        return undefined;
      }
      answer = (await res.json()) as typeof answer;
    } else {
      // pooled keep-alive connections to the payee bank; a redirect is an answer without a decision
      const res = await postOnce(endpoint.url, { headers, body: text, timeoutMs, readBody: true });
      if (res.status !== 200) return undefined;
      answer = JSON.parse(res.body ?? '') as typeof answer;
    }
    if (answer?.txSts !== 'ACCP' && answer?.txSts !== 'RJCT') return undefined;
    const reason = typeof answer.reason === 'string' && /^[A-Z0-9]{4}$/.test(answer.reason) ? answer.reason : undefined;
    return { txSts: answer.txSts, ...(reason ? { reason } : {}) };
  } catch {
    return undefined;
  }
}
