import assert from 'node:assert/strict';
import { describe } from 'node:test';
import type { Page } from 'playwright-core';
import { iban, iin, phone } from '../../src/ips/aliases/fixtures.test-helper.ts';
import { browserTest, type DemoLogin, expectText, fieldError, login, setupE2e } from './harness.ts';
import { apiCall, apiLogin, apiToken, pacs008 } from './platform-api.ts';

const env = setupE2e();

const AFC = '/api/afc/v1';
const IPS = '/api/ips/v1';

interface Bank {
  id: string;
  bic: string;
  name: string;
}

/**
 * Two demo banks: the reporter (the first bank's demo login) and the beneficiary's bank, where a customer has
 * registered `mulePhone` in the IPS alias directory (over the API, as the bank's own systems would).
 */
interface AfcWorld {
  reporter: Bank;
  beneficiaryBank: Bank;
  reporterToken: string;
  mulePhone: string;
}

let world: Promise<AfcWorld> | undefined;

function afcWorld(): Promise<AfcWorld> {
  world ??= (async () => {
    const operatorCookie = await apiLogin(env, env.user('operator'));
    const banks = await apiCall(env, 'GET', '/api/participants/v1/participants?type=bank', { cookie: operatorCookie });
    assert.equal(banks.status, 200, JSON.stringify(banks.body));
    const all = banks.body.items as Bank[];
    const reporter = all.find((b) => b.name === env.user('bank').participantName)!;
    const beneficiaryBank = all.find((b) => b.id !== reporter.id)!;
    assert.ok(reporter && beneficiaryBank, 'two demo banks');
    const [reporterToken, beneficiaryToken] = await Promise.all([
      apiToken(env, operatorCookie, reporter.id),
      apiToken(env, operatorCookie, beneficiaryBank.id),
    ]);
    const mulePhone = phone(5_550_101);
    const alias = await apiCall(env, 'POST', `${IPS}/aliases`, {
      token: beneficiaryToken,
      body: { phone: mulePhone, accountId: iban(101), holderName: 'Serik Abenov', holderIin: iin(101) },
    });
    assert.equal(alias.status, 201, JSON.stringify(alias.body));
    return { reporter, beneficiaryBank, reporterToken, mulePhone };
  })();
  return world;
}

/** The demo login of a participant by its name (every demo participant has one). */
function loginOf(p: { name: string }): DemoLogin {
  const found = env.demo.users.find((u) => u.participantName === p.name);
  assert.ok(found, `a demo login of ${p.name}`);
  return found;
}

/** Signs the page's user out and another in. */
async function switchUser(page: Page, user: DemoLogin): Promise<void> {
  await page.getByRole('button', { name: 'Log out' }).click();
  await login(page, user);
}

/** Opens one of the Anti-fraud screens from the main navigation and its tabs. */
async function openAfc(page: Page, tab: string, heading: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Anti-fraud' }).click();
  await page.getByRole('navigation', { name: 'Anti-fraud' }).getByRole('link', { name: tab, exact: true }).click();
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

/** A minute in UTC as a datetime-local input takes it. */
const minuteAgo = (minutes: number): string => new Date(Date.now() - minutes * 60_000).toISOString().slice(0, 16);

describe('Anti-Fraud Center in the portal', () => {
  browserTest(
    env,
    'a bank files an incident; the beneficiary’s bank is notified; law enforcement decides fraud; IPS then refuses the phone (FRAD)',
    async (page) => {
      await env.start();
      const w = await afcWorld();

      // the reporting bank files an instant-transfer card, driven by the metadata matrix
      await login(page, env.user('bank'));
      await openAfc(page, 'File incident', 'Anti-fraud · File incident');
      const form = page.getByRole('form', { name: 'File incident' });
      await form.getByLabel('Transaction type').selectOption({ label: 'Instant transfer (IPS)' });
      const fields = page.getByTestId('incident-fields');
      await expectText(fields.getByTestId('at-least-one'), "Beneficiary's phone, Beneficiary's account (IBAN)");
      const reference = `E2E-${Date.now().toString(36).toUpperCase()}`;
      await form.getByLabel('Your reference').fill(reference);
      await form.getByLabel('When the transfer or attempt happened').fill(minuteAgo(20));
      await form.getByLabel('Prevented or completed transfer').selectOption('completed');
      await form.getByLabel('Fraud type').selectOption({ label: 'Social engineering' });
      await form
        .getByLabel('What happened')
        .fill('A caller posing as the bank’s security service talked the victim into a transfer.');
      await form.getByLabel('Amount, KZT').fill('180000.00');
      await form.getByLabel('Payment reference').fill(`${w.reporter.bic}:ITX-VICTIM-1`);
      await form.getByLabel("Victim's region").selectOption('ALA');
      // a phone the API cannot read: its message shows by the field (problem+json /details/beneficiaryPhone)
      await form.getByLabel("Beneficiary's phone").fill('12345');
      await form.getByRole('button', { name: 'File incident' }).click();
      await expectText(fieldError(page, "Beneficiary's phone"), /phone/i);
      await form
        .getByLabel("Beneficiary's phone")
        .fill(`8 ${w.mulePhone.slice(2, 5)} ${w.mulePhone.slice(5, 8)} ${w.mulePhone.slice(8)}`);
      await form.getByRole('button', { name: 'File incident' }).click();

      // the card: open, the beneficiary's bank found through the alias directory
      const card = page.getByTestId('incident-card');
      await expectText(card.locator('.profile-head [data-status]'), 'Open');
      const incidentId = ((await card.getByRole('heading', { level: 2 }).textContent()) ?? '').trim();
      assert.match(incidentId, /^inc/);
      await expectText(
        page.getByRole('status').filter({ hasText: 'Incident filed' }),
        '1 related participant was notified',
      );
      await expectText(page.getByTestId('incident-amount'), /^180 000\.00 KZT$/);
      await expectText(page.getByTestId('detail-beneficiaryPhone'), w.mulePhone);
      const party = page.getByTestId('incident-parties').locator(`tr[data-participant-id="${w.beneficiaryBank.id}"]`);
      await expectText(party, 'Beneficiary’s bank');
      await expectText(party, 'alias directory');
      await expectText(page.getByTestId('incident-viewer-roles'), 'Reporter');
      await page.getByTestId('incident-priority').getByTestId('priority-reasons').locator('li').first().waitFor();
      const actions = page.getByTestId('incident-actions');
      assert.deepEqual(await actions.getByRole('button').allInnerTexts(), ['Supplement', 'Withdraw']);

      // evidence, uploaded as base64 JSON and downloadable
      await page.getByLabel('File', { exact: true }).setInputFiles({
        name: 'chat.txt',
        mimeType: 'text/plain',
        buffer: Buffer.from('the caller said: move your savings to a safe account'),
      });
      await page.getByRole('button', { name: 'Upload' }).click();
      const download = page.getByTestId('incident-attachments').getByRole('link', { name: 'chat.txt' });
      await download.waitFor();
      const file = await page.request.get((await download.getAttribute('href')) ?? '');
      assert.equal(file.status(), 200);
      assert.equal(await file.text(), 'the caller said: move your savings to a safe account');

      // the beneficiary's bank: an unread notification in the navigation and the inbox, then the card
      await switchUser(page, loginOf(w.beneficiaryBank));
      await expectText(page.getByTestId('nav-afc-unread'), /^\d+/);
      await openAfc(page, 'Inbox', 'Anti-fraud · Inbox');
      const note = page.getByTestId('notifications').locator(`tr[data-incident-id="${incidentId}"][data-kind="filed"]`);
      await expectText(note.getByTestId('notification-kind'), 'Filed');
      assert.equal(await note.getAttribute('data-read'), 'false');
      const unreadBefore = Number((await expectText(page.getByTestId('inbox-unread'), /unread/)).split(' ')[0]);
      await note.getByRole('button', { name: 'Mark read' }).click();
      await expectText(note.locator('td').last(), 'Read');
      await expectText(
        page.getByTestId('inbox-unread'),
        unreadBefore > 1 ? `${unreadBefore - 1} unread` : 'Nothing unread',
      );
      await note.getByRole('link', { name: incidentId }).click();
      await expectText(card.getByRole('heading', { level: 2 }), incidentId);
      await expectText(page.getByTestId('incident-viewer-roles'), 'Related participant');
      await expectText(party, 'You');
      assert.deepEqual(await actions.getByRole('button').allInnerTexts(), ['Supplement']);
      // it supplements the card with what it knows of its customer
      await actions.getByRole('button', { name: 'Supplement' }).click();
      await actions
        .getByLabel('Note')
        .fill('Account opened 2 days ago; 11 incoming transfers from different banks since.');
      await actions.getByRole('button', { name: 'Supplement card' }).click();
      const history = page.getByTestId('incident-history');
      await expectText(history.locator('li[data-action="supplement"]'), '11 incoming transfers');

      // law enforcement: the card in its priority queue with score and reasons, then its decision
      await switchUser(page, env.user('law_enforcement'));
      await openAfc(page, 'Incidents', 'Anti-fraud · Incidents');
      await page.getByLabel('Order').selectOption({ label: 'Priority queue' });
      const row = page.getByTestId('incidents').locator(`tr[data-incident-id="${incidentId}"]`);
      await expectText(row.getByTestId('priority-score'), /^\d/);
      await expectText(row.getByTestId('priority-reasons'), 'the transfer was completed');
      await row.getByRole('link', { name: incidentId }).click();
      await expectText(card.getByRole('heading', { level: 2 }), incidentId);
      assert.deepEqual(await actions.getByRole('button').allInnerTexts(), [
        'Take into investigation',
        'Decide',
        'Supplement',
      ]);
      await actions.getByRole('button', { name: 'Decide' }).click();
      const decision = page.getByRole('form', { name: 'Decision' });
      await decision.getByLabel('Fraud', { exact: true }).check();
      await decision.getByRole('button', { name: 'Record decision' }).click();
      await expectText(fieldError(page, 'Grounds'), /grounds/);
      const grounds = 'Criminal case 261100042: mule account of an organised group.';
      await decision.getByLabel('Grounds').fill(grounds);
      await decision.getByRole('button', { name: 'Record decision' }).click();
      await expectText(card.locator('.profile-head [data-status]'), 'Fraud');
      await expectText(page.getByTestId('incident-grounds'), grounds);
      await expectText(history.locator('li[data-action="decide_fraud"]'), grounds);
      assert.equal(await actions.count(), 0, 'a decided card has no steps');
      assert.deepEqual(await history.locator('li').evaluateAll((li) => li.map((l) => l.getAttribute('data-action'))), [
        'filed',
        'attach',
        'supplement',
        'decide_fraud',
      ]);

      // the phone is now a confirmed fraudster on the lists
      await openAfc(page, 'List search', 'Anti-fraud · List search');
      await page.getByLabel('Identifier', { exact: true }).fill(w.mulePhone);
      await page.getByRole('button', { name: 'Search' }).click();
      await expectText(page.getByTestId('list-status'), 'Confirmed fraudster');
      await expectText(page.getByTestId('list-decision'), 'Block');
      await expectText(page.getByTestId('list-entries'), `incident:${incidentId}`);

      // a new instant payment to that phone is refused for fraud
      const m = pacs008(w.reporter.bic, w.beneficiaryBank.bic, '5000.00');
      (m.cdtTrfTxInf[0] as Record<string, unknown>).cdtrAcct = {
        id: { othr: { id: w.mulePhone } },
        prxy: { id: w.mulePhone },
      };
      const pay = await apiCall(env, 'POST', `${IPS}/pacs.008`, { token: w.reporterToken, body: m });
      assert.equal(pay.status, 200, JSON.stringify(pay.body));
      assert.deepEqual(
        [pay.body.txInfAndSts?.[0]?.txSts, pay.body.txInfAndSts?.[0]?.stsRsnInf?.[0]?.rsn?.cd],
        ['RJCT', 'FRAD'],
        JSON.stringify(pay.body),
      );
    },
  );

  browserTest(
    env,
    'the regulator reads the analytics: charts, bar tables, CSV; incidents as summaries',
    async (page) => {
      await env.start();
      const w = await afcWorld();
      // one card filed over the API (the test may run alone)
      const filed = await apiCall(env, 'POST', `${AFC}/incidents`, {
        token: w.reporterToken,
        body: {
          type: 'instant_transfer',
          reference: `E2E-STATS-${Date.now().toString(36)}`,
          details: {
            occurredAt: new Date(Date.now() - 3600_000).toISOString(),
            outcome: 'prevented',
            fraudType: 'investment_scam',
            description: 'a fake broker asked for a deposit',
            amount: '25000.00',
            paymentId: `${w.reporter.bic}:ITX-STATS`,
            beneficiaryPhone: phone(5_550_202),
            victimRegion: 'AST',
            victimIin: iin(7),
          },
        },
      });
      assert.equal(filed.status, 201, JSON.stringify(filed.body));

      await login(page, env.user('regulator'));
      await openAfc(page, 'Analytics', 'Anti-fraud · Analytics');
      const tabs = page.getByRole('navigation', { name: 'Anti-fraud' });
      assert.deepEqual(await tabs.getByRole('link').allInnerTexts(), [
        'Incidents',
        'List search',
        'Analytics',
        'Knowledge base',
      ]);
      await expectText(page.getByTestId('afc-stats-scope'), 'Every incident card');
      await expectText(page.getByTestId('afc-total-count'), /^[1-9]\d*$/);
      await page.getByTestId('afc-incidents-chart').locator('canvas').waitFor();
      await page.getByTestId('afc-growth-chart').locator('canvas').waitFor();
      const scam = page.getByTestId('afc-by-fraud-type').locator('tr[data-key="investment_scam"]');
      await expectText(scam, 'Investment scam');
      await expectText(scam.getByTestId('count'), /^[1-9]/);
      await expectText(page.getByTestId('afc-by-region').locator('tr[data-key="AST"]'), 'Astana');
      await page.getByTestId('afc-fraud-by-age').locator('tr[data-key="investment_scam"]').waitFor();

      // each table downloads as CSV
      const href = (await page.getByTestId('afc-by-fraud-type-csv').getAttribute('href')) ?? '';
      assert.match(href, /table=byFraudType/);
      const csv = await page.request.get(href);
      assert.equal(csv.status(), 200);
      assert.match(csv.headers()['content-type'] ?? '', /text\/csv/);
      assert.match(await csv.text(), /investment_scam/);

      // incidents: summaries without links to cards (the regulator reads no card)
      await tabs.getByRole('link', { name: 'Incidents' }).click();
      await page.getByRole('heading', { name: 'Anti-fraud · Incidents', level: 1 }).waitFor();
      const row = page.getByTestId('incidents').locator(`tr[data-incident-id="${filed.body.id}"]`);
      await expectText(row, 'Investment scam');
      assert.equal(await row.getByRole('link').count(), 0);
    },
  );

  browserTest(
    env,
    'a bank proposes a typology article; the operator publishes it; the bank finds and reads it',
    async (page) => {
      await env.start();
      const slug = `e2e-mule-${Date.now().toString(36)}`;
      await login(page, env.user('bank'));
      await openAfc(page, 'Knowledge base', 'Anti-fraud · Knowledge base');
      await page.getByRole('button', { name: 'Propose article' }).click();
      const form = page.getByRole('form', { name: 'Propose article' });
      // a slug the API refuses: its message shows by the field
      await form.getByLabel('Article ID').fill('Not A Slug');
      await form.getByLabel('Title').fill('Mule accounts recruited through job offers');
      await form.getByLabel('mule', { exact: true }).check();
      await form.getByLabel('Body').fill('Students are offered a “payments assistant” job and lend their accounts.');
      await form.getByLabel('Indicators').fill('New account, many incoming transfers\nMoney leaves within minutes');
      await form.getByLabel('Actions').fill('Hold outgoing transfers and call the customer');
      await form.getByRole('button', { name: 'Send proposal' }).click();
      await expectText(fieldError(page, 'Article ID'), /\S/);
      await form.getByLabel('Article ID').fill(slug);
      await form.getByRole('button', { name: 'Send proposal' }).click();
      await expectText(page.getByRole('status').filter({ hasText: 'Proposal' }), 'sent');
      const mine = page.getByTestId('kb-proposals').locator('tr[data-status="pending"]').filter({ hasText: slug });
      await expectText(mine, 'Pending');

      // the operator publishes it
      await switchUser(page, env.user('operator'));
      await openAfc(page, 'Knowledge base', 'Anti-fraud · Knowledge base');
      const pending = page.getByTestId('kb-proposals').locator('tr').filter({ hasText: slug });
      await pending.getByRole('button', { name: 'Publish' }).click();
      await expectText(pending.locator('[data-status]'), 'Published');

      // the bank finds it by its words and reads it
      await switchUser(page, env.user('bank'));
      await openAfc(page, 'Knowledge base', 'Anti-fraud · Knowledge base');
      await page.getByLabel('Search').fill('payments assistant');
      const found = page.getByTestId('kb-articles').locator(`tr[data-article-id="${slug}"]`);
      await found.getByRole('link', { name: 'Mule accounts recruited through job offers' }).click();
      const article = page.getByTestId('kb-article');
      await expectText(article.getByRole('heading', { level: 2 }), 'Mule accounts recruited through job offers');
      await expectText(page.getByTestId('kb-indicators'), 'Money leaves within minutes');
      await expectText(page.getByTestId('kb-versions'), 'v1');
    },
  );
});
