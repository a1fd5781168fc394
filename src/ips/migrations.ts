import type { ModuleMigrations } from '../platform/index.ts';

/** IPS payments; positions live on the ledger (`ips:position:<BIC>`). */
export const ipsMigrations: ModuleMigrations = {
  module: 'ips',
  migrations: [
    {
      id: '001-payments',
      sql: () => `
CREATE TABLE ips_payments (
  id TEXT PRIMARY KEY,
  msg_id TEXT NOT NULL,
  tx_id TEXT NOT NULL,
  end_to_end_id TEXT NOT NULL,
  payer_bic TEXT NOT NULL,
  payee_bic TEXT NOT NULL,
  amount BIGINT NOT NULL,
  creditor_account TEXT NOT NULL,
  alias TEXT,
  status TEXT NOT NULL,
  reason TEXT,
  document TEXT NOT NULL,
  created_at TEXT NOT NULL,
  deadline TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX ips_payments_open ON ips_payments (status, deadline);
CREATE INDEX ips_payments_payee ON ips_payments (payee_bic, id)`,
    },
    {
      id: '002-requests-to-pay',
      sql: () => `
CREATE TABLE ips_requests (
  id TEXT PRIMARY KEY,
  msg_id TEXT NOT NULL,
  end_to_end_id TEXT NOT NULL,
  requester_bic TEXT NOT NULL,
  creditor_account TEXT NOT NULL,
  creditor_name TEXT NOT NULL,
  payer_bic TEXT NOT NULL,
  debtor TEXT NOT NULL,
  amount BIGINT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  payment_id TEXT,
  expires_at TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX ips_requests_open ON ips_requests (status, expires_at);
CREATE INDEX ips_requests_payer ON ips_requests (payer_bic, id)`,
    },
    {
      id: '003-returns-and-recalls',
      sql: () => `
CREATE TABLE ips_returns (
  id TEXT PRIMARY KEY,
  original_id TEXT NOT NULL,
  returner_bic TEXT NOT NULL,
  payer_bic TEXT NOT NULL,
  amount BIGINT NOT NULL,
  reason TEXT NOT NULL,
  recall_id TEXT,
  created_at TEXT NOT NULL
);
CREATE INDEX ips_returns_original ON ips_returns (original_id);
CREATE TABLE ips_recalls (
  id TEXT PRIMARY KEY,
  original_id TEXT NOT NULL,
  requester_bic TEXT NOT NULL,
  payee_bic TEXT NOT NULL,
  reason TEXT NOT NULL,
  status TEXT NOT NULL,
  answer_reason TEXT,
  return_id TEXT,
  deadline TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX ips_recalls_open ON ips_recalls (status, deadline)`,
    },
    {
      id: '004-tariffs-and-fees',
      sql: () => `
CREATE TABLE ips_tariffs (
  id TEXT PRIMARY KEY,
  bic TEXT,
  payment_type TEXT NOT NULL,
  charged TEXT NOT NULL,
  fixed BIGINT NOT NULL,
  bps BIGINT NOT NULL,
  min_fee BIGINT NOT NULL,
  max_fee BIGINT,
  valid_from TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE ips_fees (
  payment_id TEXT PRIMARY KEY,
  bic TEXT NOT NULL,
  payment_type TEXT NOT NULL,
  amount BIGINT NOT NULL,
  tariff_id TEXT NOT NULL,
  charged_at TEXT NOT NULL
);
CREATE INDEX ips_fees_bank ON ips_fees (bic, charged_at)`,
    },
    {
      id: '005-bulk',
      sql: () => `
CREATE TABLE ips_bulks (
  id TEXT PRIMARY KEY,
  payer_bic TEXT NOT NULL,
  status TEXT NOT NULL,
  items BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX ips_bulks_open ON ips_bulks (status);
CREATE TABLE ips_bulk_items (
  bulk_id TEXT NOT NULL,
  idx BIGINT NOT NULL,
  instruction TEXT NOT NULL,
  status TEXT,
  reason TEXT,
  payment_id TEXT,
  PRIMARY KEY (bulk_id, idx)
)`,
    },
    {
      id: '006-net-debit-caps',
      sql: () => `
CREATE TABLE ips_net_debit_caps (
  bic TEXT NOT NULL,
  version BIGINT NOT NULL,
  cap BIGINT,
  set_by TEXT NOT NULL,
  set_at TEXT NOT NULL,
  grounds TEXT NOT NULL,
  PRIMARY KEY (bic, version)
)`,
    },
  ],
};
