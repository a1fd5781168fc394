import { invalid } from '../../platform/pure.ts';
import { nameKey, normalizePersonName } from './names.ts';

/**
 * The identifiers the Anti-Fraud Center lists people and instruments by (AFC-5), their one normal form
 * each, and the checks that refuse malformed values with a 400 naming the field. Normalisation is
 * idempotent: the normal form of a normal form is itself, so a value normalised by a participant and again
 * here keys the same list entry.
 *
 *  - iin:     IIN or BIN, 12 digits with Kazakhstan's check digit
 *  - phone:   E.164, parsed by libphonenumber outside the domain (injected as `PhoneNormalizer`)
 *  - account: an IBAN, ISO 13616 mod-97 checked (a KZ IBAN has 20 characters)
 *  - card:    a card token (never the card number itself)
 *  - device:  an IMEI, 15 digits with the Luhn check digit
 *  - wallet:  an e-wallet id or a crypto address
 *  - url:     host and path of a web page (scheme, credentials, query, fragment and "www." dropped)
 *  - name:    a person's name alone (compared fuzzily across Kazakh, Russian and Latin spellings)
 */
export const IDENTIFIER_KINDS = ['iin', 'phone', 'account', 'card', 'device', 'wallet', 'url', 'name'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

export const isIdentifierKind = (k: unknown): k is IdentifierKind =>
  typeof k === 'string' && (IDENTIFIER_KINDS as readonly string[]).includes(k);

/** Parses a phone number into E.164 or throws a 400 naming `field` (libphonenumber lives outside the domain). */
export type PhoneNormalizer = (input: string, field: string) => string;

/** A MAC as the lists exchange it: HMAC-SHA256 in 64 lowercase hex digits. */
export const MAC_PATTERN = /^[0-9a-f]{64}$/;

export function normalizeMac(input: string, field: string): string {
  const mac = typeof input === 'string' ? input.trim().toLowerCase() : '';
  if (!MAC_PATTERN.test(mac)) throw invalid(field, 'must be an HMAC-SHA256 in 64 hexadecimal digits');
  return mac;
}

// --- IIN / BIN ---

/** Kazakhstan's IIN/BIN check digit (weights 1..11, then 3..11,1,2 when the first sum leaves 10). */
export function isValidIinBin(value: string): boolean {
  if (!/^\d{12}$/.test(value)) return false;
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < 11; i++) {
    const d = value.charCodeAt(i) - 48;
    s1 += (i + 1) * d;
    s2 += (((i + 2) % 11) + 1) * d;
  }
  let c = s1 % 11;
  if (c === 10) c = s2 % 11;
  return c !== 10 && c === value.charCodeAt(11) - 48;
}

function normalizeIin(input: string, field: string): string {
  const v = input.replace(/[\s-]/g, '');
  if (!/^\d{12}$/.test(v)) throw invalid(field, 'an IIN/BIN must be 12 digits');
  if (!isValidIinBin(v)) throw invalid(field, 'is not a valid IIN/BIN: the check digit does not match');
  return v;
}

// --- IBAN ---

const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;

/** ISO 13616 mod-97 check of an IBAN without blanks (a KZ IBAN is 20 characters long). */
export function isValidIban(iban: string): boolean {
  if (!IBAN.test(iban)) return false;
  if (iban.startsWith('KZ') && iban.length !== 20) return false;
  let rem = 0;
  for (let k = 0; k < iban.length; k++) {
    const c = iban.charCodeAt((k + 4) % iban.length);
    if (c >= 65) {
      const v = c - 55;
      rem = (rem * 100 + v) % 97;
    } else {
      rem = (rem * 10 + (c - 48)) % 97;
    }
  }
  return rem === 1;
}

function normalizeAccount(input: string, field: string): string {
  const v = input.replace(/[\s-]/g, '').toUpperCase();
  if (!IBAN.test(v)) throw invalid(field, 'must be an IBAN (KZ followed by 18 characters for a Kazakh account)');
  if (v.startsWith('KZ') && v.length !== 20) throw invalid(field, 'a KZ IBAN has 20 characters');
  if (!isValidIban(v)) throw invalid(field, 'is not a valid IBAN: the mod-97 check failed');
  return v;
}

// --- Luhn: IMEI, card numbers ---

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function normalizeDevice(input: string, field: string): string {
  const v = input.replace(/[\s\-/.]/g, '');
  if (!/^\d{15}$/.test(v)) throw invalid(field, 'an IMEI must be 15 digits');
  if (!luhnValid(v)) throw invalid(field, 'is not a valid IMEI: the Luhn check digit does not match');
  return v;
}

const CARD_TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

function normalizeCard(input: string, field: string): string {
  const v = input.trim();
  const digits = v.replace(/[\s-]/g, '');
  if (/^\d{13,19}$/.test(digits) && luhnValid(digits)) {
    throw invalid(field, 'looks like a card number (PAN): send the card token, never the number');
  }
  if (!CARD_TOKEN.test(v)) throw invalid(field, 'a card token is 16-64 characters: letters, digits, "-" or "_"');
  return v;
}

// --- wallets ---

const WALLET = /^[A-Za-z0-9][A-Za-z0-9:_.@-]{3,127}$/;

function normalizeWallet(input: string, field: string): string {
  const v = input.trim();
  if (!WALLET.test(v))
    throw invalid(field, 'a wallet id is 4-128 characters: letters, digits, ":", "_", ".", "@", "-"');
  // hexadecimal (0x…) and bech32 (bc1…) addresses are case-insensitive; base58 and wallet ids are not
  if (/^0x[0-9a-fA-F]{40}$/.test(v) || /^(bc1|tb1|ltc1)[0-9a-zA-Z]{8,87}$/i.test(v)) return v.toLowerCase();
  return v;
}

// --- URLs ---

/**
 * Host and path of a web address, what a phishing site is known by: "https://WWW.Example.kz:443/Login/?a=1#x"
 * → "example.kz/Login". Hosts are lower-cased (and IDNs in punycode, so look-alike letters are visible); the
 * path keeps its case.
 */
function normalizeUrl(input: string, field: string): string {
  const raw = input.trim();
  if (raw.length === 0 || raw.length > 2048 || /\s/.test(raw)) throw invalid(field, 'must be a web address');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw invalid(field, 'must be a web address such as example.kz/path');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw invalid(field, 'only http and https addresses');
  let host = u.hostname.toLowerCase().replace(/\.$/, '');
  if (host.startsWith('www.')) host = host.slice(4);
  if (!host.includes('.') && !host.startsWith('[')) throw invalid(field, 'the host must be a domain name or address');
  const path = u.pathname.replace(/\/+$/, '');
  return host + path;
}

// --- names ---

function normalizeName(input: string, field: string): string {
  const name = normalizePersonName(input, field);
  if (nameKey(name).length === 0) throw invalid(field, 'must contain letters');
  return name;
}

/**
 * The normal form of `value` as an identifier of `kind`, or a 400 naming `field`. `phone` is the platform's
 * phone parser (libphonenumber), injected so that this file stays pure.
 */
export function normalizeIdentifier(
  kind: IdentifierKind,
  value: string,
  field: string,
  phone: PhoneNormalizer,
): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(field, 'is required');
  if (value.length > 2048) throw invalid(field, 'is too long');
  switch (kind) {
    case 'iin':
      return normalizeIin(value, field);
    case 'phone':
      return phone(value, field);
    case 'account':
      return normalizeAccount(value, field);
    case 'card':
      return normalizeCard(value, field);
    case 'device':
      return normalizeDevice(value, field);
    case 'wallet':
      return normalizeWallet(value, field);
    case 'url':
      return normalizeUrl(value, field);
    case 'name':
      return normalizeName(value, field);
  }
}

/** The same normal form, or undefined for a malformed value (screening: what cannot be valid is not listed). */
export function tryNormalizeIdentifier(
  kind: IdentifierKind,
  value: string,
  phone: PhoneNormalizer,
): string | undefined {
  try {
    return normalizeIdentifier(kind, value, '', phone);
  } catch {
    return undefined;
  }
}

/**
 * The text the list's MAC is computed over: kind and normal form, so the same digits as an IIN and as
 * something else never collide. A name is keyed by its spelling-independent form (see names.ts), so
 * "Жанна Ким" and "Zhanna Kim" key the same entry.
 */
export function macInput(kind: IdentifierKind, normalized: string): string {
  return `${kind}:${kind === 'name' ? nameKey(normalized) : normalized}`;
}
