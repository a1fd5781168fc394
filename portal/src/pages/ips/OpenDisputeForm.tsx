import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { controlProps, Field } from '../../components/Field.tsx';
import { formatDateTimeSeconds, formatMinor, normalizeDecimal } from '../../format.ts';
import { submitErrors } from '../../problemFields.ts';
import {
  DISPUTE_REASONS,
  type DisputeReason,
  type IpsDispute,
  type IpsPayment,
  type OpenDisputeInput,
} from '../../types.ts';

const FIELDS = ['caseId', 'paymentId', 'reason', 'amount', 'description'] as const;
type FieldName = (typeof FIELDS)[number];
type Errors = Partial<Record<FieldName, string>>;

interface Values {
  caseId: string;
  paymentId: string;
  reason: DisputeReason | '';
  amount: string;
  description: string;
}

const REASON_CODES = Object.keys(DISPUTE_REASONS) as DisputeReason[];

/** A case id the bank may keep or change: unique enough for one bank's cases. */
const suggestedCaseId = () => `CASE-${Date.now().toString(36).toUpperCase()}`;

function validate(v: Values): { input: OpenDisputeInput } | { errors: Errors } {
  const errors: Errors = {};
  const caseId = v.caseId.trim();
  if (!caseId) errors.caseId = 'Give the case an id: unique among your bank’s cases.';
  else if (caseId.length > 35) errors.caseId = 'At most 35 characters.';
  const paymentId = v.paymentId.trim();
  if (!paymentId) errors.paymentId = 'Enter the settled payment’s id (payer BIC:transaction id).';
  if (!v.reason) errors.reason = 'Choose why the payment is disputed.';
  const amount = v.amount.trim() ? normalizeDecimal(v.amount) : undefined;
  if (v.amount.trim() && !amount) {
    errors.amount = 'Enter a positive amount in tenge with at most 2 decimals, or leave it empty.';
  }
  const description = v.description.trim();
  if (!description) errors.description = 'Describe what happened: the payee’s bank reads it.';
  if (Object.keys(errors).length || !v.reason) return { errors };
  return {
    input: { caseId, paymentId, reason: v.reason, description, ...(amount ? { amount } : {}) },
  };
}

/** The API names the limit in tenge ("at most 1500.00"): said with its currency and why. */
function amountMessage(message: string): string {
  const m = /^at most (\d+\.\d{2})$/.exec(message);
  return m ? `At most ${m[1]} KZT: what is not yet returned of the payment.` : message;
}

/** What a refused opening says, by field where the API's answer points at one. */
function openErrors(err: unknown): { byField: Errors; formError: string | undefined } {
  if (err instanceof ApiError && !err.fieldErrors.length) {
    if (err.status === 404) {
      return { byField: { paymentId: 'No payment your bank paid has this id.' }, formError: undefined };
    }
    if (err.problem.reason === 'DUPL') {
      return { byField: { caseId: 'Your bank already has a case with this id.' }, formError: undefined };
    }
    if (err.problem.reason === 'NARR') return { byField: { paymentId: err.message }, formError: undefined };
  }
  const { byField, formError } = submitErrors(err, FIELDS, 'Please correct the highlighted fields.');
  if (byField.amount) byField.amount = amountMessage(byField.amount);
  return { byField, formError };
}

/** The payment a case is opened about, in one line (when the form came from it). */
function PaymentSummary({ id }: { id: string }) {
  const [payment, setPayment] = useState<IpsPayment | undefined>();
  useEffect(() => {
    let cancelled = false;
    api.ips
      .payment(id)
      .then((p) => !cancelled && setPayment(p))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [id]);
  if (!payment) return null;
  return (
    <p className="muted panel-lead" data-testid="dispute-payment-summary">
      Payment <span className="mono">{payment.id}</span>: {formatMinor(payment.amount, 'KZT')} to{' '}
      <span className="mono">{payment.payeeBic}</span>,{' '}
      {payment.status === 'settled'
        ? `settled ${formatDateTimeSeconds(payment.updatedAt)}.`
        : `${payment.status}: only settled payments are disputed.`}
    </p>
  );
}

/**
 * The payer's bank opens a dispute about a settled payment it paid: its own case id, the reason from the
 * API's list, an optional amount (default: all not yet returned) and what happened. The API's field
 * errors show by their fields.
 */
export function OpenDisputeForm({
  paymentId,
  onOpened,
  onCancel,
}: {
  /** The payment the form was opened from, if any. */
  paymentId: string | undefined;
  onOpened: (d: IpsDispute) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState<Values>(() => ({
    caseId: suggestedCaseId(),
    paymentId: paymentId ?? '',
    reason: '',
    amount: '',
    description: '',
  }));
  const [fieldErrors, setFieldErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const set = (field: FieldName, value: string) => {
    setValues((prev) => ({ ...prev, [field]: value }));
    setFieldErrors((prev) => {
      if (!(field in prev)) return prev;
      const { [field]: _gone, ...rest } = prev;
      return rest;
    });
  };

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const checked = validate(values);
    if ('errors' in checked) {
      setFieldErrors(checked.errors);
      setFormError(undefined);
      return;
    }
    setBusy(true);
    setFieldErrors({});
    setFormError(undefined);
    try {
      onOpened(await api.ips.openDispute(checked.input));
    } catch (err) {
      const { byField, formError } = openErrors(err);
      setFieldErrors(byField);
      setFormError(formError);
      setBusy(false);
    }
  };

  const text = (field: 'caseId' | 'paymentId' | 'amount', label: string, hint: string) => (
    <Field label={label} error={fieldErrors[field]} hint={hint}>
      {(ids) => (
        <input
          {...controlProps(ids)}
          name={field}
          autoComplete="off"
          inputMode={field === 'amount' ? 'decimal' : undefined}
          className={field === 'amount' ? undefined : 'mono'}
          maxLength={field === 'caseId' ? 35 : 80}
          value={values[field]}
          onChange={(e) => set(field, e.target.value)}
        />
      )}
    </Field>
  );

  return (
    <form className="panel form-panel" onSubmit={submit} noValidate aria-labelledby="open-dispute-title">
      <h2 id="open-dispute-title">Open a dispute</h2>
      <p className="muted panel-lead">
        Claim (part of) a settled payment your bank paid back from the payee’s bank. It has 7 days to accept or reject;
        if it rejects, you may escalate the case to the operator.
      </p>
      {paymentId && <PaymentSummary id={paymentId} />}
      {formError && <Alert>{formError}</Alert>}
      <div className="form-grid">
        {text('paymentId', 'Payment ID', 'The settled payment: payer BIC:transaction id')}
        {text('caseId', 'Case ID', 'Your own reference, unique for your bank')}
        <Field label="Reason" error={fieldErrors.reason}>
          {(ids) => (
            <select
              {...controlProps(ids)}
              name="reason"
              value={values.reason}
              onChange={(e) => set('reason', e.target.value)}
            >
              <option value="">Choose a reason…</option>
              {REASON_CODES.map((code) => (
                <option key={code} value={code}>
                  {code} · {DISPUTE_REASONS[code]}
                </option>
              ))}
            </select>
          )}
        </Field>
        {text('amount', 'Amount (KZT)', 'Optional; empty: all of the payment not yet returned')}
      </div>
      <Field label="Description" error={fieldErrors.description} hint="What happened, for the payee’s bank">
        {(ids) => (
          <textarea
            {...controlProps(ids)}
            name="description"
            rows={3}
            maxLength={2000}
            value={values.description}
            onChange={(e) => set('description', e.target.value)}
          />
        )}
      </Field>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Opening…' : 'Open dispute'}
        </button>
        <button type="button" className="btn" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
