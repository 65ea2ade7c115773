/*
 * util.h - small helpers shared by every part of matchguard.
 *
 * Conventions used throughout the project:
 *   - functions return 0 on success and -1 on failure; on failure they
 *     write one line (no newline) into the caller's err buffer of errlen
 *     bytes, naming the file, line or setting at fault;
 *   - *_new / *_free and *_open / *_close pair up; a pointer returned by a
 *     function named *_dup, *_new or documented "caller frees" is owned by
 *     the caller and released with free() or the matching *_free.
 */
#ifndef MATCHGUARD_UTIL_H
#define MATCHGUARD_UTIL_H

#include <stddef.h>
#include <stdarg.h>
#include <time.h>

#define MG_ERRLEN 512

/* A growable list of owned, NUL-terminated strings. Zero-initialise. */
struct mg_strlist {
	char	**v;
	size_t	  n;
	size_t	  cap;
};

/* Appends a copy of s. Returns 0, or -1 when out of memory. */
int	 mg_strlist_add(struct mg_strlist *l, const char *s);
/* Appends a copy of the first len bytes of s. */
int	 mg_strlist_addn(struct mg_strlist *l, const char *s, size_t len);
/* Returns 1 when the list holds s (ASCII case-insensitive), else 0. */
int	 mg_strlist_has_ci(const struct mg_strlist *l, const char *s);
/* Frees every string and the array; the list is empty afterwards. */
void	 mg_strlist_clear(struct mg_strlist *l);

/* snprintf into err, truncating safely; NULL err is allowed. */
void	 mg_seterr(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* strdup that aborts on ENOMEM is deliberately absent: callers check. */
char	*mg_strndup(const char *s, size_t n);
/* A copy of the n bytes of s with A-Z made a-z, whatever the locale;
 * other bytes are kept.  Caller frees. */
char	*mg_ascii_lower(const char *s, size_t n);

/* Reads a whole file (at most maxlen bytes) into a NUL-terminated buffer
 * the caller frees. */
int	 mg_read_file(const char *path, size_t maxlen, char **out, size_t *outlen,
	    char *err, size_t errlen);

/* Time.  A "day" is a civil date as days since 1970-01-01. */
int	 mg_parse_date(const char *s, long *day);	/* YYYY-MM-DD */
/* ISO 8601: YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM|-HH:MM]; a time
 * without zone is UTC. */
int	 mg_parse_time(const char *s, time_t *t);
time_t	 mg_day_to_time(long day);			/* 00:00 UTC */
long	 mg_time_to_day(time_t t);			/* UTC day */
void	 mg_format_day(long day, char *buf, size_t len);	/* YYYY-MM-DD */
void	 mg_format_time(time_t t, char *buf, size_t len);	/* ISO 8601 UTC */
/* Whole days from a to b (b later), rounded down; 0 when b is not later. */
long	 mg_days_between(time_t a, time_t b);

/* Expands a leading "~/" with $HOME; a relative path is taken relative to
 * base_dir (when base_dir is not NULL). Caller frees. */
char	*mg_expand_path(const char *path, const char *base_dir);

/* Creates dir and missing parents with the given mode. */
int	 mg_mkdir_p(const char *dir, unsigned mode, char *err, size_t errlen);

/* Lower-case hex SHA-256 of data into out[65]. */
void	 mg_sha256_hex(const void *data, size_t len, char out[65]);

/* RFC 4648 base64 (with "=" padding) of data[0..len), NUL-terminated;
 * caller frees (and wipes it first when it holds a secret).  NULL when
 * out of memory. */
char	*mg_base64_encode(const void *data, size_t len);

/* Replaces path with data[0..len) atomically (a temporary file, fsync,
 * rename), mode 0600.  -1 with err when it cannot. */
int	 mg_write_private(const char *path, const char *data, size_t len,
	    char *err, size_t errlen);

#endif
