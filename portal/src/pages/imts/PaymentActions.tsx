import { useState } from 'react';
import { api, errorMessage } from '../../api.ts';
import type { Me, Payment } from '../../types.ts';

/** The sender's own queued payment: it may cancel it or change its priority. */
export const canActOn = (me: Me, p: Payment): boolean =>
  p.status === 'queued' && me.participant.bic !== null && p.senderBic === me.participant.bic;

interface Props {
  payment: Payment;
  /** Id of the element naming the payment, for the buttons' accessible descriptions. */
  describedBy?: string;
  onChanged: (updated: Payment, what: string) => void;
  onError: (message: string) => void;
}

/** Cancel (after a confirmation) and Make urgent / Make normal for one queued payment. */
export function PaymentActions({ payment, describedBy, onChanged, onError }: Props) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState<'cancel' | 'priority' | undefined>();
  const target = payment.priority === 'urgent' ? 'normal' : 'urgent';

  const run = async (what: 'cancel' | 'priority') => {
    if (busy) return;
    setBusy(what);
    try {
      if (what === 'cancel') {
        onChanged(await api.imts.cancel(payment.id), 'cancelled');
      } else {
        onChanged(await api.imts.setPriority(payment.id, target), `now ${target}`);
      }
      setConfirming(false);
    } catch (err) {
      onError(errorMessage(err));
    } finally {
      setBusy(undefined);
    }
  };

  if (confirming) {
    return (
      <fieldset className="confirm-inline">
        <legend>Cancel this payment?</legend>
        <button
          type="button"
          className="btn btn-small btn-danger"
          aria-describedby={describedBy}
          disabled={busy !== undefined}
          onClick={() => void run('cancel')}
        >
          {busy === 'cancel' ? 'Cancelling…' : 'Confirm cancellation'}
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={busy !== undefined}
          // biome-ignore lint/a11y/noAutofocus: the confirmation replaces the button that had focus
          autoFocus
          onClick={() => setConfirming(false)}
        >
          Keep
        </button>
      </fieldset>
    );
  }

  return (
    <div className="row-actions">
      <button
        type="button"
        className="btn btn-small"
        aria-describedby={describedBy}
        disabled={busy !== undefined}
        onClick={() => void run('priority')}
      >
        {busy === 'priority' ? 'Saving…' : target === 'urgent' ? 'Make urgent' : 'Make normal'}
      </button>
      <button
        type="button"
        className="btn btn-small btn-outline-danger"
        aria-describedby={describedBy}
        disabled={busy !== undefined}
        onClick={() => setConfirming(true)}
      >
        Cancel
      </button>
    </div>
  );
}
