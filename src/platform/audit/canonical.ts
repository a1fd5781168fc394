import { createHash } from 'node:crypto';
import { invalid } from '../errors.ts';

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units, as RFC 8785), no whitespace, bigints as
 * decimal strings, Uint8Array as base64, toJSON honoured (Dates → ISO strings), undefined object
 * fields dropped and undefined array items as null — the same value always gives the same bytes.
 */
export function canonicalJson(value: unknown): string {
  return write(value, []);
}

/** `open`: the objects being written around this value (a short stack), to refuse a cycle. */
function write(v: unknown, open: object[]): string {
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
  if (typeof o.toJSON === 'function') return write(o.toJSON(), open);
  if (open.includes(v)) throw invalid('/details', 'circular structure');
  open.push(v);
  let out: string;
  if (Array.isArray(v)) {
    out = '[';
    for (let i = 0; i < v.length; i++) out += (i === 0 ? '' : ',') + write(v[i], open);
    out += ']';
  } else {
    const rec = v as Record<string, unknown>;
    out = '{';
    let first = true;
    for (const k of Object.keys(rec).sort()) {
      const x = rec[k];
      if (x === undefined || typeof x === 'function') continue;
      out += `${first ? '' : ','}${JSON.stringify(k)}:${write(x, open)}`;
      first = false;
    }
    out += '}';
  }
  open.pop();
  return out;
}

export const sha256Hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/** What an audit entry names of many values (MACs, sources): the values themselves, or their count and digest. */
export const auditedList = (
  values: readonly string[],
  max: number,
): readonly string[] | { count: number; digest: string } =>
  values.length <= max ? values : { count: values.length, digest: sha256Hex(values.join('\n')) };
