/*
 * test_textnorm.c - normalised views of text and their map back to the
 * original (src/textnorm.c).
 */
#include "config_auto.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib.h>

#include "matchguard/textnorm.h"
#include "mg_test.h"

/* The view of orig in form, checked for the invariants of the header. */
static struct mg_normtext *
view(const char *orig, enum mg_norm_form form)
{
	struct mg_normtext	*nt = mg_normtext_new(orig, form);

	assert_non_null(nt);
	assert_ptr_equal(nt->orig, orig);
	assert_int_equal(nt->orig_len, strlen(orig));
	assert_int_equal(strlen(nt->s), nt->len);
	assert_int_equal(nt->map[nt->len], nt->orig_len);
	for (size_t i = 0; i < nt->len; i++) {
		assert_true((unsigned char)nt->s[i] < 0x80);
		assert_true(nt->map[i] <= nt->orig_len);
		if (i > 0)
			assert_true(nt->map[i - 1] <= nt->map[i]);
	}
	return nt;
}

static void
test_flat(void **state)
{
	const char		*orig = "  Dear Dr.\r\n\tN\xc3\xba\xc3\xb1" "ez-Ortega,\n\n"
	    "Thanks!  ";
	struct mg_normtext	*nt;

	(void)state;
	nt = view(orig, MG_NORM_FLAT);
	/* Case and punctuation kept; white space folded and trimmed. */
	assert_string_equal(nt->s, "Dear Dr. Nunez-Ortega, Thanks!");
	/* Every byte maps back to where it came from. */
	assert_int_equal(nt->map[0], 2);			/* D */
	assert_int_equal(nt->map[8], 10);			/* the \r\n\t */
	assert_int_equal(nt->map[9], 13);			/* N */
	assert_int_equal(nt->map[10], 14);			/* u of ú */
	assert_int_equal(nt->map[11], 16);			/* n of ñ */
	assert_int_equal(nt->map[12], 18);			/* e */
	assert_int_equal(nt->map[21], 27);			/* , */
	assert_int_equal(nt->map[22], 28);			/* \n\n */
	assert_int_equal(nt->map[23], 30);			/* T */
	for (size_t i = 0; i < nt->len; i++)
		if (nt->s[i] != ' ' && (unsigned char)orig[nt->map[i]] < 0x80)
			assert_int_equal(nt->s[i], orig[nt->map[i]]);
	mg_normtext_free(nt);

	/* Empty and blank texts. */
	nt = view("", MG_NORM_FLAT);
	assert_string_equal(nt->s, "");
	mg_normtext_free(nt);
	nt = view(" \n\t ", MG_NORM_FLAT);
	assert_string_equal(nt->s, "");
	mg_normtext_free(nt);
	mg_normtext_free(NULL);
}

static void
test_key(void **state)
{
	const char		*orig = "The N\xc3\xba\xc3\xb1" "ez-Ortega Lab";
	struct mg_normtext	*nt;

	(void)state;
	nt = view(orig, MG_NORM_KEY);
	/* Lower case words, one space between and at each end. */
	assert_string_equal(nt->s, " the nunez ortega lab ");
	assert_int_equal(nt->map[5], 4);	/* n of Núñez */
	assert_int_equal(nt->map[6], 5);	/* u: from the 2 bytes of ú */
	assert_int_equal(nt->map[7], 7);	/* n: from ñ */
	assert_int_equal(nt->map[10], 11);	/* the hyphen */
	assert_int_equal(nt->map[11], 12);	/* O */
	assert_int_equal(nt->map[nt->len - 1], strlen(orig));
	mg_normtext_free(nt);

	/* Punctuation runs and line breaks are one space; an apostrophe,
	 * typographic or not, separates words too, so that a possessive
	 * still holds the name. */
	nt = view("  O'Brien -- St. Mary\xe2\x80\x99s\r\n(Genetics)!!",
	    MG_NORM_KEY);
	assert_string_equal(nt->s, " o brien st mary s genetics ");
	mg_normtext_free(nt);

	/* Transliteration of ß; no-break space is a space; characters with
	 * no ASCII form and invalid bytes disappear. */
	nt = view("Stra\xc3\x9f" "e\xc2\xa0Klinik \xe6\x97\xa5 x\xff" "y",
	    MG_NORM_KEY);
	assert_string_equal(nt->s, " strasse klinik xy ");
	assert_int_equal(nt->map[5], 4);	/* s of ß */
	assert_int_equal(nt->map[6], 4);	/* s of ß */
	assert_int_equal(nt->map[16], 20);	/* x */
	assert_int_equal(nt->map[17], 22);	/* y, after the bad byte */
	mg_normtext_free(nt);

	nt = view("", MG_NORM_KEY);
	assert_string_equal(nt->s, " ");
	mg_normtext_free(nt);
}

static void
test_name_key(void **state)
{
	static const struct {
		const char	*name;
		const char	*key;
	} cases[] = {
		{ "The N\xc3\xba\xc3\xb1" "ez-Ortega Lab", " nunez ortega lab " },
		{ "the nunez ortega lab", " nunez ortega lab " },
		{ "  THE   Harborview\nUniversity ", " harborview university " },
		{ "Harborview University", " harborview university " },
		/* Only a leading "the", only as a word. */
		{ "Theodore Clinic", " theodore clinic " },
		{ "Clinic of the Bay", " clinic of the bay " },
		{ "The", " the " },
		{ "", " " },
		{ "!!", " " },
	};
	char	*k;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		k = mg_name_key(cases[i].name);
		assert_non_null(k);
		if (strcmp(k, cases[i].key) != 0)
			fail_msg("key of \"%s\" is \"%s\", expected \"%s\"",
			    cases[i].name, k, cases[i].key);
		free(k);
	}
}

static void
test_key_find(void **state)
{
	const char		*orig = "I met the team at Harborview\nUniversity "
	    "and evilharborview university, then Harborview   University "
	    "again.";
	struct mg_normtext	*nt = view(orig, MG_NORM_KEY);
	char			*key = mg_name_key("The Harborview University");
	char			*span;
	size_t			 start = 0, end = 0, first_end;

	(void)state;
	/* Across the line break, on word boundaries. */
	assert_int_equal(mg_key_find(nt, key, 0, &start, &end), 1);
	assert_memory_equal(nt->s + start, "harborview university", end - start);
	assert_int_equal(end - start, strlen("harborview university"));
	assert_int_equal(nt->s[start - 1], ' ');
	assert_int_equal(nt->s[end], ' ');
	span = mg_span_orig(nt, start, end);
	assert_string_equal(span, "Harborview University");
	free(span);

	/* The next hit skips "evilharborview": inside a word. */
	first_end = end;
	assert_int_equal(mg_key_find(nt, key, first_end, &start, &end), 1);
	span = mg_span_orig(nt, start, end);
	assert_string_equal(span, "Harborview University");
	free(span);
	assert_true(nt->map[start] > (size_t)(strstr(orig, "evil") - orig));
	assert_int_equal(mg_key_find(nt, key, end, &start, &end), 0);
	free(key);

	/* A possessive holds the name. */
	key = mg_name_key("Harborview");
	mg_normtext_free(nt);
	nt = view("I enjoyed Harborview's clinic.", MG_NORM_KEY);
	assert_int_equal(mg_key_find(nt, key, 0, &start, &end), 1);
	span = mg_span_orig(nt, start, end);
	assert_string_equal(span, "Harborview");
	free(span);
	free(key);

	/* Not inside a word at either end. */
	key = mg_name_key("Harborview");
	mg_normtext_free(nt);
	nt = view("Harborviewers and preharborview", MG_NORM_KEY);
	assert_int_equal(mg_key_find(nt, key, 0, &start, &end), 0);
	mg_normtext_free(nt);
	nt = view("(Harborview)", MG_NORM_KEY);
	assert_int_equal(mg_key_find(nt, key, 0, &start, &end), 1);
	assert_int_equal(start, 1);
	span = mg_span_orig(nt, start, end);
	assert_string_equal(span, "Harborview");
	free(span);
	/* from at or past the end. */
	assert_int_equal(mg_key_find(nt, key, nt->len, &start, &end), 0);
	assert_int_equal(mg_key_find(nt, key, nt->len + 5, &start, &end), 0);
	free(key);
	/* A key without a word matches nothing. */
	assert_int_equal(mg_key_find(nt, " ", 0, &start, &end), 0);
	assert_int_equal(mg_key_find(nt, "", 0, &start, &end), 0);
	mg_normtext_free(nt);
}

/* Finds name in a KEY view of orig and quotes it. */
static char *
quote_of(const char *orig, const char *name, size_t maxlen)
{
	struct mg_normtext	*nt = view(orig, MG_NORM_KEY);
	char			*key = mg_name_key(name), *q;
	size_t			 start, end;

	assert_int_equal(mg_key_find(nt, key, 0, &start, &end), 1);
	q = mg_quote(nt, start, end, maxlen);
	assert_non_null(q);
	free(key);
	mg_normtext_free(nt);
	return q;
}

static void
test_quote(void **state)
{
	char	*q, *orig;
	size_t	 n;

	(void)state;
	/* The sentence that holds the span, as written. */
	q = quote_of("Thank you for the interview. I loved the Harborview "
	    "University clinic! See you soon.", "harborview university", 200);
	assert_string_equal(q, "I loved the Harborview University clinic!");
	free(q);

	/* Wrapped lines are one sentence, folded; a blank line ends it. */
	q = quote_of("Dear Elena,\n\nI admire   the Harborview\nUniversity "
	    "program\nand its clinic\n\nBest,\nPriya", "Harborview University",
	    200);
	assert_string_equal(q, "I admire the Harborview University program and "
	    "its clinic");
	free(q);

	/* The first sentence, and the last one without a stop. */
	q = quote_of("Harborview rocks.  Go", "harborview", 200);
	assert_string_equal(q, "Harborview rocks.");
	free(q);
	q = quote_of("Hi. Off to Harborview", "harborview", 200);
	assert_string_equal(q, "Off to Harborview");
	free(q);

	/* A long sentence is cut on both sides, with "...". */
	n = 400;
	orig = malloc(n + 64);
	assert_non_null(orig);
	memset(orig, 0, n + 64);
	for (size_t i = 0; i < 150; i += 5)
		memcpy(orig + i, "word ", 5);
	strcat(orig, "Harborview University");
	for (size_t i = 0; i < 30; i++)
		strcat(orig, " more");
	strcat(orig, ".");
	q = quote_of(orig, "Harborview University", 40);
	assert_non_null(strstr(q, "Harborview University"));
	assert_memory_equal(q, "...", 3);
	assert_string_equal(q + strlen(q) - 3, "...");
	assert_true(strlen(q) <= 40 + strlen("Harborview University") + 6);
	assert_true(strlen(q) >= 40 / 2 + strlen("Harborview University"));
	free(q);
	/* With room enough, the whole sentence. */
	q = quote_of(orig, "Harborview University", 1000);
	assert_string_equal(q, orig);
	free(q);
	free(orig);

	/* A cut never splits a UTF-8 character. */
	q = quote_of("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9 Harborview "
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", "harborview", 10);
	assert_true(g_utf8_validate(q, -1, NULL));
	assert_non_null(strstr(q, "Harborview"));
	free(q);
}

static void
test_span_orig_flat(void **state)
{
	const char		*orig = "Dear Dr. Marchetti,\n\nI am  writing";
	struct mg_normtext	*nt = view(orig, MG_NORM_FLAT);
	const char		*hit;
	char			*s;
	size_t			 start, end;

	(void)state;
	assert_string_equal(nt->s, "Dear Dr. Marchetti, I am writing");
	hit = strstr(nt->s, "Marchetti, I am");
	assert_non_null(hit);
	start = (size_t)(hit - nt->s);
	end = start + strlen("Marchetti, I am");
	s = mg_span_orig(nt, start, end);
	assert_string_equal(s, "Marchetti, I am");
	free(s);
	/* To the end of the view: the rest of the original. */
	s = mg_span_orig(nt, start, nt->len);
	assert_string_equal(s, "Marchetti, I am writing");
	free(s);
	/* Trailing blanks of the original are not part of the span. */
	hit = strstr(nt->s, "Marchetti,");
	start = (size_t)(hit - nt->s);
	s = mg_span_orig(nt, start, start + strlen("Marchetti, "));
	assert_string_equal(s, "Marchetti,");
	free(s);
	/* Empty span. */
	s = mg_span_orig(nt, start, start);
	assert_string_equal(s, "");
	free(s);
	mg_normtext_free(nt);
}

static void
test_edit_distance(void **state)
{
	(void)state;
	assert_int_equal(mg_edit_distance("Marchetti", "Marcheti", 2), 1);
	assert_int_equal(mg_edit_distance("Marcheti", "Marchetti", 2), 1);
	assert_int_equal(mg_edit_distance("Marchetti", "Marchetti", 2), 0);
	/* ASCII case does not count. */
	assert_int_equal(mg_edit_distance("MARCHETTI", "marchetti", 0), 0);
	assert_int_equal(mg_edit_distance("Whitfield", "Whitfeild", 2), 2);
	assert_int_equal(mg_edit_distance("kitten", "sitting", 3), 3);
	assert_int_equal(mg_edit_distance("", "", 0), 0);
	assert_int_equal(mg_edit_distance("", "abc", 3), 3);
	assert_int_equal(mg_edit_distance("min_days_betwen",
	    "min_days_between", 2), 1);
	/* Capped at cap + 1. */
	assert_int_equal(mg_edit_distance("kitten", "sitting", 2), 3);
	assert_int_equal(mg_edit_distance("Marchetti", "Whitfield", 2), 3);
	assert_int_equal(mg_edit_distance("Marchetti", "Whitfield", 0), 1);
	/* Lengths too far apart: capped without computing. */
	assert_int_equal(mg_edit_distance("abc", "abcdef", 2), 3);
	assert_int_equal(mg_edit_distance("abc", "abcde", 2), 2);
	assert_int_equal(mg_edit_distance("", "abc", 1), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flat),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_name_key),
		cmocka_unit_test(test_key_find),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_span_orig_flat),
		cmocka_unit_test(test_edit_distance),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
