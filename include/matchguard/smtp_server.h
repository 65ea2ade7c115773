/*
 * smtp_server.h - the SMTP listener of `matchguard serve` (smtp_server.c):
 * the listening sockets, a thread per connection that runs the session
 * state machine (smtp_session.h) with its timeouts and TLS, and the hand
 * over of each message to the guard (guard.h).  cmd_serve.c is the
 * command around it: options, the start-up lines, the signals, the IMAP
 * poller.
 *
 * There is one server per process (its state is the process's): the
 * calls below are made by the main thread, in this order:
 *
 *   mg_smtp_server_open()     the configuration and filters
 *   mg_smtp_server_prepare()  the generated local password, the
 *                             descriptor limit
 *   mg_smtp_server_listen()   every address of smtp.listen
 *   mg_smtp_server_start_notices()  the worker that sends notices of held
 *                             messages
 *   mg_smtp_server_run()      accepts until SIGTERM or SIGINT
 *   mg_smtp_server_finish()   lets sessions and notices finish
 *
 * mg_smtp_server_abandon() undoes open (and prepare) when serve cannot
 * start.  The caller must ignore SIGPIPE and must not set SIGCHLD to
 * SIG_IGN (upstream.h).
 */
#ifndef MATCHGUARD_SMTP_SERVER_H
#define MATCHGUARD_SMTP_SERVER_H

#include <netdb.h>
#include <stddef.h>
#include <time.h>

#include "matchguard/guard.h"

#define MG_SMTP_MAX_LISTENERS	16

/* A listening socket, and the address it really has. */
struct mg_smtp_listener {
	int	 fd;
	char	 name[NI_MAXHOST + NI_MAXSERV + 4];	/* "[::1]:2525" */
};

/* Loads conf (mg_guard_new(), with the spool).  Returns the guard, which
 * the server owns (valid until mg_smtp_server_run() reloads it: the
 * caller reads it only before), or NULL with one line in err. */
struct mg_guard *mg_smtp_server_open(const char *conf, char *err,
	    size_t errlen);

/* Loads or makes the local password when smtp.peer_check needs one,
 * lowers the open file limit to FD_SETSIZE and caps the sessions to what
 * fits.  0, or -1 with err. */
int	mg_smtp_server_prepare(char *err, size_t errlen);

/* Drops the guard of mg_smtp_server_open(). */
void	mg_smtp_server_abandon(void);

/* The password mg_smtp_server_prepare() loaded or made, or NULL (none
 * needed, or smtp.local_password is set).  Borrowed, kept until
 * mg_smtp_server_finish(). */
const char *mg_smtp_server_local_password(void);

/* Binds every address of smtp.listen into l (MG_SMTP_MAX_LISTENERS of
 * them), sets *nl.  All or none: -1 with err (the port is someone
 * else's, say, or no address is of this computer) and nothing left
 * open. */
int	mg_smtp_server_listen(struct mg_smtp_listener *l, size_t *nl,
	    char *err, size_t errlen);

/* Starts the notice worker (notice_queue.h); without one, notices are
 * sent by the session that held the message (a line says so). */
void	mg_smtp_server_start_notices(void);

/* Accepts on l[0..nl) until the signal pipe sigfd brings SIGTERM or
 * SIGINT; a SIGHUP loads conf again (a bad one is logged and the old one
 * kept).  Each byte read from sigfd is a signal number.  Returns 0, or
 * -1 when poll() fails.  The caller closes the listeners after. */
int	mg_smtp_server_run(const char *conf, const struct mg_smtp_listener *l,
	    size_t nl, int sigfd);

/* Lets running sessions finish (up to MG_DEF_SHUTDOWN_GRACE seconds) and
 * the notice worker until grace, then frees everything and returns rc.
 * When a session or the notice worker is still at work, the process
 * exits at once instead (_exit: MG_EXIT_OK when rc is 0, else
 * MG_EXIT_ERROR), without freeing what they use. */
int	mg_smtp_server_finish(const struct timespec *grace, int rc);

#endif
