import type { ModuleMigrations } from '../db/index.ts';

/**
 * outbox: events waiting for (or done with) publication, in `seq` order. `seq` comes from an identity
 * / AUTOINCREMENT column so it never goes backwards or gets reused after deletes.
 * processed_events: what each consumer has applied, for at-least-once → exactly-once-effect.
 */
export const eventsMigrations: ModuleMigrations = {
  module: 'platform-events',
  migrations: [
    {
      id: '001-outbox',
      sql: (engine) => `
CREATE TABLE outbox (
  seq ${engine === 'postgres' ? 'BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY' : 'INTEGER PRIMARY KEY AUTOINCREMENT'},
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  event_key TEXT,
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL,
  dispatched_at TEXT
);
CREATE INDEX outbox_pending ON outbox (seq) WHERE dispatched_at IS NULL;
CREATE TABLE processed_events (
  consumer TEXT NOT NULL,
  event_id TEXT NOT NULL,
  processed_at TEXT NOT NULL,
  PRIMARY KEY (consumer, event_id)
)`,
    },
  ],
};
