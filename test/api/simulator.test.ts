import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  BankSimulator,
  camt054Entries,
  kzt,
  type OperatorSession,
  operatorLogin,
  runDemoTraffic,
  UNKNOWN_BIC,
} from '../../simulators/index.ts';
import { signWebhook } from '../../src/platform/index.ts';
import { startTestPlatform, type TestPlatform } from '../harness.ts';

/** Generous bounds for events that arrive in milliseconds; they only turn a hang into a failure. */
const WAIT = { timeoutMs: 15_000 };

describe('bank simulators against the running platform (sqlite)', () => {
  let t: TestPlatform;
  let operator: OperatorSession;
  let banks: { id: string; bic: string }[];
  const sims: BankSimulator[] = [];
  const started = async (participantId: string, opts: { clock?: () => number } = {}) => {
    const sim = new BankSimulator({ baseUrl: t.url, participantId, ...opts });
    sims.push(sim);
    await sim.start(operator);
    return sim;
  };

  before(async () => {
    t = await startTestPlatform('sqlite');
    const op = t.logins.find((l) => l.participantType === 'operator')!;
    operator = await operatorLogin(t.url, op);
    const r = await t.call('GET', '/api/participants/v1/participants?type=bank', { cookie: operator.cookie });
    banks = r.body.items;
    assert.ok(banks.length >= 2);
  });
  after(async () => {
    await Promise.allSettled(sims.map((s) => s.close()));
    await t?.close();
  });

  it('two simulated banks pay each other: pacs.002 ACSC, camt.054 both ways, balances move', async () => {
    const a = await started(banks[0]!.id);
    const b = await started(banks[1]!.id);
    assert.equal(a.bic, banks[0]!.bic);
    assert.ok(a.webhookUrl?.startsWith('http://127.0.0.1:'));
    const alice = a.openAccount({ name: 'Aigerim Sarsenova', balance: kzt('10000.00') });
    const bob = b.openAccount({ name: 'Steppe Trading LLP', balance: kzt('500.00') });
    const aBefore = await a.settlementBalance();
    const bBefore = await b.settlementBalance();

    const paid = await a.pay({
      from: alice.id,
      to: { bic: b.bic, account: bob.id, name: bob.name },
      amount: kzt('1500.00'),
    });
    assert.equal(paid.status, 'ACSC');
    assert.equal(paid.paymentId, `${a.bic}:${paid.txId}`);
    assert.equal(alice.balance, kzt('8500.00'), "the customer's account is debited");
    assert.equal(await a.settlementBalance(), aBefore - kzt('1500.00'), "the bank's settlement account moved");
    assert.equal(await b.settlementBalance(), bBefore + kzt('1500.00'));

    // the receiving bank books the credit from the signed camt.054; the sender gets the debit
    const credit = await b.waitForNotification('CRDT', { txId: paid.txId }, WAIT);
    assert.equal(credit.creditorBic, b.bic);
    assert.equal(bob.balance, kzt('2000.00'));
    await a.waitForNotification('DBIT', { txId: paid.txId }, WAIT);

    // and back, as ISO 20022 XML, urgent
    const back = await b.pay({
      from: bob.id,
      to: { bic: a.bic, account: alice.id },
      amount: kzt('250.75'),
      urgent: true,
      format: 'xml',
    });
    assert.equal(back.status, 'ACSC');
    await a.waitForNotification('CRDT', { endToEndId: back.endToEndId }, WAIT);
    assert.equal(alice.balance, kzt('8750.75'));
    assert.equal(bob.balance, kzt('1749.25'));
    const seen = await t.call('GET', `/api/imts/v1/payments/${encodeURIComponent(back.paymentId)}`, {
      cookie: operator.cookie,
    });
    assert.equal(seen.body.priority, 'urgent');
    assert.equal(seen.body.amount, '25075');

    // an unknown BIC is rejected (RC01) and the customer refunded
    const lost = await a.pay({ from: alice.id, to: { bic: UNKNOWN_BIC }, amount: kzt('10.00') });
    assert.deepEqual([lost.status, lost.reason], ['RJCT', 'RC01']);
    assert.equal(alice.balance, kzt('8750.75'));
    assert.equal(a.stats.errors, 0);
    assert.equal(a.stats.refused, 0);
  });

  it("instant payments between simulated banks: the payee bank accepts its customer's account, refuses others", async () => {
    const a = await started(banks[2]!.id);
    const b = await started(banks[3]!.id);
    await a.fundInstantPosition(kzt('1000.00'));
    const dana = a.openAccount({ name: 'Dana Nurlanova', balance: kzt('300.00') });
    const erlan = b.openAccount({ name: 'Erlan Bekov' });
    const paid = await a.payInstant({ from: dana.id, to: { bic: b.bic, account: erlan.id }, amount: kzt('120.00') });
    assert.equal(paid.status, 'ACSC');
    assert.equal(b.account(erlan.id)?.balance, kzt('120.00'));
    assert.equal(a.account(dana.id)?.balance, kzt('180.00'));
    const refused = await a.payInstant({ from: dana.id, to: { bic: b.bic, account: 'NO-SUCH' }, amount: kzt('10.00') });
    assert.deepEqual([refused.status, refused.reason], ['RJCT', 'AC03']);
    assert.equal(a.account(dana.id)?.balance, kzt('180.00'));
  });

  it('a payment beyond the settlement balance queues (PDNG) and settles when liquidity arrives', async () => {
    const [a, b] = sims as [BankSimulator, BankSimulator];
    const corp = a.openAccount({ name: 'Corporate client', balance: 10n ** 16n });
    const payee = b.openAccount({ name: 'Payee' });
    const big = (await a.settlementBalance()) + kzt('100.00');
    const queued = await a.pay({ from: corp.id, to: { bic: b.bic, account: payee.id }, amount: big });
    assert.equal(queued.status, 'PDNG');
    assert.deepEqual(a.queuedPayments(), [queued.paymentId]);
    assert.equal(a.stats.queued, 1);
    // b pays a enough to cover it: IMTS settles the queued payment at once
    const cover = b.openAccount({ name: 'Cover', balance: kzt('1000.00') });
    assert.equal((await b.pay({ from: cover.id, to: { bic: a.bic }, amount: kzt('200.00') })).status, 'ACSC');
    // the bank learns it from a camt.054 debit notification if one comes, else by asking IMTS
    await a.reconcile();
    assert.equal(a.stats.queued, 0);
    assert.deepEqual(a.queuedPayments(), []);
    assert.equal((await b.payment(queued.paymentId)).status, 'settled');
    assert.equal(corp.balance, 10n ** 16n - big, 'the held amount stays debited');
    // give the liquidity back so later tests start from healthy balances
    const back = b.openAccount({ name: 'Return', balance: big });
    assert.equal((await b.pay({ from: back.id, to: { bic: a.bic }, amount: big - kzt('100.00') })).status, 'ACSC');
  });

  it('the webhook receiver refuses forged or stale signatures (401) and dedupes by webhook-id', async () => {
    const a = sims[0]!;
    const url = a.webhookUrl!;
    const secret = a.webhookSecrets[0]!;
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({
      id: 'evt_test_1',
      type: 'test.ping',
      createdAt: new Date().toISOString(),
      data: { hello: 'world' },
    });
    const post = (headers: Record<string, string>, payload = body) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
    const refusedBefore = a.stats.refused;

    const forged = await post({
      'webhook-id': 'msg_forged',
      'webhook-timestamp': String(now),
      'webhook-signature': signWebhook('whsec_d3JvbmctYnV0LXdlbGwtZm9ybWVkLWtleQ==', 'msg_forged', now, body),
    });
    assert.equal(forged.status, 401);
    assert.equal((await post({})).status, 401, 'no signature headers');
    const tampered = await post(
      {
        'webhook-id': 'msg_t',
        'webhook-timestamp': String(now),
        'webhook-signature': signWebhook(secret, 'msg_t', now, body),
      },
      body.replace('world', 'money'),
    );
    assert.equal(tampered.status, 401, 'body changed after signing');
    const stale = now - 3600;
    const old = await post({
      'webhook-id': 'msg_old',
      'webhook-timestamp': String(stale),
      'webhook-signature': signWebhook(secret, 'msg_old', stale, body),
    });
    assert.equal(old.status, 401, 'outside the replay window');
    assert.equal(a.stats.refused, refusedBefore + 4);
    assert.equal((await fetch(url)).status, 405);
    assert.equal(a.received.filter((e) => e.type === 'test.ping').length, 0, 'nothing forged was accepted');

    // properly signed: accepted once, the redelivery acknowledged but not seen twice
    const headers = {
      'webhook-id': 'msg_ok',
      'webhook-timestamp': String(now),
      'webhook-signature': signWebhook(secret, 'msg_ok', now, body),
    };
    const event = a.waitFor((e) => e.type === 'test.ping', WAIT);
    const streamed = (async () => {
      for await (const e of a.events({ replay: true })) if (e.type === 'test.ping') return e;
    })();
    assert.equal((await post(headers)).status, 204);
    assert.deepEqual((await event).data, { hello: 'world' });
    assert.equal((await streamed)?.id, 'msg_ok', 'the async iterator sees it too');
    assert.equal((await post(headers)).status, 204);
    assert.equal(a.received.filter((e) => e.type === 'test.ping').length, 1);
    assert.ok(a.stats.duplicates >= 1);
    assert.deepEqual(camt054Entries(await event), []);
  });

  it('refreshes its access token before it expires', async () => {
    let now = Date.now();
    const c = await started(banks[2]!.id, { clock: () => now });
    assert.equal(c.stats.tokens, 1);
    const first = await c.accessToken();
    assert.equal(await c.accessToken(), first, 'a fresh token is reused');
    now += 10 * 60_000; // past the platform's token lifetime
    await c.settlementBalance();
    assert.equal(c.stats.tokens, 2);
    assert.notEqual(await c.accessToken(), first);
  });

  it('refuses to talk to anything but the platform it was given', async () => {
    assert.throws(() => new BankSimulator({ baseUrl: 'file:///etc/passwd', participantId: 'x' }), /http/);
    assert.throws(() => new BankSimulator({ baseUrl: 'http://u:p@127.0.0.1:1', participantId: 'x' }), /credentials/);
    const elsewhere = { baseUrl: 'http://127.0.0.2:9', cookie: operator.cookie };
    await assert.rejects(
      new BankSimulator({ baseUrl: t.url, participantId: banks[0]!.id }).start(elsewhere),
      /session/,
    );
    await assert.rejects(
      runDemoTraffic({ baseUrl: t.url, operatorLogin: { cookie: operator.cookie }, rate: 50 }),
      /durationSeconds or signal/,
    );
  });

  it("a simulator that closes disables its webhook endpoint: the bank's next one answers its instant payments", async () => {
    const payer = await started(banks[2]!.id);
    await payer.fundInstantPosition(kzt('50.00'));
    const from = payer.openAccount({ name: 'Gulnara Abenova', balance: kzt('50.00') });
    // a host of banks[4] comes and goes; its endpoint must not be where IPS delivers afterwards
    const gone = new BankSimulator({ baseUrl: t.url, participantId: banks[4]!.id });
    await gone.start(operator);
    await gone.close();
    const hooks = await t.app.platform.participants.webhooks(banks[4]!.id);
    assert.deepEqual(
      hooks.map((h) => h.status),
      ['disabled'],
    );
    const next = await started(banks[4]!.id);
    const to = next.openAccount({ name: 'Marat Seitkali' });
    const paid = await payer.payInstant({ from: from.id, to: { bic: next.bic, account: to.id }, amount: kzt('10.00') });
    assert.deepEqual([paid.status, paid.reason], ['ACSC', undefined], 'answered by the running simulator');
    assert.equal(next.account(to.id)?.balance, kzt('10.00'));
  });
});

/**
 * Demo traffic on a platform of its own: its simulators must be the banks' only hosts, as a bank has one core
 * system. (Others still running, as the tests above leave them, would decide its instant payments: IPS delivers
 * to one endpoint of the payee bank, and a simulator refuses accounts it did not open, AC03.)
 */
describe('demo traffic against the running platform (sqlite)', () => {
  let t: TestPlatform;
  let operator: OperatorSession;
  let banks: { id: string; bic: string }[];

  before(async () => {
    t = await startTestPlatform('sqlite');
    const op = t.logins.find((l) => l.participantType === 'operator')!;
    operator = await operatorLogin(t.url, op);
    const r = await t.call('GET', '/api/participants/v1/participants?type=bank', { cookie: operator.cookie });
    banks = r.body.items;
  });
  after(async () => t?.close());

  /** The platform's own view of a run: its payments (by MsgId prefix), counted by status. */
  const platformCounts = async (runId: string) => {
    const counts = { settled: 0, queued: 0, rejected: 0, cancelled: 0 } as Record<string, number>;
    let after: string | null = null;
    let total = 0;
    do {
      const page: any = await t.call('GET', `/api/imts/v1/payments${after ? `?after=${after}` : ''}`, {
        cookie: operator.cookie,
      });
      assert.equal(page.status, 200);
      for (const p of page.body.items as { msgId: string; status: string }[]) {
        if (!p.msgId.startsWith(runId)) continue;
        counts[p.status] = (counts[p.status] ?? 0) + 1;
        total++;
      }
      after = page.body.next;
    } while (after);
    return {
      settled: counts.settled!,
      queued: counts.queued!,
      rejected: counts.rejected!,
      cancelled: counts.cancelled!,
      total,
    };
  };

  it('demo traffic at 50/s for 2 s settles payments; its counts match the platform’s', async () => {
    const lines: string[] = [];
    const report = await runDemoTraffic({
      baseUrl: t.url,
      operatorLogin: { cookie: operator.cookie },
      rate: 50,
      durationSeconds: 2,
      summaryEverySeconds: 1,
      largeEvery: 30,
      unknownEvery: 20,
      log: (l) => lines.push(l),
    });
    assert.equal(report.stoppedBy, 'duration');
    assert.equal(report.banks.length, banks.length);
    assert.ok(report.sent >= 50 && report.sent <= 101, `sent ${report.sent}`);
    assert.equal(report.errors, 0, lines.join('\n'));
    assert.ok(report.settled > report.sent / 2, JSON.stringify(report));
    assert.ok(report.rejected >= 2, 'every 20th payment goes to an unknown BIC');
    assert.equal(report.settled + report.queued + report.rejected + report.cancelled, report.sent);
    // each bank's one host is its simulator of this run, which opened every account it is paid to
    assert.ok(report.instant.sent > 0, JSON.stringify(report.instant));
    assert.equal(report.instant.settled, report.instant.sent, JSON.stringify(report.instant));
    assert.equal(report.instant.settled + report.instant.rejected, report.instant.sent);
    assert.ok(report.p99Ms >= report.p50Ms && report.p50Ms > 0);
    assert.ok(
      lines.some((l) => /^demo traffic \d+s: sent \d+ .* p50 [\d.]+ ms p99 [\d.]+ ms$/.test(l)),
      lines.join('\n'),
    );
    assert.match(lines.at(-1)!, /^demo traffic done/);

    const platform = await platformCounts(report.runId);
    assert.deepEqual(
      [platform.total, platform.settled, platform.queued, platform.rejected, platform.cancelled],
      // the platform's IMTS counts; the instant payments went through IPS
      [
        report.sent - report.instant.sent,
        report.settled - report.instant.settled,
        report.queued,
        report.rejected - report.instant.rejected,
        report.cancelled,
      ],
    );
    assert.equal(report.queued, 0, 'what was still queued at the end was cancelled');
  });

  it('demo traffic stops on its AbortSignal (after 20 payments), logging in with the operator’s password and TOTP', async () => {
    const stop = new AbortController();
    let answered = 0;
    const report = await runDemoTraffic({
      baseUrl: t.url,
      operatorLogin: t.logins.find((l) => l.participantType === 'operator')!,
      rate: 50,
      signal: stop.signal,
      log: () => {},
      onPayment: () => {
        if (++answered === 20) stop.abort();
      },
    });
    assert.equal(report.stoppedBy, 'signal');
    assert.ok(report.sent - report.instant.sent >= 20 && report.sent < 90, `sent ${report.sent}`);
    assert.equal(report.errors, 0);
    const platform = await platformCounts(report.runId);
    assert.deepEqual(
      [platform.total, platform.settled, platform.rejected, platform.cancelled],
      [
        report.sent - report.instant.sent,
        report.settled - report.instant.settled,
        report.rejected - report.instant.rejected,
        report.cancelled,
      ],
    );
  });
});
