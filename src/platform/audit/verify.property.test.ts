import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ManualClock } from '../clock.ts';
import { type Db, migrate } from '../db/index.ts';
import { engines, freshDb } from '../testing.ts';
import { appendAudit } from './append.ts';
import { GENESIS_HASH } from './chain.ts';
import { auditMigrations } from './migrations.ts';
import { verifyAudit } from './verify.ts';

const COLUMNS = ['at', 'actor', 'action', 'entity', 'entity_id', 'details', 'digest', 'prev_hash', 'hash'] as const;

type Tamper =
  | { kind: 'edit'; at: number; column: (typeof COLUMNS)[number] }
  | { kind: 'delete'; at: number }
  | { kind: 'swap'; at: number; with: number }
  | { kind: 'head' };

const entryArb = fc.record({
  actor: fc.constantFrom('alice', 'bob', 'system:ledger'),
  entityId: fc.string({ minLength: 1, maxLength: 8 }),
  details: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.record({ amount: fc.bigInt(), memo: fc.string() })),
});

const tamperArb: fc.Arbitrary<Tamper> = fc.oneof(
  fc.record({ kind: fc.constant('edit' as const), at: fc.nat(), column: fc.constantFrom(...COLUMNS) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), with: fc.nat() }),
  fc.record({ kind: fc.constant('head' as const) }),
);

/** Applies one tampering to a chain of n entries and returns the seq verify must name. */
async function tamper(db: Db, n: number, t: Tamper): Promise<bigint | undefined> {
  const pick = (i: number) => BigInt((i % n) + 1);
  switch (t.kind) {
    case 'edit': {
      const seq = pick(t.at);
      // appending a character always changes the value (and keeps details valid to store)
      await db.exec(`UPDATE audit_log SET ${t.column} = ${t.column} || 'x' WHERE seq = $1`, [seq]);
      return seq;
    }
    case 'delete': {
      const seq = pick(t.at);
      await db.exec('DELETE FROM audit_log WHERE seq = $1', [seq]);
      return seq;
    }
    case 'swap': {
      const [a, b] = [pick(t.at), pick(t.with)].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)) as [bigint, bigint];
      if (a === b) return undefined; // not a tampering
      await db.exec('UPDATE audit_log SET seq = -1 WHERE seq = $1', [a]);
      await db.exec('UPDATE audit_log SET seq = $1 WHERE seq = $2', [a, b]);
      await db.exec('UPDATE audit_log SET seq = $1 WHERE seq = -1', [b]);
      return a;
    }
    case 'head':
      await db.exec(`UPDATE audit_head SET hash = hash || 'x'`);
      return BigInt(n);
  }
}

for (const engine of engines()) {
  describe(`audit verify property on ${engine}`, () => {
    it('fails at exactly the first tampered seq, for any chain and any single tampering', async () => {
      const t = await freshDb(engine);
      try {
        await migrate(t.db, [auditMigrations]);
        // The attacker's first move, once: runs below reset and tamper freely.
        if (engine === 'postgres') {
          await t.db.exec('DROP TRIGGER audit_log_no_change ON audit_log');
        } else {
          await t.db.exec('DROP TRIGGER audit_log_no_update');
          await t.db.exec('DROP TRIGGER audit_log_no_delete');
        }
        const clock = new ManualClock();
        await fc.assert(
          fc.asyncProperty(fc.array(entryArb, { minLength: 1, maxLength: 12 }), tamperArb, async (entries, tm) => {
            await t.db.exec('DELETE FROM audit_log');
            await t.db.exec('UPDATE audit_head SET seq = 0, hash = $1', [GENESIS_HASH]);
            for (const e of entries) {
              clock.advance(1);
              await t.db.transaction((tx) => appendAudit(tx, { action: 'test.append', entity: 'thing', ...e }, clock));
            }
            const pageSize = 1 + (entries.length % 4); // exercise page boundaries too
            assert.deepEqual(await verifyAudit(t.db, { pageSize }), { ok: true, count: entries.length });
            const expected = await tamper(t.db, entries.length, tm);
            const r = await verifyAudit(t.db, { pageSize });
            if (expected === undefined) return assert.equal(r.ok, true);
            assert.equal(r.ok, false);
            assert.equal(!r.ok && r.firstBad.seq, expected, `${JSON.stringify(tm)} → ${!r.ok && r.firstBad.reason}`);
          }),
          { numRuns: engine === 'postgres' ? 60 : 150 },
        );
      } finally {
        await t.cleanup();
      }
    });
  });
}
