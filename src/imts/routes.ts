import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Validator } from '../../packages/iso20022/index.ts';
import type { Ledger } from '../ledger/index.ts';
import {
  type Clock,
  DomainError,
  type IdGenerator,
  keepXmlBody,
  notFound,
  type Principal,
  parseAmount,
  xmlBodyOf,
} from '../platform/index.ts';
import { ISO_STATUS, type Payment } from './domain/payment.ts';
import {
  assignerBic,
  buildIso,
  cancellationTargets,
  instructionsOf,
  type PaymentMessageType,
  readPaymentMessage,
  resolutionOfInvestigation,
  returnsOf,
  statusReport,
} from './iso.ts';
import type { ImtsService } from './service.ts';
import { accountReport } from './statements.ts';

const OVERSIGHT = ['operator', 'central_bank', 'regulator'];
const oversees = (p: Principal) => p.roles.some((r) => OVERSIGHT.includes(r));

const IsoMessage = Type.Object(
  {
    grpHdr: Type.Object({}, { additionalProperties: true }),
    cdtTrfTxInf: Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1, maxItems: 10_000 }),
  },
  {
    additionalProperties: false,
    description:
      'The ISO 20022 message content with the element names in camelCase (GrpHdr → grpHdr); amounts as decimal strings: {"amount":"1500.00","ccy":"KZT"}. The same endpoint takes the XML document with content-type application/xml.',
  },
);
const PaymentView = Type.Object({
  id: Type.String(),
  msgType: Type.String(),
  msgId: Type.String(),
  txId: Type.String(),
  endToEndId: Type.String(),
  senderBic: Type.String(),
  receiverBic: Type.String(),
  amount: Type.String({ description: 'minor units (tiyn)' }),
  currency: Type.String(),
  priority: Type.String(),
  status: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  seq: Type.String(),
  document: Type.Unknown(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  returnOf: Type.Optional(Type.String({ description: 'a return (pacs.004): the id of the payment it returns' })),
  returnReason: Type.Optional(Type.String({ description: 'a return: its ISO 20022 return reason (RtrRsn)' })),
});
const PaymentDetailView = Type.Intersect([
  PaymentView,
  Type.Object({
    returnedAmount: Type.Optional(
      Type.String({ description: 'minor units returned by settled returns (absent on a return itself)' }),
    ),
    returns: Type.Optional(
      Type.Array(
        Type.Object({
          id: Type.String(),
          txId: Type.String(),
          amount: Type.String(),
          status: Type.String(),
          returnReason: Type.Union([Type.String(), Type.Null()]),
          createdAt: Type.String(),
        }),
        { description: 'returns of this payment, oldest first, whatever their status' },
      ),
    ),
  }),
]);
const Camt056Body = Type.Object(
  {
    assgnmt: Type.Object({}, { additionalProperties: true }),
    case: Type.Optional(Type.Object({}, { additionalProperties: true })),
    ctrlData: Type.Optional(Type.Object({}, { additionalProperties: true })),
    undrlyg: Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1, maxItems: 1000 }),
  },
  {
    additionalProperties: false,
    description:
      'camt.056.001.09 FIToFIPmtCxlReq with the element names in camelCase (Assgnmt → assgnmt); or the XML document with content-type application/xml.',
  },
);
const Pacs004Body = Type.Object(
  {
    grpHdr: Type.Object({}, { additionalProperties: true }),
    orgnlGrpInf: Type.Optional(Type.Object({}, { additionalProperties: true })),
    txInf: Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1, maxItems: 10_000 }),
  },
  {
    additionalProperties: false,
    description:
      'pacs.004.001.10 PmtRtr with the element names in camelCase; amounts as decimal strings. Each txInf needs rtrId, orgnlTxId, rtrdIntrBkSttlmAmt, a reason (rtrRsnInf, here or in orgnlGrpInf) and instdAgt (here or in grpHdr): the original sender. Or the XML document with content-type application/xml.',
  },
);
const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 80 }) });
const ListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union(['settled', 'queued', 'rejected', 'cancelled'].map((s) => Type.Literal(s)))),
    after: Type.Optional(Type.String({ pattern: '^\\d{1,18}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
const Liquidity = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64, description: 'operation id: repeating it never moves money twice' }),
    bic: Type.String({ pattern: '^[A-Z0-9]{8}([A-Z0-9]{3})?$' }),
    direction: Type.Union([Type.Literal('inject'), Type.Literal('withdraw')]),
    amount: Type.String({ description: 'decimal tenge, e.g. "1000000.00"' }),
  },
  { additionalProperties: false },
);

export function imtsRoutes(
  app: FastifyInstance,
  imts: ImtsService,
  deps: {
    bicOf: (participantId: string) => Promise<string | null>;
    ledger: Ledger;
    validator?: Validator;
    ids: IdGenerator;
    clock: Clock;
    bodyLimitBytes: number;
  },
): void {
  const base = '/api/imts/v1';
  const tags = ['imts'];

  // ISO 20022 XML arrives as text; the package parses it with its own hostile-input guards.
  app.addContentTypeParser(['application/xml', 'text/xml'], { parseAs: 'string' }, (_req, body, done) =>
    done(null, body),
  );

  const senderBic = async (p: Principal): Promise<string> => {
    const bic = await deps.bicOf(p.participantId);
    if (!bic) throw new DomainError('forbidden', 'only participants with a BIC settle in IMTS');
    return bic;
  };

  const visible = async (p: Principal, payment: Payment | undefined): Promise<Payment> => {
    if (!payment) throw notFound('payment');
    if (oversees(p)) return payment;
    const bic = await deps.bicOf(p.participantId);
    if (payment.senderBic !== bic && payment.receiverBic !== bic) throw notFound('payment');
    return payment;
  };

  for (const [path, type] of [
    ['pacs.008', 'pacs.008.001.09'],
    ['pacs.009', 'pacs.009.001.09'],
  ] as [string, PaymentMessageType][]) {
    app.post(
      `${base}/${path}`,
      {
        config: { auth: { roles: ['settlement'] } },
        schema: {
          tags,
          summary: `Submit a ${path} (${type === 'pacs.008.001.09' ? 'customer' : 'interbank'} credit transfer): JSON or ISO 20022 XML; answers pacs.002`,
          body: IsoMessage,
        },
        // the XML path is validated by the ISO 20022 parser, not by the JSON schema
        preValidation: keepXmlBody(() => ({ grpHdr: {}, cdtTrfTxInf: [{}] })),
      },
      async (req, reply) => {
        const xmlBody = xmlBodyOf(req);
        const { message } = readPaymentMessage(type, xmlBody ?? req.body, {
          xml: xmlBody !== undefined,
          validator: deps.validator,
          maxBytes: deps.bodyLimitBytes,
        });
        const bic = await senderBic(req.principal!);
        const instructing = (message.grpHdr as { instgAgt?: { finInstnId: { bicfi: string } } }).instgAgt?.finInstnId
          .bicfi;
        if (instructing !== undefined && instructing !== bic) {
          throw new DomainError('forbidden', `grpHdr.instgAgt ${instructing} is not your BIC ${bic}`, {
            reason: 'RC01',
          });
        }
        const msgId = (message.grpHdr as { msgId: string }).msgId;
        const statuses = await imts.submit(bic, msgId, instructionsOf(type, message as { cdtTrfTxInf: unknown[] }));
        const report = statusReport({
          msgId: deps.ids.next('PACS002').slice(0, 35),
          createdAt: deps.clock.now().toISOString(),
          originalMsgId: msgId,
          originalType: type,
          statuses,
        });
        return answer(reply, xmlBody !== undefined, report);
      },
    );
  }

  app.post(
    `${base}/pacs.028`,
    {
      config: { auth: { roles: ['settlement'] } },
      schema: {
        tags,
        summary: 'Payment status request (pacs.028, JSON or XML) for your own payments; answers pacs.002',
        body: Type.Object(
          {
            grpHdr: Type.Object({}, { additionalProperties: true }),
            txInf: Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1, maxItems: 1000 }),
          },
          { additionalProperties: false },
        ),
      },
      preValidation: keepXmlBody(() => ({ grpHdr: {}, txInf: [{}] })),
    },
    async (req, reply) => {
      const xmlBody = xmlBodyOf(req);
      const { message } = readPaymentMessage('pacs.028.001.04', xmlBody ?? req.body, {
        xml: xmlBody !== undefined,
        validator: deps.validator,
        maxBytes: deps.bodyLimitBytes,
      });
      const bic = await senderBic(req.principal!);
      const request = message as {
        grpHdr: { msgId: string };
        txInf?: { orgnlTxId?: string; orgnlEndToEndId?: string }[];
      };
      const statuses = [];
      for (const tx of request.txInf ?? []) {
        const p = tx.orgnlTxId ? await imts.get(`${bic}:${tx.orgnlTxId}`) : undefined;
        statuses.push(
          p
            ? {
                paymentId: p.id,
                txId: p.txId,
                endToEndId: p.endToEndId,
                status: ISO_STATUS[p.status],
                ...(p.reason ? { reason: p.reason } : {}),
              }
            : {
                paymentId: '',
                txId: tx.orgnlTxId ?? '',
                endToEndId: tx.orgnlEndToEndId ?? '',
                status: 'RJCT' as const,
                reason: 'NARR',
                narrative: 'no such payment from your BIC',
              },
        );
      }
      const report = statusReport({
        msgId: deps.ids.next('PACS002').slice(0, 35),
        createdAt: deps.clock.now().toISOString(),
        originalMsgId: request.grpHdr.msgId,
        originalType: 'pacs.028.001.04',
        statuses,
      });
      return answer(reply, xmlBody !== undefined, report);
    },
  );

  app.post(
    `${base}/camt.056`,
    {
      config: { auth: { roles: ['settlement'] } },
      schema: {
        tags,
        summary:
          'Cancellation request (camt.056, JSON or XML) for your own queued payments, by OrgnlTxId, OrgnlEndToEndId or a whole original message; answers camt.029 (CNCL / PECR / RJCR; per transaction ACCR, or RJCR with ARDT or NOOR)',
        body: Camt056Body,
      },
      preValidation: keepXmlBody(() => ({ assgnmt: {}, undrlyg: [{}] })),
    },
    async (req, reply) => {
      const xmlBody = xmlBodyOf(req);
      const { message } = readPaymentMessage('camt.056.001.09', xmlBody ?? req.body, {
        xml: xmlBody !== undefined,
        validator: deps.validator,
        maxBytes: deps.bodyLimitBytes,
      });
      const bic = await senderBic(req.principal!);
      const assigner = assignerBic(message);
      if (assigner !== undefined && assigner !== bic) {
        throw new DomainError('forbidden', `assgnmt.assgnr ${assigner} is not your BIC ${bic}`, { reason: 'RC01' });
      }
      const targets = cancellationTargets(message);
      const flat = await imts.requestCancellation(bic, targets.flat());
      let k = 0;
      const report = resolutionOfInvestigation({
        msgId: deps.ids.next('CAMT029').slice(0, 35),
        createdAt: deps.clock.now().toISOString(),
        request: message,
        results: targets.map((ts) => ts.map(() => flat[k++]!)),
      });
      return answer(reply, xmlBody !== undefined, report);
    },
  );

  app.post(
    `${base}/pacs.004`,
    {
      config: { auth: { roles: ['settlement'] } },
      schema: {
        tags,
        summary:
          'Return (pacs.004, JSON or XML) of settled payments you received, fully or in part, to their sender; settles like a payment; answers pacs.002',
        body: Pacs004Body,
      },
      preValidation: keepXmlBody(() => ({ grpHdr: {}, txInf: [{}] })),
    },
    async (req, reply) => {
      const xmlBody = xmlBodyOf(req);
      const { message } = readPaymentMessage('pacs.004.001.10', xmlBody ?? req.body, {
        xml: xmlBody !== undefined,
        validator: deps.validator,
        maxBytes: deps.bodyLimitBytes,
      });
      const bic = await senderBic(req.principal!);
      const msgId = message.grpHdr.msgId;
      const statuses = await imts.submitReturns(bic, msgId, returnsOf(message, bic));
      const report = statusReport({
        msgId: deps.ids.next('PACS002').slice(0, 35),
        createdAt: deps.clock.now().toISOString(),
        originalMsgId: msgId,
        originalType: 'pacs.004.001.10',
        statuses,
      });
      return answer(reply, xmlBody !== undefined, report);
    },
  );

  app.get(
    `${base}/payments`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'Payments you sent or received (oversight: all), oldest first',
        querystring: ListQuery,
        response: {
          200: Type.Object({ items: Type.Array(PaymentView), next: Type.Union([Type.String(), Type.Null()]) }),
        },
      },
    },
    async (req) => {
      const q = req.query as Static<typeof ListQuery>;
      const p = req.principal!;
      const limit = q.limit ?? 100;
      const items = await imts.list({
        ...(oversees(p) ? {} : { bic: (await deps.bicOf(p.participantId)) ?? '-' }),
        ...(q.status ? { status: q.status } : {}),
        ...(q.after ? { after: BigInt(q.after) } : {}),
        limit,
      });
      return { items, next: items.length === limit ? items.at(-1)!.seq.toString() : null };
    },
  );

  app.get(
    `${base}/payments/:id`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'One payment with its ISO 20022 content',
        params: IdParam,
        response: { 200: PaymentDetailView },
      },
    },
    async (req) => visible(req.principal!, await imts.detail((req.params as Static<typeof IdParam>).id)),
  );

  app.post(
    `${base}/payments/:id/cancel`,
    {
      config: { auth: { roles: ['settlement'] } },
      schema: {
        tags,
        summary: 'Cancel a queued payment (sender only)',
        params: IdParam,
        body: Type.Object(
          { reason: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{4}$' })) },
          { additionalProperties: false },
        ),
        response: { 200: PaymentView },
      },
    },
    async (req) =>
      imts.cancel(
        await senderBic(req.principal!),
        (req.params as Static<typeof IdParam>).id,
        (req.body as { reason?: string }).reason ?? 'CUST',
      ),
  );

  app.post(
    `${base}/payments/:id/priority`,
    {
      config: { auth: { roles: ['settlement'] } },
      schema: {
        tags,
        summary: 'Re-prioritise a queued payment (sender only)',
        params: IdParam,
        body: Type.Object(
          { priority: Type.Union([Type.Literal('urgent'), Type.Literal('normal')]) },
          { additionalProperties: false },
        ),
        response: { 200: PaymentView },
      },
    },
    async (req) =>
      imts.reprioritise(
        await senderBic(req.principal!),
        (req.params as Static<typeof IdParam>).id,
        (req.body as { priority: 'urgent' | 'normal' }).priority,
      ),
  );

  app.get(
    `${base}/queue`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'Queued payments in settlement order (own, or all for oversight)',
        response: { 200: Type.Object({ items: Type.Array(PaymentView) }) },
      },
    },
    async (req) => {
      const p = req.principal!;
      return { items: oversees(p) ? imts.queue() : imts.queue((await deps.bicOf(p.participantId)) ?? '-') };
    },
  );

  app.get(
    `${base}/balance`,
    {
      config: { auth: { roles: ['settlement'] } },
      schema: {
        tags,
        summary: 'Available balance of your settlement account and the operating day',
        response: { 200: Type.Object({ bic: Type.String(), available: Type.String(), day: Type.Unknown() }) },
      },
    },
    async (req) => {
      const bic = await senderBic(req.principal!);
      return {
        bic,
        available: imts.availableBalance(bic),
        day: imts.day() ?? { phase: 'open', calendar: 'around the clock' },
      };
    },
  );

  const ReportQuery = Type.Object(
    {
      format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('xml')])),
      bic: Type.Optional(
        Type.String({ pattern: '^[A-Z0-9]{8}([A-Z0-9]{3})?$', description: 'oversight roles: whose account' }),
      ),
    },
    { additionalProperties: false },
  );
  const reportBic = async (p: Principal, bic: string | undefined): Promise<string> =>
    oversees(p) && bic ? bic : senderBic(p);
  const almatyDay = (date: string) => {
    const from = new Date(`${date}T00:00:00+05:00`);
    return { from, to: new Date(from.getTime() + 86_400_000) };
  };

  app.get(
    `${base}/statements/:date`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'camt.053 statement of your settlement account for a business day (Almaty time)',
        params: Type.Object({ date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }) }),
        querystring: ReportQuery,
      },
    },
    async (req, reply) => {
      const q = req.query as Static<typeof ReportQuery>;
      const { from, to } = almatyDay((req.params as { date: string }).date);
      const report = await accountReport(deps.ledger, {
        type: 'camt.053.001.08',
        bic: await reportBic(req.principal!, q.bic),
        from,
        to,
        msgId: deps.ids.next('STMT'),
        createdAt: deps.clock.now().toISOString(),
      });
      return answer(reply, q.format === 'xml', report);
    },
  );

  app.get(
    `${base}/account-report`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'camt.052 intraday report of your settlement account: balance and entries so far today',
        querystring: ReportQuery,
      },
    },
    async (req, reply) => {
      const q = req.query as Static<typeof ReportQuery>;
      const now = deps.clock.now();
      const { from } = almatyDay(new Date(now.getTime() + 5 * 3600_000).toISOString().slice(0, 10));
      const report = await accountReport(deps.ledger, {
        type: 'camt.052.001.08',
        bic: await reportBic(req.principal!, q.bic),
        from,
        to: new Date(now.getTime() + 1),
        msgId: deps.ids.next('RPT'),
        createdAt: now.toISOString(),
      });
      return answer(reply, q.format === 'xml', report);
    },
  );

  app.post(
    `${base}/gridlock/resolve`,
    {
      config: { auth: { roles: ['operator', 'central_bank'] } },
      schema: {
        tags,
        summary: 'Run multilateral offsetting over the queue now',
        response: { 200: Type.Object({ settled: Type.Integer(), amount: Type.String() }) },
      },
    },
    async () => imts.resolveGridlock(),
  );

  app.post(
    `${base}/liquidity`,
    {
      config: { auth: { roles: ['central_bank'] } },
      schema: {
        tags,
        summary: 'Inject or withdraw liquidity on a settlement account (central bank)',
        body: Liquidity,
        response: { 200: Type.Object({ available: Type.String() }) },
      },
    },
    async (req) => {
      const b = req.body as Static<typeof Liquidity>;
      return imts.liquidity({
        id: b.id,
        bic: b.bic,
        direction: b.direction,
        amount: parseAmount(b.amount, { field: '/amount', allowZero: false }),
      });
    },
  );

  app.post(
    `${base}/end-of-day`,
    {
      config: { auth: { roles: ['operator'] } },
      schema: { tags, summary: 'Close the operating day: reject every queued payment (AM04)' },
    },
    async () => imts.endOfDay(),
  );
}

function answer(reply: FastifyReply, xml: boolean, report: Parameters<typeof buildIso>[0]) {
  if (xml) return reply.type('application/xml').send(buildIso(report));
  return report.message;
}
