import type { Engine, ModuleMigrations } from '../../platform/index.ts';

/** An article's content: lists (tags, indicators, actions) as JSON arrays; the note is optional. */
const CONTENT =
  'title TEXT NOT NULL, tags TEXT NOT NULL, body TEXT NOT NULL, indicators TEXT NOT NULL, actions TEXT NOT NULL, note TEXT';

/** The database refuses to change or delete a published version, whatever code runs against it. */
const immutable = (engine: Engine): string =>
  engine === 'postgres'
    ? `
CREATE FUNCTION afc_kb_versions_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'published versions of knowledge base articles are immutable'; END $$;
CREATE TRIGGER afc_kb_versions_no_update BEFORE UPDATE OR DELETE ON afc_kb_versions FOR EACH ROW EXECUTE FUNCTION afc_kb_versions_immutable()`
    : `
CREATE TRIGGER afc_kb_versions_no_update BEFORE UPDATE ON afc_kb_versions BEGIN SELECT RAISE(ABORT, 'published versions of knowledge base articles are immutable'); END;
CREATE TRIGGER afc_kb_versions_no_delete BEFORE DELETE ON afc_kb_versions BEGIN SELECT RAISE(ABORT, 'published versions of knowledge base articles are immutable'); END`;

/**
 * The knowledge base of fraud typologies (module `afc-knowledge`).
 *
 * `afc_kb_versions`: every published version of every article, written once (triggers refuse UPDATE and
 * DELETE). `afc_kb_articles`: one row per article naming its latest version, with the folded text and the
 * tags of that version for search (`afc_kb_tags`). `afc_kb_proposals`: proposed articles and versions with
 * their outcome; a published one names the version it became.
 */
export const afcKnowledgeMigrations: ModuleMigrations = {
  module: 'afc-knowledge',
  migrations: [
    {
      id: '001-knowledge',
      sql: (engine) => `
CREATE TABLE afc_kb_articles (
  id TEXT PRIMARY KEY,
  latest_version BIGINT NOT NULL,
  title TEXT NOT NULL,
  tags TEXT NOT NULL,
  search_text TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE afc_kb_tags (
  tag TEXT NOT NULL,
  article_id TEXT NOT NULL,
  PRIMARY KEY (tag, article_id)
);
CREATE TABLE afc_kb_versions (
  article_id TEXT NOT NULL,
  version BIGINT NOT NULL,
  ${CONTENT},
  proposal_id TEXT NOT NULL,
  proposer_id TEXT NOT NULL,
  published_by TEXT NOT NULL,
  published_at TEXT NOT NULL,
  audit_seq BIGINT NOT NULL,
  PRIMARY KEY (article_id, version)
);
CREATE TABLE afc_kb_proposals (
  id TEXT PRIMARY KEY,
  article_id TEXT NOT NULL,
  base_version BIGINT,
  ${CONTENT},
  proposer_id TEXT NOT NULL,
  proposed_by TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  decided_by TEXT,
  decided_at TEXT,
  published_version BIGINT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX afc_kb_proposals_proposer ON afc_kb_proposals (proposer_id, id);
CREATE INDEX afc_kb_proposals_status ON afc_kb_proposals (status, id);
CREATE INDEX afc_kb_proposals_article ON afc_kb_proposals (article_id, status);
${immutable(engine)}`,
    },
  ],
};
