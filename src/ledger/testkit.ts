/** Shared set-up for the ledger's tests and benchmarks (no test-runner imports: benches use it too). */
import { type Db, ManualClock, migrate } from '../platform/index.ts';
import type { LedgerOptions } from './api.ts';
import type { AccountInput } from './domain/types.ts';
import { ledgerMigrations } from './migrations.ts';
import { createLedger, type LedgerService } from './service.ts';

export async function openLedger(
  db: Db,
  opts: Omit<LedgerOptions, 'db'> = {},
): Promise<{ ledger: LedgerService; clock: ManualClock }> {
  await migrate(db, [ledgerMigrations]);
  const clock = (opts.clock as ManualClock | undefined) ?? new ManualClock();
  return { ledger: await createLedger({ ...opts, db, clock }), clock };
}

export const account = (id: string, flags: AccountInput['flags'] = {}, currency: AccountInput['currency'] = 'KZT') => ({
  id,
  currency,
  owner: `p-${id}`,
  code: 'settlement',
  flags,
});

/** A transfer of `amount` from account 'src' to 'dst'. */
export const pay = (id: string, amount = 1n) => ({
  id,
  debitAccountId: 'src',
  creditAccountId: 'dst',
  amount,
  currency: 'KZT' as const,
  code: 'x',
});

/** In-memory balances of the writer, as plain strings for deepEqual against a fresh load. */
export function memoryBalances(ledger: LedgerService): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of ledger.writer.memory.accounts.values()) {
    out[a.id] = `${a.debitsPending}/${a.debitsPosted}/${a.creditsPending}/${a.creditsPosted}`;
  }
  return out;
}
