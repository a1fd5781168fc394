import { type Static, type TSchema, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { formatAmount } from '../../platform/index.ts';
import { listActorOf } from '../lists/service.ts';
import { INCIDENT_STATUSES, RECOVERY_KINDS } from './domain/incident.ts';
import { FIELD_CATALOGUE } from './domain/matrix.ts';
import type { AfcIncidents, IncidentCard, IncidentSummary } from './service.ts';
import { type AfcStatistics, STATISTICS_TABLES, type StatisticsTable } from './statistics.ts';
import type { Recovery } from './store.ts';

/** Everyone with a part in incidents: banks, PSPs and mobile operators, law enforcement, oversight. */
const INCIDENT_ROLES = ['fraud_reporter', 'fraud_decider', 'operator', 'oversight'];
/** Those who file: banks, payment organisations, mobile operators. */
const REPORTERS = ['fraud_reporter'];
/** Those who act on cards: reporters and related participants, law enforcement. */
const ACTORS = ['fraud_reporter', 'fraud_decider'];

const Status = Type.Union(INCIDENT_STATUSES.map((s) => Type.Literal(s)));
const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const Details = Type.Record(Type.String(), Type.String(), {
  description: `the card's fields, as the transaction type's matrix defines them: ${Object.keys(FIELD_CATALOGUE).join(', ')}`,
});

const FileBody = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 40, description: 'transaction type (GET incident-types)' }),
    reference: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'your own reference: filing it again with the same content returns the same card',
    }),
    details: Type.Record(Type.String(), Type.Unknown(), {
      description: 'fields of the card; amounts as decimal tenge strings, instants ISO 8601',
    }),
  },
  { additionalProperties: false },
);
const SupplementBody = Type.Object(
  {
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'fields to add or correct' })),
    note: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);
const DecisionBody = Type.Object(
  {
    decision: Type.Union([Type.Literal('fraud'), Type.Literal('not_fraud')], {
      description: 'fraud: the beneficiary moves to the fraudsters list; not_fraud: off the suspects list',
    }),
    grounds: Type.String({ maxLength: 4000, description: 'mandatory: the decision’s grounds' }),
  },
  { additionalProperties: false },
);
const WithdrawBody = Type.Object({ grounds: Type.String({ maxLength: 4000 }) }, { additionalProperties: false });
const AttachmentBody = Type.Object(
  {
    filename: Type.String({ minLength: 1, maxLength: 200 }),
    contentType: Type.String({ description: 'application/pdf, image/png, image/jpeg, text/plain, application/json' }),
    contentBase64: Type.String({ maxLength: 700_000, description: 'the file, base64; at most 512 KiB' }),
  },
  { additionalProperties: false },
);
const RecoveryBody = Type.Object(
  {
    kind: Type.Union(RECOVERY_KINDS.map((k) => Type.Literal(k))),
    amount: Type.String({ description: 'decimal tenge' }),
    reference: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: 'your reference: the same one records once' }),
    ),
  },
  { additionalProperties: false },
);
const TypeBody = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 200 }),
    mandatory: Type.Array(Type.String(), { maxItems: 40 }),
    optional: Type.Array(Type.String(), { maxItems: 40 }),
    atLeastOne: Type.Array(Type.Array(Type.String(), { maxItems: 10 }), { maxItems: 10 }),
  },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  {
    status: Type.Optional(Status),
    type: Type.Optional(Type.String({ maxLength: 40 })),
    after: Type.Optional(Type.String({ maxLength: 64, description: 'the `next` of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
    sort: Type.Optional(
      Type.Union([Type.Literal('newest'), Type.Literal('priority')], {
        description:
          'priority: law enforcement’s queue: the newest 500 matching cards ranked by score (page on with `after`)',
      }),
    ),
  },
  { additionalProperties: false },
);
const InboxQuery = Type.Object(
  {
    unread: Type.Optional(Type.Boolean()),
    after: Type.Optional(Type.String({ maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  },
  { additionalProperties: false },
);
const RangeQuery = Type.Object(
  {
    from: Type.String({ maxLength: 40, description: 'ISO 8601 date or instant (inclusive)' }),
    to: Type.String({ maxLength: 40, description: 'ISO 8601 date or instant (exclusive), at most 366 days later' }),
  },
  { additionalProperties: false },
);
const CsvQuery = Type.Object(
  { ...RangeQuery.properties, table: Type.Union(STATISTICS_TABLES.map((t) => Type.Literal(t))) },
  { additionalProperties: false },
);

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const PriorityView = Type.Object({
  score: Type.Number({ description: 'probability × amount at risk (tenge) × recoverability' }),
  probability: Type.Number(),
  atRisk: Type.String({ description: 'decimal tenge not yet blocked or returned' }),
  recoverability: Type.Number(),
  reasons: Type.Array(Type.String()),
});
const summaryProps = {
  id: Type.String(),
  type: Type.String(),
  status: Status,
  fraudType: Type.String(),
  outcome: Type.String(),
  amount: Nullable(Type.String({ description: 'decimal tenge' })),
  region: Nullable(Type.String()),
  occurredAt: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
};
const SummaryView = Type.Object(
  {
    ...summaryProps,
    reporterId: Type.Optional(Type.String()),
    details: Type.Optional(Details),
    priority: Type.Optional(PriorityView),
  },
  { $id: 'AfcIncidentSummary' },
);
const AttachmentView = Type.Object({
  id: Type.String(),
  participantId: Type.String(),
  filename: Type.String(),
  contentType: Type.String(),
  size: Type.Integer(),
  sha256: Type.String(),
  createdAt: Type.String(),
});
const RecoveryView = Type.Object({
  id: Type.String(),
  participantId: Type.String(),
  kind: Type.String(),
  amount: Type.String(),
  reference: Nullable(Type.String()),
  at: Type.String(),
});
const CardView = Type.Object(
  {
    ...summaryProps,
    reporterId: Type.String(),
    reporterRef: Type.String(),
    typeVersion: Type.Integer(),
    details: Details,
    beneficiaryAgeBand: Type.String(),
    victimAgeBand: Type.String(),
    grounds: Nullable(Type.String()),
    decidedBy: Nullable(Type.String()),
    decidedAt: Nullable(Type.String()),
    viewerRoles: Type.Array(Type.String(), { description: 'how you stand to the card' }),
    parties: Type.Array(
      Type.Object({
        participantId: Type.String(),
        relation: Type.String(),
        via: Type.String(),
        addedAt: Type.String(),
      }),
    ),
    deadlines: Type.Array(
      Type.Object({
        step: Type.String(),
        participantId: Nullable(Type.String()),
        due: Type.String(),
        doneAt: Nullable(Type.String()),
        escalatedAt: Nullable(Type.String()),
      }),
    ),
    history: Type.Array(
      Type.Object({
        seq: Type.Integer(),
        at: Type.String(),
        actor: Type.String(),
        participantId: Nullable(Type.String()),
        action: Type.String(),
        status: Type.String(),
        grounds: Nullable(Type.String()),
        details: Nullable(Type.Record(Type.String(), Type.Unknown())),
      }),
    ),
    attachments: Type.Array(AttachmentView),
    recoveries: Type.Array(RecoveryView),
    recovered: Type.Object({
      blockedAtSender: Type.String(),
      blockedAtRecipient: Type.String(),
      returned: Type.String(),
      ipsReturned: Type.String({ description: 'returned through IPS (pacs.004) on the card’s payment' }),
    }),
    priority: PriorityView,
    participants: Type.Record(
      Type.String(),
      Type.Object({ name: Type.String(), bic: Nullable(Type.String()), type: Type.String() }),
      { description: 'the participants the card mentions, by id' },
    ),
  },
  { $id: 'AfcIncident' },
);
const CountAmount = { count: Type.Integer(), amount: Type.String({ description: 'tiyn' }) };
const StatisticsView = Type.Object({
  from: Type.String(),
  to: Type.String(),
  scope: Type.Union([Type.Literal('all'), Type.Literal('own')]),
  total: Type.Object(CountAmount),
  byDay: Type.Array(Type.Object({ day: Type.String(), ...CountAmount })),
  byStatus: Type.Array(Type.Object({ status: Type.String(), ...CountAmount })),
  byType: Type.Array(Type.Object({ type: Type.String(), ...CountAmount })),
  byFraudType: Type.Array(Type.Object({ fraudType: Type.String(), ...CountAmount })),
  byRecipientAge: Type.Array(Type.Object({ band: Type.String(), ...CountAmount })),
  byVictimAge: Type.Array(Type.Object({ band: Type.String(), ...CountAmount })),
  fraudTypeByAge: Type.Array(Type.Object({ fraudType: Type.String(), band: Type.String(), count: Type.Integer() })),
  byRegion: Type.Array(Type.Object({ region: Type.String(), ...CountAmount })),
  recovered: Type.Object({
    blockedAtSender: Type.String(),
    blockedAtRecipient: Type.String(),
    returned: Type.String(),
  }),
  listGrowth: Type.Array(
    Type.Object({ day: Type.String(), suspects: Type.Integer(), confirmed: Type.Integer(), removed: Type.Integer() }),
  ),
});

const money = (a: bigint | null) => (a === null ? null : formatAmount(a));
const recoveryView = (r: Recovery) => ({ ...r, amount: formatAmount(r.amount) });
const summaryView = (i: IncidentSummary & { priority?: IncidentCard['priority'] }) => ({
  ...i,
  amount: money(i.amount),
  ...(i.priority ? { priority: { ...i.priority, atRisk: formatAmount(i.priority.atRisk) } } : {}),
});
const cardView = (c: IncidentCard) => ({
  ...c,
  amount: money(c.amount),
  recoveries: c.recoveries.map(recoveryView),
  recovered: {
    blockedAtSender: formatAmount(c.recovered.blockedAtSender),
    blockedAtRecipient: formatAmount(c.recovered.blockedAtRecipient),
    returned: formatAmount(c.recovered.returned),
    ipsReturned: formatAmount(c.recovered.ipsReturned),
  },
  priority: { ...c.priority, atRisk: formatAmount(c.priority.atRisk) },
});

/**
 * Incident exchange over HTTP under /api/afc/v1 (AFC-2..4, 6): the metadata matrix, filing, the card and its
 * steps, attachments, recovered funds, the notification inbox and statistics. A card the caller is not
 * related to answers 404, never 403.
 */
export function afcIncidentRoutes(app: FastifyInstance, incidents: AfcIncidents, statistics: AfcStatistics): void {
  const base = '/api/afc/v1';
  const tags = ['afc-incidents'];
  app.addSchema(SummaryView);
  app.addSchema(CardView);
  const one = { 200: Type.Ref(CardView) };
  const idOf = (req: { params: unknown }) => (req.params as Static<typeof IdParam>).id;

  app.get(
    `${base}/incident-types`,
    {
      config: { auth: { roles: INCIDENT_ROLES } },
      schema: {
        tags,
        summary: 'The metadata matrix: each transaction type’s mandatory and optional fields, and the field catalogue',
        response: {
          200: Type.Object({
            types: Type.Array(
              Type.Object({
                type: Type.String(),
                version: Type.Integer(),
                publishedAt: Type.String(),
                definition: TypeBody,
              }),
            ),
            fields: Type.Record(
              Type.String(),
              Type.Object({
                format: Type.String(),
                label: Type.String(),
                values: Type.Optional(Type.Array(Type.String())),
                beneficiary: Type.Optional(Type.Boolean()),
              }),
            ),
          }),
        },
      },
    },
    async () => ({ types: await incidents.types(), fields: FIELD_CATALOGUE }),
  );

  app.put(
    `${base}/incident-types/:type`,
    {
      config: { auth: { roles: ['operator'] } },
      schema: {
        tags,
        summary: 'The operator publishes a new version of a transaction type (cards filed before keep theirs)',
        params: Type.Object({ type: Type.String({ minLength: 1, maxLength: 40 }) }),
        body: TypeBody,
        response: { 200: Type.Object({ type: Type.String(), version: Type.Integer() }) },
      },
    },
    async (req) =>
      incidents.publishType(
        listActorOf(req.principal!),
        (req.params as { type: string }).type,
        req.body as Static<typeof TypeBody>,
      ),
  );

  app.post(
    `${base}/incidents`,
    {
      config: { auth: { roles: REPORTERS } },
      schema: {
        tags,
        summary: 'File an incident: the beneficiary is listed as a suspect and related participants are notified',
        description:
          'Validated against the transaction type’s matrix (a missing mandatory field is a 400 naming `/details/<field>`). In the same commit: the beneficiary’s identifiers go onto the suspects list, the beneficiary’s bank (alias directory, BIN table, BIC) becomes a related participant with a deadline to supplement, and the reporter, related participants and law enforcement get an `afc.incident` webhook and an inbox entry.',
        body: FileBody,
        response: { 201: Type.Ref(CardView) },
      },
    },
    async (req, reply) => {
      const b = req.body as Static<typeof FileBody>;
      const card = await incidents.file(listActorOf(req.principal!), b);
      return reply.code(201).send(cardView(card));
    },
  );

  app.get(
    `${base}/incidents`,
    {
      config: { auth: { roles: INCIDENT_ROLES } },
      schema: {
        tags,
        summary:
          'Cards you filed or are related to, newest first (law enforcement, operator: all; regulator: summaries)',
        querystring: ListQuery,
        response: {
          200: Type.Object({ items: Type.Array(Type.Ref(SummaryView)), next: Nullable(Type.String()) }),
        },
      },
    },
    async (req) => {
      const q = req.query as Static<typeof ListQuery>;
      const r = await incidents.list(listActorOf(req.principal!), {
        limit: q.limit ?? 50,
        ...(q.status ? { status: q.status } : {}),
        ...(q.type ? { type: q.type } : {}),
        ...(q.after ? { after: q.after } : {}),
        ...(q.sort ? { sort: q.sort } : {}),
      });
      return { items: r.items.map(summaryView), next: r.next };
    },
  );

  app.get(
    `${base}/incidents/:id`,
    {
      config: { auth: { roles: INCIDENT_ROLES } },
      schema: {
        tags,
        summary: 'The incident card with parties, deadlines, history, attachments, recoveries and priority (audited)',
        params: IdParam,
        response: one,
      },
    },
    async (req) => cardView(await incidents.card(idOf(req), listActorOf(req.principal!))),
  );

  const step = <B extends TSchema>(
    path: string,
    roles: string[],
    summary: string,
    body: B | undefined,
    act: (id: string, b: Static<B>, actor: ReturnType<typeof listActorOf>) => Promise<IncidentCard>,
  ) =>
    app.post(
      `${base}/incidents/:id/${path}`,
      {
        config: { auth: { roles } },
        schema: { tags, summary, params: IdParam, ...(body ? { body } : {}), response: one },
      },
      async (req) => cardView(await act(idOf(req), req.body as Static<B>, listActorOf(req.principal!))),
    );

  step(
    'supplements',
    ACTORS,
    'Supplement the card (fields and/or a note): the reporter, related participants, law enforcement',
    SupplementBody,
    (id, b, a) =>
      incidents.supplement(a, id, {
        ...(b.details ? { details: b.details } : {}),
        ...(b.note !== undefined ? { note: b.note } : {}),
      }),
  );
  step('take', ACTORS, 'Law enforcement takes the card into investigation', undefined, (id, _b, a) =>
    incidents.take(a, id),
  );
  step(
    'decision',
    ACTORS,
    'Law enforcement decides “fraud” or “not fraud” with grounds; the lists follow in the same commit',
    DecisionBody,
    (id, b, a) => incidents.decide(a, id, b.decision, b.grounds),
  );
  step('withdrawal', ACTORS, 'The reporter withdraws an undecided card, with grounds', WithdrawBody, (id, b, a) =>
    incidents.withdraw(a, id, b.grounds),
  );
  step(
    'recoveries',
    ACTORS,
    'Record funds blocked at the sender’s bank, at the recipient’s bank, or returned',
    RecoveryBody,
    (id, b, a) =>
      incidents.recordRecovery(a, id, {
        kind: b.kind,
        amount: b.amount,
        ...(b.reference ? { reference: b.reference } : {}),
      }),
  );

  app.post(
    `${base}/incidents/:id/attachments`,
    {
      config: { auth: { roles: ACTORS } },
      schema: {
        tags,
        summary: 'Attach evidence: PDF, PNG, JPEG, text or JSON, at most 512 KiB (content checked against its type)',
        params: IdParam,
        body: AttachmentBody,
        response: { 201: AttachmentView },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(
          await incidents.attach(listActorOf(req.principal!), idOf(req), req.body as Static<typeof AttachmentBody>),
        ),
  );

  app.get(
    `${base}/incidents/:id/attachments/:attachmentId`,
    {
      config: { auth: { roles: INCIDENT_ROLES } },
      schema: {
        tags,
        summary: 'An attachment’s content (audited)',
        params: Type.Object({ ...IdParam.properties, attachmentId: Type.String({ minLength: 1, maxLength: 64 }) }),
      },
    },
    async (req, reply) => {
      const p = req.params as { id: string; attachmentId: string };
      const a = await incidents.attachment(listActorOf(req.principal!), p.id, p.attachmentId);
      return reply
        .header('content-type', a.contentType)
        .header('content-disposition', `attachment; filename="${a.filename.replace(/[^\w.-]/g, '_')}"`)
        .header('x-content-type-options', 'nosniff')
        .send(a.content);
    },
  );

  app.get(
    `${base}/notifications`,
    {
      config: { auth: { roles: INCIDENT_ROLES } },
      schema: {
        tags,
        summary: 'Your inbox of incident notifications, newest first, with the unread count',
        querystring: InboxQuery,
        response: {
          200: Type.Object({
            unread: Type.Integer(),
            items: Type.Array(
              Type.Object({
                id: Type.String(),
                incidentId: Type.String(),
                kind: Type.String(),
                summary: Type.String(),
                at: Type.String(),
                readAt: Nullable(Type.String()),
              }),
            ),
            next: Nullable(Type.String()),
          }),
        },
      },
    },
    async (req) => {
      const q = req.query as Static<typeof InboxQuery>;
      const actor = listActorOf(req.principal!);
      const limit = q.limit ?? 50;
      const items = await incidents.inbox(actor, {
        limit,
        ...(q.unread ? { unread: true } : {}),
        ...(q.after ? { after: q.after } : {}),
      });
      return {
        unread: await incidents.unread(actor),
        items,
        next: items.length === limit ? items.at(-1)!.id : null,
      };
    },
  );

  app.post(
    `${base}/notifications/:id/read`,
    {
      config: { auth: { roles: INCIDENT_ROLES } },
      schema: { tags, summary: 'Mark a notification read', params: IdParam, response: { 204: Type.Null() } },
    },
    async (req, reply) => {
      await incidents.markRead(listActorOf(req.principal!), idOf(req));
      return reply.code(204).send();
    },
  );

  app.get(
    `${base}/statistics`,
    {
      config: { auth: { roles: INCIDENT_ROLES } },
      schema: {
        tags,
        summary: 'Statistics: incidents over time, fraud types, age bands, regions, recovered funds, list growth',
        description:
          'Oversight (regulator, operator) and law enforcement: every card. A bank or mobile operator: the cards it filed or is related to (`scope: own`).',
        querystring: RangeQuery,
        response: { 200: StatisticsView },
      },
    },
    async (req) => statistics.compute(listActorOf(req.principal!), req.query as Static<typeof RangeQuery>),
  );

  app.get(
    `${base}/statistics.csv`,
    {
      config: { auth: { roles: INCIDENT_ROLES } },
      schema: { tags, summary: 'One statistics table as CSV (RFC 4180)', querystring: CsvQuery },
    },
    async (req, reply) => {
      const q = req.query as Static<typeof CsvQuery>;
      const csv = await statistics.csv(listActorOf(req.principal!), q, q.table as StatisticsTable);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="afc-${q.table}-${q.from.slice(0, 10)}.csv"`)
        .send(csv);
    },
  );
}
