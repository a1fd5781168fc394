import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { iin, phone } from '../../src/ips/aliases/fixtures.test-helper.ts';
import { browserTest, type DemoLogin, expectText, fieldError, login, setupE2e } from './harness.ts';
import { apiCall, apiLogin, apiToken, pacs008 } from './platform-api.ts';

const env = setupE2e();

const IPS_API = '/api/ips/v1';

/** `KZ??` + bban with the check digits that make it a valid IBAN (ISO 13616 mod 97). */
function kzIban(bban: string): string {
  const digits = [...`${bban}KZ00`].map((c) => (/\d/.test(c) ? c : String(c.charCodeAt(0) - 55))).join('');
  let rem = 0;
  for (const d of digits) rem = (rem * 10 + Number(d)) % 97;
  return `KZ${String(98 - rem).padStart(2, '0')}${bban}`;
}

/** A creditor account the payee bank's endpoint refuses (RJCT AC04): a payment to it is rejected. */
const CLOSED_ACCOUNT = kzIban('1250000009999999');

/** The payee bank's IPS endpoint: accepts every payment delivered to it, except to CLOSED_ACCOUNT; counts them. */
let endpoint: Server | undefined;
let delivered = 0;
async function startEndpoint(): Promise<string> {
  endpoint = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      delivered++;
      const refuse = body.includes(CLOSED_ACCOUNT);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(refuse ? { txSts: 'RJCT', reason: 'AC04' } : { txSts: 'ACCP' }));
    });
  });
  await new Promise<void>((resolve) => endpoint!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/ips`;
}
after(async () => {
  await new Promise<void>((resolve) => (endpoint ? endpoint.close(() => resolve()) : resolve()));
});

interface Bank {
  id: string;
  bic: string;
  name: string;
}

/** Two demo banks set up for IPS over the API: the payee's endpoint answers, the payer's position is funded. */
interface IpsWorld {
  operatorCookie: string;
  payee: Bank;
  payer: Bank;
  payeeToken: string;
  payerToken: string;
}

let world: Promise<IpsWorld> | undefined;

/** Sets the IPS world up once per file (every test may run alone with --test-name-pattern). */
function ipsWorld(): Promise<IpsWorld> {
  world ??= (async () => {
    const payeeUser = env.user('bank');
    const operatorCookie = await apiLogin(env, env.user('operator'));
    const banks = await apiCall(env, 'GET', '/api/participants/v1/participants?type=bank', {
      cookie: operatorCookie,
    });
    assert.equal(banks.status, 200, JSON.stringify(banks.body));
    const all = banks.body.items as Bank[];
    const payee = all.find((b) => b.name === payeeUser.participantName)!;
    const payer = all.find((b) => b.id !== payee.id)!;
    assert.ok(payee && payer, 'two demo banks');
    const [payeeToken, payerToken] = await Promise.all([
      apiToken(env, operatorCookie, payee.id),
      apiToken(env, operatorCookie, payer.id),
    ]);
    const hook = await apiCall(env, 'POST', '/api/participants/v1/webhooks', {
      token: payeeToken,
      body: { url: await startEndpoint(), events: ['ips.pacs008'] },
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    const funded = await apiCall(env, 'POST', `${IPS_API}/positions`, {
      token: payerToken,
      body: { id: `e2e-fund-${Date.now()}`, direction: 'fund', amount: '100000.00' },
    });
    assert.equal(funded.status, 200, JSON.stringify(funded.body));
    return { operatorCookie, payee, payer, payeeToken, payerToken };
  })();
  return world;
}

/** The payer bank sends an instant payment to an account at the payee bank; answers its pacs.002 status. */
async function pay(w: IpsWorld, amount: string, account: string): Promise<string> {
  const msg = pacs008(w.payer.bic, w.payee.bic, amount);
  const tx = msg.cdtTrfTxInf[0]! as Record<string, unknown>;
  tx.cdtrAcct = { id: { iban: account } };
  const r = await apiCall(env, 'POST', `${IPS_API}/pacs.008`, { token: w.payerToken, body: msg });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.txInfAndSts[0].txSts as string;
}

/** The payer bank pays `amount` to an account at the payee bank; the payee accepts; answers the payment id. */
async function paySettled(w: IpsWorld, amount: string, account: string): Promise<string> {
  const msg = pacs008(w.payer.bic, w.payee.bic, amount);
  const tx = msg.cdtTrfTxInf[0]! as Record<string, unknown>;
  tx.cdtrAcct = { id: { iban: account } };
  const r = await apiCall(env, 'POST', `${IPS_API}/pacs.008`, { token: w.payerToken, body: msg });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.txInfAndSts[0].txSts, 'ACSC', JSON.stringify(r.body));
  return `${w.payer.bic}:${msg.cdtTrfTxInf[0]!.pmtId.txId}`;
}

/** The demo login of a bank (every demo participant has one). */
function loginOf(bank: Bank): DemoLogin {
  const found = env.demo.users.find((u) => u.participantName === bank.name);
  assert.ok(found, `a demo login of ${bank.name}`);
  return found;
}

/** "80 %" or "75.5 %": the monitor's rendering of a success rate. */
const rateText = (settled: number, decided: number): string => {
  const pct = Math.round((settled / decided) * 1000) / 10;
  return `${pct === 100 || pct === 0 ? pct.toFixed(0) : pct.toFixed(1)} %`;
};

/** Waits until an <img> has loaded a real image. */
async function expectImageLoaded(page: Page, img: Locator): Promise<void> {
  await img.waitFor();
  const handle = await img.elementHandle();
  await page.waitForFunction((el) => {
    const i = el as HTMLImageElement;
    return i.complete && i.naturalWidth > 0;
  }, handle);
}

describe('IPS in the portal', () => {
  browserTest(env, 'a bank registers a merchant, issues a dynamic QR, and sees it paid instantly', async (page) => {
    await env.start();
    const payeeUser = env.user('bank');
    const { payee, payer, payerToken } = await ipsWorld();
    const deliveredBefore = delivered;

    // a user of the payee bank registers a merchant; the server's field error shows next to its field
    await login(page, payeeUser);
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Merchants' }).click();
    await page.getByRole('heading', { name: 'Merchants', level: 1 }).waitFor();
    await expectText(page.getByTestId('merchants-count'), /^0 merchants$/);
    await page.getByRole('button', { name: 'Register merchant' }).click();
    const merchantId = `E2E-${Date.now().toString(36).toUpperCase()}`;
    await page.getByLabel('Merchant ID', { exact: true }).fill(merchantId);
    await page.getByLabel('Name', { exact: true }).fill('Steppe Coffee');
    await page.getByLabel('City', { exact: true }).fill('Almaty');
    await page.getByLabel('MCC', { exact: true }).fill('5814');
    const good = kzIban('1250000000012345');
    const bad = `${good.slice(0, 2)}${good[2] === '9' ? '1' : '9'}${good.slice(3)}`;
    await page.getByLabel('Settlement account', { exact: true }).fill(bad);
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await expectText(fieldError(page, 'Settlement account'), /IBAN/);
    await page.getByLabel('Settlement account', { exact: true }).fill(good);
    await page.getByRole('button', { name: 'Register', exact: true }).click();

    // its page: the static QR, then a dynamic QR for 1 500.00
    const detail = page.getByTestId('merchant-detail');
    await expectText(detail.getByRole('heading', { level: 2 }), 'Steppe Coffee');
    await expectText(detail, merchantId);
    await expectImageLoaded(page, page.getByTestId('static-qr-image'));
    await expectText(page.getByTestId('static-qr-payload'), /^000201/);
    await page.getByLabel('Amount (KZT)').fill('1500.00');
    await page.getByRole('button', { name: 'Generate QR' }).click();
    await expectImageLoaded(page, page.getByTestId('dynamic-qr-image'));
    await expectText(page.getByTestId('dynamic-qr-amount'), /^1 500\.00 KZT$/);
    const payload = (await page.getByTestId('dynamic-qr-payload').textContent())?.trim() ?? '';
    assert.match(payload, /^000201/, 'an EMV QR payload');

    // the payer bank scans and pays it: settled at once, the payee bank's endpoint accepted it
    const txId = `QR${Date.now().toString(36).toUpperCase()}`;
    const paid = await apiCall(env, 'POST', `${IPS_API}/qr-payments`, {
      token: payerToken,
      body: { txId, endToEndId: `E2E-${txId}`, qr: payload },
    });
    assert.equal(paid.status, 200, JSON.stringify(paid.body));
    assert.equal(paid.body.txInfAndSts[0].txSts, 'ACSC', JSON.stringify(paid.body));
    assert.equal(delivered, deliveredBefore + 1, 'delivered to the payee bank once');
    const paymentId = `${payer.bic}:${txId}`;

    // the payee bank's user sees it among its instant payments, received and settled
    await nav.getByRole('link', { name: 'IPS' }).click();
    await page.getByRole('heading', { name: 'IPS · Instant payments', level: 1 }).waitFor();
    await page.getByTestId('ips-position').waitFor();
    const row = page.getByTestId('payments').locator(`tbody tr[data-payment-id="${paymentId}"]`);
    await expectText(row.locator('[data-status]'), 'Settled');
    await expectText(row.getByTestId('amount'), /^1 500\.00 KZT$/);
    await expectText(row, 'Received');
    await expectText(row, payer.bic);
    await expectText(row, payee.bic);

    // and in detail
    await row.getByRole('link').click();
    const shown = page.getByTestId('payment-detail');
    await expectText(shown.getByRole('heading', { level: 2 }), paymentId);
    await expectText(page.getByTestId('payment-amount'), /^1 500\.00 KZT$/);
    await expectText(shown, good);
    await page.getByRole('link', { name: '← All payments' }).click();
    await row.waitFor();
  });
  browserTest(env, 'the operator watches the IPS monitor: count, success rate, reasons, live refresh', async (page) => {
    await env.start();
    const w = await ipsWorld();
    // a few payments: three settle, one is refused by the payee bank (AC04)
    for (const [i, amount] of ['120.00', '75.50', '10.00'].entries()) {
      assert.equal(await pay(w, amount, kzIban(`125000000100000${i}`)), 'ACSC');
    }
    assert.equal(await pay(w, '5.00', CLOSED_ACCOUNT), 'RJCT');
    const stats = await apiCall(env, 'GET', `${IPS_API}/stats?minutes=15`, { cookie: w.operatorCookie });
    assert.equal(stats.status, 200, JSON.stringify(stats.body));
    const { total, settled, rejected } = stats.body as { total: number; settled: number; rejected: number };

    await login(page, env.user('operator'));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'IPS' }).click();
    await page.getByRole('navigation', { name: 'IPS' }).getByRole('link', { name: 'Monitor' }).click();
    await page.getByRole('heading', { name: 'IPS · Monitor', level: 1 }).waitFor();
    await expectText(page.getByTestId('monitor-total'), new RegExp(`^${total}$`));
    await expectText(page.getByTestId('monitor-settled'), new RegExp(`^${settled}$`));
    await expectText(page.getByTestId('monitor-rejected'), new RegExp(`^${rejected}$`));
    await expectText(page.getByTestId('monitor-success-rate'), rateText(settled, settled + rejected));
    await expectText(page.getByTestId('rejection-reasons').locator('tr[data-reason="AC04"]'), /^AC04/);
    await expectText(page.getByTestId('percentile-p50'), /\d+ (ms|s)$/);
    await expectText(page.getByTestId('ips-positions').locator(`tr[data-bic="${w.payer.bic}"]`), w.payer.bic);
    await page.getByTestId('flow-chart').locator('canvas').waitFor();
    // the per-minute series comes from the API at once: the busiest minute of the window is named
    await expectText(page.getByTestId('flow-peak'), /^Busiest minute: \d\d:\d\d UTC, \d+ payments?\.$/);

    // live: one more payment shows up without a reload
    assert.equal(await pay(w, '1.00', kzIban('1250000001000009')), 'ACSC');
    await expectText(page.getByTestId('monitor-total'), new RegExp(`^${total + 1}$`), 20_000);
    await expectText(page.getByTestId('monitor-success-rate'), rateText(settled + 1, settled + 1 + rejected));

    // another window asks the API again
    await page.getByLabel('Window').selectOption({ label: 'Last 24 hours' });
    const day = page.getByRole('list', { name: 'IPS, last 24 hours' });
    await expectText(day.getByTestId('monitor-total'), new RegExp(`^${total + 1}$`));
  });

  browserTest(env, 'the operator searches a phone alias and sees its bank; bad and unknown phones', async (page) => {
    await env.start();
    const w = await ipsWorld();
    // a customer of the payee bank has registered a phone (no demo aliases are seeded)
    const number = phone(5_557_788);
    const account = kzIban('1250000002000001');
    const reg = await apiCall(env, 'POST', `${IPS_API}/aliases`, {
      token: w.payeeToken,
      body: { phone: number, accountId: account, holderName: 'Aigerim Seitkali', holderIin: iin(42) },
    });
    assert.equal(reg.status, 201, JSON.stringify(reg.body));

    await login(page, env.user('operator'));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'IPS' }).click();
    await page.getByRole('navigation', { name: 'IPS' }).getByRole('link', { name: 'Alias search' }).click();
    await page.getByRole('heading', { name: 'IPS · Alias search', level: 1 }).waitFor();

    // the API's field error shows by the field
    await page.getByLabel('Phone', { exact: true }).fill('12345');
    await page.getByRole('button', { name: 'Search' }).click();
    await expectText(fieldError(page, 'Phone'), /phone number/);

    // local format: found, with its bank
    await page
      .getByLabel('Phone', { exact: true })
      .fill(`8 ${number.slice(2, 5)} ${number.slice(5, 8)} ${number.slice(8)}`);
    await page.getByRole('button', { name: 'Search' }).click();
    const detail = page.getByTestId('alias-detail');
    await expectText(detail.getByRole('heading', { level: 2 }), number);
    await expectText(page.getByTestId('alias-bank'), w.payee.bic);
    await expectText(page.getByTestId('alias-bank'), w.payee.name);
    await expectText(page.getByTestId('alias-account'), account);
    await expectText(page.getByTestId('alias-holder'), 'Aigerim Seitkali');
    await expectText(page.getByTestId('claims-count'), 'none');

    // a phone nobody registered: no such alias, not an error
    await page.getByLabel('Phone', { exact: true }).fill(phone(5_550_001));
    await page.getByRole('button', { name: 'Search' }).click();
    await expectText(page.getByTestId('alias-not-found'), 'No such alias');
    assert.equal(await page.getByRole('alert').count(), 0, 'no error shown');
  });

  browserTest(env, 'the operator publishes a tariff and it is listed in force', async (page) => {
    await env.start();
    const w = await ipsWorld();
    await login(page, env.user('operator'));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'IPS' }).click();
    await page.getByRole('navigation', { name: 'IPS' }).getByRole('link', { name: 'Tariffs' }).click();
    await page.getByRole('heading', { name: 'IPS · Tariffs', level: 1 }).waitFor();
    await page.getByTestId('tariffs-count').waitFor();

    await page.getByRole('button', { name: 'Publish tariff' }).click();
    const form = page.getByRole('form', { name: 'Publish tariff' });
    await form.getByLabel('Payment type').selectOption('c2c');
    await form.getByLabel('Applies to').selectOption(w.payee.bic);
    await form.getByLabel('Fixed (KZT)').fill('1.37');
    await form.getByLabel('Percentage (basis points)').fill('15');
    await form.getByLabel('Minimum (KZT)').fill('5.00');
    await form.getByLabel('Maximum (KZT)').fill('1.00');
    await form.getByRole('button', { name: 'Publish', exact: true }).click();
    // the API refuses a cap below the floor: its message shows by the field
    await expectText(fieldError(page, 'Maximum (KZT)'), /below min/);
    await form.getByLabel('Maximum (KZT)').fill('250.00');
    await form.getByRole('button', { name: 'Publish', exact: true }).click();
    await expectText(page.getByRole('status').filter({ hasText: 'published' }), w.payee.bic);

    const row = page.getByTestId('tariffs').locator(`tr[data-bic="${w.payee.bic}"][data-payment-type="c2c"]`).first();
    await expectText(row.getByTestId('tariff-fixed'), /^1\.37$/);
    await expectText(row.getByTestId('tariff-percentage'), /^0\.15 %$/);
    await expectText(row, '250.00');
    await expectText(row.locator('[data-status]'), 'In force');
  });

  browserTest(
    env,
    'a bank has no IPS monitor or alias search; it reads tariffs and its fee statement',
    async (page) => {
      await env.start();
      const bank = env.user('bank');
      const w = await ipsWorld();
      await login(page, bank);
      const nav = page.getByRole('navigation', { name: 'Main' });
      await nav.getByRole('link', { name: 'IPS' }).click();
      await page.getByRole('heading', { name: 'IPS · Instant payments', level: 1 }).waitFor();
      const tabs = page.getByRole('navigation', { name: 'IPS' });
      await tabs.getByRole('link', { name: 'Tariffs' }).waitFor();
      assert.deepEqual(await tabs.getByRole('link').allInnerTexts(), ['Payments', 'Disputes', 'Tariffs']);
      const everywhere = await page.getByRole('link').allInnerTexts();
      assert.ok(!everywhere.some((l) => /monitor|alias/i.test(l)), `no IPS oversight link: ${everywhere.join(', ')}`);

      // typed in, the oversight screens fall back to the dashboard
      await page.goto('/#/ips/monitor');
      await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
      await page.goto('/#/ips/aliases');
      await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();

      // tariffs: readable, not publishable; its own fee statement
      await page.goto('/#/ips/tariffs');
      await page.getByRole('heading', { name: 'IPS · Tariffs', level: 1 }).waitFor();
      await page.getByTestId('tariffs-count').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Publish tariff' }).count(), 0);
      await expectText(page.getByTestId('fee-statement-lines'), w.payee.bic);
    },
  );

  browserTest(
    env,
    'a bank disputes a settled payment; the payee rejects, the payer escalates, the operator decides for the claimant',
    async (page) => {
      await env.start();
      const w = await ipsWorld();
      const paymentId = await paySettled(w, '250.00', kzIban('1250000003000001'));

      // the payer bank's user opens a case from the payment's detail
      await login(page, loginOf(w.payer));
      await page.goto(`/#/ips/payments/${encodeURIComponent(paymentId)}`);
      const payment = page.getByTestId('payment-detail');
      await expectText(payment.getByRole('heading', { level: 2 }), paymentId);
      await payment.getByRole('link', { name: 'Open a dispute' }).click();
      const form = page.getByRole('form', { name: 'Open a dispute' });
      await expectText(form.getByTestId('dispute-payment-summary'), '250.00 KZT');
      assert.equal(await form.getByLabel('Payment ID').inputValue(), paymentId);
      const caseId = `E2E-${Date.now().toString(36).toUpperCase()}`;
      await form.getByLabel('Case ID').fill(caseId);
      await form.getByLabel('Reason').selectOption('FRAD');
      await form.getByLabel('Description').fill('The customer was talked into paying a fake seller.');
      // more than was paid: the API's field error shows by the amount
      await form.getByLabel('Amount (KZT)').fill('300.00');
      await form.getByRole('button', { name: 'Open dispute' }).click();
      await expectText(fieldError(page, 'Amount (KZT)'), /At most 250\.00 KZT/);
      await form.getByLabel('Amount (KZT)').fill('200.00');
      await form.getByRole('button', { name: 'Open dispute' }).click();

      const disputeId = `${w.payer.bic}:${caseId}`;
      const detail = page.getByTestId('dispute-detail');
      await expectText(detail.getByRole('heading', { level: 2 }), disputeId);
      await expectText(detail.locator('.profile-head [data-status]'), 'Open');
      await expectText(page.getByTestId('dispute-amount'), /^200\.00 KZT$/);
      await expectText(page.getByTestId('dispute-reason'), /^FRAD · fraud/);
      await expectText(page.getByTestId('dispute-respondent'), w.payee.bic);
      await expectText(page.getByTestId('dispute-deadline'), / UTC$/);
      const actions = page.getByTestId('dispute-actions');
      assert.deepEqual(await actions.getByRole('button').allInnerTexts(), ['Withdraw'], 'the claimant waits');

      // the payee's bank rejects it with grounds (over the API)
      const grounds = 'The customer confirmed the purchase by phone.';
      const answer = await apiCall(env, 'POST', `${IPS_API}/disputes/${encodeURIComponent(disputeId)}/answer`, {
        token: w.payeeToken,
        body: { accept: false, grounds },
      });
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.status, 'rejected');

      // the payer sees the rejection and its grounds, and escalates with grounds of its own
      await detail.getByRole('button', { name: 'Refresh' }).click();
      await expectText(detail.locator('.profile-head [data-status]'), 'Rejected');
      const history = page.getByTestId('dispute-history');
      await expectText(history.locator('li[data-action="reject"]'), grounds);
      await expectText(history.locator('li[data-action="reject"]'), w.payee.bic);
      await actions.getByRole('button', { name: 'Escalate to the operator', exact: true }).click();
      await actions.getByRole('button', { name: 'Escalate', exact: true }).click();
      await expectText(fieldError(page, 'Grounds'), /grounds/);
      await actions.getByLabel('Grounds').fill('The seller’s site was taken down by the police the next day.');
      await actions.getByRole('button', { name: 'Escalate', exact: true }).click();
      await expectText(detail.locator('.profile-head [data-status]'), 'Escalated');
      await expectText(history.locator('li[data-action="escalate"]'), 'taken down');

      // the operator finds the case among all, and decides for the claimant with grounds
      await page.getByRole('button', { name: 'Log out' }).click();
      await login(page, env.user('operator'));
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'IPS' }).click();
      await page.getByRole('navigation', { name: 'IPS' }).getByRole('link', { name: 'Disputes' }).click();
      await page.getByRole('heading', { name: 'IPS · Disputes', level: 1 }).waitFor();
      const row = page.getByTestId('disputes').locator(`tr[data-dispute-id="${disputeId}"]`);
      await expectText(row.locator('[data-status]'), 'Escalated');
      await expectText(row.getByTestId('amount'), /^200\.00 KZT$/);
      await row.getByRole('link', { name: disputeId }).click();
      await expectText(detail.getByRole('heading', { level: 2 }), disputeId);
      assert.deepEqual(await actions.getByRole('button').allInnerTexts(), [
        'Decide for claimant',
        'Decide for respondent',
      ]);
      await actions.getByRole('button', { name: 'Decide for claimant', exact: true }).click();
      await actions.getByLabel('Grounds').fill('The payee’s bank onboarded a fraudulent merchant.');
      await actions.getByRole('button', { name: 'Decide for the claimant', exact: true }).click();
      await expectText(detail.locator('.profile-head [data-status]'), 'Decided for claimant');
      await expectText(page.getByTestId('dispute-return'), new RegExp(`^${w.payee.bic}:DSP-`));
      assert.equal(await actions.count(), 0, 'a final case has no steps');
      assert.deepEqual(await history.locator('li').evaluateAll((li) => li.map((l) => l.getAttribute('data-action'))), [
        'open',
        'reject',
        'escalate',
        'decide_claimant',
      ]);
    },
  );

  browserTest(
    env,
    'the operator sets a net debit cap and sees it used; a cap below today’s use is refused; the bank sees its cap',
    async (page) => {
      await env.start();
      const w = await ipsWorld();
      await login(page, env.user('operator'));
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'IPS' }).click();
      await page.getByRole('navigation', { name: 'IPS' }).getByRole('link', { name: 'Monitor' }).click();
      const panel = page.getByTestId('caps-panel');
      await panel.getByRole('button', { name: 'Set cap', exact: true }).click();
      const form = page.getByRole('form', { name: 'Set net debit cap' });
      await form.getByLabel('Bank', { exact: true }).selectOption(w.payer.bic);
      await form.getByLabel('Cap per IPS day (KZT)').fill('50000.00');
      await form.getByLabel('Grounds').fill('Quarterly risk review');
      await form.getByRole('button', { name: 'Set cap', exact: true }).click();
      await expectText(panel.getByRole('status'), `The net debit cap of ${w.payer.bic} is 50 000.00 KZT`);
      const row = page.getByTestId('ips-caps').locator(`tr[data-bic="${w.payer.bic}"]`);
      await expectText(row.getByTestId('cap-cap'), /^50 000\.00$/);
      await expectText(row.getByTestId('cap-used'), /^0\.00$/);

      // the payer bank pays under its cap: the monitor shows the use at its next refresh
      await paySettled(w, '300.00', kzIban('1250000004000001'));
      await expectText(row.getByTestId('cap-used'), /^300\.00$/, 20_000);
      await expectText(row.getByTestId('cap-left'), /^49 700\.00$/);

      // a cap below what the bank has used today is refused, by the cap field
      await row.getByRole('button', { name: 'Change' }).click();
      await form.getByLabel('Cap per IPS day (KZT)').fill('100.00');
      await form.getByLabel('Grounds').fill('Tighter limit');
      await form.getByRole('button', { name: 'Set cap', exact: true }).click();
      await expectText(fieldError(page, 'Cap per IPS day (KZT)'), /at least 300\.00/);
      await form.getByRole('button', { name: 'Cancel' }).click();
      await expectText(row.getByTestId('cap-cap'), /^50 000\.00$/);

      // the bank sees its own cap and its use on its IPS payments page
      const bankContext = await env.browser.newContext({ baseURL: env.url });
      try {
        const bankPage = await bankContext.newPage();
        await login(bankPage, loginOf(w.payer));
        await bankPage.goto('/#/ips/payments');
        await expectText(bankPage.getByTestId('my-cap-cap'), /^50 000\.00 KZT$/);
        await expectText(bankPage.getByTestId('my-cap-used'), /^300\.00 KZT$/);
        await expectText(bankPage.getByTestId('my-cap-left'), /^49 700\.00 KZT$/);
      } finally {
        await bankContext.close();
      }

      // removed: listed without a cap
      await row.getByRole('button', { name: 'Remove' }).click();
      await form.getByLabel('Grounds').fill('Review closed');
      await form.getByRole('button', { name: 'Remove cap', exact: true }).click();
      await expectText(panel.getByRole('status'), `The net debit cap of ${w.payer.bic} is removed`);
      await expectText(row.getByTestId('cap-cap'), /^no cap$/);
    },
  );
});
