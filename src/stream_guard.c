/*
 * stream_guard.c - a mailstream_low driver that bounds every read and
 * write of one connection (IMAP or SMTP) in time and bytes (see
 * stream_guard.h).
 *
 * libetpan's drivers wait for each read with their own timeout
 * (mailstream_low.timeout, in seconds); the guard sets it before each
 * call to what is left of the window's deadline, at most lim.timeout,
 * so that no single wait outlives the command.
 *
 * That is not enough for TLS: libetpan's GnuTLS driver stays inside one
 * read for as long as the bytes of a TLS record keep coming, each within
 * its wait, so a server that sends a record one byte a second holds a
 * read past any deadline.  So every call is also watched: a thread of
 * the process (the watchdog, started on first use) shuts the socket down
 * (shutdown(2)) when a call outlives its wait by WATCH_GRACE_MS, which
 * ends the call at once, and the guard counts it as the silence or the
 * deadline it was.  Without that thread (pthread_create failed) the
 * guard still bounds each wait.
 */
#include "config_auto.h"

#include <sys/socket.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matchguard/stream_guard.h"

struct wrap {
	mailstream_low		*inner;
	struct mg_stream_guard	*g;
};

enum { S_NONE, S_OPEN, S_DIGITS, S_PLUS, S_CLOSE, S_CR };

/* A literal's length beyond any limit: counting stops here. */
#define HUGE_NUMBER	((uint64_t)1 << 50)

static int64_t
now_ms(void)
{
	struct timespec	t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static int64_t
to_ms(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000 + t->tv_nsec / 1000000;
}

/*
 * The watchdog.  A watch lives on the stack of one read or write, in
 * the list from watch_begin() to watch_end(); the thread shuts down the
 * socket of a watch whose time has come, under the lock, so that the
 * descriptor is still the connection's (its call has not returned).
 */
#define WATCH_GRACE_MS	500

struct watch {
	struct watch	*next, *prev;
	int64_t		 until;		/* now_ms() */
	int		 fd;
	int		 fired;
};

static pthread_once_t	 watch_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t	 watch_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 watch_cond;
static struct watch	*watch_list;
static int		 watch_running;

/* Fires the watches due; the time of the next one (0: none). */
static int64_t
watch_fire(void)
{
	int64_t	now = now_ms(), next = 0;

	for (struct watch *w = watch_list; w != NULL; w = w->next) {
		if (w->fired)
			continue;
		if (w->until <= now) {
			(void)shutdown(w->fd, SHUT_RDWR);
			w->fired = 1;
		} else if (next == 0 || w->until < next)
			next = w->until;
	}
	return next;
}

static void *
watch_thread(void *arg)
{
	struct timespec	ts;
	int64_t		next;

	(void)arg;
	pthread_mutex_lock(&watch_lock);
	for (;;) {
		if ((next = watch_fire()) == 0) {
			pthread_cond_wait(&watch_cond, &watch_lock);
			continue;
		}
		ts.tv_sec = (time_t)(next / 1000);
		ts.tv_nsec = (long)(next % 1000) * 1000000;
		(void)pthread_cond_timedwait(&watch_cond, &watch_lock, &ts);
	}
	return NULL;
}

static void
watch_start(void)
{
	pthread_condattr_t	a;
	pthread_attr_t		ta;
	pthread_t		t;
	sigset_t		all, old;

	if (pthread_condattr_init(&a) != 0)
		return;
	if (pthread_condattr_setclock(&a, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&watch_cond, &a) != 0) {
		pthread_condattr_destroy(&a);
		return;
	}
	pthread_condattr_destroy(&a);
	if (pthread_attr_init(&ta) != 0)
		return;
	/* Signals are for the threads that wait for them, not this one. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	if (pthread_attr_setdetachstate(&ta, PTHREAD_CREATE_DETACHED) == 0 &&
	    pthread_create(&t, &ta, watch_thread, NULL) == 0)
		watch_running = 1;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&ta);
}

/* Watches a call on fd that must end within ms. */
static void
watch_begin(struct watch *w, int fd, int64_t ms)
{
	memset(w, 0, sizeof(*w));
	if (pthread_once(&watch_once, watch_start) != 0 || !watch_running ||
	    fd < 0)
		return;
	w->fd = fd;
	w->until = now_ms() + ms + WATCH_GRACE_MS;
	pthread_mutex_lock(&watch_lock);
	w->next = watch_list;
	if (watch_list != NULL)
		watch_list->prev = w;
	watch_list = w;
	pthread_cond_signal(&watch_cond);
	pthread_mutex_unlock(&watch_lock);
}

/* 1 when the watchdog had to end the call. */
static int
watch_end(struct watch *w)
{
	int	fired;

	if (w->until == 0)
		return 0;
	pthread_mutex_lock(&watch_lock);
	if (w->prev != NULL)
		w->prev->next = w->next;
	else
		watch_list = w->next;
	if (w->next != NULL)
		w->next->prev = w->prev;
	fired = w->fired;
	pthread_mutex_unlock(&watch_lock);
	return fired;
}

static int
stopped(const struct mg_stream_guard *g)
{
	return g->stop != NULL && atomic_load(g->stop);
}

static ssize_t
refuse(struct mg_stream_guard *g, enum mg_stream_refusal why, uint64_t size,
    int secs)
{
	if (g->refused == MG_STREAM_OK) {
		g->refused = why;
		g->refused_size = size;
		g->refused_bytes = g->bytes;
		g->refused_secs = secs;
		g->refused_what = g->what;
	}
	return -1;
}

void
mg_stream_guard_arm_for(struct mg_stream_guard *g, const char *what,
    int secs)
{
	int64_t	ms;

	if (what != NULL)
		g->what = what;
	g->window_secs = secs >= 1 ? secs : 1;
	clock_gettime(CLOCK_MONOTONIC, &g->start);
	ms = to_ms(&g->start) + (int64_t)g->window_secs * 1000;
	g->deadline.tv_sec = (time_t)(ms / 1000);
	g->deadline.tv_nsec = (long)(ms % 1000) * 1000000;
	g->bytes = g->text = 0;
	g->cap = g->text_cap != 0 ? (uint64_t)g->text_cap : g->lim.max_text;
	g->reading = 0;
}

void
mg_stream_guard_arm(struct mg_stream_guard *g, const char *what)
{
	mg_stream_guard_arm_for(g, what, g->lim.deadline);
}

void
mg_stream_guard_init(struct mg_stream_guard *g,
    const struct mg_stream_limits *lim, const atomic_int *stop)
{
	memset(g, 0, sizeof(*g));
	g->lim = *lim;
	if (g->lim.timeout < 1)
		g->lim.timeout = 1;
	g->stop = stop;
	mg_stream_guard_arm(g, "the greeting");
}

/* The wait for one read or write: what is left of the deadline, at most
 * lim.timeout, at least 1 s (0 would mean libetpan's default).  0 when
 * the deadline has passed. */
static int
wait_secs(const struct mg_stream_guard *g)
{
	int64_t	left = to_ms(&g->deadline) - now_ms();
	int64_t	secs = (left + 999) / 1000;

	if (left <= 0)
		return 0;
	if (secs > g->lim.timeout)
		secs = g->lim.timeout;
	return secs < 1 ? 1 : (int)secs;
}

/* Why an I/O call that waited secs from t0 failed. */
static ssize_t
io_failed(struct mg_stream_guard *g, int64_t t0, int secs)
{
	if (stopped(g))
		return refuse(g, MG_STREAM_STOPPED, 0, 0);
	if (now_ms() >= to_ms(&g->deadline))
		return refuse(g, MG_STREAM_DEADLINE, 0, g->window_secs);
	if (now_ms() - t0 >= (int64_t)secs * 1000 - 100)
		return refuse(g, MG_STREAM_SILENCE, 0, secs);
	return refuse(g, MG_STREAM_IO, 0, 0);
}

static int
start_literal(struct mg_stream_guard *g)
{
	g->scan = S_NONE;
	if (g->number > g->lim.max_literal)
		return (int)refuse(g, MG_STREAM_LITERAL, g->number, 0);
	g->literal_left = g->number;
	return 0;
}

/* One byte of a line: watches for "{N}" CRLF, which starts a literal. */
static int
scan_byte(struct mg_stream_guard *g, unsigned char c)
{
	int	digit = c >= '0' && c <= '9';

	switch (g->scan) {
	case S_OPEN:
	case S_DIGITS:
		if (digit) {
			if (g->scan == S_OPEN)
				g->number = 0;
			if (g->number < HUGE_NUMBER)
				g->number = g->number * 10 + (uint64_t)(c - '0');
			g->scan = S_DIGITS;
			return 0;
		}
		if (g->scan == S_DIGITS && (c == '+' || c == '}')) {
			g->scan = c == '+' ? S_PLUS : S_CLOSE;
			return 0;
		}
		break;
	case S_PLUS:
		if (c == '}') {
			g->scan = S_CLOSE;
			return 0;
		}
		break;
	case S_CLOSE:
	case S_CR:
		if (c == '\n')
			return start_literal(g);
		if (c == '\r' && g->scan == S_CLOSE) {
			g->scan = S_CR;
			return 0;
		}
		break;
	default:
		break;
	}
	g->scan = c == '{' ? S_OPEN : S_NONE;
	return 0;
}

/* Counts n bytes read; -1 when a bound is passed. */
static int
account(struct mg_stream_guard *g, const unsigned char *p, size_t n)
{
	size_t	i = 0;

	g->bytes += n;
	if (g->bytes > g->lim.max_bytes)
		return (int)refuse(g, MG_STREAM_TOO_BIG, g->bytes, 0);
	if (g->lim.max_literal == 0) {	/* no literals: all of it is text */
		g->text += n;
		i = n;
	}
	while (i < n) {
		if (g->literal_left > 0) {
			size_t	take = n - i;

			if (take > g->literal_left)
				take = (size_t)g->literal_left;
			g->literal_left -= take;
			i += take;
			continue;
		}
		g->text++;
		if (scan_byte(g, p[i++]) == -1)
			return -1;
	}
	if (g->text > g->cap)
		return (int)refuse(g, MG_STREAM_TOO_MUCH_TEXT, g->text, 0);
	return 0;
}

static ssize_t
guard_read(mailstream_low *s, void *buf, size_t count)
{
	struct wrap		*w = s->data;
	struct mg_stream_guard	*g = w->g;
	struct watch		 wt;
	ssize_t			 r;
	int64_t			 t0;
	int			 secs, fired;

	if (g->refused != MG_STREAM_OK)
		return -1;
	if (stopped(g))
		return refuse(g, MG_STREAM_STOPPED, 0, 0);
	g->reading = 1;
	if ((secs = wait_secs(g)) == 0)
		return refuse(g, MG_STREAM_DEADLINE, 0, g->window_secs);
	w->inner->timeout = (unsigned long)secs;
	t0 = now_ms();
	watch_begin(&wt, mailstream_low_get_fd(w->inner), (int64_t)secs * 1000);
	r = w->inner->driver->mailstream_read(w->inner, buf, count);
	fired = watch_end(&wt);
	if (stopped(g))
		return refuse(g, MG_STREAM_STOPPED, 0, 0);
	if (fired || r < 0)
		return io_failed(g, t0, secs);
	if (r == 0)
		return refuse(g, MG_STREAM_EOF, 0, 0);
	if (account(g, buf, (size_t)r) == -1)
		return -1;
	return r;
}

static ssize_t
guard_write(mailstream_low *s, const void *buf, size_t count)
{
	struct wrap		*w = s->data;
	struct mg_stream_guard	*g = w->g;
	struct watch		 wt;
	ssize_t			 r;
	int64_t			 t0;
	int			 secs, fired;

	if (g->refused != MG_STREAM_OK)
		return -1;
	if (stopped(g))
		return refuse(g, MG_STREAM_STOPPED, 0, 0);
	if (g->reading)
		mg_stream_guard_arm(g, NULL);	/* a new command */
	if ((secs = wait_secs(g)) == 0)
		return refuse(g, MG_STREAM_DEADLINE, 0, g->window_secs);
	w->inner->timeout = (unsigned long)secs;
	t0 = now_ms();
	watch_begin(&wt, mailstream_low_get_fd(w->inner), (int64_t)secs * 1000);
	r = w->inner->driver->mailstream_write(w->inner, buf, count);
	fired = watch_end(&wt);
	if (fired || r <= 0)
		return io_failed(g, t0, secs);
	return r;
}

static int
guard_close(mailstream_low *s)
{
	struct wrap	*w = s->data;

	return mailstream_low_close(w->inner);
}

static int
guard_get_fd(mailstream_low *s)
{
	struct wrap	*w = s->data;

	return mailstream_low_get_fd(w->inner);
}

static void
guard_free(mailstream_low *s)
{
	struct wrap	*w = s->data;

	mailstream_low_free(w->inner);
	free(w);
	free(s);
}

static void
guard_cancel(mailstream_low *s)
{
	struct wrap	*w = s->data;

	mailstream_low_cancel(w->inner);
}

static struct mailstream_cancel *
guard_get_cancel(mailstream_low *s)
{
	struct wrap	*w = s->data;

	return mailstream_low_get_cancel(w->inner);
}

static carray *
guard_chain(mailstream_low *s)
{
	struct wrap	*w = s->data;

	return mailstream_low_get_certificate_chain(w->inner);
}

static int
guard_setup_idle(mailstream_low *s)
{
	struct wrap	*w = s->data;

	return mailstream_low_setup_idle(w->inner);
}

static int
guard_unsetup_idle(mailstream_low *s)
{
	struct wrap	*w = s->data;

	return mailstream_low_unsetup_idle(w->inner);
}

static int
guard_interrupt_idle(mailstream_low *s)
{
	struct wrap	*w = s->data;

	return mailstream_low_interrupt_idle(w->inner);
}

static mailstream_low_driver guard_driver = {
	.mailstream_read = guard_read,
	.mailstream_write = guard_write,
	.mailstream_close = guard_close,
	.mailstream_get_fd = guard_get_fd,
	.mailstream_free = guard_free,
	.mailstream_cancel = guard_cancel,
	.mailstream_get_cancel = guard_get_cancel,
	.mailstream_get_certificate_chain = guard_chain,
	.mailstream_setup_idle = guard_setup_idle,
	.mailstream_unsetup_idle = guard_unsetup_idle,
	.mailstream_interrupt_idle = guard_interrupt_idle,
};

mailstream_low *
mg_stream_guard_wrap(mailstream_low *low, struct mg_stream_guard *g)
{
	struct wrap	*w;
	mailstream_low	*s;

	if ((w = malloc(sizeof(*w))) == NULL)
		return NULL;
	w->inner = low;
	w->g = g;
	if ((s = mailstream_low_new(w, &guard_driver)) == NULL) {
		free(w);
		return NULL;
	}
	s->timeout = low->timeout;
	return s;
}

const char *
mg_stream_guard_why(const struct mg_stream_guard *g, char *buf, size_t len)
{
	const struct mg_stream_limits *l = &g->lim;
	const char	*host = l->host, *noun = l->noun, *what =
	    g->refused_what != NULL ? g->refused_what : "a command";
	unsigned long long size = (unsigned long long)g->refused_size;

	switch (g->refused) {
	case MG_STREAM_OK:
		return NULL;
	case MG_STREAM_SILENCE:
		snprintf(buf, len, "%s sent nothing for %d s in its %s to %s "
		    "(%s)", host, g->refused_secs, noun, what, l->timeout_name);
		break;
	case MG_STREAM_DEADLINE:
		snprintf(buf, len, "%s did not finish its %s to %s within %d s "
		    "(%s)", host, noun, what, g->refused_secs, l->deadline_name);
		break;
	case MG_STREAM_TOO_BIG:
		snprintf(buf, len, "%s's %s to %s passed %llu bytes (%s is "
		    "%llu); connection dropped", host, noun, what, size,
		    l->max_bytes_name, (unsigned long long)l->max_bytes);
		break;
	case MG_STREAM_TOO_MUCH_TEXT:
		snprintf(buf, len, "%s's %s to %s passed %llu bytes outside "
		    "literals (%s); connection dropped", host, noun, what, size,
		    g->cap == l->max_text || l->text_cap_name == NULL ?
		    l->max_text_name : l->text_cap_name);
		break;
	case MG_STREAM_LITERAL:
		snprintf(buf, len, "%s announced a literal of %llu bytes in its "
		    "%s to %s, more than %s (%llu); connection dropped", host,
		    size, noun, what, l->max_literal_name,
		    (unsigned long long)l->max_literal);
		break;
	case MG_STREAM_EOF:
		snprintf(buf, len, "%s closed the connection before finishing "
		    "its %s to %s", host, noun, what);
		break;
	case MG_STREAM_IO:
		snprintf(buf, len, "the connection to %s failed during %s",
		    host, what);
		break;
	case MG_STREAM_STOPPED:
		snprintf(buf, len, "stopped");
		break;
	}
	return buf;
}
