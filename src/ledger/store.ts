/** Portable SQL for the ledger: loading the writer's state and every read. Batch writes are in commit-*.ts. */
import type { Currency, Db, Queryable } from '../platform/index.ts';
import type { AccountRecord, TransferRecord } from './domain/model.ts';
import { LedgerState } from './domain/state.ts';
import type { Balances, CurrencyTotals, FailureReason, PendingState } from './domain/types.ts';

export interface AccountRow extends Record<string, unknown> {
  id: string;
  currency: string;
  owner: string;
  code: string;
  flags: number | bigint;
  debits_pending: bigint;
  debits_posted: bigint;
  credits_pending: bigint;
  credits_posted: bigint;
  created_at: bigint;
}

export interface TransferRow extends Record<string, unknown> {
  seq: bigint;
  id: string;
  debit_account_id: string;
  credit_account_id: string;
  amount: bigint;
  currency: string;
  code: string;
  reference: string;
  flags: number | bigint;
  pending_id: string | null;
  timeout_s: number | bigint;
  ts: bigint;
  result: string;
  state: string | null;
}

export const TRANSFER_COLUMNS =
  'seq, id, debit_account_id, credit_account_id, amount, currency, code, reference, flags, pending_id, timeout_s, ts, result, state';
const ACCOUNT_COLUMNS =
  'id, currency, owner, code, flags, debits_pending, debits_posted, credits_pending, credits_posted, created_at';

export const accountFromRow = (r: AccountRow): AccountRecord => ({
  id: r.id,
  currency: r.currency as Currency,
  owner: r.owner,
  code: r.code,
  flags: Number(r.flags),
  debitsPending: BigInt(r.debits_pending),
  debitsPosted: BigInt(r.debits_posted),
  creditsPending: BigInt(r.credits_pending),
  creditsPosted: BigInt(r.credits_posted),
  createdAt: Number(r.created_at),
});

export const transferFromRow = (r: TransferRow): TransferRecord => ({
  seq: Number(r.seq),
  id: r.id,
  debitAccountId: r.debit_account_id,
  creditAccountId: r.credit_account_id,
  amount: BigInt(r.amount),
  currency: r.currency as Currency | '',
  code: r.code,
  reference: r.reference,
  flags: Number(r.flags),
  pendingId: r.pending_id,
  timeoutSeconds: Number(r.timeout_s),
  timestamp: Number(r.ts),
  result: r.result as 'ok' | FailureReason,
  state: r.state as PendingState | null,
});

/** What the writer needs at start: every account, every open pending transfer, the last seq. */
export async function loadState(db: Queryable): Promise<{ state: LedgerState; transfers: number }> {
  const s = new LedgerState();
  for (const r of await db.query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM ledger_accounts`)) {
    s.accounts.set(r.id, accountFromRow(r));
  }
  for (const r of await db.query<TransferRow>(
    `SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers WHERE state = 'pending' ORDER BY seq`,
  )) {
    s.pending.set(r.id, transferFromRow(r));
  }
  const [m] = await db.query<{ seq: bigint | null; ok: bigint }>(
    `SELECT MAX(seq) AS seq, SUM(CASE WHEN result = 'ok' THEN 1 ELSE 0 END) AS ok FROM ledger_transfers`,
  );
  s.seq = Number(m?.seq ?? 0);
  return { state: s, transfers: Number(m?.ok ?? 0) };
}

/** Looks transfers up by id, in chunks that stay far below either engine's parameter limit. */
export async function findTransfers(db: Queryable, ids: readonly string[]): Promise<TransferRecord[]> {
  const out: TransferRecord[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const ph = chunk.map((_, k) => `$${k + 1}`).join(', ');
    const rows = await db.query<TransferRow>(
      `SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers WHERE id IN (${ph})`,
      chunk,
    );
    for (const r of rows) out.push(transferFromRow(r));
  }
  return out;
}

export async function getAccount(db: Queryable, id: string): Promise<AccountRecord | undefined> {
  const [r] = await db.query<AccountRow>(`SELECT ${ACCOUNT_COLUMNS} FROM ledger_accounts WHERE id = $1`, [id]);
  return r ? accountFromRow(r) : undefined;
}

export interface AccountFilter {
  owner?: string;
  currency?: Currency;
  code?: string;
}

export async function listAccounts(db: Queryable, f: AccountFilter): Promise<AccountRecord[]> {
  const where: string[] = [];
  const params: string[] = [];
  for (const [col, v] of [
    ['owner', f.owner],
    ['currency', f.currency],
    ['code', f.code],
  ] as const) {
    if (v === undefined) continue;
    params.push(v);
    where.push(`${col} = $${params.length}`);
  }
  const rows = await db.query<AccountRow>(
    `SELECT ${ACCOUNT_COLUMNS} FROM ledger_accounts${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id`,
    params,
  );
  return rows.map(accountFromRow);
}

export async function getTransfer(db: Queryable, id: string): Promise<TransferRecord | undefined> {
  const [r] = await db.query<TransferRow>(`SELECT ${TRANSFER_COLUMNS} FROM ledger_transfers WHERE id = $1`, [id]);
  return r ? transferFromRow(r) : undefined;
}

export async function history(
  db: Queryable,
  accountId: string,
  after: number,
  limit: number,
): Promise<{ transfer: TransferRecord; balance: Balances }[]> {
  const cols = TRANSFER_COLUMNS.split(', ')
    .map((c) => `t.${c}`)
    .join(', ');
  const rows = await db.query<TransferRow & { h_dp: bigint; h_dpo: bigint; h_cp: bigint; h_cpo: bigint }>(
    `SELECT ${cols}, h.debits_pending AS h_dp, h.debits_posted AS h_dpo, h.credits_pending AS h_cp, h.credits_posted AS h_cpo
       FROM ledger_history h JOIN ledger_transfers t ON t.seq = h.seq
      WHERE h.account_id = $1 AND h.seq > $2 ORDER BY h.seq LIMIT $3`,
    [accountId, BigInt(after), BigInt(limit)],
  );
  return rows.map((r) => ({
    transfer: transferFromRow(r),
    balance: {
      debitsPending: BigInt(r.h_dp),
      debitsPosted: BigInt(r.h_dpo),
      creditsPending: BigInt(r.h_cp),
      creditsPosted: BigInt(r.h_cpo),
    },
  }));
}

export async function totals(db: Queryable): Promise<CurrencyTotals[]> {
  const rows = await db.query<{
    currency: string;
    n: bigint;
    dp: bigint | null;
    dpo: bigint | null;
    cp: bigint | null;
    cpo: bigint | null;
  }>(
    `SELECT currency, COUNT(*) AS n, SUM(debits_pending) AS dp, SUM(debits_posted) AS dpo,
            SUM(credits_pending) AS cp, SUM(credits_posted) AS cpo
       FROM ledger_accounts GROUP BY currency ORDER BY currency`,
  );
  return rows.map((r) => ({
    currency: r.currency as Currency,
    accounts: Number(r.n),
    debitsPosted: BigInt(r.dpo ?? 0n),
    creditsPosted: BigInt(r.cpo ?? 0n),
    debitsPending: BigInt(r.dp ?? 0n),
    creditsPending: BigInt(r.cp ?? 0n),
  }));
}

/** Σ over all accounts of credits − debits, posted and pending: both are 0 in a consistent ledger. */
export async function sumOfBalances(db: Db): Promise<{ posted: bigint; pending: bigint }> {
  const [r] = await db.query<{ posted: bigint | null; pending: bigint | null }>(
    `SELECT SUM(credits_posted - debits_posted) AS posted, SUM(credits_pending - debits_pending) AS pending
       FROM ledger_accounts`,
  );
  return { posted: BigInt(r?.posted ?? 0n), pending: BigInt(r?.pending ?? 0n) };
}
