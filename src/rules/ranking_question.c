/*
 * ranking_question.c - asking a program how or where it will rank the
 * applicant.  The NRMP Match Participation Agreement forbids soliciting
 * ranking information, and program directors remember who asked.
 */
#include "config_auto.h"

#include "matchguard/policy.h"

static const char *const lists[] = { "ranking.questions", NULL };

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	return mg_phrase_finding(ctx, out, "ranking-question", MG_SEV_HOLD,
	    "ranking.questions", NULL, 1,
	    "This asks how the program will rank you, which the NRMP Match "
	    "Participation Agreement does not allow; delete the question "
	    "and keep the rest.", err, errlen);
}

const struct mg_rule mg_rule_ranking_question = {
	.id = "ranking-question",
	.severity = MG_SEV_HOLD,
	.summary = "asks how or where the program will rank you (NRMP)",
	.checks = "Looks for questions about how the program will rank you "
	    "(\"where will you rank me?\", \"am I safe?\"; "
	    "filters/ranking.conf).",
	.why = "The NRMP Match Participation Agreement does not allow "
	    "programs to ask applicants about their ranking plans, nor "
	    "to be pressed on their own; asking puts the program in an "
	    "awkward position and can count against you.",
	.settings = NULL,
	.lists = lists,
	.check = check,
};
