import {
  appendAudit,
  type Clock,
  type Db,
  DomainError,
  enqueueWebhook,
  GroupCommit,
  type IdGenerator,
  invalid,
  type Logger,
  notFound,
  recordEvent,
  ulidGenerator,
} from '../platform/index.ts';
import { type BilateralFlow, closeCycleFlows } from './domain/flows.ts';
import { validateClearingPayment } from './domain/payment.ts';
import { cycleReport } from './domain/report.ts';
import {
  type BusinessCalendar,
  type CurrentCycle,
  type CycleRef,
  type CycleSchedule,
  cycleAt,
  cycleById,
} from './domain/schedule.ts';
import {
  type CycleOutcome,
  type CycleRow,
  type CycleStatus,
  type IntakeRow,
  type MessageWrite,
  type PaymentRow,
  type ReportRow,
  icsStore as store,
} from './store.ts';

/** What ICS needs to know of a participant; the participants module answers. */
export interface IcsParticipant {
  id: string;
  bic: string;
  status: 'active' | 'suspended' | 'blocked';
  roles: string[];
}

/**
 * What ICS needs of IMTS (ImtsService has exactly this shape): the available balance of a settlement
 * account, and all-or-nothing settlement of net positions (IMTS-5). `+` credits, `−` debits.
 */
export interface IcsSettlement {
  availableBalance(bic: string): bigint;
  settleNetPositions(input: {
    id: string;
    system: string;
    legs: { bic: string; amount: bigint }[];
  }): Promise<{ settled: true } | { settled: false; uncovered: string[] }>;
}

export interface IcsPaymentInput {
  txId: string;
  endToEndId: string;
  receiverBic: string;
  /** Tiyn. */
  amount: bigint;
  currency: string;
}

export interface IcsTxStatus {
  /** `<sender BIC>:<txId>`. */
  paymentId: string;
  txId: string;
  endToEndId: string;
  /** ACSP: accepted into the cycle, settlement at its close; RJCT: refused (reason). */
  status: 'ACSP' | 'RJCT';
  reason?: string;
}

export interface SubmitResult {
  msgId: string;
  cycleId: string;
  /** Group status: ACSP (all accepted), PART, RJCT (none). */
  status: 'ACSP' | 'PART' | 'RJCT';
  accepted: number;
  rejected: number;
  transactions: IcsTxStatus[];
}

export type PaymentStatus = 'accepted' | 'settled' | 'rejected';

export interface IcsPayment {
  id: string;
  seq: bigint;
  msgId: string;
  txId: string;
  endToEndId: string;
  senderBic: string;
  receiverBic: string;
  amount: bigint;
  currency: 'KZT';
  cycleId: string;
  status: PaymentStatus;
  reason: string | null;
  createdAt: string;
}

export interface IcsCycle {
  id: string;
  businessDate: string;
  number: number;
  opensAt: string;
  closesAt: string;
  status: CycleStatus;
  /** Payments accepted into the cycle at intake, and their sum. */
  acceptedCount: number;
  acceptedAmount: bigint;
  /** After the close: what settled and what was rejected (AM04 uncovered, AC06 inactive participant). */
  settledCount: number | null;
  settledAmount: bigint | null;
  rejectedCount: number | null;
  rejectedAmount: bigint | null;
  rounds: number | null;
  settlementId: string | null;
  closedAt: string | null;
  closedBy: string | null;
}

export type IcsReportRow = ReportRow & { cycleId: string };

/** Almaty (UTC+5, no DST): five clearing cycles a business day. */
export const DEFAULT_SCHEDULE: CycleSchedule = {
  offsetMinutes: 300,
  closes: ['10:00', '12:00', '14:00', '16:00', '18:00'],
};
/** Saturday and Sunday off; holidays come from configuration. */
export const DEFAULT_CALENDAR: BusinessCalendar = {};
/** Largest message the service takes (HTTP limits a message further, by schema and body size). */
export const MAX_MESSAGE_TRANSACTIONS = 100_000;
const REASON_INACTIVE = 'AC06';
const SCHEDULER = 'system:ics-scheduler';

const isSettlementParticipant = (p: IcsParticipant | undefined): p is IcsParticipant =>
  p?.status === 'active' && p.roles.includes('settlement');

/**
 * ICS, the clearing system for small payments. Intake assigns each accepted payment to the open
 * clearing cycle and answers once the rows are durable (group commit: many messages per fsync).
 * Closing a cycle nets it multilaterally from SQL aggregates (a cycle of a million payments is a few
 * hundred sender→receiver sums), asks IMTS to settle the net positions all or nothing, and on a
 * participant found uncovered removes its outgoing payments and tries again — never partially.
 *
 * One writer process per database schema (like IMTS and the ledger): seq numbers and the close are
 * decided in this process.
 */
export class IcsService {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly ids: IdGenerator;
  private readonly imts: IcsSettlement;
  private readonly lookup: (bic: string) => Promise<IcsParticipant | undefined>;
  private readonly wasSettled: ((settlementId: string) => Promise<boolean>) | undefined;
  readonly schedule: CycleSchedule;
  readonly calendar: BusinessCalendar;
  private readonly writes: GroupCommit<MessageWrite>;
  private readonly counters = { payment: 0n, message: 0n };
  /** Cycles that began closing before their scheduled close: intake skips them. */
  private readonly closedEarly = new Set<string>();
  private closeChain: Promise<unknown> = Promise.resolve();
  private started = false;
  private timer: NodeJS.Timeout | undefined;
  /** The scheduled run in progress: it may close several cycles, one after the other. */
  private ticking: Promise<void> | undefined;
  private stopped = false;

  constructor(deps: {
    db: Db;
    clock: Clock;
    logger: Logger;
    ids?: IdGenerator;
    imts: IcsSettlement;
    lookup: (bic: string) => Promise<IcsParticipant | undefined>;
    /**
     * Whether IMTS settled the attempt with this id (its ledger transfers committed). Needed only to
     * finish a close interrupted between asking IMTS and recording the answer; without it such a cycle
     * waits for an operator instead of risking a second settlement.
     */
    wasSettled?: (settlementId: string) => Promise<boolean>;
    schedule?: CycleSchedule;
    calendar?: BusinessCalendar;
  }) {
    this.db = deps.db;
    this.clock = deps.clock;
    this.logger = deps.logger;
    this.ids = deps.ids ?? ulidGenerator(deps.clock);
    this.imts = deps.imts;
    this.lookup = deps.lookup;
    this.wasSettled = deps.wasSettled;
    this.schedule = deps.schedule ?? DEFAULT_SCHEDULE;
    this.calendar = deps.calendar ?? DEFAULT_CALENDAR;
    // validates the schedule now rather than at the first payment
    cycleAt(this.schedule, this.calendar, this.clock.now());
    this.writes = new GroupCommit(
      this.db,
      (tx, items) =>
        store.writeMessages(tx, items, {
          counters: this.counters,
          nextCycle: (c) => cycleAt(this.schedule, this.calendar, c.closesAt),
        }),
      { maxBatch: 64 },
    );
  }

  /** Loads the seq counters and the cycles closed early. Call once before anything else. */
  async start(): Promise<void> {
    const seqs = await store.maxSeqs(this.db);
    this.counters.payment = seqs.payment;
    this.counters.message = seqs.message;
    for (const id of await store.closedEarly(this.db, this.now())) this.closedEarly.add(id);
    this.started = true;
  }

  /**
   * Closes cycles on schedule: now (catching up on any left open while the process was down), then at
   * each close time. Retries a failed close after 30 s.
   */
  startSchedule(): void {
    this.stopped = false;
    const tick = () => {
      this.timer = undefined;
      this.ticking = run()
        .catch((err) => this.logger.error({ err }, 'ICS schedule failed'))
        .finally(() => {
          this.ticking = undefined;
        });
    };
    const run = async () => {
      let failed = true;
      try {
        failed = (await this.closeDue()).failed.length > 0;
      } catch (err) {
        this.logger.error({ err }, 'ICS scheduled close failed');
      }
      if (this.stopped) return;
      const untilClose = this.currentCycle().closesAt.getTime() - this.clock.nowMs();
      this.timer = setTimeout(tick, Math.max(0, Math.min(untilClose + 5, failed ? 30_000 : 3_600_000)));
      this.timer.unref();
    };
    this.timer = setTimeout(tick, 0);
    this.timer.unref();
  }

  /** Stops the schedule and waits for a close in progress, and for the rest of the scheduled run it is part of. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
    await this.closeChain;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  /** The cycle a payment arriving now goes to: the scheduled one, unless the operator closed it early. */
  currentCycle(): CurrentCycle {
    let c = cycleAt(this.schedule, this.calendar, this.clock.now());
    while (this.closedEarly.has(c.id)) c = cycleAt(this.schedule, this.calendar, c.closesAt);
    return c;
  }

  /**
   * Takes one message of `senderBic`: every transaction is answered ACSP (accepted into the cycle) or
   * RJCT with an ISO 20022 reason — AM02 over the ICS limit, AM01 not positive, AM03 not KZT, RC01
   * receiver not an active settlement participant, AC01 receiver = sender, DUPL transaction id used
   * before (or twice in the message). Refused transactions are stored too (except repeats), so a
   * transaction id is used once. Answers only when durable. A repeated message id is 409 DUPL.
   */
  async submit(
    senderBic: string,
    msg: { msgId: string; msgType?: string; payments: readonly IcsPaymentInput[] },
  ): Promise<SubmitResult> {
    if (!this.started) throw new DomainError('internal', 'IcsService.start() was not called');
    const { msgId, payments } = msg;
    if (typeof msgId !== 'string' || msgId.length === 0 || msgId.length > 35)
      throw invalid('/msgId', 'must be 1 to 35 characters');
    if (payments.length === 0 || payments.length > MAX_MESSAGE_TRANSACTIONS)
      throw invalid('/payments', `must hold 1 to ${MAX_MESSAGE_TRANSACTIONS} payments`);
    const sender = await this.lookup(senderBic);
    if (!isSettlementParticipant(sender))
      throw new DomainError('forbidden', 'the sender is not an active settlement participant', { reason: 'RC01' });

    const receivers = new Map<string, IcsParticipant | undefined>();
    for (const p of payments)
      if (!receivers.has(p.receiverBic)) receivers.set(p.receiverBic, await this.lookup(p.receiverBic));

    const statuses: IcsTxStatus[] = new Array(payments.length);
    const rows: IntakeRow[] = [];
    const at: number[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < payments.length; i++) {
      const p = payments[i]!;
      if (seen.has(p.txId)) {
        statuses[i] = {
          paymentId: `${senderBic}:${p.txId}`,
          txId: p.txId,
          endToEndId: p.endToEndId,
          status: 'RJCT',
          reason: 'DUPL',
        };
        continue;
      }
      seen.add(p.txId);
      rows.push({
        txId: p.txId,
        endToEndId: p.endToEndId,
        receiverBic: p.receiverBic,
        amount: p.amount,
        reason: intakeRejection(senderBic, p, receivers.get(p.receiverBic)),
      });
      at.push(i);
    }

    const cycle = this.currentCycle();
    const item: MessageWrite = {
      senderBic,
      msgId,
      msgType: msg.msgType ?? 'batch',
      at: this.now(),
      cycle,
      rows,
      cycleId: cycle.id,
      duplicate: false,
      dupTxIds: null,
    };
    await this.writes.add(item);
    if (item.duplicate) throw new DomainError('conflict', `message ${msgId} was already received`, { reason: 'DUPL' });

    let accepted = 0;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      const reason = item.dupTxIds?.has(row.txId) ? 'DUPL' : row.reason;
      const s: IcsTxStatus = {
        paymentId: `${senderBic}:${row.txId}`,
        txId: row.txId,
        endToEndId: row.endToEndId,
        status: reason ? 'RJCT' : 'ACSP',
      };
      if (reason) s.reason = reason;
      else accepted++;
      statuses[at[r]!] = s;
    }
    const rejected = payments.length - accepted;
    return {
      msgId,
      cycleId: item.cycleId,
      status: rejected === 0 ? 'ACSP' : accepted === 0 ? 'RJCT' : 'PART',
      accepted,
      rejected,
      transactions: statuses,
    };
  }

  /**
   * Closes a cycle now (the operator, or the schedule): nets it, settles the net positions through
   * IMTS all or nothing, stores the per-participant report and records `ics.cycle_closed`, all of the
   * last in one transaction. The current cycle may be closed early (later payments go to the next);
   * one that has not opened may not. Closes run one at a time. A closed cycle answers 409.
   */
  closeCycle(cycleId: string, actor = SCHEDULER): Promise<IcsCycle> {
    const run = this.closeChain.then(() => this.close(cycleId, actor));
    this.closeChain = run.catch(() => undefined);
    return run;
  }

  /** Closes every cycle that is due (or was interrupted), and the cycle that ended last even if empty. */
  async closeDue(): Promise<{ closed: string[]; failed: string[] }> {
    const now = this.clock.now();
    const due = (await store.unfinished(this.db, now.toISOString())).map((c) => c.id);
    const current = cycleAt(this.schedule, this.calendar, now);
    const last = cycleAt(this.schedule, this.calendar, new Date(current.opensAt.getTime() - 1));
    if (!due.includes(last.id) && (await store.cycle(this.db, last.id))?.status !== 'closed') due.push(last.id);
    const closed: string[] = [];
    const failed: string[] = [];
    for (const id of due) {
      try {
        await this.closeCycle(id, SCHEDULER);
        closed.push(id);
      } catch (err) {
        failed.push(id);
        this.logger.error({ err, cycleId: id }, 'ICS cycle close failed; retried on the next run');
      }
    }
    return { closed, failed };
  }

  private async close(cycleId: string, actor: string): Promise<IcsCycle> {
    const ref = cycleById(this.schedule, this.calendar, cycleId);
    if (ref.opensAt.getTime() > this.clock.nowMs())
      throw new DomainError('state', `cycle ${cycleId} has not opened yet (it opens ${ref.opensAt.toISOString()})`);
    // Phase 1: open → closing, committed before anything is read. From here the intake writer sends new
    // messages to the next cycle; on PostgreSQL this waits for writers holding the cycle row.
    await this.db.transaction(async (tx) => {
      await store.ensureCycle(tx, ref, this.now());
      const c = await store.cycle(tx, cycleId, true);
      if (c?.status === 'closed') throw new DomainError('state', `cycle ${cycleId} is already closed`);
      await store.beginClose(tx, cycleId);
    });
    if (ref.closesAt.getTime() > this.clock.nowMs()) this.closedEarly.add(cycleId);
    let c = (await store.cycle(this.db, cycleId))!;

    if (c.status === 'settling') {
      // interrupted after asking IMTS: finish exactly as decided if it settled, else start over
      const outcome = c.outcome!;
      if (!this.wasSettled)
        throw new DomainError(
          'state',
          `cycle ${cycleId}: settlement ${outcome.settlementId} was requested before an interruption and its outcome is unknown here`,
        );
      if (await this.wasSettled(outcome.settlementId!)) return this.finish(c, outcome, actor);
      await store.backToClosing(this.db, cycleId);
      c = (await store.cycle(this.db, cycleId))!;
    }

    // Phase 2: net from the stored flows. Payments to or from a participant no longer active cannot
    // settle (IMTS takes legs of active settlement participants only): rejected AC06 first.
    const all = await store.flows(this.db, c, REASON_INACTIVE);
    const bics = [...new Set(all.filter((f) => !f.rejected).flatMap((f) => [f.debtor, f.creditor]))];
    const participants = new Map<string, IcsParticipant | undefined>();
    for (const b of bics) participants.set(b, await this.lookup(b));
    const inactive = bics.filter((b) => !isSettlementParticipant(participants.get(b)));
    if (inactive.length > 0) {
      const gone = new Set(inactive);
      for (const f of all) if (!f.rejected && (gone.has(f.debtor) || gone.has(f.creditor))) f.rejected = true;
      await this.db.transaction((tx) => store.rejectInvolving(tx, c, inactive, REASON_INACTIVE));
    }
    const flows: BilateralFlow[] = all.filter((f) => !f.rejected);
    const inactiveRejected = all.filter((f) => f.rejected);

    const forced = new Set<string>();
    // attempt numbers continue across runs of the close: the ledger keeps even refused transfers under
    // their ids, so an id is never offered to IMTS twice
    for (let attempt = c.attempts + 1; ; attempt++) {
      const balances = new Map(bics.map((b) => [b, this.imts.availableBalance(b)]));
      const result = closeCycleFlows(flows, balances, forced);
      const report: ReportRow[] = cycleReport(result).map((r) => ({
        ...r,
        participantId: participants.get(r.participant)?.id ?? null,
      }));
      const legs = result.legs.map((l) => ({ bic: l.participant, amount: l.amount }));
      const outcome: CycleOutcome = {
        settlementId: legs.length > 0 ? settlementIdOf(cycleId, attempt) : null,
        rounds: result.rounds,
        legs,
        report,
        forced: [...forced].sort(),
        inactive: [...inactive].sort(),
        settledCount: report.reduce((s, r) => s + r.sentCount, 0),
        settledAmount: report.reduce((s, r) => s + r.sentAmount, 0n),
        rejectedCount:
          report.reduce((s, r) => s + r.rejectedCount, 0) + inactiveRejected.reduce((s, f) => s + f.count, 0),
        rejectedAmount:
          report.reduce((s, r) => s + r.rejectedAmount, 0n) + inactiveRejected.reduce((s, f) => s + f.amount, 0n),
      };
      if (legs.length === 0) return this.finish(c, outcome, actor);

      await store.markSettling(this.db, cycleId, outcome, attempt);
      let answer: Awaited<ReturnType<IcsSettlement['settleNetPositions']>>;
      try {
        answer = await this.imts.settleNetPositions({ id: outcome.settlementId!, system: 'ics', legs });
      } catch (err) {
        // IMTS settles all or nothing and an error means nothing moved; where the ledger can be asked, ask
        if (this.wasSettled && (await this.wasSettled(outcome.settlementId!))) return this.finish(c, outcome, actor);
        await store.backToClosing(this.db, cycleId);
        throw err;
      }
      if (answer.settled) return this.finish(c, outcome, actor);
      await store.backToClosing(this.db, cycleId);
      const fresh = answer.uncovered.filter((b) => !forced.has(b));
      if (fresh.length === 0)
        throw new DomainError('internal', `IMTS keeps refusing cycle ${cycleId} for ${answer.uncovered.join(', ')}`);
      this.logger.warn({ cycleId, uncovered: fresh, attempt }, 'IMTS found participants uncovered; recomputing');
      for (const b of fresh) forced.add(b);
    }
  }

  /** Phase 3: the report, the closed status, the event, the audit entry and the participants' webhooks. */
  private async finish(c: CycleRow, outcome: CycleOutcome, actor: string): Promise<IcsCycle> {
    const at = this.now();
    const summary = {
      cycleId: c.id,
      businessDate: c.businessDate,
      number: c.number,
      settlementId: outcome.settlementId,
      rounds: outcome.rounds,
      settledCount: outcome.settledCount,
      settledAmount: outcome.settledAmount,
      rejectedCount: outcome.rejectedCount,
      rejectedAmount: outcome.rejectedAmount,
      removed: outcome.report.filter((r) => r.status === 'rejected').map((r) => r.participant),
      inactive: outcome.inactive,
    };
    await this.db.transaction(async (tx) => {
      await store.markClosed(tx, c.id, outcome, at, actor);
      await recordEvent(
        tx,
        { type: 'ics.cycle_closed', key: c.id, data: { ...summary, legs: outcome.legs } },
        this.ids,
        this.clock,
      );
      await appendAudit(
        tx,
        { actor, action: 'ics.cycle.close', entity: 'ics_cycle', entityId: c.id, details: summary },
        this.clock,
      );
      for (const r of outcome.report) {
        if (!r.participantId) continue;
        await enqueueWebhook(
          tx,
          {
            participantId: r.participantId,
            eventType: 'ics.cycle_report',
            payload: { cycleId: c.id, businessDate: c.businessDate, number: c.number, closedAt: at, report: r },
            idempotencyKey: `ics:${c.id}:report`,
          },
          this.ids,
          this.clock,
        );
      }
    });
    this.logger.info(summary, 'ICS cycle closed');
    return cycleView((await store.cycle(this.db, c.id))!);
  }

  async cycle(id: string): Promise<IcsCycle> {
    const ref = cycleById(this.schedule, this.calendar, id);
    const c = await store.cycle(this.db, id);
    return c ? cycleView(c) : plannedCycle(ref);
  }

  async current(): Promise<IcsCycle & { next: { id: string; opensAt: string; closesAt: string } }> {
    const cur = this.currentCycle();
    const c = await store.cycle(this.db, cur.id);
    return {
      ...(c ? cycleView(c) : plannedCycle(cur)),
      next: { id: cur.next.id, opensAt: cur.next.opensAt.toISOString(), closesAt: cur.next.closesAt.toISOString() },
    };
  }

  async cycles(f: { status?: CycleStatus; before?: string; limit: number }): Promise<IcsCycle[]> {
    return (await store.cycles(this.db, f)).map(cycleView);
  }

  /** Payments of a cycle (default: the current one) in seq order; `bic` = only those it sent or received. */
  async payments(f: {
    cycleId?: string;
    bic?: string;
    status?: PaymentStatus;
    after?: bigint;
    limit: number;
  }): Promise<IcsPayment[]> {
    const id = f.cycleId ?? this.currentCycle().id;
    cycleById(this.schedule, this.calendar, id);
    const c = await store.cycle(this.db, id);
    if (!c) return [];
    return (await store.payments(this.db, c, f)).map(paymentView);
  }

  /** One payment by `<sender BIC>:<txId>`. */
  async payment(id: string): Promise<IcsPayment> {
    const i = id.indexOf(':');
    const p = i > 0 ? await store.payment(this.db, id.slice(0, i), id.slice(i + 1)) : undefined;
    if (!p) throw notFound('payment');
    return paymentView(p);
  }

  /** The report rows of a closed cycle: one participant's, or all. */
  async report(cycleId: string, bic?: string): Promise<IcsReportRow[]> {
    cycleById(this.schedule, this.calendar, cycleId);
    const c = await store.cycle(this.db, cycleId);
    if (c?.status !== 'closed') throw new DomainError('state', `cycle ${cycleId} is not closed: no report yet`);
    return (await store.reports(this.db, { cycleId, bic })) as IcsReportRow[];
  }
}

/** IMTS's id of one settlement attempt: `2026-11-23#2`, attempt 1 → `2026-11-23.2-a1` (ledger ids take no '#'). */
export const settlementIdOf = (cycleId: string, attempt: number): string => `${cycleId.replace('#', '.')}-a${attempt}`;

/** Why a payment is refused at intake (ISO 20022 ExternalStatusReason1Code), or null. */
function intakeRejection(senderBic: string, p: IcsPaymentInput, receiver: IcsParticipant | undefined): string | null {
  if (p.currency !== 'KZT') return 'AM03';
  try {
    validateClearingPayment({
      id: `${senderBic}:${p.txId}`,
      debtor: senderBic,
      creditor: p.receiverBic,
      amount: p.amount,
    });
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    return e.reason ?? (e.issues[0]?.field === 'creditor' ? 'AC01' : 'FF01');
  }
  if (!isSettlementParticipant(receiver)) return 'RC01';
  return null;
}

/** accepted → settled or rejected: a closed cycle's payment follows its sender's report row. */
export function paymentStatus(p: PaymentRow): { status: PaymentStatus; reason: string | null } {
  if (p.reason !== null) return { status: 'rejected', reason: p.reason };
  if (p.cycleStatus !== 'closed') return { status: 'accepted', reason: null };
  if (p.outcome === 'rejected') return { status: 'rejected', reason: 'AM04' };
  return { status: 'settled', reason: null };
}

const paymentView = (p: PaymentRow): IcsPayment => ({
  id: `${p.senderBic}:${p.txId}`,
  seq: p.seq,
  msgId: p.msgId,
  txId: p.txId,
  endToEndId: p.endToEndId,
  senderBic: p.senderBic,
  receiverBic: p.receiverBic,
  amount: p.amount,
  currency: 'KZT',
  cycleId: p.cycleId,
  ...paymentStatus(p),
  createdAt: p.createdAt,
});

const cycleView = (c: CycleRow): IcsCycle => {
  const o = c.status === 'closed' ? c.outcome : null;
  return {
    id: c.id,
    businessDate: c.businessDate,
    number: c.number,
    opensAt: c.opensAt,
    closesAt: c.closesAt,
    status: c.status,
    acceptedCount: Number(c.acceptedCount),
    acceptedAmount: c.acceptedAmount,
    settledCount: o?.settledCount ?? null,
    settledAmount: o?.settledAmount ?? null,
    rejectedCount: o?.rejectedCount ?? null,
    rejectedAmount: o?.rejectedAmount ?? null,
    rounds: o?.rounds ?? null,
    settlementId: o?.settlementId ?? null,
    closedAt: c.closedAt,
    closedBy: c.closedBy,
  };
};

/** A cycle of the schedule nobody has paid into yet. */
const plannedCycle = (r: CycleRef): IcsCycle => ({
  id: r.id,
  businessDate: r.businessDate,
  number: r.number,
  opensAt: r.opensAt.toISOString(),
  closesAt: r.closesAt.toISOString(),
  status: 'open',
  acceptedCount: 0,
  acceptedAmount: 0n,
  settledCount: null,
  settledAmount: null,
  rejectedCount: null,
  rejectedAmount: null,
  rounds: null,
  settlementId: null,
  closedAt: null,
  closedBy: null,
});
