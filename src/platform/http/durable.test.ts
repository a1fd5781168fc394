/** No HTTP answer shows what a power loss could still take back (SQLite, ADR 9). */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ulidGenerator } from '../clock.ts';
import { migrate, SqliteDb } from '../db/index.ts';
import { silentLogger } from '../logger.ts';
import { idempotencyMigrations } from './idempotency.ts';
import { createHttpServer } from './server.ts';

describe('HTTP answers wait for durability', () => {
  it('a read of another request’s commit is answered only once that commit is flushed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ndfi-http-wal-'));
    let hold = false;
    const held: (() => void)[] = [];
    const db = new SqliteDb(join(dir, 'h.db'), {
      flush: () => (hold ? new Promise<void>((r) => held.push(r)) : Promise.resolve()),
    });
    await migrate(db, [idempotencyMigrations]);
    await db.exec('CREATE TABLE notes (id TEXT PRIMARY KEY)');
    const app = await createHttpServer({
      db,
      logger: silentLogger(),
      ids: ulidGenerator(),
      bodyLimitBytes: 10_000,
      rateLimitPerMinute: 1000,
      version: 'test',
      authenticate: async () => undefined,
      ready: async () => true,
    });
    app.get('/api/x/v1/notes', { config: { auth: 'public' } }, async () => ({
      items: await db.query<{ id: string }>('SELECT id FROM notes'),
    }));
    try {
      // idle: nothing to wait for
      assert.deepEqual((await app.inject({ method: 'GET', url: '/api/x/v1/notes' })).json(), { items: [] });

      hold = true;
      const writing = db.transaction((tx) => tx.exec("INSERT INTO notes (id) VALUES ('n1')"));
      while (held.length === 0) await new Promise<void>((r) => setImmediate(r));
      let answered = false;
      const read = app.inject({ method: 'GET', url: '/api/x/v1/notes' }).then((r) => {
        answered = true;
        return r;
      });
      for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
      assert.equal(answered, false, 'the read saw n1, whose flush is under way: it waits');
      held.shift()!();
      const r = await read;
      assert.deepEqual(r.json(), { items: [{ id: 'n1' }] });
      await writing;
    } finally {
      hold = false;
      while (held.length) held.shift()!();
      await app.close();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
