/*
 * util.c - string lists, errors, files, time and paths.
 */
#include "config_auto.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <glib.h>

#include "matchguard/util.h"

int
mg_strlist_addn(struct mg_strlist *l, const char *s, size_t len)
{
	char	*copy;

	if (l->n == l->cap) {
		size_t	 ncap = l->cap ? l->cap * 2 : 8;
		char	**nv = realloc(l->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		l->v = nv;
		l->cap = ncap;
	}
	if ((copy = mg_strndup(s, len)) == NULL)
		return -1;
	l->v[l->n++] = copy;
	return 0;
}

int
mg_strlist_add(struct mg_strlist *l, const char *s)
{
	return mg_strlist_addn(l, s, strlen(s));
}

int
mg_strlist_has_ci(const struct mg_strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcasecmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

void
mg_strlist_clear(struct mg_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

void
mg_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

char *
mg_strndup(const char *s, size_t n)
{
	char	*p = malloc(n + 1);

	if (p == NULL)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
mg_ascii_lower(const char *s, size_t n)
{
	char	*p = mg_strndup(s, n);

	for (size_t i = 0; p != NULL && i < n; i++)
		if (p[i] >= 'A' && p[i] <= 'Z')
			p[i] = (char)(p[i] + ('a' - 'A'));
	return p;
}

int
mg_read_file(const char *path, size_t maxlen, char **out, size_t *outlen,
    char *err, size_t errlen)
{
	struct stat	 st;
	char		*buf = NULL;
	size_t		 len = 0, cap;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		mg_seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		mg_seterr(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		mg_seterr(err, errlen, "%s: is a folder, not a file", path);
		close(fd);
		return -1;
	}
	cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 4096;
	if (cap > maxlen + 1)
		cap = maxlen + 1;
	for (;;) {
		ssize_t	r;

		if (buf == NULL || len + 1 >= cap) {
			char	*nb;

			if (buf != NULL)
				cap *= 2;
			if ((nb = realloc(buf, cap)) == NULL) {
				mg_seterr(err, errlen, "%s: out of memory", path);
				goto fail;
			}
			buf = nb;
		}
		r = read(fd, buf + len, cap - len - 1);
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			mg_seterr(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len > maxlen) {
			mg_seterr(err, errlen, "%s: larger than %zu bytes",
			    path, maxlen);
			goto fail;
		}
	}
	close(fd);
	buf[len] = '\0';
	*out = buf;
	if (outlen != NULL)
		*outlen = len;
	return 0;
fail:
	free(buf);
	close(fd);
	return -1;
}

/* Days from civil date, proleptic Gregorian (H. Hinnant's algorithm). */
static long
days_from_civil(long y, unsigned m, unsigned d)
{
	long	 era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

static void
civil_from_days(long z, long *y, unsigned *m, unsigned *d)
{
	long	 era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	*y = (long)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y += *m <= 2;
}

static int
days_in_month(long y, unsigned m)
{
	static const int dim[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : dim[m - 1];
}

/* Parses exactly n digits at *s, advancing it. */
static int
digits(const char **s, int n, long *v)
{
	long	x = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*s)[i]))
			return -1;
		x = x * 10 + ((*s)[i] - '0');
	}
	*s += n;
	*v = x;
	return 0;
}

static int
parse_date_prefix(const char **s, long *day)
{
	long	y, m, d;

	if (digits(s, 4, &y) || *(*s)++ != '-' || digits(s, 2, &m) ||
	    *(*s)++ != '-' || digits(s, 2, &d))
		return -1;
	if (y < 1970 || y > 2200 || m < 1 || m > 12 || d < 1 ||
	    d > days_in_month(y, (unsigned)m))
		return -1;
	*day = days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

int
mg_parse_date(const char *s, long *day)
{
	if (parse_date_prefix(&s, day) == -1 || *s != '\0')
		return -1;
	return 0;
}

int
mg_parse_time(const char *s, time_t *t)
{
	long	day, hh = 0, mm = 0, ss = 0, oh = 0, om = 0;
	int	sign = 0;

	if (parse_date_prefix(&s, &day) == -1)
		return -1;
	if (*s == 'T' || *s == 't' || *s == ' ') {
		s++;
		if (digits(&s, 2, &hh) || *s++ != ':' || digits(&s, 2, &mm))
			return -1;
		if (*s == ':' && (s++, digits(&s, 2, &ss)))
			return -1;
		if (hh > 23 || mm > 59 || ss > 60)
			return -1;
		if (*s == 'Z' || *s == 'z')
			s++;
		else if (*s == '+' || *s == '-') {
			sign = *s++ == '-' ? -1 : 1;
			if (digits(&s, 2, &oh))
				return -1;
			if (*s == ':')
				s++;
			if (digits(&s, 2, &om) || oh > 23 || om > 59)
				return -1;
		}
	}
	if (*s != '\0')
		return -1;
	*t = (time_t)day * 86400 + hh * 3600 + mm * 60 + ss
	    - sign * (oh * 3600 + om * 60);
	return 0;
}

time_t
mg_day_to_time(long day)
{
	return (time_t)day * 86400;
}

long
mg_time_to_day(time_t t)
{
	return (long)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
}

void
mg_format_day(long day, char *buf, size_t len)
{
	long	 y;
	unsigned m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(buf, len, "%04ld-%02u-%02u", y, m, d);
}

void
mg_format_time(time_t t, char *buf, size_t len)
{
	long	day = mg_time_to_day(t);
	long	sec = (long)(t - mg_day_to_time(day));
	char	dbuf[16];

	mg_format_day(day, dbuf, sizeof(dbuf));
	snprintf(buf, len, "%sT%02ld:%02ld:%02ldZ", dbuf, sec / 3600,
	    (sec / 60) % 60, sec % 60);
}

long
mg_days_between(time_t a, time_t b)
{
	return b > a ? (long)((b - a) / 86400) : 0;
}

char *
mg_expand_path(const char *path, const char *base_dir)
{
	const char	*home;
	char		*out;
	size_t		 n;

	if (path[0] == '~' && (path[1] == '/' || path[1] == '\0')) {
		if ((home = getenv("HOME")) == NULL || *home == '\0')
			home = "/";
		n = strlen(home) + strlen(path) + 1;
		if ((out = malloc(n)) != NULL)
			snprintf(out, n, "%s%s", home, path + 1);
		return out;
	}
	if (path[0] == '/' || base_dir == NULL || *base_dir == '\0')
		return strdup(path);
	n = strlen(base_dir) + strlen(path) + 2;
	if ((out = malloc(n)) != NULL)
		snprintf(out, n, "%s/%s", base_dir, path);
	return out;
}

int
mg_mkdir_p(const char *dir, unsigned mode, char *err, size_t errlen)
{
	char	path[PATH_MAX];
	size_t	len = strlen(dir);

	if (len == 0 || len >= sizeof(path)) {
		mg_seterr(err, errlen, "%s: bad directory name", dir);
		return -1;
	}
	memcpy(path, dir, len + 1);
	/* "a/b/" is "a/b": the last directory gets mode, not 0755. */
	while (len > 1 && path[len - 1] == '/')
		path[--len] = '\0';
	for (char *p = path + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char	c = *p;

		*p = '\0';
		if (mkdir(path, c == '\0' ? mode : 0755) == -1 &&
		    errno != EEXIST) {
			mg_seterr(err, errlen, "cannot create directory %s: %s",
			    path, strerror(errno));
			return -1;
		}
		if ((*p = c) == '\0')
			break;
	}
	return 0;
}

void
mg_sha256_hex(const void *data, size_t len, char out[65])
{
	gchar	*hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
	    (const guchar *)data, len);

	snprintf(out, 65, "%s", hex != NULL ? hex : "");
	g_free(hex);
}

char *
mg_base64_encode(const void *data, size_t len)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char	*in = data;
	char			*out, *o;
	unsigned long		 v;

	if ((out = o = malloc(4 * ((len + 2) / 3) + 1)) == NULL)
		return NULL;
	for (size_t i = 0; i < len; i += 3) {
		v = (unsigned long)in[i] << 16;
		if (i + 1 < len)
			v |= (unsigned long)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		*o++ = tab[(v >> 18) & 63];
		*o++ = tab[(v >> 12) & 63];
		*o++ = i + 1 < len ? tab[(v >> 6) & 63] : '=';
		*o++ = i + 2 < len ? tab[v & 63] : '=';
	}
	*o = '\0';
	return out;
}

int
mg_write_private(const char *path, const char *data, size_t len, char *err,
    size_t errlen)
{
	GError	*gerr = NULL;

	if (!g_file_set_contents_full(path, data, (gssize)len,
	    G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600,
	    &gerr)) {
		mg_seterr(err, errlen, "cannot write %s: %s", path,
		    gerr != NULL ? gerr->message : "unknown error");
		g_clear_error(&gerr);
		return -1;
	}
	return 0;
}
