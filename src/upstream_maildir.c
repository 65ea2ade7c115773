/*
 * upstream_maildir.c - the upstream of "local mode": a passed message is
 * written into a Maildir (maildir(5)) instead of being sent.
 */
#include "config_auto.h"

#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "matchguard/upstream.h"
#include "matchguard/util.h"

static atomic_uint maildir_seq;

/* time.MusecPpidQn.host, the usual unique name (maildir(5)); the counter
 * keeps two threads of one process apart within the same microsecond. */
static void
maildir_unique(char *buf, size_t len)
{
	struct timeval	tv;
	char		host[128];

	gettimeofday(&tv, NULL);
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	for (char *p = host; *p != '\0'; p++)
		if (*p == '/' || *p == ':')
			*p = '_';
	snprintf(buf, len, "%lld.M%ldP%ldQ%u.%s", (long long)tv.tv_sec,
	    (long)tv.tv_usec, (long)getpid(),
	    atomic_fetch_add(&maildir_seq, 1) + 1, host);
}

static int
maildir_make(const char *dir, char *err, size_t errlen)
{
	static const char *const sub[] = { "tmp", "new", "cur" };
	char	path[PATH_MAX];

	if (mg_mkdir_p(dir, 0700, err, errlen) == -1)
		return -1;
	for (size_t i = 0; i < 3; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
		    sub[i]) >= sizeof(path)) {
			mg_seterr(err, errlen, "%s: path too long", dir);
			return -1;
		}
		if (mkdir(path, 0700) == -1 && errno != EEXIST) {
			mg_seterr(err, errlen, "cannot create directory %s: %s",
			    path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t	n;

	while (len > 0) {
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
fsync_dir(const char *dir)
{
	int	fd, r, e;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	r = fsync(fd);
	e = errno;
	close(fd);
	errno = e;
	return r;
}

/* tmp/ file written and synced; a close error fails it too (NFS
 * reports write errors there). */
static int
maildir_write(const char *tmp, const char *data, size_t len, char *err,
    size_t errlen)
{
	int	fd;

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		mg_seterr(err, errlen, "cannot create %s: %s", tmp,
		    strerror(errno));
		return -1;
	}
	if (write_all(fd, data, len) == -1 || fsync(fd) == -1) {
		mg_seterr(err, errlen, "cannot write %s: %s", tmp,
		    strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) == -1) {
		mg_seterr(err, errlen, "cannot write %s: %s", tmp,
		    strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
mg_maildir_deliver(const char *maildir, const char *data, size_t len,
    char *name, size_t namelen, char *err, size_t errlen)
{
	char	uniq[256], tmp[PATH_MAX], new[PATH_MAX], newdir[PATH_MAX];

	if (maildir_make(maildir, err, errlen) == -1)
		return -1;
	maildir_unique(uniq, sizeof(uniq));
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/tmp/%s", maildir, uniq) >=
	    sizeof(tmp) || (size_t)snprintf(new, sizeof(new), "%s/new/%s",
	    maildir, uniq) >= sizeof(new)) {
		mg_seterr(err, errlen, "%s: path too long", maildir);
		return -1;
	}
	snprintf(newdir, sizeof(newdir), "%s/new", maildir);
	if (maildir_write(tmp, data, len, err, errlen) == -1)
		return -1;
	if (rename(tmp, new) == -1) {
		mg_seterr(err, errlen, "cannot move %s into new/: %s", tmp,
		    strerror(errno));
		unlink(tmp);
		return -1;
	}
	/* Until new/ itself is synced, a crash could lose the rename. */
	if (fsync_dir(newdir) == -1) {
		mg_seterr(err, errlen, "cannot sync %s: %s", newdir,
		    strerror(errno));
		unlink(new);
		return -1;
	}
	if (name != NULL && namelen > 0)
		snprintf(name, namelen, "new/%s", uniq);
	return 0;
}
