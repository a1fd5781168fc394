import type { Db, Engine } from './types.ts';

/** One schema step of one module. `sql` is portable, or a function of the engine where it cannot be. */
export interface Migration {
  id: string;
  sql: string | ((engine: Engine) => string);
}

export interface ModuleMigrations {
  module: string;
  migrations: Migration[];
}

/** Applies every migration not yet recorded, each in its own transaction, in the order given. */
export async function migrate(db: Db, modules: ModuleMigrations[]): Promise<string[]> {
  await db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (module TEXT NOT NULL, id TEXT NOT NULL, applied_at TEXT NOT NULL, PRIMARY KEY (module, id))',
  );
  const done = new Set(
    (await db.query<{ module: string; id: string }>('SELECT module, id FROM schema_migrations')).map(
      (r) => `${r.module}/${r.id}`,
    ),
  );
  const applied: string[] = [];
  for (const m of modules) {
    for (const step of m.migrations) {
      const key = `${m.module}/${step.id}`;
      if (done.has(key)) continue;
      const sql = typeof step.sql === 'function' ? step.sql(db.engine) : step.sql;
      await db.transaction(async (tx) => {
        for (const stmt of splitStatements(sql)) await tx.exec(stmt);
        await tx.exec('INSERT INTO schema_migrations (module, id, applied_at) VALUES ($1, $2, $3)', [
          m.module,
          step.id,
          new Date().toISOString(),
        ]);
      });
      applied.push(key);
    }
  }
  return applied;
}

/** Migrations hold plain DDL separated by semicolons at line ends (no procedural bodies). */
const splitStatements = (sql: string): string[] =>
  sql
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
