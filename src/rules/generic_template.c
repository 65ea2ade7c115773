/*
 * generic_template.c - the same letter sent to several programs with only
 * the names changed.  The new text, names masked, is compared with the
 * letters already sent this season to other programs through their
 * MinHash signatures and LSH buckets (textsim.h, ledger.h): the lookup
 * reads a bounded number of bucket rows whatever the size of the history.
 * Hold when the letter says nothing specific to the recipient (none of
 * its features, tracks or contacts outside the greeting); warn when it
 * does but is still a near-copy.  Answers to a program's own message and
 * short notes (under template_min_words words) are not compared.
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matchguard/json.h"
#include "matchguard/policy.h"

#define LIST_NAMES	3	/* programs named in the finding */

static const char *const settings[] = { "template_similarity",
    "template_min_words", "season.start", NULL };

struct earlier {
	const char	*program;	/* in the ledger's array */
	time_t		 date;		/* the latest letter to it */
	double		 best;
};

static int
is_recipient(const struct mg_check_ctx *ctx, const char *id)
{
	for (size_t i = 0; i < ctx->n_programs; i++)
		if (strcmp(ctx->programs[i]->id, id) == 0)
			return 1;
	return 0;
}

/* One entry per other program, newest letter first. */
static size_t
group(const struct mg_check_ctx *ctx, const struct mg_similar *v, size_t n,
    struct earlier *out)
{
	size_t	k = 0;

	for (size_t i = 0; i < n; i++) {
		size_t	j;

		if (is_recipient(ctx, v[i].program))
			continue;
		for (j = 0; j < k; j++)
			if (strcmp(out[j].program, v[i].program) == 0)
				break;
		if (j == k) {
			out[k].program = v[i].program;
			out[k].date = v[i].date;
			out[k++].best = v[i].similarity;
			continue;
		}
		if (v[i].date > out[j].date)
			out[j].date = v[i].date;
		if (v[i].similarity > out[j].best)
			out[j].best = v[i].similarity;
	}
	for (size_t i = 1; i < k; i++)
		for (size_t j = i; j > 0 && out[j].date > out[j - 1].date; j--) {
			struct earlier	t = out[j];

			out[j] = out[j - 1];
			out[j - 1] = t;
		}
	return k;
}

/* "Cordillera ..., Riverbend ... and 2 more" and the evidence. */
static void
describe(const struct mg_check_ctx *ctx, const struct earlier *e, size_t k,
    struct mg_buf *names, struct mg_buf *ev)
{
	for (size_t i = 0; i < k; i++) {
		char	day[16];

		mg_format_day(mg_time_to_day(e[i].date), day, sizeof(day));
		mg_buf_printf(ev, "%s%s %s (%.0f%% alike)", i > 0 ? "; " : "",
		    e[i].program, day, e[i].best * 100.0);
		if (i >= LIST_NAMES)
			continue;
		if (i > 0)
			mg_buf_puts(names, i + 1 == k ? " and " : ", ");
		mg_buf_puts(names, mg_program_name(ctx->cfg, e[i].program));
	}
	if (k > LIST_NAMES)
		mg_buf_printf(names, " and %zu more", k - LIST_NAMES);
}

static int
report(const struct mg_check_ctx *ctx, const struct earlier *e, size_t k,
    struct mg_findings *out)
{
	struct mg_buf	 names = { 0 }, ev = { 0 };
	/* A full bucket may hide more copies. */
	const char	*least = k >= MG_LEDGER_MAX_BUCKET_ROWS ? "at least " :
	    "";
	char		 day[16];
	int		 rc = 0;

	describe(ctx, e, k, &names, &ev);
	mg_format_day(mg_time_to_day(e[0].date), day, sizeof(day));
	if (names.failed || ev.failed || names.s == NULL || ev.s == NULL)
		rc = -1;
	for (size_t i = 0; i < ctx->n_programs && rc == 0; i++) {
		const struct mg_program	*p = ctx->programs[i];
		const char		*what;

		if (mg_program_specific(ctx, p, &what))
			rc = mg_rule_finding(out,
			    MG_SEV_WARN, ev.s, "This letter is nearly the same "
			    "as the one %s%zu other program%s already got (%s, "
			    "the last on %s); it does mention \"%s\", but make sure "
			    "the rest reads as written for %s and not as a "
			    "form letter.", least, k, k == 1 ? "" : "s",
			    names.s, day, what, p->name);
		else
			rc = mg_rule_finding(out,
			    MG_SEV_HOLD, ev.s, "This letter is the same as the "
			    "one %s%zu other program%s already got (%s, the last "
			    "on %s) with only the names changed, and nothing in "
			    "it is about %s alone; program directors notice "
			    "form letters, so say what draws you to this "
			    "program%s%s.", least, k, k == 1 ? "" : "s", names.s,
			    day,
			    p->name, p->features.n > 0 ? ", such as its " : "",
			    p->features.n > 0 ? p->features.v[0] : "");
	}
	mg_buf_free(&names);
	mg_buf_free(&ev);
	return rc;
}

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	const struct mg_policy_settings *ps = &ctx->cfg->policy;
	const struct mg_textsig	*sig = ctx->sig;	/* made by the engine */
	struct mg_similar	*v = NULL;
	struct earlier		*e = NULL;
	size_t			 n = 0, k;
	int			 rc = 0;

	if (ctx->answers_program || ctx->n_programs == 0 || sig == NULL)
		return 0;
	if (sig->words < (size_t)ps->template_min_words)
		return 0;
	if (mg_ledger_similar_sent(ctx->ledger, sig,
	    mg_day_to_time(ctx->cfg->season_start), ctx->history_end,
	    ps->template_similarity, &v, &n, err, errlen) == -1)
		return -1;
	if (n > 0 && (e = calloc(n, sizeof(*e))) == NULL)
		rc = -1;
	else if (n > 0 && (k = group(ctx, v, n, e)) > 0)
		rc = report(ctx, e, k, out);
	if (rc == -1)
		mg_seterr(err, errlen, "out of memory");
	free(e);
	free(v);
	return rc;
}

const struct mg_rule mg_rule_generic_template = {
	.id = "generic-template",
	.severity = MG_SEV_HOLD,
	.summary = "the same letter already sent to other programs, names "
	    "changed",
	.checks = "Compares the letter, with the names of programs, "
	    "institutions, contacts and your own name blanked out, with the "
	    "letters you sent to other programs this season.  When it is at "
	    "least template_similarity alike (0.8: four fifths of its "
	    "three-word phrases are the same) to one of them, it is held if "
	    "it says nothing specific to this program (none of its features, "
	    "tracks or contacts outside the greeting), and only a warning if "
	    "it does.  The finding says how many programs already got the "
	    "letter.  Notes shorter than template_min_words words and answers "
	    "to a program's own message are not compared.",
	.why = "Medical genetics is a small field: program directors know "
	    "each other, and they read every letter closely.  A letter that "
	    "could have gone to any program, with only the name swapped, "
	    "tells them you did not look at theirs, and it is easy to spot.  "
	    "A few shared sentences are fine; what counts is that each letter "
	    "gives the reasons you want that program in particular.",
	.settings = settings,
	.lists = NULL,
	.check = check,
};
