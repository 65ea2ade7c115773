/*
 * queue.h - what can be done to a letter serve held for review: send it
 * anyway, check it again, replace it with an edited text, drop it.  The
 * command line (cmd_queue.c) and the review page both act through these,
 * so that a letter leaves the queue the same way whoever asked.
 *
 * Nothing here prints.  Each operation fills a struct mg_queue_result:
 * what happened, one line of text for the user, and the letter as it was
 * checked (when it was), whose findings the caller may show.
 */
#ifndef MATCHGUARD_QUEUE_H
#define MATCHGUARD_QUEUE_H

#include <stddef.h>

#include "matchguard/guard.h"
#include "matchguard/letter.h"

enum mg_queue_status {
	MG_QUEUE_DONE,		/* sent, dropped or saved as asked */
	MG_QUEUE_STILL_HELD,	/* a new check holds it: not sent */
	MG_QUEUE_NOT_SENT,	/* upstream refused or failed: still held */
	MG_QUEUE_ERROR		/* no such letter, unreadable, ledger... */
};

struct mg_queue_result {
	enum mg_queue_status	status;
	/* DONE after a release: upstream's reply; STILL_HELD: empty;
	 * NOT_SENT: "CODE TEXT" of upstream; ERROR: the error.  A warning
	 * after success (ledger not updated) goes to warning. */
	char			text[512];
	char			warning[512];
	/* The letter as checked, when the operation checked it
	 * (checked == 1): lt.check holds the verdict and findings. */
	struct mg_letter	lt;
};

/* Sends held letter id upstream and records it: as the user's decision
 * despite the findings, or (recheck) only if a new check passes it.  It
 * leaves with the Date of its release (the old Date field replaced, or
 * one added): the one change made to a held letter; its Message-ID and
 * every other byte are as held.  The check and the ledger see the
 * letter that leaves. */
void	mg_queue_release(struct mg_guard *g, const char *id, int recheck,
	    struct mg_queue_result *r);

/* Deletes held letter id; the ledger remembers it was dropped, so that
 * its copy in the Sent folder is never taken for a letter sent. */
void	mg_queue_drop(struct mg_guard *g, const char *id,
	    struct mg_queue_result *r);

/* Checks len bytes as the new text of held letter id and saves them
 * (with the new findings) in its place; status DONE when it passes now,
 * STILL_HELD when it does not.  The letter stays in the queue either way. */
void	mg_queue_replace(struct mg_guard *g, const char *id, const char *data,
	    size_t len, struct mg_queue_result *r);

/* Frees what r holds (its letter). */
void	mg_queue_result_clear(struct mg_queue_result *r);

#endif
