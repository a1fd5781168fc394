import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { engines, freshDb } from '../testing.ts';
import { migrate, rowPlaceholders } from './index.ts';

for (const engine of engines()) {
  describe(`db on ${engine}`, () => {
    it('binds a multi-row INSERT of 1,000 parameters (rowPlaceholders)', async () => {
      const t = await freshDb(engine);
      try {
        await migrate(t.db, [
          { module: 'test', migrations: [{ id: '001', sql: 'CREATE TABLE p (a TEXT NOT NULL, b BIGINT NOT NULL)' }] },
        ]);
        const rows = 500;
        const params = Array.from({ length: rows }, (_, i) => [`r${i}`, BigInt(i)]).flat();
        assert.equal(await t.db.exec(`INSERT INTO p (a, b) VALUES ${rowPlaceholders(rows, 2)}`, params), rows);
        const [sum] = await t.db.query<{ s: bigint }>('SELECT SUM(b) AS s FROM p');
        assert.equal(BigInt(sum!.s), BigInt((rows * (rows - 1)) / 2));
      } finally {
        await t.cleanup();
      }
    });

    it('round-trips bigint beyond 2^53 and rolls back failed transactions', async () => {
      const t = await freshDb(engine);
      try {
        await migrate(t.db, [
          {
            module: 'test',
            migrations: [{ id: '001', sql: 'CREATE TABLE t (id TEXT PRIMARY KEY, v BIGINT NOT NULL)' }],
          },
        ]);
        const big = 2n ** 62n + 7n;
        await t.db.exec('INSERT INTO t (id, v) VALUES ($1, $2)', ['a', big]);
        const [row] = await t.db.query<{ v: bigint }>('SELECT v FROM t WHERE id = $1', ['a']);
        assert.equal(row?.v, big);
        await assert.rejects(
          t.db.transaction(async (tx) => {
            await tx.exec('INSERT INTO t (id, v) VALUES ($1, $2)', ['b', 1n]);
            throw new Error('boom');
          }),
          /boom/,
        );
        const rows = await t.db.query('SELECT id FROM t ORDER BY id');
        assert.deepEqual(
          rows.map((r) => r.id),
          ['a'],
        );
        // a second migrate run applies nothing
        assert.deepEqual(
          await migrate(t.db, [
            { module: 'test', migrations: [{ id: '001', sql: 'CREATE TABLE t (id TEXT PRIMARY KEY)' }] },
          ]),
          [],
        );
      } finally {
        await t.cleanup();
      }
    });

    it('binds $n placeholders by number, not by order of appearance', async () => {
      const t = await freshDb(engine);
      try {
        const [r] = await t.db.query<{ a: string; b: string }>('SELECT $2 AS a, $1 AS b', ['one', 'two']);
        assert.deepEqual({ a: r?.a, b: r?.b }, { a: 'two', b: 'one' });
      } finally {
        await t.cleanup();
      }
    });

    it('serializes concurrent transactions', async () => {
      const t = await freshDb(engine);
      try {
        await t.db.exec('CREATE TABLE c (id TEXT PRIMARY KEY, n BIGINT NOT NULL)');
        await t.db.exec('INSERT INTO c (id, n) VALUES ($1, $2)', ['x', 0n]);
        await Promise.all(
          Array.from({ length: 20 }, () =>
            t.db.transaction(async (tx) => {
              const [row] = await tx.query<{ n: bigint }>(
                `SELECT n FROM c WHERE id = 'x'${engine === 'postgres' ? ' FOR UPDATE' : ''}`,
              );
              await tx.exec(`UPDATE c SET n = $1 WHERE id = 'x'`, [row!.n + 1n]);
            }),
          ),
        );
        const [row] = await t.db.query<{ n: bigint }>(`SELECT n FROM c WHERE id = 'x'`);
        assert.equal(row?.n, 20n);
      } finally {
        await t.cleanup();
      }
    });

    it('commits concurrent transactions independently: a failing one rolls back alone', async () => {
      const t = await freshDb(engine);
      try {
        await t.db.exec('CREATE TABLE k (id TEXT PRIMARY KEY)');
        let commits = 0;
        t.db.onCommit(() => commits++);
        const results = await Promise.allSettled(
          ['a', 'b', 'bad', 'c'].map((id) =>
            t.db.transaction(async (tx) => {
              await tx.exec('INSERT INTO k (id) VALUES ($1)', [id]);
              if (id === 'bad') throw new Error('refused');
              await tx.exec('INSERT INTO k (id) VALUES ($1)', [`${id}2`]);
              return id;
            }),
          ),
        );
        assert.deepEqual(
          results.map((r) => r.status),
          ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
        );
        const rows = await t.db.query<{ id: string }>('SELECT id FROM k ORDER BY id');
        assert.deepEqual(
          rows.map((r) => r.id),
          ['a', 'a2', 'b', 'b2', 'c', 'c2'],
        );
        // SQLite shares one COMMIT (one fsync) among the transactions of a turn; PostgreSQL commits each
        if (engine === 'sqlite') assert.equal(commits, 1);
      } finally {
        await t.cleanup();
      }
    });
  });
}
