import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CURRENCIES, type Currency, DomainError, notFound, type Principal, parseAmount } from '../platform/index.ts';
import type { Ledger } from './api.ts';
import type { Account, Transfer } from './domain/types.ts';

const OVERSIGHT = ['operator', 'central_bank', 'regulator'];
const sees = (p: Principal, owner: string) => p.participantId === owner || p.roles.some((r) => OVERSIGHT.includes(r));

const Minor = Type.String({ pattern: '^-?\\d+$', description: 'minor units (tiyn), as a decimal integer string' });
const AccountSchema = Type.Object(
  {
    id: Type.String(),
    currency: Type.String(),
    owner: Type.String(),
    code: Type.String(),
    flags: Type.Object({
      debitsMustNotExceedCredits: Type.Boolean(),
      creditsMustNotExceedDebits: Type.Boolean(),
      history: Type.Boolean(),
    }),
    debitsPending: Minor,
    debitsPosted: Minor,
    creditsPending: Minor,
    creditsPosted: Minor,
    createdAt: Type.Integer(),
  },
  { $id: 'LedgerAccount' },
);
const TransferSchema = Type.Object(
  {
    id: Type.String(),
    seq: Type.Integer(),
    debitAccountId: Type.String(),
    creditAccountId: Type.String(),
    amount: Minor,
    currency: Type.String(),
    code: Type.String(),
    reference: Type.String(),
    flags: Type.Object({}, { additionalProperties: Type.Boolean() }),
    pendingId: Type.Union([Type.String(), Type.Null()]),
    timeoutSeconds: Type.Integer(),
    timestamp: Type.Integer(),
    expiresAt: Type.Union([Type.Integer(), Type.Null()]),
    result: Type.String(),
    state: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'LedgerTransfer' },
);
const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }) });
const ListQuery = Type.Object(
  {
    owner: Type.Optional(Type.String({ maxLength: 64 })),
    currency: Type.Optional(Type.Union(CURRENCIES.map((c) => Type.Literal(c)))),
    code: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
const HistoryQuery = Type.Object(
  {
    after: Type.Optional(Type.String({ maxLength: 64 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
const PostTransfer = Type.Object(
  {
    id: Type.String({
      minLength: 1,
      maxLength: 128,
      description: 'client-chosen transfer id: the idempotency key of the ledger',
    }),
    debitAccountId: Type.String({ minLength: 1, maxLength: 128 }),
    creditAccountId: Type.String({ minLength: 1, maxLength: 128 }),
    amount: Type.String({ description: 'decimal string in major units with at most 2 decimals, e.g. "1500.00"' }),
    currency: Type.Union(CURRENCIES.map((c) => Type.Literal(c))),
    code: Type.String({ minLength: 1, maxLength: 64 }),
    reference: Type.Optional(Type.String({ maxLength: 140 })),
  },
  { additionalProperties: false },
);

/**
 * Read access to the ledger for every participant (its own accounts) and oversight (all), plus the central
 * bank's manual posting between accounts, e.g. a correction by its back office.
 */
export function ledgerRoutes(app: FastifyInstance, ledger: Ledger): void {
  const base = '/api/ledger/v1';
  const tags = ['ledger'];
  app.addSchema(AccountSchema);
  app.addSchema(TransferSchema);

  const ownAccount = async (p: Principal, id: string): Promise<Account> => {
    const a = await ledger.getAccount(id);
    if (!a || !sees(p, a.owner)) throw notFound('account');
    return a;
  };

  app.get(
    `${base}/accounts`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'Accounts: own, or any for oversight',
        querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(Type.Ref(AccountSchema)) }) },
      },
    },
    async (req) => {
      const q = req.query as Static<typeof ListQuery>;
      const p = req.principal!;
      const owner = p.roles.some((r) => OVERSIGHT.includes(r)) ? q.owner : p.participantId;
      return {
        items: await ledger.listAccounts({ owner, currency: q.currency as Currency | undefined, code: q.code }),
      };
    },
  );

  app.get(
    `${base}/accounts/:id`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'One account with its balances',
        params: IdParam,
        response: { 200: Type.Ref(AccountSchema) },
      },
    },
    async (req) => ownAccount(req.principal!, (req.params as Static<typeof IdParam>).id),
  );

  app.get(
    `${base}/accounts/:id/history`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'Transfers of an account with the balance after each, oldest first; cursor pagination',
        params: IdParam,
        querystring: HistoryQuery,
        response: {
          200: Type.Object({
            entries: Type.Array(
              Type.Object({
                transfer: Type.Ref(TransferSchema),
                balance: Type.Object({}, { additionalProperties: Minor }),
              }),
            ),
            next: Type.Optional(Type.String()),
          }),
        },
      },
    },
    async (req) => {
      const { id } = req.params as Static<typeof IdParam>;
      await ownAccount(req.principal!, id);
      const q = req.query as Static<typeof HistoryQuery>;
      return ledger.history(id, { after: q.after, limit: q.limit ?? 100 });
    },
  );

  app.get(
    `${base}/transfers/:id`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'One transfer, if it touches your accounts',
        params: IdParam,
        response: { 200: Type.Ref(TransferSchema) },
      },
    },
    async (req) => {
      const p = req.principal!;
      const t = await ledger.getTransfer((req.params as Static<typeof IdParam>).id);
      if (!t) throw notFound('transfer');
      if (!p.roles.some((r) => OVERSIGHT.includes(r))) {
        const [d, c] = await Promise.all([ledger.getAccount(t.debitAccountId), ledger.getAccount(t.creditAccountId)]);
        if (d?.owner !== p.participantId && c?.owner !== p.participantId) throw notFound('transfer');
      }
      return t;
    },
  );

  app.post(
    `${base}/transfers`,
    {
      config: { auth: { roles: ['central_bank'] } },
      schema: {
        tags,
        summary: 'Post a transfer between two accounts (central bank back office)',
        body: PostTransfer,
        response: { 201: Type.Ref(TransferSchema) },
      },
    },
    async (req, reply) => {
      const b = req.body as Static<typeof PostTransfer>;
      const amount = parseAmount(b.amount, { field: '/amount', allowZero: false });
      const t: Transfer = await ledger.transfer({
        id: b.id,
        debitAccountId: b.debitAccountId,
        creditAccountId: b.creditAccountId,
        amount,
        currency: b.currency as Currency,
        code: b.code,
        reference: b.reference ?? '',
      });
      reply.code(201);
      return t;
    },
  );

  app.get(
    `${base}/totals`,
    {
      config: { auth: { roles: OVERSIGHT } },
      schema: { tags, summary: 'Totals per currency and the ledger invariant (oversight)' },
    },
    async () => {
      const [totals, sum] = await Promise.all([ledger.totals(), ledger.sumOfBalances()]);
      if (sum.posted !== 0n || sum.pending !== 0n) {
        throw new DomainError('internal', 'ledger invariant broken: balances do not sum to zero');
      }
      return { totals, sumOfBalances: sum };
    },
  );
}
