/** JSON with bigints as decimal strings (money never passes through a float). */
export const bigintReplacer = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);

export const toJson = (v: unknown): string => JSON.stringify(v, bigintReplacer);

/** Sorted keys, bigints as strings: one stable text for hashing requests and audit entries. */
export { canonicalJson } from './audit/canonical.ts';
