import type { Batch } from './domain/state.ts';

/** How the writer makes a batch durable on one engine. */
export interface Committer {
  /**
   * Writes the whole batch in one transaction; resolves once COMMIT returned. `durable`, when given, settles
   * once the commit is on disk (SQLite's WAL flush, ADR 9): the writer may commit the next batch meanwhile but
   * answers this one's callers only then. Without it the commit was durable when COMMIT returned.
   */
  persist(b: Batch): Promise<{ durable?: Promise<void> }>;
  /** The failure was a transfer id the database already holds (one the writer's id cache had dropped). */
  isDuplicate(e: unknown): boolean;
  /** After a failure whose outcome may be unknown: make the connection usable again, still as the leader. */
  reset(): Promise<void>;
  close(): Promise<void>;
}
