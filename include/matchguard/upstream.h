/*
 * upstream.h - hand a passed message to the configured upstream
 * (upstream_smtp.c; the Maildir of local mode is upstream_maildir.c).
 *
 * Two upstream types (config.h, upstream group):
 *
 *   smtp     the user's real mail provider: TLS (STARTTLS on 587, or
 *            implicit on 465; "none" only for a server on this machine),
 *            the certificate verified (tls_verify.h), AUTH PLAIN, LOGIN or
 *            XOAUTH2, then MAIL, RCPT, DATA, QUIT on a new connection per
 *            message.
 *   maildir  "local mode": the message is written into a Maildir.
 *
 * up->ep.timeout bounds each network step (connect, TLS handshake, each
 * reply as a whole, however it trickles in) and password_command as a
 * whole (its process group is killed after it); up->max_reply_size the
 * bytes of one reply; up->data_timeout the sending of the message itself
 * (stream_guard.h).  A reply past a bound, cut short by the end of the
 * stream, or not an SMTP reply at all, fails the message with 451 and a
 * res->text that names the server and the bound, and quotes nothing of
 * what it sent.  password_command runs with /bin/sh -c; the first line
 * of its output is the password or OAuth2 token.
 *
 * The caller must ignore SIGPIPE (a server that hangs up mid-write would
 * otherwise kill the process) and must not set SIGCHLD to SIG_IGN (the
 * exit status of password_command is needed).  Every function here is
 * safe to call from several threads at once, one message per call.
 */
#ifndef MATCHGUARD_UPSTREAM_H
#define MATCHGUARD_UPSTREAM_H

#include <stddef.h>

#include "matchguard/config.h"
#include "matchguard/util.h"

/*
 * The outcome, for the log and for the reply to the client.
 *
 * code: 250 when accepted; the upstream's own code for a 4xx or 5xx
 *       reply; 451 for a failure on this side (cannot connect, time out,
 *       TLS, certificate, password_command, ...).
 * text: one line of printable ASCII without the code, saying where it
 *       failed and quoting the upstream's reply (whose RFC 3463 code, if
 *       any, stays inside the quote), e.g.
 *         "smtp.example.com refused the recipient <x@y.org>: 5.1.1 user
 *          unknown"
 *         "cannot connect to smtp.example.com:587: Connection refused"
 *         "smtp.example.com accepted: 2.0.0 Ok: queued as 4F1C2"
 *       The password, the token and their base64 never appear in it.
 */
struct mg_upstream_result {
	int	code;
	char	text[512];
};

/*
 * Sends data (len bytes, the message exactly as received: headers, empty
 * line, body, CRLF line ends) from the envelope sender from to every
 * address of rcpts, through up.  helo_name is the name given in EHLO
 * (NULL: this machine's host name).
 *
 * Returns 0 when upstream accepted the message (res->code 250);
 * 1 on a temporary failure (res->code 4xx): the client should keep the
 * message and try again later;
 * 2 on a permanent failure (res->code 5xx): upstream refused the sender,
 * a recipient, the message, or the credentials (535: a wrong password is
 * permanent, so the client shows it at once instead of retrying for
 * days); also 553 for an address with control characters or angle
 * brackets, 554 for no recipients.  A 5xx to the greeting, EHLO or
 * STARTTLS is about the server, not the message: 451 and 1.
 *
 * The bytes that reach upstream are data exactly, when data uses CRLF
 * line ends: dot-stuffing is done here and undone by upstream.  A bare LF
 * is sent as CRLF (as every MTA does; `sendmail -t` input has LF line
 * ends) and a last line without a line end gets CRLF; bare CRs are sent
 * as they are.
 *
 * All recipients must be accepted: the first one refused ends the
 * transaction, with that recipient's code and reply, and nothing is sent,
 * so the client sees the refusal and no one gets half a mailing.
 * A connection lost after the whole message went out but before upstream
 * answered counts as temporary (451): upstream may still deliver it, so a
 * retry by the client can make a duplicate; that is preferred to a loss.
 *
 * A maildir upstream delivers with mg_maildir_deliver(): 0 and 250, or
 * 1 and 451.
 */
int	 mg_upstream_send(const struct mg_upstream *up, const char *helo_name,
	    const char *from, const struct mg_strlist *rcpts, const char *data,
	    size_t len, struct mg_upstream_result *res);

/*
 * The same, and accepted(arg, res) is called as soon as upstream has said
 * 250, before QUIT and the closing of the connection, so that the caller
 * can answer its own client first (a narrower window for duplicates: a
 * client that loses its connection before it has the 250 sends the
 * letter again).  accepted is called at most once, never on a failure;
 * NULL: none.
 */
typedef void	(*mg_upstream_accepted_fn)(void *arg,
		    const struct mg_upstream_result *res);
int	 mg_upstream_send_early(const struct mg_upstream *up,
	    const char *helo_name, const char *from,
	    const struct mg_strlist *rcpts, const char *data, size_t len,
	    struct mg_upstream_result *res, mg_upstream_accepted_fn accepted,
	    void *arg);

/*
 * Delivers data into maildir, creating maildir/{tmp,new,cur} (mode 0700)
 * when missing: written to tmp/ with O_EXCL and mode 0600, fsynced,
 * renamed into new/, and new/ fsynced, so that a 0 return means the
 * message is on disk.  name receives the file name relative to maildir
 * ("new/1767000000.M123P456Q1.host").  Returns 0, or -1 with one line in
 * err (a full disk included); nothing is left behind in tmp/ on failure.
 */
int	 mg_maildir_deliver(const char *maildir, const char *data,
	    size_t len, char *name, size_t namelen, char *err, size_t errlen);

#endif
