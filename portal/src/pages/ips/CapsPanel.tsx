import { type FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import { api, errorMessage } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { BankName } from '../../components/cells.tsx';
import { DataTable, numCol } from '../../components/DataTable.tsx';
import { controlProps, Field } from '../../components/Field.tsx';
import type { Directory } from '../../directory.ts';
import { decimalAmountToMinor, formatDecimalNumber, formatRate, normalizeDecimal } from '../../format.ts';
import { submitErrors } from '../../problemFields.ts';
import type { CapUsage, NetDebitCap } from '../../types.ts';

const FIELDS = ['bic', 'cap', 'grounds'] as const;
type Errors = Partial<Record<(typeof FIELDS)[number], string>>;

interface Draft {
  bic: string;
  cap: string;
  remove: boolean;
  grounds: string;
}

const EMPTY: Draft = { bic: '', cap: '', remove: false, grounds: '' };

/** Share of the cap used today, 0…1; null without a cap or when it is zero. */
function usedShare(u: CapUsage): number | null {
  const cap = u.cap === null ? undefined : decimalAmountToMinor(u.cap);
  const used = decimalAmountToMinor(u.netDebit);
  if (!cap || cap === '0' || used === undefined) return null;
  const share = Number(used) / Number(cap);
  return Math.max(share, 0);
}

/**
 * The operator sets, changes or removes a bank's net debit cap with grounds. It applies at once; a cap
 * below what the bank has already used today is refused, and the API's reason shows by the cap field.
 */
function SetCapForm({
  banks,
  initial,
  onSaved,
  onCancel,
}: {
  banks: readonly { bic: string; name: string }[];
  initial: Draft;
  onSaved: (c: NetDebitCap) => void;
  onCancel: () => void;
}) {
  const [draft, setDraft] = useState<Draft>(initial);
  const [errors, setErrors] = useState<Errors>({});
  const [formError, setFormError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const set = <K extends keyof Draft>(field: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [field]: value }));
    setErrors((e) => {
      const key = field === 'remove' ? 'cap' : field;
      if (!(key in e)) return e;
      const { [key]: _gone, ...rest } = e;
      return rest;
    });
  };

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (busy) return;
    const errs: Errors = {};
    if (!draft.bic) errs.bic = 'Choose a bank.';
    const cap = draft.remove ? null : normalizeDecimal(draft.cap, { allowZero: true });
    if (cap === undefined) errs.cap = 'Enter the cap per IPS day in tenge, e.g. 1000000.00 (0 stops all sending).';
    if (!draft.grounds.trim()) errs.grounds = 'Give your grounds: they are recorded with the cap.';
    if (Object.keys(errs).length || cap === undefined) {
      setErrors(errs);
      setFormError(undefined);
      return;
    }
    setBusy(true);
    setErrors({});
    setFormError(undefined);
    try {
      onSaved(await api.ips.setCap(draft.bic, cap, draft.grounds.trim()));
    } catch (err) {
      const { byField, formError } = submitErrors(err, FIELDS, undefined);
      setErrors(byField);
      setFormError(formError);
      setBusy(false);
    }
  };

  return (
    <form className="form-panel cap-form" onSubmit={submit} noValidate aria-labelledby="set-cap-title">
      <h3 id="set-cap-title">Set net debit cap</h3>
      {formError && <Alert>{formError}</Alert>}
      <div className="form-grid">
        <Field label="Bank" error={errors.bic}>
          {(ids) => (
            <select {...controlProps(ids)} name="bic" value={draft.bic} onChange={(e) => set('bic', e.target.value)}>
              <option value="">Choose a bank…</option>
              {banks.map((b) => (
                <option key={b.bic} value={b.bic}>
                  {b.name} ({b.bic})
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          label="Cap per IPS day (KZT)"
          error={errors.cap}
          hint={draft.remove ? 'The cap is removed' : 'Sent minus received in one IPS day (Kazakhstan time)'}
        >
          {(ids) => (
            <input
              {...controlProps(ids)}
              name="cap"
              inputMode="decimal"
              autoComplete="off"
              disabled={draft.remove}
              value={draft.remove ? '' : draft.cap}
              onChange={(e) => set('cap', e.target.value)}
            />
          )}
        </Field>
        <Field label="Grounds" error={errors.grounds}>
          {(ids) => (
            <input
              {...controlProps(ids)}
              name="grounds"
              autoComplete="off"
              maxLength={500}
              value={draft.grounds}
              onChange={(e) => set('grounds', e.target.value)}
            />
          )}
        </Field>
      </div>
      <label className="checkbox">
        <input type="checkbox" checked={draft.remove} onChange={(e) => set('remove', e.target.checked)} /> Remove the
        cap (the bank may send up to its position)
      </label>
      <div className="form-actions">
        <button type="submit" className={`btn ${draft.remove ? 'btn-danger' : 'btn-primary'}`} disabled={busy}>
          {busy ? 'Saving…' : draft.remove ? 'Remove cap' : 'Set cap'}
        </button>
        <button type="button" className="btn" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}

/**
 * Net debit caps on the monitor (oversight): every capped bank's cap for today's IPS day, what it has
 * used (sent minus received) and what is left, refreshed with the monitor; the operator sets, changes or
 * removes a cap.
 */
export function CapsPanel({
  dir,
  reloadKey,
  canSet,
}: {
  dir: Directory;
  /** A new value reloads the list (the monitor's refresh). */
  reloadKey: string | undefined;
  canSet: boolean;
}) {
  const [caps, setCaps] = useState<CapUsage[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [form, setForm] = useState<Draft | undefined>();
  const [formKey, setFormKey] = useState(0);

  const load = useCallback(async () => {
    try {
      const r = await api.ips.caps();
      setCaps(r.items);
      setError(undefined);
    } catch (err) {
      setError(errorMessage(err));
    }
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reloadKey asks for a fresh copy
  useEffect(() => {
    void load();
  }, [load, reloadKey]);

  const banks = useMemo(
    () =>
      dir.all
        .filter((p) => p.type === 'bank' && p.bic && p.status === 'active')
        .map((p) => ({ bic: p.bic!, name: p.name }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    [dir],
  );
  const rows = useMemo(
    () =>
      (caps ?? [])
        .map((u) => ({ ...u, name: dir.byBic.get(u.bic)?.name }))
        .sort((a, b) => (a.name ?? a.bic).localeCompare(b.name ?? b.bic)),
    [caps, dir],
  );
  const day = caps?.[0]?.day;

  const edit = (draft: Draft) => {
    setNotice(undefined);
    setForm(draft);
    setFormKey((k) => k + 1);
  };

  return (
    <div className="panel" data-testid="caps-panel">
      <div className="panel-head">
        <h2 id="caps-title">Net debit caps</h2>
        <div className="head-actions">
          <span className="muted">{day ? `IPS day ${day} · ` : ''}amounts in KZT</span>
          {canSet && !form && (
            <button type="button" className="btn btn-small" onClick={() => edit(EMPTY)}>
              Set cap
            </button>
          )}
        </div>
      </div>
      <p className="muted panel-lead">
        What each capped bank may send more than it receives in one IPS day, what it has used today and what is left.
        Payments beyond the cap are rejected (AM21).
      </p>
      {notice && <Alert tone="success">{notice}</Alert>}
      {form && (
        <SetCapForm
          key={formKey}
          banks={banks}
          initial={form}
          onCancel={() => setForm(undefined)}
          onSaved={(c) => {
            setForm(undefined);
            setNotice(
              c.cap === null
                ? `The net debit cap of ${c.bic} is removed (version ${c.version}).`
                : `The net debit cap of ${c.bic} is ${formatDecimalNumber(c.cap, 'KZT')} KZT per IPS day (version ${c.version}).`,
            );
            void load();
          }}
        />
      )}
      {error && <Alert>{error}</Alert>}
      <DataTable
        labelledBy="caps-title"
        testId="ips-caps"
        columns={[
          'Bank',
          numCol('Cap'),
          numCol('Net debit today'),
          numCol('Left today'),
          numCol('Used'),
          canSet && 'Actions',
        ]}
        message={!caps && !error ? 'Loading caps…' : caps?.length === 0 ? 'No bank has a net debit cap.' : undefined}
      >
        {rows.map((u) => (
          <tr key={u.bic} data-bic={u.bic}>
            <th scope="row">
              <BankName bic={u.bic} name={u.name} />
            </th>
            <td className="num amount strong" data-testid="cap-cap">
              {u.cap === null ? 'no cap' : formatDecimalNumber(u.cap, 'KZT')}
            </td>
            <td className="num amount" data-testid="cap-used">
              {u.cap === null ? '—' : formatDecimalNumber(u.netDebit, 'KZT')}
            </td>
            <td className="num amount" data-testid="cap-left">
              {u.left === null ? '—' : formatDecimalNumber(u.left, 'KZT')}
            </td>
            <td className="num">{formatRate(usedShare(u))}</td>
            {canSet && (
              <td>
                <span className="row-actions">
                  <button
                    type="button"
                    className="btn btn-small"
                    onClick={() => edit({ ...EMPTY, bic: u.bic, cap: u.cap ?? '' })}
                  >
                    Change
                  </button>
                  {u.cap !== null && (
                    <button
                      type="button"
                      className="btn btn-small btn-outline-danger"
                      onClick={() => edit({ ...EMPTY, bic: u.bic, remove: true })}
                    >
                      Remove
                    </button>
                  )}
                </span>
              </td>
            )}
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
