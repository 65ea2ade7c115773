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
 * Before a session starts, serve decides whether the client may send at
 * all (see "Who may send" below), waits smtp.greet_pause milliseconds
 * for a client that talks before the greeting (a web browser, another
 * protocol: 554 and close, its bytes never read as commands), and keeps
 * every descriptor below FD_SETSIZE, which libetpan's select() needs:
 * the soft RLIMIT_NOFILE is lowered to it at start, and max_sessions is
 * capped so that sessions and their upstream connections fit.
 *
 * SIGHUP loads the configuration and filters again; a bad new
 * configuration is logged and the old one kept.  SIGTERM stops accepting,
 * lets sessions that are in the middle of a message finish for up to
 * MG_DEF_SHUTDOWN_GRACE seconds, and answers idle ones with 421.
 */
#include "config_auto.h"

#include <sys/resource.h>
#include <sys/select.h>
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
#include <pwd.h>
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
#include "matchguard/peercred.h"
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
	int		 session_cap;	/* what the descriptors allow */
	char		*local_pw;	/* the generated password, or NULL;
					 * kept until exit (sessions borrow) */
} srv = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, 0, 0,
	{ -1, -1 }, MG_MAX_SESSIONS_LIMIT, NULL };

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

/*
 * Who may send.  With smtp.peer_check = "uid", the client's socket must
 * belong to the user running serve: root is not let through either (root
 * can read the configuration anyway, and uid 0 is what the kernel says
 * for sockets that nobody holds).  With "password", AUTH is required:
 * smtp.local_password, or the generated one (any user name).
 */

/* "127.0.0.1:54321" or "[::1]:54321", for the log. */
static void
peer_name(int fd, char *buf, size_t len)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	char			 h[NI_MAXHOST], p[NI_MAXSERV];

	if (getpeername(fd, (struct sockaddr *)&ss, &sl) == -1 ||
	    getnameinfo((struct sockaddr *)&ss, sl, h, sizeof(h), p, sizeof(p),
	    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		snprintf(buf, len, "an unknown address");
		return;
	}
	snprintf(buf, len, ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", h,
	    p);
}

/* One reply, then the caller closes: a refusal before any session. */
static void
refuse_with(int fd, const char *host, const char *code, const char *text)
{
	struct io	 io = { fd, NULL };
	char		 line[512];
	int		 n = snprintf(line, sizeof(line), "%s %s %s\r\n", code,
	    host, text);

	if (n > 0 && (size_t)n < sizeof(line))
		(void)write_all(&io, line, (size_t)n);
}

/* The client closed its end already (its socket, gone from the table,
 * is not found: no need to log that). */
static int
client_left(int fd)
{
	char	 byte;

	return recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

/* 0: the client may go on; -1: refused (told and logged). */
static int
check_peer(struct conn *c, const char *peer)
{
	char	 err[MG_ERRLEN];
	uid_t	 uid;
	int	 rc;

	if (c->g->app.cfg.smtp.peer_check != MG_PEER_CHECK_UID)
		return 0;
	rc = mg_peercred_tcp_uid(c->fd, MG_PEERCRED_ANY, &uid, err,
	    sizeof(err));
	if (rc == 1 && uid == geteuid())
		return 0;
	if (rc == 1) {
		mg_log("refused a connection from %s (uid %u): only the user "
		    "who started matchguard (uid %u) may send through it", peer,
		    (unsigned)uid, (unsigned)geteuid());
		refuse_with(c->fd, c->g->hostname, "554 5.7.1", "only the user "
		    "who started matchguard may send through it");
		return -1;
	}
	if (rc == 0 && client_left(c->fd))
		return -1;	/* a connect and close: nothing to say */
	mg_log("refused a connection from %s: cannot tell which user it is "
	    "(%s)", peer, rc == 0 ? "no such socket in the kernel's table" :
	    err);
	refuse_with(c->fd, c->g->hostname, "421 4.3.0", "matchguard cannot "
	    "tell which user is connecting; try again later");
	return -1;
}

/* Postfix postscreen's pre-greet test: an SMTP client waits for the
 * greeting, a web browser or another protocol's client talks at once.
 * 0: quiet, go on; -1: it talked (refused, logged) or it left. */
static int
check_pregreet(struct conn *c, const char *peer)
{
	struct pollfd	 pfd = { c->fd, POLLIN, 0 };
	long long	 deadline = now_ms() + c->g->app.cfg.smtp.greet_pause;
	long long	 left;
	char		 byte;
	int		 n;

	do {
		left = deadline - now_ms();
		n = poll(&pfd, 1, left > 0 ? (int)left : 0);
	} while (n == -1 && errno == EINTR);
	if (n <= 0)
		return 0;	/* quiet; an error shows at the first read */
	n = (int)recv(c->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n <= 0)
		return -1;	/* it left */
	mg_log("refused a connection from %s: it sent data before the "
	    "greeting (not a mail client?)", peer);
	refuse_with(c->fd, c->g->hostname, "554 5.5.0", "no data may be sent "
	    "before the greeting: closing the connection");
	return -1;
}

/* AUTH for the session: smtp.local_user/local_password when set (in both
 * modes), else in password mode the generated password. */
static void
session_auth(const struct mg_config *cfg, struct mg_smtp_limits *lim)
{
	if (cfg->smtp.local_password != NULL) {
		lim->auth_user = cfg->smtp.local_user;
		lim->auth_password = cfg->smtp.local_password;
	} else if (cfg->smtp.peer_check == MG_PEER_CHECK_PASSWORD) {
		lim->auth_user = NULL;		/* any user name */
		lim->auth_password = srv.local_pw;
	}
}

/* Why the session ended, when it is worth a line in the log. */
static void
log_close(const struct mg_smtp_session *s, const char *peer)
{
	enum mg_smtp_close	 why = mg_smtp_session_closed_by(s);

	if (why == MG_SMTP_CLOSE_HTTP || why == MG_SMTP_CLOSE_ERRORS)
		mg_log("closed the connection from %s: %s", peer,
		    mg_smtp_close_reason(why));
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
	char			 peer[NI_MAXHOST + NI_MAXSERV + 4];

	peer_name(c->fd, peer, sizeof(peer));
	if (check_peer(c, peer) == -1 || check_pregreet(c, peer) == -1)
		return;
	lim.hostname = c->g->hostname;
	lim.max_message_size = (size_t)cfg->smtp.max_message_size;
	lim.max_rcpts = MG_SMTP_MAX_RCPTS;
	lim.max_bad_commands = (size_t)cfg->smtp.max_bad_commands;
	lim.tls_available = c->g->tls_creds != NULL;
	session_auth(cfg, &lim);
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
	log_close(s, peer);
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

/* smtp.max_sessions, within what the descriptors allow. */
static int
max_sessions(const struct mg_config *cfg)
{
	return cfg->smtp.max_sessions < srv.session_cap ?
	    cfg->smtp.max_sessions : srv.session_cap;
}

/* libetpan waits with select(), which aborts the process on a descriptor
 * at or above FD_SETSIZE: with the soft limit there, no such descriptor
 * can exist (net.c refuses one anyway).  Then the sessions, each with up
 * to MG_FDS_PER_SESSION descriptors, must fit with MG_FD_RESERVE. */
static void
limit_descriptors(void)
{
	struct rlimit	 rl;
	rlim_t		 want = FD_SETSIZE;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1) {
		mg_log("warning: getrlimit: %s", strerror(errno));
		return;
	}
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want)
		want = rl.rlim_max;
	if (rl.rlim_cur != want) {
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1) {
			mg_log("warning: cannot set the open file limit to "
			    "%lu: %s", (unsigned long)want, strerror(errno));
			if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
				return;
			want = rl.rlim_cur < FD_SETSIZE ? rl.rlim_cur :
			    FD_SETSIZE;
		}
	}
	srv.session_cap = ((int)want - MG_FD_RESERVE) / MG_FDS_PER_SESSION;
	if (srv.session_cap < 1)
		srv.session_cap = 1;
	if (srv.session_cap < srv.guard->app.cfg.smtp.max_sessions)
		mg_log("the open file limit (%lu) allows %d sessions at a "
		    "time, fewer than smtp.max_sessions (%d)",
		    (unsigned long)want, srv.session_cap,
		    srv.guard->app.cfg.smtp.max_sessions);
}

/* The generated password, when a configuration needs it: loaded (made
 * at the first start) once, and kept. */
static int
load_local_password(const struct mg_config *cfg, char *err, size_t errlen)
{
	int	 created;

	if (cfg->smtp.peer_check != MG_PEER_CHECK_PASSWORD ||
	    cfg->smtp.local_password != NULL || srv.local_pw != NULL)
		return 0;
	if (mg_peercred_local_password(cfg->state_dir, &srv.local_pw,
	    &created, err, errlen) == -1)
		return -1;
	if (created)
		mg_log("made a new local password for mail clients in %s/%s",
		    cfg->state_dir, MG_LOCAL_PASSWORD_FILE);
	return 0;
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
	if (srv.active >= max_sessions(&srv.guard->app.cfg)) {
		pthread_mutex_unlock(&srv.lock);
		mg_log("too many sessions (%d): refused a connection",
		    max_sessions(&srv.guard->app.cfg));
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
	if (load_local_password(&g->app.cfg, err, sizeof(err)) == -1) {
		mg_log("reload failed, keeping the old configuration: %s", err);
		mg_guard_unref(g);
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

/* The mail client's settings, and who may send.  The generated password
 * is shown on a terminal only: a log is no place for it. */
static void
describe_clients(const struct mg_config *cfg)
{
	const struct mg_smtp_settings	*sm = &cfg->smtp;
	const char	*sec = sm->tls_cert != NULL ? "STARTTLS (or none)" :
	    "none";
	struct passwd	*pw = getpwuid(geteuid());

	if (sm->local_password != NULL)
		mg_log("point your mail client's outgoing (SMTP) server at %s, "
		    "connection security %s, with the user name and password "
		    "of smtp.local_user/local_password", sm->listen.v[0], sec);
	else if (sm->peer_check == MG_PEER_CHECK_UID)
		mg_log("point your mail client's outgoing (SMTP) server at %s, "
		    "connection security %s, no authentication",
		    sm->listen.v[0], sec);
	else
		mg_log("point your mail client's outgoing (SMTP) server at %s, "
		    "connection security %s, authentication \"normal "
		    "password\" with any user name and the password in %s/%s",
		    sm->listen.v[0], sec, cfg->state_dir,
		    MG_LOCAL_PASSWORD_FILE);
	if (sm->peer_check == MG_PEER_CHECK_UID)
		mg_log("only programs of the user %s (uid %u) may send through "
		    "it; other users of this computer are refused",
		    pw != NULL ? pw->pw_name : "?", (unsigned)geteuid());
	else
		mg_log("a mail client must log in to send (smtp.peer_check = "
		    "\"password\")");
	if (srv.local_pw != NULL && sm->local_password == NULL &&
	    isatty(STDERR_FILENO))
		fprintf(stderr, "matchguard: the password is %s\n",
		    srv.local_pw);
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
		    up->ep.host, up->ep.port, up->ep.tls == MG_TLS_IMPLICIT ?
		    "TLS" : up->ep.tls == MG_TLS_STARTTLS ? "STARTTLS" :
		    "no encryption");
	describe_clients(cfg);
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
	if (load_local_password(&srv.guard->app.cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		mg_guard_unref(srv.guard);
		return MG_EXIT_ERROR;
	}
	limit_descriptors();
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
	mg_peercred_password_free(srv.local_pw);
	srv.local_pw = NULL;
	pthread_mutex_unlock(&srv.lock);
	return rc == 0 ? MG_EXIT_OK : MG_EXIT_ERROR;
}
