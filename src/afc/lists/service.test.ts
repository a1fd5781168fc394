import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  auditMigrations,
  type DomainError,
  eventsMigrations,
  listAudit,
  ManualClock,
  migrate,
  verifyAudit,
  webhooksMigrations,
} from '../../platform/index.ts';
import { engines, freshDb } from '../../platform/testing.ts';
import { AfcScreening, ipsScreening } from '../screening/service.ts';
import { iban, iin, imei, phone } from '../testkit.ts';
import { afcListsMigrations } from './migrations.ts';
import { AfcLists, type ListActor } from './service.ts';

const OPERATOR: ListActor = { actor: 'usr_ops', participantId: 'ptc_ops', roles: ['operator', 'oversight'] };
const POLICE: ListActor = { actor: 'usr_pol', participantId: 'ptc_pol', roles: ['law_enforcement', 'fraud_decider'] };
const BANK: ListActor = { actor: 'cli_bank', participantId: 'ptc_bank', roles: ['bank', 'payments', 'fraud_reporter'] };
const REGULATOR: ListActor = { actor: 'usr_reg', participantId: 'ptc_reg', roles: ['regulator', 'oversight'] };
const DAY = 86_400_000;

async function setup(engine: 'sqlite' | 'postgres') {
  const t = await freshDb(engine);
  await migrate(t.db, [auditMigrations, eventsMigrations, webhooksMigrations, afcListsMigrations]);
  const clock = new ManualClock();
  const recipients = ['ptc_bank', 'ptc_mno'];
  const lists = new AfcLists({
    db: t.db,
    clock,
    recipients: async () => recipients,
    options: { pollMs: 0, sweepMs: 0 },
  });
  await lists.start();
  const screening = new AfcScreening({ lists, db: t.db, clock });
  const audits = async (action: string) => listAudit(t.db, { action, limit: 1000 });
  const count = async (table: string) =>
    Number((await t.db.query<{ n: bigint }>(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);
  const screen = (creditor: Record<string, string>, debtor: Record<string, string> = {}) =>
    screening.screen({ creditor, debtor });
  return {
    ...t,
    clock,
    lists,
    screening,
    audits,
    count,
    screen,
    close: async () => {
      await lists.stop();
      await t.cleanup();
    },
  };
}

const is = (status: number, field?: string) => (e: DomainError) => {
  assert.equal(e.status, status, e.message);
  if (field) assert.equal(e.issues[0]?.field, field);
  return true;
};

for (const engine of engines()) {
  describe(`AFC lists on ${engine}`, () => {
    it('adds entries: one version per change, change log, audit, event and webhooks in one commit; screening sees them at once', async () => {
      const t = await setup(engine);
      try {
        const r = await t.lists.addEntries(OPERATOR, [
          { kind: 'account', value: iban(1), status: 'suspect', source: 'inc_1', reason: 'reported by a bank' },
          { kind: 'phone', value: '8 701 000 00 02', status: 'suspect', source: 'inc_1' },
        ]);
        assert.deepEqual([r.fromVersion, r.version, r.count], [1, 2, 2]);
        assert.equal(r.entries[1]!.value, phone(2), 'stored in normal form');
        assert.equal(t.lists.version, 2);
        assert.equal(await t.count('afc_list_changes'), 2);
        const [audit] = await t.audits('afc.list.entries_added');
        assert.equal(audit!.actor, OPERATOR.actor);
        assert.doesNotMatch(JSON.stringify(audit!.details), /KZ|\+7701/, 'the audit names MACs, not raw values');
        const [ev] = await t.db.query<{ type: string; payload: string }>('SELECT type, payload FROM outbox');
        assert.equal(ev!.type, 'afc.list.changed');
        assert.match(ev!.payload, /"fromVersion":1/);
        assert.equal(await t.count('webhook_deliveries'), 2, 'one per recipient per change');

        const s = t.screen({ account: iban(1).toLowerCase(), phone: phone(9) });
        assert.equal(s.decision, 'review');
        assert.deepEqual(
          s.reasons.map((x) => [x.code, x.field]),
          [['LISTED_SUSPECT', '/creditor/account']],
        );
        assert.equal(s.listVersion, 2);

        const c = await t.lists.addEntries(POLICE, [
          { kind: 'account', value: iban(1), status: 'confirmed', source: 'case_77', reason: 'court decision 77' },
        ]);
        assert.equal(c.version, 3);
        assert.equal(t.screen({ account: iban(1) }).decision, 'block');
        assert.equal((await verifyAudit(t.db)).ok, true);
      } finally {
        await t.close();
      }
    });

    it('refreshes an entry of the same identifier and source in place; an unchanged one takes no version', async () => {
      const t = await setup(engine);
      try {
        const a = await t.lists.addEntries(POLICE, [
          { kind: 'iin', value: iin(5), status: 'suspect', source: 'inc_5' },
        ]);
        const same = await t.lists.addEntries(POLICE, [
          { kind: 'iin', value: iin(5), status: 'suspect', source: 'inc_5' },
        ]);
        assert.deepEqual([same.count, same.version, same.fromVersion], [0, 1, null]);
        const b = await t.lists.addEntries(POLICE, [
          { kind: 'iin', value: iin(5), status: 'confirmed', source: 'inc_5', reason: 'decided: fraud' },
        ]);
        assert.equal(b.entries[0]!.id, a.entries[0]!.id, 'the same entry');
        assert.equal(b.version, 2);
        assert.equal(await t.count('afc_list_entries'), 1);
        assert.equal(t.screen({ iin: iin(5) }).decision, 'block');
      } finally {
        await t.close();
      }
    });

    it('refuses roles that may not change lists, bad identifiers and overrides without a reason; nothing changes', async () => {
      const t = await setup(engine);
      try {
        await assert.rejects(
          t.lists.addEntries(BANK, [{ kind: 'iin', value: iin(1), status: 'suspect', source: 'x' }]),
          is(403),
        );
        await assert.rejects(
          t.lists.addEntries(OPERATOR, [{ kind: 'iin', value: iin(1), status: 'confirmed', source: 'x' }]),
          is(403),
          'confirming fraud is law enforcement’s',
        );
        await assert.rejects(
          t.lists.addEntries(REGULATOR, [{ kind: 'iin', value: iin(1), status: 'suspect', source: 'x' }]),
          is(403),
        );
        await assert.rejects(
          t.lists.addEntries(OPERATOR, [
            { kind: 'iin', value: iin(1), status: 'suspect', source: 'x' },
            { kind: 'iin', value: '123456789012', status: 'suspect', source: 'x' },
          ]),
          is(400, '/entries/1/value'),
        );
        await assert.rejects(
          t.lists.addEntries(OPERATOR, [
            { kind: 'account', value: 'KZ00125KZT0000000001', status: 'suspect', source: 'x' },
          ]),
          is(400, '/entries/0/value'),
        );
        await assert.rejects(
          t.lists.addEntries(OPERATOR, [{ kind: 'device', value: '490154203237519', status: 'suspect', source: 'x' }]),
          is(400, '/entries/0/value'),
        );
        await assert.rejects(
          t.lists.addEntries(OPERATOR, [{ kind: 'imsi', value: '1', status: 'suspect', source: 'x' }]),
          is(400, '/entries/0/kind'),
        );
        await assert.rejects(
          t.lists.addEntries(OPERATOR, [{ kind: 'iin', mac: 'not-a-mac', status: 'suspect', source: 'x' }]),
          is(400, '/entries/0/mac'),
        );
        await assert.rejects(t.lists.override(OPERATOR, { kind: 'iin', value: iin(1) }), is(400, '/reason'));
        await assert.rejects(
          t.lists.override(OPERATOR, { kind: 'iin', value: iin(1), reason: ' ' }),
          is(400, '/reason'),
        );
        await assert.rejects(t.lists.override(BANK, { kind: 'iin', value: iin(1), reason: 'trust me' }), is(403));
        await assert.rejects(
          t.lists.addEntries(OPERATOR, [
            { kind: 'iin', value: iin(1), status: 'suspect', source: 'x', expiresAt: '2020-01-01T00:00:00Z' },
          ]),
          is(400, '/entries/0/expiresAt'),
        );
        assert.equal(await t.count('afc_list_entries'), 0);
        assert.equal(await t.count('afc_list_changes'), 0);
        assert.equal(await t.count('audit_log'), 0);
        assert.equal(t.lists.version, 0);
      } finally {
        await t.close();
      }
    });

    it('an override allows with a reason, never outranks a listing, and clears name resemblance', async () => {
      const t = await setup(engine);
      try {
        await t.lists.addEntries(OPERATOR, [
          { kind: 'name', value: 'Айгерим Сейтқали', status: 'suspect', source: 'inc_9' },
          { kind: 'account', value: iban(3), status: 'suspect', source: 'inc_9' },
        ]);
        const lookalike = { name: 'AIGERIM SEITKALI', account: iban(4) };
        const before = t.screen(lookalike);
        assert.equal(before.decision, 'review');
        assert.equal(before.reasons[0]!.code, 'NAME_MATCH_SUSPECT');

        const o = await t.lists.override(OPERATOR, {
          kind: 'account',
          value: iban(4),
          reason: 'customer verified in branch',
        });
        assert.equal(o.entries[0]!.status, 'allowed');
        assert.equal(o.entries[0]!.source, 'override:ptc_ops');
        const after = t.screen(lookalike);
        assert.equal(after.decision, 'allow');
        assert.deepEqual(
          after.reasons.map((r) => r.code),
          ['LISTED_ALLOWED'],
        );

        await t.lists.override(POLICE, { kind: 'account', value: iban(3), reason: 'victim, not the fraudster' });
        assert.equal(t.screen({ account: iban(3) }).decision, 'review', 'the suspect listing still counts');
        const [a] = await t.audits('afc.list.overridden');
        assert.ok(a);
      } finally {
        await t.close();
      }
    });

    it('incident workflow: suspects added, fraud confirmed, "not fraud" cleared, in the caller’s transaction too', async () => {
      const t = await setup(engine);
      try {
        const ids = [
          { kind: 'account', value: iban(10), holderName: 'Жанна Ким' },
          { kind: 'phone', value: phone(10) },
          { kind: 'device', value: imei(10) },
        ];
        const a = await t.lists.addSuspects(undefined, ids, { source: 'inc_A', reason: 'mule account' });
        assert.equal(a.count, 3);
        const s = t.screen({ account: iban(10), name: 'Zhanna Kim' }, { device: imei(10) });
        assert.equal(s.decision, 'review');
        assert.deepEqual(s.reasons.map((r) => r.code).sort(), [
          'HOLDER_NAME_MATCH',
          'LISTED_SUSPECT',
          'LISTED_SUSPECT',
        ]);

        await t.lists.addSuspects(undefined, [{ kind: 'phone', value: phone(11) }], {
          source: 'inc_B',
          reason: 'x-fraud',
        });
        const c = await t.lists.confirmFraud('inc_A', { actor: 'usr_pol', reason: 'decision 12/2026' });
        assert.equal(c.count, 3);
        assert.equal(t.screen({ phone: phone(10) }).decision, 'block');
        // a later report of the same incident does not downgrade what is confirmed
        const again = await t.lists.addSuspects(undefined, [{ kind: 'phone', value: phone(10) }], {
          source: 'inc_A',
          reason: 'again',
        });
        assert.equal(again.count, 0);
        const cleared = await t.lists.clearSuspects('inc_B', { reason: 'not fraud: a family transfer' });
        assert.equal(cleared.count, 1);
        assert.equal(t.screen({ phone: phone(11) }).decision, 'allow');

        // in a transaction of the caller: seen once committed, never when rolled back
        const v = t.lists.version;
        await assert.rejects(
          t.db.transaction(async (tx) => {
            await t.lists.addSuspects(tx, [{ kind: 'iin', value: iin(12) }], {
              source: 'inc_C',
              reason: 'rolled back',
            });
            throw new Error('the incident failed');
          }),
          /incident failed/,
        );
        await t.lists.sync();
        assert.equal(t.lists.version, v);
        assert.equal(t.screen({ iin: iin(12) }).decision, 'allow');
        await t.db.transaction(async (tx) => {
          await t.lists.addSuspects(tx, [{ kind: 'iin', value: iin(12) }], {
            source: 'inc_C',
            reason: 'kept for good',
          });
        });
        await t.lists.sync();
        assert.equal(t.lists.version, v + 1, 'the rolled-back version is reused: the log has no gaps');
        assert.equal(t.screen({ iin: iin(12) }).decision, 'review');
        const versions = (
          await t.db.query<{ version: bigint }>('SELECT version FROM afc_list_changes ORDER BY version')
        ).map((r) => Number(r.version));
        assert.deepEqual(
          versions,
          versions.map((_, i) => i + 1),
        );
      } finally {
        await t.close();
      }
    });

    it('expiry: an expired entry stops counting; the sweep removes it as a change', async () => {
      const t = await setup(engine);
      try {
        const expiresAt = new Date(t.clock.nowMs() + DAY).toISOString();
        await t.lists.addEntries(OPERATOR, [
          { kind: 'iin', value: iin(20), status: 'suspect', source: 'inc_E', expiresAt },
          { kind: 'iin', value: iin(21), status: 'suspect', source: 'inc_E' },
        ]);
        assert.equal(t.screen({ iin: iin(20) }).decision, 'review');
        t.clock.advance(DAY);
        assert.equal(t.screen({ iin: iin(20) }).decision, 'allow');
        assert.equal(await t.lists.purgeExpired(), 1);
        assert.equal(t.lists.version, 3);
        assert.equal(await t.count('afc_list_entries'), 1);
        const feed = await t.lists.changes(REGULATOR, { since: 2, raw: true });
        assert.deepEqual(
          feed.items.map((c) => [c.op, c.value, c.reason]),
          [['remove', iin(20), 'expired']],
        );
      } finally {
        await t.close();
      }
    });

    it('full download and delta feed: MACs for banks, raw values for law enforcement and oversight (audited)', async () => {
      const t = await setup(engine);
      try {
        await t.lists.addEntries(OPERATOR, [
          { kind: 'iin', value: iin(30), status: 'suspect', source: 'inc_F', holderName: 'Dauren Ospanov' },
          { kind: 'phone', value: phone(30), status: 'suspect', source: 'inc_F' },
          { kind: 'account', value: iban(30), status: 'suspect', source: 'inc_F' },
        ]);
        const page1 = await t.lists.list(BANK, { limit: 2 });
        assert.equal(page1.version, 3);
        assert.equal(page1.items.length, 2);
        assert.ok(page1.next);
        for (const e of page1.items) {
          assert.match(e.mac, /^[0-9a-f]{64}$/);
          assert.equal(e.value, undefined);
          assert.equal(e.holderName, undefined);
          assert.equal(e.source, undefined);
        }
        const page2 = await t.lists.list(BANK, { limit: 2, after: page1.next! });
        assert.deepEqual([page2.items.length, page2.next], [1, null]);
        assert.equal(
          (await t.audits('afc.list.downloaded_raw')).length,
          0,
          'MAC downloads are not personal data reads',
        );

        await assert.rejects(t.lists.list(BANK, { raw: true }), is(403));
        const raw = await t.lists.list(POLICE, { raw: true });
        assert.ok(raw.items.some((e) => e.value === iin(30) && e.holderName === 'Dauren Ospanov'));
        assert.equal((await t.audits('afc.list.downloaded_raw')).length, 1);

        // the bank's MAC of its own customer's identifier finds the entry
        const key = await t.lists.macKey(BANK);
        const { createHmac } = await import('node:crypto');
        const mine = createHmac('sha256', Buffer.from(key.key, 'base64url'))
          .update(`phone:${phone(30)}`)
          .digest('hex');
        assert.ok(page1.items.concat(page2.items).some((e) => e.mac === mine));
        assert.equal((await t.audits('afc.list.key_fetched')).length, 1);

        await t.lists.clearSuspects('inc_F');
        const d1 = await t.lists.changes(BANK, { since: 3, limit: 2 });
        assert.deepEqual([d1.latestVersion, d1.next, d1.hasMore], [6, 5, true]);
        assert.deepEqual(
          d1.items.map((c) => [c.version, c.op]),
          [
            [4, 'remove'],
            [5, 'remove'],
          ],
        );
        const d2 = await t.lists.changes(BANK, { since: d1.next });
        assert.deepEqual([d2.items.length, d2.hasMore], [1, false]);
        await assert.rejects(t.lists.changes(BANK, { since: 99 }), is(400, 'querystring/since'));

        const look = await t.lists.lookup(BANK, { kind: 'iin', value: iin(30) });
        assert.deepEqual([look.status, look.entries], [null, []]);
        assert.equal((await t.audits('afc.list.looked_up')).length, 1);
      } finally {
        await t.close();
      }
    });

    it('entries given as MACs only are matched by screening the raw value', async () => {
      const t = await setup(engine);
      try {
        const mac = t.lists.macOf('account', iban(40));
        await t.lists.addEntries(POLICE, [
          { kind: 'account', mac: mac.toUpperCase(), status: 'confirmed', source: 'case_40' },
        ]);
        assert.equal(t.screen({ account: iban(40) }).decision, 'block');
        const raw = await t.lists.list(POLICE, { raw: true });
        assert.equal(raw.items[0]!.value, null);
      } finally {
        await t.close();
      }
    });

    it('another process sharing the database catches up from the change log; the MAC key is shared', async () => {
      const t = await setup(engine);
      const other = new AfcLists({ db: t.db, clock: t.clock, options: { pollMs: 0, sweepMs: 0 } });
      try {
        await t.lists.addEntries(OPERATOR, [{ kind: 'iin', value: iin(50), status: 'suspect', source: 'inc_G' }]);
        await other.start();
        assert.equal(other.mac.keyId, t.lists.mac.keyId);
        assert.equal(other.version, 1);
        await t.lists.addEntries(POLICE, [{ kind: 'iin', value: iin(50), status: 'confirmed', source: 'inc_G' }]);
        await t.lists.clearSuspects('inc_G');
        await t.lists.addEntries(OPERATOR, [{ kind: 'iin', value: iin(51), status: 'suspect', source: 'inc_H' }]);
        assert.equal(other.version, 1, 'not yet polled');
        await other.sync();
        assert.equal(other.version, 3);
        const s2 = new AfcScreening({ lists: other, db: t.db, clock: t.clock });
        assert.equal(s2.screen({ creditor: { iin: iin(50) } }).decision, 'block');
        assert.equal(s2.screen({ creditor: { iin: iin(51) } }).decision, 'review');
        assert.equal(other.index.size, t.lists.index.size);
      } finally {
        await other.stop();
        await t.close();
      }
    });

    it('concurrent changes take contiguous versions; a follower replaying the log ends in the same state', async () => {
      const t = await setup(engine);
      const follower = new AfcLists({ db: t.db, clock: t.clock, options: { pollMs: 0, sweepMs: 0 } });
      try {
        await follower.start();
        await Promise.all(
          Array.from({ length: 12 }, (_, k) =>
            k % 3 === 2
              ? t.lists.clearSuspects(`inc_${k - 1}`, { reason: 'not fraud after all' })
              : t.lists.addSuspects(
                  undefined,
                  [
                    { kind: 'iin', value: iin(100 + k) },
                    { kind: 'phone', value: phone(100 + (k % 4)) },
                  ],
                  { source: `inc_${k}`, reason: 'concurrent report' },
                ),
          ),
        );
        const versions = (
          await t.db.query<{ version: bigint }>('SELECT version FROM afc_list_changes ORDER BY version')
        ).map((r) => Number(r.version));
        assert.deepEqual(
          versions,
          versions.map((_, i) => i + 1),
        );
        assert.equal(t.lists.version, versions.length);
        await follower.sync();
        assert.equal(follower.version, versions.length);
        assert.equal(follower.index.size, await t.count('afc_list_entries'));
        assert.equal(t.lists.index.size, await t.count('afc_list_entries'));
      } finally {
        await follower.stop();
        await t.close();
      }
    });

    it('screening for a participant is strict about identifiers and audits every answer that hit', async () => {
      const t = await setup(engine);
      try {
        await t.lists.addEntries(OPERATOR, [{ kind: 'iin', value: iin(60), status: 'suspect', source: 'inc_I' }]);
        const known = new AfcScreening({
          lists: t.lists,
          db: t.db,
          clock: t.clock,
          knownBic: async (b) => b === 'BANKKZKA',
        });
        assert.throws(() => known.screen({ creditor: { iin: '123' } }, { strict: true }), is(400, '/creditor/iin'));
        assert.throws(() => known.screen({ debtor: { phone: 'abc' } }, { strict: true }), is(400, '/debtor/phone'));
        assert.throws(() => known.screen({ creditor: { name: '<b>' } }, { strict: true }), is(400, '/creditor/name'));
        assert.equal(known.screen({ creditor: { iin: '123' } }).decision, 'allow', 'lenient: cannot be listed');
        await assert.rejects(known.screenFor(BANK, { creditor: { bic: 'NOPEKZKA' } }), is(400, '/creditor/bic'));
        const miss = await known.screenFor(BANK, { creditor: { iin: iin(61), bic: 'BANKKZKA' } });
        assert.equal(miss.decision, 'allow');
        const hit = await known.screenFor(BANK, { creditor: { iin: iin(60) }, amount: 5_000_00n, rail: 'ips' });
        assert.equal(hit.decision, 'review');
        const logged = await t.audits('afc.screen.listed');
        assert.equal(logged.length, 1);
        assert.equal(logged[0]!.entityId, hit.id);
        assert.deepEqual((logged[0]!.details as { macs: string[] }).macs, [t.lists.macOf('iin', iin(60))]);
      } finally {
        await t.close();
      }
    });

    it('the IPS hook reads the creditor account, alias, IINs and names of the pacs.008', async () => {
      const t = await setup(engine);
      try {
        await t.lists.addEntries(POLICE, [
          { kind: 'account', value: iban(70), status: 'confirmed', source: 'case_70' },
          { kind: 'iin', value: iin(71), status: 'suspect', source: 'inc_71' },
          { kind: 'phone', value: phone(72), status: 'confirmed', source: 'case_72' },
        ]);
        const hook = ipsScreening(t.screening);
        const pay = (over: Record<string, unknown>, document: unknown = {}) =>
          hook({
            amount: 100n,
            payerBic: 'AAAAKZKA',
            payeeBic: 'BBBBKZKA',
            creditorAccount: 'ACC-1',
            alias: null,
            document,
            ...over,
          });
        assert.deepEqual(await pay({ creditorAccount: iban(70) }), {
          decision: 'block',
          reasons: ['LISTED_CONFIRMED /creditor/account'],
        });
        assert.equal((await pay({ alias: phone(72) })).decision, 'block');
        const byIin = await pay({}, { dbtr: { nm: 'A B', id: { prvtId: { othr: [{ id: iin(71) }] } } } });
        assert.deepEqual(byIin, { decision: 'review', reasons: ['LISTED_SUSPECT /debtor/iin'] });
        assert.deepEqual(await pay({}), { decision: 'allow', reasons: [] });
      } finally {
        await t.close();
      }
    });
  });
}
