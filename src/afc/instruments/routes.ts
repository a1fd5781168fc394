import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { listActorOf } from '../lists/service.ts';
import { COMPROMISE_TYPES, INSTRUMENT_KINDS } from './domain/instrument.ts';
import {
  type AfcInstruments,
  INSTRUMENT_CHECKERS,
  INSTRUMENT_READERS,
  INSTRUMENT_REPORTERS,
  MAX_REPORT,
} from './service.ts';

const Kind = Type.Union(
  INSTRUMENT_KINDS.map((k) => Type.Literal(k)),
  { description: 'card (by pan or token) or account (by iban)' },
);
const Compromise = Type.Union(
  Object.entries(COMPROMISE_TYPES).map(([t, description]) => Type.Literal(t, { description })),
);
const Pan = Type.String({
  minLength: 13,
  maxLength: 23,
  description: 'the card number (digits, blanks or dashes): only its MAC, BIN and last 4 are kept',
});
const Token = Type.String({ minLength: 16, maxLength: 64, description: 'the card token (never a card number)' });
const Iban = Type.String({ minLength: 15, maxLength: 42, description: 'the account’s IBAN' });
const Instrument = {
  kind: Kind,
  pan: Type.Optional(Pan),
  token: Type.Optional(Token),
  bin: Type.Optional(
    Type.String({ pattern: '^[0-9]{6,8}$', description: 'with a token: the card’s BIN, to find the issuer' }),
  ),
  last4: Type.Optional(Type.String({ pattern: '^[0-9]{4}$', description: 'with a token: the last 4 digits' })),
  iban: Type.Optional(Iban),
};
const ReportItem = Type.Object(
  {
    ...Instrument,
    bic: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9]{8}([A-Za-z0-9]{3})?$',
        description: 'for an account: its bank’s BIC (the bank is told)',
      }),
    ),
    compromise: Compromise,
    source: Type.String({
      minLength: 1,
      maxLength: 200,
      description: 'where you learned it: a breach, a skimmer’s location, your alert id (one report per source)',
    }),
    detectedOn: Type.String({ format: 'date', description: 'when the compromise was detected, YYYY-MM-DD' }),
  },
  { additionalProperties: false },
);
const ReportBody = Type.Object(
  { instruments: Type.Array(ReportItem, { minItems: 1, maxItems: MAX_REPORT }) },
  { additionalProperties: false },
);
const CheckBody = Type.Object(Instrument, { additionalProperties: false });
const WithdrawBody = Type.Object(
  { reason: Type.String({ minLength: 5, maxLength: 1000, description: 'why the report no longer holds' }) },
  { additionalProperties: false },
);
const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
const Status = Type.Union([Type.Literal('active'), Type.Literal('withdrawn')]);
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }));
const ListQuery = Type.Object(
  {
    kind: Type.Optional(Kind),
    status: Type.Optional(Status),
    after: Type.Optional(Type.String({ maxLength: 64, description: 'the `next` of the previous page' })),
    limit: Limit,
  },
  { additionalProperties: false },
);
const ChangesQuery = Type.Object(
  {
    since: Type.Integer({ minimum: 0, description: 'the version you hold: reports changed after it are returned' }),
    limit: Limit,
  },
  { additionalProperties: false },
);

const Nullable = (description?: string) => Type.Union([Type.String(), Type.Null()], description ? { description } : {});
const ReportView = Type.Object(
  {
    id: Type.String(),
    kind: Kind,
    mac: Type.String({ description: 'HMAC-SHA256 under the AFC identifiers key (GET lists/key)' }),
    card: Nullable('BIN, stars, last 4'),
    bin: Nullable(),
    last4: Nullable(),
    token: Nullable(),
    iban: Nullable(),
    bic: Nullable(),
    compromise: Compromise,
    source: Type.String(),
    detectedOn: Type.String(),
    reporterId: Type.String({ description: 'the reporting participant' }),
    issuerId: Nullable('the issuing participant (by BIN or BIC), when known'),
    status: Status,
    reason: Nullable('why it was withdrawn'),
    version: Type.Integer({ description: 'the version of its last change' }),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'AfcCompromisedInstrument' },
);

export interface AfcInstrumentsRouteDeps {
  instruments: AfcInstruments;
}

/**
 * The database of compromised payment instruments over HTTP under /api/afc/v1/instruments: reports (up to
 * 10,000 per call), withdrawal, the check for banks, and the reports each participant may see with their delta
 * feed. A report a participant may not see answers 404.
 */
export function afcInstrumentsRoutes(app: FastifyInstance, deps: AfcInstrumentsRouteDeps): void {
  const { instruments } = deps;
  const base = '/api/afc/v1/instruments';
  const tags = ['afc-instruments'];
  app.addSchema(ReportView);

  app.post(
    `${base}/reports`,
    {
      config: { auth: { roles: INSTRUMENT_REPORTERS } },
      // 10,000 instruments of ~200 bytes each
      bodyLimit: 4 * 1024 * 1024,
      schema: {
        tags,
        summary: 'Report compromised cards and accounts (up to 10,000 at once, all or nothing)',
        description:
          'A card by `pan` (only its MAC, BIN and last 4 are kept) or by `token` (with `bin` and `last4` when you know them), an account by `iban` (with its bank’s `bic`). The issuer — by the card’s BIN in the participants’ BIN ranges, or the named bank — is told by an `afc.instrument.reported` webhook. One report per instrument and source: sending it again changes nothing. A malformed instrument is a 400 naming `/instruments/<i>/…` and nothing is recorded.',
        body: ReportBody,
        response: {
          200: Type.Object({
            version: Type.Integer({ description: 'the database version after the report' }),
            fromVersion: Type.Union([Type.Integer(), Type.Null()], { description: 'first version taken; null: none' }),
            count: Type.Integer({ description: 'reports created or changed' }),
            unchanged: Type.Integer({ description: 'reports already there as given' }),
            ids: Type.Array(Type.String(), { description: 'the report of each instrument, in the order given' }),
          }),
        },
      },
    },
    async (req) => instruments.report(listActorOf(req.principal!), (req.body as Static<typeof ReportBody>).instruments),
  );

  app.post(
    `${base}/check`,
    {
      // a question, not a change (audited): no Idempotency-Key; POST keeps card numbers out of URLs and logs
      config: { auth: { roles: INSTRUMENT_CHECKERS }, idempotent: false },
      schema: {
        tags,
        summary: 'Is this card or account compromised? (audited by MAC)',
        description:
          'Answers for any instrument you can name: whether reports are in force, their types and detection dates. The reports themselves only where you may see them: about your own instruments, or your own reports.',
        body: CheckBody,
        response: {
          200: Type.Object({
            kind: Kind,
            mac: Type.String(),
            compromised: Type.Boolean(),
            reports: Type.Integer({ description: 'reports in force, by anyone' }),
            compromiseTypes: Type.Array(Compromise),
            firstDetectedOn: Type.Union([Type.String(), Type.Null()]),
            lastDetectedOn: Type.Union([Type.String(), Type.Null()]),
            entries: Type.Array(Type.Ref(ReportView)),
          }),
        },
      },
    },
    async (req) => instruments.check(listActorOf(req.principal!), req.body as Static<typeof CheckBody>),
  );

  app.get(
    `${base}/reports`,
    {
      config: { auth: { roles: INSTRUMENT_READERS } },
      schema: {
        tags,
        summary:
          'The reports you may see, by id: about your instruments and your own (law enforcement, oversight: all)',
        querystring: ListQuery,
        response: {
          200: Type.Object({
            version: Type.Integer({ description: 'the database version before this page was read' }),
            items: Type.Array(Type.Ref(ReportView)),
            next: Type.Union([Type.String(), Type.Null()], {
              description: '`after` for the next page; null at the end',
            }),
          }),
        },
      },
    },
    async (req) => {
      const q = req.query as Static<typeof ListQuery>;
      return instruments.list(listActorOf(req.principal!), {
        limit: q.limit ?? 1000,
        ...(q.kind ? { kind: q.kind } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.after ? { after: q.after } : {}),
      });
    },
  );

  app.get(
    `${base}/changes`,
    {
      config: { auth: { roles: INSTRUMENT_READERS } },
      schema: {
        tags,
        summary: 'Delta feed: the reports you may see changed after a version, in version order',
        description:
          'Each report in its current state (a withdrawn one with `status: withdrawn`). Continue with `since=<next>` while `hasMore`.',
        querystring: ChangesQuery,
        response: {
          200: Type.Object({
            since: Type.Integer(),
            latestVersion: Type.Integer(),
            items: Type.Array(Type.Ref(ReportView)),
            next: Type.Integer({ description: '`since` of the next call' }),
            hasMore: Type.Boolean(),
          }),
        },
      },
    },
    async (req) => {
      const q = req.query as Static<typeof ChangesQuery>;
      return instruments.changes(listActorOf(req.principal!), { since: q.since, limit: q.limit ?? 1000 });
    },
  );

  app.get(
    `${base}/reports/:id`,
    {
      config: { auth: { roles: INSTRUMENT_READERS } },
      schema: { tags, summary: 'One report you may see', params: IdParam, response: { 200: Type.Ref(ReportView) } },
    },
    async (req) => instruments.get(listActorOf(req.principal!), (req.params as Static<typeof IdParam>).id),
  );

  app.post(
    `${base}/reports/:id/withdraw`,
    {
      config: { auth: { roles: INSTRUMENT_REPORTERS } },
      schema: {
        tags,
        summary: 'Withdraw a report (its reporter, or the operator), with a reason; its issuer is told',
        params: IdParam,
        body: WithdrawBody,
        response: { 200: Type.Ref(ReportView) },
      },
    },
    async (req) =>
      instruments.withdraw(
        listActorOf(req.principal!),
        (req.params as Static<typeof IdParam>).id,
        (req.body as Static<typeof WithdrawBody>).reason,
      ),
  );
}
