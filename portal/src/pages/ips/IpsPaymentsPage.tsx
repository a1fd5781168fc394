import { useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { Bic, Party, PaymentLink, WhenCell } from '../../components/cells.tsx';
import { LoadMore } from '../../components/LoadMore.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { type Directory, useDirectory } from '../../directory.ts';
import { formatDateTimeSeconds, formatMinor, reasonLabel, shownCount } from '../../format.ts';
import { overseesIps } from '../../roles.ts';
import type { IpsPayment, IpsPosition, Me } from '../../types.ts';
import { hrefOf } from '../../useHashRoute.ts';
import { usePagedList } from '../../usePagedList.ts';
import { usePaymentById } from '../../usePaymentById.ts';

/** The server's page size (its default limit). */
const PAGE_SIZE = 100;

/** A bank's IPS position: what it can pay now, what is reserved by payments in flight, the balance. */
function PositionCard({ reloadKey }: { reloadKey: number }) {
  const [position, setPosition] = useState<IpsPosition | undefined>();
  const [error, setError] = useState<string | undefined>();
  // biome-ignore lint/correctness/useExhaustiveDependencies: reloadKey asks for a fresh copy
  useEffect(() => {
    let cancelled = false;
    api.ips
      .position()
      .then((p) => {
        if (cancelled) return;
        setPosition(p);
        setError(undefined);
      })
      .catch((err: unknown) => !cancelled && setError(errorMessage(err)));
    return () => {
      cancelled = true;
    };
  }, [reloadKey]);

  if (error) return <Alert>{error}</Alert>;
  if (!position) return <p className="muted">Loading position…</p>;
  return (
    <ul className="stats" aria-label="IPS position" data-testid="ips-position">
      <li className="stat">
        <span className="stat-label">Available ({position.bic})</span>
        <span className="stat-value" data-testid="position-available">
          {formatMinor(position.available, 'KZT')}
        </span>
      </li>
      <li className="stat">
        <span className="stat-label">Reserved</span>
        <span className="stat-value" data-testid="position-reserved">
          {formatMinor(position.reserved, 'KZT')}
        </span>
      </li>
      <li className="stat">
        <span className="stat-label">Balance</span>
        <span className="stat-value" data-testid="position-balance">
          {formatMinor(position.balance, 'KZT')}
        </span>
      </li>
    </ul>
  );
}

const STATUS_NOTES: Record<IpsPayment['status'], string> = {
  reserved: 'Reserved on the payer bank’s position and delivered: waiting for the payee bank’s answer.',
  settled: 'Settled: final, the payee bank accepted it.',
  rejected: 'Rejected: it moved no money.',
};

function IpsPaymentDetail({ id, dir, onSeen }: { id: string; dir: Directory; onSeen: (p: IpsPayment) => void }) {
  const { payment, error } = usePaymentById(id, api.ips.payment, onSeen);
  return (
    <>
      <p className="back-link">
        <a href={hrefOf('ips')}>← All payments</a>
      </p>
      {error && <Alert>{error}</Alert>}
      {!payment && !error && <p className="muted">Loading payment…</p>}
      {payment && (
        <div className="panel profile" data-testid="payment-detail">
          <div className="profile-head">
            <h2 className="mono">{payment.id}</h2>
            <StatusBadge status={payment.status} />
          </div>
          <p className="muted panel-lead">{STATUS_NOTES[payment.status] ?? ''}</p>
          <dl className="kv">
            <div>
              <dt>Amount</dt>
              <dd className="amount amount-large" data-testid="payment-amount">
                {formatMinor(payment.amount, 'KZT')}
              </dd>
            </div>
            <div>
              <dt>Reason</dt>
              <dd data-testid="payment-reason">{reasonLabel(payment.reason)}</dd>
            </div>
            <div>
              <dt>Payer bank</dt>
              <dd>
                <Party bic={payment.payerBic} dir={dir} />
              </dd>
            </div>
            <div>
              <dt>Payee bank</dt>
              <dd>
                <Party bic={payment.payeeBic} dir={dir} />
              </dd>
            </div>
            <div>
              <dt>Creditor account</dt>
              <dd className="mono">{payment.creditorAccount}</dd>
            </div>
            {payment.alias && (
              <div>
                <dt>Paid to phone</dt>
                <dd className="mono">{payment.alias}</dd>
              </div>
            )}
            <div>
              <dt>Message ID</dt>
              <dd className="mono">{payment.msgId}</dd>
            </div>
            <div>
              <dt>Transaction ID</dt>
              <dd className="mono">{payment.txId}</dd>
            </div>
            <div>
              <dt>End-to-end ID</dt>
              <dd className="mono">{payment.endToEndId}</dd>
            </div>
            <div>
              <dt>Received</dt>
              <dd>{formatDateTimeSeconds(payment.createdAt)}</dd>
            </div>
            <div>
              <dt>Last change</dt>
              <dd>{formatDateTimeSeconds(payment.updatedAt)}</dd>
            </div>
          </dl>
        </div>
      )}
    </>
  );
}

/** Instant payments the bank sent or received (oversight: all), with the bank's position; or one in detail. */
export function IpsPaymentsPage({ me, paymentId }: { me: Me; paymentId: string | undefined }) {
  const oversight = overseesIps(me);
  const ownBic = oversight ? null : me.participant.bic;
  const dir = useDirectory(me);
  const paged = usePagedList<IpsPayment>();
  const { list, error, loading, start, reload, update } = paged;
  const [positionKey, setPositionKey] = useState(0);
  const loaded = useRef(false);

  useEffect(() => {
    if (paymentId || loaded.current) return;
    loaded.current = true;
    void start((after) => api.ips.payments({ after }));
  }, [start, paymentId]);

  if (paymentId) {
    return (
      <section aria-labelledby="payment-title">
        <div className="page-head">
          <h1 id="payment-title">IPS · Payment</h1>
        </div>
        <IpsPaymentDetail id={paymentId} dir={dir} onSeen={(p) => update((x) => (x.id === p.id ? p : x))} />
      </section>
    );
  }

  const columns = ownBic ? 7 : 6;
  return (
    <section aria-labelledby="ips-title">
      <div className="page-head">
        <h1 id="ips-title">IPS · Instant payments</h1>
        <button
          type="button"
          className="btn"
          onClick={() => {
            setPositionKey((k) => k + 1);
            void reload();
          }}
          disabled={loading}
        >
          {loading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {ownBic && <PositionCard reloadKey={positionKey} />}
      {error && <Alert>{error}</Alert>}
      <div className="panel">
        <div className="table-toolbar">
          <p className="muted panel-lead">
            {oversight ? 'Every participant’s instant payments' : 'Instant payments your bank sent or received'}.
            Amounts in KZT.
          </p>
          {list && (
            <span className="muted" aria-live="polite" data-testid="payments-count">
              {shownCount(list.items.length, list.items.length, list.next !== null)}
            </span>
          )}
        </div>
        <div className="table-wrap">
          <table aria-labelledby="ips-title" data-testid="payments">
            <thead>
              <tr>
                <th scope="col">Payment</th>
                {ownBic && <th scope="col">Direction</th>}
                <th scope="col">Payer</th>
                <th scope="col">Payee</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">Status</th>
                <th scope="col">Time</th>
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
              {list && list.items.length === 0 && (
                <tr>
                  <td colSpan={columns} className="muted">
                    No instant payments yet.
                  </td>
                </tr>
              )}
              {list?.items.map((p) => (
                <tr key={p.id} data-payment-id={p.id}>
                  <th scope="row" className="mono cell-id">
                    <PaymentLink payment={p} route="ips" />
                  </th>
                  {ownBic && (
                    <td>
                      {p.payerBic === ownBic ? (
                        <span className="direction direction-out">Sent</span>
                      ) : (
                        <span className="direction direction-in">Received</span>
                      )}
                    </td>
                  )}
                  <td>
                    <Bic bic={p.payerBic} dir={dir} />
                  </td>
                  <td>
                    <Bic bic={p.payeeBic} dir={dir} />
                  </td>
                  <td className="num amount" data-testid="amount">
                    {formatMinor(p.amount, 'KZT')}
                  </td>
                  <td>
                    <StatusBadge status={p.status} />
                    {p.reason && <span className="cell-sub"> {reasonLabel(p.reason)}</span>}
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
