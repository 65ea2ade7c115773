/*
 * test_season_cap.c - the season-cap rule (src/rules/season_cap.c):
 * writing to more programs than season_warn (3 here) warns, more than
 * season_max (4) holds.
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
season_cap(void **state)
{
	struct fixture	*fx = *state;

	fixture_sent(fx, "s1@example.com", "harborview", "2026-10-01T10:00:00Z", "inquiry");
	fixture_sent(fx, "s2@example.com", "pinecrest", "2026-10-02T10:00:00Z", "inquiry");
	fixture_sent(fx, "s3@example.com", "riverbend", "2026-10-03T10:00:00Z", "inquiry");
	/* A fourth program: above 3. */
	run(fx, TO(NORTH), "I am writing to ask about the program.", NOW);
	expect(fx, "season-cap", MG_SEV_WARN);
	/* A program already counted adds nothing. */
	run(fx, TO(RIVER), "I am writing to ask about the program.", NOW);
	expect_none(fx, "season-cap");
	fixture_sent(fx, "s4@example.com", "northfield", "2026-10-04T10:00:00Z", "inquiry");
	run(fx, TO(LAKE), "I am writing to ask about the program.",
	    "2026-11-20T10:00:00Z");
	expect(fx, "season-cap", MG_SEV_HOLD);
	/* After that program's interview (2026-12-01) it is not a cold
	 * contact. */
	run(fx, TO(LAKE), "Thank you for the interview.", "2026-12-02T10:00:00Z");
	expect_none(fx, "season-cap");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(season_cap, setup,
		    teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
