import { createHash } from 'node:crypto';
import {
  appendAudit,
  type Clock,
  type Db,
  DomainError,
  enqueueWebhook,
  formatAmount,
  type IdGenerator,
  type Logger,
  notFound,
  type Queryable,
} from '../../platform/index.ts';
import type { IpsReturns } from '../returns.ts';
import type { IpsParticipant } from '../service.ts';
import { ipsStore } from '../store.ts';
import {
  type DisputeAction,
  type DisputeReason,
  type DisputeRole,
  type DisputeStatus,
  nextStatus,
  onDeadline,
  RETURNS_MONEY,
} from './domain/dispute.ts';
import { disputeStore, type IpsDispute } from './store.ts';

const DAY = 24 * 3600_000;
/** The respondent answers within 7 days (Pix MED's analysis period) unless configured. */
export const DEFAULT_ANSWER_MS = 7 * DAY;
/** A rejected claim may be escalated to the operator within 5 days. */
export const DEFAULT_ESCALATION_MS = 5 * DAY;

/** Who is acting: a bank by its BIC, or oversight (the operator's arbitration). */
export interface DisputeActor {
  participantId: string;
  bic?: string;
  oversight: boolean;
}

/**
 * Dispute cases between banks about settled instant payments (IPS-8). Steps follow the domain's state
 * machine; each is recorded with its actor and grounds, audited, and pushed by webhook to both banks in the
 * commit that records it. An outcome for the claimant returns the money as an IPS return (pacs.004) from
 * the respondent's position, made before the step is recorded and idempotent by the case, so a retry
 * after a crash between the two neither loses the step nor returns twice.
 */
export class IpsDisputes {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly logger: Logger;
  private readonly returns: IpsReturns;
  private readonly lookup: (bic: string) => Promise<IpsParticipant | undefined>;
  private readonly answerMs: number;
  private readonly escalationMs: number;
  /** Cases being acted on in this process: one step at a time per case. */
  private readonly busy = new Map<string, Promise<unknown>>();

  constructor(deps: {
    db: Db;
    clock: Clock;
    ids: IdGenerator;
    logger: Logger;
    returns: IpsReturns;
    lookup: (bic: string) => Promise<IpsParticipant | undefined>;
    answerMs?: number;
    escalationMs?: number;
  }) {
    this.db = deps.db;
    this.clock = deps.clock;
    this.ids = deps.ids;
    this.logger = deps.logger;
    this.returns = deps.returns;
    this.lookup = deps.lookup;
    this.answerMs = deps.answerMs ?? DEFAULT_ANSWER_MS;
    this.escalationMs = deps.escalationMs ?? DEFAULT_ESCALATION_MS;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  private after(ms: number): string {
    return new Date(this.clock.nowMs() + ms).toISOString();
  }

  /** The payer's bank opens a case against the payee's bank about one of its settled payments. */
  async open(
    actor: DisputeActor,
    c: { paymentId: string; caseId: string; reason: DisputeReason; amount?: bigint; description: string },
  ): Promise<IpsDispute> {
    const p = await ipsStore.get(this.db, c.paymentId);
    // another bank's payment reads exactly like an unknown one
    if (!p || p.payerBic !== actor.bic) throw notFound('payment');
    if (p.status !== 'settled') {
      throw new DomainError('state', `the payment is ${p.status}: only settled payments are disputed`, {
        reason: 'NARR',
      });
    }
    const left = p.amount - (await this.returns.returned(p.id));
    const amount = c.amount ?? left;
    if (amount <= 0n || amount > left) {
      throw new DomainError(
        'validation',
        `the claim must be more than 0 and at most what is not yet returned (${left})`,
        {
          reason: 'AM02',
          issues: [{ field: '/amount', message: `at most ${formatAmount(left)}` }],
        },
      );
    }
    const at = this.now();
    const d: IpsDispute = {
      id: `${p.payerBic}:${c.caseId}`,
      paymentId: p.id,
      claimantBic: p.payerBic,
      respondentBic: p.payeeBic,
      reason: c.reason,
      amount,
      description: c.description,
      status: 'open',
      deadline: this.after(this.answerMs),
      returnId: null,
      createdAt: at,
      updatedAt: at,
      history: [],
    };
    const parties = await this.parties(d);
    const inserted = await this.db.transaction(async (tx) => {
      if (!(await disputeStore.insert(tx, d, actor.participantId))) return false;
      await this.record(tx, d, actor.participantId, 'open', c.description, parties);
      return true;
    });
    if (!inserted) throw new DomainError('conflict', `case ${c.caseId} already exists`, { reason: 'DUPL' });
    return (await disputeStore.get(this.db, d.id))!;
  }

  /** One step on a case by one of its banks or the operator; refused steps change nothing. */
  act(actor: DisputeActor, id: string, action: DisputeAction, grounds?: string): Promise<IpsDispute> {
    const prev = this.busy.get(id) ?? Promise.resolve();
    const run = prev.catch(() => {}).then(() => this.actOnce(actor, id, action, grounds));
    this.busy.set(id, run);
    return run.finally(() => {
      if (this.busy.get(id) === run) this.busy.delete(id);
    });
  }

  private async actOnce(actor: DisputeActor, id: string, action: DisputeAction, grounds?: string) {
    const d = await this.visible(id, actor);
    const role = this.roleOf(d, actor);
    const to = nextStatus(d.status, action, role, grounds);
    const returnId = RETURNS_MONEY.has(to) ? await this.giveBack(d) : null;
    // a rejection opens the claimant's window to escalate; an escalation gives the operator a target date
    const deadline =
      to === 'rejected' ? this.after(this.escalationMs) : to === 'escalated' ? this.after(this.answerMs) : d.deadline;
    await this.step(d, d.status, {
      to,
      deadline,
      returnId,
      actor: actor.participantId,
      action,
      grounds: grounds ?? null,
    });
    return (await disputeStore.get(this.db, id))!;
  }

  /** The operator's arbitration is by oversight; a bank is the claimant or the respondent of its cases. */
  private roleOf(d: IpsDispute, actor: DisputeActor): DisputeRole {
    if (actor.bic === d.claimantBic) return 'claimant';
    if (actor.bic === d.respondentBic) return 'respondent';
    return 'operator';
  }

  /** Returns the claimed amount (or what is left of it) from the respondent; idempotent by the case. */
  private async giveBack(d: IpsDispute): Promise<string | null> {
    const rtrId = `DSP-${createHash('sha256').update(d.id).digest('hex').slice(0, 31)}`;
    const returnId = `${d.respondentBic}:${rtrId}`;
    if (await this.returns.exists(returnId)) return returnId;
    const left = (await ipsStore.get(this.db, d.paymentId))!.amount - (await this.returns.returned(d.paymentId));
    if (left <= 0n) return null; // returned meanwhile by other means: nothing left to give
    let amount = d.amount;
    if (amount > left) amount = left;
    await this.returns.returnPayment(d.respondentBic, d.paymentId, {
      rtrId,
      amount,
      reason: d.reason === 'FRAD' ? 'FRAD' : 'FOCR',
    });
    return returnId;
  }

  private async step(
    d: IpsDispute,
    from: DisputeStatus,
    s: {
      to: DisputeStatus;
      deadline: string;
      returnId: string | null;
      actor: string;
      action: string;
      grounds: string | null;
    },
  ): Promise<void> {
    const at = this.now();
    const parties = await this.parties(d);
    const moved = await this.db.transaction(async (tx) => {
      if (!(await disputeStore.transition(tx, d, from, { ...s, at }))) return false;
      await this.record(
        tx,
        { ...d, status: s.to, deadline: s.deadline, returnId: s.returnId ?? d.returnId, updatedAt: at },
        s.actor,
        s.action,
        s.grounds,
        parties,
      );
      return true;
    });
    if (!moved) throw new DomainError('conflict', 'the dispute changed meanwhile: read it again', { reason: 'ARDT' });
  }

  /** Audit and webhooks of one step, in its transaction. */
  private async record(
    tx: Queryable,
    d: IpsDispute,
    actor: string,
    action: string,
    grounds: string | null,
    parties: IpsParticipant[],
  ): Promise<void> {
    const { history: _, ...view } = d;
    await appendAudit(
      tx,
      {
        actor,
        action: `ips.dispute.${action}`,
        entity: 'ips_dispute',
        entityId: d.id,
        details: { status: d.status, grounds },
      },
      this.clock,
    );
    for (const p of parties) {
      await enqueueWebhook(
        tx,
        {
          participantId: p.id,
          eventType: 'ips.dispute',
          payload: { ...view, amount: String(d.amount), action, grounds },
          idempotencyKey: `dispute:${d.id}:${action}:${d.status}`,
        },
        this.ids,
        this.clock,
      );
    }
  }

  private async parties(d: { claimantBic: string; respondentBic: string }): Promise<IpsParticipant[]> {
    const ps = await Promise.all([this.lookup(d.claimantBic), this.lookup(d.respondentBic)]);
    return ps.filter((p): p is IpsParticipant => p !== undefined);
  }

  /** Cases whose deadline passed: unanswered claims go to the operator, unescalated rejections lapse. */
  async sweep(): Promise<number> {
    const due = await disputeStore.overdue(this.db, this.now(), 200);
    for (const { id } of due) {
      const d = await disputeStore.get(this.db, id);
      const to = d && onDeadline(d.status);
      if (!d || !to) continue;
      try {
        await this.step(d, d.status, {
          to,
          deadline: to === 'escalated' ? this.after(this.answerMs) : d.deadline,
          returnId: null,
          actor: 'deadline',
          action: to === 'escalated' ? 'escalate' : 'lapse',
          grounds: to === 'escalated' ? 'not answered by the deadline' : 'not escalated by the deadline',
        });
      } catch (err) {
        // a bank acted at the same moment: its step stands
        if (!(err instanceof DomainError && err.type === 'conflict')) throw err;
        this.logger.debug({ id }, 'dispute moved while its deadline passed');
      }
    }
    return due.length;
  }

  private async visible(id: string, viewer: DisputeActor): Promise<IpsDispute> {
    const d = await disputeStore.get(this.db, id);
    if (!d || !(viewer.oversight || d.claimantBic === viewer.bic || d.respondentBic === viewer.bic)) {
      throw notFound('dispute');
    }
    return d;
  }

  /** A case with its history, to its two banks or oversight. */
  get(id: string, viewer: DisputeActor): Promise<IpsDispute> {
    return this.visible(id, viewer);
  }

  /** A bank's cases (as claimant or respondent); oversight sees all. */
  list(viewer: DisputeActor, f: { status?: DisputeStatus; after?: string; limit: number }): Promise<IpsDispute[]> {
    if (!viewer.oversight && !viewer.bic) return Promise.resolve([]);
    return disputeStore.list(this.db, { ...f, ...(viewer.oversight ? {} : { bic: viewer.bic! }) });
  }
}
