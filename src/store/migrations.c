#include "store/migrations.h"

/* Append only: a released migration is never edited, a change is a new one. */
const struct cx_migration cx_migrations[] = {
	{1,
	 /* The node clock hands out date_added values: unique and strictly
	  * increasing per node, even when the wall clock steps back. */
	 "CREATE TABLE node_clock (\n"
	 "  one INTEGER PRIMARY KEY CHECK (one = 1),\n"
	 "  last_us INTEGER NOT NULL\n"
	 ");\n"
	 "INSERT INTO node_clock VALUES (1, 0);\n"
	 "CREATE TABLE node_meta (\n"
	 "  key TEXT PRIMARY KEY,\n"
	 "  value TEXT NOT NULL\n"
	 ") WITHOUT ROWID;\n"
	 /* One row per object version. `modified` is the version: the object's
	  * modified, else created, else 0 (SCOs have a single version). */
	 "CREATE TABLE objects (\n"
	 "  rowid INTEGER PRIMARY KEY,\n"
	 "  id TEXT NOT NULL,\n"
	 "  type TEXT NOT NULL,\n"
	 "  spec_version TEXT NOT NULL,\n"
	 "  created INTEGER NOT NULL,\n"
	 "  modified INTEGER NOT NULL,\n"
	 "  version TEXT NOT NULL,\n" /* the version as the object spells it */
	 "  name TEXT NOT NULL DEFAULT '',\n" /* its name, for lists */
	 "  created_by_ref TEXT,\n"
	 "  revoked INTEGER NOT NULL DEFAULT 0,\n"
	 "  is_latest INTEGER NOT NULL,\n"
	 "  date_added INTEGER NOT NULL UNIQUE,\n"
	 "  json TEXT NOT NULL,\n"
	 /* Access labels of this version (doc/ACCESS.md), and the effective
	  * ones combined with the newest version's, which reads are decided
	  * on: owner partner rowid (0 none), TLP 0-5, partner bitmask,
	  * classification 0-3. */
	 "  owner INTEGER NOT NULL DEFAULT 0,\n"
	 "  tlp INTEGER NOT NULL DEFAULT 0,\n"
	 "  rel_mask INTEGER NOT NULL DEFAULT 0,\n"
	 "  class INTEGER NOT NULL DEFAULT 0,\n"
	 "  eff_owner INTEGER NOT NULL DEFAULT 0,\n"
	 "  eff_tlp INTEGER NOT NULL DEFAULT 0,\n"
	 "  eff_mask INTEGER NOT NULL DEFAULT 0,\n"
	 "  eff_class INTEGER NOT NULL DEFAULT 0,\n"
	 "  UNIQUE (id, modified)\n"
	 ");\n"
	 "CREATE UNIQUE INDEX objects_latest ON objects (id) WHERE is_latest = 1;\n"
	 "CREATE INDEX objects_type_added ON objects (type, date_added);\n"
	 "CREATE INDEX objects_modified ON objects (modified);\n"
	 "CREATE INDEX objects_created_by ON objects (created_by_ref) "
	 "WHERE created_by_ref IS NOT NULL;\n"
	 "CREATE INDEX objects_owner_added ON objects (eff_owner, date_added);\n"
	 "CREATE TABLE collections (\n"
	 "  rowid INTEGER PRIMARY KEY,\n"
	 "  id TEXT NOT NULL UNIQUE,\n"
	 "  api_root TEXT NOT NULL,\n"
	 "  alias TEXT,\n"
	 "  title TEXT NOT NULL,\n"
	 "  description TEXT NOT NULL DEFAULT '',\n"
	 "  UNIQUE (api_root, alias)\n"
	 ");\n"
	 /* Membership of object versions in collections. The object's id,
	  * type and version are repeated here so that TAXII pages are one
	  * index scan of this table; is_latest / is_first are per collection. */
	 "CREATE TABLE collection_objects (\n"
	 "  collection INTEGER NOT NULL REFERENCES collections (rowid),\n"
	 "  object INTEGER NOT NULL REFERENCES objects (rowid),\n"
	 "  object_id TEXT NOT NULL,\n"
	 "  type TEXT NOT NULL,\n"
	 "  modified INTEGER NOT NULL,\n"
	 "  is_latest INTEGER NOT NULL DEFAULT 0,\n"
	 "  is_first INTEGER NOT NULL DEFAULT 0,\n"
	 "  date_added INTEGER NOT NULL UNIQUE,\n"
	 "  PRIMARY KEY (collection, object)\n"
	 ") WITHOUT ROWID;\n"
	 /* Covering indexes for pages: every column a page query reads from
	  * this table is in them, so a page costs one index range scan plus
	  * one objects row per result. */
	 "CREATE INDEX collection_objects_added ON collection_objects (collection, date_added, "
	 "object, is_latest, is_first, modified, type, object_id);\n"
	 "CREATE INDEX collection_objects_latest ON collection_objects (collection, date_added, "
	 "object, is_latest, is_first, modified, type, object_id) WHERE is_latest = 1;\n"
	 "CREATE INDEX collection_objects_id ON collection_objects (collection, object_id, "
	 "modified);\n"
	 "CREATE INDEX collection_objects_type ON collection_objects (collection, type, "
	 "date_added);\n"
	 /* Who may do what. */
	 "CREATE TABLE partners (\n"
	 "  rowid INTEGER PRIMARY KEY,\n"
	 "  code TEXT NOT NULL UNIQUE,\n"
	 "  name TEXT NOT NULL,\n"
	 "  identity_id TEXT NOT NULL UNIQUE,\n"
	 "  created INTEGER NOT NULL\n"
	 ");\n"
	 "CREATE TABLE users (\n"
	 "  rowid INTEGER PRIMARY KEY,\n"
	 "  name TEXT NOT NULL UNIQUE,\n"
	 "  partner INTEGER NOT NULL REFERENCES partners (rowid),\n"
	 "  roles INTEGER NOT NULL,\n"
	 "  clearance TEXT NOT NULL CHECK (clearance IN ('U', 'R', 'C', 'S')),\n"
	 "  password_hash TEXT,\n"
	 "  disabled INTEGER NOT NULL DEFAULT 0,\n"
	 "  created INTEGER NOT NULL\n"
	 ");\n"
	 /* API tokens: only a SHA-256 of the token is kept. */
	 "CREATE TABLE tokens (\n"
	 "  rowid INTEGER PRIMARY KEY,\n"
	 "  id TEXT NOT NULL UNIQUE,\n"
	 "  user INTEGER NOT NULL REFERENCES users (rowid),\n"
	 "  hash BLOB NOT NULL UNIQUE,\n"
	 "  name TEXT NOT NULL DEFAULT '',\n"
	 "  created INTEGER NOT NULL,\n"
	 "  expires INTEGER NOT NULL,\n"
	 "  last_used INTEGER NOT NULL DEFAULT 0,\n"
	 "  disabled INTEGER NOT NULL DEFAULT 0\n"
	 ");\n"
	 /* Grants: partner and role may be '*'. */
	 "CREATE TABLE collection_acl (\n"
	 "  collection INTEGER NOT NULL REFERENCES collections (rowid),\n"
	 "  partner TEXT NOT NULL,\n"
	 "  role TEXT NOT NULL,\n"
	 "  can_read INTEGER NOT NULL,\n"
	 "  can_write INTEGER NOT NULL,\n"
	 "  PRIMARY KEY (collection, partner, role)\n"
	 ") WITHOUT ROWID;\n"
	 "CREATE TABLE taxii_status (\n"
	 "  id TEXT PRIMARY KEY,\n"
	 "  user INTEGER NOT NULL,\n"
	 "  api_root TEXT NOT NULL,\n"
	 "  created INTEGER NOT NULL,\n"
	 "  json TEXT NOT NULL\n"
	 ") WITHOUT ROWID;\n"
	 "CREATE INDEX taxii_status_created ON taxii_status (created);\n"
	 /* The audit trail: a hash chain (src/core/audit.c). The head is kept
	  * apart too, so that removing the newest entries shows. */
	 "CREATE TABLE audit (\n"
	 "  seq INTEGER PRIMARY KEY,\n"
	 "  ts INTEGER NOT NULL,\n"
	 "  actor TEXT NOT NULL,\n"
	 "  action TEXT NOT NULL,\n"
	 "  json TEXT NOT NULL,\n"
	 "  prev_hash TEXT NOT NULL,\n"
	 "  hash TEXT NOT NULL\n"
	 ");\n"
	 "CREATE INDEX audit_action ON audit (action, seq);\n"
	 "CREATE INDEX audit_actor ON audit (actor, seq);\n"
	 "INSERT INTO node_meta VALUES ('audit_head', "
	 "'0:0000000000000000000000000000000000000000000000000000000000000000');\n"
	 /* Native API sessions: only a SHA-256 of the cookie is kept. */
	 "CREATE TABLE sessions (\n"
	 "  hash BLOB PRIMARY KEY,\n"
	 "  user INTEGER NOT NULL REFERENCES users (rowid),\n"
	 "  csrf TEXT NOT NULL,\n"
	 "  created INTEGER NOT NULL,\n"
	 "  last_seen INTEGER NOT NULL\n"
	 ") WITHOUT ROWID;\n"
	 /* Full-text search over the newest version of each object. */
	 "CREATE VIRTUAL TABLE objects_fts USING fts5(id UNINDEXED, text, "
	 "tokenize = 'unicode61 remove_diacritics 2');\n"
	 /* What each version references: relationship ends (kind 'rel') and
	  * every other *_ref / *_refs (kind 'ref'). */
	 "CREATE TABLE object_refs (\n"
	 "  from_rowid INTEGER NOT NULL REFERENCES objects (rowid),\n"
	 "  to_id TEXT NOT NULL,\n"
	 "  kind TEXT NOT NULL\n"
	 ");\n"
	 "CREATE INDEX object_refs_to ON object_refs (to_id, kind);\n"
	 /* The PII vault: person records of repatriation cases, one row per
	  * person, sealed with the vault key kept outside this file
	  * (core/vault.h). Only ids, counters and times are in clear. */
	 "CREATE TABLE vault (\n"
	 "  rowid INTEGER PRIMARY KEY,\n"
	 "  id TEXT NOT NULL UNIQUE,\n"
	 "  case_id TEXT NOT NULL,\n"
	 "  version INTEGER NOT NULL,\n"
	 "  created INTEGER NOT NULL,\n"
	 "  modified INTEGER NOT NULL,\n"
	 "  created_by TEXT NOT NULL,\n"
	 "  nonce BLOB NOT NULL,\n"
	 "  box BLOB NOT NULL\n"
	 ");\n"
	 "CREATE INDEX vault_case ON vault (case_id, rowid);\n"
	 /* The key that signs TAXII `next` tokens (SQLite's CSPRNG). */
	 "INSERT INTO node_meta VALUES ('token_key', lower(hex(randomblob(32))));\n"},
};

const int cx_migrations_count = (int)(sizeof(cx_migrations) / sizeof(cx_migrations[0]));
