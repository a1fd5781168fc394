import { DomainError, type FieldIssue } from '../errors.ts';

/** RFC 9457 problem details, as every error leaves the platform. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  reason?: string;
  errors?: FieldIssue[];
}

export const PROBLEM_BASE = 'https://ndfi.kz/problems/';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Not authenticated',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable request',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Unavailable',
};

interface FastifyLikeError {
  statusCode?: number;
  code?: string;
  message: string;
  validation?: { instancePath: string; message?: string; params?: Record<string, unknown>; keyword: string }[];
  validationContext?: string;
}

/** Ajv reports a missing or unknown property at its parent; name the property itself. */
function issueOf(v: NonNullable<FastifyLikeError['validation']>[number], context: string | undefined): FieldIssue {
  const base = v.instancePath || '';
  const p = v.params ?? {};
  const prop =
    (p.missingProperty as string | undefined) ??
    (p.additionalProperty as string | undefined) ??
    (p.propertyName as string | undefined);
  const field = prop ? `${base}/${prop}` : base || '/';
  let message = v.message ?? v.keyword;
  if (v.keyword === 'additionalProperties') message = 'is not a known field';
  if (v.keyword === 'required') message = 'is required';
  return { field: context && context !== 'body' ? `${context}${field}` : field, message };
}

export function toProblem(err: unknown, instance?: string): Problem {
  if (err instanceof DomainError) {
    return {
      type: PROBLEM_BASE + err.type,
      title: TITLES[err.status] ?? err.type,
      status: err.status,
      detail: err.message,
      ...(instance ? { instance } : {}),
      ...(err.reason ? { reason: err.reason } : {}),
      ...(err.issues.length ? { errors: err.issues } : {}),
    };
  }
  const e = err as FastifyLikeError;
  if (e?.validation) {
    const errors = e.validation.map((v) => issueOf(v, e.validationContext));
    return {
      type: `${PROBLEM_BASE}validation`,
      title: TITLES[400]!,
      status: 400,
      detail: errors.map((i) => `${i.field}: ${i.message}`).join('; '),
      errors,
      ...(instance ? { instance } : {}),
    };
  }
  const status = e?.statusCode && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500;
  const slug: Record<number, string> = {
    400: 'malformed',
    404: 'not-found',
    413: 'payload-too-large',
    415: 'unsupported-media-type',
    429: 'rate-limited',
  };
  return {
    type: PROBLEM_BASE + (slug[status] ?? (status >= 500 ? 'internal' : 'request')),
    title: TITLES[status] ?? 'Error',
    status,
    // internal errors never echo their message: it may carry data not meant for the caller
    detail: status >= 500 ? 'an internal error occurred; quote the request id to the operator' : e.message,
    ...(instance ? { instance } : {}),
  };
}
