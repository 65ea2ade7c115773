/*
 * intent_timing.c - a letter of strong interest or of intent sent before
 * the program's interview (ctx->now before its interview_date), or after
 * the rank order list deadline (season.rol_deadline).  Warnings.  A
 * program without an interview_date is checked against the deadline only.
 */
#include "config_auto.h"

#include <stdio.h>
#include <string.h>

#include "matchguard/policy.h"

static const char *const settings[] = { "season.rol_deadline", NULL };

static const char *
kind(const struct mg_check_ctx *ctx)
{
	return strcmp(ctx->msg_class, "intent") == 0 ? "letter of intent" :
	    "letter of strong interest";
}

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	long	today = mg_time_to_day(ctx->now);
	char	day[16], ev[320];
	int	rc = 0;

	if (strcmp(ctx->msg_class, "intent") != 0 &&
	    strcmp(ctx->msg_class, "interest") != 0)
		return 0;
	if (today > ctx->cfg->rol_deadline) {
		mg_format_day(ctx->cfg->rol_deadline, day, sizeof(day));
		snprintf(ev, sizeof(ev), "season.rol_deadline: %s", day);
		rc = mg_rule_finding(out, MG_SEV_WARN, ev,
		    "The rank order lists were due on %s; a %s now cannot "
		    "change any program's list, so it is better not sent.",
		    day, kind(ctx));
	} else
		for (size_t i = 0; i < ctx->n_programs && rc == 0; i++) {
			const struct mg_program	*p = ctx->programs[i];

			if (!p->has_interview || today >= p->interview_day)
				continue;
			mg_format_day(p->interview_day, day, sizeof(day));
			snprintf(ev, sizeof(ev), "your interview at %s: %s",
			    p->name, day);
			rc = mg_rule_finding(out, MG_SEV_WARN,
			    ev, "Your interview at %s is on %s; a %s before you "
			    "have interviewed carries little weight and can seem "
			    "presumptuous: send it after the interview.",
			    p->name, day, kind(ctx));
		}
	if (rc == -1)
		mg_seterr(err, errlen, "out of memory");
	return rc;
}

const struct mg_rule mg_rule_intent_timing = {
	.id = "intent-timing",
	.severity = MG_SEV_WARN,
	.summary = "a letter of interest or intent before the interview or "
	    "after the rank list deadline",
	.checks = "For a letter of strong interest or a letter of intent (see "
	    "the message classes), warns when it goes to a program before "
	    "your interview_date there, or to any program after "
	    "season.rol_deadline.",
	.why = "Such letters mean most after you have seen the program and "
	    "before it meets to rank applicants.  Before the interview you "
	    "cannot yet know it is your top choice, and the program knows "
	    "it; after the rank order list deadline the lists are certified "
	    "and the letter changes nothing.",
	.settings = settings,
	.lists = NULL,
	.check = check,
};
