/*
 * imap_poller.h - the IMAP side of matchguard (imap group, config.h):
 * the reply poller, and notices of held messages APPENDed to the
 * applicant's INBOX.
 *
 * The poller reads, never writes, the applicant's mailbox: folders are
 * opened with EXAMINE (read-only) and only header fields are fetched with
 * BODY.PEEK, so no flag (\Seen, \Recent) ever changes.  For each folder
 * the ledger keeps UIDVALIDITY and the highest UID read (the mark); the
 * first pass, and a pass after UIDVALIDITY changed, looks at the messages
 * since season.start (UID SEARCH SINCE); later passes at UIDs above the
 * mark.  UIDs are searched in windows of imap.search_window up to
 * UIDNEXT.  A message the server lists but does not hand over keeps the
 * mark below it (logged, asked for again; given up after imap.max_tries
 * passes of one poller).
 * A message that answers one the applicant sent (In-Reply-To,
 * References), or comes from a program's address or domain, is recorded
 * as a reply (reply.h); anything else is neither stored nor logged.
 * Messages of sent_folder from the applicant to programs that the ledger
 * lacks (sent from a phone or webmail) are recorded as sent, through
 * letter.h: never the copy of a letter serve held, refused or dropped.
 *
 * Every read and write of a connection is bounded by stream_guard.h: a
 * deadline per command (imap.command_timeout), silence (imap.timeout),
 * the bytes of an answer, its text outside literals, one literal; the end
 * of the stream in the middle of an answer is an error.
 *
 * TLS is verified with tls_verify.h (chain and host name), before the
 * password or token is sent; the password comes from secret.h.  Nothing
 * here logs a password, a token or a message body, and the server's words
 * are quoted through redact.h (its echo of the credentials hidden).
 */
#ifndef MATCHGUARD_IMAP_POLLER_H
#define MATCHGUARD_IMAP_POLLER_H

#include <stddef.h>
#include <time.h>

#include "matchguard/app.h"
#include "matchguard/buf.h"
#include "matchguard/policy.h"

/* Messages fetched per UID FETCH command. */
#define MG_IMAP_FETCH_BATCH	250
/* mg_poller_stop() waits this long (seconds) for the thread. */
#define MG_IMAP_STOP_WAIT	5

struct mg_poll_stats {
	unsigned long	fetched;	/* header sets read */
	unsigned long	replies;	/* new replies recorded */
	unsigned long	sent;		/* new sent messages recorded */
	unsigned long	ignored;	/* not from a program */
};

/* One pass over every folder, then LOGOUT (`matchguard poll --once`).
 * app must have an imap group and a read-write ledger.  Returns 0, or
 * -1 with one line in err (cannot connect, TLS, login, ...). */
int	mg_poll_once(struct mg_app *app, struct mg_poll_stats *st, char *err,
	    size_t errlen);

/*
 * The poller of `matchguard serve`, in a thread of its own with its own
 * configuration, filters and ledger connection (loaded from conf, NULL:
 * the default path).  It syncs, then waits with IDLE (RFC 2177) when
 * the server offers it, re-issued every imap.idle_seconds, else polls
 * every imap.poll_seconds; a lost connection is logged and retried after
 * 1, 2, 4 ... seconds, at most imap.max_backoff.  mg_poller_stop() ends
 * it at once (the connection is shut down, every read and write fails)
 * and waits at most MG_IMAP_STOP_WAIT seconds for the thread; a thread
 * out of reach (connecting, in password_command) is then left to end by
 * itself, and frees what it holds when it does.
 */
struct mg_poller;
int	mg_poller_start(const char *conf, struct mg_poller **out, char *err,
	    size_t errlen);
void	mg_poller_stop(struct mg_poller **pp);

/* APPENDs data (an RFC 5322 message with CRLF line ends) to folder, with
 * no flag set (so it shows as unread), on a connection of its own. */
int	mg_imap_append(const struct mg_imap_settings *im, const char *folder,
	    const char *data, size_t len, char *err, size_t errlen);

/* The notices of held messages use mg_imap_append (imap_notice.h). */

#endif
