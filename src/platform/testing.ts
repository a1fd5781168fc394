/**
 * Helpers for tests only: fresh databases on every engine the machine offers. Store tests call
 * `forEachEngine` so the same assertions run on SQLite always and on PostgreSQL when DATABASE_URL is set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { type Db, type Engine, PostgresDb, SqliteDb } from './db/index.ts';

export interface TestDb {
  engine: Engine;
  db: Db;
  cleanup(): Promise<void>;
}

export const engines = (): Engine[] => (process.env.DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite']);

let counter = 0;

export async function freshDb(engine: Engine): Promise<TestDb> {
  if (engine === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ndfi-test-'));
    const db = new SqliteDb(join(dir, 'test.db'));
    return {
      engine,
      db,
      cleanup: async () => {
        await db.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL not set');
  const schema = `t_${process.pid}_${Date.now().toString(36)}_${++counter}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const db = new PostgresDb(url, { schema });
  return {
    engine,
    db,
    cleanup: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

/** Fresh dir for tests that need files (SQLite data dirs, keys). */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ndfi-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
