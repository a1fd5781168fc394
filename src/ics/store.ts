import { decodeJson, encodeJson, type Queryable, rowPlaceholders, type SqlValue } from '../platform/index.ts';
import type { BilateralFlow } from './domain/flows.ts';
import type { CycleReportRow } from './domain/report.ts';
import type { CycleRef } from './domain/schedule.ts';

export type CycleStatus = 'open' | 'closing' | 'settling' | 'closed';

/** A payment as the sender gave it, checked: `reason` set means it was refused at intake (stored all the same). */
export interface IntakeRow {
  txId: string;
  endToEndId: string;
  receiverBic: string;
  amount: bigint;
  reason: string | null;
}

/**
 * One message for the group-committed writer. The writer fills in the results: the cycle the
 * payments really went to (the intended one may have closed while the message waited), whether the
 * message id was a repeat (nothing of it is written then) and which transaction ids were repeats.
 */
export interface MessageWrite {
  senderBic: string;
  msgId: string;
  msgType: string;
  at: string;
  cycle: CycleRef;
  rows: IntakeRow[];
  cycleId: string;
  duplicate: boolean;
  dupTxIds: Set<string> | null;
}

/** What the single writer of this process hands out: seq values in commit order, and the cycle after a cycle. */
export interface WriterContext {
  counters: { payment: bigint; message: bigint };
  nextCycle(c: CycleRef): CycleRef;
}

export interface ReportRow extends CycleReportRow {
  participantId: string | null;
}

/** Persisted when settlement is requested, so a close interrupted by a crash finishes exactly as decided. */
export interface CycleOutcome {
  settlementId: string | null;
  rounds: number;
  legs: { bic: string; amount: bigint }[];
  report: ReportRow[];
  /** Participants IMTS found uncovered, whose payments were removed on top of the netting rule. */
  forced: string[];
  /** Participants no longer active: their payments of the cycle were rejected (AC06) before netting. */
  inactive: string[];
  settledCount: number;
  settledAmount: bigint;
  rejectedCount: number;
  rejectedAmount: bigint;
}

export interface CycleRow {
  id: string;
  businessDate: string;
  number: number;
  opensAt: string;
  closesAt: string;
  status: CycleStatus;
  firstSeq: bigint | null;
  lastSeq: bigint | null;
  acceptedCount: bigint;
  acceptedAmount: bigint;
  /** Settlement attempts asked of IMTS so far, over every run of the close: each has its own id. */
  attempts: number;
  settlementId: string | null;
  outcome: CycleOutcome | null;
  closedAt: string | null;
  closedBy: string | null;
}

export interface PaymentRow {
  seq: bigint;
  cycleId: string;
  senderBic: string;
  txId: string;
  endToEndId: string;
  receiverBic: string;
  amount: bigint;
  reason: string | null;
  msgId: string;
  createdAt: string;
  cycleStatus: CycleStatus;
  /** The sender's settlement status in the closed cycle's report. */
  outcome: 'settled' | 'rejected' | null;
}

interface RawCycle {
  id: string;
  business_date: string;
  number: bigint;
  opens_at: string;
  closes_at: string;
  status: CycleStatus;
  first_seq: bigint | null;
  last_seq: bigint | null;
  accepted_count: bigint;
  accepted_amount: bigint;
  attempts: bigint;
  settlement_id: string | null;
  outcome: string | null;
  closed_at: string | null;
  closed_by: string | null;
}

const toCycle = (r: RawCycle): CycleRow => ({
  id: r.id,
  businessDate: r.business_date,
  number: Number(r.number),
  opensAt: r.opens_at,
  closesAt: r.closes_at,
  status: r.status,
  firstSeq: r.first_seq,
  lastSeq: r.last_seq,
  acceptedCount: r.accepted_count,
  acceptedAmount: r.accepted_amount,
  attempts: Number(r.attempts),
  settlementId: r.settlement_id,
  outcome: r.outcome === null ? null : (decodeJson(r.outcome) as CycleOutcome),
  closedAt: r.closed_at,
  closedBy: r.closed_by,
});

interface RawPayment {
  seq: bigint;
  cycle_id: string;
  sender_bic: string;
  tx_id: string;
  end_to_end_id: string;
  receiver_bic: string;
  amount: bigint;
  reason: string | null;
  msg_id: string;
  created_at: string;
  cycle_status: CycleStatus;
  outcome: 'settled' | 'rejected' | null;
}

const toPayment = (r: RawPayment): PaymentRow => ({
  seq: r.seq,
  cycleId: r.cycle_id,
  senderBic: r.sender_bic,
  txId: r.tx_id,
  endToEndId: r.end_to_end_id,
  receiverBic: r.receiver_bic,
  amount: r.amount,
  reason: r.reason,
  msgId: r.msg_id,
  createdAt: r.created_at,
  cycleStatus: r.cycle_status,
  outcome: r.outcome,
});

interface RawReport {
  cycle_id: string;
  participant_bic: string;
  participant_id: string | null;
  sent_count: bigint;
  sent_amount: bigint;
  received_count: bigint;
  received_amount: bigint;
  net: bigint;
  rejected_count: bigint;
  rejected_amount: bigint;
  status: 'settled' | 'rejected';
  reason: 'AM04' | null;
}

const toReport = (r: RawReport): ReportRow & { cycleId: string } => ({
  cycleId: r.cycle_id,
  participant: r.participant_bic,
  participantId: r.participant_id,
  sentCount: Number(r.sent_count),
  sentAmount: r.sent_amount,
  receivedCount: Number(r.received_count),
  receivedAmount: r.received_amount,
  net: r.net,
  rejectedCount: Number(r.rejected_count),
  rejectedAmount: r.rejected_amount,
  status: r.status,
  reason: r.reason,
});

const PAYMENT_COLUMNS = 'seq, cycle_id, msg_seq, sender_bic, tx_id, end_to_end_id, receiver_bic, amount, reason';
const COLS = 9;

/**
 * Multi-row INSERTs, largest chunk first. PostgreSQL pays a round trip per statement, so it gets bigger
 * statements (1,000 rows × 9 = 9,000 parameters, under its 65,535).
 */
const CHUNKS = { sqlite: [128, 16, 1], postgres: [1000, 100, 10, 1] } as const;

const insertSql = (rows: number): string =>
  `INSERT INTO ics_payments (${PAYMENT_COLUMNS}) VALUES ${rowPlaceholders(rows, COLS)} ON CONFLICT (sender_bic, tx_id) DO NOTHING`;

const marks = (from: number, n: number): string => Array.from({ length: n }, (_, i) => `$${from + i}`).join(', ');

/** The derived status of a stored payment, as SQL (for filtering) — the same rule as `paymentStatus`. */
const STATUS_SQL = `CASE WHEN p.reason IS NOT NULL THEN 'rejected' WHEN c.status <> 'closed' THEN 'accepted'
  WHEN r.status = 'rejected' THEN 'rejected' ELSE 'settled' END`;

export const icsStore = {
  async cycle(q: Queryable, id: string, lock = false): Promise<CycleRow | undefined> {
    const forUpdate = lock && q.engine === 'postgres' ? ' FOR UPDATE' : '';
    const [r] = await q.query<RawCycle>(`SELECT * FROM ics_cycles WHERE id = $1${forUpdate}`, [id]);
    return r && toCycle(r);
  },

  /** Creates the cycle's row (status open) unless it exists. */
  async ensureCycle(q: Queryable, c: CycleRef, at: string): Promise<void> {
    await q.exec(
      `INSERT INTO ics_cycles (id, business_date, number, opens_at, closes_at, status, accepted_count, accepted_amount,
         attempts, created_at)
       VALUES ($1, $2, $3, $4, $5, 'open', 0, 0, 0, $6) ON CONFLICT (id) DO NOTHING`,
      [c.id, c.businessDate, BigInt(c.number), c.opensAt.toISOString(), c.closesAt.toISOString(), at],
    );
  },

  /**
   * The group-commit writer: every message of the batch in one transaction. A message goes to its
   * intended cycle unless that cycle has begun closing — then to the next open one. On PostgreSQL the
   * cycle row is locked (FOR UPDATE) until commit, so a close (which flips the status first) waits for
   * every transaction that already wrote into the cycle, and no later one writes into it.
   */
  async writeMessages(tx: Queryable, items: MessageWrite[], ctx: WriterContext): Promise<void> {
    const open = new Map<string, boolean>();
    const touched = new Map<string, { first: bigint; last: bigint; count: bigint; amount: bigint }>();
    const isOpen = async (c: CycleRef): Promise<boolean> => {
      let o = open.get(c.id);
      if (o === undefined) {
        await icsStore.ensureCycle(tx, c, items[0]!.at);
        o = (await icsStore.cycle(tx, c.id, true))?.status === 'open';
        open.set(c.id, o);
      }
      return o;
    };
    const chunks = CHUNKS[tx.engine];
    for (const m of items) {
      let cycle = m.cycle;
      while (!(await isOpen(cycle))) cycle = ctx.nextCycle(cycle);
      m.cycleId = cycle.id;
      const msgSeq = ++ctx.counters.message;
      const fresh = await tx.exec(
        `INSERT INTO ics_messages (seq, sender_bic, msg_id, msg_type, cycle_id, tx_count, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sender_bic, msg_id) DO NOTHING`,
        [msgSeq, m.senderBic, m.msgId, m.msgType, cycle.id, BigInt(m.rows.length), m.at],
      );
      if (fresh === 0) {
        m.duplicate = true;
        continue;
      }
      const firstSeq = ctx.counters.payment + 1n;
      let k = 0;
      for (const size of chunks) {
        const sql = insertSql(size);
        while (m.rows.length - k >= size) {
          const params: SqlValue[] = new Array(size * COLS);
          let j = 0;
          for (let r = k; r < k + size; r++) {
            const p = m.rows[r]!;
            params[j++] = ++ctx.counters.payment;
            params[j++] = cycle.id;
            params[j++] = msgSeq;
            params[j++] = m.senderBic;
            params[j++] = p.txId;
            params[j++] = p.endToEndId;
            params[j++] = p.receiverBic;
            params[j++] = p.amount;
            params[j++] = p.reason;
          }
          const inserted = await tx.exec(sql, params);
          if (inserted < size) {
            // a repeat of a transaction id this sender used before: which ones (rare, so a query)
            const ids = m.rows.slice(k, k + size).map((p) => p.txId);
            const dups = await tx.query<{ tx_id: string }>(
              `SELECT tx_id FROM ics_payments WHERE sender_bic = $1 AND msg_seq <> $2 AND tx_id IN (${marks(3, ids.length)})`,
              [m.senderBic, msgSeq, ...ids],
            );
            m.dupTxIds ??= new Set();
            for (const d of dups) m.dupTxIds.add(d.tx_id);
          }
          k += size;
        }
      }
      let count = 0n;
      let amount = 0n;
      for (const p of m.rows) {
        if (p.reason !== null || m.dupTxIds?.has(p.txId)) continue;
        count++;
        amount += p.amount;
      }
      const t = touched.get(cycle.id);
      const last = ctx.counters.payment;
      if (!t) touched.set(cycle.id, { first: firstSeq, last, count, amount });
      else {
        t.last = last;
        t.count += count;
        t.amount += amount;
      }
    }
    for (const [id, t] of touched) {
      if (t.last < t.first) continue;
      await tx.exec(
        `UPDATE ics_cycles SET
           first_seq = CASE WHEN first_seq IS NULL OR first_seq > $2 THEN $2 ELSE first_seq END,
           last_seq = CASE WHEN last_seq IS NULL OR last_seq < $3 THEN $3 ELSE last_seq END,
           accepted_count = accepted_count + $4, accepted_amount = accepted_amount + $5
         WHERE id = $1`,
        [id, t.first, t.last, t.count, t.amount],
      );
    }
  },

  async maxSeqs(q: Queryable): Promise<{ payment: bigint; message: bigint }> {
    const [p] = await q.query<{ m: bigint | null }>('SELECT MAX(seq) AS m FROM ics_payments');
    const [m] = await q.query<{ m: bigint | null }>('SELECT MAX(seq) AS m FROM ics_messages');
    return { payment: p?.m ?? 0n, message: m?.m ?? 0n };
  },

  /**
   * A cycle's payments summed per (sender, receiver): all a close needs to read. Accepted ones, and
   * (`rejected`) those an earlier attempt of the close rejected with `closeReason`.
   */
  async flows(q: Queryable, c: CycleRow, closeReason: string): Promise<(BilateralFlow & { rejected: boolean })[]> {
    if (c.firstSeq === null || c.lastSeq === null) return [];
    const rows = await q.query<{ debtor: string; creditor: string; rej: bigint; n: bigint; total: bigint }>(
      `SELECT sender_bic AS debtor, receiver_bic AS creditor, CASE WHEN reason IS NULL THEN 0 ELSE 1 END AS rej,
         COUNT(*) AS n, SUM(amount) AS total
       FROM ics_payments WHERE seq BETWEEN $1 AND $2 AND cycle_id = $3 AND (reason IS NULL OR reason = $4)
       GROUP BY sender_bic, receiver_bic, CASE WHEN reason IS NULL THEN 0 ELSE 1 END`,
      [c.firstSeq, c.lastSeq, c.id, closeReason],
    );
    return rows.map((r) => ({
      debtor: r.debtor,
      creditor: r.creditor,
      count: Number(r.n),
      amount: BigInt(r.total),
      rejected: Number(r.rej) === 1,
    }));
  },

  /** Rejects every still-accepted payment of the cycle to or from these participants. */
  async rejectInvolving(q: Queryable, c: CycleRow, bics: string[], reason: string): Promise<number> {
    if (bics.length === 0 || c.firstSeq === null || c.lastSeq === null) return 0;
    const list = marks(5, bics.length);
    return q.exec(
      `UPDATE ics_payments SET reason = $4 WHERE seq BETWEEN $1 AND $2 AND cycle_id = $3 AND reason IS NULL
         AND (sender_bic IN (${list}) OR receiver_bic IN (${list}))`,
      [c.firstSeq, c.lastSeq, c.id, reason, ...bics],
    );
  },

  /** open → closing; returns the status before. A closing or settling cycle stays as it is. */
  async beginClose(q: Queryable, id: string): Promise<void> {
    await q.exec(`UPDATE ics_cycles SET status = 'closing' WHERE id = $1 AND status = 'open'`, [id]);
  },

  /** Settlement is about to be requested: what was decided, so a crash cannot lose or change it. */
  async markSettling(q: Queryable, id: string, outcome: CycleOutcome, attempt: number): Promise<void> {
    await q.exec(
      `UPDATE ics_cycles SET status = 'settling', settlement_id = $2, outcome = $3, attempts = $4 WHERE id = $1`,
      [id, outcome.settlementId, encodeJson(outcome), BigInt(attempt)],
    );
  },

  /** IMTS did not settle that attempt: the close starts over from the netting. */
  async backToClosing(q: Queryable, id: string): Promise<void> {
    await q.exec(`UPDATE ics_cycles SET status = 'closing', settlement_id = NULL, outcome = NULL WHERE id = $1`, [id]);
  },

  async markClosed(q: Queryable, id: string, outcome: CycleOutcome, at: string, by: string): Promise<void> {
    await q.exec(
      `UPDATE ics_cycles SET status = 'closed', outcome = $2, settlement_id = $3, closed_at = $4, closed_by = $5
       WHERE id = $1`,
      [id, encodeJson(outcome), outcome.settlementId, at, by],
    );
    for (const r of outcome.report) {
      await q.exec(
        `INSERT INTO ics_reports (cycle_id, participant_bic, participant_id, sent_count, sent_amount, received_count,
           received_amount, net, rejected_count, rejected_amount, status, reason, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          id,
          r.participant,
          r.participantId,
          BigInt(r.sentCount),
          r.sentAmount,
          BigInt(r.receivedCount),
          r.receivedAmount,
          r.net,
          BigInt(r.rejectedCount),
          r.rejectedAmount,
          r.status,
          r.reason,
          at,
        ],
      );
    }
  },

  /** Cycles a close must still finish: due by the clock, or begun and interrupted. */
  async unfinished(q: Queryable, now: string): Promise<CycleRow[]> {
    const rows = await q.query<RawCycle>(
      `SELECT * FROM ics_cycles WHERE status <> 'closed' AND (closes_at <= $1 OR status <> 'open') ORDER BY closes_at`,
      [now],
    );
    return rows.map(toCycle);
  },

  /** Cycles not yet due that have begun closing (closed early by the operator). */
  async closedEarly(q: Queryable, now: string): Promise<string[]> {
    const rows = await q.query<{ id: string }>(`SELECT id FROM ics_cycles WHERE status <> 'open' AND closes_at > $1`, [
      now,
    ]);
    return rows.map((r) => r.id);
  },

  async cycles(
    q: Queryable,
    f: { status?: CycleStatus | undefined; before?: string | undefined; limit: number },
  ): Promise<CycleRow[]> {
    const rows = await q.query<RawCycle>(
      `SELECT * FROM ics_cycles WHERE ($1 = '' OR status = $1) AND ($2 = '' OR closes_at < $2)
       ORDER BY closes_at DESC LIMIT $3`,
      [f.status ?? '', f.before ?? '', BigInt(f.limit)],
    );
    return rows.map(toCycle);
  },

  /**
   * Payments of one cycle in seq order, from the cycle's seq range: a participant's (sent or received)
   * or all. The range scan reads about (share of the cycle)⁻¹ rows per row returned.
   */
  async payments(
    q: Queryable,
    c: CycleRow,
    f: { bic?: string | undefined; status?: string | undefined; after?: bigint | undefined; limit: number },
  ): Promise<PaymentRow[]> {
    if (c.firstSeq === null || c.lastSeq === null) return [];
    const from = f.after !== undefined && f.after >= c.firstSeq ? f.after + 1n : c.firstSeq;
    const rows = await q.query<RawPayment>(
      `SELECT p.seq, p.cycle_id, p.sender_bic, p.tx_id, p.end_to_end_id, p.receiver_bic, p.amount, p.reason,
         m.msg_id, m.created_at, c.status AS cycle_status, r.status AS outcome
       FROM ics_payments p
       JOIN ics_messages m ON m.seq = p.msg_seq
       JOIN ics_cycles c ON c.id = p.cycle_id
       LEFT JOIN ics_reports r ON r.cycle_id = p.cycle_id AND r.participant_bic = p.sender_bic
       WHERE p.seq BETWEEN $1 AND $2 AND p.cycle_id = $3
         AND ($4 = '' OR p.sender_bic = $4 OR p.receiver_bic = $4)
         AND ($5 = '' OR ${STATUS_SQL} = $5)
       ORDER BY p.seq LIMIT $6`,
      [from, c.lastSeq, c.id, f.bic ?? '', f.status ?? '', BigInt(f.limit)],
    );
    return rows.map(toPayment);
  },

  async payment(q: Queryable, senderBic: string, txId: string): Promise<PaymentRow | undefined> {
    const [r] = await q.query<RawPayment>(
      `SELECT p.seq, p.cycle_id, p.sender_bic, p.tx_id, p.end_to_end_id, p.receiver_bic, p.amount, p.reason,
         m.msg_id, m.created_at, c.status AS cycle_status, r.status AS outcome
       FROM ics_payments p
       JOIN ics_messages m ON m.seq = p.msg_seq
       JOIN ics_cycles c ON c.id = p.cycle_id
       LEFT JOIN ics_reports r ON r.cycle_id = p.cycle_id AND r.participant_bic = p.sender_bic
       WHERE p.sender_bic = $1 AND p.tx_id = $2`,
      [senderBic, txId],
    );
    return r && toPayment(r);
  },

  async reports(q: Queryable, f: { cycleId: string; bic?: string | undefined }): Promise<ReportRow[]> {
    const rows = await q.query<RawReport>(
      `SELECT * FROM ics_reports WHERE cycle_id = $1 AND ($2 = '' OR participant_bic = $2) ORDER BY participant_bic`,
      [f.cycleId, f.bic ?? ''],
    );
    return rows.map(toReport);
  },
};
