/** SQLite's commits are acknowledged only after the WAL flush that covers them; the flush never holds the loop. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteDb } from './sqlite.ts';
import type { Flush } from './wal-sync.ts';

/** A flush the test completes by hand: `release()` finishes the oldest one in flight. */
function heldFlush() {
  const pending: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  let started = 0;
  const flush: Flush = () =>
    new Promise<void>((resolve, reject) => {
      started++;
      pending.push({ resolve, reject });
    });
  return {
    flush,
    get started() {
      return started;
    },
    get inFlight() {
      return pending.length;
    },
    release: () => pending.shift()!.resolve(),
    fail: (e: unknown) => pending.shift()!.reject(e),
  };
}

/** Lets timers, I/O and the batch's setImmediate run: enough turns for anything not waiting on the flush. */
const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
};

async function withDb(fn: (db: SqliteDb, f: ReturnType<typeof heldFlush>) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ndfi-wal-'));
  const f = heldFlush();
  const db = new SqliteDb(join(dir, 'test.db'), { flush: f.flush });
  try {
    const created = db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    await turns();
    f.release();
    await created;
    await fn(db, f);
  } finally {
    while (f.inFlight) f.release();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const settledState = async (p: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> => {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  p.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  await turns();
  return state;
};

describe('SQLite durability by WAL flush', () => {
  it('a transaction resolves, and commit listeners run, only after the flush that covers it', async () => {
    await withDb(async (db, f) => {
      let told = 0;
      db.onCommit(() => told++);
      const tx = db.transaction((q) => q.exec("INSERT INTO t (id, v) VALUES (1, 'a')"));
      assert.equal(await settledState(tx), 'pending', 'committed but not on disk: not acknowledged');
      assert.equal(f.inFlight, 1);
      assert.equal(told, 0, 'nobody is told of a commit before it is durable');
      // the loop is free meanwhile: reads run and see the commit
      assert.equal((await db.query<{ n: bigint }>('SELECT count(*) AS n FROM t'))[0]!.n, 1n);
      assert.ok(db.durable(), 'something is still being flushed');
      f.release();
      assert.equal(await tx, 1);
      assert.equal(told, 1);
      assert.equal(db.durable(), undefined, 'all durable');
    });
  });

  it('commits made during a flush share the next one; none is acknowledged by a flush that began before it', async () => {
    await withDb(async (db, f) => {
      const base = f.started;
      const first = db.transaction((q) => q.exec("INSERT INTO t (id, v) VALUES (1, 'a')"));
      await turns();
      assert.equal(f.started - base, 1);
      const later = [2, 3, 4].map((id) =>
        db.transaction((q) => q.exec('INSERT INTO t (id, v) VALUES ($1, $2)', [id, 'b'])),
      );
      const direct = db.exec("INSERT INTO t (id, v) VALUES (5, 'c')");
      await turns();
      assert.equal(f.started - base, 1, 'one flush at a time');
      f.release();
      assert.equal(await first, 1);
      assert.equal(await settledState(Promise.all([...later, direct])), 'pending', 'their commits came after');
      assert.equal(f.started - base, 2, 'one flush for all of them');
      f.release();
      assert.deepEqual(await Promise.all([...later, direct]), [1, 1, 1, 1]);
    });
  });

  it('a synchronous transaction (the ledger) is durable when durable() resolves; reads never wait', async () => {
    await withDb(async (db, f) => {
      db.transactionSync(() => db.execSync("INSERT INTO t (id, v) VALUES (1, 'a')"));
      const durable = db.durable();
      assert.ok(durable);
      assert.equal(await settledState(durable), 'pending');
      assert.equal(await settledState(db.query('SELECT v FROM t')), 'resolved', 'a read outside a transaction');
      f.release();
      await durable;
    });
  });

  it('a failed flush fails its commits and every later one: what reached the disk is unknown', async () => {
    await withDb(async (db, f) => {
      const tx = db.transaction((q) => q.exec("INSERT INTO t (id, v) VALUES (1, 'a')"));
      await turns();
      f.fail(Object.assign(new Error('EIO'), { code: 'EIO' }));
      await assert.rejects(tx, /WAL flush failed/);
      await assert.rejects(
        db.transaction((q) => q.exec("INSERT INTO t (id, v) VALUES (2, 'b')")),
        /WAL flush failed/,
      );
      await assert.rejects(db.exec("INSERT INTO t (id, v) VALUES (3, 'c')"), /WAL flush failed/);
      assert.throws(() => db.transactionSync(() => 0), /WAL flush failed/);
      await assert.rejects(db.durable()!, /WAL flush failed/);
    });
  });

  it('a statement that writes nothing before any WAL exists needs no flush, and breaks nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ndfi-wal-'));
    const db = new SqliteDb(join(dir, 'test.db'));
    try {
      await db.exec('PRAGMA wal_autocheckpoint=0');
      await db.exec('DROP TABLE IF EXISTS nothing_here');
      await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)');
      await db.transaction((q) => q.exec('INSERT INTO t (id) VALUES (1)'));
      assert.equal(db.durable(), undefined);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('flushes the real WAL file by default', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ndfi-wal-'));
    const db = new SqliteDb(join(dir, 'test.db'));
    try {
      await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)');
      for (let i = 0; i < 20; i++) await db.transaction((q) => q.exec('INSERT INTO t (id) VALUES ($1)', [i]));
      assert.equal(db.durable(), undefined);
      assert.equal((await db.query<{ n: bigint }>('SELECT count(*) AS n FROM t'))[0]!.n, 20n);
    } finally {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
