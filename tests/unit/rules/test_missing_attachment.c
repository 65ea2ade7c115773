/*
 * test_missing_attachment.c - the missing-attachment rule
 * (src/rules/missing_attachment.c): a letter that says it has an
 * attachment and has none is held; ERAS uploads, quoted text and a real
 * attachment are not.
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
#include "fixture_policy.h"

static void
missing_attachment(void **state)
{
	struct fixture		*fx = *state;
	struct mg_message	*m;
	char			 err[MG_ERRLEN];
	static const char	 with_pdf[] =
	    "From: priya.raman@example.com\r\nTo: " HARBOR "\r\n"
	    "Subject: CV\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
	    "--b\r\nContent-Type: text/plain\r\n\r\nPlease find my CV attached.\r\n"
	    "--b\r\nContent-Type: application/pdf; name=\"cv.pdf\"\r\n"
	    "Content-Disposition: attachment; filename=\"cv.pdf\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n";

	run(fx, TO(HARBOR), "Please find my CV attached.", NOW);
	expect(fx, "missing-attachment", MG_SEV_HOLD);
	run(fx, TO(HARBOR), "I have enclosed my updated personal statement.",
	    NOW);
	expect(fx, "missing-attachment", MG_SEV_HOLD);
	run(fx, TO(HARBOR), "As discussed, my CV was sent through ERAS.", NOW);
	expect_none(fx, "missing-attachment");
	run(fx, TO(HARBOR), "My updated CV is uploaded to MyERAS.", NOW);
	expect_none(fx, "missing-attachment");
	run(fx, TO(HARBOR), "Thanks!\n\nOn Fri, Dana wrote:\n> See the "
	    "attached schedule.", NOW);
	expect_none(fx, "missing-attachment");

	assert_int_equal(mg_message_parse(with_pdf, sizeof(with_pdf) - 1, &m,
	    err, sizeof(err)), 0);
	fixture_check(fx, m, at(NOW), NULL, NULL);
	expect_none(fx, "missing-attachment");
	mg_message_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(missing_attachment, setup,
		    teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
