import type { ModuleMigrations } from '../../platform/index.ts';

/**
 * Incident exchange of the Anti-Fraud Center (module `afc-incidents`).
 *
 * `afc_incident_types`: the metadata matrix, one row per transaction type and version (the highest is in
 * force). `afc_incidents`: the cards, with the fields statistics group by copied out of `details`.
 * `afc_incident_parties`: the participants related to a card and how they were found. `afc_incident_events`:
 * the full history. `afc_incident_identifiers`: the beneficiary's identifiers by MAC, to find other cards
 * naming the same beneficiary. `afc_incident_deadlines`: each step's due date, when it was met or escalated.
 * `afc_incident_attachments` (base64 text: the same on both engines), `afc_incident_recoveries` (funds
 * blocked or returned) and `afc_notifications` (the portal inbox).
 */
export const afcIncidentsMigrations: ModuleMigrations = {
  module: 'afc-incidents',
  migrations: [
    {
      id: '001-incidents',
      sql: `
CREATE TABLE afc_incident_types (
  type TEXT NOT NULL,
  version INTEGER NOT NULL,
  definition TEXT NOT NULL,
  published_at TEXT NOT NULL,
  published_by TEXT NOT NULL,
  PRIMARY KEY (type, version)
);
CREATE TABLE afc_incidents (
  id TEXT PRIMARY KEY,
  reporter_id TEXT NOT NULL,
  reporter_ref TEXT NOT NULL,
  type TEXT NOT NULL,
  type_version INTEGER NOT NULL,
  status TEXT NOT NULL,
  details TEXT NOT NULL,
  fraud_type TEXT NOT NULL,
  outcome TEXT NOT NULL,
  amount BIGINT,
  region TEXT,
  beneficiary_age_band TEXT NOT NULL,
  victim_age_band TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  grounds TEXT,
  decided_by TEXT,
  decided_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX afc_incidents_reporter_ref ON afc_incidents (reporter_id, reporter_ref);
CREATE INDEX afc_incidents_created ON afc_incidents (created_at);
CREATE INDEX afc_incidents_status ON afc_incidents (status, id);
CREATE TABLE afc_incident_parties (
  incident_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  relation TEXT NOT NULL,
  via TEXT NOT NULL,
  added_at TEXT NOT NULL,
  PRIMARY KEY (incident_id, participant_id)
);
CREATE INDEX afc_incident_parties_participant ON afc_incident_parties (participant_id, incident_id);
CREATE TABLE afc_incident_events (
  incident_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  participant_id TEXT,
  action TEXT NOT NULL,
  status TEXT NOT NULL,
  grounds TEXT,
  details TEXT,
  PRIMARY KEY (incident_id, seq)
);
CREATE TABLE afc_incident_identifiers (
  incident_id TEXT NOT NULL,
  mac TEXT NOT NULL,
  kind TEXT NOT NULL,
  PRIMARY KEY (incident_id, mac)
);
CREATE INDEX afc_incident_identifiers_mac ON afc_incident_identifiers (mac);
CREATE TABLE afc_incident_deadlines (
  incident_id TEXT NOT NULL,
  step TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  due TEXT NOT NULL,
  done_at TEXT,
  escalated_at TEXT,
  PRIMARY KEY (incident_id, step, participant_id)
);
CREATE INDEX afc_incident_deadlines_due ON afc_incident_deadlines (due) WHERE done_at IS NULL AND escalated_at IS NULL;
CREATE TABLE afc_incident_attachments (
  id TEXT PRIMARY KEY,
  incident_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  filename TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  content TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX afc_incident_attachments_incident ON afc_incident_attachments (incident_id);
CREATE TABLE afc_incident_recoveries (
  id TEXT PRIMARY KEY,
  incident_id TEXT NOT NULL,
  participant_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  amount BIGINT NOT NULL,
  reference TEXT,
  at TEXT NOT NULL
);
CREATE INDEX afc_incident_recoveries_incident ON afc_incident_recoveries (incident_id);
CREATE TABLE afc_notifications (
  id TEXT PRIMARY KEY,
  participant_id TEXT NOT NULL,
  incident_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  summary TEXT NOT NULL,
  at TEXT NOT NULL,
  read_at TEXT
);
CREATE INDEX afc_notifications_inbox ON afc_notifications (participant_id, id)`,
    },
  ],
};
