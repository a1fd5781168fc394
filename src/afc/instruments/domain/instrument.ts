import { invalid } from '../../../platform/pure.ts';
import { luhnValid, macInput, normalizeIdentifier, type PhoneNormalizer } from '../../domain/identifiers.ts';

/**
 * The database of compromised payment instruments (AFC-7): cards and accounts that a participant learned were
 * compromised — their data leaked in a breach, copied by a skimmer, typed into a phishing kit, stolen by
 * malware, or the card lost or stolen. The issuer (found by the card's BIN in the participants' BIN ranges, or
 * named for an account) is told, and banks can ask whether an instrument is compromised.
 *
 * A card is given by its token or by its number (PAN). A PAN is never stored: only its keyed MAC (over
 * `pan:<digits>`, under the AFC identifiers key), its BIN (the first 8 digits of a PAN of 16 or more digits,
 * else the first 6) and its last 4 digits, as PCI DSS allows them to be shown. A token is keyed as the lists
 * key a card (`card:<token>`), an account as the lists key an IBAN, so an instrument and a list entry about
 * it share their MAC.
 */

export const COMPROMISE_TYPES = {
  data_breach: 'the data leaked from a merchant, processor or other holder',
  skimming: 'copied by a device on an ATM, a terminal or a fuel pump',
  phishing_kit: 'found in the loot of a phishing site or kit',
  malware: 'stolen by malware on a customer’s device or a merchant’s system',
  lost_stolen: 'the card or its credentials were lost or stolen',
  other: 'another way (say which in the source)',
} as const;
export type CompromiseType = keyof typeof COMPROMISE_TYPES;
export const isCompromiseType = (t: unknown): t is CompromiseType =>
  typeof t === 'string' && Object.hasOwn(COMPROMISE_TYPES, t);

export const INSTRUMENT_KINDS = ['card', 'account'] as const;
export type InstrumentKind = (typeof INSTRUMENT_KINDS)[number];

/** An instrument as reported: a card by `pan` or `token` (optionally with `bin` and `last4`), or an account. */
export interface InstrumentInput {
  kind: string;
  pan?: string;
  token?: string;
  bin?: string;
  last4?: string;
  iban?: string;
  /** The account's bank (its BIC), which is told of the report. */
  bic?: string;
}

/** What the platform keeps of an instrument, and the text its MAC is computed over (never stored). */
export interface ParsedInstrument {
  kind: InstrumentKind;
  /** `pan:<digits>`, `card:<token>` or `account:<IBAN>`: the HMAC's input. */
  macInput: string;
  bin: string | null;
  last4: string | null;
  token: string | null;
  iban: string | null;
  bic: string | null;
}

/** Tokens are checked as the lists check them; phone numbers play no part here. */
const noPhone: PhoneNormalizer = (_input, field) => {
  throw invalid(field, 'is not a phone number field');
};

const BIC = /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;

/** The BIN kept of a PAN: 8 digits of a PAN of 16 or more digits, otherwise 6. */
export const binOf = (pan: string): string => pan.slice(0, pan.length >= 16 ? 8 : 6);

/** A PAN without blanks or dashes, Luhn-checked, or a 400 naming the field (never echoing the number). */
export function normalizePan(input: unknown, field: string): string {
  const digits = typeof input === 'string' ? input.replace(/[\s-]/g, '') : '';
  if (!/^\d{13,19}$/.test(digits)) throw invalid(field, 'a card number is 13-19 digits');
  if (!luhnValid(digits)) throw invalid(field, 'is not a valid card number: the Luhn check digit does not match');
  return digits;
}

/** Checks one reported instrument; `at` prefixes the fields named in refusals (e.g. `/instruments/3`). */
export function parseInstrument(input: InstrumentInput, at: string): ParsedInstrument {
  if (typeof input !== 'object' || input === null) throw invalid(at || '/', 'must be an instrument');
  const has = (k: keyof InstrumentInput) => input[k] !== undefined;
  if (input.kind === 'card') {
    for (const k of ['iban', 'bic'] as const) if (has(k)) throw invalid(`${at}/${k}`, 'is for accounts, not cards');
    if (has('pan') === has('token')) throw invalid(`${at}/pan`, 'give the card number (pan) or its token, one of them');
    if (has('pan')) {
      for (const k of ['bin', 'last4'] as const) {
        if (has(k)) throw invalid(`${at}/${k}`, 'is taken from the card number: do not send it with the pan');
      }
      const pan = normalizePan(input.pan, `${at}/pan`);
      return {
        kind: 'card',
        macInput: `pan:${pan}`,
        bin: binOf(pan),
        last4: pan.slice(-4),
        token: null,
        iban: null,
        bic: null,
      };
    }
    const token = normalizeIdentifier('card', input.token!, `${at}/token`, noPhone);
    if (has('bin') && !/^\d{6,8}$/.test(String(input.bin))) throw invalid(`${at}/bin`, 'a BIN is 6-8 digits');
    if (has('last4') && !/^\d{4}$/.test(String(input.last4))) throw invalid(`${at}/last4`, 'the last 4 digits');
    return {
      kind: 'card',
      macInput: macInput('card', token),
      bin: input.bin ?? null,
      last4: input.last4 ?? null,
      token,
      iban: null,
      bic: null,
    };
  }
  if (input.kind === 'account') {
    for (const k of ['pan', 'token', 'bin', 'last4'] as const) {
      if (has(k)) throw invalid(`${at}/${k}`, 'is for cards, not accounts');
    }
    if (!has('iban')) throw invalid(`${at}/iban`, 'is required for an account');
    const iban = normalizeIdentifier('account', input.iban!, `${at}/iban`, noPhone);
    let bic: string | null = null;
    if (has('bic')) {
      bic = String(input.bic).trim().toUpperCase();
      if (!BIC.test(bic)) throw invalid(`${at}/bic`, 'must be an ISO 9362 BIC: 8 or 11 characters');
    }
    return { kind: 'account', macInput: macInput('account', iban), bin: null, last4: null, token: null, iban, bic };
  }
  throw invalid(`${at}/kind`, `must be one of ${INSTRUMENT_KINDS.join(', ')}`);
}

/** A detection date (YYYY-MM-DD, a real date from 2000 on, not after `today` + 1 day for time zones). */
export function validDetectedOn(value: unknown, field: string, today: string): string {
  if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\d$/.test(value)) throw invalid(field, 'a date, YYYY-MM-DD');
  const ms = Date.parse(`${value}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw invalid(field, 'is not a calendar date');
  }
  if (value < '2000-01-01') throw invalid(field, 'must be 2000-01-01 or later');
  const latest = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  if (value > latest) throw invalid(field, 'must not lie in the future');
  return value;
}

// --- issuers ---

/** A card issuer as the participants' registry knows it. */
export interface Issuer {
  participantId: string;
  bic: string | null;
  binRanges: readonly string[];
}

/**
 * How specific a BIN range is when it holds `bin` (the length of its prefixes), or 0 when it does not: a
 * range "low-high" of equal-length prefixes, or one prefix, compared with as many digits of the BIN.
 */
export function rangeMatch(range: string, bin: string): number {
  const [low, high = low] = range.split('-') as [string, string?];
  if (!/^\d+$/.test(low) || high.length !== low.length || bin.length < low.length) return 0;
  const head = bin.slice(0, low.length);
  return head >= low && head <= high ? low.length : 0;
}

/**
 * The issuer of a card by its BIN: the participant whose matching range is the most specific. When two
 * participants' ranges match equally, nobody is named: telling the wrong bank would disclose the report.
 */
export function issuerOfBin(bin: string | null, issuers: readonly Issuer[]): string | null {
  if (bin === null) return null;
  let best = 0;
  let found: string | null = null;
  for (const i of issuers) {
    const m = Math.max(0, ...i.binRanges.map((r) => rangeMatch(r, bin)));
    if (m === 0 || m < best) continue;
    if (m > best) {
      best = m;
      found = i.participantId;
    } else if (found !== i.participantId) {
      found = null;
    }
  }
  return found;
}

/** The issuer of an instrument: by BIN for a card, by the named BIC for an account; null when unknown. */
export function issuerOf(p: ParsedInstrument, issuers: readonly Issuer[]): string | null {
  if (p.kind === 'card') return issuerOfBin(p.bin, issuers);
  if (p.bic === null) return null;
  return (
    issuers.find((i) => i.bic !== null && (i.bic === p.bic || i.bic.slice(0, 8) === p.bic!.slice(0, 8)))
      ?.participantId ?? null
  );
}

// --- who sees what ---

/** Roles that read every report: law enforcement and oversight. */
export const ALL_READERS = ['fraud_decider', 'oversight'] as const;

export interface Viewer {
  participantId: string;
  roles: readonly string[];
}

export const readsAll = (v: Viewer): boolean => ALL_READERS.some((r) => v.roles.includes(r));

/** A bank sees the reports about its own instruments and the reports it made; readers of all see all. */
export const mayView = (e: { issuerId: string | null; reporterId: string }, v: Viewer): boolean =>
  readsAll(v) || e.issuerId === v.participantId || e.reporterId === v.participantId;

/** Shown instead of a card number: BIN, stars, last 4 (or what of them is known). */
export function maskedCard(bin: string | null, last4: string | null): string | null {
  if (bin === null && last4 === null) return null;
  return `${bin ?? ''}******${last4 ?? '****'}`;
}
