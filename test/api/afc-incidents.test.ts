/**
 * AFC incidents over the API, as scenario scripts: a bank, a mobile operator and law enforcement act on
 * cards; role isolation is probed with every role against every card; bad input names the field and changes
 * nothing; a decision of "fraud" blocks the next instant payment to the beneficiary.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { iban, iin } from '../../src/ips/aliases/fixtures.test-helper.ts';
import { engines } from '../../src/platform/testing.ts';
import { startTestPlatform, type TestPlatform } from '../harness.ts';
import { I, pacs008 } from './ips-kit.ts';

const A = '/api/afc/v1';
const MULE_PHONE = '+77015550101';
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('a screenshot of the chat'),
]);

interface Who {
  name: string;
  auth: { token: string } | { cookie: string };
  id: string;
}

for (const engine of engines()) {
  describe(`AFC incidents API on ${engine}`, () => {
    let t: TestPlatform;
    const who: Record<'bankA' | 'bankB' | 'bankC' | 'mno' | 'police' | 'regulator' | 'operator' | 'tpp', Who> =
      {} as never;
    let bicA = '';
    let bicB = '';

    const call = (w: Who, method: string, path: string, body?: unknown) =>
      t.call(method, path, { ...w.auth, ...(body !== undefined ? { body } : {}) });
    const transfer = (over: Record<string, unknown> = {}) => ({
      occurredAt: new Date(Date.now() - 20 * 60_000).toISOString(),
      outcome: 'completed',
      fraudType: 'social_engineering',
      description: 'a caller posing as the bank’s security service talked the victim into a transfer',
      amount: '180000.00',
      paymentId: `${bicA}:ITX-VICTIM-1`,
      beneficiaryPhone: MULE_PHONE,
      victimRegion: 'ALA',
      ...over,
    });
    const count = async () => (await call(who.police, 'GET', `${A}/incidents?limit=500`)).body.items.length as number;

    before(async () => {
      t = await startTestPlatform(engine);
      const operator = await t.login('operator');
      const of = async (type: string) =>
        (await t.call('GET', `/api/participants/v1/participants?type=${type}`, { cookie: operator })).body.items as {
          id: string;
          bic: string;
        }[];
      const banks = await of('bank');
      const one = async (name: string, p: { id: string }): Promise<Who> => ({
        name,
        id: p.id,
        auth: { token: await t.token(p.id) },
      });
      who.bankA = await one('bankA', banks[0]!);
      who.bankB = await one('bankB', banks[1]!);
      who.bankC = await one('bankC', banks[2]!);
      who.mno = await one('mno', (await of('mno'))[0]!);
      who.police = await one('police', (await of('law_enforcement'))[0]!);
      who.regulator = await one('regulator', (await of('regulator'))[0]!);
      who.tpp = await one('tpp', (await of('tpp'))[0]!);
      who.operator = { name: 'operator', id: '', auth: { cookie: operator } };
      bicA = banks[0]!.bic;
      bicB = banks[1]!.bic;
      // the beneficiary is a customer of bank B, registered in the alias directory
      const reg = await call(who.bankB, 'POST', `${I}/aliases`, {
        phone: MULE_PHONE,
        accountId: iban(101),
        holderName: 'Serik Abenov',
        holderIin: iin(101),
      });
      assert.equal(reg.status, 201, JSON.stringify(reg.body));
    });
    after(async () => {
      await t?.close();
    });

    it('scenario: bank files → beneficiary bank notified, supplements → law enforcement decides fraud → IPS blocks', async () => {
      const types = await call(who.bankA, 'GET', `${A}/incident-types`);
      assert.ok(types.body.types.some((x: { type: string }) => x.type === 'instant_transfer'));

      const filed = await call(who.bankA, 'POST', `${A}/incidents`, {
        type: 'instant_transfer',
        reference: 'CASE-2611-001',
        details: transfer(),
      });
      assert.equal(filed.status, 201, JSON.stringify(filed.body));
      const id = filed.body.id as string;
      assert.equal(filed.body.amount, '180000.00');
      assert.deepEqual(
        filed.body.parties.map((p: { participantId: string; relation: string }) => [p.participantId, p.relation]),
        [[who.bankB.id, 'beneficiary_bank']],
      );
      // the beneficiary is a suspect at once: the lists say so to every participant
      const look = await call(who.bankC, 'GET', `${A}/lists/lookup?kind=phone&value=${encodeURIComponent(MULE_PHONE)}`);
      assert.equal(look.body.status, 'suspect');

      // the beneficiary's bank finds it in its inbox, reads the card and supplements it
      const inbox = await call(who.bankB, 'GET', `${A}/notifications?unread=true`);
      const note = inbox.body.items.find((n: { incidentId: string }) => n.incidentId === id);
      assert.ok(note, JSON.stringify(inbox.body));
      assert.ok(inbox.body.unread >= 1);
      assert.equal((await call(who.bankB, 'POST', `${A}/notifications/${note.id}/read`)).status, 204);
      assert.equal((await call(who.bankC, 'POST', `${A}/notifications/${note.id}/read`)).status, 404);
      const sup = await call(who.bankB, 'POST', `${A}/incidents/${id}/supplements`, {
        details: { beneficiaryIin: iin(101), beneficiaryAccount: iban(101), beneficiaryName: 'Serik Abenov' },
        note: 'account opened 2 days ago; 11 incoming transfers from different banks since',
      });
      assert.equal(sup.status, 200, JSON.stringify(sup.body));
      const att = await call(who.bankA, 'POST', `${A}/incidents/${id}/attachments`, {
        filename: 'chat.png',
        contentType: 'image/png',
        contentBase64: PNG.toString('base64'),
      });
      assert.equal(att.status, 201, JSON.stringify(att.body));
      const rec = await call(who.bankB, 'POST', `${A}/incidents/${id}/recoveries`, {
        kind: 'blocked_at_recipient',
        amount: '120000.00',
        reference: 'HOLD-77',
      });
      assert.equal(rec.body.recovered.blockedAtRecipient, '120000.00');

      // law enforcement's queue is ordered by priority, with reasons
      const queue = await call(who.police, 'GET', `${A}/incidents?status=open&sort=priority`);
      const mine = queue.body.items.find((x: { id: string }) => x.id === id);
      assert.ok(mine.priority.reasons.length > 0);
      const file = await t.call('GET', `${A}/incidents/${id}/attachments/${att.body.id}`, { ...who.police.auth });
      assert.equal(file.status, 200);
      assert.equal(file.headers.get('content-type'), 'image/png');

      // a bank may not decide; law enforcement must give grounds
      assert.equal(
        (await call(who.bankA, 'POST', `${A}/incidents/${id}/decision`, { decision: 'fraud', grounds: 'sure' })).status,
        403,
      );
      const noGrounds = await call(who.police, 'POST', `${A}/incidents/${id}/decision`, {
        decision: 'fraud',
        grounds: ' ',
      });
      assert.equal(noGrounds.status, 400);
      assert.equal(noGrounds.body.errors?.[0]?.field ?? noGrounds.body.issues?.[0]?.field, '/grounds');
      const decided = await call(who.police, 'POST', `${A}/incidents/${id}/decision`, {
        decision: 'fraud',
        grounds: 'criminal case 261100042: mule account of an organised group',
      });
      assert.equal(decided.status, 200, JSON.stringify(decided.body));
      assert.equal(decided.body.status, 'fraud');
      const after = await call(
        who.bankC,
        'GET',
        `${A}/lists/lookup?kind=phone&value=${encodeURIComponent(MULE_PHONE)}`,
      );
      assert.equal(after.body.status, 'confirmed');

      // a closed card changes no more
      const late = await call(who.bankB, 'POST', `${A}/incidents/${id}/supplements`, { note: 'more' });
      assert.equal(late.status, 409);

      // a new instant payment to the beneficiary's phone is refused for fraud, nothing reserved
      const m = pacs008(bicA, bicB, '5000.00');
      (m.cdtTrfTxInf[0] as Record<string, unknown>).cdtrAcct = {
        id: { othr: { id: MULE_PHONE } },
        prxy: { id: MULE_PHONE },
      };
      const pay = await call(who.bankA, 'POST', `${I}/pacs.008`, m);
      assert.deepEqual(
        [pay.body.txInfAndSts?.[0]?.txSts, pay.body.txInfAndSts?.[0]?.stsRsnInf?.[0]?.rsn?.cd],
        ['RJCT', 'FRAD'],
        JSON.stringify(pay.body),
      );
      // the reporter and the related bank were told of every step by signed webhook
      const pushed = await t.app.platform.db.query<{ participant_id: string; n: bigint }>(
        `SELECT participant_id, COUNT(*) AS n FROM webhook_deliveries WHERE event_type = 'afc.incident'
         AND payload LIKE $1 GROUP BY participant_id`,
        [`%${id}%`],
      );
      const byParticipant = new Map(pushed.map((r) => [r.participant_id, Number(r.n)]));
      assert.ok((byParticipant.get(who.bankB.id) ?? 0) >= 3, JSON.stringify([...byParticipant]));
      assert.ok((byParticipant.get(who.police.id) ?? 0) >= 4);
      assert.equal(byParticipant.get(who.bankC.id), undefined);
    });

    it('scenario: a mobile operator files a fraudulent call; law enforcement finds it is not fraud', async () => {
      const caller = '+77475550199';
      const filed = await call(who.mno, 'POST', `${A}/incidents`, {
        type: 'phone_call',
        reference: 'MNO-CALL-1',
        details: {
          occurredAt: new Date(Date.now() - 3600_000).toISOString(),
          outcome: 'prevented',
          fraudType: 'social_engineering',
          description: '340 calls in an hour to elderly subscribers, caller claims to be the police',
          callerPhone: caller,
          channel: 'phone_call',
        },
      });
      assert.equal(filed.status, 201, JSON.stringify(filed.body));
      const id = filed.body.id;
      assert.equal((await call(who.police, 'POST', `${A}/incidents/${id}/take`)).body.status, 'investigating');
      const d = await call(who.police, 'POST', `${A}/incidents/${id}/decision`, {
        decision: 'not_fraud',
        grounds: 'a call centre of a licensed collection agency',
      });
      assert.equal(d.body.status, 'not_fraud');
      const look = await call(who.mno, 'GET', `${A}/lists/lookup?kind=phone&value=${encodeURIComponent(caller)}`);
      assert.equal(look.body.status, null);
    });

    it('role isolation: every role against every card', async () => {
      const cards: { id: string; reporter: keyof typeof who; related: (keyof typeof who)[] }[] = [];
      const fileAs = async (
        reporter: 'bankA' | 'bankC' | 'mno',
        ref: string,
        details: Record<string, unknown>,
        type = 'instant_transfer',
      ) => {
        const r = await call(who[reporter], 'POST', `${A}/incidents`, { type, reference: ref, details });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        return r.body.id as string;
      };
      cards.push({ id: await fileAs('bankA', 'ISO-1', transfer()), reporter: 'bankA', related: ['bankB'] });
      // an account the alias directory knows (bank B's customer) relates bank B through the account registry
      cards.push({
        id: await fileAs(
          'bankC',
          'ISO-4',
          transfer({ beneficiaryPhone: undefined, beneficiaryAccount: iban(101), paymentId: 'X:2' }),
        ),
        reporter: 'bankC',
        related: ['bankB'],
      });
      cards.push({
        id: await fileAs('bankC', 'ISO-2', transfer({ beneficiaryPhone: '+77015550999', paymentId: 'X:1' })),
        reporter: 'bankC',
        related: [],
      });
      cards.push({
        id: await fileAs(
          'mno',
          'ISO-3',
          {
            occurredAt: new Date(Date.now() - 60_000).toISOString(),
            outcome: 'prevented',
            fraudType: 'sim_swap',
            description: 'SIM swap attempt',
            callerPhone: '+77475550111',
          },
          'phone_call',
        ),
        reporter: 'mno',
        related: [],
      });
      let seen = 0;
      for (const card of cards) {
        for (const [role, w] of Object.entries(who) as [keyof typeof who, Who][]) {
          const r = await call(w, 'GET', `${A}/incidents/${card.id}`);
          const sees =
            role === card.reporter || card.related.includes(role) || role === 'police' || role === 'operator';
          const expected = sees ? 200 : role === 'tpp' ? 403 : 404;
          assert.equal(r.status, expected, `${role} reading ${card.id}: ${JSON.stringify(r.body)}`);
          if (sees) seen++;
          const listed = await call(w, 'GET', `${A}/incidents?limit=500`);
          if (role === 'tpp') {
            assert.equal(listed.status, 403);
            continue;
          }
          const row = listed.body.items.find((x: { id: string }) => x.id === card.id);
          if (role === 'regulator') {
            assert.ok(row, 'the regulator sees every card’s summary');
            assert.equal(row.details, undefined, 'but no personal data');
          } else assert.equal(Boolean(row), sees, `${role} listing ${card.id}`);
          // only the reporter and related participants (and law enforcement) may supplement
          if (!sees && role !== 'regulator') {
            const s = await call(w, 'POST', `${A}/incidents/${card.id}/supplements`, { note: 'probe' });
            assert.equal(s.status, 404, `${role} supplementing ${card.id}`);
          }
        }
      }
      // statistics: a bank sees its own scope, the regulator all
      const range = `from=${new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)}&to=${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}`;
      const reg = await call(who.regulator, 'GET', `${A}/statistics?${range}`);
      assert.equal(reg.body.scope, 'all');
      const own = await call(who.bankB, 'GET', `${A}/statistics?${range}`);
      assert.equal(own.body.scope, 'own');
      assert.ok(own.body.total.count < reg.body.total.count);
      const csv = await call(who.regulator, 'GET', `${A}/statistics.csv?${range}&table=byFraudType`);
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
      assert.match(String(csv.body), /^fraudType,count,amount\r\n/);
      // reading cards is audited, by who read
      const audit = await t.call('GET', '/api/platform/v1/audit?entity=afc_incident&limit=1000', {
        ...(who.operator.auth as { cookie: string }),
      });
      assert.equal(audit.status, 200, JSON.stringify(audit.body));
      const reads = audit.body.items.filter((e: { action: string }) => e.action === 'afc.incident.read');
      assert.equal(reads.length, seen, 'every successful read, and only those');
    });

    it('bad input names the field and changes nothing', async () => {
      const before = await count();
      const cases: [string, unknown, string][] = [
        [
          'missing mandatory field',
          { type: 'instant_transfer', reference: 'B-1', details: { ...transfer(), paymentId: undefined } },
          '/details/paymentId',
        ],
        ['unknown type', { type: 'teleport', reference: 'B-2', details: transfer() }, '/type'],
        [
          'malformed phone',
          { type: 'instant_transfer', reference: 'B-3', details: transfer({ beneficiaryPhone: 'abc' }) },
          '/details/beneficiaryPhone',
        ],
        [
          'malformed IBAN',
          { type: 'instant_transfer', reference: 'B-4', details: transfer({ beneficiaryAccount: 'KZ00XX' }) },
          '/details/beneficiaryAccount',
        ],
        [
          'malformed IIN',
          { type: 'instant_transfer', reference: 'B-5', details: transfer({ beneficiaryIin: '123456789012' }) },
          '/details/beneficiaryIin',
        ],
        [
          'unknown participant',
          { type: 'instant_transfer', reference: 'B-6', details: transfer({ beneficiaryBic: 'NOPEKZKA' }) },
          '/details/beneficiaryBic',
        ],
        [
          'amount with 3 decimals',
          { type: 'instant_transfer', reference: 'B-7', details: transfer({ amount: '1.234' }) },
          '/details/amount',
        ],
        ['bad reference', { type: 'instant_transfer', reference: 'has spaces', details: transfer() }, '/reference'],
      ];
      for (const [what, body, field] of cases) {
        const r = await call(who.bankA, 'POST', `${A}/incidents`, body);
        assert.equal(r.status, 400, `${what}: ${JSON.stringify(r.body)}`);
        assert.match(r.headers.get('content-type') ?? '', /problem\+json/);
        assert.ok(JSON.stringify(r.body).includes(field), `${what} names ${field}: ${JSON.stringify(r.body)}`);
      }
      // a role that does not file
      assert.equal(
        (
          await call(who.police, 'POST', `${A}/incidents`, {
            type: 'instant_transfer',
            reference: 'B-8',
            details: transfer(),
          })
        ).status,
        403,
      );
      // an attachment whose content is not its type
      const filed = await call(who.bankA, 'POST', `${A}/incidents`, {
        type: 'instant_transfer',
        reference: 'B-9',
        details: transfer({ beneficiaryPhone: '+77015550888' }),
      });
      const bad = await call(who.bankA, 'POST', `${A}/incidents/${filed.body.id}/attachments`, {
        filename: 'x.pdf',
        contentType: 'application/pdf',
        contentBase64: Buffer.from('MZ executable').toString('base64'),
      });
      assert.equal(bad.status, 400);
      assert.ok(JSON.stringify(bad.body).includes('/contentBase64'));
      // only the operator publishes the matrix, and only a sound one
      const def = { label: 'x', mandatory: ['occurredAt'], optional: [], atLeastOne: [] };
      assert.equal((await call(who.bankA, 'PUT', `${A}/incident-types/x_type`, def)).status, 403);
      const unsound = await call(who.operator, 'PUT', `${A}/incident-types/x_type`, def);
      assert.equal(unsound.status, 400);
      assert.equal(await count(), before + 1);
    });
  });
}
