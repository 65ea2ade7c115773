/*
 * textsim.h - how alike two letters are, names aside: word shingles,
 * MinHash signatures and LSH band buckets.
 *
 * A letter is first masked (see struct mg_textmask): the names that
 * change from one copy of a form letter to the next (programs, aliases,
 * institutions, contacts, the applicant) become one placeholder word "_",
 * and every number becomes "0".  The masked words are cut into shingles
 * of MG_TEXTSIM_SHINGLE consecutive words; the Jaccard similarity of two
 * letters' shingle sets is estimated by the share of equal values in
 * their MinHash signatures (MG_TEXTSIM_HASHES hash functions; standard
 * error about 0.035 at a similarity of 0.8).
 *
 * Lookup without scanning: the first MG_TEXTSIM_BANDS * MG_TEXTSIM_ROWS
 * values of the signature are cut into MG_TEXTSIM_BANDS bands of
 * MG_TEXTSIM_ROWS values, and each band hashed to one bucket number (all
 * MG_TEXTSIM_HASHES values make the estimate).  Two letters with
 * similarity s share at least one bucket with probability
 * 1 - (1 - s^4)^16: 0.9998 at s = 0.8, 0.988 at s = 0.7, 0.89 at s = 0.6,
 * 0.12 at s = 0.3.  The S-curve's midpoint, (1/16)^(1/4) = 0.5, lies
 * below any sensible threshold; false candidates cost a signature read
 * and are dropped by the full estimate.  Band b holds values 4b..4b+3
 * whatever the number of bands, so a ledger written with 32 bands keeps
 * its first 16 (bench/lshrecall measures the layouts on real letters).
 *
 * Everything here is pure: no I/O, no clock, no global state.  The hash
 * functions are fixed forever for MG_TEXTSIM_SCHEME; signatures in the
 * ledger carry that number, so a future scheme can coexist with old rows.
 */
#ifndef MATCHGUARD_TEXTSIM_H
#define MATCHGUARD_TEXTSIM_H

#include <stddef.h>
#include <stdint.h>

#define MG_TEXTSIM_SCHEME	1	/* the parameters below, version 1 */
#define MG_TEXTSIM_SHINGLE	3	/* words per shingle */
#define MG_TEXTSIM_HASHES	128	/* MinHash values per signature */
#define MG_TEXTSIM_BANDS	16	/* LSH bands ... */
#define MG_TEXTSIM_ROWS		4	/* ... of this many values each */
#define MG_TEXTSIM_SIGBYTES	(MG_TEXTSIM_HASHES * 4)	/* packed size */

struct mg_textsig {
	uint32_t	mh[MG_TEXTSIM_HASHES];
	size_t		words;	/* masked words the signature was made of */
};

/* Names to mask.  Phrases are matched as whole word sequences (longest
 * first), words one at a time; both in the KEY form of textnorm.h, so
 * "Núñez-Ortega" masks "nunez ortega". */
struct mg_textmask;

struct mg_textmask *mg_textmask_new(void);
/* Adds a name (any text; made a KEY).  -1 only when out of memory. */
int	mg_textmask_add_phrase(struct mg_textmask *m, const char *name);
/* Adds every word of s, each as a single word to mask. */
int	mg_textmask_add_words(struct mg_textmask *m, const char *s);
void	mg_textmask_free(struct mg_textmask *m);

/* The masked words of text (UTF-8, any form), separated by single spaces,
 * runs of masked words folded into one "_".  *words (may be NULL) is the
 * number of words.  Caller frees; NULL when out of memory. */
char	*mg_textmask_apply(const struct mg_textmask *m, const char *text,
	    size_t *words);

/* The signature of masked text (as made by mg_textmask_apply).  Returns 0,
 * or -1 when the text has no word (no signature: *out zeroed). */
int	mg_textsim_sign(const char *masked, struct mg_textsig *out);

/* The bucket of each band. */
void	mg_textsim_bands(const struct mg_textsig *s,
	    int64_t bucket[MG_TEXTSIM_BANDS]);

/* Estimated Jaccard similarity, 0.0 to 1.0. */
double	mg_textsim_similarity(const struct mg_textsig *a,
	    const struct mg_textsig *b);

/* Byte form for storage (little-endian), and back. */
void	mg_textsim_pack(const struct mg_textsig *s,
	    unsigned char buf[MG_TEXTSIM_SIGBYTES]);
void	mg_textsim_unpack(const unsigned char buf[MG_TEXTSIM_SIGBYTES],
	    struct mg_textsig *s);

#endif
