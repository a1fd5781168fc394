import type { ModuleMigrations } from '../../platform/index.ts';

/**
 * The Anti-Fraud Center's lists (module `afc-lists`).
 *
 * `afc_mac_keys`: the key identifiers are pseudonymised with (ADR 7), one row per named key.
 * `afc_list_head`: the list version, one row; every change takes the next number, so the change log is
 * gap-free and ordered as committed (the row is updated under the audit chain's lock, see the service).
 * `afc_list_entries`: one row per identifier (MAC) and source; `value` is the normal form when the entry was
 * given raw, NULL when only its MAC is known. `afc_list_changes`: the change log the delta feed serves, one
 * row per version with the entry's state after the change (or at its removal), linked to its audit entry.
 */
export const afcListsMigrations: ModuleMigrations = {
  module: 'afc-lists',
  migrations: [
    {
      id: '001-lists',
      sql: `
CREATE TABLE afc_mac_keys (
  name TEXT PRIMARY KEY,
  kid TEXT NOT NULL,
  secret TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE afc_list_head (
  id BIGINT PRIMARY KEY,
  version BIGINT NOT NULL
);
INSERT INTO afc_list_head (id, version) VALUES (1, 0);
CREATE TABLE afc_list_entries (
  id TEXT PRIMARY KEY,
  mac TEXT NOT NULL,
  kind TEXT NOT NULL,
  value TEXT,
  source TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT NOT NULL,
  holder_name TEXT,
  expires_at TEXT,
  version BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL
);
CREATE UNIQUE INDEX afc_list_entries_key ON afc_list_entries (mac, source);
CREATE INDEX afc_list_entries_source ON afc_list_entries (source, status);
CREATE INDEX afc_list_entries_expiry ON afc_list_entries (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE afc_list_changes (
  version BIGINT PRIMARY KEY,
  op TEXT NOT NULL,
  entry_id TEXT NOT NULL,
  mac TEXT NOT NULL,
  kind TEXT NOT NULL,
  value TEXT,
  source TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT NOT NULL,
  holder_name TEXT,
  expires_at TEXT,
  actor TEXT NOT NULL,
  at TEXT NOT NULL,
  audit_seq BIGINT NOT NULL
)`,
    },
  ],
};
