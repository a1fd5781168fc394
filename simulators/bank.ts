/**
 * A simulated bank host: customer accounts in memory, an OAuth 2.0 client (client credentials with
 * private_key_jwt, ES256) whose token it refreshes before expiry, payments to IMTS as ISO 20022 pacs.008
 * (JSON or XML) answered by pacs.002, and a webhook receiver for the platform's signed notifications
 * (Standard Webhooks; camt.054 debit/credit notifications book customer accounts).
 *
 * It talks to NDFI only through the public API, as a real bank's system would, so a real bank can take its
 * place without a code change: the only platform code it uses is the participant SDK (`requestToken`,
 * `verifyWebhookSignature`) and the ISO 20022 library.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { build, formatAmount, type Pacs008, parse, parseAmount } from '../packages/iso20022/index.ts';
import { requestToken, verifyWebhookSignature } from '../src/platform/index.ts';
import { BoundedHttp, type HttpAnswer, isLoopback, type OperatorSession, PlatformHttpError } from './platform.ts';

const IMTS = '/api/imts/v1';
const PARTICIPANTS = '/api/participants/v1';
const IPS = '/api/ips/v1';
/** Larger webhook bodies are refused (413) before they are verified or parsed. */
const MAX_WEBHOOK_BYTES = 1_048_576;
/** Webhook ids remembered for de-duplication; beyond the signature's 5-minute replay window they are moot. */
const SEEN_WINDOW_MS = 10 * 60_000;

/** `"1500.00"` → 150000n tiyn. */
export const kzt = (decimal: string): bigint => parseAmount(decimal, 'KZT');
/** 150000n → `"1500.00"`. */
export const formatKzt = (tiyn: bigint): string => formatAmount(tiyn, 'KZT');

export interface CustomerAccount {
  id: string;
  name: string;
  /** Tiyn. Debited when a payment is sent, refunded if IMTS rejects it or it is cancelled. */
  balance: bigint;
}

export interface PaymentOrder {
  /** The paying customer's account id at this bank. */
  from: string;
  to: { bic: string; account?: string; name?: string };
  /** Tiyn. */
  amount: bigint;
  /** pacs.008 PmtTpInf/InstrPrty HIGH: settles before the sender's normal payments. */
  urgent?: boolean;
  /** Wire format of the message; default the simulator's `format` (json). */
  format?: 'json' | 'xml';
  remittance?: string;
}

export type TxStatus = 'ACSC' | 'PDNG' | 'RJCT';

/** The pacs.002 answer to one payment. */
export interface PaymentAnswer {
  /** IMTS's id of the payment: `<sender BIC>:<TxId>`. */
  paymentId: string;
  msgId: string;
  txId: string;
  endToEndId: string;
  status: TxStatus;
  /** ISO 20022 status reason (e.g. RC01 unknown BIC) when rejected. */
  reason?: string;
  /** From sending the message to having its answer, in milliseconds. */
  latencyMs: number;
}

/** A verified, de-duplicated webhook event: the platform's envelope and when it arrived. */
export interface WebhookEvent {
  id: string;
  type: string;
  createdAt: string;
  data: any;
  receivedAt: Date;
}

/** One entry of a camt.054 debit/credit notification. */
export interface Camt054Entry {
  side: 'DBIT' | 'CRDT';
  /** As carried in the notification. */
  amount: string;
  ccy: string;
  msgId?: string;
  endToEndId?: string;
  txId?: string;
  debtorBic?: string;
  creditorBic?: string;
}

/** The camt.054 entries of an `imts.camt054` event; none for other events. */
export function camt054Entries(event: WebhookEvent): Camt054Entry[] {
  if (event.type !== 'imts.camt054' || event.data?.type !== 'camt.054.001.08') return [];
  const out: Camt054Entry[] = [];
  for (const n of event.data.message?.ntfctn ?? []) {
    for (const e of n.ntry ?? []) {
      const details = (e.ntryDtls ?? []).flatMap((d: any) => d.txDtls ?? []);
      for (const d of details.length > 0 ? details : [{}]) {
        out.push({
          side: (d.cdtDbtInd ?? e.cdtDbtInd) === 'DBIT' ? 'DBIT' : 'CRDT',
          amount: String(d.amt?.amount ?? e.amt?.amount ?? ''),
          ccy: String(d.amt?.ccy ?? e.amt?.ccy ?? ''),
          msgId: d.refs?.msgId,
          endToEndId: d.refs?.endToEndId,
          txId: d.refs?.txId,
          debtorBic: d.rltdAgts?.dbtrAgt?.finInstnId?.bicfi,
          creditorBic: d.rltdAgts?.cdtrAgt?.finInstnId?.bicfi,
        });
      }
    }
  }
  return out;
}

/** Counters of this bank's outgoing payments and notifications. */
export interface BankStats {
  /** Payment messages sent to IMTS. */
  submitted: number;
  /** Settled, at once (ACSC) or later out of the queue. */
  settled: number;
  /** Waiting in the IMTS queue now. */
  queued: number;
  rejected: number;
  cancelled: number;
  /** Submissions that got no pacs.002 (HTTP error, network failure). */
  errors: number;
  /** Incoming payments booked to customer accounts. */
  credited: number;
  /** Verified webhook events (after de-duplication). */
  events: number;
  duplicates: number;
  /** Webhook requests refused for a missing or wrong signature. */
  refused: number;
  /** Access tokens obtained. */
  tokens: number;
}

type OutgoingStatus = 'sending' | 'settled' | 'queued' | 'rejected' | 'cancelled' | 'unknown';

interface Outgoing {
  paymentId: string;
  from: string;
  amount: bigint;
  status: OutgoingStatus;
  /** When it was queued (ms, the simulator's clock). */
  queuedAt: number;
  /** A DBIT notification arrived before the answer. */
  debited: boolean;
}

export interface BankSimulatorOptions {
  /** The platform. Every request goes to this origin and nowhere else. */
  baseUrl: string;
  /** The bank's participant id on the platform (its BIC and name are read from the platform). */
  participantId: string;
  /** Default wire format of payments. */
  format?: 'json' | 'xml';
  /**
   * Run the webhook receiver (127.0.0.1, a free port) and register it. Default: only when the platform is
   * on loopback too, so a remote platform is never told to call its own 127.0.0.1.
   */
  webhooks?: boolean;
  /** Prefix of MsgId / TxId (≤ 20 characters); default one unique to this simulator instance. */
  msgIdPrefix?: string;
  /** Milliseconds clock for token expiry (tests move it); default Date.now. */
  clock?: () => number;
  /** Events kept for `waitFor` and `received`; older ones are dropped. Default 10,000. */
  keepEvents?: number;
  log?: (line: string) => void;
}

interface Waiter {
  predicate: (e: WebhookEvent) => boolean;
  resolve: (e: WebhookEvent) => void;
  reject: (e: Error) => void;
}

interface Subscriber {
  push: (e: WebhookEvent) => void;
  wake: () => void;
}

export class BankSimulator {
  readonly participantId: string;
  private readonly http: BoundedHttp;
  private readonly clock: () => number;
  private readonly log: (line: string) => void;
  private readonly format: 'json' | 'xml';
  private readonly wantWebhooks: boolean;
  private readonly keepEvents: number;
  private readonly prefix: string | undefined;
  private msgIdPrefix = '';
  private counter = 0;
  private bicValue: string | undefined;
  private nameValue = '';

  private credentials: { tokenEndpoint: string; clientId: string; privateKey: CryptoKey } | undefined;
  private tokenState: { value: string; softAt: number; hardAt: number } | undefined;
  private refreshing: Promise<string> | undefined;

  private readonly customers = new Map<string, CustomerAccount>();
  private accountSeq = 0;
  private readonly outgoing = new Map<string, Outgoing>();
  /** Incoming payments already booked (payment id), oldest first. */
  private readonly booked = new Map<string, true>();

  private server: Server | undefined;
  private url: string | undefined;
  /** Whether this bank receives webhooks (and so answers IPS deliveries). */
  get receiving(): boolean {
    return this.url !== undefined;
  }
  private secrets: string[] = [];
  private webhookEndpointId: string | undefined;
  private readonly seen = new Map<string, number>();
  private readonly events_: WebhookEvent[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly subscribers = new Set<Subscriber>();
  private readonly bookings = new Set<Promise<void>>();
  private closed = false;

  readonly stats: BankStats = {
    submitted: 0,
    settled: 0,
    queued: 0,
    rejected: 0,
    cancelled: 0,
    errors: 0,
    credited: 0,
    events: 0,
    duplicates: 0,
    refused: 0,
    tokens: 0,
  };

  constructor(opts: BankSimulatorOptions) {
    this.http = new BoundedHttp(opts.baseUrl);
    this.participantId = opts.participantId;
    this.clock = opts.clock ?? Date.now;
    this.log = opts.log ?? (() => {});
    this.format = opts.format ?? 'json';
    this.wantWebhooks = opts.webhooks ?? isLoopback(new URL(this.http.origin));
    this.keepEvents = opts.keepEvents ?? 10_000;
    if (opts.msgIdPrefix !== undefined && !/^[A-Za-z0-9-]{1,20}$/.test(opts.msgIdPrefix))
      throw new Error('msgIdPrefix: 1 to 20 letters, digits or dashes');
    this.prefix = opts.msgIdPrefix;
  }

  /** The bank's BIC (known after start). */
  get bic(): string {
    if (!this.bicValue) throw new Error('the simulator has not started');
    return this.bicValue;
  }

  get name(): string {
    return this.nameValue;
  }

  /** The receiver's URL as registered with the platform, if it runs. */
  get webhookUrl(): string | undefined {
    return this.url;
  }

  /** The signing secrets the receiver accepts (current first). The bank's own; exposed for tests. */
  get webhookSecrets(): readonly string[] {
    return this.secrets;
  }

  /** Verified events received so far (the most recent `keepEvents`). */
  get received(): readonly WebhookEvent[] {
    return this.events_;
  }

  /**
   * Registers the bank's API client (a fresh ES256 key pair, certified by the operator session), gets a
   * token, reads its own participant record, and starts and registers the webhook receiver.
   */
  async start(operator: OperatorSession): Promise<void> {
    if (this.credentials) throw new Error('already started');
    if (new URL(operator.baseUrl).origin !== this.http.origin)
      throw new Error(`the operator session is for ${operator.baseUrl}, not ${this.http.origin}`);
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const reg = await this.http.json(
      'POST',
      `${PARTICIPANTS}/participants/${encodeURIComponent(this.participantId)}/api-clients`,
      { cookie: operator.cookie, body: { publicKeyJwk: await exportJWK(publicKey) } },
    );
    // the token endpoint comes from the platform: it too must be on the platform's origin
    const tokenEndpoint = this.http.check(String(reg.tokenEndpoint));
    this.credentials = { tokenEndpoint, clientId: String(reg.clientId), privateKey };
    await this.refreshToken();
    const me = await this.json('GET', `${PARTICIPANTS}/participants/me`);
    if (!me.bic) throw new Error(`participant ${this.participantId} has no BIC: it cannot settle in IMTS`);
    this.bicValue = String(me.bic);
    this.nameValue = String(me.name ?? '');
    this.msgIdPrefix =
      this.prefix ??
      `S${this.bicValue.slice(0, 4)}${Date.now().toString(36).toUpperCase()}${Math.floor(Math.random() * 36 ** 3)
        .toString(36)
        .toUpperCase()
        .padStart(3, '0')}`;
    if (this.wantWebhooks) await this.startReceiver();
    this.log(`${this.bicValue}: started${this.url ? `, webhooks at ${this.url}` : ''}`);
  }

  // ---- OAuth ----

  /**
   * A valid access token. Past three quarters of its life a new one is fetched in the background while
   * the current one is still used; close to expiry callers wait for the new one.
   */
  async accessToken(): Promise<string> {
    const t = this.tokenState;
    const now = this.clock();
    if (t && now < t.softAt) return t.value;
    if (t && now < t.hardAt) {
      this.refreshToken().catch((e: Error) => this.log(`${this.bicValue}: token refresh failed: ${e.message}`));
      return t.value;
    }
    return this.refreshToken();
  }

  private refreshToken(): Promise<string> {
    const creds = this.credentials;
    if (!creds) return Promise.reject(new Error('the simulator has not started'));
    this.refreshing ??= (async () => {
      try {
        const r = await requestToken(creds);
        const issued = this.clock();
        const life = Math.max(1, r.expiresIn) * 1000;
        this.tokenState = {
          value: r.accessToken,
          softAt: issued + life * 0.75,
          hardAt: issued + life - Math.min(30_000, life * 0.1),
        };
        this.stats.tokens++;
        return r.accessToken;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /**
   * A request with the bank's token. 401 → one retry with a fresh token. Network failures and 503 are
   * retried (twice, with backoff) with the same Idempotency-Key, so a retry never pays twice.
   */
  private async send(
    method: string,
    path: string,
    opts: { body?: string; contentType?: string; accept?: string; idempotencyKey?: string } = {},
  ): Promise<HttpAnswer> {
    const key = method === 'GET' ? undefined : (opts.idempotencyKey ?? crypto.randomUUID());
    let renewed = false;
    for (let attempt = 0; ; attempt++) {
      const token = await this.accessToken();
      const headers: Record<string, string> = {
        authorization: `Bearer ${token}`,
        accept: opts.accept ?? 'application/json',
      };
      if (opts.body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
      if (key) headers['idempotency-key'] = key;
      let r: HttpAnswer;
      try {
        r = await this.http.request(method, path, {
          headers,
          ...(opts.body !== undefined ? { body: opts.body } : {}),
        });
      } catch (e) {
        if (attempt >= 2 || this.closed) throw e;
        await delay(100 * 4 ** attempt);
        continue;
      }
      if (r.status === 401 && !renewed) {
        renewed = true;
        if (this.tokenState?.value === token) this.tokenState = undefined;
        continue;
      }
      if (r.status === 503 && attempt < 2 && !this.closed) {
        await delay(100 * 4 ** attempt);
        continue;
      }
      return r;
    }
  }

  private async json(method: string, path: string, body?: unknown): Promise<any> {
    const r = await this.send(method, path, body === undefined ? {} : { body: JSON.stringify(body) });
    if (r.status < 200 || r.status > 299) throw new PlatformHttpError(method, path, r.status, r.body);
    return r.body;
  }

  // ---- customers ----

  /** Opens a customer account (in memory). */
  openAccount(opts: { name: string; balance?: bigint; id?: string }): CustomerAccount {
    const id = opts.id ?? `${this.bic.slice(0, 4)}${String(++this.accountSeq).padStart(10, '0')}`;
    if (this.customers.has(id)) throw new Error(`account ${id} exists`);
    const a: CustomerAccount = { id, name: opts.name, balance: opts.balance ?? 0n };
    this.customers.set(id, a);
    return a;
  }

  account(id: string): CustomerAccount | undefined {
    return this.customers.get(id);
  }

  accounts(): CustomerAccount[] {
    return [...this.customers.values()];
  }

  /** Credits to accounts this bank does not know land here. */
  private suspense(): CustomerAccount {
    return this.customers.get('SUSPENSE') ?? this.openAccount({ id: 'SUSPENSE', name: 'Suspense account' });
  }

  // ---- IMTS ----

  /** The available balance of the bank's settlement account at the central bank, in tiyn. */
  async settlementBalance(): Promise<bigint> {
    return BigInt((await this.json('GET', `${IMTS}/balance`)).available);
  }

  /** One payment as IMTS shows it (sent or received by this bank). */
  async payment(paymentId: string): Promise<any> {
    return this.json('GET', `${IMTS}/payments/${encodeURIComponent(paymentId)}`);
  }

  /**
   * Debits the customer, sends one pacs.008 and books the pacs.002 answer: ACSC settled, PDNG queued
   * (the customer's money stays held), RJCT refunded. Throws PlatformHttpError if IMTS refuses the
   * message itself; after a network failure the outcome is left for `reconcile`.
   */
  async pay(order: PaymentOrder): Promise<PaymentAnswer> {
    const customer = this.customers.get(order.from);
    if (!customer) throw new Error(`no account ${order.from} at ${this.bic}`);
    if (order.amount <= 0n) throw new Error('amount must be positive');
    if (customer.balance < order.amount) throw new Error(`insufficient funds on ${order.from}`);
    const msgId = `${this.msgIdPrefix}${++this.counter}`;
    const txId = msgId;
    const endToEndId = `E${msgId}`;
    const paymentId = `${this.bic}:${txId}`;
    const tx = {
      pmtId: { endToEndId, txId },
      ...(order.urgent ? { pmtTpInf: { instrPrty: 'HIGH' } } : {}),
      intrBkSttlmAmt: { amount: order.amount, ccy: 'KZT' },
      intrBkSttlmDt: almatyDate(new Date()),
      chrgBr: 'SLEV',
      dbtr: { nm: customer.name },
      dbtrAcct: { id: { othr: { id: customer.id } } },
      dbtrAgt: { finInstnId: { bicfi: this.bic } },
      cdtrAgt: { finInstnId: { bicfi: order.to.bic } },
      cdtr: { nm: order.to.name ?? 'Beneficiary' },
      ...(order.to.account ? { cdtrAcct: { id: { othr: { id: order.to.account } } } } : {}),
      ...(order.remittance ? { rmtInf: { ustrd: [order.remittance] } } : {}),
    };
    const message = {
      grpHdr: {
        msgId,
        creDtTm: new Date().toISOString(),
        nbOfTxs: 1,
        sttlmInf: { sttlmMtd: 'CLRG' },
        instgAgt: { finInstnId: { bicfi: this.bic } },
        instdAgt: { finInstnId: { bicfi: order.to.bic } },
      },
      cdtTrfTxInf: [tx],
    };
    const xml = (order.format ?? this.format) === 'xml';
    const body = xml
      ? build({ type: 'pacs.008.001.09', message: message as unknown as Pacs008 })
      : JSON.stringify(message, (_k, v) => (typeof v === 'bigint' ? formatKzt(v) : v));

    customer.balance -= order.amount;
    const record: Outgoing = {
      paymentId,
      from: customer.id,
      amount: order.amount,
      status: 'sending',
      queuedAt: 0,
      debited: false,
    };
    this.outgoing.set(paymentId, record);
    this.stats.submitted++;
    const t0 = performance.now();
    let r: HttpAnswer;
    try {
      r = await this.send('POST', `${IMTS}/pacs.008`, {
        body,
        contentType: xml ? 'application/xml' : 'application/json',
        accept: xml ? 'application/xml' : 'application/json',
        idempotencyKey: `${this.bic}-${msgId}`,
      });
    } catch (e) {
      // it may or may not have arrived: keep the money held until reconcile asks IMTS
      record.status = 'unknown';
      this.stats.errors++;
      throw e;
    }
    const latencyMs = performance.now() - t0;
    if (r.status !== 200) {
      this.stats.errors++;
      if (r.status >= 500) record.status = 'unknown';
      else this.settle(record, 'refused');
      throw new PlatformHttpError('POST', `${IMTS}/pacs.008`, r.status, r.body);
    }
    const report = xml ? parse(r.text, { expect: 'pacs.002.001.11' }).message : r.body;
    const st = (report as any)?.txInfAndSts?.[0];
    const status = st?.txSts as string | undefined;
    const reason: string | undefined = st?.stsRsnInf?.[0]?.rsn?.cd;
    if (status === 'ACSC') this.settle(record, 'settled');
    else if (status === 'PDNG') this.settle(record, record.debited ? 'settled' : 'queued');
    else if (status === 'RJCT') this.settle(record, 'rejected');
    else {
      record.status = 'unknown';
      this.stats.errors++;
      throw new Error(`unexpected pacs.002 status ${String(status)} for ${paymentId}`);
    }
    return {
      paymentId,
      msgId,
      txId,
      endToEndId,
      status: status as TxStatus,
      ...(reason ? { reason } : {}),
      latencyMs,
    };
  }

  /** Moves an outgoing payment to a new state, keeping counters and customer balances right. */
  private settle(o: Outgoing, to: 'settled' | 'queued' | 'rejected' | 'cancelled' | 'refused'): void {
    const from = o.status;
    if (from === to) return;
    if (from === 'queued') this.stats.queued--;
    // a submission counted as an error turned out to have reached IMTS
    if (from === 'unknown' && to !== 'refused') this.stats.errors--;
    if (to === 'queued') {
      this.stats.queued++;
      o.queuedAt = this.clock();
      o.status = 'queued';
      return;
    }
    // final states are recorded too: a late duplicate (a notice and a status check racing) finds it done
    o.status = to === 'refused' ? 'rejected' : to;
    if (to === 'settled') this.stats.settled++;
    if (to === 'rejected') this.stats.rejected++;
    if (to === 'cancelled') this.stats.cancelled++;
    if (to !== 'settled') {
      const c = this.customers.get(o.from) ?? this.suspense();
      c.balance += o.amount;
    }
    this.outgoing.delete(o.paymentId);
  }

  /** Ids of this bank's payments waiting in the IMTS queue longer than `ms` (all with 0). */
  queuedPayments(olderThanMs = 0): string[] {
    const now = this.clock();
    return [...this.outgoing.values()]
      .filter((o) => o.status === 'queued' && now - o.queuedAt >= olderThanMs)
      .map((o) => o.paymentId);
  }

  /** Cancels a queued payment (refunding the customer); if it settled meanwhile, books that instead. */
  async cancel(paymentId: string, reason = 'CUST'): Promise<'cancelled' | 'settled' | 'rejected' | 'queued'> {
    const r = await this.send('POST', `${IMTS}/payments/${encodeURIComponent(paymentId)}/cancel`, {
      body: JSON.stringify({ reason }),
    });
    const o = this.outgoing.get(paymentId);
    if (r.status === 200) {
      if (o) this.settle(o, 'cancelled');
      return 'cancelled';
    }
    if (r.status === 409 || r.status === 422) return this.reconcileOne(paymentId);
    throw new PlatformHttpError('POST', `${IMTS}/payments/${paymentId}/cancel`, r.status, r.body);
  }

  private async reconcileOne(paymentId: string): Promise<'cancelled' | 'settled' | 'rejected' | 'queued'> {
    const o = this.outgoing.get(paymentId);
    let view: any;
    try {
      view = await this.payment(paymentId);
    } catch (e) {
      if (e instanceof PlatformHttpError && e.status === 404) {
        // IMTS never received it
        if (o?.status === 'unknown') this.settle(o, 'refused');
        return 'rejected';
      }
      throw e;
    }
    const status = String(view.status) as 'settled' | 'queued' | 'rejected' | 'cancelled';
    if (o && (status === 'settled' || status === 'rejected' || status === 'cancelled' || status === 'queued'))
      this.settle(o, status);
    return status;
  }

  /**
   * Asks IMTS about every payment whose outcome the bank does not know for certain: queued ones (for
   * at least `olderThanMs`) and those whose submission failed. Without webhooks this is how a queued
   * payment's later settlement is learnt.
   */
  async reconcile(opts: { olderThanMs?: number } = {}): Promise<void> {
    const now = this.clock();
    const due = [...this.outgoing.values()].filter(
      (o) => o.status === 'unknown' || (o.status === 'queued' && now - o.queuedAt >= (opts.olderThanMs ?? 0)),
    );
    for (const o of due) await this.reconcileOne(o.paymentId);
  }

  // ---- IPS (instant payments) ----

  /** Moves money between this bank's IMTS settlement account and its IPS position. */
  async fundInstantPosition(amount: bigint, direction: 'fund' | 'defund' = 'fund'): Promise<void> {
    await this.json('POST', `${IPS}/positions`, {
      id: `${this.msgIdPrefix}F${++this.counter}`,
      direction,
      amount: formatKzt(amount),
    });
  }

  /**
   * An instant payment from a customer: debited at once, credited back if IPS rejects it. The payee bank
   * answers within seconds, so the answer is final (ACSC or RJCT).
   */
  async payInstant(order: { from: string; to: { bic: string; account: string }; amount: bigint }): Promise<{
    paymentId: string;
    status: 'ACSC' | 'RJCT';
    reason?: string;
  }> {
    const customer = this.customers.get(order.from);
    if (!customer) throw new Error(`no account ${order.from} at ${this.bic}`);
    if (customer.balance < order.amount) throw new Error(`insufficient funds on ${order.from}`);
    customer.balance -= order.amount;
    const txId = `${this.msgIdPrefix}I${++this.counter}`;
    const body = {
      grpHdr: {
        msgId: txId,
        creDtTm: new Date().toISOString(),
        nbOfTxs: 1,
        sttlmInf: { sttlmMtd: 'CLRG' },
        instgAgt: { finInstnId: { bicfi: this.bic } },
      },
      cdtTrfTxInf: [
        {
          pmtId: { endToEndId: `E${txId}`, txId },
          intrBkSttlmAmt: { amount: formatKzt(order.amount), ccy: 'KZT' },
          intrBkSttlmDt: almatyDate(new Date()),
          chrgBr: 'SLEV',
          dbtr: { nm: customer.name },
          dbtrAcct: { id: { othr: { id: customer.id } } },
          dbtrAgt: { finInstnId: { bicfi: this.bic } },
          cdtrAgt: { finInstnId: { bicfi: order.to.bic } },
          cdtr: { nm: 'Beneficiary' },
          cdtrAcct: { id: { othr: { id: order.to.account } } },
        },
      ],
    };
    const r = await this.json('POST', `${IPS}/pacs.008`, body);
    const st = r?.txInfAndSts?.[0];
    const status = st?.txSts === 'ACSC' ? 'ACSC' : 'RJCT';
    if (status !== 'ACSC') customer.balance += order.amount;
    const reason: string | undefined = st?.stsRsnInf?.[0]?.rsn?.cd;
    return { paymentId: `${this.bic}:${txId}`, status, ...(reason ? { reason } : {}) };
  }

  // ---- webhooks ----

  private async startReceiver(): Promise<void> {
    const server = createServer((req, res) => {
      this.onWebhook(req, res).catch((e: Error) => {
        this.log(`${this.bicValue}: webhook handling failed: ${e.message}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ndfi/webhooks`;
    const hook = await this.json('POST', `${PARTICIPANTS}/webhooks`, { url: this.url, events: [] });
    this.webhookEndpointId = String(hook.id);
    this.secrets = [String(hook.secret)];
  }

  /**
   * A receiver that goes away takes its endpoint with it. Left active, the platform would keep sending the
   * bank's webhooks to a closed port, and IPS its instant payments, whose payee decision nobody gives then:
   * each would wait for its deadline and be rejected (AB05), e.g. in every later demo traffic run.
   */
  private async disableEndpoint(): Promise<void> {
    const id = this.webhookEndpointId;
    if (!id) return;
    this.webhookEndpointId = undefined;
    try {
      await this.json('DELETE', `${PARTICIPANTS}/webhooks/${encodeURIComponent(id)}`);
    } catch (e) {
      this.log(`${this.bicValue}: could not disable webhook endpoint ${id}: ${(e as Error).message}`);
    }
  }

  /** Rotates the webhook signing secret; the previous one keeps verifying (deliveries already signed). */
  async rotateWebhookSecret(): Promise<void> {
    if (!this.webhookEndpointId) throw new Error('no webhook endpoint');
    const r = await this.json(
      'POST',
      `${PARTICIPANTS}/webhooks/${encodeURIComponent(this.webhookEndpointId)}/rotate-secret`,
    );
    this.secrets = [String(r.secret), ...this.secrets.slice(0, 1)];
  }

  private async onWebhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, error?: string) => {
      if (error) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
      else res.writeHead(status).end();
    };
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return reply(405, 'POST only');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const c of req as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > MAX_WEBHOOK_BYTES) {
        reply(413, 'too large');
        req.destroy();
        return;
      }
      chunks.push(c);
    }
    const body = Buffer.concat(chunks);
    const header = (name: string): string => {
      const v = req.headers[name];
      return Array.isArray(v) ? v.join(' ') : (v ?? '');
    };
    const id = header('webhook-id');
    const timestamp = header('webhook-timestamp');
    const signature = header('webhook-signature');
    // registered but the secret not yet known: let the platform retry
    if (this.secrets.length === 0) return reply(503, 'not ready');
    const ok =
      id !== '' &&
      timestamp !== '' &&
      signature !== '' &&
      verifyWebhookSignature({ secrets: this.secrets, id, timestamp, signature, body, now: new Date() });
    if (!ok) {
      this.stats.refused++;
      return reply(401, 'invalid webhook signature');
    }
    if (this.seen.has(id)) {
      this.stats.duplicates++;
      return reply(204);
    }
    let envelope: any;
    try {
      envelope = JSON.parse(body.toString('utf8'));
    } catch {
      return reply(400, 'body is not JSON');
    }
    this.remember(id);
    if (envelope?.type === 'ips.pacs008') {
      // an instant payment for one of our customers: accept (and credit) it, or refuse an unknown account
      const acct: string | undefined = envelope.data?.cdtrAcct?.id?.othr?.id ?? envelope.data?.cdtrAcct?.id?.iban;
      const customer = acct ? this.customers.get(acct) : undefined;
      const accept = customer !== undefined;
      if (customer) {
        customer.balance += BigInt(envelope.data?.intrBkSttlmAmt?.amount ?? 0);
        this.stats.credited++;
      }
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify(accept ? { txSts: 'ACCP' } : { txSts: 'RJCT', reason: 'AC03' }));
      this.stats.events++;
      return;
    }
    reply(204);
    const event: WebhookEvent = {
      id,
      type: String(envelope?.type ?? ''),
      createdAt: String(envelope?.createdAt ?? ''),
      data: envelope?.data,
      receivedAt: new Date(),
    };
    this.stats.events++;
    const booking = this.book(event)
      .catch((e: Error) => this.log(`${this.bicValue}: booking ${event.type} ${id} failed: ${e.message}`))
      .finally(() => {
        this.bookings.delete(booking);
        this.publish(event);
      });
    this.bookings.add(booking);
    await booking;
  }

  private remember(id: string): void {
    const now = Date.now();
    this.seen.set(id, now);
    for (const [k, at] of this.seen) {
      if (now - at < SEEN_WINDOW_MS) break;
      this.seen.delete(k);
    }
  }

  /** Books a camt.054: a debit settles a queued outgoing payment; a credit goes to the creditor's account. */
  private async book(event: WebhookEvent): Promise<void> {
    for (const e of camt054Entries(event)) {
      if (!e.txId || !e.debtorBic) continue;
      const paymentId = `${e.debtorBic}:${e.txId}`;
      if (e.side === 'DBIT') {
        const o = this.outgoing.get(paymentId);
        if (!o) continue;
        if (o.status === 'queued' || o.status === 'unknown') this.settle(o, 'settled');
        else o.debited = true;
        continue;
      }
      if (this.booked.has(paymentId)) continue;
      this.booked.set(paymentId, true);
      if (this.booked.size > 100_000) this.booked.delete(this.booked.keys().next().value!);
      // the notification names the payment; its content (creditor account, amount in tiyn) is in IMTS
      const p = await this.payment(paymentId);
      const doc = p.document ?? {};
      const acct: string | undefined = doc.cdtrAcct?.id?.othr?.id ?? doc.cdtrAcct?.id?.iban;
      const target = (acct && this.customers.get(acct)) || this.suspense();
      target.balance += BigInt(p.amount);
      this.stats.credited++;
    }
  }

  private publish(event: WebhookEvent): void {
    this.events_.push(event);
    if (this.events_.length > this.keepEvents) this.events_.splice(0, this.events_.length - this.keepEvents);
    for (const w of this.waiters) {
      if (!w.predicate(event)) continue;
      this.waiters.delete(w);
      w.resolve(event);
    }
    for (const s of this.subscribers) s.push(event);
  }

  /**
   * The first verified event (already received, or to come) matching `predicate`, once the bank has
   * booked it. Rejects after `timeoutMs` (if given), on `signal`, or when the simulator closes.
   */
  waitFor(
    predicate: (e: WebhookEvent) => boolean,
    opts: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<WebhookEvent> {
    const found = this.events_.find(predicate);
    if (found) return Promise.resolve(found);
    if (this.closed) return Promise.reject(new Error('the simulator is closed'));
    return new Promise<WebhookEvent>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        this.waiters.delete(w);
      };
      const w: Waiter = {
        predicate,
        resolve: (e) => {
          done();
          resolve(e);
        },
        reject: (e) => {
          done();
          reject(e);
        },
      };
      const onAbort = () => w.reject(new Error('aborted waiting for a webhook event'));
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      if (opts.timeoutMs !== undefined)
        timer = setTimeout(
          () => w.reject(new Error(`no matching webhook event within ${opts.timeoutMs} ms`)),
          opts.timeoutMs,
        );
      this.waiters.add(w);
    });
  }

  /** The camt.054 entry for one payment and side, once booked. */
  waitForNotification(
    side: 'DBIT' | 'CRDT',
    match: { txId?: string; endToEndId?: string },
    opts: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<Camt054Entry> {
    const hit = (e: Camt054Entry) =>
      e.side === side &&
      (match.txId === undefined || e.txId === match.txId) &&
      (match.endToEndId === undefined || e.endToEndId === match.endToEndId);
    return this.waitFor((ev) => camt054Entries(ev).some(hit), opts).then((ev) => camt054Entries(ev).find(hit)!);
  }

  /** Verified events as they arrive (with `replay`, those already kept first); ends on signal or close. */
  async *events(opts: { signal?: AbortSignal; replay?: boolean } = {}): AsyncGenerator<WebhookEvent> {
    const queue: WebhookEvent[] = opts.replay ? [...this.events_] : [];
    let wake: (() => void) | undefined;
    const sub: Subscriber = {
      push: (e) => {
        queue.push(e);
        wake?.();
      },
      wake: () => wake?.(),
    };
    this.subscribers.add(sub);
    opts.signal?.addEventListener('abort', sub.wake);
    try {
      while (!this.closed && !opts.signal?.aborted) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        await new Promise<void>((r) => {
          wake = r;
        });
        wake = undefined;
      }
    } finally {
      this.subscribers.delete(sub);
      opts.signal?.removeEventListener('abort', sub.wake);
    }
  }

  /**
   * Disables the receiver's webhook endpoint on the platform, stops the receiver (after bookings in progress),
   * ends iterators and rejects pending waits.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.disableEndpoint();
    await Promise.allSettled([...this.bookings]);
    for (const w of [...this.waiters]) w.reject(new Error('the simulator is closed'));
    for (const s of this.subscribers) s.wake();
    const server = this.server;
    if (server)
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
  }
}

const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Today's date in Kazakhstan (UTC+5), the settlement date of an immediate payment. */
const almatyDate = (now: Date): string => new Date(now.getTime() + 5 * 3600_000).toISOString().slice(0, 10);
