/*
 * thank_you_late.c - a thank-you note more than thank_you_max_days days
 * after the program's interview_date.  Days are whole calendar days in
 * UTC between the interview day and ctx->now.  When the last message to
 * the program since the interview was a thank-you already, this one is
 * not the note that is due, and is not checked.  A warning: a late note
 * is still better than none.
 */
#include "config_auto.h"

#include <stdio.h>
#include <string.h>

#include "matchguard/policy.h"

static const char *const settings[] = { "thank_you_max_days", NULL };

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	int	max = ctx->cfg->policy.thank_you_max_days;
	long	today = mg_time_to_day(ctx->now);

	if (strcmp(ctx->msg_class, "thank-you") != 0)
		return 0;
	for (size_t i = 0; i < ctx->n_programs; i++) {
		const struct mg_program	*p = ctx->programs[i];
		char			 day[16], ev[320];
		long			 late;

		struct mg_last_sent	 last;

		if (!p->has_interview || (late = today - p->interview_day) <=
		    max)
			continue;
		if (mg_ledger_last_sent(ctx->ledger, p->id, ctx->history_end, &last,
		    err, errlen) == -1)
			return -1;
		if (last.found && last.date >= mg_day_to_time(p->interview_day) &&
		    strcmp(last.msg_class, "thank-you") == 0)
			continue;
		mg_format_day(p->interview_day, day, sizeof(day));
		snprintf(ev, sizeof(ev), "your interview at %s: %s", p->name,
		    day);
		if (mg_rule_finding(out, MG_SEV_WARN, ev,
		    "Your interview at %s was %ld days ago (%s); thank-you "
		    "notes are expected within %d day%s.  Send it anyway, but "
		    "keep it short and do not dwell on the delay.", p->name,
		    late, day, max, max == 1 ? "" : "s") == -1) {
			mg_seterr(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

const struct mg_rule mg_rule_thank_you_late = {
	.id = "thank-you-late",
	.severity = MG_SEV_WARN,
	.summary = "a thank-you more than thank_you_max_days after the "
	    "interview",
	.checks = "For a thank-you note (see the message classes), compares "
	    "the day it is sent with the program's interview_date in your "
	    "directory and warns when more than thank_you_max_days days have "
	    "passed.  Programs without an interview_date are not checked.",
	.why = "A thank-you note is read as a sign of how you follow through. "
	    "One that arrives within a few days says you enjoyed the visit; "
	    "one that arrives a week or two later, after the ranking "
	    "meetings may have started, says little, and can look like an "
	    "afterthought.",
	.settings = settings,
	.lists = NULL,
	.check = check,
};
