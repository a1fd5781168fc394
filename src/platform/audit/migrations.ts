import type { ModuleMigrations } from '../db/index.ts';
import { GENESIS_HASH } from './chain.ts';

/**
 * audit_log is the chain; audit_head is the chain's tip, written in the same transaction as each append,
 * so deleting the newest entries is detected (the head points past the end).
 *
 * Triggers refuse UPDATE/DELETE (and TRUNCATE on PostgreSQL) of audit_log: a guard against mistakes
 * and casual edits. Anyone able to drop triggers can still edit rows; the hash chain is what detects it.
 */
export const auditMigrations: ModuleMigrations = {
  module: 'platform-audit',
  migrations: [
    {
      id: '001-audit-log',
      sql: (engine) => `
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  details TEXT NOT NULL,
  digest TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, seq);
CREATE INDEX audit_log_actor ON audit_log (actor, seq);
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '${GENESIS_HASH}');
${engine === 'postgres' ? pgGuards : sqliteGuards}`,
    },
  ],
};

// One line per statement body: migrate() splits on semicolons at line ends.
const pgGuards = `
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`;

const sqliteGuards = `
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END`;
