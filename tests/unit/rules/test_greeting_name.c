/*
 * test_greeting_name.c - the greeting-name rule
 * (src/rules/greeting_name.c): the greeting names someone of another
 * program, or nobody of this one.
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
greeting_name_passes(void **state)
{
	struct fixture		*fx = *state;
	static const struct {
		const char	*to, *greeting;
	} cases[] = {
		{ LAKE, "Dear Dr. Smith," },		/* the coordinator */
		{ HARBOR, "Dear Dr. Marchetti," },
		{ HARBOR, "Dear Dr. Elena Marchetti:" },
		{ HARBOR, "Hi Dana," },
		{ HARBOR, "Dear Dr. Marchetti and Ms. Whitfield," },
		{ HARBOR, "Good morning Ms. Whitfield," },
		{ NORTH, "Dear Dr. N\xc3\xba\xc3\xb1" "ez-Ortega," },
		{ NORTH, "Dear Dr. Nunez-Ortega," },	/* plain spelling */
		{ NORTH, "Dear Dr. Nunez Ortega," },
		{ NORTH, "Dear Dr. Nunez," },
		{ NORTH, "Dear Ms. Kowalski Berg," },	/* hyphen dropped */
		{ NORTH, "Dear Anne-Marie," },
		{ HARBOR, "Dear Program Director," },
		{ HARBOR, "Dear Selection Committee," },
		{ HARBOR, "Dear Sir or Madam," },
		{ HARBOR, "Hi all," },
		{ HARBOR, "Hello," },
		{ HARBOR, "Hi, I am writing about the program." },
		{ HARBOR, "Dear Dr. [Last Name]," },	/* placeholder's */
		{ HARBOR, "Dear Harborview Genetics team," },
		{ RIVER, "Dear Dr. Zhang," },	/* no contacts listed */
		{ HARBOR, "Thank you, Dr. Okafor mentioned your clinic." },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char	body[512], to[256];

		snprintf(to, sizeof(to), "To: %s\r\nSubject: Hello\r\n",
		    cases[i].to);
		snprintf(body, sizeof(body), "%s\n\nI enjoyed learning about "
		    "the program.\n\nBest regards,\nPriya", cases[i].greeting);
		run(fx, to, body, NOW);
		if (finding(fx, "greeting-name") != NULL)
			fail_msg("\"%s\" to %s: %s", cases[i].greeting,
			    cases[i].to, finding(fx, "greeting-name")->message);
	}
}

static void
greeting_name_trips(void **state)
{
	struct fixture	*fx = *state;

	/* Another program's director: held, naming that program. */
	run(fx, TO(HARBOR), "Dear Dr. Okafor,\n\nI enjoyed the visit.", NOW);
	expect(fx, "greeting-name", MG_SEV_HOLD);
	expect_text(fx, "greeting-name", "Lakeside");
	assert_string_equal(finding(fx, "greeting-name")->evidence,
	    "Dear Dr. Okafor,");
	run(fx, TO(HARBOR), "Dear Dr. Marchetti and Dr. Okafor,\n\nHello.",
	    NOW);
	expect(fx, "greeting-name", MG_SEV_HOLD);
	run(fx, TO(RIVER), "Dear Dr. Osei,\n\nHello.", NOW);
	expect(fx, "greeting-name", MG_SEV_HOLD);
	run(fx, TO(HARBOR), "Dear Dr. Nunez Ortega,\n\nHello.", NOW);
	expect(fx, "greeting-name", MG_SEV_HOLD);
	/* A misspelling: did you mean? */
	run(fx, TO(HARBOR), "Dear Dr. Marchetty,\n\nHello.", NOW);
	expect(fx, "greeting-name", MG_SEV_WARN);
	expect_text(fx, "greeting-name", "did you mean Dr. Marchetti?");
	run(fx, TO(NORTH), "Dear Dr. Nunes-Ortega,\n\nHello.", NOW);
	expect(fx, "greeting-name", MG_SEV_WARN);
	expect_text(fx, "greeting-name", "N\xc3\xba\xc3\xb1" "ez-Ortega?");
	/* Nobody there. */
	run(fx, TO(HARBOR), "Dear Dr. Zhang,\n\nHello.", NOW);
	expect(fx, "greeting-name", MG_SEV_WARN);
	assert_null(strstr(finding(fx, "greeting-name")->message, "mean"));
	/* Another program's contact by first name only: a warning. */
	run(fx, TO(HARBOR), "Hi Samuel,\n\nHello.", NOW);
	expect(fx, "greeting-name", MG_SEV_WARN);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(greeting_name_passes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(greeting_name_trips, setup,
		    teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
