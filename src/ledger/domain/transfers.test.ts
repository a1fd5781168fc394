import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_MINOR } from '../../platform/pure.ts';
import { applyAccounts } from './accounts.ts';
import { LedgerState, newBatch } from './state.ts';
import { applyTransfers, expirePending, type Outcome } from './transfers.ts';
import type { TransferInput } from './types.ts';

const NOW = 1_000_000;

function world() {
  const s = new LedgerState();
  const b = newBatch();
  applyAccounts(
    s,
    b,
    [
      { id: 'src', currency: 'KZT', owner: 'cb', code: 'issuance' },
      { id: 'bank', currency: 'KZT', owner: 'b', code: 'settlement', flags: { debitsMustNotExceedCredits: true } },
      { id: 'other', currency: 'KZT', owner: 'o', code: 'settlement' },
    ],
    NOW,
  );
  s.settle();
  return { s, b };
}

const t = (id: string, amount: bigint, extra: Partial<TransferInput> = {}): TransferInput => ({
  id,
  debitAccountId: 'bank',
  creditAccountId: 'other',
  amount,
  currency: 'KZT',
  code: 'x',
  ...extra,
});

const results = (os: Outcome[]) => os.map((o) => (typeof o === 'string' ? o : o.result));
const balances = (s: LedgerState) =>
  [...s.accounts.values()].map(
    (a) => `${a.id}:${a.debitsPending}/${a.debitsPosted}/${a.creditsPending}/${a.creditsPosted}`,
  );

describe('ledger domain', () => {
  it('undoes a failed chain exactly and records every member', () => {
    const { s, b } = world();
    applyTransfers(s, b, [t('fund', 100n, { debitAccountId: 'src', creditAccountId: 'bank' })], NOW);
    const before = balances(s);
    const out = applyTransfers(
      s,
      b,
      [
        t('p', 50n, { flags: { linked: true, pending: true } }),
        { id: 'post', pendingId: 'p', code: 'x', flags: { linked: true, postPending: true } },
        t('big', 51n),
      ],
      NOW,
    );
    assert.deepEqual(results(out), ['linked_event_failed', 'linked_event_failed', 'exceeds_credits']);
    assert.deepEqual(balances(s), before);
    assert.equal(s.pending.size, 0);
    assert.deepEqual(
      b.transfers.map((r) => `${r.id}:${r.result}`),
      ['fund:ok', 'p:linked_event_failed', 'post:linked_event_failed', 'big:exceeds_credits'],
    );
    assert.deepEqual(b.resolved, []);
  });

  it('answers a replayed chain with the stored records and applies nothing again', () => {
    const { s, b } = world();
    const fund = t('fund', 100n, { debitAccountId: 'src', creditAccountId: 'bank' });
    const chain = [t('a', 30n, { flags: { linked: true } }), t('b', 20n)];
    const first = applyTransfers(s, b, [fund, ...chain], NOW);
    const after = balances(s);
    const again = applyTransfers(
      s,
      b,
      chain.map((x) => ({ ...x })),
      NOW + 1,
    );
    assert.deepEqual(again, first.slice(1));
    assert.equal(again[0], first[1]);
    assert.deepEqual(balances(s), after);
    // the same id with other flags is a different request
    assert.deepEqual(results(applyTransfers(s, b, [{ ...chain[1]!, flags: { linked: true } }, t('c', 1n)], NOW)), [
      'exists_with_different_fields',
      'linked_event_failed',
    ]);
    assert.deepEqual(balances(s), after);
  });

  it('matches a post replay that omitted what the ledger filled in', () => {
    const { s, b } = world();
    applyTransfers(s, b, [t('fund', 100n, { debitAccountId: 'src', creditAccountId: 'bank' })], NOW);
    applyTransfers(s, b, [t('p', 40n, { flags: { pending: true } })], NOW);
    const post: TransferInput = { id: 'post', pendingId: 'p', code: 'x', flags: { postPending: true } };
    const [r] = applyTransfers(s, b, [post], NOW);
    assert.equal(typeof r === 'object' && r.amount, 40n);
    assert.deepEqual(applyTransfers(s, b, [{ ...post, amount: 40n, debitAccountId: 'bank' }], NOW), [r]);
    assert.deepEqual(applyTransfers(s, b, [{ ...post, amount: 39n }], NOW), ['exists_with_different_fields']);
  });

  it('refuses sums beyond 64 bits instead of wrapping', () => {
    const { s, b } = world();
    const out = applyTransfers(
      s,
      b,
      [
        t('a', MAX_MINOR, { debitAccountId: 'src', creditAccountId: 'other' }),
        t('b', 1n, { debitAccountId: 'src', creditAccountId: 'other' }),
      ],
      NOW,
    );
    assert.deepEqual(results(out), ['ok', 'overflow']);
  });

  it('expires only pending transfers whose deadline has come', () => {
    const { s, b } = world();
    applyTransfers(s, b, [t('fund', 100n, { debitAccountId: 'src', creditAccountId: 'bank' })], NOW);
    applyTransfers(
      s,
      b,
      [t('p1', 10n, { flags: { pending: true }, timeoutSeconds: 10 }), t('p2', 10n, { flags: { pending: true } })],
      NOW,
    );
    assert.equal(expirePending(s, b, NOW + 9_999), 0);
    assert.equal(expirePending(s, b, NOW + 10_000), 1);
    assert.deepEqual([...s.pending.keys()], ['p2']);
    assert.equal(s.find('p1')?.state, 'expired');
    assert.equal(s.find('p1#timeout')?.pendingId, 'p1');
  });
});
