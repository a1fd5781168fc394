import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { type Db, listAudit } from '../platform/index.ts';

const Query = Type.Object(
  {
    entity: Type.Optional(Type.String({ maxLength: 64 })),
    entityId: Type.Optional(Type.String({ maxLength: 128 })),
    actor: Type.Optional(Type.String({ maxLength: 128 })),
    after: Type.Optional(Type.String({ pattern: '^\\d{1,18}$', description: 'cursor: the last seq seen' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);

const Entry = Type.Object({
  seq: Type.String(),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  entity: Type.String(),
  entityId: Type.String(),
  details: Type.Unknown(),
  digest: Type.String(),
  hash: Type.String(),
});

/** The audit trail, for the operator and the regulator only: it spans every participant. */
export function auditRoutes(app: FastifyInstance, db: Db): void {
  app.get(
    '/api/platform/v1/audit',
    {
      config: { auth: { roles: ['operator', 'regulator'] } },
      schema: {
        tags: ['platform'],
        summary: 'Audit log entries, oldest first, with a cursor',
        querystring: Query,
        response: { 200: Type.Object({ items: Type.Array(Entry), next: Type.Union([Type.String(), Type.Null()]) }) },
      },
    },
    async (req) => {
      const q = req.query as Static<typeof Query>;
      const limit = q.limit ?? 100;
      const items = await listAudit(db, {
        entity: q.entity,
        entityId: q.entityId,
        actor: q.actor,
        after: q.after === undefined ? undefined : BigInt(q.after),
        limit,
      });
      return {
        items: items.map(({ prevHash: _p, ...e }) => e),
        next: items.length === limit ? items[items.length - 1]!.seq.toString() : null,
      };
    },
  );
}
