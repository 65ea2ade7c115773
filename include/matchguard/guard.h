/*
 * guard.h - what happens to one outgoing message, whichever way it came
 * in (SMTP session, sendmail, queue release): parse, check, then relay
 * upstream or hold, and record the outcome in the ledger.
 *
 * A guard is one loaded configuration (configuration, filters, ledger).
 * Several sessions share it; its lock serialises the policy and the
 * ledger, never the network.  `serve` replaces it on SIGHUP and frees the
 * old one when the last session using it lets go (mg_guard_unref).
 */
#ifndef MATCHGUARD_GUARD_H
#define MATCHGUARD_GUARD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <time.h>

#include "matchguard/app.h"
#include "matchguard/spool.h"

struct mg_notice_queue;

enum mg_outcome {
	MG_OUT_RELAYED,		/* upstream said 250 */
	MG_OUT_HELD,		/* in the held queue */
	MG_OUT_REJECTED,	/* on_hold = "reject": refused with 550 */
	MG_OUT_TEMPFAIL,	/* 4xx: the client keeps it and retries */
	MG_OUT_PERMFAIL,	/* 5xx from upstream */
	MG_OUT_BADMSG		/* not a readable message */
};

struct mg_guard_result {
	enum mg_outcome	outcome;
	int		code;		/* SMTP reply for the client */
	char		enhanced[12];
	char		text[512];	/* one line */
	char		id[MG_SPOOL_IDLEN];	/* when held */
};

struct mg_guard {
	struct mg_app	 app;
	void		*tls_creds;	/* gnutls credentials for STARTTLS to
					 * local clients, or NULL */
	char		*spool_dir;
	char		 hostname[256];
	pthread_mutex_t	 lock;
	/* serve: the queue of notices of held messages (notice_queue.h);
	 * NULL: a one-shot command sends a notice before it returns. */
	struct mg_notice_queue *notices;
	atomic_int	 refs;		/* not under lock: accepting must
					 * not wait for a policy check */
};

/* Loads conf (NULL: the default path) for serving: the upstream must be
 * configured.  Returns a guard with one reference. */
struct mg_guard *mg_guard_new(const char *conf, int need_upstream,
	    char *err, size_t errlen);
void	mg_guard_ref(struct mg_guard *g);
void	mg_guard_unref(struct mg_guard *g);

/* The whole path for one message received at now. */
void	mg_guard_process(struct mg_guard *g, const char *from,
	    const struct mg_strlist *rcpts, const char *data, size_t len,
	    time_t now, struct mg_guard_result *r);

/* Sends to the upstream with no check (release); fills r like process. */
void	mg_guard_deliver(struct mg_guard *g, const char *from,
	    const struct mg_strlist *rcpts, const char *data, size_t len,
	    struct mg_guard_result *r);

/* Records a message that left (relayed or released) in the ledger. */
int	mg_guard_record_sent(struct mg_guard *g, const char *data, size_t len,
	    const char *from, const struct mg_strlist *rcpts, time_t now,
	    const char *verdict, char *err, size_t errlen);

#endif
