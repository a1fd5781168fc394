import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { AmountCount, WhenCell } from '../../components/cells.tsx';
import { numCol } from '../../components/DataTable.tsx';
import { StatusFilter } from '../../components/filters.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { IcsTabs } from '../../components/Tabs.tsx';
import { formatDateTime } from '../../format.ts';
import { canCloseCycle, overseesIcs } from '../../roles.ts';
import { type CurrentCycle, CYCLE_STATUSES, type Cycle, type CycleStatus, type Me } from '../../types.ts';
import { usePagedList } from '../../usePagedList.ts';
import { CloseCyclePanel } from './CloseCyclePanel.tsx';
import { CycleLink, cycleHref, cyclePaymentsHref, Total } from './cycle.tsx';

/** The server's page size of cycles (its default limit). */
const PAGE_SIZE = 50;

const STATUS_LABELS: Record<CycleStatus, string> = {
  open: 'Open',
  closing: 'Closing',
  settling: 'Settling',
  closed: 'Closed',
};

/** ICS clearing cycles: the one open now (the operator may close it early) and the cycles so far. */
export function IcsCyclesPage({ me }: { me: Me }) {
  const oversight = overseesIcs(me);
  const [current, setCurrent] = useState<CurrentCycle | undefined>();
  const [currentError, setCurrentError] = useState<string | undefined>();
  const [status, setStatus] = useState<CycleStatus | ''>('');
  const [confirmClose, setConfirmClose] = useState(false);
  const [closeError, setCloseError] = useState<string | undefined>();
  const paged = usePagedList<Cycle>();
  const { list, error, loading, start, reload } = paged;

  const loadCurrent = useCallback(async () => {
    try {
      setCurrent(await api.ics.current());
      setCurrentError(undefined);
    } catch (err) {
      setCurrentError(errorMessage(err));
    }
  }, []);

  useEffect(() => {
    void loadCurrent();
  }, [loadCurrent]);

  useEffect(() => {
    void start((before) => api.ics.cycles({ status: status || undefined, before }));
  }, [start, status]);

  const refresh = () => {
    void loadCurrent();
    void reload();
  };

  return (
    <section aria-labelledby="ics-title">
      <div className="page-head">
        <h1 id="ics-title">ICS · Clearing cycles</h1>
        <div className="head-actions">
          {canCloseCycle(me) && current && !confirmClose && (
            <button
              type="button"
              className="btn btn-outline-danger"
              onClick={() => {
                setCloseError(undefined);
                setConfirmClose(true);
              }}
            >
              Close current cycle
            </button>
          )}
          <button type="button" className="btn" onClick={refresh} disabled={loading}>
            {loading ? 'Refreshing…' : 'Refresh'}
          </button>
        </div>
      </div>
      <IcsTabs current="ics" />

      {confirmClose && current && (
        <CloseCyclePanel
          cycle={current}
          nextId={current.next.id}
          onCancel={() => setConfirmClose(false)}
          onError={setCloseError}
          // the outcome is the closed cycle's detail: its net positions and settlement
          onClosed={(closed) => {
            window.location.hash = cycleHref(closed.id);
          }}
        />
      )}
      {closeError && <Alert>{closeError}</Alert>}
      {currentError && <Alert>{currentError}</Alert>}
      {error && <Alert>{error}</Alert>}

      {current && (
        <div className="panel" data-testid="current-cycle">
          <div className="panel-head">
            <h2 id="current-title">Current cycle</h2>
            <span className="muted">payments submitted now go to it</span>
          </div>
          <dl className="kv kv-inline" aria-labelledby="current-title">
            <div>
              <dt>Cycle</dt>
              <dd data-testid="current-cycle-id">
                <CycleLink id={current.id} />
              </dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd>
                <StatusBadge status={current.status} />
              </dd>
            </div>
            <div>
              <dt>Opened</dt>
              <dd>{formatDateTime(current.opensAt)}</dd>
            </div>
            <div>
              <dt>Closes</dt>
              <dd>{formatDateTime(current.closesAt)}</dd>
            </div>
            <div>
              <dt>{oversight ? 'Accepted' : 'Accepted (all banks)'}</dt>
              <dd data-testid="current-accepted">
                <Total amount={current.acceptedAmount} count={current.acceptedCount} />
              </dd>
            </div>
            <div>
              <dt>Next cycle</dt>
              <dd>
                <span className="mono">{current.next.id}</span>
                <span className="muted"> · closes {formatDateTime(current.next.closesAt)}</span>
              </dd>
            </div>
          </dl>
          <p className="table-note">
            <a href={cyclePaymentsHref(current.id)}>
              {oversight ? 'Payments of this cycle' : 'Your payments in this cycle'}
            </a>
          </p>
        </div>
      )}

      <div className="panel">
        <div className="table-toolbar">
          <div className="toolbar-fields">
            <StatusFilter
              id="cycles-status"
              value={status}
              onChange={setStatus}
              statuses={CYCLE_STATUSES}
              labels={STATUS_LABELS}
            />
          </div>
          <span className="muted">
            Latest first · amounts in KZT{oversight ? '' : ' · totals of all banks; your figures are in each report'}
          </span>
        </div>
        <PagedTable
          paged={paged}
          pageSize={PAGE_SIZE}
          label="Clearing cycles"
          testId="cycles"
          columns={[
            'Cycle',
            'Status',
            'Opened',
            'Closes',
            numCol('Accepted'),
            numCol('Settled'),
            numCol('Rejected'),
            'Closed',
          ]}
          loading="Loading cycles…"
          empty={status ? `No ${STATUS_LABELS[status].toLowerCase()} cycles.` : 'No cycle has taken payments yet.'}
        >
          {list?.items.map((c) => (
            <tr key={c.id} data-cycle-id={c.id}>
              <th scope="row">
                <CycleLink id={c.id} />
              </th>
              <td>
                <StatusBadge status={c.status} />
              </td>
              <td>
                <WhenCell iso={c.opensAt} />
              </td>
              <td>
                <WhenCell iso={c.closesAt} />
              </td>
              <td className="num amount" data-testid="accepted">
                <AmountCount amount={c.acceptedAmount} count={c.acceptedCount} currency="KZT" />
              </td>
              <td className="num amount" data-testid="settled">
                <AmountCount amount={c.settledAmount} count={c.settledCount} currency="KZT" />
              </td>
              <td className="num amount" data-testid="rejected">
                <AmountCount amount={c.rejectedAmount} count={c.rejectedCount} currency="KZT" />
              </td>
              <td>{c.closedAt ? <WhenCell iso={c.closedAt} /> : '—'}</td>
            </tr>
          ))}
        </PagedTable>
      </div>
    </section>
  );
}
