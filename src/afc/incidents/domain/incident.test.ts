import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DomainError } from '../../../platform/pure.ts';
import {
  CLOSED,
  INCIDENT_STATUSES,
  type IncidentAction,
  type IncidentRole,
  type IncidentStatus,
  nextStatus,
  overdue,
} from './incident.ts';
import { prioritize } from './priority.ts';

const ACTIONS: IncidentAction[] = [
  'supplement',
  'attach',
  'take',
  'decide_fraud',
  'decide_not_fraud',
  'withdraw',
  'record_recovery',
];
const ROLES: IncidentRole[] = ['reporter', 'party', 'investigator', 'operator'];

describe('incident lifecycle', () => {
  it('only law enforcement decides, always with grounds; the reporter withdraws only an open card', () => {
    assert.equal(nextStatus('open', 'decide_fraud', ['investigator'], 'case 1'), 'fraud');
    assert.equal(nextStatus('investigating', 'decide_not_fraud', ['investigator'], 'case 1'), 'not_fraud');
    assert.throws(() => nextStatus('open', 'decide_fraud', ['reporter', 'party', 'operator'], 'x'), {
      name: 'DomainError',
      type: 'forbidden',
    });
    assert.throws(() => nextStatus('open', 'decide_fraud', ['investigator'], ' '), { type: 'validation' });
    assert.throws(() => nextStatus('investigating', 'withdraw', ['reporter'], 'oops'), { type: 'state' });
    assert.equal(nextStatus('open', 'supplement', ['party'], undefined), 'open');
    assert.equal(nextStatus('fraud', 'record_recovery', ['party'], undefined), 'fraud');
  });

  it('property: a closed card never changes status, and every accepted step was allowed to the role', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            action: fc.constantFrom(...ACTIONS),
            roles: fc.subarray(ROLES, { minLength: 1 }),
            grounds: fc.option(fc.constantFrom('', 'case 42'), { nil: undefined }),
          }),
          { maxLength: 20 },
        ),
        (steps) => {
          let status: IncidentStatus = 'open';
          for (const s of steps) {
            let next: IncidentStatus;
            try {
              next = nextStatus(status, s.action, s.roles, s.grounds);
            } catch (err) {
              assert.ok(err instanceof DomainError);
              continue;
            }
            if (CLOSED.has(status)) assert.equal(next, status, `${status} changed by ${s.action}`);
            if (next !== status && (next === 'fraud' || next === 'not_fraud')) {
              assert.ok(s.roles.includes('investigator'));
              assert.ok(s.grounds?.trim());
            }
            assert.ok(INCIDENT_STATUSES.includes(next));
            status = next;
          }
        },
      ),
    );
  });

  it('deadlines: only unmet, unescalated, past-due steps of an open card are overdue', () => {
    const d = (due: string, doneAt: string | null = null, escalatedAt: string | null = null) => ({
      step: 'supplement' as const,
      participantId: 'p',
      due,
      doneAt,
      escalatedAt,
    });
    const now = Date.parse('2026-11-20T12:00:00Z');
    const all = [
      d('2026-11-20T11:00:00Z'),
      d('2026-11-20T13:00:00Z'),
      d('2026-11-20T10:00:00Z', '2026-11-20T09:00:00Z'),
      d('2026-11-20T10:00:00Z', null, '2026-11-20T10:01:00Z'),
    ];
    assert.deepEqual(overdue(all, 'open', now), [all[0]]);
    assert.deepEqual(overdue(all, 'fraud', now), []);
  });
});

describe('incident priority', () => {
  const base = {
    confirmedHits: 0,
    otherIncidents: 0,
    completed: true,
    strongIdentifier: false,
    amount: 100_000_00n,
    recovered: 0n,
    blockedAtRecipient: 0n,
    ageMs: 30 * 60_000,
  };

  it('explains itself: each factor gives a reason', () => {
    const p = prioritize({ ...base, confirmedHits: 1, otherIncidents: 2 });
    assert.ok(p.reasons.some((r) => r.includes('fraudsters list')));
    assert.ok(p.reasons.some((r) => r.includes('2 other incident')));
    assert.equal(p.atRisk, 100_000_00n);
  });

  it('property: more evidence never lowers the score; more time and more recovered never raise it', () => {
    fc.assert(
      fc.property(
        fc.nat(3),
        fc.nat(5),
        fc.boolean(),
        fc.bigInt({ min: 0n, max: 10_000_000_00n }),
        fc.bigInt({ min: 0n, max: 10_000_000_00n }),
        fc.nat(10 * 24 * 3600_000),
        fc.nat(10 * 24 * 3600_000),
        (hits, others, strong, amount, recovered, age, more) => {
          const s = {
            ...base,
            confirmedHits: hits,
            otherIncidents: others,
            strongIdentifier: strong,
            amount,
            recovered,
            ageMs: age,
          };
          const p = prioritize(s);
          assert.ok(p.probability >= 0 && p.probability <= 1);
          assert.ok(prioritize({ ...s, confirmedHits: hits + 1 }).score >= p.score);
          assert.ok(prioritize({ ...s, otherIncidents: others + 1 }).score >= p.score);
          assert.ok(prioritize({ ...s, ageMs: age + more }).score <= p.score);
          assert.ok(prioritize({ ...s, recovered: recovered + 1_000_00n }).score <= p.score);
          assert.ok(p.atRisk >= 0n);
        },
      ),
    );
  });
});
