import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DomainError, hasRole, type Principal } from '../../platform/index.ts';
import { CLAIM_STATUSES, type ClaimStatus } from './domain/claim.ts';
import { type AliasCaller, type AliasViewer, type IpsAliasService, LookupRateLimited } from './service.ts';

/** Who may hold and look up aliases: participants that make payments (banks, PSPs, Treasury). */
const BANKS = ['payments'];
/** Operator, central bank and regulator: read everything for support and supervision. */
const OVERSIGHT = ['oversight'];

const Phone = Type.String({
  minLength: 1,
  maxLength: 32,
  description:
    'Kazakhstan mobile number; "+7 701 123 45 67", "8 701 1234567" and "+77011234567" are all accepted and stored as E.164',
  examples: ['+77011234567'],
});
const Holder = {
  accountId: Type.String({
    minLength: 1,
    maxLength: 40,
    description: "the account the alias credits: KZ IBAN (checked) or the bank's own account id",
  }),
  holderName: Type.String({
    minLength: 2,
    maxLength: 140,
    description: 'given name(s) first, surname last, e.g. "Aigerim Seitkali": lookups show "Aigerim S."',
  }),
};
const Iin = Type.String({
  minLength: 1,
  maxLength: 12,
  description: '12-digit IIN of the holder (check digit verified)',
});

const RegisterBody = Type.Object({ phone: Phone, ...Holder, holderIin: Iin }, { additionalProperties: false });
const UpdateBody = Type.Object(
  { accountId: Type.Optional(Holder.accountId), holderName: Type.Optional(Holder.holderName) },
  { additionalProperties: false, minProperties: 1 },
);
const LookupBody = Type.Object(
  {
    phone: Phone,
    payerId: Type.String({
      minLength: 1,
      maxLength: 128,
      description: 'a stable id (or hash) of the payer at your bank: lookups are limited per payer',
    }),
  },
  { additionalProperties: false },
);
const ReasonBody = Type.Object(
  { reason: Type.Optional(Type.String({ minLength: 3, maxLength: 500 })) },
  { additionalProperties: false },
);

const AliasView = Type.Object(
  {
    phone: Type.String(),
    participantId: Type.String(),
    bic: Type.String(),
    accountId: Type.String(),
    holderName: Type.String(),
    holderIin: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'IpsAlias' },
);
const LookupView = Type.Object({
  phone: Type.String(),
  bic: Type.String({ description: "the holder's bank" }),
  maskedName: Type.String({ description: 'first name and the initial of the surname, e.g. "Aigerim S."' }),
});
const ClaimView = Type.Object(
  {
    id: Type.String(),
    phone: Type.String(),
    status: Type.Union(CLAIM_STATUSES.map((s) => Type.Literal(s))),
    claimantBic: Type.String(),
    ownerBic: Type.String(),
    deadline: Type.String({
      format: 'date-time',
      description: 'if the owner neither confirms nor rejects by then, the claim completes for the claimant',
    }),
    createdAt: Type.String({ format: 'date-time' }),
    resolvedAt: Type.Union([Type.String(), Type.Null()]),
    reason: Type.Union([Type.String(), Type.Null()]),
    side: Type.Union([Type.Literal('claimant'), Type.Literal('owner'), Type.Literal('oversight')]),
    holderMatches: Type.Optional(
      Type.Boolean({ description: "owner and oversight: the claimant's holder IIN is the registered one" }),
    ),
    accountId: Type.Optional(Type.String()),
    holderName: Type.Optional(Type.String()),
    holderIin: Type.Optional(Type.String()),
  },
  { $id: 'IpsAliasClaim' },
);
const PhoneParam = Type.Object({ phone: Phone });
const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const ListQuery = Type.Object(
  {
    phone: Type.Optional(Phone),
    bic: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{8}([A-Z0-9]{3})?$', description: 'oversight only' })),
    after: Type.Optional(Type.String({ maxLength: 32, description: 'the last phone of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
const ClaimQuery = Type.Object(
  {
    status: Type.Optional(Type.Union(CLAIM_STATUSES.map((s) => Type.Literal(s)))),
    role: Type.Optional(Type.Union([Type.Literal('claimant'), Type.Literal('owner')])),
    phone: Type.Optional(Phone),
    before: Type.Optional(Type.String({ maxLength: 64, description: 'the last claim id of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);

export interface AliasRouteDeps {
  /** The BIC of a participant (null without one): aliases point at a BIC. */
  bicOf: (participantId: string) => Promise<string | null>;
}

const actorOf = (p: Principal): string => p.userId ?? p.clientId ?? p.participantId;

/**
 * The alias directory over HTTP under /api/ips/v1/aliases. Banks register, change and delete their own
 * customers' phones, claim phones of customers who moved to them, and look up phones for confirmation of
 * payee (masked). Oversight reads every record and claim for support. Another participant's alias or claim
 * answers 404, never 403.
 */
export function aliasRoutes(app: FastifyInstance, svc: IpsAliasService, deps: AliasRouteDeps): void {
  const base = '/api/ips/v1/aliases';
  const tags = ['ips-aliases'];
  app.addSchema(AliasView);
  app.addSchema(ClaimView);

  const caller = async (p: Principal): Promise<AliasCaller> => {
    const bic = await deps.bicOf(p.participantId);
    if (!bic) throw new DomainError('forbidden', 'only participants with a BIC hold or look up IPS aliases');
    return { participantId: p.participantId, bic, actor: actorOf(p) };
  };
  const viewer = (p: Principal): AliasViewer => ({
    participantId: p.participantId,
    actor: actorOf(p),
    oversight: hasRole(p, OVERSIGHT),
  });
  const rateLimited = (reply: FastifyReply, err: unknown): never => {
    if (err instanceof LookupRateLimited) reply.header('retry-after', String(err.retryAfterSeconds));
    throw err;
  };

  app.post(
    base,
    {
      config: { auth: { roles: BANKS } },
      schema: {
        tags,
        summary: 'Register a phone alias for one of your customers',
        description:
          'One owner per phone: a phone held by another participant is 409 (open a portability claim instead). Invalid, foreign or landline numbers are 400 naming /phone.',
        body: RegisterBody,
        response: { 201: Type.Ref(AliasView) },
      },
    },
    async (req, reply) => {
      const alias = await svc.register(await caller(req.principal!), req.body as Static<typeof RegisterBody>);
      reply.code(201);
      return alias;
    },
  );

  app.get(
    base,
    {
      config: { auth: { roles: [...BANKS, ...OVERSIGHT] } },
      schema: {
        tags,
        summary: 'Your aliases (oversight: search every alias by phone or BIC)',
        querystring: ListQuery,
        response: { 200: Type.Object({ items: Type.Array(Type.Ref(AliasView)) }) },
      },
    },
    async (req) => {
      const q = req.query as Static<typeof ListQuery>;
      const v = viewer(req.principal!);
      if (q.bic && !v.oversight) throw new DomainError('forbidden', 'only oversight roles filter by BIC');
      return { items: await svc.list(v, q) };
    },
  );

  app.post(
    `${base}/lookup`,
    {
      config: { auth: { roles: BANKS }, idempotent: false },
      schema: {
        tags,
        summary: 'Confirmation of payee: the bank and masked name behind a phone',
        description:
          'Answers the holder\'s BIC and a masked name ("Aigerim S."), never the account or IIN. Limited per participant and per payer (429 with Retry-After); every lookup is audited. 404 when the phone has no alias.',
        body: LookupBody,
        response: { 200: LookupView },
      },
    },
    async (req, reply) => {
      const b = req.body as Static<typeof LookupBody>;
      const c = await caller(req.principal!);
      return svc.lookup(c, b.phone, b.payerId).catch((err) => rateLimited(reply, err));
    },
  );

  app.post(
    `${base}/claims`,
    {
      config: { auth: { roles: BANKS } },
      schema: {
        tags,
        summary: 'Claim a phone registered at another participant (the customer moved to you)',
        description:
          'The owner confirms (the alias moves to you with the account and name given here) or rejects; if it does neither by the deadline the claim completes in your favour. 409 when the phone already has an open claim.',
        body: RegisterBody,
        response: { 201: Type.Ref(ClaimView) },
      },
    },
    async (req, reply) => {
      const c = await svc.claim(await caller(req.principal!), req.body as Static<typeof RegisterBody>);
      reply.code(201);
      return c;
    },
  );

  app.get(
    `${base}/claims`,
    {
      config: { auth: { roles: [...BANKS, ...OVERSIGHT] } },
      schema: {
        tags,
        summary: 'Portability claims you are a party to, newest first (oversight: all)',
        querystring: ClaimQuery,
        response: { 200: Type.Object({ items: Type.Array(Type.Ref(ClaimView)) }) },
      },
    },
    async (req) => ({
      items: await svc.claims(
        viewer(req.principal!),
        req.query as Static<typeof ClaimQuery> & { status?: ClaimStatus },
      ),
    }),
  );

  app.get(
    `${base}/claims/:id`,
    {
      config: { auth: { roles: [...BANKS, ...OVERSIGHT] } },
      schema: { tags, summary: 'One portability claim', params: IdParam, response: { 200: Type.Ref(ClaimView) } },
    },
    async (req) => svc.getClaim(viewer(req.principal!), (req.params as Static<typeof IdParam>).id),
  );

  for (const action of ['confirm', 'reject', 'cancel'] as const) {
    app.post(
      `${base}/claims/:id/${action}`,
      {
        config: { auth: { roles: BANKS } },
        schema: {
          tags,
          summary:
            action === 'confirm'
              ? 'Owner: confirm a claim; the alias moves to the claimant'
              : action === 'reject'
                ? 'Owner: reject a claim; the alias stays'
                : 'Claimant: withdraw an open claim',
          params: IdParam,
          ...(action === 'confirm' ? {} : { body: ReasonBody }),
          response: { 200: Type.Ref(ClaimView) },
        },
        // the reason is optional, and so is the whole body
        preValidation: async (req) => {
          req.body ??= {};
        },
      },
      async (req) => {
        const c = await caller(req.principal!);
        const { id } = req.params as Static<typeof IdParam>;
        const reason = (req.body as Static<typeof ReasonBody> | undefined)?.reason;
        if (action === 'confirm') return svc.confirmClaim(c, id);
        if (action === 'reject') return svc.rejectClaim(c, id, reason);
        return svc.cancelClaim(c, id, reason);
      },
    );
  }

  app.get(
    `${base}/:phone`,
    {
      config: { auth: { roles: [...BANKS, ...OVERSIGHT] } },
      schema: {
        tags,
        summary: 'One of your aliases in full (oversight: any, audited)',
        params: PhoneParam,
        response: { 200: Type.Ref(AliasView) },
      },
    },
    async (req) => svc.get(viewer(req.principal!), (req.params as Static<typeof PhoneParam>).phone),
  );

  app.patch(
    `${base}/:phone`,
    {
      config: { auth: { roles: BANKS } },
      schema: {
        tags,
        summary: 'Change the account or holder name of one of your aliases',
        params: PhoneParam,
        body: UpdateBody,
        response: { 200: Type.Ref(AliasView) },
      },
    },
    async (req) =>
      svc.update(
        await caller(req.principal!),
        (req.params as Static<typeof PhoneParam>).phone,
        req.body as Static<typeof UpdateBody>,
      ),
  );

  app.delete(
    `${base}/:phone`,
    {
      config: { auth: { roles: BANKS } },
      schema: {
        tags,
        summary: 'Delete one of your aliases (an open claim on it then completes for the claimant)',
        params: PhoneParam,
        response: {
          200: Type.Object({
            phone: Type.String(),
            deleted: Type.Literal(true),
            claimCompleted: Type.Optional(Type.String({ description: 'the claim that took the phone over' })),
          }),
        },
      },
    },
    async (req) => svc.delete(await caller(req.principal!), (req.params as Static<typeof PhoneParam>).phone),
  );
}
