/*
 * test_policy.c - the policy engine around the rules (src/policy.c): the
 * content rules over every text part a reader sees, findings named by
 * part and reported once, letters that cannot be read in full (rule
 * unreadable), the body views without sign-off and disclaimer blocks,
 * and letters to addresses outside the directory (rule unknown-program).
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

#define HARBOR	"genetics-residency@harborview.edu"
#define LAKE	"gen-residency@lakeside.edu"
#define NEWPROG	"mgg-residency@genetics.example.edu"

static const char conf_text[] =
    "identity = { name = \"Priya Raman\"; addresses = [ \"priya.raman@example.com\" ]; };\n"
    "season = { eras_open = \"2026-09-24\"; rol_deadline = \"2027-03-03\"; match_day = \"2027-03-19\"; };\n"
    "paths = { state = \"state\"; filters = \"" MG_SRCDIR "/filters\"; };\n"
    "policy = { %s };\n"
    "programs = (\n"
    " { id = \"harborview\"; name = \"Harborview University Medical Genetics Residency\";\n"
    "   aliases = [ \"Harborview Genetics\" ]; institution = \"Harborview University\";\n"
    "   addresses = [ \"" HARBOR "\" ]; domains = [ \"harborview.edu\" ];\n"
    "   contacts = ( { role = \"director\"; name = \"Elena Marchetti\"; },\n"
    "                { role = \"coordinator\"; name = \"Dana Whitfield\"; } );\n"
    "   features = [ \"hereditary cancer clinic\" ]; interview_date = \"2026-11-10\"; },\n"
    " { id = \"lakeside\"; name = \"Lakeside Medical Genetics and Genomics Residency\";\n"
    "   institution = \"Lakeside Medical Center\"; addresses = [ \"" LAKE "\" ];\n"
    "   contacts = ( { role = \"director\"; name = \"Samuel Okafor\"; } );\n"
    "   domains = [ \"lakeside.edu\" ]; interview_date = \"2026-12-01\"; }\n"
    ");\n";

#include "rules_fixture.h"

#define NOW	"2026-11-11T10:00:00-05:00"

static const char head[] =
    "From: Priya Raman <priya.raman@example.com>\r\n"
    "Date: Wed, 11 Nov 2026 09:00:00 -0500\r\n"
    "Subject: Thank you for my interview\r\n"
    "MIME-Version: 1.0\r\n";

/* Checks a whole message (head, then to and the rest) at NOW. */
static void
run_raw(struct fixture *fx, const char *to, const char *rest)
{
	struct mg_message	*m;
	char			 raw[32768], err[MG_ERRLEN];
	const struct mg_program	**progs = NULL;
	size_t			 n = 99;

	snprintf(raw, sizeof(raw), "%sMessage-ID: <%p@example.com>\r\nTo: %s\r\n"
	    "%s", head, (void *)fx, to, rest);
	if (mg_message_parse(raw, strlen(raw), &m, err, sizeof(err)) == -1)
		fail_msg("parse: %s", err);
	fixture_check(fx, m, at(NOW), &progs, &n);
	/* A stand-in for an unknown program is never returned. */
	for (size_t i = 0; i < n; i++)
		assert_true(progs[i]->id[0] != '\0');
	free(progs);
	mg_message_free(m);
}

/* A plain-text letter. */
static void
run(struct fixture *fx, const char *to, const char *body)
{
	char	rest[16384];

	snprintf(rest, sizeof(rest), "Content-Type: text/plain; charset=utf-8"
	    "\r\n\r\n%s\r\n", body);
	run_raw(fx, to, rest);
}

static size_t
count(const struct fixture *fx, const char *rule)
{
	size_t	n = 0;

	for (size_t i = 0; i < fx->findings.n; i++)
		n += strcmp(fx->findings.v[i].rule, rule) == 0;
	return n;
}

static void
expect_text(const struct fixture *fx, const char *rule, const char *text)
{
	for (size_t i = 0; i < fx->findings.n; i++)
		if (strcmp(fx->findings.v[i].rule, rule) == 0 &&
		    strstr(fx->findings.v[i].message, text) != NULL)
			return;
	for (size_t i = 0; i < fx->findings.n; i++)
		print_message("  got %s: %s\n", fx->findings.v[i].rule,
		    fx->findings.v[i].message);
	fail_msg("no %s finding says \"%s\"", rule, text);
}

static void
expect_nothing(const struct fixture *fx)
{
	for (size_t i = 0; i < fx->findings.n; i++)
		print_message("  got %s: %s\n", fx->findings.v[i].rule,
		    fx->findings.v[i].message);
	assert_int_equal(fx->findings.n, 0);
	assert_int_equal(fx->verdict, MG_PASS);
}

#define PLAIN_OK	"Dear Dr. Marchetti,\r\n\r\nThank you for the " \
	"interview yesterday at Harborview Genetics; the hereditary cancer " \
	"clinic confirmed my interest.\r\n\r\nSincerely,\r\nPriya Raman\r\n"
#define HTML_SLOT	"<p>Dear Dr. Marchetti,</p><p>Thank you for the " \
	"interview yesterday at <b>[Program Name]</b>; the hereditary " \
	"cancer clinic confirmed my interest.</p><p>Sincerely,<br>Priya " \
	"Raman</p>\r\n"
#define HTML_OK		"<p>Dear Dr. Marchetti,</p><p>Thank you for the " \
	"interview yesterday at Harborview Genetics; the hereditary cancer " \
	"clinic confirmed my interest.</p><p>Sincerely,<br>Priya Raman</p>\r\n"

static char *
alternative(const char *plain, const char *html)
{
	static char	buf[16384];

	snprintf(buf, sizeof(buf),
	    "Content-Type: multipart/alternative; boundary=\"a\"\r\n\r\n"
	    "--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n"
	    "--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n%s\r\n"
	    "--a--\r\n", plain, html);
	return buf;
}

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

/* --- what cannot be read ------------------------------------------- */

static void
unreadable_parts(void **state)
{
	struct fixture	*fx = *state;
	char		*rest = alternative(PLAIN_OK, HTML_OK);
	char		 buf[16384];

	/* The HTML version in an encoding nobody knows. */
	snprintf(buf, sizeof(buf), "%s", rest);
	{
		char	*at = strstr(buf, "Content-Type: text/html");
		char	 tail[16384];

		assert_non_null(at);
		snprintf(tail, sizeof(tail), "%s", at);
		snprintf(at, sizeof(buf) - (size_t)(at - buf),
		    "Content-Transfer-Encoding: x-gzip64\r\n%s", tail);
	}
	run_raw(fx, HARBOR, buf);
	expect(fx, "unreadable", MG_SEV_HOLD);
	expect_text(fx, "unreadable", "The HTML version of the letter uses an "
	    "encoding matchguard cannot read (x-gzip64)");
	/* A multipart whose boundary never occurs. */
	run_raw(fx, HARBOR, "Content-Type: multipart/mixed; boundary=\"zz\"\r\n"
	    "\r\n--yy\r\nContent-Type: text/plain\r\n\r\nDear Dr. [Last Name]"
	    "\r\n--yy--\r\n");
	expect(fx, "unreadable", MG_SEV_HOLD);
	expect_text(fx, "unreadable", "its boundary never occurs");
	/* PGP/MIME. */
	run_raw(fx, HARBOR, "Content-Type: multipart/encrypted; protocol="
	    "\"application/pgp-encrypted\"; boundary=\"e\"\r\n\r\n--e\r\n"
	    "Content-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n"
	    "--e\r\nContent-Type: application/octet-stream\r\n\r\n-----BEGIN "
	    "PGP MESSAGE-----\r\n\r\nhQEMA\r\n-----END PGP MESSAGE-----\r\n"
	    "--e--\r\n");
	expect_text(fx, "unreadable", "is encrypted (PGP)");
	/* Unreadable mail to someone who is no program is not held. */
	run_raw(fx, "aunt@example.org", "Content-Type: multipart/mixed; "
	    "boundary=\"zz\"\r\n\r\n--yy\r\nhello\r\n");
	expect_nothing(fx);
}

static void
too_long(void **state)
{
	struct fixture	*fx = *state;
	size_t		 n = MG_POLICY_MAX_TEXT + 1000;
	char		*body = malloc(n + 200), *raw;
	size_t		 len;

	assert_non_null(body);
	len = (size_t)snprintf(body, n + 200, "Dear Dr. Marchetti,\r\n\r\n");
	while (len < n) {
		memcpy(body + len, "Lorem ipsum dolor sit amet. ", 28);
		len += 28;
	}
	snprintf(body + len, 200, "\r\n\r\n[Program Name]\r\n");
	raw = malloc(n + 1000);
	assert_non_null(raw);
	snprintf(raw, n + 1000, "%sMessage-ID: <long@example.com>\r\nTo: " HARBOR
	    "\r\nContent-Type: text/plain\r\n\r\n%s", head, body);
	{
		struct mg_message	*m;
		char			 err[MG_ERRLEN];

		assert_int_equal(mg_message_parse(raw, strlen(raw), &m, err,
		    sizeof(err)), 0);
		fixture_check(fx, m, at(NOW), NULL, NULL);
		mg_message_free(m);
	}
	expect(fx, "unreadable", MG_SEV_HOLD);
	expect_text(fx, "unreadable", "more than 256 KB of text");
	free(body);
	free(raw);
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

/* --- addresses outside the directory ------------------------------- */

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
		cmocka_unit_test_setup_teardown(slot_in_html_version, setup, teardown),
		cmocka_unit_test_setup_teardown(same_finding_once, setup, teardown),
		cmocka_unit_test_setup_teardown(second_inline_text_part, setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_program_in_a_part, setup, teardown),
		cmocka_unit_test_setup_teardown(unreadable_parts, setup, teardown),
		cmocka_unit_test_setup_teardown(too_long, setup, teardown),
		cmocka_unit_test_setup_teardown(disclaimer_without_dashes, setup, teardown),
		cmocka_unit_test_setup_teardown(slots_in_signatures, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_program_letters, setup, teardown),
		cmocka_unit_test_setup_teardown(friends_and_advisors, setup, teardown),
		cmocka_unit_test_teardown(unknown_program_score, teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
