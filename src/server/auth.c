#include "server/auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "access/credentials.h"
#include "core/audit.h"
#include "server/server.h"
#include "server/throttle.h"
#include "util/log.h"
#include "util/str.h"
#include "util/time.h"

#define CACHE_SLOTS 512
#define CACHE_TTL_US (300ll * 1000000)
#define MAX_CREDENTIALS 512

/* A password a handler has hashed (cx_auth_hash_password), kept with its
 * request (req->work) between the handler's two calls. */
struct hash_work {
	enum cx_auth_state state;
	size_t len;
	char password[MAX_CREDENTIALS]; /* wiped once hashed */
	char hash[crypto_pwhash_STRBYTES];
};

struct job {
	struct cx_request *req;
	char credentials[MAX_CREDENTIALS]; /* "name\0password" for a login; "" for Basic */
	size_t pwlen;
	struct hash_work *hash; /* set: hash this password instead of verifying a login */
	struct job *next;
};

struct cache_slot {
	unsigned char key[32]; /* keyed hash of "name\0password" */
	char name[65];
	int64_t expires;
};

struct cx_auth {
	struct cx_server *srv;
	pthread_t *threads;
	unsigned nthreads;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct job *head, *tail;
	bool stopping;
	unsigned char cache_key[crypto_generichash_KEYBYTES];
	struct cache_slot cache[CACHE_SLOTS];
	struct cx_throttle throttle; /* under lock */
	char dummy_hash[crypto_pwhash_STRBYTES]; /* verified for unknown users */
};

static void principal_from(struct cx_principal *who, const struct cx_user *u, int64_t token)
{
	memset(who, 0, sizeof(*who));
	who->user = u->rowid;
	cx_strlcpy(who->name, u->name, sizeof(who->name));
	who->partner_rowid = u->partner_rowid;
	cx_strlcpy(who->partner, u->partner, sizeof(who->partner));
	who->roles = u->roles;
	who->clearance = u->clearance;
	who->token = token;
}

/* Split "Basic base64(name:password)" into name and password (in out, NUL
 * separated). Returns the password's length, or -1. */
static int decode_basic(const char *header, char *out, size_t n, const char **ret_password)
{
	size_t len;
	char *colon;

	if (sodium_base642bin((unsigned char *)out, n - 1, header, strlen(header), NULL, &len,
			      NULL, sodium_base64_VARIANT_ORIGINAL) != 0)
		return -1;
	out[len] = '\0';
	if (strlen(out) != len)
		return -1; /* NUL inside */
	colon = strchr(out, ':');
	if (!colon || colon == out || colon - out > 64)
		return -1;
	*colon = '\0';
	*ret_password = colon + 1;
	return (int)(len - (size_t)(colon - out) - 1);
}

static unsigned slot_of(const unsigned char *key)
{
	return (unsigned)(key[0] | key[1] << 8) % CACHE_SLOTS;
}

static void cache_key(struct cx_auth *a, const char *name, const char *pw, size_t pwlen,
		      unsigned char out[32])
{
	crypto_generichash_state st;

	crypto_generichash_init(&st, a->cache_key, sizeof(a->cache_key), 32);
	crypto_generichash_update(&st, (const unsigned char *)name, strlen(name) + 1);
	crypto_generichash_update(&st, (const unsigned char *)pw, pwlen);
	crypto_generichash_final(&st, out, 32);
}

/* "@" and the client's address, the throttle key of where a login came from. */
static void address_key(struct cx_request *req, char out[72])
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char ip[INET6_ADDRSTRLEN] = "unknown";

	if (ci && ci->client_addr) {
		const struct sockaddr *sa = ci->client_addr;

		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, ip,
				  sizeof(ip));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, ip,
				  sizeof(ip));
	}
	snprintf(out, 72, "@%s", ip);
}

static void audit_login(struct cx_auth *a, struct cx_request *req, const char *name,
			const char *partner, const char *action, const char *address)
{
	struct cx_store *s = cx_server_store(a->srv);
	json_t *detail = json_pack("{s:s}", "address", address + 1);
	struct cx_audit_entry e = {name, partner, action, req->id, NULL,
				   detail, NULL};

	if (!s || cx_audit_record(s, &e) < 0)
		cx_log(CX_LOG_ERROR, req->id, "login not audited", NULL);
	json_decref(detail);
}

/* Finish a Basic login from a known user row: must be enabled. */
static enum cx_auth_state user_ok(struct cx_request *req, const struct cx_user *u)
{
	if (u->disabled)
		return CX_AUTH_FAILED;
	principal_from(&req->who, u, 0);
	return CX_AUTH_OK;
}

/* The slow path, on a worker thread. */
static enum cx_auth_state verify_basic(struct cx_auth *a, struct cx_request *req,
				       struct job *j)
{
	const char *header = cx_request_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
	char buf[MAX_CREDENTIALS];
	const char *pw;
	struct cx_store *s = cx_server_store(a->srv);
	struct cx_user u;
	enum cx_store_status st = CX_STORE_NO_RESULT;
	unsigned char key[32];
	char addr[72];
	int pwlen;
	bool ok, blocks = false;

	if (j->credentials[0]) {
		/* A login with a name and password from the request body. */
		memcpy(buf, j->credentials, sizeof(buf));
		pw = buf + strlen(buf) + 1;
		pwlen = (int)j->pwlen;
	} else {
		if (!header || strncasecmp(header, "Basic ", 6) != 0)
			return CX_AUTH_FAILED;
		pwlen = decode_basic(header + 6, buf, sizeof(buf), &pw);
		if (pwlen < 0)
			return CX_AUTH_FAILED;
	}
	if (s)
		st = s->user_get(s, buf, &u);
	if (st == CX_STORE_OK) {
		ok = cx_password_verify(u.password_hash, pw, (size_t)pwlen);
	} else {
		/* Same work for an unknown name, so timing does not tell. */
		cx_password_verify(a->dummy_hash, pw, (size_t)pwlen);
		ok = false;
	}
	if (ok && u.disabled)
		ok = false;
	address_key(req, addr);
	pthread_mutex_lock(&a->lock);
	if (ok) {
		struct cache_slot *slot;

		cache_key(a, buf, pw, (size_t)pwlen, key);
		slot = &a->cache[slot_of(key)];
		memcpy(slot->key, key, sizeof(key));
		cx_strlcpy(slot->name, buf, sizeof(slot->name));
		slot->expires = cx_time_mono_us() + CACHE_TTL_US;
		cx_throttle_success(&a->throttle, buf, cx_time_mono_us());
	} else {
		blocks = cx_throttle_failure(&a->throttle, buf, cx_time_mono_us());
		blocks = cx_throttle_failure(&a->throttle, addr, cx_time_mono_us()) || blocks;
	}
	pthread_mutex_unlock(&a->lock);
	audit_login(a, req, buf, st == CX_STORE_OK ? u.partner : NULL,
		    ok ? "login" : "login.failed", addr);
	if (blocks)
		audit_login(a, req, buf, st == CX_STORE_OK ? u.partner : NULL, "login.blocked",
			    addr);
	if (!ok)
		cx_log(CX_LOG_WARN, req->id, "login failed", " user=%s %s", buf, addr);
	sodium_memzero(buf, sizeof(buf));
	if (!ok)
		return CX_AUTH_FAILED;
	return user_ok(req, &u);
}

static void hash_password(struct cx_auth *a, struct hash_work *w)
{
	bool ok = !a->stopping &&
		  crypto_pwhash_str(w->hash, w->password, w->len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
				    crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0;

	sodium_memzero(w->password, sizeof(w->password));
	w->state = ok ? CX_AUTH_OK : CX_AUTH_FAILED;
}

static void *worker(void *arg)
{
	struct cx_auth *a = arg;

	for (;;) {
		struct job *j;

		pthread_mutex_lock(&a->lock);
		while (!a->head && !a->stopping)
			pthread_cond_wait(&a->wake, &a->lock);
		j = a->head;
		if (j) {
			a->head = j->next;
			if (!a->head)
				a->tail = NULL;
		}
		pthread_mutex_unlock(&a->lock);
		if (!j)
			break;
		if (j->hash)
			hash_password(a, j->hash);
		else
			j->req->auth = a->stopping ? CX_AUTH_FAILED : verify_basic(a, j->req, j);
		/* The request (and its hash_work) may be gone once resumed. */
		MHD_resume_connection(j->req->conn);
		sodium_memzero(j->credentials, sizeof(j->credentials));
		free(j);
	}
	return NULL;
}

static enum cx_auth_state bearer(struct cx_auth *a, struct cx_request *req, const char *token)
{
	struct cx_store *s = cx_server_store(a->srv);
	struct cx_token t;
	struct cx_user u;
	unsigned char hash[32];
	int64_t now = cx_time_now_us();

	if (!s || strlen(token) >= CX_TOKEN_STRLEN)
		return CX_AUTH_FAILED;
	cx_token_hash(token, strlen(token), hash);
	if (s->token_lookup(s, hash, &t, &u) != CX_STORE_OK || t.disabled || u.disabled ||
	    (t.expires && t.expires <= now))
		return CX_AUTH_FAILED;
	/* Record use at most once a minute: a write per request would cost. */
	if (now - t.last_used > 60ll * 1000000)
		s->token_touch(s, t.rowid, now);
	principal_from(&req->who, &u, t.rowid);
	return CX_AUTH_OK;
}

/* Suspend j's connection and queue j for a worker. */
static void enqueue(struct cx_auth *a, struct job *j)
{
	MHD_suspend_connection(j->req->conn);
	pthread_mutex_lock(&a->lock);
	if (a->tail)
		a->tail->next = j;
	else
		a->head = j;
	a->tail = j;
	pthread_cond_signal(&a->wake);
	pthread_mutex_unlock(&a->lock);
}

enum cx_auth_state cx_auth_request(struct cx_auth *a, struct cx_request *req)
{
	const char *header;
	char buf[MAX_CREDENTIALS];
	const char *pw;
	unsigned char key[32];
	int pwlen;
	struct job *j;
	char name[65] = "", addr[72];
	int64_t now = cx_time_mono_us();
	bool cached = false, blocked;

	if (req->auth == CX_AUTH_OK || req->auth == CX_AUTH_FAILED)
		return req->auth;
	if (req->auth == CX_AUTH_PENDING)
		return CX_AUTH_PENDING;
	header = cx_request_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
	if (!header) {
		req->auth = CX_AUTH_FAILED;
		return req->auth;
	}
	if (strncasecmp(header, "Bearer ", 7) == 0) {
		req->auth = bearer(a, req, header + 7);
		return req->auth;
	}
	if (strncasecmp(header, "Basic ", 6) != 0 ||
	    (pwlen = decode_basic(header + 6, buf, sizeof(buf), &pw)) < 0) {
		req->auth = CX_AUTH_FAILED;
		return req->auth;
	}
	cache_key(a, buf, pw, (size_t)pwlen, key);
	pthread_mutex_lock(&a->lock);
	{
		struct cache_slot *slot = &a->cache[slot_of(key)];

		if (slot->expires > now && sodium_memcmp(slot->key, key, sizeof(key)) == 0) {
			cached = true;
			cx_strlcpy(name, slot->name, sizeof(name));
		}
	}
	address_key(req, addr);
	blocked = !cached && (cx_throttle_blocked(&a->throttle, buf, now) || cx_throttle_blocked(&a->throttle, addr, now));
	pthread_mutex_unlock(&a->lock);
	sodium_memzero(buf, sizeof(buf));
	if (cached) {
		struct cx_store *s = cx_server_store(a->srv);
		struct cx_user u;

		req->auth = s && s->user_get(s, name, &u) == CX_STORE_OK ? user_ok(req, &u)
									: CX_AUTH_FAILED;
		return req->auth;
	}
	if (blocked) {
		cx_log(CX_LOG_WARN, req->id, "login throttled", NULL);
		req->auth = CX_AUTH_FAILED;
		return req->auth;
	}
	j = calloc(1, sizeof(*j));
	if (!j) {
		req->auth = CX_AUTH_FAILED;
		return req->auth;
	}
	j->req = req;
	req->auth = CX_AUTH_PENDING;
	enqueue(a, j);
	return CX_AUTH_PENDING;
}

enum cx_auth_state cx_auth_login(struct cx_auth *a, struct cx_request *req, const char *name,
				 const char *password)
{
	size_t nlen = strlen(name), plen = strlen(password);
	char addr[72];
	struct job *j;
	bool blocked;

	if (req->auth == CX_AUTH_OK || req->auth == CX_AUTH_FAILED ||
	    req->auth == CX_AUTH_PENDING)
		return req->auth;
	if (nlen == 0 || nlen > 64 || nlen + plen + 2 > MAX_CREDENTIALS) {
		req->auth = CX_AUTH_FAILED;
		return req->auth;
	}
	address_key(req, addr);
	pthread_mutex_lock(&a->lock);
	blocked = cx_throttle_blocked(&a->throttle, name, cx_time_mono_us()) || cx_throttle_blocked(&a->throttle, addr, cx_time_mono_us());
	pthread_mutex_unlock(&a->lock);
	if (blocked) {
		req->auth = CX_AUTH_FAILED;
		return req->auth;
	}
	j = calloc(1, sizeof(*j));
	if (!j) {
		req->auth = CX_AUTH_FAILED;
		return req->auth;
	}
	j->req = req;
	memcpy(j->credentials, name, nlen + 1);
	memcpy(j->credentials + nlen + 1, password, plen + 1);
	j->pwlen = plen;
	req->auth = CX_AUTH_PENDING;
	enqueue(a, j);
	return CX_AUTH_PENDING;
}

static void hash_work_free(void *work)
{
	struct hash_work *w = work;

	sodium_memzero(w, sizeof(*w));
	free(w);
}

enum cx_auth_state cx_auth_hash_password(struct cx_auth *a, struct cx_request *req,
					 const char *password, size_t len, const char **ret_hash)
{
	struct hash_work *w = req->work;
	struct job *j;

	if (w && req->work_free == hash_work_free) {
		if (w->state == CX_AUTH_OK)
			*ret_hash = w->hash;
		return w->state;
	}
	if (w || len >= MAX_CREDENTIALS)
		return CX_AUTH_FAILED;
	w = calloc(1, sizeof(*w));
	j = calloc(1, sizeof(*j));
	if (!w || !j) {
		free(w);
		free(j);
		return CX_AUTH_FAILED;
	}
	w->state = CX_AUTH_PENDING;
	w->len = len;
	memcpy(w->password, password, len);
	req->work = w;
	req->work_free = hash_work_free;
	j->req = req;
	j->hash = w;
	enqueue(a, j);
	return CX_AUTH_PENDING;
}

struct cx_auth *cx_auth_start(struct cx_server *srv, unsigned workers)
{
	struct cx_auth *a = calloc(1, sizeof(*a));
	static const char dummy[] = "not a password of anyone";

	if (!a)
		return NULL;
	a->srv = srv;
	randombytes_buf(a->cache_key, sizeof(a->cache_key));
	cx_throttle_init(&a->throttle);
	if (crypto_pwhash_str(a->dummy_hash, dummy, sizeof(dummy) - 1,
			      crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		goto fail;
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->wake, NULL);
	a->threads = calloc(workers, sizeof(*a->threads));
	if (!a->threads)
		goto fail;
	for (; a->nthreads < workers; a->nthreads++)
		if (pthread_create(&a->threads[a->nthreads], NULL, worker, a) != 0)
			break;
	if (a->nthreads == 0)
		goto fail;
	return a;
fail:
	free(a->threads);
	free(a);
	return NULL;
}

void cx_auth_stop(struct cx_auth *a)
{
	if (!a)
		return;
	pthread_mutex_lock(&a->lock);
	a->stopping = true;
	pthread_cond_broadcast(&a->wake);
	pthread_mutex_unlock(&a->lock);
	for (unsigned i = 0; i < a->nthreads; i++)
		pthread_join(a->threads[i], NULL);
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->wake);
	free(a->threads);
	sodium_memzero(a->cache, sizeof(a->cache));
	free(a);
}
