/** Cancellation requests (camt.056) and returns (pacs.004) at the service level, on every engine. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engines, freshDb } from '../platform/testing.ts';
import type { ReturnInstruction } from './service.ts';
import { BANKS, balance, imtsWorld, lastMessageId, pay, send, type World } from './testkit.ts';

const [A, B, C] = BANKS as [string, string, string];
const world = async (engine: 'sqlite' | 'postgres') => imtsWorld(await freshDb(engine));

const ret = (
  rtrId: string,
  originalSenderBic: string,
  orgnlTxId: string,
  amount: bigint,
  extra: Partial<ReturnInstruction> = {},
): ReturnInstruction => ({
  rtrId,
  originalSenderBic,
  orgnlTxId,
  amount,
  currency: 'KZT',
  reason: 'AC04',
  priority: 'normal',
  document: { rtrId },
  ...extra,
});

let msg = 0;
const giveBack = (w: World, from: string, ...rs: ReturnInstruction[]) => w.imts.submitReturns(from, `rtr-${++msg}`, rs);
const inject = (w: World, bic: string, amount: bigint) =>
  w.imts.liquidity({ id: `l-${++msg}`, bic, direction: 'inject', amount });

const balances = async (w: World) => Promise.all(BANKS.map((b) => balance(w, b)));
const total = (xs: bigint[]) => xs.reduce((s, x) => s + x, 0n);

/** Everything a refused request could have touched. */
async function snapshot(w: World, ids: string[]) {
  return {
    balances: await balances(w),
    available: BANKS.map((b) => w.imts.availableBalance(b)),
    queue: w.imts.queue().map((p) => p.id),
    payments: await Promise.all(ids.map(async (id) => (await w.imts.get(id))?.status)),
    ledger: await w.ledger.sumOfBalances(),
  };
}

for (const engine of engines()) {
  describe(`IMTS cancellation requests and returns on ${engine}`, () => {
    it('cancels queued payments by transaction id, end-to-end id and whole message; money does not move', async () => {
      const w = await world(engine);
      try {
        await inject(w, A, 100n);
        const [settled] = await send(w, A, pay('s1', B, 100n));
        assert.equal(settled?.status, 'ACSC');
        await send(w, A, pay('q1', B, 500n), pay('q2', C, 10n));
        const m1 = lastMessageId();
        await send(w, A, pay('q3', C, 20n));
        await send(w, A, pay('q4', B, 30n));
        const before = await balances(w);
        const [byTx, byE2e] = await w.imts.requestCancellation(A, [
          { orgnlTxId: 'q3', reason: 'DUPL' },
          { orgnlEndToEndId: 'e2e-q4' },
        ]);
        assert.deepEqual(
          [byTx?.outcomes.map((o) => o.status), byE2e?.outcomes.map((o) => o.status)],
          [['ACCR'], ['ACCR']],
        );
        const q3 = await w.imts.get(`${A}:q3`);
        assert.deepEqual([q3?.status, q3?.reason], ['cancelled', 'DUPL']);
        assert.equal((await w.imts.get(`${A}:q4`))?.reason, 'CUST', 'CUST when the request gives no reason');
        // liquidity for the small one only: were q1 cancelled alone first, q2 would settle before its own cancel
        await inject(w, A, 10n);
        assert.deepEqual(
          w.imts.queue(A).map((p) => p.txId),
          ['q1', 'q2'],
        );
        const [whole] = await w.imts.requestCancellation(A, [{ orgnlMsgId: m1 }]);
        assert.deepEqual(
          whole?.outcomes.map((o) => [o.payment?.txId, o.status]),
          [
            ['q1', 'ACCR'],
            ['q2', 'ACCR'],
          ],
        );
        assert.equal(w.imts.queue().length, 0);
        assert.deepEqual(
          await balances(w),
          before.map((b, i) => (i === 0 ? b + 10n : b)),
          'only the injection moved',
        );
        assert.equal(total(await balances(w)), 110n, 'the banks hold exactly what was injected');
        assert.equal(w.imts.availableBalance(A), 10n);
      } finally {
        await w.close();
      }
    });

    it('refuses to cancel a settled payment (ARDT) and changes nothing; a foreign payment looks unknown (NOOR)', async () => {
      const w = await world(engine);
      try {
        await inject(w, A, 100n);
        await inject(w, B, 5n);
        await send(w, A, pay('done', B, 60n));
        await send(w, B, pay('bq', C, 500n)); // B's queued payment
        await send(w, A, pay('aq', C, 1000n)); // A's queued payment, behind nothing
        const ids = [`${A}:done`, `${B}:bq`, `${A}:aq`];
        const before = await snapshot(w, ids);
        const [settled, foreignTx, foreignE2e, unknown] = await w.imts.requestCancellation(A, [
          { orgnlTxId: 'done' },
          { orgnlTxId: 'bq' },
          { orgnlEndToEndId: 'e2e-bq' },
          { orgnlTxId: 'never-sent' },
        ]);
        assert.deepEqual(
          settled?.outcomes.map((o) => [o.status, o.reason]),
          [['RJCR', 'ARDT']],
        );
        assert.equal(settled?.outcomes[0]?.payment?.status, 'settled');
        const strip = (r: typeof unknown) => r!.outcomes;
        assert.deepEqual(strip(foreignTx), strip(unknown), 'another bank’s payment reads like no payment at all');
        assert.deepEqual(strip(foreignE2e), strip(unknown));
        assert.deepEqual(
          strip(unknown).map((o) => [o.status, o.reason, o.payment]),
          [['RJCR', 'NOOR', undefined]],
        );
        // a reference that does not match the transaction id's payment is unknown too
        const [mismatch] = await w.imts.requestCancellation(A, [{ orgnlTxId: 'aq', orgnlEndToEndId: 'other' }]);
        assert.deepEqual(strip(mismatch), strip(unknown));
        assert.deepEqual(await snapshot(w, ids), before, 'nothing changed');
        // the existing single cancel shares the same rules
        await assert.rejects(w.imts.cancel(A, `${B}:bq`), { type: 'not-found' });
        await assert.rejects(w.imts.cancel(A, `${A}:done`), { reason: 'ARDT' });
      } finally {
        await w.close();
      }
    });

    it('returns a settled payment fully, or in parts up to what is left; refuses over-returns, duplicates, unknowns', async () => {
      const w = await world(engine);
      try {
        await inject(w, A, 1000n);
        await send(w, A, pay('p1', B, 300n), pay('p2', B, 200n));
        await send(w, C, pay('c1', B, 70n)); // C has no liquidity: queued
        const start = await balances(w);
        assert.deepEqual(start, [500n, 500n, 0n]);

        const [full] = await giveBack(w, B, ret('r-full', A, 'p2', 200n, { orgnlEndToEndId: 'e2e-p2' }));
        assert.deepEqual([full?.status, full?.paymentId], ['ACSC', `${B}:r-full`]);
        assert.deepEqual(await balances(w), [700n, 300n, 0n], 'exactly the returned amount moved back');

        const [part1, part2] = await giveBack(w, B, ret('r-a', A, 'p1', 100n), ret('r-b', A, 'p1', 150n));
        assert.deepEqual([part1?.status, part2?.status], ['ACSC', 'ACSC']);
        assert.deepEqual(await balances(w), [950n, 50n, 0n]);

        const ids = [`${A}:p1`, `${A}:p2`, `${C}:c1`];
        const before = await snapshot(w, ids);
        const refused = await giveBack(
          w,
          B,
          ret('r-over', A, 'p1', 51n), // 300 - 250 = 50 left
          ret('r-again', A, 'p2', 1n), // fully returned already
          ret('r-full', A, 'p1', 1n), // RtrId already used
          ret('r-queued', C, 'c1', 10n), // not settled
          ret('r-none', A, 'nope', 10n), // unknown
          ret('r-foreign', B, 'r-a', 1n, {}), // a payment B sent, not received
          ret('r-e2e', A, 'p1', 1n, { orgnlEndToEndId: 'wrong' }), // references do not match
          ret('r-ccy', A, 'p1', 1n, { currency: 'USD' }),
        );
        assert.deepEqual(
          refused.map((s) => [s.txId, s.status, s.reason]),
          [
            ['r-over', 'RJCT', 'AM02'],
            ['r-again', 'RJCT', 'AM02'],
            ['r-full', 'RJCT', 'DUPL'],
            ['r-queued', 'RJCT', 'NARR'],
            ['r-none', 'RJCT', 'NARR'],
            ['r-foreign', 'RJCT', 'NARR'],
            ['r-e2e', 'RJCT', 'NARR'],
            ['r-ccy', 'RJCT', 'AM03'],
          ],
        );
        assert.equal(refused[4]?.narrative, refused[5]?.narrative, 'not received by you reads like unknown');
        assert.deepEqual(await snapshot(w, ids), before, 'nothing changed');
        assert.equal(await w.imts.get(`${B}:r-over`), undefined, 'a refused return is not stored: its id stays free');

        // a third bank cannot return a payment between A and B
        await inject(w, C, 100n);
        const [third] = await giveBack(w, C, ret('r-c', A, 'p1', 1n));
        assert.deepEqual([third?.status, third?.narrative], ['RJCT', refused[4]?.narrative]);

        // exactly what is left, in one message with two parts: the second part counts the first
        const [last, tooMuch] = await giveBack(w, B, ret('r-c1', A, 'p1', 50n), ret('r-c2', A, 'p1', 1n));
        assert.deepEqual([last?.status, tooMuch?.reason], ['ACSC', 'AM02']);

        const p1 = await w.imts.detail(`${A}:p1`);
        assert.equal(p1?.returnedAmount, 300n);
        assert.deepEqual(
          p1?.returns?.map((r) => [r.txId, r.amount, r.status, r.returnReason]),
          [
            ['r-a', 100n, 'settled', 'AC04'],
            ['r-b', 150n, 'settled', 'AC04'],
            ['r-c1', 50n, 'settled', 'AC04'],
          ],
        );
        const r = await w.imts.detail(`${B}:r-a`);
        assert.deepEqual(
          [r?.msgType, r?.senderBic, r?.receiverBic, r?.returnOf, r?.returnReason, r?.endToEndId],
          ['pacs.004', B, A, `${A}:p1`, 'AC04', 'e2e-p1'],
        );
        assert.equal(r?.returns, undefined, 'a return lists no returns of its own');
        const [rr] = await giveBack(w, A, ret('r-r', B, 'r-a', 1n));
        assert.equal(rr?.reason, 'AG03', 'a return cannot be returned');
        assert.equal(total(await balances(w)), 1100n, 'money is conserved');
        assert.deepEqual(await w.ledger.sumOfBalances(), { posted: 0n, pending: 0n });
      } finally {
        await w.close();
      }
    });

    it('an uncovered return queues, counts against what is left, settles with liquidity and survives a restart', async () => {
      const w = await world(engine);
      try {
        await inject(w, A, 400n);
        await send(w, A, pay('p', B, 400n));
        await w.imts.dtConversion({ id: 'dt', bic: B, direction: 'to_dt', amount: 400n }); // B spends it all
        const [queued] = await giveBack(w, B, ret('rq', A, 'p', 300n, { reason: 'FOCR' }));
        assert.equal(queued?.status, 'PDNG');
        const [over] = await giveBack(w, B, ret('rq2', A, 'p', 101n));
        assert.equal(over?.reason, 'AM02', 'the queued return is counted');
        // cancelling the queued return frees its amount again
        const [cx] = await w.imts.requestCancellation(B, [{ orgnlTxId: 'rq' }]);
        assert.equal(cx?.outcomes[0]?.status, 'ACCR');
        const [again] = await giveBack(w, B, ret('rq3', A, 'p', 400n));
        assert.equal(again?.status, 'PDNG');
        await w.restart();
        assert.deepEqual(
          w.imts.queue(B).map((p) => [p.txId, p.returnOf, p.msgType]),
          [['rq3', `${A}:p`, 'pacs.004']],
        );
        const [afterRestart] = await giveBack(w, B, ret('rq4', A, 'p', 1n));
        assert.equal(afterRestart?.reason, 'AM02');
        await inject(w, B, 400n);
        assert.equal(w.imts.queue().length, 0);
        assert.deepEqual(await balances(w), [400n, 0n, 0n]);
        const p = await w.imts.detail(`${A}:p`);
        assert.equal(p?.returnedAmount, 400n);
        assert.deepEqual(
          p?.returns?.map((r) => [r.txId, r.status]),
          [
            ['rq', 'cancelled'],
            ['rq3', 'settled'],
          ],
        );
      } finally {
        await w.close();
      }
    });

    it('concurrent returns of one payment never return more than it', async () => {
      const w = await world(engine);
      try {
        await inject(w, A, 100n);
        await send(w, A, pay('p', B, 100n));
        const results = await Promise.all(
          Array.from({ length: 8 }, (_, i) => giveBack(w, B, ret(`rc${i}`, A, 'p', 30n))),
        );
        const ok = results.flat().filter((s) => s.status === 'ACSC');
        assert.equal(ok.length, 3);
        assert.equal((await w.imts.detail(`${A}:p`))?.returnedAmount, 90n);
        assert.deepEqual(await balances(w), [90n, 10n, 0n]);
      } finally {
        await w.close();
      }
    });
  });
}
