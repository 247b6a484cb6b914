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
	/* The disk (or the quota) holding the store is full: the transaction
	 * rolled back, nothing of it was written. Not retried; the same write
	 * succeeds once space is freed, without reopening the store. */
	CX_STORE_FULL = -3,
	CX_STORE_HARD_ERROR = -2, /* corrupt, bug: do not retry */
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
	const char *version; /* that timestamp as the object spells it; "" for none */
	const char *name;    /* the object's name; "" for none */
	const char *created_by_ref; /* NULL when absent */
	bool revoked;
	/* Access labels of this version (in: computed by the caller). */
	int64_t owner;        /* partner rowid; 0: none */
	int tlp;              /* enum cx_tlp */
	int64_t rel_mask;     /* partner bitmask (bit rowid - 1); -1: all */
	int classification;   /* 0 U .. 3 S */
	/* In only, for search and references (may be NULL / 0). */
	const char *search_text;     /* names, descriptions and other text */
	const char *const *ref_ids;  /* ids this version references */
	const char *const *ref_kinds; /* "rel" (a relationship's ends) or "ref" */
	size_t nrefs;
	bool is_latest;       /* out only: newest version of its id */
	int64_t date_added;   /* out only: when this node stored it, µs */
	const char *json;     /* canonical (RFC 8785) text */
	size_t json_len;
};

struct cx_collection {
	int64_t rowid;   /* out only */
	char id[64];     /* UUID */
	char api_root[65];
	char alias[64];  /* "" when none; unique within its API root */
	char title[256];
	char description[1024];
};

/* Version selection bits (TAXII match[version]); 0 selects every version. */
enum cx_version_sel {
	CX_VERSION_LAST = 1,  /* newest version of each object */
	CX_VERSION_FIRST = 2, /* oldest version of each object */
};

/* A named SQL parameter and its value. */
struct cx_sql_arg {
	const char *name; /* ":a_partner" */
	int64_t value;
};

/* What to scan. Zeroed fields mean "no filter". Within a collection,
 * "newest" and "oldest" are among the versions in that collection. */
struct cx_object_filter {
	int64_t collection;         /* collection rowid; 0: all stored versions */
	const char *const *ids;     /* exact STIX ids, ORed */
	size_t nids;
	const char *const *types;   /* exact type names, ORed */
	size_t ntypes;
	unsigned versions;          /* enum cx_version_sel bits, ORed with... */
	const int64_t *modified_in; /* ...these exact versions (µs) */
	size_t nmodified;
	int64_t modified_after;     /* versions whose `modified` is later, µs; 0: any */
	int64_t modified_before;    /* ... earlier, µs; 0: any */
	int64_t added_after;        /* keyset: date_added strictly greater, µs */
	int64_t added_before;       /* keyset for newest_first: strictly smaller; 0: none */
	bool newest_first;          /* date_added descending instead */
	int64_t owner;              /* only versions owned by this partner rowid; 0: any */
	int revoked;                /* -1 or 0: any; 1: only revoked; 2: only not revoked */
	const char *fts;            /* full-text query (FTS5) over newest versions; NULL: none.
				     * A malformed one fails with s->error() starting
				     * "bad full-text query" */
	const char *status;         /* only versions whose `status` property is this */
	const char *marking;        /* only versions whose object_marking_refs name this */
	const char *ref_to;         /* only versions referencing this id ... */
	const char *ref_kind;       /* ... this way ("rel" or "ref") */
	size_t limit;               /* 0: no limit */
	/* Fill only id, modified, version, date_added, json and the labels of
	 * each row (the rest reads as empty): what a page needs, read faster. */
	bool lean;
	/* The access rule as an SQL expression over the objects table (alias o)
	 * and its named parameters; NULL: no rule (operator paths only). */
	const char *access_sql;
	const struct cx_sql_arg *access_args;
	size_t naccess_args;
};

/* One audit entry as stored. */
struct cx_audit_row {
	int64_t seq;
	int64_t ts; /* µs */
	const char *actor;
	const char *action;
	const char *json; /* the entry's canonical JSON, which the hash covers */
	const char *prev_hash;
	const char *hash;
};

/* Roles, as bits: a user may hold several. */
enum cx_role {
	CX_ROLE_READER = 1,
	CX_ROLE_CONTRIBUTOR = 2,
	CX_ROLE_APPROVER = 4,
	CX_ROLE_ADMIN = 8,
	CX_ROLE_PEER = 16,
	CX_ROLE_CASE_OFFICER = 32, /* opens the PII vault of its partner's cases */
};

struct cx_partner {
	int64_t rowid; /* out only */
	char code[17];
	char name[128];
	char identity_id[64]; /* identity--UUID of the partner's STIX identity */
	int64_t created;
};

struct cx_user {
	int64_t rowid; /* out only */
	char name[65];
	int64_t partner_rowid;
	char partner[17]; /* out only: the partner's code */
	unsigned roles;   /* enum cx_role bits */
	char clearance;   /* 'U', 'R', 'C' or 'S' */
	bool disabled;
	char password_hash[128]; /* libsodium crypto_pwhash_str form; "" for none */
	int64_t created;
};

struct cx_token {
	int64_t rowid;       /* out only */
	char id[20];         /* public id, shown in lists */
	int64_t user_rowid;
	char user_name[65];  /* out only */
	char name[64];
	int64_t created;
	int64_t expires;     /* µs; 0: never */
	int64_t last_used;
	bool disabled;
};

/* Called per row in date_added order; return 0 to go on, non-zero to stop
 * (the scan then returns CX_STORE_OK and the value is not otherwise used). */
typedef int (*cx_object_cb)(void *arg, const struct cx_object_row *row);

/* One person record of the PII vault as stored (core/vault.h): the columns
 * that find it and its ciphertext, never plaintext. Borrowed from the
 * caller on the way in, from the store (valid during the callback) on the
 * way out. */
struct cx_vault_row {
	const char *id;         /* "person-" and a UUID */
	const char *case_id;    /* the cx-repatriation-case it belongs to */
	int64_t version;        /* 1, then one more per replacement */
	int64_t created;        /* µs */
	int64_t modified;       /* µs */
	const char *created_by; /* the creating user's name */
	const unsigned char *nonce;
	size_t nonce_len;
	const unsigned char *box; /* the ciphertext */
	size_t box_len;
};

/* Called per vault row; return 0 to go on, non-zero to stop. */
typedef int (*cx_vault_cb)(void *arg, const struct cx_vault_row *row);

/* A peer: another node this node pulls from (doc/FEDERATION.md). The
 * secret is the password or token this node uses there, kept as given. */
struct cx_peer {
	int64_t rowid; /* out only */
	char name[65];
	char url[1024];       /* the peer's TAXII API root URL, ending in '/' */
	char partner[17];     /* the partner that runs the peer */
	char user[65];        /* the peer-role user this node is there */
	char secret[1024];
	bool secret_is_token; /* Bearer token; else a Basic password */
	char public_key[64];  /* Ed25519 public key, base64 */
	char key_id[128];
	char into[64];        /* local collection id pulled objects join; "" none */
	int64_t created;
};

/* One remote collection of a peer and its sync state. */
struct cx_peer_collection {
	int64_t rowid; /* out only */
	int64_t peer;
	char collection[64];  /* the remote collection id */
	char cursor[40];      /* last X-TAXII-Date-Added-Last applied; "" none */
	int64_t last_attempt; /* µs; 0 never */
	int64_t last_success; /* µs; 0 never */
	char last_error[512]; /* "" when the last round succeeded */
	int64_t received, stored, duplicate, rejected; /* totals over all rounds */
};

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
	 * when the same id and version is already stored; then *ret_conflict
	 * (may be NULL) tells whether its stored text differs. The newest-version
	 * flag and every version's effective labels are kept right whatever the
	 * arrival order. */
	enum cx_store_status (*object_put)(struct cx_store *s, const struct cx_object_row *row,
					   int64_t *ret_date_added, bool *ret_conflict);
	/* What is stored for id, as the write rules need it: CX_STORE_OK with
	 * the newest version's owner, revoked and version, and whether version
	 * `modified` is stored; CX_STORE_NO_RESULT when nothing is. */
	enum cx_store_status (*object_state)(struct cx_store *s, const char *id, int64_t modified,
					     int64_t *ret_owner, bool *ret_revoked,
					     int64_t *ret_latest_modified, bool *ret_same);
	/* The newest version of id (row strings valid until the next call). */
	enum cx_store_status (*object_latest)(struct cx_store *s, const char *id,
					      struct cx_object_row *ret);
	/* Scan versions matching f in date_added order. */
	enum cx_store_status (*objects_scan)(struct cx_store *s, const struct cx_object_filter *f,
					     cx_object_cb cb, void *arg);
	/* Count all stored versions. */
	enum cx_store_status (*objects_count)(struct cx_store *s, int64_t *ret_count);

	/* Collections. create: CX_STORE_NO_RESULT when the id, or the alias
	 * within the API root, is taken. */
	enum cx_store_status (*collection_create)(struct cx_store *s,
						  const struct cx_collection *c);
	/* Look up by id or alias, within api_root (NULL: any root, the first
	 * match in creation order). */
	enum cx_store_status (*collection_get)(struct cx_store *s, const char *api_root,
					       const char *id_or_alias, struct cx_collection *ret);
	/* In creation order; api_root NULL lists every root's. */
	enum cx_store_status (*collection_list)(struct cx_store *s, const char *api_root,
						int (*cb)(void *arg, const struct cx_collection *c),
						void *arg);
	/* Add an object version (by id and version µs) to a collection with a
	 * fresh date_added; CX_STORE_NO_RESULT when already a member. */
	enum cx_store_status (*collection_add_object)(struct cx_store *s, int64_t collection,
						      const char *id, int64_t modified,
						      int64_t *ret_date_added);
	/* Remove versions of an object from a collection: those in
	 * modified_in, or all when nmodified is 0. *ret_removed may be NULL. */
	enum cx_store_status (*collection_remove_object)(struct cx_store *s, int64_t collection,
							 const char *id,
							 const int64_t *modified_in,
							 size_t nmodified, int64_t *ret_removed);
	/* Grant (or with both false, revoke) access. partner and role: a
	 * code / role name, or "*". */
	enum cx_store_status (*collection_grant)(struct cx_store *s, int64_t collection,
						 const char *partner, const char *role,
						 bool can_read, bool can_write);
	enum cx_store_status (*collection_grants)(struct cx_store *s, int64_t collection,
						  int (*cb)(void *arg, const char *partner,
							    const char *role, bool can_read,
							    bool can_write),
						  void *arg);
	/* The union of the grants matching partner and any of roles. */
	enum cx_store_status (*collection_access)(struct cx_store *s, int64_t collection,
						  const char *partner, unsigned roles,
						  bool *ret_read, bool *ret_write);

	/* Partners, users and tokens. add: CX_STORE_NO_RESULT when the code or
	 * name is taken. */
	enum cx_store_status (*partner_add)(struct cx_store *s, const struct cx_partner *p);
	enum cx_store_status (*partner_get)(struct cx_store *s, const char *code,
					    struct cx_partner *ret);
	enum cx_store_status (*partner_by_identity)(struct cx_store *s, const char *identity_id,
						    struct cx_partner *ret);
	/* The highest partner rowid in use (partner bits go up to 63). */
	enum cx_store_status (*partner_max_rowid)(struct cx_store *s, int64_t *ret);
	enum cx_store_status (*partner_list)(struct cx_store *s,
					     int (*cb)(void *arg, const struct cx_partner *p),
					     void *arg);
	enum cx_store_status (*user_add)(struct cx_store *s, const struct cx_user *u);
	enum cx_store_status (*user_get)(struct cx_store *s, const char *name,
					 struct cx_user *ret);
	enum cx_store_status (*user_list)(struct cx_store *s,
					  int (*cb)(void *arg, const struct cx_user *u), void *arg);
	/* Write roles, clearance, disabled and password_hash of u (by name). */
	enum cx_store_status (*user_update)(struct cx_store *s, const struct cx_user *u);
	enum cx_store_status (*token_add)(struct cx_store *s, const struct cx_token *t,
					  const unsigned char hash[32]);
	/* The token with this SHA-256 and its user, whatever their state. */
	enum cx_store_status (*token_lookup)(struct cx_store *s, const unsigned char hash[32],
					     struct cx_token *ret_token, struct cx_user *ret_user);
	enum cx_store_status (*token_list)(struct cx_store *s, const char *user_name,
					   int (*cb)(void *arg, const struct cx_token *t),
					   void *arg);
	enum cx_store_status (*token_disable)(struct cx_store *s, const char *id);
	enum cx_store_status (*token_touch)(struct cx_store *s, int64_t rowid, int64_t now);

	/* Native API sessions, keyed by the SHA-256 of the cookie. get fills the
	 * user (with partner code) and the session's csrf token (65 bytes). */
	enum cx_store_status (*session_create)(struct cx_store *s, const unsigned char hash[32],
					       int64_t user, const char *csrf, int64_t now);
	enum cx_store_status (*session_get)(struct cx_store *s, const unsigned char hash[32],
					    struct cx_user *ret_user, char ret_csrf[65],
					    int64_t *ret_created, int64_t *ret_last_seen);
	enum cx_store_status (*session_touch)(struct cx_store *s, const unsigned char hash[32],
					      int64_t now);
	enum cx_store_status (*session_delete)(struct cx_store *s, const unsigned char hash[32]);

	/* TAXII status resources (JSON text, borrowed in, caller frees out). */
	enum cx_store_status (*status_put)(struct cx_store *s, const char *id, int64_t user,
					   const char *api_root, int64_t created,
					   const char *json);
	/* Only the user's own status in that root, created at or after
	 * not_before. */
	enum cx_store_status (*status_get)(struct cx_store *s, const char *id, int64_t user,
					   const char *api_root, int64_t not_before,
					   char **ret_json);
	enum cx_store_status (*status_purge)(struct cx_store *s, int64_t created_before);

	/* Audit: the chain's head (seq 0 and 64 zeros when empty), appending
	 * (which moves the head; inside a write transaction), and scanning in
	 * seq order from after_seq with optional filters (NULL / 0: any). */
	enum cx_store_status (*audit_head)(struct cx_store *s, int64_t *ret_seq, char ret_hash[65]);
	enum cx_store_status (*audit_add)(struct cx_store *s, const struct cx_audit_row *row);
	enum cx_store_status (*audit_scan)(struct cx_store *s, int64_t after_seq,
					   const char *action, const char *actor, int64_t since,
					   size_t limit,
					   int (*cb)(void *arg, const struct cx_audit_row *row),
					   void *arg);

	/* Node metadata (key/value text). */
	enum cx_store_status (*meta_get)(struct cx_store *s, const char *key, char *ret,
					 size_t n);

	/* The PII vault (ciphertext only). put: CX_STORE_NO_RESULT when the id
	 * is taken. get: the record with this id, through cb. list: the case's
	 * records, oldest first. replace: new version, modified, nonce and box
	 * for row->id when its stored version is expect_version, else
	 * CX_STORE_NO_RESULT. delete: overwrite the ciphertext, then remove
	 * the row (CX_STORE_NO_RESULT when there is none). */
	enum cx_store_status (*vault_put)(struct cx_store *s, const struct cx_vault_row *row);
	enum cx_store_status (*vault_get)(struct cx_store *s, const char *id, cx_vault_cb cb,
					  void *arg);
	enum cx_store_status (*vault_list)(struct cx_store *s, const char *case_id,
					   cx_vault_cb cb, void *arg);
	enum cx_store_status (*vault_count)(struct cx_store *s, const char *case_id,
					    int64_t *ret_count);
	enum cx_store_status (*vault_replace)(struct cx_store *s, const struct cx_vault_row *row,
					      int64_t expect_version);
	enum cx_store_status (*vault_delete)(struct cx_store *s, const char *id);

	/* Federation peers (store_sqlite_peers.c). add: CX_STORE_NO_RESULT when
	 * the name is taken; *ret_rowid (may be NULL) is the new row. remove
	 * drops its collections and their state; CX_STORE_NO_RESULT when there
	 * is no such peer. */
	enum cx_store_status (*peer_add)(struct cx_store *s, const struct cx_peer *p,
					 int64_t *ret_rowid);
	enum cx_store_status (*peer_get)(struct cx_store *s, const char *name,
					 struct cx_peer *ret);
	enum cx_store_status (*peer_list)(struct cx_store *s,
					  int (*cb)(void *arg, const struct cx_peer *p), void *arg);
	enum cx_store_status (*peer_remove)(struct cx_store *s, const char *name);
	/* A remote collection to pull: CX_STORE_NO_RESULT when already listed. */
	enum cx_store_status (*peer_collection_add)(struct cx_store *s, int64_t peer,
						    const char *collection);
	/* The peer's collections in the order they were added. */
	enum cx_store_status (*peer_collections)(struct cx_store *s, int64_t peer,
						 int (*cb)(void *arg,
							   const struct cx_peer_collection *c),
						 void *arg);
	/* Record a successful page or round (inside the write transaction that
	 * applied it): the new cursor (NULL: unchanged), the time, the counts
	 * to add; clears last_error. */
	enum cx_store_status (*peer_collection_advance)(struct cx_store *s, int64_t rowid,
							const char *cursor, int64_t now,
							int64_t received, int64_t stored,
							int64_t duplicate, int64_t rejected);
	/* Record a failed round: the time and the reason; the cursor stays. */
	enum cx_store_status (*peer_collection_fail)(struct cx_store *s, int64_t rowid,
						     int64_t now, const char *error);
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
