/*
 * guard.c - parse, check, then relay or hold one outgoing message.
 */
#include "config_auto.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <gnutls/gnutls.h>

#include "matchguard/guard.h"
#include "matchguard/imap_notice.h"
#include "matchguard/letter.h"
#include "matchguard/log.h"
#include "matchguard/notice_queue.h"
#include "matchguard/policy.h"
#include "matchguard/upstream.h"
#include "matchguard/verdict_text.h"

/* The certificate and key local clients see after STARTTLS. */
static int
load_tls(struct mg_guard *g, char *err, size_t errlen)
{
	const struct mg_smtp_settings *sm = &g->app.cfg.smtp;
	gnutls_certificate_credentials_t cred;
	char	*cert, *key;
	int	 rc;

	if (sm->tls_cert == NULL)
		return 0;
	cert = strdup(sm->tls_cert);
	key = strdup(sm->tls_key);
	if (cert == NULL || key == NULL ||
	    gnutls_certificate_allocate_credentials(&cred) < 0) {
		free(cert);
		free(key);
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	rc = gnutls_certificate_set_x509_key_file(cred, cert, key,
	    GNUTLS_X509_FMT_PEM);
	if (rc < 0) {
		mg_seterr(err, errlen, "%s: smtp.tls_cert %s / tls_key %s: %s",
		    g->app.cfg.path, cert, key, gnutls_strerror(rc));
		gnutls_certificate_free_credentials(cred);
	} else
		g->tls_creds = cred;
	free(cert);
	free(key);
	return rc < 0 ? -1 : 0;
}

struct mg_guard *
mg_guard_new(const char *conf, int need_upstream, char *err, size_t errlen)
{
	struct mg_guard	*g = calloc(1, sizeof(*g));
	size_t		 len;

	if (g == NULL) {
		mg_seterr(err, errlen, "out of memory");
		return NULL;
	}
	if (mg_app_open(&g->app, conf, MG_LEDGER_RW, err, errlen) == -1) {
		free(g);
		return NULL;
	}
	if (need_upstream && g->app.cfg.upstream.type == MG_UPSTREAM_NONE) {
		mg_seterr(err, errlen, "%s: no \"upstream\" group: say where "
		    "passed messages go, e.g. upstream = { type = \"maildir\"; "
		    "}; (see matchguard.conf(5))", g->app.cfg.path);
		goto fail;
	}
	len = strlen(g->app.cfg.state_dir) + sizeof("/held");
	if ((g->spool_dir = malloc(len)) == NULL) {
		mg_seterr(err, errlen, "out of memory");
		goto fail;
	}
	snprintf(g->spool_dir, len, "%s/held", g->app.cfg.state_dir);
	len = strlen(g->app.cfg.state_dir) + sizeof("/notes");
	if ((g->notes_dir = malloc(len)) == NULL) {
		mg_seterr(err, errlen, "out of memory");
		goto fail;
	}
	snprintf(g->notes_dir, len, "%s/notes", g->app.cfg.state_dir);
	if (load_tls(g, err, errlen) == -1)
		goto fail;
	if (gethostname(g->hostname, sizeof(g->hostname) - 1) == -1 ||
	    g->hostname[0] == '\0')
		snprintf(g->hostname, sizeof(g->hostname), "localhost");
	pthread_mutex_init(&g->lock, NULL);
	atomic_init(&g->refs, 1);
	return g;
fail:
	mg_app_close(&g->app);
	free(g->spool_dir);
	free(g->notes_dir);
	free(g);
	return NULL;
}

void
mg_guard_ref(struct mg_guard *g)
{
	atomic_fetch_add(&g->refs, 1);
}

void
mg_guard_unref(struct mg_guard *g)
{
	if (g == NULL || atomic_fetch_sub(&g->refs, 1) != 1)
		return;
	pthread_mutex_destroy(&g->lock);
	if (g->tls_creds != NULL)
		gnutls_certificate_free_credentials(g->tls_creds);
	mg_app_close(&g->app);
	free(g->spool_dir);
	free(g->notes_dir);
	free(g);
}

static void
set_result(struct mg_guard_result *r, enum mg_outcome o, int code,
    const char *enhanced, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void
set_result(struct mg_guard_result *r, enum mg_outcome o, int code,
    const char *enhanced, const char *fmt, ...)
{
	va_list	ap;

	r->outcome = o;
	r->code = code;
	snprintf(r->enhanced, sizeof(r->enhanced), "%s", enhanced);
	va_start(ap, fmt);
	vsnprintf(r->text, sizeof(r->text), fmt, ap);
	va_end(ap);
	/* One line for the SMTP reply, whatever came in. */
	for (char *p = r->text; *p != '\0'; p++)
		if (*p == '\r' || *p == '\n')
			*p = ' ';
}

/* A held letter refused at Send (on_hold = "reject-and-queue"): the
 * lines of verdict_text.h, as a multi-line 550 5.7.1. */
static void
set_refusal(struct mg_guard *g, struct mg_guard_result *r,
    const struct mg_spool_entry *e)
{
	r->outcome = MG_OUT_HELD;
	r->code = 550;
	snprintf(r->enhanced, sizeof(r->enhanced), "5.7.1");
	snprintf(r->id, sizeof(r->id), "%s", e->id);
	mg_verdict_refusal(&g->app.cfg, e, r->text, sizeof(r->text));
}

/*
 * The reply to the client as soon as it is final (mg_guard_process_early):
 * for a relayed message right after upstream's 250, for a held one right
 * after the fsync, and only then the slower work.
 */
struct early {
	struct mg_guard		*g;
	struct mg_guard_result	*r;
	mg_guard_reply_fn	 reply;		/* NULL: none */
	void			*arg;
	int			 replied;
	time_t			 now;
	char			 key[65];	/* resends; "" when none */
};

static void
answer(struct early *e)
{
	if (e == NULL || e->replied)
		return;
	e->replied = 1;
	if (e->reply != NULL)
		e->reply(e->arg, e->r);
}

/* After the reply: the same letter sent again within the window is
 * recognised (mg_guard_process_early). */
static void
note_resend(struct early *e, const char *spool_id)
{
	struct mg_guard	*g;
	char		 err[MG_ERRLEN];

	if (e == NULL || e->key[0] == '\0')
		return;
	g = e->g;
	pthread_mutex_lock(&g->lock);
	if (mg_ledger_resend_note(g->app.ledger, e->key, e->now, spool_id,
	    e->now - g->app.cfg.smtp.resend_window, err, sizeof(err)) == -1)
		mg_log("warning: %s (a copy sent again by the mail client would "
		    "not be recognised)", err);
	pthread_mutex_unlock(&g->lock);
}

static void
on_accepted(void *arg, const struct mg_relay_result *res)
{
	struct early	*e = arg;

	set_result(e->r, MG_OUT_RELAYED, 250, "2.0.0", "relayed: %s",
	    res->text);
	answer(e);
	note_resend(e, NULL);
}

static void
deliver(struct mg_guard *g, const char *from, const struct mg_strlist *rcpts,
    const char *data, size_t len, struct mg_guard_result *r, struct early *e)
{
	const struct mg_upstream *up = &g->app.cfg.upstream;
	struct mg_relay_result	  res;
	char			  name[256], err[MG_ERRLEN];

	memset(r, 0, sizeof(*r));
	if (up->type == MG_UPSTREAM_MAILDIR) {
		if (mg_maildir_deliver(up->path, data, len, name, sizeof(name),
		    err, sizeof(err)) == -1) {
			set_result(r, MG_OUT_TEMPFAIL, 451, "4.3.0",
			    "local delivery failed: %s", err);
			return;
		}
		set_result(r, MG_OUT_RELAYED, 250, "2.0.0", "delivered to %s",
		    up->path);
		answer(e);
		note_resend(e, NULL);
		return;
	}
	switch (mg_relay_send_early(up, g->hostname, from, rcpts, data, len,
	    &res, e != NULL ? on_accepted : NULL, e)) {
	case 0:
		set_result(r, MG_OUT_RELAYED, 250, "2.0.0", "relayed: %s",
		    res.text);
		break;
	case 2:
		set_result(r, MG_OUT_PERMFAIL, res.code >= 500 && res.code < 600 ?
		    res.code : 554, "5.0.0", "upstream refused it: %s", res.text);
		break;
	default:
		set_result(r, MG_OUT_TEMPFAIL, 451, "4.4.1", "upstream not "
		    "available, try again later: %s", res.text);
		break;
	}
}

void
mg_guard_deliver(struct mg_guard *g, const char *from,
    const struct mg_strlist *rcpts, const char *data, size_t len,
    struct mg_guard_result *r)
{
	deliver(g, from, rcpts, data, len, r, NULL);
}

/* A letter in the guard: the letter, and what the guard knows of it. */
struct checked {
	struct mg_letter	 lt;
	int			 reserved;	/* recorded before relaying */
	struct mg_resend	 resent;	/* the same letter answered */
	struct mg_held_row	 held;		/* its held row, when gone */
	int			 released;	/* held, then released */
};

/* A copy of a letter relayed, or still held, within the window: the
 * client sends again what it never got a 250 for.  The caller holds
 * g->lock. */
static int
find_resend(struct mg_guard *g, struct early *e, struct checked *c)
{
	char	err[MG_ERRLEN], path[4096];

	if (e == NULL || e->key[0] == '\0')
		return 0;
	if (c->lt.msg->message_id == NULL) {
		e->key[0] = '\0';	/* only letters with a Message-ID */
		return 0;
	}
	if (mg_ledger_resend_find(g->app.ledger, e->key,
	    e->now - g->app.cfg.smtp.resend_window, &c->resent, err,
	    sizeof(err)) == -1) {
		mg_log("warning: %s", err);
		return 0;
	}
	if (c->resent.found && c->resent.spool_id[0] != '\0') {
		/* Released, dropped or never complete: not held any more.
		 * Released, it was sent: the client that kept it (a 550)
		 * may send it again, and is told so. */
		snprintf(path, sizeof(path), "%s/%s.env", g->spool_dir,
		    c->resent.spool_id);
		if (access(path, F_OK) == -1 && (mg_ledger_find_held(
		    g->app.ledger, c->lt.msg->message_id, c->lt.msg->hash,
		    &c->held, err, sizeof(err)) == -1 || !c->held.found ||
		    strcmp(c->held.spool_id, c->resent.spool_id) != 0 ||
		    strcmp(c->held.state, "released") != 0))
			c->resent.found = 0;
		else if (access(path, F_OK) == -1)
			c->released = 1;
	}
	return c->resent.found;
}

/* Parse and run the policy; -1 with r set on failure.  A letter that is
 * not held is recorded as sent in the same locked step as its check,
 * before it is relayed: a second letter checked while the first is on
 * its way must see it (frequency, letter-of-intent...).  A resend
 * (find_resend) is not checked again: c->resent. */
static int
check(struct mg_guard *g, const char *from, const struct mg_strlist *rcpts,
    const char *data, size_t len, time_t now, struct checked *c,
    struct mg_guard_result *r, struct early *e)
{
	enum mg_letter_recorded	rec;
	char			err[MG_ERRLEN], werr[MG_ERRLEN];
	int			rc;

	memset(c, 0, sizeof(*c));
	switch (mg_letter_parse(&c->lt, data, len, from, rcpts, err,
	    sizeof(err))) {
	case 0:
		break;
	case -1:
		set_result(r, MG_OUT_BADMSG, 554, "5.6.0", "matchguard could "
		    "not read this message: %s", err);
		return -1;
	default:
		set_result(r, MG_OUT_TEMPFAIL, 451, "4.3.0", "out of memory");
		return -1;
	}
	pthread_mutex_lock(&g->lock);
	if (find_resend(g, e, c)) {
		pthread_mutex_unlock(&g->lock);
		return 0;
	}
	rc = mg_letter_check(&c->lt, &g->app, now, MG_CHECK_RULES, err,
	    sizeof(err));
	if (rc == 0 && c->lt.check.verdict != MG_HOLD) {
		/* Only a row made now may be taken back (a resent copy of
		 * a message already recorded keeps its row). */
		if (mg_letter_record(&c->lt, g->app.ledger, MG_LETTER_RELAYED,
		    &rec, werr, sizeof(werr)) == -1)
			mg_log("warning: cannot record the message before "
			    "relaying it: %s", werr);
		else
			c->reserved = rec == MG_LETTER_NEW;
	}
	pthread_mutex_unlock(&g->lock);
	if (rc == -1) {
		set_result(r, MG_OUT_TEMPFAIL, 451, "4.3.0", "matchguard "
		    "could not check this message: %s", err);
		mg_letter_clear(&c->lt);
		return -1;
	}
	return 0;
}

int
mg_guard_record(struct mg_guard *g, struct mg_letter *lt,
    enum mg_letter_how how, char *err, size_t errlen)
{
	enum mg_letter_recorded	rec;
	int			rc;

	pthread_mutex_lock(&g->lock);
	rc = mg_letter_record(lt, g->app.ledger, how, &rec, err, errlen);
	pthread_mutex_unlock(&g->lock);
	return rc;
}

static const struct mg_finding *
first_hold(const struct mg_findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].sev == MG_SEV_HOLD)
			return &f->v[i];
	return f->n > 0 ? &f->v[0] : NULL;
}

/* on_hold = "reject": nothing is kept, but the ledger says it happened. */
static void
record_rejected(struct mg_guard *g, time_t now, const struct checked *c)
{
	char	id[64], err[MG_ERRLEN];

	snprintf(id, sizeof(id), "rejected-%lld-%.16s", (long long)now,
	    c->lt.msg->hash);
	pthread_mutex_lock(&g->lock);
	if (mg_letter_record_held(&c->lt, g->app.ledger, id, now, "rejected",
	    err, sizeof(err)) == -1)
		mg_log("warning: %s", err);
	pthread_mutex_unlock(&g->lock);
}

/* The notice of a held message: from serve's worker thread, so that the
 * client's 250 never waits for the IMAP server; a one-shot command
 * (sendmail, g->notices NULL) sends it before it exits.  Either way the
 * spool keeps it to be sent until the mailbox took it. */
static void
notice(struct mg_guard *g, const char *id, time_t now)
{
	if (!mg_notice_enabled(&g->app.cfg))
		return;
	if (g->notices != NULL)
		(void)mg_notice_queue_add(g->notices, g, id);	/* logged */
	else
		(void)mg_notice_send_held(&g->app.cfg, g->spool_dir, id, now);
}

/* The spool entry of a checked letter, borrowing from it: free
 * e->findings alone.  -1 when out of memory. */
static int
entry_of(struct mg_guard *g, const char *from, const struct mg_strlist *rcpts,
    time_t now, const struct checked *c, struct mg_spool_entry *e)
{
	const struct mg_findings *fs = &c->lt.check.findings;
	struct mg_spool_finding	*sf;

	memset(e, 0, sizeof(*e));
	if ((sf = calloc(fs->n + 1, sizeof(*sf))) == NULL)
		return -1;
	for (size_t i = 0; i < fs->n; i++) {
		sf[i].rule = (char *)fs->v[i].rule;
		sf[i].severity = (char *)mg_severity_name(fs->v[i].sev);
		sf[i].message = fs->v[i].message;
		sf[i].evidence = fs->v[i].evidence;
	}
	e->from = (char *)(from != NULL ? from : "");
	e->rcpts = *rcpts;
	e->held_at = now;
	e->subject = c->lt.msg->subject;
	e->message_id = c->lt.msg->message_id;
	e->in_reply_to = c->lt.msg->in_reply_to.n > 0 ?
	    c->lt.msg->in_reply_to.v[0] : NULL;
	e->programs = (char *)c->lt.programs;
	e->findings = sf;
	e->n_findings = fs->n;
	e->notice = mg_notice_enabled(&g->app.cfg);
	return 0;
}

/*
 * A letter relayed with warnings: a "Sent, with notes" notice in the
 * INBOX, when notices are on.  Its entry waits in <state>/notes (the
 * letter itself is not kept: it was sent) until the notice went; the
 * ledger's row of the letter keeps its findings for the review page
 * (mg_ledger_list_warned()).
 */
static void
notes(struct mg_guard *g, const char *from, const struct mg_strlist *rcpts,
    time_t now, const struct checked *c)
{
	struct mg_spool_entry	e;
	char			err[MG_ERRLEN], id[MG_SPOOL_IDLEN];

	if (!mg_notice_enabled(&g->app.cfg))
		return;
	if (entry_of(g, from, rcpts, now, c, &e) == -1) {
		mg_log("warning: out of memory (no \"Sent, with notes\" "
		    "notice)");
		return;
	}
	if (mg_spool_hold(g->notes_dir, &e, "", 0, id, err,
	    sizeof(err)) == -1)
		mg_log("warning: %s (no \"Sent, with notes\" notice)", err);
	else if (g->notices != NULL)
		(void)mg_notice_queue_add_kind(g->notices, g, MG_NOTICE_NOTES,
		    id);
	else
		(void)mg_notice_send(&g->app.cfg, g->notes_dir, id,
		    MG_NOTICE_NOTES, now);
	free(e.findings);
}

static void
hold(struct mg_guard *g, const char *from, const struct mg_strlist *rcpts,
    const char *data, size_t len, time_t now, struct checked *c,
    struct mg_guard_result *r, struct early *ea)
{
	struct mg_spool_entry	 e;
	const struct mg_findings *fs = &c->lt.check.findings;
	const struct mg_finding	*first = first_hold(fs);
	char			 err[MG_ERRLEN];

	if (g->app.cfg.smtp.on_hold == MG_ON_HOLD_REJECT) {
		record_rejected(g, now, c);
		set_result(r, MG_OUT_REJECTED, 550, "5.7.1", "matchguard: %s",
		    first != NULL ? first->message : "held by the policy");
		return;
	}
	if (entry_of(g, from, rcpts, now, c, &e) == -1) {
		set_result(r, MG_OUT_TEMPFAIL, 452, "4.3.1", "out of memory");
		return;
	}
	if (mg_spool_hold(g->spool_dir, &e, data, len, r->id, err,
	    sizeof(err)) == -1) {
		free(e.findings);
		set_result(r, MG_OUT_TEMPFAIL, 452, "4.3.1", "matchguard "
		    "cannot store the message for review, try again later: %s",
		    err);
		return;
	}
	/* On disk: the client's answer now, the ledger and the notice
	 * after. */
	if (g->app.cfg.smtp.on_hold == MG_ON_HOLD_REJECT_AND_QUEUE) {
		memcpy(e.id, r->id, sizeof(e.id));
		set_refusal(g, r, &e);
	} else
		set_result(r, MG_OUT_HELD, 250, "2.0.0", "held for review %s: "
		    "%s", r->id, first != NULL ? first->message :
		    "see matchguard queue");
	free(e.findings);
	answer(ea);
	note_resend(ea, r->id);
	pthread_mutex_lock(&g->lock);
	if (mg_letter_record_held(&c->lt, g->app.ledger, r->id, now, NULL, err,
	    sizeof(err)) == -1)
		mg_log("warning: %s (the message is held all the same)", err);
	pthread_mutex_unlock(&g->lock);
	notice(g, r->id, now);
}

/* Same recipients, as sets of addresses in any case. */
static int
same_rcpts(const struct mg_strlist *a, const struct mg_strlist *b)
{
	for (size_t i = 0; i < a->n; i++)
		if (!mg_strlist_has_ci(b, a->v[i]))
			return 0;
	for (size_t i = 0; i < b->n; i++)
		if (!mg_strlist_has_ci(a, b->v[i]))
			return 0;
	return 1;
}

/* Is held letter e an older version of letter m to rcpts?  The same
 * recipients, and the same subject (not empty; case and outer spaces
 * aside) or the same In-Reply-To (the same letter answered). */
static int
older_version(const struct mg_spool_entry *e, const struct mg_message *m,
    const struct mg_strlist *rcpts)
{
	gchar	*sa, *sb, *a, *b;
	int	 same;

	if (!same_rcpts(&e->rcpts, rcpts))
		return 0;
	if (e->in_reply_to != NULL && m->in_reply_to.n > 0 &&
	    strcmp(e->in_reply_to, m->in_reply_to.v[0]) == 0)
		return 1;
	/* g_strstrip() works in place; casefold makes a new string. */
	sa = g_strdup(e->subject != NULL ? e->subject : "");
	sb = g_strdup(m->subject != NULL ? m->subject : "");
	a = g_utf8_casefold(g_strstrip(sa), -1);
	b = g_utf8_casefold(g_strstrip(sb), -1);
	same = a[0] != '\0' && strcmp(a, b) == 0;
	g_free(sa);
	g_free(sb);
	g_free(a);
	g_free(b);
	return same;
}

/*
 * The user fixed a held letter in their mail client and sent it again
 * (on_hold = "reject-and-queue" keeps it in the compose window): the
 * older held copies of it are set aside as superseded, kept on disk
 * (held/superseded/) and in the ledger, no longer listed as held.
 * new_id is the new letter's own entry when it was held too.
 */
static void
supersede(struct mg_guard *g, const struct mg_message *m,
    const struct mg_strlist *rcpts, const char *new_id, time_t now)
{
	struct mg_spool_entry	*v;
	size_t			 n;
	char			 err[MG_ERRLEN];

	if (mg_spool_list(g->spool_dir, &v, &n, err, sizeof(err)) == -1) {
		mg_log("warning: %s (older held copies are not superseded)", err);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].id, new_id) == 0 ||
		    !older_version(&v[i], m, rcpts))
			continue;
		if (mg_spool_retire(g->spool_dir, v[i].id, "superseded", err,
		    sizeof(err)) == -1) {
			mg_log("warning: %s (held message %s is not superseded)",
			    err, v[i].id);
			continue;
		}
		pthread_mutex_lock(&g->lock);
		if (mg_ledger_set_held_state(g->app.ledger, v[i].id,
		    "superseded", now, err, sizeof(err)) == -1)
			mg_log("warning: %s", err);
		pthread_mutex_unlock(&g->lock);
		mg_log("held message %s superseded by a newer version of it "
		    "(%s)", v[i].id, new_id[0] != '\0' ? new_id : "sent");
	}
	mg_spool_free_list(v, n);
}

static const char *
outcome_name(enum mg_outcome o)
{
	static const char *const names[] = { "relayed", "held", "rejected",
	    "tempfail", "permfail", "unreadable" };

	return names[o];
}

/* The key of a letter for resends: SHA-256 of its envelope and bytes. */
static void
resend_key(const char *from, const struct mg_strlist *rcpts,
    const char *data, size_t len, char out[65])
{
	GChecksum	*ck = g_checksum_new(G_CHECKSUM_SHA256);
	char		 n[32];

	out[0] = '\0';
	if (ck == NULL)
		return;
	snprintf(n, sizeof(n), "%zu\n", rcpts->n);
	g_checksum_update(ck, (const guchar *)n, (gssize)strlen(n));
	/* Each address with its NUL, so that no two envelopes run into
	 * the same bytes. */
	g_checksum_update(ck, (const guchar *)(from != NULL ? from : ""),
	    (gssize)strlen(from != NULL ? from : "") + 1);
	for (size_t i = 0; i < rcpts->n; i++)
		g_checksum_update(ck, (const guchar *)rcpts->v[i],
		    (gssize)strlen(rcpts->v[i]) + 1);
	g_checksum_update(ck, (const guchar *)data, (gssize)len);
	snprintf(out, 65, "%s", g_checksum_get_string(ck));
	g_checksum_free(ck);
}

/* The same letter again: answered as the first time, nothing sent. */
static void
answer_resend(struct mg_guard *g, const struct checked *c,
    struct mg_guard_result *r)
{
	struct mg_spool_entry	e;
	char			when[32], err[MG_ERRLEN];
	struct tm		tm;

	gmtime_r(&c->resent.date, &tm);
	if (strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(when, sizeof(when), "?");
	if (c->released)
		set_result(r, MG_OUT_RELAYED, 250, "2.0.0", "already sent: "
		    "this same message was held at %s, then released from the "
		    "queue and sent; it is not sent twice", when);
	else if (c->resent.spool_id[0] != '\0' &&
	    g->app.cfg.smtp.on_hold == MG_ON_HOLD_REJECT_AND_QUEUE &&
	    mg_spool_load(g->spool_dir, c->resent.spool_id, &e, NULL, NULL,
	    err, sizeof(err)) == 0) {
		set_refusal(g, r, &e);	/* refused again, the same way */
		mg_spool_entry_clear(&e);
	} else if (c->resent.spool_id[0] != '\0') {
		snprintf(r->id, sizeof(r->id), "%.*s", (int)sizeof(r->id) - 1,
		    c->resent.spool_id);
		set_result(r, MG_OUT_HELD, 250, "2.0.0", "held for review %s: "
		    "this same message was held at %s already (see "
		    "matchguard queue)", r->id, when);
	} else
		set_result(r, MG_OUT_RELAYED, 250, "2.0.0", "already sent: "
		    "this same message was relayed at %s and accepted; it is "
		    "not sent twice", when);
}

void
mg_guard_process(struct mg_guard *g, const char *from,
    const struct mg_strlist *rcpts, const char *data, size_t len, time_t now,
    struct mg_guard_result *r)
{
	mg_guard_process_early(g, from, rcpts, data, len, now, r, NULL, NULL);
}

void
mg_guard_process_early(struct mg_guard *g, const char *from,
    const struct mg_strlist *rcpts, const char *data, size_t len, time_t now,
    struct mg_guard_result *r, mg_guard_reply_fn reply, void *arg)
{
	struct early	e = { .g = g, .r = r, .reply = reply, .arg = arg,
	    .now = now };
	struct checked	c;
	char		err[MG_ERRLEN];

	memset(r, 0, sizeof(*r));
	if (g->app.cfg.smtp.resend_window > 0)
		resend_key(from, rcpts, data, len, e.key);
	if (check(g, from, rcpts, data, len, now, &c, r, &e) == -1) {
		mg_log("message from <%s>: %s %d %s", from ? from : "",
		    outcome_name(r->outcome), r->code, r->text);
		answer(&e);
		return;
	}
	if (c.resent.found) {
		answer_resend(g, &c, r);
		answer(&e);
		mg_log("%s sent again by the mail client: %s %d %.*s",
		    c.lt.msg->message_id, outcome_name(r->outcome), r->code,
		    (int)strcspn(r->text, "\n"), r->text);
		mg_letter_clear(&c.lt);
		return;
	}
	if (c.lt.check.verdict == MG_HOLD)
		hold(g, from, rcpts, data, len, now, &c, r, &e);
	else {
		deliver(g, from, rcpts, data, len, r, &e);
		if (r->outcome != MG_OUT_RELAYED && c.reserved) {
			/* Not sent after all: the client keeps it and will
			 * try again, and the rules must not count it. */
			pthread_mutex_lock(&g->lock);
			if (mg_ledger_forget_sent(g->app.ledger, c.lt.msg->hash,
			    err, sizeof(err)) == -1)
				mg_log("warning: %s", err);
			pthread_mutex_unlock(&g->lock);
		}
	}
	answer(&e);	/* when not answered yet: a failure */
	/* from, rcpts and data are gone once answered: the letter keeps
	 * its own copy of the envelope. */
	if (r->outcome == MG_OUT_HELD || r->outcome == MG_OUT_RELAYED)
		supersede(g, c.lt.msg, &c.lt.msg->env_rcpts,
		    r->outcome == MG_OUT_HELD ? r->id : "", now);
	if (r->outcome == MG_OUT_RELAYED && c.lt.check.verdict == MG_WARN)
		notes(g, c.lt.msg->env_from, &c.lt.msg->env_rcpts, now, &c);
	mg_log("%s programs=%s verdict=%s class=%s %s %d %.*s",
	    c.lt.msg->message_id != NULL ? c.lt.msg->message_id :
	    "(no Message-ID)", c.lt.programs[0] != '\0' ? c.lt.programs : "-",
	    mg_verdict_name(c.lt.check.verdict), c.lt.check.msg_class,
	    outcome_name(r->outcome), r->code, (int)strcspn(r->text, "\n"),
	    r->text);
	mg_letter_clear(&c.lt);
}
