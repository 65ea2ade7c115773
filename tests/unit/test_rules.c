/*
 * test_rules.c - every policy rule, with messages that must trip it and
 * near misses that must not, against a real configuration, the real
 * filters/ and a real ledger in a temporary directory.
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

#include "matchguard/classify.h"
#include "matchguard/policy.h"
#include "mg_test.h"

#define HARBOR	"genetics-residency@harborview.edu"
#define LAKE	"gen-residency@lakeside.edu"
#define LAKEPED	"peds-genetics@lakeside.edu"
#define PINE	"residency@pinecrest.org"
#define NORTH	"mgen@northfield.edu"
#define RIVER	"genetics@riverbend.org"

static const char conf_text[] =
    "identity = { name = \"Priya Raman\"; addresses = [ \"priya.raman@example.com\" ]; };\n"
    "season = { eras_open = \"2026-09-24\"; rol_deadline = \"2027-03-03\"; match_day = \"2027-03-19\"; };\n"
    "paths = { state = \"state\"; filters = \"" MG_SRCDIR "/filters\"; };\n"
    "policy = { season_warn = 3; season_max = 4; %s };\n"
    "programs = (\n"
    " { id = \"harborview\"; name = \"Harborview University Medical Genetics Residency\";\n"
    "   aliases = [ \"Harborview Genetics\" ]; institution = \"Harborview University\";\n"
    "   addresses = [ \"" HARBOR "\" ]; domains = [ \"harborview.edu\" ];\n"
    "   contacts = ( { role = \"director\"; name = \"Elena Marchetti\"; },\n"
    "                { role = \"coordinator\"; name = \"Dana Whitfield\"; } );\n"
    "   features = [ \"hereditary cancer clinic\", \"biochemical genetics laboratory\" ];\n"
    "   interview_date = \"2026-11-10\"; },\n"
    " { id = \"lakeside\"; name = \"Lakeside Medical Genetics and Genomics Residency\";\n"
    "   institution = \"Lakeside Medical Center\"; addresses = [ \"" LAKE "\" ];\n"
    "   domains = [ \"lakeside.edu\" ]; interview_date = \"2026-12-01\"; },\n"
    " { id = \"lakeside-peds\"; name = \"Lakeside Combined Pediatrics-Genetics Program\";\n"
    "   institution = \"Lakeside Medical Center\"; addresses = [ \"" LAKEPED "\" ];\n"
    "   domains = [ \"lakeside.edu\" ]; },\n"
    " { id = \"pinecrest\"; name = \"The Pinecrest Institute Genetics Residency\";\n"
    "   institution = \"Pinecrest Institute\"; addresses = [ \"" PINE "\" ];\n"
    "   domains = [ \"pinecrest.org\" ]; interview_date = \"2027-01-12\"; },\n"
    " { id = \"northfield\"; name = \"Northfield Medical Genetics Residency\";\n"
    "   institution = \"Northfield University\"; domains = [ \"northfield.edu\" ];\n"
    "   contacts = ( { role = \"director\"; name = \"Jos\xc3\xa9 N\xc3\xba\xc3\xb1" "ez-Ortega\"; } ); },\n"
    " { id = \"riverbend\"; name = \"Riverbend Genetics Residency\";\n"
    "   institution = \"Riverbend Health\"; domains = [ \"riverbend.org\" ]; }\n"
    ");\n";

#include "rules_fixture.h"

/* Checks a message made of headers and body at time iso. */
static void
run(struct fixture *fx, const char *headers, const char *body, const char *iso)
{
	struct mg_message	*m;
	char			 raw[16384], err[MG_ERRLEN];

	snprintf(raw, sizeof(raw), "From: Priya Raman <priya.raman@example.com>\r\n"
	    "Date: Mon, 4 Jan 2027 10:00:00 -0500\r\n"
	    "Message-ID: <new-%p@example.com>\r\n%s"
	    "Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
	    (void *)fx, headers, body);
	if (mg_message_parse(raw, strlen(raw), &m, err, sizeof(err)) == -1)
		fail_msg("parse: %s", err);
	fixture_check(fx, m, at(iso), NULL, NULL);
	mg_message_free(m);
}

#define TO(a)	"To: " a "\r\nSubject: Application\r\n"
#define NOW	"2027-01-04T10:00:00-05:00"

/* --- placeholder --------------------------------------------------- */

static void
placeholder_trips(void **state)
{
	struct fixture		*fx = *state;
	static const char *const bodies[] = {
		"I am excited to apply to [Program Name] this year.",
		"Dear Dr. [Last Name],\n\nThank you for your time.",
		"I have spent [X months] in clinical genetics.",
		"Dear <<name>>, I look forward to hearing from you.",
		"Your {{program}} is my goal.",
		"My research in XXX has been rewarding.",
		"I will be available on TBD for a visit.",
	};

	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		run(fx, TO(HARBOR), bodies[i], NOW);
		expect(fx, "placeholder", MG_SEV_HOLD);
		assert_int_equal(fx->verdict, MG_HOLD);
		assert_true(finding(fx, "placeholder")->evidence[0] != '\0');
	}
	run(fx, "To: " HARBOR "\r\nSubject: Interest in [Program Name]\r\n",
	    "Hello, I write about the hereditary cancer clinic.", NOW);
	expect(fx, "placeholder", MG_SEV_HOLD);
	assert_non_null(strstr(finding(fx, "placeholder")->message, "subject"));
}

static void
placeholder_near_misses(void **state)
{
	struct fixture		*fx = *state;
	static const char *const bodies[] = {
		"Our paper on Lynch syndrome [1] was accepted.",
		"The date is tbd, I will confirm soon.",
		"My CV (see ERAS) lists [sic] everything.",
		"Thank you, Dr. Marchetti.\n\nOn Mon, 4 Jan 2027, Coordinator wrote:\n> Dear [First Name], please confirm.",
	};

	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		run(fx, TO(HARBOR), bodies[i], NOW);
		expect_none(fx, "placeholder");
	}
	/* Not a program: nothing is checked at all. */
	run(fx, TO("friend@example.org"), "Dear [Program Name],", NOW);
	assert_int_equal(fx->findings.n, 0);
	assert_int_equal(fx->verdict, MG_PASS);
}

/* --- wrong-program ------------------------------------------------- */

static void
wrong_program_trips(void **state)
{
	struct fixture	*fx = *state;

	run(fx, TO(HARBOR), "I am very excited about the Lakeside Medical "
	    "Center program and its curriculum.", NOW);
	expect(fx, "wrong-program", MG_SEV_HOLD);
	assert_non_null(strstr(finding(fx, "wrong-program")->evidence,
	    "Lakeside Medical Center"));
	/* Names both: a warning. */
	run(fx, TO(HARBOR), "Harborview Genetics is where I want to train; "
	    "Lakeside Medical Center was also impressive.", NOW);
	expect(fx, "wrong-program", MG_SEV_WARN);
	/* "The" dropped, across a line break, other case. */
	run(fx, TO(HARBOR), "I would be proud to join pinecrest institute\n"
	    "genetics residency next year.", NOW);
	expect(fx, "wrong-program", MG_SEV_HOLD);
}

static void
wrong_program_near_misses(void **state)
{
	struct fixture	*fx = *state;

	run(fx, TO(HARBOR), "During my rotation at Lakeside Medical Center I "
	    "saw your hereditary cancer clinic's referrals.", NOW);
	expect_none(fx, "wrong-program");
	/* The same, wrapped at 72 columns in the middle of the sentence. */
	run(fx, TO(HARBOR), "Last spring I spent four weeks on an elective\n"
	    "in cancer genetics at Lakeside Medical Center, where I\nlearned "
	    "to take a family history.", NOW);
	expect_none(fx, "wrong-program");
	run(fx, TO(HARBOR), "I did research at Pinecrest Institute with Dr. "
	    "Lee before applying.", NOW);
	expect_none(fx, "wrong-program");
	/* Same institution as the recipient. */
	run(fx, TO(LAKEPED), "Lakeside Medical Center has been my home for "
	    "two years.", NOW);
	expect_none(fx, "wrong-program");
	/* The recipient's own name. */
	run(fx, TO(HARBOR), "Harborview University Medical Genetics Residency "
	    "is my goal.", NOW);
	expect_none(fx, "wrong-program");
}

/* --- mass-recipients ----------------------------------------------- */

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

/* --- ambiguous-recipient ------------------------------------------- */

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

/* --- missing-attachment -------------------------------------------- */

static void
missing_attachment(void **state)
{
	struct fixture		*fx = *state;
	struct mg_message	*m;
	char			 err[MG_ERRLEN];
	static const char	 with_pdf[] =
	    "From: priya.raman@example.com\r\nTo: " HARBOR "\r\n"
	    "Subject: CV\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n"
	    "--b\r\nContent-Type: text/plain\r\n\r\nPlease find my CV attached.\r\n"
	    "--b\r\nContent-Type: application/pdf; name=\"cv.pdf\"\r\n"
	    "Content-Disposition: attachment; filename=\"cv.pdf\"\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n--b--\r\n";

	run(fx, TO(HARBOR), "Please find my CV attached.", NOW);
	expect(fx, "missing-attachment", MG_SEV_HOLD);
	run(fx, TO(HARBOR), "I have enclosed my updated personal statement.",
	    NOW);
	expect(fx, "missing-attachment", MG_SEV_HOLD);
	run(fx, TO(HARBOR), "As discussed, my CV was sent through ERAS.", NOW);
	expect_none(fx, "missing-attachment");
	run(fx, TO(HARBOR), "My updated CV is uploaded to MyERAS.", NOW);
	expect_none(fx, "missing-attachment");
	run(fx, TO(HARBOR), "Thanks!\n\nOn Fri, Dana wrote:\n> See the "
	    "attached schedule.", NOW);
	expect_none(fx, "missing-attachment");

	assert_int_equal(mg_message_parse(with_pdf, sizeof(with_pdf) - 1, &m,
	    err, sizeof(err)), 0);
	fixture_check(fx, m, at(NOW), NULL, NULL);
	expect_none(fx, "missing-attachment");
	mg_message_free(m);
}

/* --- ranking-question ---------------------------------------------- */

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

/* --- bargaining ---------------------------------------------------- */

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

/* --- letter-of-intent ---------------------------------------------- */

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

/* --- frequency ----------------------------------------------------- */

static void
frequency(void **state)
{
	struct fixture	*fx = *state;

	fixture_sent(fx, "h1@example.com", "harborview", "2027-01-01T10:00:00-05:00",
	    "update");
	run(fx, TO(HARBOR), "One more thought about the hereditary cancer "
	    "clinic.", NOW);
	expect(fx, "frequency", MG_SEV_HOLD);
	assert_non_null(strstr(finding(fx, "frequency")->message, "2027-01-08"));
	/* Just over 7 days: fine. */
	run(fx, TO(HARBOR), "One more thought.", "2027-01-08T10:00:01-05:00");
	expect_none(fx, "frequency");
	/* Answering the program's own message: fine. */
	run(fx, "To: " HARBOR "\r\nSubject: Re: Interview dates\r\n"
	    "In-Reply-To: <coord-123@harborview.edu>\r\n",
	    "Yes, January 12 works for me.", NOW);
	expect_none(fx, "frequency");
	expect_none(fx, "follow-up-too-soon");
	assert_string_equal(fx->msg_class, "reply");
	/* A message sent earlier in the same second counts (the ledger
	 * keeps seconds). */
	fixture_sent(fx, "p-same@example.com", "pinecrest", NOW, "update");
	run(fx, TO(PINE), "One more thought.", NOW);
	expect(fx, "frequency", MG_SEV_HOLD);
	/* Replying to one's own message is not an answer to the program. */
	run(fx, "To: " HARBOR "\r\nSubject: Re: Update\r\n"
	    "In-Reply-To: <h1@example.com>\r\n", "Adding one detail.", NOW);
	expect(fx, "frequency", MG_SEV_HOLD);
}

/* --- follow-up-too-soon -------------------------------------------- */

static void
follow_up(void **state)
{
	struct fixture	*fx = *state;
	char		 err[MG_ERRLEN];
	int		 inserted;

	fixture_sent(fx, "p1@example.com", "pinecrest", "2026-12-20T10:00:00-05:00",
	    "update");
	run(fx, TO(PINE), "I am following up on my application.", NOW);
	expect(fx, "follow-up-too-soon", MG_SEV_HOLD);
	expect_none(fx, "frequency");
	assert_non_null(strstr(finding(fx, "follow-up-too-soon")->message,
	    "2027-01-10"));
	/* Real news lifts it. */
	run(fx, TO(PINE), "I wanted to share that I passed USMLE Step 3 "
	    "last week.", NOW);
	expect_none(fx, "follow-up-too-soon");
	/* After 21 days it is allowed. */
	run(fx, TO(PINE), "I am following up on my application.",
	    "2027-01-10T10:00:01-05:00");
	expect_none(fx, "follow-up-too-soon");
	/* A reply from the program since the last message lifts it. */
	assert_int_equal(mg_ledger_record_reply(fx->ledger, "r1@pinecrest.org",
	    "pinecrest", at("2026-12-22T10:00:00Z"), "p1@example.com",
	    &inserted, err, sizeof(err)), 0);
	run(fx, TO(PINE), "I am following up on my application.", NOW);
	expect_none(fx, "follow-up-too-soon");
	/* An interview since the last message counts as contact. */
	fixture_sent(fx, "h0@example.com", "harborview", "2026-11-01T10:00:00-05:00",
	    "inquiry");
	run(fx, TO(HARBOR), "Thank you for the interview yesterday.",
	    "2026-11-11T10:00:00-05:00");
	expect_none(fx, "follow-up-too-soon");
	assert_string_equal(fx->msg_class, "thank-you");
}

/* --- season-cap (policy: warn above 3, hold above 4) --------------- */

static void
season_cap(void **state)
{
	struct fixture	*fx = *state;

	fixture_sent(fx, "s1@example.com", "harborview", "2026-10-01T10:00:00Z", "inquiry");
	fixture_sent(fx, "s2@example.com", "pinecrest", "2026-10-02T10:00:00Z", "inquiry");
	fixture_sent(fx, "s3@example.com", "riverbend", "2026-10-03T10:00:00Z", "inquiry");
	/* A fourth program: above 3. */
	run(fx, TO(NORTH), "I am writing to ask about the program.", NOW);
	expect(fx, "season-cap", MG_SEV_WARN);
	/* A program already counted adds nothing. */
	run(fx, TO(RIVER), "I am writing to ask about the program.", NOW);
	expect_none(fx, "season-cap");
	fixture_sent(fx, "s4@example.com", "northfield", "2026-10-04T10:00:00Z", "inquiry");
	run(fx, TO(LAKE), "I am writing to ask about the program.",
	    "2026-11-20T10:00:00Z");
	expect(fx, "season-cap", MG_SEV_HOLD);
	/* After that program's interview (2026-12-01) it is not a cold
	 * contact. */
	run(fx, TO(LAKE), "Thank you for the interview.", "2026-12-02T10:00:00Z");
	expect_none(fx, "season-cap");
}

/* --- vague-praise -------------------------------------------------- */

static void
vague_praise(void **state)
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

/* --- severity overrides -------------------------------------------- */

static int
setup_overrides(void **state)
{
	return open_fixture(state, "rules = { placeholder = \"warn\"; "
	    "\"vague-praise\" = \"off\"; \"mass-recipients\" = \"off\"; };");
}

static void
overrides(void **state)
{
	struct fixture	*fx = *state;

	run(fx, TO(HARBOR), "Your excellent and prestigious program, "
	    "[Program Name], is my goal.", NOW);
	expect(fx, "placeholder", MG_SEV_WARN);
	expect_none(fx, "vague-praise");
	assert_int_equal(fx->verdict, MG_WARN);
	run(fx, "To: " HARBOR ", " PINE "\r\nSubject: Hi\r\n", "Hello.", NOW);
	expect_none(fx, "mass-recipients");
}

static void
unknown_rule_setting(void **state)
{
	struct mg_config	cfg;
	char			err[MG_ERRLEN], *dir, *path, text[8192];

	(void)state;
	dir = mg_test_tmpdir();
	snprintf(text, sizeof(text), conf_text,
	    "rules = { \"palceholder\" = \"warn\"; };");
	path = mg_test_write(dir, "matchguard.conf", text);
	assert_int_equal(mg_config_load(path, &cfg, err, sizeof(err)), 0);
	assert_int_equal(mg_policy_validate(&cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "palceholder"));
	assert_non_null(strstr(err, ":4:"));
	mg_config_clear(&cfg);
	mg_test_rmrf(dir);
	free(dir);
	free(path);
}

/* --- classes ------------------------------------------------------- */

static void
classes(void **state)
{
	struct fixture	*fx = *state;
	static const struct {
		const char	*body, *want;
	} cases[] = {
		{ "Harborview is my number one choice.", "intent" },
		{ "Thank you for the interview on Tuesday.", "thank-you" },
		{ "This is a letter of strong interest.", "interest" },
		{ "I am following up on my application.", "follow-up" },
		{ "I am pleased to share that my paper was published.", "update" },
		{ "Do you sponsor J-1 visas?", "inquiry" },
		{ "Hello.", "other" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run(fx, TO("friend@example.org"), cases[i].body, NOW);
		assert_string_equal(fx->msg_class, cases[i].want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(placeholder_trips, setup, teardown),
		cmocka_unit_test_setup_teardown(placeholder_near_misses, setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_program_trips, setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_program_near_misses, setup, teardown),
		cmocka_unit_test_setup_teardown(mass_recipients, setup, teardown),
		cmocka_unit_test_setup_teardown(ambiguous_recipient, setup, teardown),
		cmocka_unit_test_setup_teardown(missing_attachment, setup, teardown),
		cmocka_unit_test_setup_teardown(ranking_question, setup, teardown),
		cmocka_unit_test_setup_teardown(bargaining, setup, teardown),
		cmocka_unit_test_setup_teardown(letter_of_intent, setup, teardown),
		cmocka_unit_test_setup_teardown(frequency, setup, teardown),
		cmocka_unit_test_setup_teardown(follow_up, setup, teardown),
		cmocka_unit_test_setup_teardown(season_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(vague_praise, setup, teardown),
		cmocka_unit_test_setup_teardown(overrides, setup_overrides, teardown),
		cmocka_unit_test(unknown_rule_setting),
		cmocka_unit_test_setup_teardown(classes, setup, teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
