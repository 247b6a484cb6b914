/* The store interface: everything the node keeps, behind a struct of
 * function pointers so that another backend can sit behind it.
 *
 * A struct cx_store is one connection and must be used by one thread at a
 * time; a server opens one per worker thread. Calls return a status class,
 * never log, and leave no transaction open unless they are begin(). Write
 * work goes through cx_store_run(), which retries soft (busy) failures. */
#ifndef CX_STORE_STORE_H
#define CX_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cx_store_status {
	CX_STORE_HARD_ERROR = -2, /* corrupt, full disk, bug: do not retry */
	CX_STORE_SOFT_ERROR = -1, /* busy or locked: retry the transaction */
	CX_STORE_NO_RESULT = 0,   /* nothing found / nothing changed */
	CX_STORE_OK = 1,          /* found / done */
};

/* One object version as stored. Strings are borrowed from the caller on the
 * way in and from the store (valid until the next call) on the way out. */
struct cx_object_row {
	const char *id;
	const char *type;
	const char *spec_version;
	int64_t created;  /* µs; 0 when the object has no `created` */
	int64_t modified; /* µs; `modified`, else `created`, else 0 (SCOs) */
	const char *created_by_ref; /* NULL when absent */
	bool revoked;
	bool is_latest;       /* out only: newest version of its id */
	int64_t date_added;   /* out only: when this node stored it, µs */
	const char *json;     /* canonical (RFC 8785) text */
	size_t json_len;
};

struct cx_collection {
	char id[64];    /* UUID */
	char alias[64]; /* "" when none */
	char title[256];
	char description[1024];
};

/* What to scan. Zeroed fields mean "no filter". */
struct cx_object_filter {
	const char *const *types; /* exact type names */
	size_t ntypes;
	const char *collection;  /* collection id or alias */
	int64_t modified_after;  /* versions whose `modified` is later, µs; 0: any */
	int64_t added_after;     /* keyset: date_added strictly greater, µs */
	bool latest_only;
	size_t limit;            /* 0: no limit */
};

/* Called per row in date_added order; return 0 to go on, non-zero to stop
 * (the scan then returns CX_STORE_OK and the value is not otherwise used). */
typedef int (*cx_object_cb)(void *arg, const struct cx_object_row *row);

struct cx_store {
	void *cls; /* the backend's own state */
	unsigned busy_retries;

	void (*close)(struct cx_store *s);
	/* The last backend error as one line (borrowed; "" when none). */
	const char *(*error)(struct cx_store *s);

	/* Transactions. begin(write=true) takes the write lock at once. */
	enum cx_store_status (*begin)(struct cx_store *s, bool write);
	enum cx_store_status (*commit)(struct cx_store *s);
	void (*rollback)(struct cx_store *s);
	bool (*in_transaction)(struct cx_store *s);

	/* Schema. */
	enum cx_store_status (*schema_version)(struct cx_store *s, int *ret_version);

	/* Objects. put stores one version: CX_STORE_OK when new (and
	 * *ret_date_added, may be NULL, is its date_added), CX_STORE_NO_RESULT
	 * when the same id and version is already stored. The newest-version
	 * flag of the id is kept right whatever the arrival order. */
	enum cx_store_status (*object_put)(struct cx_store *s, const struct cx_object_row *row,
					   int64_t *ret_date_added);
	/* Scan versions matching f in date_added order. */
	enum cx_store_status (*objects_scan)(struct cx_store *s, const struct cx_object_filter *f,
					     cx_object_cb cb, void *arg);
	/* Count all stored versions. */
	enum cx_store_status (*objects_count)(struct cx_store *s, int64_t *ret_count);

	/* Collections. */
	enum cx_store_status (*collection_create)(struct cx_store *s,
						  const struct cx_collection *c);
	/* Look up by id or alias. */
	enum cx_store_status (*collection_get)(struct cx_store *s, const char *id_or_alias,
					       struct cx_collection *ret);
	enum cx_store_status (*collection_list)(struct cx_store *s,
						int (*cb)(void *arg, const struct cx_collection *c),
						void *arg);
	/* Add an object version (by id and version µs) to a collection with a
	 * fresh date_added; CX_STORE_NO_RESULT when already a member. */
	enum cx_store_status (*collection_add_object)(struct cx_store *s, const char *collection,
						      const char *id, int64_t modified,
						      int64_t *ret_date_added);
};

/* Run fn inside one transaction (write or read), committing when fn returns
 * CX_STORE_OK or CX_STORE_NO_RESULT, rolling back otherwise. Soft errors
 * from fn or commit restart the whole transaction, at most s->busy_retries
 * times with a short randomized back-off. fn must therefore be safe to run
 * again (collect its results in arg only on the final run). */
enum cx_store_status cx_store_run(struct cx_store *s, bool write,
				  enum cx_store_status (*fn)(struct cx_store *s, void *arg),
				  void *arg);

/* The SQLite backend. Opens (or with create, creates and migrates) the store
 * at path. On failure returns NULL and a one-line reason in err. */
enum cx_store_open_mode {
	CX_STORE_OPEN,    /* existing store at the expected schema version */
	CX_STORE_CREATE,  /* new store: create the file and apply all migrations */
	CX_STORE_MIGRATE, /* existing store: apply pending migrations */
};
struct cx_store *cx_store_sqlite_open(const char *path, enum cx_store_open_mode mode, char *err,
				      size_t errlen);

/* The schema version this build expects. */
int cx_store_schema_latest(void);

#endif
