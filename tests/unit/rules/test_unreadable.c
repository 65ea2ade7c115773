/*
 * test_unreadable.c - the unreadable rule (src/rules/unreadable.c): a
 * letter to a program that matchguard cannot read in full (an unknown
 * encoding, a broken multipart, PGP, more than MG_POLICY_MAX_TEXT of
 * text) is held.
 */
#include "config_auto.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mg_test.h"
#include "fixture_parts.h"

static void
unreadable_parts(void **state)
{
	struct fixture	*fx = *state;
	char		*rest = alternative(PLAIN_OK, HTML_OK);
	char		 buf[16384];

	/* The HTML version in an encoding nobody knows. */
	snprintf(buf, sizeof(buf), "%s", rest);
	{
		char	*at = strstr(buf, "Content-Type: text/html");
		char	 tail[16384];

		assert_non_null(at);
		snprintf(tail, sizeof(tail), "%s", at);
		snprintf(at, sizeof(buf) - (size_t)(at - buf),
		    "Content-Transfer-Encoding: x-gzip64\r\n%s", tail);
	}
	run_raw(fx, HARBOR, buf);
	expect(fx, "unreadable", MG_SEV_HOLD);
	expect_text(fx, "unreadable", "The HTML version of the letter uses an "
	    "encoding matchguard cannot read (x-gzip64)");
	/* A multipart whose boundary never occurs. */
	run_raw(fx, HARBOR, "Content-Type: multipart/mixed; boundary=\"zz\"\r\n"
	    "\r\n--yy\r\nContent-Type: text/plain\r\n\r\nDear Dr. [Last Name]"
	    "\r\n--yy--\r\n");
	expect(fx, "unreadable", MG_SEV_HOLD);
	expect_text(fx, "unreadable", "its boundary never occurs");
	/* PGP/MIME. */
	run_raw(fx, HARBOR, "Content-Type: multipart/encrypted; protocol="
	    "\"application/pgp-encrypted\"; boundary=\"e\"\r\n\r\n--e\r\n"
	    "Content-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n"
	    "--e\r\nContent-Type: application/octet-stream\r\n\r\n-----BEGIN "
	    "PGP MESSAGE-----\r\n\r\nhQEMA\r\n-----END PGP MESSAGE-----\r\n"
	    "--e--\r\n");
	expect_text(fx, "unreadable", "is encrypted (PGP)");
	/* Unreadable mail to someone who is no program is not held. */
	run_raw(fx, "aunt@example.org", "Content-Type: multipart/mixed; "
	    "boundary=\"zz\"\r\n\r\n--yy\r\nhello\r\n");
	expect_nothing(fx);
}

static void
too_long(void **state)
{
	struct fixture	*fx = *state;
	size_t		 n = MG_POLICY_MAX_TEXT + 1000;
	char		*body = malloc(n + 200), *raw;
	size_t		 len;

	assert_non_null(body);
	len = (size_t)snprintf(body, n + 200, "Dear Dr. Marchetti,\r\n\r\n");
	while (len < n) {
		memcpy(body + len, "Lorem ipsum dolor sit amet. ", 28);
		len += 28;
	}
	snprintf(body + len, 200, "\r\n\r\n[Program Name]\r\n");
	raw = malloc(n + 1000);
	assert_non_null(raw);
	snprintf(raw, n + 1000, "%sMessage-ID: <long@example.com>\r\nTo: " HARBOR
	    "\r\nContent-Type: text/plain\r\n\r\n%s", head, body);
	{
		struct mg_message	*m;
		char			 err[MG_ERRLEN];

		assert_int_equal(mg_message_parse(raw, strlen(raw), &m, err,
		    sizeof(err)), 0);
		fixture_check(fx, m, at(NOW), NULL, NULL);
		mg_message_free(m);
	}
	expect(fx, "unreadable", MG_SEV_HOLD);
	expect_text(fx, "unreadable", "more than 256 KB of text");
	free(body);
	free(raw);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(unreadable_parts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(too_long, setup,
		    teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
