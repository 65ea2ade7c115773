/*
 * test_review_token.c - the review page's token file (made 0600, read
 * back the same, refused when others may read it or it is too short)
 * and the checks of a token and a CSRF value.
 */
#include "config_auto.h"

#include <fcntl.h>

#include "mg_test.h"

#include "matchguard/peercred.h"
#include "matchguard/review_token.h"
#include "matchguard/util.h"

static void
test_token_file(void **state)
{
	char		*dir = mg_test_tmpdir(), *t1, *t2, err[MG_ERRLEN];
	char		 path[PATH_MAX];
	struct stat	 st;
	int		 created, fd;

	(void)state;
	assert_int_equal(mg_review_token_load(dir, &t1, &created, err,
	    sizeof(err)), 0);
	assert_true(created);
	assert_true(strlen(t1) >= MG_REVIEW_TOKEN_MIN);
	for (const char *p = t1; *p != '\0'; p++)
		assert_non_null(strchr("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNP"
		    "QRSTUVWXYZ23456789", *p));
	snprintf(path, sizeof(path), "%s/%s", dir, MG_REVIEW_TOKEN_FILE);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(mg_review_token_load(dir, &t2, &created, err,
	    sizeof(err)), 0);
	assert_false(created);
	assert_string_equal(t1, t2);
	mg_peercred_password_free(t2);

	/* Readable by others: refused, with what to do. */
	assert_int_equal(chmod(path, 0644), 0);
	assert_int_equal(mg_review_token_load(dir, &t2, &created, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "other users"));
	assert_non_null(strstr(err, "new token"));
	/* Too short to be a secret. */
	assert_int_equal(unlink(path), 0);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "short123456789\n", 15), 15);
	close(fd);
	assert_int_equal(mg_review_token_load(dir, &t2, &created, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "at least 22"));
	mg_peercred_password_free(t1);
	mg_test_rmrf(dir);
	free(dir);
}

static void
test_token_equal(void **state)
{
	static const char tok[] = "abcdefghijkmnopqrstuvwxyz";

	(void)state;
	assert_true(mg_review_token_equal(tok, strlen(tok), tok));
	/* A prefix, a longer string, one byte off, nothing. */
	assert_false(mg_review_token_equal(tok, strlen(tok) - 1, tok));
	assert_false(mg_review_token_equal("abcdefghijkmnopqrstuvwxyzA", 26,
	    tok));
	assert_false(mg_review_token_equal("abcdefghijkmnopqrstuvwxyZ", 25,
	    tok));
	assert_false(mg_review_token_equal("bbcdefghijkmnopqrstuvwxyz", 25,
	    tok));
	assert_false(mg_review_token_equal("", 0, tok));
	/* Only len bytes of given count: the rest of a path is not read. */
	assert_true(mg_review_token_equal("abcdefghijkmnopqrstuvwxyz/letter",
	    25, tok));
}

static void
test_csrf(void **state)
{
	static const char tok[] = "abcdefghijkmnopqrstuvwxyz";
	char	c1[MG_REVIEW_CSRF_LEN + 1], c2[MG_REVIEW_CSRF_LEN + 1];

	(void)state;
	assert_int_equal(mg_review_csrf(tok, "/letter/X/send", c1), 0);
	assert_int_equal(strlen(c1), MG_REVIEW_CSRF_LEN);
	assert_int_equal(strspn(c1, "0123456789abcdef"), MG_REVIEW_CSRF_LEN);
	/* The same form, the same value; another form, another value. */
	assert_int_equal(mg_review_csrf(tok, "/letter/X/send", c2), 0);
	assert_string_equal(c1, c2);
	assert_int_equal(mg_review_csrf(tok, "/letter/X/drop", c2), 0);
	assert_string_not_equal(c1, c2);
	/* Another token, another value. */
	assert_int_equal(mg_review_csrf("zbcdefghijkmnopqrstuvwxyz",
	    "/letter/X/send", c2), 0);
	assert_string_not_equal(c1, c2);
	/* HMAC-SHA256(token, "csrf /draft"), as openssl computes it. */
	assert_int_equal(mg_review_csrf(tok, "/draft", c2), 0);
	assert_string_equal(c2, "2a62286f0a01c355da15e5d16f3fb634f70b70ae8417"
	    "2aa99c212a47f8a81a70");
	assert_true(mg_review_csrf_ok(tok, "/letter/X/send", c1));
	assert_false(mg_review_csrf_ok(tok, "/letter/X/drop", c1));
	assert_false(mg_review_csrf_ok(tok, "/letter/X/send", NULL));
	assert_false(mg_review_csrf_ok(tok, "/letter/X/send", ""));
	c1[5] ^= 1;
	assert_false(mg_review_csrf_ok(tok, "/letter/X/send", c1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_token_file),
		cmocka_unit_test(test_token_equal),
		cmocka_unit_test(test_csrf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
