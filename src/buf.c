/*
 * buf.c - a growable output buffer.
 */
#include "config_auto.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matchguard/buf.h"

void
mg_buf_add(struct mg_buf *b, const char *s, size_t len)
{
	if (b->failed)
		return;
	if (b->len + len + 1 > b->cap) {
		size_t	 ncap = b->cap ? b->cap : 256;
		char	*ns;

		while (ncap < b->len + len + 1)
			ncap *= 2;
		if ((ns = realloc(b->s, ncap)) == NULL) {
			b->failed = 1;
			return;
		}
		b->s = ns;
		b->cap = ncap;
	}
	memcpy(b->s + b->len, s, len);
	b->len += len;
	b->s[b->len] = '\0';
}

void
mg_buf_puts(struct mg_buf *b, const char *s)
{
	mg_buf_add(b, s, strlen(s));
}

void
mg_buf_printf(struct mg_buf *b, const char *fmt, ...)
{
	va_list	 ap;
	char	 small[256], *big;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		mg_buf_add(b, small, (size_t)n);
		return;
	}
	if ((big = malloc((size_t)n + 1)) == NULL) {
		b->failed = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	mg_buf_add(b, big, (size_t)n);
	free(big);
}

void
mg_buf_free(struct mg_buf *b)
{
	free(b->s);
	memset(b, 0, sizeof(*b));
}
