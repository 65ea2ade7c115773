/*
 * test_policy.c - the policy engine around the rules (src/policy.c): the
 * content rules over every text part a reader sees, findings named by
 * part and reported once, and the body views without sign-off and
 * disclaimer blocks.  Letters that cannot be read in full and letters to
 * addresses outside the directory are the tests of their rules
 * (rules/test_unreadable.c, rules/test_unknown_program.c), in the same
 * directory (rules/fixture_parts.h).
 */
#include "config_auto.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matchguard/config.h"
#include "matchguard/filters.h"
#include "matchguard/ledger.h"
#include "matchguard/message.h"
#include "matchguard/policy.h"
#include "matchguard/util.h"

#include "mg_test.h"
#include "rules/fixture_parts.h"

/* --- every part a reader sees -------------------------------------- */

static void
slot_in_html_version(void **state)
{
	struct fixture	*fx = *state;

	run_raw(fx, HARBOR, alternative(PLAIN_OK, HTML_SLOT));
	expect(fx, "placeholder", MG_SEV_HOLD);
	expect_text(fx, "placeholder", "It is in the HTML version of your "
	    "letter.");
	assert_int_equal(fx->verdict, MG_HOLD);
	/* The same letter twice: the HTML version adds nothing. */
	run_raw(fx, HARBOR, alternative(PLAIN_OK, HTML_OK));
	expect_nothing(fx);
}

static void
same_finding_once(void **state)
{
	struct fixture	*fx = *state;
	char		 plain[2048];

	/* The slot in both versions, and more text in the HTML one. */
	snprintf(plain, sizeof(plain), "Dear Dr. Marchetti,\r\n\r\nThank you "
	    "for the interview yesterday at [Program Name].\r\n");
	run_raw(fx, HARBOR, alternative(plain, "<p>Dear Dr. Marchetti,</p><p>"
	    "Thank you for the interview yesterday at [Program Name].</p>"
	    "<p>I enjoyed the tour.</p>"));
	assert_int_equal(count(fx, "placeholder"), 1);
	assert_null(strstr(finding(fx, "placeholder")->message, "It is in"));
}

static void
second_inline_text_part(void **state)
{
	struct fixture	*fx = *state;

	/* Apple Mail: text, image, text. */
	run_raw(fx, HARBOR,
	    "Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n"
	    "--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
	    "Dear Dr. Marchetti,\r\n\r\nThank you for the interview at "
	    "Harborview Genetics.\r\n"
	    "--m\r\nContent-Type: image/png; name=a.png\r\n"
	    "Content-Disposition: inline; filename=a.png\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
	    "--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
	    "Please find my CV attached.\r\n--m--\r\n");
	/* The picture is an attachment, so no missing-attachment. */
	expect_none(fx, "missing-attachment");
	run_raw(fx, HARBOR,
	    "Content-Type: multipart/mixed; boundary=\"m\"\r\n\r\n"
	    "--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
	    "Dear Dr. Marchetti,\r\n\r\nThank you for the interview at "
	    "Harborview Genetics.\r\n"
	    "--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
	    "Where will I be on your rank list?\r\n--m--\r\n");
	expect(fx, "ranking-question", MG_SEV_HOLD);
	expect_text(fx, "ranking-question", "the second text part");
}

static void
wrong_program_in_a_part(void **state)
{
	struct fixture	*fx = *state;

	/* The body names Harborview, the HTML version praises Lakeside: a
	 * warning (the letter does name its program), not a hold. */
	run_raw(fx, HARBOR, alternative(PLAIN_OK, "<p>Dear Dr. Marchetti,"
	    "</p><p>The Lakeside Medical Genetics and Genomics Residency is "
	    "the program I admire most.</p>"));
	expect(fx, "wrong-program", MG_SEV_WARN);
	expect_text(fx, "wrong-program", "HTML version");
	/* The HTML version greets another program's director. */
	run_raw(fx, HARBOR, alternative(PLAIN_OK, "<p>Dear Dr. Okafor,</p>"
	    "<p>Thank you for the interview yesterday at Harborview Genetics."
	    "</p>"));
	expect(fx, "greeting-name", MG_SEV_HOLD);
	expect_text(fx, "greeting-name", "HTML version");
}

/* --- sign-off and disclaimer blocks -------------------------------- */

#define LETTER	"Dear Dr. Marchetti,\r\n\r\nI wanted to share that my " \
	"review article on pharmacogenomic testing has been published in " \
	"Clinical Genetics this month.\r\n\r\n"
#define SIGNOFF	"Kind regards,\r\nPriya Raman, MD\r\nResearch Fellow | " \
	"Example University Hospital\r\n(555) 013-2847\r\n\r\n"
#define NOTICE	"CONFIDENTIALITY NOTICE: This e-mail message, including any " \
	"attachments, is for the sole use of the intended recipient(s) and " \
	"may contain confidential and privileged information. Any " \
	"unauthorized review, use, disclosure or distribution is " \
	"prohibited.\r\n"

static void
disclaimer_without_dashes(void **state)
{
	struct fixture	*fx = *state;

	/* The footer alone: no attachment claim. */
	run(fx, HARBOR, LETTER SIGNOFF NOTICE);
	expect_nothing(fx);
	/* Another notice, after the name, no sign-off phrase. */
	run(fx, HARBOR, LETTER "Priya Raman\r\n\r\nThe information in this "
	    "email and any attachments is confidential. If you are not the "
	    "intended recipient, please notify the sender and delete it.\r\n");
	expect_nothing(fx);
	/* A real claim in the letter is still found. */
	run(fx, HARBOR, LETTER "I have attached my updated CV.\r\n\r\n" SIGNOFF
	    NOTICE);
	expect(fx, "missing-attachment", MG_SEV_HOLD);
	/* A P.S. after the sign-off is part of the letter. */
	run(fx, HARBOR, LETTER "Best,\r\nPriya\r\n\r\nP.S. Please find my CV "
	    "attached.\r\n");
	expect(fx, "missing-attachment", MG_SEV_HOLD);
	/* A sentence after "Thanks," is not a signature. */
	run(fx, HARBOR, LETTER "Thanks,\r\nI have attached my poster from the "
	    "meeting.\r\nPriya\r\n");
	expect(fx, "missing-attachment", MG_SEV_HOLD);
	/* A notice followed by more letter is not a footer. */
	run(fx, HARBOR, "Dear Dr. Marchetti,\r\n\r\nThe information in this "
	    "email is confidential, so please keep it to yourself.\r\n\r\n"
	    "My case report is attached, as you asked last week when we met "
	    "at the conference in Boston and talked about it.\r\n");
	expect(fx, "missing-attachment", MG_SEV_HOLD);
}

static void
slots_in_signatures(void **state)
{
	struct fixture	*fx = *state;

	/* A slot in the sign-off, with or without "-- ". */
	run(fx, HARBOR, LETTER "Sincerely,\r\n[Your Full Name]\r\n");
	expect(fx, "placeholder", MG_SEV_HOLD);
	run(fx, HARBOR, LETTER "Sincerely,\r\nPriya\r\n\r\n-- \r\n"
	    "[Your Full Name], MD\r\nAAMC ID [number]\r\n");
	expect(fx, "placeholder", MG_SEV_HOLD);
	/* "-- " signature with an attachment word: still not a claim. */
	run(fx, HARBOR, LETTER "Priya\r\n-- \r\nPriya Raman, MD\r\n"
	    "Confidential: this message and any attachments are for the "
	    "addressee only.\r\n");
	expect_nothing(fx);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(slot_in_html_version, setup, teardown),
		cmocka_unit_test_setup_teardown(same_finding_once, setup, teardown),
		cmocka_unit_test_setup_teardown(second_inline_text_part, setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_program_in_a_part, setup, teardown),
		cmocka_unit_test_setup_teardown(disclaimer_without_dashes, setup, teardown),
		cmocka_unit_test_setup_teardown(slots_in_signatures, setup, teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
