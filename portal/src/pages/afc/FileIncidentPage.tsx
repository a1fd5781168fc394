import { type FormEvent, useMemo, useState } from 'react';
import { api } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { controlProps, Field } from '../../components/Field.tsx';
import { AfcTabs } from '../../components/Tabs.tsx';
import type { IncidentType, Me } from '../../types.ts';
import { useFormSubmit } from '../../useFormSubmit.ts';
import { hrefOf } from '../../useHashRoute.ts';
import { detailsOf, IncidentFieldsEditor } from './IncidentFields.tsx';
import { fieldLabel, fieldsOf, useIncidentTypes } from './useIncidentTypes.ts';

/** A reference of the filing's own for a first guess: the day and a random suffix (the user may type theirs). */
const newReference = (): string =>
  `PORTAL-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${Math.random().toString(36).slice(2, 8).toUpperCase()}`;

const FORM_OPTS = { fallback: 'Please correct the highlighted fields.', nested: ['details'] };

/**
 * Filing an incident (banks, payment organisations, mobile operators): the transaction type picks its fields
 * from the metadata matrix (mandatory ones starred, enumerations as selects, the catalogue's labels). The API
 * validates the card and names the field it refuses (`/details/<field>`): its message shows by that field.
 * Filing lists the beneficiary as a suspect and notifies its bank and law enforcement in the same commit.
 */
export function FileIncidentPage({ me }: { me: Me }) {
  const { matrix, error: matrixError } = useIncidentTypes();
  const [type, setType] = useState('');
  const [reference, setReference] = useState(newReference);
  const [values, setValues] = useState<Record<string, string>>({});

  const chosen: IncidentType | undefined = matrix?.types.find((t) => t.type === type);
  const fields = useMemo(() => (chosen ? fieldsOf(chosen) : []), [chosen]);
  const known = useMemo(() => ['type', 'reference', ...fields.map((f) => f.name)], [fields]);
  const { errors, setErrors, clearError, formError, busy, run } = useFormSubmit(known, FORM_OPTS);

  const change = (name: string, value: string) => {
    setValues((v) => ({ ...v, [name]: value }));
    clearError(name);
  };

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!matrix) return;
    if (!chosen) {
      setErrors({ type: 'Choose the transaction type.' });
      return;
    }
    void run(async () => {
      // only the chosen type's fields: values typed under another type are left behind
      const own = Object.fromEntries(fields.map((f) => [f.name, values[f.name] ?? '']));
      const card = await api.afc.file({ type, reference: reference.trim(), details: detailsOf(own, matrix.fields) });
      window.location.hash = hrefOf('afc', card.id, 'filed=1');
    });
  };

  return (
    <section aria-labelledby="file-incident-title">
      <div className="page-head">
        <h1 id="file-incident-title">Anti-fraud · File incident</h1>
      </div>
      <AfcTabs me={me} current="afc-file" />
      {matrixError && <Alert>{matrixError}</Alert>}
      {!matrix && !matrixError && <p className="muted">Loading the incident types…</p>}
      {matrix && (
        <form className="panel" onSubmit={submit} noValidate aria-label="File incident">
          <h2>New incident card</h2>
          <p className="muted panel-lead">
            Filing puts the beneficiary’s identifiers on the suspects list at once, makes the beneficiary’s bank a
            related participant (found through the alias directory, the BIN table or the BIC you give) and notifies it
            and law enforcement. Fields marked * are required for the transaction type.
          </p>
          {formError && <Alert>{formError}</Alert>}
          <div className="form-grid">
            <Field label="Transaction type" error={errors.type} required>
              {(ids) => (
                <select
                  {...controlProps(ids)}
                  name="type"
                  required
                  value={type}
                  onChange={(e) => {
                    setType(e.target.value);
                    setErrors({});
                  }}
                >
                  <option value="">Choose…</option>
                  {matrix.types.map((t) => (
                    <option key={t.type} value={t.type}>
                      {t.definition.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field
              label="Your reference"
              error={errors.reference}
              hint="Your case number: filing it again with the same content returns the same card"
              required
            >
              {(ids) => (
                <input
                  {...controlProps(ids)}
                  name="reference"
                  className="mono"
                  required
                  maxLength={64}
                  value={reference}
                  onChange={(e) => {
                    setReference(e.target.value);
                    clearError('reference');
                  }}
                />
              )}
            </Field>
          </div>
          {chosen && (
            <div data-testid="incident-fields" data-type={chosen.type} data-version={chosen.version}>
              <h3 className="form-section-title">Required</h3>
              <IncidentFieldsEditor
                fields={fields.filter((f) => f.mandatory)}
                catalogue={matrix.fields}
                values={values}
                errors={errors}
                onChange={change}
              />
              <h3 className="form-section-title">Optional</h3>
              {chosen.definition.atLeastOne.map((g) => (
                <p key={g.join()} className="muted panel-lead" data-testid="at-least-one">
                  Give at least one of: {g.map((f) => fieldLabel(matrix, f)).join(', ')}.
                </p>
              ))}
              <IncidentFieldsEditor
                fields={fields.filter((f) => !f.mandatory)}
                catalogue={matrix.fields}
                values={values}
                errors={errors}
                onChange={change}
              />
              <p className="muted">
                Transaction type version {chosen.version}, published {chosen.publishedAt.slice(0, 10)}.
              </p>
            </div>
          )}
          <div className="form-actions">
            <button type="submit" className="btn btn-primary" disabled={busy}>
              {busy ? 'Filing…' : 'File incident'}
            </button>
            <a className="btn" href={hrefOf('afc')}>
              Cancel
            </a>
          </div>
        </form>
      )}
    </section>
  );
}
