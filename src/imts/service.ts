import type { Ledger, TransferInput } from '../ledger/index.ts';
import {
  type Clock,
  type Db,
  DomainError,
  enqueueWebhooks,
  GroupCommit,
  type IdGenerator,
  type Logger,
  notFound,
  ulidGenerator,
  type WebhookInput,
} from '../platform/index.ts';
import { resolveGridlock } from './domain/gridlock.ts';
import { cutoffRejection, type DayState, dayState, type OperatingDayConfig } from './domain/operating-day.ts';
import {
  ISO_STATUS,
  type Payment,
  type PaymentMessage,
  type PaymentStatus,
  paymentId,
  settlementAccountId,
  settlementTransferId,
} from './domain/payment.ts';
import { compareQueueOrder, type Priority, type QueuedPayment } from './domain/queue.ts';
import { camt054For } from './notifications.ts';
import { type PaymentWrite, imtsStore as store } from './store.ts';

/** What IMTS needs to know of a participant; the participants module answers. */
export interface SettlementParticipant {
  id: string;
  bic: string;
  status: 'active' | 'suspended' | 'blocked';
  roles: string[];
}

export interface PaymentInstruction {
  msgType: PaymentMessage;
  txId: string;
  endToEndId: string;
  receiverBic: string;
  amount: bigint;
  currency: string;
  priority: Priority;
  document: unknown;
  /** Only for returns (pacs.004, see `submitReturns`): the payment returned and why. */
  returnOf?: string;
  returnReason?: string;
}

export type ImtsScreen = (p: {
  amount: bigint;
  senderBic: string;
  receiverBic: string;
  document: unknown;
}) => Promise<{ decision: 'allow' | 'review' | 'block'; reasons: string[] }>;

export interface TxStatus {
  paymentId: string;
  txId: string;
  endToEndId: string;
  status: 'ACSC' | 'PDNG' | 'RJCT' | 'CANC';
  reason?: string;
}

/** One original payment (or message) a camt.056 asks to cancel, as the requester names it. */
export interface CancellationTarget {
  orgnlTxId?: string;
  orgnlEndToEndId?: string;
  /** Alone (without tx or end-to-end id): every payment of that message. */
  orgnlMsgId?: string;
  /** ExternalCancellationReason1Code (CUST, DUPL, FRAD, TECH…), recorded as the payment's reason; CUST if absent. */
  reason?: string;
}

/** ACCR: cancelled; RJCR: refused with a reason (ARDT no longer queued, NOOR no such payment of yours). */
export interface CancellationOutcome {
  /** The requester's own payment; absent when unknown (or another bank's). */
  payment?: Payment;
  status: 'ACCR' | 'RJCR';
  reason?: string;
  narrative?: string;
}

export interface CancellationResult {
  target: CancellationTarget;
  /** One per payment the target names; one RJCR/NOOR when it names none. */
  outcomes: CancellationOutcome[];
}

/** One return of a pacs.004, as the returning bank (the original receiver) sends it. */
export interface ReturnInstruction {
  /** The return's own id (RtrId): unique among the returner's transaction ids. */
  rtrId: string;
  /** The original payment's sender, to whom the money goes (InstdAgt). */
  originalSenderBic: string;
  orgnlTxId: string;
  orgnlEndToEndId?: string;
  orgnlMsgId?: string;
  amount: bigint;
  currency: string;
  /** ExternalReturnReason1Code (RtrRsn), e.g. AC04, AM09, CUST, FOCR. */
  reason: string;
  priority: Priority;
  document: unknown;
}

export type ReturnStatus = TxStatus & { narrative?: string };

export interface ReturnLink {
  id: string;
  txId: string;
  amount: bigint;
  status: PaymentStatus;
  returnReason: string | null;
  createdAt: string;
}

/** `get` plus, for a payment that is not itself a return, what was returned of it. */
export type PaymentDetail = Payment & { returnedAmount?: bigint; returns?: ReturnLink[] };

/** A cancellation naming a whole message looks at no more than this many of its payments. */
const MAX_CANCEL_GROUP = 1000;

export { settlementAccountId };

const GRIDLOCK_ACCOUNT = 'imts:gridlock:KZT';
/** Transfers per ledger submit (the ledger's own maximum is 8,000). */
const LEDGER_BATCH = 4000;

/**
 * IMTS, the real-time gross settlement system. Decisions (settle now, or queue) are made synchronously
 * against an in-memory mirror of every settlement account's available balance, in arrival order, so no
 * payment overtakes an earlier one of its sender while many senders are decided concurrently; the ledger
 * then commits the settlements in groups. Only IMTS moves money on settlement accounts, so the mirror
 * stays true; it is reloaded from the ledger at start.
 */
export class ImtsService {
  private readonly db: Db;
  private readonly ledger: Ledger;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly lookup: (bic: string) => Promise<SettlementParticipant | undefined>;
  private readonly centralBank: () => Promise<{ id: string; issuanceAccountId: string }>;
  /** Each item is what one operation writes: never split across commits (a message with its payments). */
  private readonly writes: GroupCommit<PaymentWrite[]>;
  /** Payment ids being decided and written by a submit in this process: a concurrent copy is a duplicate. */
  private readonly inFlight = new Set<string>();
  /** Liquidity, conversion and other central bank transfers in progress, by transfer id. */
  private readonly movesInFlight = new Set<string>();
  private readonly available = new Map<string, bigint>();
  private readonly queues = new Map<string, QueuedPayment[]>();
  private readonly queuedPayments = new Map<string, Payment>();
  /** Messages received by this process (sender + MsgId); older ones are found in the database. */
  private readonly messages = new Set<string>();
  private seq = 0n;
  private readonly ids: IdGenerator;
  private readonly participantIds = new Map<string, string>();
  private readonly operatingDay: OperatingDayConfig | undefined;
  private readonly screen: ImtsScreen | undefined;
  /** Payments screening asked to review, until their credit notice is written (a restart forgets them). */
  private readonly review = new Map<string, string[]>();
  private readonly reviewHoldMs: number;

  constructor(deps: {
    ids?: IdGenerator;
    /** Calendar and cut-offs; without one IMTS is open around the clock (demo, tests). */
    operatingDay?: OperatingDayConfig;
    db: Db;
    ledger: Ledger;
    clock: Clock;
    logger: Logger;
    lookup: (bic: string) => Promise<SettlementParticipant | undefined>;
    centralBank: () => Promise<{ id: string; issuanceAccountId: string }>;
    /**
     * Fraud screening of customer transfers (pacs.008), the Anti-Fraud Center when it runs. IMTS's policy:
     * block → rejected FRAD, nothing settles; review → settles, the receiving bank is told to hold the
     * credit for review (in its camt.054).
     */
    screen?: ImtsScreen;
    /** How long the receiving bank holds the credit of a payment under review, ms. Default 72 h. */
    reviewHoldMs?: number;
  }) {
    this.db = deps.db;
    this.ledger = deps.ledger;
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.lookup = deps.lookup;
    this.centralBank = deps.centralBank;
    this.operatingDay = deps.operatingDay;
    this.screen = deps.screen;
    this.reviewHoldMs = deps.reviewHoldMs ?? 72 * 3_600_000;
    this.ids = deps.ids ?? ulidGenerator(deps.clock);
    this.writes = new GroupCommit(this.db, async (tx, groups) => {
      const items = groups.flat();
      await store.write(tx, items);
      // camt.054 to both banks, in the same commit as the settlement record: pushed iff it is durable. All of
      // the batch's notices in a few multi-row inserts (one INSERT each was ~40 % of a payment's time).
      const notices: WebhookInput[] = [];
      for (const w of items) {
        if (w.kind !== 'settled-notice') continue;
        for (const side of ['DBIT', 'CRDT'] as const) {
          const participantId = this.participantIds.get(side === 'DBIT' ? w.payment.senderBic : w.payment.receiverBic);
          if (!participantId) continue;
          notices.push({
            participantId,
            eventType: 'imts.camt054',
            payload: this.noticeFor(w.payment, side, w.at),
            idempotencyKey: `${w.payment.id}:${side}`,
          });
        }
      }
      if (notices.length > 0) await enqueueWebhooks(tx, notices, this.ids, this.clock);
    });
  }

  /** camt.054 for one side; the credit side of a payment under review tells the bank to hold the credit. */
  private noticeFor(p: Payment, side: 'DBIT' | 'CRDT', at: string) {
    const notice = camt054For(p, side, at);
    const reasons = this.review.get(p.id);
    if (!reasons || side === 'DBIT') return notice;
    this.review.delete(p.id);
    // the hold lapses a fixed time after settlement unless the AFC confirms the suspect meanwhile
    const holdUntil = new Date(Date.parse(at) + this.reviewHoldMs).toISOString();
    return { ...notice, screening: { decision: 'review', action: 'hold_credit', reasons, holdUntil } };
  }

  /** Loads balances and the queue; settles queued payments whose settlement committed before a crash. */
  async start(): Promise<void> {
    for (const a of await this.ledger.listAccounts({ code: 'settlement' })) {
      const bic = a.id.split(':')[1]!;
      this.available.set(bic, a.creditsPosted - a.debitsPosted - a.debitsPending);
    }
    this.seq = await store.maxSeq(this.db);
    const reconciled: PaymentWrite[] = [];
    for (const p of await store.queued(this.db)) {
      const t = await this.ledger.getTransfer(settlementTransferId(p.id));
      if (t?.result === 'ok') {
        // status only: a notice recorded before the crash carries another timestamp, and enqueueing it
        // again under its idempotency key would be refused as a different event
        reconciled.push({
          kind: 'status',
          id: p.id,
          status: 'settled',
          reason: null,
          priority: p.priority,
          at: this.now(),
        });
        continue;
      }
      this.enqueue(p);
    }
    await this.writes.add(reconciled);
    // a head covered before the crash must not wait for the next credit to its bank
    await this.retryQueues(new Set(this.queues.keys()));
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  private enqueue(p: Payment): void {
    this.queuedPayments.set(p.id, p);
    const q = this.queues.get(p.senderBic) ?? [];
    if (q.length === 0) this.queues.set(p.senderBic, q);
    q.push(toQueued(p));
    q.sort(compareQueueOrder);
  }

  private dequeue(p: Payment): void {
    this.queuedPayments.delete(p.id);
    const q = this.queues.get(p.senderBic);
    if (q)
      this.queues.set(
        p.senderBic,
        q.filter((x) => x.id !== p.id),
      );
  }

  /** Opens a bank's settlement account on first use (IMTS-1). */
  private async ensureAccount(participant: SettlementParticipant): Promise<void> {
    if (this.available.has(participant.bic)) return;
    await this.ledger.createAccounts([
      {
        id: settlementAccountId(participant.bic),
        owner: participant.id,
        currency: 'KZT',
        code: 'settlement',
        flags: { debitsMustNotExceedCredits: true, history: true },
      },
    ]);
    if (!this.available.has(participant.bic)) this.available.set(participant.bic, 0n);
  }

  private async settlementParticipant(bic: string): Promise<SettlementParticipant | undefined> {
    const p = await this.lookup(bic);
    if (p?.status !== 'active' || !p.roles.includes('settlement')) return undefined;
    this.participantIds.set(p.bic, p.id);
    await this.ensureAccount(p);
    return p;
  }

  /**
   * Submits the transactions of one pacs.008/pacs.009 message from `senderBic`. Answers, per transaction,
   * ACSC (settled), PDNG (queued) or RJCT with an ISO 20022 reason — only after the answer is durable.
   */
  async submit(senderBic: string, msgId: string, txs: PaymentInstruction[]): Promise<TxStatus[]> {
    const sender = await this.settlementParticipant(senderBic);
    if (!sender)
      throw new DomainError('forbidden', 'the sender is not an active settlement participant', { reason: 'RC01' });
    const at = this.now();
    // Claimed synchronously, so two concurrent copies of one message cannot both pass; the row itself is
    // group-committed with the payments.
    const key = `${senderBic}\u0000${msgId}`;
    if (this.messages.has(key) || (await store.messageExists(this.db, senderBic, msgId)) || this.messages.has(key)) {
      throw new DomainError('conflict', `message ${msgId} was already received`, { reason: 'DUPL' });
    }
    this.messages.add(key);

    const ids = txs.map((t) => paymentId(senderBic, t.txId));
    if (new Set(ids).size !== ids.length)
      throw new DomainError('validation', 'transaction ids repeat within the message', { reason: 'DUPL' });
    // Claimed synchronously before anything is read: while a submit holds an id, a concurrent copy of the
    // transaction is a duplicate; once it lets go, its row is committed and the read below finds it.
    const claimed = ids.filter((id) => !this.inFlight.has(id));
    for (const id of claimed) this.inFlight.add(id);
    try {
      const known = await store.exists(this.db, claimed);
      const receivers = new Map<string, SettlementParticipant | undefined>();
      for (const t of txs)
        if (!receivers.has(t.receiverBic))
          receivers.set(t.receiverBic, await this.settlementParticipant(t.receiverBic));
      // a settlement that committed before a crash, for a message never answered, must not settle twice
      const alreadySettled = new Set<string>();
      for (const id of ids)
        if ((await this.ledger.getTransfer(settlementTransferId(id)))?.result === 'ok') alreadySettled.add(id);
      const blocked = await this.screened(senderBic, txs, ids, claimed, known);
      return await this.decideAndSettle(
        senderBic,
        msgId,
        key,
        txs,
        ids,
        new Set(claimed.filter((id) => !known.has(id))),
        receivers,
        alreadySettled,
        blocked,
        at,
      );
    } finally {
      for (const id of claimed) this.inFlight.delete(id);
    }
  }

  private async decideAndSettle(
    senderBic: string,
    msgId: string,
    key: string,
    txs: PaymentInstruction[],
    ids: string[],
    claimed: Set<string>,
    receivers: Map<string, SettlementParticipant | undefined>,
    alreadySettled: Set<string>,
    blocked: ReadonlySet<string>,
    at: string,
  ): Promise<TxStatus[]> {
    const day = this.day();
    const inserts: Payment[] = [];
    const settling: Payment[] = [];
    const answers: (Payment | { id: string; txId: string; endToEndId: string })[] = [];
    for (const [i, t] of txs.entries()) {
      const id = ids[i]!;
      if (!claimed.has(id)) {
        answers.push({ id, txId: t.txId, endToEndId: t.endToEndId });
        continue;
      }
      const p: Payment = {
        id,
        msgType: t.msgType,
        msgId,
        txId: t.txId,
        endToEndId: t.endToEndId,
        senderBic,
        receiverBic: t.receiverBic,
        amount: t.amount,
        currency: t.currency,
        priority: t.priority,
        status: 'queued',
        reason: null,
        seq: ++this.seq,
        document: t.document,
        createdAt: at,
        updatedAt: at,
      };
      if (t.returnOf !== undefined) markReturn(p, t);
      const reject =
        (day && cutoffRejection(p.msgType, day)) ||
        rejection(p, receivers.get(t.receiverBic)) ||
        (blocked.has(id) && !alreadySettled.has(id) ? 'FRAD' : undefined);
      if (reject) {
        p.status = 'rejected';
        p.reason = reject;
      } else if (alreadySettled.has(id)) {
        p.status = 'settled';
      } else if (this.coveredNow(p)) {
        this.applySettlement(p);
        settling.push(p);
        p.status = 'settled';
      } else {
        this.enqueue(p);
      }
      inserts.push(p);
      answers.push(p);
    }
    const { error } = await this.settleOrReject(settling, at);
    if (error) {
      // nothing of this message is answered: forget it, so that its resend is decided afresh (settlements
      // of it that did commit are found on the ledger then)
      this.messages.delete(key);
      for (const p of inserts) if (this.queuedPayments.get(p.id) === p) this.dequeue(p);
      throw error;
    }
    await this.writes.add([
      { kind: 'message' as const, senderBic, msgId, at },
      ...inserts.map((payment) => ({ kind: 'insert' as const, payment })),
      ...inserts
        .filter((p) => p.status === 'settled' && !alreadySettled.has(p.id))
        .map((payment) => ({ kind: 'settled-notice' as const, payment, at })),
    ]);
    await this.retryQueues(new Set(inserts.filter((p) => p.status === 'settled').map((p) => p.receiverBic)));
    return answers.map((a): TxStatus => {
      const base = { paymentId: a.id, txId: a.txId, endToEndId: a.endToEndId };
      if (!('status' in a)) return { ...base, status: 'RJCT', reason: 'DUPL' };
      return { ...base, status: ISO_STATUS[a.status], ...(a.reason ? { reason: a.reason } : {}) };
    });
  }

  /**
   * Screens the new customer transfers of a message (before anything is decided, so arrival order holds):
   * the ids to refuse for fraud; those to review are remembered for their credit notice.
   */
  private async screened(
    senderBic: string,
    txs: PaymentInstruction[],
    ids: string[],
    claimed: readonly string[],
    known: ReadonlySet<string>,
  ): Promise<Set<string>> {
    const blocked = new Set<string>();
    if (!this.screen) return blocked;
    const fresh = new Set(claimed.filter((id) => !known.has(id)));
    for (const [i, t] of txs.entries()) {
      const id = ids[i]!;
      if (!fresh.has(id) || t.msgType !== 'pacs.008' || t.returnOf !== undefined) continue;
      const r = await this.screen({ amount: t.amount, senderBic, receiverBic: t.receiverBic, document: t.document });
      if (r.decision === 'block') blocked.add(id);
      else if (r.decision === 'review') {
        // bounded: a reviewed payment cancelled or rejected while queued never has its notice written
        if (this.review.size >= 100_000) this.review.delete(this.review.keys().next().value!);
        this.review.set(id, r.reasons);
      }
    }
    return blocked;
  }

  /** Where the operating day stands now, or undefined when IMTS runs around the clock. */
  day(): DayState | undefined {
    return this.operatingDay && dayState(this.clock.now(), this.operatingDay);
  }

  /**
   * End of day (IMTS-4): every payment still queued is rejected (AM04: no cover by the close) and its
   * sender told through the returned statuses; nothing queued is carried to the next day.
   */
  async endOfDay(): Promise<{ rejected: TxStatus[] }> {
    const queued = [...this.queuedPayments.values()];
    for (const p of queued) this.dequeue(p);
    const at = this.now();
    await this.writes.add(
      queued.map((p) => ({
        kind: 'status' as const,
        id: p.id,
        status: 'rejected' as const,
        reason: 'AM04',
        priority: p.priority,
        at,
      })),
    );
    return {
      rejected: queued.map((p) => ({
        paymentId: p.id,
        txId: p.txId,
        endToEndId: p.endToEndId,
        status: 'RJCT' as const,
        reason: 'AM04',
      })),
    };
  }

  /** Settles now only if nothing of the sender waits ahead of it and its balance covers it. */
  private coveredNow(p: Payment): boolean {
    const q = this.queues.get(p.senderBic);
    if (q && q.length > 0) return false;
    return (this.available.get(p.senderBic) ?? 0n) >= p.amount;
  }

  private applySettlement(p: { senderBic: string; receiverBic: string; amount: bigint }): void {
    this.available.set(p.senderBic, (this.available.get(p.senderBic) ?? 0n) - p.amount);
    this.available.set(p.receiverBic, (this.available.get(p.receiverBic) ?? 0n) + p.amount);
  }

  private unapplySettlement(p: { senderBic: string; receiverBic: string; amount: bigint }): void {
    this.available.set(p.senderBic, (this.available.get(p.senderBic) ?? 0n) + p.amount);
    this.available.set(p.receiverBic, (this.available.get(p.receiverBic) ?? 0n) - p.amount);
  }

  private transferFor(p: Payment): TransferInput {
    return {
      id: settlementTransferId(p.id),
      debitAccountId: settlementAccountId(p.senderBic),
      creditAccountId: settlementAccountId(p.receiverBic),
      amount: p.amount,
      currency: 'KZT',
      code: `imts.${p.msgType}`,
      reference: p.endToEndId,
    };
  }

  /**
   * Commits the settlement transfers of payments the mirror found covered (already applied to it). The
   * ledger has the last word: a payment it refuses is rejected (AM04) and taken back out of the mirror,
   * never left half-settled; the ones it accepts are settled. A failed commit leaves `failed` (from that
   * chunk on: nothing of them is known to be durable) taken back out of the mirror, with the `error`.
   */
  private async settleOrReject(
    payments: Payment[],
    at: string,
  ): Promise<{ refused: Set<Payment>; failed: Payment[]; error?: unknown }> {
    const refused = new Set<Payment>();
    for (let i = 0; i < payments.length; i += LEDGER_BATCH) {
      const chunk = payments.slice(i, i + LEDGER_BATCH);
      let results: { ok: boolean }[];
      try {
        results = await this.ledger.submit(chunk.map((p) => this.transferFor(p)));
      } catch (error) {
        const failed = payments.slice(i);
        for (const p of failed) this.unapplySettlement(p);
        return { refused, failed, error };
      }
      for (const [k, r] of results.entries()) {
        if (r.ok) continue;
        const p = chunk[k]!;
        this.unapplySettlement(p);
        p.status = 'rejected';
        p.reason = 'AM04';
        p.updatedAt = at;
        refused.add(p);
      }
    }
    // The mirror said covered and the ledger said no: they disagree, which must never happen.
    if (refused.size > 0) {
      this.logger.error({ refused: [...refused].map((p) => p.id) }, 'IMTS mirror disagreed with the ledger');
    }
    return { refused, failed: [] };
  }

  /** Liquidity arrived for these participants: settle their queue heads while covered, cascading. */
  private async retryQueues(bics: Set<string>): Promise<void> {
    if (bics.size === 0) return;
    const settled: Payment[] = [];
    const work = [...bics];
    while (work.length > 0) {
      const bic = work.pop()!;
      const q = this.queues.get(bic);
      while (q && q.length > 0 && (this.available.get(bic) ?? 0n) >= q[0]!.amount) {
        const head = q.shift()!;
        const p = this.queuedPayments.get(head.id)!;
        this.queuedPayments.delete(p.id);
        this.applySettlement(p);
        settled.push(p);
        work.push(p.receiverBic);
      }
    }
    if (settled.length > 0) await this.persistSettled(settled, 'retry');
  }

  private async persistSettled(settled: Payment[], why: string): Promise<void> {
    const at = this.now();
    const { refused, failed, error } = await this.settleOrReject(settled, at);
    if (error) {
      // back in their queues, in their order: they settle on the next credit, or after a restart
      for (const p of failed) this.enqueue(p);
      this.logger.error({ err: error, why }, 'settling queued payments failed; they stay queued');
    }
    const notFailed = new Set(failed);
    const writes = settled
      .filter((p) => !notFailed.has(p))
      .flatMap((p) =>
        refused.has(p)
          ? [
              {
                kind: 'status' as const,
                id: p.id,
                status: 'rejected' as const,
                reason: 'AM04',
                priority: p.priority,
                at,
              },
            ]
          : settledWrites(p, at),
      );
    try {
      await this.writes.add(writes);
    } catch (err) {
      // the ledger has them: restart reconciliation records them as settled
      this.logger.error({ err, why }, 'recording settled queued payments failed; restart reconciles them');
    }
  }

  async cancel(senderBic: string, id: string, reason = 'CUST'): Promise<Payment> {
    const [r] = await this.cancelAll(senderBic, [{ id, reason }]);
    if ('error' in r!) throw r.error;
    return r!.cancelled;
  }

  /**
   * Cancels queued payments of one sender together: every one of them leaves the queue before the queue is
   * retried, so none settles while the others are being cancelled. Another sender's payment is not found,
   * exactly like an unknown one; a payment no longer queued is refused (ARDT) and left as it is.
   */
  private async cancelAll(
    senderBic: string,
    items: { id: string; reason: string }[],
  ): Promise<({ cancelled: Payment } | { error: DomainError })[]> {
    const at = this.now();
    const results: ({ cancelled: Payment } | { error: DomainError } | undefined)[] = [];
    const writes: PaymentWrite[] = [];
    const first = new Map<string, number>();
    const leaving = new Set<string>();
    // synchronously, with no await in between: the decision and the dequeue cannot interleave with a settlement
    for (const [i, { id, reason }] of items.entries()) {
      const p = this.queuedPayments.get(id);
      if (!first.has(id)) first.set(id, i);
      if (!p || p.senderBic !== senderBic) {
        results.push(undefined);
        continue;
      }
      this.queuedPayments.delete(id);
      leaving.add(id);
      writes.push({ kind: 'status', id, status: 'cancelled', reason, priority: p.priority, at });
      results.push({ cancelled: { ...p, status: 'cancelled', reason, updatedAt: at } });
    }
    const q = this.queues.get(senderBic);
    if (q && leaving.size > 0)
      this.queues.set(
        senderBic,
        q.filter((x) => !leaving.has(x.id)),
      );
    for (const [i, { id }] of items.entries()) {
      if (results[i]) continue;
      const f = first.get(id)!;
      if (f !== i && results[f] && 'cancelled' in results[f]) {
        results[i] = {
          error: new DomainError('state', 'payment is cancelled: only queued payments can be cancelled', {
            reason: 'ARDT',
          }),
        };
        continue;
      }
      const stored = await store.get(this.db, id);
      // still 'queued' in the database but out of the queue: its settlement (or cancellation) is being recorded
      const status = stored?.status === 'queued' ? 'no longer queued' : stored?.status;
      results[i] = {
        error:
          !stored || stored.senderBic !== senderBic
            ? notFound('payment')
            : new DomainError('state', `payment is ${status}: only queued payments can be cancelled`, {
                reason: 'ARDT',
              }),
      };
    }
    if (writes.length > 0) {
      await this.writes.add(writes);
      // the sender's next payment may now be at the head and covered
      await this.retryQueues(new Set([senderBic]));
    }
    return results as ({ cancelled: Payment } | { error: DomainError })[];
  }

  async reprioritise(senderBic: string, id: string, priority: Priority): Promise<Payment> {
    const p = this.queuedPayments.get(id);
    if (!p || p.senderBic !== senderBic) {
      const stored = await store.get(this.db, id);
      if (!stored || stored.senderBic !== senderBic) throw notFound('payment');
      throw new DomainError('state', `payment is ${stored.status}: only queued payments can be re-prioritised`);
    }
    this.dequeue(p);
    const updated = { ...p, priority };
    this.enqueue(updated);
    await this.writes.add([{ kind: 'status', id, status: 'queued', reason: null, priority, at: this.now() }]);
    await this.retryQueues(new Set([senderBic]));
    return updated;
  }

  /** Multilateral offsetting over the whole queue (IMTS-3); settles the set as one all-or-nothing batch. */
  async resolveGridlock(): Promise<{ settled: number; amount: bigint }> {
    const queue = [...this.queues.values()].flat();
    const { settled, net } = resolveGridlock(queue, this.available);
    if (settled.length === 0) return { settled: 0, amount: 0n };
    const cb = await this.centralBank();
    await this.ledger.createAccounts([
      { id: GRIDLOCK_ACCOUNT, owner: cb.id, currency: 'KZT', code: 'gridlock', flags: { history: true } },
    ]);
    // Net legs, debits before credits, linked: each payer can cover its net debit, so the chain applies.
    const batch = `gridlock:${this.clock.nowMs()}:${this.seq}`;
    const legs = [...net.entries()].filter(([, v]) => v !== 0n).sort(([, a], [, b]) => (a < b ? -1 : a > b ? 1 : 0));
    const transfers: TransferInput[] = legs.map(([bic, v], i) => ({
      id: `${batch}:${i}`,
      debitAccountId: v < 0n ? settlementAccountId(bic) : GRIDLOCK_ACCOUNT,
      creditAccountId: v < 0n ? GRIDLOCK_ACCOUNT : settlementAccountId(bic),
      amount: v < 0n ? -v : v,
      currency: 'KZT',
      code: 'imts.gridlock',
      reference: batch,
      flags: { linked: i < legs.length - 1 },
    }));
    const payments = settled.map((s) => this.queuedPayments.get(s.id)!);
    for (const p of payments) {
      this.dequeue(p);
      this.applySettlement(p);
    }
    // nets of zero (a perfect cycle) move no money: the payments settle by offsetting alone
    const results = transfers.length > 0 ? await this.ledger.submit(transfers) : [];
    if (results.some((r) => !r.ok)) {
      for (const p of payments) {
        this.available.set(p.senderBic, (this.available.get(p.senderBic) ?? 0n) + p.amount);
        this.available.set(p.receiverBic, (this.available.get(p.receiverBic) ?? 0n) - p.amount);
        this.enqueue(p);
      }
      throw new DomainError('unavailable', 'gridlock settlement refused by the ledger');
    }
    const at = this.now();
    await this.writes.add(payments.flatMap((p) => settledWrites(p, at)));
    await this.retryQueues(new Set(payments.map((p) => p.receiverBic)));
    return { settled: payments.length, amount: payments.reduce((s, p) => s + p.amount, 0n) };
  }

  /** Central bank liquidity: injection credits a bank from the issuance account, withdrawal the reverse. */
  async liquidity(input: {
    id: string;
    bic: string;
    direction: 'inject' | 'withdraw';
    amount: bigint;
  }): Promise<{ available: bigint }> {
    const cb = await this.centralBank();
    return this.moveAgainstCentralBank({
      transferId: `imts:liquidity:${input.id}`,
      bic: input.bic,
      centralBankAccount: cb.issuanceAccountId,
      outOfBank: input.direction === 'withdraw',
      amount: input.amount,
      code: `imts.liquidity.${input.direction}`,
      what: 'withdrawal',
    });
  }

  /**
   * One transfer between a bank's settlement account and a central bank account. Money leaving the bank
   * is taken from the mirror first (so nothing decided meanwhile can spend it) and given back if the
   * ledger refuses; money arriving is credited after the commit and retries the bank's queue.
   */
  private async moveAgainstCentralBank(m: {
    transferId: string;
    bic: string;
    centralBankAccount: string;
    outOfBank: boolean;
    amount: bigint;
    code: string;
    what: string;
  }): Promise<{ available: bigint }> {
    if (!(await this.settlementParticipant(m.bic))) {
      throw new DomainError('validation', `${m.bic} is not an active settlement participant`, {
        reason: 'RC01',
        issues: [{ field: '/bic', message: 'unknown or inactive participant' }],
      });
    }
    // The same operation again (a retry after a lost answer or a crash) is answered, not applied twice to
    // the mirror: the ledger would answer its transfer id as a success, but the mirror must not move again.
    if (this.movesInFlight.has(m.transferId)) {
      throw new DomainError('conflict', 'this operation is in progress; retry it to get its answer');
    }
    this.movesInFlight.add(m.transferId);
    try {
      return await this.moveOnce(m);
    } finally {
      this.movesInFlight.delete(m.transferId);
    }
  }

  private async moveOnce(m: {
    transferId: string;
    bic: string;
    centralBankAccount: string;
    outOfBank: boolean;
    amount: bigint;
    code: string;
    what: string;
  }): Promise<{ available: bigint }> {
    const bankAccount = settlementAccountId(m.bic);
    const done = await this.ledger.getTransfer(m.transferId);
    if (done) {
      const same =
        done.amount === m.amount &&
        done.debitAccountId === (m.outOfBank ? bankAccount : m.centralBankAccount) &&
        done.creditAccountId === (m.outOfBank ? m.centralBankAccount : bankAccount);
      if (!same) throw new DomainError('conflict', `operation ${m.transferId} was already made with other content`);
      if (done.result !== 'ok')
        throw new DomainError('insufficient-funds', `${m.what} was refused`, { reason: 'AM04' });
      return { available: this.available.get(m.bic) ?? 0n };
    }
    if (m.outOfBank) {
      if ((this.available.get(m.bic) ?? 0n) < m.amount) {
        throw new DomainError('insufficient-funds', `${m.what} exceeds the available balance`, { reason: 'AM04' });
      }
      this.available.set(m.bic, this.available.get(m.bic)! - m.amount);
    }
    try {
      await this.ledger.transfer({
        id: m.transferId,
        debitAccountId: m.outOfBank ? bankAccount : m.centralBankAccount,
        creditAccountId: m.outOfBank ? m.centralBankAccount : bankAccount,
        amount: m.amount,
        currency: 'KZT',
        code: m.code,
      });
    } catch (e) {
      if (m.outOfBank) this.available.set(m.bic, this.available.get(m.bic)! + m.amount);
      throw e;
    }
    if (!m.outOfBank) {
      this.available.set(m.bic, (this.available.get(m.bic) ?? 0n) + m.amount);
      await this.retryQueues(new Set([m.bic]));
    }
    return { available: this.available.get(m.bic) ?? 0n };
  }

  /**
   * Funding of a prefunded ancillary position (IPS-6): `fund` debits the bank's settlement account into
   * its position account in the ancillary system (held on the central bank's books), `defund` brings it
   * back and retries the bank's queue. Refused while IMTS is closed (after the interbank cut-off).
   */
  async fundPosition(input: {
    id: string;
    system: string;
    bic: string;
    positionAccount: string;
    direction: 'fund' | 'defund';
    amount: bigint;
  }): Promise<{ available: bigint }> {
    const day = this.day();
    if (day && cutoffRejection('pacs.009', day)) {
      throw new DomainError('state', 'IMTS is closed: positions are funded and defunded during its operating day', {
        reason: 'TM01',
      });
    }
    return this.moveAgainstCentralBank({
      transferId: `imts:position:${input.system}:${input.id}`,
      bic: input.bic,
      centralBankAccount: input.positionAccount,
      outOfBank: input.direction === 'fund',
      amount: input.amount,
      code: `imts.position.${input.system}.${input.direction}`,
      what: 'funding',
    });
  }

  /**
   * Ancillary settlement (IMTS-5): net positions of a clearing system (ICS, card switch, IPS) settle all
   * or nothing. Every debit leg must be covered by available balance; otherwise nothing moves and the
   * answer names the uncovered participants, so the ancillary system can recompute without them.
   */
  async settleNetPositions(input: {
    id: string;
    system: string;
    legs: { bic: string; amount: bigint }[];
  }): Promise<{ settled: true } | { settled: false; uncovered: string[] }> {
    // the same settlement asked again (a retry after a crash) is answered, not applied twice
    if (await this.ancillarySettled(input.system, input.id)) return { settled: true };
    const sum = input.legs.reduce((s, l) => s + l.amount, 0n);
    if (sum !== 0n)
      throw new DomainError('validation', `net positions must sum to zero (they sum to ${sum})`, {
        issues: [{ field: '/legs', message: 'must sum to zero' }],
      });
    for (const [i, l] of input.legs.entries()) {
      if (!(await this.settlementParticipant(l.bic))) {
        throw new DomainError('validation', `${l.bic} is not an active settlement participant`, {
          reason: 'RC01',
          issues: [{ field: `/legs/${i}/bic`, message: 'unknown or inactive' }],
        });
      }
    }
    const uncovered = input.legs
      .filter((l) => l.amount < 0n && (this.available.get(l.bic) ?? 0n) < -l.amount)
      .map((l) => l.bic);
    if (uncovered.length > 0) return { settled: false, uncovered };
    const cb = await this.centralBank();
    const technical = `imts:ancillary:${input.system}:KZT`;
    await this.ledger.createAccounts([
      { id: technical, owner: cb.id, currency: 'KZT', code: 'ancillary', flags: { history: true } },
    ]);
    const legs = input.legs
      .filter((l) => l.amount !== 0n)
      .sort((a, b) => (a.amount < b.amount ? -1 : a.amount > b.amount ? 1 : 0));
    for (const l of legs) this.available.set(l.bic, (this.available.get(l.bic) ?? 0n) + l.amount);
    const results = await this.ledger.submit(
      legs.map((l, i) => ({
        id: `imts:ancillary:${input.system}:${input.id}:${i}`,
        debitAccountId: l.amount < 0n ? settlementAccountId(l.bic) : technical,
        creditAccountId: l.amount < 0n ? technical : settlementAccountId(l.bic),
        amount: l.amount < 0n ? -l.amount : l.amount,
        currency: 'KZT' as const,
        code: `imts.ancillary.${input.system}`,
        reference: input.id,
        flags: { linked: i < legs.length - 1 },
      })),
    );
    if (results.some((r) => !r.ok)) {
      for (const l of legs) this.available.set(l.bic, (this.available.get(l.bic) ?? 0n) - l.amount);
      throw new DomainError('unavailable', 'ancillary settlement refused by the ledger; nothing settled');
    }
    await this.retryQueues(new Set(legs.filter((l) => l.amount > 0n).map((l) => l.bic)));
    return { settled: true };
  }

  /** Whether an ancillary system's settlement with this id has settled (its first leg is on the ledger). */
  async ancillarySettled(system: string, id: string): Promise<boolean> {
    return (await this.ledger.getTransfer(`imts:ancillary:${system}:${id}:0`))?.result === 'ok';
  }

  /**
   * Conversion funding for the Digital Tenge (IMTS-6): converting non-cash tenge to DT debits the bank's
   * settlement account into the central bank's DT issuance account; redemption is the reverse.
   */
  async dtConversion(input: {
    id: string;
    bic: string;
    direction: 'to_dt' | 'from_dt';
    amount: bigint;
  }): Promise<{ available: bigint }> {
    const cb = await this.centralBank();
    const dtAccount = `cb:${cb.id}:dt-issuance:KZT`;
    await this.ledger.createAccounts([
      { id: dtAccount, owner: cb.id, currency: 'KZT', code: 'dt_issuance', flags: { history: true } },
    ]);
    return this.moveAgainstCentralBank({
      transferId: `imts:dt:${input.id}`,
      bic: input.bic,
      centralBankAccount: dtAccount,
      outOfBank: input.direction === 'to_dt',
      amount: input.amount,
      code: `imts.dt.${input.direction}`,
      what: 'conversion',
    });
  }

  // ---- cancellation requests (camt.056 → camt.029) ----

  /**
   * A sender's cancellation request (camt.056): every target names its own payments by transaction id, or by
   * end-to-end id and/or original message id (a whole message). Queued ones are cancelled together (as by
   * `cancel`); the others are refused and left untouched: ARDT when no longer queued, NOOR when there is no
   * such payment of this sender — another bank's payment looks exactly like an unknown one.
   */
  async requestCancellation(senderBic: string, targets: CancellationTarget[]): Promise<CancellationResult[]> {
    if (!(await this.settlementParticipant(senderBic)))
      throw new DomainError('forbidden', 'the sender is not an active settlement participant', { reason: 'RC01' });
    // first find everything (reads only), then cancel in one go: nothing changes for what is refused
    const found: Payment[][] = [];
    for (const t of targets) found.push(await this.ownPayments(senderBic, t));
    const items = targets.flatMap((t, i) => found[i]!.map((p) => ({ id: p.id, reason: t.reason ?? 'CUST' })));
    const results = await this.cancelAll(senderBic, items);
    let k = 0;
    return targets.map((target, i) => {
      const payments = found[i]!;
      if (payments.length === 0) {
        return {
          target,
          outcomes: [{ status: 'RJCR', reason: 'NOOR', narrative: 'no such payment from your BIC' }],
        };
      }
      return {
        target,
        outcomes: payments.map((p): CancellationOutcome => {
          const r = results[k++]!;
          if ('cancelled' in r) return { payment: r.cancelled, status: 'ACCR' };
          return r.error.type === 'state'
            ? { payment: p, status: 'RJCR', reason: 'ARDT', narrative: r.error.message }
            : { status: 'RJCR', reason: 'NOOR', narrative: 'no such payment from your BIC' };
        }),
      };
    });
  }

  /** The sender's own payments a cancellation target names (at most 1,000 for a whole message). */
  private async ownPayments(senderBic: string, t: CancellationTarget): Promise<Payment[]> {
    const matches = (p: Payment) =>
      p.senderBic === senderBic &&
      (t.orgnlMsgId === undefined || p.msgId === t.orgnlMsgId) &&
      (t.orgnlEndToEndId === undefined || p.endToEndId === t.orgnlEndToEndId) &&
      (t.orgnlTxId === undefined || p.txId === t.orgnlTxId);
    if (t.orgnlTxId !== undefined) {
      const id = paymentId(senderBic, t.orgnlTxId);
      const p = this.queuedPayments.get(id) ?? (await store.get(this.db, id));
      return p && matches(p) ? [p] : [];
    }
    if (t.orgnlMsgId === undefined && t.orgnlEndToEndId === undefined) return [];
    const rows = await store.bySenderReference(
      this.db,
      senderBic,
      { msgId: t.orgnlMsgId, endToEndId: t.orgnlEndToEndId },
      MAX_CANCEL_GROUP,
    );
    return rows.filter(matches);
  }

  // ---- returns (pacs.004) ----

  /** Returns are decided one message at a time, so two returns of one payment never both pass the check. */
  private returning: Promise<unknown> = Promise.resolve();

  /**
   * The receiver of settled payments returns them, fully or in part, to their senders (pacs.004). Each return
   * is a payment of its own (id `<returner BIC>:<RtrId>`, message type pacs.004) from the returner to the
   * original sender, settled through `submit` like any payment: at once when covered, else queued. Refused,
   * with nothing stored: a payment this caller did not receive (looks unknown, NARR), one not settled (NARR),
   * a return of a return (AG03), another currency (AM03), more than what is left to return, counting
   * returns still queued (AM02); a RtrId already used is DUPL. Answers per transaction like `submit`.
   */
  submitReturns(senderBic: string, msgId: string, returns: ReturnInstruction[]): Promise<ReturnStatus[]> {
    const run = this.returning.then(() => this.decideReturns(senderBic, msgId, returns));
    this.returning = run.catch(() => undefined);
    return run;
  }

  private async decideReturns(senderBic: string, msgId: string, returns: ReturnInstruction[]): Promise<ReturnStatus[]> {
    if (!(await this.settlementParticipant(senderBic)))
      throw new DomainError('forbidden', 'the sender is not an active settlement participant', { reason: 'RC01' });
    const ids = returns.map((r) => paymentId(senderBic, r.rtrId));
    if (new Set(ids).size !== ids.length)
      throw new DomainError('validation', 'return ids (RtrId) repeat within the message', { reason: 'DUPL' });
    const known = await store.exists(this.db, ids);
    const claimed = new Map<string, bigint>();
    const out: (ReturnStatus | undefined)[] = [];
    const accepted: PaymentInstruction[] = [];
    for (const [i, r] of returns.entries()) {
      const refuse = (reason: string, narrative?: string) =>
        out.push({
          paymentId: known.has(ids[i]!) ? ids[i]! : '',
          txId: r.rtrId,
          endToEndId: r.orgnlEndToEndId ?? '',
          status: 'RJCT',
          reason,
          ...(narrative ? { narrative } : {}),
        });
      if (known.has(ids[i]!)) {
        refuse('DUPL', `return ${r.rtrId} was already received`);
        continue;
      }
      const original = await store.get(this.db, paymentId(r.originalSenderBic, r.orgnlTxId));
      if (
        !original ||
        original.receiverBic !== senderBic ||
        (r.orgnlEndToEndId !== undefined && original.endToEndId !== r.orgnlEndToEndId) ||
        (r.orgnlMsgId !== undefined && original.msgId !== r.orgnlMsgId)
      ) {
        refuse('NARR', 'no such payment received by your BIC');
        continue;
      }
      if (original.msgType === 'pacs.004') {
        refuse('AG03', 'a return cannot be returned: send a new payment');
        continue;
      }
      if (original.status !== 'settled') {
        refuse('NARR', `the original payment is ${original.status}: only settled payments can be returned`);
        continue;
      }
      if (r.currency !== original.currency) {
        refuse('AM03', `the original payment is in ${original.currency}`);
        continue;
      }
      if (r.amount <= 0n) {
        refuse('AM12', 'the returned amount must be positive');
        continue;
      }
      const taken =
        claimed.get(original.id) ??
        (await store.returnsOf(this.db, original.id))
          .filter((x) => x.status === 'settled' || x.status === 'queued')
          .reduce((sum, x) => sum + x.amount, 0n);
      const left = original.amount - taken;
      if (r.amount > left) {
        refuse('AM02', `at most ${left} (minor units) of the original payment is left to return`);
        continue;
      }
      claimed.set(original.id, taken + r.amount);
      out.push(undefined);
      accepted.push({
        msgType: 'pacs.004',
        txId: r.rtrId,
        endToEndId: original.endToEndId,
        receiverBic: original.senderBic,
        amount: r.amount,
        currency: r.currency,
        priority: r.priority,
        document: r.document,
        returnOf: original.id,
        returnReason: r.reason,
      });
    }
    // the settlement path of every payment: mirror, queue, ledger, camt.054, durable before the answer; the
    // message id is recorded (and a repeated one refused) even when every return was refused
    const settled = await this.submit(senderBic, msgId, accepted);
    let k = 0;
    return out.map((s) => s ?? settled[k++]!);
  }

  /** A payment with what was returned of it (settled returns) and links to its returns, or a return itself. */
  async detail(id: string): Promise<PaymentDetail | undefined> {
    const p = await store.get(this.db, id);
    if (!p || p.msgType === 'pacs.004') return p;
    const returns = await store.returnsOf(this.db, id);
    return {
      ...p,
      returnedAmount: returns.filter((r) => r.status === 'settled').reduce((sum, r) => sum + r.amount, 0n),
      returns: returns.map((r) => ({
        id: r.id,
        txId: r.txId,
        amount: r.amount,
        status: r.status,
        returnReason: r.returnReason ?? null,
        createdAt: r.createdAt,
      })),
    };
  }

  get(id: string): Promise<Payment | undefined> {
    return store.get(this.db, id);
  }

  list(f: { bic?: string; status?: string; after?: bigint; limit: number }): Promise<Payment[]> {
    return store.list(this.db, f);
  }

  /** The queue as it stands, in settlement order per sender. */
  queue(bic?: string): Payment[] {
    const out: Payment[] = [];
    for (const [sender, q] of this.queues)
      if (!bic || sender === bic) for (const x of q) out.push(this.queuedPayments.get(x.id)!);
    return out;
  }

  availableBalance(bic: string): bigint {
    return this.available.get(bic) ?? 0n;
  }
}

/** A queued payment that settled: its new status, and the camt.054 notices to both banks. */
const settledWrites = (p: Payment, at: string): PaymentWrite[] => [
  { kind: 'status', id: p.id, status: 'settled', reason: null, priority: p.priority, at },
  { kind: 'settled-notice', payment: { ...p, status: 'settled' }, at },
];

/** A return's link to the payment it returns (set apart from `submit`'s hot path). */
function markReturn(p: Payment, t: PaymentInstruction): void {
  p.returnOf = t.returnOf!;
  if (t.returnReason !== undefined) p.returnReason = t.returnReason;
}

const toQueued = (p: Payment): QueuedPayment => ({
  id: p.id,
  debtor: p.senderBic,
  creditor: p.receiverBic,
  amount: p.amount,
  priority: p.priority,
  seq: p.seq,
});

/** Why a payment is refused outright (ISO 20022 ExternalStatusReason1Code), or undefined. */
function rejection(p: Payment, receiver: SettlementParticipant | undefined): string | undefined {
  if (p.currency !== 'KZT') return 'AM03';
  if (p.amount <= 0n) return 'AM01';
  if (!receiver) return 'RC01';
  if (receiver.bic === p.senderBic) return 'AC01';
  return undefined;
}

export type { PaymentStatus };
