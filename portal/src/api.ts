import type {
  AfcStatistics,
  AliasClaim,
  CapUsage,
  CurrentCycle,
  Cycle,
  CyclePage,
  CycleReportRow,
  CycleStatus,
  Dashboard,
  DisputeStatus,
  DynamicQr,
  FeeStatement,
  FieldIssue,
  FileIncidentInput,
  IcsPayment,
  IcsPaymentPage,
  IcsPaymentStatus,
  IdentifierKind,
  ImtsBalance,
  IncidentAttachment,
  IncidentCard,
  IncidentPage,
  IncidentStatus,
  IncidentTypes,
  IpsAlias,
  IpsDispute,
  IpsDisputePage,
  IpsPayment,
  IpsPaymentPage,
  IpsPosition,
  IpsStats,
  KbArticleSummary,
  KbArticleVersion,
  KbProposal,
  KbProposalInput,
  KbProposalStatus,
  KbTag,
  LedgerAccount,
  LiquidityInput,
  ListLookup,
  Me,
  Merchant,
  MyCap,
  NetDebitCap,
  NotificationPage,
  OpenDisputeInput,
  Participant,
  ParticipantAction,
  Payment,
  PaymentPage,
  PaymentPriority,
  PaymentStatus,
  Problem,
  PublishTariffInput,
  RecoveryKind,
  RegisterMerchantInput,
  RegisterParticipantInput,
  StaticQr,
  StatisticsTable,
  Tariff,
} from './types.ts';

/** A failed API call, carrying the server's problem+json body. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `Request failed (HTTP ${status})`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  get fieldErrors(): FieldIssue[] {
    return Array.isArray(this.problem.errors) ? this.problem.errors : [];
  }
}

/** Human-readable message of any error thrown by an API call. */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof TypeError) return 'The platform could not be reached. Check your connection and try again.';
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}

let onUnauthorized: (() => void) | undefined;

/** Called when an authenticated call answers 401: the session has expired or was revoked. */
export function setUnauthorizedHandler(handler: (() => void) | undefined): void {
  onUnauthorized = handler;
}

/** A random UUID v4; falls back to getRandomValues where randomUUID is missing (non-secure origins). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

async function readProblem(res: Response): Promise<Problem> {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body = (await res.json()) as unknown;
      if (body && typeof body === 'object') return body as Problem;
    } catch {
      // fall through to a generic problem
    }
  }
  return { title: res.statusText || 'Request failed', status: res.status };
}

interface RequestOptions {
  /** Do not treat a 401 as an expired session (login and the initial session probe). */
  anonymous?: boolean;
}

async function request<T>(
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
  opts: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  const init: RequestInit = { method, credentials: 'same-origin', headers };
  if (method !== 'GET') {
    headers['content-type'] = 'application/json';
    headers['idempotency-key'] = newIdempotencyKey();
    init.body = JSON.stringify(body ?? {});
  }
  const res = await fetch(path, init);
  if (!res.ok) {
    const problem = await readProblem(res);
    if (res.status === 401 && !opts.anonymous) onUnauthorized?.();
    throw new ApiError(res.status, problem);
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('json')) return undefined as T;
  return (await res.json()) as T;
}

const IMTS = '/api/imts/v1';
const ICS = '/api/ics/v1';
const IPS = '/api/ips/v1';
const MERCHANTS = `${IPS}/merchants`;
const ALIASES = `${IPS}/aliases`;
const DISPUTES = `${IPS}/disputes`;
const AFC = '/api/afc/v1';
const INCIDENTS = `${AFC}/incidents`;
const KB = `${AFC}/knowledge`;
const incident = (id: string) => `${INCIDENTS}/${encodeURIComponent(id)}`;

/** `?a=1&b=2` of the parameters that are set, or ''. */
function queryOf(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const api = {
  login: (username: string, password: string, totp: string) =>
    request<Me>('POST', '/api/auth/v1/login', { username, password, totp }, { anonymous: true }),
  logout: () => request<void>('POST', '/api/auth/v1/logout', {}, { anonymous: true }),
  me: () => request<Me>('GET', '/api/auth/v1/me', undefined, { anonymous: true }),
  dashboard: () => request<Dashboard>('GET', '/api/platform/v1/dashboard'),
  participants: () => request<{ items: Participant[] }>('GET', '/api/participants/v1/participants'),
  myParticipant: () => request<Participant>('GET', '/api/participants/v1/participants/me'),
  registerParticipant: (input: RegisterParticipantInput) =>
    request<Participant>('POST', '/api/participants/v1/participants', input),
  changeParticipantStatus: (id: string, action: ParticipantAction, reason: string) =>
    request<Participant>('POST', `/api/participants/v1/participants/${encodeURIComponent(id)}/${action}`, { reason }),

  imts: {
    /** One page of payments, oldest first, in pages of the server's default size (100). */
    payments: (q: { status?: PaymentStatus | undefined; after?: string | undefined }) =>
      request<PaymentPage>('GET', `${IMTS}/payments${queryOf(q)}`),
    payment: (id: string) => request<Payment>('GET', `${IMTS}/payments/${encodeURIComponent(id)}`),
    queue: () => request<{ items: Payment[] }>('GET', `${IMTS}/queue`),
    balance: () => request<ImtsBalance>('GET', `${IMTS}/balance`),
    cancel: (id: string) => request<Payment>('POST', `${IMTS}/payments/${encodeURIComponent(id)}/cancel`, {}),
    setPriority: (id: string, priority: PaymentPriority) =>
      request<Payment>('POST', `${IMTS}/payments/${encodeURIComponent(id)}/priority`, { priority }),
    resolveGridlock: () => request<{ settled: number; amount: string }>('POST', `${IMTS}/gridlock/resolve`, {}),
    liquidity: (input: LiquidityInput) => request<{ available: string }>('POST', `${IMTS}/liquidity`, input),
    endOfDay: () => request<{ rejected?: unknown[] } | undefined>('POST', `${IMTS}/end-of-day`, {}),
  },
  ics: {
    /** Clearing cycles, latest first, in pages of the server's default size (50); `before` is the cursor. */
    cycles: (q: { status?: CycleStatus | undefined; before?: string | undefined } = {}) =>
      request<CyclePage>('GET', `${ICS}/cycles${queryOf(q)}`),
    current: () => request<CurrentCycle>('GET', `${ICS}/cycles/current`),
    cycle: (id: string) => request<Cycle>('GET', `${ICS}/cycles/${encodeURIComponent(id)}`),
    closeCycle: (id: string) => request<Cycle>('POST', `${ICS}/cycles/${encodeURIComponent(id)}/close`, {}),
    /** A closed cycle's report: every participant's row for oversight, the bank's own row otherwise. */
    report: (id: string) =>
      request<{ cycleId: string; items: CycleReportRow[] }>('GET', `${ICS}/cycles/${encodeURIComponent(id)}/report`),
    /** Payments of a cycle (default: the open one), oldest first, in pages of the server's default size (100). */
    payments: (q: {
      cycleId?: string | undefined;
      status?: IcsPaymentStatus | undefined;
      after?: string | undefined;
    }) => request<IcsPaymentPage>('GET', `${ICS}/payments${queryOf(q)}`),
    payment: (id: string) => request<IcsPayment>('GET', `${ICS}/payments/${encodeURIComponent(id)}`),
  },
  ips: {
    /** Instant payments the bank sent or received (oversight: all), oldest first, pages of 100. */
    payments: (q: { after?: string | undefined }) => request<IpsPaymentPage>('GET', `${IPS}/payments${queryOf(q)}`),
    payment: (id: string) => request<IpsPayment>('GET', `${IPS}/payments/${encodeURIComponent(id)}`),
    position: () => request<IpsPosition>('GET', `${IPS}/positions/mine`),
    merchants: (q: { after?: string | undefined }) =>
      request<{ items: Merchant[]; next: string | null }>('GET', `${MERCHANTS}${queryOf(q)}`),
    merchant: (id: string) => request<Merchant>('GET', `${MERCHANTS}/${encodeURIComponent(id)}`),
    registerMerchant: (input: RegisterMerchantInput) => request<Merchant>('POST', MERCHANTS, input),
    staticQr: (id: string) => request<StaticQr>('GET', `${MERCHANTS}/${encodeURIComponent(id)}/qr`),
    /** `amount` in decimal tenge, e.g. "1500.00". */
    createDynamicQr: (id: string, amount: string) =>
      request<DynamicQr>('POST', `${MERCHANTS}/${encodeURIComponent(id)}/qr`, { amount }),
    /** Image URLs: the session cookie authenticates an <img> on the same origin. */
    staticQrImage: (id: string) => `${MERCHANTS}/${encodeURIComponent(id)}/qr.png`,
    dynamicQrImage: (id: string, qrId: string) =>
      `${MERCHANTS}/${encodeURIComponent(id)}/qr/${encodeURIComponent(qrId)}.png`,
    /** The monitor over the last `minutes` (1…1440); oversight only. */
    stats: (minutes: number) => request<IpsStats>('GET', `${IPS}/stats${queryOf({ minutes: String(minutes) })}`),
    /** Every bank's IPS position account (oversight reads every ledger account). */
    positions: () => request<{ items: LedgerAccount[] }>('GET', '/api/ledger/v1/accounts?code=ips_position'),
    /** One alias in full; oversight lookups are audited by the API. */
    alias: (phone: string) => request<IpsAlias>('GET', `${ALIASES}/${encodeURIComponent(phone)}`),
    /** Portability claims, newest first (oversight: all; filtered by phone). */
    aliasClaims: (q: { phone?: string | undefined }) =>
      request<{ items: AliasClaim[] }>('GET', `${ALIASES}/claims${queryOf(q)}`),
    /** Every published tariff version, oldest first. */
    tariffs: () => request<{ items: Tariff[] }>('GET', `${IPS}/tariffs`),
    publishTariff: (input: PublishTariffInput) => request<Tariff>('POST', `${IPS}/tariffs`, input),
    /** A bank's fees of a month (YYYY-MM): its own, or (oversight) the bank `bic`. */
    feeStatement: (q: { month: string; bic?: string | undefined }) =>
      request<FeeStatement>('GET', `${IPS}/fees/statement${queryOf(q)}`),
    /** Every capped bank's net debit cap and its use today (oversight). */
    caps: () => request<{ items: CapUsage[] }>('GET', `${IPS}/caps`),
    /** The bank's own cap, its use today and the cap's history. */
    myCap: () => request<MyCap>('GET', `${IPS}/caps/mine`),
    /** The operator sets (decimal tenge) or removes (null) a bank's cap, with grounds. */
    setCap: (bic: string, cap: string | null, grounds: string) =>
      request<NetDebitCap>('PUT', `${IPS}/caps/${encodeURIComponent(bic)}`, { cap, grounds }),
    /** The bank's cases as claimant or respondent (oversight: all), by id, pages of 100. */
    disputes: (q: { status?: DisputeStatus | undefined; after?: string | undefined }) =>
      request<IpsDisputePage>('GET', `${DISPUTES}${queryOf(q)}`),
    dispute: (id: string) => request<IpsDispute>('GET', `${DISPUTES}/${encodeURIComponent(id)}`),
    openDispute: (input: OpenDisputeInput) => request<IpsDispute>('POST', DISPUTES, input),
    /** The respondent accepts (the money is returned at once) or rejects with grounds. */
    answerDispute: (id: string, accept: boolean, grounds: string | undefined) =>
      request<IpsDispute>('POST', `${DISPUTES}/${encodeURIComponent(id)}/answer`, {
        accept,
        ...(grounds ? { grounds } : {}),
      }),
    escalateDispute: (id: string, grounds: string) =>
      request<IpsDispute>('POST', `${DISPUTES}/${encodeURIComponent(id)}/escalate`, { grounds }),
    withdrawDispute: (id: string, grounds: string | undefined) =>
      request<IpsDispute>('POST', `${DISPUTES}/${encodeURIComponent(id)}/withdraw`, grounds ? { grounds } : {}),
    /** The operator decides an escalated case for one side, with grounds. */
    decideDispute: (id: string, outcome: 'claimant' | 'respondent', grounds: string) =>
      request<IpsDispute>('POST', `${DISPUTES}/${encodeURIComponent(id)}/decide`, { outcome, grounds }),
  },
  afc: {
    /** The metadata matrix: each transaction type's fields in force, and the field catalogue. */
    incidentTypes: () => request<IncidentTypes>('GET', `${AFC}/incident-types`),
    /** Cards filed or related to (law enforcement, operator: all; regulator: summaries), newest first. */
    incidents: (q: {
      status?: IncidentStatus | undefined;
      type?: string | undefined;
      sort?: 'newest' | 'priority' | undefined;
      after?: string | undefined;
    }) => request<IncidentPage>('GET', `${INCIDENTS}${queryOf(q)}`),
    incident: (id: string) => request<IncidentCard>('GET', incident(id)),
    file: (input: FileIncidentInput) => request<IncidentCard>('POST', INCIDENTS, input),
    supplement: (id: string, input: { details?: Record<string, string>; note?: string }) =>
      request<IncidentCard>('POST', `${incident(id)}/supplements`, input),
    take: (id: string) => request<IncidentCard>('POST', `${incident(id)}/take`, {}),
    decide: (id: string, decision: 'fraud' | 'not_fraud', grounds: string) =>
      request<IncidentCard>('POST', `${incident(id)}/decision`, { decision, grounds }),
    withdraw: (id: string, grounds: string) => request<IncidentCard>('POST', `${incident(id)}/withdrawal`, { grounds }),
    /** `amount` in decimal tenge. */
    recordRecovery: (id: string, input: { kind: RecoveryKind; amount: string; reference?: string }) =>
      request<IncidentCard>('POST', `${incident(id)}/recoveries`, input),
    attach: (id: string, input: { filename: string; contentType: string; contentBase64: string }) =>
      request<IncidentAttachment>('POST', `${incident(id)}/attachments`, input),
    /** A download link: the session cookie authenticates it on the same origin. */
    attachmentUrl: (id: string, attachmentId: string) =>
      `${incident(id)}/attachments/${encodeURIComponent(attachmentId)}`,
    notifications: (q: { unread?: boolean | undefined; after?: string | undefined; limit?: number | undefined }) =>
      request<NotificationPage>(
        'GET',
        `${AFC}/notifications${queryOf({ unread: q.unread ? 'true' : undefined, after: q.after, limit: q.limit?.toString() })}`,
      ),
    markRead: (id: string) => request<void>('POST', `${AFC}/notifications/${encodeURIComponent(id)}/read`, {}),
    /** The status of one identifier on the lists (audited). */
    lookup: (kind: IdentifierKind, value: string) =>
      request<ListLookup>('GET', `${AFC}/lists/lookup${queryOf({ kind, value })}`),
    /** `from` inclusive, `to` exclusive: ISO dates or instants, at most 366 days apart. */
    statistics: (from: string, to: string) =>
      request<AfcStatistics>('GET', `${AFC}/statistics${queryOf({ from, to })}`),
    statisticsCsvUrl: (from: string, to: string, table: StatisticsTable) =>
      `${AFC}/statistics.csv${queryOf({ from, to, table })}`,
  },
  knowledge: {
    /** Published articles (latest versions) containing all the words of `q` and carrying `tag`, by id. */
    articles: (q: { q?: string | undefined; tag?: string | undefined; after?: string | undefined }) =>
      request<{ items: KbArticleSummary[]; next: string | null }>('GET', `${KB}/articles${queryOf(q)}`),
    /** The latest published version, or one version. */
    article: (id: string, version?: number) =>
      request<KbArticleVersion>(
        'GET',
        `${KB}/articles/${encodeURIComponent(id)}${version ? `/versions/${version}` : ''}`,
      ),
    /** Every published version, oldest first. */
    versions: (id: string) =>
      request<{ items: KbArticleVersion[] }>('GET', `${KB}/articles/${encodeURIComponent(id)}/versions`),
    tags: () => request<{ items: KbTag[] }>('GET', `${KB}/tags`),
    /** Your proposals (the operator: all), by id. */
    proposals: (q: { status?: KbProposalStatus | undefined; after?: string | undefined }) =>
      request<{ items: KbProposal[]; next: string | null }>('GET', `${KB}/proposals${queryOf(q)}`),
    propose: (input: KbProposalInput) => request<KbProposal>('POST', `${KB}/proposals`, input),
    publish: (id: string, note?: string) =>
      request<KbProposal>('POST', `${KB}/proposals/${encodeURIComponent(id)}/publish`, note ? { note } : {}),
    reject: (id: string, reason: string) =>
      request<KbProposal>('POST', `${KB}/proposals/${encodeURIComponent(id)}/reject`, { reason }),
    withdraw: (id: string) => request<KbProposal>('POST', `${KB}/proposals/${encodeURIComponent(id)}/withdraw`, {}),
  },
  settlementAccounts: () => request<{ items: LedgerAccount[] }>('GET', '/api/ledger/v1/accounts?code=settlement'),
};
