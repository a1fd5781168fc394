import { type ClientRequest, Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/**
 * Keep-alive connections shared by every signed POST the platform sends (webhooks, IPS deliveries): a busy
 * receiver is reached over a few warm connections instead of a new one (and fetch's streams, Request and
 * Response objects) per message. Node's agent retires an idle socket before the server's advertised
 * keep-alive timeout runs out.
 */
const agents = {
  http: new HttpAgent({ keepAlive: true, maxFreeSockets: 1024, scheduling: 'lifo' }),
  https: new HttpsAgent({ keepAlive: true, maxFreeSockets: 1024, scheduling: 'lifo' }),
};

export interface PostOptions {
  headers: Record<string, string>;
  body: string;
  /** The whole exchange: connecting, sending, the answer and its body. */
  timeoutMs: number;
  /** Read the answer's body (up to `maxBodyBytes`, default 64 KiB: beyond that the POST fails); else it is discarded. */
  readBody?: boolean;
  maxBodyBytes?: number;
}

export interface PostAnswer {
  status: number;
  /** The answer's body as UTF-8, when `readBody` asked for it. */
  body?: string;
}

/** The error a POST fails with: `TimeoutError` for the timeout, otherwise its `cause` holds the socket's code. */
function failure(cause: unknown): Error {
  // the wording of fetch's network failure, which delivery logs show: "fetch failed (ECONNREFUSED)"
  return new Error('fetch failed', { cause });
}

function timeoutError(ms: number): Error {
  const e = new Error(`timeout after ${ms} ms`);
  e.name = 'TimeoutError';
  return e;
}

/** A connection the server closed while it sat idle in the pool: the POST never reached it. */
const staleSocket = (req: ClientRequest, err: unknown, answered: boolean): boolean =>
  !answered &&
  req.reusedSocket &&
  ['ECONNRESET', 'EPIPE'].includes(String((err as { code?: unknown } | null)?.code ?? ''));

/**
 * POSTs `body` to `url` over a pooled keep-alive connection; never follows a redirect (a 3xx is an answer
 * like any other). Rejects on a network error or the timeout. A pooled connection found closed by the
 * server before it answered is retried once on another (receivers dedupe by webhook-id anyway).
 */
export function postOnce(url: string, o: PostOptions): Promise<PostAnswer> {
  const u = new URL(url);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return Promise.reject(failure({ code: 'ERR_INVALID_URL' }));
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  const agent = u.protocol === 'https:' ? agents.https : agents.http;
  const length = Buffer.byteLength(o.body);
  const max = o.maxBodyBytes ?? 65_536;
  return new Promise<PostAnswer>((resolve, reject) => {
    let done = false;
    let current: ClientRequest | undefined;
    const finish = (err: Error | undefined, answer?: PostAnswer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        current?.destroy();
        reject(err);
      } else resolve(answer!);
    };
    const timer = setTimeout(() => finish(timeoutError(o.timeoutMs)), o.timeoutMs);
    const attempt = (retry: boolean) => {
      let answered = false;
      const req = send(
        {
          protocol: u.protocol,
          // an IPv6 literal comes in brackets in a URL, bare in a socket address
          hostname: u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname,
          port: u.port,
          path: `${u.pathname}${u.search}`,
          method: 'POST',
          agent,
          headers: { ...o.headers, 'content-length': String(length) },
        },
        (res: IncomingMessage) => {
          answered = true;
          const status = res.statusCode ?? 0;
          if (!o.readBody) {
            res.on('end', () => finish(undefined, { status }));
            res.on('error', (e) => finish(failure(e)));
            res.resume();
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > max) finish(failure({ code: 'ERR_BODY_TOO_LARGE' }));
            else chunks.push(c);
          });
          res.on('end', () => finish(undefined, { status, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', (e) => finish(failure(e)));
        },
      );
      current = req;
      req.on('error', (e) => {
        if (done) return;
        if (retry && staleSocket(req, e, answered)) attempt(false);
        else finish(failure(e));
      });
      req.end(o.body);
    };
    attempt(true);
  });
}
