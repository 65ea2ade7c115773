/*
 * test_bargaining.c - the bargaining rule (src/rules/bargaining.c):
 * offering a rank for a promise is held.
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
bargaining(void **state)
{
	struct fixture		*fx = *state;
	static const char *const trips[] = {
		"If you promise me a position, I will rank you #1.",
		"What will you offer me if I commit?",
		"Other programs have offered me a spot already.",
		"I would rank you first if you can guarantee a match.",
	};

	for (size_t i = 0; i < sizeof(trips) / sizeof(trips[0]); i++) {
		run(fx, TO(HARBOR), trips[i], NOW);
		expect(fx, "bargaining", MG_SEV_HOLD);
	}
	run(fx, TO(HARBOR), "I received interview invitations from several "
	    "programs and chose yours.", NOW);
	expect_none(fx, "bargaining");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(bargaining, setup,
		    teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
