/*
 * test_follow_up.c - the follow-up-too-soon rule
 * (src/rules/follow_up.c): a follow-up without news before
 * follow_up_after_days is held, unless the program answered or
 * interviewed since.
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
follow_up(void **state)
{
	struct fixture	*fx = *state;
	char		 err[MG_ERRLEN];
	int		 inserted;

	fixture_sent(fx, "p1@example.com", "pinecrest", "2026-12-20T10:00:00-05:00",
	    "update");
	run(fx, TO(PINE), "I am following up on my application.", NOW);
	expect(fx, "follow-up-too-soon", MG_SEV_HOLD);
	expect_none(fx, "frequency");
	assert_non_null(strstr(finding(fx, "follow-up-too-soon")->message,
	    "2027-01-10"));
	/* Real news lifts it. */
	run(fx, TO(PINE), "I wanted to share that I passed USMLE Step 3 "
	    "last week.", NOW);
	expect_none(fx, "follow-up-too-soon");
	/* After 21 days it is allowed. */
	run(fx, TO(PINE), "I am following up on my application.",
	    "2027-01-10T10:00:01-05:00");
	expect_none(fx, "follow-up-too-soon");
	/* A reply from the program since the last message lifts it. */
	assert_int_equal(mg_ledger_record_reply(fx->ledger, "r1@pinecrest.org",
	    "pinecrest", at("2026-12-22T10:00:00Z"), "p1@example.com",
	    &inserted, err, sizeof(err)), 0);
	run(fx, TO(PINE), "I am following up on my application.", NOW);
	expect_none(fx, "follow-up-too-soon");
	/* An interview since the last message counts as contact. */
	fixture_sent(fx, "h0@example.com", "harborview", "2026-11-01T10:00:00-05:00",
	    "inquiry");
	run(fx, TO(HARBOR), "Thank you for the interview yesterday.",
	    "2026-11-11T10:00:00-05:00");
	expect_none(fx, "follow-up-too-soon");
	assert_string_equal(fx->msg_class, "thank-you");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(follow_up, setup,
		    teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
