import { createHmac, randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Db, GroupCommit, type ModuleMigrations } from '../db/index.ts';
import { DomainError, invalid } from '../errors.ts';
import { canonicalJson } from '../json.ts';

export const idempotencyMigrations: ModuleMigrations = {
  module: 'platform-http',
  migrations: [
    {
      id: '001-idempotency',
      sql: `CREATE TABLE idempotency_keys (
        scope TEXT NOT NULL,
        idem_key TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        status BIGINT,
        body TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (scope, idem_key)
      )`,
    },
    {
      // request bodies are fingerprinted with a keyed MAC, not a bare hash: a body with a card number or an
      // IIN and little else could otherwise be recovered from its fingerprint by trying every candidate
      id: '002-idempotency-mac-key',
      sql: `CREATE TABLE idempotency_mac_key (
        id BIGINT PRIMARY KEY,
        secret TEXT NOT NULL
      )`,
    },
  ],
};

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY = /^[\x21-\x7e]{1,255}$/;

interface Pending {
  scope: string;
  key: string;
  hash: string;
  slot: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: Pending;
  }
}

interface StoredAnswer {
  scope: string;
  key: string;
  hash: string;
  status: number;
  body: string | null;
  at: string;
}

/**
 * Idempotency-Key on every mutating route: the first response for (caller, key) is stored; the same key
 * with the same request replays it, with a different request answers 422, while still running 409.
 * Keys in flight are tracked in memory; answers are group-committed before the response leaves, so a
 * replay after a restart finds them without costing an fsync per request.
 */
export function registerIdempotency(app: FastifyInstance, db: Db): void {
  const inFlight = new Map<string, string>();
  // one key shared by every process on the database (a replay may reach another process), made once
  let macKey: Promise<Buffer> | undefined;
  const loadMacKey = async (): Promise<Buffer> => {
    await db.exec('INSERT INTO idempotency_mac_key (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING', [
      randomBytes(32).toString('base64url'),
    ]);
    const [row] = await db.query<{ secret: string }>('SELECT secret FROM idempotency_mac_key WHERE id = 1');
    return Buffer.from(row!.secret, 'base64url');
  };
  const answers = new GroupCommit<StoredAnswer>(db, async (tx, rows) => {
    for (const r of rows) {
      await tx.exec(
        `INSERT INTO idempotency_keys (scope, idem_key, request_hash, status, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (scope, idem_key) DO NOTHING`,
        [r.scope, r.key, r.hash, BigInt(r.status), r.body, r.at],
      );
    }
  });

  /** Whether it answered (a replay): then the request goes no further. */
  const check = async (req: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw invalid(
        'header/Idempotency-Key',
        'required on this request: 1-255 printable characters, unique per operation',
      );
    }
    const scope = req.principal ? `${req.principal.participantId}/${req.principal.userId ?? ''}` : `anon/${req.ip}`;
    macKey ??= loadMacKey().catch((err: unknown) => {
      macKey = undefined;
      throw err;
    });
    const hash = createHmac('sha256', await macKey)
      .update(`${req.method} ${req.url}\n${canonicalJson(req.body ?? null)}`)
      .digest('hex');
    const slot = `${scope}\u0000${key}`;
    const running = inFlight.get(slot);
    if (running !== undefined) {
      if (running !== hash)
        throw new DomainError('idempotency-mismatch', 'Idempotency-Key was already used with a different request');
      throw new DomainError('conflict', 'a request with this Idempotency-Key is in progress');
    }
    inFlight.set(slot, hash);
    req.idempotency = { scope, key, hash, slot };
    const [found] = await db.query<{ request_hash: string; status: bigint; body: string | null }>(
      'SELECT request_hash, status, body FROM idempotency_keys WHERE scope = $1 AND idem_key = $2',
      [scope, key],
    );
    if (found) {
      req.idempotency = undefined;
      inFlight.delete(slot);
      if (found.request_hash !== hash) {
        throw new DomainError('idempotency-mismatch', 'Idempotency-Key was already used with a different request');
      }
      reply.header('idempotent-replayed', 'true');
      reply.code(Number(found.status));
      reply.type(Number(found.status) >= 400 ? 'application/problem+json' : 'application/json');
      reply.send(found.body === null ? undefined : found.body);
      return true;
    }
    return false;
  };

  // Callback hooks: a request that needs no key (a read, a route that opted out) passes without the promise
  // and turn of the microtask queue an async hook costs on every request of every API.
  app.addHook('preHandler', (req, reply, done) => {
    if (!MUTATING.has(req.method) || req.routeOptions.config?.idempotent === false) return done();
    check(req, reply).then(
      (answered) => {
        if (!answered) done();
      },
      (err: Error) => done(err),
    );
  });

  const store = async (req: FastifyRequest, reply: FastifyReply, payload: unknown, p: Pending): Promise<void> => {
    req.idempotency = undefined;
    try {
      // a failure of ours is not an answer: the client may retry with the same key
      if (reply.statusCode < 500) {
        await answers.add({
          scope: p.scope,
          key: p.key,
          hash: p.hash,
          status: reply.statusCode,
          body: typeof payload === 'string' ? payload : payload == null ? null : String(payload),
          at: new Date().toISOString(),
        });
      }
    } finally {
      inFlight.delete(p.slot);
    }
  };

  app.addHook('onSend', (req, reply, payload, done) => {
    const p = req.idempotency;
    if (!p) return done(null, payload);
    store(req, reply, payload, p).then(
      () => done(null, payload),
      (err: Error) => done(err),
    );
  });

  // a client that hung up before its answer must be able to retry with the same key
  app.addHook('onRequestAbort', async (req) => {
    if (req.idempotency) inFlight.delete(req.idempotency.slot);
  });
}
