import { createHash } from 'node:crypto';
import {
  appendAudit,
  type Clock,
  canonicalJson,
  type Db,
  DomainError,
  enqueueWebhook,
  type IdGenerator,
  invalid,
  notFound,
  type Queryable,
} from '../../platform/index.ts';
import { validReason } from '../domain/lists.ts';
import type { ListActor } from '../lists/service.ts';
import {
  type ArticleContent,
  isTag,
  nextProposalStatus,
  type ProposalAction,
  type ProposalRole,
  type ProposalStatus,
  searchTerms,
  TAGS,
  TYPOLOGY_TAGS,
  type TypologyTag,
  validContent,
  validNote,
  validSlug,
  versionToPublish,
} from './domain/article.ts';
import { type ArticleSummary, type ArticleVersion, type Proposal, knowledgeStore as store } from './store.ts';

/** Who proposes articles and versions: banks, payment organisations, mobile operators, law enforcement. */
export const KB_PROPOSERS = ['fraud_reporter', 'fraud_decider'];
/** Who publishes and rejects proposals. */
export const KB_EDITORS = ['operator'];

/** A proposal as submitted: the slug, the version it is written on (absent: a new article) and the content. */
export interface ProposalInput {
  articleId: string;
  baseVersion?: number | null;
  title: string;
  tags: string[];
  body: string;
  indicators: string[];
  actions: string[];
  note?: string | null;
}

export interface AfcKnowledgeDeps {
  db: Db;
  clock: Clock;
  ids: IdGenerator;
}

const isEditor = (a: ListActor): boolean => KB_EDITORS.some((r) => a.roles.includes(r));

/** SHA-256 of an article's content in canonical JSON: what the audit chain commits each version to. */
export const contentDigest = (c: ArticleContent): string =>
  createHash('sha256')
    .update(canonicalJson({ title: c.title, tags: c.tags, body: c.body, indicators: c.indicators, actions: c.actions }))
    .digest('hex');

/**
 * The knowledge base of fraud typologies (AFC-7). Participants who see fraud propose articles and new
 * versions; the operator publishes or rejects them with a reason. Proposals are seen by their proposer and
 * the operator only; published versions by every participant, and never change (the store's triggers refuse
 * it, and each version's content digest is in the audit chain). Every step is audited in its transaction,
 * and the proposer learns the outcome by an `afc.knowledge.proposal` webhook in the same commit.
 */
export class AfcKnowledge {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;

  constructor(d: AfcKnowledgeDeps) {
    this.db = d.db;
    this.clock = d.clock;
    this.ids = d.ids;
  }

  /** A new article (no `baseVersion`) or the next version of one (`baseVersion`: the latest you read). */
  async propose(actor: ListActor, input: ProposalInput): Promise<Proposal> {
    if (!KB_PROPOSERS.some((r) => actor.roles.includes(r))) {
      throw new DomainError('forbidden', `your role may not propose articles (needs ${KB_PROPOSERS.join(' or ')})`);
    }
    const articleId = validSlug(input.articleId, '/articleId');
    const base = input.baseVersion ?? null;
    if (base !== null && (!Number.isSafeInteger(base) || base < 1)) throw invalid('/baseVersion', 'a version ≥ 1');
    const content = validContent(input);
    const note = validNote(input.note, '/note');
    const at = this.clock.now().toISOString();
    const p: Proposal = {
      id: this.ids.next('kbp'),
      articleId,
      baseVersion: base,
      ...content,
      note,
      proposerId: actor.participantId,
      proposedBy: actor.actor,
      status: 'pending',
      reason: null,
      decidedBy: null,
      decidedAt: null,
      publishedVersion: null,
      createdAt: at,
      updatedAt: at,
    };
    await this.db.transaction(async (tx) => {
      await this.audit(tx, actor.actor, 'proposed', p, { contentDigest: contentDigest(content) });
      // refused now what could never be published: a taken slug, a revision of a missing article or version
      const latest = await store.latestVersion(tx, articleId);
      if (base !== null && latest !== null && base > latest) {
        throw invalid('/baseVersion', `article ${articleId} is at version ${latest}`);
      }
      versionToPublish(latest, base, articleId);
      await store.insertProposal(tx, p);
    });
    return p;
  }

  /** The operator publishes a pending proposal as the article's next version (or its first). */
  publish(actor: ListActor, id: string, input: { note?: string | null } = {}): Promise<Proposal> {
    const note = validNote(input.note, '/note');
    return this.decide(actor, id, 'publish', null, async (tx, p, at, auditSeq) => {
      const version = versionToPublish(await store.latestVersion(tx, p.articleId), p.baseVersion, p.articleId);
      await store.publish(tx, {
        articleId: p.articleId,
        version,
        title: p.title,
        tags: p.tags,
        body: p.body,
        indicators: p.indicators,
        actions: p.actions,
        note: note ?? p.note,
        proposalId: p.id,
        proposerId: p.proposerId,
        publishedBy: actor.actor,
        publishedAt: at,
        auditSeq,
      });
      return version;
    });
  }

  /** The operator rejects a pending proposal, with a reason its proposer reads. */
  reject(actor: ListActor, id: string, reason: unknown): Promise<Proposal> {
    const r = validReason(reason, '/reason', true);
    return this.decide(actor, id, 'reject', r);
  }

  /** The proposer withdraws its pending proposal. */
  withdraw(actor: ListActor, id: string, reason?: unknown): Promise<Proposal> {
    const r = validReason(reason, '/reason', false) || null;
    return this.decide(actor, id, 'withdraw', r);
  }

  /**
   * One decision on a proposal in one transaction: the audit entry first (on PostgreSQL its lock orders every
   * decision, so the latest version read after it is the committed one), then the state machine, the
   * publication, the proposal's outcome and the proposer's webhook.
   */
  private async decide(
    actor: ListActor,
    id: string,
    action: ProposalAction,
    reason: string | null,
    publish?: (tx: Queryable, p: Proposal, at: string, auditSeq: number) => Promise<number>,
  ): Promise<Proposal> {
    const done = await this.db.transaction(async (tx) => {
      const p = await this.visible(tx, id, actor);
      const role: ProposalRole = p.proposerId === actor.participantId ? 'proposer' : 'operator';
      const to = nextProposalStatus(p.status, action, role);
      const at = this.clock.now().toISOString();
      const audit = await this.audit(tx, actor.actor, to, p, {
        reason,
        contentDigest: contentDigest(p),
      });
      // read again under the audit lock: a decision racing this one has committed or waits
      const current = (await store.proposal(tx, id))!;
      nextProposalStatus(current.status, action, role);
      const publishedVersion = publish ? await publish(tx, current, at, Number(audit.seq)) : null;
      if (!(await store.decide(tx, id, { status: to, reason, by: actor.actor, at, publishedVersion }))) {
        throw new DomainError('conflict', 'the proposal was decided meanwhile: read it again');
      }
      const decided: Proposal = {
        ...current,
        status: to,
        reason,
        decidedBy: actor.actor,
        decidedAt: at,
        publishedVersion,
        updatedAt: at,
      };
      if (role === 'operator') {
        await enqueueWebhook(
          tx,
          {
            participantId: p.proposerId,
            eventType: 'afc.knowledge.proposal',
            payload: {
              proposalId: p.id,
              articleId: p.articleId,
              status: to,
              reason,
              publishedVersion,
              decidedAt: at,
            },
            idempotencyKey: `afc.knowledge:${p.id}:${to}`,
          },
          this.ids,
          this.clock,
        );
      }
      return decided;
    });
    return done;
  }

  private async audit(
    tx: Queryable,
    actor: string,
    what: string,
    p: Proposal,
    details: Record<string, unknown>,
  ): Promise<{ seq: bigint }> {
    return appendAudit(
      tx,
      {
        actor,
        action: `afc.knowledge.${what}`,
        entity: 'afc_kb_proposal',
        entityId: p.id,
        details: { articleId: p.articleId, baseVersion: p.baseVersion, proposerId: p.proposerId, ...details },
      },
      this.clock,
    );
  }

  /** A proposal its proposer or the operator may see; anyone else is told it does not exist. */
  private async visible(q: Queryable, id: string, viewer: ListActor): Promise<Proposal> {
    const p = await store.proposal(q, id);
    if (!p || !(p.proposerId === viewer.participantId || isEditor(viewer))) throw notFound('proposal');
    return p;
  }

  // --- reads ---

  proposal(viewer: ListActor, id: string): Promise<Proposal> {
    return this.visible(this.db, id, viewer);
  }

  /** The caller's own proposals; the operator's view is every proposal. */
  proposals(
    viewer: ListActor,
    f: { status?: ProposalStatus; articleId?: string; after?: string; limit: number },
  ): Promise<Proposal[]> {
    return store.proposals(this.db, { ...f, ...(isEditor(viewer) ? {} : { proposerId: viewer.participantId }) });
  }

  /** Published articles whose latest version has all the tags and contains every word of `q`. */
  search(f: { q?: string; tags?: readonly string[]; after?: string; limit: number }): Promise<ArticleSummary[]> {
    const terms = searchTerms(f.q, 'querystring/q');
    const tags = f.tags ?? [];
    tags.forEach((t, i) => {
      if (!isTag(t)) throw invalid(`querystring/tag/${i}`, `must be one of ${TAGS.join(', ')}`);
    });
    return store.search(this.db, {
      terms,
      tags,
      limit: f.limit,
      ...(f.after !== undefined ? { after: f.after } : {}),
    });
  }

  /** The latest published version of an article, or the version asked for. */
  async article(id: string, version?: number): Promise<ArticleVersion> {
    const v = await store.version(this.db, id, version);
    if (!v) throw notFound(version === undefined ? `article ${id}` : `version ${version} of article ${id}`);
    return v;
  }

  /** Every published version of an article, oldest first. */
  async history(id: string): Promise<ArticleVersion[]> {
    const vs = await store.versions(this.db, id);
    if (vs.length === 0) throw notFound(`article ${id}`);
    return vs;
  }

  /** The typology vocabulary with how many published articles carry each tag. */
  async tags(): Promise<{ tag: TypologyTag; description: string; articles: number }[]> {
    const counts = await store.tagCounts(this.db);
    return TAGS.map((tag) => ({ tag, description: TYPOLOGY_TAGS[tag], articles: counts.get(tag) ?? 0 }));
  }
}
