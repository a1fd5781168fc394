import { useState } from 'react';
import { api, errorMessage } from '../../api.ts';
import { formatCount, formatDateTime, formatMinor } from '../../format.ts';
import type { Cycle } from '../../types.ts';

interface Props {
  cycle: Cycle;
  /** The cycle payments go to once this one is closed, when known. */
  nextId?: string | undefined;
  onClosed: (closed: Cycle) => void;
  onCancel: () => void;
  onError: (message: string) => void;
}

/** The operator's confirmation before a cycle is closed ahead of its schedule (or one left open is closed). */
export function CloseCyclePanel({ cycle, nextId, onClosed, onCancel, onError }: Props) {
  const [busy, setBusy] = useState(false);
  const early = new Date(cycle.closesAt).getTime() > Date.now();

  const close = async () => {
    if (busy) return;
    setBusy(true);
    try {
      onClosed(await api.ics.closeCycle(cycle.id));
    } catch (err) {
      onError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel confirm-panel" aria-labelledby="close-cycle-title">
      <h2 id="close-cycle-title">Close cycle {cycle.id} now?</h2>
      <p>
        {early ? `It is scheduled to close at ${formatDateTime(cycle.closesAt)}. ` : ''}
        Its {formatCount(cycle.acceptedCount)} accepted {cycle.acceptedCount === 1 ? 'payment' : 'payments'} (
        {formatMinor(cycle.acceptedAmount, 'KZT')}) are netted and the net positions settled in IMTS, all or nothing. A
        participant whose net debit is not covered is removed with its outgoing payments (AM04).
        {nextId ? ` Payments arriving from now on go to cycle ${nextId}.` : ''}
      </p>
      <div className="form-actions">
        <button type="button" className="btn btn-danger" onClick={() => void close()} disabled={busy}>
          {busy ? 'Closing…' : 'Confirm close'}
        </button>
        <button type="button" className="btn" onClick={onCancel} disabled={busy}>
          Keep open
        </button>
      </div>
    </section>
  );
}
