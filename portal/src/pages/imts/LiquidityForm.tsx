import { type FormEvent, useMemo, useState } from 'react';
import { ApiError, api, newIdempotencyKey } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { controlProps, Field } from '../../components/Field.tsx';
import { decimalToMinor, formatMinor, normalizeDecimal } from '../../format.ts';
import { submitErrors } from '../../problemFields.ts';
import type { LiquidityInput, Participant } from '../../types.ts';

const FIELDS = ['bic', 'direction', 'amount'] as const;

interface Props {
  /** Participants that settle in IMTS (active, with a BIC). */
  banks: readonly Participant[];
  onDone: (message: string) => void;
}

/** Central bank: inject liquidity into, or withdraw it from, a bank's settlement account. */
export function LiquidityForm({ banks, onDone }: Props) {
  const [bic, setBic] = useState('');
  const [direction, setDirection] = useState<LiquidityInput['direction']>('inject');
  const [amount, setAmount] = useState('');
  // one operation id per intended operation: a retry after a lost answer never moves money twice
  const [operationId, setOperationId] = useState(newIdempotencyKey);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const options = useMemo(() => [...banks].sort((a, b) => a.name.localeCompare(b.name)), [banks]);
  const preview = decimalToMinor(amount);

  const edited = (field: string) => {
    setOperationId(newIdempotencyKey());
    setFieldErrors((prev) => {
      if (!(field in prev)) return prev;
      const { [field]: _gone, ...rest } = prev;
      return rest;
    });
  };

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const errors: Record<string, string> = {};
    if (!bic) errors.bic = 'Choose the bank.';
    const decimal = normalizeDecimal(amount);
    if (!decimal) errors.amount = 'Enter a positive amount in tenge with at most 2 decimals, e.g. 1000000.00';
    setFormError(undefined);
    if (Object.keys(errors).length || !decimal) {
      setFieldErrors(errors);
      return;
    }
    setBusy(true);
    setFieldErrors({});
    try {
      const r = await api.imts.liquidity({ id: operationId, bic, direction, amount: decimal });
      const moved = formatMinor(decimalToMinor(decimal)!, 'KZT');
      onDone(
        `${direction === 'inject' ? 'Injected' : 'Withdrew'} ${moved} ${direction === 'inject' ? 'into' : 'from'} ${bic}. Available now: ${formatMinor(r.available, 'KZT')}.`,
      );
      setAmount('');
      setOperationId(newIdempotencyKey());
    } catch (err) {
      const { byField, formError } = submitErrors(err, FIELDS, err instanceof ApiError ? err.message : undefined);
      setFieldErrors(byField);
      setFormError(formError);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="panel form-panel" onSubmit={submit} noValidate aria-labelledby="liquidity-title">
      <h2 id="liquidity-title">Liquidity</h2>
      <p className="muted panel-lead">
        Inject central bank money into a bank’s settlement account, or withdraw it. A bank whose queued payments are now
        covered settles them at once.
      </p>
      {formError && <Alert>{formError}</Alert>}
      <div className="form-grid">
        <Field label="Bank" error={fieldErrors.bic}>
          {(ids) => (
            <select
              {...controlProps(ids)}
              name="bic"
              value={bic}
              onChange={(e) => {
                setBic(e.target.value);
                edited('bic');
              }}
            >
              <option value="">Choose a bank…</option>
              {options.map((p) => (
                <option key={p.id} value={p.bic!}>
                  {p.name} ({p.bic})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Direction" error={fieldErrors.direction}>
          {(ids) => (
            <select
              {...controlProps(ids)}
              name="direction"
              value={direction}
              onChange={(e) => {
                setDirection(e.target.value as LiquidityInput['direction']);
                edited('direction');
              }}
            >
              <option value="inject">Inject</option>
              <option value="withdraw">Withdraw</option>
            </select>
          )}
        </Field>
        <Field
          label="Amount (KZT)"
          error={fieldErrors.amount}
          hint={preview ? `= ${formatMinor(preview, 'KZT')}` : 'Tenge, e.g. 1000000.00'}
        >
          {(ids) => (
            <input
              {...controlProps(ids)}
              name="amount"
              className="mono"
              inputMode="decimal"
              autoComplete="off"
              maxLength={24}
              value={amount}
              onChange={(e) => {
                setAmount(e.target.value);
                edited('amount');
              }}
            />
          )}
        </Field>
      </div>
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Submitting…' : direction === 'inject' ? 'Inject liquidity' : 'Withdraw liquidity'}
        </button>
      </div>
    </form>
  );
}
