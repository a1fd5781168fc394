import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { listActorOf } from '../lists/service.ts';
import { LIMITS, PROPOSAL_STATUSES, TYPOLOGY_TAGS } from './domain/article.ts';
import { type AfcKnowledge, KB_EDITORS, KB_PROPOSERS } from './service.ts';
import type { Proposal } from './store.ts';

const Tag = Type.Union(
  Object.entries(TYPOLOGY_TAGS).map(([tag, description]) => Type.Literal(tag, { description })),
  { description: 'a typology of the vocabulary (GET knowledge/tags)' },
);
const Slug = Type.String({
  minLength: 3,
  maxLength: 80,
  pattern: '^[a-z0-9]+(-[a-z0-9]+)*$',
  description: 'the article’s id: lowercase words joined by "-", e.g. "sim-swap-otp"',
});
const Items = (description: string) =>
  Type.Array(Type.String({ minLength: 1, maxLength: LIMITS.item }), {
    minItems: 1,
    maxItems: LIMITS.items,
    description,
  });
const Note = Type.String({ maxLength: LIMITS.note, description: 'what changed and why (one line)' });

const Content = {
  title: Type.String({ minLength: 1, maxLength: LIMITS.title }),
  tags: Type.Array(Tag, { minItems: 1, maxItems: LIMITS.tags }),
  body: Type.String({ minLength: 1, maxLength: LIMITS.body, description: 'Markdown' }),
  indicators: Items('signs by which the typology is recognised'),
  actions: Items('what a participant should do when it sees them'),
};

const ProposalBody = Type.Object(
  {
    articleId: Slug,
    baseVersion: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'the latest version you read, for a new version of an existing article; absent: a new article',
      }),
    ),
    ...Content,
    note: Type.Optional(Note),
  },
  { additionalProperties: false },
);
const PublishBody = Type.Object(
  { note: Type.Optional(Note) },
  { additionalProperties: false, description: 'a note replaces the proposer’s on the published version' },
);
const RejectBody = Type.Object(
  { reason: Type.String({ minLength: 5, maxLength: 1000, description: 'why, in words the proposer reads' }) },
  { additionalProperties: false },
);
const WithdrawBody = Type.Object(
  { reason: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);

const IdParam = Type.Object({ id: Type.String({ minLength: 1, maxLength: 80 }) }, { additionalProperties: false });
const VersionParams = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 80 }), version: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);
const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 }));
const ProposalsQuery = Type.Object(
  {
    status: Type.Optional(Type.Union(PROPOSAL_STATUSES.map((s) => Type.Literal(s)))),
    articleId: Type.Optional(Slug),
    after: Type.Optional(Type.String({ maxLength: 80, description: 'the `next` of the previous page' })),
    limit: Limit,
  },
  { additionalProperties: false },
);
const SearchQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({ maxLength: 200, description: 'words the latest version must all contain (any case)' }),
    ),
    tag: Type.Optional(
      Type.Union([Tag, Type.Array(Tag, { maxItems: 8 })], {
        description: 'tags it must all carry; repeat for several',
      }),
    ),
    after: Type.Optional(Type.String({ maxLength: 80, description: 'the `next` of the previous page' })),
    limit: Limit,
  },
  { additionalProperties: false },
);

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(t: T) =>
  Type.Union([t, Type.Null()]);
const ContentView = {
  title: Type.String(),
  tags: Type.Array(Type.String()),
  body: Type.String({ description: 'Markdown' }),
  indicators: Type.Array(Type.String()),
  actions: Type.Array(Type.String()),
};
const ProposalView = Type.Object(
  {
    id: Type.String(),
    articleId: Type.String(),
    baseVersion: Nullable(Type.Integer()),
    ...ContentView,
    note: Nullable(Type.String()),
    proposerId: Type.String({ description: 'the proposing participant' }),
    proposedBy: Type.String({ description: 'its user or API client' }),
    status: Type.Union(PROPOSAL_STATUSES.map((s) => Type.Literal(s))),
    reason: Nullable(Type.String()),
    decidedBy: Nullable(Type.String()),
    decidedAt: Nullable(Type.String()),
    publishedVersion: Nullable(Type.Integer()),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  { $id: 'AfcKnowledgeProposal' },
);
const VersionView = Type.Object(
  {
    articleId: Type.String(),
    version: Type.Integer(),
    ...ContentView,
    note: Nullable(Type.String()),
    proposalId: Type.String(),
    proposerId: Type.String({ description: 'the participant that wrote it' }),
    publishedBy: Type.String(),
    publishedAt: Type.String(),
    auditSeq: Type.Integer({ description: 'the audit entry that committed its content digest' }),
  },
  { $id: 'AfcKnowledgeVersion' },
);
const SummaryView = Type.Object({
  id: Type.String(),
  latestVersion: Type.Integer(),
  title: Type.String(),
  tags: Type.Array(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const Page = <T extends ReturnType<typeof Type.Object> | ReturnType<typeof Type.Ref>>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    next: Type.Union([Type.String(), Type.Null()], { description: '`after` for the next page; null at the end' }),
  });

export interface AfcKnowledgeRouteDeps {
  knowledge: AfcKnowledge;
}

/**
 * The knowledge base of fraud typologies over HTTP under /api/afc/v1/knowledge: proposals by banks, payment
 * organisations, mobile operators and law enforcement; publication or rejection by the operator; published
 * articles, their history and search for every authenticated participant. Another participant's proposal
 * answers 404.
 */
export function afcKnowledgeRoutes(app: FastifyInstance, deps: AfcKnowledgeRouteDeps): void {
  const { knowledge } = deps;
  const base = '/api/afc/v1/knowledge';
  const tags = ['afc-knowledge'];
  app.addSchema(ProposalView);
  app.addSchema(VersionView);
  const one = { 200: Type.Ref(ProposalView) };
  const idOf = (req: { params: unknown }) => (req.params as Static<typeof IdParam>).id;
  const page = <T extends { id: string }>(items: T[], limit: number) => ({
    items,
    next: items.length === limit ? items[items.length - 1]!.id : null,
  });

  app.post(
    `${base}/proposals`,
    {
      config: { auth: { roles: KB_PROPOSERS } },
      schema: {
        tags,
        summary: 'Propose a new article, or a new version of one (give the latest version you read as baseVersion)',
        description:
          'The proposal carries the whole article. It is seen by you and the operator until the operator publishes it (it becomes the next version) or rejects it with a reason; you are told by an `afc.knowledge.proposal` webhook. A proposal on a version that is no longer the latest is refused (409): propose again on the latest.',
        body: ProposalBody,
        response: { 201: Type.Ref(ProposalView) },
      },
    },
    async (req, reply) =>
      reply
        .code(201)
        .send(await knowledge.propose(listActorOf(req.principal!), req.body as Static<typeof ProposalBody>)),
  );

  app.get(
    `${base}/proposals`,
    {
      config: { auth: { roles: [...KB_PROPOSERS, ...KB_EDITORS] } },
      schema: {
        tags,
        summary: 'Your proposals (the operator: all), in id order',
        querystring: ProposalsQuery,
        response: { 200: Page(Type.Ref(ProposalView)) },
      },
    },
    async (req) => {
      const q = req.query as Static<typeof ProposalsQuery>;
      const limit = q.limit ?? 100;
      const items = await knowledge.proposals(listActorOf(req.principal!), {
        limit,
        ...(q.status ? { status: q.status } : {}),
        ...(q.articleId ? { articleId: q.articleId } : {}),
        ...(q.after ? { after: q.after } : {}),
      });
      return page(items, limit);
    },
  );

  app.get(
    `${base}/proposals/:id`,
    {
      config: { auth: { roles: [...KB_PROPOSERS, ...KB_EDITORS] } },
      schema: { tags, summary: 'One proposal (its proposer or the operator)', params: IdParam, response: one },
    },
    async (req) => knowledge.proposal(listActorOf(req.principal!), idOf(req)),
  );

  app.post(
    `${base}/proposals/:id/publish`,
    {
      config: { auth: { roles: KB_EDITORS } },
      schema: {
        tags,
        summary: 'Publish a pending proposal as the article’s next version (immutable from then on)',
        params: IdParam,
        body: PublishBody,
        response: one,
      },
    },
    async (req): Promise<Proposal> =>
      knowledge.publish(listActorOf(req.principal!), idOf(req), req.body as Static<typeof PublishBody>),
  );

  app.post(
    `${base}/proposals/:id/reject`,
    {
      config: { auth: { roles: KB_EDITORS } },
      schema: {
        tags,
        summary: 'Reject a pending proposal with a reason',
        params: IdParam,
        body: RejectBody,
        response: one,
      },
    },
    async (req) =>
      knowledge.reject(listActorOf(req.principal!), idOf(req), (req.body as Static<typeof RejectBody>).reason),
  );

  app.post(
    `${base}/proposals/:id/withdraw`,
    {
      config: { auth: { roles: KB_PROPOSERS } },
      schema: { tags, summary: 'Withdraw your pending proposal', params: IdParam, body: WithdrawBody, response: one },
    },
    async (req) =>
      knowledge.withdraw(listActorOf(req.principal!), idOf(req), (req.body as Static<typeof WithdrawBody>).reason),
  );

  app.get(
    `${base}/articles`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'Published articles by text and tags, in id order (latest versions)',
        querystring: SearchQuery,
        response: { 200: Page(SummaryView) },
      },
    },
    async (req) => {
      const q = req.query as Static<typeof SearchQuery>;
      const limit = q.limit ?? 100;
      const items = await knowledge.search({
        limit,
        ...(q.q !== undefined ? { q: q.q } : {}),
        ...(q.tag ? { tags: Array.isArray(q.tag) ? q.tag : [q.tag] } : {}),
        ...(q.after ? { after: q.after } : {}),
      });
      return page(items, limit);
    },
  );

  app.get(
    `${base}/articles/:id`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'The latest published version of an article',
        params: IdParam,
        response: { 200: Type.Ref(VersionView) },
      },
    },
    async (req) => knowledge.article(idOf(req)),
  );

  app.get(
    `${base}/articles/:id/versions`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'Every published version of an article, oldest first',
        params: IdParam,
        response: { 200: Type.Object({ items: Type.Array(Type.Ref(VersionView)) }) },
      },
    },
    async (req) => ({ items: await knowledge.history(idOf(req)) }),
  );

  app.get(
    `${base}/articles/:id/versions/:version`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'One published version of an article',
        params: VersionParams,
        response: { 200: Type.Ref(VersionView) },
      },
    },
    async (req) => {
      const p = req.params as Static<typeof VersionParams>;
      return knowledge.article(p.id, p.version);
    },
  );

  app.get(
    `${base}/tags`,
    {
      config: { auth: { roles: 'any' } },
      schema: {
        tags,
        summary: 'The typology vocabulary, with how many published articles carry each tag',
        response: {
          200: Type.Object({
            items: Type.Array(
              Type.Object({ tag: Type.String(), description: Type.String(), articles: Type.Integer() }),
            ),
          }),
        },
      },
    },
    async () => ({ items: await knowledge.tags() }),
  );
}
