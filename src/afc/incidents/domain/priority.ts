/**
 * Prioritisation of incidents for law enforcement (AFC-7): score = probability of fraud × amount at risk ×
 * recoverability, each factor explained in words, so an investigator can see why a card is ahead of another
 * and disagree. The factors are deliberately simple and monotone (more evidence never lowers probability,
 * more time never raises recoverability); a learned model can replace `probability` behind the same shape.
 */

export interface PrioritySignals {
  /** Beneficiary identifiers already on the fraudsters list (from other incidents or decisions). */
  confirmedHits: number;
  /** Other incidents naming one of the same beneficiary identifiers. */
  otherIncidents: number;
  /** The transfer was completed (money left the victim), not just attempted. */
  completed: boolean;
  /** The card names the beneficiary by a strong identifier (account, IIN, card, wallet), not only a phone or URL. */
  strongIdentifier: boolean;
  /** tiyn the card reports lost (0 when not stated). */
  amount: bigint;
  /** tiyn already blocked or returned. */
  recovered: bigint;
  /** tiyn blocked at the recipient's bank: still reachable. */
  blockedAtRecipient: bigint;
  /** Milliseconds since the transfer. */
  ageMs: number;
}

export interface Priority {
  /** probability × amount at risk (tenge) × recoverability, rounded. */
  score: number;
  probability: number;
  /** tiyn not yet blocked or returned. */
  atRisk: bigint;
  recoverability: number;
  reasons: string[];
}

const HOUR = 3600_000;

export function prioritize(s: PrioritySignals): Priority {
  const reasons: string[] = [];
  // independent pieces of evidence combine as 1 − Π(1 − pᵢ)
  let keep = 1 - 0.3;
  reasons.push('filed by a participant: base probability 0.30');
  if (s.confirmedHits > 0) {
    keep *= 1 - 0.9;
    reasons.push(`${s.confirmedHits} beneficiary identifier(s) already on the fraudsters list`);
  }
  if (s.otherIncidents > 0) {
    const p = Math.min(0.8, 0.4 + 0.1 * s.otherIncidents);
    keep *= 1 - p;
    reasons.push(`the beneficiary appears in ${s.otherIncidents} other incident(s)`);
  }
  if (s.completed) {
    keep *= 1 - 0.2;
    reasons.push('the transfer was completed');
  }
  if (s.strongIdentifier) {
    keep *= 1 - 0.1;
    reasons.push('the beneficiary is named by an account, IIN, card or wallet');
  }
  const probability = round(1 - keep, 3);

  const left = s.amount - s.recovered;
  const atRisk = left > 0n ? left : 0n;
  reasons.push(
    atRisk > 0n
      ? `${atRisk / 100n} KZT not yet blocked or returned`
      : 'nothing at risk: the amount is blocked or returned',
  );

  let recoverability: number;
  if (s.ageMs <= HOUR) recoverability = 1;
  else if (s.ageMs <= 24 * HOUR) recoverability = 0.6;
  else if (s.ageMs <= 72 * HOUR) recoverability = 0.3;
  else recoverability = 0.1;
  reasons.push(`${Math.floor(s.ageMs / HOUR)} h since the transfer: recoverability ${recoverability}`);
  if (s.blockedAtRecipient > 0n) {
    recoverability = Math.min(1, recoverability + 0.3);
    reasons.push("funds are blocked at the recipient's bank: recoverability raised");
  }
  const score = Math.round(probability * Number(atRisk / 100n) * recoverability);
  return { score, probability, atRisk, recoverability: round(recoverability, 2), reasons };
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;
