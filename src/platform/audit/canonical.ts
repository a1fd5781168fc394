import { createHash } from 'node:crypto';
import { invalid } from '../errors.ts';

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units, as RFC 8785), no whitespace, bigints as
 * decimal strings, Uint8Array as base64, toJSON honoured (Dates → ISO strings), undefined object
 * fields dropped and undefined array items as null — the same value always gives the same bytes.
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set());
}

function write(v: unknown, seen: Set<object>): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'bigint':
      return `"${v.toString()}"`;
    case 'string':
    case 'boolean':
      return JSON.stringify(v);
    case 'number':
      if (!Number.isFinite(v)) throw invalid('/details', 'non-finite number is not canonical JSON');
      return JSON.stringify(v);
    case 'object':
      break;
    default:
      throw invalid('/details', `${typeof v} is not JSON`);
  }
  if (v instanceof Uint8Array)
    return JSON.stringify(Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64'));
  const o = v as { toJSON?: () => unknown };
  if (typeof o.toJSON === 'function') return write(o.toJSON(), seen);
  if (seen.has(v)) throw invalid('/details', 'circular structure');
  seen.add(v);
  try {
    if (Array.isArray(v)) return `[${v.map((x) => write(x, seen)).join(',')}]`;
    const rec = v as Record<string, unknown>;
    const fields = Object.keys(rec)
      .filter((k) => rec[k] !== undefined && typeof rec[k] !== 'function')
      .sort()
      .map((k) => `${JSON.stringify(k)}:${write(rec[k], seen)}`);
    return `{${fields.join(',')}}`;
  } finally {
    seen.delete(v);
  }
}

export const sha256Hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
