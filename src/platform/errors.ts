/**
 * The one error type of the platform. Every failure a caller can act on is a DomainError with a stable
 * `type` slug; the HTTP layer renders it as RFC 9457 problem+json.
 */
export interface FieldIssue {
  /** JSON pointer-ish path of the offending field, e.g. `/amount` or `/creditor/bic`. */
  field: string;
  message: string;
}

export type ProblemType =
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'idempotency-mismatch'
  | 'payload-too-large'
  | 'rate-limited'
  | 'insufficient-funds'
  | 'limit-exceeded'
  | 'state'
  | 'unavailable'
  | 'internal';

const STATUS: Record<ProblemType, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'idempotency-mismatch': 422,
  'payload-too-large': 413,
  'rate-limited': 429,
  'insufficient-funds': 422,
  'limit-exceeded': 422,
  state: 409,
  unavailable: 503,
  internal: 500,
};

export class DomainError extends Error {
  readonly type: ProblemType;
  readonly status: number;
  readonly issues: FieldIssue[];
  /** Domain reason code where a rail defines one (ISO 20022 ExternalStatusReason1Code: AC01, AM04, DUPL…). */
  readonly reason: string | undefined;

  constructor(type: ProblemType, message: string, opts: { issues?: FieldIssue[]; reason?: string } = {}) {
    super(message);
    this.name = 'DomainError';
    this.type = type;
    this.status = STATUS[type];
    this.issues = opts.issues ?? [];
    this.reason = opts.reason;
  }
}

export const invalid = (field: string, message: string): DomainError =>
  new DomainError('validation', `${field}: ${message}`, { issues: [{ field, message }] });

export const notFound = (what: string): DomainError => new DomainError('not-found', `${what} not found`);

export const forbidden = (message = 'not allowed'): DomainError => new DomainError('forbidden', message);

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
