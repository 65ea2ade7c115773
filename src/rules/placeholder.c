/*
 * placeholder.c - unfilled template slots: "[Program Name]",
 * "Dr. [Last Name]", "<<name>>", "{{program}}", "<insert date>", "___".
 * Those are held.
 *
 * TBD, TBA, TBC, XX, XXX and ??? standing alone are judged by the words
 * around them: honest text (a karyotype "46,XX", "XX chromosome") is not
 * reported; where a name, place, date or number goes ("Dear Dr. TBD",
 * "at XXX Medical Center", "on XX/XX/2026") it is held; anywhere else
 * ("The exact date is TBD by the testing center") it is a warning.
 *
 * The subject, the new text and the signature are searched ("[Your Full
 * Name]" under the "-- " line is a slot too); a slot in a quoted reply was
 * not written by the applicant in this message.
 */
#include "config_auto.h"

#include <stdlib.h>
#include <string.h>

#include "matchguard/policy.h"
#include "matchguard/util.h"
#include "sentence.h"

#define MAX_SLOTS	3	/* findings per message; more is noise */
#define MAX_FOUND	32	/* candidate slots examined per message */
#define EXCEPT_AFTER	16	/* bytes after a slot that except may read */
#define WIN_BEFORE	64	/* window of a bare word, before and after */
#define WIN_AFTER	48
#define MAX_SIGNATURE	(16u * 1024u)
#define MARK		"<SLOT>"

static const char *const lists[] = {
	"placeholder.patterns", "placeholder.patterns_case",
	"placeholder.except", "placeholder.except_line",
	"placeholder.bare_case", "placeholder.bare_honest",
	"placeholder.bare_slot", NULL
};

enum where { IN_SUBJECT, IN_TEXT, IN_SIGNATURE };

static const char *const where_name[] = { "subject", "message", "signature" };

struct slot {
	const struct mg_normtext *view;
	enum where		  where;
	size_t			  start, end;
	enum mg_severity	  sev;
	int			  bare;
};

struct slots {
	struct slot	v[MAX_FOUND];
	size_t		n;
};

static int
overlaps(const struct slots *sl, const struct mg_normtext *view, size_t start,
    size_t end)
{
	for (size_t i = 0; i < sl->n; i++)
		if (sl->v[i].view == view && start < sl->v[i].end &&
		    sl->v[i].start < end)
			return 1;
	return 0;
}

static void
add(struct slots *sl, const struct mg_normtext *view, enum where where,
    size_t start, size_t end, enum mg_severity sev, int bare)
{
	if (sl->n < MAX_FOUND)
		sl->v[sl->n++] = (struct slot){ view, where, start, end, sev,
		    bare };
}

/* Does list name match the copy of s[from, to)?  -1 when out of memory. */
static int
match_range(const struct mg_check_ctx *ctx, const char *name, const char *s,
    size_t from, size_t to)
{
	const struct mg_patlist	*pl = mg_filters_get(ctx->filters, name);
	char			*copy;
	int			 yes;

	if (pl == NULL)
		return 0;
	if ((copy = mg_strndup(s + from, to - from)) == NULL)
		return -1;
	yes = mg_patlist_match_str(pl, copy);
	free(copy);
	return yes;
}

/* Is the match [start, end) of view excused by except or except_line? */
static int
excused(const struct mg_check_ctx *ctx, const struct mg_normtext *view,
    size_t start, size_t end)
{
	size_t	z = end + EXCEPT_AFTER < view->len ? end + EXCEPT_AFTER :
	    view->len;
	size_t	a = view->map[start], b = view->map[start];
	int	rc;

	if ((rc = match_range(ctx, "placeholder.except", view->s, start, z)) != 0)
		return rc;
	while (a > 0 && view->orig[a - 1] != '\n')
		a--;
	while (b < view->orig_len && view->orig[b] != '\n' && view->orig[b] != '\r')
		b++;
	return match_range(ctx, "placeholder.except_line", view->orig, a, b);
}

/* The bracketed, braced and angled slots of view: holds. */
static int
find_strict(const struct mg_check_ctx *ctx, const struct mg_normtext *view,
    enum where where, struct slots *sl)
{
	for (size_t l = 0; l < 2; l++) {
		const struct mg_patlist	*pl = mg_filters_get(ctx->filters,
		    lists[l]);
		size_t			 from = 0, start, end;
		int			 rc;

		while (pl != NULL && sl->n < MAX_FOUND &&
		    mg_patlist_find(pl, NULL, view, from, &start, &end)) {
			from = end > start ? end : start + 1;
			if (overlaps(sl, view, start, end))
				continue;
			if ((rc = excused(ctx, view, start, end)) == -1)
				return -1;
			if (rc == 0)
				add(sl, view, where, start, end, MG_SEV_HOLD, 0);
		}
	}
	return 0;
}

/* The window of the bare word [start, end) with the word replaced by MARK.
 * Caller frees. */
static char *
window(const struct mg_normtext *view, size_t start, size_t end)
{
	size_t	 a = start > WIN_BEFORE ? start - WIN_BEFORE : 0;
	size_t	 z = end + WIN_AFTER < view->len ? end + WIN_AFTER : view->len;
	size_t	 nb = start - a, na = z - end, nm = strlen(MARK);
	char	*w;

	if ((w = malloc(nb + nm + na + 1)) == NULL)
		return NULL;
	memcpy(w, view->s + a, nb);
	memcpy(w + nb, MARK, nm);
	memcpy(w + nb + nm, view->s + end, na);
	w[nb + nm + na] = '\0';
	return w;
}

/* Honest (0), a slot where a name or date goes (hold), or maybe a slot
 * (warn); -1 when out of memory. */
static int
judge_bare(const struct mg_check_ctx *ctx, const struct mg_normtext *view,
    size_t start, size_t end, enum mg_severity *sev)
{
	char	*w = window(view, start, end);
	int	 honest, slot;

	if (w == NULL)
		return -1;
	honest = mg_patlist_match_str(mg_filters_get(ctx->filters,
	    "placeholder.bare_honest"), w);
	slot = !honest && mg_patlist_match_str(mg_filters_get(ctx->filters,
	    "placeholder.bare_slot"), w);
	free(w);
	*sev = slot ? MG_SEV_HOLD : MG_SEV_WARN;
	return !honest;
}

/* Joins a bare word to the bare slot just before it when only a "/",
 * "-", "." or ":" is between: "XX/XX/2026" is one slot. */
static int
join_last(struct slots *sl, const struct mg_normtext *view, size_t start,
    size_t end, enum mg_severity sev)
{
	struct slot	*last = sl->n > 0 ? &sl->v[sl->n - 1] : NULL;

	if (last == NULL || !last->bare || last->view != view ||
	    start != last->end + 1 || strchr("/-.:", view->s[last->end]) == NULL)
		return 0;
	last->end = end;
	if (sev > last->sev)
		last->sev = sev;
	return 1;
}

/* TBD, XXX and the like, outside the strict slots. */
static int
find_bare(const struct mg_check_ctx *ctx, const struct mg_normtext *view,
    enum where where, struct slots *sl)
{
	const struct mg_patlist	*pl = mg_filters_get(ctx->filters,
	    "placeholder.bare_case");
	size_t			 from = 0, start, end;

	while (pl != NULL && sl->n < MAX_FOUND &&
	    mg_patlist_find(pl, NULL, view, from, &start, &end)) {
		enum mg_severity	sev;
		int			rc;

		from = end > start ? end : start + 1;
		while (start < end && (view->s[start] == ' ' ||
		    view->s[start] == '('))
			start++;
		if (start == end || overlaps(sl, view, start, end))
			continue;
		if ((rc = judge_bare(ctx, view, start, end, &sev)) == -1)
			return -1;
		if (rc == 1 && !join_last(sl, view, start, end, sev))
			add(sl, view, where, start, end, sev, 1);
	}
	return 0;
}

static int
add_finding(struct mg_findings *out, const struct slot *s, const char *slot,
    const char *quote)
{
	const char	*where = where_name[s->where];

	if (!s->bare)
		return mg_rule_finding(out, MG_SEV_HOLD, quote,
		    "The %s still has the template slot \"%s\"; replace it "
		    "with the real words before sending.", where, slot);
	if (s->sev == MG_SEV_HOLD)
		return mg_rule_finding(out, MG_SEV_HOLD, quote,
		    "The %s has \"%s\" where a name, place, date or number "
		    "belongs; put in the real words before sending.", where,
		    slot);
	return mg_rule_finding(out, MG_SEV_WARN, quote,
	    "The %s has \"%s\", which may be a template slot left "
	    "unfilled: fill it in, or leave it if you mean it (a date not "
	    "decided yet, for example).", where, slot);
}

/* One finding, quoting the sentence of the slot. */
static int
report(struct mg_findings *out, const struct slot *s)
{
	const struct mg_normtext *nt = s->view;
	size_t			  os = nt->map[s->start], oe = nt->map[s->end];
	size_t			  a, z;
	char			 *slot = mg_span_orig(nt, s->start, s->end);
	char			 *quote;
	int			  rc = -1;

	mg_sentence_bounds(nt->orig, nt->orig_len, os, oe, &a, &z);
	quote = mg_sentence_quote(nt->orig, a, z, os, oe, 160);
	if (slot != NULL && quote != NULL)
		rc = add_finding(out, s, slot, quote);
	free(slot);
	free(quote);
	return rc;
}

/* Reports holds first, then warnings, at most MAX_SLOTS in all. */
static int
report_all(struct mg_findings *out, const struct slots *sl)
{
	size_t	done = 0;

	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < sl->n && done < MAX_SLOTS; i++) {
			if ((sl->v[i].sev == MG_SEV_HOLD) != (pass == 0))
				continue;
			if (report(out, &sl->v[i]) == -1)
				return -1;
			done++;
		}
	return 0;
}

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	const char		*sig = ctx->msg->signature;
	char			*sig_copy = NULL;
	struct mg_normtext	*sig_flat = NULL;
	const struct mg_normtext *views[3] = { ctx->subject_flat, ctx->text_flat,
	    NULL };
	struct slots		*sl;
	int			 rc = -1;

	if ((sl = calloc(1, sizeof(*sl))) == NULL)
		goto out;
	if (sig != NULL && sig[0] != '\0') {
		if ((sig_copy = mg_strndup(sig, strnlen(sig, MAX_SIGNATURE))) ==
		    NULL || (sig_flat = mg_normtext_new(sig_copy,
		    MG_NORM_FLAT)) == NULL)
			goto out;
		views[IN_SIGNATURE] = sig_flat;
	}
	for (size_t v = 0; v < 3; v++)
		if (views[v] != NULL && find_strict(ctx, views[v], (enum where)v,
		    sl) == -1)
			goto out;
	for (size_t v = 0; v < 3; v++)
		if (views[v] != NULL && find_bare(ctx, views[v], (enum where)v,
		    sl) == -1)
			goto out;
	rc = report_all(out, sl);
out:
	if (rc == -1)
		mg_seterr(err, errlen, "out of memory");
	mg_normtext_free(sig_flat);
	free(sig_copy);
	free(sl);
	return rc;
}

const struct mg_rule mg_rule_placeholder = {
	.id = "placeholder",
	.severity = MG_SEV_HOLD,
	.summary = "an unfilled template slot such as [Program Name]",
	.checks = "Looks in the subject, the new text and the signature (not "
	    "the quoted reply) for unfilled template slots: \"[Program "
	    "Name]\", \"Dr. [Last Name]\", \"{Director}\", \"<insert date>\", "
	    "\"<<name>>\", \"{{program}}\", \"___\", \"PROGRAM NAME HERE\"; "
	    "these are held.  TBD, TBA, TBC, XX, XXX and ??? on their own "
	    "are held where a name, place, date or number goes (\"Dear Dr. "
	    "TBD\", \"at XXX Medical Center\", \"on XX/XX/2026\"), not "
	    "reported in honest uses such as a karyotype (\"46,XX\"), and a "
	    "warning anywhere else.  The patterns are in "
	    "filters/placeholder.conf.",
	.why = "A letter that still says \"Dear Dr. [Last Name]\" tells "
	    "the reader at once that it is a form letter you did not "
	    "read before sending, and it is the mistake program "
	    "directors mention most.",
	.settings = NULL,
	.lists = lists,
	.check = check,
};
