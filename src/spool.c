/*
 * spool.c - the held queue on disk.  See spool.h for the layout and the
 * order of writes that makes an entry durable before it is acknowledged.
 */
#include "config_auto.h"

#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "matchguard/json.h"
#include "matchguard/spool.h"

#define MG_SPOOL_MAX_ENV	(1024 * 1024)

/* A valid ID: what mg_spool_hold makes, so that no "../" gets through. */
static int
valid_id(const char *id)
{
	size_t	n = strlen(id);

	if (n == 0 || n >= MG_SPOOL_IDLEN)
		return 0;
	return strspn(id, "0123456789abcdefghijklmnopqrstuvwxyz-") == n;
}

static int
write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t	w = write(fd, p, len);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static int
fsync_dir(const char *dir)
{
	int	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int	rc;

	if (fd == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* tmp file with O_EXCL 0600, fsync, rename onto dir/name. */
static int
write_durably(const char *dir, const char *name, const char *data,
    size_t len, char *err, size_t errlen)
{
	char	tmp[4096], dst[4096];
	int	fd, saved;

	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", dir, name);
	snprintf(dst, sizeof(dst), "%s/%s", dir, name);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd == -1) {
		mg_seterr(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	if (write_all(fd, data, len) == -1 || fsync(fd) == -1) {
		saved = errno;
		close(fd);
		unlink(tmp);
		mg_seterr(err, errlen, "%s: %s", tmp, strerror(saved));
		return -1;
	}
	if (close(fd) == -1 || rename(tmp, dst) == -1) {
		saved = errno;
		unlink(tmp);
		mg_seterr(err, errlen, "%s: %s", dst, strerror(saved));
		return -1;
	}
	return 0;
}

/* One line value: CR, LF and TAB become spaces. */
static void
put_value(struct mg_buf *b, const char *key, const char *v)
{
	mg_buf_printf(b, "%s ", key);
	for (const char *p = v != NULL ? v : ""; *p != '\0'; p++)
		mg_buf_add(b, *p == '\r' || *p == '\n' || *p == '\t' ? " " : p, 1);
	mg_buf_puts(b, "\n");
}

static void
put_field(struct mg_buf *b, const char *v, int last)
{
	for (const char *p = v != NULL ? v : ""; *p != '\0'; p++)
		mg_buf_add(b, *p == '\r' || *p == '\n' || *p == '\t' ? " " : p, 1);
	mg_buf_puts(b, last ? "\n" : "\t");
}

static char *
format_env(const struct mg_spool_entry *e)
{
	struct mg_buf	b = { 0 };

	put_value(&b, "from", e->from);
	for (size_t i = 0; i < e->rcpts.n; i++)
		put_value(&b, "rcpt", e->rcpts.v[i]);
	mg_buf_printf(&b, "held %lld\n", (long long)e->held_at);
	put_value(&b, "subject", e->subject);
	if (e->message_id != NULL)
		put_value(&b, "message-id", e->message_id);
	if (e->in_reply_to != NULL)
		put_value(&b, "in-reply-to", e->in_reply_to);
	put_value(&b, "programs", e->programs);
	if (e->notice)
		mg_buf_puts(&b, "notice wanted\n");
	for (size_t i = 0; i < e->n_findings; i++) {
		const struct mg_spool_finding *f = &e->findings[i];

		mg_buf_puts(&b, "finding ");
		put_field(&b, f->rule, 0);
		put_field(&b, f->severity, 0);
		put_field(&b, f->message, 0);
		put_field(&b, f->evidence, 1);
	}
	if (b.failed) {
		mg_buf_free(&b);
		return NULL;
	}
	return b.s;
}

static void
new_id(char id[MG_SPOOL_IDLEN])
{
	struct tm	tm;
	time_t		now = time(NULL);
	char		stamp[24];

	gmtime_r(&now, &tm);
	if (strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm) == 0)
		stamp[0] = '\0';
	snprintf(id, MG_SPOOL_IDLEN, "%s-%08x", stamp,
	    (unsigned)g_random_int());
}

static int
write_entry(const char *dir, const struct mg_spool_entry *e, const char *data,
    size_t len, char *err, size_t errlen)
{
	char	 name[MG_SPOOL_IDLEN + 8], *env;
	int	 rc = -1;

	if ((env = format_env(e)) == NULL) {
		mg_seterr(err, errlen, "%s: out of memory", dir);
		return -1;
	}
	snprintf(name, sizeof(name), "%s.eml", e->id);
	if (write_durably(dir, name, data, len, err, errlen) == 0) {
		snprintf(name, sizeof(name), "%s.env", e->id);
		if (write_durably(dir, name, env, strlen(env), err, errlen) == 0)
			rc = 0;
	}
	if (rc == 0 && fsync_dir(dir) == -1) {
		mg_seterr(err, errlen, "%s: %s", dir, strerror(errno));
		rc = -1;
	}
	free(env);
	return rc;
}

int
mg_spool_hold(const char *dir, const struct mg_spool_entry *e,
    const char *data, size_t len, char id[MG_SPOOL_IDLEN], char *err,
    size_t errlen)
{
	struct mg_spool_entry	copy = *e;
	char			path[4096];

	if (mg_mkdir_p(dir, 0700, err, errlen) == -1)
		return -1;
	for (int tries = 0; tries < 10; tries++) {
		new_id(copy.id);
		snprintf(path, sizeof(path), "%s/%s.env", dir, copy.id);
		if (access(path, F_OK) == 0)
			continue;
		if (write_entry(dir, &copy, data, len, err, errlen) == -1) {
			/* Leave nothing half-made behind: the client gets a
			 * 4xx and keeps the message. */
			snprintf(path, sizeof(path), "%s/%s.env", dir, copy.id);
			unlink(path);
			snprintf(path, sizeof(path), "%s/%s.eml", dir, copy.id);
			unlink(path);
			return -1;
		}
		memcpy(id, copy.id, MG_SPOOL_IDLEN);
		return 0;
	}
	mg_seterr(err, errlen, "%s: cannot find a free name", dir);
	return -1;
}

int
mg_spool_update(const char *dir, const struct mg_spool_entry *e,
    const char *data, size_t len, char *err, size_t errlen)
{
	if (!valid_id(e->id)) {
		mg_seterr(err, errlen, "\"%s\" is not a held message ID", e->id);
		return -1;
	}
	/* rename() replaces the old files atomically, one at a time. */
	return write_entry(dir, e, data, len, err, errlen);
}

static int
add_finding(struct mg_spool_entry *e, char *line)
{
	struct mg_spool_finding	*nv, *f;
	char			*field[4];

	for (int i = 0; i < 4; i++) {
		field[i] = line;
		if (i < 3) {
			if ((line = strchr(line, '\t')) == NULL)
				return 0;	/* malformed: skipped */
			*line++ = '\0';
		}
	}
	nv = realloc(e->findings, (e->n_findings + 1) * sizeof(*nv));
	if (nv == NULL)
		return -1;
	e->findings = nv;
	f = &e->findings[e->n_findings];
	f->rule = strdup(field[0]);
	f->severity = strdup(field[1]);
	f->message = strdup(field[2]);
	f->evidence = strdup(field[3]);
	e->n_findings++;
	return f->rule && f->severity && f->message && f->evidence ? 0 : -1;
}

static int
set_str(char **dst, const char *v)
{
	free(*dst);
	return (*dst = strdup(v)) != NULL ? 0 : -1;
}

static int
parse_line(struct mg_spool_entry *e, char *line)
{
	char	*v = strchr(line, ' ');

	if (v == NULL)
		return 0;
	*v++ = '\0';
	if (strcmp(line, "from") == 0)
		return set_str(&e->from, v);
	if (strcmp(line, "rcpt") == 0)
		return mg_strlist_add(&e->rcpts, v);
	if (strcmp(line, "held") == 0)
		e->held_at = (time_t)strtoll(v, NULL, 10);
	else if (strcmp(line, "subject") == 0)
		return set_str(&e->subject, v);
	else if (strcmp(line, "message-id") == 0)
		return set_str(&e->message_id, v);
	else if (strcmp(line, "in-reply-to") == 0)
		return set_str(&e->in_reply_to, v);
	else if (strcmp(line, "programs") == 0)
		return set_str(&e->programs, v);
	else if (strcmp(line, "finding") == 0)
		return add_finding(e, v);
	else if (strcmp(line, "notice") == 0)
		e->notice = 1;
	return 0;
}

void
mg_spool_entry_clear(struct mg_spool_entry *e)
{
	free(e->from);
	mg_strlist_clear(&e->rcpts);
	free(e->subject);
	free(e->message_id);
	free(e->in_reply_to);
	free(e->programs);
	for (size_t i = 0; i < e->n_findings; i++) {
		free(e->findings[i].rule);
		free(e->findings[i].severity);
		free(e->findings[i].message);
		free(e->findings[i].evidence);
	}
	free(e->findings);
	memset(e, 0, sizeof(*e));
}

int
mg_spool_load(const char *dir, const char *id, struct mg_spool_entry *e,
    char **data, size_t *len, char *err, size_t errlen)
{
	char	 path[4096], *env, *line, *save = NULL;
	int	 rc = 0;

	memset(e, 0, sizeof(*e));
	if (!valid_id(id)) {
		mg_seterr(err, errlen, "\"%s\" is not a held message ID (see "
		    "`matchguard queue`)", id);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s.env", dir, id);
	if (access(path, F_OK) == -1) {
		mg_seterr(err, errlen, "no held message %s (see `matchguard "
		    "queue`)", id);
		return -1;
	}
	if (mg_read_file(path, MG_SPOOL_MAX_ENV, &env, NULL, err, errlen) == -1)
		return -1;
	snprintf(e->id, sizeof(e->id), "%s", id);
	for (line = strtok_r(env, "\n", &save); line != NULL && rc == 0;
	    line = strtok_r(NULL, "\n", &save))
		rc = parse_line(e, line);
	free(env);
	if (rc == -1) {
		mg_spool_entry_clear(e);
		mg_seterr(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (data == NULL)
		return 0;
	snprintf(path, sizeof(path), "%s/%s.eml", dir, id);
	if (mg_read_file(path, 1u << 30, data, len, err, errlen) == -1) {
		mg_spool_entry_clear(e);
		return -1;
	}
	return 0;
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct mg_spool_entry *x = a, *y = b;

	if (x->held_at != y->held_at)
		return x->held_at < y->held_at ? -1 : 1;
	return strcmp(x->id, y->id);
}

int
mg_spool_list(const char *dir, struct mg_spool_entry **out, size_t *n,
    char *err, size_t errlen)
{
	struct mg_spool_entry	*v = NULL, *nv;
	DIR			*d;
	struct dirent		*de;

	*out = NULL;
	*n = 0;
	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;	/* nothing held yet */
		mg_seterr(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t	l = strlen(de->d_name);
		char	id[MG_SPOOL_IDLEN];

		if (de->d_name[0] == '.' || l < 5 || l - 4 >= sizeof(id) ||
		    strcmp(de->d_name + l - 4, ".env") != 0)
			continue;
		memcpy(id, de->d_name, l - 4);
		id[l - 4] = '\0';
		if ((nv = realloc(v, (*n + 1) * sizeof(*v))) == NULL)
			goto nomem;
		v = nv;
		if (mg_spool_load(dir, id, &v[*n], NULL, NULL, err, errlen) == 0)
			(*n)++;
	}
	closedir(d);
	if (*n > 0)
		qsort(v, *n, sizeof(*v), cmp_entry);
	*out = v;
	return 0;
nomem:
	closedir(d);
	mg_spool_free_list(v, *n);
	mg_seterr(err, errlen, "%s: out of memory", dir);
	return -1;
}

void
mg_spool_free_list(struct mg_spool_entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		mg_spool_entry_clear(&v[i]);
	free(v);
}

int
mg_spool_remove(const char *dir, const char *id, char *err, size_t errlen)
{
	char	path[4096];

	if (!valid_id(id)) {
		mg_seterr(err, errlen, "\"%s\" is not a held message ID", id);
		return -1;
	}
	/* The .env first: without it the entry no longer exists. */
	snprintf(path, sizeof(path), "%s/%s.env", dir, id);
	if (unlink(path) == -1) {
		mg_seterr(err, errlen, "no held message %s", id);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s.eml", dir, id);
	unlink(path);
	snprintf(path, sizeof(path), "%s/%s.notice", dir, id);
	unlink(path);
	fsync_dir(dir);
	return 0;
}

int
mg_spool_retire(const char *dir, const char *id, const char *sub, char *err,
    size_t errlen)
{
	static const char *const ext[] = { ".eml", ".notice", ".env" };
	char	to[4096], from[4096], path[4096 + MG_SPOOL_IDLEN + 16];

	if (!valid_id(id)) {
		mg_seterr(err, errlen, "\"%s\" is not a held message ID", id);
		return -1;
	}
	snprintf(to, sizeof(to), "%s/%s", dir, sub);
	if (mg_mkdir_p(to, 0700, err, errlen) == -1)
		return -1;
	/* The .env last: until it has moved, the entry is still held. */
	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(from, sizeof(from), "%s/%s%s", dir, id, ext[i]);
		snprintf(path, sizeof(path), "%s/%s%s", to, id, ext[i]);
		if (rename(from, path) == -1 && (errno != ENOENT ||
		    strcmp(ext[i], ".env") == 0)) {
			mg_seterr(err, errlen, "%s: %s", from, strerror(errno));
			return -1;
		}
	}
	fsync_dir(to);
	fsync_dir(dir);
	return 0;
}

/* A leftover: ".ID.eml.tmp"-style temporary, or ID.eml or ID.notice
 * with no ID.env. */
static int
leftover(const char *dir, const char *name)
{
	char	path[4096];
	size_t	l = strlen(name), suf;

	if (name[0] == '.')
		return l > 4 && strcmp(name + l - 4, ".tmp") == 0;
	if (l > 4 && strcmp(name + l - 4, ".eml") == 0)
		suf = 4;
	else if (l > 7 && strcmp(name + l - 7, ".notice") == 0)
		suf = 7;
	else
		return 0;
	if (l - suf >= MG_SPOOL_IDLEN)
		return 0;
	snprintf(path, sizeof(path), "%s/%.*s.env", dir, (int)(l - suf), name);
	return access(path, F_OK) == -1;
}

int
mg_spool_sweep(const char *dir, time_t now, time_t min_age, char *err,
    size_t errlen)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		 path[4096];
	int		 n = 0;

	if ((d = opendir(dir)) == NULL) {
		if (errno == ENOENT)
			return 0;
		mg_seterr(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    !leftover(dir, de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    now - st.st_mtime >= min_age && unlink(path) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/*
 * Notices: ID.notice, see spool.h.
 */

static int
notice_path(const char *dir, const char *id, const char *ext, char *path,
    size_t len)
{
	if (!valid_id(id))
		return -1;
	snprintf(path, len, "%s/%s%s", dir, id, ext);
	return 0;
}

int
mg_spool_notice_sent(const char *dir, const char *id)
{
	struct stat	st;
	char		path[4096];

	return notice_path(dir, id, ".notice", path, sizeof(path)) == 0 &&
	    stat(path, &st) == 0 && st.st_size > 0;
}

int
mg_spool_notice_claim(const char *dir, const char *id, int *fd, char *err,
    size_t errlen)
{
	struct stat	st;
	char		path[4096];

	*fd = -1;
	if (notice_path(dir, id, ".env", path, sizeof(path)) == -1) {
		mg_seterr(err, errlen, "\"%s\" is not a held message ID", id);
		return -1;
	}
	if (access(path, F_OK) == -1)
		return 0;	/* released or dropped meanwhile */
	notice_path(dir, id, ".notice", path, sizeof(path));
	if ((*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1) {
		mg_seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(*fd, LOCK_EX | LOCK_NB) == -1) {
		int	saved = errno;

		close(*fd);
		*fd = -1;
		if (saved == EWOULDBLOCK)
			return 0;	/* another process sends it */
		mg_seterr(err, errlen, "%s: lock: %s", path, strerror(saved));
		return -1;
	}
	if (fstat(*fd, &st) == -1) {
		mg_seterr(err, errlen, "%s: %s", path, strerror(errno));
		close(*fd);
		*fd = -1;
		return -1;
	}
	if (st.st_size > 0) {
		close(*fd);	/* sent already */
		*fd = -1;
		return 0;
	}
	return 1;
}

int
mg_spool_notice_done(const char *dir, const char *id, int fd, time_t when,
    char *err, size_t errlen)
{
	char	line[64];
	int	n = snprintf(line, sizeof(line), "sent %lld\n", (long long)when);
	int	saved, rc = 0;

	if (write_all(fd, line, (size_t)n) == -1 || fsync(fd) == -1 ||
	    fsync_dir(dir) == -1) {
		saved = errno;
		mg_seterr(err, errlen, "%s/%s.notice: %s", dir, id,
		    strerror(saved));
		rc = -1;
	}
	if (close(fd) == -1 && rc == 0) {
		mg_seterr(err, errlen, "%s/%s.notice: %s", dir, id,
		    strerror(errno));
		rc = -1;
	}
	return rc;
}

void
mg_spool_notice_release(int fd)
{
	if (fd != -1)
		close(fd);
}
