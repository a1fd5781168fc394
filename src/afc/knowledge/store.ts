import type { Queryable, SqlValue } from '../../platform/index.ts';
import { Conditions } from '../store-kit.ts';
import {
  type ArticleContent,
  containsPattern,
  type ProposalStatus,
  searchText,
  type TypologyTag,
} from './domain/article.ts';

/** A proposed article or version, with its outcome. */
export interface Proposal extends ArticleContent {
  id: string;
  articleId: string;
  /** The version it was written on; null for a new article. */
  baseVersion: number | null;
  note: string | null;
  /** The proposing participant: it and the operator see the proposal. */
  proposerId: string;
  /** The user or API client that proposed it. */
  proposedBy: string;
  status: ProposalStatus;
  /** Why it was rejected or withdrawn. */
  reason: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  /** The version it became when published. */
  publishedVersion: number | null;
  createdAt: string;
  updatedAt: string;
}

/** A published version: written once, never changed. */
export interface ArticleVersion extends ArticleContent {
  articleId: string;
  version: number;
  note: string | null;
  proposalId: string;
  proposerId: string;
  publishedBy: string;
  publishedAt: string;
  auditSeq: number;
}

/** An article in a listing: its latest version's title and tags. */
export interface ArticleSummary {
  id: string;
  latestVersion: number;
  title: string;
  tags: TypologyTag[];
  createdAt: string;
  updatedAt: string;
}

/** Content columns as read: lists as JSON text. */
interface ContentColumns {
  title: string;
  tags: string;
  body: string;
  indicators: string;
  actions: string;
  note: string | null;
}

interface ProposalRow extends ContentColumns {
  id: string;
  article_id: string;
  base_version: bigint | null;
  proposer_id: string;
  proposed_by: string;
  status: ProposalStatus;
  reason: string | null;
  decided_by: string | null;
  decided_at: string | null;
  published_version: bigint | null;
  created_at: string;
  updated_at: string;
}

interface VersionRow extends ContentColumns {
  article_id: string;
  version: bigint;
  proposal_id: string;
  proposer_id: string;
  published_by: string;
  published_at: string;
  audit_seq: bigint;
}

interface ArticleRow {
  id: string;
  latest_version: bigint;
  title: string;
  tags: string;
  created_at: string;
  updated_at: string;
}

const num = (v: bigint | null): number | null => (v === null ? null : Number(v));

/** The content columns as stored and as read back. */
const contentParams = (c: ArticleContent): SqlValue[] => [
  c.title,
  JSON.stringify(c.tags),
  c.body,
  JSON.stringify(c.indicators),
  JSON.stringify(c.actions),
];
const contentOf = (r: ContentColumns): ArticleContent => ({
  title: r.title,
  tags: JSON.parse(r.tags),
  body: r.body,
  indicators: JSON.parse(r.indicators),
  actions: JSON.parse(r.actions),
});

const toProposal = (r: ProposalRow): Proposal => ({
  id: r.id,
  articleId: r.article_id,
  baseVersion: num(r.base_version),
  ...contentOf(r),
  note: r.note,
  proposerId: r.proposer_id,
  proposedBy: r.proposed_by,
  status: r.status,
  reason: r.reason,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
  publishedVersion: num(r.published_version),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toVersion = (r: VersionRow): ArticleVersion => ({
  articleId: r.article_id,
  version: Number(r.version),
  ...contentOf(r),
  note: r.note,
  proposalId: r.proposal_id,
  proposerId: r.proposer_id,
  publishedBy: r.published_by,
  publishedAt: r.published_at,
  auditSeq: Number(r.audit_seq),
});

const toSummary = (r: ArticleRow): ArticleSummary => ({
  id: r.id,
  latestVersion: Number(r.latest_version),
  title: r.title,
  tags: JSON.parse(r.tags),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const VERSION_COLS =
  'article_id, version, title, tags, body, indicators, actions, note, proposal_id, proposer_id, published_by, published_at, audit_seq';

/** The SQL of the knowledge base: the only code touching its tables. */
export const knowledgeStore = {
  async insertProposal(q: Queryable, p: Proposal): Promise<void> {
    await q.exec(
      `INSERT INTO afc_kb_proposals (id, article_id, base_version, title, tags, body, indicators, actions, note,
         proposer_id, proposed_by, status, reason, decided_by, decided_at, published_version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, NULL, NULL, NULL, NULL, $13, $13)`,
      [
        p.id,
        p.articleId,
        p.baseVersion === null ? null : BigInt(p.baseVersion),
        ...contentParams(p),
        p.note,
        p.proposerId,
        p.proposedBy,
        p.status,
        p.createdAt,
      ],
    );
  },

  async proposal(q: Queryable, id: string): Promise<Proposal | undefined> {
    const [r] = await q.query<ProposalRow>('SELECT * FROM afc_kb_proposals WHERE id = $1', [id]);
    return r ? toProposal(r) : undefined;
  },

  /** Moves a pending proposal to its outcome; false when it is no longer pending (a racing decision won). */
  async decide(
    q: Queryable,
    id: string,
    d: { status: ProposalStatus; reason: string | null; by: string; at: string; publishedVersion: number | null },
  ): Promise<boolean> {
    const n = await q.exec(
      `UPDATE afc_kb_proposals SET status = $1, reason = $2, decided_by = $3, decided_at = $4, published_version = $5,
         updated_at = $4 WHERE id = $6 AND status = 'pending'`,
      [d.status, d.reason, d.by, d.at, d.publishedVersion === null ? null : BigInt(d.publishedVersion), id],
    );
    return n === 1;
  },

  /** Proposals in id order, of one proposer (or all), optionally of one status. */
  async proposals(
    q: Queryable,
    f: { proposerId?: string; status?: ProposalStatus; articleId?: string; after?: string; limit: number },
  ): Promise<Proposal[]> {
    const where = new Conditions();
    if (f.proposerId !== undefined) where.and(`proposer_id = ${where.bind(f.proposerId)}`);
    if (f.status !== undefined) where.and(`status = ${where.bind(f.status)}`);
    if (f.articleId !== undefined) where.and(`article_id = ${where.bind(f.articleId)}`);
    if (f.after !== undefined) where.and(`id > ${where.bind(f.after)}`);
    const rows = await q.query<ProposalRow>(
      `SELECT * FROM afc_kb_proposals ${where} ORDER BY id LIMIT ${where.bind(f.limit)}`,
      where.args,
    );
    return rows.map(toProposal);
  },

  async latestVersion(q: Queryable, articleId: string): Promise<number | null> {
    const [r] = await q.query<{ latest_version: bigint }>('SELECT latest_version FROM afc_kb_articles WHERE id = $1', [
      articleId,
    ]);
    return r ? Number(r.latest_version) : null;
  },

  /**
   * Writes a published version and makes it the article's latest: the version row (its primary key refuses a
   * second version of the same number), the article row with the search text, and the article's tags.
   */
  async publish(q: Queryable, v: ArticleVersion): Promise<void> {
    await q.exec(
      `INSERT INTO afc_kb_versions (${VERSION_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        v.articleId,
        BigInt(v.version),
        ...contentParams(v),
        v.note,
        v.proposalId,
        v.proposerId,
        v.publishedBy,
        v.publishedAt,
        BigInt(v.auditSeq),
      ],
    );
    const text = searchText(v);
    await q.exec(
      `INSERT INTO afc_kb_articles (id, latest_version, title, tags, search_text, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6)
       ON CONFLICT (id) DO UPDATE SET latest_version = excluded.latest_version, title = excluded.title,
         tags = excluded.tags, search_text = excluded.search_text, updated_at = excluded.updated_at`,
      [v.articleId, BigInt(v.version), v.title, JSON.stringify(v.tags), text, v.publishedAt],
    );
    await q.exec('DELETE FROM afc_kb_tags WHERE article_id = $1', [v.articleId]);
    for (const tag of v.tags) {
      await q.exec('INSERT INTO afc_kb_tags (tag, article_id) VALUES ($1, $2)', [tag, v.articleId]);
    }
  },

  async version(q: Queryable, articleId: string, version?: number): Promise<ArticleVersion | undefined> {
    const [r] =
      version === undefined
        ? await q.query<VersionRow>(
            `SELECT v.* FROM afc_kb_versions v JOIN afc_kb_articles a ON a.id = v.article_id AND a.latest_version = v.version
             WHERE a.id = $1`,
            [articleId],
          )
        : await q.query<VersionRow>(`SELECT * FROM afc_kb_versions WHERE article_id = $1 AND version = $2`, [
            articleId,
            BigInt(version),
          ]);
    return r ? toVersion(r) : undefined;
  },

  async versions(q: Queryable, articleId: string): Promise<ArticleVersion[]> {
    const rows = await q.query<VersionRow>(
      `SELECT ${VERSION_COLS} FROM afc_kb_versions WHERE article_id = $1 ORDER BY version`,
      [articleId],
    );
    return rows.map(toVersion);
  },

  /** Articles by id whose latest version has every tag and contains every (folded) term. */
  async search(
    q: Queryable,
    f: { terms: readonly string[]; tags: readonly string[]; after?: string; limit: number },
  ): Promise<ArticleSummary[]> {
    const where = new Conditions();
    for (const t of f.terms) where.and(`a.search_text LIKE ${where.bind(containsPattern(t))} ESCAPE '\\'`);
    for (const tag of f.tags) {
      where.and(`EXISTS (SELECT 1 FROM afc_kb_tags t WHERE t.tag = ${where.bind(tag)} AND t.article_id = a.id)`);
    }
    if (f.after !== undefined) where.and(`a.id > ${where.bind(f.after)}`);
    const rows = await q.query<ArticleRow>(
      `SELECT a.id, a.latest_version, a.title, a.tags, a.created_at, a.updated_at FROM afc_kb_articles a
       ${where} ORDER BY a.id LIMIT ${where.bind(f.limit)}`,
      where.args,
    );
    return rows.map(toSummary);
  },

  /** Published articles per tag. */
  async tagCounts(q: Queryable): Promise<Map<string, number>> {
    const rows = await q.query<{ tag: string; n: bigint }>('SELECT tag, COUNT(*) AS n FROM afc_kb_tags GROUP BY tag');
    return new Map(rows.map((r) => [r.tag, Number(r.n)]));
  },
};
