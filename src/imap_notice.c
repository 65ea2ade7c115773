/*
 * imap_notice.c - the notice of a held message, APPENDed to the
 * applicant's INBOX so that their mail client shows it at once (see
 * imap_poller.h).  Building the message is pure; sending it uses the
 * poller's connection code.
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "matchguard/imap_poller.h"
#include "matchguard/log.h"

/* Longest quoted evidence and subject in a notice. */
#define NOTICE_MAX_QUOTE	300

static int
needs_encoding(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80 || (unsigned char)*s < 0x20)
			return 1;
	return 0;
}

/* Copies at most max bytes of s without cutting a UTF-8 sequence, with
 * control characters as spaces. */
static char *
clip(const char *s, size_t max)
{
	size_t	n = strlen(s);
	char	*c;

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	if ((c = mg_strndup(s, n)) == NULL)
		return NULL;
	for (char *p = c; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return c;
}

/* "Subject: Held: ..." as one RFC 2047 encoded-word per chunk of UTF-8
 * when it is not plain ASCII. */
static void
put_subject(struct mg_buf *b, const char *subject)
{
	char		*text;
	const char	*p;

	if ((text = g_strdup_printf("Held: %s", subject)) == NULL) {
		b->failed = 1;
		return;
	}
	if (!needs_encoding(text)) {
		mg_buf_printf(b, "Subject: %s\r\n", text);
		g_free(text);
		return;
	}
	mg_buf_puts(b, "Subject:");
	for (p = text; *p != '\0';) {
		size_t	n = strlen(p) > 45 ? 45 : strlen(p);
		gchar	*enc;

		while (n < strlen(p) && ((unsigned char)p[n] & 0xc0) == 0x80)
			n--;
		if (n == 0)
			n = strlen(p);
		enc = g_base64_encode((const guchar *)p, n);
		mg_buf_printf(b, " =?UTF-8?B?%s?=\r\n", enc);
		g_free(enc);
		p += n;
	}
	g_free(text);
}

void
mg_notice_build(const struct mg_config *cfg, const char *spool_id,
    const char *subject, const char *programs, const struct mg_findings *f,
    time_t now, struct mg_buf *b)
{
	const char	*me = cfg->addresses.n > 0 ? cfg->addresses.v[0] :
	    "matchguard@localhost";
	char		*subj = clip(subject != NULL && subject[0] != '\0' ?
	    subject : "(no subject)", NOTICE_MAX_QUOTE);
	char		 date[64];
	struct tm	 tm;

	if (subj == NULL) {
		b->failed = 1;
		return;
	}
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	mg_buf_printf(b, "From: matchguard <%s>\r\n", me);
	mg_buf_printf(b, "To: <%s>\r\n", me);
	put_subject(b, subj);
	mg_buf_printf(b, "Date: %s\r\n", date);
	mg_buf_printf(b, "Message-ID: <held-%s.%lld@matchguard.invalid>\r\n",
	    spool_id, (long long)now);
	mg_buf_puts(b, "Auto-Submitted: auto-generated\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n");
	mg_buf_printf(b, "matchguard held your message \"%s\"%s%s for review. "
	    "It has NOT been sent.\r\n\r\nWhy:\r\n", subj,
	    programs != NULL && programs[0] != '\0' ? " to " : "",
	    programs != NULL ? programs : "");
	for (size_t i = 0; f != NULL && i < f->n; i++) {
		char	*msg = clip(f->v[i].message != NULL ? f->v[i].message :
		    "", 2 * NOTICE_MAX_QUOTE);
		char	*ev = clip(f->v[i].evidence != NULL ?
		    f->v[i].evidence : "", NOTICE_MAX_QUOTE);

		if (msg == NULL || ev == NULL)
			b->failed = 1;
		else {
			mg_buf_printf(b, "  - %s (%s): %s\r\n", f->v[i].rule,
			    mg_severity_name(f->v[i].sev), msg);
			if (ev[0] != '\0')
				mg_buf_printf(b, "    found: %s\r\n", ev);
		}
		free(msg);
		free(ev);
	}
	mg_buf_printf(b, "\r\nWhat you can do:\r\n"
	    "  matchguard queue show %s      the message and why it was held\r\n"
	    "  matchguard queue edit %s      fix it; it is checked again\r\n"
	    "  matchguard queue release %s   send it as it is\r\n"
	    "  matchguard queue drop %s      delete it unsent\r\n",
	    spool_id, spool_id, spool_id, spool_id);
	free(subj);
}

void
mg_imap_notice_held(const struct mg_config *cfg, const char *spool_id,
    const char *subject, const char *programs, const struct mg_findings *f,
    time_t now)
{
	struct mg_buf	b = { 0 };
	char		err[MG_ERRLEN];

	if (cfg->imap.host == NULL || !cfg->imap.notices)
		return;
	mg_notice_build(cfg, spool_id, subject, programs, f, now, &b);
	if (b.failed)
		mg_log("imap: no notice of held message %s: out of memory",
		    spool_id);
	else if (mg_imap_append(&cfg->imap, cfg->imap.notice_folder, b.s,
	    b.len, err, sizeof(err)) == -1)
		mg_log("imap: no notice of held message %s in \"%s\" (it is "
		    "held all the same): %s", spool_id, cfg->imap.notice_folder,
		    err);
	else
		mg_log("imap: notice of held message %s put in \"%s\"",
		    spool_id, cfg->imap.notice_folder);
	mg_buf_free(&b);
}
