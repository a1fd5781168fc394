import { type Queryable, rowPlaceholders, type SqlValue, toJson } from '../platform/index.ts';
import type { IpsPayment, IpsStatus } from './domain/payment.ts';

interface Row {
  id: string;
  msg_id: string;
  tx_id: string;
  end_to_end_id: string;
  payer_bic: string;
  payee_bic: string;
  amount: bigint;
  creditor_account: string;
  alias: string | null;
  status: string;
  reason: string | null;
  document: string;
  created_at: string;
  deadline: string;
  updated_at: string;
}

const COLUMNS = `id, msg_id, tx_id, end_to_end_id, payer_bic, payee_bic, amount, creditor_account, alias, status, reason,
  document, created_at, deadline, updated_at`;

const toPayment = (r: Row): IpsPayment => ({
  id: r.id,
  msgId: r.msg_id,
  txId: r.tx_id,
  endToEndId: r.end_to_end_id,
  payerBic: r.payer_bic,
  payeeBic: r.payee_bic,
  amount: BigInt(r.amount),
  creditorAccount: r.creditor_account,
  alias: r.alias,
  status: r.status as IpsStatus,
  reason: r.reason,
  document: JSON.parse(r.document),
  createdAt: r.created_at,
  deadline: r.deadline,
  updatedAt: r.updated_at,
});

const paymentParams = (p: IpsPayment): SqlValue[] => [
  p.id,
  p.msgId,
  p.txId,
  p.endToEndId,
  p.payerBic,
  p.payeeBic,
  p.amount,
  p.creditorAccount,
  p.alias,
  p.status,
  p.reason,
  toJson(p.document),
  p.createdAt,
  p.deadline,
  p.updatedAt,
];

/** Rows per multi-row INSERT: a few fixed sizes, so that few statements are prepared whatever the batch. */
const INSERT_CHUNKS = [64, 16, 4, 1];

export const ipsStore = {
  async insert(q: Queryable, p: IpsPayment): Promise<boolean> {
    return (await ipsStore.insertMany(q, [p])).has(p.id);
  },

  /**
   * Inserts the payments whose id is not taken, in few statements; the ids inserted. Of two with one id in
   * the same call only the first can be inserted: the caller tells them apart.
   */
  async insertMany(q: Queryable, payments: IpsPayment[]): Promise<Set<string>> {
    const inserted = new Set<string>();
    let from = 0;
    for (const size of INSERT_CHUNKS) {
      for (; payments.length - from >= size; from += size) {
        const rows = await q.query<{ id: string }>(
          `INSERT INTO ips_payments (${COLUMNS}) VALUES ${rowPlaceholders(size, 15)}
           ON CONFLICT (id) DO NOTHING RETURNING id`,
          payments.slice(from, from + size).flatMap(paymentParams),
        );
        for (const r of rows) inserted.add(r.id);
      }
    }
    return inserted;
  },

  /** Moves a reserved payment to its final status; false if it was final already (someone else decided). */
  async finish(q: Queryable, id: string, status: IpsStatus, reason: string | null, at: string): Promise<boolean> {
    const n = await q.exec(
      `UPDATE ips_payments SET status = $1, reason = $2, updated_at = $3 WHERE id = $4 AND status = 'reserved'`,
      [status, reason, at, id],
    );
    return n === 1;
  },

  /** `finish` for several payments in few statements; the ids moved (the others were final already). */
  async finishMany(
    q: Queryable,
    outcomes: { id: string; status: IpsStatus; reason: string | null; at: string }[],
  ): Promise<Set<string>> {
    const moved = new Set<string>();
    let from = 0;
    for (const size of INSERT_CHUNKS) {
      for (; outcomes.length - from >= size; from += size) {
        const rows = await q.query<{ id: string }>(
          `UPDATE ips_payments SET status = v.column2, reason = v.column3, updated_at = v.column4
           FROM (VALUES ${rowPlaceholders(size, 4)}) AS v
           WHERE ips_payments.id = v.column1 AND ips_payments.status = 'reserved' RETURNING id`,
          outcomes.slice(from, from + size).flatMap((o) => [o.id, o.status, o.reason, o.at]),
        );
        for (const r of rows) moved.add(r.id);
      }
    }
    return moved;
  },

  async get(q: Queryable, id: string): Promise<IpsPayment | undefined> {
    const [r] = await q.query<Row>(`SELECT ${COLUMNS} FROM ips_payments WHERE id = $1`, [id]);
    return r ? toPayment(r) : undefined;
  },

  /** Reserved payments whose answer is overdue. */
  async overdue(q: Queryable, now: string, limit: number): Promise<IpsPayment[]> {
    const rows = await q.query<Row>(
      `SELECT ${COLUMNS} FROM ips_payments WHERE status = 'reserved' AND deadline <= $1 ORDER BY deadline LIMIT $2`,
      [now, limit],
    );
    return rows.map(toPayment);
  },

  /** Counts by status and rejection reason, and by minute, of the payments created since `since` (the monitor). */
  async outcomes(
    q: Queryable,
    since: string,
  ): Promise<{ minute: string; status: string; reason: string | null; n: bigint }[]> {
    return q.query(
      `SELECT SUBSTR(created_at, 1, 16) AS minute, status, reason, COUNT(*) AS n FROM ips_payments
       WHERE created_at >= $1 GROUP BY SUBSTR(created_at, 1, 16), status, reason ORDER BY minute`,
      [since],
    );
  },

  /** Receipt and decision times of the newest settled payments since `since`, at most `limit`. */
  async decisionTimes(
    q: Queryable,
    since: string,
    limit: number,
  ): Promise<{ created_at: string; updated_at: string }[]> {
    return q.query(
      `SELECT created_at, updated_at FROM ips_payments WHERE created_at >= $1 AND status = 'settled'
       ORDER BY created_at DESC LIMIT $2`,
      [since, limit],
    );
  },

  async list(q: Queryable, f: { bic?: string; after?: string; limit: number }): Promise<IpsPayment[]> {
    const params: (string | number)[] = [];
    const where: string[] = [];
    if (f.bic) {
      params.push(f.bic);
      where.push(`(payer_bic = $${params.length} OR payee_bic = $${params.length})`);
    }
    if (f.after) {
      params.push(f.after);
      where.push(`id > $${params.length}`);
    }
    params.push(f.limit);
    const rows = await q.query<Row>(
      `SELECT ${COLUMNS} FROM ips_payments ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY id LIMIT $${params.length}`,
      params,
    );
    return rows.map(toPayment);
  },
};
