import { DomainError, invalid } from '../../platform/pure.ts';

/**
 * The Anti-Fraud Center's lists (AFC-5). An entry puts one identifier on a list for one source (an incident,
 * a law-enforcement decision, an operator's override): `suspect` (the suspects list), `confirmed` (the
 * fraudsters list) or `allowed` (an explicit clearance). One identifier may have entries from several
 * sources; what it means for a payment is the most severe entry still in force:
 *
 *     block (confirmed)  >  review (suspect)  >  allow (allowed)
 *
 * An `allowed` entry never outranks a listing: a suspect is taken off the list by its source ("not fraud",
 * `clearSuspects`) or by removing the entry, not by an override. What an override does is clear the person
 * behind the identifier of *name* resemblance: a payment whose party carries an allowed identifier gets no
 * review for looking like a listed name.
 */
export const LIST_STATUSES = ['suspect', 'confirmed', 'allowed'] as const;
export type ListStatus = (typeof LIST_STATUSES)[number];

export const DECISIONS = ['allow', 'review', 'block'] as const;
export type Decision = (typeof DECISIONS)[number];

/** What an entry in force means for a payment. */
export const DECISION_OF: Record<ListStatus, Decision> = { confirmed: 'block', suspect: 'review', allowed: 'allow' };

/** Severity order of decisions: allow 0 < review 1 < block 2. */
export const SEVERITY: Record<Decision, number> = { allow: 0, review: 1, block: 2 };

/** The more severe of two decisions. */
export const worse = (a: Decision, b: Decision): Decision => (SEVERITY[b] > SEVERITY[a] ? b : a);

/** Severity of statuses: the precedence above. */
export const STATUS_RANK: Record<ListStatus, number> = { allowed: 0, suspect: 1, confirmed: 2 };

/** The part of an entry precedence and expiry look at. `expiresAtMs` is Infinity for an entry without expiry. */
export interface StatusEntry {
  status: ListStatus;
  expiresAtMs: number;
}

/** Whether an entry is in force at `nowMs`: it expires at its `expiresAt` instant, exclusive. */
export const inForce = (e: StatusEntry, nowMs: number): boolean => e.expiresAtMs > nowMs;

/** The status an identifier has at `nowMs`: the highest-ranked entry in force, or undefined when none is. */
export function effectiveStatus(entries: readonly StatusEntry[], nowMs: number): ListStatus | undefined {
  let best: ListStatus | undefined;
  for (const e of entries) {
    if (!inForce(e, nowMs)) continue;
    if (best === undefined || STATUS_RANK[e.status] > STATUS_RANK[best]) best = e.status;
  }
  return best;
}

// --- who may change what ---

/** Roles that may put suspects on the list or remove them directly (not through an incident). */
export const SUSPECT_WRITERS = ['operator', 'fraud_decider'] as const;
/** Confirming fraud is a law-enforcement decision (AFC-4). */
export const CONFIRMED_WRITERS = ['fraud_decider'] as const;
/** Overrides (allowed entries, always with a reason): the operator and law enforcement. */
export const OVERRIDE_WRITERS = ['operator', 'fraud_decider'] as const;

const WRITERS: Record<ListStatus, readonly string[]> = {
  suspect: SUSPECT_WRITERS,
  confirmed: CONFIRMED_WRITERS,
  allowed: OVERRIDE_WRITERS,
};

/** Every role that may change the lists in some way. */
export const LIST_WRITERS: readonly string[] = [...new Set([...SUSPECT_WRITERS, ...CONFIRMED_WRITERS])];

/** Refuses (403) a caller whose roles may not add, refresh or remove an entry of `status`. */
export function assertMayChange(roles: readonly string[], status: ListStatus): void {
  const allowed = WRITERS[status];
  if (!allowed.some((r) => roles.includes(r))) {
    const what = status === 'allowed' ? 'override the lists' : `change ${status} entries`;
    throw new DomainError('forbidden', `your role may not ${what} (needs ${allowed.join(' or ')})`);
  }
}

// --- entry fields ---

const SOURCE = /^[A-Za-z0-9][A-Za-z0-9:_.\-/]{0,127}$/;

/** Where an entry comes from: an incident id, a decision number, `override:<participant>`. */
export function validSource(source: unknown, field: string): string {
  if (typeof source !== 'string' || !SOURCE.test(source)) {
    throw invalid(field, 'a source is 1-128 characters: letters, digits, ":", "_", ".", "-", "/"');
  }
  return source;
}

/**
 * The reason for a change, trimmed. Overrides and removals must give one (at least 5 characters); for
 * listings it is optional and defaults to `fallback`.
 */
export function validReason(reason: unknown, field: string, required: boolean, fallback = ''): string {
  if (reason === undefined || reason === null || (typeof reason === 'string' && reason.trim() === '')) {
    if (required) throw invalid(field, 'a reason is required (at least 5 characters)');
    return fallback;
  }
  if (typeof reason !== 'string') throw invalid(field, 'must be text');
  const r = reason.trim().replace(/\s+/g, ' ');
  if (r.length < 5) throw invalid(field, 'a reason is at least 5 characters');
  if (r.length > 1000) throw invalid(field, 'a reason is at most 1000 characters');
  return r;
}

/** An expiry instant (ISO 8601 with zone) that lies after `nowMs`; undefined means no expiry. */
export function validExpiry(expiresAt: unknown, field: string, nowMs: number): string | null {
  if (expiresAt === undefined || expiresAt === null) return null;
  if (
    typeof expiresAt !== 'string' ||
    !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(expiresAt)
  ) {
    throw invalid(field, 'must be a date-time with a zone, e.g. 2027-01-31T00:00:00Z');
  }
  const ms = Date.parse(expiresAt);
  if (Number.isNaN(ms)) throw invalid(field, 'is not a valid date-time');
  if (ms <= nowMs) throw invalid(field, 'must lie in the future');
  return new Date(ms).toISOString();
}

/** Milliseconds of an expiry as stored (null → never). */
export const expiryMs = (expiresAt: string | null): number =>
  expiresAt === null ? Number.POSITIVE_INFINITY : Date.parse(expiresAt);
