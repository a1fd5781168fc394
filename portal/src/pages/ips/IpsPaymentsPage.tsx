import { useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { Party, PartyCells, PaymentRowHead, WhenCell } from '../../components/cells.tsx';
import { ListCount, numCol } from '../../components/DataTable.tsx';
import { AmountKv, Kv, MessageIdsKv, PaymentCard, PaymentDetailFrame, WhenKv } from '../../components/detail.tsx';
import { PagedTable } from '../../components/PagedTable.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import { IpsTabs } from '../../components/Tabs.tsx';
import { type Directory, useDirectory } from '../../directory.ts';
import { formatMinor, reasonLabel, shownCount } from '../../format.ts';
import { canOpenDisputes, hasOwnCap, overseesIps } from '../../roles.ts';
import type { IpsPayment, IpsPosition, Me } from '../../types.ts';
import { hrefOf } from '../../useHashRoute.ts';
import { usePagedList } from '../../usePagedList.ts';
import { usePaymentById } from '../../usePaymentById.ts';
import { MyCapCard } from './MyCapCard.tsx';

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

function IpsPaymentDetail({
  id,
  dir,
  disputesBic,
  onSeen,
}: {
  id: string;
  dir: Directory;
  /** The bank that may dispute the payments it paid, if the viewer is one. */
  disputesBic: string | null;
  onSeen: (p: IpsPayment) => void;
}) {
  const { payment, error } = usePaymentById(id, api.ips.payment, onSeen);
  const disputable = payment?.status === 'settled' && disputesBic !== null && payment.payerBic === disputesBic;
  return (
    <PaymentDetailFrame backHref={hrefOf('ips')} error={error} loaded={Boolean(payment)}>
      {payment && (
        <PaymentCard
          payment={payment}
          note={STATUS_NOTES[payment.status] ?? ''}
          head={
            disputable && (
              <div className="profile-actions">
                <a
                  className="btn btn-small"
                  href={hrefOf('ips-disputes', undefined, `payment=${encodeURIComponent(payment.id)}`)}
                >
                  Open a dispute
                </a>
              </div>
            )
          }
        >
          <AmountKv amount={payment.amount} currency="KZT" />
          <Kv label="Reason" testId="payment-reason">
            {reasonLabel(payment.reason)}
          </Kv>
          <Kv label="Payer bank">
            <Party bic={payment.payerBic} dir={dir} />
          </Kv>
          <Kv label="Payee bank">
            <Party bic={payment.payeeBic} dir={dir} />
          </Kv>
          <Kv label="Creditor account" className="mono">
            {payment.creditorAccount}
          </Kv>
          {payment.alias && (
            <Kv label="Paid to phone" className="mono">
              {payment.alias}
            </Kv>
          )}
          <MessageIdsKv payment={payment} />
          <WhenKv label="Received" iso={payment.createdAt} />
          <WhenKv label="Last change" iso={payment.updatedAt} />
        </PaymentCard>
      )}
    </PaymentDetailFrame>
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
        <IpsPaymentDetail
          id={paymentId}
          dir={dir}
          disputesBic={canOpenDisputes(me) ? ownBic : null}
          onSeen={(p) => update((x) => (x.id === p.id ? p : x))}
        />
      </section>
    );
  }

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
      <IpsTabs me={me} current="ips" />
      {ownBic && <PositionCard reloadKey={positionKey} />}
      {hasOwnCap(me) && <MyCapCard reloadKey={positionKey} />}
      {error && <Alert>{error}</Alert>}
      <div className="panel">
        <div className="table-toolbar">
          <p className="muted panel-lead">
            {oversight ? 'Every participant’s instant payments' : 'Instant payments your bank sent or received'}.
            Amounts in KZT.
          </p>
          {list && (
            <ListCount testId="payments-count">
              {shownCount(list.items.length, list.items.length, list.next !== null)}
            </ListCount>
          )}
        </div>
        <PagedTable
          paged={paged}
          pageSize={PAGE_SIZE}
          labelledBy="ips-title"
          testId="payments"
          columns={['Payment', ownBic && 'Direction', 'Payer', 'Payee', numCol('Amount'), 'Status', 'Time']}
          loading="Loading payments…"
          empty="No instant payments yet."
        >
          {list?.items.map((p) => (
            <tr key={p.id} data-payment-id={p.id}>
              <PaymentRowHead payment={p} route="ips" senderBic={p.payerBic} ownBic={ownBic} />
              <PartyCells from={p.payerBic} to={p.payeeBic} dir={dir} />
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
        </PagedTable>
      </div>
    </section>
  );
}
