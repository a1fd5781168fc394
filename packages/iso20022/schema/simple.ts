/**
 * The XSD simple types used by the subsets, with the facets of the official schemas. Where the
 * scheme is stricter than ISO (narrower code lists, IBAN check digits) the refusal is a `field`
 * fault, so callers can tell "not ISO 20022" from "not allowed here".
 */
import { firstIllegalChar } from '../xml/text.ts';
import { Fault, type SimpleType } from './dsl.ts';

/** What the test generators need to know about a type. */
export type Facet =
  | { kind: 'text'; max: number }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'external'; max: number; values?: readonly string[] }
  | { kind: 'pattern'; name: string }
  | { kind: 'date' }
  | { kind: 'dateTime' }
  | { kind: 'bool' }
  | { kind: 'count'; digits: number };

export interface Simple<T> extends SimpleType<T> {
  readonly facet: Facet;
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) n--;
  }
  return n;
}

function stringValue(value: unknown): string {
  if (typeof value !== 'string') throw new Fault('must be a string', 'field');
  if (firstIllegalChar(value) !== -1) throw new Fault('contains a character XML cannot carry', 'field');
  return value;
}

function identity(value: string): string {
  return value;
}

/** MaxNNText: 1..max characters (code points, as XSD counts them). */
export function text(name: string, max: number): Simple<string> {
  const decode = (s: string): string => {
    if (s.length === 0) throw new Fault('must not be empty');
    if (s.length > max && codePoints(s) > max) throw new Fault(`longer than ${max} characters`);
    return s;
  };
  return {
    name,
    collapse: false,
    facet: { kind: 'text', max },
    decode,
    check: (v) => decode(stringValue(v)),
    encode: identity,
  };
}

/** Pattern-restricted string (XSD patterns are anchored). `extra` adds a scheme-level check. */
export function pattern(name: string, re: RegExp, extra?: (s: string) => void): Simple<string> {
  const decode = (s: string): string => {
    if (!re.test(s)) throw new Fault(`'${clip(s)}' is not a valid ${name}`);
    extra?.(s);
    return s;
  };
  return {
    name,
    collapse: false,
    facet: { kind: 'pattern', name },
    decode,
    check: (v) => decode(stringValue(v)),
    encode: identity,
  };
}

/** XSD enumeration; `allowed` narrows it to what the scheme accepts. */
export function code<const A extends readonly string[]>(
  name: string,
  xsd: readonly string[],
  allowed: A,
): Simple<A[number]> {
  const inXsd = new Set(xsd);
  const ok = new Set<string>(allowed);
  const decode = (s: string): A[number] => {
    if (!inXsd.has(s)) throw new Fault(`'${clip(s)}' is not a ${name} value`);
    if (!ok.has(s)) throw new Fault(`${s} is not accepted here (allowed: ${allowed.join(', ')})`, 'field');
    return s as A[number];
  };
  return {
    name,
    collapse: false,
    facet: { kind: 'enum', values: allowed },
    decode,
    check: (v) => decode(stringValue(v)),
    encode: identity,
  };
}

/** Externally maintained ISO code (1..max characters in the XSD); `allowed` is the scheme's list. */
export function external(name: string, max: number): Simple<string>;
export function external<const A extends readonly string[]>(name: string, max: number, allowed: A): Simple<A[number]>;
export function external(name: string, max: number, allowed?: readonly string[]): Simple<string> {
  const ok = allowed === undefined ? undefined : new Set(allowed);
  const decode = (s: string): string => {
    if (s.length === 0 || codePoints(s) > max)
      throw new Fault(`'${clip(s)}' is not a ${name} (1 to ${max} characters)`);
    if (ok !== undefined && !ok.has(s)) throw new Fault(`${s} is not a ${name} the scheme accepts`, 'field');
    return s;
  };
  return {
    name,
    collapse: false,
    facet: allowed === undefined ? { kind: 'external', max } : { kind: 'external', max, values: allowed },
    decode,
    check: (v) => decode(stringValue(v)),
    encode: identity,
  };
}

/** MaxNNumericText as a number (at most 15 digits, within the safe-integer range). */
export function count(name: string, digits: number): Simple<number> {
  const re = new RegExp(`^[0-9]{1,${digits}}$`);
  const limit = 10 ** digits - 1;
  return {
    name,
    collapse: false,
    facet: { kind: 'count', digits },
    decode: (s) => {
      if (!re.test(s)) throw new Fault(`'${clip(s)}' is not a ${name}`);
      return Number(s);
    },
    check: (v) => {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > limit) {
        throw new Fault(`must be an integer from 0 to ${limit}`, 'field');
      }
      return v;
    },
    encode: String,
  };
}

/** xs:boolean; written as `true`/`false`, read in all four lexical forms. */
export function bool(name: string): Simple<boolean> {
  return {
    name,
    collapse: true,
    facet: { kind: 'bool' },
    decode: (s) => {
      if (s === 'true' || s === '1') return true;
      if (s === 'false' || s === '0') return false;
      throw new Fault(`'${clip(s)}' is not a boolean`);
    },
    check: (v) => {
      if (typeof v !== 'boolean') throw new Fault('must be a boolean', 'field');
      return v;
    },
    encode: String,
  };
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : DAYS[m - 1]!);
}

function validZone(z: string | undefined): boolean {
  if (z === undefined || z === 'Z') return true;
  const h = Number(z.slice(1, 3));
  const min = Number(z.slice(4, 6));
  return min < 60 && (h < 14 || (h === 14 && min === 0));
}

const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})(Z|[+-][0-9]{2}:[0-9]{2})?$/;
const DATE_TIME =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})?$/;

/** xs:date kept as its text (`2024-05-31`, optionally with a zone) so it round-trips exactly. */
export function isoDate(name: string): Simple<string> {
  const decode = (s: string): string => {
    const m = DATE.exec(s);
    if (m === null || !validDate(Number(m[1]), Number(m[2]), Number(m[3])) || !validZone(m[4])) {
      throw new Fault(`'${clip(s)}' is not an ISO date (YYYY-MM-DD)`);
    }
    return s;
  };
  return {
    name,
    collapse: true,
    facet: { kind: 'date' },
    decode,
    check: (v) => decode(stringValue(v)),
    encode: identity,
  };
}

/** xs:dateTime kept as text (`2024-05-31T10:15:00+05:00`); 24:00:00 and leap seconds refused. */
export function isoDateTime(name: string): Simple<string> {
  const decode = (s: string): string => {
    const m = DATE_TIME.exec(s);
    if (
      m === null ||
      !validDate(Number(m[1]), Number(m[2]), Number(m[3])) ||
      Number(m[4]) > 23 ||
      Number(m[5]) > 59 ||
      Number(m[6]) > 59 ||
      !validZone(m[7])
    ) {
      throw new Fault(`'${clip(s)}' is not an ISO date-time (YYYY-MM-DDThh:mm:ss)`);
    }
    return s;
  };
  return {
    name,
    collapse: true,
    facet: { kind: 'dateTime' },
    decode,
    check: (v) => decode(stringValue(v)),
    encode: identity,
  };
}

/** ISO 13616 check digits: move the first four characters to the end, letters to numbers, mod 97. */
export function ibanChecksumOk(iban: string): boolean {
  const rearranged = (iban.slice(4) + iban.slice(0, 4)).toUpperCase();
  let rem = 0;
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    const v = c <= 57 ? c - 48 : c - 55;
    rem = v > 9 ? (rem * 100 + v) % 97 : (rem * 10 + v) % 97;
  }
  return rem === 1;
}
