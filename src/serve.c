/*
 * serve.c - matchguard serve: the SMTP listener.
 *
 * The main thread binds the listening sockets (loopback by default), then
 * waits in poll() for connections and for signals (through a self-pipe).
 * Each connection runs in its own thread, at most smtp.max_sessions at a
 * time (421 past it): the thread moves bytes between the socket and the
 * session state machine (smtp_session.c), enforces the timeouts, and
 * hands each complete message to the guard (guard.c).
 *
 * SIGHUP loads the configuration and filters again; a bad new
 * configuration is logged and the old one kept.  SIGTERM stops accepting,
 * lets sessions that are in the middle of a message finish for up to
 * MG_DEF_SHUTDOWN_GRACE seconds, and answers idle ones with 421.
 */
#include "config_auto.h"

#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include "matchguard/cmd.h"
#include "matchguard/config.h"
#include "matchguard/guard.h"
#include "matchguard/imap_poller.h"
#include "matchguard/log.h"
#include "matchguard/notice_queue.h"
#include "matchguard/smtp_session.h"

#define MAX_LISTENERS	16
#define READ_CHUNK	16384
#define POLL_SLICE_MS	500	/* how often an idle session looks at `stopping` */

static const char usage[] = "usage: matchguard serve [-c CONF]\n";

static struct {
	pthread_mutex_t	 lock;
	pthread_cond_t	 idle;
	struct mg_guard	*guard;		/* current; sessions hold a ref */
	int		 active;	/* sessions running */
	atomic_int	 stopping;	/* read by every session thread */
	int		 sigpipe[2];
} srv = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, 0, 0,
	{ -1, -1 } };

/* Notices of held messages: one worker (notice_queue.h). */
static struct mg_notice_queue *notices;

struct conn {
	int		 fd;
	struct mg_guard	*g;
};

/* The connection: a socket, and TLS over it after STARTTLS. */
struct io {
	int			 fd;
	gnutls_session_t	 tls;	/* NULL before STARTTLS */
};

static int
write_all(struct io *io, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t	w;

		if (io->tls != NULL)
			w = gnutls_record_send(io->tls, p, len);
		else
			w = send(io->fd, p, len, MSG_NOSIGNAL);
		/* The socket is blocking with SO_SNDTIMEO/SO_RCVTIMEO: EAGAIN
		 * (GNUTLS_E_AGAIN) means the peer stalled past the timeout. */
		if ((w == -1 && errno == EINTR) || w == GNUTLS_E_INTERRUPTED)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static ssize_t
read_some(struct io *io, char *buf, size_t len)
{
	ssize_t	n;

	do {
		if (io->tls != NULL)
			n = gnutls_record_recv(io->tls, buf, len);
		else
			n = read(io->fd, buf, len);
	} while ((n == -1 && errno == EINTR) ||
	    n == GNUTLS_E_INTERRUPTED);
	return n;
}

/* Sends what the session queued and empties the buffer. */
static int
flush(struct io *io, struct mg_buf *out)
{
	int	rc = 0;

	if (out->failed)
		return -1;
	if (out->len > 0)
		rc = write_all(io, out->s, out->len);
	out->len = 0;
	return rc;
}

/* The handshake after "220 Ready to start TLS". */
static int
start_tls(struct io *io, struct mg_guard *g, int timeout_s)
{
	int	rc;

	if (gnutls_init(&io->tls, GNUTLS_SERVER) < 0)
		return -1;
	if (gnutls_set_default_priority(io->tls) < 0 ||
	    gnutls_credentials_set(io->tls, GNUTLS_CRD_CERTIFICATE,
	    g->tls_creds) < 0)
		return -1;
	gnutls_transport_set_int(io->tls, io->fd);
	gnutls_handshake_set_timeout(io->tls, (unsigned)timeout_s * 1000);
	do {
		rc = gnutls_handshake(io->tls);
	} while (rc < 0 && gnutls_error_is_fatal(rc) == 0);
	if (rc < 0) {
		mg_log("STARTTLS with a local client failed: %s",
		    gnutls_strerror(rc));
		return -1;
	}
	return 0;
}

/* The reply goes out as soon as the guard has it (for a relayed message,
 * right after upstream's 250), before the guard's slower work: a client
 * cut off before it has its 250 sends the letter again. */
struct early {
	struct mg_smtp_session	*s;
	struct io		*io;
	struct mg_buf		*out;
};

static void
reply_now(void *arg, const struct mg_guard_result *r)
{
	struct early	*e = arg;

	mg_smtp_session_reply(e->s, r->code, r->enhanced, r->text, e->out);
	(void)flush(e->io, e->out);	/* a lost client shows at the next read */
}

static void
handle_message(struct conn *c, struct mg_smtp_session *s, struct io *io,
    struct mg_buf *out)
{
	const char		*from, *data;
	const struct mg_strlist	*rcpts;
	size_t			 len;
	struct mg_guard_result	 r;
	struct early		 e = { s, io, out };

	mg_smtp_session_message(s, &from, &rcpts, &data, &len);
	mg_guard_process_early(c->g, from, rcpts, data, len, time(NULL), &r,
	    reply_now, &e);
}

static long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for input until deadline (now_ms()); 1 when readable, 0 on
 * timeout or shutdown, -1 on error.  *why says which. */
static int
wait_input(struct io *io, struct mg_smtp_session *s, long long deadline,
    const char **why)
{
	if (io->tls != NULL && gnutls_record_check_pending(io->tls) > 0)
		return 1;
	for (;;) {
		struct pollfd	pfd = { io->fd, POLLIN, 0 };
		long long	left = deadline - now_ms();
		int		n;

		if (srv.stopping && strcmp(mg_smtp_session_state(s), "data")) {
			*why = "shutting down, try again later";
			return 0;
		}
		if (left <= 0) {
			*why = "timeout, closing the connection";
			return 0;
		}
		n = poll(&pfd, 1, left < POLL_SLICE_MS ? (int)left :
		    POLL_SLICE_MS);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n > 0)
			return 1;
	}
}

static void
run_session(struct conn *c)
{
	const struct mg_config	*cfg = &c->g->app.cfg;
	struct mg_smtp_limits	 lim = { 0 };
	struct mg_smtp_session	*s;
	struct mg_buf		 out = { 0 };
	struct io		 io = { c->fd, NULL };
	char			*buf;
	const char		*why = NULL, *last_state = NULL;
	long long		 deadline = 0;
	size_t			 since = 0;

	lim.hostname = c->g->hostname;
	lim.max_message_size = (size_t)cfg->smtp.max_message_size;
	lim.max_rcpts = MG_SMTP_MAX_RCPTS;
	lim.tls_available = c->g->tls_creds != NULL;
	lim.auth_user = cfg->smtp.local_user;
	lim.auth_password = cfg->smtp.local_password;
	if ((buf = malloc(READ_CHUNK)) == NULL ||
	    (s = mg_smtp_session_new(&lim)) == NULL) {
		free(buf);
		return;
	}
	mg_smtp_session_greet(s, &out);
	for (;;) {
		const char *st = mg_smtp_session_state(s);
		int	data = strcmp(st, "data") == 0;
		int	timeout = data ? cfg->smtp.data_timeout :
		    cfg->smtp.command_timeout;
		int	w;
		ssize_t	n;
		size_t	off = 0;
		int	closing = 0;

		/* A deadline, not a timeout per read: a command line must
		 * be complete within command_timeout, and DATA must bring
		 * MG_SMTP_MAX_LINE octets within data_timeout, so that a
		 * client sending a byte at a time cannot hold a session.
		 * The clock starts again with each reply or new state. */
		if (out.len > 0 || st != last_state ||
		    (data && since >= MG_SMTP_MAX_LINE)) {
			deadline = now_ms() + (long long)timeout * 1000;
			last_state = st;
			since = 0;
		}
		if (flush(&io, &out) == -1)
			break;
		if ((w = wait_input(&io, s, deadline, &why)) == 0) {
			mg_smtp_session_abort(s, why, &out);
			flush(&io, &out);
			break;
		}
		if (w == -1 || (n = read_some(&io, buf, READ_CHUNK)) <= 0)
			break;
		since += (size_t)n;
		while (off < (size_t)n && !closing) {
			enum mg_smtp_event ev;

			off += mg_smtp_session_feed(s, buf + off, (size_t)n - off,
			    &out, &ev);
			if (ev == MG_SMTP_EV_MESSAGE) {
				if (flush(&io, &out) == -1)
					closing = 1;
				else
					handle_message(c, s, &io, &out);
			} else if (ev == MG_SMTP_EV_CLOSE)
				closing = 1;
			else if (ev == MG_SMTP_EV_STARTTLS) {
				/* The session dropped anything pipelined
				 * after STARTTLS (CVE-2011-0411). */
				if (flush(&io, &out) == -1 ||
				    start_tls(&io, c->g, timeout) == -1)
					closing = 2;
				else
					mg_smtp_session_tls_started(s);
			}
		}
		if (closing) {
			if (closing == 1)
				flush(&io, &out);
			break;
		}
	}
	if (io.tls != NULL) {
		gnutls_bye(io.tls, GNUTLS_SHUT_WR);
		gnutls_deinit(io.tls);
	}
	mg_smtp_session_free(s);
	mg_buf_free(&out);
	free(buf);
}

static void *
session_thread(void *arg)
{
	struct conn	*c = arg;

	run_session(c);
	close(c->fd);
	mg_guard_unref(c->g);
	free(c);
	pthread_mutex_lock(&srv.lock);
	srv.active--;
	pthread_cond_broadcast(&srv.idle);
	pthread_mutex_unlock(&srv.lock);
	return NULL;
}

static void
refuse(int fd, const char *host)
{
	char	line[320];
	int	n = snprintf(line, sizeof(line), "421 4.3.2 %s too many "
	    "connections, try again later\r\n", host);

	struct io	io = { fd, NULL };

	if (n > 0)
		write_all(&io, line, (size_t)n);
	close(fd);
}

/* Blocking reads and writes give up after the timeout, so that a client
 * that stops in the middle of a TLS record, or never reads its replies,
 * cannot hold a session (poll() alone cannot see a half record). */
static void
set_timeouts(int fd, int seconds)
{
	struct timeval	tv = { seconds, 0 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* Takes one connection (a session, or a 421); -1 when none is waiting. */
static int
accept_one(int lfd)
{
	struct conn	*c;
	pthread_t	 t;
	pthread_attr_t	 attr;
	sigset_t	 all, old;
	int		 rc;
	int		 fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

	if (fd == -1) {
		if (errno == EMFILE || errno == ENFILE) {
			/* The connection stays queued and poll() would wake
			 * again at once: wait for sessions to close files. */
			mg_log("accept: %s; pausing", strerror(errno));
			usleep(100 * 1000);
		}
		return -1;
	}
	set_timeouts(fd, srv.guard->app.cfg.smtp.command_timeout >
	    srv.guard->app.cfg.smtp.data_timeout ?
	    srv.guard->app.cfg.smtp.command_timeout :
	    srv.guard->app.cfg.smtp.data_timeout);
	pthread_mutex_lock(&srv.lock);
	if (srv.active >= srv.guard->app.cfg.smtp.max_sessions) {
		pthread_mutex_unlock(&srv.lock);
		mg_log("too many sessions (%d): refused a connection",
		    srv.guard->app.cfg.smtp.max_sessions);
		refuse(fd, srv.guard->hostname);
		return 0;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		pthread_mutex_unlock(&srv.lock);
		close(fd);
		return 0;
	}
	c->fd = fd;
	c->g = srv.guard;
	mg_guard_ref(c->g);
	srv.active++;
	pthread_mutex_unlock(&srv.lock);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* Signals are for the main thread (the self-pipe): a session
	 * thread starts with them blocked, so its I/O never sees EINTR
	 * from a SIGHUP meant for the listener. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&t, &attr, session_thread, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		mg_log("cannot start a session thread");
		close(fd);
		mg_guard_unref(c->g);
		free(c);
		pthread_mutex_lock(&srv.lock);
		srv.active--;
		pthread_mutex_unlock(&srv.lock);
	}
	pthread_attr_destroy(&attr);
	return 0;
}

static int
bind_one(const char *spec, int *fd, char *err, size_t errlen)
{
	struct addrinfo	 hints = { 0 }, *res;
	char		 host[256], port[8];
	int		 on = 1, rc;

	if (mg_split_hostport(spec, host, sizeof(host), port, sizeof(port)) == -1) {
		mg_seterr(err, errlen, "smtp.listen: \"%s\" is not host:port", spec);
		return -1;
	}
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		mg_seterr(err, errlen, "smtp.listen %s: %s", spec, gai_strerror(rc));
		return -1;
	}
	*fd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0);
	if (*fd == -1)
		goto fail;
	setsockopt(*fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (res->ai_family == AF_INET6)
		setsockopt(*fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	if (bind(*fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    /* A burst past max_sessions must reach accept() to get its
	     * 421, not wait in the kernel's queue until the client gives
	     * up: the largest backlog the system allows. */
	    listen(*fd, SOMAXCONN) == -1)
		goto fail;
	freeaddrinfo(res);
	return 0;
fail:
	mg_seterr(err, errlen, "smtp.listen %s: %s", spec, strerror(errno));
	if (*fd != -1)
		close(*fd);
	freeaddrinfo(res);
	return -1;
}

static void
on_signal(int sig)
{
	unsigned char	c = (unsigned char)sig;
	int		saved = errno;

	if (write(srv.sigpipe[1], &c, 1) == -1) {
		/* The pipe is full: a signal is pending already. */
	}
	errno = saved;
}

static int
setup_signals(void)
{
	struct sigaction	sa;

	if (pipe2(srv.sigpipe, O_CLOEXEC | O_NONBLOCK) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static void
reload(const char *conf)
{
	struct mg_guard	*g, *old;
	char		 err[MG_ERRLEN];

	if ((g = mg_guard_new(conf, 1, err, sizeof(err))) == NULL) {
		mg_log("reload failed, keeping the old configuration: %s", err);
		return;
	}
	g->notices = notices;
	pthread_mutex_lock(&srv.lock);
	old = srv.guard;
	srv.guard = g;
	pthread_mutex_unlock(&srv.lock);
	mg_guard_unref(old);
	mg_log("configuration and filters reloaded (a change of "
	    "smtp.listen needs a restart)");
}

/* Lets sessions finish, for at most the grace period. */
static void
drain(void)
{
	struct timespec	deadline;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += MG_DEF_SHUTDOWN_GRACE;
	pthread_mutex_lock(&srv.lock);
	while (srv.active > 0)
		if (pthread_cond_timedwait(&srv.idle, &srv.lock,
		    &deadline) == ETIMEDOUT)
			break;
	if (srv.active > 0)
		mg_log("%d session(s) still running after %d s; exiting (their "
		    "clients got no 250 and keep the messages)", srv.active,
		    MG_DEF_SHUTDOWN_GRACE);
	pthread_mutex_unlock(&srv.lock);
}

static void
describe(const struct mg_config *cfg)
{
	const struct mg_upstream *up = &cfg->upstream;

	for (size_t i = 0; i < cfg->smtp.listen.n; i++)
		mg_log("listening on %s", cfg->smtp.listen.v[i]);
	if (up->type == MG_UPSTREAM_MAILDIR)
		mg_log("local mode: passed messages are delivered to the "
		    "Maildir %s, not sent", up->path);
	else
		mg_log("passed messages are relayed to %s port %d (%s)",
		    up->host, up->port, up->tls == MG_TLS_IMPLICIT ?
		    "TLS" : up->tls == MG_TLS_STARTTLS ? "STARTTLS" :
		    "no encryption");
	mg_log("point your mail client's outgoing (SMTP) server at %s, "
	    "connection security %s%s", cfg->smtp.listen.v[0],
	    cfg->smtp.tls_cert != NULL ? "STARTTLS (or none)" : "none",
	    cfg->smtp.local_password != NULL ? ", with the user name and "
	    "password of smtp.local_user/local_password" : ", no "
	    "authentication");
}

/* Leftovers of a crash (never acknowledged to a client) older than an
 * hour, so that a `matchguard sendmail` writing right now is left alone. */
static void
sweep_spool(struct mg_guard *g)
{
	char	err[MG_ERRLEN];
	int	n = mg_spool_sweep(g->spool_dir, time(NULL), 3600, err,
	    sizeof(err));

	if (n == -1)
		mg_log("warning: %s", err);
	else if (n > 0)
		mg_log("removed %d unfinished file(s) left in %s by a crash "
		    "(none had been acknowledged to a mail client)", n,
		    g->spool_dir);
}

static int
serve_loop(const char *conf, int *lfd, size_t nl)
{
	struct pollfd	pfd[MAX_LISTENERS + 1];

	for (size_t i = 0; i < nl; i++)
		pfd[i] = (struct pollfd){ lfd[i], POLLIN, 0 };
	pfd[nl] = (struct pollfd){ srv.sigpipe[0], POLLIN, 0 };
	while (!srv.stopping) {
		if (poll(pfd, nl + 1, -1) == -1) {
			if (errno == EINTR)
				continue;
			mg_log("poll: %s", strerror(errno));
			return -1;
		}
		if (pfd[nl].revents & POLLIN) {
			unsigned char	sig;
			int		hup = 0;

			/* A burst of SIGHUPs is one reload, after the pipe
			 * is empty, so accepting is not starved. */
			while (read(srv.sigpipe[0], &sig, 1) == 1) {
				if (sig == SIGHUP)
					hup = 1;
				else
					srv.stopping = 1;
			}
			if (hup && !srv.stopping)
				reload(conf);
		}
		for (size_t i = 0; i < nl && !srv.stopping; i++)
			if (pfd[i].revents & POLLIN)
				/* Drain a burst, a bounded one at a time. */
				for (int k = 0; k < 64; k++)
					if (accept_one(lfd[i]) == -1)
						break;
	}
	mg_log("stopping: finishing the messages in progress");
	return 0;
}

int
mg_cmd_serve(int argc, char **argv, const char *conf)
{
	static const struct option longopts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct mg_poller	*poller = NULL;
	struct timespec		 grace;
	int	lfd[MAX_LISTENERS], ch, rc, stuck;
	size_t	nl = 0;
	char	err[MG_ERRLEN];

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		if (ch == 'c')
			conf = optarg;
		else {
			fputs(usage, ch == 'h' ? stdout : stderr);
			return ch == 'h' ? MG_EXIT_OK : MG_EXIT_ERROR;
		}
	}
	if ((srv.guard = mg_guard_new(conf, 1, err, sizeof(err))) == NULL) {
		fprintf(stderr, "matchguard: %s\n", err);
		return MG_EXIT_ERROR;
	}
	for (size_t i = 0; i < srv.guard->app.cfg.smtp.listen.n &&
	    nl < MAX_LISTENERS; i++) {
		if (bind_one(srv.guard->app.cfg.smtp.listen.v[i], &lfd[nl], err,
		    sizeof(err)) == 0)
			nl++;
		else
			mg_log("%s", err);
	}
	if (nl == 0 || setup_signals() == -1) {
		fprintf(stderr, "matchguard: cannot listen on any address of "
		    "smtp.listen (%s)\n", nl == 0 ? err : strerror(errno));
		mg_guard_unref(srv.guard);
		return MG_EXIT_ERROR;
	}
	describe(&srv.guard->app.cfg);
	sweep_spool(srv.guard);
	if (mg_notice_queue_start(srv.guard, &notices, err, sizeof(err)) == -1)
		mg_log("notices of held messages are sent at once: %s", err);
	srv.guard->notices = notices;
	if (mg_poller_start(conf, &poller, err, sizeof(err)) == -1)
		mg_log("no IMAP poller: %s", err);
	rc = serve_loop(conf, lfd, nl);
	clock_gettime(CLOCK_REALTIME, &grace);
	grace.tv_sec += MG_DEF_SHUTDOWN_GRACE;
	for (size_t i = 0; i < nl; i++)
		close(lfd[i]);
	mg_poller_stop(&poller);
	drain();
	/* The notice worker too has until the end of the grace period. */
	stuck = mg_notice_queue_drain(notices, &grace);
	pthread_mutex_lock(&srv.lock);
	if (srv.active > 0 || stuck) {
		/* Sessions still run (their clients got no 250), or the
		 * notice worker waits for its IMAP server: leave now,
		 * without freeing what they use or shutting GMime down
		 * under them. */
		fflush(stderr);
		_exit(rc == 0 ? MG_EXIT_OK : MG_EXIT_ERROR);
	}
	mg_notice_queue_free(&notices);
	mg_guard_unref(srv.guard);
	srv.guard = NULL;
	pthread_mutex_unlock(&srv.lock);
	return rc == 0 ? MG_EXIT_OK : MG_EXIT_ERROR;
}
