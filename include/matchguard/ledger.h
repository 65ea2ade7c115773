/*
 * ledger.h - the history of what the applicant sent and received.
 *
 * SQLite database <paths.state>/ledger.sqlite, WAL mode, file 0600 in a
 * 0700 directory.  The schema is versioned with PRAGMA user_version and
 * upgraded by forward migrations when opened read-write.  Every query used
 * by a rule is answered from an index, never by scanning the history.
 */
#ifndef MATCHGUARD_LEDGER_H
#define MATCHGUARD_LEDGER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "matchguard/textsim.h"
#include "matchguard/util.h"

struct mg_ledger;

#define MG_LEDGER_RW	0	/* create/migrate as needed */
#define MG_LEDGER_RO	1	/* read only; a missing file is an empty ledger */

/* Opens (creating when RW) the ledger at path.  In RO mode a missing file
 * gives an empty in-memory ledger, so `check` works before any history. */
int	mg_ledger_open(const char *path, int mode, struct mg_ledger **out,
	    char *err, size_t errlen);
/* Closes and sets *lp to NULL; NULL is allowed. */
void	mg_ledger_close(struct mg_ledger **lp);

/* The schema version this build writes. */
int	mg_ledger_schema_version(void);

/* The SQL of the i-th read query behind the lookups below, for tests that
 * check each one is answered from an index; NULL past the end. */
const char	*mg_ledger_query_sql(size_t i);

/* One outgoing message to one or more programs. */
struct mg_sent {
	const char		*message_id;	/* without <>; may be NULL */
	const char		*content_hash;	/* SHA-256 hex; never NULL */
	time_t			 date;
	const char		*subject;
	const char		*msg_class;	/* "intent", "thank-you", ... */
	const char		*verdict;	/* pass|warn|hold|imported|released */
	const char		*findings_json;	/* JSON array, may be NULL */
	const char *const	*programs;	/* program ids */
	size_t			 n_programs;
	/* The letter's template signature (mg_signature_of()), stored
	 * with its LSH buckets so that later letters are compared with it;
	 * NULL, or one without words, stores none. */
	const struct mg_textsig	*sig;
};

/* Records s unless a message with the same Message-ID, or with the same
 * content hash, is already there; *inserted says which. */
int	mg_ledger_record_sent(struct mg_ledger *l, const struct mg_sent *s,
	    int *inserted, char *err, size_t errlen);

/* A reply from a program (IMAP poller; also used by tests). */
int	mg_ledger_record_reply(struct mg_ledger *l, const char *message_id,
	    const char *program, time_t date, const char *in_reply_to,
	    int *inserted, char *err, size_t errlen);

/* The same with what the IMAP poller knows of a reply: its sender,
 * subject, and how it was matched ("thread" or "address"); any of
 * these may be NULL. */
struct mg_reply {
	const char	*message_id;
	const char	*program;
	time_t		 date;
	const char	*in_reply_to;
	const char	*sender;
	const char	*subject;
	const char	*matched;
};
int	mg_ledger_add_reply(struct mg_ledger *l, const struct mg_reply *rp,
	    int *inserted, char *err, size_t errlen);

/* One read transaction around lookups that belong together (a policy
 * check): one snapshot and one lock, instead of a transaction and its
 * lock calls for every query.  *began is 0 when a transaction was
 * already open (it is left alone); pass it to mg_ledger_read_end(). */
int	mg_ledger_read_begin(struct mg_ledger *l, int *began, char *err,
	    size_t errlen);
void	mg_ledger_read_end(struct mg_ledger *l, int began);

/* *yes = 1 when the applicant sent a message with this Message-ID. */
int	mg_ledger_is_sent_id(struct mg_ledger *l, const char *message_id,
	    int *yes, char *err, size_t errlen);
/* The same, or (failing that) with this content hash, as
 * mg_ledger_record_sent() tells a duplicate; either may be NULL. */
int	mg_ledger_is_sent(struct mg_ledger *l, const char *message_id,
	    const char *content_hash, int *yes, char *err, size_t errlen);

/* The latest message to program strictly before `before`. */
struct mg_last_sent {
	int	found;
	time_t	date;
	char	msg_class[32];
};
int	mg_ledger_last_sent(struct mg_ledger *l, const char *program,
	    time_t before, struct mg_last_sent *out, char *err, size_t errlen);

/* The earliest message to program in [since, before); *found = 0 if none. */
int	mg_ledger_first_sent(struct mg_ledger *l, const char *program,
	    time_t since, time_t before, int *found, time_t *when,
	    char *err, size_t errlen);

/* *yes = 1 when a reply from program is dated in [since, before). */
int	mg_ledger_reply_since(struct mg_ledger *l, const char *program,
	    time_t since, time_t before, int *yes, char *err, size_t errlen);

/* A message of class msg_class sent in [since, before) to a program other
 * than `program`: *found, its program id into other[otherlen], its date. */
int	mg_ledger_class_to_other(struct mg_ledger *l, const char *msg_class,
	    const char *program, time_t since, time_t before, int *found,
	    char *other, size_t otherlen, time_t *when, char *err, size_t errlen);

/* Letters dated [since, before) that share an LSH bucket with sig in
 * some band and whose estimated similarity is at least min_similarity:
 * *out is a new array of *n (NULL when none; caller frees), one entry per
 * letter and program.  Reads at most MG_LEDGER_MAX_BUCKET_ROWS bucket
 * rows per band (the newest) and one signature per letter, whatever the
 * size of the history. */
#define MG_LEDGER_MAX_BUCKET_ROWS	100
struct mg_similar {
	long long	sent_id;
	char		program[128];
	time_t		date;
	double		similarity;
};
int	mg_ledger_similar_sent(struct mg_ledger *l, const struct mg_textsig *sig,
	    time_t since, time_t before, double min_similarity,
	    struct mg_similar **out, size_t *n, char *err, size_t errlen);

/*
 * What a check read, so that serve can check letters in parallel, each on
 * a connection of its own, and take its one lock only to record: a
 * letter recorded meanwhile that a check's reads may have missed (one of
 * the same program, of a class it looked for, of one of the Message-IDs
 * or content hashes it looked up, or sharing an LSH bucket with its
 * signature) means the check runs again under the lock (guard.c).  Any
 * other lookup made while tracking sets all: every write then counts.
 */
struct mg_ledger_reads {
	struct mg_strlist	keys;	/* "p:" program, "c:" class, "i:"
					 * Message-ID or content hash */
	struct mg_textsig	sig;	/* of the template lookup */
	int			has_sig;
	int			all;
};
/* Starts (r, emptied) or stops (NULL) noting the lookups made on l.
 * Not thread-safe on one ledger: one connection per thread. */
void	mg_ledger_track(struct mg_ledger *l, struct mg_ledger_reads *r);
void	mg_ledger_reads_clear(struct mg_ledger_reads *r);
/* A sent letter as a write that reads may have missed: its program ids
 * ("a,b,c"), class, Message-ID (NULL: none), content hash and signature
 * (NULL: none). */
struct mg_ledger_write {
	const char		*programs;
	const char		*msg_class;
	const char		*message_id;
	const char		*content_hash;
	const struct mg_textsig	*sig;
};
/* 1 when w may change what r read, else 0. */
int	mg_ledger_reads_conflict(const struct mg_ledger_reads *r,
	    const struct mg_ledger_write *w);

/* The connection's page cache, in KiB (SQLite's default is 2000): small
 * for connections that only read and whose cache every write by another
 * connection empties. */
void	mg_ledger_cache_kb(struct mg_ledger *l, int kb);

/* serve: commits do not checkpoint the WAL (they would, every 1000
 * pages, with an fsync, inside the caller's lock); the caller runs
 * mg_ledger_checkpoint() when mg_ledger_wal_pages() says so, on any
 * connection, after it answered its client. */
void	mg_ledger_defer_checkpoints(struct mg_ledger *l);
int	mg_ledger_wal_pages(const struct mg_ledger *l);
/* After a checkpoint: 0 until the next commit on l says otherwise. */
void	mg_ledger_reset_wal_pages(struct mg_ledger *l);
/* A PASSIVE checkpoint: copies what no reader still needs, never waits
 * for a writer. */
int	mg_ledger_checkpoint(struct mg_ledger *l, char *err, size_t errlen);

/* What the lookups above have read since the ledger was opened. */
struct mg_ledger_stats {
	unsigned long	bucket_rows;	/* rows of LSH buckets */
	unsigned long	signatures;	/* signatures of candidate letters */
};
void	mg_ledger_stats(const struct mg_ledger *l, struct mg_ledger_stats *out);

/* Removes a message recorded as sent (by its content hash) whose sending
 * then failed: serve records a message before it relays it, so that a
 * second message checked meanwhile sees the first. */
int	mg_ledger_forget_sent(struct mg_ledger *l, const char *content_hash,
	    char *err, size_t errlen);

/* A message `serve` held for review (not a sent message: the rules do
 * not see it).  programs is a comma-separated list of ids. */
struct mg_held {
	const char	*spool_id;
	const char	*message_id;	/* may be NULL */
	const char	*content_hash;	/* SHA-256 hex; may be NULL */
	time_t		 date;		/* when it was held */
	const char	*subject;
	const char	*programs;
	const char	*findings_json;
};
int	mg_ledger_record_held(struct mg_ledger *l, const struct mg_held *h,
	    char *err, size_t errlen);
/* state: "released", "dropped", "rejected" (on_hold = "reject") or
 * "superseded" (a newer version of the letter came since). */
int	mg_ledger_set_held_state(struct mg_ledger *l, const char *spool_id,
	    const char *state, time_t when, char *err, size_t errlen);
/* The newest held letter with this Message-ID or, when none has it,
 * with this content hash (either may be NULL): found = 0 when there is
 * none; state is "held", "released", "dropped", "rejected" or
 * "superseded".  Two
 * index lookups, whatever the number of held letters. */
struct mg_held_row {
	int	found;
	char	spool_id[64];
	char	state[16];
};
int	mg_ledger_find_held(struct mg_ledger *l, const char *message_id,
	    const char *content_hash, struct mg_held_row *out, char *err,
	    size_t errlen);

/* Letters `serve` answered lately, by a key of their envelope and bytes
 * (guard.c), so that the same letter sent again by a client that never
 * got its 250 (a cut connection, serve killed) is recognised: spool_id is
 * the ID of a held letter, NULL for one the upstream accepted.  An SQLite
 * write in WAL mode: it survives the death of the process.  Noting also
 * removes the rows dated before forget_before. */
int	mg_ledger_resend_note(struct mg_ledger *l, const char *key, time_t date,
	    const char *spool_id, time_t forget_before, char *err,
	    size_t errlen);
/* The row of key dated since or later: found = 0 when there is none;
 * spool_id is "" for a relayed letter. */
struct mg_resend {
	int	found;
	time_t	date;
	char	spool_id[64];
};
int	mg_ledger_resend_find(struct mg_ledger *l, const char *key, time_t since,
	    struct mg_resend *out, char *err, size_t errlen);

/* The programs (ids, sorted) of the sent message with this Message-ID,
 * appended to out; nothing when there is no such message. */
int	mg_ledger_sent_programs(struct mg_ledger *l, const char *message_id,
	    struct mg_strlist *out, char *err, size_t errlen);

/* How far the IMAP poller has read folder: *found = 0 before the first
 * sync. */
int	mg_ledger_imap_state(struct mg_ledger *l, const char *folder,
	    int *found, uint32_t *uidvalidity, uint32_t *last_uid,
	    char *err, size_t errlen);
int	mg_ledger_set_imap_state(struct mg_ledger *l, const char *folder,
	    uint32_t uidvalidity, uint32_t last_uid, time_t when, char *err,
	    size_t errlen);

/* Replies dated since or later, of program (NULL: every program),
 * oldest first; cb returns non-zero to stop. */
struct mg_reply_row {
	time_t	date;
	char	program[128];
	char	message_id[256];
	char	in_reply_to[256];
	char	sender[256];
	char	subject[256];
	char	matched[16];
};
typedef int (*mg_ledger_reply_cb)(const struct mg_reply_row *row, void *arg);
int	mg_ledger_replies(struct mg_ledger *l, const char *program,
	    time_t since, mg_ledger_reply_cb cb, void *arg, char *err,
	    size_t errlen);

/* The letters sent with warnings (verdict "warn") dated since or later,
 * newest first, at most max of them, each with its programs ("a,b") and
 * its first MG_LEDGER_NOTED_FINDINGS findings; cb returns non-zero to
 * stop.  One index range, and two key lookups a letter. */
#define MG_LEDGER_NOTED_FINDINGS	8
struct mg_noted_finding {
	char	rule[64];
	char	severity[16];
	char	message[1024];
	char	evidence[512];
};
struct mg_noted_row {
	long long		id;
	time_t			date;
	char			subject[512];
	char			programs[512];
	struct mg_noted_finding	f[MG_LEDGER_NOTED_FINDINGS];
	size_t			n;
};
typedef int (*mg_ledger_noted_cb)(const struct mg_noted_row *row, void *arg);
int	mg_ledger_noted(struct mg_ledger *l, time_t since, size_t max,
	    mg_ledger_noted_cb cb, void *arg, char *err, size_t errlen);

/* What `matchguard timeline` shows of one program, for messages dated
 * in [since, before). */
struct mg_program_totals {
	long	sent;		/* messages */
	long	interest;	/* letters of interest */
	long	intent;		/* letters of intent */
	int	has_last_sent;
	time_t	last_sent;
	char	last_class[32];
	int	has_last_reply;
	time_t	last_reply;
};
int	mg_ledger_program_totals(struct mg_ledger *l, const char *program,
	    time_t since, time_t before, struct mg_program_totals *out,
	    char *err, size_t errlen);

#endif
