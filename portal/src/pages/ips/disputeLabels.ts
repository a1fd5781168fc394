import { DISPUTE_REASONS, type DisputeStatus, type IpsDispute } from '../../types.ts';

export const DISPUTE_STATUS_LABELS: Record<DisputeStatus, string> = {
  open: 'Open',
  rejected: 'Rejected',
  escalated: 'Escalated',
  accepted: 'Accepted',
  decided_for_claimant: 'Decided for claimant',
  decided_for_respondent: 'Decided for respondent',
  withdrawn: 'Withdrawn',
  lapsed: 'Lapsed',
};

/** What each state means for the two banks. */
export const DISPUTE_STATUS_NOTES: Record<DisputeStatus, string> = {
  open: 'Waiting for the payee’s bank to accept or reject; unanswered by the deadline, it goes to the operator.',
  rejected:
    'The payee’s bank rejected the claim. The claimant may escalate it to the operator by the deadline; otherwise it lapses.',
  escalated: 'With the operator, who decides for one side with grounds.',
  accepted: 'Final: the payee’s bank accepted, the money was returned.',
  decided_for_claimant: 'Final: the operator decided for the claimant, the money was returned.',
  decided_for_respondent: 'Final: the operator decided for the payee’s bank; no money moves.',
  withdrawn: 'Final: the claimant withdrew its case.',
  lapsed: 'Final: the rejection was not escalated in time and stands.',
};

/** The states a case leaves only by a step of a bank or the operator (or its deadline). */
export const ACTIVE_DISPUTE: ReadonlySet<DisputeStatus> = new Set(['open', 'rejected', 'escalated']);

/** "FRAD · fraud: …"; unknown codes are shown as they came. */
export function disputeReasonLabel(code: string): string {
  const text = (DISPUTE_REASONS as Record<string, string>)[code];
  return text ? `${code} · ${text}` : code;
}

/** What is due by the deadline in each active state. */
export const DEADLINE_LABELS: Partial<Record<DisputeStatus, string>> = {
  open: 'Answer due',
  rejected: 'Escalation possible until',
  escalated: 'Operator’s target date',
};

/** The steps of a case, as the history names them. */
const ACTION_LABELS: Record<string, string> = {
  open: 'Opened the case',
  accept: 'Accepted: the money is returned',
  reject: 'Rejected the claim',
  escalate: 'Escalated to the operator',
  withdraw: 'Withdrew the case',
  decide_claimant: 'Decided for the claimant',
  decide_respondent: 'Decided for the respondent',
  lapse: 'Lapsed',
};

export const actionLabel = (action: string): string => ACTION_LABELS[action] ?? action;

export type DisputeSide = 'claimant' | 'respondent';

/** Which side of a case a bank is on, if any. */
export function sideOf(d: Pick<IpsDispute, 'claimantBic' | 'respondentBic'>, bic: string | null): DisputeSide | null {
  if (!bic) return null;
  if (d.claimantBic === bic) return 'claimant';
  if (d.respondentBic === bic) return 'respondent';
  return null;
}

/** Who takes each step: the claimant opens, escalates and withdraws, the respondent answers, the operator decides. */
export function actorSideOf(action: string): DisputeSide | 'operator' | null {
  if (action === 'open' || action === 'escalate' || action === 'withdraw') return 'claimant';
  if (action === 'accept' || action === 'reject') return 'respondent';
  if (action.startsWith('decide')) return 'operator';
  return null;
}

export type DisputeStep = 'accept' | 'reject' | 'escalate' | 'withdraw' | 'decide_claimant' | 'decide_respondent';

/** The state machine of the API (src/ips/disputes/domain/dispute.ts): who may take a step, and from where. */
const RULES: Record<DisputeStep, { by: DisputeSide | 'operator'; from: readonly DisputeStatus[] }> = {
  reject: { by: 'respondent', from: ['open'] },
  accept: { by: 'respondent', from: ['open', 'rejected', 'escalated'] },
  escalate: { by: 'claimant', from: ['rejected'] },
  withdraw: { by: 'claimant', from: ['open', 'rejected', 'escalated'] },
  decide_claimant: { by: 'operator', from: ['escalated'] },
  decide_respondent: { by: 'operator', from: ['escalated'] },
};

/** The steps a viewer may take on a case now: by its side, or as the operator on a case it is no party to. */
export function stepsFor(d: IpsDispute, viewer: { side: DisputeSide | null; decides: boolean }): DisputeStep[] {
  const role = viewer.side ?? (viewer.decides ? 'operator' : null);
  if (!role) return [];
  return (Object.keys(RULES) as DisputeStep[]).filter((s) => RULES[s].by === role && RULES[s].from.includes(d.status));
}

/** How each step reads in the portal. */
export const STEP_UI: Record<
  DisputeStep,
  { button: string; confirm: string; groundsRequired: boolean; tone: 'primary' | 'danger' | 'plain'; lead: string }
> = {
  accept: {
    button: 'Accept',
    confirm: 'Accept and return the money',
    groundsRequired: false,
    tone: 'primary',
    lead: 'The claimed amount is returned to the claimant from your IPS position at once. This is final.',
  },
  reject: {
    button: 'Reject',
    confirm: 'Reject the claim',
    groundsRequired: true,
    tone: 'danger',
    lead: 'The claimant reads your grounds and may escalate the case to the operator.',
  },
  escalate: {
    button: 'Escalate to the operator',
    confirm: 'Escalate',
    groundsRequired: true,
    tone: 'primary',
    lead: 'The operator decides for one side; say why the rejection is wrong.',
  },
  withdraw: {
    button: 'Withdraw',
    confirm: 'Withdraw the case',
    groundsRequired: false,
    tone: 'danger',
    lead: 'The case ends without money moving. This is final.',
  },
  decide_claimant: {
    button: 'Decide for claimant',
    confirm: 'Decide for the claimant',
    groundsRequired: true,
    tone: 'primary',
    lead: 'The claimed amount is returned to the claimant from the respondent’s IPS position. This is final.',
  },
  decide_respondent: {
    button: 'Decide for respondent',
    confirm: 'Decide for the respondent',
    groundsRequired: true,
    tone: 'danger',
    lead: 'The claim is refused; no money moves. This is final.',
  },
};
