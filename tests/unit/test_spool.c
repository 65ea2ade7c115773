/*
 * test_spool.c - the held queue on disk: an entry round-trips, is private,
 * is listed oldest first, can be updated and removed; IDs that could name
 * another file are refused; a leftover temporary file is never listed.
 * Notices: the entry says whether one is wanted; one sender at a time
 * may claim it; once done it is never claimed again; an entry from
 * before notices were recorded wants none.
 */
#include "config_auto.h"

#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "matchguard/spool.h"
#include "mg_test.h"

static const char msg[] = "From: a@b.example\r\nTo: c@d.example\r\n"
    "Subject: x\r\n\r\nbody\r\n";

static void
fill(struct mg_spool_entry *e, struct mg_spool_finding *f, time_t when)
{
	memset(e, 0, sizeof(*e));
	e->from = "priya.raman@example.com";
	mg_strlist_add(&e->rcpts, "genetics-residency@harborview.edu");
	mg_strlist_add(&e->rcpts, "dana@harborview.edu");
	e->held_at = when;
	e->subject = "Interest in\r\n[Program Name]";	/* a line break */
	e->message_id = "m1@example.com";
	e->programs = "harborview";
	f->rule = "placeholder";
	f->severity = "hold";
	f->message = "The subject still has the template slot.";
	f->evidence = "Interest in\t[Program Name]";
	e->findings = f;
	e->n_findings = 1;
}

static void
round_trip(void **state)
{
	char			*dir = mg_test_tmpdir(), *sdir, *data, *path;
	struct mg_spool_entry	 e, got;
	struct mg_spool_finding	 f;
	char			 id[MG_SPOOL_IDLEN], err[MG_ERRLEN];
	struct stat		 st;
	size_t			 len;

	(void)state;
	sdir = mg_test_path(dir, "held");
	fill(&e, &f, 1000);
	assert_int_equal(mg_spool_hold(sdir, &e, msg, sizeof(msg) - 1, id, err,
	    sizeof(err)), 0);
	assert_int_equal(stat(sdir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	path = mg_test_path(sdir, id);
	path = realloc(path, strlen(path) + 5);
	strcat(path, ".eml");
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(path);

	assert_int_equal(mg_spool_load(sdir, id, &got, &data, &len, err,
	    sizeof(err)), 0);
	assert_int_equal(len, sizeof(msg) - 1);
	assert_memory_equal(data, msg, len);
	assert_string_equal(got.from, "priya.raman@example.com");
	assert_int_equal(got.rcpts.n, 2);
	assert_string_equal(got.rcpts.v[1], "dana@harborview.edu");
	assert_int_equal(got.held_at, 1000);
	assert_string_equal(got.subject, "Interest in  [Program Name]");
	assert_string_equal(got.message_id, "m1@example.com");
	assert_int_equal(got.n_findings, 1);
	assert_string_equal(got.findings[0].rule, "placeholder");
	assert_string_equal(got.findings[0].evidence, "Interest in [Program Name]");
	free(data);

	/* Update: the new message replaces the old. */
	assert_int_equal(mg_spool_update(sdir, &got, "new", 3, err,
	    sizeof(err)), 0);
	mg_spool_entry_clear(&got);
	assert_int_equal(mg_spool_load(sdir, id, &got, &data, &len, err,
	    sizeof(err)), 0);
	assert_int_equal(len, 3);
	free(data);
	mg_spool_entry_clear(&got);

	assert_int_equal(mg_spool_remove(sdir, id, err, sizeof(err)), 0);
	assert_int_equal(mg_spool_load(sdir, id, &got, NULL, NULL, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "no held message"));
	mg_strlist_clear(&e.rcpts);
	mg_test_rmrf(dir);
	free(sdir);
	free(dir);
}

static void
listing(void **state)
{
	char			*dir = mg_test_tmpdir(), *sdir, *junk;
	struct mg_spool_entry	 e, *v;
	struct mg_spool_finding	 f;
	char			 a[MG_SPOOL_IDLEN], b[MG_SPOOL_IDLEN], err[MG_ERRLEN];
	size_t			 n;

	(void)state;
	sdir = mg_test_path(dir, "held");
	/* Nothing held yet, not even the directory: an empty list. */
	assert_int_equal(mg_spool_list(sdir, &v, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0);
	fill(&e, &f, 2000);
	assert_int_equal(mg_spool_hold(sdir, &e, msg, sizeof(msg) - 1, a, err,
	    sizeof(err)), 0);
	e.held_at = 1000;
	assert_int_equal(mg_spool_hold(sdir, &e, msg, sizeof(msg) - 1, b, err,
	    sizeof(err)), 0);
	/* A crash between the two renames, or a temporary file. */
	junk = mg_test_write(sdir, ".x.eml.tmp", "half");
	free(junk);
	junk = mg_test_write(sdir, "20990101-000000-deadbeef.eml", "no env");
	free(junk);
	assert_int_equal(mg_spool_list(sdir, &v, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].id, b);	/* oldest first */
	assert_string_equal(v[1].id, a);
	mg_spool_free_list(v, n);
	mg_strlist_clear(&e.rcpts);
	mg_test_rmrf(dir);
	free(sdir);
	free(dir);
}

static void
sweep(void **state)
{
	char			*dir = mg_test_tmpdir(), *sdir, *f;
	struct mg_spool_entry	 e, *v;
	struct mg_spool_finding	 fi;
	char			 id[MG_SPOOL_IDLEN], err[MG_ERRLEN];
	size_t			 n;
	time_t			 now = time(NULL);

	(void)state;
	sdir = mg_test_path(dir, "held");
	fill(&e, &fi, 1000);
	assert_int_equal(mg_spool_hold(sdir, &e, msg, sizeof(msg) - 1, id, err,
	    sizeof(err)), 0);
	f = mg_test_write(sdir, ".20990101-000000-aa.eml.tmp", "half");
	free(f);
	f = mg_test_write(sdir, "20990101-000000-bb.eml", "no envelope");
	free(f);
	/* Young leftovers stay: someone may be writing them now. */
	assert_int_equal(mg_spool_sweep(sdir, now, 3600, err, sizeof(err)), 0);
	/* Old ones go; the complete entry stays. */
	assert_int_equal(mg_spool_sweep(sdir, now + 7200, 3600, err,
	    sizeof(err)), 2);
	assert_int_equal(mg_spool_list(sdir, &v, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, id);
	mg_spool_free_list(v, n);
	mg_strlist_clear(&e.rcpts);
	mg_test_rmrf(dir);
	free(sdir);
	free(dir);
}

static void
notices(void **state)
{
	char			*dir = mg_test_tmpdir(), *sdir, *f;
	struct mg_spool_entry	 e, got, *v;
	struct mg_spool_finding	 fi;
	char			 id[MG_SPOOL_IDLEN], old[MG_SPOOL_IDLEN];
	char			 err[MG_ERRLEN], *path, *data;
	size_t			 n, len;
	int			 fd, fd2;

	(void)state;
	sdir = mg_test_path(dir, "held");
	fill(&e, &fi, 1000);
	e.notice = 1;
	assert_int_equal(mg_spool_hold(sdir, &e, msg, sizeof(msg) - 1, id, err,
	    sizeof(err)), 0);
	assert_int_equal(mg_spool_load(sdir, id, &got, NULL, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(got.notice, 1);
	mg_spool_entry_clear(&got);
	assert_int_equal(mg_spool_notice_sent(sdir, id), 0);

	/* One sender at a time: a second claim while the first holds it
	 * finds nothing to do; a released claim can be taken again. */
	assert_int_equal(mg_spool_notice_claim(sdir, id, &fd, err,
	    sizeof(err)), 1);
	assert_int_equal(mg_spool_notice_claim(sdir, id, &fd2, err,
	    sizeof(err)), 0);
	mg_spool_notice_release(fd);
	assert_int_equal(mg_spool_notice_sent(sdir, id), 0);
	assert_int_equal(mg_spool_notice_claim(sdir, id, &fd, err,
	    sizeof(err)), 1);
	assert_int_equal(mg_spool_notice_done(sdir, id, fd, 2000, err,
	    sizeof(err)), 0);
	assert_int_equal(mg_spool_notice_sent(sdir, id), 1);
	assert_int_equal(mg_spool_notice_claim(sdir, id, &fd, err,
	    sizeof(err)), 0);
	path = mg_test_path(sdir, id);
	path = realloc(path, strlen(path) + 8);
	strcat(path, ".notice");
	assert_int_equal(mg_read_file(path, 100, &data, &len, err,
	    sizeof(err)), 0);
	assert_string_equal(data, "sent 2000\n");
	free(data);

	/* queue edit keeps the wish. */
	assert_int_equal(mg_spool_load(sdir, id, &got, NULL, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(mg_spool_update(sdir, &got, "new", 3, err,
	    sizeof(err)), 0);
	mg_spool_entry_clear(&got);
	assert_int_equal(mg_spool_load(sdir, id, &got, NULL, NULL, err,
	    sizeof(err)), 0);
	assert_int_equal(got.notice, 1);
	mg_spool_entry_clear(&got);

	/* Removed: the record goes too, and nothing can be claimed. */
	assert_int_equal(mg_spool_remove(sdir, id, err, sizeof(err)), 0);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(mg_spool_notice_claim(sdir, id, &fd, err,
	    sizeof(err)), 0);
	assert_int_equal(mg_spool_notice_claim(sdir, "../x", &fd, err,
	    sizeof(err)), -1);
	free(path);

	/* An entry written without the wish (before notices were
	 * recorded) wants none; a record without its entry is swept. */
	e.notice = 0;
	assert_int_equal(mg_spool_hold(sdir, &e, msg, sizeof(msg) - 1, old,
	    err, sizeof(err)), 0);
	assert_int_equal(mg_spool_list(sdir, &v, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].notice, 0);
	mg_spool_free_list(v, n);
	f = mg_test_write(sdir, "20990101-000000-cc.notice", "");
	free(f);
	assert_int_equal(mg_spool_sweep(sdir, time(NULL) + 7200, 3600, err,
	    sizeof(err)), 1);
	mg_strlist_clear(&e.rcpts);
	mg_test_rmrf(dir);
	free(sdir);
	free(dir);
}

static void
bad_ids(void **state)
{
	static const char *const ids[] = { "../etc/passwd", "", "a/b", "A..",
	    "x y", "0123456789012345678901234567890123456789" };
	struct mg_spool_entry	e;
	char			err[MG_ERRLEN];

	(void)state;
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		assert_int_equal(mg_spool_load("/tmp", ids[i], &e, NULL, NULL,
		    err, sizeof(err)), -1);
		assert_int_equal(mg_spool_remove("/tmp", ids[i], err,
		    sizeof(err)), -1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(listing),
		cmocka_unit_test(sweep),
		cmocka_unit_test(notices),
		cmocka_unit_test(bad_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
