import { type FormEvent, useCallback, useEffect, useMemo, useState } from 'react';
import { api, errorMessage } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { Bic } from '../../components/cells.tsx';
import { DataTable, ListCount, numCol } from '../../components/DataTable.tsx';
import { controlProps, Field } from '../../components/Field.tsx';
import { SelectFilter } from '../../components/filters.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { IpsTabs } from '../../components/Tabs.tsx';
import { type Directory, useDirectory } from '../../directory.ts';
import { formatBps, formatCount, formatDateTimeSeconds, formatMinorNumber } from '../../format.ts';
import { canPublishTariffs, canReadFeeStatements, overseesIps } from '../../roles.ts';
import { type FeeStatement, IPS_PAYMENT_TYPES, type IpsPaymentType, type Me, type Tariff } from '../../types.ts';
import { PublishTariffForm } from './PublishTariffForm.tsx';
import { CHARGED_LABELS, PAYMENT_TYPE_LABELS, tariffStates } from './tariffLabels.ts';

const TYPE_ORDER = new Map<string, number>(IPS_PAYMENT_TYPES.map((t, i) => [t, i]));

/** Default first, then banks by BIC; within one, by payment type; the newest version first. */
function byGroupThenNewest(a: Tariff, b: Tariff): number {
  if ((a.bic ?? '') !== (b.bic ?? '')) return (a.bic ?? '').localeCompare(b.bic ?? '');
  if (a.paymentType !== b.paymentType)
    return (TYPE_ORDER.get(a.paymentType) ?? 9) - (TYPE_ORDER.get(b.paymentType) ?? 9);
  return Date.parse(b.validFrom) - Date.parse(a.validFrom) || (b.createdAt < a.createdAt ? -1 : 1);
}

/** The current month in UTC, YYYY-MM (fee statements are by UTC month). */
const thisMonth = () => new Date().toISOString().slice(0, 7);

function typeLabel(t: string): string {
  return PAYMENT_TYPE_LABELS[t as IpsPaymentType] ?? t;
}

/** A bank's fees of a month: its own, or for oversight any bank's. */
function FeeStatementPanel({ me, dir }: { me: Me; dir: Directory }) {
  const oversight = overseesIps(me);
  const banks = useMemo(() => dir.all.filter((p) => p.type === 'bank' && p.bic), [dir]);
  const [month, setMonth] = useState(thisMonth);
  const [bic, setBic] = useState('');
  const [statement, setStatement] = useState<FeeStatement | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);

  const load = useCallback(async (m: string, forBic: string) => {
    setLoading(true);
    setError(undefined);
    try {
      setStatement(await api.ips.feeStatement({ month: m, bic: forBic || undefined }));
    } catch (err) {
      setStatement(undefined);
      setError(errorMessage(err));
    } finally {
      setLoading(false);
    }
  }, []);

  // a bank sees its own statement of this month at once; oversight picks a bank first
  useEffect(() => {
    if (!oversight) void load(thisMonth(), '');
  }, [oversight, load]);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
      setError('Choose a month.');
      return;
    }
    if (oversight && !bic) {
      setError('Choose a bank.');
      return;
    }
    void load(month, bic);
  };

  return (
    <div className="panel" data-testid="fee-statement">
      <h2 id="fee-statement-title">Fee statement</h2>
      <p className="muted panel-lead">
        {oversight
          ? 'A bank’s IPS fees of one month (UTC), by payment type.'
          : 'Your bank’s IPS fees of one month (UTC), by payment type: what it owes the operator.'}
      </p>
      <form className="toolbar-fields" onSubmit={submit} noValidate aria-labelledby="fee-statement-title">
        <Field label="Month">
          {(ids) => (
            <input
              {...controlProps(ids)}
              type="month"
              name="month"
              value={month}
              onChange={(e) => setMonth(e.target.value)}
            />
          )}
        </Field>
        {oversight && (
          <Field label="Bank">
            {(ids) => (
              <select {...controlProps(ids)} name="bic" value={bic} onChange={(e) => setBic(e.target.value)}>
                <option value="">Choose a bank…</option>
                {banks.map((b) => (
                  <option key={b.id} value={b.bic!}>
                    {b.name} ({b.bic})
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <div className="form-actions toolbar-submit">
          <button type="submit" className="btn" disabled={loading}>
            {loading ? 'Loading…' : 'Show statement'}
          </button>
        </div>
      </form>
      {error && <Alert>{error}</Alert>}
      {statement && (
        <DataTable
          label={`Fees of ${statement.bic} in ${statement.month}`}
          testId="fee-statement-lines"
          columns={['Payment type', numCol('Payments'), numCol('Fees (KZT)')]}
          message={statement.lines.length === 0 ? `No fees for ${statement.bic} in ${statement.month}.` : undefined}
        >
          {statement.lines.map((l) => (
            <tr key={l.paymentType} data-payment-type={l.paymentType}>
              <th scope="row">{typeLabel(l.paymentType)}</th>
              <td className="num">{formatCount(l.payments)}</td>
              <td className="num amount">{formatMinorNumber(l.total, 'KZT')}</td>
            </tr>
          ))}
          {statement.lines.length > 0 && (
            <tr className="total-row">
              <th scope="row">
                Total · <span className="mono">{statement.bic}</span> · {statement.month}
              </th>
              <td className="num">{formatCount(statement.lines.reduce((n, l) => n + l.payments, 0))}</td>
              <td className="num amount strong" data-testid="fee-statement-total">
                {formatMinorNumber(statement.total, 'KZT')}
              </td>
            </tr>
          )}
        </DataTable>
      )}
    </div>
  );
}

/**
 * IPS tariffs: every published version with its state (in force, scheduled, superseded), for everyone
 * signed in; the operator publishes new versions; a bank (or oversight, for any bank) reads a monthly fee
 * statement.
 */
export function TariffsPage({ me }: { me: Me }) {
  const dir = useDirectory(me);
  const [tariffs, setTariffs] = useState<Tariff[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  const [publishing, setPublishing] = useState(false);
  const [notice, setNotice] = useState<string | undefined>();
  const [type, setType] = useState<IpsPaymentType | ''>('');
  const [now, setNow] = useState(() => new Date().toISOString());

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const r = await api.ips.tariffs();
      setNow(new Date().toISOString());
      setTariffs(r.items);
      setError(undefined);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const states = useMemo(() => tariffStates(tariffs ?? [], now), [tariffs, now]);
  const shown = useMemo(
    () => (tariffs ?? []).filter((t) => !type || t.paymentType === type).sort(byGroupThenNewest),
    [tariffs, type],
  );
  const banks = useMemo(() => dir.all.filter((p) => p.type === 'bank' && p.bic && p.status === 'active'), [dir]);

  return (
    <section aria-labelledby="tariffs-title">
      <div className="page-head">
        <h1 id="tariffs-title">IPS · Tariffs</h1>
        <div className="page-actions">
          <button type="button" className="btn" onClick={() => void load()} disabled={loading}>
            {loading ? 'Refreshing…' : 'Refresh'}
          </button>
          {canPublishTariffs(me) && !publishing && (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => {
                setNotice(undefined);
                setPublishing(true);
              }}
            >
              Publish tariff
            </button>
          )}
        </div>
      </div>
      <IpsTabs me={me} current="ips-tariffs" />
      {publishing && (
        <PublishTariffForm
          banks={banks}
          onCancel={() => setPublishing(false)}
          onPublished={(t) => {
            setPublishing(false);
            setNotice(
              `Tariff ${t.id} published: ${typeLabel(t.paymentType)} for ${t.bic ?? 'every bank'}, valid from ${formatDateTimeSeconds(t.validFrom)}.`,
            );
            void load();
          }}
        />
      )}
      {notice && <Alert tone="success">{notice}</Alert>}
      {error && <Alert>{error}</Alert>}
      <div className="panel">
        <div className="table-toolbar">
          <div className="toolbar-fields">
            <SelectFilter
              id="tariff-type"
              label="Payment type"
              value={type}
              onChange={setType}
              allLabel="All payment types"
              options={IPS_PAYMENT_TYPES.map((t) => ({ value: t, label: PAYMENT_TYPE_LABELS[t] }))}
            />
          </div>
          {tariffs && (
            <ListCount testId="tariffs-count">
              {shown.length === tariffs.length
                ? `${tariffs.length} ${tariffs.length === 1 ? 'version' : 'versions'}`
                : `${shown.length} of ${tariffs.length} versions`}
            </ListCount>
          )}
        </div>
        <p className="muted panel-lead">
          Every published version, newest first for each bank and payment type. Fee = fixed + amount × percentage,
          within the minimum and the maximum; a bank’s own tariff comes before the default. Amounts in KZT.
        </p>
        <DataTable
          labelledBy="tariffs-title"
          testId="tariffs"
          columns={[
            'Applies to',
            'Payment type',
            'Charged to',
            numCol('Fixed'),
            numCol('Percentage'),
            numCol('Minimum'),
            numCol('Maximum'),
            'Valid from',
            'State',
          ]}
          message={
            !tariffs && !error ? 'Loading tariffs…' : shown.length === 0 ? 'No tariff is published yet.' : undefined
          }
        >
          {shown.map((t) => (
            <tr key={t.id} data-tariff-id={t.id} data-bic={t.bic ?? ''} data-payment-type={t.paymentType}>
              <th scope="row">{t.bic ? <Bic bic={t.bic} dir={dir} /> : 'Every bank (default)'}</th>
              <td>{typeLabel(t.paymentType)}</td>
              <td>{CHARGED_LABELS[t.charged] ?? t.charged}</td>
              <td className="num amount" data-testid="tariff-fixed">
                {formatMinorNumber(t.fixed, 'KZT')}
              </td>
              <td className="num" data-testid="tariff-percentage">
                {formatBps(t.bps)}
              </td>
              <td className="num amount">{formatMinorNumber(t.min, 'KZT')}</td>
              <td className="num amount">{t.max === null ? 'no cap' : formatMinorNumber(t.max, 'KZT')}</td>
              <td className="nowrap">{formatDateTimeSeconds(t.validFrom)}</td>
              <td>
                <StatusBadge status={states.get(t.id) ?? 'superseded'} />
              </td>
            </tr>
          ))}
        </DataTable>
      </div>
      {canReadFeeStatements(me) && <FeeStatementPanel me={me} dir={dir} />}
    </section>
  );
}
