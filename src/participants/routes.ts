import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { DomainError, type Principal } from '../platform/index.ts';
import { PARTICIPANT_TYPES } from './domain/participant.ts';
import { type Actor, type ParticipantsService, STAFF_ROLES } from './service.ts';

export const SESSION_COOKIE = 'ndfi_session';

const Participant = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    type: Type.Union(PARTICIPANT_TYPES.map((t) => Type.Literal(t))),
    status: Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('blocked')]),
    bic: Type.Union([Type.String(), Type.Null()]),
    taxId: Type.Union([Type.String(), Type.Null()]),
    binRanges: Type.Array(Type.String()),
    roles: Type.Array(Type.String()),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Participant' },
);

const RegisterBody = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 140 }),
    type: Type.Union(PARTICIPANT_TYPES.map((t) => Type.Literal(t))),
    bic: Type.Optional(Type.String({ maxLength: 11, description: 'ISO 9362 BIC, required for banks, PSPs, Treasury' })),
    taxId: Type.Optional(Type.String({ pattern: '^\\d{12}$', description: 'BIN, 12 digits with check digit' })),
    binRanges: Type.Optional(Type.Array(Type.String(), { maxItems: 100, description: 'card BINs or ranges' })),
  },
  { additionalProperties: false },
);

const Reason = Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500 }) }, { additionalProperties: false });
const IdParam = Type.Object({ id: Type.String({ maxLength: 64 }) });
const Me = Type.Object({
  user: Type.Object({
    id: Type.String(),
    username: Type.String(),
    displayName: Type.String(),
    roles: Type.Array(Type.String()),
  }),
  participant: Type.Object({
    id: Type.String(),
    name: Type.String(),
    type: Type.String(),
    bic: Type.Union([Type.String(), Type.Null()]),
  }),
});
const Login = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
    totp: Type.String({ pattern: '^\\d{6}$', description: 'the current 6-digit one-time code' }),
  },
  { additionalProperties: false },
);
const AddUser = Type.Object(
  {
    username: Type.String({ minLength: 3, maxLength: 64 }),
    displayName: Type.String({ minLength: 1, maxLength: 140 }),
    password: Type.String({ minLength: 12, maxLength: 256 }),
    roles: Type.Array(Type.Union(STAFF_ROLES.map((r) => Type.Literal(r))), { minItems: 1 }),
  },
  { additionalProperties: false },
);
const Jwk = Type.Object(
  { kty: Type.Literal('EC'), crv: Type.Literal('P-256'), x: Type.String(), y: Type.String() },
  { additionalProperties: true },
);
const AddClient = Type.Object({ publicKeyJwk: Jwk }, { additionalProperties: false });
const AddWebhook = Type.Object(
  {
    url: Type.String({ format: 'uri', maxLength: 2048 }),
    events: Type.Array(Type.String({ maxLength: 100 }), { maxItems: 100, description: 'event types; empty = all' }),
  },
  { additionalProperties: false },
);
const Webhook = Type.Object({
  id: Type.String(),
  participantId: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  status: Type.String(),
  createdAt: Type.String(),
});

const tags = ['participants'];
const OPERATOR = { roles: ['operator'] };
const OVERSIGHT = { roles: ['operator', 'central_bank', 'regulator'] };

const actorOf = (p: Principal): Actor => ({
  id: p.userId ?? p.clientId ?? p.participantId,
  participantId: p.participantId,
});

/** The operator manages every participant; a participant's own admin manages its own users and clients. */
function assertManages(p: Principal, participantId: string): void {
  if (p.roles.includes('operator')) return;
  if (p.participantId === participantId && p.roles.includes('staff:admin')) return;
  throw new DomainError('not-found', 'participant not found');
}

export function participantsRoutes(
  app: FastifyInstance,
  svc: ParticipantsService,
  opts: { tokenEndpoint: string; secureCookies: boolean },
): void {
  const base = '/api/participants/v1';
  app.addSchema(Participant);

  app.get(
    `${base}/participants`,
    {
      config: { auth: OVERSIGHT },
      schema: {
        tags,
        summary: 'List participants (operator, central bank, regulator)',
        querystring: Type.Object(
          {
            type: Type.Optional(Type.Union(PARTICIPANT_TYPES.map((t) => Type.Literal(t)))),
            status: Type.Optional(
              Type.Union([Type.Literal('active'), Type.Literal('suspended'), Type.Literal('blocked')]),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Type.Ref(Participant)) }) },
      },
    },
    async (req) => ({ items: await svc.list(req.query as { type?: string; status?: string }) }),
  );

  app.get(
    `${base}/participants/me`,
    {
      config: { auth: { roles: 'any' } },
      schema: { tags, summary: 'The calling participant', response: { 200: Type.Ref(Participant) } },
    },
    async (req) => svc.get(req.principal!, req.principal!.participantId),
  );

  app.get(
    `${base}/participants/:id`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'One participant (own, or any for oversight roles)',
        params: IdParam,
        response: { 200: Type.Ref(Participant) },
      },
    },
    async (req) => svc.get(req.principal!, (req.params as Static<typeof IdParam>).id),
  );

  app.post(
    `${base}/participants`,
    {
      config: { auth: OPERATOR },
      schema: {
        tags,
        summary: 'Register a participant (operator)',
        body: RegisterBody,
        response: { 201: Type.Ref(Participant) },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return svc.register(actorOf(req.principal!), req.body as Static<typeof RegisterBody>);
    },
  );

  for (const action of ['suspend', 'block', 'activate'] as const) {
    app.post(
      `${base}/participants/:id/${action}`,
      {
        config: { auth: OPERATOR },
        schema: {
          tags,
          summary: `${action[0]!.toUpperCase()}${action.slice(1)} a participant (operator)`,
          params: IdParam,
          body: Reason,
          response: { 200: Type.Ref(Participant) },
        },
      },
      async (req) =>
        svc.changeStatus(
          actorOf(req.principal!),
          (req.params as Static<typeof IdParam>).id,
          action,
          (req.body as Static<typeof Reason>).reason,
        ),
    );
  }

  app.post(
    `${base}/participants/:id/users`,
    {
      config: { auth: { roles: ['operator', 'staff:admin'] } },
      schema: {
        tags,
        summary: 'Add a staff user; the answer carries the TOTP secret once',
        params: IdParam,
        body: AddUser,
        response: {
          201: Type.Object({
            user: Type.Object({ id: Type.String(), username: Type.String() }, { additionalProperties: true }),
            totpSecret: Type.String(),
            totpUri: Type.String(),
          }),
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params as Static<typeof IdParam>;
      assertManages(req.principal!, id);
      reply.code(201);
      return svc.addUser(actorOf(req.principal!), { participantId: id, ...(req.body as Static<typeof AddUser>) });
    },
  );

  app.post(
    `${base}/participants/:id/api-clients`,
    {
      config: { auth: { roles: ['operator', 'staff:admin'] } },
      schema: {
        tags,
        summary: 'Certify a public key and register an OAuth client (private_key_jwt)',
        params: IdParam,
        body: AddClient,
        response: {
          201: Type.Object({
            clientId: Type.String(),
            certificatePem: Type.String(),
            notAfter: Type.String(),
            tokenEndpoint: Type.String(),
          }),
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params as Static<typeof IdParam>;
      assertManages(req.principal!, id);
      const r = await svc.registerApiClient(
        actorOf(req.principal!),
        id,
        (req.body as Static<typeof AddClient>).publicKeyJwk,
      );
      reply.code(201);
      return { ...r, tokenEndpoint: opts.tokenEndpoint };
    },
  );

  app.get(
    `${base}/webhooks`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'Own webhook endpoints',
        response: { 200: Type.Object({ items: Type.Array(Webhook) }) },
      },
    },
    async (req) => ({ items: await svc.webhooks(req.principal!.participantId) }),
  );

  app.post(
    `${base}/webhooks`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'Add a webhook endpoint; the answer carries its signing secret once',
        body: AddWebhook,
        response: { 201: Type.Intersect([Webhook, Type.Object({ secret: Type.String() })]) },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return svc.addWebhook(req.principal!, req.body as Static<typeof AddWebhook>);
    },
  );

  app.delete(
    `${base}/webhooks/:id`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'Disable one of your webhook endpoints: nothing more is sent to it',
        params: IdParam,
        response: { 200: Webhook },
      },
    },
    async (req) => svc.disableWebhook(req.principal!, (req.params as Static<typeof IdParam>).id),
  );

  app.post(
    `${base}/webhooks/:id/rotate-secret`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'Rotate a webhook signing secret (the previous one keeps verifying)',
        params: IdParam,
        response: { 200: Type.Object({ id: Type.String(), secret: Type.String() }) },
      },
    },
    async (req) => svc.rotateWebhookSecret(req.principal!, (req.params as Static<typeof IdParam>).id),
  );

  // --- portal sessions ---
  const setSession = (reply: FastifyReply, token: string, expires: Date) =>
    reply.setCookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: opts.secureCookies,
      path: '/',
      expires,
    });

  app.post(
    '/api/auth/v1/login',
    {
      config: { auth: 'public', idempotent: false },
      schema: {
        tags: ['auth'],
        summary: 'Staff login: password + TOTP; sets the session cookie',
        body: Login,
        response: { 200: Me },
      },
    },
    async (req, reply) => {
      const b = req.body as Static<typeof Login>;
      const r = await svc.login(b.username, b.password, b.totp);
      setSession(reply, r.token, r.expiresAt);
      return r.me;
    },
  );

  app.post(
    '/api/auth/v1/logout',
    { config: { auth: 'public', idempotent: false }, schema: { tags: ['auth'], summary: 'End the session' } },
    async (req, reply) => {
      const t = req.cookies[SESSION_COOKIE];
      if (t) await svc.logout(t);
      reply.clearCookie(SESSION_COOKIE, { path: '/' }).code(204);
    },
  );

  app.get(
    '/api/auth/v1/me',
    {
      config: { auth: { roles: 'any' } },
      schema: { tags: ['auth'], summary: 'The logged-in staff member', response: { 200: Me } },
    },
    async (req) => {
      const t = req.cookies[SESSION_COOKIE];
      const s = t ? await svc.sessionPrincipal(t) : undefined;
      if (!s) throw new DomainError('unauthorized', 'no portal session');
      return s.me;
    },
  );
}
