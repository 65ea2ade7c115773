/*
 * lshrecall.c - how many similar pairs of letters the ledger's LSH bands
 * find, for band layouts side by side.
 *
 * usage: lshrecall CONF FILE...
 *
 * Each FILE (an RFC 5322 letter to a program of CONF's directory) gets
 * the template signature the policy makes (mg_letter_check(), classify
 * mode: the same mask and MinHash as generic-template and the ledger).
 * For every pair of letters, the estimated similarity (the share of
 * equal MinHash values, as generic-template compares) is taken, and for
 * each layout of B bands of R values (the first B * R values of the
 * signature) whether the pair shares a band (a bucket: the ledger's
 * bucket is a hash of the band's values).  Prints, for thresholds 0.5 to
 * 0.9, the pairs at or above it and how many of them each layout finds:
 *   t=0.80 pairs=N 32x4=N 24x4=N 16x4=N 16x3=N
 * and, for pairs below 0.3, how many each layout makes candidates (each
 * costs the ledger a signature read).
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matchguard/app.h"
#include "matchguard/letter.h"
#include "matchguard/util.h"

static const struct layout {
	size_t		 bands, rows;
	const char	*name;
} layouts[] = {
	{ 32, 4, "32x4" }, { 24, 4, "24x4" }, { 16, 4, "16x4" },
	{ 16, 3, "16x3" },
};
#define N_LAYOUTS	(sizeof(layouts) / sizeof(layouts[0]))

static int
share_band(const struct mg_textsig *a, const struct mg_textsig *b,
    const struct layout *ly)
{
	for (size_t k = 0; k < ly->bands; k++) {
		size_t	r = 0;

		while (r < ly->rows && a->mh[k * ly->rows + r] ==
		    b->mh[k * ly->rows + r])
			r++;
		if (r == ly->rows)
			return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const double	 ts[] = { 0.5, 0.6, 0.7, 0.8, 0.9 };
	struct mg_app		 app;
	struct mg_textsig	*sig;
	unsigned long		 pairs[5] = { 0 }, found[5][N_LAYOUTS] = { { 0 } };
	unsigned long		 low = 0, low_cand[N_LAYOUTS] = { 0 };
	size_t			 n = 0;
	char			 err[MG_ERRLEN];

	if (argc < 3) {
		fprintf(stderr, "usage: lshrecall CONF FILE...\n");
		return 1;
	}
	mg_message_init();
	if (mg_app_open(&app, argv[1], MG_LEDGER_RO, err, sizeof(err)) == -1) {
		fprintf(stderr, "lshrecall: %s\n", err);
		return 1;
	}
	if ((sig = calloc((size_t)argc, sizeof(*sig))) == NULL)
		return 1;
	for (int i = 2; i < argc; i++) {
		struct mg_letter	lt;

		if (mg_letter_parse_file(&lt, argv[i], err, sizeof(err)) != 0 ||
		    mg_letter_check(&lt, &app, 0, MG_CHECK_CLASSIFY, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "lshrecall: %s\n", err);
			return 1;
		}
		if (lt.check.sig.words > 0)
			sig[n++] = lt.check.sig;
		mg_letter_clear(&lt);
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			double	s = mg_textsim_similarity(&sig[i], &sig[j]);

			if (s < 0.3) {
				low++;
				for (size_t k = 0; k < N_LAYOUTS; k++)
					low_cand[k] += share_band(&sig[i],
					    &sig[j], &layouts[k]);
			}
			for (size_t t = 0; t < 5; t++) {
				if (s < ts[t])
					continue;
				pairs[t]++;
				for (size_t k = 0; k < N_LAYOUTS; k++)
					found[t][k] += share_band(&sig[i],
					    &sig[j], &layouts[k]);
			}
		}
	printf("letters=%zu\n", n);
	for (size_t t = 0; t < 5; t++) {
		printf("t=%.2f pairs=%lu", ts[t], pairs[t]);
		for (size_t k = 0; k < N_LAYOUTS; k++)
			printf(" %s=%lu", layouts[k].name, found[t][k]);
		printf("\n");
	}
	printf("below 0.30: pairs=%lu candidates", low);
	for (size_t k = 0; k < N_LAYOUTS; k++)
		printf(" %s=%lu", layouts[k].name, low_cand[k]);
	printf("\n");
	free(sig);
	mg_app_close(&app);
	return 0;
}
