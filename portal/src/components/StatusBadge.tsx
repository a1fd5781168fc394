const TONES: Record<string, string> = {
  active: 'ok',
  ok: 'ok',
  suspended: 'warn',
  degraded: 'warn',
  blocked: 'danger',
};

const LABELS: Record<string, string> = {
  active: 'Active',
  suspended: 'Suspended',
  blocked: 'Blocked',
  ok: 'OK',
  degraded: 'Degraded',
};

/** A coloured status pill; the text itself carries the meaning, colour only reinforces it. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge badge-${TONES[status] ?? 'neutral'}`} data-status={status}>
      {LABELS[status] ?? status}
    </span>
  );
}
