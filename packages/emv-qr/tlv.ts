/**
 * The generic EMV MPM layer, independent of NDFI's rules: ID (2 digits) + length (2 digits, in
 * characters) + value, the payload format indicator first, the CRC last and correct. Lengths
 * count characters (Unicode code points), as in the EMVCo sample whose template 64 holds Chinese.
 */
import { crc16Hex } from './crc.ts';
import { EmvQrError } from './errors.ts';

/** EMV QRCPS caps the payload at 512 characters. */
export const MAX_PAYLOAD_LENGTH = 512;

/** One data object: its id, its value, and where its id starts (in characters from the payload's start). */
export interface DataObject {
  id: string;
  value: string;
  offset: number;
}

const TWO_DIGITS = /^[0-9]{2}$/;
/** Never acceptable anywhere: controls, format characters (bidi overrides, zero-width…), surrogates, private use, unassigned, line/paragraph separators. */
const FORBIDDEN_CHAR = /^[\p{C}\p{Zl}\p{Zp}]$/u;

/** Characters (code points) of `text`, or `too_large` once there are more than `max`. */
export function charsOf(text: string, max: number, tag = ''): string[] {
  if (text.length > max * 2) throw new EmvQrError('too_large', tag, `over ${max} characters`);
  const chars = Array.from(text);
  if (chars.length > max) throw new EmvQrError('too_large', tag, `${chars.length} characters, over ${max}`);
  return chars;
}

/** Length in characters (code points), as TLV lengths count them. */
export function lengthOf(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Index of the first control/format/surrogate/unassigned character, or -1. */
export function firstForbiddenChar(chars: readonly string[]): number {
  return chars.findIndex((c) => FORBIDDEN_CHAR.test(c));
}

/**
 * Splits a run of data objects (the payload, or a template's value). `prefix` names the template
 * (`'62.'`) in error tags; `base` is the offset of the run in the payload.
 */
export function parseObjects(text: string | readonly string[], prefix = '', base = 0): DataObject[] {
  const chars = typeof text === 'string' ? Array.from(text) : text;
  const objects: DataObject[] = [];
  const seen = new Set<string>();
  let pos = 0;
  while (pos < chars.length) {
    const at = base + pos;
    if (chars.length - pos < 4) {
      throw new EmvQrError('truncated', prefix.slice(0, -1), `data object cut short at ${at}`, at);
    }
    const id = chars[pos]! + chars[pos + 1]!;
    if (!TWO_DIGITS.test(id))
      throw new EmvQrError('bad_id', prefix.slice(0, -1), `id ${JSON.stringify(id)} is not two digits`, at);
    const tag = prefix + id;
    const lengthText = chars[pos + 2]! + chars[pos + 3]!;
    if (!TWO_DIGITS.test(lengthText)) {
      throw new EmvQrError('bad_length', tag, `length ${JSON.stringify(lengthText)} is not two digits`, at + 2);
    }
    const length = Number(lengthText);
    if (length === 0) throw new EmvQrError('bad_length', tag, 'length 00: a present data object has a value', at + 2);
    if (pos + 4 + length > chars.length) {
      throw new EmvQrError(
        'bad_length',
        tag,
        `length ${length} runs past the end (${chars.length - pos - 4} left)`,
        at + 2,
      );
    }
    if (seen.has(id)) throw new EmvQrError('duplicate_tag', tag, 'appears more than once', at);
    seen.add(id);
    objects.push({ id, value: chars.slice(pos + 4, pos + 4 + length).join(''), offset: at });
    pos += 4 + length;
  }
  return objects;
}

/** Serializes one data object; the value must be 1…99 characters. */
export function tlv(id: string, value: string, tag = id): string {
  const length = lengthOf(value);
  if (length < 1 || length > 99) throw new EmvQrError('bad_length', tag, `value of ${length} characters, not 1…99`);
  return id + String(length).padStart(2, '0') + value;
}

/**
 * Reads a whole payload at the generic EMV level: size, characters, TLV structure, "00" first,
 * "63" last and its CRC-16 over everything up to and including "6304". Returns every data object
 * but the CRC, in payload order; throws {@link EmvQrError} on anything else.
 */
export function readPayload(payload: string): DataObject[] {
  if (typeof payload !== 'string') throw new EmvQrError('bad_format', '', `not a string but ${typeof payload}`);
  const chars = charsOf(payload, MAX_PAYLOAD_LENGTH);
  const bad = firstForbiddenChar(chars);
  if (bad >= 0) {
    const code = chars[bad]!.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new EmvQrError('bad_char', '', `non-printable character U+${code} at ${bad}`, bad);
  }
  const objects = parseObjects(chars);
  const first = objects[0];
  if (first?.id !== '00') {
    const pfi = objects.find((o) => o.id === '00');
    if (pfi === undefined) throw new EmvQrError('missing_tag', '00', 'no payload format indicator', 0);
    throw new EmvQrError('bad_order', '00', 'the payload format indicator is not the first data object', pfi.offset);
  }
  const last = objects.at(-1)!;
  if (last.id !== '63') {
    const crc = objects.find((o) => o.id === '63');
    if (crc === undefined) throw new EmvQrError('missing_tag', '63', 'no CRC', chars.length);
    throw new EmvQrError('bad_order', '63', 'the CRC is not the last data object', crc.offset);
  }
  if (lengthOf(last.value) !== 4) throw new EmvQrError('bad_length', '63', 'the CRC is 4 characters', last.offset + 2);
  if (!/^[0-9A-F]{4}$/.test(last.value)) {
    throw new EmvQrError(
      'bad_format',
      '63',
      `CRC ${JSON.stringify(last.value)} is not 4 uppercase hex digits`,
      last.offset + 4,
    );
  }
  const expected = crc16Hex(chars.slice(0, last.offset + 4).join(''));
  if (expected !== last.value) {
    throw new EmvQrError('crc_mismatch', '63', `CRC is ${last.value}, the payload's is ${expected}`, last.offset + 4);
  }
  return objects.slice(0, -1);
}

/** Appends "6304" and the CRC to a payload body that does not yet have one. */
export function withCrc(body: string): string {
  const signed = `${body}6304`;
  return signed + crc16Hex(signed);
}
