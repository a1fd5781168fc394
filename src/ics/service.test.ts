import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ImtsService, imtsMigrations, settlementAccountId } from '../imts/index.ts';
import { createLedger, type Ledger, ledgerMigrations } from '../ledger/index.ts';
import {
  auditMigrations,
  type DomainError,
  eventsMigrations,
  ManualClock,
  migrate,
  silentLogger,
  webhooksMigrations,
} from '../platform/index.ts';
import { engines, freshDb, type TestDb } from '../platform/testing.ts';
import { icsMigrations } from './migrations.ts';
import { type IcsParticipant, type IcsPaymentInput, IcsService, type IcsSettlement } from './service.ts';

const [A, B, C, D] = ['AAAAKZKA', 'BBBBKZKA', 'CCCCKZKA', 'DDDDKZKA'];
/** Monday 2026-01-05, 09:00 in Almaty: cycle 2026-01-05#1 is open until 10:00 (05:00 UTC). */
const MONDAY_0900 = Date.UTC(2026, 0, 5, 4, 0, 0);
const HOUR = 3_600_000;

interface World {
  t: TestDb;
  clock: ManualClock;
  ledger: Ledger;
  imts: ImtsService;
  ics: IcsService;
  participants: Map<string, IcsParticipant>;
  /** A new IcsService over the same database, as after a restart. */
  restart(imts?: IcsSettlement, withOutcome?: boolean): Promise<IcsService>;
  close(): Promise<void>;
}

async function world(engine: 'sqlite' | 'postgres'): Promise<World> {
  const t = await freshDb(engine);
  await migrate(t.db, [
    auditMigrations,
    eventsMigrations,
    webhooksMigrations,
    ledgerMigrations,
    imtsMigrations,
    icsMigrations,
  ]);
  const clock = new ManualClock(MONDAY_0900);
  const participants = new Map<string, IcsParticipant>(
    [A, B, C, D].map((bic, i) => [bic, { id: `ptc_${i}`, bic, status: 'active', roles: ['bank', 'settlement'] }]),
  );
  const lookup = async (bic: string) => {
    const p = participants.get(bic);
    return p && { ...p };
  };
  const ledger = await createLedger({ db: t.db, clock });
  await ledger.createAccounts([{ id: 'cb:issuance', owner: 'cb', currency: 'KZT', code: 'issuance' }]);
  const imts = new ImtsService({
    db: t.db,
    ledger,
    clock,
    logger: silentLogger(),
    lookup,
    centralBank: async () => ({ id: 'cb', issuanceAccountId: 'cb:issuance' }),
  });
  await imts.start();
  const make = async (settlement: IcsSettlement = imts, withOutcome = true) => {
    const ics = new IcsService({
      db: t.db,
      clock,
      logger: silentLogger(),
      imts: settlement,
      lookup,
      ...(withOutcome
        ? {
            wasSettled: async (id: string) => (await ledger.getTransfer(`imts:ancillary:ics:${id}:0`))?.result === 'ok',
          }
        : {}),
    });
    await ics.start();
    return ics;
  };
  return {
    t,
    clock,
    ledger,
    imts,
    ics: await make(),
    participants,
    restart: make,
    close: async () => {
      await ledger.close();
      await t.cleanup();
    },
  };
}

const pay = (txId: string, to: string, amount: bigint, currency = 'KZT'): IcsPaymentInput => ({
  txId,
  endToEndId: `E2E-${txId}`,
  receiverBic: to,
  amount,
  currency,
});

let msg = 0;
const send = (ics: IcsService, from: string, ...payments: IcsPaymentInput[]) =>
  ics.submit(from, { msgId: `MSG-${++msg}`, payments });

async function fund(w: World, bic: string, amount: bigint): Promise<void> {
  await w.imts.liquidity({ id: `fund-${bic}-${++msg}`, bic, direction: 'inject', amount });
}

async function balance(w: World, bic: string): Promise<bigint> {
  const a = await w.ledger.getAccount(settlementAccountId(bic));
  return a ? a.creditsPosted - a.debitsPosted : 0n;
}

const statusOf = async (w: World, id: string) => {
  const p = await w.ics.payment(id);
  return [p.status, p.reason];
};

const rejects = (reason: string) => (e: unknown) => (e as DomainError).reason === reason;

for (const engine of engines()) {
  describe(`ICS on ${engine}`, () => {
    it('accepts a batch into the open cycle and answers each transaction, refusals with their ISO reason', async () => {
      const w = await world(engine);
      try {
        w.participants.set(D, { ...w.participants.get(D)!, status: 'blocked' });
        const r = await send(
          w.ics,
          A,
          pay('t1', B, 150_000n),
          pay('t2', C, 500_000_001n), // 5,000,000.01 KZT: over the ICS limit
          pay('t3', 'ZZZZKZKA', 100n), // nobody
          pay('t4', D, 100n), // blocked
          pay('t5', B, 100n, 'USD'),
          pay('t1', C, 100n), // the same txId again in the message
          pay('t6', A, 100n), // to itself
          pay('t7', C, 500_000_000n), // exactly the limit
        );
        assert.equal(r.cycleId, '2026-01-05#1');
        assert.equal(r.status, 'PART');
        assert.deepEqual(
          r.transactions.map((s) => [s.txId, s.status, s.reason]),
          [
            ['t1', 'ACSP', undefined],
            ['t2', 'RJCT', 'AM02'],
            ['t3', 'RJCT', 'RC01'],
            ['t4', 'RJCT', 'RC01'],
            ['t5', 'RJCT', 'AM03'],
            ['t1', 'RJCT', 'DUPL'],
            ['t6', 'RJCT', 'AC01'],
            ['t7', 'ACSP', undefined],
          ],
        );
        assert.deepEqual([r.accepted, r.rejected], [2, 6]);
        // a transaction id is used once, even in a later message; a message id too
        const again = await send(w.ics, A, pay('t1', B, 1n), pay('t2', B, 1n), pay('t8', B, 1n));
        assert.deepEqual(
          again.transactions.map((s) => [s.txId, s.status, s.reason]),
          [
            ['t1', 'RJCT', 'DUPL'],
            ['t2', 'RJCT', 'DUPL'],
            ['t8', 'ACSP', undefined],
          ],
        );
        await assert.rejects(w.ics.submit(A, { msgId: `MSG-${msg}`, payments: [pay('t9', B, 1n)] }), rejects('DUPL'));
        assert.equal(
          (await w.ics.payments({ bic: A, limit: 100 })).find((p) => p.txId === 't9'),
          undefined,
        );
        // a blocked sender is refused outright
        await assert.rejects(send(w.ics, D, pay('x', A, 1n)), rejects('RC01'));

        assert.deepEqual(await statusOf(w, `${A}:t1`), ['accepted', null]);
        assert.deepEqual(await statusOf(w, `${A}:t2`), ['rejected', 'AM02']);
        const cycle = await w.ics.current();
        assert.equal(cycle.id, '2026-01-05#1');
        assert.equal(cycle.acceptedCount, 3);
        assert.equal(cycle.acceptedAmount, 150_000n + 500_000_000n + 1n);
        assert.equal(cycle.next.id, '2026-01-05#2');
      } finally {
        await w.close();
      }
    });

    it('closes a cycle: nets, settles the net positions in IMTS, reports, records the event and audit', async () => {
      const w = await world(engine);
      try {
        await fund(w, A, 1_000n);
        await fund(w, B, 1_000n);
        await send(w.ics, A, pay('a1', B, 700n), pay('a2', C, 300n));
        await send(w.ics, B, pay('b1', C, 500n));
        await send(w.ics, C, pay('c1', A, 200n));
        // A: −1000 + 200 = −800; B: +700 − 500 = +200; C: +300 + 500 − 200 = +600
        const closed = await w.ics.closeCycle('2026-01-05#1', 'ptc_operator');
        assert.equal(closed.status, 'closed');
        assert.deepEqual([closed.settledCount, closed.settledAmount, closed.rejectedCount], [4, 1700n, 0]);
        assert.equal(closed.closedBy, 'ptc_operator');
        assert.deepEqual([await balance(w, A), await balance(w, B), await balance(w, C)], [200n, 1200n, 600n]);
        assert.equal(w.imts.availableBalance(C), 600n);
        assert.deepEqual(await statusOf(w, `${A}:a1`), ['settled', null]);
        const report = await w.ics.report('2026-01-05#1');
        assert.deepEqual(
          report.map((r) => [
            r.participant,
            r.participantId,
            r.sentCount,
            r.sentAmount,
            r.receivedAmount,
            r.net,
            r.status,
          ]),
          [
            [A, 'ptc_0', 2, 1000n, 200n, -800n, 'settled'],
            [B, 'ptc_1', 1, 500n, 700n, 200n, 'settled'],
            [C, 'ptc_2', 1, 200n, 800n, 600n, 'settled'],
          ],
        );
        assert.deepEqual(
          (await w.ics.report('2026-01-05#1', B)).map((r) => r.participant),
          [B],
        );
        const [event] = await w.t.db.query<{ type: string; event_key: string }>(
          `SELECT type, event_key FROM outbox WHERE type = 'ics.cycle_closed'`,
        );
        assert.deepEqual({ ...event }, { type: 'ics.cycle_closed', event_key: '2026-01-05#1' });
        const audit = await w.t.db.query<{ actor: string }>(
          `SELECT actor FROM audit_log WHERE action = 'ics.cycle.close'`,
        );
        assert.deepEqual(
          audit.map((a) => a.actor),
          ['ptc_operator'],
        );
        const hooks = await w.t.db.query<{ participant_id: string }>(
          `SELECT participant_id FROM webhook_deliveries WHERE event_type = 'ics.cycle_report' ORDER BY participant_id`,
        );
        assert.deepEqual(
          hooks.map((h) => h.participant_id),
          ['ptc_0', 'ptc_1', 'ptc_2'],
        );
        await assert.rejects(w.ics.closeCycle('2026-01-05#1'), (e: DomainError) => e.status === 409);
        // later payments go to the next cycle
        const next = await send(w.ics, B, pay('b2', A, 1n));
        assert.equal(next.cycleId, '2026-01-05#2');
      } finally {
        await w.close();
      }
    });

    it('removes an uncovered participant’s outgoing payments (AM04), recomputes, and settles the rest', async () => {
      const w = await world(engine);
      try {
        await fund(w, B, 100n);
        await fund(w, C, 1_000n);
        await send(w.ics, A, pay('a1', B, 500n)); // A has nothing: uncovered
        await send(w.ics, B, pay('b1', C, 550n)); // B covered only with A's 500 in: removed in round 2
        await send(w.ics, C, pay('c1', A, 50n), pay('c2', B, 20n));
        const closed = await w.ics.closeCycle('2026-01-05#1');
        assert.equal(closed.rounds, 3);
        assert.deepEqual([closed.settledCount, closed.settledAmount], [2, 70n]);
        assert.deepEqual([closed.rejectedCount, closed.rejectedAmount], [2, 1050n]);
        assert.deepEqual(await statusOf(w, `${A}:a1`), ['rejected', 'AM04']);
        assert.deepEqual(await statusOf(w, `${B}:b1`), ['rejected', 'AM04']);
        assert.deepEqual(await statusOf(w, `${C}:c1`), ['settled', null]);
        assert.deepEqual([await balance(w, A), await balance(w, B), await balance(w, C)], [50n, 120n, 930n]);
        const report = await w.ics.report('2026-01-05#1');
        assert.deepEqual(
          report.map((r) => [r.participant, r.status, r.reason, r.rejectedCount, r.net]),
          [
            [A, 'rejected', 'AM04', 1, 50n],
            [B, 'rejected', 'AM04', 1, 20n],
            [C, 'settled', null, 0, -70n],
          ],
        );
        const rejected = await w.ics.payments({ cycleId: '2026-01-05#1', status: 'rejected', limit: 10 });
        assert.deepEqual(
          rejected.map((p) => p.id),
          [`${A}:a1`, `${B}:b1`],
        );
      } finally {
        await w.close();
      }
    });

    it('when IMTS finds a participant uncovered (balances moved), removes it too and settles on the next attempt', async () => {
      const w = await world(engine);
      try {
        await fund(w, A, 1_000n);
        await fund(w, B, 100n);
        await send(w.ics, A, pay('a1', B, 600n));
        await send(w.ics, B, pay('b1', C, 100n));
        // ICS is told A has plenty; IMTS checks its own balance, which was spent meanwhile
        const stale: IcsSettlement = {
          availableBalance: (bic) => (bic === A ? 10_000n : w.imts.availableBalance(bic)),
          settleNetPositions: (input) => w.imts.settleNetPositions(input),
        };
        await w.imts.liquidity({ id: 'drain', bic: A, direction: 'withdraw', amount: 900n });
        const ics = await w.restart(stale);
        const closed = await ics.closeCycle('2026-01-05#1');
        assert.equal(closed.settlementId, '2026-01-05.1-a2');
        assert.deepEqual(await statusOf(w, `${A}:a1`), ['rejected', 'AM04']);
        // without A's 600, B still covers its 100 from its own balance
        assert.deepEqual(await statusOf(w, `${B}:b1`), ['settled', null]);
        assert.equal(closed.settledCount, 1);
        assert.deepEqual([await balance(w, A), await balance(w, B), await balance(w, C)], [100n, 0n, 100n]);
      } finally {
        await w.close();
      }
    });

    it('a close IMTS refuses stays closing (intake skips it) and the next run settles under a new id', async () => {
      const w = await world(engine);
      try {
        await fund(w, A, 1_000n);
        await send(w.ics, A, pay('a1', B, 300n));
        let failures = 1;
        const flaky: IcsSettlement = {
          availableBalance: (bic) => w.imts.availableBalance(bic),
          settleNetPositions: async (input) => {
            if (failures-- > 0) throw new Error('ledger unavailable');
            return w.imts.settleNetPositions(input);
          },
        };
        const ics = await w.restart(flaky);
        await assert.rejects(ics.closeCycle('2026-01-05#1'), /ledger unavailable/);
        assert.equal((await ics.cycle('2026-01-05#1')).status, 'closing');
        assert.equal((await send(ics, A, pay('a2', B, 1n))).cycleId, '2026-01-05#2');
        const closed = await ics.closeCycle('2026-01-05#1');
        assert.equal(closed.settlementId, '2026-01-05.1-a2');
        assert.deepEqual([await balance(w, A), await balance(w, B)], [700n, 300n]);
      } finally {
        await w.close();
      }
    });

    it('rejects with AC06 the payments to or from a participant blocked before the close', async () => {
      const w = await world(engine);
      try {
        await fund(w, A, 1_000n);
        await send(w.ics, A, pay('a1', B, 100n), pay('a2', D, 200n));
        w.participants.set(D, { ...w.participants.get(D)!, status: 'blocked' });
        const closed = await w.ics.closeCycle('2026-01-05#1');
        assert.deepEqual([closed.settledCount, closed.rejectedCount, closed.rejectedAmount], [1, 1, 200n]);
        assert.deepEqual(await statusOf(w, `${A}:a2`), ['rejected', 'AC06']);
        assert.deepEqual(await statusOf(w, `${A}:a1`), ['settled', null]);
        assert.deepEqual([await balance(w, A), await balance(w, B), await balance(w, D)], [900n, 100n, 0n]);
      } finally {
        await w.close();
      }
    });

    it('an early close sends later payments to the next cycle; the schedule closes that one at its time', async () => {
      const w = await world(engine);
      try {
        await fund(w, A, 1_000n);
        await send(w.ics, A, pay('a1', B, 10n));
        await assert.rejects(w.ics.closeCycle('2026-01-05#2'), (e: DomainError) => e.type === 'state');
        await assert.rejects(w.ics.closeCycle('2026-01-05#9'), (e: DomainError) => e.status === 400);
        await assert.rejects(w.ics.closeCycle('yesterday'), (e: DomainError) => e.status === 400);
        await w.ics.closeCycle('2026-01-05#1', 'ptc_operator');
        assert.equal((await w.ics.current()).id, '2026-01-05#2');
        const later = await send(w.ics, A, pay('a2', B, 20n));
        assert.equal(later.cycleId, '2026-01-05#2');
        // a restarted service knows the cycle closed early
        const ics = await w.restart();
        assert.equal(ics.currentCycle().id, '2026-01-05#2');
        // 10:00: #1's scheduled close passes (already closed); 12:00: #2 is due
        w.clock.set(MONDAY_0900 + HOUR + 1);
        assert.deepEqual(await ics.closeDue(), { closed: [], failed: [] });
        w.clock.set(MONDAY_0900 + 3 * HOUR);
        assert.deepEqual(await ics.closeDue(), { closed: ['2026-01-05#2'], failed: [] });
        assert.deepEqual(await statusOf(w, `${A}:a2`), ['settled', null]);
        assert.equal(await balance(w, B), 30n);
        // an empty cycle that ended is recorded as closed too
        w.clock.set(MONDAY_0900 + 5 * HOUR);
        assert.deepEqual(await ics.closeDue(), { closed: ['2026-01-05#3'], failed: [] });
        const list = await ics.cycles({ limit: 10 });
        assert.deepEqual(
          list.map((c) => [c.id, c.status, c.settledCount]),
          [
            ['2026-01-05#3', 'closed', 0],
            ['2026-01-05#2', 'closed', 1],
            ['2026-01-05#1', 'closed', 1],
          ],
        );
      } finally {
        await w.close();
      }
    });

    it('catches up after downtime: a cycle left open past its close is closed by the next run', async () => {
      const w = await world(engine);
      try {
        await fund(w, A, 1_000n);
        await send(w.ics, A, pay('a1', B, 10n));
        // the weekend and the rest of Monday pass; the next payment goes to Tuesday's first cycle
        w.clock.set(Date.UTC(2026, 0, 5, 20, 0, 0));
        const late = await send(w.ics, A, pay('a2', B, 5n));
        assert.equal(late.cycleId, '2026-01-06#1');
        const r = await w.ics.closeDue();
        assert.deepEqual(r, { closed: ['2026-01-05#1', '2026-01-05#5'], failed: [] });
        assert.deepEqual(await statusOf(w, `${A}:a1`), ['settled', null]);
        assert.deepEqual(await statusOf(w, `${A}:a2`), ['accepted', null]);
      } finally {
        await w.close();
      }
    });

    it('payments racing a close land in exactly one cycle, and every one is accounted for', async () => {
      const w = await world(engine);
      try {
        for (const b of [A, B, C]) await fund(w, b, 1_000_000n);
        const banks = [A, B, C];
        const submits = Array.from({ length: 30 }, (_, i) =>
          w.ics.submit(banks[i % 3]!, {
            msgId: `race-${i}`,
            payments: Array.from({ length: 20 }, (_, k) => pay(`r${i}-${k}`, banks[(i + 1) % 3]!, 1n + BigInt(k))),
          }),
        );
        const close = w.ics.closeCycle('2026-01-05#1');
        const results = await Promise.all(submits);
        const first = await close;
        const inFirst = results.filter((r) => r.cycleId === '2026-01-05#1').length * 20;
        const inSecond = results.filter((r) => r.cycleId === '2026-01-05#2').length * 20;
        assert.equal(inFirst + inSecond, 600);
        assert.equal(first.settledCount, inFirst);
        assert.equal((await w.ics.current()).acceptedCount, inSecond);
        const settled = await w.ics.payments({ cycleId: '2026-01-05#1', status: 'settled', limit: 1000 });
        assert.equal(settled.length, inFirst);
      } finally {
        await w.close();
      }
    });

    it('finishes a close interrupted after IMTS settled, exactly as decided, without settling twice', async () => {
      const w = await world(engine);
      try {
        await fund(w, A, 1_000n);
        await send(w.ics, A, pay('a1', B, 400n));
        // IMTS settles, then the process "dies" before ICS records the answer
        let reached!: () => void;
        const settledInImts = new Promise<void>((r) => {
          reached = r;
        });
        const dying: IcsSettlement = {
          availableBalance: (bic) => w.imts.availableBalance(bic),
          settleNetPositions: async (input) => {
            await w.imts.settleNetPositions(input);
            reached();
            return new Promise(() => {});
          },
        };
        const before = await w.restart(dying);
        void before.closeCycle('2026-01-05#1');
        await settledInImts;
        const c = await w.ics.cycle('2026-01-05#1');
        assert.equal(c.status, 'settling');
        // without a way to ask IMTS, the close refuses to guess
        const blind = await w.restart(w.imts, false);
        await assert.rejects(blind.closeCycle('2026-01-05#1'), (e: DomainError) => e.type === 'state');
        const after = await w.restart();
        // (Friday's last cycle ended before this Monday one: recorded, empty)
        assert.deepEqual(await after.closeDue(), { closed: ['2026-01-05#1', '2026-01-02#5'], failed: [] });
        assert.deepEqual([await balance(w, A), await balance(w, B)], [600n, 400n]);
        assert.deepEqual(await statusOf(w, `${A}:a1`), ['settled', null]);
      } finally {
        await w.close();
      }
    });

    it('lists a participant’s payments in order with a cursor, and one payment by id', async () => {
      const w = await world(engine);
      try {
        await send(w.ics, A, pay('a1', B, 1n), pay('a2', C, 2n));
        await send(w.ics, C, pay('c1', B, 3n), pay('c2', A, 4n));
        await send(w.ics, B, pay('b1', C, 5n));
        const page1 = await w.ics.payments({ bic: A, limit: 2 });
        assert.deepEqual(
          page1.map((p) => p.id),
          [`${A}:a1`, `${A}:a2`],
        );
        const page2 = await w.ics.payments({ bic: A, limit: 2, after: page1.at(-1)!.seq });
        assert.deepEqual(
          page2.map((p) => p.id),
          [`${C}:c2`],
        );
        assert.equal((await w.ics.payments({ limit: 100 })).length, 5);
        const one = await w.ics.payment(`${C}:c1`);
        assert.deepEqual(
          [one.senderBic, one.receiverBic, one.amount, one.cycleId, one.status, one.msgId.startsWith('MSG-')],
          [C, B, 3n, '2026-01-05#1', 'accepted', true],
        );
        await assert.rejects(w.ics.payment(`${C}:nope`), (e: DomainError) => e.status === 404);
        await assert.rejects(w.ics.payment('garbage'), (e: DomainError) => e.status === 404);
        assert.deepEqual(await w.ics.payments({ cycleId: '2026-01-06#1', limit: 10 }), []);
        await assert.rejects(w.ics.report('2026-01-05#1'), (e: DomainError) => e.type === 'state');
      } finally {
        await w.close();
      }
    });
  });
}
