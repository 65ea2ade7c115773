/*
 * review_pages.c - what the review page shows (review.h): the letters
 * waiting, one letter with its findings and its text (the evidence
 * marked), editing it, send anyway and drop (through queue.h), checking
 * a draft, the timeline, the letters sent with notes.  Everything that
 * comes from a letter or the ledger is escaped.
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "matchguard/letter_edit.h"
#include "matchguard/queue.h"
#include "matchguard/review_token.h"
#include "matchguard/timeline.h"
#include "review_priv.h"

#define HTML	"text/html; charset=utf-8"
#define NOTES_MAX	100	/* letters on "Sent with notes" */

/* A finding as both the spool and a fresh check give it. */
struct fview {
	const char	*rule;
	const char	*sev;		/* "hold", "warn", "info" */
	const char	*message;
	const char	*evidence;
};

void
review_esc_n(struct mg_buf *b, const char *s, size_t n)
{
	size_t	run = 0;

	for (size_t i = 0; i < n; i++) {
		const char	*e = NULL;

		switch (s[i]) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		case '\0': e = ""; break;
		default: break;
		}
		if (e == NULL) {
			run++;
			continue;
		}
		mg_buf_add(b, s + i - run, run);
		run = 0;
		mg_buf_puts(b, e);
	}
	mg_buf_add(b, s + n - run, run);
}

void
review_esc(struct mg_buf *b, const char *s)
{
	if (s != NULL)
		review_esc_n(b, s, strlen(s));
}

static void
page_start(const struct review_ctx *c, struct review_answer *a,
    const char *title)
{
	struct mg_buf	*b = &a->body;

	a->status = 200;
	a->type = HTML;
	mg_buf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\"><title>");
	review_esc(b, title);
	mg_buf_printf(b, " - matchguard</title><link rel=\"stylesheet\" "
	    "href=\"%s/style.css\"></head><body>\n<header><span "
	    "class=\"brand\">matchguard</span><nav>"
	    "<a href=\"%s/\">Waiting letters</a>"
	    "<a href=\"%s/draft\">Check a draft</a>"
	    "<a href=\"%s/timeline\">Timeline</a>"
	    "<a href=\"%s/notes\">Sent with notes</a></nav></header>\n<main>\n",
	    c->base, c->base, c->base, c->base, c->base);
}

static void
page_end(struct review_answer *a)
{
	mg_buf_puts(&a->body, "</main></body></html>\n");
}

/* A short page: a heading, one message, a link back. */
static void
page_message(const struct review_ctx *c, struct review_answer *a,
    unsigned status, const char *cls, const char *title, const char *text)
{
	page_start(c, a, title);
	a->status = status;
	mg_buf_printf(&a->body, "<div class=\"notice %s\"><h1>", cls);
	review_esc(&a->body, title);
	mg_buf_puts(&a->body, "</h1><p>");
	review_esc(&a->body, text);
	mg_buf_printf(&a->body, "</p></div><p><a href=\"%s/\">Back to the "
	    "waiting letters</a></p>\n", c->base);
	page_end(a);
}

/* A form with one button, posting to base + path with its CSRF value. */
static void
button(const struct review_ctx *c, struct mg_buf *b, const char *path,
    const char *cls, const char *label)
{
	char	csrf[MG_REVIEW_CSRF_LEN + 1];

	if (mg_review_csrf(c->token, path, csrf) == -1)
		csrf[0] = '\0';
	mg_buf_printf(b, "<form method=\"post\" action=\"%s%s\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	    "<button class=\"%s\">", c->base, path, csrf, cls);
	review_esc(b, label);
	mg_buf_puts(b, "</button></form>");
}

/* The names of the programs "a,b" (their ids when not in the directory). */
static void
program_names(const struct review_ctx *c, struct mg_buf *b, const char *ids)
{
	const struct mg_directory	*dir = &c->g->app.cfg.dir;
	char				 id[128];
	int				 first = 1;

	for (const char *s = ids; s != NULL && *s != '\0';) {
		size_t	n = strcspn(s, ",");
		const struct mg_program	*p;

		snprintf(id, sizeof(id), "%.*s", (int)(n < sizeof(id) ? n :
		    sizeof(id) - 1), s);
		p = mg_directory_find_id(dir, id);
		if (!first)
			mg_buf_puts(b, ", ");
		review_esc(b, p != NULL ? p->name : id);
		first = 0;
		s += n;
		if (*s == ',')
			s++;
	}
	if (first)
		mg_buf_puts(b, "no program in your list");
}

static const char *
sev_label(const char *sev)
{
	if (strcmp(sev, "hold") == 0)
		return "Must fix";
	if (strcmp(sev, "warn") == 0)
		return "Worth a look";
	return "Note";
}

static void
findings_list(struct mg_buf *b, const struct fview *f, size_t n)
{
	if (n == 0) {
		mg_buf_puts(b, "<p class=\"ok\">No problem found.</p>\n");
		return;
	}
	mg_buf_puts(b, "<ol class=\"findings\">\n");
	for (size_t i = 0; i < n; i++) {
		mg_buf_printf(b, "<li class=\"sev-%s\"><span class=\"badge\">%s"
		    "</span> ", strcmp(f[i].sev, "hold") == 0 ? "hold" :
		    strcmp(f[i].sev, "warn") == 0 ? "warn" : "info",
		    sev_label(f[i].sev));
		review_esc(b, f[i].message);
		if (f[i].evidence != NULL && f[i].evidence[0] != '\0') {
			mg_buf_puts(b, "<blockquote>");
			review_esc(b, f[i].evidence);
			mg_buf_puts(b, "</blockquote>");
		}
		mg_buf_puts(b, "<small>");
		review_esc(b, f[i].rule);
		mg_buf_puts(b, "</small></li>\n");
	}
	mg_buf_puts(b, "</ol>\n");
}

/* The text with every finding's evidence marked (case aside; shorter
 * than 3 bytes is not looked for). */
static void
highlighted(struct mg_buf *b, const char *text, const struct fview *f,
    size_t n)
{
	size_t		 len = strlen(text), start = 0;
	unsigned char	*m = calloc(len + 1, 1);

	mg_buf_puts(b, "<div class=\"letter\">");
	if (m == NULL) {
		review_esc(b, text);
		mg_buf_puts(b, "</div>\n");
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char	*ev = f[i].evidence, *p = text, *q;
		size_t		 el = ev != NULL ? strlen(ev) : 0;

		if (el < 3)
			continue;
		while ((q = strcasestr(p, ev)) != NULL) {
			memset(m + (q - text), 1, el);
			p = q + el;
		}
	}
	for (size_t i = 0; i <= len; i++) {
		if (i < len && (i == 0 || m[i] == m[i - 1]))
			continue;
		if (i > start) {
			if (m[start])
				mg_buf_puts(b, "<mark>");
			review_esc_n(b, text + start, i - start);
			if (m[start])
				mg_buf_puts(b, "</mark>");
		}
		start = i;
	}
	free(m);
	mg_buf_puts(b, "</div>\n");
}

static int
has_hold(const struct fview *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].sev, "hold") == 0)
			return 1;
	return 0;
}

static struct fview *
spool_views(const struct mg_spool_entry *e)
{
	struct fview	*v = calloc(e->n_findings + 1, sizeof(*v));

	for (size_t i = 0; v != NULL && i < e->n_findings; i++) {
		v[i].rule = e->findings[i].rule;
		v[i].sev = e->findings[i].severity;
		v[i].message = e->findings[i].message;
		v[i].evidence = e->findings[i].evidence;
	}
	return v;
}

static struct fview *
check_views(const struct mg_findings *f)
{
	struct fview	*v = calloc(f->n + 1, sizeof(*v));

	for (size_t i = 0; v != NULL && i < f->n; i++) {
		v[i].rule = f->v[i].rule;
		v[i].sev = mg_severity_name(f->v[i].sev);
		v[i].message = f->v[i].message;
		v[i].evidence = f->v[i].evidence;
	}
	return v;
}

/* The subject to show ("(no subject)" when it has none). */
static const char *
subject_of(const char *s)
{
	return s != NULL && s[0] != '\0' ? s : "(no subject)";
}

static void
when(time_t t, char *buf, size_t len)
{
	struct tm	tm;

	if (localtime_r(&t, &tm) == NULL || strftime(buf, len,
	    "%A %e %B %Y, %H:%M", &tm) == 0)
		snprintf(buf, len, "?");
}

/*
 * The pages
 */

/* Held letter id and its message, or a 404 page in a and -1. */
static int
load_letter(const struct review_ctx *c, struct review_answer *a,
    const char *id, struct mg_spool_entry *e, char **data, size_t *len)
{
	char	err[MG_ERRLEN];

	if (mg_spool_load(c->g->spool_dir, id, e, data, len, err,
	    sizeof(err)) == 0)
		return 0;
	page_message(c, a, 404, "bad", "No such letter", "This letter is no "
	    "longer waiting: it was sent or deleted.");
	return -1;
}

static void
page_list(const struct review_ctx *c, struct review_answer *a)
{
	struct mg_spool_entry	*v;
	struct mg_buf		*b = &a->body;
	size_t			 n;
	char			 err[MG_ERRLEN], w[64];

	page_start(c, a, "Waiting letters");
	if (mg_spool_list(c->g->spool_dir, &v, &n, err, sizeof(err)) == -1) {
		mg_buf_puts(b, "<div class=\"notice bad\"><p>");
		review_esc(b, err);
		mg_buf_puts(b, "</p></div>");
		page_end(a);
		return;
	}
	mg_buf_puts(b, "<h1>Letters waiting for you</h1>\n");
	if (n == 0)
		mg_buf_puts(b, "<div class=\"notice good\"><p>No letter is "
		    "waiting. Every letter you sent has gone out.</p></div>\n");
	else
		mg_buf_printf(b, "<p class=\"lead\">matchguard kept back %zu "
		    "letter%s because something in %s could hurt your "
		    "application. <strong>%s not been sent.</strong> Open one "
		    "to see why, then fix it, send it anyway or delete it.</p>"
		    "\n<ul class=\"held\">\n", n, n == 1 ? "" : "s",
		    n == 1 ? "it" : "them", n == 1 ? "It has" : "They have");
	for (size_t i = 0; i < n; i++) {
		size_t	holds = 0;

		for (size_t k = 0; k < v[i].n_findings; k++)
			holds += strcmp(v[i].findings[k].severity, "hold") == 0;
		when(v[i].held_at, w, sizeof(w));
		mg_buf_printf(b, "<li><a href=\"%s/letter/", c->base);
		review_esc(b, v[i].id);
		mg_buf_puts(b, "\"><span class=\"subject\">");
		review_esc(b, subject_of(v[i].subject));
		mg_buf_puts(b, "</span></a><span class=\"meta\">To ");
		program_names(c, b, v[i].programs);
		mg_buf_printf(b, " &middot; kept back %s &middot; %zu thing%s "
		    "to fix, %zu note%s</span></li>\n", w, holds,
		    holds == 1 ? "" : "s", v[i].n_findings - holds,
		    v[i].n_findings - holds == 1 ? "" : "s");
	}
	if (n > 0)
		mg_buf_puts(b, "</ul>\n");
	mg_spool_free_list(v, n);
	page_end(a);
}

/* One held letter; notice (NULL: none) and its class head the page. */
static void
page_letter(const struct review_ctx *c, struct review_answer *a,
    const char *id, const char *cls, const char *notice)
{
	struct mg_spool_entry	 e;
	struct mg_buf		*b = &a->body;
	struct fview		*f;
	char			 err[MG_ERRLEN], *data, *text = NULL, path[96];
	char			 w[64];
	size_t			 len;

	if (load_letter(c, a, id, &e, &data, &len) == -1)
		return;
	if (mg_letter_edit_text(data, len, &text, err, sizeof(err)) == -1)
		text = NULL;
	f = spool_views(&e);
	page_start(c, a, subject_of(e.subject));
	if (notice != NULL) {
		mg_buf_printf(b, "<div class=\"notice %s\"><p>", cls);
		review_esc(b, notice);
		mg_buf_puts(b, "</p></div>\n");
	}
	mg_buf_puts(b, "<h1>");
	review_esc(b, subject_of(e.subject));
	when(e.held_at, w, sizeof(w));
	mg_buf_puts(b, "</h1>\n<dl class=\"head\"><dt>To</dt><dd>");
	program_names(c, b, e.programs);
	mg_buf_puts(b, " <span class=\"addr\">");
	for (size_t i = 0; i < e.rcpts.n; i++) {
		mg_buf_puts(b, i > 0 ? ", " : "(");
		review_esc(b, e.rcpts.v[i]);
	}
	mg_buf_printf(b, "%s</span></dd><dt>Kept back</dt><dd>%s, not sent"
	    "</dd></dl>\n", e.rcpts.n > 0 ? ")" : "", w);
	mg_buf_puts(b, has_hold(f, e.n_findings) ? "<h2>What to fix</h2>\n" :
	    "<h2>It passes the checks now</h2>\n");
	if (f != NULL)
		findings_list(b, f, e.n_findings);
	mg_buf_puts(b, "<h2>Your letter</h2>\n");
	if (text != NULL && f != NULL)
		highlighted(b, text, f, e.n_findings);
	else {
		mg_buf_puts(b, "<p>");
		review_esc(b, err);
		mg_buf_puts(b, "</p>");
	}
	mg_buf_puts(b, "<div class=\"actions\">");
	if (f != NULL && !has_hold(f, e.n_findings)) {
		snprintf(path, sizeof(path), "/letter/%s/send-checked", e.id);
		button(c, b, path, "primary", "Send it now");
	}
	mg_buf_printf(b, "<a class=\"button\" href=\"%s/letter/", c->base);
	review_esc(b, e.id);
	mg_buf_puts(b, "/edit\">Edit the letter</a>");
	if (f == NULL || has_hold(f, e.n_findings)) {
		snprintf(path, sizeof(path), "/letter/%s/send", e.id);
		button(c, b, path, "warning", "Send anyway");
	}
	snprintf(path, sizeof(path), "/letter/%s/drop", e.id);
	button(c, b, path, "danger", "Delete, do not send");
	mg_buf_puts(b, "</div>\n<p class=\"hint\"><strong>Send anyway</strong> "
	    "sends it as it is, and remembers that you chose to. "
	    "<strong>Delete</strong> throws it away: it is never sent.</p>\n");
	page_end(a);
	free(f);
	free(text);
	free(data);
	mg_spool_entry_clear(&e);
}

static void
page_edit(const struct review_ctx *c, struct review_answer *a,
    const char *id)
{
	struct mg_spool_entry	 e;
	struct mg_buf		*b = &a->body;
	char			 err[MG_ERRLEN], *data, *text, path[96];
	char			 csrf[MG_REVIEW_CSRF_LEN + 1];
	size_t			 len;

	if (load_letter(c, a, id, &e, &data, &len) == -1)
		return;
	if (mg_letter_edit_text(data, len, &text, err, sizeof(err)) == -1) {
		page_message(c, a, 409, "bad", "This letter cannot be edited "
		    "here", err);
		goto out;
	}
	snprintf(path, sizeof(path), "/letter/%s/edit", e.id);
	if (mg_review_csrf(c->token, path, csrf) == -1)
		csrf[0] = '\0';
	page_start(c, a, "Edit your letter");
	mg_buf_puts(b, "<h1>Edit: ");
	review_esc(b, subject_of(e.subject));
	mg_buf_puts(b, "</h1>\n<p class=\"lead\">Change the text below and "
	    "save. matchguard checks it again; nothing is sent until you "
	    "say so. The HTML version of the letter is made again from this "
	    "text, so both say the same.</p>\n");
	mg_buf_printf(b, "<form method=\"post\" action=\"%s%s\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	    "<textarea name=\"text\" rows=\"24\">", c->base, path, csrf);
	review_esc(b, text);
	mg_buf_printf(b, "</textarea><div class=\"actions\"><button "
	    "class=\"primary\">Save and check again</button><a "
	    "class=\"button\" href=\"%s/letter/", c->base);
	review_esc(b, e.id);
	mg_buf_puts(b, "\">Cancel</a></div></form>\n");
	page_end(a);
	free(text);
out:
	free(data);
	mg_spool_entry_clear(&e);
}

static void
post_edit(const struct review_ctx *c, struct review_answer *a,
    const char *id, const struct review_form *form)
{
	struct mg_spool_entry	 e;
	struct mg_queue_result	 r;
	const struct mg_buf	*t = &form->f[RF_TEXT];
	char			 err[MG_ERRLEN], *data, *ndata;
	size_t			 len, nlen;

	if (load_letter(c, a, id, &e, &data, &len) == -1)
		return;
	mg_spool_entry_clear(&e);
	if (mg_letter_edit_replace(data, len, t->s != NULL ? t->s : "",
	    t->len, &ndata, &nlen, err, sizeof(err)) == -1) {
		free(data);
		page_message(c, a, 400, "bad", "Not saved", err);
		return;
	}
	free(data);
	mg_queue_replace(c->g, id, ndata, nlen, &r);
	free(ndata);
	if (r.status == MG_QUEUE_ERROR)
		page_message(c, a, 500, "bad", "Not saved", r.text);
	else if (r.status == MG_QUEUE_STILL_HELD)
		page_letter(c, a, id, "warn", "Saved. It is still kept back: "
		    "see what to fix below.");
	else
		page_letter(c, a, id, "good", "Saved. It passes the checks "
		    "now: press \"Send it now\" to send it.");
	mg_queue_result_clear(&r);
}

static void
post_send(const struct review_ctx *c, struct review_answer *a,
    const char *id, int recheck)
{
	struct mg_queue_result	r;
	char			text[1024];

	mg_queue_release(c->g, id, recheck, &r);
	switch (r.status) {
	case MG_QUEUE_DONE:
		snprintf(text, sizeof(text), "Your letter has gone to the mail "
		    "server (it said: %s).%s", r.text, recheck ? "" : " It is "
		    "recorded as your decision to send it despite the notes.");
		page_message(c, a, 200, "good", "Sent", text);
		break;
	case MG_QUEUE_STILL_HELD:
		page_letter(c, a, id, "warn", "Not sent: a new check still "
		    "finds something to fix.");
		break;
	case MG_QUEUE_NOT_SENT:
		snprintf(text, sizeof(text), "The mail server did not take it "
		    "(%s). It is still waiting here: try again later.", r.text);
		page_message(c, a, 502, "bad", "Not sent", text);
		break;
	case MG_QUEUE_ERROR:
		page_message(c, a, 404, "bad", "Not sent", r.text);
		break;
	}
	mg_queue_result_clear(&r);
}

static void
post_drop(const struct review_ctx *c, struct review_answer *a,
    const char *id)
{
	struct mg_queue_result	r;

	mg_queue_drop(c->g, id, &r);
	if (r.status == MG_QUEUE_DONE)
		page_message(c, a, 200, "good", "Deleted", "The letter is "
		    "deleted. It was not sent, and never will be.");
	else
		page_message(c, a, 404, "bad", "Not deleted", r.text);
	mg_queue_result_clear(&r);
}

static void
draft_form(const struct review_ctx *c, struct mg_buf *b)
{
	char	csrf[MG_REVIEW_CSRF_LEN + 1];

	if (mg_review_csrf(c->token, "/draft", csrf) == -1)
		csrf[0] = '\0';
	mg_buf_printf(b, "<form method=\"post\" action=\"%s/draft\" "
	    "enctype=\"multipart/form-data\" class=\"draft\">"
	    "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
	    "<label>To (the program's address)<input name=\"to\" "
	    "type=\"email\"></label>"
	    "<label>Subject<input name=\"subject\"></label>"
	    "<label>Text<textarea name=\"text\" rows=\"14\"></textarea>"
	    "</label><label>Or a saved letter (.eml)<input name=\"eml\" "
	    "type=\"file\" accept=\".eml,message/rfc822\"></label>"
	    "<div class=\"actions\"><button class=\"primary\">Check it"
	    "</button></div></form>\n", c->base, csrf);
}

static void
page_draft(const struct review_ctx *c, struct review_answer *a)
{
	page_start(c, a, "Check a draft");
	mg_buf_puts(&a->body, "<h1>Check a draft</h1>\n<p class=\"lead\">"
	    "Paste a letter you are writing, or choose a saved one. matchguard "
	    "shows what it would say. Nothing is sent and nothing is "
	    "remembered.</p>\n");
	draft_form(c, &a->body);
	page_end(a);
}

/* One header line's value from a field: no line breaks. */
static void
header_value(struct mg_buf *b, const struct mg_buf *f)
{
	for (size_t i = 0; f->s != NULL && i < f->len && i < 998; i++)
		mg_buf_add(b, f->s[i] == '\r' || f->s[i] == '\n' ? " " :
		    f->s + i, 1);
}

/* The draft as a message: the uploaded one, or one made of the fields. */
static int
draft_message(const struct review_form *form, struct mg_buf *m)
{
	const struct mg_buf	*eml = &form->f[RF_EML];

	if (eml->len > 0) {
		mg_buf_add(m, eml->s, eml->len);
		return 0;
	}
	if (form->f[RF_TEXT].len == 0)
		return -1;
	mg_buf_puts(m, "To: ");
	header_value(m, &form->f[RF_TO]);
	mg_buf_puts(m, "\nSubject: ");
	header_value(m, &form->f[RF_SUBJECT]);
	mg_buf_puts(m, "\nMIME-Version: 1.0\nContent-Type: text/plain; "
	    "charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n");
	mg_buf_add(m, form->f[RF_TEXT].s, form->f[RF_TEXT].len);
	mg_buf_puts(m, "\n");
	return 0;
}

static void
post_draft(const struct review_ctx *c, struct review_answer *a,
    const struct review_form *form)
{
	struct mg_letter	 lt = { 0 };
	struct mg_buf		 m = { 0 }, *b = &a->body;
	struct fview		*f = NULL;
	char			 err[MG_ERRLEN], *text = NULL;
	int			 held;

	if (draft_message(form, &m) == -1 || m.failed) {
		mg_buf_free(&m);
		page_message(c, a, 400, "bad", "Nothing to check", "Paste the "
		    "text of a letter, or choose a saved one.");
		return;
	}
	if (mg_letter_parse(&lt, m.s, m.len, NULL, NULL, err,
	    sizeof(err)) != 0 || mg_letter_check(&lt, &c->g->app, time(NULL),
	    MG_CHECK_RULES, err, sizeof(err)) == -1 ||
	    (f = check_views(&lt.check.findings)) == NULL) {
		page_message(c, a, 400, "bad", "This cannot be checked", err);
		goto out;
	}
	held = lt.check.verdict == MG_HOLD;
	page_start(c, a, "Check a draft");
	mg_buf_printf(b, "<h1>Check a draft</h1>\n<div class=\"notice %s\">"
	    "<p>%s</p></div>\n", held ? "warn" : "good", held ? "matchguard "
	    "would keep this letter back. See what to fix below." : "This "
	    "letter would be sent.");
	mg_buf_puts(b, "<p>To ");
	program_names(c, b, lt.programs);
	mg_buf_puts(b, "</p><h2>What matchguard says</h2>\n");
	findings_list(b, f, lt.check.findings.n);
	if (mg_letter_edit_text(m.s, m.len, &text, err, sizeof(err)) == 0) {
		mg_buf_puts(b, "<h2>Your draft</h2>\n");
		highlighted(b, text, f, lt.check.findings.n);
	}
	mg_buf_puts(b, "<h2>Check another</h2>\n");
	draft_form(c, b);
	page_end(a);
out:
	free(text);
	free(f);
	mg_letter_clear(&lt);
	mg_buf_free(&m);
}

static void
page_timeline(const struct review_ctx *c, struct review_answer *a)
{
	struct mg_app	*app = &c->g->app;
	struct mg_buf	*b = &a->body;
	char		 err[MG_ERRLEN];
	time_t		 now = time(NULL);

	page_start(c, a, "Timeline");
	mg_buf_puts(b, "<h1>Timeline</h1>\n<p class=\"lead\">For each "
	    "program: what you sent this season, when it last answered, and "
	    "the first day a follow-up with no news would be welcome.</p>\n"
	    "<table class=\"timeline\"><thead><tr><th>Program</th>"
	    "<th>Letters sent</th><th>Last sent</th><th>Last reply</th>"
	    "<th>Silent for</th><th>Next follow-up</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < app->cfg.dir.n; i++) {
		struct mg_timeline_row	r;

		if (mg_timeline_row(app, &app->cfg.dir.programs[i], now, &r,
		    err, sizeof(err)) == -1) {
			mg_buf_puts(b, "<tr><td colspan=\"6\">");
			review_esc(b, err);
			mg_buf_puts(b, "</td></tr>");
			break;
		}
		mg_buf_puts(b, "<tr><td>");
		review_esc(b, r.program->name);
		mg_buf_printf(b, "</td><td>%ld</td><td>", r.totals.sent);
		review_esc(b, r.sent);
		mg_buf_puts(b, "</td><td>");
		review_esc(b, r.reply);
		mg_buf_puts(b, "</td><td>");
		review_esc(b, r.silent);
		mg_buf_puts(b, "</td><td>");
		review_esc(b, r.next);
		if (r.out.waiting_on_status)
			mg_buf_puts(b, "<br><small>only with news of your own: "
			    "they have not answered your question about your "
			    "application</small>");
		mg_buf_puts(b, "</td></tr>\n");
	}
	mg_buf_puts(b, "</tbody></table>\n");
	page_end(a);
}

struct notes {
	const struct review_ctx	*c;
	struct mg_buf		*b;
	size_t			 n;
};

static int
note_row(const struct mg_noted_row *r, void *arg)
{
	struct notes	*ns = arg;
	struct fview	 f[MG_LEDGER_NOTED_FINDINGS];
	char		 w[64];

	if (ns->n++ == 0)
		mg_buf_puts(ns->b, "<ul class=\"held\">\n");
	for (size_t i = 0; i < r->n; i++) {
		f[i].rule = r->f[i].rule;
		f[i].sev = r->f[i].severity;
		f[i].message = r->f[i].message;
		f[i].evidence = r->f[i].evidence;
	}
	when(r->date, w, sizeof(w));
	mg_buf_puts(ns->b, "<li><span class=\"subject\">");
	review_esc(ns->b, subject_of(r->subject));
	mg_buf_puts(ns->b, "</span><span class=\"meta\">To ");
	program_names(ns->c, ns->b, r->programs);
	mg_buf_printf(ns->b, " &middot; sent %s</span>\n", w);
	findings_list(ns->b, f, r->n);
	mg_buf_puts(ns->b, "</li>\n");
	return 0;
}

static void
page_notes(const struct review_ctx *c, struct review_answer *a)
{
	struct notes	 ns = { c, &a->body, 0 };
	char		 err[MG_ERRLEN];

	page_start(c, a, "Sent with notes");
	mg_buf_puts(&a->body, "<h1>Sent with notes</h1>\n<p class=\"lead\">"
	    "These letters were sent, but matchguard noticed something worth "
	    "knowing for next time.</p>\n");
	if (mg_ledger_noted(c->g->app.ledger,
	    mg_day_to_time(c->g->app.cfg.season_start), NOTES_MAX, note_row,
	    &ns, err, sizeof(err)) == -1) {
		mg_buf_puts(&a->body, "<div class=\"notice bad\"><p>");
		review_esc(&a->body, err);
		mg_buf_puts(&a->body, "</p></div>");
	} else if (ns.n == 0)
		mg_buf_puts(&a->body, "<div class=\"notice good\"><p>No letter "
		    "this season was sent with a note.</p></div>\n");
	else
		mg_buf_puts(&a->body, "</ul>\n");
	page_end(a);
}

/* "/letter/ID/ACTION": the ID (a spool ID's characters only) and the
 * action ("" for none).  0, or -1 when path is not of that form. */
static int
letter_path(const char *path, char id[MG_SPOOL_IDLEN], const char **action)
{
	const char	*s = path + strlen("/letter/");
	size_t		 n = strspn(s, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

	if (strncmp(path, "/letter/", 8) != 0 || n == 0 ||
	    n >= MG_SPOOL_IDLEN || s[0] == '.' || (s[n] != '\0' &&
	    s[n] != '/'))
		return -1;
	memcpy(id, s, n);
	id[n] = '\0';
	*action = s[n] == '/' ? s + n + 1 : "";
	return 0;
}

void
review_route(const struct review_ctx *c, const char *method,
    const char *path, const struct review_form *form,
    struct review_answer *a)
{
	int		 post = strcmp(method, "POST") == 0;
	char		 id[MG_SPOOL_IDLEN];
	const char	*act;

	memset(a, 0, sizeof(*a));
	if (!post && strcmp(path, "/style.css") == 0) {
		a->status = 200;
		a->type = "text/css; charset=utf-8";
		mg_buf_puts(&a->body, review_css);
	} else if (!post && strcmp(path, "/") == 0)
		page_list(c, a);
	else if (strcmp(path, "/draft") == 0)
		post ? post_draft(c, a, form) : page_draft(c, a);
	else if (!post && strcmp(path, "/timeline") == 0)
		page_timeline(c, a);
	else if (!post && strcmp(path, "/notes") == 0)
		page_notes(c, a);
	else if (letter_path(path, id, &act) == 0 && !post && *act == '\0')
		page_letter(c, a, id, NULL, NULL);
	else if (letter_path(path, id, &act) == 0 && strcmp(act, "edit") == 0)
		post ? post_edit(c, a, id, form) : page_edit(c, a, id);
	else if (post && letter_path(path, id, &act) == 0 &&
	    strcmp(act, "send") == 0)
		post_send(c, a, id, 0);
	else if (post && letter_path(path, id, &act) == 0 &&
	    strcmp(act, "send-checked") == 0)
		post_send(c, a, id, 1);
	else if (post && letter_path(path, id, &act) == 0 &&
	    strcmp(act, "drop") == 0)
		post_drop(c, a, id);
	else
		page_message(c, a, 404, "bad", "Not found", "There is no such "
		    "page.");
}
