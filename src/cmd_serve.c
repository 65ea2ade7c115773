/*
 * cmd_serve.c - matchguard serve: the command around the SMTP listener
 * (smtp_server.c).  It reads the options, says at start what serve
 * listens on, where passed mail goes and how a mail client logs in,
 * warns about a state directory others can change, sweeps what a crash
 * left in the spool, wires SIGTERM, SIGINT and SIGHUP to the listener
 * through a self-pipe, and starts and stops the IMAP poller around the
 * listener's run.
 */
#include "config_auto.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "matchguard/cmd.h"
#include "matchguard/config.h"
#include "matchguard/guard.h"
#include "matchguard/imap_poller.h"
#include "matchguard/log.h"
#include "matchguard/peercred.h"
#include "matchguard/review.h"
#include "matchguard/serve_tls.h"
#include "matchguard/smtp_server.h"
#include "matchguard/spool.h"

static const char usage[] = "usage: matchguard serve [-c CONF]\n";

/* Signals reach the listener as bytes on this pipe (the signal number):
 * a handler does nothing else. */
static int sigpipe[2] = { -1, -1 };

static void
on_signal(int sig)
{
	unsigned char	c = (unsigned char)sig;
	int		saved = errno;

	if (write(sigpipe[1], &c, 1) == -1) {
		/* The pipe is full: a signal is pending already. */
	}
	errno = saved;
}

static int
setup_signals(void)
{
	struct sigaction	sa;

	if (pipe2(sigpipe, O_CLOEXEC | O_NONBLOCK) == -1)
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

/* The mail client's settings, and who may send.  The generated password
 * is shown on a terminal only: a log is no place for it. */
static void
describe_clients(const struct mg_config *cfg, const char *where)
{
	const struct mg_smtp_settings	*sm = &cfg->smtp;
	const char	*sec = "none (or STARTTLS)";
	struct passwd	*pw = getpwuid(geteuid());
	const char	*pw_local = mg_smtp_server_local_password();

	if (sm->local_password != NULL)
		mg_log("point your mail client's outgoing (SMTP) server at %s, "
		    "connection security %s, with the user name and password "
		    "of smtp.local_user/local_password", where, sec);
	else if (sm->peer_check == MG_PEER_CHECK_UID)
		mg_log("point your mail client's outgoing (SMTP) server at %s, "
		    "connection security %s, no authentication", where, sec);
	else
		mg_log("point your mail client's outgoing (SMTP) server at %s, "
		    "connection security %s, authentication \"normal "
		    "password\" with any user name and the password in %s/%s",
		    where, sec, cfg->state_dir, MG_LOCAL_PASSWORD_FILE);
	if (sm->tls_cert == NULL)
		mg_log("a client that insists on STARTTLS (mutt, neomutt) must "
		    "trust the certificate %s/%s (see matchguard(1), \"mutt, "
		    "neomutt\")", cfg->state_dir, MG_SERVE_TLS_CERT);
	if (sm->peer_check == MG_PEER_CHECK_UID)
		mg_log("only programs of the user %s (uid %u) may send through "
		    "it; other users of this computer are refused",
		    pw != NULL ? pw->pw_name : "?", (unsigned)geteuid());
	else
		mg_log("a mail client must log in to send (smtp.peer_check = "
		    "\"password\")");
	if (pw_local != NULL && sm->local_password == NULL &&
	    isatty(STDERR_FILENO))
		fprintf(stderr, "matchguard: the password is %s\n",
		    pw_local);
}

/* What serve really listens on (not what smtp.listen says), and more. */
static void
describe(const struct mg_config *cfg, const struct mg_smtp_listener *l,
    size_t nl)
{
	const struct mg_upstream *up = &cfg->upstream;

	for (size_t i = 0; i < nl; i++)
		mg_log("listening on %s", l[i].name);
	if (up->type == MG_UPSTREAM_MAILDIR)
		mg_log("local mode: passed messages are delivered to the "
		    "Maildir %s, not sent", up->path);
	else
		mg_log("passed messages are relayed to %s port %d (%s)",
		    up->ep.host, up->ep.port, up->ep.tls == MG_TLS_IMPLICIT ?
		    "TLS" : up->ep.tls == MG_TLS_STARTTLS ? "STARTTLS" :
		    "no encryption");
	describe_clients(cfg, l[0].name);
}

/* Others who may change the state directory may put files there that
 * serve reads (the local password, the queue). */
static void
warn_state_dir(const char *dir)
{
	struct stat	 st;

	if (stat(dir, &st) == 0 && ((st.st_mode & 022) != 0 ||
	    st.st_uid != geteuid()))
		mg_log("warning: other users can change the folder %s (mode "
		    "%04o, owner uid %u), and so put files there that "
		    "matchguard reads: make it yours alone with chmod 700 %s",
		    dir, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
		    dir);
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

/* The review page: its address (with the token) on standard output, the
 * log only says where it listens.  Serving mail goes on without it. */
static void
start_review(const char *conf, struct mg_review **rv)
{
	char	err[MG_ERRLEN], url[256];

	if (mg_review_start(conf, rv, url, sizeof(url), err,
	    sizeof(err)) == -1) {
		mg_log("no review page: %s", err);
		return;
	}
	if (*rv == NULL)
		return;
	mg_log("review page listening (its address: `matchguard review-url`)");
	printf("review page: %s\n", url);
	fflush(stdout);
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
	struct mg_review	*review = NULL;
	struct mg_smtp_listener	 lst[MG_SMTP_MAX_LISTENERS];
	struct mg_guard		*g;
	struct timespec		 grace;
	int	ch, rc;
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
	if ((g = mg_smtp_server_open(conf, err, sizeof(err))) == NULL) {
		fprintf(stderr, "matchguard: %s\n", err);
		return MG_EXIT_ERROR;
	}
	warn_state_dir(g->app.cfg.state_dir);
	if (mg_smtp_server_prepare(err, sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		mg_smtp_server_abandon();
		return MG_EXIT_ERROR;
	}
	rc = mg_smtp_server_listen(lst, &nl, err, sizeof(err));
	if (rc == -1 || setup_signals() == -1) {
		fprintf(stderr, "matchguard: %s\n", rc == -1 ? err :
		    strerror(errno));
		for (size_t i = 0; i < nl; i++)
			close(lst[i].fd);
		mg_smtp_server_abandon();
		return MG_EXIT_ERROR;
	}
	describe(&g->app.cfg, lst, nl);
	sweep_spool(g);
	start_review(conf, &review);
	mg_smtp_server_start_notices();
	if (mg_poller_start(conf, &poller, err, sizeof(err)) == -1)
		mg_log("no IMAP poller: %s", err);
	rc = mg_smtp_server_run(conf, lst, nl, sigpipe[0]);
	clock_gettime(CLOCK_REALTIME, &grace);
	grace.tv_sec += MG_DEF_SHUTDOWN_GRACE;
	for (size_t i = 0; i < nl; i++)
		close(lst[i].fd);
	mg_poller_stop(&poller);
	mg_review_stop(&review);
	rc = mg_smtp_server_finish(&grace, rc);
	return rc == 0 ? MG_EXIT_OK : MG_EXIT_ERROR;
}
