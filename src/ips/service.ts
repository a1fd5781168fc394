import type { ImtsService } from '../imts/index.ts';
import type { Ledger } from '../ledger/index.ts';
import {
  type Clock,
  type Db,
  DomainError,
  enqueueWebhooks,
  GroupCommit,
  type IdGenerator,
  type Logger,
  notFound,
  type Queryable,
  type WebhookInput,
} from '../platform/index.ts';
import type { IpsNetDebitCaps } from './caps.ts';
import { type DeliveryAnswer, deliver, type PayeeEndpoint } from './delivery.ts';
import {
  type IpsPayment,
  ISO_STATUS,
  intakeRejection,
  ipsPaymentId,
  positionAccountId,
  reservationId,
  sameInstruction,
} from './domain/payment.ts';
import { ipsStore as store } from './store.ts';

/** A credit to a suspect is held three days by default (Pix MED's cautionary block lasts up to 72 h). */
const DEFAULT_HOLD_MS = 72 * 3_600_000;

/** What IPS needs to know of a participant. */
export interface IpsParticipant {
  id: string;
  bic: string;
  status: 'active' | 'suspended' | 'blocked';
}

/** One credit transfer as the payer bank instructs it (from a pacs.008 of one transaction). */
export interface InstantInstruction {
  msgId: string;
  txId: string;
  endToEndId: string;
  amount: bigint;
  currency: string;
  /**
   * Me2Me (IPS-3): a transfer between the same person's accounts at two banks. The platform checks the
   * debtor's IIN against the creditor's: the alias directory's holder when paid by phone, else the stated one.
   */
  me2me?: boolean;
  debtorIin?: string;
  creditorIin?: string;
  /** The payee bank and account, or a phone alias to resolve (then both may be absent). */
  payeeBic?: string;
  creditorAccount?: string;
  alias?: string;
  document: unknown;
}

export interface IpsTxStatus {
  paymentId: string;
  txId: string;
  endToEndId: string;
  status: 'ACSP' | 'ACSC' | 'RJCT';
  reason?: string;
}

/** A fee posted for a payment, to be recorded with its settlement. */
export interface FeeCharge {
  bic: string;
  type: string;
  amount: bigint;
  tariffId: string;
}

/** What a scanned QR says, as the merchant registry resolved it. */
export interface ScannedQr {
  acquirerBic: string;
  merchant: { id: string; merchantId: string; name: string; account: string };
  /** tiyn; undefined on a static code without an amount. */
  amount: bigint | undefined;
  dynamic: boolean;
  qrId?: string;
  reference?: string;
}

/** The Anti-Fraud Center's answer on a payment; allow until it plugs in. */
export type Screening = (p: IpsPayment) => Promise<{ decision: 'allow' | 'review' | 'block'; reasons: string[] }>;

export interface IpsDeps {
  db: Db;
  ledger: Ledger;
  imts: ImtsService;
  clock: Clock;
  ids: IdGenerator;
  logger: Logger;
  lookup: (bic: string) => Promise<IpsParticipant | undefined>;
  /**
   * The payee bank's endpoint for `ips.pacs008`, if it has one. One found serves the payments of the next
   * `endpointTtlMs` (default 1000; 0: looked up for every payment): a changed URL or secret takes effect
   * within a second, as participants' statuses do (at once when changed in this process: `forgetEndpoint`).
   * A bank without one is looked up again every time.
   */
  endpoint: (participantId: string) => Promise<PayeeEndpoint | undefined>;
  endpointTtlMs?: number;
  /** The alias directory: phone (E.164) → bank and account. */
  resolveAlias?: (phone: string) => Promise<{ bic: string; accountId: string; holderIin?: string } | undefined>;
  screen?: Screening;
  /** The merchant registry: a scanned interbank QR → merchant, acquirer, amount (throws its refusals). */
  resolveQr?: (payload: string) => Promise<ScannedQr>;
  /** Records that a dynamic QR is paid, in the transaction recording the payment as settled. */
  markQrPaid?: (qrId: string, paymentId: string, tx: Queryable) => Promise<void>;
  centralBank: () => Promise<{ id: string }>;
  /** Fees by tariff (IPS-7): posted when a payment settles, recorded with the settlement. */
  fees?: {
    charge: (p: IpsPayment) => Promise<FeeCharge | undefined>;
    record: (tx: Queryable, paymentId: string, fee: FeeCharge, at: string) => Promise<void>;
  };
  /** Per-participant net debit caps, reserved with each payment on the ledger. */
  caps?: IpsNetDebitCaps;
  /** How long the payee bank has to answer, ms. Default 5,000. */
  answerTimeoutMs?: number;
  /** How long the payee bank holds the credit of a payment the AFC asked to review, ms. Default 72 h. */
  reviewHoldMs?: number;
  fetch?: typeof fetch;
}

/** A payment waiting for its batch to be recorded; `inserted` is set by the batch. */
interface PendingInsert {
  payment: IpsPayment;
  inserted: boolean;
}

/** An outcome waiting for its batch: the payer (and the payee of a late answer) are notified with it. */
interface Conclusion {
  p: IpsPayment;
  final: IpsPayment;
  at: string;
  payer: IpsParticipant | undefined;
  payee: IpsParticipant | undefined;
  decidedHere: boolean;
}

const toStatus = (p: IpsPayment): IpsTxStatus => ({
  paymentId: p.id,
  txId: p.txId,
  endToEndId: p.endToEndId,
  status: ISO_STATUS[p.status],
  ...(p.reason ? { reason: p.reason } : {}),
});

/**
 * IPS, the instant payment system (IPS-1, IPS-6): 24/7 credit transfers between banks' prefunded positions
 * in central bank money. A payment reserves the amount on the payer bank's position (a pending ledger
 * transfer, so the position can never be overdrawn), is delivered to the payee bank, and settles (post)
 * when that bank accepts or is released (void) when it refuses or does not answer in time. The ledger's
 * pending state is the truth: whatever path decides a payment (the delivery's answer, a later answer, the
 * deadline sweep, a restart), the status follows what the ledger did.
 */
export class IpsService {
  private readonly d: IpsDeps;
  private readonly timeoutMs: number;
  /** Payments being concluded in this process, so two deciders share one outcome. */
  private readonly concluding = new Map<string, Promise<IpsPayment>>();
  /** Dynamic QRs being paid in this process: a second payment of one code is refused while it runs. */
  private readonly qrsInFlight = new Set<string>();
  /** What to record with a payment when it settles (a dynamic QR paid), by payment id. */
  private readonly onSettled = new Map<string, (tx: Queryable) => Promise<void>>();
  /** The cap legs each payment in flight here reserved (none: empty), so concluding needs no lookup. */
  private readonly capLegs = new Map<string, string[]>();
  /** Payer requests waiting for a later answer, by payment id. */
  private readonly waiting = new Map<string, (a: DeliveryAnswer) => void>();
  private sweeper: NodeJS.Timeout | undefined;
  /** Payee endpoints found recently, by participant id (see `endpointTtlMs`). */
  private readonly endpoints = new Map<string, { until: number; endpoint: Promise<PayeeEndpoint | undefined> }>();

  /** Payments being recorded (reserved, or refused before anything moved): one multi-row insert per batch. */
  private readonly inserts: GroupCommit<PendingInsert>;
  /** Outcomes being recorded with their notices: one transaction per batch. */
  private readonly conclusions: GroupCommit<Conclusion>;

  constructor(deps: IpsDeps) {
    this.d = deps;
    this.timeoutMs = deps.answerTimeoutMs ?? 5000;
    this.inserts = new GroupCommit(deps.db, async (tx, batch) => {
      const inserted = await store.insertMany(
        tx,
        batch.map((i) => i.payment),
      );
      // two copies of one transaction in a batch: the first is the one inserted
      for (const i of batch) {
        i.inserted = inserted.delete(i.payment.id);
      }
    });
    this.conclusions = new GroupCommit(deps.db, async (tx, batch) => {
      // rows in one order whoever writes them (PostgreSQL: concurrent batches rarely wait on each other)
      const sorted = [...batch].sort((a, b) => (a.p.id < b.p.id ? -1 : a.p.id > b.p.id ? 1 : 0));
      const moved = await store.finishMany(
        tx,
        sorted.map((c) => ({ id: c.p.id, status: c.final.status, reason: c.final.reason, at: c.at })),
      );
      for (const c of sorted) c.decidedHere = moved.has(c.p.id);
      await enqueueWebhooks(
        tx,
        sorted.filter((c) => c.decidedHere).flatMap((c) => this.notices(c)),
        this.d.ids,
        this.d.clock,
      );
    });
  }

  /**
   * Records a payment with the others of the moment (one commit, on PostgreSQL one transaction for all of
   * them); false when its id was taken (a copy of the same transaction got there first).
   */
  private async insert(payment: IpsPayment): Promise<boolean> {
    const i: PendingInsert = { payment, inserted: false };
    await this.inserts.add(i);
    return i.inserted;
  }

  /**
   * Moves a reserved payment to its outcome, with `extra` and the notices (pacs.002 webhooks) in the same
   * transaction; false when it was concluded already (someone else decided).
   */
  private async recordConclusion(
    tx: Queryable,
    c: Conclusion,
    extra?: (tx: Queryable) => Promise<void>,
  ): Promise<boolean> {
    if (!(await store.finish(tx, c.p.id, c.final.status, c.final.reason, c.at))) return false;
    await extra?.(tx);
    await enqueueWebhooks(tx, this.notices(c), this.d.ids, this.d.clock);
    return true;
  }

  /**
   * The pacs.002 notices of an outcome: to the payer bank, and to a payee bank whose answer came too late
   * (or was lost in a crash): it may have accepted, and must hear the outcome.
   */
  private notices(c: Conclusion): WebhookInput[] {
    return [c.payee, c.payer]
      .filter((who) => who !== undefined)
      .map((who) => ({
        participantId: who.id,
        eventType: 'ips.pacs002',
        payload: toStatus(c.final),
        idempotencyKey: c.p.id,
      }));
  }

  /** Reconciles what a crash left reserved and starts the deadline sweep. */
  start(): void {
    const tick = () => {
      if (this.sweeping) return;
      this.sweeping = this.sweep()
        .then(() => {})
        .catch((err) => this.d.logger.error({ err }, 'IPS deadline sweep failed'))
        .finally(() => {
          this.sweeping = undefined;
        });
    };
    tick();
    this.sweeper = setInterval(tick, 1000);
    this.sweeper.unref();
  }

  /** Stops the sweep and waits for one in progress (the database closes next). */
  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    await this.sweeping;
  }

  private sweeping: Promise<void> | undefined;

  private now(): string {
    return this.d.clock.now().toISOString();
  }

  private async participant(bic: string, field: string): Promise<IpsParticipant> {
    const p = await this.d.lookup(bic);
    if (p?.status !== 'active') {
      throw new DomainError('validation', `${bic} is not an active IPS participant`, {
        reason: 'RC01',
        issues: [{ field, message: 'unknown or inactive participant' }],
      });
    }
    await this.ensurePosition(p);
    return p;
  }

  /** BICs whose position account exists (accounts are never removed): created once, not at every payment. */
  private readonly positions = new Set<string>();

  private async ensurePosition(p: IpsParticipant): Promise<void> {
    if (this.positions.has(p.bic)) return;
    await this.d.ledger.createAccounts([
      {
        id: positionAccountId(p.bic),
        owner: p.id,
        currency: 'KZT',
        code: 'ips_position',
        flags: { debitsMustNotExceedCredits: true, history: true },
      },
    ]);
    this.positions.add(p.bic);
  }

  /**
   * Moves money between a bank's IMTS settlement account and its IPS position. Only during IMTS's
   * operating day; IPS itself keeps running on what is prefunded when IMTS is closed.
   */
  async fund(input: { id: string; bic: string; direction: 'fund' | 'defund'; amount: bigint }) {
    const p = await this.participant(input.bic, '/bic');
    if (input.amount <= 0n) throw new DomainError('validation', 'amount must be positive', { reason: 'AM01' });
    await this.d.imts.fundPosition({
      id: input.id,
      system: 'ips',
      bic: p.bic,
      positionAccount: positionAccountId(p.bic),
      direction: input.direction,
      amount: input.amount,
    });
    return this.position(p.bic);
  }

  /** A bank's position: what it can pay now (posted minus reserved) and what is reserved. */
  async position(bic: string): Promise<{ bic: string; available: bigint; reserved: bigint; balance: bigint }> {
    const a = await this.d.ledger.getAccount(positionAccountId(bic));
    if (!a) return { bic, available: 0n, reserved: 0n, balance: 0n };
    const balance = a.creditsPosted - a.debitsPosted;
    return { bic, available: balance - a.debitsPending, reserved: a.debitsPending, balance };
  }

  /**
   * A payer bank's credit transfer: validated, screened, its payee found, reserved, delivered, and
   * concluded within the answer timeout. Answers the final status (ACSC or RJCT), or the current one for a
   * resend of the same transaction; never moves money twice.
   */
  async pay(payerBic: string, t: InstantInstruction): Promise<IpsTxStatus> {
    const payer = await this.participant(payerBic, '/grpHdr/instgAgt');
    const id = ipsPaymentId(payerBic, t.txId);
    const at = this.now();
    let payeeBic = t.payeeBic;
    let creditorAccount = t.creditorAccount;
    let creditorIin = t.creditorIin;
    if (t.alias !== undefined) {
      const found = await this.d.resolveAlias?.(t.alias);
      if (!found) {
        return this.refuseUnrecorded(id, t, 'BE23'); // account proxy invalid
      }
      if (payeeBic !== undefined && payeeBic !== found.bic) return this.refuseUnrecorded(id, t, 'RC01');
      payeeBic = found.bic;
      creditorAccount = found.accountId;
      creditorIin = found.holderIin ?? creditorIin;
    }
    if (t.me2me) {
      if (!t.debtorIin || !creditorIin) {
        throw new DomainError('validation', 'a Me2Me transfer names the person: the debtor’s and the creditor’s IIN', {
          reason: 'FF01',
          issues: [
            { field: t.debtorIin ? '/cdtTrfTxInf/0/cdtr/id' : '/cdtTrfTxInf/0/dbtr/id', message: 'IIN required' },
          ],
        });
      }
    }
    if (payeeBic === undefined || creditorAccount === undefined) {
      throw new DomainError('validation', 'the payee needs cdtrAgt and cdtrAcct, or a phone alias (cdtrAcct.prxy)', {
        reason: 'FF01',
        issues: [{ field: '/cdtTrfTxInf/0/cdtrAcct', message: 'account or proxy required' }],
      });
    }
    const payment: IpsPayment = {
      id,
      msgId: t.msgId,
      txId: t.txId,
      endToEndId: t.endToEndId,
      payerBic,
      payeeBic,
      amount: t.amount,
      creditorAccount,
      alias: t.alias ?? null,
      status: 'reserved',
      reason: null,
      document: t.document,
      createdAt: at,
      deadline: new Date(this.d.clock.nowMs() + this.timeoutMs).toISOString(),
      updatedAt: at,
    };
    const known = await store.get(this.d.db, id);
    if (known) return this.resent(known, payment);

    const refused =
      intakeRejection({ ...payment, currency: t.currency }) ??
      // not the same person: end customer identification inconsistent
      (t.me2me && t.debtorIin !== creditorIin ? 'BE01' : undefined) ??
      ((await this.d.lookup(payeeBic))?.status === 'active' ? undefined : 'RC01');
    if (refused) return this.record({ ...payment, status: 'rejected', reason: refused });
    const payee = await this.participant(payeeBic, '/cdtTrfTxInf/0/cdtrAgt');
    const screening = await (this.d.screen?.(payment) ?? Promise.resolve({ decision: 'allow' as const, reasons: [] }));
    if (screening.decision === 'block') return this.record({ ...payment, status: 'rejected', reason: 'FRAD' });

    // Reserve first, record second: a crash between leaves a pending transfer the ledger expires.
    // a safety net behind the sweep: the ledger voids it even if IPS never comes back
    const timeoutSeconds = Math.ceil(this.timeoutMs / 1000) + 60;
    const legs = (await this.d.caps?.legs(id, payer.bic, payee.bic, payment.amount, timeoutSeconds)) ?? [];
    const reserve = await this.d.ledger.submit([
      {
        id: reservationId(id),
        debitAccountId: positionAccountId(payer.bic),
        creditAccountId: positionAccountId(payee.bic),
        amount: payment.amount,
        currency: 'KZT',
        code: 'ips.payment',
        reference: payment.endToEndId,
        flags: legs.length ? { pending: true, linked: true } : { pending: true },
        timeoutSeconds,
      },
      ...legs,
    ]);
    // in a linked chain the transfer that failed has its own reason, the others `linked_event_failed`
    const failed = reserve.findIndex((x) => !x.ok && x.reason !== 'linked_event_failed');
    const failure = reserve[failed];
    if (failure && !failure.ok) {
      if (failure.reason === 'exists_with_different_fields') {
        // a resend racing the first copy of this transaction
        throw new DomainError('conflict', `transaction ${t.txId} is being processed`, { reason: 'DUPL' });
      }
      // the payer's position (AM04) or its net debit cap for the day (AM21: limit of the clearing system)
      return this.record({ ...payment, status: 'rejected', reason: failed === 0 ? 'AM04' : 'AM21' });
    }
    this.capLegs.set(
      id,
      legs.map((l) => l.id),
    );
    if (!(await this.insert(payment))) {
      throw new DomainError('conflict', `transaction ${t.txId} is being processed`, { reason: 'DUPL' });
    }

    const endpoint = await this.endpointOf(payee.id);
    const later = new Promise<DeliveryAnswer>((resolve) => this.waiting.set(id, resolve));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<DeliveryAnswer>((resolve) => {
      timer = setTimeout(() => resolve(undefined), this.timeoutMs);
    });
    const delivered: Promise<DeliveryAnswer> = endpoint
      ? deliver(endpoint, id, t.document, {
          timeoutMs: this.timeoutMs,
          nowMs: this.d.clock.nowMs(),
          ...(this.d.fetch ? { fetch: this.d.fetch } : {}),
          // a suspect payee (review): the payment settles; the payee bank holds the credit until it is cleared
          ...(screening.decision === 'review'
            ? {
                screening: {
                  decision: 'review' as const,
                  reasons: screening.reasons,
                  action: 'hold_credit' as const,
                  holdUntil: new Date(this.d.clock.nowMs() + (this.d.reviewHoldMs ?? DEFAULT_HOLD_MS)).toISOString(),
                },
              }
            : {}),
        })
      : new Promise<DeliveryAnswer>(() => {});
    // a delivery without a decision (202, error) leaves the later answer and the deadline racing
    const decided = delivered.then((a) => a ?? Promise.race([later, deadline]));
    const answer = await Promise.race([decided, later, deadline]);
    clearTimeout(timer);
    this.waiting.delete(id);
    const done = await this.conclude(payment, answer ?? { txSts: 'RJCT', reason: 'AB05' });
    return toStatus(done);
  }

  /**
   * A participant's endpoints changed in this process (added, disabled, a new secret): its next payment looks
   * its endpoint up again rather than use one found before (other processes within `endpointTtlMs`).
   */
  forgetEndpoint(participantId: string): void {
    this.endpoints.delete(participantId);
  }

  /** The payee bank's endpoint; concurrent payments to one bank share a lookup. */
  private endpointOf(participantId: string): Promise<PayeeEndpoint | undefined> {
    const ttl = this.d.endpointTtlMs ?? 1000;
    if (ttl <= 0) return this.d.endpoint(participantId);
    const now = this.d.clock.nowMs();
    const hit = this.endpoints.get(participantId);
    if (hit && hit.until > now) return hit.endpoint;
    const endpoint = this.d.endpoint(participantId);
    const entry = { until: now + ttl, endpoint };
    this.endpoints.set(participantId, entry);
    const forget = () => {
      if (this.endpoints.get(participantId) === entry) this.endpoints.delete(participantId);
    };
    // a failed lookup or a bank without an endpoint is not kept
    endpoint.then((e) => e === undefined && forget(), forget);
    return endpoint;
  }

  /**
   * C2B payment of a scanned interbank QR (IPS-4): the payer bank posts the raw code (and, for a static
   * code without an amount, the amount the customer entered); the registry gives the merchant's bank and
   * account. A dynamic code is paid once: recorded as paid in the commit that records the settlement. No
   * fee for the payer.
   */
  async payQr(
    payerBic: string,
    q: { txId: string; endToEndId: string; qr: string; amount?: bigint },
  ): Promise<IpsTxStatus> {
    if (!this.d.resolveQr) throw new DomainError('unavailable', 'QR payments are not available');
    const scanned = await this.d.resolveQr(q.qr);
    const amount = scanned.amount ?? q.amount;
    if (amount === undefined) {
      throw new DomainError('validation', 'this QR carries no amount: give the amount the customer entered', {
        reason: 'AM12',
        issues: [{ field: '/amount', message: 'required for a static QR without an amount' }],
      });
    }
    if (scanned.amount !== undefined && q.amount !== undefined && q.amount !== scanned.amount) {
      throw new DomainError('validation', 'the amount differs from the one the QR carries', {
        reason: 'AM09',
        issues: [{ field: '/amount', message: 'must equal the QR amount (or be left out)' }],
      });
    }
    const qrId = scanned.qrId;
    if (qrId !== undefined) {
      if (this.qrsInFlight.has(qrId)) {
        throw new DomainError('conflict', 'this QR is being paid', { reason: 'qr_paid' });
      }
      this.qrsInFlight.add(qrId);
      const paymentId = ipsPaymentId(payerBic, q.txId);
      this.onSettled.set(paymentId, (tx) => this.d.markQrPaid?.(qrId, paymentId, tx) ?? Promise.resolve());
    }
    try {
      return await this.pay(payerBic, {
        msgId: q.txId,
        txId: q.txId,
        endToEndId: q.endToEndId,
        amount,
        currency: 'KZT',
        payeeBic: scanned.acquirerBic,
        creditorAccount: scanned.merchant.account,
        document: {
          qr: q.qr,
          merchant: { merchantId: scanned.merchant.merchantId, name: scanned.merchant.name },
          ...(scanned.reference ? { reference: scanned.reference } : {}),
          amount,
        },
      });
    } finally {
      if (qrId !== undefined) {
        this.qrsInFlight.delete(qrId);
        this.onSettled.delete(ipsPaymentId(payerBic, q.txId));
      }
    }
  }

  /** The payee bank's answer after the delivery (it answered 202, or the delivery failed). */
  async answer(payeeBic: string, paymentId: string, a: { txSts: 'ACCP' | 'RJCT'; reason?: string }) {
    const p = await store.get(this.d.db, paymentId);
    if (!p || p.payeeBic !== payeeBic) throw notFound('payment');
    if (p.status !== 'reserved') return toStatus(p);
    const waiter = this.waiting.get(paymentId);
    if (waiter) {
      waiter(a);
      return toStatus(await this.concluded(p));
    }
    // the payer's request is gone (another process, a restart): decide here
    if (this.d.clock.now().toISOString() >= p.deadline) {
      return toStatus(await this.conclude(p, { txSts: 'RJCT', reason: 'AB05' }));
    }
    return toStatus(await this.conclude(p, a));
  }

  /** The outcome of a reserved payment another request is concluding; past its deadline, concludes it. */
  private async concluded(p: IpsPayment): Promise<IpsPayment> {
    for (;;) {
      const c = this.concluding.get(p.id);
      if (c) return c;
      if (this.now() >= p.deadline) return this.conclude(p, { txSts: 'RJCT', reason: 'AB05' });
      await new Promise<void>((r) => setTimeout(r, 20));
      const now = await store.get(this.d.db, p.id);
      if (now && now.status !== 'reserved') return now;
    }
  }

  /**
   * Posts or voids the reservation and records what the ledger did; one outcome however many deciders
   * (answer, deadline, sweep) race. Notifies the payer bank by webhook (pacs.002) in the same commit.
   */
  private conclude(p: IpsPayment, a: { txSts: 'ACCP' | 'RJCT'; reason?: string }): Promise<IpsPayment> {
    const running = this.concluding.get(p.id);
    if (running) return running;
    const work = (async () => {
      const accept = a.txSts === 'ACCP' && this.d.clock.now().toISOString() < p.deadline;
      const legs = this.capLegs.get(p.id) ?? (await this.d.caps?.legsOf(p.id)) ?? [];
      const resolve = [reservationId(p.id), ...legs].map((pendingId, i, all) => ({
        id: `${pendingId}:${accept ? 'post' : 'void'}`,
        pendingId,
        code: accept ? 'ips.settle' : 'ips.release',
        flags: {
          ...(accept ? { postPending: true } : { voidPending: true }),
          ...(i < all.length - 1 ? { linked: true } : {}),
        },
      }));
      const [r] = await this.d.ledger.submit(resolve);
      // whichever resolution won, the pending transfer's state says what happened
      const settled = r?.ok
        ? accept
        : r?.reason === 'pending_already_posted' ||
          (r?.reason !== 'pending_already_voided' &&
            r?.reason !== 'pending_expired' &&
            (await this.d.ledger.getTransfer(reservationId(p.id)))?.state === 'posted');
      const reason = settled ? null : accept ? 'AB05' : a.txSts === 'RJCT' ? (a.reason ?? 'NARR') : 'AB05';
      const at = this.now();
      const final: IpsPayment = { ...p, status: settled ? 'settled' : 'rejected', reason, updatedAt: at };
      // looked up before: the transaction callback must only talk to the database through `tx`
      const payer = await this.d.lookup(p.payerBic);
      // a payee whose answer came too late (or was lost in a crash) may have accepted: it must hear the outcome
      const payee = !settled && reason === 'AB05' ? await this.d.lookup(p.payeeBic) : undefined;
      const fee = settled && this.d.fees ? await this.d.fees.charge(final) : undefined;
      const settledHook = this.onSettled.get(p.id);
      this.onSettled.delete(p.id);
      const c: Conclusion = { p, final, at, payer, payee, decidedHere: false };
      // what only some payments record with their outcome: in a transaction of their own
      const extra =
        (settled && settledHook) || fee
          ? async (tx: Queryable) => {
              if (settled && settledHook) await settledHook(tx);
              if (fee) await this.d.fees!.record(tx, p.id, fee, at);
            }
          : undefined;
      if (extra) c.decidedHere = await this.d.db.transaction((tx) => this.recordConclusion(tx, c, extra));
      else await this.conclusions.add(c);
      return c.decidedHere ? final : ((await store.get(this.d.db, p.id)) ?? final);
    })();
    this.concluding.set(p.id, work);
    return work.finally(() => {
      this.concluding.delete(p.id);
      this.capLegs.delete(p.id);
    });
  }

  /** Concludes overdue reservations: after a crash, or when the payer's request is gone. */
  async sweep(): Promise<number> {
    const overdue = await store.overdue(this.d.db, this.now(), 500);
    for (const p of overdue) if (!this.waiting.has(p.id)) await this.conclude(p, { txSts: 'RJCT', reason: 'AB05' });
    return overdue.length;
  }

  private async resent(known: IpsPayment, again: IpsPayment): Promise<IpsTxStatus> {
    if (!sameInstruction(known, again)) {
      throw new DomainError('conflict', `transaction ${known.txId} was already sent with other content`, {
        reason: 'DUPL',
      });
    }
    if (known.status !== 'reserved') return toStatus(known);
    return toStatus(await this.concluded(known));
  }

  /** A refusal before anything was reserved, recorded so that a resend answers the same. */
  private async record(p: IpsPayment): Promise<IpsTxStatus> {
    if (!(await this.insert(p))) {
      const known = await store.get(this.d.db, p.id);
      if (known) return toStatus(known);
    }
    return toStatus(p);
  }

  /** A refusal with no payee to record (unknown alias): answered, not stored. */
  private refuseUnrecorded(id: string, t: InstantInstruction, reason: string): IpsTxStatus {
    return { paymentId: id, txId: t.txId, endToEndId: t.endToEndId, status: 'RJCT', reason };
  }

  /** A payment as its payer, its payee or oversight may see it. */
  async get(id: string, viewer: { bic?: string; oversight: boolean }): Promise<IpsPayment> {
    const p = await store.get(this.d.db, id);
    if (!p || !(viewer.oversight || p.payerBic === viewer.bic || p.payeeBic === viewer.bic)) throw notFound('payment');
    return p;
  }

  /** pacs.028: the current status of the caller's own transactions. */
  async statuses(payerBic: string, txIds: string[]): Promise<IpsTxStatus[]> {
    const out: IpsTxStatus[] = [];
    for (const txId of txIds) {
      const p = await store.get(this.d.db, ipsPaymentId(payerBic, txId));
      out.push(
        p
          ? toStatus(p)
          : { paymentId: ipsPaymentId(payerBic, txId), txId, endToEndId: '', status: 'RJCT', reason: 'NOOR' },
      );
    }
    return out;
  }

  /**
   * The monitor (oversight): payments of the last `minutes`, by outcome and by minute, the success rate,
   * rejection reasons, and percentiles of the time from receipt to the final answer of the newest 100,000
   * settled ones (counts are exact, the percentiles a sample of the most recent).
   */
  async stats(minutes: number): Promise<{
    since: string;
    total: number;
    settled: number;
    rejected: number;
    inFlight: number;
    successRate: number | null;
    reasons: Record<string, number>;
    decisionMs: { p50: number; p90: number; p99: number; max: number; sample: number } | null;
    perMinute: { minute: string; settled: number; rejected: number; inFlight: number }[];
  }> {
    const since = new Date(this.d.clock.nowMs() - minutes * 60_000).toISOString();
    const [counts, times] = await Promise.all([
      store.outcomes(this.d.db, since),
      store.decisionTimes(this.d.db, since, 100_000),
    ]);
    const reasons: Record<string, number> = {};
    const byMinute = new Map<string, { minute: string; settled: number; rejected: number; inFlight: number }>();
    let settled = 0;
    let rejected = 0;
    let total = 0;
    for (const c of counts) {
      const n = Number(c.n);
      total += n;
      const m = byMinute.get(c.minute) ?? { minute: `${c.minute}:00Z`, settled: 0, rejected: 0, inFlight: 0 };
      byMinute.set(c.minute, m);
      if (c.status === 'settled') {
        settled += n;
        m.settled += n;
      } else if (c.status === 'rejected') {
        rejected += n;
        m.rejected += n;
        reasons[c.reason ?? 'NARR'] = (reasons[c.reason ?? 'NARR'] ?? 0) + n;
      } else m.inFlight += n;
    }
    const ms = times.map((r) => Date.parse(r.updated_at) - Date.parse(r.created_at)).sort((a, b) => a - b);
    const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!;
    return {
      since,
      total,
      settled,
      rejected,
      inFlight: total - settled - rejected,
      successRate: settled + rejected > 0 ? settled / (settled + rejected) : null,
      reasons,
      decisionMs: ms.length
        ? { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: ms[ms.length - 1]!, sample: ms.length }
        : null,
      perMinute: [...byMinute.values()],
    };
  }

  list(f: { bic?: string; after?: string; limit: number }): Promise<IpsPayment[]> {
    return store.list(this.d.db, f);
  }
}
