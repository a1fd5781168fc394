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
  /** ISO 20022 reason code of a refusal (AM21, ARDT, DUPL…). */
  reason?: string;
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

/* ---------- ICS (clearing with multilateral netting) ---------- */

export const CYCLE_STATUSES = ['open', 'closing', 'settling', 'closed'] as const;

/** open: takes payments; closing/settling: being netted and settled in IMTS; closed: settled, report ready. */
export type CycleStatus = (typeof CYCLE_STATUSES)[number];

/** One clearing cycle; amounts are minor-unit integer strings, and the outcome fields are null until it closes. */
export interface Cycle {
  /** `YYYY-MM-DD#n`: cycle n of a business day. */
  id: string;
  businessDate: string;
  number: number;
  opensAt: string;
  closesAt: string;
  status: CycleStatus;
  acceptedCount: number;
  acceptedAmount: string;
  settledCount: number | null;
  settledAmount: string | null;
  rejectedCount: number | null;
  rejectedAmount: string | null;
  /** Netting rounds (each removes uncovered participants). */
  rounds: number | null;
  /** IMTS's id of the settlement of the net positions. */
  settlementId: string | null;
  closedAt: string | null;
  /** Participant id of who closed it, or `system:ics-scheduler`. */
  closedBy: string | null;
}

export interface CurrentCycle extends Cycle {
  next: { id: string; opensAt: string; closesAt: string };
}

export interface CyclePage {
  items: Cycle[];
  /** closesAt of the last cycle, the cursor of the next page; null on the last one. */
  next: string | null;
}

export const ICS_PAYMENT_STATUSES = ['accepted', 'settled', 'rejected'] as const;

/** accepted: in an open cycle; settled or rejected once the cycle closed (or rejected at intake). */
export type IcsPaymentStatus = (typeof ICS_PAYMENT_STATUSES)[number];

export interface IcsPayment {
  /** `<sender BIC>:<txId>`. */
  id: string;
  seq: string;
  msgId: string;
  txId: string;
  endToEndId: string;
  senderBic: string;
  receiverBic: string;
  amount: string;
  currency: string;
  cycleId: string;
  status: IcsPaymentStatus;
  reason: string | null;
  createdAt: string;
}

export interface IcsPaymentPage {
  items: IcsPayment[];
  next: string | null;
}

/** One participant's row of a closed cycle's report; amounts in minor units. */
export interface CycleReportRow {
  cycleId: string;
  /** BIC. */
  participant: string;
  participantId: string | null;
  /** Settled payments out and in. */
  sentCount: number;
  sentAmount: string;
  receivedCount: number;
  receivedAmount: string;
  /** Net position settled in IMTS: positive a credit, negative a debit. */
  net: string;
  /** Outgoing payments removed from the cycle because the debit was not covered. */
  rejectedCount: number;
  rejectedAmount: string;
  status: 'settled' | 'rejected';
  reason: string | null;
}

export type IpsPaymentStatus = 'reserved' | 'settled' | 'rejected';

/** An instant payment; amounts in tiyn (KZT minor units). */
export interface IpsPayment {
  id: string;
  msgId: string;
  txId: string;
  endToEndId: string;
  payerBic: string;
  payeeBic: string;
  amount: string;
  creditorAccount: string;
  alias: string | null;
  status: IpsPaymentStatus;
  reason: string | null;
  createdAt: string;
  deadline: string;
  updatedAt: string;
}

export interface IpsPaymentPage {
  items: IpsPayment[];
  next: string | null;
}

/** A bank's IPS position, tiyn. */
export interface IpsPosition {
  bic: string;
  available: string;
  reserved: string;
  balance: string;
}

export interface Merchant {
  id: string;
  merchantId: string;
  acquirerBic: string;
  name: string;
  city: string;
  mcc: string;
  account: string;
  taxId: string | null;
  postalCode: string | null;
  tariffRef: string | null;
  status: string;
  createdAt: string;
  updatedAt: string;
}

export interface RegisterMerchantInput {
  merchantId: string;
  name: string;
  city: string;
  mcc: string;
  account: string;
  taxId?: string;
}

export interface StaticQr {
  merchant: string;
  merchantId: string;
  payload: string;
}

/** A dynamic QR code: one order's amount (tiyn), payable once. */
export interface DynamicQr {
  id: string;
  reference: string;
  merchant: string;
  merchantId: string;
  amount: string;
  billNumber: string | null;
  payload: string;
  status: 'open' | 'paid' | 'expired';
  expiresAt: string | null;
  createdAt: string;
  paidAt: string | null;
  paymentId: string | null;
}

/* ---------- IPS monitor, aliases, tariffs ---------- */

/** The IPS monitor over the last `minutes`: outcomes, success rate, rejection reasons, decision times. */
export interface IpsStats {
  /** Start of the window. */
  since: string;
  total: number;
  settled: number;
  rejected: number;
  inFlight: number;
  /** settled / (settled + rejected), 0…1; null when nothing was decided. */
  successRate: number | null;
  /** Rejections by ISO 20022 reason code. */
  reasons: Record<string, number>;
  /**
   * Receipt to final answer of the settled payments, milliseconds (over the newest `sample` of them);
   * null when none settled.
   */
  decisionMs: { p50: number; p90: number; p99: number; max: number; sample: number } | null;
  /** Exact counts per minute of receipt (`2026-01-05T14:05:00Z`), oldest first; minutes without payments left out. */
  perMinute: IpsMinute[];
}

/** The payments received in one minute, by what became of them. */
export interface IpsMinute {
  minute: string;
  settled: number;
  rejected: number;
  inFlight: number;
}

/** A phone alias in full (the owner's, or any for oversight). */
export interface IpsAlias {
  /** E.164. */
  phone: string;
  participantId: string;
  bic: string;
  accountId: string;
  holderName: string;
  holderIin: string;
  createdAt: string;
  updatedAt: string;
}

export const CLAIM_STATUSES = ['open', 'confirmed', 'rejected', 'cancelled', 'completed'] as const;

export type AliasClaimStatus = (typeof CLAIM_STATUSES)[number];

/** A portability claim: another bank claims a phone for its customer. */
export interface AliasClaim {
  id: string;
  phone: string;
  status: AliasClaimStatus;
  claimantBic: string;
  ownerBic: string;
  /** When an open claim completes for the claimant if the owner does nothing. */
  deadline: string;
  createdAt: string;
  resolvedAt: string | null;
  reason: string | null;
  side: 'claimant' | 'owner' | 'oversight';
  /** Owner and oversight: the claimant's holder IIN is the registered one. */
  holderMatches?: boolean;
  accountId?: string;
  holderName?: string;
  holderIin?: string;
}

export const IPS_PAYMENT_TYPES = ['c2c', 'c2b', 'me2me', 'rtp'] as const;

export type IpsPaymentType = (typeof IPS_PAYMENT_TYPES)[number];

export type TariffCharged = 'payer_bank' | 'payee_bank';

/** A published tariff version; money in tiyn (integer strings). */
export interface Tariff {
  id: string;
  /** The bank it applies to; null: every bank without a tariff of its own. */
  bic: string | null;
  paymentType: IpsPaymentType;
  charged: TariffCharged;
  fixed: string;
  /** Basis points of the amount (1 bp = 0.01 %), integer string. */
  bps: string;
  min: string;
  /** null: no cap. */
  max: string | null;
  validFrom: string;
  createdAt: string;
}

/** A tariff to publish; money in decimal tenge ("1.50"). */
export interface PublishTariffInput {
  bic?: string;
  paymentType: IpsPaymentType;
  charged: TariffCharged;
  fixed: string;
  bps: number;
  min?: string;
  max?: string;
  validFrom?: string;
}

/** A bank's fees of one month (UTC), per payment type; totals in tiyn. */
export interface FeeStatement {
  bic: string;
  /** YYYY-MM. */
  month: string;
  lines: { paymentType: string; payments: number; total: string }[];
  total: string;
}

/* ---------- IPS disputes ---------- */

export const DISPUTE_STATUSES = [
  'open',
  'rejected',
  'escalated',
  'accepted',
  'decided_for_claimant',
  'decided_for_respondent',
  'withdrawn',
  'lapsed',
] as const;

export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

/** Why the payer's bank disputes a payment, with what each code means (as the API lists them). */
export const DISPUTE_REASONS = {
  FRAD: 'fraud: the payer was deceived or the account was taken over',
  AM09: 'wrong amount',
  DUPL: 'duplicate payment',
  UPAY: 'undue payment: paid to the wrong person',
  TECH: 'technical problem at a bank',
  SVNR: 'goods or service paid for and not rendered',
} as const;

export type DisputeReason = keyof typeof DISPUTE_REASONS;

/** One step of a case: who (a participant id, or "deadline"), what, into which status, and why. */
export interface DisputeEvent {
  seq: number;
  at: string;
  actor: string;
  /** open, accept, reject, escalate, withdraw, decide_claimant, decide_respondent, lapse. */
  action: string;
  status: string;
  grounds: string | null;
}

/** A dispute between the payer's bank (claimant) and the payee's bank (respondent); amount in decimal tenge. */
export interface IpsDispute {
  /** `<claimant BIC>:<case id>`. */
  id: string;
  paymentId: string;
  claimantBic: string;
  respondentBic: string;
  reason: string;
  /** Decimal tenge, e.g. "1500.00". */
  amount: string;
  description: string;
  status: DisputeStatus;
  /** When the current step is due. */
  deadline: string;
  /** The IPS return that gave the money back (accepted, decided for the claimant). */
  returnId: string | null;
  createdAt: string;
  updatedAt: string;
  /** Oldest first; empty in lists. */
  history: DisputeEvent[];
}

export interface IpsDisputePage {
  items: IpsDispute[];
  next: string | null;
}

/** A case to open; amount in decimal tenge (default: all not yet returned). */
export interface OpenDisputeInput {
  caseId: string;
  paymentId: string;
  reason: DisputeReason;
  amount?: string;
  description: string;
}

/* ---------- IPS net debit caps ---------- */

/** A version of a bank's net debit cap per IPS day; cap in decimal tenge, null: no cap. */
export interface NetDebitCap {
  bic: string;
  cap: string | null;
  version: number;
  setBy: string;
  setAt: string;
  grounds: string;
}

/** How much of today's cap a bank has used (IPS day in Kazakhstan time); decimal tenge. */
export interface CapUsage {
  bic: string;
  /** YYYY-MM-DD. */
  day: string;
  cap: string | null;
  /** Sent minus received today, counted since the cap was set; negative when it received more. */
  netDebit: string;
  left: string | null;
}

export interface MyCap extends CapUsage {
  /** Newest first. */
  history: NetDebitCap[];
}
