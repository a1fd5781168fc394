import { createHmac, randomBytes } from 'node:crypto';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { type Clock, DomainError, invalid, type Queryable } from '../platform/index.ts';
import {
  type IdentifierKind,
  macInput,
  normalizeIdentifier,
  type PhoneNormalizer,
  tryNormalizeIdentifier,
} from './domain/identifiers.ts';

/**
 * The impure half of identifiers: phone numbers through libphonenumber, and the keyed MAC that pseudonymises
 * identifiers on the lists (ADR 7).
 */

/**
 * Any phone number in E.164 from what people type ("+7 701 123 45 67", "8 701 1234567", "+44 20 …"):
 * fraud uses foreign and landline numbers too, so unlike the IPS alias directory this takes every valid
 * number; Kazakhstan is the default region.
 */
export const normalizePhone: PhoneNormalizer = (input, field) => {
  if (typeof input !== 'string' || input.length > 32 || !/^[+\d\s()\-.]+$/.test(input.trim())) {
    throw invalid(field, 'must be a phone number: digits, optionally +, spaces, dashes, brackets');
  }
  const p = parsePhoneNumberFromString(input.trim(), 'KZ');
  if (!p?.isValid()) throw invalid(field, 'is not a valid phone number');
  return p.number;
};

const E164 = /^\+[1-9]\d{7,14}$/;

/**
 * Screening's phone parser: a value already in E.164 is taken as it is (if it is not a valid number it is on
 * no list, so the lookup misses just the same), anything else goes through libphonenumber. Saves the parse
 * (tens of microseconds) on the form payment messages carry.
 */
export const screeningPhone: PhoneNormalizer = (input, field) =>
  typeof input === 'string' && E164.test(input) ? input : normalizePhone(input, field);

export const normalize = (kind: IdentifierKind, value: string, field: string): string =>
  normalizeIdentifier(kind, value, field, normalizePhone);

export const tryNormalize = (kind: IdentifierKind, value: string): string | undefined =>
  tryNormalizeIdentifier(kind, value, screeningPhone);

/** The MAC key of the lists: HMAC-SHA256 over `<kind>:<normal form>`, 64 hex digits. */
export class IdentifierMac {
  readonly keyId: string;
  private readonly key: Buffer;

  constructor(keyId: string, key: Buffer) {
    if (key.length < 32) throw new DomainError('internal', 'the identifier MAC key must have at least 256 bits');
    this.keyId = keyId;
    this.key = key;
  }

  /** MAC of an identifier already in normal form. */
  of(kind: IdentifierKind, normalized: string): string {
    return this.ofInput(macInput(kind, normalized));
  }

  /** MAC of a MAC input (`macInput(kind, normal form)`). */
  ofInput(input: string): string {
    return createHmac('sha256', this.key).update(input).digest('hex');
  }

  /** The key itself, base64url, for participants entitled to compute MACs of their own identifiers. */
  export(): string {
    return this.key.toString('base64url');
  }
}

interface KeyRow {
  kid: string;
  secret: string;
  created_at: string;
}

/**
 * Loads the lists' MAC key, creating it on the first start. Kept like the platform's other keys: in the
 * database so that every process shares it, created race-safely (every contender generates a candidate, the
 * first INSERT wins, everyone re-reads the winner). Production would hold it in an HSM or KMS and keep a
 * handle here. One active key; `kid` names it so that a rotation can be told apart later.
 */
export async function loadOrCreateMacKey(db: Queryable, clock: Clock): Promise<IdentifierMac> {
  const read = async () =>
    (await db.query<KeyRow>("SELECT kid, secret, created_at FROM afc_mac_keys WHERE name = 'lists'"))[0];
  let row = await read();
  if (!row) {
    const secret = randomBytes(32);
    const kid = createHmac('sha256', secret).update('kid').digest('hex').slice(0, 16);
    await db.exec(
      "INSERT INTO afc_mac_keys (name, kid, secret, created_at) VALUES ('lists', $1, $2, $3) ON CONFLICT (name) DO NOTHING",
      [kid, secret.toString('base64'), clock.now().toISOString()],
    );
    row = await read();
    if (!row) throw new DomainError('internal', 'the AFC MAC key could not be stored');
  }
  return new IdentifierMac(row.kid, Buffer.from(row.secret, 'base64'));
}
