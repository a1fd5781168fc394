import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { build, type Validator } from '../../packages/iso20022/index.ts';
import { readPaymentMessage, returnsOf, statusReport } from '../imts/index.ts';
import {
  type Clock,
  DomainError,
  formatAmount,
  hasRole,
  type IdGenerator,
  keepXmlBody,
  type Principal,
  parseAmount,
  xmlBodyOf,
} from '../platform/index.ts';
import type { IpsBulk } from './bulk.ts';
import type { IpsNetDebitCaps, NetDebitCap } from './caps.ts';
import { PAYMENT_TYPES } from './domain/tariff.ts';
import type { RequestsToPay } from './requests.ts';
import type { IpsReturns } from './returns.ts';
import type { InstantInstruction, IpsService, IpsTxStatus } from './service.ts';
import { type IpsTariffs, isB2b } from './tariffs.ts';

const oversees = (p: Principal) => hasRole(p, ['oversight']);

const IsoMessage = Type.Object(
  {
    grpHdr: Type.Object({}, { additionalProperties: true }),
    cdtTrfTxInf: Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1, maxItems: 1 }),
  },
  {
    additionalProperties: false,
    description:
      'pacs.008.001.09 of exactly one transaction, element names in camelCase, amounts as decimal strings ({"amount":"1500.00","ccy":"KZT"}). The payee is cdtrAgt + cdtrAcct, or a phone alias in cdtrAcct.prxy.id (E.164). XML accepted with content-type application/xml.',
  },
);
const QrPayment = Type.Object(
  {
    txId: Type.String({ minLength: 1, maxLength: 35 }),
    endToEndId: Type.String({ minLength: 1, maxLength: 35 }),
    qr: Type.String({ minLength: 1, maxLength: 512, description: 'the scanned EMVCo payload, as read' }),
    amount: Type.Optional(Type.String({ description: 'decimal tenge; only for a static QR that carries none' })),
  },
  { additionalProperties: false },
);
const Pain013 = Type.Object(
  {
    grpHdr: Type.Object({}, { additionalProperties: true }),
    pmtInf: Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1, maxItems: 1 }),
  },
  {
    additionalProperties: false,
    description:
      'pain.013.001.08 of one transaction: element names in camelCase, amounts as decimal strings. XML accepted with content-type application/xml.',
  },
);
const AcceptRequest = Type.Object(
  { txId: Type.String({ minLength: 1, maxLength: 35, description: 'your transaction id for the payment' }) },
  { additionalProperties: false },
);
const DeclineRequest = Type.Object(
  { reason: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{4}$' })) },
  { additionalProperties: false },
);
interface Pain013Model {
  grpHdr: { msgId: string };
  pmtInf: {
    xpryDt?: { dt?: string; dtTm?: string };
    dbtr: unknown;
    dbtrAcct?: unknown;
    dbtrAgt: { finInstnId: { bicfi?: string } };
    cdtTrfTx: {
      pmtId: { endToEndId: string };
      amt: { instdAmt: { amount: bigint; ccy: string } };
      cdtrAgt: { finInstnId: { bicfi?: string } };
      cdtr: { nm?: string };
      cdtrAcct?: { id?: { iban?: string; othr?: { id: string } } };
    }[];
  }[];
}
const Code = Type.String({ pattern: '^[A-Z0-9]{4}$', description: 'ISO 20022 reason code, e.g. FOCR, AC04, CUST' });
const ReturnBody = Type.Object(
  {
    rtrId: Type.String({ minLength: 1, maxLength: 35 }),
    amount: Type.Optional(Type.String({ description: 'decimal tenge; default: all that is left' })),
    reason: Code,
  },
  { additionalProperties: false },
);
const Pacs004 = Type.Object(
  {
    grpHdr: Type.Object({}, { additionalProperties: true }),
    orgnlGrpInf: Type.Optional(Type.Object({}, { additionalProperties: true })),
    txInf: Type.Array(Type.Object({}, { additionalProperties: true }), { minItems: 1, maxItems: 1000 }),
  },
  {
    additionalProperties: false,
    description:
      'pacs.004.001.10 PmtRtr, element names in camelCase, amounts as decimal strings: per txInf rtrId, orgnlTxId, rtrdIntrBkSttlmAmt, a reason (rtrRsnInf) and instdAgt (here or in grpHdr), the payer bank of the original. XML accepted with content-type application/xml.',
  },
);
/** How a refused return reads in pacs.002. */
const RETURN_REFUSAL: Record<string, string> = { 'not-found': 'NARR', conflict: 'AM05', 'insufficient-funds': 'AM04' };
const RecallBody = Type.Object(
  { caseId: Type.String({ minLength: 1, maxLength: 35 }), reason: Code },
  { additionalProperties: false },
);
const RecallAnswer = Type.Object(
  {
    accept: Type.Boolean(),
    rtrId: Type.Optional(Type.String({ minLength: 1, maxLength: 35 })),
    reason: Type.Optional(Code),
  },
  { additionalProperties: false },
);
const Bic = Type.String({ pattern: '^[A-Z0-9]{8}([A-Z0-9]{3})?$' });
const CapBody = Type.Object(
  {
    cap: Type.Union([Type.String({ description: 'decimal tenge per IPS day' }), Type.Null()], {
      description: 'null removes the cap',
    }),
    grounds: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
const StatsQuery = Type.Object(
  { minutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440 })) },
  { additionalProperties: false },
);
const Tenge = (description: string) => Type.String({ pattern: '^\\d{1,13}(\\.\\d{1,2})?$', description });
const TariffBody = Type.Object(
  {
    bic: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{8}([A-Z0-9]{3})?$', description: 'absent: the default' })),
    paymentType: Type.Union(PAYMENT_TYPES.map((t) => Type.Literal(t))),
    charged: Type.Union([Type.Literal('payer_bank'), Type.Literal('payee_bank')]),
    fixed: Tenge('fixed part, decimal tenge'),
    bps: Type.Integer({ minimum: 0, maximum: 10_000, description: 'percentage in basis points (1 bp = 0.01 %)' }),
    min: Type.Optional(Tenge('floor, decimal tenge')),
    max: Type.Optional(Tenge('cap, decimal tenge')),
    validFrom: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
const StatementQuery = Type.Object(
  {
    month: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' }),
    bic: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{8}([A-Z0-9]{3})?$' })),
  },
  { additionalProperties: false },
);
const BulkBody = Type.Object(
  {
    bulkId: Type.String({ minLength: 1, maxLength: 35 }),
    payments: Type.Array(
      Type.Object(
        {
          txId: Type.String({ minLength: 1, maxLength: 35 }),
          endToEndId: Type.String({ minLength: 1, maxLength: 35 }),
          amount: Type.String({ description: 'decimal tenge' }),
          payeeBic: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{8}([A-Z0-9]{3})?$' })),
          creditorAccount: Type.Optional(Type.String({ minLength: 1, maxLength: 34 })),
          alias: Type.Optional(Type.String({ minLength: 1, maxLength: 32, description: 'phone, E.164' })),
          remittance: Type.Optional(Type.String({ maxLength: 140, description: 'e.g. the invoice reference (B2B)' })),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 10_000 },
    ),
  },
  { additionalProperties: false },
);
const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 80 }) });
const Answer = Type.Object(
  {
    txSts: Type.Union([Type.Literal('ACCP'), Type.Literal('RJCT')]),
    reason: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{4}$', description: 'ISO 20022 status reason of a RJCT' })),
  },
  { additionalProperties: false },
);
const Funding = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 64, description: 'operation id: repeating it never moves money twice' }),
    direction: Type.Union([Type.Literal('fund'), Type.Literal('defund')]),
    amount: Type.String({ description: 'decimal tenge, e.g. "1000000.00"' }),
  },
  { additionalProperties: false },
);
const StatusRequest = Type.Object(
  { txIds: Type.Array(Type.String({ minLength: 1, maxLength: 35 }), { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);
const ListQuery = Type.Object(
  {
    after: Type.Optional(Type.String({ maxLength: 80 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);

interface PartyId {
  id?: { prvtId?: { othr?: { id: string }[] } };
}
interface Tx {
  pmtId: { endToEndId: string; txId: string };
  pmtTpInf?: { ctgyPurp?: { prtry?: string; cd?: string } };
  dbtr?: PartyId;
  cdtr?: PartyId;
  intrBkSttlmAmt: { amount: bigint; ccy: string };
  cdtrAgt?: { finInstnId: { bicfi?: string } };
  cdtrAcct?: { id?: { othr?: { id: string }; iban?: string }; prxy?: { id: string } };
  rmtInf?: { strd?: { rfrdDocInf?: { nb?: string }[] }[] };
}

export function ipsRoutes(
  app: FastifyInstance,
  ips: IpsService,
  requests: RequestsToPay,
  returns: IpsReturns,
  tariffs: IpsTariffs,
  bulk: IpsBulk,
  deps: {
    bicOf: (participantId: string) => Promise<string | null>;
    ids: IdGenerator;
    clock: Clock;
    bodyLimitBytes: number;
    validator?: Validator;
    caps?: IpsNetDebitCaps;
  },
): void {
  const base = '/api/ips/v1';
  const tags = ['ips'];
  const bicOf = async (p: Principal): Promise<string> => {
    const bic = await deps.bicOf(p.participantId);
    if (!bic) throw new DomainError('forbidden', 'only participants with a BIC take part in IPS');
    return bic;
  };
  const report = (reply: FastifyReply, xml: boolean, msgId: string, statuses: IpsTxStatus[]) => {
    const r = statusReport({
      msgId: deps.ids.next('PACS002').slice(0, 35),
      createdAt: deps.clock.now().toISOString(),
      originalMsgId: msgId,
      originalType: 'pacs.008.001.09',
      statuses,
    });
    if (xml) return reply.type('application/xml').send(build(r));
    return r.message;
  };

  app.post(
    `${base}/pacs.008`,
    {
      config: { auth: { roles: ['payments'] } },
      schema: {
        tags,
        summary: 'Instant credit transfer (pacs.008 of one transaction, JSON or XML); answers pacs.002 ACSC or RJCT',
        body: IsoMessage,
      },
      preValidation: keepXmlBody(() => ({ grpHdr: {}, cdtTrfTxInf: [{}] })),
    },
    async (req, reply) => {
      const xmlBody = xmlBodyOf(req);
      const { message } = readPaymentMessage('pacs.008.001.09', xmlBody ?? req.body, {
        xml: xmlBody !== undefined,
        validator: deps.validator,
        maxBytes: deps.bodyLimitBytes,
      });
      const bic = await bicOf(req.principal!);
      const grpHdr = message.grpHdr as { msgId: string; instgAgt?: { finInstnId: { bicfi?: string } } };
      const instructing = grpHdr.instgAgt?.finInstnId.bicfi;
      if (instructing !== undefined && instructing !== bic) {
        throw new DomainError('forbidden', `grpHdr.instgAgt ${instructing} is not your BIC ${bic}`, { reason: 'RC01' });
      }
      const txs = message.cdtTrfTxInf as unknown as Tx[];
      if (txs.length !== 1) {
        throw new DomainError('validation', 'an instant payment message carries exactly one transaction', {
          reason: 'FF01',
          issues: [{ field: '/cdtTrfTxInf', message: 'exactly one transaction' }],
        });
      }
      const t = txs[0]!;
      // B2B (IPS-5): a supplier or trade payment names the invoice it pays, for the payee's reconciliation
      if (isB2b(t.pmtTpInf?.ctgyPurp?.cd) && !t.rmtInf?.strd?.some((s) => s.rfrdDocInf?.some((d) => d.nb))) {
        throw new DomainError('validation', 'a B2B payment names the invoice it pays', {
          reason: 'FF01',
          issues: [{ field: '/cdtTrfTxInf/0/rmtInf/strd/0/rfrdDocInf/0/nb', message: 'invoice number required' }],
        });
      }
      const alias = t.cdtrAcct?.prxy?.id;
      const account = t.cdtrAcct?.id?.iban ?? t.cdtrAcct?.id?.othr?.id;
      const instruction: InstantInstruction = {
        msgId: grpHdr.msgId,
        txId: t.pmtId.txId,
        endToEndId: t.pmtId.endToEndId,
        amount: t.intrBkSttlmAmt.amount,
        currency: t.intrBkSttlmAmt.ccy,
        ...(t.cdtrAgt?.finInstnId.bicfi ? { payeeBic: t.cdtrAgt.finInstnId.bicfi } : {}),
        ...(account ? { creditorAccount: account } : {}),
        ...(alias ? { alias } : {}),
        // Me2Me: category purpose ME2ME (proprietary); persons by their IIN in PrvtId/Othr
        ...(t.pmtTpInf?.ctgyPurp?.prtry === 'ME2ME' ? { me2me: true } : {}),
        ...(t.dbtr?.id?.prvtId?.othr?.[0]?.id ? { debtorIin: t.dbtr.id.prvtId.othr[0].id } : {}),
        ...(t.cdtr?.id?.prvtId?.othr?.[0]?.id ? { creditorIin: t.cdtr.id.prvtId.othr[0].id } : {}),
        document: t,
      };
      const status = await ips.pay(bic, instruction);
      return report(reply, xmlBody !== undefined, grpHdr.msgId, [status]);
    },
  );

  app.post(
    `${base}/qr-payments`,
    {
      config: { auth: { roles: ['payments'] } },
      schema: {
        tags,
        summary: 'Pay a scanned interbank QR (C2B): the raw code, and the amount for a static code without one',
        body: QrPayment,
      },
    },
    async (req, reply) => {
      const bic = await bicOf(req.principal!);
      const b = req.body as Static<typeof QrPayment>;
      const status = await ips.payQr(bic, {
        txId: b.txId,
        endToEndId: b.endToEndId,
        qr: b.qr,
        ...(b.amount !== undefined ? { amount: parseAmount(b.amount, { field: '/amount' }) } : {}),
      });
      return report(reply, false, b.txId, [status]);
    },
  );

  app.post(
    `${base}/pain.013`,
    {
      config: { auth: { roles: ['payments'] } },
      schema: {
        tags,
        summary: 'Request to pay (pain.013 of one transaction, JSON or XML) from the payee’s bank to the payer’s',
        body: Pain013,
      },
      preValidation: keepXmlBody(() => ({ grpHdr: {}, pmtInf: [{}] })),
    },
    async (req, reply) => {
      const xmlBody = xmlBodyOf(req);
      const { message } = readPaymentMessage('pain.013.001.08', xmlBody ?? req.body, {
        xml: xmlBody !== undefined,
        validator: deps.validator,
        maxBytes: deps.bodyLimitBytes,
      });
      const bic = await bicOf(req.principal!);
      const m = message as unknown as Pain013Model;
      const pmt = m.pmtInf[0]!;
      const tx = pmt.cdtTrfTx[0]!;
      if (m.pmtInf.length !== 1 || pmt.cdtTrfTx.length !== 1) {
        throw new DomainError('validation', 'a request to pay carries exactly one transaction', {
          reason: 'FF01',
          issues: [{ field: '/pmtInf', message: 'exactly one payment with one transaction' }],
        });
      }
      if (tx.cdtrAgt.finInstnId.bicfi !== bic) {
        throw new DomainError('forbidden', `cdtrAgt ${tx.cdtrAgt.finInstnId.bicfi} is not your BIC ${bic}`, {
          reason: 'RC01',
        });
      }
      const account = tx.cdtrAcct?.id?.iban ?? tx.cdtrAcct?.id?.othr?.id;
      if (!account) {
        throw new DomainError('validation', 'the creditor account is required', {
          reason: 'FF01',
          issues: [{ field: '/pmtInf/0/cdtTrfTx/0/cdtrAcct', message: 'required' }],
        });
      }
      const expiry = pmt.xpryDt?.dtTm ?? (pmt.xpryDt?.dt ? `${pmt.xpryDt.dt}T23:59:59+05:00` : undefined);
      const r = await requests.request(bic, {
        msgId: m.grpHdr.msgId,
        endToEndId: tx.pmtId.endToEndId,
        creditorAccount: account,
        creditorName: tx.cdtr.nm ?? '',
        payerBic: pmt.dbtrAgt.finInstnId.bicfi ?? '',
        debtor: { dbtr: pmt.dbtr, ...(pmt.dbtrAcct ? { dbtrAcct: pmt.dbtrAcct } : {}) },
        amount: tx.amt.instdAmt.amount,
        currency: tx.amt.instdAmt.ccy,
        expiresAt: new Date(expiry ?? deps.clock.nowMs() + 24 * 3600_000).toISOString(),
      });
      return reply.code(201).send(r);
    },
  );

  app.get(
    `${base}/requests/:id`,
    {
      config: { auth: { roles: 'any' } },
      schema: { tags, summary: 'A request to pay (its requester, its payer bank, or oversight)', params: IdParam },
    },
    async (req) => {
      const p = req.principal!;
      const bic = oversees(p) ? undefined : await bicOf(p);
      return requests.get((req.params as Static<typeof IdParam>).id, {
        ...(bic ? { bic } : {}),
        oversight: oversees(p),
      });
    },
  );

  app.post(
    `${base}/requests/:id/accept`,
    {
      config: { auth: { roles: ['payments'] } },
      schema: {
        tags,
        summary: 'The payer’s bank accepts a request to pay: the instant payment it describes is made',
        params: IdParam,
        body: AcceptRequest,
      },
    },
    async (req) => {
      const bic = await bicOf(req.principal!);
      const b = req.body as Static<typeof AcceptRequest>;
      return requests.accept(bic, (req.params as Static<typeof IdParam>).id, b.txId);
    },
  );

  app.post(
    `${base}/requests/:id/decline`,
    {
      config: { auth: { roles: ['payments'] } },
      schema: { tags, summary: 'The payer’s bank declines a request to pay', params: IdParam, body: DeclineRequest },
    },
    async (req) => {
      const bic = await bicOf(req.principal!);
      const b = req.body as Static<typeof DeclineRequest>;
      return requests.decline(bic, (req.params as Static<typeof IdParam>).id, b.reason ?? 'NARR');
    },
  );

  app.post(
    `${base}/payments/:id/return`,
    {
      config: { auth: { roles: ['payments'] } },
      schema: {
        tags,
        summary: 'The payee’s bank returns a settled payment to the payer’s bank, fully or in part',
        params: IdParam,
        body: ReturnBody,
      },
    },
    async (req, reply) => {
      const bic = await bicOf(req.principal!);
      const b = req.body as Static<typeof ReturnBody>;
      const r = await returns.returnPayment(bic, (req.params as Static<typeof IdParam>).id, {
        rtrId: b.rtrId,
        reason: b.reason,
        ...(b.amount !== undefined ? { amount: parseAmount(b.amount, { field: '/amount' }) } : {}),
      });
      return reply.code(201).send(r);
    },
  );

  app.post(
    `${base}/pacs.004`,
    {
      config: { auth: { roles: ['payments'] } },
      schema: {
        tags,
        summary:
          'Returns (pacs.004, JSON or XML) of settled instant payments you received, fully or in part; answers pacs.002 per return',
        body: Pacs004,
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
      const bic = await bicOf(req.principal!);
      const statuses: IpsTxStatus[] = [];
      for (const r of returnsOf(message, bic)) {
        const originalId = `${r.originalSenderBic}:${r.orgnlTxId}`;
        const ref = { paymentId: originalId, txId: r.rtrId, endToEndId: r.orgnlEndToEndId ?? '' };
        if (r.currency !== 'KZT') {
          statuses.push({ ...ref, status: 'RJCT', reason: 'AM03' });
          continue;
        }
        try {
          await returns.returnPayment(bic, originalId, { rtrId: r.rtrId, amount: r.amount, reason: r.reason });
          statuses.push({ ...ref, status: 'ACSC' });
        } catch (e) {
          if (!(e instanceof DomainError)) throw e;
          // each return stands alone: one refused does not undo the others of the message
          statuses.push({ ...ref, status: 'RJCT', reason: RETURN_REFUSAL[e.type] ?? e.reason ?? 'NARR' });
        }
      }
      const r = statusReport({
        msgId: deps.ids.next('PACS002').slice(0, 35),
        createdAt: deps.clock.now().toISOString(),
        originalMsgId: message.grpHdr.msgId,
        originalType: 'pacs.004.001.10',
        statuses,
      });
      if (xmlBody !== undefined) return reply.type('application/xml').send(build(r));
      return r.message;
    },
  );

  app.post(
    `${base}/payments/:id/recall`,
    {
      config: { auth: { roles: ['payments'] } },
      schema: {
        tags,
        summary: 'The payer’s bank asks for a settled payment back (a recall case with a deadline)',
        params: IdParam,
        body: RecallBody,
      },
    },
    async (req, reply) => {
      const bic = await bicOf(req.principal!);
      const b = req.body as Static<typeof RecallBody>;
      const r = await returns.recall(bic, (req.params as Static<typeof IdParam>).id, b);
      return reply.code(201).send(r);
    },
  );

  app.post(
    `${base}/recalls/:id/answer`,
    {
      config: { auth: { roles: ['payments'] } },
      schema: {
        tags,
        summary: 'The payee’s bank answers a recall: returns the payment (accept) or rejects it with a reason',
        params: IdParam,
        body: RecallAnswer,
      },
    },
    async (req) => {
      const bic = await bicOf(req.principal!);
      const b = req.body as Static<typeof RecallAnswer>;
      const id = (req.params as Static<typeof IdParam>).id;
      if (b.accept) {
        if (!b.rtrId) {
          throw new DomainError('validation', 'rtrId is required to return the payment', {
            issues: [{ field: '/rtrId', message: 'required when accepting' }],
          });
        }
        return returns.answerRecall(bic, id, { accept: true, rtrId: b.rtrId });
      }
      return returns.answerRecall(bic, id, { accept: false, reason: b.reason ?? 'NARR' });
    },
  );

  app.get(
    `${base}/recalls/:id`,
    {
      config: { auth: { roles: 'any' } },
      schema: { tags, summary: 'A recall case (its two banks, or oversight)', params: IdParam },
    },
    async (req) => {
      const p = req.principal!;
      const bic = oversees(p) ? undefined : await bicOf(p);
      return returns.getRecall((req.params as Static<typeof IdParam>).id, {
        ...(bic ? { bic } : {}),
        oversight: oversees(p),
      });
    },
  );

  app.post(
    `${base}/payments/:id/answer`,
    {
      config: { auth: { roles: ['payments'] } },
      schema: {
        tags,
        summary: 'The payee bank accepts (ACCP) or rejects (RJCT) a payment delivered to it, before its deadline',
        params: IdParam,
        body: Answer,
      },
    },
    async (req) => {
      const bic = await bicOf(req.principal!);
      const a = req.body as Static<typeof Answer>;
      return ips.answer(bic, (req.params as Static<typeof IdParam>).id, {
        txSts: a.txSts,
        ...(a.reason ? { reason: a.reason } : {}),
      });
    },
  );

  app.post(
    `${base}/pacs.028`,
    {
      config: { auth: { roles: ['payments'] } },
      schema: { tags, summary: 'Status of your own instant payments by transaction id', body: StatusRequest },
    },
    async (req) => {
      const bic = await bicOf(req.principal!);
      return { statuses: await ips.statuses(bic, (req.body as Static<typeof StatusRequest>).txIds) };
    },
  );

  app.get(
    `${base}/payments/:id`,
    {
      config: { auth: { roles: 'any' } },
      schema: { tags, summary: 'An instant payment (its payer, its payee, or oversight)', params: IdParam },
    },
    async (req) => {
      const p = req.principal!;
      const bic = oversees(p) ? undefined : await bicOf(p);
      return ips.get((req.params as Static<typeof IdParam>).id, { ...(bic ? { bic } : {}), oversight: oversees(p) });
    },
  );

  app.get(
    `${base}/payments`,
    {
      config: { auth: { roles: 'any' } },
      schema: { tags, summary: 'Instant payments you sent or received (oversight: all)', querystring: ListQuery },
    },
    async (req) => {
      const p = req.principal!;
      const q = req.query as Static<typeof ListQuery>;
      const limit = q.limit ?? 100;
      const bic = oversees(p) ? undefined : await bicOf(p);
      const items = await ips.list({ ...(bic ? { bic } : {}), ...(q.after ? { after: q.after } : {}), limit });
      return { items, next: items.length === limit ? items.at(-1)!.id : null };
    },
  );

  app.get(
    `${base}/stats`,
    {
      config: { auth: { roles: ['oversight'] } },
      schema: {
        tags,
        summary: 'IPS monitor: outcomes, success rate, rejection reasons and decision-time percentiles',
        querystring: StatsQuery,
      },
    },
    async (req) => ips.stats((req.query as Static<typeof StatsQuery>).minutes ?? 60),
  );

  app.post(
    `${base}/bulk`,
    {
      config: { auth: { roles: ['payments'] } },
      schema: {
        tags,
        summary: 'A bulk file of instant payments: stored, answered at once (202), processed in the background',
        body: BulkBody,
      },
    },
    async (req, reply) => {
      const bic = await bicOf(req.principal!);
      const b = req.body as Static<typeof BulkBody>;
      const items = b.payments.map((p, i) => ({
        txId: p.txId,
        endToEndId: p.endToEndId,
        amount: parseAmount(p.amount, { field: `/payments/${i}/amount` }),
        ...(p.payeeBic ? { payeeBic: p.payeeBic } : {}),
        ...(p.creditorAccount ? { creditorAccount: p.creditorAccount } : {}),
        ...(p.alias ? { alias: p.alias } : {}),
        ...(p.remittance ? { remittance: p.remittance } : {}),
      }));
      return reply.code(202).send(await bulk.submit(bic, b.bulkId, items));
    },
  );

  app.get(
    `${base}/bulk/:id`,
    {
      config: { auth: { roles: 'any' } },
      schema: { tags, summary: 'A bulk file with the status of every item (its bank, or oversight)', params: IdParam },
    },
    async (req) => {
      const p = req.principal!;
      const bic = oversees(p) ? undefined : await bicOf(p);
      return bulk.view((req.params as Static<typeof IdParam>).id, { ...(bic ? { bic } : {}), oversight: oversees(p) });
    },
  );

  app.post(
    `${base}/tariffs`,
    {
      config: { auth: { roles: ['operator'] } },
      schema: { tags, summary: 'Publish a tariff version (operator); every version stays public', body: TariffBody },
    },
    async (req, reply) => {
      const b = req.body as Static<typeof TariffBody>;
      const money = (v: string, field: string) => parseAmount(v, { field, allowZero: true });
      const t = await tariffs.publish({
        bic: b.bic ?? null,
        paymentType: b.paymentType,
        charged: b.charged,
        fixed: money(b.fixed, '/fixed'),
        bps: BigInt(b.bps),
        min: money(b.min ?? '0.00', '/min'),
        max: b.max === undefined ? null : money(b.max, '/max'),
        ...(b.validFrom ? { validFrom: new Date(b.validFrom).toISOString() } : {}),
      });
      return reply.code(201).send(t);
    },
  );

  app.get(
    `${base}/tariffs`,
    {
      config: { auth: { roles: 'any' } },
      schema: { tags, summary: 'Published tariffs with their history (all versions, oldest first)' },
    },
    async () => ({ items: await tariffs.all() }),
  );

  app.get(
    `${base}/fees/statement`,
    {
      config: { auth: { roles: 'any' } },
      schema: { tags, summary: 'A bank’s monthly fee statement (oversight: any bank)', querystring: StatementQuery },
    },
    async (req) => {
      const p = req.principal!;
      const q = req.query as Static<typeof StatementQuery>;
      if (oversees(p) && !q.bic) {
        throw new DomainError('validation', 'name the bank whose statement you want', {
          issues: [{ field: '/bic', message: 'required for oversight' }],
        });
      }
      const own = oversees(p) ? undefined : await bicOf(p);
      // a bank reads its own statement only; asking for another reads like an unknown one
      if (own && q.bic && q.bic !== own) throw new DomainError('not-found', 'statement not found');
      return tariffs.statement(own ?? q.bic!, q.month);
    },
  );

  app.post(
    `${base}/positions`,
    {
      config: { auth: { roles: ['payments'] } },
      schema: {
        tags,
        summary: 'Fund your IPS position from your IMTS settlement account, or defund it (IMTS operating day only)',
        body: Funding,
      },
    },
    async (req) => {
      const bic = await bicOf(req.principal!);
      const f = req.body as Static<typeof Funding>;
      return ips.fund({ id: f.id, bic, direction: f.direction, amount: parseAmount(f.amount, { field: '/amount' }) });
    },
  );

  app.get(
    `${base}/positions/mine`,
    {
      config: { auth: { roles: ['payments'] } },
      schema: { tags, summary: 'Your IPS position: available, reserved, balance (tiyn)' },
    },
    async (req) => ips.position(await bicOf(req.principal!)),
  );

  const caps = deps.caps;
  if (!caps) return;
  const capView = (c: NetDebitCap) => ({ ...c, cap: c.cap === null ? null : formatAmount(c.cap) });
  const usageView = async (bic: string) => {
    const u = await caps.usage(bic);
    return {
      ...u,
      cap: u.cap === null ? null : formatAmount(u.cap),
      netDebit: formatAmount(u.netDebit),
      left: u.left === null ? null : formatAmount(u.left),
    };
  };
  app.put(
    `${base}/caps/:bic`,
    {
      config: { auth: { roles: ['operator'] } },
      schema: {
        tags,
        summary: 'Set, change or remove (null) a bank’s net debit cap per IPS day; applies at once, with grounds',
        params: Type.Object({ bic: Bic }),
        body: CapBody,
      },
    },
    async (req) => {
      const b = req.body as Static<typeof CapBody>;
      const { bic } = req.params as { bic: string };
      const cap = b.cap === null ? null : parseAmount(b.cap, { field: '/cap', allowZero: true });
      return capView(await caps.set(bic, cap, { actor: req.principal!.participantId, grounds: b.grounds }));
    },
  );
  app.get(
    `${base}/caps`,
    {
      config: { auth: { roles: ['oversight'] } },
      schema: { tags, summary: 'Every bank’s net debit cap and what it has used today' },
    },
    async () => ({
      items: await Promise.all(
        (await caps.list()).map(async (c) => ({
          ...(await usageView(c.bic)),
          version: c.version,
          setBy: c.setBy,
          setAt: c.setAt,
          grounds: c.grounds,
        })),
      ),
    }),
  );
  app.get(
    `${base}/caps/mine`,
    {
      config: { auth: { roles: ['payments'] } },
      schema: { tags, summary: 'Your net debit cap, what you have used of it today, and its history' },
    },
    async (req) => {
      const bic = await bicOf(req.principal!);
      return { ...(await usageView(bic)), history: (await caps.history(bic)).map(capView) };
    },
  );
}
