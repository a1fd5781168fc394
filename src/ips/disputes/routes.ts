import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { DomainError, formatAmount, hasRole, type Principal, parseAmount } from '../../platform/index.ts';
import { DISPUTE_REASONS, DISPUTE_STATUSES, type DisputeAction } from './domain/dispute.ts';
import type { DisputeActor, IpsDisputes } from './service.ts';
import type { IpsDispute } from './store.ts';

const Grounds = Type.String({ minLength: 1, maxLength: 2000, description: 'why, in words the other side reads' });
const OpenBody = Type.Object(
  {
    caseId: Type.String({ minLength: 1, maxLength: 35, description: 'your case id: unique for your bank' }),
    paymentId: Type.String({ minLength: 1, maxLength: 80, description: 'the settled IPS payment (payer BIC:TxId)' }),
    reason: Type.Union(
      Object.entries(DISPUTE_REASONS).map(([code, description]) => Type.Literal(code, { description })),
    ),
    amount: Type.Optional(Type.String({ description: 'decimal tenge claimed back; default: all not yet returned' })),
    description: Type.String({ minLength: 1, maxLength: 2000, description: 'what happened' }),
  },
  { additionalProperties: false },
);
const AnswerBody = Type.Object(
  { accept: Type.Boolean({ description: 'true returns the claimed money now' }), grounds: Type.Optional(Grounds) },
  { additionalProperties: false },
);
const GroundsBody = Type.Object({ grounds: Grounds }, { additionalProperties: false });
const DecideBody = Type.Object(
  { outcome: Type.Union([Type.Literal('claimant'), Type.Literal('respondent')]), grounds: Grounds },
  { additionalProperties: false },
);
const WithdrawBody = Type.Object({ grounds: Type.Optional(Grounds) }, { additionalProperties: false });
const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 80 }) });
const ListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union(DISPUTE_STATUSES.map((s) => Type.Literal(s)))),
    after: Type.Optional(Type.String({ maxLength: 80 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
const Event = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  actor: Type.String({ description: 'participant id, or "deadline"' }),
  action: Type.String(),
  status: Type.String(),
  grounds: Type.Union([Type.String(), Type.Null()]),
});
const DisputeView = Type.Object(
  {
    id: Type.String(),
    paymentId: Type.String(),
    claimantBic: Type.String(),
    respondentBic: Type.String(),
    reason: Type.String(),
    amount: Type.String({ description: 'decimal tenge' }),
    description: Type.String(),
    status: Type.Union(DISPUTE_STATUSES.map((s) => Type.Literal(s))),
    deadline: Type.String({ description: 'when the current step is due' }),
    returnId: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    history: Type.Array(Event),
  },
  { $id: 'IpsDispute' },
);

const view = (d: IpsDispute) => ({ ...d, amount: formatAmount(d.amount) });

/**
 * Dispute cases between banks (IPS-8) under /api/ips/v1/disputes: the payer's bank opens, the payee's bank
 * answers, the claimant escalates, the operator decides. Another bank's case answers 404, never 403.
 */
export function disputeRoutes(
  app: FastifyInstance,
  disputes: IpsDisputes,
  deps: { bicOf: (participantId: string) => Promise<string | null> },
): void {
  const base = '/api/ips/v1/disputes';
  const tags = ['ips-disputes'];
  app.addSchema(DisputeView);
  const one = { 200: Type.Ref(DisputeView) };
  const actor = async (p: Principal): Promise<DisputeActor> => {
    const bic = await deps.bicOf(p.participantId);
    return { participantId: p.participantId, ...(bic ? { bic } : {}), oversight: hasRole(p, ['oversight']) };
  };
  const idOf = (req: { params: unknown }) => (req.params as Static<typeof IdParam>).id;

  app.post(
    base,
    {
      config: { auth: { roles: ['payments'] } },
      schema: {
        tags,
        summary: 'The payer’s bank opens a dispute about one of its settled payments',
        body: OpenBody,
        response: { 201: Type.Ref(DisputeView) },
      },
    },
    async (req, reply) => {
      const b = req.body as Static<typeof OpenBody>;
      const a = await actor(req.principal!);
      if (!a.bic) throw new DomainError('forbidden', 'only participants with a BIC open disputes');
      const d = await disputes.open(a, {
        caseId: b.caseId,
        paymentId: b.paymentId,
        reason: b.reason as keyof typeof DISPUTE_REASONS,
        description: b.description,
        ...(b.amount !== undefined ? { amount: parseAmount(b.amount, { field: '/amount' }) } : {}),
      });
      return reply.code(201).send(view(d));
    },
  );

  app.get(
    base,
    {
      config: { auth: { roles: ['payments', 'oversight'] } },
      schema: { tags, summary: 'Your cases, as claimant or respondent (oversight: all)', querystring: ListQuery },
    },
    async (req) => {
      const q = req.query as Static<typeof ListQuery>;
      const limit = q.limit ?? 100;
      const items = await disputes.list(await actor(req.principal!), {
        limit,
        ...(q.status ? { status: q.status } : {}),
        ...(q.after ? { after: q.after } : {}),
      });
      return { items: items.map(view), next: items.length === limit ? items.at(-1)!.id : null };
    },
  );

  app.get(
    `${base}/:id`,
    {
      config: { auth: { roles: ['payments', 'oversight'] } },
      schema: { tags, summary: 'A case with its history', params: IdParam, response: one },
    },
    async (req) => view(await disputes.get(idOf(req), await actor(req.principal!))),
  );

  const step = (
    path: string,
    roles: string[],
    summary: string,
    body: typeof GroundsBody | typeof AnswerBody | typeof DecideBody | typeof WithdrawBody,
    action: (b: Record<string, unknown>) => DisputeAction,
  ) =>
    app.post(
      `${base}/:id/${path}`,
      { config: { auth: { roles } }, schema: { tags, summary, params: IdParam, body, response: one } },
      async (req) => {
        const b = req.body as Record<string, unknown>;
        const grounds = typeof b.grounds === 'string' ? b.grounds : undefined;
        return view(await disputes.act(await actor(req.principal!), idOf(req), action(b), grounds));
      },
    );
  step(
    'answer',
    ['payments'],
    'The payee’s bank accepts (the money is returned now) or rejects with grounds',
    AnswerBody,
    (b) => (b.accept ? 'accept' : 'reject'),
  );
  step('escalate', ['payments'], 'The claimant takes a rejected case to the operator', GroundsBody, () => 'escalate');
  step('withdraw', ['payments'], 'The claimant withdraws its case', WithdrawBody, () => 'withdraw');
  step(
    'decide',
    ['operator'],
    'The operator decides an escalated case with grounds; for the claimant, the money is returned',
    DecideBody,
    (b) => (b.outcome === 'claimant' ? 'decide_claimant' : 'decide_respondent'),
  );
}
