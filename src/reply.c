/*
 * reply.c - which program a received message comes from, and the
 * timeline arithmetic (see reply.h).  Pure: no I/O, no clock.
 */
#include "config_auto.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "matchguard/reply.h"

const char *
mg_reply_via_name(enum mg_reply_via via)
{
	switch (via) {
	case MG_REPLY_THREAD:
		return "thread";
	case MG_REPLY_ADDRESS:
		return "address";
	default:
		return "none";
	}
}

/* Of the programs a sent message went to, the one From belongs to, else
 * the first still in the directory. */
static const struct mg_program *
pick_program(const struct mg_directory *dir, const struct mg_strlist *ids,
    const struct mg_program *from_prog)
{
	const struct mg_program	*first = NULL, *p;

	for (size_t i = 0; i < ids->n; i++) {
		if ((p = mg_directory_find_id(dir, ids->v[i])) == NULL)
			continue;
		if (p == from_prog)
			return p;
		if (first == NULL)
			first = p;
	}
	return first;
}

/* The ids to look up: In-Reply-To, then References from the newest. */
static void
collect_ids(const struct mg_reply_in *in, const char **ids, size_t *n)
{
	*n = 0;
	if (in->in_reply_to != NULL)
		for (size_t i = 0; i < in->in_reply_to->n &&
		    *n < MG_REPLY_MAX_REFS; i++)
			ids[(*n)++] = in->in_reply_to->v[i];
	if (in->references != NULL)
		for (size_t i = in->references->n; i > 0 &&
		    *n < MG_REPLY_MAX_REFS; i--)
			ids[(*n)++] = in->references->v[i - 1];
}

int
mg_reply_match(const struct mg_directory *dir, const struct mg_strlist *own,
    const struct mg_reply_in *in, mg_sent_lookup_fn lookup, void *arg,
    struct mg_reply_match *out, char *err, size_t errlen)
{
	const struct mg_program	*from_prog = NULL, *other = NULL, *p;
	const char		*ids[MG_REPLY_MAX_REFS];
	struct mg_strlist	 progs = { 0 };
	enum mg_lookup		 how = MG_LOOKUP_NONE;
	size_t			 n;

	memset(out, 0, sizeof(*out));
	if (in->from != NULL && own != NULL && mg_strlist_has_ci(own, in->from))
		return 0;
	if (in->from != NULL)
		how = mg_directory_lookup(dir, in->from, &from_prog, &other);
	if (how != MG_LOOKUP_FOUND)
		from_prog = NULL;
	collect_ids(in, ids, &n);
	for (size_t i = 0; i < n; i++) {
		if (lookup(arg, ids[i], &progs, err, errlen) == -1) {
			mg_strlist_clear(&progs);
			return -1;
		}
		p = pick_program(dir, &progs, from_prog);
		mg_strlist_clear(&progs);
		if (p != NULL) {
			out->via = MG_REPLY_THREAD;
			out->program = p;
			snprintf(out->in_reply_to, sizeof(out->in_reply_to),
			    "%s", ids[i]);
			return 0;
		}
	}
	if (from_prog != NULL) {
		out->via = MG_REPLY_ADDRESS;
		out->program = from_prog;
	}
	return 0;
}

int
mg_answered_since(time_t sent, time_t now, int has_reply, time_t reply,
    int has_interview, time_t interview)
{
	return (has_reply && reply >= sent) ||
	    (has_interview && interview >= sent && interview <= now);
}

void
mg_timeline_compute(const struct mg_timeline_in *in,
    struct mg_timeline_out *out)
{
	time_t	wait;
	int	days;

	memset(out, 0, sizeof(*out));
	out->days_silent = -1;
	if (!in->has_last_sent) {
		out->follow_up_from = in->now;
		out->follow_up_now = 1;
		return;
	}
	out->answered = mg_answered_since(in->last_sent, in->now,
	    in->has_last_reply, in->last_reply, in->has_interview,
	    in->interview);
	days = in->min_days_between;
	if (!out->answered && in->follow_up_after_days > days)
		days = in->follow_up_after_days;
	wait = (time_t)days * 86400;
	out->follow_up_from = in->last_sent + wait;
	out->follow_up_now = out->follow_up_from <= in->now;
	if (!out->answered)
		out->days_silent = mg_days_between(in->last_sent, in->now);
	out->waiting_on_status = !out->answered && in->last_class != NULL &&
	    strcmp(in->last_class, "follow-up") == 0;
}
