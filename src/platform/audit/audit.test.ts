import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../clock.ts';
import { type Db, migrate } from '../db/index.ts';
import { DomainError } from '../errors.ts';
import { engines, freshDb } from '../testing.ts';
import { appendAudit, appendAudits } from './append.ts';
import { canonicalJson, sha256Hex } from './canonical.ts';
import { entryHash, GENESIS_HASH } from './chain.ts';
import { listAudit } from './list.ts';
import { auditMigrations } from './migrations.ts';
import { auditHead, verifyAudit } from './verify.ts';

async function setup(engine: 'sqlite' | 'postgres') {
  const t = await freshDb(engine);
  await migrate(t.db, [auditMigrations]);
  const clock = new ManualClock();
  const append = (
    i: number,
    over: Partial<{ actor: string; entity: string; entityId: string; details: unknown }> = {},
  ) => {
    clock.advance(1000);
    return t.db.transaction((tx) =>
      appendAudit(
        tx,
        {
          actor: over.actor ?? `user-${i % 3}`,
          action: 'participant.updated',
          entity: over.entity ?? 'participant',
          entityId: over.entityId ?? `p${i % 4}`,
          details: over.details ?? { i, amount: 10n ** 20n + BigInt(i) },
        },
        clock,
      ),
    );
  };
  const appendN = async (n: number) => {
    for (let i = 1; i <= n; i++) await append(i);
  };
  return { ...t, clock, append, appendN };
}

/** What an attacker with DBA rights does first: the append-only triggers are a guard, not the control. */
async function dropGuards(db: Db): Promise<void> {
  if (db.engine === 'postgres') {
    await db.exec('DROP TRIGGER audit_log_no_change ON audit_log');
    await db.exec('DROP TRIGGER audit_log_no_truncate ON audit_log');
  } else {
    await db.exec('DROP TRIGGER audit_log_no_update');
    await db.exec('DROP TRIGGER audit_log_no_delete');
  }
}

for (const engine of engines()) {
  describe(`audit log on ${engine}`, () => {
    it('verifies a clean chain in pages, reporting progress', async () => {
      const t = await setup(engine);
      try {
        assert.deepEqual(await verifyAudit(t.db), { ok: true, count: 0 });
        await t.appendN(23);
        const progress: [number, number][] = [];
        const r = await verifyAudit(t.db, { pageSize: 5, onProgress: (d, total) => progress.push([d, total]) });
        assert.deepEqual(r, { ok: true, count: 23 });
        assert.deepEqual(progress, [
          [5, 23],
          [10, 23],
          [15, 23],
          [20, 23],
          [23, 23],
        ]);
        const [first] = await listAudit(t.db, { limit: 1 });
        assert.equal(first?.prevHash, GENESIS_HASH);
        assert.equal(first?.digest, sha256Hex(canonicalJson(first?.details)));
        assert.deepEqual(first?.details, { amount: '100000000000000000001', i: 1 }); // bigints as strings
        assert.deepEqual(await auditHead(t.db), {
          seq: 23n,
          hash: (await listAudit(t.db, { limit: 1, order: 'desc' }))[0]?.hash,
        });
      } finally {
        await t.cleanup();
      }
    });

    it('refuses updates and deletes of audit_log at the database', async () => {
      const t = await setup(engine);
      try {
        await t.appendN(2);
        await assert.rejects(t.db.exec(`UPDATE audit_log SET actor = 'x' WHERE seq = 1`), /append-only/);
        await assert.rejects(t.db.exec('DELETE FROM audit_log WHERE seq = 2'), /append-only/);
        if (engine === 'postgres') await assert.rejects(t.db.exec('TRUNCATE audit_log'), /append-only/);
        assert.deepEqual(await verifyAudit(t.db), { ok: true, count: 2 });
      } finally {
        await t.cleanup();
      }
    });

    for (const [column, value, reason] of [
      ['actor', 'mallory', 'hash mismatch'],
      ['at', '2020-01-01T00:00:00.000Z', 'hash mismatch'],
      ['entity_id', 'p999', 'hash mismatch'],
      ['details', '{"amount":"1","i":4}', 'details do not match digest'],
      ['digest', sha256Hex('{}'), 'details do not match digest'],
      ['hash', sha256Hex('forged'), 'hash mismatch'],
      ['prev_hash', sha256Hex('forged'), 'broken chain'],
    ] as const) {
      it(`detects an edited ${column} at its seq`, async () => {
        const t = await setup(engine);
        try {
          await t.appendN(8);
          await dropGuards(t.db);
          await t.db.exec(`UPDATE audit_log SET ${column} = $1 WHERE seq = 4`, [value]);
          assert.deepEqual(await verifyAudit(t.db, { pageSize: 3 }), {
            ok: false,
            count: 3,
            firstBad: { seq: 4n, reason },
          });
        } finally {
          await t.cleanup();
        }
      });
    }

    it('detects a deleted middle entry as a gap, and deleted newest entries through the head', async () => {
      const t = await setup(engine);
      try {
        await t.appendN(6);
        await dropGuards(t.db);
        await t.db.exec('DELETE FROM audit_log WHERE seq = 6');
        assert.deepEqual(await verifyAudit(t.db), {
          ok: false,
          count: 5,
          firstBad: { seq: 6n, reason: 'entries missing at the end (head is ahead)' },
        });
        await t.db.exec('DELETE FROM audit_log WHERE seq = 3');
        assert.deepEqual(await verifyAudit(t.db), {
          ok: false,
          count: 2,
          firstBad: { seq: 3n, reason: 'gap in sequence (deleted entries)' },
        });
      } finally {
        await t.cleanup();
      }
    });

    it('detects reordered entries and a forged head', async () => {
      const t = await setup(engine);
      try {
        await t.appendN(5);
        await t.db.exec(`UPDATE audit_head SET hash = $1`, [sha256Hex('forged')]);
        assert.deepEqual(await verifyAudit(t.db), {
          ok: false,
          count: 5,
          firstBad: { seq: 5n, reason: 'head does not match the last entry' },
        });
        await dropGuards(t.db);
        await t.db.exec('UPDATE audit_log SET seq = -1 WHERE seq = 2');
        await t.db.exec('UPDATE audit_log SET seq = 2 WHERE seq = 4');
        await t.db.exec('UPDATE audit_log SET seq = 4 WHERE seq = -1');
        assert.deepEqual(await verifyAudit(t.db), {
          ok: false,
          count: 1,
          firstBad: { seq: 2n, reason: 'broken chain' },
        });
      } finally {
        await t.cleanup();
      }
    });

    it('catches a fully re-hashed rewrite only through an anchor', async () => {
      const t = await setup(engine);
      try {
        await t.appendN(6);
        const anchor = (await auditHead(t.db))!;
        await dropGuards(t.db);
        // Rewrite entry 3 and recompute every hash after it, head included: the chain alone can't tell.
        const rows = await listAudit(t.db, { limit: 10 });
        let prev = rows[1]!.hash;
        for (const r of rows.slice(2)) {
          const actor = r.seq === 3n ? 'mallory' : r.actor;
          const hash = entryHash(prev, { ...r, actor });
          await t.db.exec('UPDATE audit_log SET actor = $1, prev_hash = $2, hash = $3 WHERE seq = $4', [
            actor,
            prev,
            hash,
            r.seq,
          ]);
          prev = hash;
        }
        await t.db.exec('UPDATE audit_head SET hash = $1', [prev]);
        assert.deepEqual(await verifyAudit(t.db), { ok: true, count: 6 });
        assert.deepEqual(await verifyAudit(t.db, { anchors: [anchor] }), {
          ok: false,
          count: 5,
          firstBad: { seq: 6n, reason: 'does not match anchor' },
        });
      } finally {
        await t.cleanup();
      }
    });

    it('keeps one valid chain under concurrent appends from many transactions', async () => {
      const t = await setup(engine);
      try {
        await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            t.db.transaction(async (tx) => {
              await tx.query('SELECT 1 AS x'); // let the transactions interleave before appending
              await appendAudit(
                tx,
                { actor: `a${i}`, action: 'x.y', entity: 'e', entityId: `${i}`, details: { i } },
                t.clock,
              );
            }),
          ),
        );
        assert.deepEqual(await verifyAudit(t.db), { ok: true, count: 40 });
        const actors = new Set((await listAudit(t.db, { limit: 100 })).map((e) => e.actor));
        assert.equal(actors.size, 40);
      } finally {
        await t.cleanup();
      }
    });

    it('rolls the entry back with the caller’s transaction', async () => {
      const t = await setup(engine);
      try {
        await t.appendN(1);
        await assert.rejects(
          t.db.transaction(async (tx) => {
            await appendAudit(tx, { actor: 'u', action: 'a.b', entity: 'e', entityId: '1', details: {} }, t.clock);
            throw new Error('state change failed');
          }),
          /state change failed/,
        );
        await t.appendN(1);
        assert.deepEqual(await verifyAudit(t.db), { ok: true, count: 2 });
      } finally {
        await t.cleanup();
      }
    });

    it('lists by entity, actor and cursor, in either order', async () => {
      const t = await setup(engine);
      try {
        await t.appendN(12); // actor user-(i%3), entityId p(i%4)
        const p1 = await listAudit(t.db, { entity: 'participant', entityId: 'p1', limit: 10 });
        assert.deepEqual(
          p1.map((e) => e.seq),
          [1n, 5n, 9n],
        );
        const page1 = await listAudit(t.db, { actor: 'user-0', limit: 2 });
        const page2 = await listAudit(t.db, { actor: 'user-0', limit: 2, after: page1.at(-1)!.seq });
        assert.deepEqual(
          [...page1, ...page2].map((e) => e.seq),
          [3n, 6n, 9n, 12n],
        );
        const newest = await listAudit(t.db, { limit: 3, order: 'desc', before: 12n });
        assert.deepEqual(
          newest.map((e) => e.seq),
          [11n, 10n, 9n],
        );
        await assert.rejects(listAudit(t.db, { limit: 0 }), DomainError);
      } finally {
        await t.cleanup();
      }
    });

    it('refuses to append outside a transaction or without an actor', async () => {
      const t = await setup(engine);
      try {
        const e = { actor: 'u', action: 'a.b', entity: 'e', entityId: '1', details: {} };
        await assert.rejects(appendAudit(t.db, e, t.clock), /inside a transaction/);
        await assert.rejects(
          t.db.transaction((tx) => appendAudit(tx, { ...e, actor: '' }, t.clock)),
          (err: unknown) => err instanceof DomainError && err.type === 'validation',
        );
      } finally {
        await t.cleanup();
      }
    });

    it('appends many entries at once in order, across insert chunks, and interleaved with single appends', async () => {
      const t = await setup(engine);
      try {
        await t.append(1);
        const entries = Array.from({ length: 300 }, (_, i) => ({
          actor: `reader-${i % 7}`,
          action: 'alias.looked_up',
          entity: 'alias',
          entityId: `+7701${String(i).padStart(7, '0')}`,
          details: { i, big: BigInt(i) * 10n ** 18n },
        }));
        const out = await t.db.transaction((tx) => appendAudits(tx, entries, t.clock));
        assert.deepEqual(
          out.map((e) => e.seq),
          entries.map((_, i) => BigInt(i + 2)),
        );
        assert.deepEqual(out[299]?.details, { big: '299000000000000000000', i: 299 });
        await t.append(2);
        assert.deepEqual(await t.db.transaction((tx) => appendAudits(tx, [], t.clock)), []);
        assert.deepEqual(await verifyAudit(t.db, { pageSize: 64 }), { ok: true, count: 302 });
        const stored = await listAudit(t.db, { entity: 'alias', entityId: '+77010000257', limit: 5 });
        assert.deepEqual(
          stored.map((e) => [e.seq, e.actor, e.hash]),
          [[259n, 'reader-5', out[257]?.hash]],
        );
      } finally {
        await t.cleanup();
      }
    });
  });
}
