import { type FormEvent, useState } from 'react';
import { api } from '../api.ts';
import { Alert } from '../components/Alert.tsx';
import { controlProps, Field } from '../components/Field.tsx';
import { participantTypeLabel } from '../format.ts';
import { submitErrors } from '../problemFields.ts';
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
      const { byField, formError } = submitErrors(err, FIELDS, 'Please correct the highlighted fields.');
      setFieldErrors(byField);
      setFormError(formError);
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
          {(ids) => (
            <input
              {...controlProps(ids)}
              name="name"
              autoComplete="off"
              value={name}
              onChange={(e) => {
                setName(e.target.value);
                clearError('name');
              }}
            />
          )}
        </Field>
        <Field label="Type" error={fieldErrors.type}>
          {(ids) => (
            <select
              {...controlProps(ids)}
              name="type"
              value={type}
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
          {(ids) => (
            <input
              {...controlProps(ids)}
              name="bic"
              className="mono"
              autoComplete="off"
              autoCapitalize="characters"
              spellCheck={false}
              maxLength={11}
              value={bic}
              onChange={(e) => {
                setBic(e.target.value);
                clearError('bic');
              }}
            />
          )}
        </Field>
        <Field label="Tax ID (BIN)" error={fieldErrors.taxId} hint="12 digits">
          {(ids) => (
            <input
              {...controlProps(ids)}
              name="taxId"
              className="mono"
              inputMode="numeric"
              autoComplete="off"
              maxLength={12}
              value={taxId}
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
          {(ids) => (
            <input
              {...controlProps(ids)}
              name="binRanges"
              className="mono"
              autoComplete="off"
              value={binRanges}
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
