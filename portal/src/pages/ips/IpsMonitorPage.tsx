import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, errorMessage } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { BankName } from '../../components/cells.tsx';
import { DataTable, numCol } from '../../components/DataTable.tsx';
import { controlProps, Field } from '../../components/Field.tsx';
import { Stat } from '../../components/Stat.tsx';
import { IpsTabs } from '../../components/Tabs.tsx';
import { type ChartSeries, TimeChart } from '../../components/TimeChart.tsx';
import { type Directory, useDirectory } from '../../directory.ts';
import {
  availableOf,
  formatCount,
  formatDateTimeSeconds,
  formatMinorNumber,
  formatMs,
  formatRate,
  reasonLabel,
  sumMinor,
} from '../../format.ts';
import { canSetCaps } from '../../roles.ts';
import type { IpsStats, LedgerAccount, Me } from '../../types.ts';
import { CapsPanel } from './CapsPanel.tsx';

/** How often the monitor asks for fresh figures while live. */
const POLL_MS = 5_000;
/** Samples kept for the live latency chart: 10 minutes at one every 5 s. */
const MAX_SAMPLES = 120;

const WINDOWS: readonly { minutes: number; label: string }[] = [
  { minutes: 5, label: 'Last 5 minutes' },
  { minutes: 15, label: 'Last 15 minutes' },
  { minutes: 60, label: 'Last hour' },
  { minutes: 360, label: 'Last 6 hours' },
  { minutes: 1440, label: 'Last 24 hours' },
];

const FLOW_SERIES: readonly ChartSeries[] = [
  { label: 'All', stroke: '#1f5f99' },
  { label: 'Settled', stroke: '#17663a' },
  { label: 'Rejected', stroke: '#b42318' },
  { label: 'In flight', stroke: '#8a5a00' },
];

const LATENCY_SERIES: readonly ChartSeries[] = [
  { label: 'p50', stroke: '#17663a', format: formatMs },
  { label: 'p90', stroke: '#8a5a00', format: formatMs },
  { label: 'p99', stroke: '#b42318', format: formatMs },
];

/** A time series: unix seconds and one array of values per series. */
interface Samples {
  times: number[];
  values: (number | null)[][];
}

const MINUTE_MS = 60_000;

/**
 * The window's payments per minute from the API's exact counts (`perMinute`), every minute of the window
 * present (none received: zero), so the chart shows the window's history at once. The last minute is the
 * server's current one, still counting.
 */
function perMinuteSeries(stats: IpsStats, minutes: number): { flow: Samples; peak: { at: string; n: number } | null } {
  const first = Math.floor(Date.parse(stats.since) / MINUTE_MS);
  const counted = new Map(stats.perMinute.map((m) => [Math.floor(Date.parse(m.minute) / MINUTE_MS), m]));
  const newest = Math.max(first + minutes, ...counted.keys());
  const flow = noSamples(FLOW_SERIES.length);
  let peak: { at: string; n: number } | null = null;
  for (let m = first; m <= newest; m++) {
    const c = counted.get(m);
    const settled = c?.settled ?? 0;
    const rejected = c?.rejected ?? 0;
    const inFlight = c?.inFlight ?? 0;
    const all = settled + rejected + inFlight;
    flow.times.push((m * MINUTE_MS) / 1000);
    for (const [i, v] of [all, settled, rejected, inFlight].entries()) flow.values[i]!.push(v);
    if (all > 0 && (!peak || all > peak.n)) peak = { at: new Date(m * MINUTE_MS).toISOString(), n: all };
  }
  return { flow, peak };
}

const noSamples = (n: number): Samples => ({ times: [], values: Array.from({ length: n }, () => []) });

/** Appends one sample, keeping the last MAX_SAMPLES (a new object: the chart sees the change). */
function addSample(s: Samples, at: number, point: readonly (number | null)[]): Samples {
  const drop = Math.max(0, s.times.length + 1 - MAX_SAMPLES);
  return {
    times: [...s.times.slice(drop), at],
    values: s.values.map((v, i) => [...v.slice(drop), point[i] ?? null]),
  };
}

interface Position {
  bic: string;
  name: string | undefined;
  available: string;
  reserved: string;
  balance: string;
}

const POSITION_PREFIX = 'ips:position:';

/** A bank's IPS position from its ledger account (`ips:position:<BIC>`): what it can pay, what is reserved. */
function positionOf(a: LedgerAccount, dir: Directory): Position {
  const bic = a.id.startsWith(POSITION_PREFIX)
    ? a.id.slice(POSITION_PREFIX.length)
    : (dir.byId.get(a.owner)?.bic ?? a.id);
  return {
    bic,
    name: dir.byBic.get(bic)?.name ?? dir.byId.get(a.owner)?.name,
    available: availableOf(a),
    reserved: a.debitsPending,
    balance: availableOf({ ...a, debitsPending: '0' }),
  };
}

/**
 * The IPS monitor (oversight): payments in a window by outcome, the success rate, rejection reasons and
 * decision-time percentiles, refreshed every few seconds; the window's payments per minute charted from
 * the platform's exact counts, the percentiles as they are sampled; every bank's IPS position and net
 * debit cap (the operator sets caps).
 */
export function IpsMonitorPage({ me }: { me: Me }) {
  const dir = useDirectory(me);
  const [minutes, setMinutes] = useState(15);
  const [live, setLive] = useState(true);
  const [stats, setStats] = useState<IpsStats | undefined>();
  const [lastMinute, setLastMinute] = useState<IpsStats | undefined>();
  const [accounts, setAccounts] = useState<LedgerAccount[] | undefined>();
  const [positionsError, setPositionsError] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [updatedAt, setUpdatedAt] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  const [latency, setLatency] = useState<Samples>(() => noSamples(LATENCY_SERIES.length));
  /** Answers for an earlier window are dropped; a poll never overlaps the one before it. */
  const generation = useRef(0);
  const busy = useRef(false);

  const load = useCallback(async (span: number) => {
    if (busy.current) return;
    busy.current = true;
    const mine = generation.current;
    setLoading(true);
    try {
      const [inWindow, minute, positions] = await Promise.all([
        api.ips.stats(span),
        span === 1 ? undefined : api.ips.stats(1),
        api.ips.positions().then(
          (r) => ({ items: r.items, error: undefined }),
          (err: unknown) => ({ items: undefined, error: errorMessage(err) }),
        ),
      ]);
      if (mine !== generation.current) return;
      const now = minute ?? inWindow;
      const at = Date.now() / 1000;
      setStats(inWindow);
      setLastMinute(now);
      if (positions.items) setAccounts(positions.items);
      setPositionsError(positions.error);
      const d = inWindow.decisionMs;
      setLatency((s) => addSample(s, at, d ? [d.p50, d.p90, d.p99] : [null, null, null]));
      setUpdatedAt(new Date().toISOString());
      setError(undefined);
    } catch (err) {
      if (mine === generation.current) setError(errorMessage(err));
    } finally {
      // a window change already let the next poll start
      if (mine === generation.current) {
        busy.current = false;
        setLoading(false);
      }
    }
  }, []);

  // a first load for each window, then every POLL_MS while live (skipped while the tab is hidden)
  const loadedWindow = useRef<number | undefined>(undefined);
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      if (!document.hidden || loadedWindow.current !== minutes) {
        loadedWindow.current = minutes;
        await load(minutes);
      }
      if (!cancelled && live) timer = setTimeout(() => void tick(), POLL_MS);
    };
    if (live || loadedWindow.current !== minutes) void tick();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [minutes, live, load]);

  const changeWindow = (m: number) => {
    generation.current++;
    busy.current = false;
    setStats(undefined);
    setLatency(noSamples(LATENCY_SERIES.length));
    setMinutes(m);
  };

  const positions = useMemo(
    () =>
      (accounts ?? []).map((a) => positionOf(a, dir)).sort((x, y) => (x.name ?? x.bic).localeCompare(y.name ?? y.bic)),
    [accounts, dir],
  );
  const reasons = useMemo(
    () => Object.entries(stats?.reasons ?? {}).sort(([a, x], [b, y]) => y - x || a.localeCompare(b)),
    [stats],
  );
  const windowLabel = WINDOWS.find((w) => w.minutes === minutes)?.label.toLowerCase() ?? `last ${minutes} minutes`;
  const decided = stats ? stats.settled + stats.rejected : 0;
  const perMinute = useMemo(() => (stats ? perMinuteSeries(stats, minutes) : undefined), [stats, minutes]);

  return (
    <section aria-labelledby="ips-monitor-title">
      <div className="page-head">
        <h1 id="ips-monitor-title">IPS · Monitor</h1>
        <div className="head-actions">
          <span className="muted" data-testid="monitor-updated">
            {updatedAt ? `Updated ${formatDateTimeSeconds(updatedAt).slice(11)}` : ''}
          </span>
          <button type="button" className="btn" onClick={() => setLive((v) => !v)} aria-pressed={!live}>
            {live ? 'Pause live updates' : 'Resume live updates'}
          </button>
          {!live && (
            <button type="button" className="btn" onClick={() => void load(minutes)} disabled={loading}>
              {loading ? 'Refreshing…' : 'Refresh'}
            </button>
          )}
        </div>
      </div>
      <IpsTabs me={me} current="ips-monitor" />

      <div className="toolbar-fields monitor-toolbar">
        <Field label="Window">
          {(ids) => (
            <select {...controlProps(ids)} value={minutes} onChange={(e) => changeWindow(Number(e.target.value))}>
              {WINDOWS.map((w) => (
                <option key={w.minutes} value={w.minutes}>
                  {w.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <p className="muted monitor-note">
          {live ? `Live: refreshed every ${POLL_MS / 1000} s.` : 'Paused.'} Every participant’s instant payments.
        </p>
      </div>

      {error && <Alert>{error}</Alert>}
      {!stats && !error && <p className="muted">Loading the monitor…</p>}

      {stats && (
        <ul className="stats" aria-label={`IPS, ${windowLabel}`} data-testid="monitor-stats">
          <Stat
            label={`Payments (${windowLabel})`}
            value={formatCount(stats.total)}
            testId="monitor-total"
            sub={stats.inFlight > 0 ? `${formatCount(stats.inFlight)} in flight` : undefined}
          />
          <Stat label="Settled" value={formatCount(stats.settled)} testId="monitor-settled" />
          <Stat label="Rejected" value={formatCount(stats.rejected)} testId="monitor-rejected" />
          <Stat
            label="Success rate"
            value={formatRate(stats.successRate)}
            testId="monitor-success-rate"
            sub={decided > 0 ? `of ${formatCount(decided)} decided` : 'nothing decided yet'}
          />
          <Stat
            label="Payments per minute (now)"
            value={lastMinute ? formatCount(lastMinute.total) : '—'}
            testId="monitor-rate"
          />
          <Stat label="Decision time p50" value={formatMs(stats.decisionMs?.p50)} testId="monitor-p50" />
        </ul>
      )}

      {stats && (
        <div className="monitor-grid">
          <div className="panel">
            <div className="panel-head">
              <h2 id="flow-title">Flow</h2>
              <span className="muted">payments per minute</span>
            </div>
            <p className="muted panel-lead">
              Payments received in each minute of the {windowLabel}, by outcome, as counted by the platform; the last
              minute is still counting.
            </p>
            <TimeChart
              label={`Payments per minute over the ${windowLabel}: all, settled, rejected and in flight`}
              testId="flow-chart"
              series={FLOW_SERIES}
              times={perMinute?.flow.times ?? []}
              values={perMinute?.flow.values ?? []}
            />
            <p className="muted chart-note" data-testid="flow-peak">
              {perMinute?.peak
                ? `Busiest minute: ${formatDateTimeSeconds(perMinute.peak.at).slice(11, 16)} UTC, ${formatCount(perMinute.peak.n)} ${perMinute.peak.n === 1 ? 'payment' : 'payments'}.`
                : `No payment in the ${windowLabel}.`}
            </p>
          </div>

          <div className="panel">
            <div className="panel-head">
              <h2 id="latency-title">Decision time</h2>
              <span className="muted">receipt to final answer, settled payments</span>
            </div>
            <p className="muted panel-lead">
              Over the {stats.decisionMs ? `${formatCount(stats.decisionMs.sample)} newest` : ''} settled payments of
              the {windowLabel}; charted as sampled every {POLL_MS / 1000} s since this page opened.
            </p>
            <dl className="kv kv-inline" aria-labelledby="latency-title" data-testid="monitor-percentiles">
              {(['p50', 'p90', 'p99', 'max'] as const).map((p) => (
                <div key={p}>
                  <dt>{p}</dt>
                  <dd data-testid={`percentile-${p}`}>{formatMs(stats.decisionMs?.[p])}</dd>
                </div>
              ))}
            </dl>
            <TimeChart
              label={`Decision-time percentiles (${windowLabel}) over time`}
              testId="latency-chart"
              series={LATENCY_SERIES}
              times={latency.times}
              values={latency.values}
              unit="ms"
            />
          </div>
        </div>
      )}

      {stats && (
        <div className="panel">
          <div className="panel-head">
            <h2 id="reasons-title">Rejection reasons</h2>
            <span className="muted">{windowLabel}</span>
          </div>
          <DataTable
            labelledBy="reasons-title"
            testId="rejection-reasons"
            columns={['Reason', numCol('Payments'), numCol('Share of rejections')]}
            message={reasons.length === 0 ? 'No payment was rejected.' : undefined}
          >
            {reasons.map(([code, n]) => (
              <tr key={code} data-reason={code}>
                <th scope="row">{reasonLabel(code)}</th>
                <td className="num">{formatCount(n)}</td>
                <td className="num">{formatRate(stats.rejected > 0 ? n / stats.rejected : null)}</td>
              </tr>
            ))}
          </DataTable>
        </div>
      )}

      <div className="panel">
        <div className="panel-head">
          <h2 id="positions-title">IPS positions</h2>
          <span className="muted">
            {accounts ? `${positions.length} ${positions.length === 1 ? 'bank' : 'banks'} · ` : ''}amounts in KZT
          </span>
        </div>
        <p className="muted panel-lead">
          What each bank has prefunded for instant payments: available to pay now, reserved by payments in flight.
        </p>
        {positionsError && <Alert>{positionsError}</Alert>}
        <DataTable
          labelledBy="positions-title"
          testId="ips-positions"
          columns={['Bank', numCol('Available'), numCol('Reserved'), numCol('Balance')]}
          message={
            !accounts && !positionsError
              ? 'Loading positions…'
              : accounts?.length === 0
                ? 'No bank has an IPS position yet.'
                : undefined
          }
        >
          {positions.map((p) => (
            <tr key={p.bic} data-bic={p.bic}>
              <th scope="row">
                <BankName bic={p.bic} name={p.name} />
              </th>
              <td className="num amount strong">{formatMinorNumber(p.available, 'KZT')}</td>
              <td className="num amount">{formatMinorNumber(p.reserved, 'KZT')}</td>
              <td className="num amount">{formatMinorNumber(p.balance, 'KZT')}</td>
            </tr>
          ))}
          {positions.length > 1 && (
            <tr className="total-row">
              <th scope="row">Total</th>
              <td className="num amount strong">
                {formatMinorNumber(sumMinor(positions.map((p) => p.available)), 'KZT')}
              </td>
              <td className="num amount">{formatMinorNumber(sumMinor(positions.map((p) => p.reserved)), 'KZT')}</td>
              <td className="num amount">{formatMinorNumber(sumMinor(positions.map((p) => p.balance)), 'KZT')}</td>
            </tr>
          )}
        </DataTable>
      </div>

      <CapsPanel dir={dir} reloadKey={updatedAt} canSet={canSetCaps(me)} />
    </section>
  );
}
