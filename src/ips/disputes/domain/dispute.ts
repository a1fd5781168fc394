import { DomainError } from '../../../platform/pure.ts';

/**
 * A dispute case between two banks about a settled instant payment (IPS-8), modelled on Pix's MED: the
 * payer's bank claims (part of) the money back from the payee's bank, which accepts (the money is returned)
 * or rejects with grounds before a deadline. A rejected case can be escalated to the operator; an unanswered
 * one is escalated by the deadline. The operator decides for one side with grounds; a decision for the
 * claimant returns the money. Every terminal state is final.
 */
export type DisputeStatus =
  | 'open'
  | 'rejected'
  | 'escalated'
  | 'accepted'
  | 'decided_for_claimant'
  | 'decided_for_respondent'
  | 'withdrawn'
  | 'lapsed';

export const DISPUTE_STATUSES: readonly DisputeStatus[] = [
  'open',
  'rejected',
  'escalated',
  'accepted',
  'decided_for_claimant',
  'decided_for_respondent',
  'withdrawn',
  'lapsed',
];

/** Why the payer's bank disputes a payment (ISO 20022 external codes where one fits). */
export const DISPUTE_REASONS = {
  FRAD: 'fraud: the payer was deceived or the account was taken over',
  AM09: 'wrong amount',
  DUPL: 'duplicate payment',
  UPAY: 'undue payment: paid to the wrong person',
  TECH: 'technical problem at a bank',
  SVNR: 'goods or service paid for and not rendered',
} as const;
export type DisputeReason = keyof typeof DISPUTE_REASONS;

export type DisputeAction = 'accept' | 'reject' | 'escalate' | 'decide_claimant' | 'decide_respondent' | 'withdraw';

/** Who acts on a case: the payer's bank, the payee's bank, or the operator (oversight). */
export type DisputeRole = 'claimant' | 'respondent' | 'operator';

/** Each action: who may take it, from which states, into which state. */
const RULES: Record<DisputeAction, { by: DisputeRole; from: readonly DisputeStatus[]; to: DisputeStatus }> = {
  accept: { by: 'respondent', from: ['open', 'rejected', 'escalated'], to: 'accepted' },
  reject: { by: 'respondent', from: ['open'], to: 'rejected' },
  escalate: { by: 'claimant', from: ['rejected'], to: 'escalated' },
  decide_claimant: { by: 'operator', from: ['escalated'], to: 'decided_for_claimant' },
  decide_respondent: { by: 'operator', from: ['escalated'], to: 'decided_for_respondent' },
  withdraw: { by: 'claimant', from: ['open', 'rejected', 'escalated'], to: 'withdrawn' },
};

export const TERMINAL: ReadonlySet<DisputeStatus> = new Set([
  'accepted',
  'decided_for_claimant',
  'decided_for_respondent',
  'withdrawn',
  'lapsed',
]);

/** The outcomes in which money goes back to the claimant. */
export const RETURNS_MONEY: ReadonlySet<DisputeStatus> = new Set(['accepted', 'decided_for_claimant']);

/** The state an action leads to, or a typed refusal naming why. */
export function nextStatus(
  current: DisputeStatus,
  action: DisputeAction,
  by: DisputeRole,
  grounds: string | undefined,
): DisputeStatus {
  const rule = RULES[action];
  if (rule.by !== by) {
    throw new DomainError('forbidden', `only the ${rule.by} may ${action.replace('_', ' ')} a dispute`);
  }
  if (!rule.from.includes(current)) {
    throw new DomainError('state', `the dispute is ${current}: it cannot be ${action.replace('_', ' ')}ed now`, {
      reason: 'ARDT',
    });
  }
  const needsGrounds = action === 'reject' || action === 'escalate' || action.startsWith('decide');
  if (needsGrounds && !grounds?.trim()) {
    throw new DomainError('validation', `${action.replace('_', ' ')} needs grounds`, {
      issues: [{ field: '/grounds', message: 'required' }],
    });
  }
  return rule.to;
}

/**
 * What a deadline does to a case: an unanswered claim goes to the operator; a rejection not escalated in
 * time stands (the case lapses).
 */
export function onDeadline(current: DisputeStatus): DisputeStatus | undefined {
  if (current === 'open') return 'escalated';
  if (current === 'rejected') return 'lapsed';
  return undefined;
}
