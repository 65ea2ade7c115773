/*
 * test_mass_recipients.c - the mass-recipients rule
 * (src/rules/mass_recipients.c): one letter to several programs is held;
 * two addresses of one program and a copy to oneself are not.
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
mass_recipients(void **state)
{
	struct fixture	*fx = *state;

	run(fx, "To: " HARBOR "\r\nCc: " PINE "\r\nSubject: Update\r\n",
	    "Dear program directors, an update.", NOW);
	expect(fx, "mass-recipients", MG_SEV_HOLD);
	run(fx, "To: " HARBOR "\r\nBcc: " RIVER ", " NORTH "\r\nSubject: Hi\r\n",
	    "Hello.", NOW);
	expect(fx, "mass-recipients", MG_SEV_HOLD);
	assert_non_null(strstr(finding(fx, "mass-recipients")->message, "3"));
	/* Two addresses of one program, and a copy to oneself. */
	run(fx, "To: " HARBOR ", dana@harborview.edu\r\nCc: "
	    "priya.raman@example.com\r\nSubject: Hi\r\n", "Hello.", NOW);
	expect_none(fx, "mass-recipients");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(mass_recipients, setup,
		    teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
