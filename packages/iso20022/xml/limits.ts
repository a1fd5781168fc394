import { Iso20022Error } from '../errors.ts';

/** Bounds applied before any parsing work, so hostile input costs at most one linear scan. */
export interface XmlLimits {
  /** Largest accepted document in UTF-8 bytes (default 1 MiB). */
  maxBytes: number;
  /** Deepest accepted element nesting, the root counting as 1 (default 64). */
  maxDepth: number;
}

export const DEFAULT_LIMITS: XmlLimits = { maxBytes: 1 << 20, maxDepth: 64 };

export function limitsFrom(options: Partial<XmlLimits> | undefined): XmlLimits {
  const maxBytes = options?.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  const maxDepth = options?.maxDepth ?? DEFAULT_LIMITS.maxDepth;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError(`maxBytes must be a positive integer`);
  if (!Number.isSafeInteger(maxDepth) || maxDepth < 1) throw new RangeError(`maxDepth must be a positive integer`);
  return { maxBytes, maxDepth };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Enforces the byte limit and yields the document as a string. Strings are measured without
 * encoding them when the answer is obvious (every UTF-16 unit is at least one UTF-8 byte).
 */
export function sizedText(input: string | Uint8Array, maxBytes: number): string {
  if (typeof input === 'string') {
    if (input.length > maxBytes || (input.length * 3 > maxBytes && Buffer.byteLength(input, 'utf8') > maxBytes)) {
      throw new Iso20022Error('xml-too-large', `document exceeds ${maxBytes} bytes`);
    }
    return input;
  }
  if (!(input instanceof Uint8Array)) throw new Iso20022Error('xml-malformed', 'document must be a string or bytes');
  if (input.byteLength > maxBytes) throw new Iso20022Error('xml-too-large', `document exceeds ${maxBytes} bytes`);
  try {
    return utf8.decode(input);
  } catch {
    throw new Iso20022Error('xml-malformed', 'document is not valid UTF-8');
  }
}
