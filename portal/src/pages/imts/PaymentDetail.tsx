import { useEffect, useState } from 'react';
import { api } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { Party } from '../../components/cells.tsx';
import { PriorityBadge, StatusBadge } from '../../components/StatusBadge.tsx';
import type { Directory } from '../../directory.ts';
import { formatDateTimeSeconds, formatMinor, reasonLabel } from '../../format.ts';
import type { Me, Payment } from '../../types.ts';
import { hrefOf } from '../../useHashRoute.ts';
import { usePaymentById } from '../../usePaymentById.ts';
import { canActOn, PaymentActions } from './PaymentActions.tsx';

const MESSAGE_NAMES: Record<string, string> = {
  'pacs.008': 'pacs.008 · customer credit transfer',
  'pacs.009': 'pacs.009 · financial institution credit transfer',
};

function pretty(document: unknown): string {
  try {
    return JSON.stringify(document, null, 2) ?? 'null';
  } catch {
    return String(document);
  }
}

interface Props {
  me: Me;
  id: string;
  dir: Directory;
  onSeen: (payment: Payment) => void;
}

/** One payment: its fields and the ISO 20022 transaction it arrived as. */
export function PaymentDetail({ me, id, dir, onSeen }: Props) {
  const { payment, setPayment, error, setError } = usePaymentById(id, api.imts.payment, onSeen);
  const [notice, setNotice] = useState<string | undefined>();
  // a notice is about the payment it was given for
  // biome-ignore lint/correctness/useExhaustiveDependencies: cleared whenever another payment is shown
  useEffect(() => setNotice(undefined), [id]);

  return (
    <>
      <p className="back-link">
        <a href={hrefOf('imts-payments')}>← All payments</a>
      </p>
      {notice && <Alert tone="success">{notice}</Alert>}
      {error && <Alert>{error}</Alert>}
      {!payment && !error && <p className="muted">Loading payment…</p>}
      {payment && (
        <>
          <div className="panel profile" data-testid="payment-detail">
            <div className="profile-head">
              <h2 className="mono" id="payment-id">
                {payment.id}
              </h2>
              <StatusBadge status={payment.status} />
              <PriorityBadge priority={payment.priority} />
              {canActOn(me, payment) && (
                <div className="profile-actions">
                  <PaymentActions
                    payment={payment}
                    describedBy="payment-id"
                    onError={(m) => {
                      setNotice(undefined);
                      setError(m);
                    }}
                    onChanged={(updated, what) => {
                      setError(undefined);
                      setPayment(updated);
                      onSeen(updated);
                      setNotice(`Payment ${what}.`);
                    }}
                  />
                </div>
              )}
            </div>
            <dl className="kv">
              <div>
                <dt>Amount</dt>
                <dd className="amount amount-large" data-testid="payment-amount">
                  {formatMinor(payment.amount, payment.currency)}
                </dd>
              </div>
              <div>
                <dt>Reason</dt>
                <dd>{reasonLabel(payment.reason)}</dd>
              </div>
              <div>
                <dt>Sender</dt>
                <dd>
                  <Party bic={payment.senderBic} dir={dir} />
                </dd>
              </div>
              <div>
                <dt>Receiver</dt>
                <dd>
                  <Party bic={payment.receiverBic} dir={dir} />
                </dd>
              </div>
              <div>
                <dt>Message type</dt>
                <dd>{MESSAGE_NAMES[payment.msgType] ?? payment.msgType}</dd>
              </div>
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
                <dt>Sequence</dt>
                <dd className="mono">{payment.seq}</dd>
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
          <section className="panel" aria-labelledby="iso-title">
            <h2 id="iso-title">ISO 20022 transaction</h2>
            <p className="muted panel-lead">
              The credit transfer transaction as received ({payment.msgType}, element names in camelCase).
            </p>
            <pre className="code-block" data-testid="payment-document">
              {pretty(payment.document)}
            </pre>
          </section>
        </>
      )}
    </>
  );
}
