/*
 * repeat_status.c - asking a program again for news of the application
 * when the previous message to it was such a request (class follow-up)
 * and has had no reply.  An interview since that message counts as an
 * answer, and a message that answers the program is always fine.
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matchguard/report.h"
#include "matchguard/policy.h"

static const char *const lists[] = { "status.requests", NULL };

static int
check_one(const struct mg_check_ctx *ctx, const struct mg_program *p,
    struct mg_findings *out, char *err, size_t errlen)
{
	struct mg_last_sent	last;
	char			day[16], ev[320];
	int			replied;

	if (mg_ledger_last_sent(ctx->ledger, p->id, ctx->history_end, &last, err,
	    errlen) == -1)
		return -1;
	if (!last.found || strcmp(last.msg_class, "follow-up") != 0)
		return 0;
	if (mg_program_answered(ctx, p, last.date, &replied, err, errlen) == -1)
		return -1;
	if (replied)
		return 0;
	mg_format_day(mg_time_to_day(last.date), day, sizeof(day));
	snprintf(ev, sizeof(ev), "your last message to %s: %s, %s, no reply "
	    "since", p->name, day, mg_class_words("follow-up"));
	if (mg_rule_finding(out, MG_SEV_HOLD, ev,
	    "Your last message to %s (%s) already asked about your "
	    "application and has had no answer; asking again reads as "
	    "impatience.  Wait for their reply, or write only to share real "
	    "news, without the question.", p->name, day) == -1) {
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	char	*quote = NULL;

	if (ctx->answers_program)
		return 0;
	if (strcmp(ctx->msg_class, "follow-up") != 0 &&
	    !mg_find_phrase(ctx, "status.requests", NULL, 1, &quote))
		return 0;
	free(quote);
	for (size_t i = 0; i < ctx->n_programs; i++)
		if (check_one(ctx, ctx->programs[i], out, err, errlen) == -1)
			return -1;
	return 0;
}

const struct mg_rule mg_rule_repeat_status = {
	.id = "repeat-status",
	.severity = MG_SEV_HOLD,
	.summary = "a second request for news while the first is unanswered",
	.checks = "For a follow-up or any request for news of your "
	    "application (\"any update on my application?\"; phrases in "
	    "filters/status.conf), looks at your last message to the program: "
	    "when it was a follow-up too and no reply from the program has "
	    "been logged since (and no interview took place since), the new "
	    "one is held.",
	.why = "Programs answer status questions when they have something to "
	    "say.  A second \"any news?\" before they answered the first one "
	    "adds nothing they can act on and makes you look anxious or "
	    "pushy, which is remembered when they rank.",
	.settings = NULL,
	.lists = lists,
	.check = check,
};
