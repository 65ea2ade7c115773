/*
 * test_frames.c - the concept-frame engine on its own: how text is cut
 * into words and sentences, scope of negations and hedges, each frame on
 * sentences of its own, and the errors of a bad lexicon.
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

#include "matchguard/filters.h"
#include "matchguard/frames.h"
#include "matchguard/policy.h"
#include "mg_test.h"

static struct mg_filters *filters;

static int
load(void **state)
{
	char	err[MG_ERRLEN];

	(void)state;
	if (mg_filters_load(MG_SRCDIR "/filters", mg_policy_filter_lists(),
	    &filters, err, sizeof(err)) == -1)
		fail_msg("filters: %s", err);
	assert_non_null(mg_filters_frames(filters));
	return 0;
}

static int
unload(void **state)
{
	(void)state;
	mg_filters_free(filters);
	return 0;
}

/* The frames of a letter to program (NULL: none): a bit set. */
static unsigned
frames_to(const char *subject, const char *text, const char *program)
{
	struct mg_normtext	*sf = mg_normtext_new(subject, MG_NORM_FLAT);
	struct mg_normtext	*sk = mg_normtext_new(subject, MG_NORM_KEY);
	struct mg_normtext	*tf = mg_normtext_new(text, MG_NORM_FLAT);
	struct mg_normtext	*tk = mg_normtext_new(text, MG_NORM_KEY);
	struct mg_directory	 dir = { 0 };
	const struct mg_program	*rcpt[1];
	struct mg_frames_input	 in = { sf, sk, tf, tk, NULL, 0, NULL, 0 };
	struct mg_frames_doc	*doc;
	unsigned		 bits = 0;

	assert_non_null(sf);
	assert_non_null(tk);
	if (program != NULL) {
		assert_non_null(dir.programs = calloc(1, sizeof(*dir.programs)));
		dir.n = 1;
		assert_non_null(dir.programs[0].name = strdup(program));
		assert_non_null(dir.programs[0].institution = strdup(""));
		assert_int_equal(mg_program_make_keys(&dir.programs[0]), 0);
		rcpt[0] = &dir.programs[0];
		in.programs = rcpt;
		in.n_programs = 1;
		in.dir = &dir;
	}
	doc = mg_frames_doc_new(mg_filters_frames(filters), &in);
	assert_non_null(doc);
	for (int k = 0; k < MG_FRAME_N; k++)
		if (mg_frames_has(doc, (enum mg_frame)k))
			bits |= 1u << k;
	mg_frames_doc_free(doc);
	mg_normtext_free(sf);
	mg_normtext_free(sk);
	mg_normtext_free(tf);
	mg_normtext_free(tk);
	mg_directory_clear(&dir);
	return bits;
}

static unsigned
frames_of(const char *subject, const char *text)
{
	return frames_to(subject, text, NULL);
}

#define F(k)	(1u << (k))
/* The frames these tests look at (not the class cues). */
#define CORE	(F(MG_FRAME_COMMITMENT) | F(MG_FRAME_RANKING_QUESTION) | \
		 F(MG_FRAME_BARGAINING) | F(MG_FRAME_INTEREST) | \
		 F(MG_FRAME_QUESTION) | F(MG_FRAME_INTEREST_CUE))

static void
expect_frames(const char *text, unsigned want)
{
	unsigned	got = frames_of("", text) & CORE;

	if (got != want)
		fail_msg("\"%s\": frames %#x, wanted %#x", text, got, want);
}

static void
commitment(void **state)
{
	(void)state;
	expect_frames("I will rank your program first.", F(MG_FRAME_COMMITMENT));
	expect_frames("You are my first choice.", F(MG_FRAME_COMMITMENT));
	expect_frames("I'll be ranking you #1.", F(MG_FRAME_COMMITMENT));
	/* Hedges make it interest; negation, nothing. */
	expect_frames("You are one of my top choices.",
	    F(MG_FRAME_INTEREST_CUE));
	expect_frames("I hope to rank you first.", F(MG_FRAME_INTEREST_CUE));
	expect_frames("I will not rank you first.", 0);
	expect_frames("I cannot yet say that you will be first on my list.", 0);
	/* Pseudo-negation. */
	expect_frames("Without a doubt, you are my first choice.",
	    F(MG_FRAME_COMMITMENT));
	/* Not a position. */
	expect_frames("I enjoyed meeting the first-year residents.", 0);
	expect_frames("Genetics was always my first choice of specialty.", 0);
}

static void
questions(void **state)
{
	(void)state;
	expect_frames("Where do I stand on your rank list?",
	    F(MG_FRAME_RANKING_QUESTION));
	expect_frames("I was wondering how I compare with the other applicants.",
	    F(MG_FRAME_RANKING_QUESTION));
	expect_frames("How many positions does the program offer?",
	    F(MG_FRAME_QUESTION));
	expect_frames("I understand that you cannot tell me where I stand.", 0);
}

static void
bargains(void **state)
{
	(void)state;
	expect_frames("If you rank me to match, I will rank you first.",
	    F(MG_FRAME_BARGAINING));
	expect_frames("In exchange for an assurance that I match, I would "
	    "withdraw my other applications.", F(MG_FRAME_BARGAINING));
	expect_frames("If you have any questions, please let me know.", 0);
}

/* Sentences: a full stop after "Dr." or an initial does not end one, a
 * blank line does; the frame stays within its sentence. */
static void
sentences(void **state)
{
	(void)state;
	expect_frames("I met Dr. Smith. You are my first choice.",
	    F(MG_FRAME_COMMITMENT));
	expect_frames("I will rank J. Smith's program\n\nfirst on my list.", 0);
	expect_frames("I have not decided. You are my first choice.",
	    F(MG_FRAME_COMMITMENT));
	/* Subject lines count. */
	assert_int_equal(frames_of("Letter of Intent", "Hello.") & CORE,
	    F(MG_FRAME_COMMITMENT));
}

/* Scope: a negation reaches over its clause only; "but" ends it. */
static void
scope(void **state)
{
	(void)state;
	expect_frames("I am not sure about the call schedule, but you are my "
	    "first choice.", F(MG_FRAME_COMMITMENT));
	expect_frames("I could not be happier, and you are my first choice.",
	    F(MG_FRAME_COMMITMENT));
	expect_frames("It is too early to say who will be at the top of my "
	    "list.", F(MG_FRAME_INTEREST_CUE));
	/* A long program name counts as one word for the distances. */
	assert_int_equal(frames_to("", "I will rank the Harborview University "
	    "Medical Genetics Residency Program of the North first.",
	    "Harborview University Medical Genetics Residency Program of "
	    "the North") & CORE, F(MG_FRAME_COMMITMENT));
	/* The program's one distinctive word names it. */
	assert_int_equal(frames_to("", "Harborview is my top choice.",
	    "Harborview University Medical Genetics Residency") & CORE,
	    F(MG_FRAME_COMMITMENT));
	/* Typos of the spelling list. */
	expect_frames("I will rnak you frist.", F(MG_FRAME_COMMITMENT));
	expect_frames("You are my first choise.", F(MG_FRAME_COMMITMENT));
	/* A condition with the program's side is bargaining, not intent. */
	expect_frames("Should you rank me to match, you will be my first "
	    "choice.", F(MG_FRAME_BARGAINING));
}

/* The quotation is the sentence, as written. */
static void
quote(void **state)
{
	struct mg_normtext	*sf = mg_normtext_new("", MG_NORM_FLAT);
	struct mg_normtext	*sk = mg_normtext_new("", MG_NORM_KEY);
	const char		*text = "Dear Dr. Marchetti,\n\nI loved the "
	    "visit.  Honestly, Harborview\nwill be first on my rank list. "
	    "Thank you.";
	struct mg_normtext	*tf = mg_normtext_new(text, MG_NORM_FLAT);
	struct mg_normtext	*tk = mg_normtext_new(text, MG_NORM_KEY);
	struct mg_frames_input	 in = { sf, sk, tf, tk, NULL, 0, NULL, 0 };
	struct mg_frames_doc	*doc;
	char			*q;

	(void)state;
	doc = mg_frames_doc_new(mg_filters_frames(filters), &in);
	assert_non_null(doc);
	assert_int_equal(mg_frames_find(doc, MG_FRAME_COMMITMENT, &q), 1);
	assert_string_equal(q, "Honestly, Harborview will be first on my rank "
	    "list.");
	free(q);
	assert_int_equal(mg_frames_find(doc, MG_FRAME_BARGAINING, &q), 0);
	assert_null(q);
	assert_non_null(q = mg_frames_dump(doc));
	assert_non_null(strstr(q, "commitment: Honestly"));
	free(q);
	mg_frames_doc_free(doc);
	/* Read up to the commitment only: nothing holds. */
	in.text_end = (size_t)(strstr(text, "Honestly") - text);
	assert_non_null(doc = mg_frames_doc_new(mg_filters_frames(filters),
	    &in));
	assert_int_equal(mg_frames_has(doc, MG_FRAME_COMMITMENT), 0);
	mg_frames_doc_free(doc);
	mg_normtext_free(sf);
	mg_normtext_free(sk);
	mg_normtext_free(tf);
	mg_normtext_free(tk);
}

/* Whatever the bytes, the engine neither crashes nor reads out of
 * bounds (run under the sanitizers with --enable-sanitizers). */
static void
hostile_text(void **state)
{
	static const char *const pieces[] = {
		"n't", "'ll", "'", "-", "--", "#", "#1", "?", "!", ".", "..",
		" ", "\n\n", "I", "you", "rank", "first", "if", "not",
		"letter of intent", "Dr.", "J.", "y'all", "don't", "\xc3",
		"\xff", "(", ")", ";", ",", "my", "list", "Harborview", "me",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	size_t		 n = sizeof(pieces) / sizeof(pieces[0]);
	unsigned	 seed = 12345;
	char		*text = malloc(300000);

	(void)state;
	assert_non_null(text);
	for (int round = 0; round < 60; round++) {
		size_t	len = 0, want = round == 59 ? 260000 : 64u << (round % 10);

		while (len < want) {
			const char	*p;

			seed = seed * 1103515245u + 12345u;
			p = pieces[(seed >> 16) % n];
			if (len + strlen(p) + 1 >= 300000)
				break;
			memcpy(text + len, p, strlen(p));
			len += strlen(p);
			if ((seed >> 8) & 1)
				text[len++] = ' ';
		}
		text[len] = '\0';
		(void)frames_of(round % 2 ? text : "", round % 2 ? "x" : text);
	}
	free(text);
	(void)frames_of("", "");
}

static void
bad_lexicon(void **state)
{
	static const struct {
		const char	*entry, *why;
	} bad[] = {
		{ "(im|ive", "without" },
		{ "(a|(b|c))", "inside" },
		{ "?", "lone" },
		{ "a b c d e f g h i j k l m", "more than 12" },
	};
	char			*dir = mg_test_tmpdir(), *path, err[MG_ERRLEN];
	struct mg_filters	*f = NULL;
	const char *const	 lists[] = { "x.y", NULL };
	char			 cmd[8192];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* A copy of filters/ with one bad phrase. */
		snprintf(cmd, sizeof(cmd), "cp %s/filters/*.conf %s/",
		    MG_SRCDIR, dir);
		assert_int_equal(system(cmd), 0);
		path = mg_test_path(dir, "concepts.conf");
		snprintf(cmd, sizeof(cmd), "sed -i 's/\"i\", \"im\", "
		    "\"ive\"/\"i\", \"%s\"/' %s", bad[i].entry, path);
		assert_int_equal(system(cmd), 0);
		free(path);
		assert_int_equal(mg_filters_load(dir, mg_policy_filter_lists(),
		    &f, err, sizeof(err)), -1);
		if (strstr(err, "concepts.conf") == NULL ||
		    strstr(err, "writer_subject") == NULL ||
		    strstr(err, bad[i].why) == NULL)
			fail_msg("\"%s\": the error does not say where and "
			    "why: %s", bad[i].entry, err);
	}
	/* A word list takes single words. */
	path = mg_test_path(dir, "concepts.conf");
	snprintf(cmd, sizeof(cmd), "cp %s/filters/concepts.conf %s && "
	    "sed -i 's/\"rank\", \"your\", \"first\"/\"rank list\"/' %s",
	    MG_SRCDIR, path, path);
	assert_int_equal(system(cmd), 0);
	free(path);
	assert_int_equal(mg_filters_load(dir, mg_policy_filter_lists(), &f,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "single words"));
	/* Without the concept lists there is no engine, and no error. */
	mg_test_rmrf(dir);
	free(dir);
	dir = mg_test_tmpdir();
	free(mg_test_write(dir, "x.conf", "y = [ \"z\" ];\n"));
	assert_int_equal(mg_filters_load(dir, lists, &f, err, sizeof(err)), 0);
	assert_null(mg_filters_frames(f));
	mg_filters_free(f);
	mg_test_rmrf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(commitment),
		cmocka_unit_test(questions),
		cmocka_unit_test(bargains),
		cmocka_unit_test(sentences),
		cmocka_unit_test(scope),
		cmocka_unit_test(quote),
		cmocka_unit_test(hostile_text),
		cmocka_unit_test(bad_lexicon),
	};

	return cmocka_run_group_tests(tests, load, unload);
}
