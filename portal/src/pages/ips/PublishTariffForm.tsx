import { type FormEvent, useState } from 'react';
import { api } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { controlProps, Field } from '../../components/Field.tsx';
import { normalizeDecimal } from '../../format.ts';
import { submitErrors } from '../../problemFields.ts';
import {
  IPS_PAYMENT_TYPES,
  type IpsPaymentType,
  type Participant,
  type PublishTariffInput,
  type Tariff,
  type TariffCharged,
} from '../../types.ts';
import { CHARGED_LABELS, PAYMENT_TYPE_LABELS } from './tariffLabels.ts';

const FIELDS = ['paymentType', 'charged', 'bic', 'fixed', 'bps', 'min', 'max', 'validFrom'] as const;
type FieldName = (typeof FIELDS)[number];

interface Values {
  paymentType: IpsPaymentType;
  charged: TariffCharged;
  bic: string;
  fixed: string;
  bps: string;
  min: string;
  max: string;
  validFrom: string;
}

const EMPTY: Values = {
  paymentType: 'c2c',
  charged: 'payer_bank',
  bic: '',
  fixed: '',
  bps: '0',
  min: '',
  max: '',
  validFrom: '',
};

const BPS = /^\d{1,5}$/;

/** `2026-02-01T00:00` typed in a datetime-local field, read as UTC, as an ISO timestamp; undefined if invalid. */
function utcIso(local: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(local)) return undefined;
  const d = new Date(`${local.length === 16 ? `${local}:00` : local}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Checks what the user typed and builds the request, or says what is wrong with which field. */
function validate(v: Values): { input: PublishTariffInput } | { errors: Partial<Record<FieldName, string>> } {
  const errors: Partial<Record<FieldName, string>> = {};
  const fixed = normalizeDecimal(v.fixed, { allowZero: true });
  if (!fixed) errors.fixed = 'Enter the fixed part in tenge, e.g. 1.50 (0 for none).';
  const bps = v.bps.trim();
  if (!BPS.test(bps) || Number(bps) > 10_000) errors.bps = 'Enter whole basis points from 0 to 10000 (25 = 0.25 %).';
  const min = v.min.trim() ? normalizeDecimal(v.min, { allowZero: true }) : undefined;
  if (v.min.trim() && !min) errors.min = 'Enter an amount in tenge, e.g. 0.50, or leave it empty.';
  const max = v.max.trim() ? normalizeDecimal(v.max, { allowZero: true }) : undefined;
  if (v.max.trim() && !max) errors.max = 'Enter an amount in tenge, e.g. 500.00, or leave it empty for no cap.';
  const validFrom = v.validFrom ? utcIso(v.validFrom) : undefined;
  if (v.validFrom && !validFrom) errors.validFrom = 'Enter a date and time, or leave it empty for now.';
  if (v.paymentType === 'c2b' && v.charged !== 'payee_bank') {
    errors.charged = 'C2B is free for the payer: its fee is charged to the payee’s bank.';
  }
  if (Object.keys(errors).length || !fixed) return { errors };
  return {
    input: {
      paymentType: v.paymentType,
      charged: v.charged,
      fixed,
      bps: Number(bps),
      ...(v.bic ? { bic: v.bic } : {}),
      ...(min ? { min } : {}),
      ...(max ? { max } : {}),
      ...(validFrom ? { validFrom } : {}),
    },
  };
}

/**
 * The operator publishes a tariff version: per payment type, a fixed part plus a percentage within a floor
 * and a cap, for every bank or one bank, from now or a later moment. The server's field errors show by their
 * fields.
 */
export function PublishTariffForm({
  banks,
  onPublished,
  onCancel,
}: {
  /** Banks a tariff of their own may be published for. */
  banks: readonly Participant[];
  onPublished: (t: Tariff) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState<Values>(EMPTY);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<string, string>>>({});
  const [formError, setFormError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const set = <K extends FieldName>(field: K, value: Values[K]) => {
    setValues((prev) => ({
      ...prev,
      [field]: value,
      // C2B is always charged to the payee's bank
      ...(field === 'paymentType' && value === 'c2b' ? { charged: 'payee_bank' as const } : {}),
    }));
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
      onPublished(await api.ips.publishTariff(checked.input));
    } catch (err) {
      const { byField, formError } = submitErrors(err, FIELDS, 'Please correct the highlighted fields.');
      setFieldErrors(byField);
      setFormError(formError);
    } finally {
      setBusy(false);
    }
  };

  const text = (field: 'fixed' | 'bps' | 'min' | 'max', label: string, hint: string) => (
    <Field label={label} error={fieldErrors[field]} hint={hint}>
      {(ids) => (
        <input
          {...controlProps(ids)}
          name={field}
          inputMode={field === 'bps' ? 'numeric' : 'decimal'}
          autoComplete="off"
          value={values[field]}
          onChange={(e) => set(field, e.target.value)}
        />
      )}
    </Field>
  );

  return (
    <form className="panel form-panel" onSubmit={submit} noValidate aria-labelledby="publish-tariff-title">
      <h2 id="publish-tariff-title">Publish tariff</h2>
      <p className="muted panel-lead">
        A new version: earlier ones stay published. Fee = fixed + amount × percentage, within the minimum and the
        maximum; a bank’s own tariff comes before the default.
      </p>
      {formError && <Alert>{formError}</Alert>}
      <div className="form-grid">
        <Field label="Payment type" error={fieldErrors.paymentType}>
          {(ids) => (
            <select
              {...controlProps(ids)}
              name="paymentType"
              value={values.paymentType}
              onChange={(e) => set('paymentType', e.target.value as IpsPaymentType)}
            >
              {IPS_PAYMENT_TYPES.map((t) => (
                <option key={t} value={t}>
                  {PAYMENT_TYPE_LABELS[t]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Charged to" error={fieldErrors.charged}>
          {(ids) => (
            <select
              {...controlProps(ids)}
              name="charged"
              value={values.charged}
              onChange={(e) => set('charged', e.target.value as TariffCharged)}
            >
              {(['payer_bank', 'payee_bank'] as const).map((c) => (
                <option key={c} value={c}>
                  {CHARGED_LABELS[c]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Applies to" error={fieldErrors.bic} hint="The default, or one bank’s own tariff">
          {(ids) => (
            <select {...controlProps(ids)} name="bic" value={values.bic} onChange={(e) => set('bic', e.target.value)}>
              <option value="">Every bank (default)</option>
              {banks.map((b) => (
                <option key={b.id} value={b.bic ?? ''}>
                  {b.name} ({b.bic})
                </option>
              ))}
            </select>
          )}
        </Field>
        {text('fixed', 'Fixed (KZT)', 'Per payment, e.g. 1.50; 0 for none')}
        {text('bps', 'Percentage (basis points)', '1 bp = 0.01 %: 25 is 0.25 % of the amount')}
        {text('min', 'Minimum (KZT)', 'Optional floor of the fee')}
        {text('max', 'Maximum (KZT)', 'Optional cap; empty: no cap')}
        <Field label="Valid from (UTC)" error={fieldErrors.validFrom} hint="Optional; empty: from now on">
          {(ids) => (
            <input
              {...controlProps(ids)}
              name="validFrom"
              type="datetime-local"
              value={values.validFrom}
              onChange={(e) => set('validFrom', e.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Publishing…' : 'Publish'}
        </button>
        <button type="button" className="btn" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
