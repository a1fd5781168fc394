import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type DomainError, ManualClock } from '../platform/index.ts';
import { engines, freshDb } from '../platform/testing.ts';
import { DEFAULT_OPERATING_DAY, type OperatingDayConfig } from './domain/operating-day.ts';
import { settlementAccountId } from './service.ts';
import { BANKS, balance, imtsWorld, lastMessageId, pay, send } from './testkit.ts';

const world = async (engine: 'sqlite' | 'postgres', operatingDay?: OperatingDayConfig, clock?: ManualClock) =>
  imtsWorld(await freshDb(engine), { ...(operatingDay ? { operatingDay } : {}), ...(clock ? { clock } : {}) });

for (const engine of engines()) {
  describe(`IMTS on ${engine}`, () => {
    it('settles a covered payment at once and queues an uncovered one', async () => {
      const w = await world(engine);
      try {
        await w.imts.liquidity({ id: 'l1', bic: 'AAAAKZKA', direction: 'inject', amount: 1000n });
        const [a] = await send(w, 'AAAAKZKA', pay('t1', 'BBBBKZKA', 600n));
        assert.equal(a?.status, 'ACSC');
        const [b] = await send(w, 'AAAAKZKA', pay('t2', 'BBBBKZKA', 600n));
        assert.equal(b?.status, 'PDNG');
        assert.equal(await balance(w, 'AAAAKZKA'), 400n);
        assert.equal(await balance(w, 'BBBBKZKA'), 600n);
        assert.equal((await w.imts.get(b!.paymentId))?.status, 'queued');
      } finally {
        await w.ledger.close();
        await w.t.cleanup();
      }
    });

    it('notifies both banks by camt.054 when a queued payment settles later, by liquidity or gridlock', async () => {
      const w = await world(engine);
      try {
        const notices = async () =>
          (
            await w.t.db.query<{ participant_id: string; idempotency_key: string }>(
              `SELECT participant_id, idempotency_key FROM webhook_deliveries WHERE event_type = 'imts.camt054'
               ORDER BY idempotency_key`,
            )
          ).map((r) => `${r.participant_id} ${r.idempotency_key}`);
        await send(w, 'AAAAKZKA', pay('q1', 'BBBBKZKA', 50n));
        await send(w, 'BBBBKZKA', pay('g1', 'CCCCKZKA', 10n));
        await send(w, 'CCCCKZKA', pay('g2', 'BBBBKZKA', 10n));
        assert.deepEqual(await notices(), []);
        await w.imts.liquidity({ id: 'l1', bic: 'AAAAKZKA', direction: 'inject', amount: 50n });
        await w.imts.resolveGridlock();
        assert.deepEqual(
          await notices(),
          [
            'ptc_0 AAAAKZKA:q1:DBIT',
            'ptc_1 AAAAKZKA:q1:CRDT',
            'ptc_1 BBBBKZKA:g1:DBIT',
            'ptc_2 BBBBKZKA:g1:CRDT',
            'ptc_2 CCCCKZKA:g2:DBIT',
            'ptc_1 CCCCKZKA:g2:CRDT',
          ].sort((a, b) => (a.split(' ')[1]! < b.split(' ')[1]! ? -1 : 1)),
        );
      } finally {
        await w.ledger.close();
        await w.t.cleanup();
      }
    });

    it('a repeated liquidity operation moves money and the mirror once; other content is a conflict', async () => {
      const w = await world(engine);
      try {
        const op = { id: 'inj-1', bic: 'AAAAKZKA', direction: 'inject' as const, amount: 500n };
        const answers = await Promise.allSettled([w.imts.liquidity(op), w.imts.liquidity(op)]);
        assert.ok(answers.some((a) => a.status === 'fulfilled'));
        await w.imts.liquidity(op);
        assert.equal(await balance(w, 'AAAAKZKA'), 500n);
        assert.equal(w.imts.availableBalance('AAAAKZKA'), 500n);
        await assert.rejects(w.imts.liquidity({ ...op, amount: 501n }), (e: DomainError) => e.type === 'conflict');
        // after a restart the operation is still answered, not applied
        await w.restart();
        await w.imts.liquidity(op);
        assert.equal(w.imts.availableBalance('AAAAKZKA'), 500n);
        assert.equal(await balance(w, 'AAAAKZKA'), 500n);
      } finally {
        await w.ledger.close();
        await w.t.cleanup();
      }
    });

    it('the same transaction in two concurrent messages settles once; the copy is a duplicate', async () => {
      const w = await world(engine);
      try {
        await w.imts.liquidity({ id: 'l1', bic: 'AAAAKZKA', direction: 'inject', amount: 1000n });
        await w.imts.liquidity({ id: 'l2', bic: 'BBBBKZKA', direction: 'inject', amount: 1000n });
        const [a, b, other] = await Promise.all([
          send(w, 'AAAAKZKA', pay('same', 'BBBBKZKA', 100n)),
          send(w, 'AAAAKZKA', pay('same', 'BBBBKZKA', 100n)),
          send(w, 'BBBBKZKA', pay('other', 'CCCCKZKA', 10n)),
        ]);
        assert.deepEqual([a![0]!.status, b![0]!.status].sort(), ['ACSC', 'RJCT']);
        assert.equal([a![0], b![0]].find((x) => x!.status === 'RJCT')!.reason, 'DUPL');
        assert.equal(other![0]!.status, 'ACSC');
        assert.equal(await balance(w, 'AAAAKZKA'), 900n);
        assert.equal(await balance(w, 'CCCCKZKA'), 10n);
      } finally {
        await w.ledger.close();
        await w.t.cleanup();
      }
    });

    it('a payment the ledger refuses is rejected AM04, nothing half-done; the message can be followed up', async () => {
      const w = await world(engine);
      try {
        await w.imts.liquidity({ id: 'l1', bic: 'AAAAKZKA', direction: 'inject', amount: 100n });
        // money leaves the settlement account behind IMTS's back: its mirror now overestimates
        await w.ledger.transfer({
          id: 'behind-the-back',
          debitAccountId: settlementAccountId('AAAAKZKA'),
          creditAccountId: 'cb:issuance',
          amount: 60n,
          currency: 'KZT',
          code: 'test',
        });
        const [r] = await send(w, 'AAAAKZKA', pay('over', 'BBBBKZKA', 80n));
        assert.deepEqual([r?.status, r?.reason], ['RJCT', 'AM04']);
        assert.equal((await w.imts.get('AAAAKZKA:over'))?.status, 'rejected');
        assert.equal(await balance(w, 'AAAAKZKA'), 40n);
        assert.equal(await balance(w, 'BBBBKZKA'), 0n);
        const [ok] = await send(w, 'AAAAKZKA', pay('fits', 'BBBBKZKA', 40n));
        assert.equal(ok?.status, 'ACSC');
        assert.equal(await balance(w, 'BBBBKZKA'), 40n);
      } finally {
        await w.ledger.close();
        await w.t.cleanup();
      }
    });

    it('releases a queue longer than a ledger batch when liquidity arrives, and a covered head at restart', async () => {
      const w = await world(engine);
      try {
        const n = 4100;
        const txs = Array.from({ length: n }, (_, i) => pay(`q${i}`, 'BBBBKZKA', 1n));
        for (let i = 0; i < n; i += 1000) await send(w, 'AAAAKZKA', ...txs.slice(i, i + 1000));
        assert.equal(w.imts.queue('AAAAKZKA').length, n);
        await w.imts.liquidity({ id: 'l1', bic: 'AAAAKZKA', direction: 'inject', amount: BigInt(n) });
        assert.equal(w.imts.queue('AAAAKZKA').length, 0);
        assert.equal(await balance(w, 'BBBBKZKA'), BigInt(n));
        assert.equal((await w.imts.list({ bic: 'AAAAKZKA', status: 'queued', limit: 10 })).length, 0);
        // a queued head whose cover is there at start settles without waiting for the next credit
        await send(w, 'BBBBKZKA', pay('big', 'CCCCKZKA', BigInt(n) + 1n));
        await w.ledger.transfer({
          id: 'topup-behind',
          debitAccountId: 'cb:issuance',
          creditAccountId: settlementAccountId('BBBBKZKA'),
          amount: 1n,
          currency: 'KZT',
          code: 'test',
        });
        await w.restart();
        assert.equal((await w.imts.get('BBBBKZKA:big'))?.status, 'settled');
      } finally {
        await w.ledger.close();
        await w.t.cleanup();
      }
    });

    it('a small payment does not overtake a queued larger one of the same sender (FIFO), urgent goes first', async () => {
      const w = await world(engine);
      try {
        await w.imts.liquidity({ id: 'l1', bic: 'AAAAKZKA', direction: 'inject', amount: 100n });
        const [big] = await send(w, 'AAAAKZKA', pay('big', 'BBBBKZKA', 500n));
        const [small] = await send(w, 'AAAAKZKA', pay('small', 'CCCCKZKA', 50n));
        assert.deepEqual([big?.status, small?.status], ['PDNG', 'PDNG']);
        const [urgent] = await send(w, 'AAAAKZKA', pay('urgent', 'CCCCKZKA', 80n, 'urgent'));
        assert.equal(urgent?.status, 'PDNG', 'the queue is not empty, so even urgent waits for its turn');
        assert.deepEqual(
          w.imts.queue('AAAAKZKA').map((p) => p.txId),
          ['urgent', 'big', 'small'],
        );
        // liquidity arrives: the urgent head settles (80 ≤ 120), big still does not fit, small waits behind it
        await w.imts.liquidity({ id: 'l2', bic: 'AAAAKZKA', direction: 'inject', amount: 20n });
        assert.deepEqual(
          w.imts.queue('AAAAKZKA').map((p) => p.txId),
          ['big', 'small'],
        );
        await w.imts.reprioritise('AAAAKZKA', small!.paymentId, 'urgent');
        assert.deepEqual(
          w.imts.queue('AAAAKZKA').map((p) => p.txId),
          ['small', 'big'],
        );
        await w.imts.liquidity({ id: 'l3', bic: 'AAAAKZKA', direction: 'inject', amount: 10n });
        assert.deepEqual(
          w.imts.queue('AAAAKZKA').map((p) => p.txId),
          ['big'],
        );
        assert.equal((await w.imts.get(small!.paymentId))?.status, 'settled');
        await w.imts.cancel('AAAAKZKA', big!.paymentId);
        assert.equal((await w.imts.get(big!.paymentId))?.status, 'cancelled');
        await assert.rejects(w.imts.cancel('AAAAKZKA', small!.paymentId), (e: DomainError) => e.type === 'state');
      } finally {
        await w.ledger.close();
        await w.t.cleanup();
      }
    });

    it('resolves a gridlock: three banks with zero balance A→B, B→C, C→A all settle', async () => {
      const w = await world(engine);
      try {
        await send(w, 'AAAAKZKA', pay('ab', 'BBBBKZKA', 1000n));
        await send(w, 'BBBBKZKA', pay('bc', 'CCCCKZKA', 1000n));
        await send(w, 'CCCCKZKA', pay('ca', 'AAAAKZKA', 1000n));
        assert.equal(w.imts.queue().length, 3);
        const r = await w.imts.resolveGridlock();
        assert.equal(r.settled, 3);
        assert.equal(w.imts.queue().length, 0);
        for (const id of ['AAAAKZKA:ab', 'BBBBKZKA:bc', 'CCCCKZKA:ca'])
          assert.equal((await w.imts.get(id))?.status, 'settled');
        for (const bic of BANKS) assert.equal(await balance(w, bic), 0n);
        assert.deepEqual(await w.ledger.sumOfBalances(), { posted: 0n, pending: 0n });
      } finally {
        await w.ledger.close();
        await w.t.cleanup();
      }
    });

    it('refuses bad payments with ISO reasons and settles nothing for them', async () => {
      const w = await world(engine);
      try {
        await w.imts.liquidity({ id: 'l1', bic: 'AAAAKZKA', direction: 'inject', amount: 1000n });
        const r = await send(
          w,
          'AAAAKZKA',
          pay('x1', 'ZZZZKZKA', 10n),
          { ...pay('x2', 'BBBBKZKA', 10n), currency: 'USD' },
          pay('x3', 'AAAAKZKA', 10n),
        );
        assert.deepEqual(
          r.map((s) => [s.status, s.reason]),
          [
            ['RJCT', 'RC01'],
            ['RJCT', 'AM03'],
            ['RJCT', 'AC01'],
          ],
        );
        assert.equal(await balance(w, 'AAAAKZKA'), 1000n);
        await assert.rejects(
          w.imts.submit('AAAAKZKA', lastMessageId(), [pay('x4', 'BBBBKZKA', 1n)]),
          (e: DomainError) => e.reason === 'DUPL',
        );
        const [again] = await send(w, 'AAAAKZKA', pay('x1', 'BBBBKZKA', 10n));
        assert.deepEqual([again?.status, again?.reason], ['RJCT', 'DUPL']);
        await assert.rejects(
          w.imts.liquidity({ id: 'w1', bic: 'AAAAKZKA', direction: 'withdraw', amount: 5000n }),
          (e: DomainError) => e.reason === 'AM04',
        );
      } finally {
        await w.ledger.close();
        await w.t.cleanup();
      }
    });

    it('ancillary settlement is all or nothing and names uncovered participants', async () => {
      const w = await world(engine);
      try {
        await w.imts.liquidity({ id: 'l1', bic: 'AAAAKZKA', direction: 'inject', amount: 100n });
        const short = await w.imts.settleNetPositions({
          id: 'c1',
          system: 'ics',
          legs: [
            { bic: 'AAAAKZKA', amount: -50n },
            { bic: 'BBBBKZKA', amount: -70n },
            { bic: 'CCCCKZKA', amount: 120n },
          ],
        });
        assert.deepEqual(short, { settled: false, uncovered: ['BBBBKZKA'] });
        assert.equal(await balance(w, 'CCCCKZKA'), 0n, 'nothing moved');
        const ok = await w.imts.settleNetPositions({
          id: 'c2',
          system: 'ics',
          legs: [
            { bic: 'AAAAKZKA', amount: -50n },
            { bic: 'CCCCKZKA', amount: 50n },
          ],
        });
        assert.deepEqual(ok, { settled: true });
        assert.equal(await balance(w, 'CCCCKZKA'), 50n);
        await assert.rejects(
          w.imts.settleNetPositions({ id: 'c3', system: 'ics', legs: [{ bic: 'AAAAKZKA', amount: -1n }] }),
          (e: DomainError) => e.type === 'validation',
        );
      } finally {
        await w.ledger.close();
        await w.t.cleanup();
      }
    });

    it('Digital Tenge conversion debits the settlement account and redemption credits it back', async () => {
      const w = await world(engine);
      try {
        await w.imts.liquidity({ id: 'l1', bic: 'AAAAKZKA', direction: 'inject', amount: 100n });
        await w.imts.dtConversion({ id: 'd1', bic: 'AAAAKZKA', direction: 'to_dt', amount: 60n });
        assert.equal(await balance(w, 'AAAAKZKA'), 40n);
        await assert.rejects(
          w.imts.dtConversion({ id: 'd2', bic: 'AAAAKZKA', direction: 'to_dt', amount: 41n }),
          (e: DomainError) => e.reason === 'AM04',
        );
        await w.imts.dtConversion({ id: 'd3', bic: 'AAAAKZKA', direction: 'from_dt', amount: 10n });
        assert.equal(await balance(w, 'AAAAKZKA'), 50n);
        assert.deepEqual(await w.ledger.sumOfBalances(), { posted: 0n, pending: 0n });
      } finally {
        await w.ledger.close();
        await w.t.cleanup();
      }
    });

    it('cut-offs refuse late payments with TM01; end of day rejects the queue with AM04', async () => {
      const clock = new ManualClock(new Date('2026-11-23T16:30:00+05:00'));
      const w = await world(engine, DEFAULT_OPERATING_DAY, clock);
      try {
        const [queued] = await send(w, 'AAAAKZKA', pay('early', 'BBBBKZKA', 10n));
        assert.equal(queued?.status, 'PDNG');
        clock.set(new Date('2026-11-23T17:05:00+05:00'));
        const [late] = await send(w, 'AAAAKZKA', pay('late', 'BBBBKZKA', 10n));
        assert.deepEqual([late?.status, late?.reason], ['RJCT', 'TM01']);
        const eod = await w.imts.endOfDay();
        assert.deepEqual(
          eod.rejected.map((r) => [r.txId, r.reason]),
          [['early', 'AM04']],
        );
        assert.equal((await w.imts.get(queued!.paymentId))?.status, 'rejected');
        assert.equal(w.imts.queue().length, 0);
      } finally {
        await w.ledger.close();
        await w.t.cleanup();
      }
    });

    it('after a restart the queue is intact and liquidity settles it', async () => {
      const w = await world(engine);
      try {
        await send(w, 'AAAAKZKA', pay('q1', 'BBBBKZKA', 300n), pay('q2', 'CCCCKZKA', 200n));
        await w.restart();
        assert.deepEqual(
          w.imts.queue().map((p) => p.txId),
          ['q1', 'q2'],
        );
        await w.imts.liquidity({ id: 'l1', bic: 'AAAAKZKA', direction: 'inject', amount: 500n });
        assert.equal(w.imts.queue().length, 0);
        assert.equal(await balance(w, 'CCCCKZKA'), 200n);
      } finally {
        await w.ledger.close();
        await w.t.cleanup();
      }
    });
  });
}
