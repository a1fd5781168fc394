import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, errorMessage } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { PriorityBadge, StatusBadge } from '../../components/StatusBadge.tsx';
import { formatMinor } from '../../format.ts';
import { overseesImts } from '../../roles.ts';
import { type Me, PAYMENT_STATUSES, type Payment, type PaymentStatus } from '../../types.ts';
import { Bic, PaymentLink, WhenCell } from './cells.tsx';
import { useDirectory } from './directory.ts';
import { ImtsTabs } from './ImtsTabs.tsx';
import { PaymentDetail } from './PaymentDetail.tsx';

/** The server's page size (its default limit). */
const PAGE_SIZE = 100;

const STATUS_LABELS: Record<PaymentStatus, string> = {
  settled: 'Settled',
  queued: 'Queued',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
};

interface ListState {
  items: Payment[];
  next: string | null;
}

/** Payments search and list; with a payment id in the URL, that payment in detail. */
export function ImtsPaymentsPage({ me, paymentId }: { me: Me; paymentId: string | undefined }) {
  const oversight = overseesImts(me);
  const ownBic = oversight ? null : me.participant.bic;
  const dir = useDirectory(me);
  const [status, setStatus] = useState<PaymentStatus | ''>('');
  const [search, setSearch] = useState('');
  const [list, setList] = useState<ListState | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [loading, setLoading] = useState(false);
  // answers to an earlier filter that arrive late are dropped
  const generation = useRef(0);

  const load = useCallback(async (filter: PaymentStatus | '', after?: string) => {
    const mine = after ? generation.current : ++generation.current;
    setLoading(true);
    try {
      const page = await api.imts.payments({ status: filter || undefined, after });
      if (mine !== generation.current) return;
      setList((prev) => ({
        items: after && prev ? [...prev.items, ...page.items] : page.items,
        next: page.next,
      }));
      setError(undefined);
    } catch (err) {
      if (mine === generation.current) setError(errorMessage(err));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    setList(undefined);
    void load(status);
  }, [load, status]);

  const visible = useMemo(() => {
    const q = search.trim().toLowerCase();
    if (!list || !q) return list?.items;
    return list.items.filter((p) =>
      [p.id, p.msgId, p.txId, p.endToEndId, p.senderBic, p.receiverBic, dir.byBic.get(p.senderBic)?.name ?? '']
        .concat(dir.byBic.get(p.receiverBic)?.name ?? '')
        .some((v) => v.toLowerCase().includes(q)),
    );
  }, [list, search, dir]);

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
          onSeen={(p) => setList((prev) => prev && { ...prev, items: prev.items.map((x) => (x.id === p.id ? p : x)) })}
        />
      </section>
    );
  }

  const columns = ownBic ? 9 : 8;

  return (
    <section aria-labelledby="payments-title">
      <div className="page-head">
        <h1 id="payments-title">IMTS · Payments</h1>
        <button type="button" className="btn" onClick={() => void load(status)} disabled={loading}>
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
              {visible?.length === list.items.length
                ? `${list.items.length} ${list.items.length === 1 ? 'payment' : 'payments'}${list.next ? ' loaded' : ''}`
                : `${visible?.length ?? 0} of ${list.items.length} ${list.next ? 'loaded ' : ''}payments`}
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
                    <PaymentLink payment={p} />
                  </th>
                  {ownBic && (
                    <td>
                      {p.senderBic === ownBic ? (
                        <span className="direction direction-out">Sent</span>
                      ) : (
                        <span className="direction direction-in">Received</span>
                      )}
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
        {list?.next && (
          <div className="table-more">
            <button
              type="button"
              className="btn"
              disabled={loading}
              onClick={() => void load(status, list.next ?? undefined)}
            >
              {loading ? 'Loading…' : `Load ${PAGE_SIZE} more`}
            </button>
          </div>
        )}
      </div>
    </section>
  );
}
