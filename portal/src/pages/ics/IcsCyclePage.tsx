import { useCallback, useEffect, useState } from 'react';
import { ApiError, api, errorMessage } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { AmountCount, BankName } from '../../components/cells.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { IcsTabs } from '../../components/Tabs.tsx';
import { type Directory, useDirectory } from '../../directory.ts';
import { formatCount, formatDateTime, formatMinor, formatSignedMinor, reasonLabel, sumMinor } from '../../format.ts';
import { canCloseCycle, overseesIcs } from '../../roles.ts';
import type { Cycle, CycleReportRow, Me } from '../../types.ts';
import { hrefOf } from '../../useHashRoute.ts';
import { CloseCyclePanel } from './CloseCyclePanel.tsx';
import { closedByLabel, cycleHref, cyclePaymentsHref, Total } from './cycle.tsx';
import { ParticipantReport } from './ParticipantReport.tsx';

interface Loaded {
  cycle: Cycle;
  /** The report rows once the cycle is closed: every participant's for oversight, the bank's own otherwise. */
  report: CycleReportRow[] | undefined;
}

/** `<cycle id>` or `<cycle id>/<BIC>` of the URL. */
function parseDetail(detail: string): { cycleId: string; bic: string | undefined } {
  const i = detail.indexOf('/');
  return i < 0
    ? { cycleId: detail, bic: undefined }
    : { cycleId: detail.slice(0, i), bic: detail.slice(i + 1) || undefined };
}

/**
 * One clearing cycle: its totals and settlement, the net positions of every participant (oversight) and
 * one participant's report; a bank sees its own report only.
 */
export function IcsCyclePage({ me, detail }: { me: Me; detail: string }) {
  const oversight = overseesIcs(me);
  const dir = useDirectory(me);
  const { cycleId, bic: askedBic } = parseDetail(detail);
  // a bank's report is its own whatever the URL says
  const bic = oversight ? askedBic : (me.participant.bic ?? undefined);
  const [data, setData] = useState<Loaded | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [loading, setLoading] = useState(true);
  const [confirmClose, setConfirmClose] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const cycle = await api.ics.cycle(cycleId);
      const report = cycle.status === 'closed' ? (await api.ics.report(cycleId)).items : undefined;
      setData({ cycle, report });
      setError(undefined);
    } catch (err) {
      setError(
        err instanceof ApiError && (err.status === 400 || err.status === 404)
          ? `There is no clearing cycle ${cycleId}.`
          : errorMessage(err),
      );
    } finally {
      setLoading(false);
    }
  }, [cycleId]);

  useEffect(() => {
    setData(undefined);
    setNotice(undefined);
    setConfirmClose(false);
    void load();
  }, [load]);

  const cycle = data?.cycle;
  const closed = cycle?.status === 'closed';
  const ownRow = bic ? data?.report?.find((r) => r.participant === bic) : undefined;

  return (
    <section aria-labelledby="cycle-title">
      <div className="page-head">
        <h1 id="cycle-title">ICS · Cycle {cycleId}</h1>
        <div className="head-actions">
          {canCloseCycle(me) && cycle && !closed && !confirmClose && (
            <button type="button" className="btn btn-outline-danger" onClick={() => setConfirmClose(true)}>
              Close cycle
            </button>
          )}
          <button type="button" className="btn" onClick={() => void load()} disabled={loading}>
            {loading ? 'Refreshing…' : 'Refresh'}
          </button>
        </div>
      </div>
      <IcsTabs current="ics-cycles" />
      <p className="back-link">
        {oversight && askedBic ? (
          <a href={cycleHref(cycleId)}>← Net positions of cycle {cycleId}</a>
        ) : (
          <a href={hrefOf('ics')}>← All cycles</a>
        )}
      </p>

      {confirmClose && cycle && (
        <CloseCyclePanel
          cycle={cycle}
          onCancel={() => setConfirmClose(false)}
          onError={(m) => {
            setNotice(undefined);
            setError(m);
          }}
          onClosed={(c) => {
            setConfirmClose(false);
            setError(undefined);
            setNotice(
              `Cycle ${c.id} closed: ${formatCount(c.settledCount ?? 0)} settled (${formatMinor(c.settledAmount ?? '0', 'KZT')}), ${formatCount(c.rejectedCount ?? 0)} rejected.`,
            );
            void load();
          }}
        />
      )}
      {notice && <Alert tone="success">{notice}</Alert>}
      {error && <Alert>{error}</Alert>}
      {!data && loading && <p className="muted">Loading cycle…</p>}

      {cycle && (
        <div className="panel profile" data-testid="cycle-summary">
          <div className="profile-head">
            <h2 className="mono">{cycle.id}</h2>
            <StatusBadge status={cycle.status} />
          </div>
          <dl className="kv">
            <div>
              <dt>Business date</dt>
              <dd className="mono">{cycle.businessDate}</dd>
            </div>
            <div>
              <dt>Cycle of the day</dt>
              <dd>{cycle.number}</dd>
            </div>
            <div>
              <dt>Opened</dt>
              <dd>{formatDateTime(cycle.opensAt)}</dd>
            </div>
            <div>
              <dt>{closed ? 'Scheduled close' : 'Closes'}</dt>
              <dd>{formatDateTime(cycle.closesAt)}</dd>
            </div>
            <div>
              <dt>Accepted</dt>
              <dd data-testid="cycle-accepted">
                <Total amount={cycle.acceptedAmount} count={cycle.acceptedCount} />
              </dd>
            </div>
            <div>
              <dt>Settled</dt>
              <dd data-testid="cycle-settled">
                <Total amount={cycle.settledAmount} count={cycle.settledCount} />
              </dd>
            </div>
            <div>
              <dt>Rejected</dt>
              <dd data-testid="cycle-rejected">
                <Total amount={cycle.rejectedAmount} count={cycle.rejectedCount} />
              </dd>
            </div>
            <div>
              <dt>Netting rounds</dt>
              <dd>{cycle.rounds ?? '—'}</dd>
            </div>
            <div>
              <dt>IMTS settlement</dt>
              <dd className="mono" data-testid="cycle-settlement">
                {cycle.settlementId ?? (closed ? 'none: nothing to settle' : '—')}
              </dd>
            </div>
            <div>
              <dt>Closed</dt>
              <dd data-testid="cycle-closed">
                {cycle.closedAt ? `${formatDateTime(cycle.closedAt)} ${closedByLabel(cycle.closedBy, dir)}` : '—'}
              </dd>
            </div>
          </dl>
          <p className="table-note">
            <a href={cyclePaymentsHref(cycle.id)}>
              {oversight ? 'Payments of this cycle' : 'Your payments in this cycle'}
            </a>
          </p>
        </div>
      )}

      {cycle && !closed && (
        <Alert tone="info">
          Net positions and the report are computed when the cycle closes
          {cycle.status === 'open' ? ` (scheduled at ${formatDateTime(cycle.closesAt)})` : ''}.
        </Alert>
      )}

      {cycle && closed && data.report && !bic && oversight && (
        <NetPositions cycleId={cycle.id} rows={data.report} dir={dir} />
      )}

      {cycle && closed && data.report && bic && (
        <ParticipantReport cycleId={cycle.id} bic={bic} row={ownRow} own={!oversight} dir={dir} />
      )}

      {cycle && closed && !bic && !oversight && (
        <Alert tone="info">Your organization has no BIC: it does not clear in ICS.</Alert>
      )}
    </section>
  );
}

/** Every participant's net position in a closed cycle and whether it settled. */
function NetPositions({ cycleId, rows, dir }: { cycleId: string; rows: CycleReportRow[]; dir: Directory }) {
  const credits = sumMinor(rows.filter((r) => BigInt(r.net) > 0n).map((r) => r.net));
  return (
    <div className="panel">
      <div className="panel-head">
        <h2 id="net-title">Net positions</h2>
        <span className="muted">
          {rows.length} {rows.length === 1 ? 'participant' : 'participants'} · amounts in KZT ·{' '}
          {formatMinor(credits, 'KZT')} of net debits and credits settled in IMTS
        </span>
      </div>
      <p className="muted panel-lead">
        Payments out and in are those that settled; a participant whose net debit was not covered is removed with its
        outgoing payments (rejected), and the others are netted again without them.
      </p>
      {rows.length === 0 ? (
        <p className="muted">No participant had a payment settle or be removed in this cycle.</p>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby="net-title" data-testid="net-positions">
            <thead>
              <tr>
                <th scope="col">Participant</th>
                <th scope="col" className="num">
                  Payments out
                </th>
                <th scope="col" className="num">
                  Payments in
                </th>
                <th scope="col" className="num">
                  Net position
                </th>
                <th scope="col" className="num">
                  Rejected out
                </th>
                <th scope="col">Settlement</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.participant} data-bic={r.participant}>
                  <th scope="row">
                    <a href={cycleHref(cycleId, r.participant)}>
                      <BankName bic={r.participant} name={dir.byBic.get(r.participant)?.name} />
                    </a>
                  </th>
                  <td className="num amount">
                    <AmountCount amount={r.sentAmount} count={r.sentCount} currency="KZT" />
                  </td>
                  <td className="num amount">
                    <AmountCount amount={r.receivedAmount} count={r.receivedCount} currency="KZT" />
                  </td>
                  <td className="num amount strong" data-testid="net">
                    {formatSignedMinor(r.net, 'KZT')}
                  </td>
                  <td className="num amount" data-testid="rejected-out">
                    <AmountCount amount={r.rejectedAmount} count={r.rejectedCount} currency="KZT" />
                  </td>
                  <td data-testid="settlement">
                    <StatusBadge status={r.status} />
                    {r.reason && <span className="cell-sub"> {reasonLabel(r.reason)}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
