/*
 * smtp_server.c - the SMTP listener of `matchguard serve` (the command
 * around it is cmd_serve.c).
 *
 * The main thread binds the listening sockets (loopback by default; every
 * address of smtp.listen, or serve does not start: a port another program
 * holds would take the mail client's letters and password), then waits in
 * poll() for connections and for signals (through a self-pipe).  Each
 * connection runs in its own thread, at most smtp.max_sessions at a time:
 * the thread moves bytes between the socket and the session state machine
 * (smtp_session.c), enforces the timeouts, and hands each complete
 * message to the guard (guard.c).
 *
 * In the accept loop, before a connection takes a session, serve decides
 * whether the client may send at all (see "Who may send" below): another
 * user's connection is refused there and never holds a session.  When
 * all sessions are in use, the oldest connection that has not sent a
 * command yet (a browser's preconnected socket), or else that has not
 * logged in where a login is required, is closed with 421 to make room;
 * only when there is none is the new one refused with 421.  A session
 * waits smtp.greet_pause milliseconds for a client that talks before the
 * greeting (a web browser, another protocol: 554 and close, its bytes
 * never read as commands); then the first command must come within
 * smtp.first_command_timeout, and a login, where one is required, within
 * smtp.auth_timeout.  A failed login is answered after
 * smtp.auth_fail_delay, and past smtp.max_auth_failures a minute (all
 * clients together) logging in is refused for smtp.auth_lockout seconds.
 * Lines that a peer can make serve log at will are rate-limited (rl_log).
 *
 * Every descriptor stays below FD_SETSIZE, which libetpan's select()
 * needs: the soft RLIMIT_NOFILE is lowered to it at start, and
 * max_sessions is capped so that sessions and their upstream connections
 * fit.
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
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
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
#include "matchguard/log.h"
#include "matchguard/peercred.h"
#include "matchguard/notice_queue.h"
#include "matchguard/smtp_server.h"
#include "matchguard/smtp_session.h"

#define READ_CHUNK	16384
#define POLL_SLICE_MS	500	/* how often an idle session looks at `stopping` */
#define PAUSE_SLICE_MS	50	/* the same while a failed login waits */
#define EVICT_WAIT_MS	250	/* for a connection closed to make room */
/* A connection is closed to make room only once it has had this long
 * after its greeting to say something (a mail client needs a few
 * milliseconds), so that a stream of new connections cannot push out
 * the mail client's own before it has said EHLO. */
#define EVICT_GRACE_MS	1000
#define AUTH_WINDOW_MS	60000	/* smtp.max_auth_failures is per minute */

static struct {
	pthread_mutex_t	 lock;
	pthread_cond_t	 idle;
	struct mg_guard	*guard;		/* current; sessions hold a ref */
	int		 active;	/* sessions running */
	atomic_int	 stopping;	/* read by every session thread */
	int		 session_cap;	/* what the descriptors allow */
	char		*local_pw;	/* the generated password, or NULL;
					 * kept until exit (sessions borrow) */
	atomic_int	 log_interval;	/* smtp.log_interval, seconds */
} srv = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, 0, 0,
	MG_MAX_SESSIONS_LIMIT, NULL, MG_DEF_LOG_INTERVAL };

/*
 * Sessions.  Each running session has a slot; its phase says whether it
 * may be closed to make room for a new connection.  The main thread
 * changes a slot between free and used, and reads fd and since, under
 * srv.lock; the phase moves forward by compare-and-swap: the session
 * from QUIET to UNAUTHED or SPOKE (and UNAUTHED to SPOKE), the accept
 * loop from QUIET or UNAUTHED to EVICTED, whichever comes first.
 */
enum slot_phase {
	SLOT_FREE,
	SLOT_QUIET,	/* no command yet: an idle preconnection? */
	SLOT_UNAUTHED,	/* commands, but a required login not yet done */
	SLOT_SPOKE,	/* a client at work: never evicted */
	SLOT_EVICTED	/* the accept loop closes it to make room */
};

struct slot {
	atomic_int	 phase;
	int		 fd;
	long long	 since;		/* accepted, now_ms() */
};

static struct slot slots[MG_MAX_SESSIONS_LIMIT];

/* Notices of held messages: one worker (notice_queue.h). */
static struct mg_notice_queue *notices;

struct conn {
	int		 fd;
	struct mg_guard	*g;
	struct slot	*slot;
};

/* The connection: a socket, and TLS over it after STARTTLS. */
struct io {
	int			 fd;
	gnutls_session_t	 tls;	/* NULL before STARTTLS */
};

static long long
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Lines that a peer can make serve write as often as it likes (refusals,
 * closed connections, failed logins) go through rl_log(): of each kind,
 * the first in an interval of smtp.log_interval seconds is logged, the
 * others are counted, and at the end of the interval one line says how
 * many there were.  A flood of connections costs two lines a minute.
 */
enum rl_kind {
	RL_OTHER_USER,
	RL_UNKNOWN_USER,
	RL_FULL,
	RL_EVICTED,
	RL_PREGREET,
	RL_HTTP,
	RL_ERRORS,
	RL_TIMEOUT,
	RL_LOGIN,
	RL_TLS,
	RL_N
};

static struct rl {
	const char	*what;		/* "N more <what> in the last S s" */
	long long	 since;		/* the interval's start; 0: none */
	unsigned long	 more;		/* not logged in it */
} rlog[RL_N] = {
	[RL_OTHER_USER] = { "connections of other users refused", 0, 0 },
	[RL_UNKNOWN_USER] = { "connections of an unknown user refused", 0, 0 },
	[RL_FULL] = { "connections refused: too many sessions", 0, 0 },
	[RL_EVICTED] = { "idle connections closed to make room", 0, 0 },
	[RL_PREGREET] = { "connections that talked before the greeting "
	    "refused", 0, 0 },
	[RL_HTTP] = { "connections closed for sending HTTP", 0, 0 },
	[RL_ERRORS] = { "connections closed for too many errors", 0, 0 },
	[RL_TIMEOUT] = { "connections closed for saying nothing or not "
	    "logging in in time", 0, 0 },
	[RL_LOGIN] = { "failed logins", 0, 0 },
	[RL_TLS] = { "failed STARTTLS handshakes", 0, 0 }
};

static pthread_mutex_t rl_lock = PTHREAD_MUTEX_INITIALIZER;

/* Ends r's interval when it is over (or when `all`), with its count;
 * rl_lock held. */
static void
rl_end(struct rl *r, long long now, int all)
{
	long long	 iv = (long long)atomic_load(&srv.log_interval) * 1000;

	if (r->since == 0 || (!all && now - r->since < iv))
		return;
	if (r->more > 0)
		mg_log("%lu more %s in the last %lld s", r->more, r->what,
		    (now - r->since + 999) / 1000);
	r->since = 0;
	r->more = 0;
}

static void
rl_log(enum rl_kind k, const char *fmt, ...)
{
	struct rl	*r = &rlog[k];
	long long	 now = now_ms();
	char		 line[1024];
	va_list		 ap;

	pthread_mutex_lock(&rl_lock);
	rl_end(r, now, 0);
	if (r->since != 0) {
		if (r->more < ULONG_MAX)
			r->more++;
		pthread_mutex_unlock(&rl_lock);
		return;
	}
	r->since = now;
	pthread_mutex_unlock(&rl_lock);
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	mg_log("%s", line);
}

/* The counts of intervals that are over (all of them when `all`: at
 * exit). */
static void
rl_tick(int all)
{
	long long	 now = now_ms();

	pthread_mutex_lock(&rl_lock);
	for (size_t i = 0; i < RL_N; i++)
		rl_end(&rlog[i], now, all);
	pthread_mutex_unlock(&rl_lock);
}

/*
 * Failed logins, of all clients together: past smtp.max_auth_failures in
 * a minute, AUTH is refused (454 4.7.0, the password not looked at) for
 * smtp.auth_lockout seconds.  Each failure is also answered only after
 * smtp.auth_fail_delay.  Together: a few dozen guesses an hour at most.
 */
static struct {
	pthread_mutex_t	 lock;
	long long	 at[MG_MAX_AUTH_FAILURES_LIMIT];  /* ring; 0: empty */
	size_t		 next;
	long long	 locked_until;
} af = { PTHREAD_MUTEX_INITIALIZER, { 0 }, 0, 0 };

static int
auth_locked(void)
{
	int	 locked;

	pthread_mutex_lock(&af.lock);
	locked = now_ms() < af.locked_until;
	pthread_mutex_unlock(&af.lock);
	return locked;
}

static void
auth_failure(const struct mg_smtp_settings *sm)
{
	long long	 now = now_ms();
	int		 n = 0, lock = 0;

	pthread_mutex_lock(&af.lock);
	af.at[af.next] = now;
	af.next = (af.next + 1) % MG_MAX_AUTH_FAILURES_LIMIT;
	for (size_t i = 0; i < MG_MAX_AUTH_FAILURES_LIMIT; i++)
		if (af.at[i] != 0 && now - af.at[i] < AUTH_WINDOW_MS)
			n++;
	if (n >= sm->max_auth_failures && now >= af.locked_until) {
		af.locked_until = now + (long long)sm->auth_lockout * 1000;
		memset(af.at, 0, sizeof(af.at));
		lock = 1;
	}
	pthread_mutex_unlock(&af.lock);
	if (lock)
		mg_log("%d failed logins within a minute: logging in is "
		    "refused (454 4.7.0) for the next %d s; if that was not "
		    "you, someone on this computer is guessing the password",
		    n, sm->auth_lockout);
}

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
		rl_log(RL_TLS, "STARTTLS with a local client failed: %s",
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


/* Waits for input until deadline (now_ms()); 1 when readable, 0 on
 * timeout or shutdown, -1 on error.  *why says which (on a timeout,
 * timeout_why). */
static int
wait_input(struct io *io, struct mg_smtp_session *s, long long deadline,
    const char *timeout_why, const char **why)
{
	if (io->tls != NULL && gnutls_record_check_pending(io->tls) > 0)
		return 1;
	for (;;) {
		struct pollfd	pfd = { io->fd, POLLIN, 0 };
		long long	left = deadline - now_ms();
		int		n;

		if (srv.stopping &&
		    mg_smtp_session_phase(s) != MG_SMTP_PHASE_DATA) {
			*why = "shutting down, try again later";
			return 0;
		}
		if (left <= 0) {
			*why = timeout_why;
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

/* One reply, then the caller closes: a refusal before any session.  It
 * never waits (the accept loop sends these): a new socket's buffer has
 * room for one line, and a client that left gets nothing. */
static void
refuse_with(int fd, const char *host, const char *code, const char *text)
{
	char		 line[512];
	int		 n = snprintf(line, sizeof(line), "%s %s %s\r\n", code,
	    host, text);

	if (n > 0 && (size_t)n < sizeof(line) &&
	    send(fd, line, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) == -1) {
		/* gone, or not reading: it is closed anyway */
	}
}

/* The client closed its end already (its socket, gone from the table,
 * is not found: no need to log that). */
static int
client_left(int fd)
{
	char	 byte;

	return recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

/* In the accept loop, before the connection has a session: the netlink
 * lookup takes some 15 microseconds, so that a flood of another user's
 * connections never holds a session, and costs little.  0: the client
 * may go on; -1: refused (told, logged at most once an interval). */
static int
check_peer(int fd, const struct mg_guard *g)
{
	char	 err[MG_ERRLEN], peer[NI_MAXHOST + NI_MAXSERV + 4];
	uid_t	 uid;
	int	 rc;

	if (g->app.cfg.smtp.peer_check != MG_PEER_CHECK_UID)
		return 0;
	rc = mg_peercred_tcp_uid(fd, MG_PEERCRED_ANY, &uid, err, sizeof(err));
	if (rc == 1 && uid == geteuid())
		return 0;
	if (rc == 0 && client_left(fd))
		return -1;	/* a connect and close: nothing to say */
	peer_name(fd, peer, sizeof(peer));
	if (rc == 1) {
		rl_log(RL_OTHER_USER, "refused a connection from %s (uid %u): "
		    "only the user who started matchguard (uid %u) may send "
		    "through it", peer, (unsigned)uid, (unsigned)geteuid());
		refuse_with(fd, g->hostname, "554 5.7.1", "only the user "
		    "who started matchguard may send through it");
		return -1;
	}
	rl_log(RL_UNKNOWN_USER, "refused a connection from %s: cannot tell "
	    "which user it is (%s)", peer, rc == 0 ? "no such socket in the "
	    "kernel's table" : err);
	refuse_with(fd, g->hostname, "421 4.3.0", "matchguard cannot "
	    "tell which user is connecting; try again later");
	return -1;
}

static int	max_sessions(const struct mg_config *cfg);

/* The accept loop closed this connection to make room (see take_slot). */
static int
evicted(const struct conn *c)
{
	return atomic_load(&c->slot->phase) == SLOT_EVICTED;
}

static void
say_evicted(struct conn *c, struct mg_smtp_session *s, const char *peer,
    struct io *io, struct mg_buf *out)
{
	rl_log(RL_EVICTED, "too many sessions (%d): closed the connection "
	    "from %s, which had %s for %lld s, to make room for a new one",
	    max_sessions(&c->g->app.cfg), peer, s != NULL &&
	    mg_smtp_session_commands(s) > 0 ? "not logged in" : "sent nothing",
	    (now_ms() - c->slot->since) / 1000);
	if (s == NULL) {
		refuse_with(c->fd, c->g->hostname, "421 4.3.2", "too many "
		    "connections: closing this idle one");
		return;
	}
	out->len = 0;
	mg_smtp_session_abort(s, "too many connections: closing this idle "
	    "one", out);
	(void)flush(io, out);
}

/* The session said its first command, or logged in: it may no longer be
 * closed to make room.  -1 when the accept loop was first. */
static int
advance(struct conn *c, struct mg_smtp_session *s)
{
	int	 want = mg_smtp_session_commands(s) == 0 ? SLOT_QUIET :
	    mg_smtp_session_needs_auth(s) ? SLOT_UNAUTHED : SLOT_SPOKE;
	int	 cur = atomic_load(&c->slot->phase);

	while (cur != SLOT_EVICTED && cur < want)
		if (atomic_compare_exchange_weak(&c->slot->phase, &cur, want))
			return 0;
	return cur == SLOT_EVICTED ? -1 : 0;
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
	if (n <= 0 || evicted(c))
		return -1;	/* it left, or is closed to make room */
	rl_log(RL_PREGREET, "refused a connection from %s: it sent data "
	    "before the greeting (not a mail client?)", peer);
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
		rl_log(why == MG_SMTP_CLOSE_HTTP ? RL_HTTP : RL_ERRORS,
		    "closed the connection from %s: %s", peer,
		    mg_smtp_close_reason(why));
}

/* Sleeps ms milliseconds, less when serve stops or the connection is
 * closed to make room. */
static void
pause_ms(const struct conn *c, int ms)
{
	long long	 until = now_ms() + ms, left;

	while (!srv.stopping && !evicted(c) && (left = until - now_ms()) > 0) {
		struct timespec	 ts = { 0, (left < PAUSE_SLICE_MS ? left :
		    PAUSE_SLICE_MS) * 1000000L };

		nanosleep(&ts, NULL);
	}
}

/* A failed login: counted (the lockout), logged (rate-limited), and
 * answered only after smtp.auth_fail_delay. */
static void
login_failed(struct conn *c, const char *peer)
{
	auth_failure(&c->g->app.cfg.smtp);
	rl_log(RL_LOGIN, "failed login from %s", peer);
	pause_ms(c, c->g->app.cfg.smtp.auth_fail_delay);
}

/* The deadlines that the client's progress sets, besides the one of each
 * command: the first command within first_command_timeout of the
 * greeting, and a required login within auth_timeout of the connect. */
enum deadline_kind { DL_COMMAND, DL_FIRST, DL_AUTH };

static long long
session_deadline(const struct conn *c, const struct mg_smtp_session *s,
    long long deadline, long long greeted, enum deadline_kind *kind)
{
	const struct mg_smtp_settings	*sm = &c->g->app.cfg.smtp;
	long long			 d;

	*kind = DL_COMMAND;
	if (mg_smtp_session_commands(s) == 0 && (d = greeted +
	    (long long)sm->first_command_timeout * 1000) < deadline) {
		deadline = d;
		*kind = DL_FIRST;
	}
	if (mg_smtp_session_needs_auth(s) && (d = c->slot->since +
	    (long long)sm->auth_timeout * 1000) < deadline) {
		deadline = d;
		*kind = DL_AUTH;
	}
	return deadline;
}

static void
log_timeout(const struct conn *c, enum deadline_kind kind, const char *peer)
{
	const struct mg_smtp_settings	*sm = &c->g->app.cfg.smtp;

	if (kind == DL_FIRST)
		rl_log(RL_TIMEOUT, "closed the connection from %s: it sent no "
		    "command within %d s of the greeting (a web browser's "
		    "preconnection?)", peer, sm->first_command_timeout);
	else if (kind == DL_AUTH)
		rl_log(RL_TIMEOUT, "closed the connection from %s: it did not "
		    "log in within %d s", peer, sm->auth_timeout);
}

static void
run_session(struct conn *c)
{
	static const char *const timeout_why[] = {
		[DL_COMMAND] = "timeout, closing the connection",
		[DL_FIRST] = "no command in time, closing the connection",
		[DL_AUTH] = "no login in time, closing the connection"
	};
	const struct mg_config	*cfg = &c->g->app.cfg;
	struct mg_smtp_limits	 lim = { 0 };
	struct mg_smtp_session	*s;
	struct mg_buf		 out = { 0 };
	struct io		 io = { c->fd, NULL };
	char			*buf;
	const char		*why = NULL;
	int			 last_phase = -1;	/* -1: restart the clock */
	long long		 deadline = 0, greeted;
	size_t			 since = 0;
	unsigned		 failures = 0;
	char			 peer[NI_MAXHOST + NI_MAXSERV + 4];

	peer_name(c->fd, peer, sizeof(peer));
	if (check_pregreet(c, peer) == -1) {
		if (evicted(c))
			say_evicted(c, NULL, peer, &io, &out);
		return;
	}
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
	greeted = now_ms();
	for (;;) {
		enum mg_smtp_phase ph = mg_smtp_session_phase(s);
		int	data = ph == MG_SMTP_PHASE_DATA;
		int	timeout = data ? cfg->smtp.data_timeout :
		    cfg->smtp.command_timeout;
		int	w;
		ssize_t	n;
		size_t	off = 0;
		int	closing = 0;
		long long until;
		enum deadline_kind kind;

		/* A deadline, not a timeout per read: a command line must
		 * be complete within command_timeout, and DATA must bring
		 * MG_SMTP_MAX_LINE octets within data_timeout, so that a
		 * client sending a byte at a time cannot hold a session.
		 * The clock starts again with each reply or new state. */
		if (out.len > 0 || (int)ph != last_phase ||
		    (data && since >= MG_SMTP_MAX_LINE)) {
			deadline = now_ms() + (long long)timeout * 1000;
			last_phase = (int)ph;
			since = 0;
		}
		if (flush(&io, &out) == -1)
			break;
		until = session_deadline(c, s, deadline, greeted, &kind);
		w = wait_input(&io, s, until, timeout_why[kind], &why);
		if (w != -1 && evicted(c)) {
			say_evicted(c, s, peer, &io, &out);
			break;
		}
		if (w == 0) {
			if (!srv.stopping)
				log_timeout(c, kind, peer);
			mg_smtp_session_abort(s, why, &out);
			flush(&io, &out);
			break;
		}
		if (w == -1 || (n = read_some(&io, buf, READ_CHUNK)) <= 0)
			break;
		since += (size_t)n;
		while (off < (size_t)n && !closing) {
			enum mg_smtp_event ev;

			mg_smtp_session_auth_locked(s, auth_locked());
			off += mg_smtp_session_feed(s, buf + off, (size_t)n - off,
			    &out, &ev);
			if (advance(c, s) == -1) {
				say_evicted(c, s, peer, &io, &out);
				closing = 2;
				break;
			}
			if (mg_smtp_session_auth_failures(s) != failures) {
				/* The 535 goes after the pause. */
				failures = mg_smtp_session_auth_failures(s);
				login_failed(c, peer);
				if (flush(&io, &out) == -1) {
					closing = 2;
					break;
				}
				last_phase = -1;	/* a reply went */
			}
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

/* The slot is given back before the socket is closed, so that the accept
 * loop never shuts down a descriptor that is already someone else's. */
static void *
session_thread(void *arg)
{
	struct conn	*c = arg;

	run_session(c);
	mg_guard_unref(c->g);
	pthread_mutex_lock(&srv.lock);
	atomic_store(&c->slot->phase, SLOT_FREE);
	srv.active--;
	pthread_cond_broadcast(&srv.idle);
	pthread_mutex_unlock(&srv.lock);
	close(c->fd);
	free(c);
	return NULL;
}

static void
refuse(int fd, const char *host)
{
	refuse_with(fd, host, "421 4.3.2", "too many connections, try again "
	    "later");
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

/* Closes the oldest connection of the phase `phase` accepted before
 * `before` to make room (srv.lock held): one that has sent nothing is
 * only waiting, and its session sees its input end; one that has not
 * logged in may be stuck writing to a client that does not read, so both
 * ways are shut.  0 when one is on its way out. */
static int
evict_oldest(int phase, long long before)
{
	for (;;) {
		struct slot	*old = NULL;
		int		 want = phase;

		for (size_t i = 0; i < MG_MAX_SESSIONS_LIMIT; i++)
			if (atomic_load(&slots[i].phase) == phase &&
			    slots[i].since < before &&
			    (old == NULL || slots[i].since < old->since))
				old = &slots[i];
		if (old == NULL)
			return -1;
		/* Else it just moved on (said a command, logged in): the
		 * next oldest. */
		if (atomic_compare_exchange_strong(&old->phase, &want,
		    SLOT_EVICTED)) {
			shutdown(old->fd, phase == SLOT_QUIET ? SHUT_RD :
			    SHUT_RDWR);
			return 0;
		}
	}
}

/* A session slot for a new connection (srv.lock held): a free one, or,
 * when max_sessions are running, one made free by closing the oldest
 * connection that has sent nothing, or else that has not logged in where
 * a login is required, for longer than its greeting and EVICT_GRACE_MS;
 * a web page's idle preconnections, or another user's connections in
 * password mode, then cannot keep the user's mail client out.  NULL when
 * every session is at work or too new. */
static struct slot *
take_slot(void)
{
	int		 max = max_sessions(&srv.guard->app.cfg);
	long long	 before = now_ms() - srv.guard->app.cfg.smtp.greet_pause -
	    EVICT_GRACE_MS;
	struct timespec	 dl;

	if (srv.active >= max) {
		if (evict_oldest(SLOT_QUIET, before) == -1 &&
		    evict_oldest(SLOT_UNAUTHED, before) == -1)
			return NULL;
		clock_gettime(CLOCK_REALTIME, &dl);
		dl.tv_nsec += EVICT_WAIT_MS * 1000000L;
		dl.tv_sec += dl.tv_nsec / 1000000000L;
		dl.tv_nsec %= 1000000000L;
		while (srv.active >= max)
			if (pthread_cond_timedwait(&srv.idle, &srv.lock,
			    &dl) == ETIMEDOUT)
				break;
		if (srv.active >= max)
			return NULL;
	}
	for (size_t i = 0; i < MG_MAX_SESSIONS_LIMIT; i++)
		if (atomic_load(&slots[i].phase) == SLOT_FREE)
			return &slots[i];
	return NULL;
}

/* Starts the session thread of c; -1 when it cannot. */
static int
start_session(struct conn *c)
{
	pthread_t	 t;
	pthread_attr_t	 attr;
	sigset_t	 all, old;
	int		 rc;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	/* Signals are for the main thread (the self-pipe): a session
	 * thread starts with them blocked, so its I/O never sees EINTR
	 * from a SIGHUP meant for the listener. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&t, &attr, session_thread, c);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	return rc == 0 ? 0 : -1;
}

/* Takes one connection (a session, or a refusal); -1 when none is
 * waiting. */
static int
accept_one(int lfd)
{
	struct conn	*c;
	struct slot	*sl;
	char		 peer[NI_MAXHOST + NI_MAXSERV + 4];
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
	if (check_peer(fd, srv.guard) == -1) {
		close(fd);
		return 0;
	}
	set_timeouts(fd, srv.guard->app.cfg.smtp.command_timeout >
	    srv.guard->app.cfg.smtp.data_timeout ?
	    srv.guard->app.cfg.smtp.command_timeout :
	    srv.guard->app.cfg.smtp.data_timeout);
	pthread_mutex_lock(&srv.lock);
	if ((sl = take_slot()) == NULL) {
		pthread_mutex_unlock(&srv.lock);
		peer_name(fd, peer, sizeof(peer));
		rl_log(RL_FULL, "too many sessions (%d), all at work: refused a "
		    "connection from %s", max_sessions(&srv.guard->app.cfg),
		    peer);
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
	c->slot = sl;
	sl->fd = fd;
	sl->since = now_ms();
	atomic_store(&sl->phase, SLOT_QUIET);
	mg_guard_ref(c->g);
	srv.active++;
	pthread_mutex_unlock(&srv.lock);
	if (start_session(c) == -1) {
		mg_log("cannot start a session thread");
		mg_guard_unref(c->g);
		pthread_mutex_lock(&srv.lock);
		atomic_store(&sl->phase, SLOT_FREE);
		srv.active--;
		pthread_mutex_unlock(&srv.lock);
		close(fd);
		free(c);
	}
	return 0;
}

/* Whether what holds the address greets as matchguard does (the user's
 * own serve, started twice), within a second. */
static int
held_by_matchguard(const struct addrinfo *ai)
{
	struct timeval	tv = { 1, 0 };
	char		buf[256];
	size_t		got = 0;
	ssize_t		n;
	int		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd == -1)
		return 0;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		while (got < sizeof(buf) - 1 && (n = recv(fd, buf + got,
		    sizeof(buf) - 1 - got, 0)) > 0) {
			got += (size_t)n;
			if (memchr(buf, '\n', got) != NULL)
				break;
		}
	close(fd);
	buf[got] = '\0';
	return strncmp(buf, "220 ", 4) == 0 &&
	    strstr(buf, " ESMTP matchguard") != NULL;
}

/* What a failed bind says: the port taken (by whom: ss tells), or else. */
static void
bind_error(const struct addrinfo *ai, const char *spec, const char *port,
    int e, char *err, size_t errlen)
{
	if (e == EADDRINUSE && held_by_matchguard(ai))
		mg_seterr(err, errlen, "cannot listen on %s: matchguard serve "
		    "seems to be running already (it answers there), so this "
		    "one does not start; your mail client can use that one, or "
		    "stop it first (Ctrl-C in its terminal, or `systemctl --user "
		    "stop matchguard`)", spec);
	else if (e == EADDRINUSE)
		mg_seterr(err, errlen, "cannot listen on %s: something else "
		    "already uses it (another matchguard serve, perhaps?), and "
		    "a mail client sending there would be talking to it, so "
		    "matchguard does not start; `ss -ltnp 'sport = :%s'` shows "
		    "what it is", spec, port);
	else
		mg_seterr(err, errlen, "cannot listen on %s: %s", spec,
		    strerror(e));
}

/* One address: bound and listening (1), not on this computer (0: no
 * IPv6 here, say; nobody else can have it either), or -1 with err. */
static int
bind_addr(const struct addrinfo *ai, const char *spec, const char *port,
    struct mg_smtp_listener *l, char *err, size_t errlen)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	int			 on = 1, e;

	l->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
	    SOCK_NONBLOCK, 0);
	if (l->fd == -1)
		return errno == EAFNOSUPPORT ? 0 : (bind_error(ai, spec, port,
		    errno, err, errlen), -1);
	setsockopt(l->fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (ai->ai_family == AF_INET6)
		setsockopt(l->fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	if (bind(l->fd, ai->ai_addr, ai->ai_addrlen) == -1 ||
	    /* A burst past max_sessions must reach accept() to get its
	     * 421, not wait in the kernel's queue until the client gives
	     * up: the largest backlog the system allows. */
	    listen(l->fd, SOMAXCONN) == -1 ||
	    getsockname(l->fd, (struct sockaddr *)&ss, &sl) == -1) {
		e = errno;
		close(l->fd);
		l->fd = -1;
		if (e == EADDRNOTAVAIL)
			return 0;
		bind_error(ai, spec, port, e, err, errlen);
		return -1;
	}
	l->name[0] = '\0';
	{
		char	 h[NI_MAXHOST], p[NI_MAXSERV];

		if (getnameinfo((struct sockaddr *)&ss, sl, h, sizeof(h), p,
		    sizeof(p), NI_NUMERICHOST | NI_NUMERICSERV) == 0)
			snprintf(l->name, sizeof(l->name), ss.ss_family ==
			    AF_INET6 ? "[%s]:%s" : "%s:%s", h, p);
	}
	return 1;
}

/* Every address that spec names (a name such as localhost may have two),
 * appended to l[*nl]; an address already bound (named twice) once.  -1
 * with err when one cannot be bound. */
static int
bind_spec(const char *spec, struct mg_smtp_listener *l, size_t *nl, char *err,
    size_t errlen)
{
	struct addrinfo	 hints = { 0 }, *res;
	char		 host[256], port[8];
	int		 rc, any = 0;

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
	rc = 0;
	for (const struct addrinfo *ai = res; ai != NULL && rc == 0;
	    ai = ai->ai_next) {
		int	 k;

		if (*nl >= MG_SMTP_MAX_LISTENERS) {
			mg_seterr(err, errlen, "smtp.listen: more than %d "
			    "addresses", MG_SMTP_MAX_LISTENERS);
			rc = -1;
			break;
		}
		if ((k = bind_addr(ai, spec, port, &l[*nl], err, errlen)) == -1)
			rc = -1;
		else if (k == 1) {
			for (size_t i = 0; i < *nl && k == 1; i++)
				if (strcmp(l[i].name, l[*nl].name) == 0)
					k = 0;
			if (k == 1)
				(*nl)++;
			else
				close(l[*nl].fd);
			any = 1;
		}
	}
	freeaddrinfo(res);
	if (rc == 0 && !any)
		mg_log("%s is not an address of this computer (no IPv6 here?): "
		    "not listening on it", spec);
	return rc;
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
	mg_guard_parallel(g);	/* checks in parallel, records in turn */
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
	atomic_store(&srv.log_interval, g->app.cfg.smtp.log_interval);
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

int
mg_smtp_server_run(const char *conf, const struct mg_smtp_listener *l,
    size_t nl, int sigfd)
{
	struct pollfd	pfd[MG_SMTP_MAX_LISTENERS + 1];

	for (size_t i = 0; i < nl; i++)
		pfd[i] = (struct pollfd){ l[i].fd, POLLIN, 0 };
	pfd[nl] = (struct pollfd){ sigfd, POLLIN, 0 };
	while (!srv.stopping) {
		rl_tick(0);
		/* A wake-up a second, for the counts of rl_log(). */
		if (poll(pfd, nl + 1, 1000) == -1) {
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
			while (read(sigfd, &sig, 1) == 1) {
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
					if (accept_one(l[i].fd) == -1)
						break;
	}
	mg_log("stopping: finishing the messages in progress");
	return 0;
}


struct mg_guard *
mg_smtp_server_open(const char *conf, char *err, size_t errlen)
{
	srv.guard = mg_guard_new(conf, 1, err, errlen);
	if (srv.guard != NULL)
		mg_guard_parallel(srv.guard);	/* checks in parallel */
	return srv.guard;
}

int
mg_smtp_server_prepare(char *err, size_t errlen)
{
	if (load_local_password(&srv.guard->app.cfg, err, errlen) == -1)
		return -1;
	limit_descriptors();
	atomic_store(&srv.log_interval, srv.guard->app.cfg.smtp.log_interval);
	return 0;
}

void
mg_smtp_server_abandon(void)
{
	mg_guard_unref(srv.guard);
	srv.guard = NULL;
}

const char *
mg_smtp_server_local_password(void)
{
	return srv.local_pw;
}

int
mg_smtp_server_listen(struct mg_smtp_listener *l, size_t *nl, char *err,
    size_t errlen)
{
	const struct mg_config	*cfg = &srv.guard->app.cfg;
	int			 rc = 0;

	*nl = 0;
	/* Every address, or none: a port that another program holds would
	 * get the letters (and the password) of a mail client set up for
	 * it, so serve does not start without it. */
	for (size_t i = 0; i < cfg->smtp.listen.n && rc == 0; i++)
		rc = bind_spec(cfg->smtp.listen.v[i], l, nl, err, errlen);
	if (rc == 0 && *nl == 0) {
		mg_seterr(err, errlen, "cannot listen on any address of "
		    "smtp.listen");
		rc = -1;
	}
	if (rc == -1) {
		for (size_t i = 0; i < *nl; i++)
			close(l[i].fd);
		*nl = 0;
	}
	return rc;
}

void
mg_smtp_server_start_notices(void)
{
	char	err[MG_ERRLEN];

	if (mg_notice_queue_start(srv.guard, &notices, err, sizeof(err)) == -1)
		mg_log("notices of held messages are sent at once: %s", err);
	srv.guard->notices = notices;
}

int
mg_smtp_server_finish(const struct timespec *grace, int rc)
{
	int	stuck;

	drain();
	/* The notice worker too has until the end of the grace period. */
	stuck = mg_notice_queue_drain(notices, grace);
	rl_tick(1);
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
	return rc;
}
