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
	 "  created_by_ref TEXT,\n"
	 "  revoked INTEGER NOT NULL DEFAULT 0,\n"
	 "  is_latest INTEGER NOT NULL,\n"
	 "  date_added INTEGER NOT NULL UNIQUE,\n"
	 "  json TEXT NOT NULL,\n"
	 "  UNIQUE (id, modified)\n"
	 ");\n"
	 "CREATE UNIQUE INDEX objects_latest ON objects (id) WHERE is_latest = 1;\n"
	 "CREATE INDEX objects_type_added ON objects (type, date_added);\n"
	 "CREATE INDEX objects_modified ON objects (modified);\n"
	 "CREATE INDEX objects_created_by ON objects (created_by_ref) "
	 "WHERE created_by_ref IS NOT NULL;\n"
	 "CREATE TABLE collections (\n"
	 "  rowid INTEGER PRIMARY KEY,\n"
	 "  id TEXT NOT NULL UNIQUE,\n"
	 "  alias TEXT UNIQUE,\n"
	 "  title TEXT NOT NULL,\n"
	 "  description TEXT NOT NULL DEFAULT ''\n"
	 ");\n"
	 "CREATE TABLE collection_objects (\n"
	 "  collection INTEGER NOT NULL REFERENCES collections (rowid),\n"
	 "  object INTEGER NOT NULL REFERENCES objects (rowid),\n"
	 "  date_added INTEGER NOT NULL UNIQUE,\n"
	 "  PRIMARY KEY (collection, object)\n"
	 ") WITHOUT ROWID;\n"
	 "CREATE INDEX collection_objects_added ON collection_objects (collection, date_added);\n"},
};

const int cx_migrations_count = (int)(sizeof(cx_migrations) / sizeof(cx_migrations[0]));
