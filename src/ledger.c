/*
 * ledger.c - the history of what the applicant sent and received.
 *
 * One SQLite file in WAL mode.  The schema is the list of migrations below:
 * migration i takes PRAGMA user_version from i to i + 1 in its own
 * transaction, so an old ledger is upgraded step by step and a ledger
 * written by a newer build is refused rather than misread.
 *
 * Read-only opens: a missing file is an empty in-memory ledger with the
 * current schema, and nothing is created on disk.  An existing file with
 * an older schema is upgraded in place through a short read-write open
 * (it is the user's own file, and `check` must not fail only because no
 * writing command has run since matchguard was upgraded), then reopened
 * read-only.
 *
 * Permissions: the file is created 0600 with open(2) before SQLite sees it
 * and an existing one is chmod'ed to 0600.  SQLite gives the -wal and -shm
 * files the mode of the database file, so the process-wide umask is left
 * alone.  A parent directory created here is made exactly 0700; one that
 * already exists is the user's business.
 */
#include "config_auto.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdatomic.h>
#include <unistd.h>

#include <sqlite3.h>

#include "matchguard/ledger.h"
#include "matchguard/util.h"

#define LEDGER_BUSY_MS	5000	/* wait this long for another writer */

static const char *const ledger_migrations[] = {
	/* 0 -> 1: sent messages, one row per program, and replies. */
	"CREATE TABLE sent ("
	"  id INTEGER PRIMARY KEY,"
	"  message_id TEXT UNIQUE,"
	"  content_hash TEXT NOT NULL UNIQUE,"
	"  date INTEGER NOT NULL,"
	"  subject TEXT,"
	"  class TEXT,"
	"  verdict TEXT,"
	"  findings TEXT);"
	"CREATE TABLE sent_program ("
	"  sent_id INTEGER NOT NULL REFERENCES sent (id) ON DELETE CASCADE,"
	"  program TEXT NOT NULL,"
	"  date INTEGER NOT NULL,"
	"  class TEXT,"
	"  PRIMARY KEY (sent_id, program));"
	"CREATE INDEX sent_program_by_program ON sent_program (program, date);"
	"CREATE INDEX sent_program_by_class"
	"  ON sent_program (class, date, program);"
	"CREATE TABLE reply ("
	"  id INTEGER PRIMARY KEY,"
	"  message_id TEXT UNIQUE,"
	"  program TEXT NOT NULL,"
	"  date INTEGER NOT NULL,"
	"  in_reply_to TEXT);"
	"CREATE INDEX reply_by_program ON reply (program, date);",

	/* 1 -> 2: find a reply by the message it answers (threading). */
	"CREATE INDEX reply_by_in_reply_to ON reply (in_reply_to);",

	/* 2 -> 3: messages `serve` held for review, and what became of them.
	 * A held message is not "sent": the rules never read this table. */
	"CREATE TABLE held ("
	"  id INTEGER PRIMARY KEY,"
	"  spool_id TEXT NOT NULL UNIQUE,"
	"  message_id TEXT,"
	"  date INTEGER NOT NULL,"
	"  subject TEXT,"
	"  programs TEXT,"
	"  findings TEXT,"
	"  state TEXT NOT NULL DEFAULT 'held',"
	"  changed INTEGER);",

	/* 3 -> 4: MinHash signatures of sent letters and their LSH band
	 * buckets (textsim.h), for the generic-template rule.  A bucket row
	 * per band and program; the key leads with (band, bucket, date) so
	 * that a lookup reads only the rows of one bucket in a date range. */
	"CREATE TABLE sent_sig ("
	"  sent_id INTEGER PRIMARY KEY REFERENCES sent (id) ON DELETE CASCADE,"
	"  scheme INTEGER NOT NULL,"
	"  sig BLOB NOT NULL);"
	"CREATE TABLE sent_band ("
	"  band INTEGER NOT NULL,"
	"  bucket INTEGER NOT NULL,"
	"  date INTEGER NOT NULL,"
	"  sent_id INTEGER NOT NULL REFERENCES sent (id) ON DELETE CASCADE,"
	"  program TEXT NOT NULL,"
	"  PRIMARY KEY (band, bucket, date, sent_id, program)) WITHOUT ROWID;"
	"CREATE INDEX sent_band_by_sent ON sent_band (sent_id);",

	/* 4 -> 5: the IMAP poller: how far each folder has been read (its
	 * UIDVALIDITY and the highest UID seen), and what a reply was. */
	"CREATE TABLE imap_state ("
	"  folder TEXT PRIMARY KEY,"
	"  uidvalidity INTEGER NOT NULL,"
	"  last_uid INTEGER NOT NULL,"
	"  synced INTEGER);"
	"ALTER TABLE reply ADD COLUMN sender TEXT;"
	"ALTER TABLE reply ADD COLUMN subject TEXT;"
	"ALTER TABLE reply ADD COLUMN matched TEXT;"
	"CREATE INDEX reply_by_date ON reply (date);",

	/* 5 -> 6: letters serve relayed or held lately, by a hash of their
	 * envelope and bytes, so that the same letter sent again by a
	 * client that never got its 250 is not sent twice (guard.c). */
	"CREATE TABLE resend ("
	"  key TEXT PRIMARY KEY,"
	"  date INTEGER NOT NULL,"
	"  spool_id TEXT) WITHOUT ROWID;"
	"CREATE INDEX resend_by_date ON resend (date);",

	/* 6 -> 7: a held letter's content hash, and the held letters by
	 * Message-ID and by content hash, so that the mail client's copy
	 * of a letter serve held (its Sent folder) is known for one
	 * (letter.c) and never recorded as sent. */
	"ALTER TABLE held ADD COLUMN content_hash TEXT;"
	"CREATE INDEX held_by_message_id ON held (message_id, date);"
	"CREATE INDEX held_by_hash ON held (content_hash, date);",

	/* 7 -> 8: 16 LSH bands instead of 32 (textsim.h): half the bucket
	 * rows to write per letter.  Band b is made of the same values and
	 * hashed the same way as before, so the first 16 stay as they are. */
	"DELETE FROM sent_band WHERE band >= 16;",

	/* 8 -> 9: the letters sent with warnings, newest first, for the
	 * review page's "Sent with notes". */
	"CREATE INDEX IF NOT EXISTS sent_by_verdict ON sent (verdict, date);",
};

#define LEDGER_VERSION \
	((int)(sizeof(ledger_migrations) / sizeof(ledger_migrations[0])))

enum ledger_st {
	/* The reads come first: mg_ledger_query_sql() hands them out. */
	ST_SENT_BY_ID,
	ST_SENT_BY_HASH,
	ST_LAST_SENT,
	ST_FIRST_SENT,
	ST_REPLY_SINCE,
	ST_CLASS_TO_OTHER,
	ST_BAND_ROWS,
	ST_SIG_BY_ID,
	ST_SENT_ROWID,
	ST_SENT_PROGRAMS,
	ST_IMAP_STATE,
	ST_REPLIES_ALL,
	ST_REPLIES_PROGRAM,
	ST_LAST_REPLY,
	ST_COUNT_SENT,
	ST_COUNT_CLASS,
	ST_RESEND_FIND,
	ST_HELD_BY_ID,
	ST_HELD_BY_HASH,
	ST_NOTED,
	ST_NREAD,
	/* Reads no table: the findings of one row, from its JSON. */
	ST_NOTED_FINDINGS = ST_NREAD,
	ST_INS_SENT,
	ST_INS_SENT_PROGRAM,
	ST_INS_REPLY,
	ST_INS_HELD,
	ST_SET_HELD,
	ST_INS_SIG,
	ST_INS_BAND,
	ST_SET_IMAP,
	ST_DEL_SENT,
	ST_INS_RESEND,
	ST_DEL_RESEND,
	ST_COUNT
};

/*
 * The ORDER BY clauses follow the index columns (the rowid being the last
 * one), so ties are broken deterministically without a sort.
 */
static const char *const ledger_sql[ST_COUNT] = {
	[ST_SENT_BY_ID] =
	    "SELECT 1 FROM sent WHERE message_id = ?1",
	[ST_SENT_BY_HASH] =
	    "SELECT 1 FROM sent WHERE content_hash = ?1",
	[ST_LAST_SENT] =
	    "SELECT date, class FROM sent_program"
	    " WHERE program = ?1 AND date < ?2"
	    " ORDER BY date DESC, rowid DESC LIMIT 1",
	[ST_FIRST_SENT] =
	    "SELECT date FROM sent_program"
	    " WHERE program = ?1 AND date >= ?2 AND date < ?3"
	    " ORDER BY date LIMIT 1",
	[ST_REPLY_SINCE] =
	    "SELECT 1 FROM reply"
	    " WHERE program = ?1 AND date >= ?2 AND date < ?3 LIMIT 1",
	[ST_CLASS_TO_OTHER] =
	    "SELECT program, date FROM sent_program"
	    " WHERE class = ?1 AND date >= ?2 AND date < ?3"
	    " AND program IS NOT ?4"
	    " ORDER BY date, program LIMIT 1",
	[ST_BAND_ROWS] =
	    "SELECT sent_id, program, date FROM sent_band"
	    " WHERE band = ?1 AND bucket = ?2 AND date >= ?3 AND date < ?4"
	    " ORDER BY date DESC LIMIT ?5",
	[ST_SIG_BY_ID] =
	    "SELECT scheme, sig FROM sent_sig WHERE sent_id = ?1",
	[ST_SENT_ROWID] =
	    "SELECT id FROM sent WHERE message_id = ?1",
	[ST_SENT_PROGRAMS] =
	    "SELECT program FROM sent_program WHERE sent_id = ?1"
	    " ORDER BY program",
	[ST_IMAP_STATE] =
	    "SELECT uidvalidity, last_uid FROM imap_state WHERE folder = ?1",
	[ST_REPLIES_ALL] =
	    "SELECT date, program, message_id, in_reply_to, sender, subject,"
	    " matched FROM reply WHERE date >= ?1 ORDER BY date, rowid",
	[ST_REPLIES_PROGRAM] =
	    "SELECT date, program, message_id, in_reply_to, sender, subject,"
	    " matched FROM reply WHERE program = ?1 AND date >= ?2"
	    " ORDER BY date, rowid",
	[ST_LAST_REPLY] =
	    "SELECT date FROM reply WHERE program = ?1 AND date < ?2"
	    " ORDER BY date DESC, rowid DESC LIMIT 1",
	[ST_COUNT_SENT] =
	    "SELECT count(*) FROM sent_program"
	    " WHERE program = ?1 AND date >= ?2 AND date < ?3",
	[ST_COUNT_CLASS] =
	    "SELECT count(*) FROM sent_program"
	    " WHERE program = ?1 AND date >= ?2 AND date < ?3 AND class = ?4",
	[ST_RESEND_FIND] =
	    "SELECT date, spool_id FROM resend WHERE key = ?1 AND date >= ?2",
	[ST_HELD_BY_ID] =
	    "SELECT spool_id, state FROM held WHERE message_id = ?1"
	    " ORDER BY date DESC, rowid DESC LIMIT 1",
	[ST_HELD_BY_HASH] =
	    "SELECT spool_id, state FROM held WHERE content_hash = ?1"
	    " ORDER BY date DESC, rowid DESC LIMIT 1",
	[ST_NOTED] =
	    "SELECT id, date, subject, findings FROM sent"
	    " WHERE verdict = 'warn' AND date >= ?1"
	    " ORDER BY date DESC, id DESC LIMIT ?2",
	[ST_NOTED_FINDINGS] =
	    "SELECT json_extract(value, '$.rule'),"
	    " json_extract(value, '$.severity'),"
	    " json_extract(value, '$.message'),"
	    " json_extract(value, '$.evidence')"
	    " FROM json_each(?1) WHERE json_valid(?1)",
	[ST_INS_SENT] =
	    "INSERT INTO sent (message_id, content_hash, date, subject, class,"
	    " verdict, findings) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[ST_INS_SENT_PROGRAM] =
	    "INSERT INTO sent_program (sent_id, program, date, class)"
	    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (sent_id, program) DO NOTHING",
	[ST_INS_REPLY] =
	    "INSERT INTO reply (message_id, program, date, in_reply_to, sender,"
	    " subject, matched) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	    " ON CONFLICT (message_id) DO NOTHING",
	[ST_INS_HELD] =
	    "INSERT INTO held (spool_id, message_id, date, subject, programs,"
	    " findings, content_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
	    " ON CONFLICT (spool_id) DO NOTHING",
	[ST_SET_HELD] =
	    "UPDATE held SET state = ?2, changed = ?3 WHERE spool_id = ?1",
	/* The program, signature and band rows go with it (ON DELETE
	 * CASCADE). */
	[ST_DEL_SENT] =
	    "DELETE FROM sent WHERE content_hash = ?1",
	[ST_INS_SIG] =
	    "INSERT INTO sent_sig (sent_id, scheme, sig) VALUES (?1, ?2, ?3)"
	    " ON CONFLICT (sent_id) DO NOTHING",
	[ST_INS_BAND] =
	    "INSERT INTO sent_band (band, bucket, date, sent_id, program)"
	    " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
	[ST_INS_RESEND] =
	    "INSERT INTO resend (key, date, spool_id) VALUES (?1, ?2, ?3)"
	    " ON CONFLICT (key) DO UPDATE SET date = excluded.date,"
	    " spool_id = excluded.spool_id",
	[ST_DEL_RESEND] =
	    "DELETE FROM resend WHERE date < ?1",
	[ST_SET_IMAP] =
	    "INSERT INTO imap_state (folder, uidvalidity, last_uid, synced)"
	    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (folder) DO UPDATE SET"
	    " uidvalidity = excluded.uidvalidity,"
	    " last_uid = excluded.last_uid, synced = excluded.synced",
};

struct mg_ledger {
	sqlite3			*db;
	char			*path;
	sqlite3_stmt		*st[ST_COUNT];
	struct mg_ledger_stats	 stats;
	struct mg_ledger_reads	*track;		/* NULL: not noting */
	atomic_int		 wal_pages;	/* deferred checkpoints */
};

/* Notes a lookup by key (kind "p:", "c:", "i:"), or one with no key
 * (kind NULL), when tracking (mg_ledger_track). */
static void
track(struct mg_ledger *l, const char *kind, const char *key)
{
	char	*k;
	size_t	 len;

	if (l->track == NULL || l->track->all)
		return;
	if (kind == NULL) {
		l->track->all = 1;
		return;
	}
	if (key == NULL)
		return;		/* nothing looked up */
	len = strlen(kind) + strlen(key) + 1;
	if ((k = malloc(len)) == NULL) {
		l->track->all = 1;
		return;
	}
	snprintf(k, len, "%s%s", kind, key);
	for (size_t i = 0; i < l->track->keys.n; i++)
		if (strcmp(l->track->keys.v[i], k) == 0) {
			free(k);
			return;
		}
	if (mg_strlist_add(&l->track->keys, k) == -1)
		l->track->all = 1;
	free(k);
}

static int
ledger_dberr(struct mg_ledger *l, const char *what, char *err, size_t errlen)
{
	mg_seterr(err, errlen, "%s: %s: %s", l->path, what,
	    sqlite3_errmsg(l->db));
	return -1;
}

static int
ledger_exec(struct mg_ledger *l, const char *sql, const char *what,
    char *err, size_t errlen)
{
	if (sqlite3_exec(l->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return ledger_dberr(l, what, err, errlen);
	return 0;
}

static void
ledger_rollback(struct mg_ledger *l)
{
	/*
	 * Only after a failure that is already reported; SQLite may have
	 * rolled back by itself, and a failing ROLLBACK adds nothing.
	 */
	if (!sqlite3_get_autocommit(l->db))
		(void)sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
}

static int
bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s == NULL)
		return sqlite3_bind_null(st, i);
	/* Static: the statement is reset and unbound before we return. */
	return sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static int
bind_time(sqlite3_stmt *st, int i, time_t t)
{
	return sqlite3_bind_int64(st, i, (sqlite3_int64)t);
}

static void
ledger_done(sqlite3_stmt *st)
{
	/* reset repeats the error of the last step, reported already. */
	(void)sqlite3_reset(st);
	(void)sqlite3_clear_bindings(st);
}

static int
ledger_fail(struct mg_ledger *l, sqlite3_stmt *st, const char *what,
    char *err, size_t errlen)
{
	ledger_dberr(l, what, err, errlen);
	ledger_done(st);
	return -1;
}

/* Steps st once: 1 for a row, 0 when done, -1 on error (err set). */
static int
ledger_step(struct mg_ledger *l, sqlite3_stmt *st, const char *what,
    char *err, size_t errlen)
{
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		return 1;
	case SQLITE_DONE:
		return 0;
	default:
		return ledger_dberr(l, what, err, errlen);
	}
}

/* Copies a text column; a NULL value is "", a NULL pointer otherwise is
 * SQLite running out of memory. */
static int
ledger_column(struct mg_ledger *l, sqlite3_stmt *st, int col, char *buf,
    size_t len, char *err, size_t errlen)
{
	const unsigned char	*s = sqlite3_column_text(st, col);

	if (s == NULL && sqlite3_column_type(st, col) != SQLITE_NULL)
		return ledger_dberr(l, "reading a result", err, errlen);
	if (buf != NULL && len > 0)
		snprintf(buf, len, "%s", s != NULL ? (const char *)s : "");
	return 0;
}

/* Runs a one-parameter existence query. */
static int
ledger_exists(struct mg_ledger *l, enum ledger_st id, const char *key,
    int *yes, const char *what, char *err, size_t errlen)
{
	sqlite3_stmt	*st = l->st[id];
	int		 r;

	*yes = 0;
	if (bind_text(st, 1, key) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	r = ledger_step(l, st, what, err, errlen);
	ledger_done(st);
	if (r == -1)
		return -1;
	*yes = r;
	return 0;
}

/*
 * Opening.
 */

static int
ledger_make_dir(const char *path, char *err, size_t errlen)
{
	const char	*slash = strrchr(path, '/');
	struct stat	 sb;
	char		*dir, why[MG_ERRLEN];
	int		 rc = 0;

	if (slash == NULL || slash == path)
		return 0;
	if ((dir = mg_strndup(path, (size_t)(slash - path))) == NULL) {
		mg_seterr(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (stat(dir, &sb) == -1) {
		if (errno != ENOENT) {
			snprintf(why, sizeof(why), "%s: %s", dir,
			    strerror(errno));
			rc = -1;
		} else if (mg_mkdir_p(dir, 0700, why, sizeof(why)) == -1) {
			rc = -1;
		} else if (chmod(dir, 0700) == -1) {
			/* mkdir(2) honours the umask; chmod(2) does not. */
			snprintf(why, sizeof(why), "cannot chmod %s to 0700: %s",
			    dir, strerror(errno));
			rc = -1;
		}
	}
	if (rc == -1)
		mg_seterr(err, errlen, "%s: %s", path, why);
	free(dir);
	return rc;
}

/*
 * An existing file is never open(2)ed and close(2)d here: closing any
 * descriptor of a file drops every POSIX lock this process holds on it,
 * and a second open in the same process (serve opens the ledger for its
 * guard and again, say, on SIGHUP) would take away the first
 * connection's locks on the database and its -shm.  Another process
 * (the sqlite3 shell, queue release) then thinks it is the last one,
 * removes the -wal, and this process goes on writing into a deleted
 * file that nobody else reads until it exits.
 */
static int
ledger_make_file(const char *path, char *err, size_t errlen)
{
	struct stat	 sb;
	int		 fd, rc = 0;

	if (stat(path, &sb) == 0) {
		if ((sb.st_mode & 07777) != 0600 && chmod(path, 0600) == -1) {
			mg_seterr(err, errlen, "%s: cannot make it private "
			    "(0600): %s", path, strerror(errno));
			return -1;
		}
		return 0;
	}
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1) {
		mg_seterr(err, errlen, "%s: cannot create: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) == -1 ||
	    ((sb.st_mode & 07777) != 0600 && fchmod(fd, 0600) == -1)) {
		mg_seterr(err, errlen, "%s: cannot make it private (0600): %s",
		    path, strerror(errno));
		rc = -1;
	}
	if (close(fd) == -1 && rc == 0) {
		mg_seterr(err, errlen, "%s: close: %s", path, strerror(errno));
		rc = -1;
	}
	return rc;
}

static int
ledger_connect(struct mg_ledger *l, const char *file, int flags,
    char *err, size_t errlen)
{
	int	rc = sqlite3_open_v2(file, &l->db, flags, NULL);

	if (rc != SQLITE_OK) {
		mg_seterr(err, errlen, "%s: cannot open: %s", l->path,
		    l->db != NULL ? sqlite3_errmsg(l->db) : sqlite3_errstr(rc));
		return -1;
	}
	if (sqlite3_busy_timeout(l->db, LEDGER_BUSY_MS) != SQLITE_OK)
		return ledger_dberr(l, "setting the busy timeout", err, errlen);
	return 0;
}

/* Runs a PRAGMA that answers one row and copies its first column. */
static int
ledger_pragma(struct mg_ledger *l, const char *sql, const char *what,
    char *buf, size_t len, char *err, size_t errlen)
{
	sqlite3_stmt	*st;
	int		 r;

	if (sqlite3_prepare_v2(l->db, sql, -1, &st, NULL) != SQLITE_OK)
		return ledger_dberr(l, what, err, errlen);
	if ((r = ledger_step(l, st, what, err, errlen)) == 0) {
		mg_seterr(err, errlen, "%s: %s: no answer", l->path, what);
		r = -1;
	} else if (r == 1)
		r = ledger_column(l, st, 0, buf, len, err, errlen);
	(void)sqlite3_finalize(st);	/* its error is reported above */
	return r;
}

static int
ledger_version(struct mg_ledger *l, int *v, char *err, size_t errlen)
{
	char	 buf[32], *end;
	long	 n;

	if (ledger_pragma(l, "PRAGMA user_version",
	    "reading the schema version", buf, sizeof(buf), err, errlen) == -1)
		return -1;
	n = strtol(buf, &end, 10);
	if (end == buf || *end != '\0' || n < 0) {
		mg_seterr(err, errlen, "%s: bad ledger schema version \"%s\"",
		    l->path, buf);
		return -1;
	}
	if (n > LEDGER_VERSION) {
		mg_seterr(err, errlen, "%s: ledger schema version %ld is newer "
		    "than this matchguard (%d); upgrade matchguard", l->path,
		    n, LEDGER_VERSION);
		return -1;
	}
	*v = (int)n;
	return 0;
}

static int
ledger_setup_rw(struct mg_ledger *l, char *err, size_t errlen)
{
	char	mode[16];

	if (ledger_pragma(l, "PRAGMA journal_mode = WAL", "setting WAL mode",
	    mode, sizeof(mode), err, errlen) == -1)
		return -1;
	if (strcasecmp(mode, "wal") != 0) {
		mg_seterr(err, errlen, "%s: cannot use WAL mode (journal mode "
		    "stays %s)", l->path, mode);
		return -1;
	}
	if (ledger_exec(l, "PRAGMA synchronous = NORMAL",
	    "setting synchronous mode", err, errlen) == -1 ||
	    ledger_exec(l, "PRAGMA foreign_keys = ON",
	    "enabling foreign keys", err, errlen) == -1)
		return -1;
	return 0;
}

/*
 * Applies the migration from *v under a write lock.  The version is read
 * again inside the transaction: another process may have upgraded first.
 */
static int
ledger_upgrade_once(struct mg_ledger *l, int *v, char *err, size_t errlen)
{
	char	sql[64], what[64];
	int	rc;

	if (ledger_exec(l, "BEGIN IMMEDIATE", "locking for a schema upgrade",
	    err, errlen) == -1)
		return -1;
	rc = ledger_version(l, v, err, errlen);
	if (rc == 0 && *v < LEDGER_VERSION) {
		snprintf(what, sizeof(what), "upgrading the ledger schema to "
		    "version %d", *v + 1);
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", *v + 1);
		rc = ledger_exec(l, ledger_migrations[*v], what, err, errlen);
		if (rc == 0)
			rc = ledger_exec(l, sql, what, err, errlen);
		if (rc == 0)
			++*v;
	}
	if (rc == 0)
		rc = ledger_exec(l, "COMMIT", "committing a schema upgrade",
		    err, errlen);
	if (rc == -1)
		ledger_rollback(l);
	return rc;
}

static int
ledger_migrate(struct mg_ledger *l, char *err, size_t errlen)
{
	int	v;

	if (ledger_version(l, &v, err, errlen) == -1)
		return -1;
	while (v < LEDGER_VERSION)
		if (ledger_upgrade_once(l, &v, err, errlen) == -1)
			return -1;
	return 0;
}

static int
ledger_open_rw(struct mg_ledger *l, char *err, size_t errlen)
{
	if (ledger_make_dir(l->path, err, errlen) == -1 ||
	    ledger_make_file(l->path, err, errlen) == -1 ||
	    ledger_connect(l, l->path, SQLITE_OPEN_READWRITE, err,
	    errlen) == -1 ||
	    ledger_setup_rw(l, err, errlen) == -1)
		return -1;
	return ledger_migrate(l, err, errlen);
}

static int
ledger_connect_ro(struct mg_ledger *l, int *v, char *err, size_t errlen)
{
	if (ledger_connect(l, l->path, SQLITE_OPEN_READONLY, err,
	    errlen) == -1)
		return -1;
	return ledger_version(l, v, err, errlen);
}

static int
ledger_open_ro(struct mg_ledger *l, char *err, size_t errlen)
{
	struct mg_ledger	*rw;
	struct stat		 sb;
	int			 v;

	if (stat(l->path, &sb) == -1) {
		if (errno != ENOENT) {
			mg_seterr(err, errlen, "%s: %s", l->path,
			    strerror(errno));
			return -1;
		}
		/* No history yet: an empty ledger that creates nothing. */
		if (ledger_connect(l, ":memory:", SQLITE_OPEN_READWRITE |
		    SQLITE_OPEN_CREATE, err, errlen) == -1)
			return -1;
		return ledger_migrate(l, err, errlen);
	}
	if (ledger_connect_ro(l, &v, err, errlen) == -1)
		return -1;
	if (v == LEDGER_VERSION)
		return 0;
	(void)sqlite3_close(l->db);	/* nothing prepared on it yet */
	l->db = NULL;
	if (mg_ledger_open(l->path, MG_LEDGER_RW, &rw, err, errlen) == -1)
		return -1;
	mg_ledger_close(&rw);
	if (ledger_connect_ro(l, &v, err, errlen) == -1)
		return -1;
	if (v != LEDGER_VERSION) {
		mg_seterr(err, errlen, "%s: ledger schema version %d after "
		    "upgrading to %d", l->path, v, LEDGER_VERSION);
		return -1;
	}
	return 0;
}

static int
ledger_prepare(struct mg_ledger *l, char *err, size_t errlen)
{
	for (size_t i = 0; i < ST_COUNT; i++)
		if (sqlite3_prepare_v3(l->db, ledger_sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &l->st[i], NULL) != SQLITE_OK)
			return ledger_dberr(l, "preparing a ledger query",
			    err, errlen);
	return 0;
}

int
mg_ledger_open(const char *path, int mode, struct mg_ledger **out,
    char *err, size_t errlen)
{
	struct mg_ledger	*l;
	int			 rc;

	*out = NULL;
	if (mode != MG_LEDGER_RW && mode != MG_LEDGER_RO) {
		mg_seterr(err, errlen, "%s: bad ledger open mode %d", path,
		    mode);
		return -1;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->path = strdup(path)) == NULL) {
		free(l);
		mg_seterr(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (mode == MG_LEDGER_RW)
		rc = ledger_open_rw(l, err, errlen);
	else
		rc = ledger_open_ro(l, err, errlen);
	if (rc == 0)
		rc = ledger_prepare(l, err, errlen);
	if (rc == -1) {
		mg_ledger_close(&l);
		return -1;
	}
	*out = l;
	return 0;
}

void
mg_ledger_close(struct mg_ledger **lp)
{
	struct mg_ledger	*l;

	if (lp == NULL || (l = *lp) == NULL)
		return;
	/*
	 * finalize only repeats errors already reported; with every
	 * statement finalized, close cannot be busy, and a void close has
	 * no one to tell otherwise.
	 */
	for (size_t i = 0; i < ST_COUNT; i++)
		(void)sqlite3_finalize(l->st[i]);
	(void)sqlite3_close(l->db);
	free(l->path);
	free(l);
	*lp = NULL;
}

int
mg_ledger_schema_version(void)
{
	return LEDGER_VERSION;
}

const char *
mg_ledger_query_sql(size_t i)
{
	return i < ST_NREAD ? ledger_sql[i] : NULL;
}

/*
 * Writing.
 */

static int
ledger_check_sent(struct mg_ledger *l, const struct mg_sent *s,
    char *err, size_t errlen)
{
	if (s->content_hash == NULL) {
		mg_seterr(err, errlen, "%s: recording a sent message: no "
		    "content hash", l->path);
		return -1;
	}
	for (size_t i = 0; i < s->n_programs; i++)
		if (s->programs[i] == NULL) {
			mg_seterr(err, errlen, "%s: recording a sent message: "
			    "program %zu is missing", l->path, i);
			return -1;
		}
	return 0;
}

static int
ledger_sent_known(struct mg_ledger *l, const struct mg_sent *s, int *known,
    char *err, size_t errlen)
{
	*known = 0;
	if (s->message_id != NULL && ledger_exists(l, ST_SENT_BY_ID,
	    s->message_id, known, "looking up a Message-ID", err,
	    errlen) == -1)
		return -1;
	if (*known)
		return 0;
	return ledger_exists(l, ST_SENT_BY_HASH, s->content_hash, known,
	    "looking up a content hash", err, errlen);
}

static int
ledger_insert_program(struct mg_ledger *l, sqlite3_int64 id,
    const struct mg_sent *s, const char *program, char *err, size_t errlen)
{
	sqlite3_stmt	*st = l->st[ST_INS_SENT_PROGRAM];
	const char	*what = "recording a sent message's program";
	int		 r;

	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
	    bind_text(st, 2, program) != SQLITE_OK ||
	    bind_time(st, 3, s->date) != SQLITE_OK ||
	    bind_text(st, 4, s->msg_class) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	r = ledger_step(l, st, what, err, errlen);
	ledger_done(st);
	return r == -1 ? -1 : 0;
}

static int
ledger_insert_band(struct mg_ledger *l, sqlite3_int64 id, size_t band,
    int64_t bucket, const struct mg_sent *s, const char *program,
    char *err, size_t errlen)
{
	sqlite3_stmt	*st = l->st[ST_INS_BAND];
	const char	*what = "recording a letter's LSH bucket";
	int		 r;

	if (sqlite3_bind_int(st, 1, (int)band) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, (sqlite3_int64)bucket) != SQLITE_OK ||
	    bind_time(st, 3, s->date) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 4, id) != SQLITE_OK ||
	    bind_text(st, 5, program) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	r = ledger_step(l, st, what, err, errlen);
	ledger_done(st);
	return r == -1 ? -1 : 0;
}

/* The signature, and one bucket row per band and program. */
static int
ledger_insert_sig(struct mg_ledger *l, sqlite3_int64 id,
    const struct mg_sent *s, char *err, size_t errlen)
{
	sqlite3_stmt	*st = l->st[ST_INS_SIG];
	const char	*what = "recording a letter's signature";
	unsigned char	 blob[MG_TEXTSIM_SIGBYTES];
	int64_t		 bucket[MG_TEXTSIM_BANDS];
	int		 r;

	mg_textsim_pack(s->sig, blob);
	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
	    sqlite3_bind_int(st, 2, MG_TEXTSIM_SCHEME) != SQLITE_OK ||
	    sqlite3_bind_blob(st, 3, blob, (int)sizeof(blob),
	    SQLITE_STATIC) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	r = ledger_step(l, st, what, err, errlen);
	ledger_done(st);
	if (r == -1)
		return -1;
	mg_textsim_bands(s->sig, bucket);
	for (size_t i = 0; i < s->n_programs; i++)
		for (size_t b = 0; b < MG_TEXTSIM_BANDS; b++)
			if (ledger_insert_band(l, id, b, bucket[b], s,
			    s->programs[i], err, errlen) == -1)
				return -1;
	return 0;
}

static int
ledger_insert_sent(struct mg_ledger *l, const struct mg_sent *s,
    char *err, size_t errlen)
{
	sqlite3_stmt	*st = l->st[ST_INS_SENT];
	const char	*what = "recording a sent message";
	sqlite3_int64	 id;
	int		 r;

	if (bind_text(st, 1, s->message_id) != SQLITE_OK ||
	    bind_text(st, 2, s->content_hash) != SQLITE_OK ||
	    bind_time(st, 3, s->date) != SQLITE_OK ||
	    bind_text(st, 4, s->subject) != SQLITE_OK ||
	    bind_text(st, 5, s->msg_class) != SQLITE_OK ||
	    bind_text(st, 6, s->verdict) != SQLITE_OK ||
	    bind_text(st, 7, s->findings_json) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	r = ledger_step(l, st, what, err, errlen);
	id = sqlite3_last_insert_rowid(l->db);
	ledger_done(st);
	if (r == -1)
		return -1;
	for (size_t i = 0; i < s->n_programs; i++)
		if (ledger_insert_program(l, id, s, s->programs[i], err,
		    errlen) == -1)
			return -1;
	if (s->sig != NULL && s->sig->words > 0)
		return ledger_insert_sig(l, id, s, err, errlen);
	return 0;
}

int
mg_ledger_record_sent(struct mg_ledger *l, const struct mg_sent *s,
    int *inserted, char *err, size_t errlen)
{
	int	known, rc;

	*inserted = 0;
	if (ledger_check_sent(l, s, err, errlen) == -1)
		return -1;
	/* IMMEDIATE: the duplicate check and the insert are one step. */
	if (ledger_exec(l, "BEGIN IMMEDIATE", "starting a transaction",
	    err, errlen) == -1)
		return -1;
	rc = ledger_sent_known(l, s, &known, err, errlen);
	if (rc == 0 && !known)
		rc = ledger_insert_sent(l, s, err, errlen);
	if (rc == 0)
		rc = ledger_exec(l, "COMMIT", "committing a sent message",
		    err, errlen);
	if (rc == -1) {
		ledger_rollback(l);
		return -1;
	}
	*inserted = !known;
	return 0;
}

int
mg_ledger_add_reply(struct mg_ledger *l, const struct mg_reply *rp,
    int *inserted, char *err, size_t errlen)
{
	sqlite3_stmt	*st = l->st[ST_INS_REPLY];
	const char	*what = "recording a reply";
	int		 r;

	*inserted = 0;
	/* The Message-ID is what keeps a re-polled reply from counting
	 * twice, so a reply without one cannot be recorded. */
	if (rp->message_id == NULL || rp->program == NULL) {
		mg_seterr(err, errlen, "%s: %s: no %s", l->path, what,
		    rp->message_id == NULL ? "Message-ID" : "program");
		return -1;
	}
	if (bind_text(st, 1, rp->message_id) != SQLITE_OK ||
	    bind_text(st, 2, rp->program) != SQLITE_OK ||
	    bind_time(st, 3, rp->date) != SQLITE_OK ||
	    bind_text(st, 4, rp->in_reply_to) != SQLITE_OK ||
	    bind_text(st, 5, rp->sender) != SQLITE_OK ||
	    bind_text(st, 6, rp->subject) != SQLITE_OK ||
	    bind_text(st, 7, rp->matched) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	r = ledger_step(l, st, what, err, errlen);
	if (r == 0)
		*inserted = sqlite3_changes(l->db) > 0;
	ledger_done(st);
	return r == -1 ? -1 : 0;
}

int
mg_ledger_record_reply(struct mg_ledger *l, const char *message_id,
    const char *program, time_t date, const char *in_reply_to,
    int *inserted, char *err, size_t errlen)
{
	struct mg_reply	rp = { .message_id = message_id, .program = program,
	    .date = date, .in_reply_to = in_reply_to };

	return mg_ledger_add_reply(l, &rp, inserted, err, errlen);
}

/*
 * Rule lookups.
 */

int
mg_ledger_read_begin(struct mg_ledger *l, int *began, char *err,
    size_t errlen)
{
	*began = 0;
	if (!sqlite3_get_autocommit(l->db))
		return 0;
	/* DEFERRED: the read lock is taken by the first query. */
	if (ledger_exec(l, "BEGIN", "starting a read transaction", err,
	    errlen) == -1)
		return -1;
	*began = 1;
	return 0;
}

void
mg_ledger_read_end(struct mg_ledger *l, int began)
{
	/* Nothing was written, so there is nothing to lose: a failed
	 * COMMIT only needs the lock released. */
	if (began && sqlite3_exec(l->db, "COMMIT", NULL, NULL, NULL) !=
	    SQLITE_OK)
		ledger_rollback(l);
}

int
mg_ledger_is_sent_id(struct mg_ledger *l, const char *message_id, int *yes,
    char *err, size_t errlen)
{
	*yes = 0;
	if (message_id == NULL)
		return 0;
	track(l, "i:", message_id);
	return ledger_exists(l, ST_SENT_BY_ID, message_id, yes,
	    "looking up a Message-ID", err, errlen);
}

int
mg_ledger_is_sent(struct mg_ledger *l, const char *message_id,
    const char *content_hash, int *yes, char *err, size_t errlen)
{
	const struct mg_sent	s = { .message_id = message_id,
	    .content_hash = content_hash };

	*yes = 0;
	if (content_hash == NULL)
		return mg_ledger_is_sent_id(l, message_id, yes, err, errlen);
	track(l, "i:", message_id);
	track(l, "i:", content_hash);
	return ledger_sent_known(l, &s, yes, err, errlen);
}

int
mg_ledger_last_sent(struct mg_ledger *l, const char *program, time_t before,
    struct mg_last_sent *out, char *err, size_t errlen)
{
	sqlite3_stmt	*st = l->st[ST_LAST_SENT];
	const char	*what = "looking up the last message to a program";
	int		 r;

	memset(out, 0, sizeof(*out));
	track(l, "p:", program);
	if (bind_text(st, 1, program) != SQLITE_OK ||
	    bind_time(st, 2, before) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	r = ledger_step(l, st, what, err, errlen);
	if (r == 1) {
		out->found = 1;
		out->date = (time_t)sqlite3_column_int64(st, 0);
		r = ledger_column(l, st, 1, out->msg_class,
		    sizeof(out->msg_class), err, errlen);
	}
	ledger_done(st);
	return r == -1 ? -1 : 0;
}

int
mg_ledger_first_sent(struct mg_ledger *l, const char *program, time_t since,
    time_t before, int *found, time_t *when, char *err, size_t errlen)
{
	sqlite3_stmt	*st = l->st[ST_FIRST_SENT];
	const char	*what = "looking up the first message to a program";
	int		 r;

	*found = 0;
	track(l, "p:", program);
	if (bind_text(st, 1, program) != SQLITE_OK ||
	    bind_time(st, 2, since) != SQLITE_OK ||
	    bind_time(st, 3, before) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	r = ledger_step(l, st, what, err, errlen);
	if (r == 1) {
		*found = 1;
		if (when != NULL)
			*when = (time_t)sqlite3_column_int64(st, 0);
	}
	ledger_done(st);
	return r == -1 ? -1 : 0;
}

int
mg_ledger_reply_since(struct mg_ledger *l, const char *program, time_t since,
    time_t before, int *yes, char *err, size_t errlen)
{
	sqlite3_stmt	*st = l->st[ST_REPLY_SINCE];
	const char	*what = "looking up replies from a program";
	int		 r;

	*yes = 0;
	track(l, "p:", program);
	if (bind_text(st, 1, program) != SQLITE_OK ||
	    bind_time(st, 2, since) != SQLITE_OK ||
	    bind_time(st, 3, before) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	r = ledger_step(l, st, what, err, errlen);
	ledger_done(st);
	if (r == -1)
		return -1;
	*yes = r;
	return 0;
}

int
mg_ledger_class_to_other(struct mg_ledger *l, const char *msg_class,
    const char *program, time_t since, time_t before, int *found,
    char *other, size_t otherlen, time_t *when, char *err, size_t errlen)
{
	sqlite3_stmt	*st = l->st[ST_CLASS_TO_OTHER];
	const char	*what = "looking up messages to other programs";
	int		 r;

	*found = 0;
	track(l, "c:", msg_class);
	if (bind_text(st, 1, msg_class) != SQLITE_OK ||
	    bind_time(st, 2, since) != SQLITE_OK ||
	    bind_time(st, 3, before) != SQLITE_OK ||
	    bind_text(st, 4, program) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	r = ledger_step(l, st, what, err, errlen);
	if (r == 1) {
		*found = 1;
		if (when != NULL)
			*when = (time_t)sqlite3_column_int64(st, 1);
		r = ledger_column(l, st, 0, other, otherlen, err, errlen);
	}
	ledger_done(st);
	return r == -1 ? -1 : 0;
}

/*
 * Template lookup: the letters in the same LSH bucket as a signature in
 * any band.  Only bucket rows are read, at most MG_LEDGER_MAX_BUCKET_ROWS
 * a band, newest first, and one signature per distinct letter; the
 * counts go to l->stats so that a test can see the work is bounded.
 */

static int
ledger_read_sig(struct mg_ledger *l, sqlite3_int64 id, struct mg_textsig *sig,
    int *found, char *err, size_t errlen)
{
	sqlite3_stmt	*st = l->st[ST_SIG_BY_ID];
	const char	*what = "reading a letter's signature";
	int		 r;

	*found = 0;
	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	r = ledger_step(l, st, what, err, errlen);
	if (r == 1) {
		const void	*blob = sqlite3_column_blob(st, 1);

		l->stats.signatures++;
		if (sqlite3_column_int(st, 0) == MG_TEXTSIM_SCHEME &&
		    blob != NULL &&
		    sqlite3_column_bytes(st, 1) == MG_TEXTSIM_SIGBYTES) {
			mg_textsim_unpack(blob, sig);
			*found = 1;
		}
	}
	ledger_done(st);
	return r == -1 ? -1 : 0;
}

static int
ledger_add_similar(struct mg_similar **v, size_t *n, size_t *cap,
    sqlite3_int64 id, const char *program, time_t date)
{
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].sent_id == id &&
		    strcmp((*v)[i].program, program) == 0)
			return 0;
	if (*n == *cap) {
		size_t			 ncap = *cap ? *cap * 2 : 16;
		struct mg_similar	*nv = realloc(*v, ncap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		*v = nv;
		*cap = ncap;
	}
	memset(&(*v)[*n], 0, sizeof(**v));
	(*v)[*n].sent_id = id;
	(*v)[*n].date = date;
	snprintf((*v)[*n].program, sizeof((*v)[*n].program), "%s", program);
	(*n)++;
	return 0;
}

static int
ledger_band_rows(struct mg_ledger *l, size_t band, int64_t bucket,
    time_t since, time_t before, struct mg_similar **v, size_t *n,
    size_t *cap, char *err, size_t errlen)
{
	sqlite3_stmt	*st = l->st[ST_BAND_ROWS];
	const char	*what = "looking up similar letters";
	int		 r;

	if (sqlite3_bind_int(st, 1, (int)band) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, (sqlite3_int64)bucket) != SQLITE_OK ||
	    bind_time(st, 3, since) != SQLITE_OK ||
	    bind_time(st, 4, before) != SQLITE_OK ||
	    sqlite3_bind_int(st, 5, MG_LEDGER_MAX_BUCKET_ROWS) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	while ((r = ledger_step(l, st, what, err, errlen)) == 1) {
		const unsigned char	*prog = sqlite3_column_text(st, 1);

		l->stats.bucket_rows++;
		if (prog == NULL) {
			r = ledger_dberr(l, what, err, errlen);
			break;
		}
		if (ledger_add_similar(v, n, cap, sqlite3_column_int64(st, 0),
		    (const char *)prog, (time_t)sqlite3_column_int64(st,
		    2)) == -1) {
			mg_seterr(err, errlen, "%s: %s: out of memory",
			    l->path, what);
			r = -1;
			break;
		}
	}
	ledger_done(st);
	return r == -1 ? -1 : 0;
}

/* Fills in the similarity of every candidate, reading each letter's
 * signature once, and keeps those at or above min. */
static int
ledger_rate_similar(struct mg_ledger *l, const struct mg_textsig *sig,
    double min, struct mg_similar *v, size_t *n, char *err, size_t errlen)
{
	size_t	kept = 0;

	for (size_t i = 0; i < *n; i++) {
		struct mg_textsig	other;
		int			found;
		size_t			j;

		for (j = 0; j < i; j++)
			if (v[j].sent_id == v[i].sent_id)
				break;
		if (j < i)
			v[i].similarity = v[j].similarity;
		else {
			if (ledger_read_sig(l, v[i].sent_id, &other, &found,
			    err, errlen) == -1)
				return -1;
			v[i].similarity = found ?
			    mg_textsim_similarity(sig, &other) : 0.0;
		}
	}
	for (size_t i = 0; i < *n; i++)
		if (v[i].similarity >= min)
			v[kept++] = v[i];
	*n = kept;
	return 0;
}

int
mg_ledger_similar_sent(struct mg_ledger *l, const struct mg_textsig *sig,
    time_t since, time_t before, double min_similarity,
    struct mg_similar **out, size_t *n_out, char *err, size_t errlen)
{
	int64_t			 bucket[MG_TEXTSIM_BANDS];
	struct mg_similar	*v = NULL;
	size_t			 n = 0, cap = 0;

	*out = NULL;
	*n_out = 0;
	if (sig->words == 0)
		return 0;
	if (l->track != NULL && !l->track->all) {
		if (l->track->has_sig)
			l->track->all = 1;	/* one lookup kept */
		l->track->sig = *sig;
		l->track->has_sig = 1;
	}
	mg_textsim_bands(sig, bucket);
	for (size_t b = 0; b < MG_TEXTSIM_BANDS; b++)
		if (ledger_band_rows(l, b, bucket[b], since, before, &v, &n,
		    &cap, err, errlen) == -1) {
			free(v);
			return -1;
		}
	if (ledger_rate_similar(l, sig, min_similarity, v, &n, err,
	    errlen) == -1) {
		free(v);
		return -1;
	}
	if (n == 0) {
		free(v);
		v = NULL;
	}
	*out = v;
	*n_out = n;
	return 0;
}

void
mg_ledger_stats(const struct mg_ledger *l, struct mg_ledger_stats *out)
{
	*out = l->stats;
}

/*
 * Held messages (serve).
 */

int
mg_ledger_record_held(struct mg_ledger *l, const struct mg_held *h,
    char *err, size_t errlen)
{
	sqlite3_stmt	*st = l->st[ST_INS_HELD];
	const char	*what = "recording a held message";
	int		 r;

	if (bind_text(st, 1, h->spool_id) != SQLITE_OK ||
	    bind_text(st, 2, h->message_id) != SQLITE_OK ||
	    bind_time(st, 3, h->date) != SQLITE_OK ||
	    bind_text(st, 4, h->subject) != SQLITE_OK ||
	    bind_text(st, 5, h->programs) != SQLITE_OK ||
	    bind_text(st, 6, h->findings_json) != SQLITE_OK ||
	    bind_text(st, 7, h->content_hash) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	r = ledger_step(l, st, what, err, errlen);
	ledger_done(st);
	return r == -1 ? -1 : 0;
}

/* The newest held row of one key (ST_HELD_BY_ID or ST_HELD_BY_HASH). */
static int
ledger_held_by(struct mg_ledger *l, enum ledger_st id, const char *key,
    struct mg_held_row *out, char *err, size_t errlen)
{
	sqlite3_stmt	*st = l->st[id];
	const char	*what = "looking up a held message";
	int		 r;

	if (bind_text(st, 1, key) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	r = ledger_step(l, st, what, err, errlen);
	if (r == 1) {
		out->found = 1;
		if (ledger_column(l, st, 0, out->spool_id,
		    sizeof(out->spool_id), err, errlen) == -1 ||
		    ledger_column(l, st, 1, out->state, sizeof(out->state),
		    err, errlen) == -1)
			r = -1;
	}
	ledger_done(st);
	return r == -1 ? -1 : 0;
}

int
mg_ledger_find_held(struct mg_ledger *l, const char *message_id,
    const char *content_hash, struct mg_held_row *out, char *err,
    size_t errlen)
{
	track(l, NULL, NULL);	/* not by a key guard.c compares */
	memset(out, 0, sizeof(*out));
	if (message_id != NULL && ledger_held_by(l, ST_HELD_BY_ID,
	    message_id, out, err, errlen) == -1)
		return -1;
	if (out->found || content_hash == NULL)
		return 0;
	return ledger_held_by(l, ST_HELD_BY_HASH, content_hash, out, err,
	    errlen);
}

int
mg_ledger_set_held_state(struct mg_ledger *l, const char *spool_id,
    const char *state, time_t when, char *err, size_t errlen)
{
	sqlite3_stmt	*st = l->st[ST_SET_HELD];
	const char	*what = "updating a held message";
	int		 r;

	if (bind_text(st, 1, spool_id) != SQLITE_OK ||
	    bind_text(st, 2, state) != SQLITE_OK ||
	    bind_time(st, 3, when) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	r = ledger_step(l, st, what, err, errlen);
	ledger_done(st);
	return r == -1 ? -1 : 0;
}

/*
 * The IMAP poller and its commands (replies, timeline).
 */

int
mg_ledger_sent_programs(struct mg_ledger *l, const char *message_id,
    struct mg_strlist *out, char *err, size_t errlen)
{
	sqlite3_stmt	*st = l->st[ST_SENT_ROWID];
	const char	*what = "looking up the programs of a sent message";
	sqlite3_int64	 id = 0;
	int		 r;

	track(l, NULL, NULL);	/* not by a key guard.c compares */
	if (message_id == NULL)
		return 0;
	if (bind_text(st, 1, message_id) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	r = ledger_step(l, st, what, err, errlen);
	if (r == 1)
		id = sqlite3_column_int64(st, 0);
	ledger_done(st);
	if (r != 1)
		return r;
	st = l->st[ST_SENT_PROGRAMS];
	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	while ((r = ledger_step(l, st, what, err, errlen)) == 1) {
		const unsigned char	*p = sqlite3_column_text(st, 0);

		if (p == NULL || mg_strlist_add(out, (const char *)p) == -1) {
			mg_seterr(err, errlen, "%s: %s: out of memory",
			    l->path, what);
			r = -1;
			break;
		}
	}
	ledger_done(st);
	return r == -1 ? -1 : 0;
}

/* The findings and the programs of the row at st (ST_NOTED) into r. */
static int
noted_details(struct mg_ledger *l, sqlite3_stmt *row, struct mg_noted_row *r,
    char *err, size_t errlen)
{
	const char	*what = "reading the findings of a sent letter";
	sqlite3_stmt	*st = l->st[ST_NOTED_FINDINGS];
	size_t		 used = 0;
	int		 rc;

	if (sqlite3_bind_value(st, 1, sqlite3_column_value(row, 3)) !=
	    SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	while ((rc = ledger_step(l, st, what, err, errlen)) == 1 &&
	    r->n < MG_LEDGER_NOTED_FINDINGS) {
		struct mg_noted_finding	*f = &r->f[r->n++];

		if (ledger_column(l, st, 0, f->rule, sizeof(f->rule), err,
		    errlen) == -1 || ledger_column(l, st, 1, f->severity,
		    sizeof(f->severity), err, errlen) == -1 ||
		    ledger_column(l, st, 2, f->message, sizeof(f->message), err,
		    errlen) == -1 || ledger_column(l, st, 3, f->evidence,
		    sizeof(f->evidence), err, errlen) == -1) {
			rc = -1;
			break;
		}
	}
	ledger_done(st);
	if (rc == -1)
		return -1;
	st = l->st[ST_SENT_PROGRAMS];
	if (sqlite3_bind_int64(st, 1, r->id) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	while ((rc = ledger_step(l, st, what, err, errlen)) == 1) {
		const unsigned char	*p = sqlite3_column_text(st, 0);
		int			 n;

		if (p == NULL)
			continue;
		n = snprintf(r->programs + used, sizeof(r->programs) - used,
		    "%s%s", used > 0 ? "," : "", (const char *)p);
		if (n < 0 || (size_t)n >= sizeof(r->programs) - used)
			break;
		used += (size_t)n;
	}
	ledger_done(st);
	return rc == -1 ? -1 : 0;
}

int
mg_ledger_noted(struct mg_ledger *l, time_t since, size_t max,
    mg_ledger_noted_cb cb, void *arg, char *err, size_t errlen)
{
	sqlite3_stmt		*st = l->st[ST_NOTED];
	const char		*what = "listing the letters sent with notes";
	struct mg_noted_row	*r;
	int			 rc;

	if ((r = malloc(sizeof(*r))) == NULL) {
		mg_seterr(err, errlen, "%s: %s: out of memory", l->path, what);
		return -1;
	}
	if (bind_time(st, 1, since) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, (sqlite3_int64)max) != SQLITE_OK) {
		free(r);
		return ledger_fail(l, st, what, err, errlen);
	}
	while ((rc = ledger_step(l, st, what, err, errlen)) == 1) {
		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, 0);
		r->date = (time_t)sqlite3_column_int64(st, 1);
		if (ledger_column(l, st, 2, r->subject, sizeof(r->subject), err,
		    errlen) == -1 || noted_details(l, st, r, err,
		    errlen) == -1) {
			rc = -1;
			break;
		}
		if (cb(r, arg) != 0)
			break;
	}
	ledger_done(st);
	free(r);
	return rc == -1 ? -1 : 0;
}

int
mg_ledger_imap_state(struct mg_ledger *l, const char *folder, int *found,
    uint32_t *uidvalidity, uint32_t *last_uid, char *err, size_t errlen)
{
	sqlite3_stmt	*st = l->st[ST_IMAP_STATE];
	const char	*what = "reading the IMAP state of a folder";
	int		 r;

	track(l, NULL, NULL);	/* not by a key guard.c compares */
	*found = 0;
	*uidvalidity = *last_uid = 0;
	if (bind_text(st, 1, folder) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	r = ledger_step(l, st, what, err, errlen);
	if (r == 1) {
		*found = 1;
		*uidvalidity = (uint32_t)sqlite3_column_int64(st, 0);
		*last_uid = (uint32_t)sqlite3_column_int64(st, 1);
	}
	ledger_done(st);
	return r == -1 ? -1 : 0;
}

int
mg_ledger_set_imap_state(struct mg_ledger *l, const char *folder,
    uint32_t uidvalidity, uint32_t last_uid, time_t when, char *err,
    size_t errlen)
{
	sqlite3_stmt	*st = l->st[ST_SET_IMAP];
	const char	*what = "recording the IMAP state of a folder";
	int		 r;

	if (bind_text(st, 1, folder) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, uidvalidity) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 3, last_uid) != SQLITE_OK ||
	    bind_time(st, 4, when) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	r = ledger_step(l, st, what, err, errlen);
	ledger_done(st);
	return r == -1 ? -1 : 0;
}

int
mg_ledger_replies(struct mg_ledger *l, const char *program, time_t since,
    mg_ledger_reply_cb cb, void *arg, char *err, size_t errlen)
{
	sqlite3_stmt		*st;
	const char		*what = "listing replies";
	struct mg_reply_row	 row;
	int			 r, b = 1;

	track(l, NULL, NULL);	/* not by a key guard.c compares */
	st = l->st[program != NULL ? ST_REPLIES_PROGRAM : ST_REPLIES_ALL];
	if ((program != NULL && bind_text(st, b++, program) != SQLITE_OK) ||
	    bind_time(st, b, since) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	while ((r = ledger_step(l, st, what, err, errlen)) == 1) {
		memset(&row, 0, sizeof(row));
		row.date = (time_t)sqlite3_column_int64(st, 0);
		if (ledger_column(l, st, 1, row.program, sizeof(row.program),
		    err, errlen) == -1 ||
		    ledger_column(l, st, 2, row.message_id,
		    sizeof(row.message_id), err, errlen) == -1 ||
		    ledger_column(l, st, 3, row.in_reply_to,
		    sizeof(row.in_reply_to), err, errlen) == -1 ||
		    ledger_column(l, st, 4, row.sender, sizeof(row.sender),
		    err, errlen) == -1 ||
		    ledger_column(l, st, 5, row.subject, sizeof(row.subject),
		    err, errlen) == -1 ||
		    ledger_column(l, st, 6, row.matched, sizeof(row.matched),
		    err, errlen) == -1) {
			r = -1;
			break;
		}
		if (cb(&row, arg) != 0)
			break;
	}
	ledger_done(st);
	return r == -1 ? -1 : 0;
}

static int
ledger_count(struct mg_ledger *l, enum ledger_st id, const char *program,
    time_t since, time_t before, const char *msg_class, long *n,
    char *err, size_t errlen)
{
	sqlite3_stmt	*st = l->st[id];
	const char	*what = "counting messages to a program";
	int		 r;

	*n = 0;
	if (bind_text(st, 1, program) != SQLITE_OK ||
	    bind_time(st, 2, since) != SQLITE_OK ||
	    bind_time(st, 3, before) != SQLITE_OK ||
	    (msg_class != NULL && bind_text(st, 4, msg_class) != SQLITE_OK))
		return ledger_fail(l, st, what, err, errlen);
	r = ledger_step(l, st, what, err, errlen);
	if (r == 1)
		*n = (long)sqlite3_column_int64(st, 0);
	ledger_done(st);
	return r == -1 ? -1 : 0;
}

int
mg_ledger_program_totals(struct mg_ledger *l, const char *program,
    time_t since, time_t before, struct mg_program_totals *out, char *err,
    size_t errlen)
{
	struct mg_last_sent	 last;
	sqlite3_stmt		*st = l->st[ST_LAST_REPLY];
	int			 r;

	track(l, NULL, NULL);	/* not by a key guard.c compares */
	memset(out, 0, sizeof(*out));
	if (ledger_count(l, ST_COUNT_SENT, program, since, before, NULL,
	    &out->sent, err, errlen) == -1 ||
	    ledger_count(l, ST_COUNT_CLASS, program, since, before, "interest",
	    &out->interest, err, errlen) == -1 ||
	    ledger_count(l, ST_COUNT_CLASS, program, since, before, "intent",
	    &out->intent, err, errlen) == -1 ||
	    mg_ledger_last_sent(l, program, before, &last, err, errlen) == -1)
		return -1;
	if (last.found && last.date >= since) {
		out->has_last_sent = 1;
		out->last_sent = last.date;
		snprintf(out->last_class, sizeof(out->last_class), "%s",
		    last.msg_class);
	}
	if (bind_text(st, 1, program) != SQLITE_OK ||
	    bind_time(st, 2, before) != SQLITE_OK)
		return ledger_fail(l, st, "looking up the last reply", err,
		    errlen);
	r = ledger_step(l, st, "looking up the last reply", err, errlen);
	if (r == 1 && (time_t)sqlite3_column_int64(st, 0) >= since) {
		out->has_last_reply = 1;
		out->last_reply = (time_t)sqlite3_column_int64(st, 0);
	}
	ledger_done(st);
	return r == -1 ? -1 : 0;
}

int
mg_ledger_forget_sent(struct mg_ledger *l, const char *content_hash,
    char *err, size_t errlen)
{
	sqlite3_stmt	*st = l->st[ST_DEL_SENT];
	const char	*what = "forgetting a message that was not sent";
	int		 r;

	if (bind_text(st, 1, content_hash) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	r = ledger_step(l, st, what, err, errlen);
	ledger_done(st);
	return r == -1 ? -1 : 0;
}

/*
 * Resends (guard.c).
 */

int
mg_ledger_resend_note(struct mg_ledger *l, const char *key, time_t date,
    const char *spool_id, time_t forget_before, char *err, size_t errlen)
{
	sqlite3_stmt	*st = l->st[ST_INS_RESEND];
	const char	*what = "noting a letter answered";
	int		 r;

	if (bind_text(st, 1, key) != SQLITE_OK ||
	    bind_time(st, 2, date) != SQLITE_OK ||
	    bind_text(st, 3, spool_id) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	r = ledger_step(l, st, what, err, errlen);
	ledger_done(st);
	if (r == -1)
		return -1;
	/* The index on date makes this a seek when nothing is old. */
	st = l->st[ST_DEL_RESEND];
	what = "forgetting letters answered long ago";
	if (bind_time(st, 1, forget_before) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	r = ledger_step(l, st, what, err, errlen);
	ledger_done(st);
	return r == -1 ? -1 : 0;
}

int
mg_ledger_resend_find(struct mg_ledger *l, const char *key, time_t since,
    struct mg_resend *out, char *err, size_t errlen)
{
	sqlite3_stmt	*st = l->st[ST_RESEND_FIND];
	const char	*what = "looking for a letter answered before";
	int		 r;

	track(l, NULL, NULL);	/* not by a key guard.c compares */
	memset(out, 0, sizeof(*out));
	if (bind_text(st, 1, key) != SQLITE_OK ||
	    bind_time(st, 2, since) != SQLITE_OK)
		return ledger_fail(l, st, what, err, errlen);
	r = ledger_step(l, st, what, err, errlen);
	if (r == 1) {
		out->found = 1;
		out->date = (time_t)sqlite3_column_int64(st, 0);
		r = ledger_column(l, st, 1, out->spool_id,
		    sizeof(out->spool_id), err, errlen);
	}
	ledger_done(st);
	return r == -1 ? -1 : 0;
}

void
mg_ledger_track(struct mg_ledger *l, struct mg_ledger_reads *r)
{
	if (r != NULL)
		mg_ledger_reads_clear(r);
	l->track = r;
}

void
mg_ledger_reads_clear(struct mg_ledger_reads *r)
{
	mg_strlist_clear(&r->keys);
	memset(r, 0, sizeof(*r));
}

static int
read_key(const struct mg_ledger_reads *r, const char *kind, const char *key,
    size_t len)
{
	size_t	kl = strlen(kind);

	for (size_t i = 0; i < r->keys.n; i++) {
		const char	*k = r->keys.v[i];

		if (strncmp(k, kind, kl) == 0 && strlen(k + kl) == len &&
		    memcmp(k + kl, key, len) == 0)
			return 1;
	}
	return 0;
}

/* Do two signatures share a band (a bucket of the template lookup)? */
static int
share_band(const struct mg_textsig *a, const struct mg_textsig *b)
{
	int64_t	ba[MG_TEXTSIM_BANDS], bb[MG_TEXTSIM_BANDS];

	mg_textsim_bands(a, ba);
	mg_textsim_bands(b, bb);
	for (size_t i = 0; i < MG_TEXTSIM_BANDS; i++)
		if (ba[i] == bb[i])
			return 1;
	return 0;
}

int
mg_ledger_reads_conflict(const struct mg_ledger_reads *r,
    const struct mg_ledger_write *w)
{
	const char	*p = w->programs != NULL ? w->programs : "";

	if (r->all)
		return 1;
	while (*p != '\0') {
		size_t	len = strcspn(p, ",");

		if (read_key(r, "p:", p, len))
			return 1;
		p += len;
		p += *p == ',';
	}
	if ((w->msg_class != NULL && read_key(r, "c:", w->msg_class,
	    strlen(w->msg_class))) || (w->message_id != NULL &&
	    read_key(r, "i:", w->message_id, strlen(w->message_id))) ||
	    (w->content_hash != NULL && read_key(r, "i:", w->content_hash,
	    strlen(w->content_hash))))
		return 1;
	/* A letter in a shared bucket may be found, or push an older one
	 * out of the newest MG_LEDGER_MAX_BUCKET_ROWS. */
	return r->has_sig && w->sig != NULL && w->sig->words > 0 &&
	    share_band(&r->sig, w->sig);
}

static int
wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
	struct mg_ledger	*l = arg;

	(void)db;
	(void)name;
	atomic_store(&l->wal_pages, pages);
	return SQLITE_OK;
}

void
mg_ledger_cache_kb(struct mg_ledger *l, int kb)
{
	char	sql[64];

	snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%d", kb > 0 ? kb : 1);
	(void)sqlite3_exec(l->db, sql, NULL, NULL, NULL);	/* a hint */
}

void
mg_ledger_defer_checkpoints(struct mg_ledger *l)
{
	(void)sqlite3_wal_hook(l->db, wal_hook, l);	/* replaces the
							 * automatic one */
}

int
mg_ledger_wal_pages(const struct mg_ledger *l)
{
	return atomic_load(&((struct mg_ledger *)l)->wal_pages);
}

void
mg_ledger_reset_wal_pages(struct mg_ledger *l)
{
	atomic_store(&l->wal_pages, 0);
}

int
mg_ledger_checkpoint(struct mg_ledger *l, char *err, size_t errlen)
{
	int	log, done;

	if (sqlite3_wal_checkpoint_v2(l->db, NULL, SQLITE_CHECKPOINT_PASSIVE,
	    &log, &done) != SQLITE_OK)
		return ledger_dberr(l, "checkpointing the write-ahead log", err,
		    errlen);
	return 0;
}
