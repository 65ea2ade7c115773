/*
 * smtp_session.h - one SMTP server session as a pure state machine.
 *
 * Bytes from the client go in, replies come out; there is no socket, no
 * clock and no file here, so every path is unit-tested and fuzzed
 * directly.  The caller (smtp_server.c) owns the connection, the
 * timeouts and TLS, and acts on the events the session returns:
 *
 *   MG_SMTP_EV_MESSAGE   a whole message is in: read it with
 *                        mg_smtp_session_message(), decide, then answer
 *                        with mg_smtp_session_reply().  Until then the
 *                        session consumes no more input.
 *   MG_SMTP_EV_STARTTLS  "220 2.0.0 Ready to start TLS" is queued: flush
 *                        it, do the handshake, then call
 *                        mg_smtp_session_tls_started() (RFC 3207: the
 *                        session forgets EHLO, AUTH and any transaction).
 *                        Whatever followed STARTTLS in the plaintext is
 *                        consumed and dropped (CVE-2011-0411), and so is
 *                        anything fed before tls_started().
 *   MG_SMTP_EV_AUTH_FAILED  a login failed: "535 5.7.8" is queued and the
 *                        session stops after that line.  The caller
 *                        counts it and waits a while before it sends the
 *                        reply (serve: smtp.auth_fail_delay), so that
 *                        guessing is slow.  (A failure that also reaches
 *                        max_bad_commands ends in MG_SMTP_EV_CLOSE
 *                        instead: mg_smtp_session_auth_failures() tells.)
 *   MG_SMTP_EV_CLOSE     the reply queued is the last one (QUIT, a 421,
 *                        or a 554 to a line that is HTTP): flush it and
 *                        close the connection.  The rest of the input is
 *                        consumed and dropped; mg_smtp_session_closed_by()
 *                        says why, for the log.
 *
 * Cross-protocol requests: a web page can make a browser send an HTTP
 * request to the guard's port, with SMTP commands in its body.  A command
 * line that is HTTP ends the session at once with 554 5.7.0, before
 * anything else happens: a request line ("GET ", "POST ", ... or any line
 * ending in " HTTP/1.1"), and, before MAIL, a header line ("Host: x",
 * any token followed directly by ':'; no SMTP verb is).  And after
 * max_bad_commands unknown commands, unreadable command lines or failed
 * logins, the session is over (421 4.7.0), like Postfix's
 * smtpd_hard_error_limit.
 *
 * Replies are appended to an mg_buf (buf.h) as CRLF-terminated lines.
 */
#ifndef MATCHGUARD_SMTP_SESSION_H
#define MATCHGUARD_SMTP_SESSION_H

#include <stddef.h>

#include "matchguard/buf.h"
#include "matchguard/util.h"

#define MG_SMTP_MAX_LINE	1000	/* octets with CRLF, RFC 5321 4.5.3.1.6 */
#define MG_SMTP_MAX_RCPTS	100	/* RFC 5321 4.5.3.1.8 minimum */
#define MG_SMTP_DEFAULT_MESSAGE_SIZE	10240000	/* like Postfix */
#define MG_SMTP_MAX_BAD_COMMANDS	3	/* a real client makes none */

struct mg_smtp_limits {
	const char	*hostname;		/* for the greeting and EHLO;
						 * NULL: "localhost" */
	size_t		 max_message_size;	/* SIZE; 552 above it; 0:
						 * MG_SMTP_DEFAULT_MESSAGE_SIZE */
	size_t		 max_rcpts;		/* 452 past it; 0:
						 * MG_SMTP_MAX_RCPTS */
	int		 tls_available;		/* offer STARTTLS */
	int		 tls_active;		/* the session runs over TLS */
	/* AUTH PLAIN/LOGIN for local clients: offered when password is
	 * set, and then required before MAIL. */
	const char	*auth_user;
	const char	*auth_password;
	/* Unknown commands, unreadable command lines (too long, NUL) and
	 * failed logins allowed in one session: the one that reaches it is
	 * answered, then "421 4.7.0" and MG_SMTP_EV_CLOSE.  0:
	 * MG_SMTP_MAX_BAD_COMMANDS. */
	size_t		 max_bad_commands;
};

enum mg_smtp_event {
	MG_SMTP_EV_NONE,
	MG_SMTP_EV_MESSAGE,
	MG_SMTP_EV_STARTTLS,
	MG_SMTP_EV_AUTH_FAILED,
	MG_SMTP_EV_CLOSE
};

/* Why a session ended, for the log (mg_smtp_session_closed_by()). */
enum mg_smtp_close {
	MG_SMTP_CLOSE_NONE,	/* it has not */
	MG_SMTP_CLOSE_QUIT,
	MG_SMTP_CLOSE_HTTP,	/* a line of HTTP: 554 */
	MG_SMTP_CLOSE_ERRORS,	/* max_bad_commands reached: 421 */
	MG_SMTP_CLOSE_ABORT	/* mg_smtp_session_abort() */
};

/* Where the session is (mg_smtp_session_phase()).  The caller branches
 * on it (serve: data_timeout while DATA is read, command_timeout
 * otherwise); mg_smtp_session_state() names it for logs and tests. */
enum mg_smtp_phase {
	MG_SMTP_PHASE_GREETING,	/* no EHLO/HELO yet (again after STARTTLS) */
	MG_SMTP_PHASE_READY,	/* EHLO done, no transaction */
	MG_SMTP_PHASE_MAIL,	/* MAIL accepted, no recipient yet */
	MG_SMTP_PHASE_RCPT,	/* at least one recipient */
	MG_SMTP_PHASE_DATA,	/* reading the message */
	MG_SMTP_PHASE_MESSAGE,	/* message complete, waiting for the caller */
	MG_SMTP_PHASE_AUTH_PLAIN, /* 334 sent, waiting for the PLAIN response */
	MG_SMTP_PHASE_AUTH_LOGIN_USER,
	MG_SMTP_PHASE_AUTH_LOGIN_PASS,
	MG_SMTP_PHASE_STARTTLS,	/* 220 sent, waiting for the handshake */
	MG_SMTP_PHASE_CLOSED
};

struct mg_smtp_session;

/* lim is copied (its strings are borrowed and must outlive the session).
 * Returns NULL when out of memory. */
struct mg_smtp_session *mg_smtp_session_new(const struct mg_smtp_limits *lim);
void	mg_smtp_session_free(struct mg_smtp_session *s);

/* Appends the 220 greeting. */
void	mg_smtp_session_greet(struct mg_smtp_session *s, struct mg_buf *out);

/* Feeds up to len bytes.  Returns how many were consumed (fewer than len
 * when an event stops it: feed the rest after handling the event) and
 * sets *ev.  Replies are appended to out.  While a message waits for
 * mg_smtp_session_reply() it consumes nothing (returns 0, EV_NONE); once
 * closed it consumes everything and says nothing.  A bare LF ends a line
 * like CRLF; a command line is at most MG_SMTP_MAX_LINE octets with its
 * line end (500 5.5.2 past it).  An error inside DATA (NUL, over-long
 * line, over max_message_size) is answered once, at the final dot, and
 * the session goes on without an event. */
size_t	mg_smtp_session_feed(struct mg_smtp_session *s, const char *buf,
	    size_t len, struct mg_buf *out, enum mg_smtp_event *ev);

/* After MG_SMTP_EV_MESSAGE: the envelope and the message, exactly as
 * received after dot-unstuffing (CRLF kept, bare LFs kept; data is also
 * NUL-terminated).  The null sender is "".  Valid until the reply; NULL
 * and 0 in any other state. */
void	mg_smtp_session_message(const struct mg_smtp_session *s,
	    const char **from, const struct mg_strlist **rcpts,
	    const char **data, size_t *len);

/* Answers the message: code (e.g. 250, 451, 550), enhanced status code
 * ("2.0.0"; NULL or malformed or of another class: x.0.0) and text: its
 * lines, with '\n' between them, become the lines of a multi-line reply
 * ("550-5.7.1 first", ..., "550 5.7.1 last"), each cut at 1023 bytes,
 * other control characters replaced; ends the transaction.  A code that is not 2xx, 4xx or 5xx
 * becomes 451 4.3.0.  Does nothing unless a message waits. */
void	mg_smtp_session_reply(struct mg_smtp_session *s, int code,
	    const char *enhanced, const char *text, struct mg_buf *out);

/* After MG_SMTP_EV_STARTTLS and a successful handshake. */
void	mg_smtp_session_tls_started(struct mg_smtp_session *s);

/* The caller's timeout fired, or it is shutting down: appends
 * "421 4.4.2 <hostname> <why>" and the session is over (nothing when it
 * already was). */
void	mg_smtp_session_abort(struct mg_smtp_session *s, const char *why,
	    struct mg_buf *out);

/* Why the session ended, and a few words saying so for the log ("sent
 * HTTP, not SMTP (a web page?)"; "" for NONE). */
enum mg_smtp_close mg_smtp_session_closed_by(const struct mg_smtp_session *s);
const char *mg_smtp_close_reason(enum mg_smtp_close why);

/* Complete lines read so far (commands and AUTH responses): 0 for a
 * client that has not yet said anything, such as a browser's idle
 * preconnected socket. */
unsigned mg_smtp_session_commands(const struct mg_smtp_session *s);

/* Failed logins (535) in the session so far. */
unsigned mg_smtp_session_auth_failures(const struct mg_smtp_session *s);

/* 1 while AUTH is required (auth_password set) and not yet done. */
int	mg_smtp_session_needs_auth(const struct mg_smtp_session *s);

/* While locked (the caller's limit of failed logins is reached), AUTH
 * is answered "454 4.7.0" without looking at the password.  Call it
 * before each feed; it starts unlocked. */
void	mg_smtp_session_auth_locked(struct mg_smtp_session *s, int locked);

/* The phase the session is in. */
enum mg_smtp_phase mg_smtp_session_phase(const struct mg_smtp_session *s);

/* The phase's name, for logs and tests ("greeting", "ready", "mail",
 * "rcpt", "data", "message", "auth-plain", "auth-login-user",
 * "auth-login-pass", "starttls", "closed"). */
const char *mg_smtp_session_state(const struct mg_smtp_session *s);

#endif
