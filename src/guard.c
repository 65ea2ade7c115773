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

#include "matchguard/guard.h"
#include "matchguard/imap_notice.h"
#include "matchguard/letter.h"
#include "matchguard/log.h"
#include "matchguard/notice_queue.h"
#include "matchguard/policy.h"
#include "matchguard/serve_tls.h"
#include "matchguard/upstream.h"
#include "matchguard/verdict_text.h"

#define PAR_POOL	8	/* idle ledger connections kept */
#define PAR_CACHE_KB	256	/* the page cache of each */
#define PAR_LOG		64	/* recorded letters remembered */
#define PAR_WAL_PAGES	1000	/* checkpoint past this (SQLite's default) */

/* A letter recorded: what a check made meanwhile may have missed. */
struct par_write {
	char			 programs[512];
	char			 msg_class[32];
	char			*message_id;	/* NULL: none */
	char			 content_hash[65];
	struct mg_textsig	 sig;
	int			 has_sig;
};

struct mg_guard_par {
	pthread_mutex_t		 pool_lock;
	struct mg_ledger	*pool[PAR_POOL];
	size_t			 n_pool;
	/* Letters recorded so far; the last PAR_LOG of them in log, the
	 * n-th at n % PAR_LOG.  Both change under the guard's lock. */
	atomic_ulong		 writes;
	struct par_write	 log[PAR_LOG];
	pthread_mutex_t		 ckpt_lock;	/* one checkpoint at a time */
	struct mg_ledger	*ckpt;		/* read-write, under ckpt_lock */
};

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
	if (mg_serve_tls_load(&g->app.cfg, &g->tls_creds, err, errlen) == -1)
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
mg_guard_parallel(struct mg_guard *g)
{
	struct mg_guard_par	*p;

	if (g->par != NULL || g->app.ledger_path == NULL ||
	    (p = calloc(1, sizeof(*p))) == NULL)
		return;		/* checks stay under the lock */
	pthread_mutex_init(&p->pool_lock, NULL);
	pthread_mutex_init(&p->ckpt_lock, NULL);
	atomic_init(&p->writes, 0);
	mg_ledger_defer_checkpoints(g->app.ledger);
	g->par = p;
}

static void
par_free(struct mg_guard_par *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < p->n_pool; i++)
		mg_ledger_close(&p->pool[i]);
	for (size_t i = 0; i < PAR_LOG; i++)
		free(p->log[i].message_id);
	mg_ledger_close(&p->ckpt);
	pthread_mutex_destroy(&p->pool_lock);
	pthread_mutex_destroy(&p->ckpt_lock);
	free(p);
}

/* A read-only ledger connection of the session's, or NULL (then the
 * check runs under the lock, on the guard's own). */
static struct mg_ledger *
pool_get(struct mg_guard *g)
{
	struct mg_guard_par	*p = g->par;
	struct mg_ledger	*l = NULL;
	char			 err[MG_ERRLEN];

	if (p == NULL)
		return NULL;
	pthread_mutex_lock(&p->pool_lock);
	if (p->n_pool > 0)
		l = p->pool[--p->n_pool];
	pthread_mutex_unlock(&p->pool_lock);
	if (l != NULL)
		return l;
	if (mg_ledger_open(g->app.ledger_path, MG_LEDGER_RO, &l, err,
	    sizeof(err)) == -1)
		mg_log("warning: %s (this letter is checked under the lock)",
		    err);
	else
		mg_ledger_cache_kb(l, PAR_CACHE_KB);
	return l;
}

static void
pool_put(struct mg_guard *g, struct mg_ledger *l)
{
	struct mg_guard_par	*p = g->par;

	if (l == NULL)
		return;
	pthread_mutex_lock(&p->pool_lock);
	if (p->n_pool < PAR_POOL) {
		p->pool[p->n_pool++] = l;
		l = NULL;
	}
	pthread_mutex_unlock(&p->pool_lock);
	mg_ledger_close(&l);
}

/* Under g->lock: the letter lt was recorded (or its row taken back). */
static void
par_wrote(struct mg_guard *g, const struct mg_letter *lt)
{
	struct mg_guard_par	*p = g->par;
	struct par_write	*w;
	unsigned long		 n;

	if (p == NULL)
		return;
	n = atomic_load(&p->writes);
	w = &p->log[n % PAR_LOG];
	free(w->message_id);
	memset(w, 0, sizeof(*w));
	snprintf(w->programs, sizeof(w->programs), "%s", lt->programs);
	snprintf(w->msg_class, sizeof(w->msg_class), "%s",
	    lt->check.msg_class != NULL ? lt->check.msg_class : "");
	snprintf(w->content_hash, sizeof(w->content_hash), "%s",
	    lt->msg->hash);
	w->sig = lt->check.sig;
	w->has_sig = lt->check.sig.words > 0;
	/* Out of memory, or a cut list of programs: every check missed it. */
	if ((lt->msg->message_id != NULL && (w->message_id =
	    strdup(lt->msg->message_id)) == NULL) ||
	    strlen(lt->programs) + 1 >= sizeof(w->programs))
		w->programs[0] = '*';
	atomic_store(&p->writes, n + 1);
}

/* Under g->lock: may a check that read r, begun when since letters were
 * recorded, have missed one recorded since? */
static int
par_missed(struct mg_guard *g, unsigned long since,
    const struct mg_ledger_reads *r)
{
	struct mg_guard_par	*p = g->par;
	unsigned long		 now = atomic_load(&p->writes);

	if (now - since > PAR_LOG)
		return 1;
	for (unsigned long n = since; n < now; n++) {
		const struct par_write	*w = &p->log[n % PAR_LOG];
		struct mg_ledger_write	 lw = { .programs = w->programs,
		    .msg_class = w->msg_class, .message_id = w->message_id,
		    .content_hash = w->content_hash,
		    .sig = w->has_sig ? &w->sig : NULL };

		if (w->programs[0] == '*' || mg_ledger_reads_conflict(r, &lw))
			return 1;
	}
	return 0;
}

/* After the answer: the WAL copied into the database, on a connection of
 * its own, by one session at a time, never inside the lock. */
static void
par_checkpoint(struct mg_guard *g)
{
	struct mg_guard_par	*p = g->par;
	char			 err[MG_ERRLEN];

	if (p == NULL || mg_ledger_wal_pages(g->app.ledger) < PAR_WAL_PAGES ||
	    pthread_mutex_trylock(&p->ckpt_lock) != 0)
		return;
	if ((p->ckpt != NULL || mg_ledger_open(g->app.ledger_path,
	    MG_LEDGER_RW, &p->ckpt, err, sizeof(err)) == 0) &&
	    mg_ledger_checkpoint(p->ckpt, err, sizeof(err)) == 0)
		mg_ledger_reset_wal_pages(g->app.ledger);
	else
		mg_log("warning: %s", err);
	pthread_mutex_unlock(&p->ckpt_lock);
}

void
mg_guard_unref(struct mg_guard *g)
{
	if (g == NULL || atomic_fetch_sub(&g->refs, 1) != 1)
		return;
	par_free(g->par);
	pthread_mutex_destroy(&g->lock);
	mg_serve_tls_free(g->tls_creds);
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
on_accepted(void *arg, const struct mg_upstream_result *res)
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
	struct mg_upstream_result	  res;
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
	switch (mg_upstream_send_early(up, g->hostname, from, rcpts, data, len,
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

/* serve: the check of a parsed letter on a connection of the session's,
 * outside the lock, noting what it read and how many letters were
 * recorded before it began (mg_guard_parallel).  0 when checked; -1 when
 * it must be checked under the lock. */
static int
check_outside(struct mg_guard *g, struct checked *c, time_t now,
    struct mg_ledger_reads *reads, unsigned long *since)
{
	struct mg_ledger	*l = pool_get(g);
	char			 err[MG_ERRLEN];
	int			 rc;

	if (l == NULL)
		return -1;
	*since = atomic_load(&g->par->writes);
	mg_ledger_track(l, reads);
	rc = mg_letter_check_on(&c->lt, &g->app, l, now, MG_CHECK_RULES, err,
	    sizeof(err));
	mg_ledger_track(l, NULL);
	pool_put(g, l);
	return rc;
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
	enum mg_letter_recorded	 rec;
	struct mg_ledger_reads	 reads = { 0 };
	unsigned long		 since = 0;
	char			 err[MG_ERRLEN], werr[MG_ERRLEN];
	int			 rc;

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
	/* The lock free: the check in turn, on the guard's connection (its
	 * page cache is warm: the other connections must read again what
	 * the last record changed).  Taken: in parallel meanwhile. */
	rc = -1;
	if (g->par == NULL)
		pthread_mutex_lock(&g->lock);
	else if (pthread_mutex_trylock(&g->lock) != 0) {
		rc = check_outside(g, c, now, &reads, &since);
		pthread_mutex_lock(&g->lock);
	}
	if (find_resend(g, e, c)) {
		pthread_mutex_unlock(&g->lock);
		mg_ledger_reads_clear(&reads);
		return 0;
	}
	if (rc != 0 || par_missed(g, since, &reads))
		rc = mg_letter_check(&c->lt, &g->app, now, MG_CHECK_RULES, err,
		    sizeof(err));
	mg_ledger_reads_clear(&reads);
	if (rc == 0 && c->lt.check.verdict != MG_HOLD) {
		/* Only a row made now may be taken back (a resent copy of
		 * a message already recorded keeps its row). */
		if (mg_letter_record(&c->lt, g->app.ledger, MG_LETTER_RELAYED,
		    &rec, werr, sizeof(werr)) == -1)
			mg_log("warning: cannot record the message before "
			    "relaying it: %s", werr);
		else if ((c->reserved = rec == MG_LETTER_NEW))
			par_wrote(g, &c->lt);
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
	if (rc == 0 && rec == MG_LETTER_NEW)
		par_wrote(g, lt);
	pthread_mutex_unlock(&g->lock);
	return rc;
}

const struct mg_finding *
mg_guard_first_hold(const struct mg_findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].sev == MG_SEV_HOLD)
			return &f->v[i];
	return f->n > 0 ? &f->v[0] : NULL;
}

void
mg_guard_record_rejected(struct mg_guard *g, time_t now,
    const struct mg_letter *lt)
{
	char	id[64], err[MG_ERRLEN];

	snprintf(id, sizeof(id), "rejected-%lld-%.16s", (long long)now,
	    lt->msg->hash);
	pthread_mutex_lock(&g->lock);
	if (mg_letter_record_held(lt, g->app.ledger, id, now, "rejected",
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
    time_t now, const struct mg_letter *lt, struct mg_spool_entry *e)
{
	const struct mg_findings *fs = &lt->check.findings;
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
	e->subject = lt->msg->subject;
	e->message_id = lt->msg->message_id;
	e->in_reply_to = lt->msg->in_reply_to.n > 0 ?
	    lt->msg->in_reply_to.v[0] : NULL;
	e->programs = (char *)lt->programs;
	e->findings = sf;
	e->n_findings = fs->n;
	e->notice = mg_notice_enabled(&g->app.cfg);
	return 0;
}

int
mg_guard_spool_held(struct mg_guard *g, const char *from,
    const struct mg_strlist *rcpts, const char *data, size_t len, time_t now,
    const struct mg_letter *lt, char id[MG_SPOOL_IDLEN], char *err,
    size_t errlen)
{
	struct mg_spool_entry	e;
	int			rc;

	if (entry_of(g, from, rcpts, now, lt, &e) == -1) {
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	rc = mg_spool_hold(g->spool_dir, &e, data, len, id, err, errlen);
	free(e.findings);
	return rc;
}

/*
 * A letter relayed with warnings: a "Sent, with notes" notice in the
 * INBOX, when notices are on.  Its entry waits in <state>/notes (the
 * letter itself is not kept: it was sent) until the notice went; the
 * ledger's row of the letter keeps its findings for the review page
 * (mg_ledger_noted()).
 */
static void
notes(struct mg_guard *g, const char *from, const struct mg_strlist *rcpts,
    time_t now, const struct checked *c)
{
	struct mg_spool_entry	e;
	char			err[MG_ERRLEN], id[MG_SPOOL_IDLEN];

	if (!mg_notice_enabled(&g->app.cfg))
		return;
	if (entry_of(g, from, rcpts, now, &c->lt, &e) == -1) {
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
	const struct mg_finding	*first = mg_guard_first_hold(fs);
	char			 err[MG_ERRLEN];

	if (g->app.cfg.smtp.on_hold == MG_ON_HOLD_REJECT) {
		mg_guard_record_rejected(g, now, &c->lt);
		set_result(r, MG_OUT_REJECTED, 550, "5.7.1", "matchguard: %s",
		    first != NULL ? first->message : "held by the policy");
		return;
	}
	if (entry_of(g, from, rcpts, now, &c->lt, &e) == -1) {
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
			par_wrote(g, &c.lt);
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
	par_checkpoint(g);
}
