/*
 * buf.h - a growable output buffer (SMTP replies, JSON, message text).
 * An allocation failure is sticky: every later call does nothing and
 * failed says the contents are incomplete.
 */
#ifndef MATCHGUARD_BUF_H
#define MATCHGUARD_BUF_H

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

#endif
