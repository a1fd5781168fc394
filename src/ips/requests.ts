import type { Message } from '../../packages/iso20022/index.ts';
import {
  type Clock,
  type Db,
  DomainError,
  enqueueWebhook,
  type IdGenerator,
  notFound,
  type Queryable,
} from '../platform/index.ts';
import type { IpsParticipant, IpsService, IpsTxStatus } from './service.ts';

/** A request to pay (IPS-5): pending until the payer's bank accepts (and the payment settles), declines, or it expires. */
export type RequestStatus = 'pending' | 'paid' | 'declined' | 'expired';

export interface RequestToPay {
  /** `<requester BIC>:<EndToEndId>`. */
  id: string;
  msgId: string;
  endToEndId: string;
  requesterBic: string;
  creditorAccount: string;
  creditorName: string;
  payerBic: string;
  /** The debtor as the requester named it (name, account or phone): for the payer bank to find its customer. */
  debtor: unknown;
  amount: bigint;
  status: RequestStatus;
  reason: string | null;
  paymentId: string | null;
  expiresAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface RequestInput {
  msgId: string;
  endToEndId: string;
  creditorAccount: string;
  creditorName: string;
  payerBic: string;
  debtor: unknown;
  amount: bigint;
  currency: string;
  expiresAt: string;
}

interface Row {
  id: string;
  msg_id: string;
  end_to_end_id: string;
  requester_bic: string;
  creditor_account: string;
  creditor_name: string;
  payer_bic: string;
  debtor: string;
  amount: bigint;
  status: string;
  reason: string | null;
  payment_id: string | null;
  expires_at: string;
  created_at: string;
  updated_at: string;
}

const COLUMNS = `id, msg_id, end_to_end_id, requester_bic, creditor_account, creditor_name, payer_bic, debtor, amount,
  status, reason, payment_id, expires_at, created_at, updated_at`;

const toRequest = (r: Row): RequestToPay => ({
  id: r.id,
  msgId: r.msg_id,
  endToEndId: r.end_to_end_id,
  requesterBic: r.requester_bic,
  creditorAccount: r.creditor_account,
  creditorName: r.creditor_name,
  payerBic: r.payer_bic,
  debtor: JSON.parse(r.debtor),
  amount: BigInt(r.amount),
  status: r.status as RequestStatus,
  reason: r.reason,
  paymentId: r.payment_id,
  expiresAt: r.expires_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const get = async (q: Queryable, id: string): Promise<RequestToPay | undefined> => {
  const [r] = await q.query<Row>(`SELECT ${COLUMNS} FROM ips_requests WHERE id = $1`, [id]);
  return r ? toRequest(r) : undefined;
};

/** The requester's status report (pain.014) on its request. */
export function pain014For(r: RequestToPay, msgId: string, at: string): Message<'pain.014.001.08'> {
  const status = r.status === 'paid' ? 'ACCP' : r.status === 'pending' ? 'PDNG' : 'RJCT';
  const reason = r.status === 'expired' ? 'AB05' : (r.reason ?? 'NARR');
  return {
    type: 'pain.014.001.08',
    message: {
      grpHdr: { msgId, creDtTm: at, initgPty: { nm: 'NDFI IPS' }, cdtrAgt: { finInstnId: { bicfi: r.requesterBic } } },
      orgnlGrpInfAndSts: { orgnlMsgId: r.msgId, orgnlMsgNmId: 'pain.013.001.08' },
      orgnlPmtInfAndSts: [
        {
          orgnlPmtInfId: r.msgId,
          txInfAndSts: [
            {
              orgnlEndToEndId: r.endToEndId,
              txSts: status,
              ...(status === 'RJCT' ? { stsRsnInf: [{ rsn: { cd: reason } }] } : {}),
            },
          ],
        },
      ],
    },
  } as unknown as Message<'pain.014.001.08'>;
}

/**
 * Requests to pay (IPS-5): the payee's bank sends a pain.013; the payer's bank gets it by webhook
 * (`ips.pain013`) and accepts it (the platform makes the instant payment it describes, so the payer bank
 * cannot change the amount or the payee), declines it, or lets it expire. The requester is told every
 * outcome by a pain.014 webhook (`ips.pain014`), written in the commit that records it.
 */
export class RequestsToPay {
  private readonly db: Db;
  private readonly ips: IpsService;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly lookup: (bic: string) => Promise<IpsParticipant | undefined>;
  private readonly accepting = new Set<string>();

  constructor(deps: {
    db: Db;
    ips: IpsService;
    clock: Clock;
    ids: IdGenerator;
    lookup: (bic: string) => Promise<IpsParticipant | undefined>;
  }) {
    this.db = deps.db;
    this.ips = deps.ips;
    this.clock = deps.clock;
    this.ids = deps.ids;
    this.lookup = deps.lookup;
  }

  private now(): string {
    return this.clock.now().toISOString();
  }

  async request(requesterBic: string, r: RequestInput): Promise<RequestToPay> {
    const issue = (field: string, message: string, reason = 'FF01'): never => {
      throw new DomainError('validation', `${field}: ${message}`, { reason, issues: [{ field, message }] });
    };
    if (r.currency !== 'KZT') issue('/pmtInf/0/cdtTrfTx/0/amt/instdAmt/ccy', 'only KZT', 'AM03');
    if (r.amount <= 0n) issue('/pmtInf/0/cdtTrfTx/0/amt/instdAmt/amount', 'must be positive', 'AM12');
    if (r.payerBic === requesterBic) issue('/pmtInf/0/dbtrAgt', 'the payer is at another bank', 'AC01');
    const at = this.now();
    if (r.expiresAt <= at) issue('/pmtInf/0/xpryDt', 'must be in the future', 'DT01');
    const payer = await this.lookup(r.payerBic);
    if (payer?.status !== 'active') issue('/pmtInf/0/dbtrAgt', 'unknown or inactive participant', 'RC01');
    const req: RequestToPay = {
      id: `${requesterBic}:${r.endToEndId}`,
      msgId: r.msgId,
      endToEndId: r.endToEndId,
      requesterBic,
      creditorAccount: r.creditorAccount,
      creditorName: r.creditorName,
      payerBic: r.payerBic,
      debtor: r.debtor,
      amount: r.amount,
      status: 'pending',
      reason: null,
      paymentId: null,
      expiresAt: r.expiresAt,
      createdAt: at,
      updatedAt: at,
    };
    const inserted = await this.db.transaction(async (tx) => {
      const n = await tx.exec(
        `INSERT INTO ips_requests (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
         ON CONFLICT (id) DO NOTHING`,
        [
          req.id,
          req.msgId,
          req.endToEndId,
          req.requesterBic,
          req.creditorAccount,
          req.creditorName,
          req.payerBic,
          JSON.stringify(req.debtor),
          req.amount,
          req.status,
          null,
          null,
          req.expiresAt,
          at,
          at,
        ],
      );
      if (n !== 1) return false;
      await enqueueWebhook(
        tx,
        { participantId: payer!.id, eventType: 'ips.pain013', payload: { request: req }, idempotencyKey: req.id },
        this.ids,
        this.clock,
      );
      return true;
    });
    if (!inserted) {
      throw new DomainError('conflict', `request ${r.endToEndId} was already sent`, { reason: 'DUPL' });
    }
    return req;
  }

  /** Accepted by the payer's bank: the instant payment it describes, from the payer's position. */
  async accept(payerBic: string, id: string, txId: string): Promise<{ request: RequestToPay; payment: IpsTxStatus }> {
    const r = await this.forPayer(id, payerBic);
    if (r.status !== 'pending') throw new DomainError('state', `the request is ${r.status}`, { reason: 'ARDT' });
    if (this.now() >= r.expiresAt) {
      await this.finish(r, 'expired', 'AB05', null);
      throw new DomainError('state', 'the request has expired', { reason: 'AB05' });
    }
    if (this.accepting.has(id)) throw new DomainError('conflict', 'the request is being paid');
    this.accepting.add(id);
    try {
      const payment = await this.ips.pay(payerBic, {
        msgId: txId,
        txId,
        endToEndId: r.endToEndId,
        amount: r.amount,
        currency: 'KZT',
        payeeBic: r.requesterBic,
        creditorAccount: r.creditorAccount,
        document: { requestToPay: r.id, cdtr: { nm: r.creditorName }, debtor: r.debtor },
      });
      // a payment that did not settle leaves the request open: the payer may try again or decline
      if (payment.status === 'ACSC') await this.finish(r, 'paid', null, payment.paymentId);
      return { request: (await get(this.db, id)) ?? r, payment };
    } finally {
      this.accepting.delete(id);
    }
  }

  async decline(payerBic: string, id: string, reason: string): Promise<RequestToPay> {
    const r = await this.forPayer(id, payerBic);
    if (r.status !== 'pending' || this.accepting.has(id)) {
      throw new DomainError('state', `the request is ${r.status}`, { reason: 'ARDT' });
    }
    await this.finish(r, 'declined', reason, null);
    return (await get(this.db, id)) ?? r;
  }

  /** Expires overdue requests (a schedule calls it). */
  async expire(): Promise<number> {
    const rows = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM ips_requests WHERE status = 'pending' AND expires_at <= $1 LIMIT 500`,
      [this.now()],
    );
    for (const r of rows) await this.finish(toRequest(r), 'expired', 'AB05', null);
    return rows.length;
  }

  async get(id: string, viewer: { bic?: string; oversight: boolean }): Promise<RequestToPay> {
    const r = await get(this.db, id);
    if (!r || !(viewer.oversight || r.requesterBic === viewer.bic || r.payerBic === viewer.bic)) {
      throw notFound('request to pay');
    }
    return r;
  }

  /** A request addressed to this payer bank; anyone else's reads as unknown. */
  private async forPayer(id: string, bic: string): Promise<RequestToPay> {
    const r = await get(this.db, id);
    if (!r || r.payerBic !== bic) throw notFound('request to pay');
    return r;
  }

  /** Records the outcome once and tells the requester by pain.014, in the same commit. */
  private async finish(
    r: RequestToPay,
    status: RequestStatus,
    reason: string | null,
    paymentId: string | null,
  ): Promise<void> {
    const at = this.now();
    const requester = await this.lookup(r.requesterBic);
    await this.db.transaction(async (tx) => {
      const n = await tx.exec(
        `UPDATE ips_requests SET status = $1, reason = $2, payment_id = $3, updated_at = $4
         WHERE id = $5 AND status = 'pending'`,
        [status, reason, paymentId, at, r.id],
      );
      if (n !== 1 || !requester) return;
      const done = { ...r, status, reason, paymentId, updatedAt: at };
      await enqueueWebhook(
        tx,
        {
          participantId: requester.id,
          eventType: 'ips.pain014',
          payload: pain014For(done, this.ids.next('PAIN014').slice(0, 35), at).message,
          idempotencyKey: `${r.id}:${status}`,
        },
        this.ids,
        this.clock,
      );
    });
  }
}
