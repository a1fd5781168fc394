import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { browserTest, expectText, login, ROOT, setupE2e } from './harness.ts';
import { apiCall, apiLogin, apiToken } from './platform-api.ts';

const env = setupE2e();

const PARTICIPANTS_API = '/api/participants/v1/participants';
const ICS_API = '/api/ics/v1';
const SCREENSHOTS = join(ROOT, '.tmp', 'e2e');

const STEPPE = 'STPPKZKA';
const ALTYN = 'ALTNKZKA';
const TENGRI = 'TNGRKZKA';
/** A bank registered by the test with no liquidity at all: its net debit cannot be covered. */
const SHORT = 'SHRTKZKA';
const SHORT_NAME = 'Short Clearing Bank';

interface Submitted {
  /** The cycle every payment of the scenario went to. */
  cycleId: string;
  /** Payment ids by a short name. */
  ids: Record<string, string>;
}

let runId = 0;

/** One ICS batch from the bank holding `token`; answers the cycle and each transaction's payment id and status. */
async function submitBatch(
  token: string,
  payments: { name: string; to: string; amount: string }[],
): Promise<{ cycleId: string; tx: { name: string; paymentId: string; status: string; reason?: string }[] }> {
  const n = `${Date.now().toString(36)}${++runId}`.toUpperCase();
  const r = await apiCall(env, 'POST', `${ICS_API}/payments`, {
    token,
    body: {
      msgId: `E2E-ICS-${n}`,
      payments: payments.map((p, i) => ({
        txId: `ICS-${n}-${i}`,
        endToEndId: `E2E-ICS-${n}-${i}`,
        receiverBic: p.to,
        amount: p.amount,
        currency: 'KZT',
      })),
    },
  });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return {
    cycleId: r.body.cycleId,
    tx: (r.body.transactions as { paymentId: string; status: string; reason?: string }[]).map((t, i) => ({
      name: payments[i]!.name,
      ...t,
    })),
  };
}

/**
 * The clearing day of this file, set up once over the API as the banks' systems would: four banks pay
 * each other in the open cycle; Short Bank, with nothing in its settlement account, sends more than it
 * receives; one payment is over the ICS limit and refused at intake (AM02).
 *
 * Net positions once Short Bank is removed: Steppe −1 250.00, Altyn +1 100.00, Tengri −100.00,
 * Short +250.00 (its incoming payment still settles).
 */
let scenario: Promise<Submitted> | undefined;
const clearingScenario = (): Promise<Submitted> => {
  scenario ??= (async () => {
    const operatorCookie = await apiLogin(env, env.user('operator'));
    const banks = await apiCall(env, 'GET', `${PARTICIPANTS_API}?type=bank`, { cookie: operatorCookie });
    assert.equal(banks.status, 200, JSON.stringify(banks.body));
    const idOf = new Map((banks.body.items as { id: string; bic: string }[]).map((p) => [p.bic, p.id]));
    const short = await apiCall(env, 'POST', PARTICIPANTS_API, {
      cookie: operatorCookie,
      body: { name: SHORT_NAME, type: 'bank', bic: SHORT },
    });
    assert.equal(short.status, 201, JSON.stringify(short.body));
    idOf.set(SHORT, short.body.id);
    const token = (bic: string) => apiToken(env, operatorCookie, idOf.get(bic)!);
    const [steppe, altyn, tengri, shortToken] = await Promise.all([
      token(STEPPE),
      token(ALTYN),
      token(TENGRI),
      token(SHORT),
    ]);

    const batches = [
      await submitBatch(steppe, [
        { name: 'steppeToAltyn', to: ALTYN, amount: '1500.00' },
        { name: 'steppeToTengri', to: TENGRI, amount: '200.00' },
        { name: 'steppeToShort', to: SHORT, amount: '250.00' },
      ]),
      await submitBatch(altyn, [{ name: 'altynToSteppe', to: STEPPE, amount: '700.00' }]),
      await submitBatch(tengri, [
        { name: 'tengriToAltyn', to: ALTYN, amount: '300.00' },
        { name: 'overLimit', to: STEPPE, amount: '6000000.00' },
      ]),
      await submitBatch(shortToken, [{ name: 'shortToSteppe', to: STEPPE, amount: '1000.00' }]),
    ];
    const cycleId = batches[0]!.cycleId;
    const ids: Record<string, string> = {};
    for (const b of batches) {
      assert.equal(b.cycleId, cycleId, 'every payment goes to the open cycle');
      for (const t of b.tx) {
        ids[t.name] = t.paymentId;
        if (t.name === 'overLimit') assert.deepEqual([t.status, t.reason], ['RJCT', 'AM02']);
        else assert.equal(t.status, 'ACSP', t.name);
      }
    }
    return { cycleId, ids };
  })();
  return scenario;
};

/** A row of the net positions table. */
const positionRow = (table: Locator, bic: string): Locator => table.locator(`tbody tr[data-bic="${bic}"]`);
/** A row of a payments table. */
const paymentRow = (table: Locator, id: string): Locator => table.locator(`tbody tr[data-payment-id="${id}"]`);

async function openIcs(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'ICS' }).click();
  await page.getByRole('heading', { name: 'ICS · Clearing cycles', level: 1 }).waitFor();
}

describe('ICS in the portal', () => {
  browserTest(env, 'the operator closes the current cycle and sees the net positions settle', async (page) => {
    const { cycleId, ids } = await clearingScenario();

    await login(page, env.user('operator'));
    await openIcs(page);

    // the current cycle: the scenario's, open, six payments accepted (the one over the limit was not)
    const current = page.getByTestId('current-cycle');
    await expectText(page.getByTestId('current-cycle-id'), cycleId);
    await expectText(current.locator('[data-status]'), 'Open');
    await expectText(page.getByTestId('current-accepted'), '3 950.00 KZT · 6 payments');
    // the cycles list has it too (and the scheduler's empty cycle closed at start-up)
    const cycles = page.getByTestId('cycles');
    const listed = cycles.locator(`tbody tr[data-cycle-id="${cycleId}"]`);
    await expectText(listed.locator('[data-status]'), 'Open');
    await expectText(listed.getByTestId('accepted'), /^3 950\.00\s+6 payments$/);
    await expectText(listed.getByTestId('settled'), /^—$/);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'ics-cycles-open.png'), fullPage: true });

    // closing asks first; keeping it open changes nothing
    await page.getByRole('button', { name: 'Close current cycle' }).click();
    await expectText(page.getByRole('heading', { name: `Close cycle ${cycleId} now?` }), cycleId);
    await page.getByRole('button', { name: 'Keep open' }).click();
    assert.equal(await page.getByRole('button', { name: 'Confirm close' }).count(), 0);
    const stillOpen = await page.request.get(`${ICS_API}/cycles/${encodeURIComponent(cycleId)}`);
    assert.equal(((await stillOpen.json()) as { status: string }).status, 'open');

    await page.getByRole('button', { name: 'Close current cycle' }).click();
    await page.getByRole('button', { name: 'Confirm close' }).click();

    // the closed cycle in detail: netted in two rounds (Short Bank removed), settled in IMTS
    await page.getByRole('heading', { name: `ICS · Cycle ${cycleId}`, level: 1 }).waitFor();
    const summary = page.getByTestId('cycle-summary');
    await expectText(summary.locator('[data-status]').first(), 'Closed');
    await expectText(page.getByTestId('cycle-settled'), '2 950.00 KZT · 5 payments');
    await expectText(page.getByTestId('cycle-rejected'), '1 000.00 KZT · 1 payment');
    await expectText(page.getByTestId('cycle-settlement'), /\S+-a\d+$/);
    await expectText(page.getByTestId('cycle-closed'), `UTC by ${env.user('operator').participantName}`);
    assert.equal(await page.getByRole('button', { name: 'Close cycle' }).count(), 0, 'a closed cycle cannot close');

    const positions = page.getByTestId('net-positions');
    const expected: [string, RegExp, string][] = [
      [STEPPE, /^−1 250\.00$/, 'Settled'],
      [ALTYN, /^\+1 100\.00$/, 'Settled'],
      [TENGRI, /^−100\.00$/, 'Settled'],
      [SHORT, /^\+250\.00$/, 'Rejected'],
    ];
    for (const [bic, net, status] of expected) {
      const row = positionRow(positions, bic);
      await expectText(row.getByTestId('net'), net);
      await expectText(row.getByTestId('settlement').locator('[data-status]'), status);
    }
    assert.equal(await positions.locator('tbody tr').count(), 4);
    await expectText(positionRow(positions, SHORT).getByRole('rowheader'), SHORT_NAME);
    await expectText(positionRow(positions, SHORT).getByTestId('settlement'), 'AM04 · Insufficient funds');
    await expectText(positionRow(positions, SHORT).getByTestId('rejected-out'), /^1 000\.00\s+1 payment$/);
    await expectText(positionRow(positions, STEPPE).getByTestId('rejected-out'), /^—$/);
    await page.screenshot({ path: join(SCREENSHOTS, 'ics-cycle-closed.png'), fullPage: true });

    // the server agrees: closed by the operator, settled and rejected as shown
    const report = (await (
      await page.request.get(`${ICS_API}/cycles/${encodeURIComponent(cycleId)}/report`)
    ).json()) as { items: { participant: string; net: string; status: string }[] };
    assert.deepEqual(report.items.map((r) => [r.participant, r.net, r.status]).sort(), [
      [ALTYN, '110000', 'settled'],
      [SHORT, '25000', 'rejected'],
      [STEPPE, '-125000', 'settled'],
      [TENGRI, '-10000', 'settled'],
    ]);

    // Short Bank's report: removed, its payment to Steppe rejected AM04, its incoming one settled
    await positionRow(positions, SHORT).getByRole('link').click();
    const own = page.getByTestId('participant-report');
    await expectText(own.getByRole('heading', { level: 2 }), `Report of ${SHORT_NAME}`);
    await expectText(page.getByTestId('report-status'), 'Rejected AM04 · Insufficient funds');
    await expectText(page.getByTestId('report-net'), '+250.00 KZT credit');
    await expectText(page.getByTestId('report-in'), '250.00 KZT · 1');
    await expectText(page.getByTestId('report-removed'), '1 000.00 KZT · 1');
    const rejected = page.getByTestId('rejected-payments');
    await expectText(paymentRow(rejected, ids.shortToSteppe!).getByTestId('reason'), 'AM04 · Insufficient funds');
    await expectText(paymentRow(rejected, ids.shortToSteppe!), 'Sent');
    await expectText(page.getByTestId('rejected-count'), /^1 payment$/);

    // every payment of the cycle on the payments screen, with its status and reason
    await page.getByRole('link', { name: `← Net positions of cycle ${cycleId}` }).click();
    await positions.waitFor();
    await summary.getByRole('link', { name: 'Payments of this cycle' }).click();
    await page.getByRole('heading', { name: 'ICS · Payments', level: 1 }).waitFor();
    assert.equal(await page.getByLabel('Cycle', { exact: true }).inputValue(), cycleId);
    const payments = page.getByTestId('payments');
    await expectText(page.getByTestId('payments-count'), /^7 payments$/);
    for (const name of ['steppeToAltyn', 'steppeToTengri', 'steppeToShort', 'altynToSteppe', 'tengriToAltyn'])
      await expectText(paymentRow(payments, ids[name]!).locator('[data-status]'), 'Settled');
    await expectText(paymentRow(payments, ids.shortToSteppe!).getByTestId('reason'), 'AM04 · Insufficient funds');
    await expectText(paymentRow(payments, ids.overLimit!).getByTestId('reason'), 'AM02 · Not allowed amount');

    // the status filter is kept in the URL, and the search narrows what is loaded
    await page.screenshot({ path: join(SCREENSHOTS, 'ics-payments.png'), fullPage: true });
    await page.getByLabel('Status', { exact: true }).selectOption('rejected');
    await expectText(page.getByTestId('payments-count'), /^2 payments$/);
    assert.match(page.url(), /status=rejected/);
    await page.getByLabel('Search payments').fill(SHORT_NAME);
    await expectText(page.getByTestId('payments-count'), '1 of 2 payments');
    await page.getByLabel('Search payments').fill('');

    // a payment in detail, and back to the list as it was
    await paymentRow(payments, ids.overLimit!).getByRole('link').click();
    const detail = page.getByTestId('payment-detail');
    await expectText(detail.getByRole('heading', { level: 2 }), ids.overLimit!);
    await expectText(detail.locator('[data-status]'), 'Rejected');
    await expectText(page.getByTestId('payment-amount'), /^6 000 000\.00 KZT$/);
    await expectText(page.getByTestId('payment-reason'), 'AM02 · Not allowed amount');
    await expectText(page.getByTestId('payment-cycle'), cycleId);
    await page.getByRole('link', { name: '← All payments' }).click();
    await paymentRow(payments, ids.shortToSteppe!).waitFor();
    assert.equal(await page.getByLabel('Status', { exact: true }).inputValue(), 'rejected');
    await expectText(page.getByTestId('payments-count'), /^2 payments$/);

    // the cycle list shows the outcome; a new cycle is now the current one
    await page.getByRole('navigation', { name: 'ICS' }).getByRole('link', { name: 'Cycles' }).click();
    await expectText(listed.locator('[data-status]'), 'Closed');
    await expectText(listed.getByTestId('settled'), /^2 950\.00\s+5 payments$/);
    await expectText(listed.getByTestId('rejected'), /^1 000\.00\s+1 payment$/);
    const next = await expectText(page.getByTestId('current-cycle-id'), /\S/);
    assert.notEqual(next, cycleId);
  });

  browserTest(env, 'a bank sees only its own cycle report and payments, and cannot close a cycle', async (page) => {
    const { cycleId, ids } = await clearingScenario();
    // run alone, this test closes the scenario's cycle over the API
    const operatorCookie = await apiLogin(env, env.user('operator'));
    const path = `${ICS_API}/cycles/${encodeURIComponent(cycleId)}`;
    if ((await apiCall(env, 'GET', path, { cookie: operatorCookie })).body.status !== 'closed') {
      const closed = await apiCall(env, 'POST', `${path}/close`, { cookie: operatorCookie });
      assert.equal(closed.status, 200, JSON.stringify(closed.body));
    }

    const bank = env.user('bank');
    assert.equal(bank.participantName, 'Steppe Bank');
    await login(page, bank);
    await openIcs(page);
    await page.getByTestId('current-cycle').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Close current cycle' }).count(), 0, 'no operator action');

    await page.getByTestId('cycles').locator(`tbody tr[data-cycle-id="${cycleId}"]`).getByRole('link').click();
    await page.getByRole('heading', { name: `ICS · Cycle ${cycleId}`, level: 1 }).waitFor();
    const report = page.getByTestId('participant-report');
    await expectText(report.getByRole('heading', { level: 2 }), 'Your report');
    await expectText(report, STEPPE);
    await expectText(page.getByTestId('report-status'), 'Settled');
    await expectText(page.getByTestId('report-net'), '−1 250.00 KZT debit');
    await expectText(page.getByTestId('report-out'), '1 950.00 KZT · 3');
    await expectText(page.getByTestId('report-in'), '700.00 KZT · 1');
    await expectText(page.getByTestId('report-removed'), '0.00 KZT · 0');
    await expectText(page.getByTestId('cycle-closed'), /UTC by the operator$/);
    // no other participant's position, and no operator action
    assert.equal(await page.getByTestId('net-positions').count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Close cycle' }).count(), 0);

    // the payments it was to receive that were rejected, with their reasons
    const rejected = page.getByTestId('rejected-payments');
    await expectText(page.getByTestId('rejected-count'), /^2 payments$/);
    await expectText(paymentRow(rejected, ids.shortToSteppe!).getByTestId('reason'), 'AM04 · Insufficient funds');
    await expectText(paymentRow(rejected, ids.overLimit!).getByTestId('reason'), 'AM02 · Not allowed amount');
    await expectText(paymentRow(rejected, ids.overLimit!), 'Received');
    await page.screenshot({ path: join(SCREENSHOTS, 'ics-bank-report.png'), fullPage: true });

    // another participant's report, typed into the URL, still shows only its own
    await page.goto(`/#/ics/cycles/${encodeURIComponent(cycleId)}/${ALTYN}`);
    await expectText(page.getByTestId('participant-report').getByRole('heading', { level: 2 }), 'Your report');
    await expectText(page.getByTestId('report-net'), '−1 250.00 KZT');
    assert.equal(await page.getByText('+1 100.00').count(), 0, 'Altyn’s position is not shown');

    // payments: what it sent or received, never Tengri → Altyn
    await page.goto(`/#/ics/payments?cycle=${encodeURIComponent(cycleId)}`);
    const payments = page.getByTestId('payments');
    await expectText(page.getByTestId('payments-count'), /^6 payments$/);
    assert.equal(await paymentRow(payments, ids.tengriToAltyn!).count(), 0);
    await expectText(paymentRow(payments, ids.steppeToAltyn!), 'Sent');
    await expectText(paymentRow(payments, ids.altynToSteppe!), 'Received');
    await page.goto(`/#/ics/payments/${encodeURIComponent(ids.tengriToAltyn!)}`);
    await expectText(page.getByRole('alert'), 'was not found');
    assert.equal(await page.getByTestId('payment-detail').count(), 0);

    // the server holds the same line: one report row, and no closing for a bank
    const rows = (await (await page.request.get(`${path}/report`)).json()) as { items: { participant: string }[] };
    assert.deepEqual(
      rows.items.map((r) => r.participant),
      [STEPPE],
    );
    const refused = await page.request.post(`${path}/close`, { headers: { 'idempotency-key': crypto.randomUUID() } });
    assert.equal(refused.status(), 403);
  });
});
