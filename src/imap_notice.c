/*
 * imap_notice.c - the notice of a held message, APPENDed to the
 * applicant's INBOX so that their mail client shows it at once (see
 * imap_notice.h).  Building the message is pure; sending it uses the
 * poller's connection code (mg_imap_append) and the spool's record of
 * which notices went.
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "matchguard/imap_notice.h"
#include "matchguard/imap_poller.h"
#include "matchguard/log.h"
#include "matchguard/review_hook.h"
#include "matchguard/spool.h"

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
put_subject(struct mg_buf *b, const char *prefix, const char *subject)
{
	char		*text;
	const char	*p;

	if ((text = g_strdup_printf("%s%s", prefix, subject)) == NULL) {
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

/* " to NAME, NAME" for the comma-separated ids of programs (an id no
 * longer in the directory as it is). */
static void
put_program_names(struct mg_buf *b, const struct mg_config *cfg,
    const char *programs)
{
	const char	*p = programs;

	for (int first = 1; p != NULL && *p != '\0'; first = 0) {
		size_t			 n = strcspn(p, ",");
		char			 id[128];
		const struct mg_program	*prog;

		snprintf(id, sizeof(id), "%.*s", (int)n, p);
		prog = mg_directory_find_id(&cfg->dir, id);
		mg_buf_printf(b, "%s%s", first ? " to " : ", ",
		    prog != NULL ? prog->name : id);
		p += n + (p[n] == ',');
	}
}

/* The header of a notice, with "Subject: PREFIX<subject>". */
static void
put_header(struct mg_buf *b, const struct mg_config *cfg, const char *kind,
    const char *prefix, const char *subj, const char *spool_id, time_t now)
{
	const char	*me = cfg->addresses.n > 0 ? cfg->addresses.v[0] :
	    "matchguard@localhost";
	char		 date[64];
	struct tm	 tm;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	mg_buf_printf(b, "From: matchguard <%s>\r\n", me);
	mg_buf_printf(b, "To: <%s>\r\n", me);
	put_subject(b, prefix, subj);
	mg_buf_printf(b, "Date: %s\r\n", date);
	mg_buf_printf(b, "Message-ID: <%s-%s.%lld@matchguard.invalid>\r\n",
	    kind, spool_id, (long long)now);
	mg_buf_puts(b, "Auto-Submitted: auto-generated\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n");
}

/* Every finding, its rule, severity, message and evidence. */
static void
put_findings(struct mg_buf *b, const struct mg_findings *f)
{
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
}

/* Either notice: held (NOT sent) or sent with notes. */
static void
build(const struct mg_config *cfg, enum mg_notice_kind kind, const char *id,
    const char *subject, const char *programs, const struct mg_findings *f,
    time_t now, struct mg_buf *b)
{
	char		*subj = clip(subject != NULL && subject[0] != '\0' ?
	    subject : "(no subject)", NOTICE_MAX_QUOTE);
	char		 where[256];

	if (subj == NULL) {
		b->failed = 1;
		return;
	}
	if (programs == NULL)
		programs = "";
	mg_review_where(cfg, where, sizeof(where));
	if (kind == MG_NOTICE_NOTES) {
		put_header(b, cfg, "notes", "Sent, with notes: ", subj, id, now);
		mg_buf_printf(b, "matchguard sent your message \"%s\"", subj);
		put_program_names(b, cfg, programs);
		mg_buf_puts(b, ". It was sent, with notes worth reading before "
		    "your next letter:\r\n\r\n");
		put_findings(b, f);
		mg_buf_printf(b, "\r\nThe letters sent with notes: %s\r\n",
		    where);
		free(subj);
		return;
	}
	put_header(b, cfg, "held", "Held: ", subj, id, now);
	mg_buf_printf(b, "matchguard held your message \"%s\"", subj);
	put_program_names(b, cfg, programs);
	mg_buf_puts(b, " for review. It has NOT been sent.\r\n\r\nWhy:\r\n");
	put_findings(b, f);
	mg_buf_printf(b, "\r\nReview it: %s\r\n"
	    "If you fix the letter in your mail program and send it again, "
	    "this held copy is set aside (superseded).\r\n", where);
	mg_buf_printf(b, "\r\nWhat you can do:\r\n"
	    "  matchguard queue show %s      the message and why it was held\r\n"
	    "  matchguard queue edit %s      fix it; it is checked again\r\n"
	    "  matchguard queue release %s   send it as it is\r\n"
	    "  matchguard queue drop %s      delete it unsent\r\n",
	    id, id, id, id);
	free(subj);
}

void
mg_notice_build(const struct mg_config *cfg, const char *spool_id,
    const char *subject, const char *programs, const struct mg_findings *f,
    time_t now, struct mg_buf *b)
{
	build(cfg, MG_NOTICE_HELD, spool_id, subject, programs, f, now, b);
}

void
mg_notice_build_notes(const struct mg_config *cfg, const char *id,
    const char *subject, const char *programs, const struct mg_findings *f,
    time_t now, struct mg_buf *b)
{
	build(cfg, MG_NOTICE_NOTES, id, subject, programs, f, now, b);
}

int
mg_notice_enabled(const struct mg_config *cfg)
{
	return cfg->imap.ep.host != NULL && cfg->imap.notices;
}

static enum mg_severity
severity_of(const char *name)
{
	static const enum mg_severity all[] = { MG_SEV_INFO, MG_SEV_WARN,
	    MG_SEV_HOLD };

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (name != NULL && strcmp(name, mg_severity_name(all[i])) == 0)
			return all[i];
	return MG_SEV_INFO;
}

/* The findings of a spool entry, as the policy gave them. */
static int
entry_findings(const struct mg_spool_entry *e, struct mg_findings *f)
{
	if (e->n_findings == 0)
		return 0;
	if ((f->v = calloc(e->n_findings, sizeof(*f->v))) == NULL)
		return -1;
	f->cap = e->n_findings;
	for (size_t i = 0; i < e->n_findings; i++) {
		/* Borrowed from the entry: f->v alone is freed. */
		f->v[i].rule = e->findings[i].rule;
		f->v[i].sev = severity_of(e->findings[i].severity);
		f->v[i].message = e->findings[i].message;
		f->v[i].evidence = e->findings[i].evidence;
	}
	f->n = e->n_findings;
	return 0;
}

/* Builds the notice of entry e and APPENDs it; 0, or -1 with err. */
static int
append_notice(const struct mg_config *cfg, const struct mg_spool_entry *e,
    enum mg_notice_kind kind, time_t now, char *err, size_t errlen)
{
	struct mg_findings	f = { 0 };
	struct mg_buf		b = { 0 };
	int			rc = -1;

	if (entry_findings(e, &f) == -1)
		mg_seterr(err, errlen, "out of memory");
	else {
		build(cfg, kind, e->id, e->subject, e->programs, &f, now,
		    &b);
		if (b.failed)
			mg_seterr(err, errlen, "out of memory");
		else
			rc = mg_imap_append(&cfg->imap, cfg->imap.notice_folder,
			    b.s, b.len, err, errlen);
	}
	mg_buf_free(&b);
	free(f.v);
	return rc;
}

enum mg_notice_status
mg_notice_send_held(const struct mg_config *cfg, const char *spool_dir,
    const char *id, time_t now)
{
	return mg_notice_send(cfg, spool_dir, id, MG_NOTICE_HELD, now);
}

enum mg_notice_status
mg_notice_send(const struct mg_config *cfg, const char *spool_dir,
    const char *id, enum mg_notice_kind kind, time_t now)
{
	const char		*folder = cfg->imap.notice_folder;
	const char		*what = kind == MG_NOTICE_NOTES ?
	    "letter sent with notes" : "held message";
	struct mg_spool_entry	 e;
	char			 err[MG_ERRLEN], derr[MG_ERRLEN];
	int			 fd, r;

	if (!mg_notice_enabled(cfg))
		return MG_NOTICE_SKIPPED;
	if ((r = mg_spool_notice_claim(spool_dir, id, &fd, err,
	    sizeof(err))) != 1) {
		if (r == -1)
			mg_log("imap: no notice of %s %s yet: %s", what, id,
			    err);
		return r == -1 ? MG_NOTICE_FAILED : MG_NOTICE_SKIPPED;
	}
	if (mg_spool_load(spool_dir, id, &e, NULL, NULL, err,
	    sizeof(err)) == -1 || !e.notice) {
		mg_spool_notice_release(fd);
		mg_spool_entry_clear(&e);
		return MG_NOTICE_SKIPPED;	/* gone meanwhile, or not wanted */
	}
	if (append_notice(cfg, &e, kind, now, err, sizeof(err)) == -1) {
		mg_spool_notice_release(fd);
		mg_spool_entry_clear(&e);
		mg_log("imap: no notice of %s %s in \"%s\" yet (%smatchguard "
		    "serve tries again when it next starts): %s", what, id,
		    folder, kind == MG_NOTICE_HELD ? "it is held all the same; " :
		    "", err);
		return MG_NOTICE_FAILED;
	}
	mg_spool_entry_clear(&e);
	if (mg_spool_notice_done(spool_dir, id, fd, now, derr,
	    sizeof(derr)) == -1)
		mg_log("warning: the notice of %s %s is in \"%s\" but "
		    "cannot be recorded, so it may come twice: %s", what, id,
		    folder, derr);
	else if (kind == MG_NOTICE_NOTES && mg_spool_remove(spool_dir, id,
	    derr, sizeof(derr)) == -1)
		mg_log("warning: %s", derr);	/* marked sent all the same */
	mg_log("imap: notice of %s %s put in \"%s\"", what, id, folder);
	return MG_NOTICE_SENT;
}
