import { DomainError, invalid } from '../../../platform/pure.ts';
import { oneLine } from '../../domain/text.ts';

/**
 * The knowledge base of fraud typologies (AFC-7): articles written collectively by the participants who see
 * fraud (banks, payment organisations, mobile operators, law enforcement) and published by the operator.
 *
 * An article is known by its slug and has numbered versions 1, 2, 3…, each published from one proposal and
 * never changed afterwards. A proposal carries a whole article: either a new one (no base version) or the
 * next version of an existing one, written against the version it names as its base. The operator publishes
 * or rejects it (with a reason); its proposer may withdraw it while it is pending. A proposal written against
 * a version that is no longer the latest is refused at publication (409): its author proposes again on top of
 * the new one, so no published text is ever silently overwritten by an edit of an older one.
 */

/** Typologies an article is tagged with: the vocabulary search by tag uses. */
export const TYPOLOGY_TAGS = {
  account_takeover: 'a fraudster takes control of a customer’s account or app (stolen credentials, OTP interception)',
  social_engineering: 'the victim is manipulated into paying or disclosing data (fake bank staff, fake police)',
  investment_scam: 'fake investments, pyramid schemes, fake brokers and crypto platforms',
  mule: 'accounts and cards used to receive and move stolen money (drops)',
  phishing: 'fake sites, messages and calls that collect credentials or card data',
  sim_swap: 'the victim’s phone number is moved to the fraudster’s SIM to receive one-time codes',
  card_fraud: 'card-not-present fraud, skimming, counterfeit and stolen cards',
  impersonation: 'the fraudster poses as a relative, an employer, a government body or a company',
  romance_scam: 'a fake relationship ends in requests for money',
  marketplace_scam: 'fake sellers and buyers on classifieds and marketplaces, fake delivery',
  loan_scam: 'loans taken out in the victim’s name or fake lenders collecting fees',
  identity_theft: 'accounts opened or products obtained with another person’s identity',
  malware: 'banking trojans, remote-access tools and malicious apps on the victim’s device',
  insider: 'fraud with the help of a participant’s own staff',
  money_laundering: 'layering and cashing out the proceeds of fraud',
} as const;
export type TypologyTag = keyof typeof TYPOLOGY_TAGS;
export const TAGS = Object.keys(TYPOLOGY_TAGS) as TypologyTag[];

export const isTag = (t: unknown): t is TypologyTag => typeof t === 'string' && Object.hasOwn(TYPOLOGY_TAGS, t);

/** What an article says: the same fields in every version. */
export interface ArticleContent {
  title: string;
  tags: TypologyTag[];
  /** Markdown. */
  body: string;
  /** Signs by which the typology is recognised in payments, sessions, devices or behaviour. */
  indicators: string[];
  /** What a participant should do when it sees them. */
  actions: string[];
}

export const LIMITS = {
  title: 200,
  body: 50_000,
  item: 500,
  items: 50,
  tags: 8,
  note: 1000,
} as const;

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** An article's id: lowercase words of letters and digits joined by single hyphens, 3-80 characters. */
export function validSlug(slug: unknown, field: string): string {
  if (typeof slug !== 'string' || slug.length < 3 || slug.length > 80 || !SLUG.test(slug)) {
    throw invalid(field, 'a slug is 3-80 lowercase letters and digits in words joined by "-", e.g. "sim-swap-otp"');
  }
  return slug;
}

function lines(value: unknown, field: string, min: number): string[] {
  if (!Array.isArray(value)) throw invalid(field, 'must be a list of texts');
  if (value.length < min) throw invalid(field, `at least ${min}`);
  if (value.length > LIMITS.items) throw invalid(field, `at most ${LIMITS.items} items`);
  const out = value.map((v, i) => oneLine(v, `${field}/${i}`, LIMITS.item));
  const seen = new Set<string>();
  out.forEach((v, i) => {
    const k = v.toLowerCase();
    if (seen.has(k)) throw invalid(`${field}/${i}`, 'repeats an earlier item');
    seen.add(k);
  });
  return out;
}

/**
 * The content of a proposal in its one stored form, or a 400 naming the field: title and list items
 * trimmed with whitespace collapsed, the body's line ends normalised and trailing blanks dropped, tags from the
 * vocabulary (at least one, each once, in vocabulary order), at least one indicator and one action.
 */
export function validContent(input: unknown, at = ''): ArticleContent {
  if (typeof input !== 'object' || input === null) throw invalid(at || '/', 'must be an article');
  const c = input as Record<string, unknown>;
  const title = oneLine(c.title, `${at}/title`, LIMITS.title);
  if (!Array.isArray(c.tags) || c.tags.length === 0) throw invalid(`${at}/tags`, 'at least one typology tag');
  if (c.tags.length > LIMITS.tags) throw invalid(`${at}/tags`, `at most ${LIMITS.tags} tags`);
  const tags = new Set<TypologyTag>();
  c.tags.forEach((t, i) => {
    if (!isTag(t)) throw invalid(`${at}/tags/${i}`, `must be one of ${TAGS.join(', ')}`);
    if (tags.has(t)) throw invalid(`${at}/tags/${i}`, 'repeats an earlier tag');
    tags.add(t);
  });
  if (typeof c.body !== 'string') throw invalid(`${at}/body`, 'must be Markdown text');
  const body = c.body
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .trim();
  if (body.length === 0) throw invalid(`${at}/body`, 'must not be empty');
  if (body.length > LIMITS.body) throw invalid(`${at}/body`, `at most ${LIMITS.body} characters`);
  return {
    title,
    tags: TAGS.filter((t) => tags.has(t)),
    body,
    indicators: lines(c.indicators, `${at}/indicators`, 1),
    actions: lines(c.actions, `${at}/actions`, 1),
  };
}

/** An optional note on a proposal or a decision: one line, or null. */
export function validNote(note: unknown, field: string): string | null {
  if (note === undefined || note === null || (typeof note === 'string' && note.trim() === '')) return null;
  return oneLine(note, field, LIMITS.note);
}

// --- proposals ---

export const PROPOSAL_STATUSES = ['pending', 'published', 'rejected', 'withdrawn'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];
export type ProposalAction = 'publish' | 'reject' | 'withdraw';
/** Who acts on a proposal: its proposer (any user of the proposing participant) or the operator. */
export type ProposalRole = 'proposer' | 'operator';

const RULES: Record<ProposalAction, { by: ProposalRole; to: ProposalStatus }> = {
  publish: { by: 'operator', to: 'published' },
  reject: { by: 'operator', to: 'rejected' },
  withdraw: { by: 'proposer', to: 'withdrawn' },
};

/** The status an action leads to: only pending proposals move, and only by the right party. */
export function nextProposalStatus(current: ProposalStatus, action: ProposalAction, by: ProposalRole): ProposalStatus {
  const rule = RULES[action];
  if (rule.by !== by) throw new DomainError('forbidden', `only the ${rule.by} may ${action} a proposal`);
  if (current !== 'pending') {
    throw new DomainError('state', `the proposal is ${current}: only a pending proposal can be ${rule.to}`);
  }
  return rule.to;
}

/**
 * The version a proposal publishes as, given the article's latest published version (null: no such article):
 * a new article is version 1 and needs the slug to be free; a revision is the next version and needs its base
 * to still be the latest.
 */
export function versionToPublish(latest: number | null, baseVersion: number | null, slug: string): number {
  if (baseVersion === null) {
    if (latest !== null) {
      throw new DomainError('conflict', `article ${slug} already exists (version ${latest}): propose a new version`);
    }
    return 1;
  }
  if (latest === null) throw new DomainError('not-found', `article ${slug} not found`);
  if (baseVersion !== latest) {
    throw new DomainError(
      'conflict',
      `the proposal was written on version ${baseVersion} of ${slug}, which is now at version ${latest}: propose again on the latest`,
    );
  }
  return latest + 1;
}

/** A published version as history keeps it. */
export interface PublishedVersion {
  version: number;
  content: ArticleContent;
  proposalId: string;
}

/**
 * An article's history after publishing a proposal on it: a new array with the new version appended, the
 * versions before it untouched (the same objects). Refuses as `versionToPublish` does.
 */
export function appendVersion(
  history: readonly PublishedVersion[],
  proposal: { id: string; baseVersion: number | null; content: ArticleContent },
  slug: string,
): PublishedVersion[] {
  const latest = history.length === 0 ? null : history[history.length - 1]!.version;
  const version = versionToPublish(latest, proposal.baseVersion, slug);
  return [...history, { version, content: proposal.content, proposalId: proposal.id }];
}

// --- search ---

/** Text folded for search: compatibility forms, lower case, ё as е, whitespace collapsed. */
export const foldText = (s: string): string =>
  s.normalize('NFKC').toLowerCase().replace(/ё/g, 'е').replace(/\s+/g, ' ').trim();

/** What text search looks in: title, body, indicators and actions of the latest version. */
export const searchText = (c: ArticleContent): string =>
  foldText([c.title, c.body, ...c.indicators, ...c.actions].join('\n'));

/** The words of a query (folded, 2+ characters, at most 8): an article matches when it contains all. */
export function searchTerms(q: unknown, field: string): string[] {
  if (q === undefined) return [];
  if (typeof q !== 'string' || q.length > 200) throw invalid(field, 'a query is at most 200 characters');
  const words = [...new Set(foldText(q).split(' '))].filter((w) => w.length >= 2);
  if (words.length > 8) throw invalid(field, 'at most 8 words');
  return words;
}

/** Whether folded `text` contains every term: the rule the store's SQL applies. */
export const matchesTerms = (text: string, terms: readonly string[]): boolean => terms.every((t) => text.includes(t));

/** A LIKE pattern for "contains `term`", with `\` as the escape character. */
export const containsPattern = (term: string): string => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
