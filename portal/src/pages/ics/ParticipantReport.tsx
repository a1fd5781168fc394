import { useEffect, useMemo } from 'react';
import { api } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { Bic, PaymentRowHead, WhenCell } from '../../components/cells.tsx';
import { numCol } from '../../components/DataTable.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import type { Directory } from '../../directory.ts';
import { formatCount, formatMinor, formatSignedMinor, reasonLabel, shownCount } from '../../format.ts';
import type { CycleReportRow, IcsPayment } from '../../types.ts';
import { usePagedList } from '../../usePagedList.ts';
import { cyclePaymentsHref } from './cycle.tsx';

/** The server's page size of payments (its default limit). */
const PAGE_SIZE = 100;

interface Props {
  cycleId: string;
  bic: string;
  /** The participant's report row; undefined when it had no settled or removed payment in the cycle. */
  row: CycleReportRow | undefined;
  /** The signed-in bank's own report (else oversight looking at a participant's). */
  own: boolean;
  dir: Directory;
}

/**
 * One participant's report of a closed cycle: payments out and in, the net position settled in IMTS,
 * whether it settled, and the payments of the cycle it sent or received that were rejected, with reasons.
 */
export function ParticipantReport({ cycleId, bic, row, own, dir }: Props) {
  const name = dir.byBic.get(bic)?.name;
  const paged = usePagedList<IcsPayment>();
  const { list, error, start } = paged;

  useEffect(() => {
    void start((after) => api.ics.payments({ cycleId, status: 'rejected', after }));
  }, [start, cycleId]);

  // oversight reads every participant's rejected payments: this report keeps the participant's own
  const rejected = useMemo(() => list?.items.filter((p) => p.senderBic === bic || p.receiverBic === bic), [list, bic]);
  const net = row ? BigInt(row.net) : 0n;

  return (
    <>
      <div className="panel" data-testid="participant-report">
        <div className="panel-head">
          <h2 id="report-title">{own ? 'Your report' : `Report of ${name ?? bic}`}</h2>
          <span className="muted mono">{bic}</span>
        </div>
        {!row ? (
          <p className="muted" data-testid="no-report">
            {own ? 'Your bank' : (name ?? bic)} had no payment settle or be removed in this cycle.
          </p>
        ) : (
          <dl className="kv" aria-labelledby="report-title">
            <div>
              <dt>Settlement</dt>
              <dd data-testid="report-status">
                <StatusBadge status={row.status} />
                {row.reason && <span className="muted"> {reasonLabel(row.reason)}</span>}
              </dd>
            </div>
            <div>
              <dt>Net position</dt>
              <dd data-testid="report-net">
                <span className="amount amount-large">{formatSignedMinor(row.net, 'KZT')} KZT</span>
                <span className="muted"> {net > 0n ? 'credit' : net < 0n ? 'debit' : ''}</span>
              </dd>
            </div>
            <div>
              <dt>Payments out (settled)</dt>
              <dd data-testid="report-out">
                {formatMinor(row.sentAmount, 'KZT')}
                <span className="muted"> · {formatCount(row.sentCount)}</span>
              </dd>
            </div>
            <div>
              <dt>Payments in (settled)</dt>
              <dd data-testid="report-in">
                {formatMinor(row.receivedAmount, 'KZT')}
                <span className="muted"> · {formatCount(row.receivedCount)}</span>
              </dd>
            </div>
            <div>
              <dt>Removed out (uncovered)</dt>
              <dd data-testid="report-removed">
                {formatMinor(row.rejectedAmount, 'KZT')}
                <span className="muted"> · {formatCount(row.rejectedCount)}</span>
              </dd>
            </div>
          </dl>
        )}
        {row?.status === 'rejected' && (
          <Alert tone="info">
            The net debit was not covered by the available balance in IMTS: every outgoing payment of the cycle was
            rejected ({reasonLabel(row.reason)}); incoming payments from the others still settled.
          </Alert>
        )}
      </div>

      <div className="panel">
        <div className="panel-head">
          <h2 id="rejected-title">Rejected payments</h2>
          {list && rejected && (
            <span className="muted" data-testid="rejected-count">
              {list.next
                ? `${rejected.length} in the ${list.items.length} loaded`
                : shownCount(rejected.length, rejected.length, false)}
            </span>
          )}
        </div>
        <p className="muted panel-lead">
          Payments of the cycle {own ? 'your bank' : (name ?? bic)} sent or was to receive that did not settle: refused
          at intake, or removed at the close. <a href={cyclePaymentsHref(cycleId, 'rejected')}>All rejected payments</a>
        </p>
        {error && <Alert>{error}</Alert>}
        <PagedTable
          paged={paged}
          pageSize={PAGE_SIZE}
          shown={rejected?.length}
          labelledBy="rejected-title"
          testId="rejected-payments"
          columns={['Payment', 'Direction', 'Counterparty', numCol('Amount'), 'Status', 'Reason', 'Received']}
          loading="Loading rejected payments…"
          empty={`No rejected payments${list?.next ? ' among those loaded' : ''}.`}
        >
          {rejected?.map((p) => (
            <tr key={p.id} data-payment-id={p.id}>
              <PaymentRowHead payment={p} route="ics-payments" senderBic={p.senderBic} ownBic={bic} />
              <td>
                <Bic bic={p.senderBic === bic ? p.receiverBic : p.senderBic} dir={dir} />
              </td>
              <td className="num amount">{formatMinor(p.amount, p.currency)}</td>
              <td>
                <StatusBadge status={p.status} />
              </td>
              <td data-testid="reason">{reasonLabel(p.reason)}</td>
              <td>
                <WhenCell iso={p.createdAt} />
              </td>
            </tr>
          ))}
        </PagedTable>
      </div>
    </>
  );
}
