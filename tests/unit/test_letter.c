/*
 * test_letter.c - one letter: parse (with the envelope), check in either
 * mode, record (what each way out keeps), the copy of a held letter, and
 * clear.  A real configuration, the real filters/ and a real ledger in a
 * temporary directory (mg_app_open()).
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

#include "matchguard/letter.h"
#include "matchguard/signature.h"
#include "mg_test.h"

#define HARBOR	"genetics-residency@harborview.edu"

static const char conf_text[] =
    "identity = { name = \"Priya Raman\"; addresses = [ \"priya.raman@example.com\" ]; };\n"
    "season = { eras_open = \"2026-09-24\"; rol_deadline = \"2027-03-03\"; match_day = \"2027-03-19\"; };\n"
    "paths = { state = \"state\"; filters = \"" MG_SRCDIR "/filters\"; };\n"
    "programs = (\n"
    " { id = \"harborview\"; name = \"Harborview University Medical Genetics Residency\";\n"
    "   institution = \"Harborview University\";\n"
    "   addresses = [ \"" HARBOR "\" ]; domains = [ \"harborview.edu\" ];\n"
    "   contacts = ( { role = \"director\"; name = \"Elena Marchetti\"; } ); }\n"
    ");\n";

/* About 50 words to a program: signed, and it passes. */
static const char letter_text[] =
    "From: Priya Raman <priya.raman@example.com>\r\n"
    "To: " HARBOR "\r\n"
    "Subject: Continued interest\r\n"
    "Date: Tue, 01 Dec 2026 10:00:00 -0500\r\n"
    "Message-ID: <letter-1@example.com>\r\n"
    "\r\n"
    "Dear Dr. Marchetti,\r\n\r\n"
    "I remain very interested in the Harborview program and wanted to\r\n"
    "thank you again for our conversation about the hereditary cancer\r\n"
    "clinic.  Since we spoke, my case report on a family with Marfan\r\n"
    "syndrome was accepted for publication, and I would be glad to send\r\n"
    "it to you if it is of interest.\r\n\r\n"
    "Sincerely,\r\nPriya Raman\r\n";

struct fixture {
	char		*dir;
	struct mg_app	 app;
};

static int
setup(void **state)
{
	struct fixture	*fx = calloc(1, sizeof(*fx));
	char		 err[MG_ERRLEN], *path;

	assert_non_null(fx);
	fx->dir = mg_test_tmpdir();
	path = mg_test_write(fx->dir, "matchguard.conf", conf_text);
	if (mg_app_open(&fx->app, path, MG_LEDGER_RW, err, sizeof(err)) == -1)
		fail_msg("app: %s", err);
	free(path);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;

	mg_app_close(&fx->app);
	mg_test_rmrf(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

static time_t
at(const char *iso)
{
	time_t	t;

	assert_int_equal(mg_parse_time(iso, &t), 0);
	return t;
}

static void
parse_ok(struct mg_letter *lt, const char *text, const char *from,
    const struct mg_strlist *rcpts)
{
	char	err[MG_ERRLEN];

	if (mg_letter_parse(lt, text, strlen(text), from, rcpts, err,
	    sizeof(err)) != 0)
		fail_msg("parse: %s", err);
}

static void
check_ok(struct fixture *fx, struct mg_letter *lt, time_t now,
    enum mg_check_mode mode)
{
	char	err[MG_ERRLEN];

	if (mg_letter_check(lt, &fx->app, now, mode, err, sizeof(err)) == -1)
		fail_msg("check: %s", err);
}

static enum mg_letter_recorded
record_ok(struct fixture *fx, struct mg_letter *lt, enum mg_letter_how how)
{
	enum mg_letter_recorded	rec = (enum mg_letter_recorded)-1;
	char			err[MG_ERRLEN];

	if (mg_letter_record(lt, fx->app.ledger, how, &rec, err,
	    sizeof(err)) == -1)
		fail_msg("record: %s", err);
	return rec;
}

/* Both modes: the same class, programs and signature (the one the ledger
 * would compute from the new text); findings only with the rules. */
static void
test_modes(void **state)
{
	struct fixture		*fx = *state;
	struct mg_letter	 lt;
	struct mg_strlist	 rcpts = { 0 };
	struct mg_textsig	 sig;
	const char		*cls;

	assert_int_equal(mg_strlist_add(&rcpts, HARBOR), 0);
	parse_ok(&lt, letter_text, "priya.raman@example.com", &rcpts);
	assert_string_equal(lt.msg->env_from, "priya.raman@example.com");
	assert_int_equal(lt.msg->env_rcpts.n, 1);
	check_ok(fx, &lt, at("2026-12-01T10:00:00-05:00"), MG_CHECK_RULES);
	assert_int_equal(lt.checked, 1);
	assert_int_equal(lt.check.verdict, MG_PASS);
	assert_int_equal(lt.check.n_programs, 1);
	assert_string_equal(lt.programs, "harborview");
	assert_true(lt.check.sig.words >= 40);
	assert_int_equal(mg_signature_of(&fx->app.cfg, lt.msg->new_text,
	    &sig), 0);
	assert_int_equal(sig.words, lt.check.sig.words);
	assert_memory_equal(sig.mh, lt.check.sig.mh, sizeof(sig.mh));
	cls = lt.check.msg_class;

	check_ok(fx, &lt, lt.msg->date, MG_CHECK_CLASSIFY);
	assert_int_equal(lt.check.verdict, MG_PASS);
	assert_int_equal(lt.check.findings.n, 0);
	assert_string_equal(lt.check.msg_class, cls);
	assert_int_equal(lt.check.n_programs, 1);
	assert_memory_equal(sig.mh, lt.check.sig.mh, sizeof(sig.mh));
	mg_letter_clear(&lt);
	assert_null(lt.msg);
	assert_null(lt.check.programs);
	mg_strlist_clear(&rcpts);
}

/* What each way out keeps: verdict, findings and date. */
static void
test_record(void **state)
{
	struct fixture		*fx = *state;
	struct mg_letter	 lt;
	enum mg_letter_recorded	 rec;
	char			 err[MG_ERRLEN];
	time_t			 now = at("2026-12-01T10:00:00-05:00");

	/* Not checked: an error, nothing written. */
	parse_ok(&lt, letter_text, NULL, NULL);
	assert_int_equal(mg_letter_record(&lt, fx->app.ledger,
	    MG_LETTER_RELAYED, &rec, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not checked"));

	check_ok(fx, &lt, now, MG_CHECK_RULES);
	assert_int_equal(mg_letter_would_record(&lt, fx->app.ledger,
	    MG_LETTER_RELAYED, &rec, err, sizeof(err)), 0);
	assert_int_equal(rec, MG_LETTER_NEW);
	assert_int_equal(record_ok(fx, &lt, MG_LETTER_RELAYED), MG_LETTER_NEW);
	assert_int_equal(record_ok(fx, &lt, MG_LETTER_RELAYED),
	    MG_LETTER_KNOWN);
	assert_int_equal(mg_letter_would_record(&lt, fx->app.ledger,
	    MG_LETTER_COPY, &rec, err, sizeof(err)), 0);
	assert_int_equal(rec, MG_LETTER_KNOWN);
	mg_letter_clear(&lt);

	/* Mail to no program is not history. */
	parse_ok(&lt, "From: priya.raman@example.com\r\nTo: a@example.org\r\n"
	    "Subject: hi\r\nDate: Tue, 01 Dec 2026 10:00:00 -0500\r\n\r\n"
	    "Dinner on Friday?\r\n", NULL, NULL);
	check_ok(fx, &lt, now, MG_CHECK_RULES);
	assert_int_equal(record_ok(fx, &lt, MG_LETTER_RELAYED),
	    MG_LETTER_NOT_HISTORY);
	mg_letter_clear(&lt);
}

/* The copy of a letter serve held is not sent; one released was
 * recorded then; the release itself is recorded. */
static void
test_held_copy(void **state)
{
	struct fixture		*fx = *state;
	struct mg_letter	 lt, copy;
	enum mg_letter_recorded	 rec;
	char			 err[MG_ERRLEN];
	time_t			 now = at("2026-12-01T10:00:00-05:00");

	parse_ok(&lt, letter_text, NULL, NULL);
	check_ok(fx, &lt, now, MG_CHECK_RULES);
	assert_int_equal(mg_letter_record_held(&lt, fx->app.ledger, "held-1",
	    now, NULL, err, sizeof(err)), 0);

	parse_ok(&copy, letter_text, NULL, NULL);
	check_ok(fx, &copy, copy.msg->date, MG_CHECK_CLASSIFY);
	assert_int_equal(record_ok(fx, &copy, MG_LETTER_COPY),
	    MG_LETTER_HELD_COPY);
	assert_string_equal(copy.held.spool_id, "held-1");
	assert_string_equal(copy.held.state, "held");
	assert_int_equal(mg_letter_would_record(&copy, fx->app.ledger,
	    MG_LETTER_COPY, &rec, err, sizeof(err)), 0);
	assert_int_equal(rec, MG_LETTER_HELD_COPY);
	/* Dropped: still not sent. */
	assert_int_equal(mg_ledger_set_held_state(fx->app.ledger, "held-1",
	    "dropped", now, err, sizeof(err)), 0);
	assert_int_equal(record_ok(fx, &copy, MG_LETTER_COPY),
	    MG_LETTER_HELD_COPY);
	assert_string_equal(copy.held.state, "dropped");

	/* Released: recorded at the release, its copy is known. */
	assert_int_equal(mg_ledger_set_held_state(fx->app.ledger, "held-1",
	    "released", now, err, sizeof(err)), 0);
	assert_int_equal(record_ok(fx, &lt, MG_LETTER_RELEASED),
	    MG_LETTER_NEW);
	assert_int_equal(record_ok(fx, &copy, MG_LETTER_COPY),
	    MG_LETTER_KNOWN);
	mg_letter_clear(&copy);
	mg_letter_clear(&lt);
}

/* A letter lent by its owner (an mbox's message) is not freed. */
static void
test_lend(void **state)
{
	struct fixture		*fx = *state;
	struct mg_letter	 lt;
	struct mg_message	*m;
	char			 err[MG_ERRLEN];

	assert_int_equal(mg_message_parse(letter_text, strlen(letter_text), &m,
	    err, sizeof(err)), 0);
	mg_letter_lend(&lt, m);
	check_ok(fx, &lt, m->date, MG_CHECK_CLASSIFY);
	mg_letter_clear(&lt);
	assert_string_equal(m->message_id, "letter-1@example.com");
	mg_message_free(m);
	assert_int_equal(mg_letter_parse(&lt, "\x01\x02", 2, NULL, NULL, err,
	    sizeof(err)), -1);
	assert_null(lt.msg);
	mg_letter_clear(&lt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_held_copy, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lend, setup, teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
