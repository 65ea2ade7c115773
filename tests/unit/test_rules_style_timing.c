/*
 * test_rules_style_timing.c - the style and timing rules (the second
 * policy issue): generic-template (with the 100,000-letter bounded
 * lookup), greeting-name, vague-praise, thank-you-late, intent-timing,
 * repeat-status and length, the message classes they rely on, and
 * severity overrides, each with messages that must trip it and near
 * misses that must not.  Real configuration, real filters/ and a real
 * ledger in a temporary directory, as in test_rules.c.
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
#include <sqlite3.h>

#include "matchguard/policy.h"
#include "mg_test.h"

#define HARBOR	"genetics-residency@harborview.edu"
#define LAKE	"gen-residency@lakeside.edu"
#define PINE	"residency@pinecrest.org"
#define NORTH	"mgen@northfield.edu"
#define RIVER	"genetics@riverbend.org"
#define CEDAR	"genetics@cedarhill.edu"

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
    "   features = [ \"hereditary cancer clinic\", \"biochemical genetics laboratory\" ];\n"
    "   tracks = [ \"physician-scientist track\" ];\n"
    "   interview_date = \"2026-11-10\"; },\n"
    " { id = \"lakeside\"; name = \"Lakeside Medical Genetics and Genomics Residency\";\n"
    "   institution = \"Lakeside Medical Center\"; addresses = [ \"" LAKE "\" ];\n"
    "   domains = [ \"lakeside.edu\" ];\n"
    "   contacts = ( { role = \"director\"; name = \"Samuel Okafor\"; },\n"
    "                { role = \"coordinator\"; name = \"Robert Smith\"; } );\n"
    "   features = [ \"prenatal genetics clinic\" ]; interview_date = \"2026-12-01\"; },\n"
    " { id = \"pinecrest\"; name = \"The Pinecrest Institute Genetics Residency\";\n"
    "   institution = \"Pinecrest Institute\"; addresses = [ \"" PINE "\" ];\n"
    "   domains = [ \"pinecrest.org\" ];\n"
    "   contacts = ( { role = \"director\"; name = \"Margaret Osei\"; } );\n"
    "   features = [ \"cardiogenetics clinic\" ]; interview_date = \"2027-01-12\"; },\n"
    " { id = \"northfield\"; name = \"Northfield Medical Genetics Residency\";\n"
    "   institution = \"Northfield University\"; domains = [ \"northfield.edu\" ];\n"
    "   contacts = ( { role = \"director\"; name = \"Jos\xc3\xa9 N\xc3\xba\xc3\xb1" "ez-Ortega\"; },\n"
    "                { role = \"coordinator\"; name = \"Anne-Marie Kowalski-Berg\"; } ); },\n"
    " { id = \"riverbend\"; name = \"Riverbend Genetics Residency\";\n"
    "   institution = \"Riverbend Health\"; domains = [ \"riverbend.org\" ];\n"
    "   features = [ \"neurogenetics clinic\" ]; },\n"
    " { id = \"cedarhill\"; name = \"Cedar Hill Medical Genetics Residency\";\n"
    "   institution = \"Cedar Hill University\"; domains = [ \"cedarhill.edu\" ];\n"
    "   contacts = ( { role = \"director\"; name = \"Ruth Abernathy\"; } );\n"
    "   interview_date = \"2026-12-10\"; }\n"
    ");\n";

#include "rules_fixture.h"

/* Records a letter already sent to program at iso, with its text's
 * template signature (as import-sent and serve record it). */
static void
sent_text(struct fixture *fx, const char *msgid, const char *program,
    const char *iso, const char *msg_class, const char *body)
{
	const char		*progs[1] = { program };
	struct mg_sent		 s = { 0 };
	struct mg_textsig	 sig;
	char			 hash[65], err[MG_ERRLEN];
	int			 inserted;

	mg_sha256_hex(msgid, strlen(msgid), hash);
	assert_int_equal(mg_policy_signature(&fx->cfg, body, &sig), 0);
	s.message_id = msgid;
	s.content_hash = hash;
	s.date = at(iso);
	s.subject = "earlier message";
	s.msg_class = msg_class;
	s.verdict = "imported";
	s.programs = progs;
	s.n_programs = 1;
	s.sig = &sig;
	if (mg_ledger_record_sent(fx->ledger, &s, &inserted, err,
	    sizeof(err)) == -1)
		fail_msg("record: %s", err);
	assert_true(inserted);
}

static void
sent(struct fixture *fx, const char *msgid, const char *program,
    const char *iso, const char *msg_class)
{
	sent_text(fx, msgid, program, iso, msg_class, "");
}

/* Checks a message made of headers and body at time iso. */
static void
run(struct fixture *fx, const char *headers, const char *body, const char *iso)
{
	struct mg_message	*m;
	char			*raw, err[MG_ERRLEN];
	size_t			 len = strlen(headers) + strlen(body) + 512;

	raw = malloc(len);
	assert_non_null(raw);
	snprintf(raw, len, "From: Priya Raman <priya.raman@example.com>\r\n"
	    "Date: Mon, 4 Jan 2027 10:00:00 -0500\r\n"
	    "Message-ID: <new-%p@example.com>\r\n%s"
	    "Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
	    (void *)fx, headers, body);
	if (mg_message_parse(raw, strlen(raw), &m, err, sizeof(err)) == -1)
		fail_msg("parse: %s", err);
	free(raw);
	fixture_check(fx, m, at(iso), NULL, NULL);
	mg_message_free(m);
}

static void
expect_text(const struct fixture *fx, const char *rule, const char *part)
{
	const struct mg_finding	*f = finding(fx, rule);

	assert_non_null(f);
	if (strstr(f->message, part) == NULL)
		fail_msg("%s: \"%s\" not in: %s", rule, part, f->message);
}

#define TO(a)	"To: " a "\r\nSubject: Application\r\n"
#define NOW	"2027-01-04T10:00:00-05:00"

/* --- generic-template ---------------------------------------------- */

/*
 * One form letter: the program, the institution and the director change,
 * nothing else.  About 150 words.
 */
static char *
form_letter(const char *greeting, const char *program, const char *inst,
    const char *extra)
{
	char	*s = malloc(4096);

	assert_non_null(s);
	snprintf(s, 4096, "Dear %s,\n\n"
	    "I am writing to express my strong interest in the %s. As an "
	    "international medical graduate with three years of research in "
	    "clinical genetics, I have long admired the training that %s "
	    "offers its residents.\n\n"
	    "During my research year I worked on the diagnosis of rare "
	    "diseases in children, reviewed exome reports with genetic "
	    "counselors every week, and presented our results at a national "
	    "meeting. These experiences taught me how much careful "
	    "communication matters to families who wait years for an "
	    "answer.%s\n\n"
	    "I believe my background in research and my commitment to "
	    "patient care would allow me to contribute to your program from "
	    "the first day. I would be grateful for the opportunity to "
	    "interview and to learn more about your residents and faculty.\n\n"
	    "Thank you for considering my application.\n\n"
	    "Best regards,\nPriya Raman, MD\n", greeting, program, inst,
	    extra);
	return s;
}

static void
record_form_letters(struct fixture *fx)
{
	char	*a = form_letter("Dr. Okafor", "Lakeside Medical Genetics "
	    "and Genomics Residency", "Lakeside Medical Center", "");
	char	*b = form_letter("Dr. Osei", "Pinecrest Institute Genetics "
	    "Residency", "the Pinecrest Institute", "");

	sent_text(fx, "t1@example.com", "lakeside", "2026-10-01T10:00:00Z",
	    "update", a);
	sent_text(fx, "t2@example.com", "pinecrest", "2026-10-02T10:00:00Z",
	    "update", b);
	free(a);
	free(b);
}

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

/* --- greeting-name ------------------------------------------------- */

static void
greeting_name_passes(void **state)
{
	struct fixture		*fx = *state;
	static const struct {
		const char	*to, *greeting;
	} cases[] = {
		{ LAKE, "Dear Dr. Smith," },		/* the coordinator */
		{ HARBOR, "Dear Dr. Marchetti," },
		{ HARBOR, "Dear Dr. Elena Marchetti:" },
		{ HARBOR, "Hi Dana," },
		{ HARBOR, "Dear Dr. Marchetti and Ms. Whitfield," },
		{ HARBOR, "Good morning Ms. Whitfield," },
		{ NORTH, "Dear Dr. N\xc3\xba\xc3\xb1" "ez-Ortega," },
		{ NORTH, "Dear Dr. Nunez-Ortega," },	/* plain spelling */
		{ NORTH, "Dear Dr. Nunez Ortega," },
		{ NORTH, "Dear Dr. Nunez," },
		{ NORTH, "Dear Ms. Kowalski Berg," },	/* hyphen dropped */
		{ NORTH, "Dear Anne-Marie," },
		{ HARBOR, "Dear Program Director," },
		{ HARBOR, "Dear Selection Committee," },
		{ HARBOR, "Dear Sir or Madam," },
		{ HARBOR, "Hi all," },
		{ HARBOR, "Hello," },
		{ HARBOR, "Hi, I am writing about the program." },
		{ HARBOR, "Dear Dr. [Last Name]," },	/* placeholder's */
		{ HARBOR, "Dear Harborview Genetics team," },
		{ RIVER, "Dear Dr. Zhang," },	/* no contacts listed */
		{ HARBOR, "Thank you, Dr. Okafor mentioned your clinic." },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char	body[512], to[256];

		snprintf(to, sizeof(to), "To: %s\r\nSubject: Hello\r\n",
		    cases[i].to);
		snprintf(body, sizeof(body), "%s\n\nI enjoyed learning about "
		    "the program.\n\nBest regards,\nPriya", cases[i].greeting);
		run(fx, to, body, NOW);
		if (finding(fx, "greeting-name") != NULL)
			fail_msg("\"%s\" to %s: %s", cases[i].greeting,
			    cases[i].to, finding(fx, "greeting-name")->message);
	}
}

static void
greeting_name_trips(void **state)
{
	struct fixture	*fx = *state;

	/* Another program's director: held, naming that program. */
	run(fx, TO(HARBOR), "Dear Dr. Okafor,\n\nI enjoyed the visit.", NOW);
	expect(fx, "greeting-name", MG_SEV_HOLD);
	expect_text(fx, "greeting-name", "Lakeside");
	assert_string_equal(finding(fx, "greeting-name")->evidence,
	    "Dear Dr. Okafor,");
	run(fx, TO(HARBOR), "Dear Dr. Marchetti and Dr. Okafor,\n\nHello.",
	    NOW);
	expect(fx, "greeting-name", MG_SEV_HOLD);
	run(fx, TO(RIVER), "Dear Dr. Osei,\n\nHello.", NOW);
	expect(fx, "greeting-name", MG_SEV_HOLD);
	run(fx, TO(HARBOR), "Dear Dr. Nunez Ortega,\n\nHello.", NOW);
	expect(fx, "greeting-name", MG_SEV_HOLD);
	/* A misspelling: did you mean? */
	run(fx, TO(HARBOR), "Dear Dr. Marchetty,\n\nHello.", NOW);
	expect(fx, "greeting-name", MG_SEV_WARN);
	expect_text(fx, "greeting-name", "did you mean Dr. Marchetti?");
	run(fx, TO(NORTH), "Dear Dr. Nunes-Ortega,\n\nHello.", NOW);
	expect(fx, "greeting-name", MG_SEV_WARN);
	expect_text(fx, "greeting-name", "N\xc3\xba\xc3\xb1" "ez-Ortega?");
	/* Nobody there. */
	run(fx, TO(HARBOR), "Dear Dr. Zhang,\n\nHello.", NOW);
	expect(fx, "greeting-name", MG_SEV_WARN);
	assert_null(strstr(finding(fx, "greeting-name")->message, "mean"));
	/* Another program's contact by first name only: a warning. */
	run(fx, TO(HARBOR), "Hi Samuel,\n\nHello.", NOW);
	expect(fx, "greeting-name", MG_SEV_WARN);
}

/* --- vague-praise -------------------------------------------------- */

static void
vague_praise(void **state)
{
	struct fixture	*fx = *state;

	/* A contact's name in the greeting is not a specific detail. */
	run(fx, TO(HARBOR), "Dear Dr. Marchetti,\n\nYour excellent and "
	    "prestigious program has a great reputation.", NOW);
	expect(fx, "vague-praise", MG_SEV_WARN);
	expect_text(fx, "vague-praise", "hereditary cancer clinic");
	run(fx, TO(HARBOR), "Dear Dr. Marchetti,\n\nYour top program and its "
	    "physician-scientist track fit my plans.", NOW);
	expect_none(fx, "vague-praise");
	run(fx, TO(HARBOR), "Dear Program Director,\n\nYour outstanding "
	    "training and Dr. Marchetti's work on Lynch syndrome drew me.",
	    NOW);
	expect_none(fx, "vague-praise");
	run(fx, TO(HARBOR), "Dear Dr. Marchetti,\n\nI enjoyed the visit.",
	    NOW);
	expect_none(fx, "vague-praise");
}

/* --- thank-you-late ------------------------------------------------ */

static void
thank_you_late(void **state)
{
	struct fixture	*fx = *state;
	const char	*ty = "Thank you for the interview on November 10.";

	run(fx, TO(HARBOR), ty, "2026-11-13T22:00:00Z");
	expect_none(fx, "thank-you-late");
	assert_string_equal(fx->msg_class, "thank-you");
	run(fx, TO(HARBOR), ty, "2026-11-14T10:00:00Z");
	expect(fx, "thank-you-late", MG_SEV_WARN);
	expect_text(fx, "thank-you-late", "4 days ago");
	expect_text(fx, "thank-you-late", "2026-11-10");
	assert_int_equal(fx->verdict, MG_WARN);
	/* Not a thank-you, no interview date, before the interview. */
	run(fx, TO(HARBOR), "Thank you again for the interview; I have a "
	    "question about the schedule.", "2026-11-20T10:00:00Z");
	expect_none(fx, "thank-you-late");
	run(fx, TO(RIVER), ty, "2026-11-20T10:00:00Z");
	expect_none(fx, "thank-you-late");
	run(fx, TO(HARBOR), "Thank you for the interview invitation.",
	    "2026-10-20T10:00:00Z");
	expect_none(fx, "thank-you-late");
	/* A thank-you already sent after the interview. */
	sent(fx, "ty1@example.com", "harborview", "2026-11-11T10:00:00Z",
	    "thank-you");
	run(fx, TO(HARBOR), ty, "2026-11-20T10:00:00Z");
	expect_none(fx, "thank-you-late");
}

static int
setup_week(void **state)
{
	return open_fixture(state, "thank_you_max_days = 7;");
}

static void
thank_you_late_setting(void **state)
{
	struct fixture	*fx = *state;
	const char	*ty = "Thank you for the interview on November 10.";

	run(fx, TO(HARBOR), ty, "2026-11-17T10:00:00Z");
	expect_none(fx, "thank-you-late");
	run(fx, TO(HARBOR), ty, "2026-11-18T10:00:00Z");
	expect(fx, "thank-you-late", MG_SEV_WARN);
	expect_text(fx, "thank-you-late", "within 7 days");
}

/* --- intent-timing ------------------------------------------------- */

static void
intent_timing(void **state)
{
	struct fixture	*fx = *state;
	const char	*loi = "This is a letter of strong interest: the "
	    "cardiogenetics clinic is one of my top choices.";

	run(fx, TO(PINE), loi, "2027-01-04T10:00:00Z");
	assert_string_equal(fx->msg_class, "interest");
	expect(fx, "intent-timing", MG_SEV_WARN);
	expect_text(fx, "intent-timing", "2027-01-12");
	run(fx, TO(PINE), loi, "2027-01-12T18:00:00Z");	/* interview day */
	expect_none(fx, "intent-timing");
	run(fx, TO(PINE), loi, "2027-02-10T10:00:00Z");
	expect_none(fx, "intent-timing");
	/* After the rank order list deadline, to any program. */
	run(fx, TO(RIVER), loi, "2027-03-04T10:00:00Z");
	expect(fx, "intent-timing", MG_SEV_WARN);
	expect_text(fx, "intent-timing", "2027-03-03");
	run(fx, TO(HARBOR), "I will rank Harborview first.",
	    "2027-03-05T10:00:00Z");
	assert_string_equal(fx->msg_class, "intent");
	expect(fx, "intent-timing", MG_SEV_WARN);
	run(fx, TO(HARBOR), "I will rank Harborview first.",
	    "2026-11-05T10:00:00Z");
	expect(fx, "intent-timing", MG_SEV_WARN);
	/* Still being interested before the interview is an update. */
	run(fx, TO(PINE), "I remain very interested in the program and look "
	    "forward to my interview.", "2027-01-04T10:00:00Z");
	assert_string_equal(fx->msg_class, "update");
	expect_none(fx, "intent-timing");
	/* No interview date: only the deadline counts. */
	run(fx, TO(RIVER), loi, "2027-01-04T10:00:00Z");
	expect_none(fx, "intent-timing");
}

/* --- repeat-status ------------------------------------------------- */

static void
repeat_status(void **state)
{
	struct fixture	*fx = *state;
	const char	*ask = "Is there any update on my application?";
	char		 err[MG_ERRLEN];
	int		 inserted;

	run(fx, TO(PINE), ask, "2026-12-28T10:00:00Z");
	assert_string_equal(fx->msg_class, "follow-up");
	expect_none(fx, "repeat-status");
	/* The last message was an update, not a request. */
	sent(fx, "u1@example.com", "pinecrest", "2026-11-01T10:00:00Z",
	    "update");
	run(fx, TO(PINE), ask, "2026-12-28T10:00:00Z");
	expect_none(fx, "repeat-status");
	/* It was a request, unanswered: hold. */
	sent(fx, "f1@example.com", "pinecrest", "2026-12-01T10:00:00Z",
	    "follow-up");
	run(fx, TO(PINE), ask, "2026-12-28T10:00:00Z");
	expect(fx, "repeat-status", MG_SEV_HOLD);
	expect_text(fx, "repeat-status", "2026-12-01");
	run(fx, TO(PINE), "I wanted to check in on the status of my "
	    "application.", "2026-12-28T10:00:00Z");
	expect(fx, "repeat-status", MG_SEV_HOLD);
	/* Not a request. */
	run(fx, TO(PINE), "I passed USMLE Step 3 last week.",
	    "2026-12-28T10:00:00Z");
	expect_none(fx, "repeat-status");
	/* Answering the program. */
	run(fx, "To: " PINE "\r\nSubject: Re: Interview\r\nIn-Reply-To: "
	    "<c1@pinecrest.org>\r\n", ask, "2026-12-28T10:00:00Z");
	expect_none(fx, "repeat-status");
	/* A reply from the program since: fine. */
	assert_int_equal(mg_ledger_record_reply(fx->ledger, "r1@pinecrest.org",
	    "pinecrest", at("2026-12-05T10:00:00Z"), "f1@example.com",
	    &inserted, err, sizeof(err)), 0);
	run(fx, TO(PINE), ask, "2026-12-28T10:00:00Z");
	expect_none(fx, "repeat-status");
	/* An interview since the request counts as an answer. */
	sent(fx, "f2@example.com", "harborview", "2026-11-01T10:00:00Z",
	    "follow-up");
	run(fx, TO(HARBOR), ask, "2026-11-20T10:00:00Z");
	expect_none(fx, "repeat-status");
	run(fx, TO(HARBOR), ask, "2026-11-09T10:00:00Z");
	expect(fx, "repeat-status", MG_SEV_HOLD);
}

/* --- length -------------------------------------------------------- */

static char *
words_text(size_t paragraphs, size_t words_each, const char *first)
{
	size_t	 len = paragraphs * (words_each * 8 + 4) + 256;
	char	*s = malloc(len), *p = s;

	assert_non_null(s);
	p += sprintf(p, "Dear Dr. Marchetti,\n\n");
	for (size_t i = 0; i < paragraphs; i++) {
		p += sprintf(p, "%s", i == 0 ? first : "");
		for (size_t w = 0; w < words_each; w++)
			p += sprintf(p, "%s", w + 1 < words_each ? "word " :
			    "end.");
		p += sprintf(p, "\n\n");
	}
	sprintf(p, "Best regards,\nPriya Raman, MD\n");
	return s;
}

static void
length(void **state)
{
	struct fixture	*fx = *state;
	const char	*ty = "Thank you for the interview yesterday. ";
	char		*s;

	/* A thank-you: 3 paragraphs of 40 words, greeting and sign-off. */
	s = words_text(3, 40, ty);
	run(fx, TO(HARBOR), s, "2026-11-11T10:00:00Z");
	assert_string_equal(fx->msg_class, "thank-you");
	expect_none(fx, "length");
	free(s);
	s = words_text(4, 20, ty);
	run(fx, TO(HARBOR), s, "2026-11-11T10:00:00Z");
	expect(fx, "length", MG_SEV_WARN);
	expect_text(fx, "length", "4 paragraphs");
	free(s);
	s = words_text(2, 130, ty);
	run(fx, TO(HARBOR), s, "2026-11-11T10:00:00Z");
	expect(fx, "length", MG_SEV_WARN);
	expect_text(fx, "length", "250 words");
	free(s);
	/* Any message: 500 words. */
	s = words_text(4, 115, "");
	run(fx, TO(HARBOR), s, NOW);
	expect_none(fx, "length");
	free(s);
	s = words_text(5, 110, "");
	run(fx, TO(HARBOR), s, NOW);
	expect(fx, "length", MG_SEV_WARN);
	expect_text(fx, "length", "under 500");
	assert_int_equal(fx->verdict, MG_WARN);
	free(s);
	/* The quoted reply does not count. */
	s = words_text(1, 20, "");
	{
		char	*q = malloc(8000);

		assert_non_null(q);
		snprintf(q, 8000, "%s\nOn Mon, Dana wrote:\n", s);
		for (int i = 0; i < 120; i++)
			strcat(q, "> quoted words here too\n");
		run(fx, TO(HARBOR), q, NOW);
		expect_none(fx, "length");
		free(q);
	}
	free(s);
}

static int
setup_length(void **state)
{
	return open_fixture(state, "thank_you_max_words = 300; "
	    "thank_you_max_paragraphs = 5; max_words = 400; "
	    "rules = { length = \"hold\"; };");
}

static void
length_settings(void **state)
{
	struct fixture	*fx = *state;
	char		*s = words_text(4, 60, "Thank you for the interview "
	    "yesterday. ");

	run(fx, TO(HARBOR), s, "2026-11-11T10:00:00Z");
	expect_none(fx, "length");
	free(s);
	s = words_text(7, 60, "");
	run(fx, TO(HARBOR), s, NOW);
	expect(fx, "length", MG_SEV_HOLD);
	assert_int_equal(fx->verdict, MG_HOLD);
	free(s);
}

/* --- overrides for every new rule ---------------------------------- */

static int
setup_off(void **state)
{
	return open_fixture(state, "rules = { \"generic-template\" = \"off\"; "
	    "\"greeting-name\" = \"warn\"; \"thank-you-late\" = \"hold\"; "
	    "\"intent-timing\" = \"off\"; \"repeat-status\" = \"warn\"; "
	    "length = \"off\"; };");
}

static void
overrides(void **state)
{
	struct fixture	*fx = *state;
	char		*c = form_letter("Dr. Okafor", "Harborview "
	    "University Medical Genetics Residency", "Harborview University",
	    "");

	record_form_letters(fx);
	run(fx, TO(HARBOR), c, "2026-11-20T10:00:00Z");
	expect_none(fx, "generic-template");
	expect(fx, "greeting-name", MG_SEV_WARN);
	free(c);
	run(fx, TO(HARBOR), "Thank you for the interview on November 10.",
	    "2026-11-20T10:00:00Z");
	expect(fx, "thank-you-late", MG_SEV_HOLD);
	assert_int_equal(fx->verdict, MG_HOLD);
	run(fx, TO(PINE), "This is a letter of strong interest.",
	    "2027-01-04T10:00:00Z");
	expect_none(fx, "intent-timing");
	sent(fx, "f1@example.com", "pinecrest", "2026-12-01T10:00:00Z",
	    "follow-up");
	run(fx, TO(PINE), "Is there any news on my application?",
	    "2026-12-28T10:00:00Z");
	expect(fx, "repeat-status", MG_SEV_WARN);
}

/* --- classes ------------------------------------------------------- */

static void
classes(void **state)
{
	struct fixture	*fx = *state;
	static const struct {
		const char	*body, *want;
	} cases[] = {
		{ "Is there any update on my application?", "follow-up" },
		{ "I remain very interested. Could you tell me whether a "
		  "decision has been made?", "follow-up" },
		{ "I remain very interested in your program.", "update" },
		{ "I wanted to let you know that my paper is out.", "update" },
		/* A statement of strong interest is a letter of interest
		 * (issue 10), an update only before the interview (see
		 * intent_timing above). */
		{ "I am writing to share my strong interest in your program.",
		  "interest" },
		{ "I am writing to express my strong interest in Harborview.",
		  "interest" },
		/* With no cue phrase, it still reads as one. */
		{ "After my visit I can see myself training at Harborview, "
		  "and I would be thrilled to join your residents.",
		  "interest" },
		/* Thanks for an invitation, with a question: an inquiry. */
		{ "Thank you for the invitation to interview. Could you tell "
		  "me whether the program sponsors H-1B visas?", "inquiry" },
		/* A clinic's follow-up is not the writer's. */
		{ "My research on newborn screening follow-up programs was "
		  "accepted at a national meeting.", "other" },
		{ "I am following up on my application from September.",
		  "follow-up" },
		{ "Your program is one of my top choices.", "interest" },
		{ "I will rank Harborview very highly.", "interest" },
		{ "Thank you again for the interview. Where do I stand?",
		  "other" },
		{ "Thanks so much for hosting me on Tuesday.", "thank-you" },
		{ "I would be grateful for the opportunity to interview.",
		  "other" },
		{ "I am truly grateful for the opportunity to interview with "
		  "you yesterday.", "thank-you" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run(fx, TO("friend@example.org"), cases[i].body, NOW);
		if (strcmp(fx->msg_class, cases[i].want) != 0)
			fail_msg("\"%s\": class %s, wanted %s", cases[i].body,
			    fx->msg_class, cases[i].want);
	}
}

/* --- explain data -------------------------------------------------- */

static void
rules_explain_themselves(void **state)
{
	struct fixture	*fx = *state;
	char		 value[64], dflt[64];

	for (size_t i = 0; mg_rules[i] != NULL; i++) {
		const struct mg_rule	*r = mg_rules[i];

		if (r->checks == NULL || r->why == NULL || r->summary == NULL)
			fail_msg("rule %s does not explain itself", r->id);
		assert_ptr_equal(mg_rule_find(r->id), r);
		for (const char *const *s = r->settings; s != NULL && *s != NULL;
		    s++)
			if (mg_policy_setting(&fx->cfg, *s, value,
			    sizeof(value), dflt, sizeof(dflt)) == -1)
				fail_msg("rule %s: unknown setting %s", r->id,
				    *s);
	}
	assert_null(mg_rule_find("no-such-rule"));
	assert_int_equal(mg_policy_setting(&fx->cfg, "template_similarity",
	    value, sizeof(value), dflt, sizeof(dflt)), 0);
	assert_string_equal(value, "0.8");
	assert_string_equal(dflt, "0.8");
	assert_int_equal(mg_policy_setting(&fx->cfg, "nope", value,
	    sizeof(value), dflt, sizeof(dflt)), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(generic_template_trips, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(generic_template_near_misses,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(generic_template_settings,
		    setup_template_warn, teardown),
		cmocka_unit_test_setup_teardown(generic_template_100k, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(generic_template_bucket_cap,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(greeting_name_passes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(greeting_name_trips, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(vague_praise, setup, teardown),
		cmocka_unit_test_setup_teardown(thank_you_late, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(thank_you_late_setting,
		    setup_week, teardown),
		cmocka_unit_test_setup_teardown(intent_timing, setup, teardown),
		cmocka_unit_test_setup_teardown(repeat_status, setup, teardown),
		cmocka_unit_test_setup_teardown(length, setup, teardown),
		cmocka_unit_test_setup_teardown(length_settings, setup_length,
		    teardown),
		cmocka_unit_test_setup_teardown(overrides, setup_off, teardown),
		cmocka_unit_test_setup_teardown(classes, setup, teardown),
		cmocka_unit_test_setup_teardown(rules_explain_themselves, setup,
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
