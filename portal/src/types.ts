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

/* ---------- Anti-Fraud Center ---------- */

export const INCIDENT_STATUSES = ['open', 'investigating', 'fraud', 'not_fraud', 'withdrawn'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** How the viewer stands to a card. */
export type IncidentRole = 'reporter' | 'party' | 'investigator' | 'operator';

/** One field of the catalogue every transaction type draws its card's fields from. */
export interface IncidentFieldDef {
  /** text, datetime, amount, enum, reference, bic, bin or an identifier kind (phone, iin, account…). */
  format: string;
  label: string;
  /** enum: the allowed values. */
  values?: string[];
  /** The beneficiary's identifiers: listed as suspects when the card is filed. */
  beneficiary?: boolean;
}

/** A transaction type of the metadata matrix, in its version in force. */
export interface IncidentType {
  type: string;
  version: number;
  publishedAt: string;
  definition: { label: string; mandatory: string[]; optional: string[]; atLeastOne: string[][] };
}

export interface IncidentTypes {
  types: IncidentType[];
  fields: Record<string, IncidentFieldDef>;
}

/** Explained prioritisation: score = probability × amount at risk (tenge) × recoverability. */
export interface IncidentPriority {
  score: number;
  probability: number;
  /** Decimal tenge not yet blocked or returned. */
  atRisk: string;
  recoverability: number;
  reasons: string[];
}

/** A card in a list; the regulator gets no reporter, details or priority. Amounts in decimal tenge. */
export interface IncidentSummary {
  id: string;
  type: string;
  status: IncidentStatus;
  fraudType: string;
  outcome: string;
  amount: string | null;
  region: string | null;
  occurredAt: string;
  createdAt: string;
  updatedAt: string;
  reporterId?: string;
  details?: Record<string, string>;
  priority?: IncidentPriority;
}

export interface IncidentAttachment {
  id: string;
  participantId: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  createdAt: string;
}

export const RECOVERY_KINDS = ['blocked_at_sender', 'blocked_at_recipient', 'returned'] as const;
export type RecoveryKind = (typeof RECOVERY_KINDS)[number];

export interface IncidentEvent {
  seq: number;
  at: string;
  /** A user id, or `deadline` for an escalation. */
  actor: string;
  participantId: string | null;
  action: string;
  status: string;
  grounds: string | null;
  details: Record<string, unknown> | null;
}

/** The full card (its reporter, related participants, law enforcement, the operator). */
export interface IncidentCard extends IncidentSummary {
  reporterId: string;
  reporterRef: string;
  typeVersion: number;
  details: Record<string, string>;
  beneficiaryAgeBand: string;
  victimAgeBand: string;
  grounds: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  viewerRoles: IncidentRole[];
  parties: { participantId: string; relation: string; via: string; addedAt: string }[];
  deadlines: {
    step: string;
    participantId: string | null;
    due: string;
    doneAt: string | null;
    escalatedAt: string | null;
  }[];
  history: IncidentEvent[];
  attachments: IncidentAttachment[];
  recoveries: {
    id: string;
    participantId: string;
    kind: RecoveryKind;
    amount: string;
    reference: string | null;
    at: string;
  }[];
  recovered: { blockedAtSender: string; blockedAtRecipient: string; returned: string; ipsReturned: string };
  priority: IncidentPriority;
  /** The participants the card mentions, by id: names for those the viewer's directory does not know. */
  participants: Record<string, { name: string; bic: string | null; type: string }>;
}

export interface IncidentPage {
  items: IncidentSummary[];
  next: string | null;
}

export interface FileIncidentInput {
  type: string;
  reference: string;
  details: Record<string, string>;
}

export interface IncidentNotification {
  id: string;
  incidentId: string;
  kind: string;
  summary: string;
  at: string;
  readAt: string | null;
}

export interface NotificationPage {
  unread: number;
  items: IncidentNotification[];
  next: string | null;
}

export const IDENTIFIER_KINDS = ['phone', 'account', 'iin', 'card', 'device', 'wallet', 'url', 'name'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export type ListStatus = 'suspect' | 'confirmed' | 'allowed';

/** A list entry; raw readers (law enforcement, oversight) also get value, holder name, source and reason. */
export interface ListEntry {
  id: string;
  kind: IdentifierKind;
  mac: string;
  status: ListStatus;
  expiresAt: string | null;
  version: number;
  updatedAt: string;
  value?: string | null;
  holderName?: string | null;
  source?: string;
  reason?: string;
}

export interface ListLookup {
  kind: IdentifierKind;
  mac: string;
  /** The status in force; null: on no list. */
  status: ListStatus | null;
  decision: 'allow' | 'review' | 'block';
  entries: ListEntry[];
}

/** Count and amount (tiyn) of a group of cards. */
export interface CountAmount {
  count: number;
  amount: string;
}

export interface AfcStatistics {
  from: string;
  to: string;
  /** all: every card (oversight, law enforcement); own: those the participant filed or is related to. */
  scope: 'all' | 'own';
  total: CountAmount;
  byDay: (CountAmount & { day: string })[];
  byStatus: (CountAmount & { status: string })[];
  byType: (CountAmount & { type: string })[];
  byFraudType: (CountAmount & { fraudType: string })[];
  byRecipientAge: (CountAmount & { band: string })[];
  byVictimAge: (CountAmount & { band: string })[];
  fraudTypeByAge: { fraudType: string; band: string; count: number }[];
  byRegion: (CountAmount & { region: string })[];
  /** Tiyn. */
  recovered: { blockedAtSender: string; blockedAtRecipient: string; returned: string };
  listGrowth: { day: string; suspects: number; confirmed: number; removed: number }[];
}

export const STATISTICS_TABLES = [
  'byDay',
  'byStatus',
  'byType',
  'byFraudType',
  'byRecipientAge',
  'byVictimAge',
  'fraudTypeByAge',
  'byRegion',
  'listGrowth',
] as const;
export type StatisticsTable = (typeof STATISTICS_TABLES)[number];

/* ---------- AFC knowledge base of fraud typologies ---------- */

export interface KbTag {
  tag: string;
  description: string;
  /** Published articles carrying it. */
  articles: number;
}

export interface KbArticleSummary {
  id: string;
  latestVersion: number;
  title: string;
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

export interface KbContent {
  title: string;
  tags: string[];
  /** Markdown. */
  body: string;
  indicators: string[];
  actions: string[];
}

/** One published version of an article (immutable). */
export interface KbArticleVersion extends KbContent {
  articleId: string;
  version: number;
  note: string | null;
  proposalId: string;
  proposerId: string;
  publishedBy: string;
  publishedAt: string;
  auditSeq: number;
}

export const KB_PROPOSAL_STATUSES = ['pending', 'published', 'rejected', 'withdrawn'] as const;
export type KbProposalStatus = (typeof KB_PROPOSAL_STATUSES)[number];

export interface KbProposal extends KbContent {
  id: string;
  articleId: string;
  /** The version it was written on; null: a new article. */
  baseVersion: number | null;
  note: string | null;
  proposerId: string;
  proposedBy: string;
  status: KbProposalStatus;
  /** Why it was rejected or withdrawn. */
  reason: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  publishedVersion: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface KbProposalInput extends KbContent {
  articleId: string;
  baseVersion?: number;
  note?: string;
}
