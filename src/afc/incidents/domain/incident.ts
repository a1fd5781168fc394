import { DomainError } from '../../../platform/pure.ts';

/**
 * An incident card's life (AFC-4): a participant files it (the attempt is recorded, the beneficiary goes onto
 * the suspects list, related participants are notified); while it is open the reporter and the related
 * participants supplement it; law enforcement may take it into investigation and decides "fraud" (the
 * beneficiary moves to the fraudsters list) or "not fraud" (off the suspects list), always with grounds.
 * The reporter may withdraw an undecided card. Decided and withdrawn cards are closed: nothing changes them
 * except records of recovered funds, which arrive long after a decision.
 */
export type IncidentStatus = 'open' | 'investigating' | 'fraud' | 'not_fraud' | 'withdrawn';
export const INCIDENT_STATUSES: readonly IncidentStatus[] = [
  'open',
  'investigating',
  'fraud',
  'not_fraud',
  'withdrawn',
];
export const CLOSED: ReadonlySet<IncidentStatus> = new Set(['fraud', 'not_fraud', 'withdrawn']);

/** How a participant stands to a card. */
export type IncidentRole = 'reporter' | 'party' | 'investigator' | 'operator';

export type IncidentAction =
  | 'supplement'
  | 'attach'
  | 'take'
  | 'decide_fraud'
  | 'decide_not_fraud'
  | 'withdraw'
  | 'record_recovery';

const OPEN: readonly IncidentStatus[] = ['open', 'investigating'];

const RULES: Record<
  IncidentAction,
  { by: readonly IncidentRole[]; from: readonly IncidentStatus[]; to?: IncidentStatus }
> = {
  supplement: { by: ['reporter', 'party', 'investigator'], from: OPEN },
  attach: { by: ['reporter', 'party', 'investigator'], from: OPEN },
  take: { by: ['investigator'], from: ['open'], to: 'investigating' },
  decide_fraud: { by: ['investigator'], from: OPEN, to: 'fraud' },
  decide_not_fraud: { by: ['investigator'], from: OPEN, to: 'not_fraud' },
  withdraw: { by: ['reporter'], from: ['open'], to: 'withdrawn' },
  record_recovery: { by: ['reporter', 'party'], from: ['open', 'investigating', 'fraud', 'not_fraud'] },
};

const NEEDS_GROUNDS: ReadonlySet<IncidentAction> = new Set(['decide_fraud', 'decide_not_fraud', 'withdraw']);

const WHO: Record<IncidentRole, string> = {
  reporter: 'the reporting participant',
  party: 'a related participant',
  investigator: 'law enforcement',
  operator: 'the operator',
};

/** The status an action leads to (unchanged for records), or a typed refusal naming why. */
export function nextStatus(
  current: IncidentStatus,
  action: IncidentAction,
  roles: readonly IncidentRole[],
  grounds: string | undefined,
): IncidentStatus {
  const rule = RULES[action];
  if (!rule.by.some((r) => roles.includes(r))) {
    throw new DomainError(
      'forbidden',
      `${action.replaceAll('_', ' ')}: only ${rule.by.map((r) => WHO[r]).join(' or ')} may do this`,
    );
  }
  if (!rule.from.includes(current)) {
    throw new DomainError(
      'state',
      CLOSED.has(current)
        ? `the incident is closed (${current}): it cannot change any more`
        : `the incident is ${current}: ${action.replaceAll('_', ' ')} is not possible now`,
      { reason: 'incident_closed' },
    );
  }
  if (NEEDS_GROUNDS.has(action) && !grounds?.trim()) {
    throw new DomainError('validation', `${action.replaceAll('_', ' ')} needs grounds`, {
      issues: [{ field: '/grounds', message: 'required' }],
    });
  }
  return rule.to ?? current;
}

/** Kinds of funds recovered on an incident (AFC-6). */
export const RECOVERY_KINDS = ['blocked_at_sender', 'blocked_at_recipient', 'returned'] as const;
export type RecoveryKind = (typeof RECOVERY_KINDS)[number];

/** Deadlines a step of the card has, by kind. */
export type DeadlineStep = 'supplement' | 'decision';

export interface StepDeadline {
  step: DeadlineStep;
  /** The participant the step is due from: a related participant supplementing, or null (law enforcement). */
  participantId: string | null;
  due: string;
  doneAt: string | null;
  escalatedAt: string | null;
}

/** Deadlines past due, not met and not yet escalated: each is escalated once. */
export function overdue(deadlines: readonly StepDeadline[], status: IncidentStatus, nowMs: number): StepDeadline[] {
  if (CLOSED.has(status)) return [];
  return deadlines.filter((d) => d.doneAt === null && d.escalatedAt === null && Date.parse(d.due) <= nowMs);
}
