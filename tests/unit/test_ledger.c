/*
 * test_ledger.c - the ledger: permissions, duplicates, the rule lookups and
 * their boundaries, read-only opens, schema migrations and query plans.
 */
#include "config_auto.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "matchguard/ledger.h"
#include "matchguard/util.h"

/*
 * Schema version 1 exactly as released, frozen here on purpose: a ledger
 * written then must still open after ledger.c changes.
 */
static const char v1_schema[] =
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
	"CREATE INDEX reply_by_program ON reply (program, date);"
	"PRAGMA user_version = 1;";

struct fixture {
	char	dir[1024];		/* mkdtemp, removed afterwards */
	char	state[2048];		/* dir/state/private, not created */
	char	path[PATH_MAX];		/* state/ledger.sqlite */
};

static int
rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	const char	*tmp = getenv("TMPDIR");

	if (f == NULL)
		return -1;
	if ((size_t)snprintf(f->dir, sizeof(f->dir), "%s/mgledger.XXXXXX",
	    tmp != NULL && *tmp != '\0' ? tmp : "/tmp") >= sizeof(f->dir) ||
	    mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	snprintf(f->state, sizeof(f->state), "%s/state/private", f->dir);
	snprintf(f->path, sizeof(f->path), "%s/ledger.sqlite", f->state);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	int		 rc = nftw(f->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);

	free(f);
	return rc;
}

static unsigned
mode_of(const char *path)
{
	struct stat	sb;

	assert_int_equal(stat(path, &sb), 0);
	return sb.st_mode & 07777;
}

static sqlite3 *
raw_open(const char *path)
{
	sqlite3	*db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	return db;
}

static void
raw_exec(sqlite3 *db, const char *sql)
{
	char	*msg = NULL;
	int	 rc = sqlite3_exec(db, sql, NULL, NULL, &msg);

	if (rc != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
}

static long long
raw_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*st;
	long long	 v;

	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int64(st, 0);
	assert_int_equal(sqlite3_finalize(st), SQLITE_OK);
	return v;
}

static struct mg_ledger *
open_ok(const char *path, int mode)
{
	struct mg_ledger	*l = NULL;
	char			 err[MG_ERRLEN] = "";

	if (mg_ledger_open(path, mode, &l, err, sizeof(err)) == -1)
		fail_msg("open %s: %s", path, err);
	assert_non_null(l);
	return l;
}

static int
sent(struct mg_ledger *l, const char *mid, const char *hash, time_t date,
    const char *cls, const char *p1, const char *p2, const char *p3)
{
	const char	*progs[3] = { p1, p2, p3 };
	struct mg_sent	 s = {
		.message_id = mid, .content_hash = hash, .date = date,
		.subject = "Thank you", .msg_class = cls, .verdict = "pass",
		.findings_json = "[]", .programs = progs,
		.n_programs = p3 != NULL ? 3 : p2 != NULL ? 2 : p1 != NULL,
	};
	char		 err[MG_ERRLEN] = "";
	int		 inserted = -1;

	if (mg_ledger_record_sent(l, &s, &inserted, err, sizeof(err)) == -1)
		fail_msg("record_sent: %s", err);
	return inserted;
}

static int
reply(struct mg_ledger *l, const char *mid, const char *program, time_t date)
{
	char	err[MG_ERRLEN] = "";
	int	inserted = -1;

	if (mg_ledger_record_reply(l, mid, program, date, "x@applicant",
	    &inserted, err, sizeof(err)) == -1)
		fail_msg("record_reply: %s", err);
	return inserted;
}

static struct mg_last_sent
last(struct mg_ledger *l, const char *program, time_t before)
{
	struct mg_last_sent	out;
	char			err[MG_ERRLEN] = "";

	memset(&out, 0x55, sizeof(out));
	if (mg_ledger_last_sent(l, program, before, &out, err,
	    sizeof(err)) == -1)
		fail_msg("last_sent: %s", err);
	return out;
}

/* The date of the first message, or -1 when there is none. */
static time_t
first(struct mg_ledger *l, const char *program, time_t since, time_t before)
{
	char	err[MG_ERRLEN] = "";
	int	found = -1;
	time_t	when = -2;

	if (mg_ledger_first_sent(l, program, since, before, &found, &when,
	    err, sizeof(err)) == -1)
		fail_msg("first_sent: %s", err);
	return found ? when : -1;
}

static int
replied(struct mg_ledger *l, const char *program, time_t since, time_t before)
{
	char	err[MG_ERRLEN] = "";
	int	yes = -1;

	if (mg_ledger_reply_since(l, program, since, before, &yes, err,
	    sizeof(err)) == -1)
		fail_msg("reply_since: %s", err);
	return yes;
}

/* "PROGRAM@DATE" of the message found, or "" when none. */
static const char *
other(struct mg_ledger *l, const char *cls, const char *program,
    time_t since, time_t before)
{
	static char	 out[128];
	char		 prog[64] = "unset", err[MG_ERRLEN] = "";
	int		 found = -1;
	time_t		 when = -2;

	if (mg_ledger_class_to_other(l, cls, program, since, before, &found,
	    prog, sizeof(prog), &when, err, sizeof(err)) == -1)
		fail_msg("class_to_other: %s", err);
	if (!found)
		return "";
	snprintf(out, sizeof(out), "%s@%lld", prog, (long long)when);
	return out;
}

static int
is_sent(struct mg_ledger *l, const char *mid)
{
	char	err[MG_ERRLEN] = "";
	int	yes = -1;

	if (mg_ledger_is_sent_id(l, mid, &yes, err, sizeof(err)) == -1)
		fail_msg("is_sent_id: %s", err);
	return yes;
}

static void
test_create_private(void **state)
{
	struct fixture		*f = *state;
	struct mg_ledger	*l;
	char			 wal[PATH_MAX + 8], shm[PATH_MAX + 8];
	char			 dir[1100], path[1200];
	mode_t			 old = umask(0);	/* worst case */
	sqlite3			*db;

	l = open_ok(f->path, MG_LEDGER_RW);
	umask(old);
	assert_int_equal(mode_of(f->state), 0700);
	assert_int_equal(mode_of(f->path), 0600);
	assert_int_equal(sent(l, "a@x", "h1", 100, "intent", "P1", NULL,
	    NULL), 1);
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	snprintf(shm, sizeof(shm), "%s-shm", f->path);
	assert_int_equal(mode_of(wal), 0600);
	assert_int_equal(mode_of(shm), 0600);

	db = raw_open(f->path);
	assert_int_equal(raw_int(db, "PRAGMA user_version"),
	    mg_ledger_schema_version());
	assert_int_equal(raw_int(db,
	    "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'"),
	    1);
	sqlite3_close(db);
	mg_ledger_close(&l);
	assert_null(l);
	mg_ledger_close(&l);
	mg_ledger_close(NULL);

	/* An existing file made readable by others is made private again. */
	assert_int_equal(chmod(f->path, 0644), 0);
	l = open_ok(f->path, MG_LEDGER_RW);
	assert_int_equal(mode_of(f->path), 0600);
	assert_int_equal(is_sent(l, "a@x"), 1);
	mg_ledger_close(&l);

	/* A umask that strips owner bits does not shape our directory. */
	snprintf(dir, sizeof(dir), "%s/odd", f->dir);
	snprintf(path, sizeof(path), "%s/ledger.sqlite", dir);
	old = umask(0277);
	l = open_ok(path, MG_LEDGER_RW);
	umask(old);
	assert_int_equal(mode_of(dir), 0700);
	assert_int_equal(mode_of(path), 0600);
	mg_ledger_close(&l);
}

static void
test_open_errors(void **state)
{
	struct fixture		*f = *state;
	struct mg_ledger	*l = (struct mg_ledger *)f;
	char			 path[PATH_MAX + 32], err[MG_ERRLEN] = "";

	/* A parent that is a plain file. */
	snprintf(path, sizeof(path), "%s/file", f->dir);
	assert_int_equal(close(open(path, O_CREAT | O_WRONLY, 0600)), 0);
	snprintf(path, sizeof(path), "%s/file/ledger.sqlite", f->dir);
	assert_int_equal(mg_ledger_open(path, MG_LEDGER_RW, &l, err,
	    sizeof(err)), -1);
	assert_null(l);
	assert_non_null(strstr(err, "file/ledger.sqlite"));

	/* Not a database at all. */
	snprintf(path, sizeof(path), "%s/junk.sqlite", f->dir);
	{
		FILE	*fp = fopen(path, "w");

		assert_non_null(fp);
		fputs("this is not an SQLite database, not at all, no\n", fp);
		assert_int_equal(fclose(fp), 0);
	}
	err[0] = '\0';
	assert_int_equal(mg_ledger_open(path, MG_LEDGER_RO, &l, err,
	    sizeof(err)), -1);
	assert_null(l);
	assert_non_null(strstr(err, path));
	assert_null(strchr(err, '\n'));
	assert_int_equal(mg_ledger_open(path, MG_LEDGER_RW, &l, err,
	    sizeof(err)), -1);
	assert_null(l);
	assert_non_null(strstr(err, path));
}

static void
test_duplicates(void **state)
{
	struct fixture		*f = *state;
	struct mg_ledger	*l = open_ok(f->path, MG_LEDGER_RW);
	const char		*progs[1] = { NULL };
	struct mg_sent		 bad = { .message_id = "z@x", .date = 1 };
	char			 err[MG_ERRLEN] = "";
	int			 ins = -1;

	assert_int_equal(sent(l, "m1@x", "h1", 100, "intent", "A", NULL,
	    NULL), 1);
	/* Same Message-ID, even with other content: already there. */
	assert_int_equal(sent(l, "m1@x", "h1-edited", 200, "intent", "B",
	    NULL, NULL), 0);
	assert_int_equal(last(l, "B", 1000).found, 0);
	/* No Message-ID: the content hash decides. */
	assert_int_equal(sent(l, NULL, "h2", 300, "thank-you", "A", NULL,
	    NULL), 1);
	assert_int_equal(sent(l, NULL, "h2", 400, "thank-you", "A", NULL,
	    NULL), 0);
	/* A new Message-ID on known content is still the same message. */
	assert_int_equal(sent(l, "m3@x", "h2", 500, "thank-you", "A", NULL,
	    NULL), 0);
	assert_int_equal(is_sent(l, "m3@x"), 0);
	/* A program listed twice is one row. */
	assert_int_equal(sent(l, "m4@x", "h4", 600, "update", "C", "C", "D"),
	    1);
	assert_int_equal(last(l, "C", 1000).date, 600);
	assert_int_equal(last(l, "D", 1000).date, 600);

	assert_int_equal(is_sent(l, "m1@x"), 1);
	assert_int_equal(is_sent(l, "m4@x"), 1);
	assert_int_equal(is_sent(l, "nope@x"), 0);
	assert_int_equal(is_sent(l, NULL), 0);

	/* Refused inputs say why, in one line naming the ledger. */
	assert_int_equal(mg_ledger_record_sent(l, &bad, &ins, err,
	    sizeof(err)), -1);
	assert_int_equal(ins, 0);
	assert_non_null(strstr(err, f->path));
	assert_non_null(strstr(err, "content hash"));
	bad.content_hash = "hz";
	bad.programs = progs;
	bad.n_programs = 1;
	assert_int_equal(mg_ledger_record_sent(l, &bad, &ins, err,
	    sizeof(err)), -1);
	assert_int_equal(is_sent(l, "z@x"), 0);
	mg_ledger_close(&l);

	/* Read-only handles read but refuse to write. */
	l = open_ok(f->path, MG_LEDGER_RO);
	assert_int_equal(is_sent(l, "m4@x"), 1);
	bad.n_programs = 0;
	err[0] = '\0';
	assert_int_equal(mg_ledger_record_sent(l, &bad, &ins, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, f->path));
	mg_ledger_close(&l);
}

static void
test_last_first(void **state)
{
	struct fixture		*f = *state;
	struct mg_ledger	*l = open_ok(f->path, MG_LEDGER_RW);
	struct mg_last_sent	 ls;

	sent(l, "1@x", "h1", 100, "intent", "A", NULL, NULL);
	sent(l, "2@x", "h2", 200, "thank-you", "A", "B", NULL);
	sent(l, "3@x", "h3", 300, NULL, "A", NULL, NULL);
	/* Same second as 3@x, recorded later: it is the last one. */
	sent(l, "4@x", "h4", 300, "update", "A", NULL, NULL);

	/* last_sent is strictly before `before`. */
	ls = last(l, "A", 100);
	assert_int_equal(ls.found, 0);
	ls = last(l, "A", 101);
	assert_int_equal(ls.found, 1);
	assert_int_equal(ls.date, 100);
	assert_string_equal(ls.msg_class, "intent");
	ls = last(l, "A", 200);
	assert_int_equal(ls.date, 100);
	ls = last(l, "A", 201);
	assert_int_equal(ls.date, 200);
	assert_string_equal(ls.msg_class, "thank-you");
	ls = last(l, "A", 1000);
	assert_int_equal(ls.date, 300);
	assert_string_equal(ls.msg_class, "update");
	ls = last(l, "B", 1000);
	assert_int_equal(ls.date, 200);
	assert_int_equal(last(l, "C", 1000).found, 0);
	assert_int_equal(last(l, NULL, 1000).found, 0);

	/* first_sent is in [since, before). */
	assert_int_equal(first(l, "A", 100, 300), 100);
	assert_int_equal(first(l, "A", 101, 300), 200);
	assert_int_equal(first(l, "A", 201, 300), -1);
	assert_int_equal(first(l, "A", 300, 301), 300);
	assert_int_equal(first(l, "A", 0, 100), -1);
	assert_int_equal(first(l, "B", 0, 1000), 200);
	assert_int_equal(first(l, "C", 0, 1000), -1);
	mg_ledger_close(&l);
}

static void
test_reply_since(void **state)
{
	struct fixture		*f = *state;
	struct mg_ledger	*l = open_ok(f->path, MG_LEDGER_RW);
	char			 err[MG_ERRLEN] = "";
	int			 ins = -1;

	assert_int_equal(reply(l, "r1@prog", "A", 500), 1);
	assert_int_equal(reply(l, "r1@prog", "A", 500), 0);
	assert_int_equal(reply(l, "r2@prog", "B", 700), 1);

	assert_int_equal(replied(l, "A", 500, 501), 1);
	assert_int_equal(replied(l, "A", 0, 1000), 1);
	assert_int_equal(replied(l, "A", 501, 1000), 0);
	assert_int_equal(replied(l, "A", 0, 500), 0);
	assert_int_equal(replied(l, "B", 0, 700), 0);
	assert_int_equal(replied(l, "B", 700, 701), 1);
	assert_int_equal(replied(l, "C", 0, 1000), 0);

	assert_int_equal(mg_ledger_record_reply(l, NULL, "A", 1, NULL, &ins,
	    err, sizeof(err)), -1);
	assert_int_equal(ins, 0);
	assert_non_null(strstr(err, "Message-ID"));
	assert_int_equal(mg_ledger_record_reply(l, "r3@prog", NULL, 1, NULL,
	    &ins, err, sizeof(err)), -1);
	mg_ledger_close(&l);
}

/* Resends: a key is found within its window, with the held ID if any;
 * noting again moves it; old rows go when a new one is noted. */
static void
test_resend(void **state)
{
	struct fixture		*f = *state;
	struct mg_ledger	*l = open_ok(f->path, MG_LEDGER_RW);
	struct mg_resend	 r;
	char			 err[MG_ERRLEN] = "";

	assert_int_equal(mg_ledger_resend_note(l, "k1", 1000, NULL, 0, err,
	    sizeof(err)), 0);
	assert_int_equal(mg_ledger_resend_note(l, "k2", 1100, "20261120-x", 0,
	    err, sizeof(err)), 0);
	assert_int_equal(mg_ledger_resend_find(l, "k1", 900, &r, err,
	    sizeof(err)), 0);
	assert_int_equal(r.found, 1);
	assert_int_equal(r.date, 1000);
	assert_string_equal(r.spool_id, "");
	assert_int_equal(mg_ledger_resend_find(l, "k1", 1001, &r, err,
	    sizeof(err)), 0);
	assert_int_equal(r.found, 0);
	assert_int_equal(mg_ledger_resend_find(l, "k2", 0, &r, err,
	    sizeof(err)), 0);
	assert_string_equal(r.spool_id, "20261120-x");
	assert_int_equal(mg_ledger_resend_find(l, "k3", 0, &r, err,
	    sizeof(err)), 0);
	assert_int_equal(r.found, 0);
	/* k3 noted at 2000 with a window of 950: k1 (1000) goes. */
	assert_int_equal(mg_ledger_resend_note(l, "k3", 2000, NULL, 1050, err,
	    sizeof(err)), 0);
	assert_int_equal(mg_ledger_resend_find(l, "k1", 0, &r, err,
	    sizeof(err)), 0);
	assert_int_equal(r.found, 0);
	assert_int_equal(mg_ledger_resend_find(l, "k2", 0, &r, err,
	    sizeof(err)), 0);
	assert_int_equal(r.found, 1);
	assert_int_equal(mg_ledger_resend_note(l, "k2", 2100, NULL, 0, err,
	    sizeof(err)), 0);
	assert_int_equal(mg_ledger_resend_find(l, "k2", 2050, &r, err,
	    sizeof(err)), 0);
	assert_int_equal(r.found, 1);
	assert_string_equal(r.spool_id, "");
	mg_ledger_close(&l);
}

/* Held letters: found by Message-ID, else by content hash, the newest
 * first, with their state; a sent letter by either key. */
static void
test_held_lookup(void **state)
{
	struct fixture		*f = *state;
	struct mg_ledger	*l = open_ok(f->path, MG_LEDGER_RW);
	struct mg_held		 h = { .subject = "Update", .programs = "A" };
	struct mg_held_row	 r;
	char			 err[MG_ERRLEN] = "";
	int			 yes;

	h.spool_id = "s1";
	h.message_id = "m1@x";
	h.content_hash = "h1";
	h.date = 100;
	assert_int_equal(mg_ledger_record_held(l, &h, err, sizeof(err)), 0);
	h.spool_id = "s2";
	h.message_id = NULL;
	h.content_hash = "h2";
	h.date = 200;
	assert_int_equal(mg_ledger_record_held(l, &h, err, sizeof(err)), 0);
	/* The same Message-ID held again later, then dropped. */
	h.spool_id = "s3";
	h.message_id = "m1@x";
	h.content_hash = "h3";
	h.date = 300;
	assert_int_equal(mg_ledger_record_held(l, &h, err, sizeof(err)), 0);
	assert_int_equal(mg_ledger_set_held_state(l, "s3", "dropped", 301,
	    err, sizeof(err)), 0);

	assert_int_equal(mg_ledger_find_held(l, "m1@x", "nothing", &r, err,
	    sizeof(err)), 0);
	assert_int_equal(r.found, 1);
	assert_string_equal(r.spool_id, "s3");
	assert_string_equal(r.state, "dropped");
	assert_int_equal(mg_ledger_find_held(l, "other@x", "h2", &r, err,
	    sizeof(err)), 0);
	assert_int_equal(r.found, 1);
	assert_string_equal(r.spool_id, "s2");
	assert_string_equal(r.state, "held");
	assert_int_equal(mg_ledger_find_held(l, NULL, "h1", &r, err,
	    sizeof(err)), 0);
	assert_string_equal(r.spool_id, "s1");
	assert_int_equal(mg_ledger_find_held(l, "other@x", "h9", &r, err,
	    sizeof(err)), 0);
	assert_int_equal(r.found, 0);
	assert_int_equal(mg_ledger_find_held(l, NULL, NULL, &r, err,
	    sizeof(err)), 0);
	assert_int_equal(r.found, 0);

	assert_int_equal(sent(l, "m5@x", "h5", 500, "update", "A", NULL, NULL),
	    1);
	assert_int_equal(mg_ledger_is_sent(l, "m5@x", "other", &yes, err,
	    sizeof(err)), 0);
	assert_int_equal(yes, 1);
	assert_int_equal(mg_ledger_is_sent(l, "other@x", "h5", &yes, err,
	    sizeof(err)), 0);
	assert_int_equal(yes, 1);
	assert_int_equal(mg_ledger_is_sent(l, NULL, "h5", &yes, err,
	    sizeof(err)), 0);
	assert_int_equal(yes, 1);
	assert_int_equal(mg_ledger_is_sent(l, "other@x", NULL, &yes, err,
	    sizeof(err)), 0);
	assert_int_equal(yes, 0);
	mg_ledger_close(&l);
}

struct warned_seen {
	int	n;
	char	subjects[4][512];
	char	programs[4][512];
	int	has_finding[4];
};

static int
warned_cb(const struct mg_noted_row *row, void *arg)
{
	struct warned_seen	*w = arg;

	if (w->n < 4) {
		snprintf(w->subjects[w->n], sizeof(w->subjects[0]), "%s",
		    row->subject);
		snprintf(w->programs[w->n], sizeof(w->programs[0]), "%s",
		    row->programs);
		for (size_t i = 0; i < row->n; i++)
			if (strcmp(row->f[i].rule, "greeting-name") == 0)
				w->has_finding[w->n] = 1;
	}
	w->n++;
	return 0;
}

/* The letters relayed with warnings, newest first, with their programs
 * and findings; passed letters and old ones are not listed. */
static void
test_list_warned(void **state)
{
	struct fixture		*f = *state;
	struct mg_ledger	*l = open_ok(f->path, MG_LEDGER_RW);
	const char		*both[2] = { "A", "B" }, *one[1] = { "A" };
	struct mg_sent		 s = { .subject = "Hello", .msg_class = "update",
	    .verdict = "warn",
	    .findings_json = "[{\"rule\":\"greeting-name\","
	    "\"severity\":\"warn\",\"message\":\"m\",\"evidence\":\"e\"}]" };
	struct warned_seen	 w = { 0 };
	char			 err[MG_ERRLEN] = "";
	int			 ins;

	s.message_id = "w-old@x"; s.content_hash = "h-old"; s.date = 50;
	s.subject = "old";
	s.programs = one; s.n_programs = 1;
	assert_int_equal(mg_ledger_record_sent(l, &s, &ins, err,
	    sizeof(err)), 0);
	s.message_id = "w1@x"; s.content_hash = "h-w1"; s.date = 200;
	s.subject = "first";
	s.programs = both; s.n_programs = 2;
	assert_int_equal(mg_ledger_record_sent(l, &s, &ins, err,
	    sizeof(err)), 0);
	s.message_id = "w2@x"; s.content_hash = "h-w2"; s.date = 300;
	s.subject = "second";
	s.programs = one; s.n_programs = 1;
	assert_int_equal(mg_ledger_record_sent(l, &s, &ins, err,
	    sizeof(err)), 0);
	assert_int_equal(sent(l, "p1@x", "h-p1", 250, "update", "A", NULL,
	    NULL), 1);
	assert_int_equal(mg_ledger_noted(l, 100, 10, warned_cb, &w, err,
	    sizeof(err)), 0);
	assert_int_equal(w.n, 2);
	assert_string_equal(w.subjects[0], "second");
	assert_string_equal(w.subjects[1], "first");
	assert_string_equal(w.programs[1], "A,B");
	assert_true(w.has_finding[0] && w.has_finding[1]);
	memset(&w, 0, sizeof(w));
	assert_int_equal(mg_ledger_noted(l, 0, 1, warned_cb, &w, err,
	    sizeof(err)), 0);
	assert_int_equal(w.n, 1);
	mg_ledger_close(&l);
}

static void
test_class_to_other(void **state)
{
	struct fixture		*f = *state;
	struct mg_ledger	*l = open_ok(f->path, MG_LEDGER_RW);

	sent(l, "1@x", "h1", 100, "intent", "A", NULL, NULL);
	sent(l, "2@x", "h2", 200, "intent", "C", "B", NULL);
	sent(l, "3@x", "h3", 300, "intent", "D", NULL, NULL);
	sent(l, "4@x", "h4", 50, "thank-you", "E", NULL, NULL);

	assert_string_equal(other(l, "intent", "A", 0, 1000), "B@200");
	assert_string_equal(other(l, "intent", "B", 0, 1000), "A@100");
	assert_string_equal(other(l, "intent", "A", 200, 1000), "B@200");
	assert_string_equal(other(l, "intent", "A", 201, 1000), "D@300");
	assert_string_equal(other(l, "intent", "A", 0, 200), "");
	assert_string_equal(other(l, "intent", "A", 0, 201), "B@200");
	assert_string_equal(other(l, "intent", "D", 250, 1000), "");
	assert_string_equal(other(l, "thank-you", "A", 0, 1000), "E@50");
	assert_string_equal(other(l, "thank-you", "E", 0, 1000), "");
	assert_string_equal(other(l, "update", "A", 0, 1000), "");
	assert_string_equal(other(l, NULL, "A", 0, 1000), "");
	assert_string_equal(other(l, "intent", NULL, 0, 1000), "A@100");
	mg_ledger_close(&l);
}

static void
test_ro_missing(void **state)
{
	struct fixture		*f = *state;
	struct mg_ledger	*l = open_ok(f->path, MG_LEDGER_RO);
	struct stat		 sb;

	assert_int_equal(is_sent(l, "a@x"), 0);
	assert_int_equal(last(l, "A", 1000).found, 0);
	assert_int_equal(first(l, "A", 0, 1000), -1);
	assert_int_equal(replied(l, "A", 0, 1000), 0);
	assert_string_equal(other(l, "intent", "A", 0, 1000), "");
	mg_ledger_close(&l);
	assert_int_equal(stat(f->path, &sb), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(stat(f->state, &sb), -1);
}

/* Writes a ledger by hand at schema version 1 with a little history. */
static void
make_v1(const char *path)
{
	sqlite3	*db = raw_open(path);

	raw_exec(db, v1_schema);
	raw_exec(db,
	    "INSERT INTO sent (id, message_id, content_hash, date, class)"
	    " VALUES (7, 'old@x', 'hold', 100, 'intent');"
	    "INSERT INTO sent_program VALUES (7, 'A', 100, 'intent');"
	    "INSERT INTO reply (message_id, program, date, in_reply_to)"
	    " VALUES ('r@a', 'A', 150, 'old@x');");
	sqlite3_close(db);
}

static void
check_v1_data(struct mg_ledger *l)
{
	assert_int_equal(is_sent(l, "old@x"), 1);
	assert_int_equal(last(l, "A", 1000).date, 100);
	assert_int_equal(replied(l, "A", 150, 151), 1);
	assert_string_equal(other(l, "intent", "B", 0, 1000), "A@100");
}

static void
check_version(const char *path)
{
	sqlite3	*db = raw_open(path);

	assert_int_equal(raw_int(db, "PRAGMA user_version"),
	    mg_ledger_schema_version());
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master"
	    " WHERE name = 'reply_by_in_reply_to'"), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master"
	    " WHERE name = 'held'"), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master"
	    " WHERE name IN ('sent_sig', 'sent_band', 'sent_band_by_sent')"),
	    3);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master"
	    " WHERE name IN ('imap_state', 'reply_by_date')"), 2);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sqlite_master"
	    " WHERE name IN ('held_by_message_id', 'held_by_hash')"), 2);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM pragma_table_info"
	    "('held') WHERE name = 'content_hash'"), 1);
	sqlite3_close(db);
}

/* What a check read, and which letters recorded meanwhile it may have
 * missed (serve's parallel checks). */
static void
test_reads(void **state)
{
	struct fixture		*f = *state;
	struct mg_ledger	*l = open_ok(f->path, MG_LEDGER_RW);
	struct mg_ledger_reads	 r = { 0 };
	struct mg_textsig	 a, b;
	struct mg_similar	*v = NULL;
	struct mg_strlist	 progs = { 0 };
	struct mg_ledger_write	 w = { 0 };
	char			 err[MG_ERRLEN];
	size_t			 n;
	int			 yes;

	assert_int_equal(mg_textsim_sign("i am writing to share my strong "
	    "interest in _ and its clinic for adults", &a), 0);
	assert_int_equal(mg_textsim_sign("a completely different letter "
	    "about something else entirely", &b), 0);
	mg_ledger_track(l, &r);
	(void)last(l, "A", 1000);
	(void)other(l, "intent", "A", 0, 1000);
	assert_int_equal(mg_ledger_is_sent(l, "m@x", "h1", &yes, err,
	    sizeof(err)), 0);
	assert_int_equal(mg_ledger_similar_sent(l, &a, 0, 1000, 0.8, &v, &n,
	    err, sizeof(err)), 0);
	mg_ledger_track(l, NULL);
	assert_false(r.all);

	w.programs = "B,C";
	w.msg_class = "update";
	w.content_hash = "h2";
	assert_false(mg_ledger_reads_conflict(&r, &w));
	w.sig = &b;
	assert_false(mg_ledger_reads_conflict(&r, &w));
	w.programs = "B,A";			/* a program it read */
	assert_true(mg_ledger_reads_conflict(&r, &w));
	w.programs = "AB";			/* not "A" */
	assert_false(mg_ledger_reads_conflict(&r, &w));
	w.msg_class = "intent";			/* a class it looked for */
	assert_true(mg_ledger_reads_conflict(&r, &w));
	w.msg_class = "update";
	w.message_id = "m@x";			/* a letter it looked up */
	assert_true(mg_ledger_reads_conflict(&r, &w));
	w.message_id = NULL;
	w.sig = &a;				/* in its buckets */
	assert_true(mg_ledger_reads_conflict(&r, &w));

	/* A lookup by no key the guard compares: every write counts. */
	mg_ledger_track(l, &r);
	assert_int_equal(mg_ledger_sent_programs(l, "m@x", &progs, err,
	    sizeof(err)), 0);
	mg_ledger_track(l, NULL);
	assert_true(r.all);
	w.sig = NULL;
	assert_true(mg_ledger_reads_conflict(&r, &w));
	mg_ledger_reads_clear(&r);
	mg_strlist_clear(&progs);
	free(v);
	mg_ledger_close(&l);
}

/* Deferred checkpoints: commits count the WAL's pages, a checkpoint on
 * another connection copies them. */
static void
test_checkpoint(void **state)
{
	struct fixture		*f = *state;
	struct mg_ledger	*l = open_ok(f->path, MG_LEDGER_RW);
	struct mg_ledger	*c = open_ok(f->path, MG_LEDGER_RW);
	char			 err[MG_ERRLEN];
	int			 inserted;
	const char		*progs[1] = { "A" };
	struct mg_sent		 s = { .content_hash = "hc", .date = 5,
	    .programs = progs, .n_programs = 1 };

	mg_ledger_defer_checkpoints(l);
	assert_int_equal(mg_ledger_wal_pages(l), 0);
	assert_int_equal(mg_ledger_record_sent(l, &s, &inserted, err,
	    sizeof(err)), 0);
	assert_true(mg_ledger_wal_pages(l) > 0);
	assert_int_equal(mg_ledger_checkpoint(c, err, sizeof(err)), 0);
	mg_ledger_reset_wal_pages(l);
	assert_int_equal(mg_ledger_wal_pages(l), 0);
	mg_ledger_close(&c);
	mg_ledger_close(&l);
}

/* 7 -> 8: a ledger written with 32 bands keeps its first 16 rows of
 * each letter, as they are. */
static void
test_migrate_bands(void **state)
{
	struct fixture		*f = *state;
	struct mg_ledger	*l = open_ok(f->path, MG_LEDGER_RW);
	sqlite3			*db;

	mg_ledger_close(&l);
	db = raw_open(f->path);
	raw_exec(db,
	    "INSERT INTO sent (id, message_id, content_hash, date)"
	    " VALUES (1, 'b@x', 'hb', 100);"
	    "WITH RECURSIVE n(b) AS (SELECT 0 UNION ALL SELECT b + 1 FROM n"
	    " WHERE b < 31) INSERT INTO sent_band"
	    " SELECT b, 1000 + b, 100, 1, 'A' FROM n;"
	    "PRAGMA user_version = 7;");
	sqlite3_close(db);
	l = open_ok(f->path, MG_LEDGER_RW);
	mg_ledger_close(&l);
	db = raw_open(f->path);
	assert_int_equal(raw_int(db, "PRAGMA user_version"),
	    mg_ledger_schema_version());
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sent_band"), 16);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sent_band"
	    " WHERE bucket = 1000 + band AND band < 16"), 16);
	sqlite3_close(db);
}

static void
test_migrate(void **state)
{
	struct fixture		*f = *state;
	struct mg_ledger	*l;
	char			 p0[PATH_MAX + 8], p1[PATH_MAX + 8];
	sqlite3			*db;

	assert_int_equal(mg_ledger_schema_version(), 9);

	/* Version 0: an SQLite file with nothing in it. */
	snprintf(p0, sizeof(p0), "%s/v0.sqlite", f->dir);
	db = raw_open(p0);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), 0);
	sqlite3_close(db);
	l = open_ok(p0, MG_LEDGER_RW);
	assert_int_equal(sent(l, "n@x", "hn", 1, "intent", "A", NULL, NULL),
	    1);
	mg_ledger_close(&l);
	check_version(p0);

	/* Version 1 with history, read-write. */
	snprintf(p1, sizeof(p1), "%s/v1.sqlite", f->dir);
	make_v1(p1);
	l = open_ok(p1, MG_LEDGER_RW);
	check_v1_data(l);
	assert_int_equal(sent(l, "old@x", "hnew", 1, "intent", "A", NULL,
	    NULL), 0);
	mg_ledger_close(&l);
	check_version(p1);
	l = open_ok(p1, MG_LEDGER_RW);		/* already current */
	check_v1_data(l);
	mg_ledger_close(&l);

	/* Version 1, read-only: upgraded in place, then read. */
	assert_int_equal(remove(p1), 0);
	make_v1(p1);
	l = open_ok(p1, MG_LEDGER_RO);
	check_v1_data(l);
	mg_ledger_close(&l);
	check_version(p1);
}

/* Signatures and buckets: stored with the letter, found again by any
 * shared band, limited to the date range, deleted with the letter. */
static void
test_signatures(void **state)
{
	struct fixture		*f = *state;
	struct mg_ledger	*l = open_ok(f->path, MG_LEDGER_RW);
	struct mg_ledger_stats	 st0, st1;
	struct mg_textsig	 a, b, c;
	struct mg_similar	*v = NULL;
	const char		*progs[2] = { "A", "B" };
	struct mg_sent		 s = {
		.message_id = "sig1@x", .content_hash = "hs1", .date = 1000,
		.subject = "Interest", .msg_class = "update", .verdict = "pass",
		.programs = progs, .n_programs = 2, .sig = &a,
	};
	char			 err[MG_ERRLEN] = "";
	size_t			 n = 99;
	int			 inserted;
	sqlite3			*db;

	assert_int_equal(mg_textsim_sign("i am writing to share my strong "
	    "interest in _ and its clinic for adults", &a), 0);
	b = a;
	b.mh[0] ^= 1;		/* one value of 128 differs */
	assert_int_equal(mg_textsim_sign("a completely different letter "
	    "about something else entirely", &c), 0);
	assert_int_equal(mg_ledger_record_sent(l, &s, &inserted, err,
	    sizeof(err)), 0);
	assert_true(inserted);
	/* Without a signature: nothing stored for it. */
	s.message_id = "sig2@x";
	s.content_hash = "hs2";
	s.sig = NULL;
	assert_int_equal(mg_ledger_record_sent(l, &s, &inserted, err,
	    sizeof(err)), 0);

	db = raw_open(f->path);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sent_sig"), 1);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sent_band"),
	    2 * MG_TEXTSIM_BANDS);

	mg_ledger_stats(l, &st0);
	assert_int_equal(mg_ledger_similar_sent(l, &b, 0, 2000, 0.8, &v, &n,
	    err, sizeof(err)), 0);
	mg_ledger_stats(l, &st1);
	assert_int_equal(n, 2);			/* programs A and B */
	assert_true(v[0].similarity > 0.99 && v[0].similarity < 1.0);
	assert_int_equal(v[0].date, 1000);
	assert_true(strcmp(v[0].program, "A") == 0 ||
	    strcmp(v[1].program, "A") == 0);
	/* Every band but the first matches, 2 rows each; one signature
	 * read. */
	assert_int_equal(st1.bucket_rows - st0.bucket_rows,
	    2 * (MG_TEXTSIM_BANDS - 1));
	assert_int_equal(st1.signatures - st0.signatures, 1);
	free(v);

	/* Outside the dates, or not alike: nothing. */
	assert_int_equal(mg_ledger_similar_sent(l, &a, 1001, 2000, 0.8, &v,
	    &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0);
	assert_null(v);
	assert_int_equal(mg_ledger_similar_sent(l, &c, 0, 2000, 0.1, &v, &n,
	    err, sizeof(err)), 0);
	assert_int_equal(n, 0);
	assert_int_equal(mg_ledger_similar_sent(l, &a, 0, 1000, 0.8, &v, &n,
	    err, sizeof(err)), 0);
	assert_int_equal(n, 0);

	/* Deleting the letter deletes its signature and buckets. */
	raw_exec(db, "PRAGMA foreign_keys = ON;"
	    " DELETE FROM sent WHERE message_id = 'sig1@x'");
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sent_sig"), 0);
	assert_int_equal(raw_int(db, "SELECT count(*) FROM sent_band"), 0);
	sqlite3_close(db);
	mg_ledger_close(&l);
}

static void
test_newer(void **state)
{
	struct fixture		*f = *state;
	struct mg_ledger	*l = NULL;
	char			 path[PATH_MAX + 16], err[MG_ERRLEN] = "";
	sqlite3			*db;

	snprintf(path, sizeof(path), "%s/future.sqlite", f->dir);
	db = raw_open(path);
	raw_exec(db, "CREATE TABLE t (x); PRAGMA user_version = 99;");
	sqlite3_close(db);

	for (int mode = MG_LEDGER_RW; mode <= MG_LEDGER_RO; mode++) {
		err[0] = '\0';
		assert_int_equal(mg_ledger_open(path, mode, &l, err,
		    sizeof(err)), -1);
		assert_null(l);
		assert_non_null(strstr(err, path));
		assert_non_null(strstr(err, "version 99 is newer"));
		assert_non_null(strstr(err, "upgrade matchguard"));
	}
	db = raw_open(path);
	assert_int_equal(raw_int(db, "PRAGMA user_version"), 99);
	sqlite3_close(db);
}

#define PLAN_ROWS	20000

/* A season and more of history: 200 programs, five classes, replies. */
static void
fill(sqlite3 *db)
{
	static const char *const classes[] = { "intent", "thank-you",
	    "update", "question", "other" };
	sqlite3_stmt	*s, *p, *r;
	char		 mid[32], hash[32], prog[16];

	raw_exec(db, "BEGIN");
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO sent (message_id,"
	    " content_hash, date, class) VALUES (?1, ?2, ?3, ?4)", -1, &s,
	    NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO sent_program"
	    " VALUES (last_insert_rowid(), ?1, ?2, ?3)", -1, &p, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO reply (message_id,"
	    " program, date) VALUES (?1, ?2, ?3)", -1, &r, NULL), SQLITE_OK);
	for (int i = 0; i < PLAN_ROWS; i++) {
		const char	*cls = classes[i % 5];

		snprintf(mid, sizeof(mid), "m%d@x", i);
		snprintf(hash, sizeof(hash), "h%d", i);
		snprintf(prog, sizeof(prog), "P%03d", i % 200);
		sqlite3_bind_text(s, 1, mid, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 2, hash, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, 1700000000 + i * 60);
		sqlite3_bind_text(s, 4, cls, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(s), SQLITE_DONE);
		assert_int_equal(sqlite3_reset(s), SQLITE_OK);
		sqlite3_bind_text(p, 1, prog, -1, SQLITE_STATIC);
		sqlite3_bind_int64(p, 2, 1700000000 + i * 60);
		sqlite3_bind_text(p, 3, cls, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(p), SQLITE_DONE);
		assert_int_equal(sqlite3_reset(p), SQLITE_OK);
		snprintf(mid, sizeof(mid), "r%d@p", i);
		sqlite3_bind_text(r, 1, mid, -1, SQLITE_STATIC);
		sqlite3_bind_text(r, 2, prog, -1, SQLITE_STATIC);
		sqlite3_bind_int64(r, 3, 1700000000 + i * 60);
		assert_int_equal(sqlite3_step(r), SQLITE_DONE);
		assert_int_equal(sqlite3_reset(r), SQLITE_OK);
	}
	sqlite3_finalize(s);
	sqlite3_finalize(p);
	sqlite3_finalize(r);
	raw_exec(db, "COMMIT");
}

/* Fails when the plan of sql reads a whole table or sorts. */
static void
check_plan(sqlite3 *db, const char *sql)
{
	char		 q[1024];
	sqlite3_stmt	*st;
	int		 searches = 0, bad = 0, rc;

	snprintf(q, sizeof(q), "EXPLAIN QUERY PLAN %s", sql);
	assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char	*d = (const char *)sqlite3_column_text(st, 3);

		assert_non_null(d);
		/* A rowid or a WITHOUT ROWID key is an index too. */
		if (strncmp(d, "SEARCH ", 7) == 0 &&
		    (strstr(d, " USING INDEX ") != NULL ||
		    strstr(d, " USING COVERING INDEX ") != NULL ||
		    strstr(d, " USING PRIMARY KEY ") != NULL ||
		    strstr(d, " USING INTEGER PRIMARY KEY ") != NULL))
			searches++;
		/* "SCAN t" and "SCAN t USING INDEX" both read it all. */
		if (strncmp(d, "SCAN ", 5) == 0 || strstr(d, "TEMP B-TREE"))
			bad++;
		if (bad)
			fprintf(stderr, "plan of %s:\n  %s\n", sql, d);
	}
	assert_int_equal(rc, SQLITE_DONE);
	sqlite3_finalize(st);
	assert_int_equal(bad, 0);
	assert_int_equal(searches, 1);
}

static void
test_query_plans(void **state)
{
	struct fixture		*f = *state;
	struct mg_ledger	*l = open_ok(f->path, MG_LEDGER_RW);
	sqlite3			*db = raw_open(f->path);
	size_t			 n;

	fill(db);
	for (int pass = 0; pass < 2; pass++) {
		for (n = 0; mg_ledger_query_sql(n) != NULL; n++)
			check_plan(db, mg_ledger_query_sql(n));
		/* The same with the statistics a user's ANALYZE leaves. */
		raw_exec(db, "ANALYZE");
	}
	assert_true(n >= 8);
	sqlite3_close(db);

	/* The ledger's own statements see the rows as well. */
	assert_int_equal(is_sent(l, "m19999@x"), 1);
	assert_int_equal(last(l, "P007", 1700000000 + 207 * 60).date,
	    1700000000 + 7 * 60);
	assert_string_equal(other(l, "thank-you", "P001", 0, 1800000000),
	    "P006@1700000360");
	mg_ledger_close(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_private, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_duplicates, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_last_first, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reply_since, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_resend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_lookup, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_list_warned, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_class_to_other, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ro_missing, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_reads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_checkpoint, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migrate_bands, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migrate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_newer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_signatures, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_query_plans, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
