import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api } from '../api.ts';
import { Alert } from '../components/Alert.tsx';
import { controlProps, Field } from '../components/Field.tsx';
import { submitErrors } from '../problemFields.ts';
import type { Participant, ParticipantAction } from '../types.ts';

export const ACTION_LABELS: Record<ParticipantAction, { button: string; confirm: string; title: string }> = {
  suspend: { button: 'Suspend', confirm: 'Confirm suspension', title: 'Suspend' },
  block: { button: 'Block', confirm: 'Confirm block', title: 'Block' },
  activate: { button: 'Activate', confirm: 'Confirm activation', title: 'Activate' },
};

interface Props {
  participant: Participant;
  action: ParticipantAction;
  onDone: (updated: Participant) => void;
  onCancel: () => void;
}

/** The inline "why" form shown under a participant's row before its status changes. */
export function StatusChangeForm({ participant, action, onDone, onCancel }: Props) {
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const labels = ACTION_LABELS[action];

  useEffect(() => {
    inputRef.current?.focus();
  }, []);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    if (!reason.trim()) {
      setReasonError('Give a reason: it is recorded in the audit trail.');
      return;
    }
    setBusy(true);
    setReasonError(undefined);
    setFormError(undefined);
    try {
      onDone(await api.changeParticipantStatus(participant.id, action, reason.trim()));
    } catch (err) {
      const { byField, formError } = submitErrors(err, ['reason'], undefined);
      setReasonError(byField.reason);
      setFormError(formError);
      setBusy(false);
    }
  };

  return (
    <form
      className="inline-form"
      onSubmit={submit}
      noValidate
      aria-label={`${labels.title} ${participant.name}`}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <p className="inline-form-title">
        {labels.title} <strong>{participant.name}</strong>
      </p>
      {formError && <Alert>{formError}</Alert>}
      <div className="inline-form-row">
        <Field label="Reason" error={reasonError}>
          {(ids) => (
            <input
              {...controlProps(ids)}
              ref={inputRef}
              name="reason"
              autoComplete="off"
              maxLength={500}
              value={reason}
              onChange={(e) => {
                setReason(e.target.value);
                setReasonError(undefined);
              }}
            />
          )}
        </Field>
        <div className="inline-form-actions">
          <button
            type="submit"
            className={`btn ${action === 'activate' ? 'btn-primary' : 'btn-danger'}`}
            disabled={busy}
          >
            {busy ? 'Saving…' : labels.confirm}
          </button>
          <button type="button" className="btn" onClick={onCancel} disabled={busy}>
            Cancel
          </button>
        </div>
      </div>
    </form>
  );
}
