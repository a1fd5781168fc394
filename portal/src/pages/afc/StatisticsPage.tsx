import { type FormEvent, type ReactNode, useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { DataTable, numCol } from '../../components/DataTable.tsx';
import { controlProps, Field } from '../../components/Field.tsx';
import { Stat } from '../../components/Stat.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { AfcTabs } from '../../components/Tabs.tsx';
import { type ChartSeries, TimeChart } from '../../components/TimeChart.tsx';
import { formatCount, formatMinor, formatMinorNumber, sumMinor } from '../../format.ts';
import type { AfcStatistics, Me, StatisticsTable } from '../../types.ts';
import { useFormSubmit } from '../../useFormSubmit.ts';
import { ageBandLabel, fraudTypeLabel, regionLabel } from './afcLabels.ts';
import { typeLabel, useIncidentTypes } from './useIncidentTypes.ts';

const DAY_MS = 86_400_000;
/** The range shown first: the last 30 days, today included. */
const DEFAULT_DAYS = 30;

const INCIDENT_SERIES: readonly ChartSeries[] = [{ label: 'Incidents filed', stroke: '#1f5f99' }];
const GROWTH_SERIES: readonly ChartSeries[] = [
  { label: 'New suspects', stroke: '#8a5a00' },
  { label: 'Confirmed fraudsters', stroke: '#b42318' },
  { label: 'Removed', stroke: '#17663a' },
];

const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const dayMs = (day: string): number => Date.parse(`${day}T00:00:00Z`);

/** Every day of [from, to) with its values (none: zeros), as a chart's times and series. */
function daily<T extends { day: string }>(
  from: string,
  to: string,
  rows: readonly T[],
  pick: readonly ((r: T) => number)[],
): { times: number[]; values: number[][] } {
  const byDay = new Map(rows.map((r) => [r.day.slice(0, 10), r]));
  const times: number[] = [];
  const values: number[][] = pick.map(() => []);
  for (let t = dayMs(from.slice(0, 10)); t < Date.parse(to); t += DAY_MS) {
    const r = byDay.get(isoDay(t));
    times.push(t / 1000);
    for (const [i, p] of pick.entries()) values[i]!.push(r ? p(r) : 0);
  }
  return { times, values };
}

interface BarRow {
  key: string;
  label: ReactNode;
  count: number;
  /** Tiyn. */
  amount?: string;
}

/** A panel's title with the link to its table as CSV. */
function PanelHead({ id, title, csv }: { id: string; title: string; csv: string | undefined }) {
  return (
    <div className="panel-head">
      <h2 id={id}>{title}</h2>
      {csv && (
        <a className="csv-link" href={csv} download data-testid={`${id}-csv`}>
          CSV
        </a>
      )}
    </div>
  );
}

/** A table of groups with their count drawn as a bar, and the amount where the group has one. */
function BarTable({
  id,
  title,
  head,
  rows,
  csv,
}: {
  id: string;
  title: string;
  head: string;
  rows: readonly BarRow[];
  csv: string | undefined;
}) {
  const max = Math.max(1, ...rows.map((r) => r.count));
  const amounts = rows.some((r) => r.amount !== undefined);
  return (
    <div className="panel">
      <PanelHead id={id} title={title} csv={csv} />
      <DataTable
        labelledBy={id}
        testId={id}
        columns={[
          head,
          numCol('Incidents'),
          { label: 'Share', className: 'bar-cell' },
          amounts && numCol('Amount (KZT)'),
        ]}
        message={rows.length === 0 ? 'No incident in the range.' : undefined}
      >
        {rows.map((r) => (
          <tr key={r.key} data-key={r.key}>
            <th scope="row">{r.label}</th>
            <td className="num" data-testid="count">
              {formatCount(r.count)}
            </td>
            <td className="bar-cell" aria-hidden="true">
              <span className="bar" style={{ width: `${(100 * r.count) / max}%` }} />
            </td>
            {amounts && <td className="num amount">{r.amount ? formatMinorNumber(r.amount, 'KZT') : '—'}</td>}
          </tr>
        ))}
      </DataTable>
    </div>
  );
}

/** Fraud types down, victims' age bands across: how many incidents in each, shaded by how many. */
function FraudByAge({ stats, csv }: { stats: AfcStatistics; csv: string | undefined }) {
  const bands = [...new Set(stats.byVictimAge.map((b) => b.band))];
  const types = stats.byFraudType.map((t) => t.fraudType);
  const count = new Map(stats.fraudTypeByAge.map((c) => [`${c.fraudType}|${c.band}`, c.count]));
  const max = Math.max(1, ...stats.fraudTypeByAge.map((c) => c.count));
  return (
    <div className="panel">
      <PanelHead id="afc-fraud-by-age" title="Fraud type × victim’s age" csv={csv} />
      <DataTable
        labelledBy="afc-fraud-by-age"
        testId="afc-fraud-by-age"
        columns={['Fraud type', ...bands.map((b) => numCol(ageBandLabel(b)))]}
        message={types.length === 0 ? 'No incident in the range.' : undefined}
      >
        {types.map((t) => (
          <tr key={t} data-key={t}>
            <th scope="row">{fraudTypeLabel(t)}</th>
            {bands.map((b) => {
              const n = count.get(`${t}|${b}`) ?? 0;
              return (
                <td key={b} className={`num heat-${n === 0 ? 0 : Math.min(4, Math.ceil((4 * n) / max))}`}>
                  {formatCount(n)}
                </td>
              );
            })}
          </tr>
        ))}
      </DataTable>
    </div>
  );
}

const FIELDS = ['from', 'to'];

/**
 * Anti-fraud analytics (the regulator's view; law enforcement and the operator see every card, a bank or
 * mobile operator the cards it filed or is related to): incidents over time and the lists' growth charted,
 * then fraud types, recipients' and victims' age bands, fraud type × age, regions, status and transaction
 * type as bar tables, and the funds recovered. Each table downloads as CSV.
 */
export function StatisticsPage({ me }: { me: Me }) {
  const { matrix } = useIncidentTypes();
  const today = isoDay(Date.now());
  const [fromDay, setFromDay] = useState(() => isoDay(Date.now() - (DEFAULT_DAYS - 1) * DAY_MS));
  const [toDay, setToDay] = useState(today);
  const [range, setRange] = useState<{ from: string; to: string } | undefined>();
  const [stats, setStats] = useState<AfcStatistics | undefined>();
  const f = useFormSubmit(FIELDS);
  const { run } = f;

  /** The days typed as the API's range: from the first day's start to the end of the last day. */
  const load = useCallback(
    (first: string, last: string) =>
      run(async () => {
        const r = { from: first, to: isoDay(dayMs(last) + DAY_MS) };
        setStats(await api.afc.statistics(r.from, r.to));
        setRange(r);
      }),
    [run],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: the first range loads once; later ones on submit
  useEffect(() => {
    void load(fromDay, toDay);
  }, []);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    void load(fromDay, toDay);
  };

  const csv = (table: StatisticsTable) => (range ? api.afc.statisticsCsvUrl(range.from, range.to, table) : undefined);
  const perDay = useMemo(
    () => (stats ? daily(stats.from, stats.to, stats.byDay, [(r) => r.count]) : undefined),
    [stats],
  );
  const growth = useMemo(
    () =>
      stats
        ? daily(stats.from, stats.to, stats.listGrowth, [(r) => r.suspects, (r) => r.confirmed, (r) => r.removed])
        : undefined,
    [stats],
  );
  const recovered = stats
    ? sumMinor([stats.recovered.blockedAtSender, stats.recovered.blockedAtRecipient, stats.recovered.returned])
    : '0';

  return (
    <section aria-labelledby="afc-stats-title">
      <div className="page-head">
        <h1 id="afc-stats-title">Anti-fraud · Analytics</h1>
      </div>
      <AfcTabs me={me} current="afc-stats" />
      <form className="toolbar-fields monitor-toolbar" onSubmit={submit} noValidate aria-label="Range">
        <Field label="From" error={f.errors.from}>
          {(ids) => (
            <input
              {...controlProps(ids)}
              type="date"
              name="from"
              value={fromDay}
              max={toDay}
              onChange={(e) => setFromDay(e.target.value)}
            />
          )}
        </Field>
        <Field label="To (inclusive)" error={f.errors.to}>
          {(ids) => (
            <input
              {...controlProps(ids)}
              type="date"
              name="to"
              value={toDay}
              min={fromDay}
              onChange={(e) => setToDay(e.target.value)}
            />
          )}
        </Field>
        <div className="toolbar-submit">
          <button type="submit" className="btn btn-primary" disabled={f.busy}>
            {f.busy ? 'Loading…' : 'Show'}
          </button>
        </div>
        <p className="muted monitor-note" data-testid="afc-stats-scope">
          {stats
            ? stats.scope === 'all'
              ? 'Every incident card. Days in UTC; at most 366 days.'
              : 'The cards your organisation filed or is related to; the lists’ growth is the whole lists’. Days in UTC.'
            : ''}
        </p>
      </form>
      {f.formError && <Alert>{f.formError}</Alert>}
      {!stats && !f.formError && <p className="muted">Loading the statistics…</p>}

      {stats && (
        <>
          <ul className="stats" aria-label="Incidents in the range" data-testid="afc-stats-totals">
            <Stat label="Incidents" value={formatCount(stats.total.count)} testId="afc-total-count" />
            <Stat label="Amount" value={formatMinor(stats.total.amount, 'KZT')} testId="afc-total-amount" />
            <Stat
              label="Blocked at the sender’s bank"
              value={formatMinor(stats.recovered.blockedAtSender, 'KZT')}
              testId="afc-blocked-sender"
            />
            <Stat
              label="Blocked at the recipient’s bank"
              value={formatMinor(stats.recovered.blockedAtRecipient, 'KZT')}
              testId="afc-blocked-recipient"
            />
            <Stat label="Returned" value={formatMinor(stats.recovered.returned, 'KZT')} testId="afc-returned" />
            <Stat label="Recovered in all" value={formatMinor(recovered, 'KZT')} testId="afc-recovered" />
          </ul>

          <div className="afc-charts">
            <div className="panel">
              <PanelHead id="afc-per-day" title="Incidents over time" csv={csv('byDay')} />
              <p className="muted panel-lead">Incident cards filed each day.</p>
              <TimeChart
                label="Incident cards filed per day over the range"
                testId="afc-incidents-chart"
                series={INCIDENT_SERIES}
                times={perDay?.times ?? []}
                values={perDay?.values ?? []}
              />
            </div>
            <div className="panel">
              <PanelHead id="afc-growth" title="List growth" csv={csv('listGrowth')} />
              <p className="muted panel-lead">
                Identifiers put on the suspects and fraudsters lists, and removed, each day.
              </p>
              <TimeChart
                label="List growth per day: new suspects, confirmed fraudsters, removed"
                testId="afc-growth-chart"
                series={GROWTH_SERIES}
                times={growth?.times ?? []}
                values={growth?.values ?? []}
              />
            </div>
          </div>

          <div className="afc-charts">
            <BarTable
              id="afc-by-fraud-type"
              title="By fraud type"
              head="Fraud type"
              csv={csv('byFraudType')}
              rows={stats.byFraudType.map((r) => ({ ...r, key: r.fraudType, label: fraudTypeLabel(r.fraudType) }))}
            />
            <BarTable
              id="afc-by-region"
              title="By victim’s region"
              head="Region"
              csv={csv('byRegion')}
              rows={stats.byRegion.map((r) => ({ ...r, key: r.region, label: regionLabel(r.region) }))}
            />
            <BarTable
              id="afc-by-recipient-age"
              title="By recipient’s age"
              head="Age band"
              csv={csv('byRecipientAge')}
              rows={stats.byRecipientAge.map((r) => ({ ...r, key: r.band, label: ageBandLabel(r.band) }))}
            />
            <BarTable
              id="afc-by-victim-age"
              title="By victim’s age"
              head="Age band"
              csv={csv('byVictimAge')}
              rows={stats.byVictimAge.map((r) => ({ ...r, key: r.band, label: ageBandLabel(r.band) }))}
            />
            <BarTable
              id="afc-by-status"
              title="By status"
              head="Status"
              csv={csv('byStatus')}
              rows={stats.byStatus.map((r) => ({ ...r, key: r.status, label: <StatusBadge status={r.status} /> }))}
            />
            <BarTable
              id="afc-by-type"
              title="By transaction type"
              head="Transaction type"
              csv={csv('byType')}
              rows={stats.byType.map((r) => ({ ...r, key: r.type, label: typeLabel(matrix, r.type) }))}
            />
          </div>
          <FraudByAge stats={stats} csv={csv('fraudTypeByAge')} />
        </>
      )}
    </section>
  );
}
