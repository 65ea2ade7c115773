/*
 * test_paraphrases.c - the paraphrase tables of the NRMP rules, checked
 * through the whole policy.
 *
 * Every tests/paraphrases/RULE.tsv (the blind table) and
 * tests/paraphrases/PREFIX-RULE.tsv (ours) holds lines "expect<TAB>text" (expect is flag or clean; # starts a
 * comment).  {program} in text stands for the recipient program's name,
 * {other} for another program's; a text starting "Subject: " is the
 * subject line.  Each text becomes a short letter to Harborview, checked
 * with a ledger in which Lakeside already got a letter of intent, so
 * that a letter of intent to Harborview is a hold.  Every line is run
 * twice: with the names as in the directory, and shortened
 * ("Harborview", "Lakeside") as writers do.
 *
 * A flag line is recalled when RULE holds the letter (for
 * letter-of-intent, any finding of it: the first letter of intent only
 * gets a note); a clean line is a false hold when RULE holds it.  Prints
 * "RULE: recall X/Y (Z%), false holds N/M" per table and per rule, and
 * every line it got wrong; fails when a rule's recall is under 95% or it
 * holds any clean line (the goal of issue 10).
 */
#include "config_auto.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "matchguard/buf.h"
#include "matchguard/policy.h"
#include "mg_test.h"

#define HARBOR	"genetics-residency@harborview.edu"
#define PROGRAM	"Harborview University Medical Genetics Residency"
#define OTHER	"Lakeside Medical Genetics and Genomics Residency"
#define NOW	"2027-02-01T10:00:00-05:00"
#define MIN_LINES 40	/* of each kind, in the blind table */

static const char conf_text[] =
    "identity = { name = \"Priya Raman\"; addresses = [ \"priya.raman@example.com\" ]; };\n"
    "season = { eras_open = \"2026-09-24\"; rol_deadline = \"2027-03-03\"; match_day = \"2027-03-19\"; };\n"
    "paths = { state = \"state\"; filters = \"" MG_SRCDIR "/filters\"; };\n"
    "policy = { %s };\n"
    "programs = (\n"
    " { id = \"harborview\"; name = \"" PROGRAM "\";\n"
    "   aliases = [ \"Harborview Genetics\" ]; institution = \"Harborview University\";\n"
    "   addresses = [ \"" HARBOR "\" ]; domains = [ \"harborview.edu\" ];\n"
    "   contacts = ( { role = \"director\"; name = \"Elena Marchetti\"; } );\n"
    "   interview_date = \"2026-11-10\"; },\n"
    " { id = \"lakeside\"; name = \"" OTHER "\";\n"
    "   institution = \"Lakeside Medical Center\"; addresses = [ \"gen-residency@lakeside.edu\" ];\n"
    "   domains = [ \"lakeside.edu\" ]; interview_date = \"2026-12-01\"; },\n"
    " { id = \"pinecrest\"; name = \"The Pinecrest Institute Genetics Residency\";\n"
    "   institution = \"Pinecrest Institute\"; addresses = [ \"residency@pinecrest.org\" ];\n"
    "   domains = [ \"pinecrest.org\" ]; interview_date = \"2027-01-12\"; }\n"
    ");\n";

#include "rules_fixture.h"

struct tally {
	size_t	flags, recalled, cleans, false_holds;
};

/* The names put in for {program} and {other}: as in the directory, and
 * as a writer shortens them. */
static const char *const names[][2] = {
	{ PROGRAM, OTHER },
	{ "Harborview", "Lakeside" },
};
static size_t variant;

/* text with {program} and {other} put in; caller frees. */
static char *
fill(const char *text, const char *file, size_t line)
{
	struct mg_buf	b = { 0 };

	mg_buf_puts(&b, "");
	for (const char *p = text; *p != '\0';) {
		if (strncmp(p, "{program}", 9) == 0) {
			mg_buf_puts(&b, names[variant][0]);
			p += 9;
		} else if (strncmp(p, "{other}", 7) == 0) {
			mg_buf_puts(&b, names[variant][1]);
			p += 7;
		} else if (*p == '{' && strchr(p, '}') != NULL) {
			fail_msg("%s:%zu: unknown slot in \"%s\"", file, line, text);
		} else
			mg_buf_printf(&b, "%c", *p++);
	}
	assert_false(b.failed);
	return b.s;
}

static void
prepare_history(struct fixture *fx)
{
	const char	*progs[1] = { "lakeside" };
	struct mg_sent	 s = { 0 };
	char		 hash[65], err[MG_ERRLEN];
	int		 inserted;

	mg_sha256_hex("loi-lakeside", 12, hash);
	s.message_id = "loi-lakeside@example.com";
	s.content_hash = hash;
	s.date = at("2027-01-20T09:00:00Z");
	s.subject = "Letter of intent";
	s.msg_class = "intent";
	s.verdict = "imported";
	s.programs = progs;
	s.n_programs = 1;
	if (mg_ledger_record_sent(fx->ledger, &s, &inserted, err,
	    sizeof(err)) == -1)
		fail_msg("record: %s", err);
}

/* Does the policy hold a letter with this text for rule (any finding
 * of it when any)? */
static int
held(struct fixture *fx, const char *rule, const char *text, int any)
{
	struct mg_message	*m;
	const char		*subject = "Residency application";
	const char		*body = text;
	char			 raw[16384], err[MG_ERRLEN], subj[1024];
	const struct mg_finding	*f;

	if (strncmp(text, "Subject: ", 9) == 0) {
		snprintf(subj, sizeof(subj), "%s", text + 9);
		subject = subj;
		body = "I am writing about my application.";
	}
	snprintf(raw, sizeof(raw), "From: Priya Raman <priya.raman@example.com>\r\n"
	    "To: " HARBOR "\r\nSubject: %s\r\n"
	    "Date: Mon, 1 Feb 2027 10:00:00 -0500\r\n"
	    "Message-ID: <para-%p@example.com>\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n\r\n"
	    "Dear Dr. Marchetti,\r\n\r\n"
	    "I recently finished a rotation in biochemical genetics. %s "
	    "I look forward to hearing from you.\r\n\r\n"
	    "Best regards,\r\nPriya Raman\r\n", subject, (void *)fx, body);
	if (mg_message_parse(raw, strlen(raw), &m, err, sizeof(err)) == -1)
		fail_msg("parse: %s", err);
	fixture_check(fx, m, at(NOW), NULL, NULL);
	mg_message_free(m);
	f = finding(fx, rule);
	return f != NULL && (any || f->sev == MG_SEV_HOLD);
}

static void
run_table(struct fixture *fx, const char *rule, const char *path,
    const char *name, struct tally *all, int blind)
{
	struct tally	 t = { 0 };
	char		*data, *line, *save = NULL, err[MG_ERRLEN];
	size_t		 len, no = 0;

	if (mg_read_file(path, 1 << 20, &data, &len, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	for (line = strtok_r(data, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		char	*tab, *text;
		int	 flag, got;

		no++;
		line[strcspn(line, "\r")] = '\0';
		if (line[0] == '#' || line[strspn(line, " \t")] == '\0')
			continue;
		if ((tab = strchr(line, '\t')) == NULL)
			fail_msg("%s:%zu: no tab", name, no);
		*tab = '\0';
		if (strcmp(line, "flag") != 0 && strcmp(line, "clean") != 0)
			fail_msg("%s:%zu: \"%s\" is neither flag nor clean",
			    name, no, line);
		flag = strcmp(line, "flag") == 0;
		text = fill(tab + 1, name, no);
		got = held(fx, rule, text, flag &&
		    strcmp(rule, "letter-of-intent") == 0);
		if (flag) {
			t.flags++;
			t.recalled += got;
			if (!got)
				print_message("  missed     %s:%zu: %s\n", name, no,
				    text);
		} else {
			t.cleans++;
			t.false_holds += got;
			if (got)
				print_message("  false hold %s:%zu: %s\n", name,
				    no, text);
		}
		free(text);
	}
	free(data);
	print_message("%s (%s, %s): recall %zu/%zu (%.0f%%), false holds "
	    "%zu/%zu\n", rule, name, variant ? "short names" : "full names",
	    t.recalled, t.flags, t.flags ?
	    100.0 * (double)t.recalled / (double)t.flags : 0.0, t.false_holds,
	    t.cleans);
	if (blind && (t.flags < MIN_LINES || t.cleans < MIN_LINES))
		fail_msg("%s: fewer than %d lines of each kind", name, MIN_LINES);
	all->flags += t.flags;
	all->recalled += t.recalled;
	all->cleans += t.cleans;
	all->false_holds += t.false_holds;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* RULE.tsv (the blind table, which must be there) and every
 * PREFIX-RULE.tsv of ours, in name order. */
static void
check_rule(void **state, const char *rule)
{
	struct fixture	*fx = *state;
	struct tally	 all = { 0 };
	/* MG_PARAPHRASES names another folder of tables, to measure a set
	 * kept out of the tree (held out) with the same harness. */
	const char	*dir = getenv("MG_PARAPHRASES") != NULL ?
	    getenv("MG_PARAPHRASES") : MG_SRCDIR "/tests/paraphrases";
	char		 path[4096], want[256], suffix[256];
	struct mg_strlist files = { 0 };
	DIR		*dh;
	struct dirent	*de;
	double		 recall;
	int		 blind = 0;

	(void)expect;		/* the fixture's, unused here */
	(void)expect_none;
	prepare_history(fx);
	snprintf(want, sizeof(want), "%s.tsv", rule);
	snprintf(suffix, sizeof(suffix), "-%s.tsv", rule);
	assert_non_null(dh = opendir(dir));
	while ((de = readdir(dh)) != NULL) {
		size_t	n = strlen(de->d_name), ls = strlen(suffix);

		if (strcmp(de->d_name, want) == 0 || (n > ls &&
		    strcmp(de->d_name + n - ls, suffix) == 0))
			assert_int_equal(mg_strlist_add(&files, de->d_name), 0);
	}
	closedir(dh);
	if (files.n > 0)
		qsort(files.v, files.n, sizeof(*files.v), cmp_names);
	for (variant = 0; variant < sizeof(names) / sizeof(names[0]); variant++)
		for (size_t i = 0; i < files.n; i++) {
			int	is_blind = strcmp(files.v[i], want) == 0;

			snprintf(path, sizeof(path), "%s/%s", dir, files.v[i]);
			run_table(fx, rule, path, files.v[i], &all, is_blind);
			blind |= is_blind;
		}
	mg_strlist_clear(&files);
	recall = all.flags ? 100.0 * (double)all.recalled / (double)all.flags :
	    0.0;
	print_message("%s: recall %zu/%zu (%.1f%%), false holds %zu/%zu\n",
	    rule, all.recalled, all.flags, recall, all.false_holds, all.cleans);
	if (!blind)
		fail_msg("%s/%s: missing", dir, want);
	if (recall < 95.0 || all.false_holds > 0)
		fail_msg("%s: the goal is recall >= 95%% and no false hold",
		    rule);
}

static void
letter_of_intent(void **state)
{
	check_rule(state, "letter-of-intent");
}

static void
ranking_question(void **state)
{
	check_rule(state, "ranking-question");
}

static void
bargaining(void **state)
{
	check_rule(state, "bargaining");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(letter_of_intent, setup, teardown),
		cmocka_unit_test_setup_teardown(ranking_question, setup, teardown),
		cmocka_unit_test_setup_teardown(bargaining, setup, teardown),
	};

	int	rc;

	mg_message_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_message_shutdown();
	return rc;
}
