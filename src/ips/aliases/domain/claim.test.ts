import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DomainError } from '../../../platform/pure.ts';
import { claimDeadline, movesAlias, nextClaimStatus, sideOf } from './claim.ts';

describe('portability claims', () => {
  it('only an open claim moves, and only confirm and complete move the alias', () => {
    assert.equal(nextClaimStatus('open', 'confirm'), 'confirmed');
    assert.equal(nextClaimStatus('open', 'reject'), 'rejected');
    assert.equal(nextClaimStatus('open', 'cancel'), 'cancelled');
    assert.equal(nextClaimStatus('open', 'complete'), 'completed');
    for (const s of ['confirmed', 'rejected', 'cancelled', 'completed'] as const) {
      assert.throws(
        () => nextClaimStatus(s, 'confirm'),
        (e: DomainError) => e.type === 'state',
      );
    }
    assert.deepEqual((['confirmed', 'rejected', 'cancelled', 'completed'] as const).map(movesAlias), [
      true,
      false,
      false,
      true,
    ]);
  });

  it('computes the deadline and the side of a party', () => {
    assert.equal(claimDeadline(Date.UTC(2026, 0, 1), 7 * 86_400_000).toISOString(), '2026-01-08T00:00:00.000Z');
    const c = { claimantParticipantId: 'a', ownerParticipantId: 'b' };
    assert.equal(sideOf(c, 'a'), 'claimant');
    assert.equal(sideOf(c, 'b'), 'owner');
    assert.equal(sideOf(c, 'x'), undefined);
  });
});
