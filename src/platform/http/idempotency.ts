import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db, ModuleMigrations } from '../db/index.ts';
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
  ],
};

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY = /^[\x21-\x7e]{1,255}$/;

interface Pending {
  scope: string;
  key: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: Pending;
  }
}

/**
 * Idempotency-Key on every mutating route: the first response for (caller, key) is stored; the same key
 * with the same request replays it, with a different request answers 422, while still running 409.
 */
export function registerIdempotency(app: FastifyInstance, db: Db): void {
  app.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!MUTATING.has(req.method) || req.routeOptions.config?.idempotent === false) return;
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string' || !KEY.test(key)) {
      throw invalid(
        'header/Idempotency-Key',
        'required on this request: 1-255 printable characters, unique per operation',
      );
    }
    const scope = req.principal ? `${req.principal.participantId}/${req.principal.userId ?? ''}` : `anon/${req.ip}`;
    const hash = createHash('sha256')
      .update(`${req.method} ${req.url}\n${canonicalJson(req.body ?? null)}`)
      .digest('hex');
    const [found] = await db.query<{ request_hash: string; status: bigint | null; body: string | null }>(
      'SELECT request_hash, status, body FROM idempotency_keys WHERE scope = $1 AND idem_key = $2',
      [scope, key],
    );
    if (found) {
      if (found.request_hash !== hash) {
        throw new DomainError('idempotency-mismatch', 'Idempotency-Key was already used with a different request');
      }
      if (found.status === null)
        throw new DomainError('conflict', 'a request with this Idempotency-Key is in progress');
      reply.header('idempotent-replayed', 'true');
      reply.code(Number(found.status));
      reply.type(Number(found.status) >= 400 ? 'application/problem+json' : 'application/json');
      return reply.send(found.body === null ? undefined : found.body);
    }
    try {
      await db.exec(
        'INSERT INTO idempotency_keys (scope, idem_key, request_hash, status, body, created_at) VALUES ($1, $2, $3, NULL, NULL, $4)',
        [scope, key, hash, new Date().toISOString()],
      );
    } catch {
      throw new DomainError('conflict', 'a request with this Idempotency-Key is in progress');
    }
    req.idempotency = { scope, key };
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const p = req.idempotency;
    if (!p) return payload;
    req.idempotency = undefined;
    if (reply.statusCode >= 500) {
      // a failure of ours is not an answer: let the client retry with the same key
      await db.exec('DELETE FROM idempotency_keys WHERE scope = $1 AND idem_key = $2', [p.scope, p.key]);
    } else {
      await db.exec('UPDATE idempotency_keys SET status = $1, body = $2 WHERE scope = $3 AND idem_key = $4', [
        BigInt(reply.statusCode),
        typeof payload === 'string' ? payload : payload == null ? null : String(payload),
        p.scope,
        p.key,
      ]);
    }
    return payload;
  });
}
