/*
 * stream_guard.h - the bounds on what a server can make matchguard read,
 * whatever libetpan's parser or our own reader does: used by the IMAP
 * poller (imap_poller.c) and the SMTP relay (upstream_smtp.c).
 *
 * The guard is a mailstream_low driver wrapped around the connection's
 * own one (socket or TLS), so every byte libetpan reads or writes passes
 * through it.  A window (one command and its answer) opens when the
 * client writes after having read (a new command), or by
 * mg_stream_guard_arm() (the greeting; a window of its own for a long
 * write), and lasts until the next one.  Within it:
 *
 *   - everything must arrive before the window's deadline (limits.deadline
 *     after it opened, unless mg_stream_guard_arm_for() said otherwise): a
 *     server that keeps sending data, or sends one byte a second, does not
 *     keep a command alive; and no read or write waits more than
 *     limits.timeout;
 *   - the bytes read, literals included, stay within limits.max_bytes,
 *     and those outside literals within limits.max_text (or a tighter cap
 *     for one command, see text_cap);
 *   - with limits.max_literal set (IMAP), a literal announced ("{N}" at
 *     the end of a line) longer than it is refused when it is announced,
 *     before libetpan reserves memory for it;
 *   - the end of the stream, anywhere, is an error (libetpan 1.9.4 loops
 *     for ever on an IMAP literal cut short: its read returns 0 and it
 *     asks again; an SMTP reply cut short must not pass for one);
 *   - once *stop is set, every read and write fails at once.
 *
 * A call of the driver that outlives its wait (libetpan's TLS driver
 * stays inside one read while the bytes of a TLS record trickle in) is
 * ended by a watchdog, one thread for the whole process started on first
 * use (detached, every signal blocked), which shuts the socket down.
 *
 * The first refusal is kept: the stream fails from then on, and
 * mg_stream_guard_why() says what happened.  The guard itself is owned by
 * the caller and must outlive the stream.  Guards of different
 * connections may be used from different threads at once; one guard
 * belongs to the thread that uses its stream.
 */
#ifndef MATCHGUARD_STREAM_GUARD_H
#define MATCHGUARD_STREAM_GUARD_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <libetpan/libetpan.h>

enum mg_stream_refusal {
	MG_STREAM_OK = 0,
	MG_STREAM_SILENCE,	/* nothing for limits.timeout */
	MG_STREAM_DEADLINE,	/* the window's deadline passed */
	MG_STREAM_TOO_BIG,	/* limits.max_bytes */
	MG_STREAM_TOO_MUCH_TEXT, /* limits.max_text or text_cap */
	MG_STREAM_LITERAL,	/* limits.max_literal */
	MG_STREAM_EOF,		/* the server closed the connection */
	MG_STREAM_IO,		/* a read or write error */
	MG_STREAM_STOPPED	/* *stop was set */
};

/*
 * The bounds of one connection, and the names of the settings behind
 * them for the messages of mg_stream_guard_why() (e.g. "imap.timeout").
 * The strings are not copied: they must outlive the guard.
 */
struct mg_stream_limits {
	const char	*host;		/* the server, for messages */
	const char	*noun;		/* "answer" (IMAP), "reply" (SMTP) */
	int		 timeout;	/* seconds, one read or write, >= 1 */
	int		 deadline;	/* seconds, one window, >= 1 */
	uint64_t	 max_bytes;	/* read in one window */
	uint64_t	 max_text;	/* read outside literals in one window */
	uint64_t	 max_literal;	/* 0: the protocol has no literals */
	const char	*timeout_name, *deadline_name, *max_bytes_name,
			*max_text_name, *max_literal_name;
	const char	*text_cap_name;	/* what a text_cap stands for */
};

struct mg_stream_guard {
	/* Set by the caller. */
	struct mg_stream_limits lim;		/* a copy */
	const atomic_int	*stop;		/* NULL: never stopped */
	const char		*what;		/* the command, for messages */
	size_t			 text_cap;	/* 0: lim.max_text */

	/* The window of the current command. */
	struct timespec		 start, deadline;	/* CLOCK_MONOTONIC */
	int			 window_secs;	/* its deadline, seconds */
	uint64_t		 bytes, text;	/* read in it */
	uint64_t		 cap;		/* its text cap */
	int			 reading;	/* last I/O was a read */

	/* Where the stream is: in a line, or in a literal. */
	uint64_t		 literal_left;
	int			 scan;		/* state of "{N}\r\n" */
	uint64_t		 number;

	/* The first refusal. */
	enum mg_stream_refusal	 refused;
	uint64_t		 refused_size;	/* the literal, the bytes */
	uint64_t		 refused_bytes;	/* read in its window */
	int			 refused_secs;
	const char		*refused_what;
};

/* A guard for lim (copied), stopped when *stop becomes non-zero; a first
 * window is opened now, named "the greeting". */
void	mg_stream_guard_init(struct mg_stream_guard *g,
	    const struct mg_stream_limits *lim, const atomic_int *stop);

/* A driver around low that enforces g; it owns low from then on (low is
 * closed and freed with it).  NULL when out of memory: low is then left
 * to the caller. */
mailstream_low *mg_stream_guard_wrap(mailstream_low *low,
	    struct mg_stream_guard *g);

/* Opens a window now, with the deadline lim.deadline (the greeting; the
 * answer to what was just written, when the write had a window of its
 * own).  what: the command, for messages (not copied; NULL: unchanged).
 * The next write does not open another one. */
void	mg_stream_guard_arm(struct mg_stream_guard *g, const char *what);

/* The same, with a deadline of secs (>= 1) for this window only: e.g. the
 * whole of a long write. */
void	mg_stream_guard_arm_for(struct mg_stream_guard *g, const char *what,
	    int secs);

/* One line on the refusal, e.g. "imap.example.com's answer to UID SEARCH
 * passed 1048576 bytes outside literals (imap.max_response_text);
 * connection dropped"; NULL when nothing was refused.  The line quotes
 * nothing the server sent. */
const char *mg_stream_guard_why(const struct mg_stream_guard *g, char *buf,
	    size_t len);

#endif
