/** Values a query binds. Integers are bigint on the way in and out, on both engines. */
export type SqlValue = string | bigint | number | null | Uint8Array | boolean;
export type Row = Record<string, unknown>;
export type Engine = 'sqlite' | 'postgres';

/**
 * What a module may do with its tables. SQL is written once, portably: `$1, $2…` placeholders, types
 * BIGINT / TEXT / BLOB-or-BYTEA via `blobType`, no engine-specific functions outside `engine` checks.
 */
export interface Queryable {
  readonly engine: Engine;
  query<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** Runs a statement and returns the number of rows it changed. */
  exec(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface Db extends Queryable {
  /** Runs fn in one transaction; commits if it resolves (durably: the WAL flushed / fsync), rolls back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Resolves once every commit made so far is on disk; undefined when all already are (always on PostgreSQL,
   * whose COMMIT returns after its WAL flush). Answers built from what others just committed wait for it.
   */
  durable(): Promise<void> | undefined;
  /** Called after every successful commit: how the outbox dispatcher learns there is something to send. */
  onCommit(listener: () => void): void;
  close(): Promise<void>;
}

export const blobType = (engine: Engine): string => (engine === 'postgres' ? 'BYTEA' : 'BLOB');
