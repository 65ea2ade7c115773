/*
 * notice_queue.c - one worker thread sends the notices of held messages
 * (see notice_queue.h).  The queue is a ring of IDs of fixed size; the
 * spool, not the queue, is the record of which notices are still to be
 * sent, so a full queue or a stop loses nothing.
 */
#include "config_auto.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matchguard/guard.h"
#include "matchguard/imap_notice.h"
#include "matchguard/log.h"
#include "matchguard/notice_queue.h"
#include "matchguard/spool.h"

struct mg_notice_queue {
	pthread_mutex_t	  lock;
	pthread_cond_t	  work;		/* queued, or draining */
	pthread_cond_t	  ended;	/* the worker returned */
	char		(*ids)[MG_SPOOL_IDLEN];
	enum mg_notice_kind *kinds;	/* of each of ids */
	size_t		  cap, head, n;
	char		  busy[MG_SPOOL_IDLEN];	/* being sent; "" if none */
	enum mg_notice_kind busy_kind;
	struct mg_guard	 *g;		/* latest configuration; a ref */
	int		  rescan;	/* a letter found no room */
	int		  progress;	/* a notice went since the last scan */
	int		  draining;	/* SIGTERM: no more work taken */
	int		  running;	/* the worker has not returned */
	int		  started;	/* thread is to be joined */
	pthread_t	  thread;
};

/* Under q->lock.  0 when id is queued (now or already), -1 when full. */
static int
push(struct mg_notice_queue *q, enum mg_notice_kind kind, const char *id)
{
	if (strcmp(q->busy, id) == 0 && q->busy_kind == kind)
		return 0;
	for (size_t i = 0; i < q->n; i++)
		if (strcmp(q->ids[(q->head + i) % q->cap], id) == 0 &&
		    q->kinds[(q->head + i) % q->cap] == kind)
			return 0;
	if (q->n == q->cap)
		return -1;
	snprintf(q->ids[(q->head + q->n) % q->cap], MG_SPOOL_IDLEN, "%s", id);
	q->kinds[(q->head + q->n) % q->cap] = kind;
	q->n++;
	pthread_cond_signal(&q->work);
	return 0;
}

static struct mg_guard *
current_guard(struct mg_notice_queue *q)
{
	struct mg_guard	*g;

	pthread_mutex_lock(&q->lock);
	g = q->g;
	mg_guard_ref(g);
	pthread_mutex_unlock(&q->lock);
	return g;
}

/* The held letters whose notice is wanted and not sent, oldest first;
 * -1 when the spool cannot be read (logged). */
static int
pending(const char *dir, struct mg_spool_entry **v, size_t *n)
{
	char	err[MG_ERRLEN];

	if (mg_spool_list(dir, v, n, err, sizeof(err)) == -1) {
		mg_log("imap: cannot look for letters without their notice: %s",
		    err);
		return -1;
	}
	for (size_t i = 0; i < *n; i++)
		if (!(*v)[i].notice || mg_spool_notice_sent(dir, (*v)[i].id))
			(*v)[i].notice = 0;	/* not pending */
	return 0;
}

static const char *
kind_dir(struct mg_guard *g, enum mg_notice_kind kind)
{
	return kind == MG_NOTICE_NOTES ? g->notes_dir : g->spool_dir;
}

/* Queues every letter of one kind still without its notice. */
static void
scan_kind(struct mg_notice_queue *q, struct mg_guard *g,
    enum mg_notice_kind kind)
{
	struct mg_spool_entry	*v;
	size_t			 n, queued = 0, left = 0;

	if (pending(kind_dir(g, kind), &v, &n) == -1)
		return;
	pthread_mutex_lock(&q->lock);
	for (size_t i = 0; i < n; i++)
		if (v[i].notice) {
			if (push(q, kind, v[i].id) == 0)
				queued++;
			else
				left++;
		}
	if (left > 0)
		q->rescan = 1;
	pthread_mutex_unlock(&q->lock);
	if (queued > 0)
		mg_log("imap: %zu %s still without a notice: sending %zu "
		    "now%s", queued + left, kind == MG_NOTICE_NOTES ?
		    "letter(s) sent with notes" : "held message(s)", queued,
		    left > 0 ? ", the rest when there is room "
		    "(imap.notice_queue)" : "");
	mg_spool_free_list(v, n);
}

/* Queues every held letter, and every letter sent with notes, still
 * without its notice. */
static void
scan(struct mg_notice_queue *q)
{
	struct mg_guard	*g = current_guard(q);

	if (mg_notice_enabled(&g->app.cfg)) {
		scan_kind(q, g, MG_NOTICE_HELD);
		scan_kind(q, g, MG_NOTICE_NOTES);
	}
	mg_guard_unref(g);
}

static void *
worker(void *arg)
{
	struct mg_notice_queue	*q = arg;
	struct mg_guard		*g;
	char			 id[MG_SPOOL_IDLEN];
	enum mg_notice_kind	 kind;

	scan(q);
	pthread_mutex_lock(&q->lock);
	for (;;) {
		while (q->n == 0 && !q->draining) {
			if (q->rescan && q->progress) {
				q->rescan = q->progress = 0;
				pthread_mutex_unlock(&q->lock);
				scan(q);
				pthread_mutex_lock(&q->lock);
				continue;
			}
			pthread_cond_wait(&q->work, &q->lock);
		}
		if (q->n == 0)
			break;	/* draining, and nothing left */
		snprintf(id, sizeof(id), "%s", q->ids[q->head]);
		kind = q->kinds[q->head];
		snprintf(q->busy, sizeof(q->busy), "%s", id);
		q->busy_kind = kind;
		q->head = (q->head + 1) % q->cap;
		q->n--;
		g = q->g;
		mg_guard_ref(g);
		pthread_mutex_unlock(&q->lock);
		if (mg_notice_send(&g->app.cfg, kind_dir(g, kind), id, kind,
		    time(NULL)) == MG_NOTICE_SENT) {
			pthread_mutex_lock(&q->lock);
			q->progress = 1;
		} else
			pthread_mutex_lock(&q->lock);
		q->busy[0] = '\0';
		/* Unref under the lock is fine: q->g still holds g unless
		 * a newer guard replaced it, and then freeing the old one
		 * takes no lock of ours. */
		mg_guard_unref(g);
	}
	q->running = 0;
	pthread_cond_broadcast(&q->ended);
	pthread_mutex_unlock(&q->lock);
	return NULL;
}

int
mg_notice_queue_start(struct mg_guard *g, struct mg_notice_queue **out,
    char *err, size_t errlen)
{
	struct mg_notice_queue	*q;
	sigset_t		 all, old;
	int			 rc;
	int			 cap = g->app.cfg.imap.notice_queue > 0 ?
	    g->app.cfg.imap.notice_queue : MG_DEF_IMAP_NOTICE_QUEUE;

	*out = NULL;
	if ((q = calloc(1, sizeof(*q))) == NULL ||
	    (q->ids = calloc((size_t)cap, sizeof(*q->ids))) == NULL ||
	    (q->kinds = calloc((size_t)cap, sizeof(*q->kinds))) == NULL) {
		if (q != NULL)
			free(q->ids);
		free(q);
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	/* The size is fixed at start: a SIGHUP does not change it. */
	q->cap = (size_t)cap;
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->work, NULL);
	pthread_cond_init(&q->ended, NULL);
	q->g = g;
	mg_guard_ref(g);
	q->running = 1;
	/* Signals are for serve's main thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&q->thread, NULL, worker, q);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		mg_seterr(err, errlen, "cannot start the thread for notices: %s",
		    strerror(rc));
		q->running = 0;
		mg_notice_queue_free(&q);
		return -1;
	}
	q->started = 1;
	*out = q;
	return 0;
}

int
mg_notice_queue_add(struct mg_notice_queue *q, struct mg_guard *g,
    const char *id)
{
	return mg_notice_queue_add_kind(q, g, MG_NOTICE_HELD, id);
}

int
mg_notice_queue_add_kind(struct mg_notice_queue *q, struct mg_guard *g,
    enum mg_notice_kind kind, const char *id)
{
	struct mg_guard	*old = NULL;
	int		 rc = 0;

	pthread_mutex_lock(&q->lock);
	if (q->g != g) {
		mg_guard_ref(g);
		old = q->g;
		q->g = g;
	}
	if (q->draining) {
		rc = -1;
		mg_log("imap: serve is stopping: the notice of held message %s "
		    "will be sent at the next start", id);
	} else if (push(q, kind, id) == -1) {
		rc = -1;
		q->rescan = 1;
		mg_log("imap: the notice of held message %s waits: %zu notices "
		    "are queued already (imap.notice_queue); it follows when "
		    "there is room", id, q->cap);
	}
	pthread_mutex_unlock(&q->lock);
	mg_guard_unref(old);
	return rc;
}

/* One line for each held letter whose notice is still to be sent. */
static void
log_pending(struct mg_notice_queue *q)
{
	struct mg_guard		*g = current_guard(q);
	struct mg_spool_entry	*v;
	size_t			 n;

	if (mg_notice_enabled(&g->app.cfg) && pending(g->spool_dir, &v,
	    &n) == 0) {
		for (size_t i = 0; i < n; i++)
			if (v[i].notice)
				mg_log("imap: the notice of held message %s is "
				    "not sent yet; it will be sent at the next "
				    "start", v[i].id);
		mg_spool_free_list(v, n);
	}
	mg_guard_unref(g);
}

int
mg_notice_queue_drain(struct mg_notice_queue *q,
    const struct timespec *deadline)
{
	int	running;

	if (q == NULL)
		return 0;
	pthread_mutex_lock(&q->lock);
	q->draining = 1;
	pthread_cond_broadcast(&q->work);
	while (q->running)
		if (pthread_cond_timedwait(&q->ended, &q->lock,
		    deadline) == ETIMEDOUT)
			break;
	running = q->running;
	q->n = 0;	/* what is left waits for the next start */
	pthread_mutex_unlock(&q->lock);
	log_pending(q);
	return running;
}

void
mg_notice_queue_free(struct mg_notice_queue **qp)
{
	struct mg_notice_queue	*q = *qp;

	if (q == NULL)
		return;
	if (q->started && !q->running)
		pthread_join(q->thread, NULL);
	pthread_cond_destroy(&q->work);
	pthread_cond_destroy(&q->ended);
	pthread_mutex_destroy(&q->lock);
	mg_guard_unref(q->g);
	free(q->ids);
	free(q->kinds);
	free(q);
	*qp = NULL;
}
