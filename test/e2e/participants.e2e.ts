import assert from 'node:assert/strict';
import { describe } from 'node:test';
import {
  browserTest,
  expectText,
  fieldError,
  invalidBin,
  login,
  setupE2e,
  submitLogin,
  validBin,
  wrongCode,
} from './harness.ts';

const env = setupE2e();

const PARTICIPANTS_API = '/api/participants/v1/participants';

describe('participants in the portal', () => {
  browserTest(env, 'the operator registers a bank and suspends it', async (page) => {
    const operator = env.user('operator');
    await login(page, operator);

    // header: who is signed in, for which organization
    await expectText(page.getByTestId('current-organization'), operator.participantName);

    // dashboard: health and ledger totals, amounts formatted from minor units
    await expectText(page.getByTestId('health-status'), /OK|Degraded/);
    await expectText(page.getByTestId('health-engine'), /SQLite|PostgreSQL/);
    const kzt = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'KZT', exact: true }) });
    const credits = await expectText(kzt.locator('td').nth(2), / KZT$/);
    assert.match(credits, /^\d{1,3}( \d{3})*\.\d{2} KZT$/, `credits posted shown as ${credits}`);

    // oversight navigation
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.equal(await nav.getByRole('link', { name: 'My organization' }).count(), 0);
    await nav.getByRole('link', { name: 'Participants' }).click();
    await page.getByRole('heading', { name: 'Participants', level: 1 }).waitFor();
    const bank = env.user('bank');
    await page.getByRole('rowheader', { name: bank.participantName, exact: true }).waitFor();

    // register: a wrong check digit is refused by the server and shown next to the field
    const taxId = validBin('24014000777');
    await page.getByRole('button', { name: 'Register participant' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Test Bank e2e');
    await page.getByLabel('Type', { exact: true }).selectOption('bank');
    await page.getByLabel('BIC', { exact: true }).fill('TSTBKZKA');
    await page.getByLabel('Tax ID (BIN)', { exact: true }).fill(invalidBin(taxId));
    await page.getByLabel('BIN ranges', { exact: true }).fill('440900-440999');
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await expectText(fieldError(page, 'Tax ID (BIN)'), /check digit|BIN/i);
    assert.equal(await page.getByLabel('Tax ID (BIN)', { exact: true }).getAttribute('aria-invalid'), 'true');

    // …and a valid one registers the bank, listed as active
    await page.getByLabel('Tax ID (BIN)', { exact: true }).fill(taxId);
    await page.getByRole('button', { name: 'Register', exact: true }).click();
    await expectText(page.getByRole('status').filter({ hasText: 'registered' }), 'Test Bank e2e registered');
    const row = page
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'Test Bank e2e', exact: true }) });
    await expectText(row, 'TSTBKZKA');
    await expectText(row.locator('.badge'), 'Active');

    // suspend with a reason given in the inline form
    await row.getByRole('button', { name: 'Suspend', exact: true }).click();
    await page.getByLabel('Reason', { exact: true }).fill('AML review opened by the e2e test');
    await page.getByRole('button', { name: 'Confirm suspension' }).click();
    await expectText(row.locator('.badge'), 'Suspended');
    assert.equal(await page.getByLabel('Reason', { exact: true }).count(), 0, 'the reason form closes');

    // the change is the server's, not only the page's
    const res = await page.request.get(PARTICIPANTS_API);
    assert.equal(res.status(), 200);
    const { items } = (await res.json()) as { items: { name: string; status: string; bic: string | null }[] };
    const created = items.find((p) => p.name === 'Test Bank e2e');
    assert.equal(created?.status, 'suspended');
    assert.equal(created?.bic, 'TSTBKZKA');

    await page.reload();
    await expectText(row.locator('.badge'), 'Suspended');
  });

  browserTest(env, 'a bank sees its own organization and not the participant registry', async (page) => {
    const bank = env.user('bank');
    await login(page, bank);
    await expectText(page.getByTestId('current-organization'), bank.participantName);

    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.equal(await nav.getByRole('link', { name: 'Participants' }).count(), 0, 'no Participants nav item');
    await nav.getByRole('link', { name: 'My organization' }).click();
    const profile = page.getByTestId('organization-profile');
    await expectText(profile.getByRole('heading', { level: 2 }), bank.participantName);
    await expectText(profile, 'Active');

    // the registry is closed to this session, whatever the navigation shows
    const res = await page.request.get(PARTICIPANTS_API);
    assert.equal(res.status(), 403);
    assert.match(res.headers()['content-type'] ?? '', /application\/problem\+json/);
    const fromPage = await page.evaluate(
      async (url) => (await fetch(url, { credentials: 'same-origin' })).status,
      PARTICIPANTS_API,
    );
    assert.equal(fromPage, 403);

    // a hand-typed URL does not open the registry either
    await page.goto('/#/participants');
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Participants', level: 1 }).count(), 0);
  });

  browserTest(env, 'a wrong one-time code is refused and the login form stays', async (page) => {
    const regulator = env.user('regulator');
    await page.goto('/');
    await submitLogin(page, regulator, wrongCode(regulator));
    const alert = page.getByRole('alert');
    const message = await expectText(alert, /\S/);
    assert.ok(message.length > 3, `an error message is shown (got ${JSON.stringify(message)})`);
    assert.equal(await page.getByRole('button', { name: 'Log out' }).count(), 0);
    await page.getByLabel('One-time code').waitFor();
    assert.equal(await page.getByLabel('Username').inputValue(), regulator.username);

    const me = await page.request.get('/api/auth/v1/me');
    assert.equal(me.status(), 401, 'no session was opened');
  });
});
