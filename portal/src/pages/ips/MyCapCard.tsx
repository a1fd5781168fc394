import { useEffect, useState } from 'react';
import { ApiError, api, errorMessage } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { DataTable, numCol } from '../../components/DataTable.tsx';
import { formatDateTimeSeconds, formatDecimal, formatDecimalNumber } from '../../format.ts';
import type { MyCap } from '../../types.ts';

/**
 * A bank's net debit cap on IPS: what it may send more than it receives in one IPS day, what it has used
 * of it today and what is left; the cap's history (who set it, when, why) on demand.
 */
export function MyCapCard({ reloadKey }: { reloadKey: number }) {
  const [cap, setCap] = useState<MyCap | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [missing, setMissing] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reloadKey asks for a fresh copy
  useEffect(() => {
    let cancelled = false;
    api.ips
      .myCap()
      .then((c) => {
        if (cancelled) return;
        setCap(c);
        setError(undefined);
      })
      .catch((err: unknown) => {
        if (cancelled) return;
        // a platform without caps has no such endpoint: nothing to show
        if (err instanceof ApiError && err.status === 404) setMissing(true);
        else setError(errorMessage(err));
      });
    return () => {
      cancelled = true;
    };
  }, [reloadKey]);

  if (missing) return null;
  if (error) return <Alert>{error}</Alert>;
  if (!cap) return <p className="muted">Loading net debit cap…</p>;
  return (
    <div className="cap-card" data-testid="my-cap">
      {cap.cap === null ? (
        <p className="muted" data-testid="my-cap-none">
          No net debit cap: your bank may send up to its IPS position.
        </p>
      ) : (
        <ul className="stats" aria-label={`Net debit cap, IPS day ${cap.day}`}>
          <li className="stat">
            <span className="stat-label">Net debit cap (IPS day {cap.day})</span>
            <span className="stat-value" data-testid="my-cap-cap">
              {formatDecimal(cap.cap, 'KZT')}
            </span>
          </li>
          <li className="stat">
            <span className="stat-label">Net debit today</span>
            <span className="stat-value" data-testid="my-cap-used">
              {formatDecimal(cap.netDebit, 'KZT')}
            </span>
            <span className="cell-sub">sent minus received</span>
          </li>
          <li className="stat">
            <span className="stat-label">Left today</span>
            <span className="stat-value" data-testid="my-cap-left">
              {cap.left === null ? '—' : formatDecimal(cap.left, 'KZT')}
            </span>
          </li>
        </ul>
      )}
      {cap.history.length > 0 && (
        <details className="cap-history">
          <summary>History of your cap ({cap.history.length})</summary>
          <DataTable
            label="History of your net debit cap"
            testId="my-cap-history"
            columns={['Version', numCol('Cap (KZT)'), 'Set', 'Grounds']}
          >
            {cap.history.map((h) => (
              <tr key={h.version}>
                <th scope="row">v{h.version}</th>
                <td className="num amount">{h.cap === null ? 'removed' : formatDecimalNumber(h.cap, 'KZT')}</td>
                <td className="nowrap">{formatDateTimeSeconds(h.setAt)}</td>
                <td>{h.grounds}</td>
              </tr>
            ))}
          </DataTable>
        </details>
      )}
    </div>
  );
}
