import type { Ledger } from '../ledger/index.ts';
import {
  type Clock,
  type Db,
  DomainError,
  enqueueWebhook,
  type IdGenerator,
  notFound,
  type Queryable,
} from '../platform/index.ts';
import { type IpsPayment, positionAccountId } from './domain/payment.ts';
import type { IpsParticipant } from './service.ts';
import { ipsStore } from './store.ts';

export interface IpsReturn {
  /** `<returner BIC>:<RtrId>`. */
  id: string;
  originalId: string;
  returnerBic: string;
  payerBic: string;
  amount: bigint;
  reason: string;
  recallId: string | null;
  createdAt: string;
}

export type RecallStatus = 'open' | 'returned' | 'rejected' | 'expired';

/** A recall case (camt.056 → camt.029 in ISO terms): the payer's bank asks for a settled payment back. */
export interface IpsRecall {
  /** `<requester BIC>:<case id>`. */
  id: string;
  originalId: string;
  requesterBic: string;
  payeeBic: string;
  reason: string;
  status: RecallStatus;
  answerReason: string | null;
  returnId: string | null;
  deadline: string;
  createdAt: string;
  updatedAt: string;
}

interface RecallRow {
  id: string;
  original_id: string;
  requester_bic: string;
  payee_bic: string;
  reason: string;
  status: string;
  answer_reason: string | null;
  return_id: string | null;
  deadline: string;
  created_at: string;
  updated_at: string;
}

const toRecall = (r: RecallRow): IpsRecall => ({
  id: r.id,
  originalId: r.original_id,
  requesterBic: r.requester_bic,
  payeeBic: r.payee_bic,
  reason: r.reason,
  status: r.status as RecallStatus,
  answerReason: r.answer_reason,
  returnId: r.return_id,
  deadline: r.deadline,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const getRecall = async (q: Queryable, id: string): Promise<IpsRecall | undefined> => {
  const [r] = await q.query<RecallRow>('SELECT * FROM ips_recalls WHERE id = $1', [id]);
  return r ? toRecall(r) : undefined;
};

/** Recalls are answered within this time (ms) unless configured: 10 days. */
export const DEFAULT_RECALL_DEADLINE_MS = 10 * 24 * 3600_000;

/**
 * Returns and recalls of settled instant payments (IPS-8). A return sends money back from the payee bank's
 * position to the payer bank's, fully or in parts, never more than the payment (the sum of its returns is
 * checked in the commit, and returns of one payment are decided one at a time). A recall is a case the
 * payer's bank opens; the payee's bank answers it by returning (the case closes as returned) or by
 * rejecting it with a reason before its deadline; silence expires it. Each step is pushed to the other
 * bank by webhook in the commit that records it.
 */
export class IpsReturns {
  private readonly db: Db;
  private readonly ledger: Ledger;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly lookup: (bic: string) => Promise<IpsParticipant | undefined>;
  private readonly deadlineMs: number;
  /** Originals being returned in this process: their returns are decided one at a time. */
  private readonly busy = new Map<string, Promise<unknown>>();

  constructor(deps: {
    db: Db;
    ledger: Ledger;
    clock: Clock;
    ids: IdGenerator;
    lookup: (bic: string) => Promise<IpsParticipant | undefined>;
    recallDeadlineMs?: number;
  }) {
    this.db = deps.db;
    this.ledger = deps.ledger;
    this.clock = deps.clock;
    this.ids = deps.ids;
    this.lookup = deps.lookup;
    this.deadlineMs = deps.recallDeadlineMs ?? DEFAULT_RECALL_DEADLINE_MS;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  private async original(id: string, payeeBic: string): Promise<IpsPayment> {
    const p = await ipsStore.get(this.db, id);
    // another bank's payment reads exactly like an unknown one
    if (!p || p.payeeBic !== payeeBic) throw notFound('payment');
    if (p.status !== 'settled') {
      throw new DomainError('state', `the payment is ${p.status}: only settled payments are returned`, {
        reason: 'NARR',
      });
    }
    return p;
  }

  /** Whether a return (`<returner BIC>:<RtrId>`) was made. */
  async exists(id: string): Promise<boolean> {
    const [r] = await this.db.query<{ id: string }>('SELECT id FROM ips_returns WHERE id = $1', [id]);
    return r !== undefined;
  }

  /** What has been returned of a payment so far. */
  async returned(originalId: string, q: Queryable = this.db): Promise<bigint> {
    const [r] = await q.query<{ s: bigint | null }>('SELECT SUM(amount) AS s FROM ips_returns WHERE original_id = $1', [
      originalId,
    ]);
    return BigInt(r?.s ?? 0n);
  }

  /** The payee bank returns (part of) a settled payment; `amount` defaults to what is left. */
  async returnPayment(
    returnerBic: string,
    originalId: string,
    r: { rtrId: string; amount?: bigint; reason: string; recallId?: string },
  ): Promise<IpsReturn> {
    const prev = this.busy.get(originalId) ?? Promise.resolve();
    const run = prev.catch(() => {}).then(() => this.returnOnce(returnerBic, originalId, r));
    this.busy.set(originalId, run);
    try {
      return await run;
    } finally {
      if (this.busy.get(originalId) === run) this.busy.delete(originalId);
    }
  }

  private async returnOnce(
    returnerBic: string,
    originalId: string,
    r: { rtrId: string; amount?: bigint; reason: string; recallId?: string },
  ): Promise<IpsReturn> {
    const p = await this.original(originalId, returnerBic);
    const id = `${returnerBic}:${r.rtrId}`;
    if (await this.exists(id))
      throw new DomainError('conflict', `return ${r.rtrId} was already made`, { reason: 'DUPL' });
    const left = p.amount - (await this.returned(originalId));
    const amount = r.amount ?? left;
    if (amount <= 0n) {
      throw new DomainError('validation', 'nothing is left to return', {
        reason: 'AM02',
        issues: [{ field: '/amount', message: `at most ${left}` }],
      });
    }
    if (amount > left) {
      throw new DomainError('validation', `more than what is left to return (${left})`, {
        reason: 'AM02',
        issues: [{ field: '/amount', message: `at most ${left}` }],
      });
    }
    const [t] = await this.ledger.submit([
      {
        id: `ips:return:${id}`,
        debitAccountId: positionAccountId(returnerBic),
        creditAccountId: positionAccountId(p.payerBic),
        amount,
        currency: 'KZT',
        code: 'ips.return',
        reference: p.endToEndId,
      },
    ]);
    if (!t?.ok) {
      throw new DomainError('insufficient-funds', 'the position does not cover the return', { reason: 'AM04' });
    }
    const at = this.now();
    const ret: IpsReturn = {
      id,
      originalId,
      returnerBic,
      payerBic: p.payerBic,
      amount,
      reason: r.reason,
      recallId: r.recallId ?? null,
      createdAt: at,
    };
    const payer = await this.lookup(p.payerBic);
    await this.db.transaction(async (tx) => {
      await tx.exec(
        `INSERT INTO ips_returns (id, original_id, returner_bic, payer_bic, amount, reason, recall_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [id, originalId, returnerBic, p.payerBic, amount, r.reason, ret.recallId, at],
      );
      if (r.recallId) {
        await tx.exec(
          `UPDATE ips_recalls SET status = 'returned', return_id = $1, updated_at = $2 WHERE id = $3 AND status = 'open'`,
          [id, at, r.recallId],
        );
      }
      if (payer) {
        await enqueueWebhook(
          tx,
          { participantId: payer.id, eventType: 'ips.return', payload: ret, idempotencyKey: `return:${id}` },
          this.ids,
          this.clock,
        );
      }
    });
    return ret;
  }

  /** The payer's bank opens a recall of its settled payment, delivered to the payee's bank. */
  async recall(requesterBic: string, originalId: string, c: { caseId: string; reason: string }): Promise<IpsRecall> {
    const p = await ipsStore.get(this.db, originalId);
    if (!p || p.payerBic !== requesterBic) throw notFound('payment');
    if (p.status !== 'settled') throw new DomainError('state', `the payment is ${p.status}`, { reason: 'NARR' });
    const at = this.now();
    const rec: IpsRecall = {
      id: `${requesterBic}:${c.caseId}`,
      originalId,
      requesterBic,
      payeeBic: p.payeeBic,
      reason: c.reason,
      status: 'open',
      answerReason: null,
      returnId: null,
      deadline: new Date(this.clock.nowMs() + this.deadlineMs).toISOString(),
      createdAt: at,
      updatedAt: at,
    };
    const payee = await this.lookup(p.payeeBic);
    const inserted = await this.db.transaction(async (tx) => {
      const n = await tx.exec(
        `INSERT INTO ips_recalls (id, original_id, requester_bic, payee_bic, reason, status, deadline, created_at,
           updated_at) VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $7) ON CONFLICT (id) DO NOTHING`,
        [rec.id, originalId, requesterBic, p.payeeBic, c.reason, rec.deadline, at],
      );
      if (n !== 1) return false;
      if (payee) {
        await enqueueWebhook(
          tx,
          { participantId: payee.id, eventType: 'ips.recall', payload: rec, idempotencyKey: `recall:${rec.id}` },
          this.ids,
          this.clock,
        );
      }
      return true;
    });
    if (!inserted) throw new DomainError('conflict', `case ${c.caseId} already exists`, { reason: 'DUPL' });
    return rec;
  }

  /** The payee's bank answers a recall: by returning the payment (all of what is left), or rejecting it. */
  async answerRecall(
    payeeBic: string,
    id: string,
    a: { accept: true; rtrId: string } | { accept: false; reason: string },
  ): Promise<IpsRecall> {
    const rec = await getRecall(this.db, id);
    if (!rec || rec.payeeBic !== payeeBic) throw notFound('recall');
    if (rec.status !== 'open') throw new DomainError('state', `the recall is ${rec.status}`, { reason: 'ARDT' });
    if (this.now() >= rec.deadline) {
      await this.close(rec, 'expired', null);
      throw new DomainError('state', 'the recall has expired', { reason: 'AB05' });
    }
    if (a.accept) {
      await this.returnPayment(payeeBic, rec.originalId, { rtrId: a.rtrId, reason: 'FOCR', recallId: rec.id });
    } else {
      await this.close(rec, 'rejected', a.reason);
    }
    return (await getRecall(this.db, id)) ?? rec;
  }

  /** Closes open recalls past their deadline (a schedule calls it). */
  async expireRecalls(): Promise<number> {
    const rows = await this.db.query<RecallRow>(
      `SELECT * FROM ips_recalls WHERE status = 'open' AND deadline <= $1 LIMIT 500`,
      [this.now()],
    );
    for (const r of rows) await this.close(toRecall(r), 'expired', null);
    return rows.length;
  }

  private async close(rec: IpsRecall, status: 'rejected' | 'expired', reason: string | null): Promise<void> {
    const at = this.now();
    const requester = await this.lookup(rec.requesterBic);
    await this.db.transaction(async (tx) => {
      const n = await tx.exec(
        `UPDATE ips_recalls SET status = $1, answer_reason = $2, updated_at = $3 WHERE id = $4 AND status = 'open'`,
        [status, reason, at, rec.id],
      );
      if (n !== 1 || !requester) return;
      await enqueueWebhook(
        tx,
        {
          participantId: requester.id,
          eventType: 'ips.recall_answered',
          payload: { ...rec, status, answerReason: reason, updatedAt: at },
          idempotencyKey: `recall:${rec.id}:${status}`,
        },
        this.ids,
        this.clock,
      );
    });
  }

  /** A recall, to its two banks or oversight. */
  async getRecall(id: string, viewer: { bic?: string; oversight: boolean }): Promise<IpsRecall> {
    const r = await getRecall(this.db, id);
    if (!r || !(viewer.oversight || r.requesterBic === viewer.bic || r.payeeBic === viewer.bic)) {
      throw notFound('recall');
    }
    return r;
  }
}
