import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatFraudDemo, fraudDemo } from './index.ts';

describe('fraud demo', () => {
  it('generates traffic, detects mules with half the victims known, and scores them against the labels', () => {
    const r = fraudDemo({ seed: 5, payments: 20_000, top: 3 });
    assert.equal(r.payments, 20_000);
    assert.equal(r.knownVictims, Math.floor(r.labels.victim / 2));
    assert.equal(
      Object.values(r.patterns).reduce((a, b) => a + b, 0),
      r.fraudPayments,
    );
    assert.ok(r.evaluation.precision >= 0.8 && r.evaluation.recall >= 0.8, JSON.stringify(r.evaluation));
    assert.equal(r.top.length, 3);
    const text = formatFraudDemo(r);
    assert.match(text, /20000 payments, \d+ of them fraud/);
    assert.match(text, /precision \d\.\d{3}, recall \d\.\d{3}/);
    assert.ok(text.includes(r.top[0]!.explanation));
    assert.deepEqual(fraudDemo({ seed: 5, payments: 20_000, top: 3 }), r, 'the same seed tells the same story');
  });
});
