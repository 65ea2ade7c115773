/*
 * test_ambiguous.c - the ambiguous-recipient rule
 * (src/rules/ambiguous.c): an address of a domain that several programs
 * share is held; one listed for a program is not.
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
ambiguous_recipient(void **state)
{
	struct fixture	*fx = *state;

	run(fx, TO("someone@lakeside.edu"), "Hello.", NOW);
	expect(fx, "ambiguous-recipient", MG_SEV_HOLD);
	run(fx, TO(LAKE), "Hello.", NOW);
	expect_none(fx, "ambiguous-recipient");
	run(fx, TO("someone@evillakeside.edu"), "Hello.", NOW);
	assert_int_equal(fx->findings.n, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(ambiguous_recipient, setup,
		    teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
