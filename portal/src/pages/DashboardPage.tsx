import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage } from '../api.ts';
import { Alert } from '../components/Alert.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { formatCount, formatMinor, formatUptime } from '../format.ts';
import type { Dashboard } from '../types.ts';

const ENGINE_LABELS: Record<string, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };
const EVENTS_LABELS: Record<string, string> = { 'in-process': 'In-process', nats: 'NATS' };

export function DashboardPage() {
  const [data, setData] = useState<Dashboard | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      setData(await api.dashboard());
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

  return (
    <section aria-labelledby="dashboard-title">
      <div className="page-head">
        <h1 id="dashboard-title">Dashboard</h1>
        <button type="button" className="btn" onClick={() => void load()} disabled={loading}>
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {error && <Alert>{error}</Alert>}
      {!data && loading && <p className="muted">Loading dashboard…</p>}
      {data && (
        <>
          <div className="panel">
            <h2>Platform health</h2>
            <dl className="kv kv-inline" aria-label="Platform health">
              <div>
                <dt>Status</dt>
                <dd data-testid="health-status">
                  <StatusBadge status={data.health.status} />
                </dd>
              </div>
              <div>
                <dt>Storage engine</dt>
                <dd data-testid="health-engine">{ENGINE_LABELS[data.health.engine] ?? data.health.engine}</dd>
              </div>
              <div>
                <dt>Events transport</dt>
                <dd data-testid="health-events">{EVENTS_LABELS[data.health.events] ?? data.health.events}</dd>
              </div>
              <div>
                <dt>Uptime</dt>
                <dd data-testid="health-uptime">{formatUptime(data.health.uptimeSeconds)}</dd>
              </div>
              <div>
                <dt>Version</dt>
                <dd className="mono">{data.health.version}</dd>
              </div>
            </dl>
          </div>

          <ul className="stats" aria-label="Counts">
            <Stat label="Participants" value={data.counts.participants} />
            <Stat label="Active participants" value={data.counts.activeParticipants} />
            <Stat label="Users" value={data.counts.users} />
            <Stat label="Ledger accounts" value={data.counts.ledgerAccounts} />
            <Stat label="Transfers" value={data.counts.transfers} />
          </ul>

          <div className="panel">
            <h2 id="ledger-totals-title">Ledger totals</h2>
            {data.ledgerTotals.length === 0 ? (
              <p className="muted">No ledger accounts yet.</p>
            ) : (
              <div className="table-wrap">
                <table aria-labelledby="ledger-totals-title">
                  <thead>
                    <tr>
                      <th scope="col">Currency</th>
                      <th scope="col" className="num">
                        Accounts
                      </th>
                      <th scope="col" className="num">
                        Debits posted
                      </th>
                      <th scope="col" className="num">
                        Credits posted
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.ledgerTotals.map((t) => (
                      <tr key={t.currency}>
                        <th scope="row" className="mono">
                          {t.currency}
                        </th>
                        <td className="num">{formatCount(t.accounts)}</td>
                        <td className="num amount">{formatMinor(t.debitsPosted, t.currency)}</td>
                        <td className="num amount">{formatMinor(t.creditsPosted, t.currency)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
        </>
      )}
    </section>
  );
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <li className="stat">
      <span className="stat-label">{label}</span>
      <span className="stat-value">{formatCount(value)}</span>
    </li>
  );
}
