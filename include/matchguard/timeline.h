/*
 * timeline.h - one program's row of the timeline, as `matchguard
 * timeline` prints it and the review page shows it: the ledger's totals
 * for the season and the arithmetic of reply.h (mg_timeline_compute()),
 * with the dates and the silence in words.
 */
#ifndef MATCHGUARD_TIMELINE_H
#define MATCHGUARD_TIMELINE_H

#include <stddef.h>
#include <time.h>

#include "matchguard/app.h"
#include "matchguard/reply.h"

struct mg_timeline_row {
	const struct mg_program	*program;	/* the configuration's */
	struct mg_program_totals totals;
	struct mg_timeline_out	 out;
	char	sent[16];	/* last sent, "2026-11-03", or "-" */
	char	reply[16];	/* last reply, or "-" */
	char	silent[32];	/* "answered", "12 days", "-" */
	char	next[40];	/* "any time", "now", a day; only with news
				 * when out.waiting_on_status */
};

/* The row of p at now.  0, or -1 with err (the ledger). */
int	mg_timeline_row(struct mg_app *app, const struct mg_program *p,
	    time_t now, struct mg_timeline_row *row, char *err, size_t errlen);

#endif
