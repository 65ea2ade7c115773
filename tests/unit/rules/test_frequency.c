/*
 * test_frequency.c - the frequency rule (src/rules/frequency.c): two
 * letters to one program within min_days_between are held, unless the
 * program wrote first.
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
frequency(void **state)
{
	struct fixture	*fx = *state;

	fixture_sent(fx, "h1@example.com", "harborview", "2027-01-01T10:00:00-05:00",
	    "update");
	run(fx, TO(HARBOR), "One more thought about the hereditary cancer "
	    "clinic.", NOW);
	expect(fx, "frequency", MG_SEV_HOLD);
	assert_non_null(strstr(finding(fx, "frequency")->message, "2027-01-08"));
	/* Just over 7 days: fine. */
	run(fx, TO(HARBOR), "One more thought.", "2027-01-08T10:00:01-05:00");
	expect_none(fx, "frequency");
	/* Answering the program's own message: fine. */
	run(fx, "To: " HARBOR "\r\nSubject: Re: Interview dates\r\n"
	    "In-Reply-To: <coord-123@harborview.edu>\r\n",
	    "Yes, January 12 works for me.", NOW);
	expect_none(fx, "frequency");
	expect_none(fx, "follow-up-too-soon");
	assert_string_equal(fx->msg_class, "reply");
	/* A message sent earlier in the same second counts (the ledger
	 * keeps seconds). */
	fixture_sent(fx, "p-same@example.com", "pinecrest", NOW, "update");
	run(fx, TO(PINE), "One more thought.", NOW);
	expect(fx, "frequency", MG_SEV_HOLD);
	/* Replying to one's own message is not an answer to the program. */
	run(fx, "To: " HARBOR "\r\nSubject: Re: Update\r\n"
	    "In-Reply-To: <h1@example.com>\r\n", "Adding one detail.", NOW);
	expect(fx, "frequency", MG_SEV_HOLD);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(frequency, setup,
		    teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
