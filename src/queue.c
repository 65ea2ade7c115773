/*
 * queue.c - release, drop and replace a held letter (queue.h).
 */
#include "config_auto.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "matchguard/queue.h"
#include "matchguard/spool.h"

static void
set(struct mg_queue_result *r, enum mg_queue_status st, const char *fmt, ...)
{
	va_list	ap;

	r->status = st;
	va_start(ap, fmt);
	vsnprintf(r->text, sizeof(r->text), fmt, ap);
	va_end(ap);
}

static void
init(struct mg_queue_result *r)
{
	memset(r, 0, sizeof(*r));
	r->status = MG_QUEUE_ERROR;
}

/* Replaces the findings of e with f (after an edit). */
static int
set_findings(struct mg_spool_entry *e, const struct mg_findings *f)
{
	struct mg_spool_finding	*nv = calloc(f->n + 1, sizeof(*nv));

	if (nv == NULL)
		return -1;
	for (size_t i = 0; i < e->n_findings; i++) {
		free(e->findings[i].rule);
		free(e->findings[i].severity);
		free(e->findings[i].message);
		free(e->findings[i].evidence);
	}
	free(e->findings);
	e->findings = nv;
	e->n_findings = f->n;
	for (size_t i = 0; i < f->n; i++) {
		nv[i].rule = strdup(f->v[i].rule);
		nv[i].severity = strdup(mg_severity_name(f->v[i].sev));
		nv[i].message = strdup(f->v[i].message);
		nv[i].evidence = strdup(f->v[i].evidence);
		if (!nv[i].rule || !nv[i].severity || !nv[i].message ||
		    !nv[i].evidence)
			return -1;
	}
	return 0;
}

/* Parses data as the letter of entry e (its envelope) and runs mode on
 * it now, into lt.  0, or -1 with err set. */
static int
check(struct mg_guard *g, const struct mg_spool_entry *e, const char *data,
    size_t len, enum mg_check_mode mode, struct mg_letter *lt, char *err,
    size_t errlen)
{
	size_t	n;

	n = (size_t)snprintf(err, errlen, "%s: ", e->id);
	if (n >= errlen)
		n = 0;
	if (mg_letter_parse(lt, data, len, e->from, &e->rcpts, err + n,
	    errlen - n) != 0)
		return -1;
	return mg_letter_check(lt, &g->app, time(NULL), mode, err, errlen);
}

/*
 * The letter with the Date of its release, the one change made to a
 * held letter: the old Date field (and its continuation lines) replaced,
 * or one added at the top when it had none; every other byte, the
 * Message-ID included, as it was held.  *out is the caller's to free;
 * -1 when out of memory.
 */
static int
redate(const char *data, size_t len, time_t now, char **out, size_t *outlen)
{
	const char	*p = data, *end = data + len, *cut = NULL, *cut_end = NULL;
	const char	*eol = "\r\n";
	char		 field[80];
	struct tm	 tm;
	size_t		 n;

	gmtime_r(&now, &tm);
	n = strftime(field, sizeof(field), "Date: %a, %d %b %Y %H:%M:%S +0000",
	    &tm);
	while (p < end) {
		const char	*nl = memchr(p, '\n', (size_t)(end - p));
		const char	*next = nl != NULL ? nl + 1 : end;

		if (nl != NULL && (nl == p || (nl == p + 1 && *p == '\r')))
			break;	/* the end of the header */
		if (cut == NULL && (size_t)(end - p) >= 5 &&
		    strncasecmp(p, "Date:", 5) == 0) {
			cut = p;
			if (nl == NULL || nl == p || nl[-1] != '\r')
				eol = "\n";
			for (cut_end = next; cut_end < end && (*cut_end == ' ' ||
			    *cut_end == '\t');) {
				nl = memchr(cut_end, '\n',
				    (size_t)(end - cut_end));
				cut_end = nl != NULL ? nl + 1 : end;
			}
			next = cut_end;
		}
		p = next;
	}
	if (cut == NULL) {
		cut = cut_end = data;	/* no Date: one at the top */
		if (memchr(data, '\n', len) != NULL &&
		    ((const char *)memchr(data, '\n', len) == data ||
		    ((const char *)memchr(data, '\n', len))[-1] != '\r'))
			eol = "\n";
	}
	*outlen = (size_t)(cut - data) + n + strlen(eol) +
	    (size_t)(end - cut_end);
	if ((*out = malloc(*outlen + 1)) == NULL)
		return -1;
	memcpy(*out, data, (size_t)(cut - data));
	memcpy(*out + (cut - data), field, n);
	memcpy(*out + (cut - data) + n, eol, strlen(eol));
	memcpy(*out + (cut - data) + n + strlen(eol), cut_end,
	    (size_t)(end - cut_end));
	(*out)[*outlen] = '\0';
	return 0;
}

static int
held_verdict(const struct mg_letter *lt)
{
	return lt->check.verdict != MG_PASS && lt->check.verdict != MG_WARN;
}

void
mg_queue_release(struct mg_guard *g, const char *id, int recheck,
    struct mg_queue_result *r)
{
	struct mg_spool_entry	e;
	struct mg_guard_result	gr;
	char			err[MG_ERRLEN], *held, *data;
	size_t			len;

	init(r);
	if (mg_spool_load(g->spool_dir, id, &e, &held, &len, err,
	    sizeof(err)) == -1) {
		set(r, MG_QUEUE_ERROR, "%s", err);
		return;
	}
	/* It leaves now: it says so (a week's hold would date it a week
	 * back).  The check and the ledger see the letter that leaves. */
	if (redate(held, len, time(NULL), &data, &len) == -1) {
		free(held);
		mg_spool_entry_clear(&e);
		set(r, MG_QUEUE_ERROR, "out of memory");
		return;
	}
	free(held);
	if (recheck) {
		if (check(g, &e, data, len, MG_CHECK_RULES, &r->lt, err,
		    sizeof(err)) == -1) {
			set(r, MG_QUEUE_ERROR, "%s", err);
			goto out;
		}
		if (held_verdict(&r->lt)) {
			set(r, MG_QUEUE_STILL_HELD, "%s", "");
			goto out;
		}
	}
	mg_guard_deliver(g, e.from, &e.rcpts, data, len, &gr);
	if (gr.outcome != MG_OUT_RELAYED) {
		set(r, MG_QUEUE_NOT_SENT, "%d %s", gr.code, gr.text);
		goto out;
	}
	set(r, MG_QUEUE_DONE, "%s", gr.text);
	/* It left: from here on, a failure is only a warning. */
	if ((!recheck && check(g, &e, data, len, MG_CHECK_CLASSIFY, &r->lt,
	    err, sizeof(err)) == -1) ||
	    mg_guard_record(g, &r->lt, recheck ? MG_LETTER_RECHECKED :
	    MG_LETTER_RELEASED, err, sizeof(err)) == -1 ||
	    mg_ledger_set_held_state(g->app.ledger, id, "released", time(NULL),
	    err, sizeof(err)) == -1)
		snprintf(r->warning, sizeof(r->warning), "%s", err);
	if (mg_spool_remove(g->spool_dir, id, err, sizeof(err)) == -1)
		snprintf(r->warning, sizeof(r->warning), "%s", err);
out:
	free(data);
	mg_spool_entry_clear(&e);
}

void
mg_queue_drop(struct mg_guard *g, const char *id, struct mg_queue_result *r)
{
	char	err[MG_ERRLEN];

	init(r);
	if (mg_spool_remove(g->spool_dir, id, err, sizeof(err)) == -1) {
		set(r, MG_QUEUE_ERROR, "%s", err);
		return;
	}
	set(r, MG_QUEUE_DONE, "%s", "");
	if (mg_ledger_set_held_state(g->app.ledger, id, "dropped", time(NULL),
	    err, sizeof(err)) == -1)
		snprintf(r->warning, sizeof(r->warning), "%s", err);
}

void
mg_queue_replace(struct mg_guard *g, const char *id, const char *data,
    size_t len, struct mg_queue_result *r)
{
	struct mg_spool_entry	e;
	char			err[MG_ERRLEN];

	init(r);
	if (mg_spool_load(g->spool_dir, id, &e, NULL, NULL, err,
	    sizeof(err)) == -1) {
		set(r, MG_QUEUE_ERROR, "%s", err);
		return;
	}
	if (check(g, &e, data, len, MG_CHECK_RULES, &r->lt, err,
	    sizeof(err)) == -1) {
		set(r, MG_QUEUE_ERROR, "%s", err);
		goto out;
	}
	if (set_findings(&e, &r->lt.check.findings) == -1) {
		set(r, MG_QUEUE_ERROR, "out of memory");
		goto out;
	}
	if (mg_spool_update(g->spool_dir, &e, data, len, err,
	    sizeof(err)) == -1) {
		set(r, MG_QUEUE_ERROR, "%s", err);
		goto out;
	}
	set(r, held_verdict(&r->lt) ? MG_QUEUE_STILL_HELD : MG_QUEUE_DONE,
	    "%s", "");
out:
	mg_spool_entry_clear(&e);
}

void
mg_queue_result_clear(struct mg_queue_result *r)
{
	mg_letter_clear(&r->lt);
}
