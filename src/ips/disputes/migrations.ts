import type { ModuleMigrations } from '../../platform/index.ts';

export const ipsDisputesMigrations: ModuleMigrations = {
  module: 'ips_disputes',
  migrations: [
    {
      id: '001-disputes',
      sql: () => `
CREATE TABLE ips_disputes (
  id TEXT PRIMARY KEY,
  payment_id TEXT NOT NULL,
  claimant_bic TEXT NOT NULL,
  respondent_bic TEXT NOT NULL,
  reason TEXT NOT NULL,
  amount BIGINT NOT NULL,
  description TEXT NOT NULL,
  status TEXT NOT NULL,
  deadline TEXT NOT NULL,
  return_id TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX ips_disputes_deadline ON ips_disputes (status, deadline);
CREATE INDEX ips_disputes_claimant ON ips_disputes (claimant_bic, id);
CREATE INDEX ips_disputes_respondent ON ips_disputes (respondent_bic, id);
CREATE INDEX ips_disputes_payment ON ips_disputes (payment_id);
CREATE TABLE ips_dispute_events (
  dispute_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  status TEXT NOT NULL,
  grounds TEXT,
  PRIMARY KEY (dispute_id, seq)
)`,
    },
  ],
};
