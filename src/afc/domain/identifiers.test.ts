import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { DomainError } from '../../platform/pure.ts';
import { normalizePhone } from '../identifiers.ts';
import { cardToken, iban, iin, imei } from '../testkit.ts';
import {
  IDENTIFIER_KINDS,
  type IdentifierKind,
  isValidIban,
  isValidIinBin,
  macInput,
  normalizeIdentifier,
  normalizeMac,
  tryNormalizeIdentifier,
} from './identifiers.ts';

const norm = (kind: IdentifierKind, v: string, field = '/value') => normalizeIdentifier(kind, v, field, normalizePhone);

const refused = (kind: IdentifierKind, v: string, field = '/creditor/x') =>
  assert.throws(
    () => normalizeIdentifier(kind, v, field, normalizePhone),
    (e: DomainError) => e.status === 400 && e.issues[0]?.field === field,
    `${kind} ${JSON.stringify(v)} must be refused naming ${field}`,
  );

describe('AFC identifiers', () => {
  it('IIN/BIN: 12 digits with the Kazakh check digit', () => {
    const v = iin(42);
    assert.ok(isValidIinBin(v));
    assert.equal(norm('iin', `${v.slice(0, 6)} ${v.slice(6)}`), v);
    const wrong = v.slice(0, 11) + String((Number(v[11]) + 1) % 10);
    refused('iin', wrong);
    refused('iin', '12345');
    refused('iin', 'abcdefghijkl');
  });

  it('account: IBANs by mod 97, a KZ IBAN is 20 characters', () => {
    const v = iban(7);
    assert.ok(isValidIban(v));
    assert.equal(norm('account', `${v.slice(0, 4).toLowerCase()} ${v.slice(4, 8)} ${v.slice(8)}`), v);
    assert.equal(norm('account', 'GB82 WEST 1234 5698 7654 32'), 'GB82WEST12345698765432');
    refused('account', v.slice(0, 19));
    refused('account', `${v.slice(0, 2)}00${v.slice(4)}`);
    refused('account', 'ACC-123');
  });

  it('phone: E.164 from what people type, any country', () => {
    assert.equal(norm('phone', '8 (701) 000-00-01'), '+77010000001');
    assert.equal(norm('phone', '+7 701 000 00 01'), '+77010000001');
    assert.equal(norm('phone', '+44 20 7946 0018'), '+442079460018');
    refused('phone', '12');
    refused('phone', 'call me');
  });

  it('device: 15-digit IMEI with the Luhn digit', () => {
    const v = imei(5);
    assert.equal(norm('device', `${v.slice(0, 2)}-${v.slice(2, 8)}-${v.slice(8)}`), v);
    refused('device', v.slice(0, 14) + String((Number(v[14]) + 1) % 10));
    refused('device', '1234');
  });

  it('card: a token, never a card number', () => {
    assert.equal(norm('card', cardToken(3)), cardToken(3));
    refused('card', '4111 1111 1111 1111');
    refused('card', 'short');
  });

  it('wallet: ids and addresses; hex and bech32 addresses case-insensitive', () => {
    assert.equal(norm('wallet', 'kaspi:7701123'), 'kaspi:7701123');
    assert.equal(
      norm('wallet', '0xAbCdEf0123456789aBcDeF0123456789AbCdEf01'),
      '0xabcdef0123456789abcdef0123456789abcdef01',
    );
    assert.equal(norm('wallet', '1BoatSLRHtKNngkdXEeobR76b53LETtpyT'), '1BoatSLRHtKNngkdXEeobR76b53LETtpyT');
    refused('wallet', 'a b');
  });

  it('url: host and path, lower-case host, no scheme, www, query or fragment', () => {
    assert.equal(norm('url', 'https://WWW.Kaspi-Bonus.kz:443/Login/?a=1#x'), 'kaspi-bonus.kz/Login');
    assert.equal(norm('url', 'kaspi-bonus.kz/Login'), 'kaspi-bonus.kz/Login');
    assert.equal(norm('url', 'http://user:pw@example.kz'), 'example.kz');
    assert.equal(norm('url', 'https://кaspi.kz/'), 'xn--aspi-k5d.kz', 'a look-alike Cyrillic letter shows in punycode');
    refused('url', 'ftp://example.kz/file');
    refused('url', 'not a url');
    refused('url', 'localhost');
  });

  it('name: a person name, keyed independent of script and order', () => {
    assert.equal(norm('name', '  Жанна   Ким '), 'Жанна Ким');
    assert.equal(macInput('name', 'Жанна Ким'), macInput('name', 'KIM ZHANNA'));
    refused('name', '1234');
  });

  it('MACs are 64 hex digits', () => {
    assert.equal(normalizeMac('AB'.repeat(32), '/mac'), 'ab'.repeat(32));
    assert.throws(
      () => normalizeMac('xyz', '/entries/0/mac'),
      (e: DomainError) => e.issues[0]?.field === '/entries/0/mac',
    );
  });

  it('the MAC input separates kinds', () => {
    assert.notEqual(macInput('iin', iin(1)), macInput('wallet', iin(1)));
  });

  it('normalisation is idempotent (property)', () => {
    const samples: fc.Arbitrary<[IdentifierKind, string]> = fc.oneof(
      fc.nat({ max: 10_000_000 }).map((n): [IdentifierKind, string] => ['iin', iin(n)]),
      fc.nat({ max: 10_000_000 }).map((n): [IdentifierKind, string] => ['account', iban(n).toLowerCase()]),
      fc.nat({ max: 9_999_999 }).map((n): [IdentifierKind, string] => ['phone', `8 701 ${String(n).padStart(7, '0')}`]),
      fc.nat({ max: 10_000_000 }).map((n): [IdentifierKind, string] => ['device', imei(n)]),
      fc.nat().map((n): [IdentifierKind, string] => ['card', cardToken(n)]),
      fc
        .tuple(fc.webUrl({ withQueryParameters: true, withFragments: true }))
        .map(([u]): [IdentifierKind, string] => ['url', u]),
      fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9:_.@-]{3,40}$/).map((w): [IdentifierKind, string] => ['wallet', w]),
      fc
        .array(fc.constantFrom('Жанна', 'Әлия', 'Сейтқали', 'Ivanov', 'Nurlan-Uly', 'Өмірбек', 'KIM'), {
          minLength: 1,
          maxLength: 4,
        })
        .map((ws): [IdentifierKind, string] => ['name', ` ${ws.join('  ')} `]),
    );
    fc.assert(
      fc.property(samples, ([kind, v]) => {
        const once = tryNormalizeIdentifier(kind, v, normalizePhone);
        if (once === undefined) return; // e.g. a generated URL without a dot in its host
        assert.equal(norm(kind, once), once);
        assert.equal(macInput(kind, once), macInput(kind, norm(kind, once)));
      }),
      { numRuns: 500 },
    );
  });

  it('every kind is handled', () => {
    for (const k of IDENTIFIER_KINDS) assert.equal(tryNormalizeIdentifier(k, '', normalizePhone), undefined);
  });
});
