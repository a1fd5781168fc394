/**
 * Crash test of IPS as deployed: the whole platform (`src/cli.ts start`, SQLite in a temp dir or a fresh
 * PostgreSQL schema, the demo world of five banks) runs as a child process; this process plays the banks over
 * the public API: payer banks send instant payments (pacs.008 of one transaction, each with its own
 * Idempotency-Key and a unique TxId), and every bank's IPS endpoint (`ips.pacs008` deliveries) and pacs.002
 * webhook receiver lives HERE, outside the killed process, so a delivery in flight survives the kill.
 *
 * The payee banks answer by rule, from the creditor account's first letter: `A` accept (ACCP in the HTTP
 * answer; one in ten after a short delay), `R` reject (RJCT AC03), `L` later (202, then ACCP through
 * `payments/{id}/answer` 50-1500 ms after), `S` silent (202 and nothing: the deadline rejects it, AB05). A few
 * payments go to a BIC no participant has (RJCT RC01), and one bank's position is kept small, so its larger
 * payments find no cover (RJCT AM04 without a delivery).
 *
 * The platform is SIGKILLed at random moments under load (≥ 20 times, plus a few kills while it boots) and
 * restarted on the same data. A payment without a final answer is resent after a connection error (same
 * TxId, same body, same Idempotency-Key) until a final status is known; an answer 409 (a resend racing the
 * first copy, or that race's answer replayed) is followed by pacs.028 status requests. 3% of the payments are
 * sent twice at once (an impatient bank): half with the same Idempotency-Key, half with a new one. After the last
 * restart the load stops, every payment is driven to a final status, and the test polls the banks'
 * positions until nothing is reserved (the sweep concludes what the crashes left), then stops the platform
 * with SIGTERM and checks the database:
 *   acknowledged   payments with a final answer (ACSC or RJCT) from pacs.008, pacs.028 or an answer
 *   lost           acknowledged payments missing, or stored/posted otherwise than acknowledged (ACSC → settled
 *                  with its reservation posted; RJCT → rejected with the same reason)
 *   duplicated     payments posted more than once, accounts whose balances differ from the sum of their
 *                  transfers, bank positions that differ from funding + settled in − settled out
 *   conflicting    payments given two different final states (answers, status requests, pacs.002 webhooks)
 *   debitedButRejected  rejected payments whose reservation was posted
 *   pendingLeft    reservations still pending, payments still reserved
 *   settledWithoutAccp  settled payments the payee bank never accepted
 *   unexplainedReason   rejections whose reason is not what happened (the payee's AC03, no cover AM04, no
 *                  answer in time AB05, unknown payee RC01)
 *   sum            Σ (credits − debits) posted over every ledger account: "0" (and nothing pending)
 * plus informative counts: settled, rejected (by reason), accpOverridden (the payee said ACCP, yet the payment
 * was rejected: its answer was lost in a kill or came after the deadline; the payee bank learns it from the
 * payment's status), redelivered (a payment delivered more than once), orphanReservations (reserved on the
 * ledger before a kill, recorded by the resend).
 *
 * Run: `node bench/chaos-ips.ts [kills] [--engine=sqlite|postgres] [--answer-timeout-ms=3000]` or
 * `npm run chaos -- ips …`. PostgreSQL needs DATABASE_URL (a fresh schema is created and dropped).
 * CHAOS_KEEP=1 keeps the data dir (and the schema). Progress goes to stderr; the last stdout line is the
 * verdict; the exit code is non-zero on any violation.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Db, PostgresDb, SqliteDb, verifyWebhookSignature } from '../src/platform/index.ts';
import {
  type BankClient,
  bankClients,
  demoLogin,
  flag,
  freePort,
  kill,
  type Life,
  pgSchema,
  post,
  refreshToken,
  sleep,
  spawnPlatform,
  waitReady,
} from './ips-platform.ts';

const IPS = '/api/ips/v1';
/** Concurrent new payments under load. */
const WORKERS = 32;
/** Resends of the previous lives' unanswered payments, concurrently with the new load. */
const RESENDERS = 64;
/** A BIC no participant has: payments to it are refused (RJCT RC01). */
const UNKNOWN_BIC = 'ZZZZKZKA';
/** Positions: the rich banks' and the poor bank's (tiyn). */
const RICH_POSITION = 100_000_000_00n;
const POOR_POSITION = 200_000_00n;

type Rule = 'A' | 'R' | 'L' | 'S' | 'U';

interface Answer {
  status: string;
  reason: string | undefined;
  via: 'pacs.008' | 'replay' | 'copy' | 'pacs.028' | 'answer' | 'final-pacs.028';
}

interface Pay {
  n: number;
  id: string;
  payer: string;
  payee: string;
  txId: string;
  account: string;
  amount: bigint;
  rule: Rule;
  /** Sent a second time at once: with the same Idempotency-Key, or with a new one (a bank's impatient retry). */
  copy: 'same-key' | 'new-key' | undefined;
  key: string;
  body: string;
  /** send: the pacs.008 (again); poll: ask pacs.028; done: a final status is known. */
  state: 'send' | 'poll' | 'done';
  sends: number;
  answers: Answer[];
}

interface Funding {
  bic: string;
  id: string;
  amount: bigint;
  done: boolean;
}

const rand = (lo: bigint, hi: bigint) => lo + BigInt(Math.floor(Math.random() * Number(hi - lo + 1n)));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
const tenge = (tiyn: bigint) => `${tiyn / 100n}.${String(tiyn % 100n).padStart(2, '0')}`;
const FINAL = new Set(['ACSC', 'RJCT']);

/** The reason of a pacs.002 transaction status: its code, or the code a NARR names. */
function reasonOf(s: { stsRsnInf?: { rsn?: { cd?: string }; addtlInf?: string[] }[] }): string | undefined {
  const i = s.stsRsnInf?.[0];
  if (!i) return undefined;
  if (i.rsn?.cd === 'NARR') return /reason ([A-Z0-9]{4})/.exec(i.addtlInf?.[0] ?? '')?.[1] ?? 'NARR';
  return i.rsn?.cd;
}

class ChaosIps {
  readonly engine: 'sqlite' | 'postgres';
  readonly answerTimeoutMs: number;
  readonly dir = mkdtempSync(join(tmpdir(), 'ndfi-chaos-ips-'));
  url = '';
  port = 0;
  databaseUrl: string | undefined;
  schema: { url: string; schema: string; drop(): Promise<void> } | undefined;
  banks: BankClient[] = [];
  poor = '';
  current: Life | undefined;

  readonly pays = new Map<string, Pay>();
  readonly fundings: Funding[] = [];
  private next = 0;

  // the banks' side, in this process
  endpoint: Server | undefined;
  endpointUrl = '';
  readonly secrets = new Map<string, string>();
  /** Payments delivered to the payee (by payment id), how many times. */
  readonly delivered = new Map<string, number>();
  /** Payments the payee answered ACCP (in the delivery's answer, or through the answer route). */
  readonly payeeAccepted = new Set<string>();
  /** pacs.002 webhooks to the payer: statuses per payment id. */
  readonly webhooks = new Map<string, { status: string; reason: string | undefined }[]>();
  private readonly refreshing = new Map<string, Promise<void>>();
  /** Later answers and copies under way. */
  private readonly later = new Set<Promise<void>>();

  readonly stats = {
    sent: 0,
    resent: 0,
    replayed: 0,
    polls: 0,
    conflicts409: 0,
    retries: 0,
    tokenRefreshes: 0,
    serverErrors: 0,
    badSignatures: 0,
    laterAnswers: 0,
    laterAnswersLost: 0,
    copies: 0,
    copies409: 0,
  };
  readonly unexpected: string[] = [];

  constructor(opts: { engine: 'sqlite' | 'postgres'; answerTimeoutMs: number }) {
    this.engine = opts.engine;
    this.answerTimeoutMs = opts.answerTimeoutMs;
  }

  bank(bic: string): BankClient {
    return this.banks.find((b) => b.bic === bic)!;
  }

  spawn(): Life {
    this.current = spawnPlatform({
      dir: this.dir,
      port: this.port,
      databaseUrl: this.databaseUrl,
      env: { NDFI_IPS_ANSWER_TIMEOUT_MS: String(this.answerTimeoutMs) },
      onError: (line) => {
        if (++this.stats.serverErrors <= 10) console.error(`  [platform] ${line.slice(0, 400)}`);
      },
    });
    return this.current;
  }

  // ── the banks' IPS endpoints and webhook receivers ───────────────────────────────────────────────────

  async startEndpoint(): Promise<void> {
    this.endpoint = createServer((req, res) => {
      this.onDelivery(req, res).catch((e: Error) => {
        console.error(`  endpoint: ${e.message}`);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    this.endpoint.keepAliveTimeout = 30_000;
    await new Promise<void>((r) => this.endpoint!.listen(0, '127.0.0.1', r));
    this.endpointUrl = `http://127.0.0.1:${(this.endpoint.address() as AddressInfo).port}`;
  }

  private async onDelivery(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const body = Buffer.concat(chunks);
    const bic = (req.url ?? '').split('/')[2] ?? '';
    const secret = this.secrets.get(bic);
    const h = (n: string) => String(req.headers[n] ?? '');
    const id = h('webhook-id');
    if (
      !secret ||
      !verifyWebhookSignature({
        secrets: [secret],
        id,
        timestamp: h('webhook-timestamp'),
        signature: h('webhook-signature'),
        body,
        now: new Date(),
      })
    ) {
      this.stats.badSignatures++;
      res.writeHead(401).end();
      return;
    }
    const envelope = JSON.parse(body.toString('utf8')) as { type: string; data: any };
    if (envelope.type === 'ips.pacs002') {
      const d = envelope.data as { paymentId: string; status: string; reason?: string };
      const list = this.webhooks.get(d.paymentId) ?? [];
      list.push({ status: d.status, reason: d.reason });
      this.webhooks.set(d.paymentId, list);
      res.writeHead(204).end();
      return;
    }
    if (envelope.type !== 'ips.pacs008') {
      res.writeHead(204).end();
      return;
    }
    // an instant payment for one of this bank's customers: the account's first letter says what to do
    this.delivered.set(id, (this.delivered.get(id) ?? 0) + 1);
    const account: string = envelope.data?.cdtrAcct?.id?.othr?.id ?? '';
    const rule = account[0] as Rule;
    const json = (a: object) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(a));
    if (rule === 'R') return void json({ txSts: 'RJCT', reason: 'AC03' });
    if (rule === 'L' || rule === 'S') {
      res.writeHead(202).end();
      if (rule === 'L') this.track(this.answerLater(bic, id));
      return;
    }
    if (Math.random() < 0.1) await sleep(Math.random() * 400);
    this.payeeAccepted.add(id);
    json({ txSts: 'ACCP' });
  }

  /** The payee bank accepts a payment it answered 202 to, through the API, retrying until its deadline. */
  private async answerLater(bic: string, paymentId: string): Promise<void> {
    const until = Date.now() + this.answerTimeoutMs + 1000;
    await sleep(50 + Math.random() * 1450);
    this.stats.laterAnswers++;
    this.payeeAccepted.add(paymentId);
    while (Date.now() < until) {
      const b = this.bank(bic);
      const r = await post(
        this.url,
        `${IPS}/payments/${encodeURIComponent(paymentId)}/answer`,
        b.token,
        { txSts: 'ACCP' },
        `ans-${paymentId}`,
      );
      if (!r || r.status >= 500 || r.status === 429 || r.status === 409) {
        await sleep(100);
        continue;
      }
      if (r.status === 401) {
        await this.refresh(b);
        continue;
      }
      if (r.status === 200) {
        const p = this.pays.get(paymentId);
        const s = r.json as { status: string; reason?: string };
        if (p && FINAL.has(s.status)) this.record(p, s.status, s.reason, 'answer');
      } else this.unexpected.push(`answer ${paymentId}: ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
      return;
    }
    this.stats.laterAnswersLost++;
  }

  async refresh(b: BankClient): Promise<void> {
    let running = this.refreshing.get(b.bic);
    if (!running) {
      running = refreshToken(b)
        .then(() => {
          this.stats.tokenRefreshes++;
        })
        .catch(() => {})
        .finally(() => this.refreshing.delete(b.bic));
      this.refreshing.set(b.bic, running);
    }
    await running;
  }

  // ── first life: banks, endpoints, positions ──────────────────────────────────────────────────────────

  async setup(): Promise<void> {
    const operator = await demoLogin(this.url, this.dir, 'operator');
    this.banks = await bankClients(this.url, operator);
    if (this.banks.length < 3) throw new Error(`the demo world has ${this.banks.length} banks`);
    this.poor = this.banks.at(-1)!.bic;
    for (const b of this.banks) {
      const hook = await post(
        this.url,
        '/api/participants/v1/webhooks',
        b.token,
        { url: `${this.endpointUrl}/bank/${b.bic}`, events: ['ips.pacs008', 'ips.pacs002'] },
        `hook-${b.bic}`,
      );
      if (hook?.status !== 201) throw new Error(`webhook of ${b.bic}: ${hook?.status} ${JSON.stringify(hook?.json)}`);
      this.secrets.set(b.bic, hook.json.secret);
      const f: Funding = {
        bic: b.bic,
        id: `chaos-fund-${b.bic}`,
        amount: b.bic === this.poor ? POOR_POSITION : RICH_POSITION,
        done: false,
      };
      this.fundings.push(f);
      const r = await post(
        this.url,
        `${IPS}/positions`,
        b.token,
        { id: f.id, direction: 'fund', amount: tenge(f.amount) },
        f.id,
      );
      if (r?.status !== 200) throw new Error(`funding ${b.bic}: ${r?.status} ${JSON.stringify(r?.json)}`);
      f.done = true;
    }
  }

  // ── payments ─────────────────────────────────────────────────────────────────────────────────────────

  newPay(): Pay {
    const n = ++this.next;
    const payer = pick(this.banks).bic;
    const r = Math.random();
    const rule: Rule = r < 0.01 ? 'U' : r < 0.06 ? 'R' : r < 0.1 ? 'L' : r < 0.11 ? 'S' : 'A';
    const payee = rule === 'U' ? UNKNOWN_BIC : pick(this.banks.filter((b) => b.bic !== payer)).bic;
    const amount = payer === this.poor ? rand(5_000_00n, 60_000_00n) : rand(1_00n, 50_000_00n);
    const txId = `C${n}`;
    const account = `${rule}${String(n).padStart(9, '0')}`;
    const body = JSON.stringify({
      grpHdr: {
        msgId: `CM${n}`,
        creDtTm: new Date().toISOString(),
        nbOfTxs: 1,
        sttlmInf: { sttlmMtd: 'CLRG' },
        instgAgt: { finInstnId: { bicfi: payer } },
      },
      cdtTrfTxInf: [
        {
          pmtId: { endToEndId: `CE${n}`, txId },
          intrBkSttlmAmt: { amount: tenge(amount), ccy: 'KZT' },
          intrBkSttlmDt: new Date().toISOString().slice(0, 10),
          chrgBr: 'SLEV',
          dbtr: { nm: 'Payer' },
          dbtrAgt: { finInstnId: { bicfi: payer } },
          cdtrAgt: { finInstnId: { bicfi: payee } },
          cdtr: { nm: 'Payee' },
          cdtrAcct: { id: { othr: { id: account } } },
        },
      ],
    });
    const p: Pay = {
      n,
      id: `${payer}:${txId}`,
      payer,
      payee,
      txId,
      account,
      amount,
      rule,
      copy: Math.random() < 0.03 ? (Math.random() < 0.5 ? 'same-key' : 'new-key') : undefined,
      key: `pay-${n}`,
      body,
      state: 'send',
      sends: 0,
      answers: [],
    };
    this.pays.set(p.id, p);
    return p;
  }

  /** A status the payer bank was told (the payee's answer route tells the payee: checked, not an acknowledgement). */
  record(p: Pay, status: string, reason: string | undefined, via: Answer['via']): void {
    p.answers.push({ status, reason, via });
    if (FINAL.has(status) && via !== 'answer') p.state = 'done';
  }

  /** A concurrent copy of a payment's first send: its final answer must agree; a 409 is what a race answers. */
  private async sendCopy(p: Pay): Promise<void> {
    this.stats.copies++;
    const key = p.copy === 'same-key' ? p.key : `${p.key}-copy`;
    const r = await post(this.url, `${IPS}/pacs.008`, this.bank(p.payer).token, p.body, key);
    if (r?.status === 200) {
      const s = r.json?.txInfAndSts?.[0] as ({ txSts: string } & Parameters<typeof reasonOf>[0]) | undefined;
      if (s && FINAL.has(s.txSts)) this.record(p, s.txSts, reasonOf(s), 'copy');
    } else if (r?.status === 409) this.stats.copies409++;
  }

  private track(work: Promise<void>): void {
    const tracked = work.finally(() => this.later.delete(tracked));
    this.later.add(tracked);
  }

  /** One request for the payment as its state says; 'down' when the platform did not answer. */
  async step(p: Pay): Promise<'ok' | 'down' | 'wait'> {
    const b = this.bank(p.payer);
    if (p.state === 'send') {
      if (p.sends++ === 0) {
        this.stats.sent++;
        if (p.copy) this.track(this.sendCopy(p));
      } else this.stats.resent++;
      const r = await post(this.url, `${IPS}/pacs.008`, b.token, p.body, p.key);
      if (!r) return 'down';
      if (r.replayed) this.stats.replayed++;
      if (r.status === 200) {
        const s = r.json?.txInfAndSts?.[0] as ({ txSts: string } & Parameters<typeof reasonOf>[0]) | undefined;
        if (!s) {
          this.unexpected.push(`${p.id}: 200 without a status ${JSON.stringify(r.json).slice(0, 200)}`);
          p.state = 'done';
          return 'ok';
        }
        if (FINAL.has(s.txSts)) this.record(p, s.txSts, reasonOf(s), r.replayed ? 'replay' : 'pacs.008');
        else p.state = 'poll';
        return 'ok';
      }
      return this.retryable(p, b, r);
    }
    this.stats.polls++;
    const r = await post(this.url, `${IPS}/pacs.028`, b.token, { txIds: [p.txId] });
    if (!r) return 'down';
    if (r.status === 200) {
      const s = r.json?.statuses?.[0] as { status: string; reason?: string } | undefined;
      if (s && FINAL.has(s.status) && s.reason !== 'NOOR') {
        this.record(p, s.status, s.reason, 'pacs.028');
        return 'ok';
      }
      // not stored (the first copy never got that far): send it again; reserved: ask again soon
      if (s?.reason === 'NOOR') p.state = 'send';
      return 'wait';
    }
    return this.retryable(p, b, r);
  }

  private async retryable(p: Pay, b: BankClient, r: { status: number; json: any }): Promise<'ok' | 'wait'> {
    if (r.status === 401) {
      await this.refresh(b);
      return 'ok';
    }
    if (r.status === 409) {
      // a resend racing the first copy (DUPL), or that answer replayed: the status tells
      this.stats.conflicts409++;
      p.state = 'poll';
      return 'wait';
    }
    if (r.status === 429 || r.status >= 500) {
      this.stats.retries++;
      return 'wait';
    }
    this.unexpected.push(`${p.id} (${p.state}): ${r.status} ${JSON.stringify(r.json).slice(0, 200)}`);
    p.state = 'done';
    return 'ok';
  }

  /** Drives one payment until final or the life ends. */
  async drive(p: Pay, life: Life): Promise<void> {
    while (p.state !== 'done' && !life.dead) {
      const out = await this.step(p);
      if (out === 'down') await sleep(50);
      else if (out === 'wait') await sleep(100);
    }
  }

  /** WORKERS new payments at a time until `stop()`, and the backlog of earlier lives beside them. */
  async load(life: Life, stop: () => boolean, backlog: Pay[]): Promise<void> {
    const resend = async () => {
      for (let p = backlog.shift(); p && !life.dead; p = backlog.shift()) await this.drive(p, life);
    };
    const fresh = async () => {
      while (!life.dead && !stop()) await this.drive(this.newPay(), life);
    };
    await Promise.all([...Array.from({ length: RESENDERS }, resend), ...Array.from({ length: WORKERS }, fresh)]);
  }

  unresolved(): Pay[] {
    return [...this.pays.values()].filter((p) => p.state !== 'done');
  }

  // ── the run ──────────────────────────────────────────────────────────────────────────────────────────

  async run(kills: number): Promise<void> {
    if (this.engine === 'postgres') {
      const base = process.env.DATABASE_URL;
      if (!base) throw new Error('--engine=postgres needs DATABASE_URL');
      this.schema = await pgSchema(base, 'chaos_ips');
      this.databaseUrl = this.schema.url;
    }
    this.port = await freePort();
    this.url = `http://127.0.0.1:${this.port}`;
    await this.startEndpoint();
    const t0 = Date.now();
    let bootKills = 0;
    for (let k = 0; k <= kills; k++) {
      if (k > 0 && Math.random() < 0.12) {
        const boot = this.spawn();
        await sleep(300 + Math.random() * 1700);
        const signal = await kill(boot, 'SIGKILL');
        bootKills++;
        console.error(`boot kill ${bootKills}: ${signal ?? 'exited'}`);
      }
      const lifeStart = Date.now();
      const life = this.spawn();
      if (!(await waitReady(this.url, life))) throw new Error(`life ${k}: the platform did not become ready`);
      if (k === 0) await this.setup();
      const last = k === kills;
      const backlog = this.unresolved();
      const loadMs = last ? 2000 : 500 + Math.random() * 2500;
      const until = Date.now() + loadMs;
      const load = this.load(life, () => Date.now() >= until, backlog);
      if (last) {
        await load;
        await this.finish(life);
      } else {
        await sleep(Math.max(0, until - Date.now()));
        const signal = await kill(life, 'SIGKILL');
        await load;
        console.error(
          `life ${k}: ${signal} after ${((Date.now() - lifeStart) / 1000).toFixed(1)} s, ${this.pays.size} payments, ${this.unresolved().length} without a final status`,
        );
      }
    }
    const verdict = await this.verify();
    const result = {
      chaos: 'ips',
      engine: this.engine,
      kills,
      boot_kills: bootKills,
      acknowledged: verdict.acknowledged,
      lost: verdict.lost,
      duplicated: verdict.duplicated,
      sum: verdict.sum,
      conflicting: verdict.conflicting,
      debitedButRejected: verdict.debitedButRejected,
      pendingLeft: verdict.pendingLeft,
      settledWithoutAccp: verdict.settledWithoutAccp,
      inconsistent: verdict.inconsistent,
      unexplainedReason: verdict.unexplainedReason,
      unresolved: verdict.unresolved,
      payments: this.pays.size,
      settled: verdict.settled,
      rejected: verdict.rejected,
      reasons: verdict.reasons,
      accpOverridden: verdict.accpOverridden,
      redelivered: verdict.redelivered,
      orphanReservations: verdict.orphanReservations,
      webhooks: this.webhooks.size,
      sent: this.stats.sent,
      resent: this.stats.resent,
      replayed: this.stats.replayed,
      polls: this.stats.polls,
      conflicts409: this.stats.conflicts409,
      laterAnswers: this.stats.laterAnswers,
      laterAnswersLost: this.stats.laterAnswersLost,
      copies: this.stats.copies,
      copies409: this.stats.copies409,
      tokenRefreshes: this.stats.tokenRefreshes,
      badSignatures: this.stats.badSignatures,
      serverErrors: this.stats.serverErrors,
      unexpected: this.unexpected.length,
      answerTimeoutMs: this.answerTimeoutMs,
      seconds: Math.round((Date.now() - t0) / 1000),
    };
    for (const u of this.unexpected.slice(0, 10)) console.error(`  unexpected answer: ${u}`);
    console.log(JSON.stringify(result));
    if (
      verdict.lost !== 0 ||
      verdict.duplicated !== 0 ||
      verdict.sum !== '0' ||
      verdict.conflicting !== 0 ||
      verdict.debitedButRejected !== 0 ||
      verdict.pendingLeft !== 0 ||
      verdict.settledWithoutAccp !== 0 ||
      verdict.inconsistent !== 0 ||
      verdict.unexplainedReason !== 0 ||
      verdict.unresolved !== 0 ||
      this.unexpected.length !== 0 ||
      this.stats.badSignatures !== 0
    ) {
      process.exitCode = 1;
    }
  }

  /**
   * Last life: the load stops, every payment is driven to a final status, the positions are polled until
   * nothing is reserved, every payment's status is asked once more (pacs.028), and the platform stops.
   */
  private async finish(life: Life): Promise<void> {
    const backlog = this.unresolved();
    console.error(`last life: driving ${backlog.length} payments to a final status`);
    await this.load(life, () => true, backlog);
    while (this.later.size > 0) await Promise.all([...this.later]);
    const deadline = Date.now() + this.answerTimeoutMs + 120_000;
    for (;;) {
      let reserved = 0n;
      for (const b of this.banks) {
        const r = await fetch(`${this.url}${IPS}/positions/mine`, { headers: { authorization: `Bearer ${b.token}` } });
        if (r.status === 401) {
          await this.refresh(b);
          reserved += 1n;
          continue;
        }
        reserved += BigInt((await r.json()).reserved);
      }
      if (reserved === 0n) break;
      if (Date.now() > deadline) {
        console.error(`  still ${tenge(reserved)} KZT reserved; giving up waiting`);
        break;
      }
      await sleep(200);
    }
    for (const b of this.banks) {
      const mine = [...this.pays.values()].filter((p) => p.payer === b.bic);
      for (let i = 0; i < mine.length; i += 1000) {
        const batch = mine.slice(i, i + 1000);
        const r = await post(this.url, `${IPS}/pacs.028`, b.token, { txIds: batch.map((p) => p.txId) });
        if (r?.status !== 200) throw new Error(`final pacs.028: ${r?.status} ${JSON.stringify(r?.json)}`);
        for (const s of r.json.statuses as { txId: string; status: string; reason?: string }[]) {
          const p = this.pays.get(`${b.bic}:${s.txId}`)!;
          // a payment refused before anything was stored (none here) would answer NOOR
          if (s.reason === 'NOOR' && p.answers.length === 0) continue;
          this.record(p, s.status, s.reason, 'final-pacs.028');
        }
      }
    }
    const signal = await kill(life, 'SIGTERM');
    console.error(`last life: stopped (${signal ?? 'exit'}), ${this.pays.size} payments`);
  }

  // ── the verdict, from the database of the stopped platform ───────────────────────────────────────────

  private openDb(): Db {
    if (this.engine === 'postgres') return new PostgresDb(process.env.DATABASE_URL!, { schema: this.schema!.schema });
    return new SqliteDb(join(this.dir, 'ndfi.db'));
  }

  async verify() {
    const db = this.openDb();
    try {
      const rows = await db.query<{
        id: string;
        payer_bic: string;
        payee_bic: string;
        amount: bigint;
        status: string;
        reason: string | null;
      }>('SELECT id, payer_bic, payee_bic, amount, status, reason FROM ips_payments');
      const stored = new Map(rows.map((r) => [r.id, r]));
      const transfers = await db.query<{
        id: string;
        debit_account_id: string;
        credit_account_id: string;
        amount: bigint;
        flags: bigint;
        result: string;
        state: string | null;
        code: string;
        pending_id: string | null;
      }>(
        'SELECT id, debit_account_id, credit_account_id, amount, flags, result, state, code, pending_id FROM ledger_transfers',
      );
      const byId = new Map(transfers.map((t) => [t.id, t]));
      const accounts = await db.query<{ id: string; dpe: bigint; dp: bigint; cpe: bigint; cp: bigint }>(
        'SELECT id, debits_pending AS dpe, debits_posted AS dp, credits_pending AS cpe, credits_posted AS cp FROM ledger_accounts',
      );
      const problems: string[] = [];
      const note = (s: string) => {
        if (problems.length < 20) problems.push(s);
      };
      const posted = (pid: string) => byId.get(`ips:${pid}`)?.state === 'posted';
      const postOk = (pid: string) => byId.get(`ips:${pid}:post`)?.result === 'ok';

      let acknowledged = 0;
      let lost = 0;
      let duplicated = 0;
      let conflicting = 0;
      let debitedButRejected = 0;
      let pendingLeft = 0;
      let settledWithoutAccp = 0;
      let inconsistent = 0;
      let unresolved = 0;
      let accpOverridden = 0;
      let orphanReservations = 0;
      let unexplainedReason = 0;
      let settled = 0;
      let rejected = 0;
      const reasons: Record<string, number> = {};

      for (const p of this.pays.values()) {
        const finals = p.answers.filter((a) => FINAL.has(a.status));
        const acks = finals.filter((a) => a.via !== 'answer');
        const row = stored.get(p.id);
        if (acks.length === 0) {
          unresolved++;
          note(`payment ${p.id} (${p.rule}) has no final status`);
        } else acknowledged++;
        // one final state, whoever told it: answers, status requests, the pacs.002 webhook
        const told = [
          ...finals.map((a) => `${a.status}/${a.reason ?? ''}`),
          ...(this.webhooks.get(p.id) ?? []).map((w) => `${w.status}/${w.reason ?? ''}`),
        ];
        if (new Set(told).size > 1) {
          conflicting++;
          note(`payment ${p.id} told ${[...new Set(told)].join(' and ')}`);
        }
        const first = acks[0];
        if (first) {
          if (!row) {
            lost++;
            note(`payment ${p.id} acknowledged ${first.status} ${first.reason ?? ''} but not stored`);
          } else if (first.status === 'ACSC' && !(row.status === 'settled' && posted(p.id) && postOk(p.id))) {
            lost++;
            note(
              `payment ${p.id} acknowledged ACSC, stored ${row.status}, reservation ${byId.get(`ips:${p.id}`)?.state}`,
            );
          } else if (
            first.status === 'RJCT' &&
            (row.status !== 'rejected' || (row.reason ?? undefined) !== first.reason)
          ) {
            if (row.status === 'settled') debitedButRejected++;
            else lost++;
            note(`payment ${p.id} acknowledged RJCT ${first.reason}, stored ${row.status} ${row.reason ?? ''}`);
          }
        }
        if (row) {
          if (row.status === 'settled') settled++;
          if (row.status === 'rejected') {
            rejected++;
            reasons[row.reason ?? 'NARR'] = (reasons[row.reason ?? 'NARR'] ?? 0) + 1;
            if (posted(p.id) || postOk(p.id)) {
              debitedButRejected++;
              note(`payment ${p.id} rejected ${row.reason} but its reservation was posted`);
            }
          }
          if (row.status === 'reserved') {
            pendingLeft++;
            note(`payment ${p.id} still reserved`);
          }
          if (row.status === 'settled' && !this.payeeAccepted.has(p.id)) {
            settledWithoutAccp++;
            note(`payment ${p.id} (${p.rule}) settled but the payee never accepted it`);
          }
          if (row.status === 'rejected' && this.payeeAccepted.has(p.id)) accpOverridden++;
          if (row.amount !== p.amount || row.payee_bic !== p.payee || row.payer_bic !== p.payer) {
            inconsistent++;
            note(`payment ${p.id} stored with other content`);
          }
        }
        // a rejection's reason is what happened: the payee's refusal, no cover, no answer in time, unknown payee
        const allowed = {
          A: ['AB05', 'AM04'],
          R: ['AC03', 'AB05', 'AM04'],
          L: ['AB05', 'AM04'],
          S: ['AB05', 'AM04'],
          U: ['RC01'],
        };
        if (row?.status === 'rejected' && !allowed[p.rule].includes(row.reason ?? '')) {
          unexplainedReason++;
          note(`payment ${p.id} (${p.rule}) rejected with reason ${row.reason}`);
        }
      }
      for (const id of stored.keys())
        if (!this.pays.has(id)) {
          inconsistent++;
          note(`payment ${id} stored but never sent`);
        }

      // reservations: none pending; each one's fate is its payment's
      const settleCount = new Map<string, number>();
      for (const t of transfers) {
        if (t.code === 'ips.payment' && t.result === 'ok') {
          const pid = t.id.slice('ips:'.length);
          const row = stored.get(pid);
          if (t.state === 'pending') {
            pendingLeft++;
            note(`reservation ${t.id} still pending`);
          }
          if (!row) {
            orphanReservations++;
            if (t.state === 'posted') {
              inconsistent++;
              note(`reservation ${t.id} posted without its payment`);
            }
          } else if ((t.state === 'posted') !== (row.status === 'settled')) {
            inconsistent++;
            note(`reservation ${t.id} ${t.state}, payment ${row.status}`);
          }
        }
        if (t.code === 'ips.settle' && t.result === 'ok' && t.pending_id)
          settleCount.set(t.pending_id, (settleCount.get(t.pending_id) ?? 0) + 1);
      }
      for (const [pending, n] of settleCount)
        if (n > 1) {
          duplicated++;
          note(`${pending} posted ${n} times`);
        }

      // every account's balances are the sum of its transfers (posted: plain and post-pending transfers)
      const PENDING = 2n;
      const VOID = 8n;
      const sums = new Map<string, { dp: bigint; cp: bigint; dpe: bigint; cpe: bigint }>();
      const at = (id: string) => {
        const s = sums.get(id) ?? { dp: 0n, cp: 0n, dpe: 0n, cpe: 0n };
        sums.set(id, s);
        return s;
      };
      for (const t of transfers) {
        if (t.result !== 'ok') continue;
        const f = BigInt(t.flags);
        if (f & PENDING) {
          if (t.state === 'pending') {
            at(t.debit_account_id).dpe += t.amount;
            at(t.credit_account_id).cpe += t.amount;
          }
        } else if (!(f & VOID)) {
          at(t.debit_account_id).dp += t.amount;
          at(t.credit_account_id).cp += t.amount;
        }
      }
      let sumPosted = 0n;
      let sumPending = 0n;
      const balance = new Map<string, bigint>();
      for (const a of accounts) {
        sumPosted += a.cp - a.dp;
        sumPending += a.cpe - a.dpe;
        balance.set(a.id, a.cp - a.dp);
        const s = sums.get(a.id) ?? { dp: 0n, cp: 0n, dpe: 0n, cpe: 0n };
        if (s.dp !== a.dp || s.cp !== a.cp || s.dpe !== a.dpe || s.cpe !== a.cpe) {
          duplicated++;
          note(
            `account ${a.id}: ${a.dp}/${a.cp} posted, ${a.dpe}/${a.cpe} pending; its transfers say ${s.dp}/${s.cp}, ${s.dpe}/${s.cpe}`,
          );
        }
      }

      // each bank's position: what it funded, plus what it was acknowledged to receive, minus what it paid
      const expected = new Map<string, bigint>();
      for (const f of this.fundings) if (f.done) expected.set(f.bic, (expected.get(f.bic) ?? 0n) + f.amount);
      for (const p of this.pays.values()) {
        if (p.answers.find((a) => FINAL.has(a.status) && a.via !== 'answer')?.status !== 'ACSC') continue;
        expected.set(p.payer, (expected.get(p.payer) ?? 0n) - p.amount);
        expected.set(p.payee, (expected.get(p.payee) ?? 0n) + p.amount);
      }
      for (const b of this.banks) {
        const onLedger = balance.get(`ips:position:${b.bic}`) ?? 0n;
        const want = expected.get(b.bic) ?? 0n;
        if (onLedger !== want) {
          duplicated++;
          note(`position ${b.bic}: ${tenge(onLedger)} KZT on the ledger, ${tenge(want)} by the acknowledgements`);
        }
      }
      let redelivered = 0;
      for (const n of this.delivered.values()) if (n > 1) redelivered++;
      for (const p of problems) console.error(`  ${p}`);
      return {
        acknowledged,
        lost,
        duplicated,
        sum: sumPending === 0n ? String(sumPosted) : `${sumPosted}/pending ${sumPending}`,
        conflicting,
        debitedButRejected,
        pendingLeft,
        settledWithoutAccp,
        inconsistent,
        unresolved,
        settled,
        rejected,
        reasons,
        accpOverridden,
        redelivered,
        orphanReservations,
        unexplainedReason,
      };
    } finally {
      await db.close();
    }
  }

  async cleanup(): Promise<void> {
    if (this.current) await kill(this.current, 'SIGKILL');
    this.endpoint?.closeAllConnections();
    this.endpoint?.close();
    if (process.env.CHAOS_KEEP) {
      console.error(`data dir kept: ${this.dir}${this.schema ? `, schema ${this.schema.schema}` : ''}`);
      return;
    }
    rmSync(this.dir, { recursive: true, force: true });
    await this.schema?.drop();
  }
}

export async function run(): Promise<void> {
  const arg = process.argv.slice(2).find((a) => /^\d+$/.test(a));
  const kills = Math.max(20, Number(arg ?? 24));
  const engine = flag('engine') === 'postgres' ? 'postgres' : 'sqlite';
  const chaos = new ChaosIps({ engine, answerTimeoutMs: Number(flag('answer-timeout-ms') ?? 3000) });
  try {
    await chaos.run(kills);
  } finally {
    await chaos.cleanup();
  }
}

if (import.meta.main) await run();
