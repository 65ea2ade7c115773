/*
 * test_letter_of_intent.c - the letter-of-intent rule
 * (src/rules/letter_of_intent.c): a second letter of intent, to another
 * program, is held, naming the first.
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
letter_of_intent(void **state)
{
	struct fixture		*fx = *state;
	const struct mg_finding	*f;

	/* The first one passes with a note. */
	run(fx, TO(HARBOR), "I will rank Harborview first on my list.", NOW);
	expect(fx, "letter-of-intent", MG_SEV_INFO);
	assert_int_equal(fx->verdict, MG_PASS);
	assert_string_equal(fx->msg_class, "intent");

	fixture_sent(fx, "loi-pine@example.com", "pinecrest", "2027-01-20T09:00:00Z",
	    "intent");
	/* Before that letter was sent, the history does not count it. */
	run(fx, TO(HARBOR), "Harborview is my top choice.", NOW);
	expect(fx, "letter-of-intent", MG_SEV_INFO);
	/* After it, a second program is held, naming the first. */
	run(fx, TO(HARBOR), "Harborview is my top choice.",
	    "2027-02-01T10:00:00Z");
	expect(fx, "letter-of-intent", MG_SEV_HOLD);
	f = finding(fx, "letter-of-intent");
	assert_non_null(strstr(f->message, "Pinecrest"));
	assert_non_null(strstr(f->message, "2027-01-20"));
	/* The same program again is not this rule's concern. */
	run(fx, TO(PINE), "Pinecrest Institute remains my first choice.",
	    "2027-02-20T10:00:00Z");
	expect(fx, "letter-of-intent", MG_SEV_INFO);
	/* No intent phrase: no finding. */
	run(fx, TO(HARBOR), "I remain very interested in Harborview.",
	    "2027-02-01T10:00:00Z");
	expect_none(fx, "letter-of-intent");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(letter_of_intent, setup,
		    teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
