/*
 * test_thank_you_late.c - the thank-you-late rule
 * (src/rules/thank_you_late.c): a thank-you more than thank_you_max_days
 * after the interview.
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
thank_you_late(void **state)
{
	struct fixture	*fx = *state;
	const char	*ty = "Thank you for the interview on November 10.";

	run(fx, TO(HARBOR), ty, "2026-11-13T22:00:00Z");
	expect_none(fx, "thank-you-late");
	assert_string_equal(fx->msg_class, "thank-you");
	run(fx, TO(HARBOR), ty, "2026-11-14T10:00:00Z");
	expect(fx, "thank-you-late", MG_SEV_WARN);
	expect_text(fx, "thank-you-late", "4 days ago");
	expect_text(fx, "thank-you-late", "2026-11-10");
	assert_int_equal(fx->verdict, MG_WARN);
	/* Not a thank-you, no interview date, before the interview. */
	run(fx, TO(HARBOR), "Thank you again for the interview; I have a "
	    "question about the schedule.", "2026-11-20T10:00:00Z");
	expect_none(fx, "thank-you-late");
	run(fx, TO(RIVER), ty, "2026-11-20T10:00:00Z");
	expect_none(fx, "thank-you-late");
	run(fx, TO(HARBOR), "Thank you for the interview invitation.",
	    "2026-10-20T10:00:00Z");
	expect_none(fx, "thank-you-late");
	/* A thank-you already sent after the interview. */
	sent(fx, "ty1@example.com", "harborview", "2026-11-11T10:00:00Z",
	    "thank-you");
	run(fx, TO(HARBOR), ty, "2026-11-20T10:00:00Z");
	expect_none(fx, "thank-you-late");
}

static int
setup_week(void **state)
{
	return open_fixture(state, "thank_you_max_days = 7;");
}

static void
thank_you_late_setting(void **state)
{
	struct fixture	*fx = *state;
	const char	*ty = "Thank you for the interview on November 10.";

	run(fx, TO(HARBOR), ty, "2026-11-17T10:00:00Z");
	expect_none(fx, "thank-you-late");
	run(fx, TO(HARBOR), ty, "2026-11-18T10:00:00Z");
	expect(fx, "thank-you-late", MG_SEV_WARN);
	expect_text(fx, "thank-you-late", "within 7 days");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(thank_you_late, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(thank_you_late_setting, setup_week,
		    teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
