import type { Queryable } from '../../platform/index.ts';
import type { DisputeReason, DisputeStatus } from './domain/dispute.ts';

export interface DisputeEvent {
  seq: number;
  at: string;
  /** The acting participant's id, or `deadline` for what the clock did. */
  actor: string;
  action: string;
  status: DisputeStatus;
  grounds: string | null;
}

export interface IpsDispute {
  /** `<claimant BIC>:<case id>`. */
  id: string;
  paymentId: string;
  claimantBic: string;
  respondentBic: string;
  reason: DisputeReason;
  /** tiyn claimed back. */
  amount: bigint;
  description: string;
  status: DisputeStatus;
  /** When the current step is due: the respondent's answer while open, the claimant's escalation once rejected. */
  deadline: string;
  /** The return (pacs.004) that gave the money back, when the outcome did. */
  returnId: string | null;
  createdAt: string;
  updatedAt: string;
  history: DisputeEvent[];
}

interface DisputeRow {
  id: string;
  payment_id: string;
  claimant_bic: string;
  respondent_bic: string;
  reason: string;
  amount: bigint;
  description: string;
  status: string;
  deadline: string;
  return_id: string | null;
  created_at: string;
  updated_at: string;
}

interface EventRow {
  seq: bigint;
  at: string;
  actor: string;
  action: string;
  status: string;
  grounds: string | null;
}

const toDispute = (r: DisputeRow, events: EventRow[]): IpsDispute => ({
  id: r.id,
  paymentId: r.payment_id,
  claimantBic: r.claimant_bic,
  respondentBic: r.respondent_bic,
  reason: r.reason as DisputeReason,
  amount: BigInt(r.amount),
  description: r.description,
  status: r.status as DisputeStatus,
  deadline: r.deadline,
  returnId: r.return_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  history: events.map((e) => ({
    seq: Number(e.seq),
    at: e.at,
    actor: e.actor,
    action: e.action,
    status: e.status as DisputeStatus,
    grounds: e.grounds,
  })),
});

/** The SQL of IPS disputes: the only code touching their tables. */
export const disputeStore = {
  async get(q: Queryable, id: string): Promise<IpsDispute | undefined> {
    const [r] = await q.query<DisputeRow>('SELECT * FROM ips_disputes WHERE id = $1', [id]);
    if (!r) return undefined;
    const events = await q.query<EventRow>(
      'SELECT seq, at, actor, action, status, grounds FROM ips_dispute_events WHERE dispute_id = $1 ORDER BY seq',
      [id],
    );
    return toDispute(r, events);
  },

  /** Inserts a new case with its first event; false when the id exists. */
  async insert(q: Queryable, d: IpsDispute, actor: string): Promise<boolean> {
    const n = await q.exec(
      `INSERT INTO ips_disputes (id, payment_id, claimant_bic, respondent_bic, reason, amount, description, status,
         deadline, return_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10, $10) ON CONFLICT (id) DO NOTHING`,
      [
        d.id,
        d.paymentId,
        d.claimantBic,
        d.respondentBic,
        d.reason,
        d.amount,
        d.description,
        d.status,
        d.deadline,
        d.createdAt,
      ],
    );
    if (n !== 1) return false;
    await q.exec(
      `INSERT INTO ips_dispute_events (dispute_id, seq, at, actor, action, status, grounds)
       VALUES ($1, 1, $2, $3, 'open', $4, $5)`,
      [d.id, d.createdAt, actor, d.status, d.description],
    );
    return true;
  },

  /** Moves a case on if it is still in `from` (a racing step loses); records the event. */
  async transition(
    q: Queryable,
    d: IpsDispute,
    from: DisputeStatus,
    step: {
      to: DisputeStatus;
      deadline: string;
      returnId: string | null;
      at: string;
      actor: string;
      action: string;
      grounds: string | null;
    },
  ): Promise<boolean> {
    const n = await q.exec(
      `UPDATE ips_disputes SET status = $1, deadline = $2, return_id = COALESCE($3, return_id), updated_at = $4
       WHERE id = $5 AND status = $6`,
      [step.to, step.deadline, step.returnId, step.at, d.id, from],
    );
    if (n !== 1) return false;
    const [last] = await q.query<{ seq: bigint }>(
      'SELECT MAX(seq) AS seq FROM ips_dispute_events WHERE dispute_id = $1',
      [d.id],
    );
    await q.exec(
      `INSERT INTO ips_dispute_events (dispute_id, seq, at, actor, action, status, grounds)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [d.id, Number(last?.seq ?? 0n) + 1, step.at, step.actor, step.action, step.to, step.grounds],
    );
    return true;
  },

  /** Open and rejected cases whose deadline has passed. */
  overdue(q: Queryable, now: string, limit: number): Promise<{ id: string }[]> {
    return q.query<{ id: string }>(
      `SELECT id FROM ips_disputes WHERE status IN ('open', 'rejected') AND deadline <= $1 ORDER BY deadline LIMIT $2`,
      [now, limit],
    );
  },

  /** A page of cases in id order (claimant BIC, then case id), filtered by party and status; without history. */
  async list(
    q: Queryable,
    f: { bic?: string; status?: DisputeStatus; after?: string; limit: number },
  ): Promise<IpsDispute[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (f.bic) {
      args.push(f.bic);
      where.push(`(claimant_bic = $${args.length} OR respondent_bic = $${args.length})`);
    }
    if (f.status) {
      args.push(f.status);
      where.push(`status = $${args.length}`);
    }
    if (f.after) {
      args.push(f.after);
      where.push(`id > $${args.length}`);
    }
    args.push(f.limit);
    const rows = await q.query<DisputeRow>(
      `SELECT * FROM ips_disputes ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT $${args.length}`,
      args,
    );
    return rows.map((r) => toDispute(r, []));
  },
};
