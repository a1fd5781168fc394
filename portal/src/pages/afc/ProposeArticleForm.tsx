import { type FormEvent, useState } from 'react';
import { api } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { controlProps, Field } from '../../components/Field.tsx';
import type { KbArticleVersion, KbProposal, KbTag } from '../../types.ts';
import { useFormSubmit } from '../../useFormSubmit.ts';

const FIELDS = ['articleId', 'title', 'tags', 'body', 'indicators', 'actions', 'note', 'baseVersion'];

/** A list typed one item a line, without the empty lines. */
const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * Proposing an article, or a new version of one (`base`: the latest version read, whose content it starts
 * from). The operator publishes or rejects it; the API names a field it refuses (`/indicators/2` by the
 * indicators).
 */
export function ProposeArticleForm({
  tags,
  base,
  onProposed,
  onCancel,
}: {
  tags: readonly KbTag[];
  base: KbArticleVersion | undefined;
  onProposed: (p: KbProposal) => void;
  onCancel: () => void;
}) {
  const [articleId, setArticleId] = useState(base?.articleId ?? '');
  const [title, setTitle] = useState(base?.title ?? '');
  const [chosen, setChosen] = useState<string[]>(base?.tags ?? []);
  const [body, setBody] = useState(base?.body ?? '');
  const [indicators, setIndicators] = useState(base?.indicators.join('\n') ?? '');
  const [actions, setActions] = useState(base?.actions.join('\n') ?? '');
  const [note, setNote] = useState('');
  const f = useFormSubmit(FIELDS, { fallback: 'Please correct the highlighted fields.' });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    void f.run(async () =>
      onProposed(
        await api.knowledge.propose({
          articleId: articleId.trim(),
          ...(base ? { baseVersion: base.version } : {}),
          title: title.trim(),
          tags: chosen,
          body,
          indicators: lines(indicators),
          actions: lines(actions),
          ...(note.trim() ? { note: note.trim() } : {}),
        }),
      ),
    );
  };

  /** A text control wired to the form: its message, cleared as the user types. */
  const text =
    (name: string, value: string, set: (v: string) => void, rows?: number) =>
    (ids: Parameters<typeof controlProps>[0]) => {
      const props = {
        ...controlProps(ids),
        name,
        value,
        onChange: (e: { target: { value: string } }) => {
          set(e.target.value);
          f.clearError(name);
        },
      };
      return rows ? <textarea {...props} rows={rows} /> : <input {...props} />;
    };

  return (
    <form className="panel" onSubmit={submit} noValidate aria-label="Propose article">
      <h2>{base ? `Propose version ${base.version + 1} of ${base.articleId}` : 'Propose an article'}</h2>
      <p className="muted panel-lead">
        The operator reads your proposal and publishes it as the article’s next version, or rejects it with a reason.
        Published versions never change.
      </p>
      {f.formError && <Alert>{f.formError}</Alert>}
      <div className="form-grid">
        <Field
          label="Article ID"
          error={f.errors.articleId}
          hint="lowercase words joined by -, e.g. sim-swap-otp"
          required
        >
          {(ids) => (
            <input
              {...controlProps(ids)}
              name="articleId"
              className="mono"
              required
              readOnly={Boolean(base)}
              value={articleId}
              onChange={(e) => {
                setArticleId(e.target.value);
                f.clearError('articleId');
              }}
            />
          )}
        </Field>
        <Field label="Title" error={f.errors.title} required>
          {text('title', title, setTitle)}
        </Field>
      </div>
      <fieldset className={`field radio-group${f.errors.tags ? ' field-invalid' : ''}`}>
        <legend>Typologies</legend>
        <div className="radio-row">
          {tags.map((t) => (
            <label key={t.tag} className="checkbox" title={t.description}>
              <input
                type="checkbox"
                name="tags"
                value={t.tag}
                checked={chosen.includes(t.tag)}
                onChange={(e) => {
                  setChosen((c) => (e.target.checked ? [...c, t.tag] : c.filter((x) => x !== t.tag)));
                  f.clearError('tags');
                }}
              />
              {t.tag.replaceAll('_', ' ')}
            </label>
          ))}
        </div>
        {f.errors.tags && <p className="field-error">{f.errors.tags}</p>}
      </fieldset>
      <Field label="Body" error={f.errors.body} hint="Markdown: how the scheme works, with examples" required>
        {text('body', body, setBody, 8)}
      </Field>
      <div className="form-grid">
        <Field label="Indicators" error={f.errors.indicators} hint="Signs to recognise it by, one a line" required>
          {text('indicators', indicators, setIndicators, 5)}
        </Field>
        <Field label="Actions" error={f.errors.actions} hint="What a participant should do, one a line" required>
          {text('actions', actions, setActions, 5)}
        </Field>
      </div>
      <Field label="Note (optional)" error={f.errors.note} hint="What changed and why, in one line">
        {text('note', note, setNote)}
      </Field>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={f.busy}>
          {f.busy ? 'Sending…' : 'Send proposal'}
        </button>
        <button type="button" className="btn" onClick={onCancel} disabled={f.busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
