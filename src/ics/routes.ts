import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Validator } from '../../packages/iso20022/index.ts';
import {
  type Clock,
  DomainError,
  hasRole,
  type IdGenerator,
  keepXmlBody,
  type Principal,
  parseAmount,
  xmlBodyOf,
} from '../platform/index.ts';
import { buildIso, pacs002For, readPacs008 } from './iso.ts';
import type { IcsService } from './service.ts';

const OVERSIGHT = ['oversight'];
const oversees = (p: Principal) => hasRole(p, OVERSIGHT);

const MAX_TX = 10_000;
const Max35 = Type.String({ minLength: 1, maxLength: 35, pattern: '^\\S(.*\\S)?$' });
const Bic = Type.String({ pattern: '^[A-Z0-9]{8}([A-Z0-9]{3})?$' });
const CycleId = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}#[1-9]\\d{0,2}$',
  description: 'YYYY-MM-DD#n: cycle n of a business day (in a URL the # is written %23)',
});
const Minor = (description = 'minor units (tiyn)') => Type.String({ description });

const Batch = Type.Object(
  {
    msgId: Max35,
    payments: Type.Array(
      Type.Object(
        {
          txId: Max35,
          endToEndId: Max35,
          receiverBic: Bic,
          amount: Type.String({ description: 'decimal tenge, at most 2 decimals, e.g. "1500.00"; ≤ 5000000.00' }),
          currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'KZT (anything else is rejected, AM03)' }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_TX },
    ),
  },
  { additionalProperties: false },
);

const IsoMessage = Type.Object(
  {
    grpHdr: Type.Object({}, { additionalProperties: true }),
    cdtTrfTxInf: Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1, maxItems: MAX_TX }),
  },
  {
    additionalProperties: false,
    description:
      'pacs.008.001.09 content with the element names in camelCase (GrpHdr → grpHdr); amounts as decimal strings: {"amount":"1500.00","ccy":"KZT"}. The same endpoint takes the XML document with content-type application/xml.',
  },
);

const TxStatusView = Type.Object({
  paymentId: Type.String(),
  txId: Type.String(),
  endToEndId: Type.String(),
  status: Type.Union([Type.Literal('ACSP'), Type.Literal('RJCT')]),
  reason: Type.Optional(Type.String({ description: 'ISO 20022 ExternalStatusReason1Code' })),
});
const SubmitView = Type.Object({
  msgId: Type.String(),
  cycleId: Type.String(),
  status: Type.Union([Type.Literal('ACSP'), Type.Literal('PART'), Type.Literal('RJCT')]),
  accepted: Type.Integer(),
  rejected: Type.Integer(),
  transactions: Type.Array(TxStatusView),
});
const PaymentView = Type.Object({
  id: Type.String({ description: '<sender BIC>:<txId>' }),
  seq: Type.String(),
  msgId: Type.String(),
  txId: Type.String(),
  endToEndId: Type.String(),
  senderBic: Type.String(),
  receiverBic: Type.String(),
  amount: Minor(),
  currency: Type.Literal('KZT'),
  cycleId: Type.String(),
  status: Type.Union([Type.Literal('accepted'), Type.Literal('settled'), Type.Literal('rejected')]),
  reason: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const CycleView = Type.Object({
  id: Type.String(),
  businessDate: Type.String(),
  number: Type.Integer(),
  opensAt: Type.String(),
  closesAt: Type.String(),
  status: Type.Union(['open', 'closing', 'settling', 'closed'].map((s) => Type.Literal(s))),
  acceptedCount: Type.Integer(),
  acceptedAmount: Minor(),
  settledCount: Type.Union([Type.Integer(), Type.Null()]),
  settledAmount: Nullable(Minor()),
  rejectedCount: Type.Union([Type.Integer(), Type.Null()]),
  rejectedAmount: Nullable(Minor()),
  rounds: Type.Union([Type.Integer(), Type.Null()]),
  settlementId: Nullable(Type.String()),
  closedAt: Nullable(Type.String()),
  closedBy: Nullable(Type.String()),
});
const ReportView = Type.Object({
  cycleId: Type.String(),
  participant: Type.String({ description: 'BIC' }),
  participantId: Nullable(Type.String()),
  sentCount: Type.Integer(),
  sentAmount: Minor('settled outgoing, minor units'),
  receivedCount: Type.Integer(),
  receivedAmount: Minor('settled incoming, minor units'),
  net: Minor('net position settled in IMTS: + credit, − debit'),
  rejectedCount: Type.Integer(),
  rejectedAmount: Minor(),
  status: Type.Union([Type.Literal('settled'), Type.Literal('rejected')]),
  reason: Nullable(Type.String()),
});
const IdParam = Type.Object({ id: CycleId });
const PaymentParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 48 }) });
const PaymentQuery = Type.Object(
  {
    cycleId: Type.Optional(CycleId),
    bic: Type.Optional({ ...Bic, description: 'oversight: one participant’s payments (sent or received)' }),
    status: Type.Optional(Type.Union(['accepted', 'settled', 'rejected'].map((s) => Type.Literal(s)))),
    after: Type.Optional(Type.String({ pattern: '^\\d{1,18}$', description: 'seq of the last payment seen' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
const CycleQuery = Type.Object(
  {
    status: Type.Optional(Type.Union(['open', 'closing', 'settling', 'closed'].map((s) => Type.Literal(s)))),
    before: Type.Optional(Type.String({ format: 'date-time', description: 'closesAt of the last cycle seen' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);

/** ICS over HTTP under /api/ics/v1. Participants see their own payments and report rows; oversight all. */
export function icsRoutes(
  app: FastifyInstance,
  ics: IcsService,
  deps: {
    bicOf: (participantId: string) => Promise<string | null>;
    ids: IdGenerator;
    clock: Clock;
    bodyLimitBytes: number;
    validator?: Validator;
  },
): void {
  const base = '/api/ics/v1';
  const tags = ['ics'];

  // ISO 20022 XML arrives as text (IMTS may have registered the same parser already)
  if (!app.hasContentTypeParser('application/xml'))
    app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string' }, (_req, body, done) =>
      done(null, body),
    );

  const senderBic = async (p: Principal): Promise<string> => {
    const bic = await deps.bicOf(p.participantId);
    if (!bic) throw new DomainError('forbidden', 'only participants with a BIC clear in ICS');
    return bic;
  };
  /** undefined: oversight sees everything; '-' matches nobody (a participant without a BIC). */
  const scope = async (p: Principal): Promise<string | undefined> =>
    oversees(p) ? undefined : ((await deps.bicOf(p.participantId)) ?? '-');

  app.post(
    `${base}/payments`,
    {
      config: { auth: { roles: ['settlement'] } },
      schema: {
        tags,
        summary: 'Submit a batch of payments (≤ 5,000,000 KZT each) into the open clearing cycle',
        description:
          'Each transaction is answered ACSP (accepted into the cycle, settled at its close) or RJCT with an ISO 20022 reason: AM02 over the limit, AM01 not positive, AM03 not KZT, RC01 unknown or inactive receiver, AC01 receiver = sender, DUPL txId used before. A repeated msgId is 409 DUPL.',
        body: Batch,
        response: { 200: SubmitView },
      },
    },
    async (req) => {
      const b = req.body as Static<typeof Batch>;
      const payments = b.payments.map((p, i) => ({
        txId: p.txId,
        endToEndId: p.endToEndId,
        receiverBic: p.receiverBic,
        amount: parseAmount(p.amount, { field: `/payments/${i}/amount` }),
        currency: p.currency,
      }));
      return ics.submit(await senderBic(req.principal!), { msgId: b.msgId, msgType: 'batch', payments });
    },
  );

  app.post(
    `${base}/pacs.008`,
    {
      config: { auth: { roles: ['settlement'] } },
      schema: {
        tags,
        summary: 'Submit a pacs.008 (JSON model or ISO 20022 XML) into the open clearing cycle; answers pacs.002',
        body: IsoMessage,
      },
      // the XML path is validated by the ISO 20022 parser, not by the JSON schema
      preValidation: keepXmlBody(() => ({ grpHdr: {}, cdtTrfTxInf: [{}] })),
    },
    async (req, reply) => {
      const xml = xmlBodyOf(req);
      const m = readPacs008(xml ?? req.body, {
        xml: xml !== undefined,
        validator: deps.validator,
        maxBytes: deps.bodyLimitBytes,
      });
      const bic = await senderBic(req.principal!);
      if (m.instructingBic !== undefined && m.instructingBic !== bic)
        throw new DomainError('forbidden', `grpHdr.instgAgt ${m.instructingBic} is not your BIC ${bic}`, {
          reason: 'RC01',
        });
      const result = await ics.submit(bic, { msgId: m.msgId, msgType: 'pacs.008', payments: m.payments });
      const report = pacs002For({
        msgId: deps.ids.next('PACS002').slice(0, 35),
        createdAt: deps.clock.now().toISOString(),
        result,
      });
      if (xml !== undefined) return reply.type('application/xml').send(buildIso(report));
      return report.message;
    },
  );

  app.get(
    `${base}/payments`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'Payments of a cycle (default: the open one) you sent or received (oversight: all), oldest first',
        querystring: PaymentQuery,
        response: {
          200: Type.Object({ items: Type.Array(PaymentView), next: Type.Union([Type.String(), Type.Null()]) }),
        },
      },
    },
    async (req) => {
      const q = req.query as Static<typeof PaymentQuery>;
      const limit = q.limit ?? 100;
      // a participant sees its own; oversight everything, or one participant's
      const bic = (await scope(req.principal!)) ?? q.bic;
      const items = await ics.payments({
        limit,
        ...(q.cycleId ? { cycleId: q.cycleId } : {}),
        ...(bic ? { bic } : {}),
        ...(q.status ? { status: q.status as 'accepted' | 'settled' | 'rejected' } : {}),
        ...(q.after ? { after: BigInt(q.after) } : {}),
      });
      return { items, next: items.length === limit ? items.at(-1)!.seq.toString() : null };
    },
  );

  app.get(
    `${base}/payments/:id`,
    {
      config: { auth: { roles: 'any' } },
      schema: { tags, summary: 'One payment with its status', params: PaymentParam, response: { 200: PaymentView } },
    },
    async (req) => {
      const bic = await scope(req.principal!);
      const p = await ics.payment((req.params as Static<typeof PaymentParam>).id);
      // another participant's payment answers 404 like a missing one: existence is not revealed
      if (bic !== undefined && p.senderBic !== bic && p.receiverBic !== bic)
        throw new DomainError('not-found', 'payment not found');
      return p;
    },
  );

  app.get(
    `${base}/cycles`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'Clearing cycles, latest first',
        querystring: CycleQuery,
        response: {
          200: Type.Object({ items: Type.Array(CycleView), next: Type.Union([Type.String(), Type.Null()]) }),
        },
      },
    },
    async (req) => {
      const q = req.query as Static<typeof CycleQuery>;
      const limit = q.limit ?? 50;
      const items = await ics.cycles({
        limit,
        ...(q.status ? { status: q.status as 'open' } : {}),
        ...(q.before ? { before: new Date(q.before).toISOString() } : {}),
      });
      return { items, next: items.length === limit ? items.at(-1)!.closesAt : null };
    },
  );

  app.get(
    `${base}/cycles/current`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'The cycle open now (payments submitted now go to it) and the next one',
        response: {
          200: Type.Composite([
            CycleView,
            Type.Object({ next: Type.Object({ id: Type.String(), opensAt: Type.String(), closesAt: Type.String() }) }),
          ]),
        },
      },
    },
    async () => ics.current(),
  );

  app.get(
    `${base}/cycles/:id`,
    {
      config: { auth: { roles: 'any' } },
      schema: { tags, summary: 'One cycle', params: IdParam, response: { 200: CycleView } },
    },
    async (req) => ics.cycle((req.params as Static<typeof IdParam>).id),
  );

  app.post(
    `${base}/cycles/:id/close`,
    {
      config: { auth: { roles: ['operator'] } },
      schema: {
        tags,
        summary: 'Close a cycle now (the open one early, or one left open): net, settle in IMTS, report',
        params: IdParam,
        response: { 200: CycleView },
      },
    },
    async (req) => ics.closeCycle((req.params as Static<typeof IdParam>).id, req.principal!.participantId),
  );

  app.get(
    `${base}/cycles/:id/report`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'The closed cycle’s report: your row (oversight: every participant’s)',
        params: IdParam,
        response: { 200: Type.Object({ cycleId: Type.String(), items: Type.Array(ReportView) }) },
      },
    },
    async (req) => {
      const id = (req.params as Static<typeof IdParam>).id;
      return { cycleId: id, items: await ics.report(id, await scope(req.principal!)) };
    },
  );
}
