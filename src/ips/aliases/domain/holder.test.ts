import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../../../platform/pure.ts';
import { isValidIban, maskHolderName, normalizeAccountId, normalizeHolderName } from './holder.ts';

describe('holder names', () => {
  it('masks to the first name and the initial of the surname, Latin and Cyrillic', () => {
    assert.equal(maskHolderName('Aigerim Seitkali'), 'Aigerim S.');
    assert.equal(maskHolderName('Айгерим Сейтқали'), 'Айгерим С.');
    assert.equal(maskHolderName('АЙГЕРИМ НҰРЛАНҚЫЗЫ СЕЙТҚАЛИ'), 'Айгерим С.', 'patronymic dropped, shouting tamed');
    assert.equal(maskHolderName('ӘЛИЯ ӨМІРБЕК'), 'Әлия Ө.');
    assert.equal(maskHolderName('anna-maria ivanova'), 'Anna-Maria I.');
    assert.equal(maskHolderName('McKenzie O’Brien'), 'McKenzie O.');
    assert.equal(maskHolderName('Madonna'), 'M.', 'a single word shows only its initial');
  });

  it('normalises blanks and refuses what is not a name, naming the field', () => {
    assert.equal(normalizeHolderName('  Aigerim   Seitkali '), 'Aigerim Seitkali');
    for (const bad of ['A', '1234 5678', 'Aigerim <script>', ' - ']) {
      assert.throws(
        () => normalizeHolderName(bad),
        (e: DomainError) => e.status === 400 && e.issues[0]?.field === '/holderName',
        bad,
      );
    }
  });
});

describe('accounts', () => {
  it('checks Kazakh IBANs mod 97 and keeps other account ids as given', () => {
    assert.equal(isValidIban('KZ86125KZT5004100100'), true);
    assert.equal(isValidIban('KZ87125KZT5004100100'), false);
    assert.equal(normalizeAccountId('kz86 125K ZT50 0410 0100'), 'KZ86125KZT5004100100');
    assert.equal(normalizeAccountId('ACC-0001/7'), 'ACC-0001/7');
    assert.throws(
      () => normalizeAccountId('KZ87125KZT5004100100'),
      (e: DomainError) => e.issues[0]?.field === '/accountId' && /IBAN/.test(e.message),
    );
    assert.throws(() => normalizeAccountId('has spaces in it'), DomainError);
  });
});
