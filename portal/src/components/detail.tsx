import type { ReactNode } from 'react';
import { formatDateTimeSeconds, formatMinor } from '../format.ts';
import { Alert } from './Alert.tsx';
import { StatusBadge } from './StatusBadge.tsx';

/** One label/value row of a detail list (`dl.kv`). */
export function Kv({
  label,
  className,
  testId,
  children,
}: {
  label: string;
  className?: string;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <div>
      <dt>{label}</dt>
      <dd className={className} data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

/** The way back to a list, the alerts, and "Loading <what>…" until the item is there. */
export function DetailFrame({
  backHref,
  backLabel,
  what,
  notice,
  error,
  loaded,
  children,
}: {
  backHref: string;
  /** e.g. "All payments". */
  backLabel: string;
  /** The item, for "Loading <what>…". */
  what: string;
  notice?: string | undefined;
  error: string | undefined;
  loaded: boolean;
  children: ReactNode;
}) {
  return (
    <>
      <p className="back-link">
        <a href={backHref}>← {backLabel}</a>
      </p>
      {notice && <Alert tone="success">{notice}</Alert>}
      {error && <Alert>{error}</Alert>}
      {!loaded && !error && <p className="muted">Loading {what}…</p>}
      {loaded && children}
    </>
  );
}

/** The way back to a list of payments, the alerts, and "Loading payment…" until the payment is there. */
export const PaymentDetailFrame = (props: Omit<Parameters<typeof DetailFrame>[0], 'backLabel' | 'what'>) => (
  <DetailFrame {...props} backLabel="All payments" what="payment" />
);

/** The refresh button of a screen or a card: "Refreshing…" while it loads. */
export const RefreshButton = ({
  loading,
  onClick,
  small,
}: {
  loading: boolean;
  onClick: () => void;
  small?: boolean;
}) => (
  <button type="button" className={small ? 'btn btn-small' : 'btn'} onClick={onClick} disabled={loading}>
    {loading ? 'Refreshing…' : 'Refresh'}
  </button>
);

/** The head of a record's card: its id as the heading, its status, then more badges or actions. */
export function ProfileHead({
  id,
  headId,
  status,
  children,
}: {
  id: string;
  /** The id of the heading (for controls it describes). */
  headId?: string | undefined;
  status: string;
  children?: ReactNode;
}) {
  return (
    <div className="profile-head">
      <h2 className="mono" id={headId}>
        {id}
      </h2>
      <StatusBadge status={status} />
      {children}
    </div>
  );
}

/** A payment's card: its id and status, then more badges or actions, an optional note and its fields. */
export function PaymentCard({
  payment,
  headId,
  head,
  note,
  children,
}: {
  payment: { id: string; status: string };
  /** The id of the heading (for controls it describes). */
  headId?: string;
  /** After the status badge: more badges, actions. */
  head?: ReactNode;
  note?: string;
  /** The Kv rows. */
  children: ReactNode;
}) {
  return (
    <div className="panel profile" data-testid="payment-detail">
      <ProfileHead id={payment.id} headId={headId} status={payment.status}>
        {head}
      </ProfileHead>
      {note !== undefined && <p className="muted panel-lead">{note}</p>}
      <dl className="kv">{children}</dl>
    </div>
  );
}

/** A payment's amount, large. */
export const AmountKv = ({ amount, currency }: { amount: string; currency: string }) => (
  <Kv label="Amount" className="amount amount-large" testId="payment-amount">
    {formatMinor(amount, currency)}
  </Kv>
);

/** The ids a payment arrived with. */
export function MessageIdsKv({ payment }: { payment: { msgId: string; txId: string; endToEndId: string } }) {
  return (
    <>
      <Kv label="Message ID" className="mono">
        {payment.msgId}
      </Kv>
      <Kv label="Transaction ID" className="mono">
        {payment.txId}
      </Kv>
      <Kv label="End-to-end ID" className="mono">
        {payment.endToEndId}
      </Kv>
    </>
  );
}

/** A moment of a payment, to the second. */
export const WhenKv = ({ label, iso }: { label: string; iso: string }) => (
  <Kv label={label}>{formatDateTimeSeconds(iso)}</Kv>
);
