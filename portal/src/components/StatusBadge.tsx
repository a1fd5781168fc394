const TONES: Record<string, string> = {
  active: 'ok',
  ok: 'ok',
  suspended: 'warn',
  degraded: 'warn',
  blocked: 'danger',
  settled: 'ok',
  queued: 'warn',
  rejected: 'danger',
  cancelled: 'neutral',
  accepted: 'warn',
  open: 'ok',
  closing: 'warn',
  settling: 'warn',
  closed: 'neutral',
  reserved: 'warn',
  paid: 'ok',
  expired: 'neutral',
  confirmed: 'ok',
  completed: 'ok',
  in_force: 'ok',
  scheduled: 'warn',
  superseded: 'neutral',
  escalated: 'warn',
  decided_for_claimant: 'ok',
  decided_for_respondent: 'neutral',
  withdrawn: 'neutral',
  lapsed: 'neutral',
  investigating: 'warn',
  fraud: 'danger',
  not_fraud: 'neutral',
  pending: 'warn',
  published: 'ok',
};

const LABELS: Record<string, string> = {
  active: 'Active',
  suspended: 'Suspended',
  blocked: 'Blocked',
  ok: 'OK',
  degraded: 'Degraded',
  settled: 'Settled',
  queued: 'Queued',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
  accepted: 'Accepted',
  open: 'Open',
  closing: 'Closing',
  settling: 'Settling',
  closed: 'Closed',
  reserved: 'Reserved',
  paid: 'Paid',
  expired: 'Expired',
  confirmed: 'Confirmed',
  completed: 'Completed',
  in_force: 'In force',
  scheduled: 'Scheduled',
  superseded: 'Superseded',
  escalated: 'Escalated',
  decided_for_claimant: 'Decided for claimant',
  decided_for_respondent: 'Decided for respondent',
  withdrawn: 'Withdrawn',
  lapsed: 'Lapsed',
  investigating: 'Investigating',
  fraud: 'Fraud',
  not_fraud: 'Not fraud',
  pending: 'Pending',
  published: 'Published',
};

/** A coloured status pill; the text itself carries the meaning, colour only reinforces it. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge badge-${TONES[status] ?? 'neutral'}`} data-status={status}>
      {LABELS[status] ?? status}
    </span>
  );
}

/** A payment's priority: urgent stands out, normal stays quiet. */
export function PriorityBadge({ priority }: { priority: string }) {
  return (
    <span
      className={`badge badge-square ${priority === 'urgent' ? 'badge-urgent' : 'badge-neutral'}`}
      data-priority={priority}
    >
      {priority === 'urgent' ? 'Urgent' : priority === 'normal' ? 'Normal' : priority}
    </span>
  );
}
