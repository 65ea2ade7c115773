/*
 * ranking_question.c - asking a program how or where it will rank the
 * applicant.  The NRMP Match Participation Agreement forbids soliciting
 * ranking information, and program directors remember who asked.
 *
 * A ranking question is the ranking-question frame (frames.h): a question
 * or request about the writer's own standing, chances, placement, safety
 * or comparison with the other applicants.  A question about the
 * program's own facts (positions, match statistics, the deadline) is
 * not one.
 */
#include "config_auto.h"

#include <stdlib.h>

#include "matchguard/policy.h"

static const char *const lists[] = {
	"concepts.request", "ranking.standing", "ranking.standing_weak",
	"ranking.standing_verb", "ranking.safe", "ranking.match",
	"ranking.program_list", "ranking.other_applicants",
	"ranking.compare", "ranking.program_fact", NULL
};

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	char	*quote;
	int	 rc;

	switch (mg_frames_find(ctx->frames, MG_FRAME_RANKING_QUESTION, &quote)) {
	case 0:
		return 0;
	case -1:
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	rc = mg_rule_finding(out, MG_SEV_HOLD, quote,
	    "This asks how the program will rank you, which the NRMP Match "
	    "Participation Agreement does not allow; delete the question "
	    "and keep the rest.");
	free(quote);
	if (rc == -1)
		mg_seterr(err, errlen, "out of memory");
	return rc;
}

const struct mg_rule mg_rule_ranking_question = {
	.id = "ranking-question",
	.severity = MG_SEV_HOLD,
	.summary = "asks how or where the program will rank you (NRMP)",
	.checks = "Looks for a question or request about where you stand, "
	    "however it is worded (\"where will you rank me?\", \"am I "
	    "safe?\", \"I was wondering how I compare with the other "
	    "applicants\", \"could you let me know whether I am likely "
	    "to match\"); questions about the program itself (positions, "
	    "match statistics, deadlines) are fine (concept lists in "
	    "filters/ranking.conf and filters/concepts.conf).",
	.why = "The NRMP Match Participation Agreement does not allow "
	    "programs to ask applicants about their ranking plans, nor "
	    "to be pressed on their own; asking puts the program in an "
	    "awkward position and can count against you.",
	.settings = NULL,
	.lists = lists,
	.check = check,
};
