import type { Directory } from '../../directory.ts';
import { formatCount, formatMinor } from '../../format.ts';
import { hrefOf } from '../../useHashRoute.ts';

/** What closes cycles on schedule (`closedBy` of a cycle nobody closed by hand). */
const SCHEDULER = 'system:ics-scheduler';

/**
 * Who closed a cycle: the schedule, or the operator (by name where the session knows it; only the
 * operator closes cycles by hand).
 */
export function closedByLabel(closedBy: string | null, dir: Directory): string {
  if (!closedBy) return '—';
  if (closedBy === SCHEDULER) return 'on schedule';
  return `by ${dir.byId.get(closedBy)?.name ?? 'the operator'}`;
}

/** A cycle's detail screen; with a BIC, that participant's report of the cycle. */
export const cycleHref = (cycleId: string, bic?: string): string =>
  hrefOf('ics-cycles', bic ? `${cycleId}/${bic}` : cycleId);

/** The ICS payments screen filtered to a cycle (and a status). */
export const cyclePaymentsHref = (cycleId: string, status?: string): string =>
  hrefOf('ics-payments', undefined, new URLSearchParams({ cycle: cycleId, ...(status ? { status } : {}) }).toString());

/** The cycle id as a link to its detail. */
export function CycleLink({ id }: { id: string }) {
  return (
    <a href={cycleHref(id)} className="mono">
      {id}
    </a>
  );
}

/** A cycle's total: "3 950.00 KZT · 6 payments"; '—' before it is known. */
export function Total({ amount, count }: { amount: string | null; count: number | null }) {
  if (amount === null || count === null) return <>—</>;
  return (
    <>
      <span className="amount">{formatMinor(amount, 'KZT')}</span>
      <span className="muted">
        {' '}
        · {formatCount(count)} {count === 1 ? 'payment' : 'payments'}
      </span>
    </>
  );
}
