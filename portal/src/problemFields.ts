import { ApiError, errorMessage } from './api.ts';
import type { FieldIssue } from './types.ts';

/**
 * The form field a server issue is about: `/bic`, `bic`, `body/taxId`, `params/phone` and `/binRanges/2` name
 * the fields `bic`, `bic`, `taxId`, `phone` and `binRanges`. Under a `nested` field (a map of fields, such as
 * an incident's `details`) the key inside it is the field: `/details/amount` names `amount`.
 */
export function fieldKey(field: string, nested: readonly string[] = []): string {
  const parts = field
    .replace(/^(body|params|querystring)(?=[/.])/, '')
    .split(/[/.[\]]+/)
    .filter(Boolean);
  if (parts[1] && nested.includes(parts[0]!)) return parts[1];
  return parts[0] ?? '';
}

/** Splits server issues into per-field messages (for the known fields) and the rest. */
export function splitIssues(
  issues: readonly FieldIssue[],
  known: readonly string[],
  nested: readonly string[] = [],
): { byField: Record<string, string>; other: string[] } {
  const byField: Record<string, string> = {};
  const other: string[] = [];
  for (const issue of issues) {
    const key = fieldKey(issue.field, nested);
    if (known.includes(key)) {
      byField[key] = byField[key] ? `${byField[key]}; ${issue.message}` : issue.message;
    } else {
      other.push(issue.field ? `${issue.field}: ${issue.message}` : issue.message);
    }
  }
  return { byField, other };
}

/**
 * What a failed submit says, as messages for the known fields and one for the form: a problem+json
 * answer's issues by field (the others joined for the form, else `fallback`), or the error's message.
 */
export function submitErrors(
  err: unknown,
  known: readonly string[],
  fallback: string | undefined,
  nested: readonly string[] = [],
): { byField: Record<string, string>; formError: string | undefined } {
  if (err instanceof ApiError && err.fieldErrors.length) {
    const { byField, other } = splitIssues(err.fieldErrors, known, nested);
    return { byField, formError: other.length ? other.join('; ') : fallback };
  }
  return { byField: {}, formError: errorMessage(err) };
}
