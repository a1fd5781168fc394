import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { invalid, parseAmount } from '../platform/index.ts';
import { IDENTIFIER_KINDS } from './domain/identifiers.ts';
import { DECISIONS, LIST_STATUSES, LIST_WRITERS } from './domain/lists.ts';
import { type AfcLists, LIST_READERS, listActorOf } from './lists/service.ts';
import type { AfcScreening, PartyInput, ScreenPayment, ScreenResult } from './screening/service.ts';

/** Who screens payments: banks, payment organisations, mobile operators, oversight. */
const SCREENERS = ['bank', 'psp', 'mno', 'oversight'];

const Kind = Type.Union(
  IDENTIFIER_KINDS.map((k) => Type.Literal(k)),
  {
    description:
      'iin (IIN/BIN, 12 digits, check digit), phone (any format, stored E.164), account (IBAN, mod 97), card (card token, never the PAN), device (IMEI, 15 digits, Luhn), wallet, url (host and path), name (a person name alone)',
  },
);
const Status = Type.Union(LIST_STATUSES.map((s) => Type.Literal(s)));
const Mac = Type.String({
  minLength: 64,
  maxLength: 64,
  description: 'HMAC-SHA256 of "<kind>:<normal form>" under the lists key, 64 hex digits (instead of value)',
});
const Value = Type.String({ minLength: 1, maxLength: 2048, description: 'the identifier as written; normalised' });
const HolderName = Type.String({ minLength: 2, maxLength: 140, description: "the holder's name, any script" });
const Source = Type.String({
  minLength: 1,
  maxLength: 128,
  description: 'where the listing comes from: incident id, decision number (one entry per identifier and source)',
});
const Reason = Type.String({ maxLength: 1000 });
const Expiry = Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
  description: 'the entry stops counting at this instant',
});

const EntryBody = Type.Object(
  {
    kind: Kind,
    value: Type.Optional(Value),
    mac: Type.Optional(Mac),
    holderName: Type.Optional(HolderName),
    status: Status,
    source: Source,
    reason: Type.Optional(Reason),
    expiresAt: Type.Optional(Expiry),
  },
  { additionalProperties: false },
);
const EntriesBody = Type.Object(
  { entries: Type.Array(EntryBody, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false },
);
const OverrideBody = Type.Object(
  {
    kind: Kind,
    value: Type.Optional(Value),
    mac: Type.Optional(Mac),
    reason: Type.String({ maxLength: 1000, description: 'mandatory: why the identifier is allowed' }),
    source: Type.Optional(Source),
    expiresAt: Type.Optional(Expiry),
  },
  { additionalProperties: false },
);
const RemovalBody = Type.Object(
  {
    kind: Kind,
    value: Type.Optional(Value),
    mac: Type.Optional(Mac),
    source: Source,
    reason: Type.String({ maxLength: 1000, description: 'mandatory: why the entry is removed' }),
  },
  { additionalProperties: false },
);

const EntryView = Type.Object(
  {
    id: Type.String(),
    kind: Kind,
    mac: Type.String(),
    status: Status,
    expiresAt: Type.Union([Type.String(), Type.Null()]),
    version: Type.Integer({ description: 'list version of the entry’s last change' }),
    updatedAt: Type.String({ format: 'date-time' }),
    value: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'raw readers only' })),
    holderName: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    source: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String()),
  },
  { $id: 'AfcListEntry' },
);
const ChangeView = Type.Object(
  {
    version: Type.Integer(),
    op: Type.Union([Type.Literal('upsert'), Type.Literal('remove')]),
    entryId: Type.String(),
    kind: Kind,
    mac: Type.String(),
    status: Status,
    expiresAt: Type.Union([Type.String(), Type.Null()]),
    at: Type.String({ format: 'date-time' }),
    value: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    holderName: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    source: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String()),
    actor: Type.Optional(Type.String()),
  },
  { $id: 'AfcListChange' },
);
const WriteResult = Type.Object({
  version: Type.Integer({ description: 'the list version after the change' }),
  fromVersion: Type.Union([Type.Integer(), Type.Null()], { description: 'first version taken; null: no change' }),
  count: Type.Integer({ description: 'entries changed (one version each)' }),
  entries: Type.Array(Type.Ref(EntryView)),
});

const Raw = Type.Optional(
  Type.Boolean({ description: 'raw values, names, sources and reasons (law enforcement, oversight; audited)' }),
);
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 1000 }));
const ListQuery = Type.Object(
  {
    after: Type.Optional(Type.String({ maxLength: 64, description: 'the `next` of the previous page' })),
    limit: Limit,
    raw: Raw,
  },
  { additionalProperties: false },
);
const ChangesQuery = Type.Object(
  {
    since: Type.Integer({ minimum: 0, description: 'the version you hold: changes after it are returned' }),
    limit: Limit,
    raw: Raw,
  },
  { additionalProperties: false },
);
const LookupQuery = Type.Object(
  { kind: Kind, value: Type.Optional(Value), mac: Type.Optional(Mac) },
  { additionalProperties: false },
);

const Party = Type.Object(
  {
    account: Type.Optional(Type.String({ maxLength: 64, description: 'IBAN' })),
    iin: Type.Optional(Type.String({ maxLength: 16, description: 'IIN or BIN' })),
    phone: Type.Optional(Type.String({ maxLength: 32 })),
    card: Type.Optional(Type.String({ maxLength: 64, description: 'card token' })),
    device: Type.Optional(Type.String({ maxLength: 32, description: 'IMEI' })),
    wallet: Type.Optional(Type.String({ maxLength: 128 })),
    url: Type.Optional(Type.String({ maxLength: 2048 })),
    name: Type.Optional(Type.String({ maxLength: 140 })),
    bic: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{8}([A-Z0-9]{3})?$', description: "the party's bank" })),
  },
  { additionalProperties: false },
);
const ScreenBody = Type.Object(
  {
    debtor: Type.Optional(Party),
    creditor: Type.Optional(Party),
    amount: Type.Optional(Type.String({ description: 'decimal string, e.g. "150000.00"' })),
    rail: Type.Optional(Type.Union(['ips', 'imts', 'ics', 'card', 'wallet', 'other'].map((r) => Type.Literal(r)))),
  },
  { additionalProperties: false },
);
const BatchBody = Type.Object(
  { payments: Type.Array(ScreenBody, { minItems: 1, maxItems: 500 }) },
  { additionalProperties: false },
);
const ReasonView = Type.Object({
  code: Type.String({
    description:
      'LISTED_CONFIRMED, LISTED_SUSPECT, LISTED_ALLOWED, HOLDER_NAME_MATCH, NAME_MATCH_CONFIRMED, NAME_MATCH_SUSPECT',
  }),
  party: Type.Union([Type.Literal('debtor'), Type.Literal('creditor')]),
  field: Type.String(),
  kind: Kind,
  status: Status,
  score: Type.Optional(Type.Number()),
  message: Type.String(),
});
const ScreenView = Type.Object({
  id: Type.String(),
  decision: Type.Union(DECISIONS.map((d) => Type.Literal(d))),
  reasons: Type.Array(ReasonView),
  listVersion: Type.Integer(),
});

export type AfcRouteDeps = Record<string, never>;

/**
 * The Anti-Fraud Center over HTTP under /api/afc/v1: the lists for participants' own systems (full
 * download and delta feed, MACs unless the caller may see raw values), list changes by the operator and
 * law enforcement, and screening of payments.
 */
export function afcRoutes(
  app: FastifyInstance,
  lists: AfcLists,
  screening: AfcScreening,
  _deps: AfcRouteDeps = {},
): void {
  const base = '/api/afc/v1';
  const tags = ['afc'];
  app.addSchema(EntryView);
  app.addSchema(ChangeView);

  app.get(
    `${base}/lists`,
    {
      config: { auth: { roles: LIST_READERS } },
      schema: {
        tags,
        summary: 'The full lists, a page at a time (MACs; raw values for law enforcement and oversight)',
        description:
          'Entries by id. Note `version` of the first page and continue with `lists/changes?since=<version>`, applying a change only when it is newer than the entry you hold. An identifier’s status is its most severe entry in force: confirmed (block) > suspect (review) > allowed.',
        querystring: ListQuery,
        response: {
          200: Type.Object({
            version: Type.Integer({ description: 'the list version before this page was read' }),
            keyId: Type.String({ description: 'the MAC key the entries are keyed with' }),
            items: Type.Array(Type.Ref(EntryView)),
            next: Type.Union([Type.String(), Type.Null()], {
              description: '`after` for the next page; null at the end',
            }),
          }),
        },
      },
    },
    async (req) => lists.list(listActorOf(req.principal!), req.query as Static<typeof ListQuery>),
  );

  app.get(
    `${base}/lists/changes`,
    {
      config: { auth: { roles: LIST_READERS } },
      schema: {
        tags,
        summary: 'Delta feed: list changes after a version, oldest first',
        description: 'Every change is one version. Page with `since=<next>` while `hasMore`.',
        querystring: ChangesQuery,
        response: {
          200: Type.Object({
            since: Type.Integer(),
            latestVersion: Type.Integer(),
            items: Type.Array(Type.Ref(ChangeView)),
            next: Type.Integer({ description: 'the last version in this page: `since` of the next' }),
            hasMore: Type.Boolean(),
          }),
        },
      },
    },
    async (req) => lists.changes(listActorOf(req.principal!), req.query as Static<typeof ChangesQuery>),
  );

  app.get(
    `${base}/lists/key`,
    {
      config: { auth: { roles: LIST_READERS } },
      schema: {
        tags,
        summary: 'The MAC key, to key your own identifiers as the lists do (audited)',
        response: {
          200: Type.Object({
            keyId: Type.String(),
            algorithm: Type.Literal('HMAC-SHA256'),
            key: Type.String({ description: 'base64url' }),
            input: Type.String(),
          }),
        },
      },
    },
    async (req) => lists.macKey(listActorOf(req.principal!)),
  );

  app.get(
    `${base}/lists/lookup`,
    {
      config: { auth: { roles: LIST_READERS } },
      schema: {
        tags,
        summary: 'The status of one identifier (raw readers also get its entries); audited',
        querystring: LookupQuery,
        response: {
          200: Type.Object({
            kind: Kind,
            mac: Type.String(),
            status: Type.Union([Status, Type.Null()]),
            decision: Type.Union(DECISIONS.map((d) => Type.Literal(d))),
            entries: Type.Array(Type.Ref(EntryView)),
          }),
        },
      },
    },
    async (req) => lists.lookup(listActorOf(req.principal!), req.query as Static<typeof LookupQuery>),
  );

  app.post(
    `${base}/lists/entries`,
    {
      config: { auth: { roles: LIST_WRITERS as string[] } },
      schema: {
        tags,
        summary: 'Add or refresh list entries (operator: suspects; law enforcement: suspects and confirmed)',
        description:
          'One entry per identifier and source; an existing one takes the new status, reason, expiry and holder name. Give each identifier as `value` (normalised and checked: 400 naming the field) or as `mac`. All or nothing.',
        body: EntriesBody,
        response: { 200: WriteResult },
      },
    },
    async (req) => lists.addEntries(listActorOf(req.principal!), (req.body as Static<typeof EntriesBody>).entries),
  );

  app.post(
    `${base}/lists/overrides`,
    {
      config: { auth: { roles: LIST_WRITERS as string[] } },
      schema: {
        tags,
        summary: 'Allow an identifier (override, with a mandatory reason)',
        description:
          'An allowed entry clears the holder of resemblance to listed names; it never outranks a suspect or confirmed entry (take those off with a removal).',
        body: OverrideBody,
        response: { 200: WriteResult },
      },
    },
    async (req) => lists.override(listActorOf(req.principal!), req.body as Static<typeof OverrideBody>),
  );

  app.post(
    `${base}/lists/removals`,
    {
      config: { auth: { roles: LIST_WRITERS as string[] } },
      schema: {
        tags,
        summary: 'Remove one entry (identifier and source), with a mandatory reason',
        body: RemovalBody,
        response: { 200: WriteResult },
      },
    },
    async (req) => lists.remove(listActorOf(req.principal!), req.body as Static<typeof RemovalBody>),
  );

  app.post(
    `${base}/screen`,
    {
      // a question, not a change: no Idempotency-Key (an answer that hit the lists is audited)
      config: { auth: { roles: SCREENERS }, idempotent: false },
      schema: {
        tags,
        summary: 'Screen a payment against the lists: allow, review or block, with reasons',
        description:
          'Identifiers of either party are checked against the lists (malformed ones are 400 naming the field), names are compared across Kazakh, Russian and Latin spellings. Reasons name your fields, never listed data.',
        body: ScreenBody,
        response: { 200: ScreenView },
      },
    },
    async (req, reply) => {
      const r = await screening.screenFor(
        listActorOf(req.principal!),
        toPayment(req.body as Static<typeof ScreenBody>, ''),
      );
      reply.type(JSON_UTF8);
      return screenJson(r);
    },
  );

  app.post(
    `${base}/screen/batch`,
    {
      config: { auth: { roles: SCREENERS }, idempotent: false },
      schema: {
        tags,
        summary: 'Screen up to 500 payments in one call; answers in the same order',
        description:
          'As `screen`, for each payment. A malformed one is a 400 naming `/payments/<i>/…`, and then none is answered.',
        body: BatchBody,
        response: { 200: Type.Object({ results: Type.Array(ScreenView) }) },
      },
    },
    async (req, reply) => {
      const { payments } = req.body as Static<typeof BatchBody>;
      const results = await screening.screenManyFor(
        listActorOf(req.principal!),
        payments.map((p, i) => toPayment(p, `/payments/${i}`)),
      );
      reply.type(JSON_UTF8);
      return batchJson(results);
    },
  );
}

/** A screening request as the service takes it: amount parsed, at least one party. */
function toPayment(b: Static<typeof ScreenBody>, at: string): ScreenPayment {
  if (!b.debtor && !b.creditor) throw invalid(`${at}/creditor`, 'screen at least one party');
  const p: ScreenPayment = {};
  if (b.debtor) p.debtor = b.debtor as PartyInput;
  if (b.creditor) p.creditor = b.creditor as PartyInput;
  if (b.amount !== undefined) p.amount = parseAmount(b.amount, { field: `${at}/amount` });
  if (b.rail) p.rail = b.rail;
  return p;
}

type ScreenAnswer = ScreenResult & { id: string };

const JSON_UTF8 = 'application/json; charset=utf-8';

/**
 * The 200 of the screening routes, written directly (a string answer passes Fastify's serialization by):
 * what `ScreenView` documents, the same text as the platform's JSON writer gives, without its replacer
 * visiting every value of every answer (reasons hold strings and numbers only).
 */
function screenJson(r: ScreenAnswer): string {
  const reasons = r.reasons.length === 0 ? '[]' : JSON.stringify(r.reasons);
  return `{"id":${JSON.stringify(r.id)},"decision":"${r.decision}","reasons":${reasons},"listVersion":${r.listVersion}}`;
}

function batchJson(results: readonly ScreenAnswer[]): string {
  let out = '{"results":[';
  for (let i = 0; i < results.length; i++) out += (i === 0 ? '' : ',') + screenJson(results[i]!);
  return `${out}]}`;
}
