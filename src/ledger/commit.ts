import type { Batch } from './domain/state.ts';

/** How the writer makes a batch durable on one engine. */
export interface Committer {
  /** Writes the whole batch in one transaction; resolves only after COMMIT returned. */
  persist(b: Batch): Promise<void>;
  /** The failure was a transfer id the database already holds (one the writer's id cache had dropped). */
  isDuplicate(e: unknown): boolean;
  /** After a failure whose outcome may be unknown: make the connection usable again, still as the leader. */
  reset(): Promise<void>;
  close(): Promise<void>;
}
