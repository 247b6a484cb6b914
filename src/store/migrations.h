/* Numbered schema migrations of the SQLite store. Migration N takes the
 * schema from version N-1 to N; PRAGMA user_version records the version. */
#ifndef CX_STORE_MIGRATIONS_H
#define CX_STORE_MIGRATIONS_H

struct cx_migration {
	int version;
	const char *sql;
};

extern const struct cx_migration cx_migrations[];
extern const int cx_migrations_count;

#endif
