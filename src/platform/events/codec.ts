import { invalid } from '../errors.ts';
import type { EventEnvelope } from './types.ts';

/**
 * Lossless JSON for event payloads. JSON has no bigint or bytes, so they travel as tagged objects:
 *   bigint      → {"$bigint":"-123"}      (decimal string)
 *   Uint8Array  → {"$bytes":"AAEC"}       (base64)
 * A plain object whose only key is `$bigint` or `$bytes` would be ambiguous, so encoding rejects it.
 * Everything else follows JSON.stringify (Dates become ISO strings, undefined fields are dropped).
 */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value ?? null, function (this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key]; // before toJSON: Buffer.toJSON would otherwise hide the bytes
    if (raw instanceof Uint8Array)
      return { $bytes: Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64') };
    if (typeof v === 'bigint') return { $bigint: v.toString() };
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && tagOf(v as Record<string, unknown>)) {
      throw invalid(
        '/data',
        `objects with the single key '${tagOf(v as Record<string, unknown>)}' are reserved by the event codec`,
      );
    }
    return v;
  });
}

export function decodeJson(text: string): unknown {
  return JSON.parse(text, (_key, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    const tag = tagOf(o);
    if (tag === '$bigint' && typeof o.$bigint === 'string' && /^-?\d+$/.test(o.$bigint)) return BigInt(o.$bigint);
    if (tag === '$bytes' && typeof o.$bytes === 'string') return new Uint8Array(Buffer.from(o.$bytes, 'base64'));
    return v;
  });
}

const tagOf = (o: Record<string, unknown>): string | undefined => {
  const keys = Object.keys(o);
  return keys.length === 1 && (keys[0] === '$bigint' || keys[0] === '$bytes') ? keys[0] : undefined;
};

/** The whole envelope as one JSON document (what goes over NATS). */
export function encodeEvent(e: EventEnvelope): string {
  return encodeJson({
    id: e.id,
    type: e.type,
    occurredAt: e.occurredAt,
    ...(e.key !== undefined ? { key: e.key } : {}),
    data: e.data,
  });
}

export function decodeEvent(text: string): EventEnvelope {
  const o = decodeJson(text) as Record<string, unknown> | null;
  if (
    o === null ||
    typeof o !== 'object' ||
    typeof o.id !== 'string' ||
    typeof o.type !== 'string' ||
    typeof o.occurredAt !== 'string' ||
    (o.key !== undefined && typeof o.key !== 'string')
  ) {
    throw invalid('/event', 'not an event envelope');
  }
  const e: EventEnvelope = { id: o.id, type: o.type, occurredAt: o.occurredAt, data: o.data ?? null };
  if (typeof o.key === 'string') e.key = o.key;
  return e;
}
