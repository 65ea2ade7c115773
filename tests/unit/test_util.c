/*
 * test_util.c - dates and times, paths, string lists, files, directories
 * and hashes (src/util.c).
 */
#include "config_auto.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "matchguard/util.h"
#include "mg_test.h"

/* Sets an environment variable for the time of one test. */
static char *saved_home;

static int
save_home(void **state)
{
	const char	*h = getenv("HOME");

	(void)state;
	saved_home = h != NULL ? strdup(h) : NULL;
	return 0;
}

static int
restore_home(void **state)
{
	(void)state;
	if (saved_home != NULL)
		setenv("HOME", saved_home, 1);
	else
		unsetenv("HOME");
	free(saved_home);
	saved_home = NULL;
	return 0;
}

/*
 * mg_parse_date
 */

static void
test_parse_date_valid(void **state)
{
	long	day = -1;

	(void)state;
	assert_int_equal(mg_parse_date("1970-01-01", &day), 0);
	assert_int_equal(day, 0);
	assert_int_equal(mg_parse_date("1970-01-02", &day), 0);
	assert_int_equal(day, 1);
	assert_int_equal(mg_parse_date("2000-03-01", &day), 0);
	assert_int_equal(day, 11017);
	assert_int_equal(mg_parse_date("2026-09-24", &day), 0);
	assert_int_equal(day, 20720);
	/* 2028 is a leap year, 2000 too (divisible by 400). */
	assert_int_equal(mg_parse_date("2028-02-29", &day), 0);
	assert_int_equal(day, 21243);
	assert_int_equal(mg_parse_date("2000-02-29", &day), 0);
	assert_int_equal(day, 11016);
	assert_int_equal(mg_parse_date("2026-12-31", &day), 0);
	assert_int_equal(day, 20818);
}

static void
test_parse_date_invalid(void **state)
{
	static const char *const bad[] = {
		"2026-02-29",		/* not a leap year */
		"2100-02-29",		/* divisible by 100, not by 400 */
		"2026-13-01", "2026-00-10", "2026-04-31", "2026-01-00",
		"2026-01-32", "2026-13-40",
		"", "garbage", "2026", "2026-1-05", "2026-01-5", "26-01-05",
		"2026/01/05", "2026-01-05x", "2026-01-05 ", " 2026-01-05",
		"2026-01-05T10:00", "1969-12-31", "abcd-ef-gh", "2026--1-05",
		"+026-01-05",
	};
	long	day;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		day = 4242;
		if (mg_parse_date(bad[i], &day) != -1)
			fail_msg("\"%s\" parsed as a date (day %ld)", bad[i],
			    day);
	}
}

/*
 * mg_parse_time
 */

static void
test_parse_time_zones(void **state)
{
	/* 2026-11-10 is day 20767, 1794268800 s. */
	static const struct {
		const char	*s;
		time_t		 t;
	} ok[] = {
		{ "2026-11-10", 1794268800 },
		{ "2026-11-10T00:00Z", 1794268800 },
		{ "2026-11-10T14:30:15Z", 1794268800 + 14 * 3600 + 30 * 60 + 15 },
		{ "2026-11-10t14:30:15z", 1794268800 + 14 * 3600 + 30 * 60 + 15 },
		{ "2026-11-10 14:30", 1794268800 + 14 * 3600 + 30 * 60 },
		/* No zone: UTC. */
		{ "2026-11-10T14:30:15", 1794268800 + 14 * 3600 + 30 * 60 + 15 },
		/* 14:30 at +02:00 is 12:30 UTC. */
		{ "2026-11-10T14:30+02:00", 1794268800 + 12 * 3600 + 30 * 60 },
		{ "2026-11-10T14:30+0200", 1794268800 + 12 * 3600 + 30 * 60 },
		{ "2026-11-10T14:30:00+05:30", 1794268800 + 9 * 3600 },
		/* 09:00 at -05:00 is 14:00 UTC. */
		{ "2026-11-10T09:00:00-05:00", 1794268800 + 14 * 3600 },
		/* Past midnight UTC: the next day. */
		{ "2026-11-10T22:00:00-05:00", 1794268800 + 27 * 3600 },
		/* Before midnight UTC: the previous day. */
		{ "2026-11-10T01:00:00+03:00", 1794268800 - 2 * 3600 },
	};
	time_t	t;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		t = 0;
		if (mg_parse_time(ok[i].s, &t) != 0)
			fail_msg("\"%s\" was refused", ok[i].s);
		if (t != ok[i].t)
			fail_msg("\"%s\": %lld, expected %lld", ok[i].s,
			    (long long)t, (long long)ok[i].t);
	}
}

static void
test_parse_time_invalid(void **state)
{
	static const char *const bad[] = {
		"", "now", "2026-11-10T", "2026-11-10T9:00", "2026-11-10T09",
		"2026-11-10T24:00", "2026-11-10T12:60", "2026-11-10T12:00:61",
		"2026-11-10T12:00+5", "2026-11-10T12:00+24:00",
		"2026-11-10T12:00+05:60", "2026-11-10T12:00Zjunk",
		"2026-11-10T12:00 ", "2026-11-10X12:00", "2026-02-30T12:00Z",
		"2026-11-10T12:00:5Z", "2026-11-10T12:00UTC",
	};
	time_t	t;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (mg_parse_time(bad[i], &t) != -1)
			fail_msg("\"%s\" parsed as a time", bad[i]);
}

/*
 * mg_format_day, mg_format_time, day <-> time
 */

static void
test_format_day_round_trip(void **state)
{
	static const char *const dates[] = {
		"1970-01-01", "1999-12-31", "2000-02-29", "2026-02-28",
		"2026-03-01", "2026-09-24", "2027-03-19", "2028-02-29",
		"2099-12-31", "2200-12-31",
	};
	char	buf[16];
	long	day, back;

	(void)state;
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		assert_int_equal(mg_parse_date(dates[i], &day), 0);
		mg_format_day(day, buf, sizeof(buf));
		assert_string_equal(buf, dates[i]);
	}
	/* Every day of four years, across a leap day, both ways. */
	assert_int_equal(mg_parse_date("2026-01-01", &day), 0);
	for (long d = day; d < day + 4 * 366; d++) {
		mg_format_day(d, buf, sizeof(buf));
		assert_int_equal(mg_parse_date(buf, &back), 0);
		assert_int_equal(back, d);
	}
	/* A short buffer is truncated, still terminated. */
	mg_format_day(day, buf, 5);
	assert_string_equal(buf, "2026");
}

static void
test_format_time(void **state)
{
	char	buf[32];
	time_t	t;

	(void)state;
	assert_int_equal(mg_parse_time("2026-11-10T09:05:07-05:00", &t), 0);
	mg_format_time(t, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-10T14:05:07Z");
	assert_int_equal(mg_time_to_day(t), 20767);
	assert_int_equal(mg_day_to_time(20767), 1794268800);
	assert_int_equal(mg_time_to_day(1794268800 - 1), 20766);
	/* Before the epoch, days round down. */
	assert_int_equal(mg_time_to_day(-1), -1);
	assert_int_equal(mg_time_to_day(-86400), -1);
	assert_int_equal(mg_time_to_day(-86401), -2);
}

/*
 * mg_expand_path
 */

static void
test_expand_path(void **state)
{
	char	*p;

	(void)state;
	assert_int_equal(setenv("HOME", "/home/priya", 1), 0);
	p = mg_expand_path("~/x", NULL);
	assert_string_equal(p, "/home/priya/x");
	free(p);
	/* The base directory does not apply to "~/". */
	p = mg_expand_path("~/.local/state/matchguard", "/etc/matchguard");
	assert_string_equal(p, "/home/priya/.local/state/matchguard");
	free(p);
	p = mg_expand_path("~", NULL);
	assert_string_equal(p, "/home/priya");
	free(p);
	/* "~user" is not expanded: it is a relative name. */
	p = mg_expand_path("~bob/x", "/base");
	assert_string_equal(p, "/base/~bob/x");
	free(p);
	/* Relative: taken relative to the base directory, when given. */
	p = mg_expand_path("filters", "/etc/matchguard");
	assert_string_equal(p, "/etc/matchguard/filters");
	free(p);
	p = mg_expand_path("a/b", ".");
	assert_string_equal(p, "./a/b");
	free(p);
	p = mg_expand_path("a/b", NULL);
	assert_string_equal(p, "a/b");
	free(p);
	p = mg_expand_path("a/b", "");
	assert_string_equal(p, "a/b");
	free(p);
	/* Absolute: unchanged. */
	p = mg_expand_path("/usr/share/matchguard/filters", "/etc/matchguard");
	assert_string_equal(p, "/usr/share/matchguard/filters");
	free(p);
	/* No HOME: the root directory stands in. */
	assert_int_equal(unsetenv("HOME"), 0);
	p = mg_expand_path("~/x", NULL);
	assert_string_equal(p, "//x");
	free(p);
}

/*
 * mg_strlist
 */

static void
test_strlist(void **state)
{
	struct mg_strlist	 l = { NULL, 0, 0 };
	char			 word[16];
	const char		*src = "Genetics-Residency@Harborview.EDU";

	(void)state;
	assert_int_equal(mg_strlist_has_ci(&l, "x"), 0);
	assert_int_equal(mg_strlist_add(&l, src), 0);
	assert_int_equal(l.n, 1);
	/* A copy, not the caller's pointer. */
	assert_ptr_not_equal(l.v[0], src);
	assert_string_equal(l.v[0], src);
	assert_int_equal(mg_strlist_addn(&l, "harborview.edu/extra", 14), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.v[1], "harborview.edu");

	assert_int_equal(mg_strlist_has_ci(&l,
	    "genetics-residency@harborview.edu"), 1);
	assert_int_equal(mg_strlist_has_ci(&l, "HARBORVIEW.EDU"), 1);
	assert_int_equal(mg_strlist_has_ci(&l, "harborview.ed"), 0);
	assert_int_equal(mg_strlist_has_ci(&l, "harborview.edu/extra"), 0);
	assert_int_equal(mg_strlist_has_ci(&l, ""), 0);

	/* Growth past the first allocation keeps every string. */
	for (int i = 0; i < 100; i++) {
		snprintf(word, sizeof(word), "w%d", i);
		assert_int_equal(mg_strlist_add(&l, word), 0);
	}
	assert_int_equal(l.n, 102);
	assert_true(l.cap >= l.n);
	assert_string_equal(l.v[2], "w0");
	assert_string_equal(l.v[101], "w99");
	assert_int_equal(mg_strlist_has_ci(&l, "W57"), 1);

	mg_strlist_clear(&l);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
	assert_int_equal(l.cap, 0);
	assert_int_equal(mg_strlist_has_ci(&l, "w57"), 0);
	/* Clearing twice is harmless; the list can be used again. */
	mg_strlist_clear(&l);
	assert_int_equal(mg_strlist_add(&l, "again"), 0);
	assert_int_equal(l.n, 1);
	mg_strlist_clear(&l);
}

/*
 * mg_seterr, mg_strndup
 */

static void
test_seterr_strndup(void **state)
{
	char	 err[8];
	char	*s;

	(void)state;
	mg_seterr(err, sizeof(err), "%s:%d", "file.conf", 12);
	assert_string_equal(err, "file.co");
	mg_seterr(NULL, 0, "%s", "ignored");
	memset(err, 'x', sizeof(err));
	mg_seterr(err, 0, "%s", "ignored");
	assert_int_equal(err[0], 'x');

	s = mg_strndup("abcdef", 3);
	assert_string_equal(s, "abc");
	free(s);
	s = mg_strndup("abc", 0);
	assert_string_equal(s, "");
	free(s);
}

/*
 * mg_read_file
 */

static void
test_read_file(void **state)
{
	char	*dir = mg_test_tmpdir();
	char	*path = mg_test_write(dir, "text.txt", "hello, world\n");
	char	*empty = mg_test_write(dir, "empty.txt", "");
	char	*big, *out = NULL, err[MG_ERRLEN];
	size_t	 len = 0;

	(void)state;
	assert_int_equal(mg_read_file(path, 1024, &out, &len, err,
	    sizeof(err)), 0);
	assert_int_equal(len, 13);
	assert_string_equal(out, "hello, world\n");
	free(out);

	/* Exactly maxlen bytes is allowed; outlen may be NULL. */
	out = NULL;
	assert_int_equal(mg_read_file(path, 13, &out, NULL, err,
	    sizeof(err)), 0);
	assert_string_equal(out, "hello, world\n");
	free(out);

	/* An empty file is an empty string. */
	out = NULL;
	len = 99;
	assert_int_equal(mg_read_file(empty, 1024, &out, &len, err,
	    sizeof(err)), 0);
	assert_int_equal(len, 0);
	assert_string_equal(out, "");
	free(out);

	/* A larger file than the buffer's first guess. */
	big = malloc(100001);
	assert_non_null(big);
	for (size_t i = 0; i < 100000; i++)
		big[i] = (char)('a' + i % 26);
	big[100000] = '\0';
	free(path);
	path = mg_test_write(dir, "big.txt", big);
	out = NULL;
	assert_int_equal(mg_read_file(path, 1 << 20, &out, &len, err,
	    sizeof(err)), 0);
	assert_int_equal(len, 100000);
	assert_memory_equal(out, big, 100001);
	free(out);

	/* Larger than maxlen: an error naming the file. */
	out = NULL;
	err[0] = '\0';
	assert_int_equal(mg_read_file(path, 1000, &out, &len, err,
	    sizeof(err)), -1);
	assert_null(out);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "larger than 1000 bytes"));
	free(big);

	/* Missing file: an error naming the file and the reason. */
	free(path);
	path = mg_test_path(dir, "missing.txt");
	err[0] = '\0';
	assert_int_equal(mg_read_file(path, 1000, &out, &len, err,
	    sizeof(err)), -1);
	assert_null(out);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, strerror(ENOENT)));

	/* A directory. */
	err[0] = '\0';
	assert_int_equal(mg_read_file(dir, 1000, &out, &len, err,
	    sizeof(err)), -1);
	assert_null(out);
	assert_non_null(strstr(err, dir));
	assert_non_null(strstr(err, "is a folder"));

	free(path);
	free(empty);
	mg_test_rmrf(dir);
	free(dir);
}

/*
 * mg_mkdir_p
 */

static void
test_mkdir_p(void **state)
{
	char		*dir = mg_test_tmpdir();
	char		*deep = mg_test_path(dir, "a/b/c");
	char		*file, *under, err[MG_ERRLEN];
	struct stat	 st;
	mode_t		 old = umask(022);

	(void)state;
	assert_int_equal(mg_mkdir_p(deep, 0700, err, sizeof(err)), 0);
	assert_int_equal(stat(deep, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);
	/* Parents are created too. */
	free(deep);
	deep = mg_test_path(dir, "a/b");
	assert_int_equal(stat(deep, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	/* Existing directories are fine. */
	assert_int_equal(mg_mkdir_p(deep, 0700, err, sizeof(err)), 0);
	free(deep);
	deep = mg_test_path(dir, "a/b/c");
	assert_int_equal(mg_mkdir_p(deep, 0700, err, sizeof(err)), 0);

	/* A trailing slash: the last directory still gets the mode asked
	 * for (it used to get 0755 from the loop that makes parents). */
	free(deep);
	deep = mg_test_path(dir, "t/u/");
	assert_int_equal(mg_mkdir_p(deep, 0700, err, sizeof(err)), 0);
	assert_int_equal(stat(deep, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0700);

	/* A file in the way: an error naming the path. */
	file = mg_test_write(dir, "plain", "x");
	under = mg_test_path(file, "sub");
	err[0] = '\0';
	assert_int_equal(mg_mkdir_p(under, 0700, err, sizeof(err)), -1);
	assert_non_null(strstr(err, file));
	/* Empty name. */
	err[0] = '\0';
	assert_int_equal(mg_mkdir_p("", 0700, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad directory name"));

	umask(old);
	free(under);
	free(file);
	free(deep);
	mg_test_rmrf(dir);
	free(dir);
}

/*
 * mg_sha256_hex
 */

static void
test_sha256(void **state)
{
	char	out[65];

	(void)state;
	mg_sha256_hex("abc", 3, out);
	assert_string_equal(out,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	mg_sha256_hex("", 0, out);
	assert_string_equal(out,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* Only len bytes count. */
	mg_sha256_hex("abcdef", 3, out);
	assert_string_equal(out,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_date_valid),
		cmocka_unit_test(test_parse_date_invalid),
		cmocka_unit_test(test_parse_time_zones),
		cmocka_unit_test(test_parse_time_invalid),
		cmocka_unit_test(test_format_day_round_trip),
		cmocka_unit_test(test_format_time),
		cmocka_unit_test_setup_teardown(test_expand_path, save_home,
		    restore_home),
		cmocka_unit_test(test_strlist),
		cmocka_unit_test(test_seterr_strndup),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_mkdir_p),
		cmocka_unit_test(test_sha256),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
