/** Shapes of the platform's API as the portal uses them. */

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

export interface Me {
  user: { id: string; username: string; displayName: string; roles: string[] };
  participant: { id: string; name: string; type: ParticipantType; bic: string | null };
}

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

export interface Dashboard {
  health: {
    status: 'ok' | 'degraded';
    engine: 'sqlite' | 'postgres';
    events: 'in-process' | 'nats';
    uptimeSeconds: number;
    version: string;
  };
  counts: {
    participants: number;
    activeParticipants: number;
    users: number;
    ledgerAccounts: number;
    transfers: number;
  };
  ledgerTotals: { currency: string; accounts: number; debitsPosted: string; creditsPosted: string }[];
}

export interface FieldIssue {
  field: string;
  message: string;
}

/** RFC 9457 problem details. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: FieldIssue[];
}

export interface RegisterParticipantInput {
  name: string;
  type: ParticipantType;
  bic?: string;
  taxId?: string;
  binRanges?: string[];
}

export type ParticipantAction = 'suspend' | 'block' | 'activate';
