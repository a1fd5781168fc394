import { type FormEvent, type ReactNode, useMemo, useState } from 'react';
import { api } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { controlProps, Field } from '../../components/Field.tsx';
import { formatCount } from '../../format.ts';
import { type IncidentCard, type IncidentTypes, RECOVERY_KINDS, type RecoveryKind } from '../../types.ts';
import { type FormSubmit, useFormSubmit } from '../../useFormSubmit.ts';
import { RECOVERY_LABELS } from './afcLabels.ts';
import { detailsOf, IncidentFieldsEditor } from './IncidentFields.tsx';
import { fieldsOf } from './useIncidentTypes.ts';

interface StepProps {
  card: IncidentCard;
  onDone: (card: IncidentCard, notice: string) => void;
  onCancel: () => void;
}

/** A form under the card's actions: its title, the form's error, its fields, submit and cancel. */
function StepFrame({
  label,
  lead,
  form,
  submitLabel,
  tone = 'primary',
  onSubmit,
  onCancel,
  children,
}: {
  label: string;
  lead: string;
  /** Its submission: the form's error above the fields, the buttons off while it runs. */
  form: Pick<FormSubmit, 'formError' | 'busy'>;
  submitLabel: string;
  tone?: 'primary' | 'danger';
  onSubmit: (e: FormEvent<HTMLFormElement>) => void;
  onCancel?: () => void;
  children: ReactNode;
}) {
  const { formError, busy } = form;
  return (
    <form
      className="inline-form"
      onSubmit={onSubmit}
      noValidate
      aria-label={label}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel?.();
      }}
    >
      <p className="inline-form-title">
        <strong>{label}</strong> · {lead}
      </p>
      {formError && <Alert>{formError}</Alert>}
      {children}
      <div className="form-actions">
        <button type="submit" className={`btn ${tone === 'danger' ? 'btn-danger' : 'btn-primary'}`} disabled={busy}>
          {busy ? 'Saving…' : submitLabel}
        </button>
        {onCancel && (
          <button type="button" className="btn" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}

/** A multi-line text of a form (grounds, a note): its message from the form, cleared as the user types. */
function TextField({
  form,
  label,
  name,
  hint,
  required,
  value,
  onChange,
}: {
  form: FormSubmit;
  label: string;
  name: string;
  hint: string;
  required?: boolean;
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <Field label={label} error={form.errors[name]} hint={hint} required={required ?? false}>
      {(ids) => (
        <textarea
          {...controlProps(ids)}
          name={name}
          rows={3}
          maxLength={4000}
          required={required}
          value={value}
          onChange={(e) => {
            onChange(e.target.value);
            form.clearError(name);
          }}
        />
      )}
    </Field>
  );
}

const GROUNDS = ['grounds', 'decision'];

/**
 * A step taken with mandatory grounds (a decision, a withdrawal): `check` adds the form's own messages,
 * `take` calls the API with the grounds typed.
 */
function GroundsStep({
  label,
  lead,
  submitLabel,
  tone,
  hint,
  missing,
  check,
  take,
  onCancel,
  children,
}: {
  label: string;
  lead: string;
  submitLabel: string;
  tone?: 'primary' | 'danger';
  hint: string;
  /** The message when no grounds are given. */
  missing: string;
  check?: () => Record<string, string>;
  take: (grounds: string) => Promise<void>;
  onCancel: () => void;
  children?: (form: FormSubmit) => ReactNode;
}) {
  const [grounds, setGrounds] = useState('');
  const f = useFormSubmit(GROUNDS);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const errors = { ...check?.(), ...(grounds.trim() ? {} : { grounds: missing }) };
    if (Object.keys(errors).length) {
      f.setErrors(errors);
      return;
    }
    void f.run(() => take(grounds.trim()));
  };
  return (
    <StepFrame
      label={label}
      lead={lead}
      form={f}
      submitLabel={submitLabel}
      {...(tone ? { tone } : {})}
      onSubmit={submit}
      onCancel={onCancel}
    >
      {children?.(f)}
      <TextField form={f} label="Grounds" name="grounds" hint={hint} required value={grounds} onChange={setGrounds} />
    </StepFrame>
  );
}

type Decision = 'fraud' | 'not_fraud';
const DECISIONS: readonly (readonly [Decision, string])[] = [
  ['fraud', 'Fraud'],
  ['not_fraud', 'Not fraud'],
];

/** Law enforcement decides “fraud” or “not fraud”, with mandatory grounds; the lists follow in the same commit. */
export function DecisionForm({ card, onDone, onCancel }: StepProps) {
  const [decision, setDecision] = useState<Decision | ''>('');
  return (
    <GroundsStep
      label="Decision"
      lead="fraud moves the beneficiary’s identifiers to the fraudsters list (payments to them are refused); not fraud takes them off the suspects list"
      submitLabel="Record decision"
      hint="e.g. the criminal case number and what it established; recorded in the card’s history"
      missing="Give the decision’s grounds: every participant on the card reads them."
      check={(): Record<string, string> => (decision ? {} : { decision: 'Choose fraud or not fraud.' })}
      take={async (grounds) => {
        const c = await api.afc.decide(card.id, decision as Decision, grounds);
        onDone(
          c,
          decision === 'fraud' ? 'Decided: fraud. The beneficiary is on the fraudsters list.' : 'Decided: not fraud.',
        );
      }}
      onCancel={onCancel}
    >
      {(f) => (
        <fieldset
          className={`field radio-group${f.errors.decision ? ' field-invalid' : ''}`}
          aria-describedby={f.errors.decision ? 'decision-error' : undefined}
        >
          <legend>
            Decision{' '}
            <span className="field-required" aria-hidden="true">
              *
            </span>
          </legend>
          <div className="radio-row">
            {DECISIONS.map(([v, label]) => (
              <label key={v} className="checkbox">
                <input
                  type="radio"
                  name="decision"
                  value={v}
                  checked={decision === v}
                  onChange={() => {
                    setDecision(v);
                    f.clearError('decision');
                  }}
                />{' '}
                {label}
              </label>
            ))}
          </div>
          {f.errors.decision && (
            <p className="field-error" id="decision-error">
              {f.errors.decision}
            </p>
          )}
        </fieldset>
      )}
    </GroundsStep>
  );
}

/** The reporter withdraws an undecided card (filed in error), with grounds; its suspects leave the list. */
export const WithdrawForm = ({ card, onDone, onCancel }: StepProps) => (
  <GroundsStep
    label="Withdraw"
    lead="the beneficiary’s identifiers leave the suspects list; the card closes"
    submitLabel="Withdraw card"
    tone="danger"
    hint="Recorded in the card’s history and sent to every participant on it"
    missing="Say why the card is withdrawn."
    take={async (grounds) => onDone(await api.afc.withdraw(card.id, grounds), 'The card is withdrawn.')}
    onCancel={onCancel}
  />
);

/** A card's field as its editor shows it: an instant as `YYYY-MM-DDTHH:MM:SS` (UTC) for datetime-local. */
const editable = (v: string, format: string | undefined): string =>
  format === 'datetime' && v.endsWith('Z') ? v.slice(0, 19) : v;

/**
 * Supplement: add or correct fields of the card's type (the card's values shown; only the changed ones are
 * sent) and/or a note. New beneficiary identifiers are listed as suspects, a newly found bank becomes related.
 */
export function SupplementForm({ card, matrix, onDone, onCancel }: StepProps & { matrix: IncidentTypes }) {
  const type = matrix.types.find((t) => t.type === card.type);
  const fields = useMemo(() => (type ? fieldsOf(type).map((x) => ({ ...x, mandatory: false })) : []), [type]);
  const original = useMemo(
    () =>
      Object.fromEntries(
        Object.entries(card.details).map(([k, v]) => [k, editable(v, matrix.fields[k]?.format)]),
      ) as Record<string, string>,
    [card.details, matrix.fields],
  );
  const [values, setValues] = useState<Record<string, string>>(original);
  const [note, setNote] = useState('');
  const known = useMemo(() => ['note', ...fields.map((x) => x.name)], [fields]);
  const f = useFormSubmit(known, { nested: ['details'] });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const changed = Object.fromEntries(
      Object.entries(values).filter(([k, v]) => v.trim() && v.trim() !== (original[k] ?? '')),
    );
    const details = detailsOf(changed, matrix.fields);
    const n = Object.keys(details).length;
    if (n === 0 && !note.trim()) {
      f.setErrors({ note: 'Change a field or write a note.' });
      return;
    }
    void f.run(async () => {
      const c = await api.afc.supplement(card.id, {
        ...(n > 0 ? { details } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      onDone(c, `The card is supplemented${n > 0 ? ` (${formatCount(n)} ${n === 1 ? 'field' : 'fields'})` : ''}.`);
    });
  };
  return (
    <StepFrame
      label="Supplement"
      lead="add or correct fields, or add a note; every participant on the card is told"
      form={f}
      submitLabel="Supplement card"
      onSubmit={submit}
      onCancel={onCancel}
    >
      {!type && (
        <Alert>The card’s transaction type {card.type} is no longer published: only a note can be added.</Alert>
      )}
      <IncidentFieldsEditor
        fields={fields}
        catalogue={matrix.fields}
        values={values}
        errors={f.errors}
        onChange={(name, v) => {
          setValues((old) => ({ ...old, [name]: v }));
          f.clearError(name);
        }}
      />
      <TextField
        form={f}
        label="Note"
        name="note"
        hint="What you found: e.g. when the account was opened, other incoming transfers, funds held"
        value={note}
        onChange={setNote}
      />
    </StepFrame>
  );
}

const RECOVERY_FIELDS = ['kind', 'amount', 'reference'];

/** Funds blocked at the sender’s bank, at the recipient’s bank, or returned, recorded by the reporter or a party. */
export function RecoveryForm({ card, onDone }: Omit<StepProps, 'onCancel'>) {
  const [kind, setKind] = useState<RecoveryKind | ''>('');
  const [amount, setAmount] = useState('');
  const [reference, setReference] = useState('');
  const f = useFormSubmit(RECOVERY_FIELDS);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!kind) {
      f.setErrors({ kind: 'Choose what happened to the funds.' });
      return;
    }
    void f.run(async () => {
      const c = await api.afc.recordRecovery(card.id, {
        kind,
        amount: amount.trim(),
        ...(reference.trim() ? { reference: reference.trim() } : {}),
      });
      setAmount('');
      setReference('');
      onDone(c, `Recorded: ${RECOVERY_LABELS[kind].toLowerCase()}, ${amount.trim()} KZT.`);
    });
  };
  return (
    <StepFrame
      label="Record recovered funds"
      lead="at most the incident’s amount; the same reference records once"
      form={f}
      submitLabel="Record"
      onSubmit={submit}
    >
      <div className="form-grid">
        <Field label="What happened" error={f.errors.kind} required>
          {(ids) => (
            <select
              {...controlProps(ids)}
              name="kind"
              required
              value={kind}
              onChange={(e) => {
                setKind(e.target.value as RecoveryKind | '');
                f.clearError('kind');
              }}
            >
              <option value="">Choose…</option>
              {RECOVERY_KINDS.map((k) => (
                <option key={k} value={k}>
                  {RECOVERY_LABELS[k]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Amount (KZT)" error={f.errors.amount} required>
          {(ids) => (
            <input
              {...controlProps(ids)}
              name="amount"
              inputMode="decimal"
              required
              value={amount}
              onChange={(e) => {
                setAmount(e.target.value);
                f.clearError('amount');
              }}
            />
          )}
        </Field>
        <Field label="Reference (optional)" error={f.errors.reference} hint="e.g. your hold or return number">
          {(ids) => (
            <input
              {...controlProps(ids)}
              name="reference"
              className="mono"
              maxLength={64}
              value={reference}
              onChange={(e) => {
                setReference(e.target.value);
                f.clearError('reference');
              }}
            />
          )}
        </Field>
      </div>
    </StepFrame>
  );
}

/** Types the API accepts; a file the browser gives no type names one by its extension. */
const ATTACHMENT_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  txt: 'text/plain',
  json: 'application/json',
};
const MAX_ATTACHMENT_BYTES = 512 * 1024;

/** A file's content as base64 (without the data URL's prefix). */
const base64Of = (file: File): Promise<string> =>
  new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error ?? new Error('the file could not be read'));
    r.readAsDataURL(file);
  });

const ATTACH_FIELDS = ['filename', 'contentType', 'contentBase64'];

/** Evidence for the card: PDF, PNG, JPEG, text or JSON, at most 512 KiB, sent as base64 JSON. */
export function AttachmentForm({ card, onAttached }: { card: IncidentCard; onAttached: (notice: string) => void }) {
  const [file, setFile] = useState<File | undefined>();
  const [inputKey, setInputKey] = useState(0);
  const f = useFormSubmit(ATTACH_FIELDS);
  const fileError = f.errors.filename ?? f.errors.contentType ?? f.errors.contentBase64;
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!file) {
      f.setErrors({ filename: 'Choose a file.' });
      return;
    }
    if (file.size > MAX_ATTACHMENT_BYTES) {
      f.setErrors({ filename: 'At most 512 KiB.' });
      return;
    }
    const ext = file.name.split('.').pop()?.toLowerCase() ?? '';
    const contentType = Object.values(ATTACHMENT_TYPES).includes(file.type) ? file.type : ATTACHMENT_TYPES[ext];
    if (!contentType) {
      f.setErrors({ filename: 'A PDF, PNG, JPEG, text or JSON file.' });
      return;
    }
    void f.run(async () => {
      const a = await api.afc.attach(card.id, {
        filename: file.name,
        contentType,
        contentBase64: await base64Of(file),
      });
      setFile(undefined);
      setInputKey((k) => k + 1);
      onAttached(`Attached ${a.filename}.`);
    });
  };
  return (
    <StepFrame
      label="Attach evidence"
      lead="a screenshot, statement or call record: PDF, PNG, JPEG, text or JSON, at most 512 KiB"
      form={f}
      submitLabel="Upload"
      onSubmit={submit}
    >
      <Field label="File" error={fileError}>
        {(ids) => (
          <input
            {...controlProps(ids)}
            key={inputKey}
            name="file"
            type="file"
            accept=".pdf,.png,.jpg,.jpeg,.txt,.json,application/pdf,image/png,image/jpeg,text/plain,application/json"
            onChange={(e) => {
              setFile(e.target.files?.[0]);
              f.setErrors({});
            }}
          />
        )}
      </Field>
    </StepFrame>
  );
}
