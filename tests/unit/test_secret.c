/*
 * test_secret.c - password_command: the first line is the secret, a
 * failure says only the exit status, and a command that closes its output
 * but keeps running is killed after the timeout instead of holding the
 * caller.
 */
#include "config_auto.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "matchguard/secret.h"
#include "matchguard/util.h"

static void
first_line(void **state)
{
	char	out[64], err[MG_ERRLEN];

	(void)state;
	assert_int_equal(mg_secret_run_command("printf 'pw1\\r\\nsecond\\n'", 5,
	    out, sizeof(out), err, sizeof(err)), 0);
	assert_string_equal(out, "pw1");
}

static void
failure_hides_output(void **state)
{
	char	out[64], err[MG_ERRLEN];

	(void)state;
	assert_int_equal(mg_secret_run_command("echo leaked; exit 3", 5, out,
	    sizeof(out), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "exit status 3"));
	assert_null(strstr(err, "leaked"));
	assert_string_equal(out, "");
}

static void
closed_output_still_running(void **state)
{
	char	out[64], err[MG_ERRLEN];

	(void)state;
	/* Prints, closes its output, and would run for a minute. */
	assert_int_equal(mg_secret_run_command("echo pw; exec >&- 2>&-; "
	    "sleep 60", 1, out, sizeof(out), err, sizeof(err)), -1);
	assert_non_null(strstr(err, "signal 9"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_line),
		cmocka_unit_test(failure_hides_output),
		cmocka_unit_test(closed_output_still_running),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
