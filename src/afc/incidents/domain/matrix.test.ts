import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { invalid } from '../../../platform/pure.ts';
import { beneficiaryIdentifiers, DEFAULT_MATRIX, validateDetails, validateTypeDef } from './matrix.ts';
import { ageBand, birthDateOfIin, toCsv } from './statistics.ts';

// identifiers are normalised by the AFC's own normaliser in production; here: accept digits and +7 phones
const norm = (kind: string, v: string, field: string) => {
  if (kind === 'phone' && !/^\+7\d{10}$/.test(v)) throw invalid(field, 'not a phone');
  return v;
};
const NOW = Date.parse('2026-11-20T12:00:00Z');
const card = {
  occurredAt: '2026-11-20T11:00:00+05:00',
  outcome: 'completed',
  fraudType: 'phishing',
  description: 'a fake bank site',
  amount: '1500',
  paymentId: 'X:1',
  beneficiaryPhone: '+77015550000',
};

describe('metadata matrix', () => {
  it('every default type is sound and can name a beneficiary', () => {
    for (const [type, def] of Object.entries(DEFAULT_MATRIX)) assert.doesNotThrow(() => validateTypeDef(def), type);
  });

  it('normalises values: instants to UTC, amounts to decimal tenge', () => {
    const d = validateDetails(DEFAULT_MATRIX.instant_transfer!, card, norm, { nowMs: NOW });
    assert.equal(d.occurredAt, '2026-11-20T06:00:00.000Z');
    assert.equal(d.amount, '1500.00');
    assert.deepEqual(beneficiaryIdentifiers(d), [{ field: 'beneficiaryPhone', kind: 'phone', value: '+77015550000' }]);
  });

  it('names the field it refuses', () => {
    const def = DEFAULT_MATRIX.instant_transfer!;
    const field = (input: Record<string, unknown>, partial = false) => {
      try {
        validateDetails(def, input, norm, { nowMs: NOW, partial });
        return 'accepted';
      } catch (err) {
        return (err as { issues: { field: string }[] }).issues[0]!.field;
      }
    };
    assert.equal(field({ ...card, fraudType: undefined }), '/details/fraudType');
    assert.equal(field({ ...card, beneficiaryPhone: undefined }), '/details/beneficiaryPhone');
    assert.equal(field({ ...card, beneficiaryPhone: '123' }), '/details/beneficiaryPhone');
    assert.equal(field({ ...card, victimRegion: 'MARS' }), '/details/victimRegion');
    assert.equal(field({ ...card, occurredAt: 'yesterday' }), '/details/occurredAt');
    assert.equal(field({ ...card, beneficiaryBin: '440011' }), '/details/beneficiaryBin');
    assert.equal(field({ ...card, amount: 1500 }), '/details/amount');
    assert.equal(field({ victimRegion: 'ALA' }, true), 'accepted');
  });

  it('refuses an unsound type definition', () => {
    const base = {
      label: 'x',
      mandatory: ['occurredAt', 'outcome', 'fraudType', 'description'],
      optional: ['beneficiaryUrl'],
      atLeastOne: [],
    };
    assert.doesNotThrow(() => validateTypeDef(base));
    assert.throws(() => validateTypeDef({ ...base, optional: ['nope'] }), /unknown field/);
    assert.throws(() => validateTypeDef({ ...base, mandatory: ['occurredAt'] }), /must include/);
    assert.throws(() => validateTypeDef({ ...base, optional: ['merchantName'] }), /beneficiary/);
    assert.throws(() => validateTypeDef({ ...base, atLeastOne: [['beneficiaryUrl', 'amount']] }), /optional field/);
  });
});

describe('statistics helpers', () => {
  it('reads birth dates from IINs (century digit) and bands ages', () => {
    assert.equal(birthDateOfIin('900515300008')?.toISOString().slice(0, 10), '1990-05-15');
    assert.equal(birthDateOfIin('050101500001')?.toISOString().slice(0, 10), '2005-01-01');
    assert.equal(birthDateOfIin('991340300000'), undefined, 'month 13');
    assert.equal(birthDateOfIin('951140000000'), undefined, 'a BIN');
    assert.equal(ageBand('900515300008', Date.parse('2026-05-14T00:00:00Z')), '35_44');
    assert.equal(ageBand('900515300008', Date.parse('2015-05-15T00:00:00Z')), '25_34');
    assert.equal(ageBand(undefined, NOW), 'unknown');
  });

  it('writes RFC 4180 CSV and defuses spreadsheet formulas', () => {
    assert.equal(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', '=HYPERLINK("evil")'],
          [-5, null],
        ],
      ),
      'a,b\r\n"x,y","\'=HYPERLINK(""evil"")"\r\n-5,\r\n',
    );
  });
});
