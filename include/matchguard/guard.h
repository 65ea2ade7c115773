/*
 * guard.h - what happens to one outgoing message, whichever way it came
 * in (SMTP session, sendmail, queue release): parse, check, then relay
 * upstream or hold, and record the outcome in the ledger.
 *
 * Each letter takes the one path of letter.h (parse, check, record); the
 * guard adds the lock and the relay, hold or reject decision.
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
#include "matchguard/letter.h"
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
	/* One line, or (a letter held with on_hold = "reject-and-queue")
	 * several, with '\n' between them: a multi-line SMTP reply. */
	char		text[2048];
	char		id[MG_SPOOL_IDLEN];	/* when held */
};

struct mg_guard {
	struct mg_app	 app;
	void		*tls_creds;	/* gnutls credentials for STARTTLS to
					 * local clients, or NULL */
	char		*spool_dir;
	/* <state>/notes: the letters relayed with warnings whose "Sent,
	 * with notes" notice is still to be sent (spool.h's format). */
	char		*notes_dir;
	char		 hostname[256];
	pthread_mutex_t	 lock;
	/* serve: the queue of notices of held messages (notice_queue.h);
	 * NULL: a one-shot command sends a notice before it returns. */
	struct mg_notice_queue *notices;
	atomic_int	 refs;		/* not under lock: accepting must
					 * not wait for a policy check */
	/* serve (mg_guard_parallel): ledger connections on which sessions
	 * check letters in parallel, the letters recorded meanwhile, and
	 * the deferred WAL checkpoints; NULL: every check under lock. */
	struct mg_guard_par *par;
};

/* Loads conf (NULL: the default path) for serving: the upstream must be
 * configured.  Returns a guard with one reference. */
struct mg_guard *mg_guard_new(const char *conf, int need_upstream,
	    char *err, size_t errlen);
void	mg_guard_ref(struct mg_guard *g);
void	mg_guard_unref(struct mg_guard *g);

/*
 * serve: letters are checked in parallel, each on a ledger connection of
 * its session's, and the lock is taken only to record; a check that may
 * have missed a letter recorded meanwhile (ledger.h, struct
 * mg_ledger_reads) runs again under the lock, so that the verdict is the
 * one a check in turn would give.  The WAL is checkpointed after the
 * client has its answer, not inside a commit.  Without it (one-shot
 * commands) or when it cannot be set up, each check runs under the lock.
 */
void	mg_guard_parallel(struct mg_guard *g);

/* The whole path for one message received at now. */
void	mg_guard_process(struct mg_guard *g, const char *from,
	    const struct mg_strlist *rcpts, const char *data, size_t len,
	    time_t now, struct mg_guard_result *r);

/*
 * The same, and reply(arg, r) is called exactly once, as soon as r is
 * final: for a relayed message right after upstream's 250 (before QUIT,
 * the ledger, the log line and the freeing), for a held one right after
 * it is on disk (before the ledger and the notice), for anything else at
 * the end.  A client that loses its connection before it has the 250
 * sends the letter again, so the sooner it has it, the fewer duplicates.
 * from, rcpts and data are not used after that call (serve's session
 * forgets them when it replies).
 *
 * Resends: once answered, a letter with a Message-ID is noted in the
 * ledger by a SHA-256 of its envelope and bytes (mg_ledger_resend_note,
 * which survives a kill of the process).  The same envelope and bytes
 * again within smtp.resend_window seconds (0: never) are a client
 * sending again what it never got the 250 for: answered 250 as the first
 * time ("already sent: ...", or "held for review ID: ..." while that
 * letter is still held) and logged, but not relayed or held twice, and
 * not checked again.  Any change, even of one byte or one recipient, is
 * a new letter.
 */
typedef void	(*mg_guard_reply_fn)(void *arg,
		    const struct mg_guard_result *r);
void	mg_guard_process_early(struct mg_guard *g, const char *from,
	    const struct mg_strlist *rcpts, const char *data, size_t len,
	    time_t now, struct mg_guard_result *r, mg_guard_reply_fn reply,
	    void *arg);

/* Sends to the upstream with no check (release); fills r like process. */
void	mg_guard_deliver(struct mg_guard *g, const char *from,
	    const struct mg_strlist *rcpts, const char *data, size_t len,
	    struct mg_guard_result *r);

/* Records a checked letter that left (letter.h: mg_letter_record) under
 * the guard's lock: a release. */
int	mg_guard_record(struct mg_guard *g, struct mg_letter *lt,
	    enum mg_letter_how how, char *err, size_t errlen);

/* The pieces of a hold that the milter shares with serve (milter.h):
 * the finding to quote (the first that holds, else the first; NULL
 * when none); */
const struct mg_finding *mg_guard_first_hold(const struct mg_findings *f);
/* the checked letter lt, held by the policy, written to g's spool
 * (mg_spool_hold) with its findings: id receives its ID, 0 or -1 (err);
 * the ledger row is the caller's (mg_letter_record_held); */
int	mg_guard_spool_held(struct mg_guard *g, const char *from,
	    const struct mg_strlist *rcpts, const char *data, size_t len,
	    time_t now, const struct mg_letter *lt, char id[MG_SPOOL_IDLEN],
	    char *err, size_t errlen);
/* refused (on_hold = "reject"): the ledger says so, under g's lock, and
 * a failure is logged. */
void	mg_guard_record_rejected(struct mg_guard *g, time_t now,
	    const struct mg_letter *lt);

#endif
