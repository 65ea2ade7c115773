/*
 * test_patlit.c - the literal prefilters of the filter patterns: what they
 * need, and that they never skip a text a pattern matches (every pattern
 * of filters/ against every line of the corpus messages).
 */
#include "config_auto.h"

#include <sys/types.h>

#include <dirent.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "matchguard/filters.h"
#include "matchguard/patlit.h"
#include "matchguard/policy.h"
#include "matchguard/util.h"

/* The answer with the text's three-byte sequences as a filter
 * (mg_patlit_may_match_in), the text padded to a length that has them. */
static int
with_grams(const struct mg_patlit *pl, const char *text)
{
	size_t		 len = strlen(text), pad = MG_PATLIT_GRAM_MIN;
	char		*s = malloc(len + pad + 1);
	uint64_t	*g;
	int		 yes;

	assert_non_null(s);
	memcpy(s, text, len);
	memset(s + len, ' ', pad);
	s[len + pad] = '\0';
	g = mg_patlit_grams(s, len + pad);
	assert_non_null(g);
	yes = mg_patlit_may_match_in(pl, s, g);
	assert_int_equal(yes, mg_patlit_may_match(pl, s));
	free(g);
	free(s);
	return yes;
}

static int
may(const char *pattern, int icase, const char *text)
{
	struct mg_patlit	*pl = mg_patlit_new(pattern, icase);
	char			*lower = mg_ascii_lower(text, strlen(text));
	int			 yes;

	assert_non_null(lower);
	yes = mg_patlit_may_match(pl, icase ? lower : text);
	(void)with_grams(pl, icase ? lower : text);	/* asserts */
	mg_patlit_free(pl);
	free(lower);
	return yes;
}

static void
test_needs(void **state)
{
	(void)state;
	assert_true(may("\\bletter of intent\\b", 1, "My Letter Of Intent"));
	assert_false(may("\\bletter of intent\\b", 1, "a letter of interest"));
	/* Optional parts: "rank order list" or "rank list". */
	assert_true(may("rank( order)? list", 1, "my rank list"));
	assert_false(may("rank( order)? list", 1, "my rank, list"));
	/* Alternatives: one of them. */
	assert_true(may("\\b(will|would) rank", 1, "I would rank"));
	assert_false(may("\\b(will|would) rank", 1, "I could rank"));
	/* What cannot be read is "anything", and the rest still counts. */
	assert_false(may("x(y|.)?z", 1, "abc"));
	assert_true(may("x(y|.)?z", 1, "xz"));
	/* A case-sensitive list looks at the text as it is. */
	assert_true(may("\\bTBD\\b", 0, "date: TBD"));
	assert_false(may("\\bTBD\\b", 0, "date: tbd"));
	/* Escaped characters are literal; \b and ^ match "". */
	assert_false(may("^Dr\\. \\[", 1, "Dr [Name]"));
	assert_true(may("^Dr\\. \\[", 1, "dr. [name]"));
	/* Nothing certain: no prefilter, the pattern always runs. */
	assert_null(mg_patlit_new("[a-z]+", 1));
	assert_null(mg_patlit_new("a*|b", 1));
	assert_null(mg_patlit_new("\\w+", 1));
	assert_true(may("a{,3}b", 1, "zzz"));	/* not read: always may */
}

/* Every line of every corpus message, as it is. */
static void
corpus_lines(struct mg_strlist *out)
{
	const char	*dir = MG_SRCDIR "/tests/corpus/messages";
	DIR		*d = opendir(dir);
	struct dirent	*de;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		char	 path[4096], *data, *line, *save = NULL;
		size_t	 len;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		assert_int_equal(mg_read_file(path, 1 << 20, &data, &len,
		    NULL, 0), 0);
		assert_int_equal(mg_strlist_add(out, data), 0);
		for (line = strtok_r(data, "\n", &save); line != NULL;
		    line = strtok_r(NULL, "\n", &save))
			assert_int_equal(mg_strlist_add(out, line), 0);
		free(data);
	}
	closedir(d);
	assert_true(out->n > 1000);
}

/* A pattern that matches a text never has a prefilter that skips it. */
static void
check_pattern(const char *pat, int icase, const struct mg_strlist *texts,
    size_t *matched)
{
	struct mg_patlit	*pl = mg_patlit_new(pat, icase);
	regex_t			 re;

	assert_int_equal(regcomp(&re, pat, REG_EXTENDED |
	    (icase ? REG_ICASE : 0)), 0);
	for (size_t t = 0; t < texts->n; t++) {
		const char	*s = texts->v[t];
		char		*lower;

		if (regexec(&re, s, 0, NULL, 0) != 0)
			continue;
		(*matched)++;
		lower = mg_ascii_lower(s, strlen(s));
		assert_non_null(lower);
		if (!mg_patlit_may_match(pl, icase ? lower : s))
			fail_msg("prefilter of \"%s\" skips \"%s\"", pat, s);
		if (!with_grams(pl, icase ? lower : s))
			fail_msg("prefilter of \"%s\" with grams skips \"%s\"",
			    pat, s);
		free(lower);
	}
	regfree(&re);
	mg_patlit_free(pl);
}

static void
test_sound(void **state)
{
	const char *const	*lists = mg_policy_filter_lists();
	struct mg_filters	*f;
	struct mg_strlist	 texts = { 0 };
	char			 err[MG_ERRLEN];
	size_t			 matched = 0;

	(void)state;
	assert_int_equal(mg_filters_load(MG_SRCDIR "/filters", lists, &f, err,
	    sizeof(err)), 0);
	corpus_lines(&texts);
	for (size_t l = 0; lists[l] != NULL; l++) {
		const struct mg_patlist	*pl = mg_filters_get(f, lists[l]);
		size_t			 len = strlen(lists[l]);
		int			 icase = len < 5 ||
		    strcmp(lists[l] + len - 5, "_case") != 0;

		for (size_t i = 0; i < mg_patlist_count(pl); i++)
			check_pattern(mg_patlist_source(pl, i), icase, &texts,
			    &matched);
	}
	assert_true(matched > 100);	/* the corpus does exercise them */
	mg_strlist_clear(&texts);
	mg_filters_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_needs),
		cmocka_unit_test(test_sound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
