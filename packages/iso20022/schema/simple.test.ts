import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SimpleType } from './dsl.ts';
import { type Camel, camel, Fault } from './dsl.ts';
import {
  BICFIDec2014Identifier,
  BICFIIdentifier,
  IBAN2007Identifier,
  ISODate,
  ISODateTime,
  Max4Text,
  SettlementMethod1Code,
  TrueFalseIndicator,
} from './iso-types.ts';

function refuses<T>(type: SimpleType<T>, text: string, kind: 'schema' | 'field' = 'schema'): void {
  assert.throws(
    () => type.decode(text),
    (e: unknown) => e instanceof Fault && e.kind === kind,
    `${type.name} ${text}`,
  );
}

test('tag → key follows the ISO JSON convention', () => {
  const cases: [string, string][] = [
    ['MsgId', 'msgId'],
    ['BICFI', 'bicfi'],
    ['IBAN', 'iban'],
    ['UETR', 'uetr'],
    ['FIToFICstmrCdtTrf', 'fiToFICstmrCdtTrf'],
    ['CdtTrfTxInf', 'cdtTrfTxInf'],
    ['AnyBIC', 'anyBIC'],
    ['EQAmt', 'eqAmt'],
    ['IntrmyAgt1', 'intrmyAgt1'],
  ];
  for (const [tag, key] of cases) assert.equal(camel(tag), key);
  // The type-level twin must agree (checked by tsc): model types use Camel, the codecs camel().
  const typed: [Camel<'BICFI'>, Camel<'FIToFICstmrCdtTrf'>, Camel<'AnyBIC'>, Camel<'EQAmt'>, Camel<'MsgId'>] = [
    'bicfi',
    'fiToFICstmrCdtTrf',
    'anyBIC',
    'eqAmt',
    'msgId',
  ];
  assert.deepEqual(typed, ['BICFI', 'FIToFICstmrCdtTrf', 'AnyBIC', 'EQAmt', 'MsgId'].map(camel));
});

test('text length counts characters, not UTF-16 units', () => {
  assert.equal(Max4Text.decode('😀😀😀😀'), '😀😀😀😀');
  refuses(Max4Text, '😀😀😀😀😀');
  refuses(Max4Text, '');
  assert.throws(
    () => Max4Text.check('a\u0001'),
    (e: unknown) => e instanceof Fault && e.kind === 'field',
  );
});

test('BIC patterns (2014 and the stricter older one)', () => {
  assert.equal(BICFIDec2014Identifier.decode('HSBKKZKX'), 'HSBKKZKX');
  assert.equal(BICFIDec2014Identifier.decode('HSBKKZKXXXX'), 'HSBKKZKXXXX');
  assert.equal(BICFIDec2014Identifier.decode('1234KZ10'), '1234KZ10');
  for (const bad of ['hsbkKZKX', 'HSBKKZK', 'HSBKKZKXX', 'HSBK1ZKX', ' HSBKKZKX']) refuses(BICFIDec2014Identifier, bad);
  refuses(BICFIIdentifier, '1234KZ10');
  refuses(BICFIIdentifier, 'HSBKKZ1O');
});

test('IBAN: pattern is the XSD, check digits the scheme', () => {
  assert.equal(IBAN2007Identifier.decode('KZ86125KZT5004100100'), 'KZ86125KZT5004100100');
  assert.equal(IBAN2007Identifier.decode('GB82WEST12345698765432'), 'GB82WEST12345698765432');
  refuses(IBAN2007Identifier, 'KZ87125KZT5004100100', 'field');
  refuses(IBAN2007Identifier, 'kz86125KZT5004100100');
});

test('dates and date-times are real calendar values', () => {
  for (const ok of ['2024-02-29', '2025-12-31', '2025-01-01Z', '2025-01-01+05:00'])
    assert.equal(ISODate.decode(ok), ok);
  for (const bad of [
    '2023-02-29',
    '2025-13-01',
    '2025-00-10',
    '2025-1-01',
    '25-01-01',
    '2025-01-01T00:00:00',
    '2025-01-01+15:00',
  ])
    refuses(ISODate, bad);
  for (const ok of ['2025-01-31T10:15:00', '2025-01-31T10:15:00.123Z', '2025-01-31T23:59:59-03:30'])
    assert.equal(ISODateTime.decode(ok), ok);
  for (const bad of [
    '2025-01-31T24:00:00',
    '2025-01-31T10:60:00',
    '2025-01-31T10:15:60',
    '2025-01-31 10:15:00',
    '2025-01-31T10:15',
  ])
    refuses(ISODateTime, bad);
});

test('code lists: XSD values vs the scheme subset', () => {
  assert.equal(SettlementMethod1Code.decode('CLRG'), 'CLRG');
  refuses(SettlementMethod1Code, 'COVE', 'field');
  refuses(SettlementMethod1Code, 'XXXX', 'schema');
});

test('booleans read all lexical forms', () => {
  assert.equal(TrueFalseIndicator.decode('1'), true);
  assert.equal(TrueFalseIndicator.decode('false'), false);
  refuses(TrueFalseIndicator, 'yes');
});
