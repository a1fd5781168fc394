import type { ModuleMigrations } from '../platform/index.ts';

export const imtsMigrations: ModuleMigrations = {
  module: 'imts',
  migrations: [
    {
      id: '001-payments',
      sql: `
CREATE TABLE imts_payments (
  id TEXT PRIMARY KEY,
  msg_type TEXT NOT NULL,
  msg_id TEXT NOT NULL,
  tx_id TEXT NOT NULL,
  end_to_end_id TEXT NOT NULL,
  sender_bic TEXT NOT NULL,
  receiver_bic TEXT NOT NULL,
  amount BIGINT NOT NULL,
  currency TEXT NOT NULL,
  priority TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  seq BIGINT NOT NULL,
  document TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX imts_payments_sender ON imts_payments (sender_bic, seq);
CREATE INDEX imts_payments_receiver ON imts_payments (receiver_bic, seq);
CREATE INDEX imts_payments_status ON imts_payments (status, seq);
CREATE TABLE imts_messages (
  sender_bic TEXT NOT NULL,
  msg_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (sender_bic, msg_id)
)`,
    },
    {
      // Returns (pacs.004) are payments from the original receiver back to the original sender; they name the
      // payment they return. Partial index: ordinary payments (return_of NULL) cost nothing to insert.
      id: '002-returns',
      sql: `
ALTER TABLE imts_payments ADD COLUMN return_of TEXT;
ALTER TABLE imts_payments ADD COLUMN return_reason TEXT;
CREATE INDEX imts_payments_return_of ON imts_payments (return_of, seq) WHERE return_of IS NOT NULL`,
    },
  ],
};
