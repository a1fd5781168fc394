import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  auditMigrations,
  type DomainError,
  listAudit,
  ManualClock,
  migrate,
  verifyAudit,
  webhooksMigrations,
} from '../../platform/index.ts';
import { engines, freshDb } from '../../platform/testing.ts';
import { iban, iin, phone } from './fixtures.test-helper.ts';
import { ipsAliasMigrations } from './migrations.ts';
import { type AliasCaller, type AliasServiceOptions, IpsAliasService, LookupRateLimited } from './service.ts';

const A: AliasCaller = { participantId: 'ptc_a', bic: 'AAAAKZKA', actor: 'usr_a' };
const B: AliasCaller = { participantId: 'ptc_b', bic: 'BBBBKZKA', actor: 'cli_b' };
const C: AliasCaller = { participantId: 'ptc_c', bic: 'CCCCKZKA', actor: 'usr_c' };
const OPS = { participantId: 'ptc_ops', actor: 'usr_ops', oversight: true };
const own = (c: AliasCaller) => ({ participantId: c.participantId, actor: c.actor, oversight: false });
const HOUR = 3_600_000;

async function setup(engine: 'sqlite' | 'postgres', options: AliasServiceOptions = {}) {
  const t = await freshDb(engine);
  await migrate(t.db, [auditMigrations, webhooksMigrations, ipsAliasMigrations]);
  const clock = new ManualClock();
  const svc = new IpsAliasService({ db: t.db, clock, options });
  const audits = async (action: string) => listAudit(t.db, { action, limit: 1000 });
  const webhooks = async () =>
    (
      await t.db.query<{ participant_id: string; event_type: string }>(
        'SELECT participant_id, event_type FROM webhook_deliveries ORDER BY created_at, id',
      )
    ).map((r) => `${r.participant_id} ${r.event_type}`);
  return { ...t, clock, svc, audits, webhooks };
}

const input = (n: number, over: Partial<{ phone: string; holderName: string; holderIin: string }> = {}) => ({
  phone: over.phone ?? phone(n),
  accountId: iban(n),
  holderName: over.holderName ?? 'Aigerim Seitkali',
  holderIin: over.holderIin ?? iin(n),
});

const is = (status: number, field?: string) => (e: DomainError) => {
  assert.equal(e.status, status, e.message);
  if (field) assert.equal(e.issues[0]?.field, field);
  return true;
};

for (const engine of engines()) {
  describe(`IPS alias directory on ${engine}`, () => {
    it('registers (normalising the phone), updates and deletes, each audited', async () => {
      const t = await setup(engine);
      try {
        const a = await t.svc.register(A, { ...input(1), phone: '8 (701) 000-00-01' });
        assert.equal(a.phone, '+77010000001');
        assert.equal(a.bic, A.bic);
        assert.equal(a.holderIin, iin(1));
        assert.deepEqual(await t.svc.get(own(A), '+7 701 000 00 01'), a);
        t.clock.advance(1000);
        const u = await t.svc.update(A, a.phone, { accountId: iban(99), holderName: 'Aigerim  Nurlanqyzy Seitkali' });
        assert.equal(u.accountId, iban(99));
        assert.equal(u.holderName, 'Aigerim Nurlanqyzy Seitkali');
        assert.equal(u.holderIin, a.holderIin, 'the IIN does not change');
        assert.notEqual(u.updatedAt, a.updatedAt);
        assert.deepEqual(await t.svc.resolve('87010000001'), {
          bic: A.bic,
          participantId: A.participantId,
          accountId: iban(99),
          holderName: 'Aigerim Nurlanqyzy Seitkali',
          holderIin: iin(1),
        });
        assert.deepEqual(await t.svc.delete(A, a.phone), { phone: a.phone, deleted: true });
        assert.equal(await t.svc.resolve(a.phone), undefined);
        await assert.rejects(t.svc.get(own(A), a.phone), is(404));
        const reg = await t.audits('ips.alias.registered');
        assert.equal(reg.length, 1);
        assert.equal(reg[0]!.actor, A.actor);
        assert.equal(reg[0]!.entityId, '+77010000001');
        assert.equal((await t.audits('ips.alias.updated')).length, 1);
        assert.equal((await t.audits('ips.alias.deleted')).length, 1);
        assert.equal((await verifyAudit(t.db)).ok, true);
      } finally {
        await t.cleanup();
      }
    });

    it('one owner per phone: another bank gets 409 and never sees, changes or deletes the alias', async () => {
      const t = await setup(engine);
      try {
        await t.svc.register(A, input(2));
        await assert.rejects(t.svc.register(B, input(2)), (e: DomainError) => {
          assert.equal(e.status, 409);
          assert.match(e.message, /registered by another participant.*portability claim/);
          assert.doesNotMatch(e.message, /AAAAKZKA/, 'the holder bank is not named');
          return true;
        });
        await assert.rejects(t.svc.register(A, input(2)), /already registered by your organization/);
        await assert.rejects(t.svc.get(own(B), phone(2)), is(404));
        await assert.rejects(t.svc.update(B, phone(2), { holderName: 'Mallory X' }), is(404));
        await assert.rejects(t.svc.delete(B, phone(2)), is(404));
        await t.svc.register(B, input(3));
        assert.deepEqual(
          (await t.svc.list(own(B))).map((a) => a.phone),
          [phone(3)],
        );
        assert.deepEqual(
          (await t.svc.list(own(B), { phone: phone(2) })).map((a) => a.phone),
          [],
          'a bank cannot search other banks',
        );
        // oversight reads any record for support, on the record
        assert.equal((await t.svc.get(OPS, phone(2))).bic, A.bic);
        assert.deepEqual(
          (await t.svc.list(OPS, { phone: phone(3) })).map((a) => a.bic),
          [B.bic],
        );
        assert.equal((await t.svc.list(OPS)).length, 2);
        assert.equal((await t.audits('ips.alias.viewed')).length, 1);
        assert.equal((await t.audits('ips.alias.searched')).length, 1);
        assert.equal((await t.svc.resolve(phone(2)))?.bic, A.bic);
      } finally {
        await t.cleanup();
      }
    });

    it('refuses bad phones, IINs and accounts with a 400 naming the field', async () => {
      const t = await setup(engine);
      try {
        for (const bad of ['+7 727 250 1234', '8 727 250 12 34', '+7 916 123 45 67', '+1 202 555 0123', '12', 'abc']) {
          await assert.rejects(t.svc.register(A, { ...input(4), phone: bad }), is(400, '/phone'), bad);
        }
        await assert.rejects(t.svc.register(A, { ...input(4), holderIin: '900101000000' }), is(400, '/holderIin'));
        await assert.rejects(
          t.svc.register(A, { ...input(4), accountId: 'KZ00125KZT5004100100' }),
          is(400, '/accountId'),
        );
        await assert.rejects(t.svc.update(A, '+7 727 250 1234', { holderName: 'A B' }), is(400, 'params/phone'));
        await assert.rejects(t.svc.lookup(A, 'nope', 'payer-1'), is(400, '/phone'));
        await assert.rejects(t.svc.resolve('+7 727 250 1234', '/creditor/phone'), is(400, '/creditor/phone'));
        assert.equal((await t.svc.list(OPS)).length, 0);
      } finally {
        await t.cleanup();
      }
    });

    it('portability: the owner confirms and the alias moves with the claimant’s data', async () => {
      const t = await setup(engine);
      try {
        await t.svc.register(A, input(5));
        const claim = await t.svc.claim(B, { ...input(5), accountId: iban(55, '722') });
        assert.equal(claim.status, 'open');
        assert.equal(claim.side, 'claimant');
        assert.equal(claim.ownerBic, A.bic);
        assert.equal(claim.accountId, iban(55, '722'));
        assert.equal(claim.holderMatches, undefined, 'the claimant learns nothing about the registered holder');
        assert.equal(claim.deadline, new Date(t.clock.nowMs() + 7 * 24 * HOUR).toISOString(), 'default 7 days');
        const seen = await t.svc.getClaim(own(A), claim.id);
        assert.equal(seen.side, 'owner');
        assert.equal(seen.holderMatches, true);
        assert.equal(seen.accountId, undefined, 'the owner does not see the claimant’s account');
        assert.equal(seen.holderIin, undefined);
        await assert.rejects(t.svc.getClaim(own(C), claim.id), is(404));
        await assert.rejects(t.svc.claim(C, input(5)), (e: DomainError) => e.status === 409 && /open/.test(e.message));
        await assert.rejects(t.svc.claim(A, input(5)), is(409));
        await assert.rejects(t.svc.claim(B, input(6)), (e: DomainError) => /not registered/.test(e.message));
        await assert.rejects(t.svc.confirmClaim(B, claim.id), is(403));
        await assert.rejects(t.svc.confirmClaim(C, claim.id), is(404));
        assert.equal((await t.svc.resolve(phone(5)))?.bic, A.bic, 'nothing moves before the answer');

        const done = await t.svc.confirmClaim(A, claim.id);
        assert.equal(done.status, 'confirmed');
        assert.deepEqual(await t.svc.resolve(phone(5)), {
          bic: B.bic,
          participantId: B.participantId,
          accountId: iban(55, '722'),
          holderName: 'Aigerim Seitkali',
          holderIin: iin(5),
        });
        await assert.rejects(t.svc.get(own(A), phone(5)), is(404), 'the former owner no longer sees it');
        assert.equal((await t.svc.get(own(B), phone(5))).bic, B.bic);
        await assert.rejects(t.svc.rejectClaim(A, claim.id, 'too late'), is(409));
        assert.deepEqual(
          (await t.svc.claims(own(A))).map((c) => [c.id, c.status, c.side]),
          [[claim.id, 'confirmed', 'owner']],
        );
        assert.deepEqual(await t.webhooks(), [
          'ptc_a ips.alias_claim.opened',
          'ptc_b ips.alias_claim.confirmed',
          'ptc_a ips.alias_claim.confirmed',
        ]);
        assert.equal((await t.audits('ips.alias.claim_opened')).length, 1);
        assert.equal((await t.audits('ips.alias.claim_confirmed'))[0]?.actor, A.actor);
        // a later claim by the former owner works the same way round
        const back = await t.svc.claim(A, input(5));
        assert.equal(back.ownerBic, B.bic);
      } finally {
        await t.cleanup();
      }
    });

    it('portability: a rejected claim leaves the alias; the claimant may withdraw an open one', async () => {
      const t = await setup(engine);
      try {
        await t.svc.register(A, input(7));
        const c1 = await t.svc.claim(B, { ...input(7), holderIin: iin(70) });
        assert.equal((await t.svc.getClaim(own(A), c1.id)).holderMatches, false);
        await assert.rejects(t.svc.rejectClaim(B, c1.id), is(403), 'the claimant cannot reject');
        const r = await t.svc.rejectClaim(A, c1.id, 'customer did not ask to move');
        assert.equal(r.status, 'rejected');
        assert.equal(r.reason, 'customer did not ask to move');
        assert.equal((await t.svc.resolve(phone(7)))?.bic, A.bic);
        const c2 = await t.svc.claim(B, input(7));
        await assert.rejects(t.svc.cancelClaim(A, c2.id), is(403), 'the owner cannot cancel');
        assert.equal((await t.svc.cancelClaim(B, c2.id)).status, 'cancelled');
        t.clock.advance(30 * 24 * HOUR);
        assert.deepEqual(await t.svc.processDeadlines(), { completed: [] });
        assert.equal((await t.svc.resolve(phone(7)))?.bic, A.bic);
        assert.deepEqual(
          (await t.svc.claims(own(B), { status: 'rejected' })).map((c) => c.id),
          [c1.id],
        );
        assert.equal((await t.svc.claims(OPS)).length, 2);
      } finally {
        await t.cleanup();
      }
    });

    it('portability: an unanswered claim completes for the claimant at its (configurable) deadline', async () => {
      const t = await setup(engine, { claimDeadlineMs: 24 * HOUR });
      try {
        await t.svc.register(A, input(8));
        await t.svc.register(A, input(9));
        const c8 = await t.svc.claim(B, input(8));
        t.clock.advance(HOUR);
        const c9 = await t.svc.claim(C, input(9));
        assert.equal(c8.deadline, new Date(t.clock.nowMs() - HOUR + 24 * HOUR).toISOString());
        t.clock.advance(23 * HOUR - 1);
        assert.deepEqual(await t.svc.processDeadlines(), { completed: [] }, 'one millisecond early');
        t.clock.advance(1);
        assert.deepEqual(await t.svc.processDeadlines(), { completed: [c8.id] });
        assert.equal((await t.svc.resolve(phone(8)))?.bic, B.bic);
        assert.equal((await t.svc.resolve(phone(9)))?.bic, A.bic);
        assert.equal((await t.svc.getClaim(own(B), c8.id)).status, 'completed');
        await assert.rejects(t.svc.confirmClaim(A, c8.id), is(409), 'too late to answer');
        assert.deepEqual(await t.svc.processDeadlines(new Date(t.clock.nowMs() + HOUR)), { completed: [c9.id] });
        assert.equal((await t.svc.resolve(phone(9)))?.bic, C.bic);
        const done = await t.audits('ips.alias.claim_completed');
        assert.deepEqual(
          done.map((e) => [e.entityId, e.actor]),
          [
            [c8.id, 'system:ips-aliases'],
            [c9.id, 'system:ips-aliases'],
          ],
        );
        assert.equal((await verifyAudit(t.db)).ok, true);
      } finally {
        await t.cleanup();
      }
    });

    it('startSchedule runs the deadline processing until stopped', async () => {
      const t = await setup(engine, { claimDeadlineMs: HOUR });
      try {
        await t.svc.register(A, input(30));
        const c = await t.svc.claim(B, input(30));
        t.clock.advance(HOUR);
        t.svc.startSchedule(5);
        for (let i = 0; i < 200 && (await t.svc.getClaim(own(B), c.id)).status === 'open'; i++) {
          await new Promise((r) => setTimeout(r, 10));
        }
        await t.svc.stop();
        assert.equal((await t.svc.getClaim(own(B), c.id)).status, 'completed');
      } finally {
        await t.svc.stop();
        await t.cleanup();
      }
    });

    it('an owner deleting a claimed alias hands it to the claimant at once', async () => {
      const t = await setup(engine);
      try {
        await t.svc.register(A, input(10));
        const c = await t.svc.claim(B, input(10));
        assert.deepEqual(await t.svc.delete(A, phone(10)), { phone: phone(10), deleted: true, claimCompleted: c.id });
        assert.equal((await t.svc.resolve(phone(10)))?.bic, B.bic);
        assert.equal((await t.svc.getClaim(own(B), c.id)).status, 'completed');
      } finally {
        await t.cleanup();
      }
    });

    it('races: one of concurrent registrations, claims and answers wins; the others are refused', async () => {
      const t = await setup(engine, { claimDeadlineMs: HOUR });
      try {
        const regs = await Promise.allSettled([A, B, C].map((who) => t.svc.register(who, input(20))));
        assert.equal(regs.filter((r) => r.status === 'fulfilled').length, 1);
        for (const r of regs) if (r.status === 'rejected') assert.equal((r.reason as DomainError).status, 409);
        const owner = [A, B, C].find((x) => x.bic === regs.find((r) => r.status === 'fulfilled')!.value.bic)!;
        const others = [A, B, C].filter((x) => x !== owner);
        const claims = await Promise.allSettled(others.map((who) => t.svc.claim(who, input(20))));
        assert.equal(claims.filter((r) => r.status === 'fulfilled').length, 1);
        const claim = claims.find((r) => r.status === 'fulfilled')!.value;
        t.clock.advance(HOUR);
        const [confirm, deadline] = await Promise.allSettled([
          t.svc.rejectClaim(owner, claim.id, 'no such request'),
          t.svc.processDeadlines(),
        ]);
        const rejected = confirm.status === 'fulfilled';
        const completed = deadline.status === 'fulfilled' && deadline.value.completed.length === 1;
        assert.ok(rejected !== completed, 'exactly one of the reject and the deadline resolved the claim');
        assert.equal((await t.svc.resolve(phone(20)))?.bic, rejected ? owner.bic : claim.claimantBic);
        assert.equal((await verifyAudit(t.db)).ok, true);
      } finally {
        await t.cleanup();
      }
    });

    it('lookups answer the bank and a masked name only, and every one is audited', async () => {
      const t = await setup(engine);
      try {
        await t.svc.register(A, { ...input(11), holderName: 'АЙГЕРИМ СЕЙТҚАЛИ' });
        await t.svc.register(B, { ...input(12), holderName: 'Aigerim Seitkali' });
        assert.deepEqual(await t.svc.lookup(B, '8 701 000 00 11', 'payer-1'), {
          phone: phone(11),
          bic: A.bic,
          maskedName: 'Айгерим С.',
        });
        assert.deepEqual(await t.svc.lookup(A, phone(12), 'payer-2'), {
          phone: phone(12),
          bic: B.bic,
          maskedName: 'Aigerim S.',
        });
        await assert.rejects(t.svc.lookup(B, phone(13), 'payer-1'), is(404));
        const log = await t.audits('ips.alias.looked_up');
        assert.deepEqual(
          log.map((e) => [e.actor, e.entityId, (e.details as { payerId: string }).payerId]),
          [
            [B.actor, phone(11), 'payer-1'],
            [A.actor, phone(12), 'payer-2'],
            [B.actor, phone(13), 'payer-1'],
          ],
        );
        assert.equal((log[2]!.details as { found: boolean }).found, false, 'misses are on the record too');
        assert.doesNotMatch(JSON.stringify(await t.svc.lookup(B, phone(11), 'payer-1')), /KZ\d\d|900101/);
      } finally {
        await t.cleanup();
      }
    });

    it('concurrent lookups share a commit; each is answered its own record and audited once', async () => {
      const t = await setup(engine);
      try {
        await t.svc.register(A, input(21));
        await t.svc.register(C, input(22));
        let commits = 0;
        t.db.onCommit(() => commits++);
        const asked = Array.from({ length: 300 }, (_, i) => ({
          caller: [A, B, C][i % 3]!,
          phone: phone(21 + (i % 4)), // 21 and 22 registered, 23 and 24 not; each asked many times at once
          payerId: `payer-${i}`,
        }));
        const answers = await Promise.allSettled(asked.map((q) => t.svc.lookup(q.caller, q.phone, q.payerId)));
        assert.ok(commits <= 4, `${commits} commits for 300 lookups`);
        answers.forEach((a, i) => {
          const n = 21 + (i % 4);
          if (n === 21)
            assert.deepEqual(a, {
              status: 'fulfilled',
              value: { phone: phone(21), bic: A.bic, maskedName: 'Aigerim S.' },
            });
          else if (n === 22)
            assert.deepEqual(a, {
              status: 'fulfilled',
              value: { phone: phone(22), bic: C.bic, maskedName: 'Aigerim S.' },
            });
          else assert.ok(a.status === 'rejected' && is(404)(a.reason));
        });
        const log = await t.audits('ips.alias.looked_up');
        const byPayer = (x: unknown[], y: unknown[]) =>
          (x[2] as { payerId: string }).payerId.localeCompare((y[2] as { payerId: string }).payerId);
        assert.deepEqual(
          log.map((e) => [e.actor, e.entityId, e.details]).sort(byPayer),
          asked
            .map((q, i) => [
              q.caller.actor,
              q.phone,
              {
                bic: q.caller.bic,
                found: i % 4 < 2,
                ...(i % 4 < 2 ? { holderBic: i % 4 === 0 ? A.bic : C.bic } : {}),
                participantId: q.caller.participantId,
                payerId: q.payerId,
              },
            ])
            .sort(byPayer),
        );
        assert.equal((await verifyAudit(t.db)).ok, true);
      } finally {
        await t.cleanup();
      }
    });

    it('limits lookups per payer and per bank (429), refilling with time', async () => {
      const t = await setup(engine, { lookupsPerMinutePerPayer: 3, lookupsPerMinutePerBank: 5 });
      try {
        await t.svc.register(A, input(14));
        for (let i = 0; i < 3; i++) await t.svc.lookup(B, phone(14), 'payer-1');
        await assert.rejects(t.svc.lookup(B, phone(14), 'payer-1'), (e: DomainError) => {
          assert.ok(e instanceof LookupRateLimited);
          assert.equal(e.status, 429);
          assert.equal(e.retryAfterSeconds, 20);
          assert.match(e.message, /this payer reached 3/);
          return true;
        });
        await t.svc.lookup(C, phone(14), 'payer-1'); // the same payer id at another bank is another payer
        await t.svc.lookup(B, phone(14), 'payer-2');
        await t.svc.lookup(B, phone(14), 'payer-3');
        await assert.rejects(t.svc.lookup(B, phone(14), 'payer-4'), (e: DomainError) => {
          assert.equal(e.status, 429);
          assert.match(e.message, /your organization reached 5/);
          return true;
        });
        assert.equal((await t.audits('ips.alias.looked_up')).length, 6, 'refused lookups read nothing');
        t.clock.advance(60_000);
        await t.svc.lookup(B, phone(14), 'payer-1');
        await t.svc.lookup(B, phone(14), 'payer-4');
      } finally {
        await t.cleanup();
      }
    });
  });
}
