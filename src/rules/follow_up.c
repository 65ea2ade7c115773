/*
 * follow_up.c - follow-up-too-soon: the last message to the program is
 * unanswered and younger than follow_up_after_days, and the new one has
 * no real news.  An interview since the last message counts as contact,
 * and an answer to a message from the program is always fine.
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>

#include "matchguard/report.h"
#include "matchguard/policy.h"

static const char *const lists[] = { "updates.phrases", NULL };

static int
check_one(const struct mg_check_ctx *ctx, const struct mg_program *p,
    struct mg_findings *out, char *err, size_t errlen)
{
	struct mg_last_sent	last;
	time_t			wait = (time_t)ctx->cfg->policy.follow_up_after_days *
	    86400;
	char			day[16], next[16], ev[320];
	int			replied;

	if (mg_ledger_last_sent(ctx->ledger, p->id, ctx->history_end, &last, err,
	    errlen) == -1)
		return -1;
	if (!last.found || ctx->now - last.date >= wait)
		return 0;
	if (mg_program_answered(ctx, p, last.date, &replied, err, errlen) == -1)
		return -1;
	if (replied)
		return 0;
	mg_format_day(mg_time_to_day(last.date), day, sizeof(day));
	mg_format_day(mg_time_to_day(last.date + wait), next, sizeof(next));
	snprintf(ev, sizeof(ev), "your last message to %s: %s, %s, no reply "
	    "since", p->name, day, mg_class_words(last.msg_class));
	if (mg_rule_finding(out, MG_SEV_HOLD, ev,
	    "%s has not answered your message of %s yet and this one brings "
	    "no news; wait until %s to follow up, or add a real update (a "
	    "score, publication, award or new experience).", p->name, day,
	    next) == -1) {
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	char	*update;

	if (ctx->answers_program)
		return 0;
	if (mg_find_phrase(ctx, "updates.phrases", NULL, 1, &update)) {
		free(update);
		return 0;
	}
	for (size_t i = 0; i < ctx->n_programs; i++)
		if (check_one(ctx, ctx->programs[i], out, err, errlen) == -1)
			return -1;
	return 0;
}

static const char *const settings[] = { "follow_up_after_days", NULL };

const struct mg_rule mg_rule_follow_up = {
	.id = "follow-up-too-soon",
	.severity = MG_SEV_HOLD,
	.summary = "a follow-up with no news before follow_up_after_days",
	.checks = "When your last message to the program has had no reply and "
	    "is younger than follow_up_after_days days, and the new one "
	    "brings no real news (a score, publication, award or new "
	    "experience; filters/updates.conf), it is held.  An "
	    "interview since the last message counts as contact, and an "
	    "answer to the program's own message is always fine.",
	.why = "Programs get far more mail than they can answer.  "
	    "Following up before three or four weeks of silence, with "
	    "nothing new to say, adds to their load and not to your "
	    "application.",
	.settings = settings,
	.lists = lists,
	.check = check,
};
