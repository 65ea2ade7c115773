/*
 * bargaining.c - conditional promises and offers ("if you promise me a
 * position, I will rank you first").  Against the NRMP Match
 * Participation Agreement, and a red flag to any program.
 *
 * Bargaining is the bargaining frame (frames.h): a condition or an
 * exchange that links the program's ranking, promise or assurance to the
 * writer's ranking, commitment or withdrawal of other applications; or
 * asking for a promise of a position; or talk of offers.
 */
#include "config_auto.h"

#include <stdlib.h>

#include "matchguard/policy.h"

static const char *const lists[] = {
	"concepts.condition", "concepts.condition_pseudo",
	"concepts.condition_cancel", "bargaining.assurance",
	"bargaining.position", "bargaining.offer", "bargaining.withdraw",
	"bargaining.others", "bargaining.commit", "bargaining.exchange_verb",
	"bargaining.mutual", "bargaining.link", "bargaining.knowing", NULL
};

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	char	*quote;
	int	 rc;

	switch (mg_frames_find(ctx->frames, MG_FRAME_BARGAINING, &quote)) {
	case 0:
		return 0;
	case -1:
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	rc = mg_rule_finding(out, MG_SEV_HOLD, quote,
	    "This reads as bargaining over the Match (a promise in exchange "
	    "for a rank, or talk of offers), which the NRMP rules forbid; "
	    "remove it and simply say what draws you to the program.");
	free(quote);
	if (rc == -1)
		mg_seterr(err, errlen, "out of memory");
	return rc;
}

const struct mg_rule mg_rule_bargaining = {
	.id = "bargaining",
	.severity = MG_SEV_HOLD,
	.summary = "conditional promises or offers about ranking (NRMP)",
	.checks = "Looks for a condition or an exchange between the "
	    "program's ranking or promise and yours, however it is worded "
	    "(\"if you promise me a position, I will rank you first\", "
	    "\"in exchange for an assurance that I match, I would "
	    "withdraw my other applications\"), for asking the program "
	    "to promise you a position, and for talk of offers (concept "
	    "lists in filters/bargaining.conf and filters/concepts.conf).",
	.why = "Any bargaining over positions or ranks breaks the NRMP "
	    "Match Participation Agreement and can be reported as a "
	    "violation: it can cost you the Match.",
	.settings = NULL,
	.lists = lists,
	.check = check,
};
