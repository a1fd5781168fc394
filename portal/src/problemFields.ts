import type { FieldIssue } from './types.ts';

/**
 * The form field a server issue is about: `/bic`, `bic`, `body/taxId` and `/binRanges/2` name the
 * fields `bic`, `bic`, `taxId` and `binRanges`.
 */
export function fieldKey(field: string): string {
  const parts = field
    .replace(/^body(?=[/.])/, '')
    .split(/[/.[\]]+/)
    .filter(Boolean);
  return parts[0] ?? '';
}

/** Splits server issues into per-field messages (for the known fields) and the rest. */
export function splitIssues(
  issues: readonly FieldIssue[],
  known: readonly string[],
): { byField: Record<string, string>; other: string[] } {
  const byField: Record<string, string> = {};
  const other: string[] = [];
  for (const issue of issues) {
    const key = fieldKey(issue.field);
    if (known.includes(key)) {
      byField[key] = byField[key] ? `${byField[key]}; ${issue.message}` : issue.message;
    } else {
      other.push(issue.field ? `${issue.field}: ${issue.message}` : issue.message);
    }
  }
  return { byField, other };
}
