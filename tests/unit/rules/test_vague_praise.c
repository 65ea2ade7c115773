/*
 * test_vague_praise.c - the vague-praise rule
 * (src/rules/vague_praise.c): praise without anything only this program
 * has (a feature, a track, a contact outside the greeting) warns.
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
vague_praise(void **state)
{
	struct fixture	*fx = *state;

	/* A contact's name in the greeting is not a specific detail. */
	run(fx, TO(HARBOR), "Dear Dr. Marchetti,\n\nYour excellent and "
	    "prestigious program has a great reputation.", NOW);
	expect(fx, "vague-praise", MG_SEV_WARN);
	expect_text(fx, "vague-praise", "hereditary cancer clinic");
	run(fx, TO(HARBOR), "Dear Dr. Marchetti,\n\nYour top program and its "
	    "physician-scientist track fit my plans.", NOW);
	expect_none(fx, "vague-praise");
	run(fx, TO(HARBOR), "Dear Program Director,\n\nYour outstanding "
	    "training and Dr. Marchetti's work on Lynch syndrome drew me.",
	    NOW);
	expect_none(fx, "vague-praise");
	run(fx, TO(HARBOR), "Dear Dr. Marchetti,\n\nI enjoyed the visit.",
	    NOW);
	expect_none(fx, "vague-praise");
}

static void
vague_praise_no_greeting(void **state)
{
	struct fixture	*fx = *state;

	run(fx, TO(HARBOR), "Your excellent and prestigious program would be "
	    "a great fit for me.", NOW);
	expect(fx, "vague-praise", MG_SEV_WARN);
	assert_int_equal(fx->verdict, MG_WARN);
	run(fx, TO(HARBOR), "Your excellent program and its hereditary cancer "
	    "clinic would be a great fit for me.", NOW);
	expect_none(fx, "vague-praise");
	run(fx, TO(NORTH), "Your outstanding program and Dr. Nunez Ortega's "
	    "mentorship drew me.", NOW);
	expect_none(fx, "vague-praise");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(vague_praise, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(vague_praise_no_greeting, setup,
		    teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
