import { type AccountRecord, accountFlags } from './model.ts';
import type { Batch, LedgerState } from './state.ts';
import type { AccountInput, AccountResult } from './types.ts';

/**
 * Creates accounts idempotently and all-or-nothing: an existing id with the same fields is 'exists'; one
 * with other fields makes the whole request fail with that id (and nothing is created).
 */
export function applyAccounts(
  s: LedgerState,
  b: Batch,
  inputs: readonly AccountInput[],
  now: number,
): AccountResult[] | { conflict: string } {
  const m = s.mark(b);
  const out: AccountResult[] = [];
  for (const a of inputs) {
    const flags = accountFlags(a.flags);
    const prior = s.accounts.get(a.id);
    if (prior) {
      if (prior.currency !== a.currency || prior.owner !== a.owner || prior.code !== a.code || prior.flags !== flags) {
        s.rollback(m, b);
        return { conflict: a.id };
      }
      out.push({ id: a.id, result: 'exists' });
      continue;
    }
    const r: AccountRecord = {
      id: a.id,
      currency: a.currency,
      owner: a.owner,
      code: a.code,
      flags,
      debitsPending: 0n,
      debitsPosted: 0n,
      creditsPending: 0n,
      creditsPosted: 0n,
      createdAt: now,
    };
    s.addAccount(b, r);
    out.push({ id: a.id, result: 'created' });
  }
  return out;
}
