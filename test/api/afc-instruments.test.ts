/** Compromised payment instruments over the API: reports, the issuer's signed webhook, checks, roles, isolation. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pan } from '../../src/afc/instruments/testkit.ts';
import { cardToken, iban } from '../../src/afc/testkit.ts';
import { verifyWebhookSignature } from '../../src/platform/index.ts';
import { engines } from '../../src/platform/testing.ts';
import { type Receiver, startReceiver } from '../../src/platform/webhooks/receiver.test-helper.ts';
import { startTestPlatform, type TestPlatform } from '../harness.ts';
import { banksOf, type Caller, problem, staffOf } from './afc-kit.ts';

const X = '/api/afc/v1/instruments';

interface Bank extends Caller {
  id: string;
  bic: string;
  bin: string;
}

const report = (p: string, over: Record<string, unknown> = {}) => ({
  kind: 'card',
  pan: p,
  compromise: 'skimming',
  source: 'skimmer on ATM at Dostyk 5',
  detectedOn: '2026-01-02',
  ...over,
});

for (const engine of engines()) {
  describe(`AFC compromised instruments API on ${engine}`, () => {
    let t: TestPlatform;
    let hooks: Receiver;
    let secret: string;
    const who: Record<string, Caller> = {};
    const banks: Bank[] = [];
    let n = 0;
    /** A fresh card number of a bank. */
    const cardOf = (b: Bank) => pan(b.bin, ++n);

    const version = async () =>
      (await t.call('GET', `${X}/changes?since=0&limit=1`, who.regulator!)).body.latestVersion;

    before(async () => {
      t = await startTestPlatform(engine);
      Object.assign(who, await staffOf(t));
      for (const b of (await banksOf(t, who.operator!)).slice(0, 3)) {
        banks.push({ id: b.id, bic: b.bic, bin: b.binRanges[0].split('-')[0], token: await t.token(b.id) });
      }
      hooks = await startReceiver();
      const sub = await t.call('POST', '/api/participants/v1/webhooks', {
        token: banks[0]!.token!,
        body: { url: hooks.url, events: ['afc.instrument.reported', 'afc.instrument.withdrawn'] },
      });
      assert.equal(sub.status, 201, JSON.stringify(sub.body));
      secret = sub.body.secret;
    });
    after(async () => {
      await hooks?.close();
      await t?.close();
    });

    it('a mobile operator reports cards and an account; the issuer gets a signed webhook and sees its reports', async () => {
      const [a, b, c] = banks as [Bank, Bank, Bank];
      const p1 = cardOf(a);
      const p2 = cardOf(b);
      const body = {
        instruments: [
          report(p1),
          report(p2, { compromise: 'phishing_kit', source: 'kit at secure-login.example' }),
          {
            kind: 'account',
            iban: iban(31),
            bic: c.bic,
            compromise: 'malware',
            source: 'trojan',
            detectedOn: '2026-01-03',
          },
        ],
      };
      const r = await t.call('POST', `${X}/reports`, { ...who.mno, key: 'rep-1', body });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.count, 3);
      assert.doesNotMatch(JSON.stringify(r.body), new RegExp(p1));
      const replay = await t.call('POST', `${X}/reports`, { ...who.mno, key: 'rep-1', body });
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');

      // the issuer of the first card is told, signed per Standard Webhooks, with its card only
      await hooks.waitFor(1);
      const got = hooks.received[0]!;
      assert.ok(
        verifyWebhookSignature({
          secret,
          id: String(got.headers['webhook-id']),
          timestamp: String(got.headers['webhook-timestamp']),
          signature: String(got.headers['webhook-signature']),
          body: got.body,
          now: new Date(),
        }),
      );
      const event = JSON.parse(got.body);
      assert.equal(event.type, 'afc.instrument.reported');
      assert.deepEqual(
        event.data.reports.map((x: { id: string; last4: string; issuerId: string }) => [x.id, x.last4, x.issuerId]),
        [[r.body.ids[0], p1.slice(-4), a.id]],
      );
      assert.ok(!got.body.includes(p1), 'the webhook carries no card number');

      const mine = await t.call('GET', `${X}/reports`, { token: a.token! });
      assert.deepEqual(
        mine.body.items.map((x: { id: string; card: string }) => [x.id, x.card]),
        [[r.body.ids[0], `${p1.slice(0, 8)}******${p1.slice(-4)}`]],
      );
      const acct = await t.call('GET', `${X}/reports/${r.body.ids[2]}`, { token: c.token! });
      assert.deepEqual([acct.status, acct.body.iban, acct.body.issuerId], [200, iban(31), c.id]);

      // the database holds no card number
      const db = t.app.platform.db;
      const rows = JSON.stringify(await db.query('SELECT * FROM afc_instruments'), (_k, v) =>
        typeof v === 'bigint' ? Number(v) : v,
      );
      assert.ok(!rows.includes(p1) && !rows.includes(p2));
    });

    it('a bank checks any card or account; it sees the reports only of its own instruments', async () => {
      const [a, b, c] = banks as [Bank, Bank, Bank];
      const p = cardOf(b);
      await t.call('POST', `${X}/reports`, { ...who.law_enforcement, body: { instruments: [report(p)] } });
      const byA = await t.call('POST', `${X}/check`, { token: a.token!, key: '', body: { kind: 'card', pan: p } });
      assert.equal(byA.status, 200, JSON.stringify(byA.body));
      assert.deepEqual(
        [byA.body.compromised, byA.body.reports, byA.body.compromiseTypes, byA.body.entries],
        [true, 1, ['skimming'], []],
      );
      const byIssuer = await t.call('POST', `${X}/check`, { token: b.token!, key: '', body: { kind: 'card', pan: p } });
      assert.equal(byIssuer.body.entries.length, 1);
      const clean = await t.call('POST', `${X}/check`, {
        token: c.token!,
        key: '',
        body: { kind: 'card', token: cardToken(77) },
      });
      assert.deepEqual([clean.body.compromised, clean.body.reports], [false, 0]);
      const account = await t.call('POST', `${X}/check`, {
        token: c.token!,
        key: '',
        body: { kind: 'account', iban: iban(31) },
      });
      assert.deepEqual([account.body.compromised, account.body.entries.length], [true, 1]);
    });

    it('authorization: each role against each endpoint', async () => {
      const [a] = banks as [Bank];
      const own = await t.call('POST', `${X}/reports`, { ...who.mno, body: { instruments: [report(cardOf(a))] } });
      const id = own.body.ids[0] as string;
      const roles = ['operator', 'law_enforcement', 'regulator', 'mno', 'tpp', 'bank'] as const;
      const caller = (role: (typeof roles)[number]) => (role === 'bank' ? { token: banks[1]!.token! } : who[role]!);
      const cases: [string, string, () => unknown, Record<(typeof roles)[number], number>, boolean?][] = [
        [
          'POST',
          `${X}/reports`,
          () => ({ instruments: [report(cardOf(a))] }),
          { operator: 200, law_enforcement: 200, regulator: 403, mno: 200, tpp: 403, bank: 200 },
        ],
        [
          'POST',
          `${X}/check`,
          () => ({ kind: 'card', pan: cardOf(a) }),
          { operator: 200, law_enforcement: 200, regulator: 200, mno: 403, tpp: 403, bank: 200 },
          true,
        ],
        [
          'GET',
          `${X}/reports`,
          () => undefined,
          { operator: 200, law_enforcement: 200, regulator: 200, mno: 200, tpp: 403, bank: 200 },
        ],
        [
          'GET',
          `${X}/changes?since=0`,
          () => undefined,
          { operator: 200, law_enforcement: 200, regulator: 200, mno: 200, tpp: 403, bank: 200 },
        ],
        [
          'GET',
          `${X}/reports/${id}`,
          () => undefined,
          { operator: 200, law_enforcement: 200, regulator: 200, mno: 200, tpp: 403, bank: 404 },
        ],
        [
          'POST',
          `${X}/reports/${id}/withdraw`,
          () => ({ reason: 'probing the roles' }),
          // the regulator reads all but changes nothing; law enforcement did not report it; the bank cannot see it
          { operator: 200, law_enforcement: 403, regulator: 403, mno: 409, tpp: 403, bank: 404 },
        ],
      ];
      for (const [method, path, body, byRole, question] of cases) {
        for (const role of roles) {
          const r = await t.call(method, path, { ...caller(role), body: body(), ...(question ? { key: '' } : {}) });
          assert.equal(r.status, byRole[role], `${role} ${method} ${path}: ${JSON.stringify(r.body)}`);
        }
        assert.equal((await t.call(method, path, { body: body() })).status, 401, `anonymous ${method} ${path}`);
      }
    });

    it('bad input is refused naming the instrument and field; nothing is recorded', async () => {
      const [a] = banks as [Bank];
      const before = await version();
      const p = cardOf(a);
      const wrongLuhn = `${p.slice(0, -1)}${(Number(p.slice(-1)) + 1) % 10}`;
      const batch = (bad: Record<string, unknown>) => ({
        instruments: [report(cardOf(a)), report(cardOf(a)), bad, report(cardOf(a))],
      });
      const cases: [unknown, string][] = [
        [batch(report(wrongLuhn)), '/instruments/2/pan'],
        [batch(report(p, { compromise: 'hacked' })), '/instruments/2/compromise'],
        [batch(report(p, { detectedOn: '2099-01-01' })), '/instruments/2/detectedOn'],
        [batch(report(p, { detectedOn: '02.01.2026' })), '/instruments/2/detectedOn'],
        [batch(report(p, { source: '' })), '/instruments/2/source'],
        [batch(report(p, { extra: 1 })), '/instruments/2/extra'],
        [
          batch({ kind: 'card', token: p, compromise: 'malware', source: 's', detectedOn: '2026-01-01' }),
          '/instruments/2/token',
        ],
        [
          batch({
            kind: 'account',
            iban: 'KZ00125KZT0000000001',
            compromise: 'malware',
            source: 's',
            detectedOn: '2026-01-01',
          }),
          '/instruments/2/iban',
        ],
        [batch(report(p, { iban: iban(1) })), '/instruments/2/iban'],
        [batch(report(p, { pan: 4400011234567890 })), '/instruments/2/pan'],
        [{ instruments: [] }, '/instruments'],
        [{ instruments: [report(p), report(p)] }, '/instruments/1'],
      ];
      for (const [body, field] of cases) {
        const r = await t.call('POST', `${X}/reports`, { ...who.mno, body });
        problem(r, 400, field);
        assert.ok(!JSON.stringify(r.body).includes(p.slice(6)), 'a refusal does not echo the card number');
      }
      problem(
        await t.call('POST', `${X}/check`, { token: a.token!, key: '', body: { kind: 'card', pan: wrongLuhn } }),
        400,
        '/pan',
      );
      problem(await t.call('POST', `${X}/check`, { token: a.token!, key: '', body: { kind: 'card' } }), 400, '/pan');
      problem(await t.call('GET', `${X}/changes`, { token: a.token! }), 400, 'querystring/since');
      problem(await t.call('GET', `${X}/changes?since=999999`, { token: a.token! }), 400, 'querystring/since');
      problem(await t.call('GET', `${X}/reports?kind=phone`, { token: a.token! }), 400, 'querystring/kind');
      problem(await t.call('POST', `${X}/reports`, { ...who.mno, key: '', body: { instruments: [report(p)] } }), 400);
      assert.equal(await version(), before);
    });

    it('isolation: a bank never sees another bank’s instruments or reports, in lists, the feed or by id', async () => {
      const [a, b, c] = banks as [Bank, Bank, Bank];
      const start = await version();
      const byMno = await t.call('POST', `${X}/reports`, {
        ...who.mno,
        body: { instruments: [report(cardOf(a)), report(cardOf(b))] },
      });
      const byC = await t.call('POST', `${X}/reports`, { token: c.token!, body: { instruments: [report(cardOf(b))] } });
      const ids = async (x: Caller, path = `${X}/reports?limit=10000`) =>
        (await t.call('GET', path, x)).body.items.map((e: { id: string }) => e.id) as string[];
      const seenByA = await ids({ token: a.token! });
      assert.ok(seenByA.includes(byMno.body.ids[0]));
      assert.ok(!seenByA.includes(byMno.body.ids[1]) && !seenByA.includes(byC.body.ids[0]));
      const seenByC = await ids({ token: c.token! });
      assert.ok(seenByC.includes(byC.body.ids[0]), 'a reporter sees its own report');
      assert.ok(!seenByC.includes(byMno.body.ids[0]) && !seenByC.includes(byMno.body.ids[1]));
      for (const [viewer, hidden] of [
        [a, byMno.body.ids[1]],
        [a, byC.body.ids[0]],
        [c, byMno.body.ids[0]],
      ] as const) {
        problem(await t.call('GET', `${X}/reports/${hidden}`, { token: viewer.token! }), 404);
      }
      // the delta feed is scoped the same way
      const feedA = await ids({ token: a.token! }, `${X}/changes?since=${start}`);
      assert.deepEqual(feedA, [byMno.body.ids[0]]);
      const feedB = await ids({ token: b.token! }, `${X}/changes?since=${start}`);
      assert.deepEqual(feedB, [byMno.body.ids[1], byC.body.ids[0]]);
      const everything = await ids(who.law_enforcement!, `${X}/changes?since=${start}`);
      assert.equal(everything.length, 3);

      // a withdrawal by its reporter reaches the issuer's feed as a tombstone
      const w = await t.call('POST', `${X}/reports/${byC.body.ids[0]}/withdraw`, {
        token: c.token!,
        body: { reason: 'the customer was never at that ATM' },
      });
      assert.equal(w.body.status, 'withdrawn', JSON.stringify(w.body));
      const after = await t.call('GET', `${X}/changes?since=${start + 3}`, { token: b.token! });
      assert.deepEqual(
        after.body.items.map((e: { id: string; status: string }) => [e.id, e.status]),
        [[byC.body.ids[0], 'withdrawn']],
      );
      assert.deepEqual((await t.call('GET', `${X}/changes?since=${start + 3}`, { token: a.token! })).body.items, []);
    });

    it('10,000 instruments in one call', async () => {
      const [a, b] = banks as [Bank, Bank];
      const instruments = Array.from({ length: 10_000 }, (_, i) =>
        report(pan(i % 2 ? a.bin : b.bin, 500_000 + i), { source: 'breach of a payment page' }),
      );
      const r = await t.call('POST', `${X}/reports`, { ...who.law_enforcement, body: { instruments } });
      assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 500));
      assert.deepEqual([r.body.count, r.body.ids.length], [10_000, 10_000]);
      const tooMany = await t.call('POST', `${X}/reports`, {
        ...who.law_enforcement,
        body: { instruments: [...instruments, report(pan(a.bin, 999_999))] },
      });
      problem(tooMany, 400, '/instruments');
    });
  });
}
