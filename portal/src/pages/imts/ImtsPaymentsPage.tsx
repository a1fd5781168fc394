import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { Bic, Direction, PaymentLink, WhenCell } from '../../components/cells.tsx';
import { LoadMore } from '../../components/LoadMore.tsx';
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

  const columns = ownBic ? 9 : 8;

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
            <div className="field field-compact field-narrow">
              <label htmlFor="payments-status">Status</label>
              <select
                id="payments-status"
                value={status}
                onChange={(e) => setStatus(e.target.value as PaymentStatus | '')}
              >
                <option value="">All statuses</option>
                {PAYMENT_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {STATUS_LABELS[s]}
                  </option>
                ))}
              </select>
            </div>
            <div className="field field-compact field-wide">
              <label htmlFor="payments-search">Search payments</label>
              <input
                id="payments-search"
                type="search"
                placeholder="Payment ID, message ID, end-to-end ID, BIC or bank"
                value={search}
                onChange={(e) => setSearch(e.target.value)}
              />
            </div>
          </div>
          {list && (
            <span className="muted" aria-live="polite" data-testid="payments-count">
              {shownCount(visible?.length ?? 0, list.items.length, list.next !== null)}
            </span>
          )}
        </div>
        <div className="table-wrap">
          <table aria-labelledby="payments-title" data-testid="payments">
            <thead>
              <tr>
                <th scope="col">Payment</th>
                {ownBic && <th scope="col">Direction</th>}
                <th scope="col">Type</th>
                <th scope="col">Sender</th>
                <th scope="col">Receiver</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">Priority</th>
                <th scope="col">Status</th>
                <th scope="col">Received</th>
              </tr>
            </thead>
            <tbody>
              {!list && !error && (
                <tr>
                  <td colSpan={columns} className="muted">
                    Loading payments…
                  </td>
                </tr>
              )}
              {visible && visible.length === 0 && (
                <tr>
                  <td colSpan={columns} className="muted">
                    {list?.items.length
                      ? 'No loaded payment matches the search.'
                      : status
                        ? `No ${STATUS_LABELS[status].toLowerCase()} payments.`
                        : 'No payments yet.'}
                  </td>
                </tr>
              )}
              {visible?.map((p) => (
                <tr key={p.id} data-payment-id={p.id}>
                  <th scope="row" className="mono cell-id">
                    <PaymentLink payment={p} route="imts-payments" />
                  </th>
                  {ownBic && (
                    <td>
                      <Direction payment={p} ownBic={ownBic} />
                    </td>
                  )}
                  <td className="mono">{p.msgType}</td>
                  <td>
                    <Bic bic={p.senderBic} dir={dir} />
                  </td>
                  <td>
                    <Bic bic={p.receiverBic} dir={dir} />
                  </td>
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
            </tbody>
          </table>
        </div>
        <LoadMore paged={paged} pageSize={PAGE_SIZE} />
      </div>
    </section>
  );
}
