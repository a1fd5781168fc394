import type { ModuleMigrations } from '../../platform/index.ts';

/**
 * The database of compromised payment instruments (module `afc-instruments`). Uses the AFC identifiers key
 * (`afc_mac_keys`, created by `afc-lists`).
 *
 * `afc_instrument_head`: the database version, one row; every change of a report takes the next number
 * (under the audit chain's lock, held to commit), so versions become visible in order and without gaps.
 * `afc_instruments`: one row per instrument (MAC), reporter and source, in its latest state with the version
 * of its last change; a withdrawn report stays as a tombstone so that the delta feed carries the withdrawal.
 * A card is kept as its MAC with BIN and last 4 (and its token when given by token), never its number.
 */
export const afcInstrumentsMigrations: ModuleMigrations = {
  module: 'afc-instruments',
  migrations: [
    {
      id: '001-instruments',
      sql: `
CREATE TABLE afc_instrument_head (
  id BIGINT PRIMARY KEY,
  version BIGINT NOT NULL
);
INSERT INTO afc_instrument_head (id, version) VALUES (1, 0);
CREATE TABLE afc_instruments (
  id TEXT PRIMARY KEY,
  mac TEXT NOT NULL,
  kind TEXT NOT NULL,
  bin TEXT,
  last4 TEXT,
  token TEXT,
  iban TEXT,
  bic TEXT,
  compromise TEXT NOT NULL,
  source TEXT NOT NULL,
  detected_on TEXT NOT NULL,
  reporter_id TEXT NOT NULL,
  reported_by TEXT NOT NULL,
  issuer_id TEXT,
  status TEXT NOT NULL,
  reason TEXT,
  version BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX afc_instruments_key ON afc_instruments (mac, reporter_id, source);
CREATE UNIQUE INDEX afc_instruments_version ON afc_instruments (version);
CREATE INDEX afc_instruments_issuer ON afc_instruments (issuer_id, version);
CREATE INDEX afc_instruments_reporter ON afc_instruments (reporter_id, version)`,
    },
  ],
};
