import { DomainError } from '../../../platform/pure.ts';

/**
 * Portability claims (Pix DICT style): another bank claims a phone for its customer; the owner confirms
 * (the alias moves), rejects, or does nothing and the claim completes for the claimant at its deadline.
 * The claimant may cancel while it is open.
 */
export type ClaimStatus = 'open' | 'confirmed' | 'rejected' | 'cancelled' | 'completed';
export type ClaimAction = 'confirm' | 'reject' | 'cancel' | 'complete';

export const CLAIM_STATUSES: readonly ClaimStatus[] = ['open', 'confirmed', 'rejected', 'cancelled', 'completed'];

const RESULT: Record<ClaimAction, ClaimStatus> = {
  confirm: 'confirmed',
  reject: 'rejected',
  cancel: 'cancelled',
  complete: 'completed',
};

/** The status a claim moves to; only an open claim moves at all. */
export function nextClaimStatus(current: ClaimStatus, action: ClaimAction): ClaimStatus {
  if (current !== 'open')
    throw new DomainError('state', `the claim is ${current}: it can no longer be ${RESULT[action]}`);
  return RESULT[action];
}

/** Whether the claim's outcome moves the alias to the claimant. */
export const movesAlias = (status: ClaimStatus): boolean => status === 'confirmed' || status === 'completed';

export const DEFAULT_CLAIM_DEADLINE_MS = 7 * 24 * 3_600_000;

export function claimDeadline(openedAtMs: number, deadlineMs: number): Date {
  return new Date(openedAtMs + deadlineMs);
}

/** Which side of a claim a participant is on, or undefined when it is neither (it sees nothing then). */
export function sideOf(
  claim: { claimantParticipantId: string; ownerParticipantId: string },
  participantId: string,
): 'claimant' | 'owner' | undefined {
  if (claim.claimantParticipantId === participantId) return 'claimant';
  if (claim.ownerParticipantId === participantId) return 'owner';
  return undefined;
}
