import { type FormEvent, useState } from 'react';
import { ApiError, api, errorMessage } from '../api.ts';
import { Alert } from '../components/Alert.tsx';
import { Field } from '../components/Field.tsx';
import { participantTypeLabel } from '../format.ts';
import { splitIssues } from '../problemFields.ts';
import { PARTICIPANT_TYPES, type Participant, type ParticipantType, type RegisterParticipantInput } from '../types.ts';

const FIELDS = ['name', 'type', 'bic', 'taxId', 'binRanges'] as const;

interface Props {
  onRegistered: (p: Participant) => void;
  onCancel: () => void;
}

export function RegisterParticipantForm({ onRegistered, onCancel }: Props) {
  const [name, setName] = useState('');
  const [type, setType] = useState<ParticipantType>('bank');
  const [bic, setBic] = useState('');
  const [taxId, setTaxId] = useState('');
  const [binRanges, setBinRanges] = useState('');
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const clearError = (field: string) =>
    setFieldErrors((prev) => {
      if (!(field in prev)) return prev;
      const { [field]: _gone, ...rest } = prev;
      return rest;
    });

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    if (!name.trim()) {
      setFieldErrors({ name: 'Enter the participant’s legal name.' });
      setFormError(undefined);
      return;
    }
    const input: RegisterParticipantInput = { name: name.trim(), type };
    if (bic.trim()) input.bic = bic.trim().toUpperCase();
    if (taxId.trim()) input.taxId = taxId.trim();
    const ranges = binRanges
      .split(/[,;\n]+/)
      .map((r) => r.trim().replace(/\s*-\s*/, '-'))
      .filter(Boolean);
    if (ranges.length) input.binRanges = ranges;

    setBusy(true);
    setFieldErrors({});
    setFormError(undefined);
    try {
      const created = await api.registerParticipant(input);
      onRegistered(created);
    } catch (err) {
      if (err instanceof ApiError && err.fieldErrors.length) {
        const { byField, other } = splitIssues(err.fieldErrors, FIELDS);
        setFieldErrors(byField);
        setFormError(other.length ? other.join('; ') : 'Please correct the highlighted fields.');
      } else {
        setFormError(errorMessage(err));
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel form-panel" onSubmit={submit} noValidate aria-labelledby="register-title">
      <h2 id="register-title">Register participant</h2>
      {formError && <Alert>{formError}</Alert>}
      <div className="form-grid">
        <Field label="Name" error={fieldErrors.name}>
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              name="name"
              autoComplete="off"
              value={name}
              aria-invalid={invalid || undefined}
              aria-describedby={describedBy}
              onChange={(e) => {
                setName(e.target.value);
                clearError('name');
              }}
            />
          )}
        </Field>
        <Field label="Type" error={fieldErrors.type}>
          {({ id, describedBy, invalid }) => (
            <select
              id={id}
              name="type"
              value={type}
              aria-invalid={invalid || undefined}
              aria-describedby={describedBy}
              onChange={(e) => {
                setType(e.target.value as ParticipantType);
                clearError('type');
              }}
            >
              {PARTICIPANT_TYPES.map((t) => (
                <option key={t} value={t}>
                  {participantTypeLabel(t)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="BIC" error={fieldErrors.bic} hint="8 or 11 characters, e.g. TSTBKZKA">
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              name="bic"
              className="mono"
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              maxLength={11}
              value={bic}
              aria-invalid={invalid || undefined}
              aria-describedby={describedBy}
              onChange={(e) => {
                setBic(e.target.value);
                clearError('bic');
              }}
            />
          )}
        </Field>
        <Field label="Tax ID (BIN)" error={fieldErrors.taxId} hint="12 digits">
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              name="taxId"
              className="mono"
              inputMode="numeric"
              autoComplete="off"
              maxLength={12}
              value={taxId}
              aria-invalid={invalid || undefined}
              aria-describedby={describedBy}
              onChange={(e) => {
                setTaxId(e.target.value);
                clearError('taxId');
              }}
            />
          )}
        </Field>
        <Field
          label="BIN ranges"
          error={fieldErrors.binRanges}
          hint="Card BINs or ranges, comma-separated, e.g. 440043, 440100-440199"
        >
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              name="binRanges"
              className="mono"
              autoComplete="off"
              value={binRanges}
              aria-invalid={invalid || undefined}
              aria-describedby={describedBy}
              onChange={(e) => {
                setBinRanges(e.target.value);
                clearError('binRanges');
              }}
            />
          )}
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Registering…' : 'Register'}
        </button>
        <button type="button" className="btn" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
