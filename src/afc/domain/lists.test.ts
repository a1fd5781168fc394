import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { DomainError } from '../../platform/pure.ts';
import {
  assertMayChange,
  DECISION_OF,
  effectiveStatus,
  LIST_STATUSES,
  type ListStatus,
  STATUS_RANK,
  type StatusEntry,
  validExpiry,
  validReason,
  validSource,
} from './lists.ts';

const NOW = Date.UTC(2026, 0, 5);
const FOREVER = Number.POSITIVE_INFINITY;
const e = (status: ListStatus, expiresAtMs = FOREVER): StatusEntry => ({ status, expiresAtMs });

describe('AFC list precedence and expiry', () => {
  it('block (confirmed) > review (suspect) > allow (allowed)', () => {
    assert.equal(effectiveStatus([e('allowed'), e('suspect')], NOW), 'suspect');
    assert.equal(effectiveStatus([e('suspect'), e('confirmed'), e('allowed')], NOW), 'confirmed');
    assert.equal(effectiveStatus([e('allowed')], NOW), 'allowed');
    assert.equal(effectiveStatus([], NOW), undefined);
    assert.deepEqual(
      LIST_STATUSES.map((s) => DECISION_OF[s]),
      ['review', 'block', 'allow'],
    );
  });

  it('an entry stops counting at its expiry', () => {
    assert.equal(effectiveStatus([e('confirmed', NOW), e('suspect', NOW + 1)], NOW), 'suspect');
    assert.equal(effectiveStatus([e('confirmed', NOW)], NOW), undefined);
    assert.equal(effectiveStatus([e('confirmed', NOW)], NOW - 1), 'confirmed');
  });

  it('the effective status is the highest-ranked entry in force, whatever the order (property)', () => {
    const entry = fc.record({
      status: fc.constantFrom(...LIST_STATUSES),
      expiresAtMs: fc.oneof(fc.constant(FOREVER), fc.integer({ min: NOW - 1000, max: NOW + 1000 })),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), fc.integer({ min: NOW - 1000, max: NOW + 1000 }), (es, now) => {
        const got = effectiveStatus(es, now);
        const live = es.filter((x) => x.expiresAtMs > now);
        if (live.length === 0) return assert.equal(got, undefined);
        assert.equal(STATUS_RANK[got!], Math.max(...live.map((x) => STATUS_RANK[x.status])));
        assert.equal(effectiveStatus([...es].reverse(), now), got, 'order-independent');
        // adding an entry never lowers the status (monotone)
        for (const s of LIST_STATUSES) {
          const more = effectiveStatus([...es, e(s)], now)!;
          assert.ok(STATUS_RANK[more] >= STATUS_RANK[got!]);
        }
      }),
    );
  });

  it('who may change what: law enforcement confirms, operator and law enforcement list suspects and override', () => {
    const no = (roles: string[], s: ListStatus) =>
      assert.throws(
        () => assertMayChange(roles, s),
        (x: DomainError) => x.status === 403,
      );
    assertMayChange(['law_enforcement', 'fraud_decider'], 'confirmed');
    assertMayChange(['operator', 'oversight'], 'suspect');
    assertMayChange(['operator', 'oversight'], 'allowed');
    no(['operator', 'oversight'], 'confirmed');
    no(['bank', 'payments', 'fraud_reporter'], 'suspect');
    no(['mno', 'fraud_reporter'], 'allowed');
    no(['regulator', 'oversight'], 'suspect');
  });

  it('sources, reasons and expiries are checked, naming the field', () => {
    const field = (f: () => unknown, name: string) =>
      assert.throws(f, (x: DomainError) => x.status === 400 && x.issues[0]?.field === name);
    assert.equal(validSource('inc_01J:7', '/source'), 'inc_01J:7');
    field(() => validSource('', '/source'), '/source');
    field(() => validSource('a b', '/source'), '/source');
    assert.equal(validReason(undefined, '/reason', false, 'x'), 'x');
    field(() => validReason(undefined, '/reason', true), '/reason');
    field(() => validReason('   ', '/reason', true), '/reason');
    field(() => validReason('ok', '/reason', true), '/reason');
    assert.equal(validReason('  customer   verified ', '/reason', true), 'customer verified');
    assert.equal(validExpiry(undefined, '/expiresAt', NOW), null);
    assert.equal(validExpiry('2026-02-01T00:00:00+05:00', '/expiresAt', NOW), '2026-01-31T19:00:00.000Z');
    field(() => validExpiry('2025-01-01T00:00:00Z', '/expiresAt', NOW), '/expiresAt');
    field(() => validExpiry('tomorrow', '/expiresAt', NOW), '/expiresAt');
  });
});
