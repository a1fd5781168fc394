import { invalid } from '../../platform/pure.ts';

/** One line of free text as stored: trimmed, inner whitespace collapsed, 1…max characters; else a 400 naming `field`. */
export function oneLine(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw invalid(field, 'must be text');
  const v = value.trim().replace(/\s+/g, ' ');
  if (v.length === 0) throw invalid(field, 'must not be empty');
  if (v.length > max) throw invalid(field, `at most ${max} characters`);
  return v;
}
