import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { browserTest, expectText, fieldError, login, ROOT, setupE2e } from './harness.ts';
import { apiCall, apiLogin, apiToken, sendPacs008 } from './platform-api.ts';

const env = setupE2e();

const PARTICIPANTS_API = '/api/participants/v1/participants';
const IMTS_API = '/api/imts/v1';

interface Payment {
  id: string;
  senderBic: string;
  receiverBic: string;
  status: string;
}

/** The row of a table whose row header (a payment id) is exactly `name`. */
const rowOf = (page: Page, table: Locator, name: string): Locator =>
  table.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });

/** A bank's row in the settlement balances table. */
const balanceRow = (table: Locator, bic: string): Locator => table.locator(`tbody tr[data-bic="${bic}"]`);

async function openImts(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'IMTS' }).click();
  await page.getByRole('heading', { name: 'IMTS · Monitor', level: 1 }).waitFor();
}

async function openPayments(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'IMTS' }).getByRole('link', { name: 'Payments' }).click();
  await page.getByRole('heading', { name: 'IMTS · Payments', level: 1 }).waitFor();
}

/** The demo banks by BIC, with their participant ids (as the operator sees the registry). */
async function demoBanks(operatorCookie: string): Promise<Map<string, { id: string; name: string }>> {
  const r = await apiCall(env, 'GET', `${PARTICIPANTS_API}?type=bank`, { cookie: operatorCookie });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return new Map(
    (r.body.items as { id: string; name: string; bic: string }[]).map((p) => [p.bic, { id: p.id, name: p.name }]),
  );
}

describe('IMTS in the portal', () => {
  browserTest(env, 'gridlock: three zero-balance banks queue A→B→C→A and the operator resolves it', async (page) => {
    const operator = env.user('operator');
    const operatorCookie = await apiLogin(env, operator);

    // three new banks, no liquidity at all: each can only pay once it has been paid
    const banks: { bic: string; name: string; token: string }[] = [];
    for (const [i, letter] of ['A', 'B', 'C'].entries()) {
      const bic = `GRD${letter}KZKA`;
      const name = `Gridlock Bank ${letter}`;
      const r = await apiCall(env, 'POST', PARTICIPANTS_API, {
        cookie: operatorCookie,
        body: { name, type: 'bank', bic },
      });
      assert.equal(r.status, 201, `register bank ${i}: ${JSON.stringify(r.body)}`);
      banks.push({ bic, name, token: await apiToken(env, operatorCookie, r.body.id) });
    }
    const [a, b, c] = banks as [(typeof banks)[0], (typeof banks)[0], (typeof banks)[0]];
    const ids: string[] = [];
    for (const [from, to] of [
      [a, b],
      [b, c],
      [c, a],
    ] as const) {
      const sent = await sendPacs008(env, from.token, from.bic, to.bic, '1000000.00');
      assert.equal(sent.status, 'PDNG', `${from.bic} → ${to.bic} waits in the queue`);
      ids.push(sent.id);
    }

    await login(page, operator);
    await openImts(page);

    // the queue: the three payments, queued, normal priority, amounts from tiyn
    const queue = page.getByTestId('queue');
    for (const id of ids) {
      const row = rowOf(page, queue, id);
      await expectText(row.locator('[data-status]'), 'Queued');
      await expectText(row.locator('[data-priority]'), 'Normal');
      await expectText(row, '1 000 000.00 KZT');
    }
    await expectText(page.getByTestId('queue-count'), '3 queued · 3 000 000.00 KZT');
    // the operator acts on no bank's payment
    assert.equal(await queue.getByRole('button', { name: 'Cancel' }).count(), 0);

    // balances: every bank, the new ones at zero with a payment waiting each
    const balances = page.getByRole('table', { name: 'Settlement balances' });
    for (const bank of banks) {
      const row = balanceRow(balances, bank.bic);
      await expectText(row.getByRole('rowheader'), bank.name);
      await expectText(row.getByTestId('available'), /^0\.00$/);
      await expectText(row.getByTestId('queued-out'), /^1 000 000\.00\s+1 payment$/);
    }
    await expectText(balanceRow(balances, 'STPPKZKA').getByTestId('available'), /^\d{1,3}( \d{3})*\.\d{2}$/);

    mkdirSync(join(ROOT, '.tmp', 'e2e'), { recursive: true });
    await page.screenshot({ path: join(ROOT, '.tmp', 'e2e', 'imts-monitor-gridlock.png'), fullPage: true });

    await page.getByRole('button', { name: 'Resolve gridlock' }).click();
    await expectText(
      page.getByRole('status').filter({ hasText: 'Gridlock resolved' }),
      'Gridlock resolved: 3 payments settled by offsetting (3 000 000.00 KZT)',
    );
    const outcome = page.getByTestId('gridlock-outcome');
    for (const id of ids) await expectText(rowOf(page, outcome, id).locator('[data-status]'), 'Settled');
    await expectText(queue, 'The queue is empty.');
    await expectText(page.getByTestId('queue-count'), 'empty');
    // nets of a perfect cycle are zero: balances unchanged, nothing waiting any more
    for (const bank of banks) {
      const row = balanceRow(balances, bank.bic);
      await expectText(row.getByTestId('queued-out'), /^—$/);
      await expectText(row.getByTestId('available'), /^0\.00$/);
    }
    await page.screenshot({ path: join(ROOT, '.tmp', 'e2e', 'imts-monitor-resolved.png'), fullPage: true });

    // the server agrees: nothing queued, all three settled
    const serverQueue = await page.request.get(`${IMTS_API}/queue`);
    assert.deepEqual(((await serverQueue.json()) as { items: unknown[] }).items, []);
    for (const id of ids) {
      const p = (await (await page.request.get(`${IMTS_API}/payments/${encodeURIComponent(id)}`)).json()) as Payment;
      assert.equal(p.status, 'settled', id);
    }

    // the Payments page, filtered to settled, lists them; the detail shows the ISO 20022 content
    await openPayments(page);
    await page.getByLabel('Status', { exact: true }).selectOption('settled');
    const payments = page.getByTestId('payments');
    for (const id of ids) await expectText(rowOf(page, payments, id).locator('[data-status]'), 'Settled');
    await rowOf(page, payments, ids[0]!).getByRole('link', { name: ids[0]! }).click();
    const detail = page.getByTestId('payment-detail');
    await expectText(detail.getByRole('heading', { level: 2 }), ids[0]!);
    await expectText(detail.locator('[data-status]'), 'Settled');
    await expectText(page.getByTestId('payment-amount'), /^1 000 000\.00 KZT$/);
    await expectText(detail, 'Gridlock Bank B');
    const document = await expectText(page.getByTestId('payment-document'), '"bicfi": "GRDAKZKA"');
    assert.match(document, /"endToEndId": "E2E-/);
    assert.match(document, /Aigerim Sarsenova/);
    assert.doesNotThrow(() => JSON.parse(document), 'the ISO 20022 content is shown as JSON');

    // back to the list: the filter is kept
    await page.getByRole('link', { name: '← All payments' }).click();
    await rowOf(page, payments, ids[1]!).waitFor();
    assert.equal(await page.getByLabel('Status', { exact: true }).inputValue(), 'settled');
  });

  browserTest(env, 'a bank sees only its own payments, and cancels and re-prioritises its queued one', async (page) => {
    const operatorCookie = await apiLogin(env, env.user('operator'));
    const byBic = await demoBanks(operatorCookie);
    const token = async (bic: string) => apiToken(env, operatorCookie, byBic.get(bic)!.id);
    const [steppe, altyn, tengri, baiterek] = ['STPPKZKA', 'ALTNKZKA', 'TNGRKZKA', 'BTRKKZKA'];
    const [steppeToken, altynToken, tengriToken] = await Promise.all([token(steppe!), token(altyn!), token(tengri!)]);

    const sent = await sendPacs008(env, steppeToken, steppe!, altyn!, '1500.00');
    const received = await sendPacs008(env, tengriToken, tengri!, steppe!, '250.75');
    const others = await sendPacs008(env, altynToken, altyn!, baiterek!, '99.00');
    // more than the 50 billion tenge of opening liquidity: it waits in the queue
    const queued = await sendPacs008(env, steppeToken, steppe!, tengri!, '60000000000.00');
    assert.deepEqual([sent.status, received.status, others.status, queued.status], ['ACSC', 'ACSC', 'ACSC', 'PDNG']);

    const bank = env.user('bank');
    assert.equal(bank.participantName, 'Steppe Bank');
    await login(page, bank);
    await openImts(page);

    // the monitor: its own balance only, its own queue, no oversight tools
    await page.getByTestId('day-phase').waitFor();
    const balances = page.getByRole('table', { name: 'Settlement balance' });
    await expectText(balanceRow(balances, 'STPPKZKA').getByRole('rowheader'), 'Steppe Bank');
    assert.equal(await balances.locator('tbody tr').count(), 1, 'one settlement account: its own');
    await expectText(balanceRow(balances, 'STPPKZKA').getByTestId('queued-out'), /^60 000 000 000\.00\s+1 payment$/);
    assert.equal(await page.getByRole('button', { name: 'Resolve gridlock' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'End of day' }).count(), 0);
    assert.equal(await page.getByRole('form', { name: 'Liquidity' }).count(), 0);

    const queue = page.getByTestId('queue');
    const row = rowOf(page, queue, queued.id);
    await expectText(row.locator('[data-priority]'), 'Normal');
    await row.getByRole('button', { name: 'Make urgent' }).click();
    await expectText(page.getByRole('status').filter({ hasText: queued.id }), `Payment ${queued.id} now urgent.`);
    await expectText(row.locator('[data-priority]'), 'Urgent');
    await row.getByRole('button', { name: 'Make normal' }).waitFor();

    // payments: sent and received, never another bank's
    await openPayments(page);
    const payments = page.getByTestId('payments');
    await expectText(page.getByTestId('payments-count'), /^3 payments$/);
    for (const p of [sent, received, queued]) await rowOf(page, payments, p.id).waitFor();
    assert.equal(await rowOf(page, payments, others.id).count(), 0, 'Altyn → Baiterek is not Steppe’s');
    const rows = payments.locator('tbody tr');
    for (let i = 0; i < (await rows.count()); i++) {
      // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what the user reads
      assert.match(await rows.nth(i).innerText(), /STPPKZKA/);
    }
    await expectText(rowOf(page, payments, sent.id), 'Sent');
    await expectText(rowOf(page, payments, received.id), 'Received');
    await expectText(rowOf(page, payments, received.id), '250.75 KZT');

    // client-side search over the loaded payments
    await page.getByLabel('Search payments').fill('TNGRKZKA');
    await expectText(page.getByTestId('payments-count'), '2 of 3 payments');
    assert.equal(await rowOf(page, payments, sent.id).count(), 0);
    await page.getByLabel('Search payments').fill('');

    // the queued payment in detail: cancel it there, after a confirmation
    await rowOf(page, payments, queued.id).getByRole('link', { name: queued.id }).click();
    const detail = page.getByTestId('payment-detail');
    await expectText(detail.locator('[data-status]'), 'Queued');
    await expectText(detail.locator('[data-priority]'), 'Urgent');
    await expectText(page.getByTestId('payment-amount'), '60 000 000 000.00 KZT');
    await detail.getByRole('button', { name: 'Cancel', exact: true }).click();
    await detail.getByRole('button', { name: 'Confirm cancellation' }).click();
    await expectText(detail.locator('[data-status]'), 'Cancelled');
    await expectText(detail, 'CUST · Requested by the customer');
    assert.equal(await detail.getByRole('button', { name: 'Cancel', exact: true }).count(), 0);

    // the list shows it cancelled; the monitor's queue is empty
    await page.getByRole('link', { name: '← All payments' }).click();
    await expectText(rowOf(page, payments, queued.id).locator('[data-status]'), 'Cancelled');
    await page.getByRole('navigation', { name: 'IMTS' }).getByRole('link', { name: 'Monitor' }).click();
    await expectText(queue, 'The queue is empty.');

    // another bank's payment, typed into the URL, is not shown
    await page.goto(`/#/imts/payments/${encodeURIComponent(others.id)}`);
    await expectText(page.getByRole('alert'), 'was not found');
    assert.equal(await page.getByTestId('payment-detail').count(), 0);

    // the server holds the same line
    const all = (await (await page.request.get(`${IMTS_API}/payments`)).json()) as { items: Payment[] };
    assert.ok(all.items.length >= 3);
    for (const p of all.items) assert.ok(p.senderBic === steppe || p.receiverBic === steppe, p.id);
  });

  browserTest(env, 'the central bank injects liquidity into a bank from the monitor', async (page) => {
    const nbk = env.user('central_bank');
    await login(page, nbk);
    await openImts(page);

    const balances = page.getByRole('table', { name: 'Settlement balances' });
    const caspian = balanceRow(balances, 'CSPNKZKA');
    await expectText(caspian.getByTestId('available'), /^50 000 000 000\.00$/);
    await page.getByRole('button', { name: 'Resolve gridlock' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'End of day' }).count(), 0, 'the operator closes the day');

    const form = page.getByRole('form', { name: 'Liquidity' });
    await form.getByLabel('Bank').selectOption({ label: 'Caspian Savings Bank (CSPNKZKA)' });
    await form.getByLabel('Direction').selectOption('inject');
    // three decimals are refused before anything is sent
    await form.getByLabel('Amount (KZT)').fill('10.005');
    await form.getByRole('button', { name: 'Inject liquidity' }).click();
    await expectText(fieldError(page, 'Amount (KZT)'), 'at most 2 decimals');

    await form.getByLabel('Amount (KZT)').fill('1 000');
    await expectText(form, '= 1 000.00 KZT');
    await form.getByRole('button', { name: 'Inject liquidity' }).click();
    await expectText(
      page.getByRole('status').filter({ hasText: 'Injected' }),
      'Injected 1 000.00 KZT into CSPNKZKA. Available now: 50 000 001 000.00 KZT.',
    );
    await expectText(caspian.getByTestId('available'), /^50 000 001 000\.00$/);
    assert.equal(await form.getByLabel('Amount (KZT)').inputValue(), '', 'the form is ready for the next operation');
  });

  browserTest(env, 'the operator closes the day: what is still queued is rejected with AM04', async (page) => {
    const operatorCookie = await apiLogin(env, env.user('operator'));
    const byBic = await demoBanks(operatorCookie);
    const token = await apiToken(env, operatorCookie, byBic.get('BTRKKZKA')!.id);
    const waiting = await sendPacs008(env, token, 'BTRKKZKA', 'CSPNKZKA', '70000000000.00');
    assert.equal(waiting.status, 'PDNG');

    await login(page, env.user('operator'));
    await openImts(page);
    const queue = page.getByTestId('queue');
    await expectText(rowOf(page, queue, waiting.id).locator('[data-status]'), 'Queued');

    // a confirmation first; keeping the day open changes nothing
    await page.getByRole('button', { name: 'End of day' }).click();
    await page.getByRole('button', { name: 'Keep open' }).click();
    assert.equal(await page.getByRole('button', { name: 'Confirm end of day' }).count(), 0);
    await expectText(rowOf(page, queue, waiting.id).locator('[data-status]'), 'Queued');

    await page.getByRole('button', { name: 'End of day' }).click();
    await page.getByRole('button', { name: 'Confirm end of day' }).click();
    await expectText(
      page.getByRole('status').filter({ hasText: 'Operating day closed' }),
      /Operating day closed: \d+ queued payments? rejected \(AM04\)\./,
    );
    await expectText(queue, 'The queue is empty.');

    await rowOf(page, queue, waiting.id).waitFor({ state: 'detached' });
    await page.goto(`/#/imts/payments/${encodeURIComponent(waiting.id)}`);
    const detail = page.getByTestId('payment-detail');
    await expectText(detail.locator('[data-status]'), 'Rejected');
    await expectText(detail, 'AM04 · Insufficient funds');
  });
});
