import { api } from '../../api.ts';
import { Party } from '../../components/cells.tsx';
import { AmountKv, Kv, MessageIdsKv, PaymentCard, PaymentDetailFrame, WhenKv } from '../../components/detail.tsx';
import type { Directory } from '../../directory.ts';
import { reasonLabel } from '../../format.ts';
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
    <PaymentDetailFrame backHref={backHref} error={error} loaded={Boolean(payment)}>
      {payment && (
        <PaymentCard payment={payment} note={STATUS_NOTES[payment.status]}>
          <AmountKv amount={payment.amount} currency={payment.currency} />
          <Kv label="Reason" testId="payment-reason">
            {reasonLabel(payment.reason)}
          </Kv>
          <Kv label="Sender">
            <Party bic={payment.senderBic} dir={dir} />
          </Kv>
          <Kv label="Receiver">
            <Party bic={payment.receiverBic} dir={dir} />
          </Kv>
          <Kv label="Clearing cycle" testId="payment-cycle">
            <CycleLink id={payment.cycleId} />
          </Kv>
          <MessageIdsKv payment={payment} />
          <Kv label="Sequence" className="mono">
            {payment.seq}
          </Kv>
          <WhenKv label="Received" iso={payment.createdAt} />
        </PaymentCard>
      )}
    </PaymentDetailFrame>
  );
}
