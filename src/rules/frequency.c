/*
 * frequency.c - writing to a program again within min_days_between days.
 * An answer to a message from the program is always fine.
 */
#include "config_auto.h"

#include <stdio.h>
#include "matchguard/report.h"
#include "matchguard/policy.h"

static int
check_one(const struct mg_check_ctx *ctx, const struct mg_program *p,
    struct mg_findings *out, char *err, size_t errlen)
{
	struct mg_last_sent	last;
	int			min = ctx->cfg->policy.min_days_between;
	char			day[16], next[16], ev[320], when[32];
	long			ago;

	if (mg_ledger_last_sent(ctx->ledger, p->id, ctx->history_end, &last, err,
	    errlen) == -1)
		return -1;
	if (!last.found || ctx->now - last.date >= (time_t)min * 86400)
		return 0;
	ago = mg_days_between(last.date, ctx->now);
	mg_format_day(mg_time_to_day(last.date), day, sizeof(day));
	mg_format_day(mg_time_to_day(last.date + (time_t)min * 86400), next,
	    sizeof(next));
	if (ago == 0)
		snprintf(when, sizeof(when), "less than a day ago");
	else if (ago == 1)
		snprintf(when, sizeof(when), "yesterday");
	else
		snprintf(when, sizeof(when), "%ld days ago", ago);
	snprintf(ev, sizeof(ev), "your last message to %s: %s, %s", p->name,
	    day, mg_class_words(last.msg_class));
	if (mg_rule_finding(out, MG_SEV_HOLD, ev,
	    "You last wrote to %s %s (%s); more than one message in %d days "
	    "without being asked looks pushy, so wait until %s.", p->name,
	    when, day, min, next) == -1) {
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	if (ctx->answers_program)
		return 0;
	for (size_t i = 0; i < ctx->n_programs; i++)
		if (check_one(ctx, ctx->programs[i], out, err, errlen) == -1)
			return -1;
	return 0;
}

static const char *const settings[] = { "min_days_between", NULL };

const struct mg_rule mg_rule_frequency = {
	.id = "frequency",
	.severity = MG_SEV_HOLD,
	.summary = "another message to a program within min_days_between days",
	.checks = "Looks up your last message to the program in the ledger.  "
	    "A new one within min_days_between days of it is held, "
	    "unless it answers a message from the program.",
	.why = "Writing to a program every few days without being asked "
	    "looks pushy; coordinators remember the applicants who fill "
	    "their inbox.",
	.settings = settings,
	.lists = NULL,
	.check = check,
};
