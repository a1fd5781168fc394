import { useEffect, useState } from 'react';
import { api } from '../../api.ts';
import { Party } from '../../components/cells.tsx';
import { AmountKv, Kv, MessageIdsKv, PaymentCard, PaymentDetailFrame, WhenKv } from '../../components/detail.tsx';
import { PriorityBadge } from '../../components/StatusBadge.tsx';
import type { Directory } from '../../directory.ts';
import { reasonLabel } from '../../format.ts';
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
    <PaymentDetailFrame backHref={hrefOf('imts-payments')} notice={notice} error={error} loaded={Boolean(payment)}>
      {payment && (
        <>
          <PaymentCard
            payment={payment}
            headId="payment-id"
            head={
              <>
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
              </>
            }
          >
            <AmountKv amount={payment.amount} currency={payment.currency} />
            <Kv label="Reason">{reasonLabel(payment.reason)}</Kv>
            <Kv label="Sender">
              <Party bic={payment.senderBic} dir={dir} />
            </Kv>
            <Kv label="Receiver">
              <Party bic={payment.receiverBic} dir={dir} />
            </Kv>
            <Kv label="Message type">{MESSAGE_NAMES[payment.msgType] ?? payment.msgType}</Kv>
            <MessageIdsKv payment={payment} />
            <Kv label="Sequence" className="mono">
              {payment.seq}
            </Kv>
            <WhenKv label="Received" iso={payment.createdAt} />
            <WhenKv label="Last change" iso={payment.updatedAt} />
          </PaymentCard>
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
    </PaymentDetailFrame>
  );
}
