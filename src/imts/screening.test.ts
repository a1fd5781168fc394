/** IMTS with fraud screening: confirmed fraudsters are refused (FRAD) with nothing settled; suspects settle held. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engines, freshDb } from '../platform/testing.ts';
import { balance, imtsWorld, pay, send } from './testkit.ts';

const A = 'AAAAKZKA';
const B = 'BBBBKZKA';

for (const engine of engines()) {
  describe(`IMTS screening on ${engine}`, () => {
    it('block → RJCT FRAD, nothing moves; review → settles and the credit notice says hold; pacs.009 is not screened', async () => {
      const screened: string[] = [];
      const w = await imtsWorld(await freshDb(engine), {
        screen: async (p) => {
          const txId = (p.document as { txId: string }).txId;
          screened.push(txId);
          if (txId.startsWith('bad')) return { decision: 'block', reasons: ['LISTED_CONFIRMED /creditor/account'] };
          if (txId.startsWith('odd')) return { decision: 'review', reasons: ['LISTED_SUSPECT /creditor/account'] };
          return { decision: 'allow', reasons: [] };
        },
        reviewHoldMs: 3_600_000,
      });
      try {
        await w.imts.liquidity({ id: 'l1', bic: A, direction: 'inject', amount: 1000n });
        const r = await send(w, A, pay('bad-1', B, 100n), pay('ok-1', B, 100n), pay('odd-1', B, 100n), {
          ...pay('fi-1', B, 100n),
          msgType: 'pacs.009',
        });
        assert.deepEqual(
          r.map((s) => [s.txId, s.status, s.reason ?? null]),
          [
            ['bad-1', 'RJCT', 'FRAD'],
            ['ok-1', 'ACSC', null],
            ['odd-1', 'ACSC', null],
            ['fi-1', 'ACSC', null],
          ],
        );
        assert.deepEqual(screened, ['bad-1', 'ok-1', 'odd-1']);
        assert.equal(await balance(w, A), 700n);
        assert.equal(await balance(w, B), 300n);
        const notices = await w.t.db.query<{ payload: string; participant_id: string }>(
          "SELECT payload, participant_id FROM webhook_deliveries WHERE event_type = 'imts.camt054' ORDER BY id",
        );
        const held = notices
          .map(
            (n) =>
              JSON.parse(n.payload) as {
                message: { grpHdr: { creDtTm: string } };
                screening?: { action: string; holdUntil: string };
              },
          )
          .filter((n) => n.screening);
        assert.equal(held.length, 1, 'only the credit side of the reviewed payment');
        assert.equal(held[0]!.screening!.action, 'hold_credit');
        // the rail's policy: held for the configured time after settlement, then released
        const settledAt = Date.parse(held[0]!.message.grpHdr.creDtTm);
        assert.equal(Date.parse(held[0]!.screening!.holdUntil) - settledAt, 3_600_000);
        // a resent transaction is a duplicate, not screened again
        await send(w, A, pay('bad-1', B, 100n));
        assert.equal(screened.length, 3);
      } finally {
        await w.close();
      }
    });
  });
}
