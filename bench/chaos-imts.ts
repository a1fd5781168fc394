/**
 * Crash test of IMTS as deployed: the whole platform (`src/cli.ts start`, SQLite in a temp dir, the demo world
 * of five banks) runs as a child process; the parent drives it over the public JSON API with bank OAuth
 * tokens: concurrent pacs.008 messages (1–4 transactions) among the banks, each with its own Idempotency-Key.
 * Two banks are left with little liquidity (withdrawn by the central bank at the start) and send larger
 * payments, so their payments queue; the central bank injects liquidity into them as the run goes, which
 * settles queued payments from the queue. Some transactions are refused on purpose (unknown receiver, self).
 *
 * The parent records every ACKNOWLEDGED answer (HTTP 2xx pacs.002 with a per-transaction status ACSC, PDNG or
 * RJCT), SIGKILLs the platform at random moments under load (≥ 20 times, plus a few kills while it boots),
 * restarts it on the same data dir and resends every unacknowledged message and liquidity operation with the
 * same body (message id, transaction ids) and the same Idempotency-Key. A resend is answered either as a
 * fresh or replayed pacs.002 (acknowledged), or 409 DUPL: the message was received before the crash but its
 * answer was not kept; that resolves the message without a status, and its payments must then exist.
 *
 * Checks, after each restart before any traffic: the queue IMTS serves (GET /queue) is exactly the payments
 * stored as queued, in queue order per sender, and none of them has a settlement on the ledger; after the
 * resends are answered: each bank's available balance as IMTS sees it equals its ledger balance. At the end
 * (all resolved, the queue drained by injections, the platform stopped cleanly), on the SQLite file:
 *   lost        acknowledged transactions whose payment is missing or contradicts the acknowledgement
 *               (ACSC → settled; PDNG → queued, or settled later: after the drain, settled; RJCT → rejected;
 *               RJCT DUPL or a message answered DUPL → the payment exists), acknowledged liquidity missing
 *   duplicated  payments settled more than once (several ledger settlements of one payment, or two fresh
 *               acknowledgements of one), account balances that differ from the sum of their transfers
 *   sum         Σ (credits − debits) over every ledger account: "0"
 * plus `inconsistent` (a payment's status disagrees with its settlement transfer, or a settlement without its
 * payment), `queued_intact` (every queue check matched and nothing is left queued after the drain) and
 * `mirror_drift` (balance checks where IMTS and the ledger disagreed). `stalled_heads` only informs: senders
 * whose queue head was covered at a restart, yet waits for the next credit.
 *
 * Options: `--calm-liquidity` injects the same liquidity, but only while nothing else is in flight, so no kill
 * interrupts an injection and none is resent (isolates the payments from a retried injection).
 * `--copies`: 2% of the messages are followed at once by a copy of their first transaction under a new message
 * id (a bank's retry with a fresh MsgId): one of the two must be answered RJCT DUPL, the payment settle once.
 * CHAOS_KEEP=1 keeps the data dir for inspection.
 *
 * Run: `node bench/chaos-imts.ts [kills] [--calm-liquidity] [--copies]` or `npm run chaos -- imts [kills] …`.
 * Progress goes to stderr; the last stdout line is the verdict; the exit code is non-zero on any loss,
 * duplicate, imbalance, inconsistency, broken queue or balance drift.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { DatabaseSync } from 'node:sqlite';
import { exportJWK, generateKeyPair } from 'jose';
import { paymentId, settlementAccountId, settlementTransferId } from '../src/imts/domain/payment.ts';
import { fetchAccessToken, totpCode } from '../src/platform/index.ts';

const ROOT = join(dirname(import.meta.filename), '..');
/** Concurrent requests under load. */
const WORKERS = 24;
/** A BIC no participant has: payments to it are refused (RJCT RC01). */
const UNKNOWN_BIC = 'ZZZZKZKA';
/** Queue length of a poor bank beyond which an injection releases most of its queue. */
const QUEUE_TARGET = 600;
/** What the poor banks keep after the withdrawal at the start, in tiyn. */
const POOR_BALANCE = 2_000_000_00n;

interface TxSpec {
  txId: string;
  e2e: string;
  receiver: string;
  amount: bigint;
  urgent: boolean;
}
interface PayOp {
  kind: 'pay';
  key: string;
  sender: string;
  msgId: string;
  txs: TxSpec[];
  body: string;
}
interface LiqOp {
  kind: 'liq';
  key: string;
  id: string;
  bic: string;
  direction: 'inject' | 'withdraw';
  amount: bigint;
  body: string;
}
type Op = PayOp | LiqOp;
/** done: answered for good; retry: answered "not now"; down: no answer (the platform is gone). */
type Outcome = 'done' | 'retry' | 'down';

interface Ack {
  status: string;
  reason: string | undefined;
  /** A fresh status, not RJCT DUPL. */
  fresh: boolean;
}

interface Life {
  proc: ChildProcess;
  dead: boolean;
  exited: Promise<string | null>;
}

interface Client {
  clientId: string;
  privateKey: CryptoKey;
  tokenEndpoint: string;
  token: string;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const rand = (lo: bigint, hi: bigint) => lo + BigInt(Math.floor(Math.random() * Number(hi - lo + 1n)));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
const tenge = (tiyn: bigint) => `${tiyn / 100n}.${String(tiyn % 100n).padStart(2, '0')}`;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

/** Reads the platform's SQLite file (WAL: a second process may read while the platform writes). */
function readDb<T>(path: string, fn: (q: <R>(sql: string, ...params: string[]) => R[]) => T): T {
  const db = new DatabaseSync(path, { timeout: 10_000 });
  try {
    return fn(<R>(sql: string, ...params: string[]) => {
      const s = db.prepare(sql);
      s.setReadBigInts(true);
      return s.all(...params) as R[];
    });
  } finally {
    db.close();
  }
}

class ChaosImts {
  readonly dir = mkdtempSync(join(tmpdir(), 'ndfi-chaos-imts-'));
  readonly dbPath = join(this.dir, 'ndfi.db');
  url = '';
  port = 0;
  banks: { id: string; bic: string }[] = [];
  poor: string[] = [];
  readonly clients = new Map<string, Client>();
  nbkCookie = '';

  /** Every operation not answered for good yet, in creation order. */
  readonly unresolved = new Set<Op>();
  readonly ops: Op[] = [];
  /** Per payment id, the acknowledged statuses (one per message that carried it and was acknowledged). */
  readonly acks = new Map<string, Ack[]>();
  readonly tx = new Map<string, { sender: string; spec: TxSpec }>();
  /** Messages resolved by a 409 DUPL answer (received before a crash, answer not kept). */
  readonly duplMessages: PayOp[] = [];
  readonly liqAcked: LiqOp[] = [];
  /** Copies: the same transaction in a second message with a new message id, sent at the same time. */
  readonly copies: boolean;
  /** Liquidity injected only while nothing else is in flight: no kill interrupts an injection. */
  readonly calmLiquidity: boolean;
  private readonly extra: Op[] = [];
  private nextMsg = 0;
  private nextTx = 0;
  private nextLiq = 0;

  constructor(opts: { copies: boolean; calmLiquidity: boolean }) {
    this.copies = opts.copies;
    this.calmLiquidity = opts.calmLiquidity;
  }

  readonly stats = {
    sent: 0,
    resent: 0,
    replayed: 0,
    retries: 0,
    tokenRefreshes: 0,
    serverErrors: 0,
    queueChecks: 0,
    queueMismatches: 0,
    queuedMax: 0,
    stalledHeads: 0,
    /** Unanswered messages whose message row had committed before the kill (DUPL or replay expected). */
    resentReceived: 0,
    /** Unanswered messages not stored, but with settlements on the ledger (IMTS must not settle them again). */
    resentSettled: 0,
    /**
     * Liquidity resent after its transfer had committed but before its HTTP answer was stored: IMTS answers
     * it from the ledger without moving money or its mirror again (mirror_drift proves that), so this
     * counts a path taken, not a failure.
     */
    liquidityAnsweredFromLedger: 0,
    mirrorChecks: 0,
    mirrorDrift: 0,
  };
  readonly unexpected: string[] = [];
  private readonly onLedgerBeforeResend = new Set<LiqOp>();
  /** The platform process of the current life, stopped on the way out whatever happens. */
  current: Life | undefined;
  private readonly everSent = new Set<Op>();

  // ── the platform as a child process ──────────────────────────────────────────────────────────────────

  spawnPlatform(): Life {
    const proc = spawn(
      process.execPath,
      ['--disable-warning=ExperimentalWarning', '--single-threaded-gc', 'src/cli.ts', 'start'],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          PORT: String(this.port),
          NDFI_DATA_DIR: this.dir,
          LOG_LEVEL: 'warn',
          NDFI_RATE_LIMIT_PER_MINUTE: '100000000',
          DATABASE_URL: '',
          NATS_URL: '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<string | null>((r) => proc.once('exit', (_code, signal) => r(signal)));
    // the platform logs JSON lines (pino): errors are counted and the first ones shown
    for (const stream of [proc.stdout!, proc.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        if (!/"level":(50|60)/.test(line)) return;
        if (++this.stats.serverErrors <= 10) console.error(`  [platform] ${line.slice(0, 400)}`);
      });
    }
    this.current = { proc, dead: false, exited };
    return this.current;
  }

  async waitReady(life: Life): Promise<boolean> {
    let exited = false;
    void life.exited.then(() => (exited = true));
    for (let i = 0; i < 600 && !exited; i++) {
      try {
        if ((await fetch(`${this.url}/readyz`)).ok) return true;
      } catch {}
      await sleep(50);
    }
    return false;
  }

  async kill(life: Life, signal: 'SIGKILL' | 'SIGTERM'): Promise<string | null> {
    life.dead = true;
    life.proc.kill(signal);
    return life.exited;
  }

  // ── HTTP ─────────────────────────────────────────────────────────────────────────────────────────────

  async call(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<{ status: number; replayed: boolean; json: any } | undefined> {
    try {
      const r = await fetch(`${this.url}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await r.text();
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
      return { status: r.status, replayed: r.headers.get('idempotent-replayed') === 'true', json };
    } catch {
      return undefined;
    }
  }

  async get(path: string, auth: { cookie: string } | { bic: string }): Promise<any> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const headers: Record<string, string> =
        'cookie' in auth ? { cookie: auth.cookie } : { authorization: `Bearer ${this.clients.get(auth.bic)!.token}` };
      const r = await this.call('GET', path, headers);
      if (r?.status === 200) return r.json;
      if (r?.status === 401 && 'bic' in auth) await this.refreshToken(auth.bic);
      else throw new Error(`GET ${path}: ${r ? `${r.status} ${JSON.stringify(r.json).slice(0, 300)}` : 'no answer'}`);
    }
    throw new Error(`GET ${path}: unauthorized`);
  }

  async refreshToken(bic: string): Promise<void> {
    const c = this.clients.get(bic)!;
    c.token = await fetchAccessToken({
      tokenEndpoint: c.tokenEndpoint,
      clientId: c.clientId,
      privateKey: c.privateKey,
    });
    this.stats.tokenRefreshes++;
  }

  async login(user: { username: string; password: string; totpSecret: string }): Promise<string> {
    const r = await fetch(`${this.url}/api/auth/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: user.username,
        password: user.password,
        totp: totpCode(user.totpSecret, new Date()),
      }),
    });
    if (!r.ok) throw new Error(`login ${user.username}: ${r.status} ${await r.text()}`);
    return (r.headers.get('set-cookie') ?? '').split(';')[0]!;
  }

  /** First life: logins, the five banks, an OAuth client per bank, the poor banks' liquidity withdrawn. */
  async setup(): Promise<void> {
    type Login = { username: string; password: string; totpSecret: string; participantType: string };
    const logins = JSON.parse(readFileSync(join(this.dir, 'demo-logins.json'), 'utf8')).users as Login[];
    const opCookie = await this.login(logins.find((u) => u.participantType === 'operator')!);
    this.nbkCookie = await this.login(logins.find((u) => u.participantType === 'central_bank')!);
    const list = await this.get('/api/participants/v1/participants?type=bank', { cookie: opCookie });
    this.banks = (list.items as { id: string; bic: string }[])
      .map((b) => ({ id: b.id, bic: b.bic }))
      .sort((a, b) => a.bic.localeCompare(b.bic));
    if (this.banks.length < 3) throw new Error(`the demo world has ${this.banks.length} banks`);
    this.poor = this.banks.slice(-2).map((b) => b.bic);
    for (const b of this.banks) {
      const { publicKey, privateKey } = await generateKeyPair('ES256');
      const r = await this.call(
        'POST',
        `/api/participants/v1/participants/${b.id}/api-clients`,
        { cookie: opCookie, 'content-type': 'application/json', 'idempotency-key': `client-${b.bic}` },
        JSON.stringify({ publicKeyJwk: await exportJWK(publicKey) }),
      );
      if (r?.status !== 201) throw new Error(`api client for ${b.bic}: ${r?.status} ${JSON.stringify(r?.json)}`);
      const c = r.json as { clientId: string; tokenEndpoint: string };
      this.clients.set(b.bic, { clientId: c.clientId, tokenEndpoint: c.tokenEndpoint, privateKey, token: '' });
      await this.refreshToken(b.bic);
    }
    this.stats.tokenRefreshes = 0;
    // the poor banks keep POOR_BALANCE: most of their payments wait in the queue for liquidity
    for (const bic of this.poor) {
      const { available } = await this.get('/api/imts/v1/balance', { bic });
      const op = this.liqOp(bic, 'withdraw', BigInt(available) - POOR_BALANCE);
      if ((await this.send(op)) !== 'done' || this.unresolved.has(op)) throw new Error(`withdrawal from ${bic} failed`);
    }
  }

  // ── operations ───────────────────────────────────────────────────────────────────────────────────────

  payOp(): PayOp {
    const sender = pick(this.banks).bic;
    const poor = this.poor.includes(sender);
    const n = Math.random() < 0.7 ? 1 : 2 + Math.floor(Math.random() * 3);
    const txs: TxSpec[] = [];
    for (let i = 0; i < n; i++) {
      const r = Math.random();
      const others = this.banks.filter((b) => b.bic !== sender).map((b) => b.bic);
      const receiver = r < 0.015 ? UNKNOWN_BIC : r < 0.025 ? sender : pick(others);
      const amount = poor
        ? Math.random() < 0.03
          ? 1_000_000_00n // larger than the poor bank's balance: blocks its queue until liquidity comes
          : rand(100n, 8_000_000n)
        : rand(100n, 2_000_000n);
      const t = ++this.nextTx;
      txs.push({ txId: `T${t}`, e2e: `E${t}`, receiver, amount, urgent: poor && Math.random() < 0.1 });
    }
    const op = this.payOpOf(sender, txs);
    if (this.copies && Math.random() < 0.02) this.extra.push(this.payOpOf(sender, [txs[0]!]));
    return op;
  }

  payOpOf(sender: string, txs: TxSpec[]): PayOp {
    const m = ++this.nextMsg;
    const msgId = `M${m}`;
    const body = JSON.stringify({
      grpHdr: {
        msgId,
        creDtTm: '2026-11-23T10:00:00+05:00',
        nbOfTxs: txs.length,
        sttlmInf: { sttlmMtd: 'CLRG' },
        instgAgt: { finInstnId: { bicfi: sender } },
      },
      cdtTrfTxInf: txs.map((t) => ({
        pmtId: { endToEndId: t.e2e, txId: t.txId },
        ...(t.urgent ? { pmtTpInf: { instrPrty: 'HIGH' } } : {}),
        intrBkSttlmAmt: { amount: tenge(t.amount), ccy: 'KZT' },
        intrBkSttlmDt: '2026-11-23',
        chrgBr: 'SLEV',
        dbtr: { nm: 'Payer' },
        dbtrAgt: { finInstnId: { bicfi: sender } },
        cdtrAgt: { finInstnId: { bicfi: t.receiver } },
        cdtr: { nm: 'Payee' },
      })),
    });
    for (const t of txs) this.tx.set(paymentId(sender, t.txId), { sender, spec: t });
    const op: PayOp = { kind: 'pay', key: `pay-${m}`, sender, msgId, txs, body };
    this.ops.push(op);
    this.unresolved.add(op);
    return op;
  }

  /**
   * Central bank liquidity for a poor bank: usually less than its payments drain, so its queue grows; once
   * the queue is long, most of it at once, so it shrinks (and long queues settle in one go).
   */
  injection(): LiqOp {
    const bic = pick(this.poor);
    const [q] = readDb(this.dbPath, (q) =>
      q<{ n: bigint; total: bigint }>(
        `SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS total FROM imts_payments WHERE status = 'queued' AND sender_bic = ?`,
        bic,
      ),
    );
    const amount =
      q && q.n > BigInt(QUEUE_TARGET) ? (q.total * rand(40n, 90n)) / 100n : rand(300_000_00n, 1_500_000_00n);
    return this.liqOp(bic, 'inject', amount);
  }

  liqOp(bic: string, direction: 'inject' | 'withdraw', amount: bigint): LiqOp {
    const n = ++this.nextLiq;
    const id = `chaos-${direction}-${n}`;
    const body = JSON.stringify({ id, bic, direction, amount: tenge(amount) });
    const op: LiqOp = { kind: 'liq', key: `liq-${n}`, id, bic, direction, amount, body };
    this.ops.push(op);
    this.unresolved.add(op);
    return op;
  }

  /** Sends one operation (again: same body, same key) and records what the answer says. */
  async send(op: Op): Promise<Outcome> {
    if (this.everSent.has(op)) this.stats.resent++;
    else {
      this.everSent.add(op);
      this.stats.sent++;
    }
    const headers: Record<string, string> = { 'content-type': 'application/json', 'idempotency-key': op.key };
    if (op.kind === 'pay') headers.authorization = `Bearer ${this.clients.get(op.sender)!.token}`;
    else headers.cookie = this.nbkCookie;
    const r = await this.call(
      'POST',
      op.kind === 'pay' ? '/api/imts/v1/pacs.008' : '/api/imts/v1/liquidity',
      headers,
      op.body,
    );
    if (!r) return 'down';
    if (r.replayed) this.stats.replayed++;
    if (r.status >= 200 && r.status < 300) {
      if (op.kind === 'liq') {
        this.liqAcked.push(op);
        if (!r.replayed && this.onLedgerBeforeResend.has(op)) {
          this.stats.liquidityAnsweredFromLedger++;
          console.error(`  liquidity ${op.id} was on the ledger before the kill; its resend was answered from it`);
        }
      } else {
        const sts = (r.json?.txInfAndSts ?? []) as {
          orgnlTxId: string;
          txSts: string;
          stsRsnInf?: { rsn: { cd: string } }[];
        }[];
        for (const t of op.txs) {
          const s = sts.find((x) => x.orgnlTxId === t.txId);
          if (!s) {
            this.unexpected.push(`${op.msgId}: no status for ${t.txId} in ${JSON.stringify(r.json).slice(0, 300)}`);
            continue;
          }
          const reason = s.stsRsnInf?.[0]?.rsn.cd;
          const id = paymentId(op.sender, t.txId);
          const list = this.acks.get(id) ?? [];
          list.push({ status: s.txSts, reason, fresh: !(s.txSts === 'RJCT' && reason === 'DUPL') });
          this.acks.set(id, list);
        }
      }
      this.unresolved.delete(op);
      return 'done';
    }
    const detail = typeof r.json === 'object' ? `${r.json?.reason ?? ''} ${r.json?.detail ?? ''}` : String(r.json);
    if (op.kind === 'pay' && r.status === 409 && r.json?.reason === 'DUPL') {
      this.duplMessages.push(op);
      this.unresolved.delete(op);
      return 'done';
    }
    if (r.status === 401 && op.kind === 'pay') {
      await this.refreshToken(op.sender);
      return 'retry';
    }
    if (r.status === 429 || r.status >= 500 || (r.status === 409 && /in progress/.test(detail))) {
      this.stats.retries++;
      return 'retry';
    }
    this.unexpected.push(`${op.kind === 'pay' ? op.msgId : op.id}: ${r.status} ${detail}`.slice(0, 300));
    this.unresolved.delete(op);
    return 'done';
  }

  /**
   * Runs WORKERS senders until `stop()`, the source runs dry, or the life ends. Answers of "not now" go back
   * to the queue; operations without an answer stay unresolved for the next life.
   */
  async drive(life: Life, source: () => Op | undefined, stop: () => boolean): Promise<void> {
    const again: Op[] = [];
    const attempts = new Map<Op, number>();
    let inFlight = 0;
    const worker = async () => {
      while (!life.dead && !stop()) {
        const op = again.shift() ?? source();
        if (!op) {
          if (inFlight === 0 && again.length === 0) return;
          await sleep(5);
          continue;
        }
        inFlight++;
        const out = await this.send(op);
        inFlight--;
        if (out === 'done' || life.dead) continue;
        const n = (attempts.get(op) ?? 0) + 1;
        attempts.set(op, n);
        if (n > 100) {
          console.error(`  giving up on ${op.key} in this life (${out})`);
          continue;
        }
        again.push(op);
        await sleep(out === 'down' ? 50 : 10);
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
  }

  // ── checks while the platform runs ───────────────────────────────────────────────────────────────────

  /** Right after a restart: the queue served equals the payments stored as queued, in queue order. */
  async checkQueue(when: string): Promise<number> {
    const served = ((await this.get('/api/imts/v1/queue', { cookie: this.nbkCookie })).items as { id: string }[]).map(
      (p) => p.id,
    );
    const { stored, balances, settledInLedger } = readDb(this.dbPath, (q) => {
      const rows = q<{ id: string; sender_bic: string; priority: string; seq: bigint; amount: bigint }>(
        `SELECT id, sender_bic, priority, seq, amount FROM imts_payments WHERE status = 'queued'`,
      );
      const balances = new Map(
        q<{ id: string; b: bigint }>(
          `SELECT id, credits_posted - debits_posted - debits_pending AS b FROM ledger_accounts WHERE code = 'settlement'`,
        ).map((a) => [a.id, a.b]),
      );
      const ok = new Set(
        q<{ id: string }>(`SELECT id FROM ledger_transfers WHERE id LIKE 'imts:%' AND result = 'ok'`).map((r) => r.id),
      );
      return { stored: rows, balances, settledInLedger: rows.filter((r) => ok.has(settlementTransferId(r.id))).length };
    });
    // queue order: per sender, urgent before normal, then arrival
    const rank = (p: string) => (p === 'urgent' ? 0 : 1);
    const bySender = new Map<string, typeof stored>();
    for (const r of stored) bySender.set(r.sender_bic, [...(bySender.get(r.sender_bic) ?? []), r]);
    for (const list of bySender.values())
      list.sort((a, b) => rank(a.priority) - rank(b.priority) || (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0));
    const servedBySender = new Map<string, string[]>();
    for (const id of served) {
      const sender = id.split(':')[0]!;
      servedBySender.set(sender, [...(servedBySender.get(sender) ?? []), id]);
    }
    let mismatches = settledInLedger;
    // not a loss, but a queue that waits for nothing: its head is covered, yet nothing retries it until
    // the next credit to its sender
    let stalled = 0;
    for (const [sender, list] of bySender)
      if (list[0]!.amount <= (balances.get(settlementAccountId(sender)) ?? 0n)) stalled++;
    this.stats.stalledHeads += stalled;
    for (const sender of new Set([...bySender.keys(), ...servedBySender.keys()])) {
      const want = (bySender.get(sender) ?? []).map((r) => r.id);
      const got = servedBySender.get(sender) ?? [];
      const len = Math.max(want.length, got.length);
      for (let i = 0; i < len; i++) if (want[i] !== got[i]) mismatches++;
    }
    this.stats.queueChecks++;
    this.stats.queueMismatches += mismatches;
    this.stats.queuedMax = Math.max(this.stats.queuedMax, stored.length);
    if (stalled > 0) console.error(`  queue ${when}: ${stalled} sender(s) with a covered head waiting`);
    if (mismatches > 0) {
      console.error(
        `  QUEUE ${when}: served ${served.length}, stored queued ${stored.length}, ${settledInLedger} settled on the ledger, ${mismatches} mismatches`,
      );
    }
    return stored.length;
  }

  /** What the kill left behind for the unanswered operations about to be resent (coverage, diagnosis). */
  classifyBacklog(backlog: Op[]): void {
    readDb(this.dbPath, (q) => {
      for (const op of backlog) {
        if (op.kind === 'liq') {
          if (q(`SELECT 1 AS x FROM ledger_transfers WHERE id = ?`, `imts:liquidity:${op.id}`).length > 0)
            this.onLedgerBeforeResend.add(op);
        } else if (
          q(`SELECT 1 AS x FROM imts_messages WHERE sender_bic = ? AND msg_id = ?`, op.sender, op.msgId).length > 0
        ) {
          this.stats.resentReceived++;
        } else if (
          op.txs.some(
            (t) =>
              q(
                `SELECT 1 AS x FROM ledger_transfers WHERE id = ? AND result = 'ok'`,
                settlementTransferId(paymentId(op.sender, t.txId)),
              ).length > 0,
          )
        ) {
          this.stats.resentSettled++;
        }
      }
    });
  }

  /** With nothing in flight: every bank's available balance in IMTS equals its ledger balance. */
  async checkMirror(when: string): Promise<void> {
    const ledger = readDb(this.dbPath, (q) =>
      q<{ id: string; b: bigint }>(
        `SELECT id, credits_posted - debits_posted - debits_pending AS b FROM ledger_accounts WHERE code = 'settlement'`,
      ),
    );
    for (const { bic } of this.banks) {
      const served = BigInt((await this.get('/api/imts/v1/balance', { bic })).available);
      const onLedger = ledger.find((a) => a.id === settlementAccountId(bic))?.b ?? 0n;
      if (served !== onLedger) {
        this.stats.mirrorDrift++;
        console.error(`  MIRROR ${when}: ${bic} available ${served} in IMTS, ${onLedger} on the ledger`);
      }
    }
    this.stats.mirrorChecks++;
  }

  // ── the run ──────────────────────────────────────────────────────────────────────────────────────────

  async run(kills: number): Promise<void> {
    this.port = await freePort();
    this.url = `http://127.0.0.1:${this.port}`;
    const t0 = Date.now();
    let bootKills = 0;
    for (let k = 0; k <= kills; k++) {
      // now and then a kill while the platform boots (after the first life, whose seed must complete)
      if (k > 0 && Math.random() < 0.12) {
        const boot = this.spawnPlatform();
        await sleep(300 + Math.random() * 1700);
        const signal = await this.kill(boot, 'SIGKILL');
        bootKills++;
        console.error(`boot kill ${bootKills}: ${signal ?? 'exited'}`);
      }
      const lifeStart = Date.now();
      const life = this.spawnPlatform();
      if (!(await this.waitReady(life))) throw new Error(`life ${k}: the platform did not become ready`);
      if (k === 0) await this.setup();
      else await this.checkQueue(`after restart ${k}`);
      const last = k === kills;
      // a third of the lives resend while new load runs (the kill may hit the resends); the others
      // resend first, then compare balances with nothing in flight
      const hot = !last && k > 0 && Math.random() < 0.33;
      const backlog = [...this.unresolved];
      if (k > 0) this.classifyBacklog(backlog);
      if (!hot) {
        await this.drive(
          life,
          () => backlog.shift(),
          () => false,
        );
        await this.checkMirror(`life ${k}`);
      }
      // load: a mix of messages, and central bank liquidity for the poor banks now and then (calm: as much
      // liquidity, all of it injected before the load, out of reach of the kill)
      const loadMs = last ? 1500 : 200 + Math.random() * 1800;
      if (this.calmLiquidity) {
        const calm = Array.from({ length: Math.round(loadMs / 275) }, () => this.injection());
        await this.drive(
          life,
          () => calm.shift(),
          () => false,
        );
      }
      const until = Date.now() + loadMs;
      const stop = () => Date.now() >= until;
      const liquidity = (async () => {
        while (!this.calmLiquidity && !life.dead && !stop()) {
          await sleep(150 + Math.random() * 250);
          if (life.dead || stop()) break;
          const op = this.injection();
          if ((await this.send(op)) === 'retry') await this.send(op);
        }
      })();
      const load = this.drive(
        life,
        () => this.extra.shift() ?? backlog.shift() ?? this.payOp(),
        () => stop(),
      );
      if (last) {
        await Promise.all([load, liquidity]);
        await this.finish(life);
      } else {
        await sleep(Math.max(0, until - Date.now()));
        const signal = await this.kill(life, 'SIGKILL');
        await Promise.all([load, liquidity]);
        console.error(
          `life ${k}${hot ? ' (hot)' : ''}: ${signal} after ${((Date.now() - lifeStart) / 1000).toFixed(1)} s, ${this.ops.length} operations, acknowledged ${this.acks.size} transactions, ${this.unresolved.size} unresolved`,
        );
      }
    }

    const verdict = this.verify();
    const result = {
      chaos: 'imts',
      ...(this.calmLiquidity ? { calm_liquidity: true } : {}),
      ...(this.copies ? { copies: true } : {}),
      kills,
      boot_kills: bootKills,
      acknowledged: this.acks.size,
      ...verdict,
      queued_intact: this.stats.queueMismatches === 0 && verdict.queued_at_end === 0,
      queue_checks: this.stats.queueChecks,
      queued_max: this.stats.queuedMax,
      stalled_heads: this.stats.stalledHeads,
      resent_received: this.stats.resentReceived,
      resent_settled: this.stats.resentSettled,
      liquidity_answered_from_ledger: this.stats.liquidityAnsweredFromLedger,
      messages: this.ops.filter((o) => o.kind === 'pay').length,
      resent: this.stats.resent,
      replayed: this.stats.replayed,
      dupl: this.duplMessages.length,
      liquidity_ops: this.ops.length - this.ops.filter((o) => o.kind === 'pay').length,
      mirror_drift: this.stats.mirrorDrift,
      token_refreshes: this.stats.tokenRefreshes,
      server_errors: this.stats.serverErrors,
      unexpected: this.unexpected.length,
      seconds: Math.round((Date.now() - t0) / 1000),
    };
    for (const u of this.unexpected.slice(0, 10)) console.error(`  unexpected answer: ${u}`);
    console.log(JSON.stringify(result));
    if (
      verdict.lost !== 0 ||
      verdict.duplicated !== 0 ||
      verdict.sum !== '0' ||
      !result.queued_intact ||
      verdict.inconsistent !== 0 ||
      verdict.unresolved !== 0 ||
      this.unexpected.length !== 0 ||
      this.stats.mirrorDrift !== 0
    ) {
      process.exitCode = 1;
    }
  }

  /** Last life: everything answered, the queue drained by injections, balances compared, a clean stop. */
  private async finish(life: Life): Promise<void> {
    const backlog = [...this.unresolved];
    await this.drive(
      life,
      () => backlog.shift(),
      () => false,
    );
    await this.checkMirror('before the drain');
    const queued = readDb(this.dbPath, (q) =>
      q<{ sender_bic: string; total: bigint; n: bigint }>(
        `SELECT sender_bic, SUM(amount) AS total, COUNT(*) AS n FROM imts_payments WHERE status = 'queued' GROUP BY sender_bic`,
      ),
    );
    console.error(
      `draining the queue: ${queued.map((r) => `${r.sender_bic} ${r.n} payments, ${tenge(r.total)} KZT`).join('; ') || 'empty'}`,
    );
    const drain = queued.map((r) => this.liqOp(r.sender_bic, 'inject', r.total + 100n));
    await this.drive(
      life,
      () => drain.shift(),
      () => false,
    );
    for (let i = 0; i < 200; i++) {
      if ((await this.get('/api/imts/v1/queue', { cookie: this.nbkCookie })).items.length === 0) break;
      await sleep(50);
    }
    await this.checkMirror('after the drain');
    const signal = await this.kill(life, 'SIGTERM');
    console.error(
      `last life: stopped (${signal ?? 'exit'}), ${this.ops.length} operations, ${this.unresolved.size} unresolved`,
    );
  }

  // ── the verdict, from the database of the stopped platform ───────────────────────────────────────────

  verify() {
    return readDb(this.dbPath, (q) => {
      const payments = new Map(
        q<{ id: string; status: string; reason: string | null; amount: bigint; receiver_bic: string }>(
          'SELECT id, status, reason, amount, receiver_bic FROM imts_payments',
        ).map((p) => [p.id, p]),
      );
      const transfers = q<{
        id: string;
        debit_account_id: string;
        credit_account_id: string;
        amount: bigint;
        result: string;
        code: string;
        reference: string;
      }>('SELECT id, debit_account_id, credit_account_id, amount, result, code, reference FROM ledger_transfers');
      const byId = new Map(transfers.map((t) => [t.id, t]));
      const settlement = (id: string) => {
        const t = byId.get(settlementTransferId(id));
        return t?.result === 'ok' ? t : undefined;
      };
      const problems: string[] = [];
      const note = (s: string) => problems.length < 20 && problems.push(s);

      let lost = 0;
      let duplicated = 0;
      let inconsistent = 0;
      let pdng = 0;
      // every payment stored: its status agrees with the ledger, and the settlement is the payment's
      for (const [id, p] of payments) {
        const t = settlement(id);
        const mine = this.tx.get(id);
        if ((p.status === 'settled') !== (t !== undefined)) {
          inconsistent++;
          note(`payment ${id} is ${p.status}, settlement transfer ${t ? 'present' : 'absent'}`);
        } else if (
          t &&
          mine &&
          (t.amount !== mine.spec.amount ||
            t.debit_account_id !== settlementAccountId(mine.sender) ||
            t.credit_account_id !== settlementAccountId(mine.spec.receiver))
        ) {
          inconsistent++;
          note(`payment ${id}: settlement transfer does not match it`);
        }
        if (!mine) {
          inconsistent++;
          note(`payment ${id} was never sent`);
        }
      }
      // settlements of payments: each for a stored payment, at most one per payment (by end-to-end id)
      const perE2e = new Map<string, number>();
      for (const t of transfers) {
        if (t.result !== 'ok' || !t.code.startsWith('imts.pacs.')) continue;
        perE2e.set(t.reference, (perE2e.get(t.reference) ?? 0) + 1);
        if (!payments.has(t.id.replace(/^imts:/, ''))) {
          inconsistent++;
          note(`settlement ${t.id} without its payment`);
        }
      }
      for (const [e2e, n] of perE2e)
        if (n > 1) {
          duplicated++;
          note(`end-to-end ${e2e} settled ${n} times`);
        }
      // every acknowledged transaction against what is stored
      for (const [id, acks] of this.acks) {
        const p = payments.get(id);
        const fresh = acks.filter((a) => a.fresh);
        if (fresh.length > 1) {
          duplicated++;
          note(`payment ${id} acknowledged ${fresh.map((a) => a.status).join(', ')}`);
        }
        if (!p) {
          lost++;
          note(`payment ${id} acknowledged ${acks.map((a) => a.status).join(', ')} but missing`);
          continue;
        }
        for (const a of fresh) {
          if (a.status === 'PDNG') pdng++;
          const ok =
            a.status === 'ACSC'
              ? p.status === 'settled'
              : a.status === 'PDNG'
                ? p.status === 'settled' // after the drain, everything queued has settled
                : a.status === 'RJCT'
                  ? p.status === 'rejected' && p.reason === a.reason
                  : false;
          if (!ok) {
            lost++;
            note(`payment ${id} acknowledged ${a.status}${a.reason ? ` ${a.reason}` : ''}, stored ${p.status}`);
          }
        }
      }
      // the intended refusals were refused with the right reason
      for (const [id, acks] of this.acks) {
        const mine = this.tx.get(id)!;
        const want =
          mine.spec.receiver === UNKNOWN_BIC ? 'RC01' : mine.spec.receiver === mine.sender ? 'AC01' : undefined;
        for (const a of acks.filter((x) => x.fresh))
          if ((a.status === 'RJCT') !== (want !== undefined) || (want && a.reason !== want)) {
            inconsistent++;
            note(`payment ${id} answered ${a.status} ${a.reason ?? ''}, expected ${want ?? 'ACSC/PDNG'}`);
          }
      }
      // messages answered DUPL: received before a crash, so their payments exist
      for (const op of this.duplMessages)
        for (const t of op.txs)
          if (!payments.has(paymentId(op.sender, t.txId))) {
            lost++;
            note(`message ${op.msgId} answered DUPL but payment ${t.txId} is missing`);
          }
      // acknowledged liquidity is on the ledger, once
      for (const op of this.liqAcked) {
        const t = byId.get(`imts:liquidity:${op.id}`);
        if (t?.result !== 'ok' || t.amount !== op.amount) {
          lost++;
          note(`liquidity ${op.id} acknowledged, ledger ${t?.result ?? 'missing'}`);
        }
      }
      // balances applied twice but stored once would show here (as in the ledger's crash test)
      const posted = new Map<string, { d: bigint; c: bigint }>();
      for (const t of transfers) {
        if (t.result !== 'ok') continue;
        const d = posted.get(t.debit_account_id) ?? { d: 0n, c: 0n };
        d.d += t.amount;
        posted.set(t.debit_account_id, d);
        const c = posted.get(t.credit_account_id) ?? { d: 0n, c: 0n };
        c.c += t.amount;
        posted.set(t.credit_account_id, c);
      }
      const accounts = q<{ id: string; dp: bigint; cp: bigint; dpe: bigint; cpe: bigint }>(
        'SELECT id, debits_posted AS dp, credits_posted AS cp, debits_pending AS dpe, credits_pending AS cpe FROM ledger_accounts',
      );
      let sumPosted = 0n;
      let sumPending = 0n;
      for (const a of accounts) {
        sumPosted += a.cp - a.dp;
        sumPending += a.cpe - a.dpe;
        const s = posted.get(a.id) ?? { d: 0n, c: 0n };
        if (s.d !== a.dp || s.c !== a.cp) {
          duplicated++;
          note(`account ${a.id}: posted ${a.dp}/${a.cp}, transfers sum to ${s.d}/${s.c}`);
        }
      }
      const [left] = q<{ n: bigint }>(`SELECT COUNT(*) AS n FROM imts_payments WHERE status = 'queued'`);
      for (const p of problems) console.error(`  ${p}`);
      return {
        lost,
        duplicated,
        sum: sumPending === 0n ? String(sumPosted) : `${sumPosted}/pending ${sumPending}`,
        inconsistent,
        unresolved: this.unresolved.size,
        payments: payments.size,
        pdng,
        queued_at_end: Number(left?.n ?? 0n),
      };
    });
  }

  async cleanup(): Promise<void> {
    if (this.current && this.current.proc.exitCode === null && this.current.proc.signalCode === null) {
      await this.kill(this.current, 'SIGKILL');
    }
    if (process.env.CHAOS_KEEP) {
      console.error(`data dir kept: ${this.dir}`);
      return;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const arg = process.argv.slice(2).find((a) => /^\d+$/.test(a));
  const kills = Math.max(20, Number(arg ?? 24));
  const chaos = new ChaosImts({
    copies: process.argv.includes('--copies'),
    calmLiquidity: process.argv.includes('--calm-liquidity'),
  });
  try {
    await chaos.run(kills);
  } finally {
    await chaos.cleanup();
  }
}

if (import.meta.main) await run();
