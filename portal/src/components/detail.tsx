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

/** The way back to a list, the alerts, and "Loading payment…" until the payment is there. */
export function PaymentDetailFrame({
  backHref,
  notice,
  error,
  loaded,
  children,
}: {
  backHref: string;
  notice?: string | undefined;
  error: string | undefined;
  loaded: boolean;
  children: ReactNode;
}) {
  return (
    <>
      <p className="back-link">
        <a href={backHref}>← All payments</a>
      </p>
      {notice && <Alert tone="success">{notice}</Alert>}
      {error && <Alert>{error}</Alert>}
      {!loaded && !error && <p className="muted">Loading payment…</p>}
      {loaded && children}
    </>
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
      <div className="profile-head">
        <h2 className="mono" id={headId}>
          {payment.id}
        </h2>
        <StatusBadge status={payment.status} />
        {head}
      </div>
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
