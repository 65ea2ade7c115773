/*
 * test_unknown_program.c - the unknown-program rule
 * (src/rules/unknown_program.c): a letter to an address outside the
 * directory that reads as one to a residency program gets the wording
 * rules and a note on how to add the program; personal mail gets
 * nothing.
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
#include "fixture_parts.h"

static void
unknown_program_letters(void **state)
{
	struct fixture	*fx = *state;

	/* The forgotten genetics program: the slot is held, and a note
	 * says how to add the program. */
	run(fx, NEWPROG, "Dear Dr. [Last Name],\r\n\r\nI am writing to express "
	    "my strong interest in the [Program Name] residency.\r\n\r\n"
	    "Sincerely,\r\nPriya Raman\r\n");
	expect(fx, "placeholder", MG_SEV_HOLD);
	expect(fx, "unknown-program", MG_SEV_INFO);
	expect_text(fx, "unknown-program", NEWPROG);
	expect_text(fx, "unknown-program", "addresses = [");
	assert_int_equal(fx->verdict, MG_HOLD);
	/* Wording of the NRMP rules. */
	run(fx, "pd@hospital.example.org", "Dear Program Director,\r\n\r\n"
	    "Thank you for interviewing me last week. Where do I stand on "
	    "your rank list?\r\n");
	expect(fx, "ranking-question", MG_SEV_HOLD);
	run(fx, "pd@hospital.example.org", "Dear Dr. Lee,\r\n\r\nThank you "
	    "for interviewing me. If you can promise me a position, I will "
	    "rank your program first.\r\n");
	expect(fx, "bargaining", MG_SEV_HOLD);
	/* A letter of intent gets its note, with no history behind it. */
	fixture_sent(fx, "intent-1@example.com", "harborview", "2026-11-01T10:00:00Z",
	    "intent");
	run(fx, "coordinator@genetics.example.edu", "Dear Dr. Lee,\r\n\r\n"
	    "Your program is my first choice and I will rank it first.\r\n");
	expect(fx, "letter-of-intent", MG_SEV_INFO);
	expect_text(fx, "letter-of-intent", "coordinator@genetics.example.edu");
	expect(fx, "unknown-program", MG_SEV_INFO);
	assert_int_equal(fx->verdict, MG_PASS);
	/* A typo in a program's domain: a warning to check the address. */
	run(fx, "genetics-residency@harborveiw.edu", "Dear Dr. Marchetti,\r\n"
	    "\r\nThank you for interviewing me for your residency.\r\n");
	expect(fx, "unknown-program", MG_SEV_WARN);
	expect_text(fx, "unknown-program", "looks like harborview.edu");
	run(fx, "genetics-residency@evilharborview.edu", "Dear Dr. Marchetti,"
	    "\r\n\r\nThank you for interviewing me for your residency.\r\n");
	expect(fx, "unknown-program", MG_SEV_WARN);
	/* An honest letter: the note only. */
	run(fx, NEWPROG, "Dear Dr. Lee,\r\n\r\nThank you for the interview "
	    "invitation; I look forward to meeting your residents.\r\n");
	expect(fx, "unknown-program", MG_SEV_INFO);
	assert_int_equal(fx->findings.n, 1);
	assert_int_equal(fx->verdict, MG_PASS);
}

static void
friends_and_advisors(void **state)
{
	struct fixture	*fx = *state;
	static const char *const bodies[] = {
		/* Personal mail. */
		"Hi Mom,\r\n\r\nThe interview went well and the residents "
		"were kind. Call you tonight!\r\n\r\nLove,\r\nPriya",
		"Hey Sam, are we still on for dinner Friday? I attached the "
		"photos from the trip.",
		/* An advisor: a doctor, and the residency, but spoken of,
		 * not to. */
		"Dear Dr. Desai,\r\n\r\nMy interview at Harborview went "
		"well. Where do you think I stand on their rank list?\r\n\r\n"
		"Best,\r\nPriya",
		/* A template sent for review. */
		"Dear Dr. Desai,\r\n\r\nCould you look at my letter template "
		"before I send it?\r\n\r\n----\r\nDear Dr. [Last Name],\r\n\r\n"
		"I am writing to express my strong interest in [Program Name]."
		"\r\n----\r\n\r\nThank you,\r\nPriya",
	};

	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		run(fx, "someone@example.org", bodies[i]);
		expect_nothing(fx);
	}
}

static void
unknown_program_score(void **state)
{
	struct fixture	*fx;

	open_fixture(state, "unknown_program_score = 6; rules = { "
	    "\"unknown-program\" = \"off\"; };");
	fx = *state;
	/* A doctor, speaks to a program, an interview (in the subject): 4. */
	run(fx, "lee@genetics.example.edu", "Dear Dr. [Last Name],\r\n\r\n"
	    "I am writing to express my strong interest in [Program Name]."
	    "\r\n");
	expect_nothing(fx);
	/* And a program's mailbox: 6. */
	run(fx, NEWPROG, "Dear Dr. [Last Name],\r\n\r\nI am writing to express "
	    "my strong interest in [Program Name].\r\n");
	expect(fx, "placeholder", MG_SEV_HOLD);
	expect_none(fx, "unknown-program");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(unknown_program_letters, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(friends_and_advisors, setup,
		    teardown),
		cmocka_unit_test_teardown(unknown_program_score, teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
