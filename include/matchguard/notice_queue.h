/*
 * notice_queue.h - the notices of held messages in `matchguard serve`: a
 * bounded queue and one worker thread, so that the client's 250 never
 * waits for the IMAP server, and a server that never answers holds one
 * thread, not one per held letter.
 *
 * The queue holds the IDs of held letters (and of letters sent with
 * notes, imap_notice.h), at most imap.notice_queue of
 * them.  The worker sends them one at a time with mg_notice_send_held()
 * (imap_notice.h), with the configuration of the latest guard that
 * queued one.  When it starts, it first queues every held letter still
 * without its notice (spool.h), so that a notice still pending when
 * serve last stopped, or crashed, is sent now.  A letter that finds the
 * queue full is not lost: it stays to be sent in the spool, and the
 * worker scans the spool again once the queue is empty and a notice has
 * gone through since the last scan.
 */
#ifndef MATCHGUARD_NOTICE_QUEUE_H
#define MATCHGUARD_NOTICE_QUEUE_H

#include <stddef.h>
#include <time.h>

#include "matchguard/imap_notice.h"

struct mg_guard;
struct mg_notice_queue;

/* Starts the worker with g's configuration (it takes a reference).
 * Returns 0, or -1 with err (no memory, no thread). */
int	mg_notice_queue_start(struct mg_guard *g, struct mg_notice_queue **out,
	    char *err, size_t errlen);

/* Queues the notice of the held letter id; g becomes the configuration
 * the worker uses.  Never waits for the network.  Returns 0, or -1 when
 * the queue is full or stopping (logged; the notice stays to be sent). */
int	mg_notice_queue_add(struct mg_notice_queue *q, struct mg_guard *g,
	    const char *id);
/* The same for a notice of either kind (imap_notice.h): kind NOTES is
 * the letter id of <state>/notes, sent with warnings. */
int	mg_notice_queue_add_kind(struct mg_notice_queue *q,
	    struct mg_guard *g, enum mg_notice_kind kind, const char *id);

/* At SIGTERM: lets the worker send what is queued until deadline
 * (CLOCK_REALTIME), then logs one line for each held letter whose
 * notice is still to be sent ("... will be sent at the next start").
 * Returns 0 when the worker has ended (mg_notice_queue_free() may
 * follow), 1 when it is still waiting for the IMAP server: the caller
 * must then exit without freeing the queue. */
int	mg_notice_queue_drain(struct mg_notice_queue *q,
	    const struct timespec *deadline);

/* Frees a drained queue (after mg_notice_queue_drain() returned 0) and
 * sets *qp to NULL; NULL is allowed. */
void	mg_notice_queue_free(struct mg_notice_queue **qp);

#endif
