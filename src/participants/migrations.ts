import type { ModuleMigrations } from '../platform/index.ts';

export const participantsMigrations: ModuleMigrations = {
  module: 'participants',
  migrations: [
    {
      id: '001-participants',
      sql: `
CREATE TABLE participants (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  status TEXT NOT NULL,
  bic TEXT UNIQUE,
  tax_id TEXT,
  bin_ranges TEXT NOT NULL,
  roles TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE staff_users (
  id TEXT PRIMARY KEY,
  participant_id TEXT NOT NULL REFERENCES participants(id),
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  totp_secret TEXT NOT NULL,
  roles TEXT NOT NULL,
  status TEXT NOT NULL,
  failed_logins BIGINT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX staff_users_participant ON staff_users (participant_id);
CREATE TABLE staff_sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES staff_users(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE TABLE api_clients (
  client_id TEXT PRIMARY KEY,
  participant_id TEXT NOT NULL REFERENCES participants(id),
  public_jwk TEXT NOT NULL,
  certificate_pem TEXT NOT NULL,
  serial_number TEXT NOT NULL,
  not_after TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX api_clients_participant ON api_clients (participant_id);
CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY,
  participant_id TEXT NOT NULL REFERENCES participants(id),
  url TEXT NOT NULL,
  events TEXT NOT NULL,
  secret TEXT NOT NULL,
  previous_secret TEXT,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX webhook_endpoints_participant ON webhook_endpoints (participant_id)`,
    },
  ],
};
