/*
 * test_intent_timing.c - the intent-timing rule
 * (src/rules/intent_timing.c): a letter of intent before the interview
 * or after the rank order list deadline.
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
#include "fixture_style.h"

static void
intent_timing(void **state)
{
	struct fixture	*fx = *state;
	const char	*loi = "This is a letter of strong interest: the "
	    "cardiogenetics clinic is one of my top choices.";

	run(fx, TO(PINE), loi, "2027-01-04T10:00:00Z");
	assert_string_equal(fx->msg_class, "interest");
	expect(fx, "intent-timing", MG_SEV_WARN);
	expect_text(fx, "intent-timing", "2027-01-12");
	run(fx, TO(PINE), loi, "2027-01-12T18:00:00Z");	/* interview day */
	expect_none(fx, "intent-timing");
	run(fx, TO(PINE), loi, "2027-02-10T10:00:00Z");
	expect_none(fx, "intent-timing");
	/* After the rank order list deadline, to any program. */
	run(fx, TO(RIVER), loi, "2027-03-04T10:00:00Z");
	expect(fx, "intent-timing", MG_SEV_WARN);
	expect_text(fx, "intent-timing", "2027-03-03");
	run(fx, TO(HARBOR), "I will rank Harborview first.",
	    "2027-03-05T10:00:00Z");
	assert_string_equal(fx->msg_class, "intent");
	expect(fx, "intent-timing", MG_SEV_WARN);
	run(fx, TO(HARBOR), "I will rank Harborview first.",
	    "2026-11-05T10:00:00Z");
	expect(fx, "intent-timing", MG_SEV_WARN);
	/* Still being interested before the interview is an update. */
	run(fx, TO(PINE), "I remain very interested in the program and look "
	    "forward to my interview.", "2027-01-04T10:00:00Z");
	assert_string_equal(fx->msg_class, "update");
	expect_none(fx, "intent-timing");
	/* No interview date: only the deadline counts. */
	run(fx, TO(RIVER), loi, "2027-01-04T10:00:00Z");
	expect_none(fx, "intent-timing");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(intent_timing, setup,
		    teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
