/** The AFC knowledge base over the API: who may do what, proposals to publication, bad input, isolation. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { engines } from '../../src/platform/testing.ts';
import { startTestPlatform, type TestPlatform } from '../harness.ts';
import { banksOf, type Caller, problem, staffOf } from './afc-kit.ts';

const K = '/api/afc/v1/knowledge';

const article = (over: Record<string, unknown> = {}) => ({
  articleId: 'fake-bank-call',
  title: 'A call from the “bank’s security service”',
  tags: ['social_engineering', 'impersonation'],
  body: '## How it goes\n\nThe caller knows the victim’s name and asks to move money to a “safe account”.',
  indicators: ['first transfer to a new payee right after a long incoming call', 'payee account opened < 30 days'],
  actions: ['call the customer back on a known number before releasing the transfer'],
  ...over,
});

for (const engine of engines()) {
  describe(`AFC knowledge base API on ${engine}`, () => {
    let t: TestPlatform;
    const who: Record<string, Caller> = {};

    const proposals = async () =>
      (await t.call('GET', `${K}/proposals?limit=500`, { cookie: who.operator!.cookie! })).body.items.length;

    before(async () => {
      t = await startTestPlatform(engine);
      Object.assign(who, await staffOf(t));
      const banks = await banksOf(t, who.operator!);
      who.bankA = { token: await t.token(banks[0].id) };
      who.bankB = { token: await t.token(banks[1].id) };
    });
    after(async () => {
      await t?.close();
    });

    it('a bank proposes, the operator publishes; law enforcement proposes version 2; everyone reads both', async () => {
      const proposed = await t.call('POST', `${K}/proposals`, { ...who.bankA, key: 'kb-1', body: article() });
      assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
      assert.deepEqual([proposed.body.status, proposed.body.baseVersion], ['pending', null]);
      const replay = await t.call('POST', `${K}/proposals`, { ...who.bankA, key: 'kb-1', body: article() });
      assert.equal(replay.headers.get('idempotent-replayed'), 'true');
      assert.equal(replay.body.id, proposed.body.id);
      problem(await t.call('GET', `${K}/articles/fake-bank-call`, who.tpp!), 404);

      const published = await t.call('POST', `${K}/proposals/${proposed.body.id}/publish`, {
        ...who.operator,
        body: {},
      });
      assert.equal(published.status, 200, JSON.stringify(published.body));
      assert.deepEqual([published.body.status, published.body.publishedVersion], ['published', 1]);

      const v2 = await t.call('POST', `${K}/proposals`, {
        ...who.law_enforcement,
        body: article({
          baseVersion: 1,
          actions: [...article().actions, 'report the payee account as an incident'],
          note: 'what to do afterwards',
        }),
      });
      assert.equal(v2.status, 201, JSON.stringify(v2.body));
      await t.call('POST', `${K}/proposals/${v2.body.id}/publish`, { ...who.operator, body: { note: 'edited' } });

      for (const reader of ['tpp', 'mno', 'regulator', 'bankB']) {
        const latest = await t.call('GET', `${K}/articles/fake-bank-call`, who[reader]!);
        assert.equal(latest.status, 200, `${reader}: ${JSON.stringify(latest.body)}`);
        assert.deepEqual([latest.body.version, latest.body.note, latest.body.actions.length], [2, 'edited', 2]);
      }
      const history = await t.call('GET', `${K}/articles/fake-bank-call/versions`, who.tpp!);
      assert.deepEqual(
        history.body.items.map((v: { version: number; actions: string[] }) => [v.version, v.actions.length]),
        [
          [1, 1],
          [2, 2],
        ],
      );
      const v1 = await t.call('GET', `${K}/articles/fake-bank-call/versions/1`, who.mno!);
      assert.deepEqual(v1.body, history.body.items[0]);
      problem(await t.call('GET', `${K}/articles/fake-bank-call/versions/3`, who.mno!), 404);

      const search = await t.call('GET', `${K}/articles?q=SAFE%20account&tag=impersonation`, who.tpp!);
      assert.deepEqual(
        search.body.items.map((a: { id: string }) => a.id),
        ['fake-bank-call'],
      );
      const none = await t.call('GET', `${K}/articles?tag=impersonation&tag=sim_swap`, who.tpp!);
      assert.deepEqual(none.body.items, []);
      const tags = await t.call('GET', `${K}/tags`, who.tpp!);
      assert.equal(tags.body.items.find((x: { tag: string }) => x.tag === 'impersonation').articles, 1);

      // the proposers were told; the audit has every step
      const db = t.app.platform.db;
      const hooks = await db.query<{ n: bigint }>(
        `SELECT COUNT(*) AS n FROM webhook_deliveries WHERE event_type = 'afc.knowledge.proposal'`,
      );
      assert.equal(Number(hooks[0]!.n), 2);
      const audit = await t.call('GET', '/api/platform/v1/audit?entity=afc_kb_proposal&limit=100', who.operator!);
      assert.deepEqual(audit.body.items.map((e: { action: string }) => e.action).sort(), [
        'afc.knowledge.proposed',
        'afc.knowledge.proposed',
        'afc.knowledge.published',
        'afc.knowledge.published',
      ]);
    });

    it('authorization: each role against each endpoint', async () => {
      const own = await t.call('POST', `${K}/proposals`, { ...who.mno, body: article({ articleId: 'authz-probe' }) });
      assert.equal(own.status, 201, JSON.stringify(own.body));
      const id = own.body.id as string;
      const rejectable = await t.call('POST', `${K}/proposals`, {
        ...who.mno,
        body: article({ articleId: 'authz-2' }),
      });
      const roles = ['operator', 'law_enforcement', 'regulator', 'mno', 'tpp', 'bankA'] as const;
      const expect: [string, string, (n: number) => unknown, Record<(typeof roles)[number], number>][] = [
        [
          'POST',
          `${K}/proposals`,
          (n) => article({ articleId: `authz-new-${n}` }),
          { operator: 403, law_enforcement: 201, regulator: 403, mno: 201, tpp: 403, bankA: 201 },
        ],
        [
          'GET',
          `${K}/proposals`,
          () => undefined,
          { operator: 200, law_enforcement: 200, regulator: 403, mno: 200, tpp: 403, bankA: 200 },
        ],
        [
          'GET',
          `${K}/proposals/${id}`,
          () => undefined,
          { operator: 200, law_enforcement: 404, regulator: 403, mno: 200, tpp: 403, bankA: 404 },
        ],
        [
          'POST',
          `${K}/proposals/${id}/withdraw`,
          () => ({ reason: 'probing the roles' }),
          { operator: 403, law_enforcement: 404, regulator: 403, mno: 409, tpp: 403, bankA: 404 },
        ],
        [
          'POST',
          `${K}/proposals/${rejectable.body.id}/reject`,
          () => ({ reason: 'probing the roles' }),
          { operator: 409, law_enforcement: 403, regulator: 403, mno: 403, tpp: 403, bankA: 403 },
        ],
        [
          'POST',
          `${K}/proposals/${id}/publish`,
          () => ({}),
          { operator: 409, law_enforcement: 403, regulator: 403, mno: 403, tpp: 403, bankA: 403 },
        ],
        ...(['/articles', '/articles/fake-bank-call', '/articles/fake-bank-call/versions', '/tags'].map((p) => [
          'GET',
          `${K}${p}`,
          () => undefined,
          { operator: 200, law_enforcement: 200, regulator: 200, mno: 200, tpp: 200, bankA: 200 },
        ]) as [string, string, () => unknown, Record<(typeof roles)[number], number>][]),
      ];
      // the withdrawal and the rejection go first for their owners, so that the others then meet a decided proposal
      await t.call('POST', `${K}/proposals/${id}/withdraw`, { ...who.mno, body: { reason: 'first withdrawal' } });
      await t.call('POST', `${K}/proposals/${rejectable.body.id}/reject`, {
        ...who.operator,
        body: { reason: 'first rejection' },
      });
      let n = 0;
      for (const [method, path, body, byRole] of expect) {
        for (const role of roles) {
          const r = await t.call(method, path, { ...who[role], body: body(++n) });
          assert.equal(r.status, byRole[role], `${role} ${method} ${path}: ${JSON.stringify(r.body)}`);
        }
        const anonymous = await t.call(method, path, { body: body(++n) });
        assert.equal(anonymous.status, 401, `anonymous ${method} ${path}`);
      }
    });

    it('bad input is refused naming the field, and nothing is proposed or decided', async () => {
      const before = await proposals();
      const cases: [Record<string, unknown>, string][] = [
        [article({ articleId: 'Bad Slug' }), '/articleId'],
        [article({ articleId: 'bad-input', tags: ['nonsense'] }), '/tags/0'],
        [article({ articleId: 'bad-input', tags: [] }), '/tags'],
        [article({ articleId: 'bad-input', title: '' }), '/title'],
        [article({ articleId: 'bad-input', indicators: [] }), '/indicators'],
        [article({ articleId: 'bad-input', actions: ['ok', 5] }), '/actions/1'],
        [article({ articleId: 'bad-input', indicators: ['same', 'SAME'] }), '/indicators/1'],
        [article({ articleId: 'bad-input', baseVersion: 0 }), '/baseVersion'],
        [article({ articleId: 'fake-bank-call', baseVersion: 9 }), '/baseVersion'],
        [article({ articleId: 'bad-input', body: '   ' }), '/body'],
        [article({ articleId: 'bad-input', extra: true }), '/extra'],
        [{ ...article({ articleId: 'bad-input' }), title: undefined }, '/title'],
      ];
      for (const [body, field] of cases) {
        problem(await t.call('POST', `${K}/proposals`, { ...who.bankA, body }), 400, field);
      }
      // a new version on a stale base, or a second article under a taken slug: 409
      problem(
        await t.call('POST', `${K}/proposals`, { ...who.bankA, body: article({ articleId: 'fake-bank-call' }) }),
        409,
      );
      problem(
        await t.call('POST', `${K}/proposals`, {
          ...who.bankA,
          body: article({ articleId: 'fake-bank-call', baseVersion: 1 }),
        }),
        409,
      );
      assert.equal(await proposals(), before);

      const p = await t.call('POST', `${K}/proposals`, { ...who.bankA, body: article({ articleId: 'bad-decisions' }) });
      const versionsBefore = (await t.call('GET', `${K}/articles?limit=500`, who.tpp!)).body.items.length;
      problem(
        await t.call('POST', `${K}/proposals/${p.body.id}/reject`, { ...who.operator, body: { reason: 'no' } }),
        400,
        '/reason',
      );
      problem(
        await t.call('POST', `${K}/proposals/${p.body.id}/reject`, { ...who.operator, body: {} }),
        400,
        '/reason',
      );
      problem(
        await t.call('POST', `${K}/proposals/${p.body.id}/publish`, { ...who.operator, body: { extra: 1 } }),
        400,
        '/extra',
      );
      problem(await t.call('GET', `${K}/articles?tag=nonsense`, who.tpp!), 400, 'querystring/tag');
      problem(await t.call('GET', `${K}/articles?limit=0`, who.tpp!), 400, 'querystring/limit');
      problem(await t.call('GET', `${K}/articles/fake-bank-call/versions/x`, who.tpp!), 400, 'params/version');
      problem(await t.call('POST', `${K}/proposals/${p.body.id}/publish`, { ...who.operator, key: '', body: {} }), 400);
      const still = await t.call('GET', `${K}/proposals/${p.body.id}`, who.bankA!);
      assert.equal(still.body.status, 'pending');
      assert.equal((await t.call('GET', `${K}/articles?limit=500`, who.tpp!)).body.items.length, versionsBefore);
    });

    it('isolation: another bank never sees, withdraws or learns of a proposal that is not its own', async () => {
      const mine = await t.call('POST', `${K}/proposals`, {
        ...who.bankA,
        body: article({ articleId: 'bank-a-draft' }),
      });
      assert.equal(mine.status, 201);
      problem(await t.call('GET', `${K}/proposals/${mine.body.id}`, who.bankB!), 404);
      problem(await t.call('GET', `${K}/proposals/${mine.body.id}`, who.law_enforcement!), 404);
      problem(
        await t.call('POST', `${K}/proposals/${mine.body.id}/withdraw`, { ...who.bankB, body: { reason: 'not mine' } }),
        404,
      );
      for (const other of ['bankB', 'law_enforcement', 'mno'] as const) {
        const list = await t.call('GET', `${K}/proposals?limit=500`, who[other]!);
        assert.ok(
          list.body.items.every((p: { proposerId: string }) => p.proposerId !== mine.body.proposerId),
          `${other} sees only its own proposals`,
        );
      }
      const ownList = await t.call('GET', `${K}/proposals?status=pending&limit=500`, who.bankA!);
      assert.ok(ownList.body.items.some((p: { id: string }) => p.id === mine.body.id));
      // while pending, nobody reads it as an article
      problem(await t.call('GET', `${K}/articles/bank-a-draft`, who.bankA!), 404);
      const withdrawn = await t.call('POST', `${K}/proposals/${mine.body.id}/withdraw`, { ...who.bankA, body: {} });
      assert.equal(withdrawn.body.status, 'withdrawn');
    });
  });
}
