/** Incidents at the service level on every engine: filing, lists, steps, deadlines, races, refusals. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  auditMigrations,
  DomainError,
  eventsMigrations,
  listAudit,
  ManualClock,
  migrate,
  sequentialIds,
  silentLogger,
  verifyAudit,
  webhooksMigrations,
} from '../../platform/index.ts';
import { engines, freshDb } from '../../platform/testing.ts';
import { afcListsMigrations } from '../lists/migrations.ts';
import { AfcLists } from '../lists/service.ts';
import { BANK_A, BANK_B, BANK_C, iban, iin, OPERATOR, POLICE, phone, REGULATOR } from '../testkit.ts';
import { afcIncidentsMigrations } from './migrations.ts';
import { AfcIncidents } from './service.ts';
import { AfcStatistics } from './statistics.ts';

const HOUR = 3600_000;
/** The phone the alias directory stub knows as a customer of bank B. */
const MULE_PHONE = phone(4242);

const refusal = (type: DomainError['type'], field?: string) => (err: unknown) => {
  assert.ok(err instanceof DomainError, String(err));
  assert.equal(err.type, type, err.message);
  if (field)
    assert.deepEqual(
      err.issues.map((i) => i.field),
      [field],
      err.message,
    );
  return true;
};

async function world(engine: 'sqlite' | 'postgres') {
  const t = await freshDb(engine);
  await migrate(t.db, [
    auditMigrations,
    eventsMigrations,
    webhooksMigrations,
    afcListsMigrations,
    afcIncidentsMigrations,
  ]);
  const clock = new ManualClock(new Date('2026-11-20T09:00:00Z'));
  const ids = sequentialIds();
  const lists = new AfcLists({ db: t.db, clock, ids, options: { pollMs: 0, sweepMs: 0 } });
  await lists.start();
  const incidents = new AfcIncidents({
    db: t.db,
    clock,
    ids,
    logger: silentLogger(),
    lists,
    related: async (xs) =>
      xs.flatMap((x) =>
        x.kind === 'phone' && x.value === MULE_PHONE
          ? [{ participantId: 'ptc_b', relation: 'beneficiary_bank', via: 'alias directory' }]
          : x.kind === 'bic' && x.value === 'CCCCKZKA'
            ? [{ participantId: 'ptc_c', relation: 'beneficiary_bank', via: 'BIC' }]
            : [],
      ),
    knownBic: async (bic) => ['AAAAKZKA', 'BBBBKZKA', 'CCCCKZKA'].includes(bic),
    withRole: async (role) => (role === 'fraud_decider' ? ['ptc_pol'] : role === 'operator' ? ['ptc_ops'] : []),
    supplementMs: 2 * HOUR,
    decisionMs: 48 * HOUR,
  });
  await incidents.start();
  const statistics = new AfcStatistics({ db: t.db, lists });
  const status = async (kind: 'phone' | 'account', value: string) =>
    (await lists.lookup(POLICE, { kind, value })).status;
  const webhooks = async (participantId: string) =>
    (
      await t.db.query<{ payload: string }>(
        "SELECT payload FROM webhook_deliveries WHERE participant_id = $1 AND event_type = 'afc.incident' ORDER BY id",
        [participantId],
      )
    ).map((r) => JSON.parse(r.payload) as { incidentId: string; action: string; status: string });
  return {
    ...t,
    clock,
    lists,
    incidents,
    statistics,
    status,
    webhooks,
    close: async () => {
      await lists.stop();
      await t.cleanup();
    },
  };
}

const transfer = (over: Record<string, unknown> = {}) => ({
  occurredAt: '2026-11-20T08:30:00Z',
  outcome: 'completed',
  fraudType: 'social_engineering',
  description: 'the victim was called by a “bank security officer” and sent the money',
  amount: '250000.00',
  paymentId: 'AAAAKZKA:ITX-1',
  beneficiaryPhone: MULE_PHONE,
  ...over,
});

for (const engine of engines()) {
  describe(`AFC incidents on ${engine}`, () => {
    it('filing lists the beneficiary as a suspect, relates its bank and tells everyone in the same commit', async () => {
      const w = await world(engine);
      try {
        const card = await w.incidents.file(BANK_A, {
          type: 'instant_transfer',
          reference: 'A-1',
          details: transfer({ beneficiaryAccount: iban(77) }),
        });
        assert.equal(card.status, 'open');
        assert.equal(card.amount, 25_000_000n);
        assert.deepEqual(
          card.parties.map((p) => [p.participantId, p.relation]),
          [['ptc_b', 'beneficiary_bank']],
        );
        assert.equal(await w.status('phone', MULE_PHONE), 'suspect');
        assert.equal(await w.status('account', iban(77)), 'suspect');
        // supplement deadline for the related bank, decision deadline for law enforcement
        assert.deepEqual(
          card.deadlines.map((d) => [d.step, d.participantId, d.due]),
          [
            ['supplement', 'ptc_b', '2026-11-20T11:00:00.000Z'],
            ['decision', null, '2026-11-22T09:00:00.000Z'],
          ],
        );
        assert.deepEqual(
          (await w.webhooks('ptc_b')).map((h) => h.action),
          ['filed'],
        );
        assert.deepEqual(
          (await w.webhooks('ptc_pol')).map((h) => h.action),
          ['filed'],
        );
        assert.deepEqual(await w.webhooks('ptc_c'), []);
        assert.equal((await w.incidents.inbox(BANK_B, { limit: 10 })).length, 1);
        assert.equal((await w.incidents.inbox(BANK_C, { limit: 10 })).length, 0);
        // filing the same reference again with the same content: the same card; different content: refused
        const again = await w.incidents.file(BANK_A, {
          type: 'instant_transfer',
          reference: 'A-1',
          details: transfer({ beneficiaryAccount: iban(77) }),
        });
        assert.equal(again.id, card.id);
        await assert.rejects(
          w.incidents.file(BANK_A, {
            type: 'instant_transfer',
            reference: 'A-1',
            details: transfer({ amount: '1.00' }),
          }),
          refusal('conflict', '/reference'),
        );
        assert.ok((await verifyAudit(w.db)).ok);
      } finally {
        await w.close();
      }
    });

    it('refuses cards the matrix does not allow, naming the field, and changes nothing', async () => {
      const w = await world(engine);
      try {
        const file = (type: string, details: Record<string, unknown>) =>
          w.incidents.file(BANK_A, { type, reference: `R-${Math.random()}`, details });
        const { paymentId: _, ...noPayment } = transfer();
        await assert.rejects(file('instant_transfer', noPayment), refusal('validation', '/details/paymentId'));
        const { beneficiaryPhone: __, ...noBeneficiary } = transfer();
        await assert.rejects(
          file('instant_transfer', noBeneficiary),
          refusal('validation', '/details/beneficiaryPhone'),
        );
        await assert.rejects(file('teleport', transfer()), refusal('validation', '/type'));
        await assert.rejects(
          file('instant_transfer', transfer({ beneficiaryPhone: 'call me' })),
          refusal('validation', '/details/beneficiaryPhone'),
        );
        await assert.rejects(
          file('instant_transfer', transfer({ beneficiaryAccount: 'KZ00 NOT AN IBAN' })),
          refusal('validation', '/details/beneficiaryAccount'),
        );
        await assert.rejects(
          file('instant_transfer', transfer({ beneficiaryBic: 'ZZZZKZKA' })),
          refusal('validation', '/details/beneficiaryBic'),
        );
        await assert.rejects(
          file('instant_transfer', transfer({ shoeSize: '42' })),
          refusal('validation', '/details/shoeSize'),
        );
        await assert.rejects(
          file('instant_transfer', transfer({ merchantName: 'Shop' })),
          refusal('validation', '/details/merchantName'),
        );
        await assert.rejects(
          file('instant_transfer', transfer({ amount: '-5' })),
          refusal('validation', '/details/amount'),
        );
        await assert.rejects(
          file('instant_transfer', transfer({ occurredAt: '2026-12-24T00:00:00Z' })),
          refusal('validation', '/details/occurredAt'),
        );
        await assert.rejects(
          file('instant_transfer', transfer({ fraudType: 'vibes' })),
          refusal('validation', '/details/fraudType'),
        );
        assert.deepEqual((await w.incidents.list(POLICE, { limit: 10 })).items, []);
        assert.equal(await w.lists.count(), 0);
      } finally {
        await w.close();
      }
    });

    it('supplement → take → decide fraud: suspects become fraudsters; a closed card changes no more', async () => {
      const w = await world(engine);
      try {
        const { id } = await w.incidents.file(BANK_A, {
          type: 'instant_transfer',
          reference: 'A-2',
          details: transfer(),
        });
        // an unrelated bank neither sees nor supplements it; the regulator reads summaries only
        await assert.rejects(w.incidents.card(id, BANK_C), refusal('not-found'));
        await assert.rejects(w.incidents.supplement(BANK_C, id, { note: 'x' }), refusal('not-found'));
        await assert.rejects(w.incidents.card(id, REGULATOR), refusal('not-found'));
        const summaries = await w.incidents.list(REGULATOR, { limit: 10 });
        assert.equal(summaries.items.length, 1);
        assert.equal('details' in summaries.items[0]!, false);

        const holder = iin(31);
        const sup = await w.incidents.supplement(BANK_B, id, {
          details: { beneficiaryIin: holder, beneficiaryName: 'Ержан Касымов' },
          note: 'account opened 3 days ago, 14 incoming transfers since',
        });
        assert.equal(sup.details.beneficiaryIin, holder);
        assert.ok(sup.deadlines.find((d) => d.participantId === 'ptc_b')!.doneAt);
        assert.equal((await w.lists.lookup(POLICE, { kind: 'iin', value: holder })).status, 'suspect');

        // only law enforcement decides, and never without grounds
        await assert.rejects(w.incidents.decide(BANK_A, id, 'fraud', 'sure'), refusal('forbidden'));
        await assert.rejects(w.incidents.decide(POLICE, id, 'fraud', '  '), refusal('validation', '/grounds'));
        assert.equal((await w.incidents.take(POLICE, id)).status, 'investigating');
        const decided = await w.incidents.decide(POLICE, id, 'fraud', 'criminal case 2611-0042, mule account');
        assert.equal(decided.status, 'fraud');
        assert.equal(decided.grounds, 'criminal case 2611-0042, mule account');
        assert.equal(await w.status('phone', MULE_PHONE), 'confirmed');
        assert.equal((await w.lists.lookup(POLICE, { kind: 'iin', value: holder })).status, 'confirmed');
        assert.deepEqual(
          decided.history.map((e) => [e.action, e.status]),
          [
            ['filed', 'open'],
            ['supplement', 'open'],
            ['take', 'investigating'],
            ['decide_fraud', 'fraud'],
          ],
        );
        await assert.rejects(w.incidents.supplement(BANK_B, id, { note: 'late' }), refusal('state'));
        await assert.rejects(w.incidents.decide(POLICE, id, 'not_fraud', 'changed my mind'), refusal('state'));
        await assert.rejects(w.incidents.withdraw(BANK_A, id, 'oops'), refusal('state'));
        // every participant of the card was told of every step
        assert.deepEqual(
          (await w.webhooks('ptc_a')).map((h) => h.action),
          ['supplement', 'take', 'decide_fraud'],
        );
        await w.incidents.card(id, BANK_B);
        const reads = await listAudit(w.db, { action: 'afc.incident.read', limit: 100 });
        assert.deepEqual(
          reads.map((r) => [r.actor, r.entityId]),
          [['cli_b', id]],
          'reading a card is audited',
        );
      } finally {
        await w.close();
      }
    });

    it('"not fraud" and withdrawal take the incident’s suspects off; other sources stay', async () => {
      const w = await world(engine);
      try {
        const a = await w.incidents.file(BANK_A, { type: 'instant_transfer', reference: 'A-3', details: transfer() });
        const b = await w.incidents.file(BANK_C, {
          type: 'phone_call',
          reference: 'C-1',
          details: {
            occurredAt: '2026-11-20T08:00:00Z',
            outcome: 'prevented',
            fraudType: 'social_engineering',
            description: 'caller posed as the police',
            callerPhone: MULE_PHONE,
          },
        });
        await w.incidents.decide(POLICE, a.id, 'not_fraud', 'the recipient is the victim’s relative');
        assert.equal(await w.status('phone', MULE_PHONE), 'suspect', 'still suspected by the other incident');
        await assert.rejects(w.incidents.withdraw(BANK_C, b.id, ''), refusal('validation', '/grounds'));
        await assert.rejects(w.incidents.withdraw(BANK_A, b.id, 'not mine'), refusal('not-found'));
        assert.equal((await w.incidents.withdraw(BANK_C, b.id, 'filed by mistake')).status, 'withdrawn');
        assert.equal(await w.status('phone', MULE_PHONE), null);
      } finally {
        await w.close();
      }
    });

    it('deadlines: a late supplement and a late decision are escalated once, to law enforcement and the operator', async () => {
      const w = await world(engine);
      try {
        const { id } = await w.incidents.file(BANK_A, {
          type: 'instant_transfer',
          reference: 'A-4',
          details: transfer(),
        });
        assert.equal(await w.incidents.sweep(), 0);
        w.clock.advance(2 * HOUR);
        assert.equal(await w.incidents.sweep(), 1);
        assert.equal(await w.incidents.sweep(), 0, 'escalated once');
        w.clock.advance(46 * HOUR);
        assert.equal(await w.incidents.sweep(), 1);
        const card = await w.incidents.card(id, OPERATOR);
        assert.deepEqual(
          card.history.filter((e) => e.action === 'escalated').map((e) => (e.details as { step: string }).step),
          ['supplement', 'decision'],
        );
        assert.ok(card.deadlines.every((d) => d.escalatedAt));
        assert.deepEqual(
          (await w.webhooks('ptc_ops')).map((h) => h.action),
          ['escalated', 'escalated'],
        );
        // a decided card has nothing left to escalate
        const other = await w.incidents.file(BANK_A, {
          type: 'instant_transfer',
          reference: 'A-5',
          details: transfer(),
        });
        await w.incidents.decide(POLICE, other.id, 'fraud', 'case 7');
        w.clock.advance(100 * HOUR);
        assert.equal(await w.incidents.sweep(), 0);
      } finally {
        await w.close();
      }
    });

    it('the priority queue ranks every open card, not a page, and pages through the ranking', async () => {
      const w = await world(engine);
      try {
        const ids: string[] = [];
        for (const [i, amount] of ['1000.00', '900000.00', '50000.00'].entries()) {
          const c = await w.incidents.file(BANK_A, {
            type: 'instant_transfer',
            reference: `Q-${i}`,
            details: transfer({ amount, beneficiaryPhone: phone(900 + i) }),
          });
          ids.push(c.id);
        }
        const first = await w.incidents.list(POLICE, { limit: 2, sort: 'priority' });
        assert.deepEqual(
          first.items.map((x) => x.id),
          [ids[1], ids[2]],
        );
        const rest = await w.incidents.list(POLICE, { limit: 2, sort: 'priority', after: first.next! });
        assert.deepEqual(
          rest.items.map((x) => x.id),
          [ids[0]],
        );
        assert.equal(rest.next, null);
      } finally {
        await w.close();
      }
    });

    it('races: of two concurrent decisions exactly one stands', async () => {
      const w = await world(engine);
      try {
        const { id } = await w.incidents.file(BANK_A, {
          type: 'instant_transfer',
          reference: 'A-6',
          details: transfer(),
        });
        const r = await Promise.allSettled([
          w.incidents.decide(POLICE, id, 'fraud', 'case 1'),
          w.incidents.decide(POLICE, id, 'not_fraud', 'case 2'),
        ]);
        assert.deepEqual(
          r.map((x) => x.status),
          ['fulfilled', 'rejected'],
        );
        const card = await w.incidents.card(id, POLICE);
        assert.equal(card.status, 'fraud');
        assert.equal(card.history.filter((e) => e.action.startsWith('decide')).length, 1);
      } finally {
        await w.close();
      }
    });

    it('recovered funds: recorded once per reference, shown on the card, lower the priority; statistics count them', async () => {
      const w = await world(engine);
      try {
        const { id } = await w.incidents.file(BANK_A, {
          type: 'instant_transfer',
          reference: 'A-7',
          details: transfer({ victimIin: '900515300008', victimRegion: 'ALA' }),
        });
        const before = (await w.incidents.card(id, POLICE)).priority;
        assert.ok(before.score > 0);
        await w.incidents.recordRecovery(BANK_B, id, {
          kind: 'blocked_at_recipient',
          amount: '200000.00',
          reference: 'HOLD-1',
        });
        await w.incidents.recordRecovery(BANK_B, id, {
          kind: 'blocked_at_recipient',
          amount: '200000.00',
          reference: 'HOLD-1',
        });
        await assert.rejects(
          w.incidents.recordRecovery(BANK_B, id, { kind: 'returned', amount: '999999.00' }),
          refusal('validation', '/amount'),
        );
        await assert.rejects(
          w.incidents.recordRecovery(BANK_C, id, { kind: 'returned', amount: '1.00' }),
          refusal('not-found'),
        );
        const card = await w.incidents.card(id, POLICE);
        assert.equal(card.recovered.blockedAtRecipient, 20_000_000n);
        assert.equal(card.recoveries.length, 1);
        assert.equal(card.priority.atRisk, 5_000_000n);
        assert.ok(card.priority.score < before.score);
        assert.ok(card.priority.reasons.some((r) => r.includes('blocked at the recipient')));

        const stats = await w.statistics.compute(REGULATOR, { from: '2026-11-01', to: '2026-12-01' });
        assert.equal(stats.scope, 'all');
        assert.deepEqual(stats.total, { count: 1, amount: '25000000' });
        assert.equal(stats.recovered.blockedAtRecipient, '20000000');
        assert.deepEqual(
          stats.byVictimAge.map((b) => b.band),
          ['35_44'],
        );
        assert.deepEqual(
          stats.byRegion.map((r) => r.region),
          ['ALA'],
        );
        assert.ok(stats.listGrowth.some((d) => d.suspects >= 1));
        assert.equal((await w.statistics.compute(BANK_C, { from: '2026-11-01', to: '2026-12-01' })).total.count, 0);
        const csv = await w.statistics.csv(OPERATOR, { from: '2026-11-01', to: '2026-12-01' }, 'byFraudType');
        assert.equal(csv, 'fraudType,count,amount\r\nsocial_engineering,1,25000000\r\n');
        await assert.rejects(w.statistics.compute(OPERATOR, { from: '2026-11-01', to: '2025-01-01' }), /after/);
      } finally {
        await w.close();
      }
    });
  });
}
