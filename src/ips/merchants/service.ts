import { decode, type EmvQr, encode, renderPng, renderSvg } from '../../../packages/emv-qr/index.ts';
import { isValidIinBin } from '../../participants/index.ts';
import {
  appendAudit,
  type Clock,
  type Db,
  DomainError,
  type IdGenerator,
  invalid,
  type Queryable,
  ulidGenerator,
} from '../../platform/index.ts';
import {
  applyPatch,
  type Merchant,
  type MerchantFields,
  type MerchantInput,
  type MerchantPatch,
  nextMerchantStatus,
  type StatusAction,
  validateMerchantInput,
} from './domain/merchant.ts';
import {
  checkQrAmount,
  type DynamicQr,
  dynamicQrModel,
  encodingProblem,
  isEmvQrError,
  payloadProblem,
  type QrLabels,
  type QrStatus,
  qrStatus,
  staticQrModel,
} from './domain/qr.ts';
import { type MerchantQuery, merchantsStore as store } from './store.ts';

/** Who acts: the calling participant and the user or API client within it (for the audit log). */
export interface MerchantActor {
  participantId: string;
  /** User id, API client id, or the participant id. */
  id: string;
  /** Oversight roles (operator, central bank, regulator) read every acquirer's merchants. */
  oversight: boolean;
}

export interface DynamicQrRequest extends QrLabels {
  /** tiyn. */
  amount: bigint;
  /** ISO 8601; after it the code is refused at payment. */
  expiresAt?: string | undefined;
}

/** A dynamic code as its acquirer sees it. */
export interface DynamicQrView {
  id: string;
  reference: string;
  merchantId: string;
  merchant: string;
  amount: bigint;
  billNumber: string | null;
  payload: string;
  status: QrStatus;
  expiresAt: string | null;
  createdAt: string;
  paidAt: string | null;
  paymentId: string | null;
}

/** Why a decodable QR cannot be paid. */
export type QrRefusalReason =
  /** no merchant is registered under the QR's acquirer BIC and merchant id */
  | 'unknown_merchant'
  | 'merchant_suspended'
  /** a dynamic code the registry did not issue (no or unknown reference label) */
  | 'unknown_qr'
  /** the payload differs from the code issued under that reference (altered amount, merchant…) */
  | 'qr_mismatch'
  | 'qr_expired'
  | 'qr_paid';

export interface QrRefusal {
  ok: false;
  reason: QrRefusalReason;
  message: string;
}

export interface ResolvedQr {
  ok: true;
  /** The registry's record: authoritative name, settlement account and tariff (not the QR's text). */
  merchant: Merchant;
  acquirerBic: string;
  /** tiyn; undefined for a static code without an amount (the payer enters it). */
  amount: bigint | undefined;
  /** The reference label (62.05): a dynamic code's id; on a static code whatever it carries. */
  reference: string | undefined;
  billNumber: string | undefined;
  dynamic: boolean;
  /** The recorded dynamic code: pass it to {@link MerchantsService.markPaid}. */
  qrId?: string;
  expiresAt?: string | null;
}

export type QrResolution = ResolvedQr | QrRefusal;

const REFUSAL: Record<QrRefusalReason, { type: 'not-found' | 'state' | 'conflict' | 'validation' }> = {
  unknown_merchant: { type: 'not-found' },
  merchant_suspended: { type: 'state' },
  unknown_qr: { type: 'not-found' },
  qr_mismatch: { type: 'validation' },
  qr_expired: { type: 'state' },
  qr_paid: { type: 'conflict' },
};

/** A refusal as the platform's error (404 unknown, 409 suspended/expired/paid, 400 altered), reason = the refusal. */
export function qrRefusalError(r: QrRefusal): DomainError {
  return new DomainError(REFUSAL[r.reason].type, r.message, {
    reason: r.reason,
    ...(r.reason === 'qr_mismatch' ? { issues: [{ field: '/payload', message: r.message }] } : {}),
  });
}

const refuse = (reason: QrRefusalReason, message: string): QrRefusal => ({ ok: false, reason, message });

/** The longest a dynamic code may stay payable. */
const MAX_QR_LIFETIME_MS = 366 * 24 * 3600 * 1000;

/**
 * The IPS merchant registry (IPS-4): acquiring banks register their merchants and issue the one
 * interbank QR for them, static (a sticker) or dynamic (one order, its amount). Dynamic codes are
 * recorded so the payment flow can check the amount and pay each code once. A bank sees only its
 * own merchants; oversight roles read all of them.
 */
export class MerchantsService {
  private readonly db: Db;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly bicOf: (participantId: string) => Promise<string | null>;

  constructor(deps: {
    db: Db;
    clock: Clock;
    ids?: IdGenerator;
    /** The participant's BIC (null without one): it becomes the acquirer BIC of the QR (26.01). */
    bicOf: (participantId: string) => Promise<string | null>;
  }) {
    this.db = deps.db;
    this.clock = deps.clock;
    this.ids = deps.ids ?? ulidGenerator(deps.clock);
    this.bicOf = deps.bicOf;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  private async audit(tx: Queryable, actor: MerchantActor, action: string, id: string, details: unknown) {
    await appendAudit(tx, { actor: actor.id, action, entity: 'ips_merchant', entityId: id, details }, this.clock);
  }

  /** Every field must also encode into a QR: a registered merchant always gets its code. */
  private checkEncodes(m: Merchant): void {
    try {
      encode(staticQrModel(m));
    } catch (e) {
      if (isEmvQrError(e)) throw encodingProblem(e);
      throw e;
    }
  }

  private checkFields(f: MerchantFields): void {
    if (f.taxId !== null && !isValidIinBin(f.taxId)) {
      throw invalid('/taxId', 'is not a valid BIN or IIN (check digit failed)');
    }
  }

  async register(actor: MerchantActor, input: MerchantInput): Promise<Merchant> {
    const fields = validateMerchantInput(input);
    this.checkFields(fields);
    const bic = await this.bicOf(actor.participantId);
    if (!bic) throw new DomainError('forbidden', 'only a participant with a BIC acquires merchants in IPS');
    const at = this.now();
    const m: Merchant = {
      id: this.ids.next('mch'),
      acquirerId: actor.participantId,
      acquirerBic: bic,
      ...fields,
      status: 'active',
      createdAt: at,
      updatedAt: at,
    };
    this.checkEncodes(m);
    return this.db.transaction(async (tx) => {
      if (!(await store.insert(tx, m))) {
        throw new DomainError('conflict', `merchant id ${m.merchantId} is already registered by your bank`, {
          issues: [{ field: '/merchantId', message: 'already registered' }],
        });
      }
      await this.audit(tx, actor, 'ips.merchant.registered', m.id, m);
      return m;
    });
  }

  /** One merchant: the acquirer's own, or any for oversight; another bank's answers 404 like a missing one. */
  async get(actor: MerchantActor, id: string, q: Queryable = this.db): Promise<Merchant> {
    const m = await store.get(q, id);
    if (!m || (!actor.oversight && m.acquirerId !== actor.participantId)) {
      throw new DomainError('not-found', 'merchant not found');
    }
    return m;
  }

  /** Only the acquirer changes its merchants (oversight reads). */
  private async ownForUpdate(tx: Queryable, actor: MerchantActor, id: string): Promise<Merchant> {
    const m = await store.getForUpdate(tx, id);
    if (!m || m.acquirerId !== actor.participantId) throw new DomainError('not-found', 'merchant not found');
    return m;
  }

  async update(actor: MerchantActor, id: string, patch: MerchantPatch): Promise<Merchant> {
    return this.db.transaction(async (tx) => {
      const current = await this.ownForUpdate(tx, actor, id);
      const fields = applyPatch(current, patch);
      this.checkFields(fields);
      const m: Merchant = { ...current, ...fields, updatedAt: this.now() };
      this.checkEncodes(m);
      await store.update(tx, m);
      const changed = Object.fromEntries(
        Object.keys(fields)
          .filter(
            (k) => JSON.stringify(fields[k as keyof MerchantFields]) !== JSON.stringify(current[k as keyof Merchant]),
          )
          .map((k) => [k, fields[k as keyof MerchantFields]]),
      );
      await this.audit(tx, actor, 'ips.merchant.updated', id, changed);
      return m;
    });
  }

  async changeStatus(actor: MerchantActor, id: string, action: StatusAction, reason?: string): Promise<Merchant> {
    return this.db.transaction(async (tx) => {
      const current = await this.ownForUpdate(tx, actor, id);
      const status = nextMerchantStatus(current.status, action);
      const m: Merchant = { ...current, status, updatedAt: this.now() };
      await store.update(tx, m);
      await this.audit(tx, actor, `ips.merchant.${action === 'suspend' ? 'suspended' : 'activated'}`, id, {
        from: current.status,
        to: status,
        ...(reason ? { reason } : {}),
      });
      return m;
    });
  }

  /**
   * Merchants oldest first, keyset-paged by id. A bank lists its own; oversight lists all and may
   * filter by acquirer BIC.
   */
  async list(actor: MerchantActor, query: Omit<MerchantQuery, 'acquirerId'>): Promise<Merchant[]> {
    const limit = Math.min(Math.max(query.limit, 1), 500);
    return store.list(this.db, {
      ...query,
      limit,
      ...(actor.oversight ? {} : { acquirerId: actor.participantId }),
    });
  }

  // ---- QR codes ----

  private encodeOrFail(model: EmvQr): string {
    try {
      return encode(model);
    } catch (e) {
      if (isEmvQrError(e)) throw encodingProblem(e);
      throw e;
    }
  }

  /** The merchant's static code (no amount): its payload. Oversight may read it too. */
  async staticQr(
    actor: MerchantActor,
    id: string,
    labels: QrLabels = {},
  ): Promise<{ merchant: Merchant; payload: string }> {
    const m = await this.get(actor, id);
    if (m.status !== 'active') throw new DomainError('state', 'merchant is suspended: no QR codes are issued for it');
    return { merchant: m, payload: this.encodeOrFail(staticQrModel(m, labels)) };
  }

  /** Issues a dynamic code for one order; it is recorded under its reference label, payable once. */
  async createDynamicQr(actor: MerchantActor, id: string, req: DynamicQrRequest): Promise<DynamicQrView> {
    const amount = checkQrAmount(req.amount);
    const now = this.clock.now();
    let expiresAt: string | null = null;
    if (req.expiresAt !== undefined) {
      const t = Date.parse(req.expiresAt);
      if (Number.isNaN(t)) throw invalid('/expiresAt', 'must be an ISO 8601 date-time');
      if (t <= now.getTime()) throw invalid('/expiresAt', 'must be in the future');
      if (t - now.getTime() > MAX_QR_LIFETIME_MS) throw invalid('/expiresAt', 'must be within a year');
      expiresAt = new Date(t).toISOString();
    }
    return this.db.transaction(async (tx) => {
      const m = await store.get(tx, id);
      if (!m || m.acquirerId !== actor.participantId) throw new DomainError('not-found', 'merchant not found');
      if (m.status !== 'active') throw new DomainError('state', 'merchant is suspended: no QR codes are issued for it');
      // a ULID without its first character (0 until the year 3084): 25 characters, what 62.05 holds
      const reference = this.ids.next().slice(-25);
      const payload = this.encodeOrFail(dynamicQrModel(m, { ...req, amount, reference }));
      const qr: DynamicQr = {
        id: reference,
        merchantPk: m.id,
        acquirerId: m.acquirerId,
        amount,
        billNumber: req.billNumber ?? null,
        payload,
        expiresAt,
        createdAt: now.toISOString(),
        paidAt: null,
        paymentId: null,
      };
      if (!(await store.insertQr(tx, qr))) throw new DomainError('conflict', 'QR reference collision: retry');
      return this.view(qr, m);
    });
  }

  private view(q: DynamicQr, m: Merchant): DynamicQrView {
    return {
      id: q.id,
      reference: q.id,
      merchantId: m.merchantId,
      merchant: m.id,
      amount: q.amount,
      billNumber: q.billNumber,
      payload: q.payload,
      status: qrStatus(q, this.clock.now()),
      expiresAt: q.expiresAt,
      createdAt: q.createdAt,
      paidAt: q.paidAt,
      paymentId: q.paymentId,
    };
  }

  /** One dynamic code of a merchant (the acquirer's own, or any for oversight). */
  async dynamicQr(actor: MerchantActor, merchantPk: string, qrId: string): Promise<DynamicQrView> {
    const m = await this.get(actor, merchantPk);
    const q = await store.getQr(this.db, qrId);
    if (!q || q.merchantPk !== m.id) throw new DomainError('not-found', 'QR code not found');
    return this.view(q, m);
  }

  async listDynamicQr(
    actor: MerchantActor,
    merchantPk: string,
    opts: { after?: string | undefined; limit: number },
  ): Promise<DynamicQrView[]> {
    const m = await this.get(actor, merchantPk);
    const rows = await store.listQr(this.db, m.id, opts.after, Math.min(Math.max(opts.limit, 1), 500));
    return rows.map((q) => this.view(q, m));
  }

  /**
   * Decodes a scanned QR and finds what it pays: throws a 400 (`DomainError` validation, reason = the
   * EMV error code, e.g. `crc_mismatch`) when the payload is not a valid NDFI code; otherwise answers
   * the merchant from the registry, or why it cannot be paid. Pass `tx` to read inside the payment's
   * transaction (then {@link markPaid} in the same one).
   */
  async resolveQr(payload: string, tx: Queryable = this.db): Promise<QrResolution> {
    let qr: EmvQr;
    try {
      qr = decode(payload);
    } catch (e) {
      if (isEmvQrError(e)) throw payloadProblem(e);
      throw e;
    }
    const { bic, merchantId } = qr.merchantAccount;
    const m = await store.byQrAccount(tx, bic, merchantId);
    if (!m) return refuse('unknown_merchant', `no merchant ${merchantId} is registered at ${bic}`);
    if (m.status !== 'active') return refuse('merchant_suspended', `merchant ${merchantId} at ${bic} is suspended`);
    const reference = qr.additionalData?.referenceLabel;
    const billNumber = qr.additionalData?.billNumber;
    if (qr.initiation === 'static') {
      return { ok: true, merchant: m, acquirerBic: bic, amount: qr.amount, reference, billNumber, dynamic: false };
    }
    if (reference === undefined) return refuse('unknown_qr', 'a dynamic QR code without a reference label (62.05)');
    const code = await store.getQr(tx, reference);
    if (!code || code.merchantPk !== m.id) {
      return refuse('unknown_qr', `no dynamic QR code ${reference} was issued for this merchant`);
    }
    if (code.payload !== payload) {
      return refuse('qr_mismatch', `the QR code differs from code ${reference} as issued: it was altered`);
    }
    const status = qrStatus(code, this.clock.now());
    if (status === 'paid') return refuse('qr_paid', `QR code ${reference} is already paid`);
    if (status === 'expired') return refuse('qr_expired', `QR code ${reference} expired at ${code.expiresAt}`);
    return {
      ok: true,
      merchant: m,
      acquirerBic: bic,
      amount: code.amount,
      reference,
      billNumber,
      dynamic: true,
      qrId: code.id,
      expiresAt: code.expiresAt,
    };
  }

  /**
   * Records that a payment paid the dynamic code: call it in the payment's transaction. Repeating it
   * for the same payment is a no-op; a second payment gets 409 conflict (reason `qr_paid`).
   */
  async markPaid(qrId: string, paymentId: string, tx?: Queryable): Promise<void> {
    const run = async (q: Queryable) => {
      if (await store.markPaid(q, qrId, paymentId, this.now())) return;
      const code = await store.getQr(q, qrId);
      if (!code) throw new DomainError('not-found', `QR code ${qrId} not found`);
      if (code.paymentId === paymentId) return;
      throw new DomainError('conflict', `QR code ${qrId} is already paid`, { reason: 'qr_paid' });
    };
    if (tx) await run(tx);
    else await this.db.transaction(run);
  }

  // ---- images ----

  async png(payload: string): Promise<Buffer> {
    return renderPng(payload, { scale: 8, margin: 4 });
  }

  async svg(payload: string): Promise<string> {
    return renderSvg(payload, { margin: 4 });
  }
}
