import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { cardToken, iban, iin, imei, phone } from '../../src/afc/testkit.ts';
import { engines } from '../../src/platform/testing.ts';
import { startTestPlatform, type TestPlatform } from '../harness.ts';
import { I, pacs008 } from './ips-kit.ts';

const A = '/api/afc/v1';

for (const engine of engines()) {
  describe(`AFC API on ${engine}`, () => {
    let t: TestPlatform;
    let operator: string;
    let police: string;
    let regulator: string;
    let mno: string;
    let tpp: string;
    const banks: { id: string; bic: string; token: string }[] = [];
    const version = async () =>
      (await t.call('GET', `${A}/lists/changes?since=0&limit=1`, { cookie: regulator })).body.latestVersion;
    const problem = (r: { status: number; body: any; headers: Headers }, status: number, field?: string) => {
      assert.equal(r.status, status, JSON.stringify(r.body));
      assert.match(r.headers.get('content-type') ?? '', /problem\+json/);
      if (field) assert.equal(r.body.errors?.[0]?.field, field, JSON.stringify(r.body));
    };

    before(async () => {
      t = await startTestPlatform(engine);
      operator = await t.login('operator');
      police = await t.login('law_enforcement');
      regulator = await t.login('regulator');
      mno = await t.login('mno');
      tpp = await t.login('tpp');
      const all = (await t.call('GET', '/api/participants/v1/participants?type=bank', { cookie: operator })).body.items;
      for (const b of all.slice(0, 2)) banks.push({ id: b.id, bic: b.bic, token: await t.token(b.id) });
    });
    after(async () => {
      await t?.close();
    });

    it('law enforcement confirms, the operator lists suspects; a bank screens: block, review, allow with reasons', async () => {
      const confirmed = await t.call('POST', `${A}/lists/entries`, {
        cookie: police,
        key: 'le-1',
        body: {
          entries: [
            { kind: 'account', value: iban(1), status: 'confirmed', source: 'case-2026-001', reason: 'court decision' },
            { kind: 'device', value: imei(1), status: 'confirmed', source: 'case-2026-001' },
          ],
        },
      });
      assert.equal(confirmed.status, 200, JSON.stringify(confirmed.body));
      assert.equal(confirmed.body.count, 2);
      const replay = await t.call('POST', `${A}/lists/entries`, {
        cookie: police,
        key: 'le-1',
        body: {
          entries: [
            { kind: 'account', value: iban(1), status: 'confirmed', source: 'case-2026-001', reason: 'court decision' },
            { kind: 'device', value: imei(1), status: 'confirmed', source: 'case-2026-001' },
          ],
        },
      });
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(replay.body, confirmed.body);

      const suspect = await t.call('POST', `${A}/lists/entries`, {
        cookie: operator,
        body: {
          entries: [
            { kind: 'phone', value: '8 701 555 00 01', status: 'suspect', source: 'inc-17', holderName: 'Жанна Ким' },
            { kind: 'name', value: 'Серік Әбенов', status: 'suspect', source: 'inc-17' },
          ],
        },
      });
      assert.equal(suspect.status, 200, JSON.stringify(suspect.body));
      assert.equal(suspect.body.entries[0].value, '+77015550001');

      const bank = banks[0]!;
      const block = await t.call('POST', `${A}/screen`, {
        token: bank.token,
        key: '',
        body: {
          rail: 'ips',
          amount: '150000.00',
          debtor: { account: iban(2), device: imei(1), bic: bank.bic },
          creditor: { account: iban(1), name: 'Anyone' },
        },
      });
      assert.equal(block.status, 200, JSON.stringify(block.body));
      assert.equal(block.body.decision, 'block');
      assert.deepEqual(block.body.reasons.map((r: { code: string; field: string }) => `${r.code} ${r.field}`).sort(), [
        'LISTED_CONFIRMED /creditor/account',
        'LISTED_CONFIRMED /debtor/device',
      ]);
      const review = await t.call('POST', `${A}/screen`, {
        token: bank.token,
        key: '',
        body: { creditor: { phone: '+77015550001', name: 'ZHANNA KIM' } },
      });
      assert.deepEqual(
        [review.body.decision, review.body.reasons.map((r: { code: string }) => r.code)],
        ['review', ['LISTED_SUSPECT', 'HOLDER_NAME_MATCH']],
      );
      const byName = await t.call('POST', `${A}/screen`, {
        token: bank.token,
        key: '',
        body: { creditor: { name: 'Serik Abenov', account: iban(3) } },
      });
      assert.equal(byName.body.decision, 'review');
      assert.equal(byName.body.reasons[0].code, 'NAME_MATCH_SUSPECT');
      assert.doesNotMatch(JSON.stringify(byName.body), /Серік|inc-17/, 'reasons carry no listed data');
      const clean = await t.call('POST', `${A}/screen`, {
        cookie: mno,
        key: '',
        body: { creditor: { phone: '+77015550002', card: cardToken(9) } },
      });
      assert.deepEqual([clean.status, clean.body.decision, clean.body.reasons], [200, 'allow', []]);
    });

    it('an IPS payment to a confirmed fraudster’s account is refused with FRAD before anything is reserved', async () => {
      await t.call('POST', `${A}/lists/entries`, {
        cookie: police,
        body: { entries: [{ kind: 'account', value: iban(40), status: 'confirmed', source: 'case-2026-040' }] },
      });
      const [a, b] = banks;
      const r = await t.call('POST', `${I}/pacs.008`, {
        token: a!.token,
        body: pacs008(a!.bic, b!.bic, '10.00', iban(40)),
      });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.deepEqual([r.body.txInfAndSts[0].txSts, r.body.txInfAndSts[0].stsRsnInf[0].rsn.cd], ['RJCT', 'FRAD']);
    });

    it('lists for participants’ systems: MACs for banks and mobile operators, raw values for law enforcement and oversight', async () => {
      const bank = banks[0]!;
      const page = await t.call('GET', `${A}/lists?limit=2`, { token: bank.token });
      assert.equal(page.status, 200, JSON.stringify(page.body));
      assert.equal(page.body.items.length, 2);
      assert.ok(page.body.next);
      assert.equal(page.body.items[0].value, undefined);
      assert.equal(page.body.items[0].source, undefined);
      problem(await t.call('GET', `${A}/lists?raw=true`, { token: bank.token }), 403);
      problem(await t.call('GET', `${A}/lists/changes?since=0&raw=true`, { cookie: mno }), 403);

      const key = await t.call('GET', `${A}/lists/key`, { cookie: mno });
      assert.equal(key.status, 200);
      const mac = createHmac('sha256', Buffer.from(key.body.key, 'base64url'))
        .update('phone:+77015550001')
        .digest('hex');
      const all = await t.call('GET', `${A}/lists?limit=10000`, { cookie: mno });
      assert.ok(all.body.items.some((e: { mac: string; status: string }) => e.mac === mac && e.status === 'suspect'));

      const raw = await t.call('GET', `${A}/lists?raw=true&limit=10000`, { cookie: regulator });
      assert.ok(
        raw.body.items.some(
          (e: { value: string; source: string }) => e.value === iban(1) && e.source === 'case-2026-001',
        ),
      );
      const audit = await t.call('GET', '/api/platform/v1/audit?entity=afc_list&limit=1000', { cookie: operator });
      assert.ok(
        audit.body.items.some((e: { action: string; actor: string }) => e.action === 'afc.list.downloaded_raw'),
        'a raw download is on the record',
      );

      const v = await version();
      const feed = await t.call('GET', `${A}/lists/changes?since=${v - 2}&limit=1`, { token: bank.token });
      assert.deepEqual([feed.body.items.length, feed.body.next, feed.body.hasMore], [1, v - 1, true]);
      const rest = await t.call('GET', `${A}/lists/changes?since=${feed.body.next}`, { token: bank.token });
      assert.deepEqual([rest.body.items.length, rest.body.hasMore], [1, false]);

      const look = await t.call('GET', `${A}/lists/lookup?kind=account&value=${iban(1)}`, { cookie: police });
      assert.deepEqual([look.body.status, look.body.decision, look.body.entries.length], ['confirmed', 'block', 1]);
      const bankLook = await t.call('GET', `${A}/lists/lookup?kind=account&value=${iban(1)}`, { token: bank.token });
      assert.deepEqual([bankLook.body.status, bankLook.body.entries], ['confirmed', []]);
    });

    it('role isolation: who may read, change and screen', async () => {
      const bank = banks[0]!;
      const entry = { entries: [{ kind: 'iin', value: iin(9), status: 'suspect', source: 'inc-9' }] };
      const before = await version();
      problem(await t.call('POST', `${A}/lists/entries`, { token: bank.token, body: entry }), 403);
      problem(await t.call('POST', `${A}/lists/entries`, { cookie: mno, body: entry }), 403);
      problem(await t.call('POST', `${A}/lists/entries`, { cookie: regulator, body: entry }), 403);
      problem(
        await t.call('POST', `${A}/lists/entries`, {
          cookie: operator,
          body: { entries: [{ kind: 'iin', value: iin(9), status: 'confirmed', source: 'inc-9' }] },
        }),
        403,
      );
      problem(
        await t.call('POST', `${A}/lists/overrides`, {
          token: bank.token,
          body: { kind: 'iin', value: iin(9), reason: 'my customer' },
        }),
        403,
      );
      problem(await t.call('GET', `${A}/lists`, { cookie: tpp }), 403);
      problem(await t.call('POST', `${A}/screen`, { cookie: tpp, key: '', body: { creditor: { iin: iin(9) } } }), 403);
      problem(
        await t.call('POST', `${A}/screen`, { cookie: police, key: '', body: { creditor: { iin: iin(9) } } }),
        403,
      );
      problem(await t.call('GET', `${A}/lists`), 401);
      assert.equal(await version(), before, 'nothing changed');
    });

    it('bad input is a problem naming the field, and nothing changes', async () => {
      const before = await version();
      const add = (e: Record<string, unknown>) =>
        t.call('POST', `${A}/lists/entries`, { cookie: operator, body: { entries: [e] } });
      problem(
        await add({ kind: 'iin', value: '123456789012', status: 'suspect', source: 'x' }),
        400,
        '/entries/0/value',
      );
      problem(
        await add({ kind: 'account', value: 'KZ00125KZT0000000001', status: 'suspect', source: 'x' }),
        400,
        '/entries/0/value',
      );
      problem(await add({ kind: 'phone', value: 'call me', status: 'suspect', source: 'x' }), 400, '/entries/0/value');
      problem(await add({ kind: 'device', value: '12345', status: 'suspect', source: 'x' }), 400, '/entries/0/value');
      problem(
        await add({ kind: 'card', value: '4111111111111111', status: 'suspect', source: 'x' }),
        400,
        '/entries/0/value',
      );
      problem(await add({ kind: 'url', value: 'ftp://x.kz', status: 'suspect', source: 'x' }), 400, '/entries/0/value');
      problem(await add({ kind: 'iin', status: 'suspect', source: 'x' }), 400, '/entries/0/value');
      problem(await add({ kind: 'imsi', value: '1', status: 'suspect', source: 'x' }), 400, '/entries/0/kind');
      problem(
        await add({ kind: 'iin', value: iin(1), status: 'suspect', source: 'x', extra: 1 }),
        400,
        '/entries/0/extra',
      );
      problem(
        await t.call('POST', `${A}/lists/overrides`, { cookie: operator, body: { kind: 'iin', value: iin(1) } }),
        400,
        '/reason',
      );
      problem(
        await t.call('POST', `${A}/lists/overrides`, {
          cookie: police,
          body: { kind: 'iin', value: iin(1), reason: '  ' },
        }),
        400,
        '/reason',
      );
      problem(
        await t.call('POST', `${A}/lists/removals`, {
          cookie: operator,
          body: { kind: 'iin', value: iin(1), source: 'nope', reason: 'cleanup of nothing' },
        }),
        404,
      );
      problem(
        await t.call('POST', `${A}/lists/entries`, {
          cookie: operator,
          key: '',
          body: { entries: [{ kind: 'iin', value: iin(1), status: 'suspect', source: 'x' }] },
        }),
        400,
        'header/Idempotency-Key',
      );
      const bank = banks[0]!;
      const screen = (body: unknown) => t.call('POST', `${A}/screen`, { token: bank.token, key: '', body });
      problem(await screen({ creditor: { iin: '12345' } }), 400, '/creditor/iin');
      problem(await screen({ debtor: { account: 'KZ99XXX' } }), 400, '/debtor/account');
      problem(await screen({ creditor: { phone: phone(1), bic: 'NOSUCHKZ' } }), 400, '/creditor/bic');
      problem(await screen({ creditor: { iin: iin(1) }, amount: 100 }), 400, '/amount');
      problem(await screen({}), 400, '/creditor');
      problem(
        await t.call('GET', `${A}/lists/lookup?kind=iin&value=123`, { token: bank.token }),
        400,
        'querystring/value',
      );
      problem(await t.call('GET', `${A}/lists/changes?since=-1`, { token: bank.token }), 400);
      problem(await t.call('GET', `${A}/lists/changes`, { token: bank.token }), 400, 'querystring/since');
      assert.equal(await version(), before, 'nothing changed');
    });

    it('screens a batch in order; one malformed payment refuses the batch naming it', async () => {
      const bank = banks[1]!;
      const batch = (payments: unknown[]) =>
        t.call('POST', `${A}/screen/batch`, { token: bank.token, key: '', body: { payments } });
      const ok = await batch([
        { creditor: { account: iban(1) } },
        { creditor: { phone: '+77015550001' } },
        { creditor: { account: iban(77) } },
      ]);
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      assert.deepEqual(
        ok.body.results.map((r: { decision: string }) => r.decision),
        ['block', 'review', 'allow'],
      );
      problem(
        await batch([{ creditor: { iin: iin(1) } }, { creditor: { iin: '123' } }]),
        400,
        '/payments/1/creditor/iin',
      );
      problem(await batch([{ creditor: { iin: iin(1) } }, {}]), 400, '/payments/1/creditor');
      problem(await batch([]), 400);
    });

    it('overrides and removals by the operator and law enforcement', async () => {
      const o = await t.call('POST', `${A}/lists/overrides`, {
        cookie: operator,
        body: {
          kind: 'account',
          value: iban(3),
          reason: 'customer identified in branch',
          expiresAt: '2099-01-01T00:00:00Z',
        },
      });
      assert.equal(o.status, 200, JSON.stringify(o.body));
      assert.equal(o.body.entries[0].status, 'allowed');
      const bank = banks[0]!;
      const cleared = await t.call('POST', `${A}/screen`, {
        token: bank.token,
        key: '',
        body: { creditor: { name: 'Serik Abenov', account: iban(3) } },
      });
      assert.equal(cleared.body.decision, 'allow', 'the override clears the name resemblance');

      const removed = await t.call('POST', `${A}/lists/removals`, {
        cookie: police,
        body: { kind: 'device', value: imei(1), source: 'case-2026-001', reason: 'device returned to its owner' },
      });
      assert.equal(removed.status, 200, JSON.stringify(removed.body));
      assert.equal(removed.body.count, 1);
      problem(
        await t.call('POST', `${A}/lists/removals`, {
          cookie: operator,
          body: {
            kind: 'account',
            value: iban(1),
            source: 'case-2026-001',
            reason: 'operator may not undo a decision',
          },
        }),
        403,
      );
    });
  });
}
