import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DECISION_OF, LIST_STATUSES, type ListStatus, SEVERITY } from './lists.ts';
import { nameTokens } from './names.ts';
import { decide, type HitEntry, type IdentifierHit, type PartyName } from './screening.ts';

const NOW = Date.UTC(2026, 0, 5);
const FOREVER = Number.POSITIVE_INFINITY;
const hit = (status: ListStatus, over: Partial<IdentifierHit> = {}, entry: Partial<HitEntry> = {}): IdentifierHit => ({
  party: 'creditor',
  field: '/creditor/account',
  kind: 'account',
  entries: [{ status, expiresAtMs: FOREVER, ...entry }],
  ...over,
});
const name = (party: 'debtor' | 'creditor', n: string, listed: [string, ListStatus][] = []): PartyName => ({
  party,
  field: `/${party}/name`,
  tokens: nameTokens(n),
  candidates: listed.map(([l, status]) => ({ status, expiresAtMs: FOREVER, tokens: nameTokens(l) })),
});

describe('AFC screening decision', () => {
  it('nothing listed: allow without reasons', () => {
    assert.deepEqual(decide({ hits: [], names: [name('creditor', 'Dauren Ospanov')], nowMs: NOW }), {
      decision: 'allow',
      reasons: [],
    });
  });

  it('a confirmed identifier blocks, a suspect one reviews, naming the field', () => {
    const d = decide({
      hits: [hit('suspect', { party: 'debtor', field: '/debtor/phone', kind: 'phone' }), hit('confirmed')],
      names: [],
      nowMs: NOW,
    });
    assert.equal(d.decision, 'block');
    assert.deepEqual(
      d.reasons.map((r) => [r.code, r.field]),
      [
        ['LISTED_CONFIRMED', '/creditor/account'],
        ['LISTED_SUSPECT', '/debtor/phone'],
      ],
    );
  });

  it('an expired listing is no reason', () => {
    assert.equal(
      decide({ hits: [hit('confirmed', {}, { expiresAtMs: NOW })], names: [], nowMs: NOW }).decision,
      'allow',
    );
  });

  it("the holder's listed name matching the party's name is a further reason, across scripts", () => {
    const d = decide({
      hits: [hit('suspect', {}, { holderTokens: nameTokens('Жанна Ким') })],
      names: [name('creditor', 'ZHANNA KIM')],
      nowMs: NOW,
    });
    assert.equal(d.decision, 'review');
    assert.deepEqual(
      d.reasons.map((r) => r.code),
      ['LISTED_SUSPECT', 'HOLDER_NAME_MATCH'],
    );
  });

  it('a name resembling a listed name reviews (never blocks); an override of the party clears it', () => {
    const listed: [string, ListStatus][] = [['Айгерим Сейтқали', 'confirmed']];
    const d = decide({ hits: [], names: [name('creditor', 'Aygerim Seytkaly', listed)], nowMs: NOW });
    assert.equal(d.decision, 'review');
    assert.equal(d.reasons[0]!.code, 'NAME_MATCH_CONFIRMED');
    assert.ok(d.reasons[0]!.score! >= 0.92);
    const cleared = decide({
      hits: [hit('allowed')],
      names: [name('creditor', 'Aygerim Seytkaly', listed)],
      nowMs: NOW,
    });
    assert.equal(cleared.decision, 'allow');
    assert.deepEqual(
      cleared.reasons.map((r) => r.code),
      ['LISTED_ALLOWED'],
    );
    const other = decide({ hits: [], names: [name('creditor', 'Dauren Ospanov', listed)], nowMs: NOW });
    assert.equal(other.decision, 'allow');
  });

  it('an override never outranks a listing of the same identifier', () => {
    const d = decide({
      hits: [
        {
          ...hit('allowed'),
          entries: [
            { status: 'allowed', expiresAtMs: FOREVER },
            { status: 'suspect', expiresAtMs: FOREVER },
          ],
        },
      ],
      names: [],
      nowMs: NOW,
    });
    assert.equal(d.decision, 'review');
  });

  it('the decision is the most severe listing in force across all identifiers (property)', () => {
    const entry = fc.record({
      status: fc.constantFrom(...LIST_STATUSES),
      expiresAtMs: fc.oneof(fc.constant(FOREVER), fc.integer({ min: NOW - 10, max: NOW + 10 })),
    });
    const hits = fc.array(
      fc.record({
        party: fc.constantFrom('debtor' as const, 'creditor' as const),
        field: fc.constant('/x'),
        kind: fc.constantFrom('iin' as const, 'account' as const, 'phone' as const),
        entries: fc.array(entry, { minLength: 1, maxLength: 4 }),
      }),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(hits, (hs) => {
        const d = decide({ hits: hs, names: [], nowMs: NOW });
        const live = hs.flatMap((h) => h.entries).filter((e) => e.expiresAtMs > NOW);
        const want = Math.max(0, ...live.map((e) => SEVERITY[DECISION_OF[e.status]]));
        assert.equal(SEVERITY[d.decision], want);
        assert.equal(
          d.reasons.length,
          hs.filter((h) => h.entries.some((e) => e.expiresAtMs > NOW)).length,
          'one reason per identifier in force',
        );
      }),
    );
  });
});
