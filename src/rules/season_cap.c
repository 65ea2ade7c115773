/*
 * season_cap.c - writing to too many programs.  Counts the distinct
 * programs the applicant wrote to this season before their interview (a
 * thank-you after an interview is not a cold contact); warns above
 * season_warn and holds above season_max, only when this message adds a
 * program to the count.  The directory is walked, not the history: one
 * indexed lookup per program.
 */
#include "config_auto.h"

#include <stdio.h>
#include <string.h>

#include "matchguard/policy.h"

/* The time before which a message to p counts as a cold contact. */
static time_t
cutoff(const struct mg_check_ctx *ctx, const struct mg_program *p)
{
	time_t	iv;

	if (!p->has_interview)
		return ctx->history_end;
	iv = mg_day_to_time(p->interview_day);
	return iv < ctx->history_end ? iv : ctx->history_end;
}

static int
count_contacted(const struct mg_check_ctx *ctx, size_t *n, char *err,
    size_t errlen)
{
	const struct mg_directory *dir = &ctx->cfg->dir;
	time_t			   since = mg_day_to_time(ctx->cfg->season_start);

	*n = 0;
	for (size_t i = 0; i < dir->n; i++) {
		const struct mg_program	*p = &dir->programs[i];
		time_t			 when;
		int			 found;

		if (mg_ledger_first_sent(ctx->ledger, p->id, since, cutoff(ctx,
		    p), &found, &when, err, errlen) == -1)
			return -1;
		*n += found != 0;
	}
	return 0;
}

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	const struct mg_policy_settings *ps = &ctx->cfg->policy;
	time_t			  since = mg_day_to_time(ctx->cfg->season_start);
	size_t			  before, added = 0, total;
	char			  ev[128];
	enum mg_severity	  sev;

	for (size_t i = 0; i < ctx->n_programs; i++) {
		const struct mg_program	*p = ctx->programs[i];
		time_t			 when;
		int			 found;

		if (cutoff(ctx, p) < ctx->now)
			continue;	/* after its interview: not cold */
		if (mg_ledger_first_sent(ctx->ledger, p->id, since, ctx->history_end,
		    &found, &when, err, errlen) == -1)
			return -1;
		added += !found;
	}
	if (added == 0)
		return 0;
	if (count_contacted(ctx, &before, err, errlen) == -1)
		return -1;
	total = before + added;
	if (total > (size_t)ps->season_max)
		sev = MG_SEV_HOLD;
	else if (total > (size_t)ps->season_warn)
		sev = MG_SEV_WARN;
	else
		return 0;
	snprintf(ev, sizeof(ev), "%zu programs before this message, %zu new",
	    before, added);
	if (mg_rule_finding(out, sev, ev, "This would make %zu "
	    "programs you have written to this season before an interview "
	    "(your limits: %d to warn, %d to hold); programs read mass "
	    "mailing as little real interest, so write to the few that matter "
	    "most.", total, ps->season_warn, ps->season_max) == -1) {
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static const char *const settings[] = { "season_warn", "season_max",
    "season.start", NULL };

const struct mg_rule mg_rule_season_cap = {
	.id = "season-cap",
	.severity = MG_SEV_HOLD,
	.summary = "too many programs contacted this season before interviews",
	.checks = "Counts the programs you have written to this season before "
	    "their interview (a thank-you after an interview is not a "
	    "cold contact).  When the new message adds a program to "
	    "that count, it is a warning above season_warn programs and "
	    "held above season_max.",
	.why = "Letters work when they are specific, and nobody can write "
	    "fifty specific letters.  Eight to fifteen programs you "
	    "truly know make a better case than a mass mailing.",
	.settings = settings,
	.lists = NULL,
	.check = check,
};
