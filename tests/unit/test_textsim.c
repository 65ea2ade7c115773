/*
 * test_textsim.c - masking, MinHash signatures and LSH bands: names are
 * masked whatever their spelling, the estimate is close to the true
 * Jaccard similarity of the shingle sets, and the hash functions (which
 * stored signatures depend on) never change silently.
 */
#include "config_auto.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "matchguard/textsim.h"

/* Scheme 1 values of the text in test_frozen(). */
#define FROZEN_MH0	132177347u
#define FROZEN_MH127	417716634u
#define FROZEN_B0	INT64_C(-593909152818639524)

static char *
mask(const struct mg_textmask *m, const char *text, size_t *words)
{
	char	*s = mg_textmask_apply(m, text, words);

	assert_non_null(s);
	return s;
}

static void
test_mask(void **state)
{
	struct mg_textmask	*m = mg_textmask_new();
	static const struct {
		const char	*in, *want;
		size_t		 words;
	} cases[] = {
		{ "Dear Dr. Núñez-Ortega,", "dear dr _", 3 },
		{ "Dear Dr. Nunez Ortega, hello", "dear dr _ hello", 4 },
		{ "Dear Jose,", "dear _", 2 },
		{ "I love the Harborview University Medical Genetics "
		  "Residency!", "i love the _", 4 },
		{ "Harborview University is great", "_ is great", 3 },
		{ "The Harborview clinic", "the _ clinic", 3 },
		{ "Harborview's residents", "_ s residents", 3 },
		{ "University of Elsewhere", "university of elsewhere", 3 },
		{ "On November 10, 2026 at 9", "on november 0 0 at 0", 6 },
		{ "Priya Raman, MD", "_ md", 2 },
		{ "", "", 0 },
	};

	assert_non_null(m);
	assert_int_equal(mg_textmask_add_phrase(m, "Harborview University "
	    "Medical Genetics Residency"), 0);
	assert_int_equal(mg_textmask_add_phrase(m, "Harborview University"),
	    0);
	assert_int_equal(mg_textmask_add_words(m, "Harborview"), 0);
	assert_int_equal(mg_textmask_add_phrase(m, "José Núñez-Ortega"), 0);
	assert_int_equal(mg_textmask_add_words(m, "José Núñez-Ortega"), 0);
	assert_int_equal(mg_textmask_add_words(m, "Priya Raman"), 0);
	/* Twice is once. */
	assert_int_equal(mg_textmask_add_words(m, "Harborview"), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t	 n = 99;
		char	*got = mask(m, cases[i].in, &n);

		if (strcmp(got, cases[i].want) != 0)
			fail_msg("mask(\"%s\") = \"%s\", wanted \"%s\"",
			    cases[i].in, got, cases[i].want);
		assert_int_equal(n, cases[i].words);
		free(got);
	}
	mg_textmask_free(m);
	mg_textmask_free(NULL);
	(void)state;
}

/* The true Jaccard similarity of the 3-word shingle sets. */
static double
jaccard(const char *a, const char *b)
{
	char	*sa[512], *sb[512];
	size_t	 na = 0, nb = 0, both = 0;
	char	*w[2][512];
	size_t	 nw[2] = { 0, 0 };
	char	*copy[2] = { strdup(a), strdup(b) };

	for (int t = 0; t < 2; t++)
		for (char *x = strtok(copy[t], " "); x != NULL && nw[t] < 512;
		    x = strtok(NULL, " "))
			w[t][nw[t]++] = x;
	for (int t = 0; t < 2; t++)
		for (size_t i = 0; i + 3 <= nw[t]; i++) {
			char	buf[256], **set = t == 0 ? sa : sb;
			size_t	*n = t == 0 ? &na : &nb, j;

			snprintf(buf, sizeof(buf), "%s %s %s", w[t][i],
			    w[t][i + 1], w[t][i + 2]);
			for (j = 0; j < *n; j++)
				if (strcmp(set[j], buf) == 0)
					break;
			if (j == *n)
				set[(*n)++] = strdup(buf);
		}
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			if (strcmp(sa[i], sb[j]) == 0) {
				both++;
				break;
			}
	for (size_t i = 0; i < na; i++)
		free(sa[i]);
	for (size_t i = 0; i < nb; i++)
		free(sb[i]);
	free(copy[0]);
	free(copy[1]);
	return (double)both / (double)(na + nb - both);
}

/* A text of n words from a small vocabulary, seeded. */
static void
make_text(char *buf, size_t len, unsigned seed, size_t n)
{
	static const char *const vocab[] = { "genetics", "clinic", "patient",
	    "family", "research", "variant", "exome", "training", "resident",
	    "program", "counselor", "rare", "disease", "child", "adult",
	    "cancer", "metabolic", "screening", "newborn", "laboratory",
	    "interest", "experience", "year", "rotation", "learn", "teach",
	    "care", "team", "diagnosis", "therapy", "trial", "paper" };
	size_t	off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    i ? " " : "", vocab[(seed >> 16) % 32]);
	}
}

static void
test_estimate(void **state)
{
	char			a[8192], b[8192];
	struct mg_textsig	sa, sb;

	(void)state;
	make_text(a, sizeof(a), 1, 200);
	assert_int_equal(mg_textsim_sign(a, &sa), 0);
	assert_int_equal(sa.words, 200);
	/* Itself: 1. */
	assert_int_equal(mg_textsim_sign(a, &sb), 0);
	assert_true(mg_textsim_similarity(&sa, &sb) == 1.0);
	/* Unrelated: near 0. */
	make_text(b, sizeof(b), 2, 200);
	assert_int_equal(mg_textsim_sign(b, &sb), 0);
	assert_true(fabs(mg_textsim_similarity(&sa, &sb) - jaccard(a, b)) <
	    0.15);
	/* The first 150 words the same, then different: estimate within
	 * four standard errors (0.045 at 128 hashes) of the truth. */
	for (unsigned cut = 60; cut <= 200; cut += 35) {
		double	want, got;
		char	tail[8192];

		memcpy(b, a, sizeof(b));
		make_text(tail, sizeof(tail), 3 + cut, 200 - cut);
		{
			/* keep the first cut words of a */
			char	*p = b;

			for (unsigned i = 0; i < cut && p != NULL; i++)
				p = strchr(p + 1, ' ');
			if (p != NULL)
				snprintf(p, sizeof(b) - (size_t)(p - b), " %s",
				    tail);
		}
		assert_int_equal(mg_textsim_sign(b, &sb), 0);
		want = jaccard(a, b);
		got = mg_textsim_similarity(&sa, &sb);
		if (fabs(got - want) > 4 * 0.045)
			fail_msg("cut %u: estimate %.3f, Jaccard %.3f", cut,
			    got, want);
	}
	/* No words: no signature. */
	assert_int_equal(mg_textsim_sign("", &sb), -1);
	assert_int_equal(sb.words, 0);
	assert_true(mg_textsim_similarity(&sa, &sb) == 0.0);
	/* Shorter than a shingle: one shingle. */
	assert_int_equal(mg_textsim_sign("thank you", &sb), 0);
	assert_int_equal(sb.words, 2);
}

static void
test_bands(void **state)
{
	struct mg_textsig	a, b;
	int64_t			ba[MG_TEXTSIM_BANDS], bb[MG_TEXTSIM_BANDS];
	unsigned char		blob[MG_TEXTSIM_SIGBYTES];
	size_t			differ = 0;

	(void)state;
	assert_true(MG_TEXTSIM_BANDS * MG_TEXTSIM_ROWS <= MG_TEXTSIM_HASHES);
	assert_int_equal(mg_textsim_sign("one two three four five six", &a),
	    0);
	b = a;
	b.mh[MG_TEXTSIM_ROWS * 5 + 2]++;	/* a value in band 5 */
	mg_textsim_bands(&a, ba);
	mg_textsim_bands(&b, bb);
	for (size_t i = 0; i < MG_TEXTSIM_BANDS; i++)
		differ += ba[i] != bb[i];
	assert_int_equal(differ, 1);
	assert_true(ba[5] != bb[5]);
	/* Two bands with equal values still have different buckets. */
	memset(&b, 0, sizeof(b));
	mg_textsim_bands(&b, bb);
	assert_true(bb[0] != bb[1]);

	mg_textsim_pack(&a, blob);
	memset(&b, 0, sizeof(b));
	mg_textsim_unpack(blob, &b);
	assert_memory_equal(a.mh, b.mh, sizeof(a.mh));
	assert_true(b.words > 0);
	assert_int_equal(blob[0], a.mh[0] & 0xff);	/* little-endian */
}

/*
 * The scheme is frozen: these values are stored in users' ledgers.  If
 * this test fails, the hash functions changed: bump MG_TEXTSIM_SCHEME
 * rather than change the numbers here.
 */
static void
test_frozen(void **state)
{
	struct mg_textsig	s;
	int64_t			b[MG_TEXTSIM_BANDS];

	(void)state;
	assert_int_equal(MG_TEXTSIM_SCHEME, 1);
	assert_int_equal(mg_textsim_sign("dear dr _ thank you for the "
	    "interview", &s), 0);
	mg_textsim_bands(&s, b);
	print_message("    mh[0] %u mh[127] %u bucket[0] %lld\n", s.mh[0],
	    s.mh[127], (long long)b[0]);
	assert_int_equal(s.mh[0], FROZEN_MH0);
	assert_int_equal(s.mh[127], FROZEN_MH127);
	assert_true(b[0] == FROZEN_B0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_estimate),
		cmocka_unit_test(test_bands),
		cmocka_unit_test(test_frozen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
