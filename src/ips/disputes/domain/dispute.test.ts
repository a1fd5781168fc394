import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DomainError } from '../../../platform/pure.ts';
import {
  type DisputeAction,
  type DisputeRole,
  type DisputeStatus,
  nextStatus,
  onDeadline,
  RETURNS_MONEY,
  TERMINAL,
} from './dispute.ts';

const ACTIONS: DisputeAction[] = ['accept', 'reject', 'escalate', 'decide_claimant', 'decide_respondent', 'withdraw'];
const ROLES: DisputeRole[] = ['claimant', 'respondent', 'operator'];

const refusal = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof DomainError);
    return e.type;
  }
  return 'none';
};

describe('IPS dispute state machine', () => {
  it('walks the arbitration path: open → rejected → escalated → decided', () => {
    let s: DisputeStatus = 'open';
    s = nextStatus(s, 'reject', 'respondent', 'the customer confirmed the payment');
    assert.equal(s, 'rejected');
    s = nextStatus(s, 'escalate', 'claimant', 'the customer reported the fraud to the police');
    assert.equal(s, 'escalated');
    assert.equal(nextStatus(s, 'decide_claimant', 'operator', 'police report'), 'decided_for_claimant');
    assert.equal(nextStatus(s, 'decide_respondent', 'operator', 'no evidence'), 'decided_for_respondent');
  });

  it('refuses the wrong party, the wrong state and missing grounds, each with its own type', () => {
    assert.equal(
      refusal(() => nextStatus('open', 'accept', 'claimant', undefined)),
      'forbidden',
    );
    assert.equal(
      refusal(() => nextStatus('open', 'decide_claimant', 'respondent', 'x')),
      'forbidden',
    );
    assert.equal(
      refusal(() => nextStatus('open', 'escalate', 'claimant', 'x')),
      'state',
    );
    assert.equal(
      refusal(() => nextStatus('open', 'decide_claimant', 'operator', 'x')),
      'state',
    );
    assert.equal(
      refusal(() => nextStatus('open', 'reject', 'respondent', '  ')),
      'validation',
    );
    assert.equal(
      refusal(() => nextStatus('escalated', 'decide_respondent', 'operator', undefined)),
      'validation',
    );
    assert.equal(nextStatus('open', 'accept', 'respondent', undefined), 'accepted');
  });

  it('deadlines escalate unanswered claims and lapse unescalated rejections, nothing else', () => {
    assert.equal(onDeadline('open'), 'escalated');
    assert.equal(onDeadline('rejected'), 'lapsed');
    for (const s of ['escalated', ...TERMINAL] as DisputeStatus[]) assert.equal(onDeadline(s), undefined);
  });

  it('property: any sequence of steps and deadlines ends final once terminal, and only the respondent or the operator returns money', () => {
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('act' as const),
        action: fc.constantFrom(...ACTIONS),
        role: fc.constantFrom(...ROLES),
        grounds: fc.option(fc.string({ maxLength: 3 }), { nil: undefined }),
      }),
      fc.record({ kind: fc.constant('deadline' as const) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        let s: DisputeStatus = 'open';
        for (const st of steps) {
          const before: DisputeStatus = s;
          if (st.kind === 'deadline') s = onDeadline(s) ?? s;
          else {
            try {
              s = nextStatus(s, st.action, st.role, st.grounds);
            } catch (e) {
              if (!(e instanceof DomainError)) throw e;
            }
            if (RETURNS_MONEY.has(s) && s !== before) {
              assert.ok(st.role === 'respondent' || st.role === 'operator');
            }
          }
          if (TERMINAL.has(before)) assert.equal(s, before);
        }
      }),
    );
  });
});
