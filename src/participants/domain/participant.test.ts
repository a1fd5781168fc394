import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DomainError } from '../../platform/pure.ts';
import {
  iinBinCheckDigit,
  isValidIinBin,
  nextStatus,
  validateBic,
  validateBinRange,
  validateParticipantInput,
} from './participant.ts';

describe('participant rules', () => {
  it('accepts a valid BIN and rejects a wrong check digit', () => {
    const prefix = '94084000070';
    const c = iinBinCheckDigit(prefix);
    assert.notEqual(c, undefined);
    assert.ok(isValidIinBin(prefix + c));
    assert.ok(!isValidIinBin(prefix + ((c! + 1) % 10)));
    assert.ok(!isValidIinBin('12345'));
  });

  it('a prefix has at most one valid check digit, and the computed one validates', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{11}$/), (p) => {
        const valid = [...'0123456789'].filter((c) => isValidIinBin(p + c));
        assert.ok(valid.length <= 1);
        const c = iinBinCheckDigit(p);
        assert.deepEqual(valid, c === undefined ? [] : [String(c)]);
      }),
    );
  });

  it('validates BICs and BIN ranges', () => {
    assert.equal(validateBic('HSBKKZKX'), 'HSBKKZKX');
    assert.equal(validateBic('HSBKKZKXXXX'), 'HSBKKZKXXXX');
    for (const bad of ['HSBKKZK', 'hsbkkzkx', '1SBKKZKX', 'HSBKKZKXX'])
      assert.throws(() => validateBic(bad), DomainError);
    assert.equal(validateBinRange('440000-440099', 'r'), '440000-440099');
    for (const bad of ['4400', '440099-440000', '440000-4400991', 'abcdef']) {
      assert.throws(() => validateBinRange(bad, 'r'), DomainError);
    }
  });

  it('requires a BIC for settling types and names the field', () => {
    assert.throws(
      () => validateParticipantInput({ name: 'Bank', type: 'bank' }),
      (e: unknown) => e instanceof DomainError && e.issues[0]?.field === '/bic',
    );
    assert.throws(
      () => validateParticipantInput({ name: 'X', type: 'spaceship' }),
      (e: unknown) => e instanceof DomainError && e.issues[0]?.field === '/name',
    );
    const tpp = validateParticipantInput({ name: 'Fintech', type: 'tpp' });
    assert.deepEqual(tpp.roles, ['tpp', 'api_user']);
  });

  it('status machine: suspend only active, block any, activate back, reason required', () => {
    assert.equal(nextStatus('active', 'suspend', 'audit'), 'suspended');
    assert.equal(nextStatus('suspended', 'activate', 'fixed'), 'active');
    assert.equal(nextStatus('suspended', 'block', 'fraud'), 'blocked');
    assert.throws(() => nextStatus('blocked', 'suspend', 'again'), DomainError);
    assert.throws(() => nextStatus('active', 'activate', 'noop'), DomainError);
    assert.throws(() => nextStatus('active', 'block', ''), DomainError);
  });
});
