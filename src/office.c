/*
 * office.c - an advising office's applicants (office.h).
 */
#include "config_auto.h"

#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "matchguard/office.h"

static int
valid_id(const char *id)
{
	size_t	n = strlen(id);

	if (n == 0 || n > 64 || id[0] == '.' || id[0] == '-')
		return 0;
	for (; *id != '\0'; id++)
		if (!islower((unsigned char)*id) && !isdigit((unsigned char)*id) &&
		    *id != '-' && *id != '_' && *id != '.')
			return 0;
	return 1;
}

/*
 * Another user of the computer must not be able to add an applicant, or
 * change one (their addresses pick whose letters are read and kept): the
 * applicants folder, an applicant's folder and their matchguard.conf
 * belong to this user (or root) and nobody else may write them; an
 * applicant's folder or file is not a symbolic link (to somewhere
 * another user controls).  nofollow: look at path itself (lstat).
 */
static int
check_owned(const char *path, int nofollow, int dir, char *err,
    size_t errlen)
{
	struct stat	st;

	if ((nofollow ? lstat(path, &st) : stat(path, &st)) == -1) {
		mg_seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		mg_seterr(err, errlen, "%s is a symbolic link: an applicant's "
		    "folder and matchguard.conf must be the real ones", path);
		return -1;
	}
	if (dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode)) {
		mg_seterr(err, errlen, "%s: not a %s", path, dir ? "folder" :
		    "plain file");
		return -1;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		mg_seterr(err, errlen, "%s belongs to another user (uid %u): "
		    "the office's applicants must be its own (chown it)", path,
		    (unsigned)st.st_uid);
		return -1;
	}
	if ((st.st_mode & 022) != 0) {
		mg_seterr(err, errlen, "%s is mode %03o: other users could add "
		    "or change an applicant (chmod go-w it)", path,
		    (unsigned)(st.st_mode & 0777));
		return -1;
	}
	return 0;
}

int
mg_office_applicant_conf(const struct mg_config *office, const char *id,
    char **path, char *err, size_t errlen)
{
	size_t	len;

	*path = NULL;
	if (!office->milter.present) {
		mg_seterr(err, errlen, "%s: --applicant needs an office's "
		    "configuration (one with a milter group; see "
		    "matchguard.conf(5))", office->path);
		return -1;
	}
	if (!valid_id(id)) {
		mg_seterr(err, errlen, "--applicant %s: not an applicant's ID "
		    "(the name of their folder in %s: lower case letters, "
		    "digits, '.', '-' and '_')", id, office->milter.applicants);
		return -1;
	}
	len = strlen(office->milter.applicants) + strlen(id) +
	    sizeof("//matchguard.conf");
	if ((*path = malloc(len)) == NULL) {
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	snprintf(*path, len, "%s/%s", office->milter.applicants, id);
	if (access(*path, F_OK) == 0 && (check_owned(office->milter.applicants,
	    0, 1, err, errlen) == -1 || check_owned(*path, 1, 1, err,
	    errlen) == -1)) {
		free(*path);
		*path = NULL;
		return -1;
	}
	snprintf(*path, len, "%s/%s/matchguard.conf", office->milter.applicants,
	    id);
	if (access(*path, F_OK) == 0 && check_owned(*path, 1, 0, err,
	    errlen) == -1) {
		free(*path);
		*path = NULL;
		return -1;
	}
	if (access(*path, R_OK) == -1) {
		mg_seterr(err, errlen, "--applicant %s: no %s (an applicant is "
		    "a folder with their matchguard.conf)", id, *path);
		free(*path);
		*path = NULL;
		return -1;
	}
	return 0;
}

/* Two applicants must never share a ledger, nor an address. */
static int
check_apart(const struct mg_office *o, const struct mg_applicant *a,
    char *err, size_t errlen)
{
	const struct mg_config	*ca = &a->guard->app.cfg;

	for (size_t i = 0; i < o->n; i++) {
		const struct mg_config	*cb = &o->v[i].guard->app.cfg;

		if (strcmp(ca->state_dir, cb->state_dir) == 0) {
			mg_seterr(err, errlen, "%s: paths.state %s is also the "
			    "state folder of applicant %s: give each applicant "
			    "their own (paths.state = \"state\";)", ca->path,
			    ca->state_dir, o->v[i].id);
			return -1;
		}
		for (size_t k = 0; k < ca->addresses.n; k++)
			if (mg_strlist_has_ci(&cb->addresses,
			    ca->addresses.v[k])) {
				mg_seterr(err, errlen, "%s: identity.addresses: "
				    "%s is also an address of applicant %s",
				    ca->path, ca->addresses.v[k], o->v[i].id);
				return -1;
			}
	}
	return 0;
}

static int
add_applicant(const struct mg_config *office, struct mg_office *o,
    const char *id, char *err, size_t errlen)
{
	struct mg_applicant	 a = { 0 };
	char			*conf;

	if (mg_office_applicant_conf(office, id, &conf, err, errlen) == -1)
		return -1;
	a.guard = mg_guard_new(conf, 0, err, errlen);
	free(conf);
	if (a.guard == NULL)
		return -1;
	if ((a.id = strdup(id)) == NULL) {
		mg_seterr(err, errlen, "out of memory");
		goto fail;
	}
	if (check_apart(o, &a, err, errlen) == -1)
		goto fail;
	o->v[o->n++] = a;
	return 0;
fail:
	free(a.id);
	mg_guard_unref(a.guard);
	return -1;
}

int
mg_office_open(const struct mg_config *office, struct mg_office *o,
    char *err, size_t errlen)
{
	struct dirent	**names = NULL;
	char		  path[4096];
	struct stat	  st;
	int		  n, rc = 0;

	memset(o, 0, sizeof(*o));
	if ((n = scandir(office->milter.applicants, &names, NULL,
	    alphasort)) == -1) {
		mg_seterr(err, errlen, "%s: milter.applicants %s: %s",
		    office->path, office->milter.applicants, strerror(errno));
		return -1;
	}
	if ((o->v = calloc((size_t)n + 1, sizeof(*o->v))) == NULL) {
		mg_seterr(err, errlen, "out of memory");
		rc = -1;
	}
	for (int i = 0; i < n; i++) {
		const char	*id = names[i]->d_name;

		snprintf(path, sizeof(path), "%s/%s/matchguard.conf",
		    office->milter.applicants, id);
		if (rc == 0 && id[0] != '.' && lstat(path, &st) == 0 &&
		    add_applicant(office, o, id, err, errlen) == -1)
			rc = -1;
		free(names[i]);
	}
	free(names);
	if (rc == -1)
		mg_office_close(o);
	return rc;
}

/* "<a@b>" -> "a@b" into buf; 0, or -1 when it does not fit. */
static int
bare_address(const char *s, char *buf, size_t len)
{
	size_t	n;

	if (*s == '<')
		s++;
	n = strcspn(s, ">");
	if (n >= len)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return 0;
}

struct mg_applicant *
mg_office_find(const struct mg_office *o, const char *auth,
    const char *sender)
{
	const char	*who = auth != NULL && *auth != '\0' ? auth : sender;
	char		 addr[512];

	if (who == NULL || bare_address(who, addr, sizeof(addr)) == -1 ||
	    addr[0] == '\0')
		return NULL;
	for (size_t i = 0; i < o->n; i++) {
		const struct mg_config	*c = &o->v[i].guard->app.cfg;

		if ((who == auth && strcmp(o->v[i].id, addr) == 0) ||
		    mg_strlist_has_ci(&c->addresses, addr))
			return &o->v[i];
	}
	return NULL;
}

void
mg_office_close(struct mg_office *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->v[i].id);
		mg_guard_unref(o->v[i].guard);
	}
	free(o->v);
	memset(o, 0, sizeof(*o));
}
