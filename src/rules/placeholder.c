/*
 * placeholder.c - unfilled template slots: "[Program Name]",
 * "Dr. [Last Name]", "<<name>>", "{{program}}", XXX, TBD.  Only the
 * subject and the new text are searched: a slot in a quoted reply was not
 * written by the applicant in this message.
 */
#include "config_auto.h"

#include <stdlib.h>
#include <string.h>

#include "matchguard/policy.h"

#define MAX_SLOTS	3	/* findings per message; more is noise */

static const char *const lists[] = {
	"placeholder.patterns", "placeholder.patterns_case",
	"placeholder.except", NULL
};

static int
report(struct mg_findings *out, const struct mg_normtext *nt, size_t start,
    size_t end, int in_subject)
{
	char	*slot = mg_span_orig(nt, start, end);
	char	*quote = mg_quote(nt, start, end, 160);
	int	 rc = -1;

	if (slot != NULL && quote != NULL)
		rc = mg_findings_add(out, "placeholder", MG_SEV_HOLD, quote,
		    "The %s still has the template slot \"%s\"; replace it "
		    "with the real words before sending.",
		    in_subject ? "subject" : "message", slot);
	free(slot);
	free(quote);
	return rc;
}

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	const struct mg_patlist	*ex = mg_filters_get(ctx->filters,
	    "placeholder.except");
	const struct mg_normtext *views[2] = { ctx->subject_flat, ctx->written_flat };
	int			 found = 0;

	for (size_t v = 0; v < 2; v++)
		for (size_t l = 0; l < 2 && found < MAX_SLOTS; l++) {
			const struct mg_patlist	*pl = mg_filters_get(ctx->filters,
			    lists[l]);
			size_t			 from = 0, start, end;

			while (found < MAX_SLOTS && pl != NULL &&
			    mg_patlist_find(pl, ex, views[v], from, &start, &end)) {
				if (report(out, views[v], start, end, v == 0) == -1) {
					mg_seterr(err, errlen, "out of memory");
					return -1;
				}
				found++;
				from = end > start ? end : start + 1;
			}
		}
	return 0;
}

const struct mg_rule mg_rule_placeholder = {
	.id = "placeholder",
	.severity = MG_SEV_HOLD,
	.summary = "an unfilled template slot such as [Program Name]",
	.checks = "Looks in the subject and the new text (not the quoted "
	    "reply or the signature) for unfilled template slots: "
	    "\"[Program Name]\", \"Dr. [Last Name]\", \"<<name>>\", "
	    "\"{{program}}\", \"XXX\", \"TBD\".  The patterns are in "
	    "filters/placeholder.conf.",
	.why = "A letter that still says \"Dear Dr. [Last Name]\" tells "
	    "the reader at once that it is a form letter you did not "
	    "read before sending, and it is the mistake program "
	    "directors mention most.",
	.settings = NULL,
	.lists = lists,
	.check = check,
};
