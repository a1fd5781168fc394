import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { PartyCells, PaymentRowHead, WhenCell } from '../../components/cells.tsx';
import { ListCount, numCol } from '../../components/DataTable.tsx';
import { PaymentSearch, StatusFilter } from '../../components/filters.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { PriorityBadge, StatusBadge } from '../../components/StatusBadge.tsx';
import { ImtsTabs } from '../../components/Tabs.tsx';
import { paymentMatches, useDirectory } from '../../directory.ts';
import { formatMinor, shownCount } from '../../format.ts';
import { overseesImts } from '../../roles.ts';
import { type Me, PAYMENT_STATUSES, type Payment, type PaymentStatus } from '../../types.ts';
import { usePagedList } from '../../usePagedList.ts';
import { PaymentDetail } from './PaymentDetail.tsx';

/** The server's page size (its default limit). */
const PAGE_SIZE = 100;

const STATUS_LABELS: Record<PaymentStatus, string> = {
  settled: 'Settled',
  queued: 'Queued',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
};

/** Payments search and list; with a payment id in the URL, that payment in detail. */
export function ImtsPaymentsPage({ me, paymentId }: { me: Me; paymentId: string | undefined }) {
  const oversight = overseesImts(me);
  const ownBic = oversight ? null : me.participant.bic;
  const dir = useDirectory(me);
  const [status, setStatus] = useState<PaymentStatus | ''>('');
  const [search, setSearch] = useState('');
  const paged = usePagedList<Payment>();
  const { list, error, loading, start, reload, update } = paged;

  useEffect(() => {
    void start((after) => api.imts.payments({ status: status || undefined, after }));
  }, [start, status]);

  const visible = useMemo(() => list?.items.filter((p) => paymentMatches(p, search, dir)), [list, search, dir]);

  if (paymentId) {
    return (
      <section aria-labelledby="payment-title">
        <div className="page-head">
          <h1 id="payment-title">IMTS · Payment</h1>
        </div>
        <ImtsTabs current="imts-payments" />
        <PaymentDetail
          me={me}
          id={paymentId}
          dir={dir}
          // the list shows a payment as the detail last saw it
          onSeen={(p) => update((x) => (x.id === p.id ? p : x))}
        />
      </section>
    );
  }

  return (
    <section aria-labelledby="payments-title">
      <div className="page-head">
        <h1 id="payments-title">IMTS · Payments</h1>
        <button type="button" className="btn" onClick={() => void reload()} disabled={loading}>
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <ImtsTabs current="imts-payments" />
      {error && <Alert>{error}</Alert>}

      <div className="panel">
        <div className="table-toolbar">
          <div className="toolbar-fields">
            <StatusFilter
              id="payments-status"
              value={status}
              onChange={setStatus}
              statuses={PAYMENT_STATUSES}
              labels={STATUS_LABELS}
            />
            <PaymentSearch id="payments-search" value={search} onChange={setSearch} />
          </div>
          {list && (
            <ListCount testId="payments-count">
              {shownCount(visible?.length ?? 0, list.items.length, list.next !== null)}
            </ListCount>
          )}
        </div>
        <PagedTable
          paged={paged}
          pageSize={PAGE_SIZE}
          shown={visible?.length}
          labelledBy="payments-title"
          testId="payments"
          columns={[
            'Payment',
            ownBic && 'Direction',
            'Type',
            'Sender',
            'Receiver',
            numCol('Amount'),
            'Priority',
            'Status',
            'Received',
          ]}
          loading="Loading payments…"
          empty={
            list?.items.length
              ? 'No loaded payment matches the search.'
              : status
                ? `No ${STATUS_LABELS[status].toLowerCase()} payments.`
                : 'No payments yet.'
          }
        >
          {visible?.map((p) => (
            <tr key={p.id} data-payment-id={p.id}>
              <PaymentRowHead payment={p} route="imts-payments" senderBic={p.senderBic} ownBic={ownBic} />
              <td className="mono">{p.msgType}</td>
              <PartyCells from={p.senderBic} to={p.receiverBic} dir={dir} />
              <td className="num amount">{formatMinor(p.amount, p.currency)}</td>
              <td>
                <PriorityBadge priority={p.priority} />
              </td>
              <td>
                <StatusBadge status={p.status} />
              </td>
              <td>
                <WhenCell iso={p.createdAt} />
              </td>
            </tr>
          ))}
        </PagedTable>
      </div>
    </section>
  );
}
