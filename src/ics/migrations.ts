import type { ModuleMigrations } from '../platform/index.ts';

/**
 * ICS tables. Payments are written once and never updated on the hot path: a payment's fate at the
 * close follows from its sender's report row (all of a removed sender's payments of the cycle are
 * rejected, every other one settles), so closing a cycle of a million payments writes a few rows.
 *
 * `ics_payments.seq` is the clustering key (SQLite: the rowid itself), assigned in commit order by
 * the single writer; each cycle records the seq range its payments occupy, so a close or a listing
 * scans a range of the table instead of maintaining a per-cycle index. The only secondary index is
 * the one duplicate detection needs: (sender_bic, tx_id).
 */
export const icsMigrations: ModuleMigrations = {
  module: 'ics',
  migrations: [
    {
      id: '001-clearing',
      sql: (engine) => `
CREATE TABLE ics_cycles (
  id TEXT PRIMARY KEY,
  business_date TEXT NOT NULL,
  number BIGINT NOT NULL,
  opens_at TEXT NOT NULL,
  closes_at TEXT NOT NULL,
  status TEXT NOT NULL,
  first_seq BIGINT,
  last_seq BIGINT,
  accepted_count BIGINT NOT NULL,
  accepted_amount BIGINT NOT NULL,
  attempts BIGINT NOT NULL,
  settlement_id TEXT,
  outcome TEXT,
  closed_at TEXT,
  closed_by TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX ics_cycles_status ON ics_cycles (status, closes_at);
CREATE TABLE ics_messages (
  seq BIGINT PRIMARY KEY,
  sender_bic TEXT NOT NULL,
  msg_id TEXT NOT NULL,
  msg_type TEXT NOT NULL,
  cycle_id TEXT NOT NULL,
  tx_count BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (sender_bic, msg_id)
);
CREATE TABLE ics_payments (
  seq ${engine === 'sqlite' ? 'INTEGER' : 'BIGINT'} PRIMARY KEY,
  cycle_id TEXT NOT NULL,
  msg_seq BIGINT NOT NULL,
  sender_bic TEXT NOT NULL,
  tx_id TEXT NOT NULL,
  end_to_end_id TEXT NOT NULL,
  receiver_bic TEXT NOT NULL,
  amount BIGINT NOT NULL,
  reason TEXT,
  UNIQUE (sender_bic, tx_id)
);
CREATE TABLE ics_reports (
  cycle_id TEXT NOT NULL,
  participant_bic TEXT NOT NULL,
  participant_id TEXT,
  sent_count BIGINT NOT NULL,
  sent_amount BIGINT NOT NULL,
  received_count BIGINT NOT NULL,
  received_amount BIGINT NOT NULL,
  net BIGINT NOT NULL,
  rejected_count BIGINT NOT NULL,
  rejected_amount BIGINT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  created_at TEXT NOT NULL,
  PRIMARY KEY (cycle_id, participant_bic)
);
CREATE INDEX ics_reports_participant ON ics_reports (participant_bic, cycle_id)`,
    },
  ],
};
