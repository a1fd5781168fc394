import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../../platform/index.ts';
import { normalizePhone } from './phone.ts';

const problemField = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof DomainError && err.type === 'validation', String(err));
    return err.issues[0]?.field ?? 'no field';
  }
  return 'no error';
};

describe('normalizePhone', () => {
  it('gives E.164 for what people type, the same the second time (from the recent ones)', () => {
    for (const typed of ['+7 701 123 45 67', '8 (701) 123-45-67', '87011234567', '7011234567']) {
      assert.equal(normalizePhone(typed), '+77011234567');
      assert.equal(normalizePhone(typed), '+77011234567');
    }
  });

  it('refuses landlines, Russian numbers and garbage every time, naming the caller’s field', () => {
    for (const bad of ['+7 727 250 00 00', '+7 916 123 45 67', '12345', 'abc']) {
      for (let i = 0; i < 2; i++)
        assert.equal(
          problemField(() => normalizePhone(bad, '/cdtr/phone')),
          '/cdtr/phone',
        );
    }
  });
});
