import { join } from 'node:path';
import { PostgresDb } from './postgres.ts';
import { SqliteDb } from './sqlite.ts';
import type { Db } from './types.ts';

export { type Migration, type ModuleMigrations, migrate } from './migrate.ts';
export { rowPlaceholders } from './placeholders.ts';
export { PostgresDb } from './postgres.ts';
export { SqliteDb } from './sqlite.ts';
export { blobType, type Db, type Engine, type Queryable, type Row, type SqlValue } from './types.ts';

/** PostgreSQL when a URL is given, otherwise SQLite at dataDir/ndfi.db. */
export function openDb(opts: { databaseUrl?: string | undefined; dataDir: string }): Db {
  if (opts.databaseUrl) return new PostgresDb(opts.databaseUrl);
  return new SqliteDb(join(opts.dataDir, 'ndfi.db'));
}
export { GroupCommit } from './group-commit.ts';
