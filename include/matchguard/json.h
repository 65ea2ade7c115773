/*
 * json.h - the little JSON that matchguard writes (check --json, the
 * findings stored in the ledger).  Strings are escaped per RFC 8259;
 * invalid UTF-8 is replaced, so the output always parses.
 */
#ifndef MATCHGUARD_JSON_H
#define MATCHGUARD_JSON_H

#include <stddef.h>

/* A growable output buffer.  Zero-initialise; free s when done. */
struct mg_buf {
	char	*s;
	size_t	 len;
	size_t	 cap;
	int	 failed;	/* an allocation failed: s is incomplete */
};

void	mg_buf_add(struct mg_buf *b, const char *s, size_t len);
void	mg_buf_puts(struct mg_buf *b, const char *s);
void	mg_buf_printf(struct mg_buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	mg_buf_free(struct mg_buf *b);

/* Appends s as a quoted JSON string ("null" when s is NULL). */
void	mg_json_str(struct mg_buf *b, const char *s);

#endif
