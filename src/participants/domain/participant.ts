import { DomainError, invalid } from '../../platform/pure.ts';

/** Institutions of the NDFI (REQUIREMENTS.md, preamble and AFC-1). */
export const PARTICIPANT_TYPES = [
  'central_bank',
  'operator',
  'bank',
  'treasury',
  'government_agency',
  'psp',
  'tpp',
  'mno',
  'law_enforcement',
  'regulator',
] as const;
export type ParticipantType = (typeof PARTICIPANT_TYPES)[number];

export type ParticipantStatus = 'active' | 'suspended' | 'blocked';

/** What each type of institution does on the platform; routes authorize against these roles. */
export const ROLES_BY_TYPE: Record<ParticipantType, readonly string[]> = {
  central_bank: ['central_bank', 'oversight', 'settlement'],
  operator: ['operator', 'oversight'],
  bank: ['bank', 'settlement', 'payments', 'fraud_reporter', 'api_provider', 'api_user'],
  treasury: ['treasury', 'settlement', 'payments'],
  government_agency: ['government_agency', 'api_user'],
  psp: ['psp', 'payments', 'fraud_reporter', 'api_user'],
  tpp: ['tpp', 'api_user'],
  mno: ['mno', 'fraud_reporter'],
  law_enforcement: ['law_enforcement', 'fraud_decider'],
  regulator: ['regulator', 'oversight'],
};

/** Types that settle in central bank money and so need a BIC. */
export const NEEDS_BIC: ReadonlySet<ParticipantType> = new Set(['central_bank', 'bank', 'treasury', 'psp']);

export interface Participant {
  id: string;
  name: string;
  type: ParticipantType;
  status: ParticipantStatus;
  bic: string | null;
  taxId: string | null;
  binRanges: string[];
  roles: string[];
  createdAt: string;
}

export interface ParticipantInput {
  name: string;
  type: string;
  bic?: string | undefined;
  taxId?: string | undefined;
  binRanges?: string[] | undefined;
}

const BIC = /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;

/** ISO 9362 BIC: 4 letters institution, 2 letters country, 2 location, optional 3 branch. */
export function validateBic(bic: string, field = 'bic'): string {
  if (!BIC.test(bic)) throw invalid(field, 'must be an ISO 9362 BIC: 8 or 11 characters such as HSBKKZKX');
  return bic;
}

/**
 * Kazakhstan's 12-digit IIN/BIN: check digit by weights 1..11, and if that gives 10, by weights 3..11,1,2;
 * a result of 10 again makes the number invalid.
 */
export function isValidIinBin(value: string): boolean {
  if (!/^\d{12}$/.test(value)) return false;
  const d = [...value].map(Number);
  const w1 = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
  const w2 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];
  let c = w1.reduce((s, w, i) => s + w * d[i]!, 0) % 11;
  if (c === 10) c = w2.reduce((s, w, i) => s + w * d[i]!, 0) % 11;
  return c !== 10 && c === d[11];
}

/** Computes the check digit for an 11-digit prefix, or undefined when no digit makes it valid. */
export function iinBinCheckDigit(prefix11: string): number | undefined {
  for (let c = 0; c <= 9; c++) if (isValidIinBin(prefix11 + c)) return c;
  return undefined;
}

/** A card BIN range: one 6–8 digit prefix, or "low-high" of equal-length prefixes. */
export function validateBinRange(range: string, field: string): string {
  const m = /^(\d{6,8})(?:-(\d{6,8}))?$/.exec(range);
  if (!m) throw invalid(field, 'must be a 6-8 digit BIN or a range such as 440000-440099');
  if (m[2] && (m[2].length !== m[1]!.length || m[2] < m[1]!)) {
    throw invalid(field, 'range bounds must have equal length and low ≤ high');
  }
  return range;
}

/**
 * Whether a card's BIN (6–8 digits) falls in a range: the BIN and the range's bounds are compared on their
 * common prefix length, so an 8-digit BIN matches a 6-digit range and vice versa.
 */
export function binInRange(range: string, bin: string): boolean {
  const [low, high = low] = range.split('-') as [string, string?];
  const n = Math.min(low.length, bin.length);
  const b = bin.slice(0, n);
  return b >= low.slice(0, n) && b <= high!.slice(0, n);
}

export function validateParticipantInput(input: ParticipantInput): Omit<Participant, 'id' | 'status' | 'createdAt'> {
  const name = input.name.trim();
  if (name.length < 2 || name.length > 140) throw invalid('/name', 'must be 2-140 characters');
  if (!(PARTICIPANT_TYPES as readonly string[]).includes(input.type)) {
    throw invalid('/type', `must be one of ${PARTICIPANT_TYPES.join(', ')}`);
  }
  const type = input.type as ParticipantType;
  const bic = input.bic ? validateBic(input.bic.trim().toUpperCase(), '/bic') : null;
  if (!bic && NEEDS_BIC.has(type)) throw invalid('/bic', `is required for a ${type}`);
  const taxId = input.taxId?.trim() || null;
  if (taxId && !isValidIinBin(taxId)) throw invalid('/taxId', 'must be a valid 12-digit BIN (check digit failed)');
  const binRanges = (input.binRanges ?? []).map((r, i) => validateBinRange(r.trim(), `/binRanges/${i}`));
  if (binRanges.length > 0 && type !== 'bank' && type !== 'psp') {
    throw invalid('/binRanges', 'only card issuers (banks, PSPs) hold BIN ranges');
  }
  return { name, type, bic, taxId, binRanges, roles: [...ROLES_BY_TYPE[type]] };
}

export type StatusAction = 'suspend' | 'block' | 'activate';

const NEXT: Record<StatusAction, ParticipantStatus> = { suspend: 'suspended', block: 'blocked', activate: 'active' };

/** active ⇄ suspended, any → blocked, blocked → active only by an explicit activation. */
export function nextStatus(current: ParticipantStatus, action: StatusAction, reason: string): ParticipantStatus {
  if (reason.trim().length < 3) throw invalid('/reason', 'a reason of at least 3 characters is required');
  const to = NEXT[action];
  if (current === to) throw new DomainError('state', `participant is already ${current}`);
  if (action === 'suspend' && current !== 'active') {
    throw new DomainError('state', `only an active participant can be suspended (it is ${current})`);
  }
  return to;
}

/** The operator and the central bank cannot be switched off through the API: it would lock everyone out. */
export function assertMayChangeStatus(target: Participant): void {
  if (target.type === 'operator' || target.type === 'central_bank') {
    throw new DomainError('forbidden', `the ${target.type.replace('_', ' ')} cannot be suspended or blocked`);
  }
}
