import type { ModuleMigrations } from '../../platform/index.ts';

/**
 * IPS alias directory tables (module `ips-aliases`, apart from the rest of IPS).
 *
 * `ips_aliases`: one row per phone (E.164, the primary key: one owner per phone), the owning participant
 * and its BIC, and the holder's account, name and IIN. `ips_alias_claims`: portability claims; at most one
 * open claim per phone (partial unique index), open claims found by deadline for the schedule.
 */
export const ipsAliasMigrations: ModuleMigrations = {
  module: 'ips-aliases',
  migrations: [
    {
      id: '001-aliases',
      sql: `
CREATE TABLE ips_aliases (
  phone TEXT PRIMARY KEY,
  participant_id TEXT NOT NULL,
  bic TEXT NOT NULL,
  account_id TEXT NOT NULL,
  holder_name TEXT NOT NULL,
  holder_iin TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX ips_aliases_participant ON ips_aliases (participant_id, phone);
CREATE INDEX ips_aliases_bic ON ips_aliases (bic, phone);
CREATE TABLE ips_alias_claims (
  id TEXT PRIMARY KEY,
  phone TEXT NOT NULL,
  status TEXT NOT NULL,
  claimant_participant_id TEXT NOT NULL,
  claimant_bic TEXT NOT NULL,
  account_id TEXT NOT NULL,
  holder_name TEXT NOT NULL,
  holder_iin TEXT NOT NULL,
  owner_participant_id TEXT NOT NULL,
  owner_bic TEXT NOT NULL,
  holder_matches BIGINT NOT NULL,
  deadline TEXT NOT NULL,
  created_at TEXT NOT NULL,
  resolved_at TEXT,
  resolved_by TEXT,
  reason TEXT
);
CREATE UNIQUE INDEX ips_alias_claims_open ON ips_alias_claims (phone) WHERE status = 'open';
CREATE INDEX ips_alias_claims_deadline ON ips_alias_claims (status, deadline);
CREATE INDEX ips_alias_claims_claimant ON ips_alias_claims (claimant_participant_id, created_at);
CREATE INDEX ips_alias_claims_owner ON ips_alias_claims (owner_participant_id, created_at)`,
    },
    {
      // the account registry the Anti-Fraud Center asks: which bank holds this account
      id: '002-aliases-by-account',
      sql: 'CREATE INDEX ips_aliases_account ON ips_aliases (account_id)',
    },
  ],
};
