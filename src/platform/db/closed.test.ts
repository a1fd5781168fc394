import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { engines, tempDir } from '../testing.ts';
import { type Db, type Engine, PostgresDb, SqliteDb } from './index.ts';

function open(engine: Engine): { db: Db; cleanup: () => void } {
  if (engine === 'postgres') return { db: new PostgresDb(process.env.DATABASE_URL!, { max: 2 }), cleanup: () => {} };
  const dir = tempDir();
  return { db: new SqliteDb(join(dir.dir, 'closed.db')), cleanup: dir.cleanup };
}

/** Runs `fn` and collects the unhandled rejections of the next moments (a late write's, say). */
async function unhandledDuring(fn: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown) => seen.push(reason);
  process.on('unhandledRejection', onRejection);
  try {
    await fn();
    await delay(50);
  } finally {
    process.off('unhandledRejection', onRejection);
  }
  return seen;
}

for (const engine of engines()) {
  describe(`a closed db on ${engine}`, () => {
    it('refuses statements and transactions to their callers, and nothing rejects unhandled', async () => {
      const { db, cleanup } = open(engine);
      try {
        assert.equal((await db.query<{ one: number }>('SELECT 1 AS one')).length, 1);
        await db.close();
        const unhandled = await unhandledDuring(async () => {
          // a late write (a handler whose client left, a loop nobody stopped) hears it, and does not hang
          const outcomes = await Promise.allSettled([
            db.transaction(async (tx) => tx.query('SELECT 1 AS one')),
            db.query('SELECT 1 AS one'),
            db.exec('SELECT 1'),
          ]);
          for (const o of outcomes) assert.equal(o.status, 'rejected');
          if (engine === 'sqlite') {
            for (const o of outcomes) assert.match(String((o as PromiseRejectedResult).reason), /database is closed/);
          }
        });
        assert.deepEqual(unhandled.map(String), []);
      } finally {
        cleanup();
      }
    });
  });
}

describe('closing a sqlite db', () => {
  it('runs the transactions requested before close() and refuses those requested after', async () => {
    const { db, cleanup } = open('sqlite');
    try {
      await db.exec('CREATE TABLE t (v BIGINT NOT NULL)');
      const before = db.transaction((tx) => tx.exec('INSERT INTO t (v) VALUES (1)'));
      const closed = db.close();
      const after = assert.rejects(
        db.transaction((tx) => tx.exec('INSERT INTO t (v) VALUES (2)')),
        /database is closed/,
      );
      assert.equal(await before, 1);
      await after;
      await closed;
    } finally {
      cleanup();
    }
  });
});
