import { type FormEvent, useState } from 'react';
import { api } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { controlProps, Field } from '../../components/Field.tsx';
import { submitErrors } from '../../problemFields.ts';
import type { Merchant, RegisterMerchantInput } from '../../types.ts';

const FIELDS = ['merchantId', 'name', 'city', 'mcc', 'account', 'taxId'] as const;
type FieldName = (typeof FIELDS)[number];

const LABELS: Record<FieldName, { label: string; hint: string; maxLength: number; mono?: boolean }> = {
  merchantId: {
    label: 'Merchant ID',
    hint: 'Your id of the merchant, printed in its QR: permanent',
    maxLength: 32,
    mono: true,
  },
  name: { label: 'Name', hint: 'Up to 25 Latin characters, as shown to payers', maxLength: 25 },
  city: { label: 'City', hint: 'Up to 15 Latin characters', maxLength: 15 },
  mcc: { label: 'MCC', hint: 'Merchant category code, 4 digits, e.g. 5411', maxLength: 4, mono: true },
  account: {
    label: 'Settlement account',
    hint: 'The merchant’s IBAN at your bank (KZ…); never shown in a QR',
    maxLength: 24,
    mono: true,
  },
  taxId: { label: 'Tax ID (BIN/IIN)', hint: 'Optional, 12 digits', maxLength: 12, mono: true },
};

const EMPTY: Record<FieldName, string> = { merchantId: '', name: '', city: '', mcc: '', account: '', taxId: '' };

/** Registers a merchant the bank acquires; the server's field errors are shown next to their fields. */
export function RegisterMerchantForm({
  onRegistered,
  onCancel,
}: {
  onRegistered: (m: Merchant) => void;
  onCancel: () => void;
}) {
  const [values, setValues] = useState<Record<FieldName, string>>(EMPTY);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const v = Object.fromEntries(FIELDS.map((f) => [f, values[f].trim()])) as Record<FieldName, string>;
    const missing: Record<string, string> = {};
    for (const f of ['merchantId', 'name', 'city', 'mcc', 'account'] as const) {
      if (!v[f]) missing[f] = `Enter the ${LABELS[f].label.toLowerCase()}.`;
    }
    if (Object.keys(missing).length) {
      setFieldErrors(missing);
      setFormError(undefined);
      return;
    }
    const input: RegisterMerchantInput = {
      merchantId: v.merchantId,
      name: v.name,
      city: v.city,
      mcc: v.mcc,
      account: v.account.replace(/\s+/g, '').toUpperCase(),
      ...(v.taxId ? { taxId: v.taxId } : {}),
    };
    setBusy(true);
    setFieldErrors({});
    setFormError(undefined);
    try {
      onRegistered(await api.ips.registerMerchant(input));
    } catch (err) {
      const { byField, formError } = submitErrors(err, FIELDS, 'Please correct the highlighted fields.');
      setFieldErrors(byField);
      setFormError(formError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel form-panel" onSubmit={submit} noValidate aria-labelledby="register-merchant-title">
      <h2 id="register-merchant-title">Register merchant</h2>
      {formError && <Alert>{formError}</Alert>}
      <div className="form-grid">
        {FIELDS.map((f) => (
          <Field key={f} label={LABELS[f].label} error={fieldErrors[f]} hint={LABELS[f].hint}>
            {(ids) => (
              <input
                {...controlProps(ids)}
                name={f}
                className={LABELS[f].mono ? 'mono' : undefined}
                autoComplete="off"
                spellCheck={false}
                maxLength={LABELS[f].maxLength}
                value={values[f]}
                onChange={(e) => {
                  const value = e.target.value;
                  setValues((prev) => ({ ...prev, [f]: value }));
                  setFieldErrors((prev) => {
                    if (!(f in prev)) return prev;
                    const { [f]: _gone, ...rest } = prev;
                    return rest;
                  });
                }}
              />
            )}
          </Field>
        ))}
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
