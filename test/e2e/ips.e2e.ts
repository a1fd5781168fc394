import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { browserTest, expectText, fieldError, login, setupE2e } from './harness.ts';
import { apiCall, apiLogin, apiToken } from './platform-api.ts';

const env = setupE2e();

const IPS_API = '/api/ips/v1';

/** `KZ??` + bban with the check digits that make it a valid IBAN (ISO 13616 mod 97). */
function kzIban(bban: string): string {
  const digits = [...`${bban}KZ00`].map((c) => (/\d/.test(c) ? c : String(c.charCodeAt(0) - 55))).join('');
  let rem = 0;
  for (const d of digits) rem = (rem * 10 + Number(d)) % 97;
  return `KZ${String(98 - rem).padStart(2, '0')}${bban}`;
}

/** The payee bank's IPS endpoint: accepts every payment delivered to it; counts them. */
let endpoint: Server | undefined;
let delivered = 0;
async function startEndpoint(): Promise<string> {
  endpoint = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      delivered++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ txSts: 'ACCP' }));
    });
  });
  await new Promise<void>((resolve) => endpoint!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/ips`;
}
after(async () => {
  await new Promise<void>((resolve) => (endpoint ? endpoint.close(() => resolve()) : resolve()));
});

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

    // the banks' systems, over the API: the payee bank's endpoint accepts, the payer bank funds its position
    const operatorCookie = await apiLogin(env, env.user('operator'));
    const banks = await apiCall(env, 'GET', '/api/participants/v1/participants?type=bank', { cookie: operatorCookie });
    assert.equal(banks.status, 200, JSON.stringify(banks.body));
    const all = banks.body.items as { id: string; bic: string; name: string }[];
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
    assert.equal(delivered, 1, 'delivered to the payee bank once');
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
});
