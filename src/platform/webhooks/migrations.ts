import type { ModuleMigrations } from '../db/index.ts';

/**
 * webhook_deliveries: one row per event for one participant, sent to each of its subscribed endpoints.
 * - next_attempt_at: when it is due; while a sender holds it, the lease expiry (see store.claimDue).
 * - lease_token: fences the result write, so a sender whose lease ran out cannot overwrite a newer claim.
 * - delivered_to: JSON array of endpoint ids that answered 2xx, so a retry skips them.
 * - idempotency_key: unique per participant, so a module retrying its own transaction enqueues once.
 */
export const webhooksMigrations: ModuleMigrations = {
  module: 'platform-webhooks',
  migrations: [
    {
      id: '001-deliveries',
      sql: `
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  participant_id TEXT NOT NULL,
  event_type TEXT NOT NULL,
  idempotency_key TEXT,
  payload TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  next_attempt_at TEXT NOT NULL,
  lease_token TEXT,
  delivered_to TEXT NOT NULL,
  last_error TEXT,
  created_at TEXT NOT NULL,
  delivered_at TEXT
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_participant ON webhook_deliveries (participant_id, id);
CREATE UNIQUE INDEX webhook_deliveries_idempotency ON webhook_deliveries (participant_id, idempotency_key) WHERE idempotency_key IS NOT NULL`,
    },
  ],
};
