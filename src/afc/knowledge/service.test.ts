/** The knowledge base at the service level on every engine: propose, publish, reject, history, search, isolation. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  auditMigrations,
  type DomainError,
  listAudit,
  ManualClock,
  migrate,
  sequentialIds,
  verifyAudit,
  webhooksMigrations,
} from '../../platform/index.ts';
import { engines, freshDb } from '../../platform/testing.ts';
import { BANK_A, BANK_B, OPERATOR, POLICE, REGULATOR, refused } from '../testkit.ts';
import { afcKnowledgeMigrations } from './migrations.ts';
import { AfcKnowledge, contentDigest, type ProposalInput } from './service.ts';

const article = (over: Partial<ProposalInput> = {}): ProposalInput => ({
  articleId: 'sim-swap-otp',
  title: 'SIM swap to intercept one-time codes',
  tags: ['sim_swap', 'account_takeover'],
  body: '# How it works\n\nThe fraudster has the victim’s number moved to a new SIM.',
  indicators: ['login from a new device within 24 h of a SIM change'],
  actions: ['hold outgoing transfers for 24 h after a SIM change'],
  ...over,
});

async function setup(engine: 'sqlite' | 'postgres') {
  const t = await freshDb(engine);
  await migrate(t.db, [auditMigrations, webhooksMigrations, afcKnowledgeMigrations]);
  const clock = new ManualClock();
  const kb = new AfcKnowledge({ db: t.db, clock, ids: sequentialIds() });
  const count = async (table: string) =>
    Number((await t.db.query<{ n: bigint }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);
  return { ...t, clock, kb, count };
}

for (const engine of engines()) {
  describe(`AFC knowledge base on ${engine}`, () => {
    it('a bank proposes, the operator publishes; a revision becomes version 2; history keeps both unchanged', async () => {
      const t = await setup(engine);
      try {
        const p1 = await t.kb.propose(BANK_A, article({ note: 'first draft' }));
        assert.deepEqual([p1.status, p1.baseVersion, p1.proposerId], ['pending', null, 'ptc_a']);
        assert.equal(await t.count('afc_kb_articles'), 0, 'nothing is published by proposing');
        await assert.rejects(t.kb.article('sim-swap-otp'), (e: DomainError) => e.type === 'not-found');
        const pub = await t.kb.publish(OPERATOR, p1.id);
        assert.deepEqual([pub.status, pub.publishedVersion, pub.decidedBy], ['published', 1, 'usr_ops']);
        const v1 = await t.kb.article('sim-swap-otp');
        assert.deepEqual([v1.version, v1.title, v1.note, v1.proposerId], [1, p1.title, 'first draft', 'ptc_a']);

        t.clock.advance(60_000);
        const p2 = await t.kb.propose(
          POLICE,
          article({ baseVersion: 1, title: 'SIM swap: intercepting one-time codes', tags: ['sim_swap'] }),
        );
        await t.kb.publish(OPERATOR, p2.id, { note: 'clarified by the prosecutor' });
        const latest = await t.kb.article('sim-swap-otp');
        assert.deepEqual([latest.version, latest.note, latest.tags], [2, 'clarified by the prosecutor', ['sim_swap']]);
        const history = await t.kb.history('sim-swap-otp');
        assert.deepEqual(
          history.map((v) => [v.version, v.title]),
          [
            [1, 'SIM swap to intercept one-time codes'],
            [2, 'SIM swap: intercepting one-time codes'],
          ],
        );
        assert.deepEqual(await t.kb.article('sim-swap-otp', 1), v1, 'version 1 is as it was published');

        // every step is audited, and the audit commits to each published version's content
        const audit = await listAudit(t.db, { entity: 'afc_kb_proposal', limit: 100 });
        assert.deepEqual(audit.map((e) => e.action).sort(), [
          'afc.knowledge.proposed',
          'afc.knowledge.proposed',
          'afc.knowledge.published',
          'afc.knowledge.published',
        ]);
        const published = audit.find((e) => e.seq === BigInt(v1.auditSeq))!;
        assert.equal((published.details as { contentDigest: string }).contentDigest, contentDigest(v1));
        assert.equal((await verifyAudit(t.db)).ok, true);
        // the proposers are told
        const hooks = await t.db.query<{ participant_id: string; payload: string }>(
          `SELECT participant_id, payload FROM webhook_deliveries WHERE event_type = 'afc.knowledge.proposal' ORDER BY participant_id`,
        );
        assert.deepEqual(
          hooks.map((h) => [h.participant_id, JSON.parse(h.payload).publishedVersion]),
          [
            ['ptc_a', 1],
            ['ptc_pol', 2],
          ],
        );
      } finally {
        await t.cleanup();
      }
    });

    it('published versions are immutable in the database itself', async () => {
      const t = await setup(engine);
      try {
        await t.kb.publish(OPERATOR, (await t.kb.propose(BANK_A, article())).id);
        await assert.rejects(
          t.db.transaction((tx) => tx.exec(`UPDATE afc_kb_versions SET body = 'edited' WHERE version = 1`)),
          /immutable/,
        );
        await assert.rejects(
          t.db.transaction((tx) => tx.exec('DELETE FROM afc_kb_versions')),
          /immutable/,
        );
        assert.match((await t.kb.article('sim-swap-otp')).body, /^# How it works/);
      } finally {
        await t.cleanup();
      }
    });

    it('stale and conflicting proposals: a revision on an old version and a second article under a taken slug are refused', async () => {
      const t = await setup(engine);
      try {
        const first = await t.kb.propose(BANK_A, article());
        const rival = await t.kb.propose(BANK_B, article({ title: 'Another SIM swap article' }));
        await t.kb.publish(OPERATOR, first.id);
        assert.equal((await refused(() => t.kb.publish(OPERATOR, rival.id))).type, 'conflict');
        assert.equal(
          (await t.kb.proposal(OPERATOR, rival.id)).status,
          'pending',
          'a refused publication changes nothing',
        );
        assert.equal((await refused(() => t.kb.propose(BANK_B, article()))).type, 'conflict');

        const r1 = await t.kb.propose(BANK_A, article({ baseVersion: 1, title: 'Revision A' }));
        const r2 = await t.kb.propose(BANK_B, article({ baseVersion: 1, title: 'Revision B' }));
        await t.kb.publish(OPERATOR, r2.id);
        assert.equal((await refused(() => t.kb.publish(OPERATOR, r1.id))).type, 'conflict');
        assert.equal((await refused(() => t.kb.propose(BANK_A, article({ baseVersion: 1 })))).type, 'conflict');
        assert.deepEqual(await refused(() => t.kb.propose(BANK_A, article({ baseVersion: 3 }))), {
          type: 'validation',
          field: '/baseVersion',
        });
        assert.equal(
          (await refused(() => t.kb.propose(BANK_A, article({ articleId: 'no-such-article', baseVersion: 1 })))).type,
          'not-found',
        );
        assert.equal((await t.kb.article('sim-swap-otp')).title, 'Revision B');
        assert.deepEqual(
          (await t.kb.history('sim-swap-otp')).map((v) => v.version),
          [1, 2],
        );
      } finally {
        await t.cleanup();
      }
    });

    it('two publications racing on one article: one wins, versions stay 1, 2', async () => {
      const t = await setup(engine);
      try {
        await t.kb.publish(OPERATOR, (await t.kb.propose(BANK_A, article())).id);
        const a = await t.kb.propose(BANK_A, article({ baseVersion: 1, title: 'A' }));
        const b = await t.kb.propose(BANK_B, article({ baseVersion: 1, title: 'B' }));
        const outcomes = await Promise.allSettled([
          t.kb.publish(OPERATOR, a.id),
          t.kb.publish(OPERATOR, b.id),
          t.kb.publish(OPERATOR, a.id),
        ]);
        assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
        assert.deepEqual(
          (await t.kb.history('sim-swap-otp')).map((v) => v.version),
          [1, 2],
        );
      } finally {
        await t.cleanup();
      }
    });

    it('rejections and withdrawals: with a reason, by the right party, only while pending; nothing is published', async () => {
      const t = await setup(engine);
      try {
        const p = await t.kb.propose(BANK_A, article());
        assert.deepEqual(await refused(() => t.kb.reject(OPERATOR, p.id, 'no')), {
          type: 'validation',
          field: '/reason',
        });
        assert.equal((await refused(() => t.kb.reject(BANK_A, p.id, 'not mine to reject'))).type, 'forbidden');
        assert.equal((await refused(() => t.kb.publish(BANK_A, p.id))).type, 'forbidden');
        assert.equal((await refused(() => t.kb.withdraw(OPERATOR, p.id))).type, 'forbidden');
        const rejected = await t.kb.reject(OPERATOR, p.id, 'duplicates the article on OTP interception');
        assert.deepEqual(
          [rejected.status, rejected.reason],
          ['rejected', 'duplicates the article on OTP interception'],
        );
        assert.equal((await refused(() => t.kb.publish(OPERATOR, p.id))).type, 'state');
        assert.equal((await refused(() => t.kb.withdraw(BANK_A, p.id))).type, 'state');

        const q = await t.kb.propose(BANK_A, article({ articleId: 'another-one' }));
        assert.equal((await t.kb.withdraw(BANK_A, q.id)).status, 'withdrawn');
        assert.equal(await t.count('afc_kb_versions'), 0);
        const [hook] = await t.db.query<{ payload: string }>(
          `SELECT payload FROM webhook_deliveries WHERE event_type = 'afc.knowledge.proposal'`,
        );
        assert.equal(JSON.parse(hook!.payload).status, 'rejected', 'the proposer learns of the rejection only');
      } finally {
        await t.cleanup();
      }
    });

    it('isolation: proposals are seen by their proposer and the operator only; published articles by everyone', async () => {
      const t = await setup(engine);
      try {
        const a = await t.kb.propose(BANK_A, article());
        const b = await t.kb.propose(BANK_B, article({ articleId: 'fake-broker' }));
        assert.equal((await refused(() => t.kb.proposal(BANK_B, a.id))).type, 'not-found');
        assert.equal((await refused(() => t.kb.proposal(REGULATOR, a.id))).type, 'not-found');
        assert.equal((await refused(() => t.kb.withdraw(BANK_B, a.id))).type, 'not-found');
        assert.deepEqual(
          (await t.kb.proposals(BANK_A, { limit: 10 })).map((p) => p.id),
          [a.id],
        );
        assert.deepEqual(
          (await t.kb.proposals(REGULATOR, { limit: 10 })).map((p) => p.id),
          [],
        );
        assert.deepEqual(
          (await t.kb.proposals(OPERATOR, { limit: 10 })).map((p) => p.id),
          [a.id, b.id],
        );
        assert.deepEqual(
          (await t.kb.proposals(OPERATOR, { limit: 10, status: 'pending', after: a.id })).map((p) => p.id),
          [b.id],
        );
        assert.equal(
          (await refused(() => t.kb.propose(OPERATOR, article({ articleId: 'ops-own' })))).type,
          'forbidden',
        );
        assert.equal(
          (await refused(() => t.kb.propose(REGULATOR, article({ articleId: 'reg-own' })))).type,
          'forbidden',
        );
      } finally {
        await t.cleanup();
      }
    });

    it('search by words (any case, Cyrillic too) and tags over the latest versions', async () => {
      const t = await setup(engine);
      try {
        const publish = async (over: Partial<ProposalInput>) =>
          t.kb.publish(OPERATOR, (await t.kb.propose(BANK_A, article(over))).id);
        await publish({});
        await publish({
          articleId: 'fake-broker',
          title: 'Фальшивый брокер: «инвестиции» с гарантированным доходом',
          tags: ['investment_scam', 'social_engineering'],
          body: 'Жертве звонит «менеджер» и обещает 30 % в месяц; 100% гарантия.',
          indicators: ['переводы на криптобиржу'],
          actions: ['предупредить клиента'],
        });
        await publish({
          articleId: 'mule-students',
          title: 'Students recruited as money mules',
          tags: ['mule', 'money_laundering'],
          indicators: ['many small credits followed by one cash withdrawal'],
          actions: ['review the account'],
        });
        const ids = async (f: Parameters<AfcKnowledge['search']>[0]) => (await t.kb.search(f)).map((a) => a.id);
        assert.deepEqual(await ids({ limit: 10 }), ['fake-broker', 'mule-students', 'sim-swap-otp']);
        assert.deepEqual(await ids({ q: 'ФАЛЬШИВЫЙ брокер', limit: 10 }), ['fake-broker']);
        assert.deepEqual(await ids({ q: '100%', limit: 10 }), ['fake-broker']);
        assert.deepEqual(await ids({ q: '3_', limit: 10 }), [], '_ is not a wildcard');
        assert.deepEqual(await ids({ q: 'жертве%в', limit: 10 }), [], '% is not a wildcard');
        assert.deepEqual(await ids({ q: 'sim hold', limit: 10 }), ['sim-swap-otp']);
        assert.deepEqual(await ids({ q: 'NEW sim', limit: 10 }), ['mule-students', 'sim-swap-otp']);
        assert.deepEqual(await ids({ tags: ['mule'], limit: 10 }), ['mule-students']);
        assert.deepEqual(await ids({ tags: ['sim_swap', 'account_takeover'], limit: 10 }), ['sim-swap-otp']);
        assert.deepEqual(await ids({ tags: ['sim_swap', 'mule'], limit: 10 }), []);
        assert.deepEqual(await ids({ q: 'review', tags: ['mule'], limit: 10 }), ['mule-students']);
        assert.deepEqual(await ids({ limit: 1, after: 'fake-broker' }), ['mule-students']);
        assert.deepEqual(await refused(() => t.kb.search({ tags: ['nope'], limit: 1 })), {
          type: 'validation',
          field: 'querystring/tag/0',
        });
        // a new version moves the article's tags and text
        await publish({ baseVersion: 1, tags: ['phishing'], body: 'Now about phishing pages.' });
        assert.deepEqual(await ids({ tags: ['sim_swap'], limit: 10 }), []);
        assert.deepEqual(await ids({ q: 'phishing pages', limit: 10 }), ['sim-swap-otp']);
        const tags = await t.kb.tags();
        assert.equal(tags.find((x) => x.tag === 'phishing')?.articles, 1);
        assert.equal(tags.find((x) => x.tag === 'sim_swap')?.articles, 0);
      } finally {
        await t.cleanup();
      }
    });
  });
}
