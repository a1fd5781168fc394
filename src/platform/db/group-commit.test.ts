import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engines, freshDb } from '../testing.ts';
import { GroupCommit } from './group-commit.ts';

for (const engine of engines()) {
  describe(`group commit on ${engine}`, () => {
    it('commits concurrent adds in few transactions, resolving each only after its commit', async () => {
      const t = await freshDb(engine);
      try {
        await t.db.exec('CREATE TABLE g (id TEXT PRIMARY KEY)');
        let transactions = 0;
        const gc = new GroupCommit<string>(t.db, async (tx, ids) => {
          transactions++;
          for (const id of ids) await tx.exec('INSERT INTO g (id) VALUES ($1)', [id]);
        });
        const ids = Array.from({ length: 500 }, (_, i) => `r${i}`);
        await Promise.all(
          ids.map(async (id) => {
            await gc.add(id);
            const [row] = await t.db.query('SELECT id FROM g WHERE id = $1', [id]);
            assert.ok(row, `${id} resolved before it was committed`);
          }),
        );
        assert.ok(transactions < 10, `${transactions} transactions for 500 rows`);
      } finally {
        await t.cleanup();
      }
    });

    it('rejects every caller of a failed batch and stores none of it', async () => {
      const t = await freshDb(engine);
      try {
        await t.db.exec('CREATE TABLE g (id TEXT PRIMARY KEY)');
        const gc = new GroupCommit<string>(t.db, async (tx, ids) => {
          for (const id of ids) await tx.exec('INSERT INTO g (id) VALUES ($1)', [id]);
        });
        const results = await Promise.allSettled([gc.add('a'), gc.add('a')]);
        assert.deepEqual(
          results.map((r) => r.status),
          ['rejected', 'rejected'],
        );
        assert.equal((await t.db.query('SELECT id FROM g')).length, 0);
        await gc.add('b');
        assert.equal((await t.db.query('SELECT id FROM g')).length, 1);
      } finally {
        await t.cleanup();
      }
    });
  });
}
