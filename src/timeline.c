/*
 * timeline.c - one program's row of the timeline (timeline.h).
 */
#include "config_auto.h"

#include <stdio.h>
#include <string.h>

#include "matchguard/timeline.h"

static void
day_of(time_t t, char buf[16])
{
	mg_format_day(mg_time_to_day(t), buf, 16);
}

int
mg_timeline_row(struct mg_app *app, const struct mg_program *p, time_t now,
    struct mg_timeline_row *row, char *err, size_t errlen)
{
	const struct mg_config	*cfg = &app->cfg;
	struct mg_program_totals *t = &row->totals;
	struct mg_timeline_in	 in = { 0 };
	struct mg_timeline_out	*out = &row->out;

	memset(row, 0, sizeof(*row));
	row->program = p;
	if (mg_ledger_program_totals(app->ledger, p->id,
	    mg_day_to_time(cfg->season_start), now, t, err, errlen) == -1)
		return -1;
	in.now = now;
	in.min_days_between = cfg->policy.min_days_between;
	in.follow_up_after_days = cfg->policy.follow_up_after_days;
	in.has_last_sent = t->has_last_sent;
	in.last_sent = t->last_sent;
	in.last_class = t->last_class;
	in.has_last_reply = t->has_last_reply;
	in.last_reply = t->last_reply;
	in.has_interview = p->has_interview;
	in.interview = p->has_interview ? mg_day_to_time(p->interview_day) : 0;
	mg_timeline_compute(&in, out);
	snprintf(row->sent, sizeof(row->sent), "-");
	snprintf(row->reply, sizeof(row->reply), "-");
	snprintf(row->silent, sizeof(row->silent), "-");
	if (t->has_last_sent)
		day_of(t->last_sent, row->sent);
	if (t->has_last_reply)
		day_of(t->last_reply, row->reply);
	if (out->answered)
		snprintf(row->silent, sizeof(row->silent), "answered");
	else if (out->days_silent >= 0)
		snprintf(row->silent, sizeof(row->silent), "%ld day%s",
		    out->days_silent, out->days_silent == 1 ? "" : "s");
	if (!t->has_last_sent)
		snprintf(row->next, sizeof(row->next), "any time");
	else if (out->follow_up_now)
		snprintf(row->next, sizeof(row->next), "now");
	else
		day_of(out->follow_up_from, row->next);
	return 0;
}
