import { type FormEvent, useEffect, useState } from 'react';
import { api, errorMessage } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { WhenCell } from '../../components/cells.tsx';
import { DataTable, ListCount } from '../../components/DataTable.tsx';
import { DetailFrame, Kv, RefreshButton, WhenKv } from '../../components/detail.tsx';
import { controlProps, Field } from '../../components/Field.tsx';
import { SearchFilter, SelectFilter } from '../../components/filters.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { AfcTabs } from '../../components/Tabs.tsx';
import { useDirectory } from '../../directory.ts';
import { shownCount } from '../../format.ts';
import { canEditKnowledge, canProposeArticles } from '../../roles.ts';
import type { KbArticleSummary, KbArticleVersion, KbProposal, KbTag, Me } from '../../types.ts';
import { useFormSubmit } from '../../useFormSubmit.ts';
import { hrefOf } from '../../useHashRoute.ts';
import { usePagedList } from '../../usePagedList.ts';
import { useRecord } from '../../useRecord.ts';
import { Participant } from './incidentParts.tsx';
import { ProposeArticleForm } from './ProposeArticleForm.tsx';

/** The server's page size (its default limit). */
const PAGE_SIZE = 100;

const tagLabel = (t: string): string => t.replaceAll('_', ' ');

const Tags = ({ tags }: { tags: readonly string[] }) => (
  <span className="chips">
    {tags.map((t) => (
      <span key={t} className="chip">
        {tagLabel(t)}
      </span>
    ))}
  </span>
);

/** The typology vocabulary, read once per screen. */
function useTags(): KbTag[] {
  const [tags, setTags] = useState<KbTag[]>([]);
  useEffect(() => {
    let cancelled = false;
    api.knowledge.tags().then(
      (r) => !cancelled && setTags(r.items),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, []);
  return tags;
}

/** The operator rejects a proposal with a reason the proposer reads. */
function RejectForm({ proposal, onDone }: { proposal: KbProposal; onDone: (p: KbProposal) => void }) {
  const [reason, setReason] = useState('');
  const f = useFormSubmit(REASON);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    void f.run(async () => onDone(await api.knowledge.reject(proposal.id, reason.trim())));
  };
  return (
    <form className="inline-form" onSubmit={submit} noValidate aria-label={`Reject ${proposal.id}`}>
      {f.formError && <Alert>{f.formError}</Alert>}
      <Field label="Reason" error={f.errors.reason} hint="The proposer reads it" required>
        {(ids) => (
          <input
            {...controlProps(ids)}
            name="reason"
            required
            value={reason}
            onChange={(e) => {
              setReason(e.target.value);
              f.clearError('reason');
            }}
          />
        )}
      </Field>
      <button type="submit" className="btn btn-danger btn-small" disabled={f.busy}>
        Reject proposal
      </button>
    </form>
  );
}
const REASON = ['reason'];

/** Proposals: the participant's own (the operator: all, to publish or reject), newest changes first. */
function ProposalsPanel({ me, reloadKey, onChanged }: { me: Me; reloadKey: number; onChanged: () => void }) {
  const dir = useDirectory(me);
  const paged = usePagedList<KbProposal>();
  const { list, error, start, update } = paged;
  const [rejecting, setRejecting] = useState<string | undefined>();
  const [actionError, setActionError] = useState<string | undefined>();
  const editor = canEditKnowledge(me);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reloadKey asks for the proposals again
  useEffect(() => {
    void start((after) => api.knowledge.proposals({ after }));
  }, [start, reloadKey]);

  const act = async (fn: () => Promise<KbProposal>) => {
    try {
      const p = await fn();
      update((x) => (x.id === p.id ? p : x));
      setActionError(undefined);
      onChanged();
    } catch (err) {
      setActionError(errorMessage(err));
    }
  };

  return (
    <div className="panel">
      <h2 id="kb-proposals-title">{editor ? 'Proposals to review' : 'Your proposals'}</h2>
      {error && <Alert>{error}</Alert>}
      {actionError && <Alert>{actionError}</Alert>}
      <PagedTable
        paged={paged}
        pageSize={PAGE_SIZE}
        labelledBy="kb-proposals-title"
        testId="kb-proposals"
        columns={['Proposal', 'Article', 'Title', editor && 'Proposer', 'Status', 'Proposed', '']}
        loading="Loading proposals…"
        empty="No proposals."
      >
        {(list?.items ?? []).map((p) => (
          <tr key={p.id} data-proposal-id={p.id} data-status={p.status}>
            <th scope="row" className="mono cell-id">
              {p.id}
            </th>
            <td className="mono">
              {p.articleId}
              {p.baseVersion ? <span className="cell-sub"> on v{p.baseVersion}</span> : null}
            </td>
            <td>
              {p.title}
              {p.reason && <span className="cell-sub"> · {p.reason}</span>}
            </td>
            {editor && (
              <td>
                <Participant id={p.proposerId} dir={dir} me={me} />
              </td>
            )}
            <td>
              <StatusBadge status={p.status} />
              {p.publishedVersion && (
                <a className="cell-sub" href={hrefOf('afc-knowledge', `${p.articleId}/${p.publishedVersion}`)}>
                  {' '}
                  v{p.publishedVersion}
                </a>
              )}
            </td>
            <td>
              <WhenCell iso={p.createdAt} />
            </td>
            <td className="actions-col">
              {p.status === 'pending' && editor && (
                <span className="row-actions">
                  <button
                    type="button"
                    className="btn btn-primary btn-small"
                    onClick={() => void act(() => api.knowledge.publish(p.id))}
                  >
                    Publish
                  </button>
                  <button type="button" className="btn btn-small" onClick={() => setRejecting(p.id)}>
                    Reject
                  </button>
                </span>
              )}
              {p.status === 'pending' && !editor && (
                <button
                  type="button"
                  className="btn btn-small"
                  onClick={() => void act(() => api.knowledge.withdraw(p.id))}
                >
                  Withdraw
                </button>
              )}
              {rejecting === p.id && p.status === 'pending' && (
                <RejectForm
                  proposal={p}
                  onDone={(x) => {
                    setRejecting(undefined);
                    update((y) => (y.id === x.id ? x : y));
                  }}
                />
              )}
            </td>
          </tr>
        ))}
      </PagedTable>
    </div>
  );
}

/** `<article id>` or `<article id>/<version>`: that version (default the latest) and every version. */
async function fetchArticle(detail: string): Promise<{ article: KbArticleVersion; versions: KbArticleVersion[] }> {
  const [id, v] = detail.split('/');
  const [article, history] = await Promise.all([
    api.knowledge.article(id!, v ? Number(v) : undefined),
    api.knowledge.versions(id!),
  ]);
  return { article, versions: history.items };
}

/** One article: the version asked for (default the latest), its indicators and actions, and its history. */
function ArticleView({
  me,
  detail,
  tags,
}: {
  me: Me;
  /** `<article id>` or `<article id>/<version>`. */
  detail: string;
  tags: readonly KbTag[];
}) {
  const { record, error } = useRecord(detail, fetchArticle, `No published article ${detail}.`);
  const [proposing, setProposing] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();
  const article = record?.article;
  const versions = record?.versions ?? [];
  const latest = versions.at(-1);
  return (
    <DetailFrame
      backHref={hrefOf('afc-knowledge')}
      backLabel="Knowledge base"
      what="article"
      notice={notice}
      error={error}
      loaded={Boolean(article)}
    >
      {article && (
        <>
          <article className="panel profile" data-testid="kb-article" data-version={article.version}>
            <div className="profile-head">
              <h2>{article.title}</h2>
              <span className="badge badge-neutral">version {article.version}</span>
              {latest && latest.version !== article.version && (
                <a href={hrefOf('afc-knowledge', article.articleId)}>latest is version {latest.version}</a>
              )}
              {canProposeArticles(me) && !proposing && (
                <div className="profile-actions">
                  <button type="button" className="btn btn-small" onClick={() => setProposing(true)}>
                    Propose a new version
                  </button>
                </div>
              )}
            </div>
            <dl className="kv">
              <Kv label="Article ID" className="mono">
                {article.articleId}
              </Kv>
              <Kv label="Typologies">
                <Tags tags={article.tags} />
              </Kv>
              <WhenKv label="Published" iso={article.publishedAt} />
              {article.note && <Kv label="Note">{article.note}</Kv>}
            </dl>
            <div className="pre-wrap kb-body" data-testid="kb-body">
              {article.body}
            </div>
            <h3 className="form-section-title">Indicators</h3>
            <ul data-testid="kb-indicators">
              {article.indicators.map((x) => (
                <li key={x}>{x}</li>
              ))}
            </ul>
            <h3 className="form-section-title">Actions</h3>
            <ul data-testid="kb-actions">
              {article.actions.map((x) => (
                <li key={x}>{x}</li>
              ))}
            </ul>
          </article>
          {proposing && (
            <ProposeArticleForm
              tags={tags}
              base={latest ?? article}
              onCancel={() => setProposing(false)}
              onProposed={(p) => {
                setProposing(false);
                setNotice(`Proposal ${p.id} sent: the operator publishes or rejects it.`);
              }}
            />
          )}
          <div className="panel">
            <h2 id="kb-versions-title">Versions</h2>
            <DataTable
              labelledBy="kb-versions-title"
              testId="kb-versions"
              columns={['Version', 'Title', 'Note', 'Published']}
            >
              {versions.map((x) => (
                <tr key={x.version} data-version={x.version}>
                  <th scope="row">
                    <a href={hrefOf('afc-knowledge', `${x.articleId}/${x.version}`)}>v{x.version}</a>
                  </th>
                  <td>{x.title}</td>
                  <td>{x.note ?? '—'}</td>
                  <td>
                    <WhenCell iso={x.publishedAt} />
                  </td>
                </tr>
              ))}
            </DataTable>
          </div>
        </>
      )}
    </DetailFrame>
  );
}

/**
 * The knowledge base of fraud typologies: published articles searched by words and typology, one article
 * with its versions; banks, PSPs, mobile operators and law enforcement propose articles and new versions,
 * the operator publishes or rejects them.
 */
export function KnowledgePage({ me, detail }: { me: Me; detail: string | undefined }) {
  const tags = useTags();
  const paged = usePagedList<KbArticleSummary>();
  const { list, error, loading, start, reload } = paged;
  const [q, setQ] = useState('');
  const [tag, setTag] = useState('');
  const [proposing, setProposing] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();
  const [proposalsKey, setProposalsKey] = useState(0);
  const mayPropose = canProposeArticles(me);
  const seesProposals = mayPropose || canEditKnowledge(me);

  useEffect(() => {
    if (detail) return;
    const words = q.trim();
    void start((after) => api.knowledge.articles({ q: words || undefined, tag: tag || undefined, after }));
  }, [start, detail, q, tag]);

  return (
    <section aria-labelledby="kb-title">
      <div className="page-head">
        <h1 id="kb-title">Anti-fraud · Knowledge base</h1>
        {!detail && (
          <div className="page-actions">
            <RefreshButton loading={loading} onClick={() => void reload()} />
            {mayPropose && !proposing && (
              <button type="button" className="btn btn-primary" onClick={() => setProposing(true)}>
                Propose article
              </button>
            )}
          </div>
        )}
      </div>
      <AfcTabs me={me} current="afc-knowledge" />
      {detail ? (
        <ArticleView key={detail} me={me} detail={detail} tags={tags} />
      ) : (
        <>
          {notice && <Alert tone="success">{notice}</Alert>}
          {proposing && (
            <ProposeArticleForm
              tags={tags}
              base={undefined}
              onCancel={() => setProposing(false)}
              onProposed={(p) => {
                setProposing(false);
                setNotice(`Proposal ${p.id} sent: the operator publishes or rejects it.`);
                setProposalsKey((k) => k + 1);
              }}
            />
          )}
          {error && <Alert>{error}</Alert>}
          <div className="panel">
            <div className="table-toolbar">
              <div className="toolbar-fields">
                <SearchFilter
                  id="kb-search"
                  label="Search"
                  placeholder="Words in the article"
                  value={q}
                  onChange={setQ}
                />
                <SelectFilter
                  id="kb-tag"
                  label="Typology"
                  className="field-narrow"
                  value={tag}
                  onChange={setTag}
                  allLabel="All typologies"
                  options={tags.map((t) => ({ value: t.tag, label: `${tagLabel(t.tag)} (${t.articles})` }))}
                />
              </div>
              {list && (
                <ListCount testId="kb-count">
                  {shownCount(list.items.length, list.items.length, list.next !== null, 'article')}
                </ListCount>
              )}
            </div>
            <PagedTable
              paged={paged}
              pageSize={PAGE_SIZE}
              label="Articles"
              testId="kb-articles"
              columns={['Article', 'Typologies', 'Version', 'Updated']}
              loading="Loading articles…"
              empty={q || tag ? 'No article matches.' : 'No article is published yet.'}
            >
              {(list?.items ?? []).map((a) => (
                <tr key={a.id} data-article-id={a.id}>
                  <th scope="row">
                    <a href={hrefOf('afc-knowledge', a.id)}>{a.title}</a>
                    <span className="cell-sub mono"> {a.id}</span>
                  </th>
                  <td>
                    <Tags tags={a.tags} />
                  </td>
                  <td>v{a.latestVersion}</td>
                  <td>
                    <WhenCell iso={a.updatedAt} />
                  </td>
                </tr>
              ))}
            </PagedTable>
          </div>
          {seesProposals && <ProposalsPanel me={me} reloadKey={proposalsKey} onChanged={() => void reload()} />}
        </>
      )}
    </section>
  );
}
