/*
 * test_ranking_question.c - the ranking-question rule
 * (src/rules/ranking_question.c): asking how a program will rank you is
 * held.
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
ranking_question(void **state)
{
	struct fixture		*fx = *state;
	static const char *const trips[] = {
		"Could you share where you will rank me?",
		"Am I ranked to match at Harborview?",
		"I wonder how highly would the program rank me.",
		"Will I be on your rank list this year?",
		"Do I have a safe spot? Am I safe?",
	};

	for (size_t i = 0; i < sizeof(trips) / sizeof(trips[0]); i++) {
		run(fx, TO(HARBOR), trips[i], NOW);
		expect(fx, "ranking-question", MG_SEV_HOLD);
	}
	run(fx, TO(HARBOR), "I will rank your program highly.", NOW);
	expect_none(fx, "ranking-question");
	run(fx, TO(HARBOR), "How are residents evaluated during the "
	    "biochemical genetics laboratory rotation?", NOW);
	expect_none(fx, "ranking-question");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(ranking_question, setup,
		    teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
