/*
 * vague_praise.c - praise that fits any program ("excellent and
 * prestigious program") and nothing specific to this one: none of its
 * features or tracks, and no contact's name outside the greeting
 * (mg_program_specific()).  A warning only.
 */
#include "config_auto.h"

#include <stdlib.h>
#include <string.h>

#include "matchguard/policy.h"

static const char *const lists[] = { "praise.vague", NULL };

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	char	*quote;
	int	 rc = 0;

	if (!mg_find_phrase(ctx, "praise.vague", NULL, 0, &quote))
		return 0;
	for (size_t i = 0; i < ctx->n_programs && rc == 0; i++) {
		const struct mg_program	*p = ctx->programs[i];
		const char		*what;

		if (mg_program_specific(ctx, p, &what))
			continue;
		rc = mg_rule_finding(out, MG_SEV_WARN, quote,
		    "This praise could be said of any program and nothing in "
		    "the message is specific to %s; mention something real "
		    "about it%s%s.", p->name,
		    p->features.n > 0 ? ", such as its " : "",
		    p->features.n > 0 ? p->features.v[0] : "");
		if (rc == -1)
			mg_seterr(err, errlen, "out of memory");
	}
	free(quote);
	return rc;
}

const struct mg_rule mg_rule_vague_praise = {
	.id = "vague-praise",
	.severity = MG_SEV_WARN,
	.summary = "only generic praise, nothing specific to the program",
	.checks = "Looks for praise that fits any program (\"excellent and "
	    "prestigious program\", \"great reputation\", \"top "
	    "program\"; filters/praise.conf) and warns when the letter "
	    "says nothing specific to the program: none of its features "
	    "or tracks, and no contact's name outside the greeting.",
	.why = "Generic praise is what program directors skim past.  One "
	    "concrete reason (a clinic, a rotation, a faculty member's "
	    "work) shows you know the program and why you would fit.",
	.settings = NULL,
	.lists = lists,
	.check = check,
};
