/*
 * test_generic_template.c - the generic-template rule
 * (src/rules/generic_template.c): a letter as alike (names aside) as
 * template_similarity to one sent to another program, with the bounded
 * lookup over 100,000 letters.
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
generic_template_trips(void **state)
{
	struct fixture	*fx = *state;
	char		*c = form_letter("Dr. Marchetti", "Harborview "
	    "University Medical Genetics Residency", "Harborview University",
	    "");
	const struct mg_finding *f;

	record_form_letters(fx);
	run(fx, TO(HARBOR), c, "2026-10-05T10:00:00Z");
	expect(fx, "generic-template", MG_SEV_HOLD);
	assert_int_equal(fx->verdict, MG_HOLD);
	f = finding(fx, "generic-template");
	expect_text(fx, "generic-template", "2 other programs");
	expect_text(fx, "generic-template", "Pinecrest");
	expect_text(fx, "generic-template", "Lakeside");
	expect_text(fx, "generic-template", "2026-10-02");
	assert_non_null(strstr(f->evidence, "lakeside 2026-10-01"));
	free(c);

	/* The same with the alias, no greeting name and wrapped lines. */
	c = form_letter("Program Director", "Harborview Genetics",
	    "Harborview", "");
	run(fx, TO(HARBOR), c, "2026-10-05T10:00:00Z");
	expect(fx, "generic-template", MG_SEV_HOLD);
	free(c);

	/* Something specific to the recipient: only a warning. */
	c = form_letter("Dr. Marchetti", "Harborview University Medical "
	    "Genetics Residency", "Harborview University", " I am drawn to "
	    "your hereditary cancer clinic.");
	run(fx, TO(HARBOR), c, "2026-10-05T10:00:00Z");
	expect(fx, "generic-template", MG_SEV_WARN);
	expect_text(fx, "generic-template", "hereditary cancer clinic");
	free(c);
	/* A track counts, and so does a contact named in the text. */
	c = form_letter("Dr. Marchetti", "Harborview University Medical "
	    "Genetics Residency", "Harborview University", " The "
	    "physician-scientist track fits my plans.");
	run(fx, TO(HARBOR), c, "2026-10-05T10:00:00Z");
	expect(fx, "generic-template", MG_SEV_WARN);
	free(c);
	c = form_letter("Program Director", "Harborview University Medical "
	    "Genetics Residency", "Harborview University", " Ms. Whitfield "
	    "kindly answered my questions.");
	run(fx, TO(HARBOR), c, "2026-10-05T10:00:00Z");
	expect(fx, "generic-template", MG_SEV_WARN);
	free(c);
}

static void
generic_template_near_misses(void **state)
{
	struct fixture	*fx = *state;
	char		*c;
	static const char honest[] =
	    "Dear Dr. Marchetti,\n\n"
	    "I am writing to express my strong interest in the Harborview "
	    "University Medical Genetics Residency. During my research year "
	    "I worked on the diagnosis of rare diseases in children, "
	    "reviewed exome reports with genetic counselors every week, and "
	    "presented our results at a national meeting.\n\n"
	    "What draws me to Harborview is the hereditary cancer clinic, "
	    "where residents follow families with Lynch syndrome over "
	    "several years, and the biochemical genetics laboratory, where I "
	    "hope to learn how newborn screening results are confirmed. My "
	    "own work on mismatch repair variants would connect directly to "
	    "the questions your clinic asks every week.\n\n"
	    "I would also value the physician-scientist track, since I plan "
	    "to keep a part of my time for research after residency, ideally "
	    "on variant interpretation in underrepresented populations.\n\n"
	    "Thank you for considering my application.\n\n"
	    "Best regards,\nPriya Raman, MD\n";

	record_form_letters(fx);
	/* An honest, specific letter that reuses a few sentences. */
	run(fx, TO(HARBOR), honest, "2026-10-05T10:00:00Z");
	expect_none(fx, "generic-template");
	assert_int_equal(fx->verdict, MG_PASS);

	c = form_letter("Dr. Marchetti", "Harborview University Medical "
	    "Genetics Residency", "Harborview University", "");
	/* Before the earlier letters were sent, they do not count. */
	run(fx, TO(HARBOR), c, "2026-09-30T10:00:00Z");
	expect_none(fx, "generic-template");
	/* An answer to the program's own message is not compared. */
	run(fx, "To: " HARBOR "\r\nSubject: Re: Your question\r\n"
	    "In-Reply-To: <coord-1@harborview.edu>\r\n", c,
	    "2026-10-05T10:00:00Z");
	expect_none(fx, "generic-template");
	/* Mail to someone who is not a program is never compared with the
	 * history (this letter reads as one to a program: it gets only the
	 * note of unknown-program). */
	run(fx, TO("advisor@example.org"), c, "2026-10-05T10:00:00Z");
	expect_none(fx, "generic-template");
	assert_int_equal(fx->verdict, MG_PASS);
	free(c);

	/* The same letter again to the SAME program is not a template. */
	c = form_letter("Dr. Okafor", "Lakeside Medical Genetics and "
	    "Genomics Residency", "Lakeside Medical Center", "");
	run(fx, TO(LAKE), c, "2026-10-20T10:00:00Z");
	expect_text(fx, "generic-template", "1 other program ");
	expect_text(fx, "generic-template", "Pinecrest");
	free(c);

	/* Short identical notes are not letters. */
	sent_text(fx, "n1@example.com", "pinecrest", "2026-10-03T10:00:00Z",
	    "other", "Yes, January 12 works for me. Thank you, Priya");
	run(fx, TO(HARBOR), "Yes, January 12 works for me. Thank you, Priya",
	    "2026-10-05T10:00:00Z");
	expect_none(fx, "generic-template");
}

static int
setup_template_warn(void **state)
{
	return open_fixture(state, "template_similarity = 0.95; "
	    "rules = { \"generic-template\" = \"warn\"; };");
}

static void
generic_template_settings(void **state)
{
	struct fixture	*fx = *state;
	char		*c = form_letter("Dr. Marchetti", "Harborview "
	    "University Medical Genetics Residency", "Harborview University",
	    "");
	char		*d = form_letter("Dr. Marchetti", "Harborview "
	    "University Medical Genetics Residency", "Harborview University",
	    " Last spring I also completed a two-month elective in "
	    "metabolic genetics, which confirmed my choice of specialty and "
	    "taught me to read plasma amino acid profiles.");

	record_form_letters(fx);
	/* The severity set by the user. */
	run(fx, TO(HARBOR), c, "2026-10-05T10:00:00Z");
	expect(fx, "generic-template", MG_SEV_WARN);
	assert_int_equal(fx->verdict, MG_WARN);
	/* A stricter threshold: a letter with a new sentence passes. */
	run(fx, TO(HARBOR), d, "2026-10-05T10:00:00Z");
	expect_none(fx, "generic-template");
	free(c);
	free(d);
}

/*
 * 100,000 past letters: the lookup reads the same bucket rows as with
 * none, and never more than MG_TEXTSIM_BANDS * MG_LEDGER_MAX_BUCKET_ROWS.
 * The unrelated letters' signatures are random values (MinHash values of
 * unrelated texts are independent); their band buckets are computed and
 * stored as the ledger stores them, in one transaction for speed.
 */
#define BIG_HISTORY	100000

static uint64_t
rng(uint64_t *s)
{
	uint64_t	z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static void
fill_history(struct fixture *fx)
{
	char		*path = mg_test_path(fx->dir, "state/ledger.sqlite");
	sqlite3		*db;
	sqlite3_stmt	*s, *p, *g, *b;
	uint64_t	 seed = 42;
	char		 mid[32], prog[16], err[MG_ERRLEN];

	/* Alone on the file, without a journal: a bulk load, not a test of
	 * the ledger's writes. */
	mg_ledger_close(&fx->ledger);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode = OFF;"
	    " PRAGMA synchronous = OFF; PRAGMA cache_size = -65536; BEGIN",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO sent (id,"
	    " message_id, content_hash, date, class) VALUES (?1, ?2, ?2, ?3,"
	    " 'update')", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO sent_program"
	    " VALUES (?1, ?2, ?3, 'update')", -1, &p, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO sent_sig"
	    " VALUES (?1, 1, ?2)", -1, &g, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO sent_band"
	    " VALUES (?1, ?2, ?3, ?4, ?5)", -1, &b, NULL), SQLITE_OK);
	for (int i = 0; i < BIG_HISTORY; i++) {
		struct mg_textsig	sig;
		unsigned char		blob[MG_TEXTSIM_SIGBYTES];
		int64_t			bucket[MG_TEXTSIM_BANDS];
		sqlite3_int64		id = 1000000 + i;
		sqlite3_int64		date = 1790000000 + (sqlite3_int64)i * 60;

		for (size_t k = 0; k < MG_TEXTSIM_HASHES; k++)
			sig.mh[k] = (uint32_t)rng(&seed);
		sig.words = 150;
		mg_textsim_pack(&sig, blob);
		mg_textsim_bands(&sig, bucket);
		snprintf(mid, sizeof(mid), "bulk%d@example.com", i);
		snprintf(prog, sizeof(prog), "P%04d", i % 5000);
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, mid, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 3, date);
		assert_int_equal(sqlite3_step(s), SQLITE_DONE);
		sqlite3_reset(s);
		sqlite3_bind_int64(p, 1, id);
		sqlite3_bind_text(p, 2, prog, -1, SQLITE_STATIC);
		sqlite3_bind_int64(p, 3, date);
		assert_int_equal(sqlite3_step(p), SQLITE_DONE);
		sqlite3_reset(p);
		sqlite3_bind_int64(g, 1, id);
		sqlite3_bind_blob(g, 2, blob, sizeof(blob), SQLITE_STATIC);
		assert_int_equal(sqlite3_step(g), SQLITE_DONE);
		sqlite3_reset(g);
		for (int k = 0; k < MG_TEXTSIM_BANDS; k++) {
			sqlite3_bind_int(b, 1, k);
			sqlite3_bind_int64(b, 2, bucket[k]);
			sqlite3_bind_int64(b, 3, date);
			sqlite3_bind_int64(b, 4, id);
			sqlite3_bind_text(b, 5, prog, -1, SQLITE_STATIC);
			assert_int_equal(sqlite3_step(b), SQLITE_DONE);
			sqlite3_reset(b);
		}
	}
	sqlite3_finalize(s);
	sqlite3_finalize(p);
	sqlite3_finalize(g);
	sqlite3_finalize(b);
	assert_int_equal(sqlite3_exec(db, "COMMIT; PRAGMA journal_mode = WAL",
	    NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	if (mg_ledger_open(path, MG_LEDGER_RW, &fx->ledger, err,
	    sizeof(err)) == -1)
		fail_msg("ledger: %s", err);
	free(path);
}

/* Bucket rows and signatures read by one check of letter at iso. */
static void
rows_read(struct fixture *fx, const char *letter, const char *iso,
    unsigned long *rows, unsigned long *sigs)
{
	struct mg_ledger_stats	a, b;

	mg_ledger_stats(fx->ledger, &a);
	run(fx, TO(HARBOR), letter, iso);
	mg_ledger_stats(fx->ledger, &b);
	*rows = b.bucket_rows - a.bucket_rows;
	*sigs = b.signatures - a.signatures;
}

static void
generic_template_100k(void **state)
{
	struct fixture	*fx = *state;
	char		*c = form_letter("Dr. Marchetti", "Harborview "
	    "University Medical Genetics Residency", "Harborview University",
	    "");
	unsigned long	 rows_small, sigs_small, rows_big, sigs_big;
	const char	*when = "2027-01-20T10:00:00Z";

	record_form_letters(fx);
	rows_read(fx, c, when, &rows_small, &sigs_small);
	expect(fx, "generic-template", MG_SEV_HOLD);
	expect_text(fx, "generic-template", "2 other programs");
	assert_true(rows_small > 0);
	assert_true(rows_small <= 2 * MG_TEXTSIM_BANDS);
	assert_int_equal(sigs_small, 2);

	fill_history(fx);
	rows_read(fx, c, when, &rows_big, &sigs_big);
	print_message("    %d past letters: %lu bucket rows and %lu "
	    "signatures read (with 2: %lu and %lu)\n", BIG_HISTORY + 2,
	    rows_big, sigs_big, rows_small, sigs_small);
	expect(fx, "generic-template", MG_SEV_HOLD);
	expect_text(fx, "generic-template", "2 other programs");
	assert_int_equal(rows_big, rows_small);
	assert_int_equal(sigs_big, sigs_small);
	/* A different, honest letter reads (next to) nothing. */
	rows_read(fx, "Dear Dr. Marchetti,\n\nThank you for the tour of "
	    "the biochemical genetics laboratory last week. Watching the "
	    "team confirm a newborn screening result for propionic acidemia "
	    "showed me how closely the laboratory and the clinic work "
	    "together, which is exactly the training I hope to find. I also "
	    "appreciated the chance to talk with two residents about their "
	    "research projects on variant interpretation and about life in "
	    "the city. I look forward to staying in touch.\n\nBest regards,\n"
	    "Priya", when, &rows_big, &sigs_big);
	expect_none(fx, "generic-template");
	assert_true(rows_big <= 2);
	free(c);
}

/* The same letter to 300 programs: the rows read stop at the cap. */
static void
generic_template_bucket_cap(void **state)
{
	struct fixture	*fx = *state;
	char		*c = form_letter("Dr. Marchetti", "Harborview "
	    "University Medical Genetics Residency", "Harborview University",
	    "");
	char		*a = form_letter("Dr. Okafor", "Lakeside Medical "
	    "Genetics and Genomics Residency", "Lakeside Medical Center", "");
	unsigned long	 rows, sigs;

	for (int i = 0; i < 300; i++) {
		char	mid[32], prog[16], iso[32];

		snprintf(mid, sizeof(mid), "copy%d@example.com", i);
		snprintf(prog, sizeof(prog), "other%03d", i);
		snprintf(iso, sizeof(iso), "2026-10-%02dT%02d:%02d:00Z",
		    1 + i / 100, (i / 60) % 24, i % 60);
		sent_text(fx, mid, prog, iso, "update", a);
	}
	rows_read(fx, c, "2026-11-01T10:00:00Z", &rows, &sigs);
	expect(fx, "generic-template", MG_SEV_HOLD);
	expect_text(fx, "generic-template", "at least 100 other programs");
	assert_true(rows <= (unsigned long)MG_TEXTSIM_BANDS *
	    MG_LEDGER_MAX_BUCKET_ROWS);
	assert_true(sigs <= MG_LEDGER_MAX_BUCKET_ROWS);
	free(a);
	free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(generic_template_trips, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(generic_template_near_misses, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(generic_template_settings, setup_template_warn,
		    teardown),
		cmocka_unit_test_setup_teardown(generic_template_100k, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(generic_template_bucket_cap, setup,
		    teardown),
	};

	const char	*base = getenv("TMPDIR");
	char		 priv[4096];
	int		 rc;

	/* The fixtures live in a folder of this run's own: the 100,000-letter
	 * test runs long enough for a cleaner of stale mgtest.* folders in a
	 * shared /tmp to pull its ledger away. */
	snprintf(priv, sizeof(priv), "%s/mgrulesst.XXXXXX", base != NULL &&
	    *base == '/' ? base : "/tmp");
	if (mkdtemp(priv) == NULL || setenv("TMPDIR", priv, 1) == -1) {
		perror(priv);
		return 1;
	}
	mg_message_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	(void)rmdir(priv);
	return rc;
}
