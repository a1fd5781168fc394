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

/* ---------- IMTS (real-time gross settlement) ---------- */

export const PAYMENT_STATUSES = ['settled', 'queued', 'rejected', 'cancelled'] as const;

export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export type PaymentPriority = 'urgent' | 'normal';

/** One IMTS payment; `amount` and `seq` are integer strings (amount in minor units, tiyn). */
export interface Payment {
  id: string;
  msgType: string;
  msgId: string;
  txId: string;
  endToEndId: string;
  senderBic: string;
  receiverBic: string;
  amount: string;
  currency: string;
  priority: PaymentPriority;
  status: PaymentStatus;
  /** ISO 20022 status reason code when rejected or cancelled. */
  reason: string | null;
  seq: string;
  /** The ISO 20022 transaction as received, as JSON. */
  document: unknown;
  createdAt: string;
  updatedAt: string;
}

export interface PaymentPage {
  items: Payment[];
  /** Cursor for the next page, or null on the last one. */
  next: string | null;
}

export interface DayState {
  businessDate?: string;
  phase: 'closed' | 'open' | 'customer_cutoff' | 'interbank_cutoff';
  localTime?: string;
  isBusinessDay?: boolean;
  /** Present when IMTS runs without an operating calendar. */
  calendar?: string;
}

export interface ImtsBalance {
  bic: string;
  available: string;
  day: DayState;
}

/** A ledger account; balances are minor-unit integer strings. */
export interface LedgerAccount {
  id: string;
  owner: string;
  currency: string;
  code: string;
  debitsPending: string;
  debitsPosted: string;
  creditsPending: string;
  creditsPosted: string;
}

export interface LiquidityInput {
  /** Operation id: repeating it never moves money twice. */
  id: string;
  bic: string;
  direction: 'inject' | 'withdraw';
  /** Decimal tenge, e.g. "1000000.00". */
  amount: string;
}
