/*
 * reply.h - pure cores of the IMAP poller's work: which program a
 * message in the applicant's mailbox comes from, and the timeline
 * arithmetic of `matchguard timeline`.  No network, no clock: the ledger
 * is reached through a callback and the time is passed in.
 */
#ifndef MATCHGUARD_REPLY_H
#define MATCHGUARD_REPLY_H

#include <stddef.h>
#include <time.h>

#include "matchguard/directory.h"
#include "matchguard/util.h"

/* At most this many Message-IDs of In-Reply-To and References are looked
 * up per message (In-Reply-To first, then References newest first). */
#define MG_REPLY_MAX_REFS	20

enum mg_reply_via {
	MG_REPLY_NONE,		/* not from a program: ignored, not stored */
	MG_REPLY_THREAD,	/* answers a message the applicant sent */
	MG_REPLY_ADDRESS	/* From is a program's address or domain */
};

/* The headers that matter. */
struct mg_reply_in {
	const char		*from;		/* bare address, or NULL */
	const struct mg_strlist	*in_reply_to;	/* ids without <> */
	const struct mg_strlist	*references;
};

/* Appends to out the program ids of the sent message with this
 * Message-ID (nothing when the applicant sent no such message). */
typedef int (*mg_sent_lookup_fn)(void *arg, const char *message_id,
	    struct mg_strlist *out, char *err, size_t errlen);

struct mg_reply_match {
	enum mg_reply_via	 via;
	const struct mg_program	*program;	/* NULL when via is NONE */
	char			 in_reply_to[256]; /* THREAD: the id found */
};

/*
 * Matching, in order:
 *   1. From one of own (the applicant's addresses): NONE (a copy, a
 *      notice, a message to oneself).
 *   2. In-Reply-To or References names a message the applicant sent:
 *      THREAD, to that message's program; when it went to several, the
 *      one whose address or domain the From has, else the first (by id)
 *      still in the directory.
 *   3. The From address or domain is a program's (directory.h): ADDRESS.
 *      A domain two programs share, with no address to decide, is NONE.
 *   4. Anything else: NONE.
 * Returns 0, or -1 when lookup failed (err set).
 */
int	mg_reply_match(const struct mg_directory *dir,
	    const struct mg_strlist *own, const struct mg_reply_in *in,
	    mg_sent_lookup_fn lookup, void *arg, struct mg_reply_match *out,
	    char *err, size_t errlen);

const char *mg_reply_via_name(enum mg_reply_via via);	/* "thread", ... */

/*
 * Has the program answered a message sent at sent: a reply dated at or
 * after it (has_reply, reply), or its interview day between sent and
 * now?  The one test of "answered since the last message" that
 * follow-up-too-soon, repeat-status (through mg_program_answered(),
 * policy.h) and the timeline apply.
 */
int	mg_answered_since(time_t sent, time_t now, int has_reply, time_t reply,
	    int has_interview, time_t interview);

/*
 * Timeline arithmetic for one program (`matchguard timeline`), the same
 * as the rules follow-up-too-soon, frequency and repeat-status apply:
 *   - answered: a reply dated at or after the last message, or the
 *     interview day between the last message and now;
 *   - days_silent: whole days from the last message to now when it is
 *     not answered; -1 when nothing was sent or it was answered;
 *   - follow_up_from: the earliest time a message with no news passes:
 *     last + min_days_between when answered, else last +
 *     max(follow_up_after_days, min_days_between); now when nothing
 *     was sent;
 *   - waiting_on_status: the last message asked for news (class
 *     "follow-up") and is unanswered: asking again is held whenever it
 *     is sent (repeat-status).
 */
struct mg_timeline_in {
	time_t		 now;
	int		 min_days_between;
	int		 follow_up_after_days;
	int		 has_last_sent;
	time_t		 last_sent;
	const char	*last_class;	/* may be NULL */
	int		 has_last_reply;
	time_t		 last_reply;
	int		 has_interview;
	time_t		 interview;
};

struct mg_timeline_out {
	int	answered;
	long	days_silent;
	time_t	follow_up_from;
	int	follow_up_now;		/* follow_up_from <= now */
	int	waiting_on_status;
};

void	mg_timeline_compute(const struct mg_timeline_in *in,
	    struct mg_timeline_out *out);

#endif
