/*
 * verdict_text.c - the text of the 550 that tells the mail client a
 * letter was held and not sent (see verdict_text.h).
 */
#include "config_auto.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "matchguard/review_hook.h"
#include "matchguard/verdict_text.h"

struct lines {
	char	*out;
	size_t	 len, off;
};

/* Appends one line, cut at MG_VERDICT_LINE bytes without cutting a
 * UTF-8 sequence, with control characters as spaces. */
static void
line(struct lines *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
line(struct lines *l, const char *fmt, ...)
{
	char	buf[MG_VERDICT_LINE + 1];
	size_t	n;
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n = strlen(buf);
	if (n == MG_VERDICT_LINE)
		while (n > 0 && ((unsigned char)buf[n] & 0xc0) == 0x80)
			buf[--n] = '\0';
	for (char *p = buf; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	if (l->off + n + 2 > l->len)
		return;		/* no room: the lines before it stand */
	if (l->off > 0)
		l->out[l->off++] = '\n';
	memcpy(l->out + l->off, buf, n + 1);
	l->off += n;
}

/* The findings in the order they matter: those that hold first. */
static const struct mg_spool_finding *
nth(const struct mg_spool_entry *e, size_t k)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < e->n_findings; i++)
			if ((strcmp(e->findings[i].severity, "hold") == 0) ==
			    (pass == 0) && k-- == 0)
				return &e->findings[i];
	return NULL;
}

void
mg_verdict_refusal(const struct mg_config *cfg,
    const struct mg_spool_entry *e, char *out, size_t len)
{
	struct lines			 l = { out, len, 0 };
	const struct mg_spool_finding	*f = nth(e, 0);
	char				 where[256];
	size_t				 k;

	if (len == 0)
		return;
	out[0] = '\0';
	mg_review_where(cfg, where, sizeof(where));
	/* The first line is the one logged: no token in it. */
	line(&l, "NOT SENT, held for review: %s",
	    f != NULL ? f->message : "the policy holds it");
	line(&l, "Review it: %s", where);
	for (k = 1; k <= MG_VERDICT_MAX_MORE && (f = nth(e, k)) != NULL; k++)
		line(&l, "Also (%s): %s", f->severity, f->message);
	if (nth(e, k) != NULL)
		line(&l, "... and %zu more.", e->n_findings - k);
	line(&l, "To fix it: change the letter and send it again; the held "
	    "copy is then set aside (superseded).");
	f = nth(e, 0);
	line(&l, "NOT SENT (held as %s): %s To send it as it is, or to drop "
	    "it: %s", e->id, f != NULL ? f->message : "the policy holds it.",
	    where);
}
