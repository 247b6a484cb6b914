#include "util/secret_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int cx_secret_file_create(const char *path, const void *bytes, size_t n, const char *what,
			  char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	int e = 0;

	if (fd < 0) {
		e = errno;
		if (e == EEXIST)
			snprintf(err, errlen, "the %s %s exists already; it is never replaced", what,
				 path);
		else
			snprintf(err, errlen, "cannot create the %s %s: %s", what, path, strerror(e));
		return -e;
	}
	/* The mode given to open() passes through the umask; set it exactly. */
	if (fchmod(fd, 0600) != 0 || write(fd, bytes, n) != (ssize_t)n || fsync(fd) != 0)
		e = errno ? errno : EIO;
	if (close(fd) != 0 && !e)
		e = errno;
	if (e) {
		unlink(path);
		snprintf(err, errlen, "cannot write the %s %s: %s", what, path, strerror(e));
		return -e;
	}
	return 0;
}

/* The file's state as a sentence; 0 when it is usable. */
static int check_file(int fd, const char *path, size_t n, const char *what, char *err,
		      size_t errlen)
{
	struct stat st;

	if (fstat(fd, &st) != 0) {
		int e = errno;

		snprintf(err, errlen, "cannot read the %s %s: %s", what, path, strerror(e));
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "the %s %s is not a regular file", what, path);
		return -EINVAL;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen,
			 "the %s %s is open to group or others (mode %04o): run 'chmod 600 %s'", what,
			 path, (unsigned)(st.st_mode & 07777), path);
		return -EACCES;
	}
	if ((size_t)st.st_size != n) {
		snprintf(err, errlen,
			 "the %s %s holds %lld bytes, not %zu: restore the node's own key file", what,
			 path, (long long)st.st_size, n);
		return -EINVAL;
	}
	return 0;
}

/* Read exactly n bytes, and check that nothing follows. */
static int read_exactly(int fd, unsigned char *out, size_t n)
{
	size_t got = 0;
	unsigned char extra;

	while (got < n) {
		ssize_t r = read(fd, out + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EMSGSIZE;
		got += (size_t)r;
	}
	return read(fd, &extra, 1) == 0 ? 0 : -EMSGSIZE;
}

int cx_secret_file_read(const char *path, void *out, size_t n, const char *what,
			const char *setting, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), r;

	if (fd < 0) {
		r = -errno;
		if (r == -ENOENT)
			snprintf(err, errlen,
				 "the %s %s is missing: restore it, or for a node that never had one "
				 "run 'cx init --migrate' (%s in cx.ini names it)",
				 what, path, setting);
		else
			snprintf(err, errlen, "cannot open the %s %s: %s", what, path, strerror(-r));
		return r;
	}
	r = check_file(fd, path, n, what, err, errlen);
	if (r == 0 && (r = read_exactly(fd, out, n)) < 0)
		snprintf(err, errlen, "cannot read the %s %s: %s", what, path,
			 r == -EMSGSIZE ? "it changed size while read" : strerror(-r));
	close(fd);
	return r;
}
