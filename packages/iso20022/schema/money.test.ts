import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Fault } from './dsl.ts';
import { currencyDecimals, formatAmount, MAX_MINOR_UNITS, parseAmount } from './money.ts';

function refused(text: string, ccy: string, kind: 'schema' | 'field'): void {
  assert.throws(
    () => parseAmount(text, ccy),
    (e: unknown) => e instanceof Fault && e.kind === kind,
    `${text} ${ccy}`,
  );
}

test('decimal text becomes minor units, digit by digit', () => {
  assert.equal(parseAmount('1500.00', 'KZT'), 150000n);
  assert.equal(parseAmount('1500', 'KZT'), 150000n);
  assert.equal(parseAmount('1500.5', 'KZT'), 150050n);
  assert.equal(parseAmount('0.01', 'KZT'), 1n);
  assert.equal(parseAmount('000012.30', 'KZT'), 1230n);
  assert.equal(parseAmount('1500', 'JPY'), 1500n);
  assert.equal(parseAmount('1.234', 'KWD'), 1234n);
  // Beyond float precision: 2^53 + 1 tiyn survives exactly.
  assert.equal(parseAmount('90071992547409.93', 'KZT'), 9007199254740993n);
  assert.equal(parseAmount('9999999999999999.99', 'KZT'), MAX_MINOR_UNITS);
});

test('more decimals than the currency has is a scheme error; the XSD would allow five', () => {
  refused('1500.001', 'KZT', 'field');
  refused('1500.000', 'KZT', 'field');
  refused('1.5', 'JPY', 'field');
});

test('negatives, exponents, signs, blanks and junk are refused', () => {
  for (const bad of [
    '-1.00',
    '1e3',
    '1E3',
    '+1',
    '.5',
    '1.',
    '',
    ' ',
    '1 000',
    '1,00',
    '0x10',
    'NaN',
    'Infinity',
    '１２',
  ]) {
    refused(bad, 'KZT', 'schema');
  }
});

test('more digits than the XSD allows (fraction 5, total 18) are refused as schema errors', () => {
  refused('1.000001', 'KZT', 'schema');
  refused('1234567890123456789', 'KZT', 'schema');
  // 18 significant digits but over 10^18 minor units: our bound, a scheme error.
  refused('999999999999999999', 'KZT', 'field');
});

test('formatting always writes the currency decimals', () => {
  assert.equal(formatAmount(150000n, 'KZT'), '1500.00');
  assert.equal(formatAmount(5n, 'KZT'), '0.05');
  assert.equal(formatAmount(0n, 'KZT'), '0.00');
  assert.equal(formatAmount(1500n, 'JPY'), '1500');
  assert.equal(formatAmount(1n, 'KWD'), '0.001');
  assert.equal(currencyDecimals('XYZ'), 2);
});

test('format then parse is the identity for every amount and currency', () => {
  fc.assert(
    fc.property(fc.bigInt(0n, MAX_MINOR_UNITS), fc.constantFrom('KZT', 'USD', 'JPY', 'KWD', 'ABC'), (minor, ccy) => {
      assert.equal(parseAmount(formatAmount(minor, ccy), ccy), minor);
    }),
  );
});
