/** Compromised payment instruments at the service level on every engine. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  auditMigrations,
  listAudit,
  ManualClock,
  migrate,
  sequentialIds,
  verifyAudit,
  webhooksMigrations,
} from '../../platform/index.ts';
import { engines, freshDb } from '../../platform/testing.ts';
import { loadOrCreateMacKey } from '../identifiers.ts';
import { afcListsMigrations } from '../lists/migrations.ts';
import type { ListActor } from '../lists/service.ts';
import { cardToken, iban, OPERATOR, POLICE, refused } from '../testkit.ts';
import type { Issuer } from './domain/instrument.ts';
import { afcInstrumentsMigrations } from './migrations.ts';
import { AfcInstruments, type ReportInput } from './service.ts';
import { pan } from './testkit.ts';

const STEPPE: ListActor = { actor: 'cli_steppe', participantId: 'ptc_steppe', roles: ['bank', 'fraud_reporter'] };
const ALTYN: ListActor = { actor: 'cli_altyn', participantId: 'ptc_altyn', roles: ['bank', 'fraud_reporter'] };
const CASPIAN: ListActor = { actor: 'cli_caspian', participantId: 'ptc_caspian', roles: ['bank', 'fraud_reporter'] };
const MNO: ListActor = { actor: 'usr_mno', participantId: 'ptc_mno', roles: ['mno', 'fraud_reporter'] };
const TPP: ListActor = { actor: 'usr_tpp', participantId: 'ptc_tpp', roles: ['tpp', 'api_user'] };

const ISSUERS: Issuer[] = [
  { participantId: 'ptc_steppe', bic: 'STPPKZKA', binRanges: ['440001-440099'] },
  { participantId: 'ptc_altyn', bic: 'ALTNKZKA', binRanges: ['440100-440199'] },
  { participantId: 'ptc_caspian', bic: 'CSPNKZKA', binRanges: ['440200-440299'] },
];
const STEPPE_BIN = '440001';
const ALTYN_BIN = '440150';

const card = (p: string, extra: Partial<ReportInput> = {}): ReportInput => ({
  kind: 'card',
  pan: p,
  compromise: 'skimming',
  source: 'ATM skimmer, Abay ave 10',
  detectedOn: '2026-01-03',
  ...extra,
});

async function setup(engine: 'sqlite' | 'postgres') {
  const t = await freshDb(engine);
  await migrate(t.db, [auditMigrations, webhooksMigrations, afcListsMigrations, afcInstrumentsMigrations]);
  const clock = new ManualClock();
  const svc = new AfcInstruments({
    db: t.db,
    clock,
    ids: sequentialIds(),
    issuers: async () => ISSUERS,
    issuersCacheMs: 0,
  });
  const hooks = async (eventType = 'afc.instrument.reported') =>
    (
      await t.db.query<{ participant_id: string; payload: string }>(
        'SELECT participant_id, payload FROM webhook_deliveries WHERE event_type = $1 ORDER BY id',
        [eventType],
      )
    ).map((h) => ({ to: h.participant_id, payload: JSON.parse(h.payload) }));
  const head = async () =>
    Number((await t.db.query<{ version: bigint }>('SELECT version FROM afc_instrument_head'))[0]!.version);
  /** Every text the database holds, for looking for card numbers. */
  const dump = async () => {
    const out: string[] = [];
    for (const table of ['afc_instruments', 'webhook_deliveries', 'audit_log']) {
      out.push(JSON.stringify(await t.db.query(`SELECT * FROM ${table}`), (_k, v) => (typeof v === 'bigint' ? 0 : v)));
    }
    return out.join('\n');
  };
  return { ...t, clock, svc, hooks, head, dump };
}

for (const engine of engines()) {
  describe(`AFC compromised instruments on ${engine}`, () => {
    it('reports cards and accounts: no card number kept, issuers found and told, one version each, audited', async () => {
      const t = await setup(engine);
      try {
        const p1 = pan(STEPPE_BIN, 1);
        const p2 = pan(ALTYN_BIN, 2);
        const r = await t.svc.report(MNO, [
          card(p1),
          card(p2, { compromise: 'phishing_kit', source: 'phishing kit at fake-bank.example' }),
          {
            kind: 'card',
            token: cardToken(3),
            bin: ALTYN_BIN,
            last4: '4242',
            compromise: 'malware',
            source: 'banking trojan C2 dump',
            detectedOn: '2026-01-04',
          },
          {
            kind: 'account',
            iban: iban(4),
            bic: 'CSPNKZKA',
            compromise: 'data_breach',
            source: 'leak',
            detectedOn: '2026-01-02',
          },
          { kind: 'account', iban: iban(5), compromise: 'lost_stolen', source: 'leak', detectedOn: '2026-01-02' },
        ]);
        assert.deepEqual([r.fromVersion, r.version, r.count, r.unchanged, r.ids.length], [1, 5, 5, 0, 5]);
        const dump = await t.dump();
        for (const p of [p1, p2]) assert.ok(!dump.includes(p), 'no card number anywhere in the database');

        const e1 = await t.svc.get(STEPPE, r.ids[0]!);
        assert.deepEqual(
          [e1.kind, e1.bin, e1.last4, e1.card, e1.issuerId, e1.reporterId, e1.version],
          ['card', p1.slice(0, 8), p1.slice(-4), `${p1.slice(0, 8)}******${p1.slice(-4)}`, 'ptc_steppe', 'ptc_mno', 1],
        );
        const key = await loadOrCreateMacKey(t.db, t.clock);
        assert.equal(e1.mac, key.ofInput(`pan:${p1}`));
        assert.equal((await t.svc.get(ALTYN, r.ids[2]!)).mac, key.of('card', cardToken(3)), 'a token has its list MAC');
        assert.equal((await t.svc.get(CASPIAN, r.ids[3]!)).mac, key.of('account', iban(4)));
        assert.equal((await t.svc.get(OPERATOR, r.ids[4]!)).issuerId, null, 'an account without its bank: no issuer');

        // one webhook per issuer, with its own instruments only
        const hooks = await t.hooks();
        assert.deepEqual(
          hooks.map((h) => [h.to, h.payload.reports.map((x: { id: string }) => x.id)]),
          [
            ['ptc_steppe', [r.ids[0]]],
            ['ptc_altyn', [r.ids[1], r.ids[2]]],
            ['ptc_caspian', [r.ids[3]]],
          ],
        );
        const [audit] = await listAudit(t.db, { action: 'afc.instrument.reported', limit: 10 });
        assert.deepEqual([audit!.actor, (audit!.details as { count: number }).count], ['usr_mno', 5]);
        assert.equal((await verifyAudit(t.db)).ok, true);
      } finally {
        await t.cleanup();
      }
    });

    it('the same report again changes nothing; new details or a withdrawn report take a new version of the same report', async () => {
      const t = await setup(engine);
      try {
        const p = pan(STEPPE_BIN, 7);
        const first = await t.svc.report(ALTYN, [card(p)]);
        const again = await t.svc.report(ALTYN, [card(p.replace(/(\d{4})/g, '$1 ').trim())]);
        assert.deepEqual([again.count, again.unchanged, again.fromVersion, again.version], [0, 1, null, 1]);
        assert.deepEqual(again.ids, first.ids);
        const changed = await t.svc.report(ALTYN, [card(p, { compromise: 'data_breach' })]);
        assert.deepEqual([changed.count, changed.version, changed.ids], [1, 2, first.ids]);
        const other = await t.svc.report(ALTYN, [card(p, { source: 'another source' })]);
        assert.notEqual(other.ids[0], first.ids[0], 'another source is another report');
        await t.svc.withdraw(ALTYN, first.ids[0]!, 'the customer found the card');
        const back = await t.svc.report(ALTYN, [card(p, { compromise: 'data_breach' })]);
        assert.deepEqual([back.count, back.ids], [1, first.ids]);
        assert.equal((await t.svc.get(STEPPE, first.ids[0]!)).status, 'active');
        // an issuer's own report is not sent back to it
        await t.svc.report(STEPPE, [card(pan(STEPPE_BIN, 8))]);
        assert.ok(
          (await t.hooks()).every((h) => h.to === 'ptc_steppe' && h.payload.reports[0].reporterId === 'ptc_altyn'),
        );
      } finally {
        await t.cleanup();
      }
    });

    it('bad reports are refused naming the instrument and field; nothing is recorded', async () => {
      const t = await setup(engine);
      try {
        const good = (i: number) => card(pan(STEPPE_BIN, i));
        const batch = (bad: ReportInput, at = 3) =>
          Array.from({ length: 6 }, (_, i) => (i === at ? bad : good(100 + i)));
        const p = pan(STEPPE_BIN, 9);
        const cases: [ReportInput[], string][] = [
          [batch(card(`${p.slice(0, -1)}${(Number(p.slice(-1)) + 1) % 10}`)), '/instruments/3/pan'],
          [batch(card(p, { compromise: 'hacked' })), '/instruments/3/compromise'],
          [batch(card(p, { source: '   ' })), '/instruments/3/source'],
          [batch(card(p, { detectedOn: '2026-01-09' })), '/instruments/3/detectedOn'],
          [batch(card(p, { detectedOn: '2026-02-30' })), '/instruments/3/detectedOn'],
          [batch({ ...card(p), kind: 'phone' }), '/instruments/3/kind'],
          [batch({ ...good(100), source: 'ATM skimmer,  Abay ave 10' }), '/instruments/3'],
          [[], '/instruments'],
        ];
        for (const [inputs, field] of cases) {
          assert.deepEqual(await refused(() => t.svc.report(MNO, inputs)), { type: 'validation', field });
        }
        const tooMany = Array.from({ length: 10_001 }, (_, i) => good(i));
        assert.deepEqual(await refused(() => t.svc.report(MNO, tooMany)), {
          type: 'validation',
          field: '/instruments',
        });
        assert.equal((await refused(() => t.svc.report(TPP, [good(1)]))).type, 'forbidden');
        assert.equal(await t.head(), 0);
        assert.equal((await t.svc.list(OPERATOR, { limit: 10 })).items.length, 0);
        assert.equal((await t.hooks()).length, 0);
      } finally {
        await t.cleanup();
      }
    });

    it('check: any bank learns whether an instrument is compromised; the reports only where it may see them', async () => {
      const t = await setup(engine);
      try {
        const p = pan(ALTYN_BIN, 11);
        const r = await t.svc.report(MNO, [
          card(p),
          {
            kind: 'account',
            iban: iban(12),
            bic: 'STPPKZKA',
            compromise: 'malware',
            source: 's',
            detectedOn: '2026-01-01',
          },
        ]);
        await t.svc.report(STEPPE, [card(p, { compromise: 'data_breach', detectedOn: '2025-12-20', source: 'x' })]);
        const byCaspian = await t.svc.check(CASPIAN, { kind: 'card', pan: p });
        assert.deepEqual(
          [
            byCaspian.compromised,
            byCaspian.reports,
            byCaspian.compromiseTypes,
            byCaspian.firstDetectedOn,
            byCaspian.lastDetectedOn,
          ],
          [true, 2, ['data_breach', 'skimming'], '2025-12-20', '2026-01-03'],
        );
        assert.deepEqual(byCaspian.entries, [], 'another bank’s instrument: no reports shown');
        assert.equal((await t.svc.check(ALTYN, { kind: 'card', pan: p })).entries.length, 2, 'the issuer sees both');
        assert.deepEqual(
          (await t.svc.check(STEPPE, { kind: 'card', pan: p })).entries.map((e) => e.reporterId),
          ['ptc_steppe'],
          'a reporter sees its own report',
        );
        assert.equal((await t.svc.check(POLICE, { kind: 'card', pan: p })).entries.length, 2);
        assert.equal((await t.svc.check(CASPIAN, { kind: 'account', iban: iban(12) })).compromised, true);
        assert.equal((await t.svc.check(CASPIAN, { kind: 'card', pan: pan(ALTYN_BIN, 99) })).compromised, false);
        await t.svc.withdraw(OPERATOR, r.ids[0]!, 'reported by mistake');
        const after = await t.svc.check(CASPIAN, { kind: 'card', pan: p });
        assert.deepEqual([after.compromised, after.reports, after.compromiseTypes], [true, 1, ['data_breach']]);
        const checks = await listAudit(t.db, { action: 'afc.instrument.checked', limit: 100 });
        assert.equal(checks.length, 7);
        assert.ok(!JSON.stringify(checks.map((c) => c.details)).includes(p), 'checks are audited by MAC');
        assert.deepEqual(await refused(() => t.svc.check(CASPIAN, { kind: 'card', pan: '4400' })), {
          type: 'validation',
          field: '/pan',
        });
      } finally {
        await t.cleanup();
      }
    });

    it('isolation: a bank reads its instruments’ reports and its own, never another bank’s; the feed too', async () => {
      const t = await setup(engine);
      try {
        const a = await t.svc.report(MNO, [card(pan(STEPPE_BIN, 21)), card(pan(ALTYN_BIN, 22))]);
        const b = await t.svc.report(CASPIAN, [card(pan(ALTYN_BIN, 23))]);
        const ids = async (v: ListActor) => (await t.svc.list(v, { limit: 100 })).items.map((e) => e.id);
        assert.deepEqual(await ids(STEPPE), [a.ids[0]]);
        assert.deepEqual(await ids(ALTYN), [a.ids[1], b.ids[0]]);
        assert.deepEqual(await ids(CASPIAN), [b.ids[0]]);
        assert.deepEqual((await ids(MNO)).length, 2);
        assert.deepEqual((await ids(POLICE)).length, 3);
        assert.equal((await refused(() => t.svc.get(STEPPE, a.ids[1]!))).type, 'not-found');
        assert.equal((await refused(() => t.svc.get(STEPPE, 'cpi_nope'))).type, 'not-found');
        assert.equal((await refused(() => t.svc.withdraw(STEPPE, a.ids[1]!, 'not mine at all'))).type, 'not-found');
        assert.equal((await refused(() => t.svc.withdraw(ALTYN, b.ids[0]!, 'the issuer may not'))).type, 'forbidden');
        assert.equal((await refused(() => t.svc.withdraw(POLICE, b.ids[0]!, 'nor law enforcement'))).type, 'forbidden');

        const feed = await t.svc.changes(STEPPE, { since: 0, limit: 100 });
        assert.deepEqual(
          [feed.items.map((e) => e.id), feed.latestVersion, feed.next, feed.hasMore],
          [[a.ids[0]], 3, 3, false],
        );
        await t.svc.withdraw(MNO, a.ids[0]!, 'duplicate of another report');
        const delta = await t.svc.changes(STEPPE, { since: feed.next, limit: 100 });
        assert.deepEqual(
          delta.items.map((e) => [e.id, e.status, e.version]),
          [[a.ids[0], 'withdrawn', 4]],
        );
        const [gone] = await t.hooks('afc.instrument.withdrawn');
        assert.deepEqual([gone!.to, gone!.payload.reports[0].status], ['ptc_steppe', 'withdrawn']);
        // paging: the police see every version in order
        const p1 = await t.svc.changes(POLICE, { since: 0, limit: 2 });
        assert.deepEqual([p1.items.map((e) => e.version), p1.next, p1.hasMore], [[2, 3], 3, true]);
        const p2 = await t.svc.changes(POLICE, { since: p1.next, limit: 2 });
        assert.deepEqual([p2.items.map((e) => e.version), p2.next, p2.hasMore], [[4], 4, false]);
        assert.deepEqual(await refused(() => t.svc.changes(STEPPE, { since: 5, limit: 1 })), {
          type: 'validation',
          field: 'querystring/since',
        });
      } finally {
        await t.cleanup();
      }
    });

    it('10,000 instruments in one report: one commit, one version each, issuers told in deliveries of 500', async () => {
      const t = await setup(engine);
      try {
        const inputs = Array.from({ length: 10_000 }, (_, i) =>
          card(pan(i % 2 === 0 ? STEPPE_BIN : ALTYN_BIN, 1000 + i), { source: 'breach of shop.example' }),
        );
        const started = performance.now();
        const r = await t.svc.report(POLICE, inputs);
        const ms = performance.now() - started;
        assert.deepEqual([r.fromVersion, r.version, r.count, new Set(r.ids).size], [1, 10_000, 10_000, 10_000]);
        assert.ok(ms < 30_000, `took ${ms} ms`);
        const hooks = await t.hooks();
        assert.equal(hooks.length, 20);
        assert.deepEqual([...new Set(hooks.map((h) => h.to))].sort(), ['ptc_altyn', 'ptc_steppe']);
        const seen = await t.svc.changes(ALTYN, { since: 0, limit: 10_000 });
        assert.equal(seen.items.length, 5000);
        assert.ok(seen.items.every((e) => e.issuerId === 'ptc_altyn'));
        const again = await t.svc.report(POLICE, inputs);
        assert.deepEqual([again.count, again.unchanged], [0, 10_000]);
      } finally {
        await t.cleanup();
      }
    });

    it('concurrent reports take contiguous versions; a follower of the feed converges', async () => {
      const t = await setup(engine);
      try {
        const reporters = [MNO, STEPPE, ALTYN, CASPIAN];
        await Promise.all(
          reporters.map((who, k) =>
            t.svc.report(
              who,
              Array.from({ length: 25 }, (_, i) => card(pan(STEPPE_BIN, k * 100 + i))),
            ),
          ),
        );
        let since = 0;
        const versions: number[] = [];
        for (;;) {
          const page = await t.svc.changes(OPERATOR, { since, limit: 7 });
          versions.push(...page.items.map((e) => e.version));
          since = page.next;
          if (!page.hasMore) break;
        }
        assert.deepEqual(
          versions,
          Array.from({ length: 100 }, (_, i) => i + 1),
        );
      } finally {
        await t.cleanup();
      }
    });
  });
}
