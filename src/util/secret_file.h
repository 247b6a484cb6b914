/* Key files (the vault key, the node's signing key): written once (O_EXCL,
 * mode exactly 0600, fsync) and read back only when nobody but their owner
 * may open them and they hold exactly the expected bytes. `what` names the
 * key in messages ("vault key"), `setting` the cx.ini key that names the
 * file ("store.vault_key"). */
#ifndef CX_UTIL_SECRET_FILE_H
#define CX_UTIL_SECRET_FILE_H

#include <stddef.h>

/* Returns 0, -EEXIST (never replaced), or -errno; err says why. */
int cx_secret_file_create(const char *path, const void *bytes, size_t n, const char *what,
			  char *err, size_t errlen);

/* Read exactly n bytes into out. Returns 0 or -errno with err saying why
 * (missing, open to group or others, wrong size, unreadable). */
int cx_secret_file_read(const char *path, void *out, size_t n, const char *what,
			const char *setting, char *err, size_t errlen);

#endif
