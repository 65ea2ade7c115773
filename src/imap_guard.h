/*
 * imap_guard.h - the bounds on what an IMAP server can make the poller
 * read, whatever libetpan's parser does (private to imap_poller.c).
 *
 * The guard is a mailstream_low driver wrapped around the connection's
 * own one (socket or TLS), so every byte libetpan reads or writes passes
 * through it.  A command's window opens when the poller writes after
 * having read (a new command; also by mg_imap_guard_arm(), for the
 * greeting) and lasts until the next one.  Within it:
 *
 *   - everything must arrive before the deadline, imap.command_timeout
 *     after the window opened (a server that keeps sending untagged data
 *     does not keep a command alive), and no read waits more than
 *     imap.timeout for the next byte;
 *   - the bytes read, literals included, stay within
 *     imap.max_response_size, and those outside literals within
 *     imap.max_response_text (or a tighter cap for one command, see
 *     text_cap);
 *   - a literal announced ("{N}" at the end of a line) longer than
 *     imap.max_literal_size is refused when it is announced, before
 *     libetpan reserves memory for it;
 *   - the end of the stream, anywhere, is an error (libetpan 1.9.4 loops
 *     for ever on a literal cut short: its read returns 0 and it asks
 *     again);
 *   - once *stop is set, every read and write fails at once.
 *
 * The first refusal is kept: the stream fails from then on, and
 * mg_imap_guard_why() says what happened.  The guard itself is owned by
 * the caller and must outlive the stream.
 */
#ifndef MATCHGUARD_IMAP_GUARD_H
#define MATCHGUARD_IMAP_GUARD_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <libetpan/libetpan.h>

#include "matchguard/config.h"

enum mg_imap_refusal {
	MG_IMAP_OK = 0,
	MG_IMAP_SILENCE,	/* nothing for imap.timeout */
	MG_IMAP_DEADLINE,	/* the command took imap.command_timeout */
	MG_IMAP_TOO_BIG,	/* imap.max_response_size */
	MG_IMAP_TOO_MUCH_TEXT,	/* imap.max_response_text or text_cap */
	MG_IMAP_LITERAL,	/* imap.max_literal_size */
	MG_IMAP_EOF,		/* the server closed the connection */
	MG_IMAP_IO,		/* a read or write error */
	MG_IMAP_STOPPED		/* *stop was set */
};

struct mg_imap_guard {
	/* Set by the caller. */
	const struct mg_imap_settings *im;
	const atomic_int	*stop;		/* NULL: never stopped */
	const char		*what;		/* the command, for messages */
	size_t			 text_cap;	/* 0: im->max_response_text */

	/* The window of the current command. */
	struct timespec		 start, deadline;	/* CLOCK_MONOTONIC */
	uint64_t		 bytes, text;	/* read in it */
	size_t			 cap;		/* its text cap */
	int			 reading;	/* last I/O was a read */

	/* Where the stream is: in a line, or in a literal. */
	uint64_t		 literal_left;
	int			 scan;		/* state of "{N}\r\n" */
	uint64_t		 number;

	/* The first refusal. */
	enum mg_imap_refusal	 refused;
	uint64_t		 refused_size;	/* the literal, the bytes */
	int			 refused_secs;
	const char		*refused_what;
};

/* A guard for im (not copied; it must outlive the guard), stopped when
 * *stop becomes non-zero. */
void	mg_imap_guard_init(struct mg_imap_guard *g,
	    const struct mg_imap_settings *im, const atomic_int *stop);

/* A driver around low that enforces g; it owns low from then on (low is
 * closed and freed with it).  NULL when out of memory: low is then left
 * to the caller. */
mailstream_low *mg_imap_guard_wrap(mailstream_low *low,
	    struct mg_imap_guard *g);

/* Opens a command's window now (the greeting; a write after a read does
 * it by itself).  what: the command, for messages (not copied). */
void	mg_imap_guard_arm(struct mg_imap_guard *g, const char *what);

/* One line on the refusal, e.g. "the answer to UID SEARCH passed
 * 1048576 bytes outside literals (imap.max_response_text)"; NULL when
 * nothing was refused. */
const char *mg_imap_guard_why(const struct mg_imap_guard *g, char *buf,
	    size_t len);

#endif
