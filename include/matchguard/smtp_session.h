/*
 * smtp_session.h - one SMTP server session as a pure state machine.
 *
 * Bytes from the client go in, replies come out; there is no socket, no
 * clock and no file here, so every path is unit-tested and fuzzed
 * directly.  The caller (serve.c) owns the connection, the timeouts and
 * TLS, and acts on the events the session returns:
 *
 *   MG_SMTP_EV_MESSAGE   a whole message is in: read it with
 *                        mg_smtp_session_message(), decide, then answer
 *                        with mg_smtp_session_reply().  Until then the
 *                        session consumes no more input.
 *   MG_SMTP_EV_STARTTLS  "220 2.0.0 Ready to start TLS" is queued: flush
 *                        it, do the handshake, then call
 *                        mg_smtp_session_tls_started() (RFC 3207: the
 *                        session forgets EHLO and any transaction).
 *   MG_SMTP_EV_CLOSE     the reply queued is the last one (QUIT, or a
 *                        421): flush it and close the connection.
 *
 * Replies are appended to an mg_buf (json.h) as CRLF-terminated lines.
 */
#ifndef MATCHGUARD_SMTP_SESSION_H
#define MATCHGUARD_SMTP_SESSION_H

#include <stddef.h>

#include "matchguard/json.h"
#include "matchguard/util.h"

#define MG_SMTP_MAX_LINE	1000	/* octets with CRLF, RFC 5321 4.5.3.1.6 */
#define MG_SMTP_MAX_RCPTS	100	/* RFC 5321 4.5.3.1.8 minimum */

struct mg_smtp_limits {
	const char	*hostname;		/* for the greeting and EHLO */
	size_t		 max_message_size;	/* SIZE; 552 above it */
	size_t		 max_rcpts;
	int		 tls_available;		/* offer STARTTLS */
	int		 tls_active;		/* the session runs over TLS */
	/* AUTH PLAIN/LOGIN for local clients: offered when password is
	 * set, and then required before MAIL. */
	const char	*auth_user;
	const char	*auth_password;
};

enum mg_smtp_event {
	MG_SMTP_EV_NONE,
	MG_SMTP_EV_MESSAGE,
	MG_SMTP_EV_STARTTLS,
	MG_SMTP_EV_CLOSE
};

struct mg_smtp_session;

/* lim is copied (its strings are borrowed and must outlive the session). */
struct mg_smtp_session *mg_smtp_session_new(const struct mg_smtp_limits *lim);
void	mg_smtp_session_free(struct mg_smtp_session *s);

/* Appends the 220 greeting. */
void	mg_smtp_session_greet(struct mg_smtp_session *s, struct mg_buf *out);

/* Feeds up to len bytes.  Returns how many were consumed (fewer than len
 * when an event stops it: feed the rest after handling the event) and
 * sets *ev.  Replies are appended to out. */
size_t	mg_smtp_session_feed(struct mg_smtp_session *s, const char *buf,
	    size_t len, struct mg_buf *out, enum mg_smtp_event *ev);

/* After MG_SMTP_EV_MESSAGE: the envelope and the message, exactly as
 * received after dot-unstuffing (CRLF kept).  Valid until the reply. */
void	mg_smtp_session_message(const struct mg_smtp_session *s,
	    const char **from, const struct mg_strlist **rcpts,
	    const char **data, size_t *len);

/* Answers the message: code (e.g. 250, 451, 550), enhanced status code
 * ("2.0.0") and text (one line, no CRLF); ends the transaction. */
void	mg_smtp_session_reply(struct mg_smtp_session *s, int code,
	    const char *enhanced, const char *text, struct mg_buf *out);

/* After MG_SMTP_EV_STARTTLS and a successful handshake. */
void	mg_smtp_session_tls_started(struct mg_smtp_session *s);

/* The caller's timeout fired, or it is shutting down: appends a 421 and
 * the session is over. */
void	mg_smtp_session_abort(struct mg_smtp_session *s, const char *why,
	    struct mg_buf *out);

/* The state name, for logs and tests ("greeting", "ready", "mail",
 * "rcpt", "data", "message", "closed", ...). */
const char *mg_smtp_session_state(const struct mg_smtp_session *s);

#endif
