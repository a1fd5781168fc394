import { type FormEvent, useEffect, useRef, useState } from 'react';
import { api } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { controlProps, Field } from '../../components/Field.tsx';
import { submitErrors } from '../../problemFields.ts';
import type { IpsDispute } from '../../types.ts';
import { type DisputeStep, STEP_UI } from './disputeLabels.ts';

/** Calls the API for one step of a case. */
function take(d: IpsDispute, step: DisputeStep, grounds: string | undefined): Promise<IpsDispute> {
  switch (step) {
    case 'accept':
      return api.ips.answerDispute(d.id, true, grounds);
    case 'reject':
      return api.ips.answerDispute(d.id, false, grounds);
    case 'escalate':
      return api.ips.escalateDispute(d.id, grounds ?? '');
    case 'withdraw':
      return api.ips.withdrawDispute(d.id, grounds);
    case 'decide_claimant':
      return api.ips.decideDispute(d.id, 'claimant', grounds ?? '');
    case 'decide_respondent':
      return api.ips.decideDispute(d.id, 'respondent', grounds ?? '');
  }
}

/**
 * The "why" of one step on a case, confirmed before it is taken: grounds (required for a rejection, an
 * escalation and a decision; the other side and the operator read them). The API's field errors show by
 * the field; a refusal (the case moved meanwhile) above it.
 */
export function DisputeStepForm({
  dispute,
  step,
  onDone,
  onCancel,
}: {
  dispute: IpsDispute;
  step: DisputeStep;
  onDone: (updated: IpsDispute) => void;
  onCancel: () => void;
}) {
  const ui = STEP_UI[step];
  const [grounds, setGrounds] = useState('');
  const [groundsError, setGroundsError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    input.current?.focus();
  }, []);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const text = grounds.trim();
    if (ui.groundsRequired && !text) {
      setGroundsError('Give your grounds: the other side and the operator read them.');
      return;
    }
    setBusy(true);
    setGroundsError(undefined);
    setFormError(undefined);
    try {
      onDone(await take(dispute, step, text || undefined));
    } catch (err) {
      const { byField, formError } = submitErrors(err, ['grounds'], undefined);
      setGroundsError(byField.grounds);
      setFormError(formError);
      setBusy(false);
    }
  };

  return (
    <form
      className="inline-form dispute-step"
      onSubmit={submit}
      noValidate
      aria-label={ui.confirm}
      data-step={step}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <p className="inline-form-title">
        <strong>{ui.confirm}</strong> · {ui.lead}
      </p>
      {formError && <Alert>{formError}</Alert>}
      <Field
        label={ui.groundsRequired ? 'Grounds' : 'Grounds (optional)'}
        error={groundsError}
        hint="Recorded in the case’s history and sent to both banks"
      >
        {(ids) => (
          <textarea
            {...controlProps(ids)}
            ref={input}
            name="grounds"
            rows={3}
            maxLength={2000}
            value={grounds}
            onChange={(e) => {
              setGrounds(e.target.value);
              setGroundsError(undefined);
            }}
          />
        )}
      </Field>
      <div className="form-actions">
        <button
          type="submit"
          className={`btn ${ui.tone === 'danger' ? 'btn-danger' : ui.tone === 'primary' ? 'btn-primary' : ''}`}
          disabled={busy}
        >
          {busy ? 'Saving…' : ui.confirm}
        </button>
        <button type="button" className="btn" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
