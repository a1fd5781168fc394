import type { IdentifierKind } from './identifiers.ts';
import {
  DECISION_OF,
  type Decision,
  inForce,
  type ListStatus,
  SEVERITY,
  STATUS_RANK,
  type StatusEntry,
  worse,
} from './lists.ts';
import { NAME_MATCH_THRESHOLD, tokenSimilarity } from './names.ts';

/**
 * The screening decision for one payment: allow, review or block, with the reasons. Pure: the caller finds
 * the list entries of the payment's identifiers (by MAC, in memory) and the listed names that might
 * resemble its parties' names; this decides.
 *
 *  - An identifier of either party with entries in force gives the decision of its most severe one
 *    (confirmed → block, suspect → review, allowed → allow) and a reason naming the field.
 *  - When that listing carries the holder's name and the party's name resembles it, a second reason says so
 *    (the decision does not change: the identifier already decided it).
 *  - A party's name resembling a name-only entry (suspect or confirmed) gives review, never block: names
 *    are not unique. An allowed identifier of that party, or an allowed name entry it resembles, clears it.
 *  - The payment's decision is the most severe of all.
 *
 * Reasons never carry the listed names, sources or other parties' data: only the caller's own fields.
 */

export type Party = 'debtor' | 'creditor';

export type ReasonCode =
  | 'LISTED_CONFIRMED'
  | 'LISTED_SUSPECT'
  | 'LISTED_ALLOWED'
  | 'HOLDER_NAME_MATCH'
  | 'NAME_MATCH_CONFIRMED'
  | 'NAME_MATCH_SUSPECT';

export interface Reason {
  code: ReasonCode;
  party: Party;
  /** The field of the request the reason is about, e.g. `/creditor/account`. */
  field: string;
  kind: IdentifierKind;
  status: ListStatus;
  /** Name similarity 0…1 (name reasons only). */
  score?: number;
  message: string;
}

export interface HitEntry extends StatusEntry {
  /** Skeleton tokens of the holder's name, when the listing carries it. */
  holderTokens?: readonly string[] | undefined;
}

/** One identifier of the payment that has list entries. */
export interface IdentifierHit {
  party: Party;
  field: string;
  kind: IdentifierKind;
  entries: readonly HitEntry[];
}

/** A name-only list entry that might resemble a party's name. */
export interface NameCandidate extends StatusEntry {
  tokens: readonly string[];
}

export interface PartyName {
  party: Party;
  field: string;
  tokens: readonly string[];
  candidates: readonly NameCandidate[];
}

export interface ScreeningDecision {
  decision: Decision;
  reasons: Reason[];
}

const LISTED: Record<ListStatus, ReasonCode> = {
  confirmed: 'LISTED_CONFIRMED',
  suspect: 'LISTED_SUSPECT',
  allowed: 'LISTED_ALLOWED',
};
const LIST_NAME: Record<ListStatus, string> = {
  confirmed: 'the fraudsters list',
  suspect: 'the suspects list',
  allowed: 'the allow list (override)',
};

const round2 = (n: number): number => Math.round(n * 100) / 100;

export function decide(
  input: { hits: readonly IdentifierHit[]; names: readonly PartyName[]; nowMs: number },
  threshold = NAME_MATCH_THRESHOLD,
): ScreeningDecision {
  let decision: Decision = 'allow';
  const reasons: Reason[] = [];
  const cleared = new Set<Party>();
  const nameOf = new Map<Party, readonly string[]>();
  for (const n of input.names) if (n.tokens.length > 0) nameOf.set(n.party, n.tokens);

  for (const h of input.hits) {
    let status: ListStatus | undefined;
    for (const e of h.entries) {
      if (!inForce(e, input.nowMs)) continue;
      if (e.status === 'allowed') cleared.add(h.party);
      if (status === undefined || STATUS_RANK[e.status] > STATUS_RANK[status]) status = e.status;
    }
    if (status === undefined) continue;
    decision = worse(decision, DECISION_OF[status]);
    reasons.push({
      code: LISTED[status],
      party: h.party,
      field: h.field,
      kind: h.kind,
      status,
      message: `the ${h.party}'s ${h.kind} is on ${LIST_NAME[status]}`,
    });
    const tokens = nameOf.get(h.party);
    if (tokens && status !== 'allowed') {
      let best = 0;
      for (const e of h.entries) {
        if (e.status !== status || !e.holderTokens || !inForce(e, input.nowMs)) continue;
        best = Math.max(best, tokenSimilarity(tokens, e.holderTokens));
      }
      if (best >= threshold) {
        reasons.push({
          code: 'HOLDER_NAME_MATCH',
          party: h.party,
          field: `/${h.party}/name`,
          kind: 'name',
          status,
          score: round2(best),
          message: `the ${h.party}'s name matches the holder listed with that ${h.kind}`,
        });
      }
    }
  }

  for (const n of input.names) {
    if (n.tokens.length === 0 || cleared.has(n.party)) continue;
    let best: { score: number; status: ListStatus } | undefined;
    let allowedMatch = false;
    for (const c of n.candidates) {
      if (!inForce(c, input.nowMs)) continue;
      const score = tokenSimilarity(n.tokens, c.tokens);
      if (score < threshold) continue;
      if (c.status === 'allowed') {
        allowedMatch = true;
        continue;
      }
      if (!best || STATUS_RANK[c.status] > STATUS_RANK[best.status] || (c.status === best.status && score > best.score))
        best = { score, status: c.status };
    }
    if (!best || allowedMatch) continue;
    decision = worse(decision, 'review');
    reasons.push({
      code: best.status === 'confirmed' ? 'NAME_MATCH_CONFIRMED' : 'NAME_MATCH_SUSPECT',
      party: n.party,
      field: n.field,
      kind: 'name',
      status: best.status,
      score: round2(best.score),
      message: `the ${n.party}'s name resembles a name on ${LIST_NAME[best.status]}`,
    });
  }

  reasons.sort((a, b) => SEVERITY[DECISION_OF[b.status]] - SEVERITY[DECISION_OF[a.status]]);
  return { decision, reasons };
}
