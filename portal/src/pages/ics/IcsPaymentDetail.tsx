import { api } from '../../api.ts';
import { Alert } from '../../components/Alert.tsx';
import { Party } from '../../components/cells.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import type { Directory } from '../../directory.ts';
import { formatDateTimeSeconds, formatMinor, reasonLabel } from '../../format.ts';
import type { IcsPayment } from '../../types.ts';
import { usePaymentById } from '../../usePaymentById.ts';
import { CycleLink } from './cycle.tsx';

interface Props {
  id: string;
  dir: Directory;
  /** The list to go back to, with its filter. */
  backHref: string;
  onSeen: (payment: IcsPayment) => void;
}

const STATUS_NOTES: Record<IcsPayment['status'], string> = {
  accepted: 'Accepted into the cycle: it settles, or is rejected, when the cycle closes.',
  settled: 'Settled: the net positions of its cycle were settled in IMTS.',
  rejected: 'Rejected: it moved no money.',
};

/** One ICS payment with its status, its reason when rejected, and its cycle. */
export function IcsPaymentDetail({ id, dir, backHref, onSeen }: Props) {
  const { payment, error } = usePaymentById(id, api.ics.payment, onSeen);

  return (
    <>
      <p className="back-link">
        <a href={backHref}>← All payments</a>
      </p>
      {error && <Alert>{error}</Alert>}
      {!payment && !error && <p className="muted">Loading payment…</p>}
      {payment && (
        <div className="panel profile" data-testid="payment-detail">
          <div className="profile-head">
            <h2 className="mono">{payment.id}</h2>
            <StatusBadge status={payment.status} />
          </div>
          <p className="muted panel-lead">{STATUS_NOTES[payment.status]}</p>
          <dl className="kv">
            <div>
              <dt>Amount</dt>
              <dd className="amount amount-large" data-testid="payment-amount">
                {formatMinor(payment.amount, payment.currency)}
              </dd>
            </div>
            <div>
              <dt>Reason</dt>
              <dd data-testid="payment-reason">{reasonLabel(payment.reason)}</dd>
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
              <dt>Clearing cycle</dt>
              <dd data-testid="payment-cycle">
                <CycleLink id={payment.cycleId} />
              </dd>
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
          </dl>
        </div>
      )}
    </>
  );
}
