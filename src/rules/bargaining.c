/*
 * bargaining.c - conditional promises and offers ("if you promise me a
 * position, I will rank you first").  Against the NRMP Match
 * Participation Agreement, and a red flag to any program.
 */
#include "config_auto.h"

#include "matchguard/policy.h"

static const char *const lists[] = { "bargaining.phrases", NULL };

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	return mg_phrase_finding(ctx, out, "bargaining", MG_SEV_HOLD,
	    "bargaining.phrases", NULL, 1,
	    "This reads as bargaining over the Match (a promise in exchange "
	    "for a rank, or talk of offers), which the NRMP rules forbid; "
	    "remove it and simply say what draws you to the program.",
	    err, errlen);
}

const struct mg_rule mg_rule_bargaining = {
	.id = "bargaining",
	.severity = MG_SEV_HOLD,
	.summary = "conditional promises or offers about ranking (NRMP)",
	.checks = "Looks for conditional promises and offers (\"if you "
	    "promise me a position, I will rank you first\", \"what "
	    "will you offer me?\"; filters/bargaining.conf).",
	.why = "Any bargaining over positions or ranks breaks the NRMP "
	    "Match Participation Agreement and can be reported as a "
	    "violation: it can cost you the Match.",
	.settings = NULL,
	.lists = lists,
	.check = check,
};
