import type { Queryable } from '../platform/index.ts';
import type { Payment, PaymentStatus } from './domain/payment.ts';
import type { Priority } from './domain/queue.ts';

interface Row {
  id: string;
  msg_type: string;
  msg_id: string;
  tx_id: string;
  end_to_end_id: string;
  sender_bic: string;
  receiver_bic: string;
  amount: bigint;
  currency: string;
  priority: string;
  status: string;
  reason: string | null;
  seq: bigint;
  document: string;
  created_at: string;
  updated_at: string;
  return_of?: string | null;
  return_reason?: string | null;
}

const toPayment = (r: Row): Payment => ({
  id: r.id,
  msgType: r.msg_type as Payment['msgType'],
  msgId: r.msg_id,
  txId: r.tx_id,
  endToEndId: r.end_to_end_id,
  senderBic: r.sender_bic,
  receiverBic: r.receiver_bic,
  amount: r.amount,
  currency: r.currency,
  priority: r.priority as Priority,
  status: r.status as PaymentStatus,
  reason: r.reason,
  seq: r.seq,
  document: JSON.parse(r.document),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  ...(r.return_of ? { returnOf: r.return_of } : {}),
  ...(r.return_reason ? { returnReason: r.return_reason } : {}),
});

/** A status change to persist: the row is written in full the first time, updated after. */
export type PaymentWrite =
  | { kind: 'message'; senderBic: string; msgId: string; at: string }
  | { kind: 'insert'; payment: Payment }
  /** Written by the service next to the rows: camt.054 notices of a settlement. */
  | { kind: 'settled-notice'; payment: Payment; at: string }
  | { kind: 'status'; id: string; status: PaymentStatus; reason: string | null; priority: Priority; at: string };

export const imtsStore = {
  async write(tx: Queryable, items: PaymentWrite[]): Promise<void> {
    for (const w of items) {
      if (w.kind === 'message') {
        await tx.exec('INSERT INTO imts_messages (sender_bic, msg_id, created_at) VALUES ($1, $2, $3)', [
          w.senderBic,
          w.msgId,
          w.at,
        ]);
      } else if (w.kind === 'insert') {
        const p = w.payment;
        await tx.exec(
          `INSERT INTO imts_payments (id, msg_type, msg_id, tx_id, end_to_end_id, sender_bic, receiver_bic, amount, currency,
             priority, status, reason, seq, document, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)`,
          [
            p.id,
            p.msgType,
            p.msgId,
            p.txId,
            p.endToEndId,
            p.senderBic,
            p.receiverBic,
            p.amount,
            p.currency,
            p.priority,
            p.status,
            p.reason,
            p.seq,
            JSON.stringify(p.document, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)),
            p.createdAt,
          ],
        );
        // a return names what it returns, in the same commit as its row (ordinary payments skip this)
        if (p.returnOf !== undefined) {
          await tx.exec('UPDATE imts_payments SET return_of = $1, return_reason = $2 WHERE id = $3', [
            p.returnOf,
            p.returnReason ?? null,
            p.id,
          ]);
        }
      } else if (w.kind === 'status') {
        await tx.exec(
          'UPDATE imts_payments SET status = $1, reason = $2, priority = $3, updated_at = $4 WHERE id = $5',
          [w.status, w.reason, w.priority, w.at, w.id],
        );
      }
    }
  },
  async messageExists(q: Queryable, senderBic: string, msgId: string): Promise<boolean> {
    return (
      (await q.query('SELECT 1 AS x FROM imts_messages WHERE sender_bic = $1 AND msg_id = $2', [senderBic, msgId]))
        .length > 0
    );
  },
  async get(q: Queryable, id: string): Promise<Payment | undefined> {
    const [r] = await q.query<Row>('SELECT * FROM imts_payments WHERE id = $1', [id]);
    return r && toPayment(r);
  },
  async exists(q: Queryable, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const marks = ids.map((_, i) => `$${i + 1}`).join(', ');
    const rows = await q.query<{ id: string }>(`SELECT id FROM imts_payments WHERE id IN (${marks})`, ids);
    return new Set(rows.map((r) => r.id));
  },
  /** The returns (pacs.004) of one payment, oldest first. */
  async returnsOf(q: Queryable, originalId: string): Promise<Payment[]> {
    return (await q.query<Row>('SELECT * FROM imts_payments WHERE return_of = $1 ORDER BY seq', [originalId])).map(
      toPayment,
    );
  },
  /**
   * A sender's payments by the references a cancellation request may give instead of the transaction id:
   * the original message id and/or end-to-end id (at least one), oldest first.
   */
  async bySenderReference(
    q: Queryable,
    senderBic: string,
    ref: { msgId?: string | undefined; endToEndId?: string | undefined },
    limit: number,
  ): Promise<Payment[]> {
    const rows = await q.query<Row>(
      `SELECT * FROM imts_payments
       WHERE sender_bic = $1 AND ($2 = '' OR msg_id = $2) AND ($3 = '' OR end_to_end_id = $3)
       ORDER BY seq LIMIT $4`,
      [senderBic, ref.msgId ?? '', ref.endToEndId ?? '', BigInt(limit)],
    );
    return rows.map(toPayment);
  },
  async queued(q: Queryable): Promise<Payment[]> {
    return (await q.query<Row>(`SELECT * FROM imts_payments WHERE status = 'queued' ORDER BY seq`)).map(toPayment);
  },
  async maxSeq(q: Queryable): Promise<bigint> {
    const [r] = await q.query<{ m: bigint | null }>('SELECT MAX(seq) AS m FROM imts_payments');
    return r?.m ?? 0n;
  },
  async list(
    q: Queryable,
    f: { bic?: string | undefined; status?: string | undefined; after?: bigint | undefined; limit: number },
  ): Promise<Payment[]> {
    const rows = await q.query<Row>(
      `SELECT * FROM imts_payments
       WHERE ($1 = '' OR sender_bic = $1 OR receiver_bic = $1) AND ($2 = '' OR status = $2) AND seq > $3
       ORDER BY seq LIMIT $4`,
      [f.bic ?? '', f.status ?? '', f.after ?? 0n, BigInt(f.limit)],
    );
    return rows.map(toPayment);
  },
};
