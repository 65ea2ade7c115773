/*
 * patlit.h - literal prefilters for the POSIX extended regular expressions
 * of the filter lists.
 *
 * Most phrases of a filter list are absent from most letters, and glibc's
 * regexec() is slow to say so (with REG_ICASE it upper-cases the whole
 * text first, for every pattern).  A prefilter is a set of strings, one of
 * which every match of the pattern contains ("\\b(will|would) rank (you|it)"
 * needs " rank "; "\\bletter of intent\\b" needs "letter of intent"), so a
 * text that contains none of them is skipped without running the pattern.
 * It only ever skips patterns that cannot match: what it cannot analyse
 * (a bracket expression, ".", a back-reference, anything unusual) counts
 * as "could be anything", and a pattern with no certain literal gets no
 * prefilter.
 */
#ifndef MATCHGUARD_PATLIT_H
#define MATCHGUARD_PATLIT_H

#include <stddef.h>
#include <stdint.h>

struct mg_patlit;

/* The prefilter of pattern, an ERE that regcomp() accepted; with icase,
 * its strings are in ASCII lower case, to be looked for in an ASCII
 * lower-case copy of the text.  NULL when the pattern has no certain
 * literal (or memory ran out): then the pattern must always be run. */
struct mg_patlit *mg_patlit_new(const char *pattern, int icase);
void	mg_patlit_free(struct mg_patlit *pl);

/* 0 when text contains none of the strings of pl, so the pattern cannot
 * match it; 1 otherwise, and always when pl is NULL. */
int	mg_patlit_may_match(const struct mg_patlit *pl, const char *text);

/* The three-byte sequences of a text, as a set of MG_PATLIT_GRAM_BITS
 * hashed bits, made once per text so that a string with a sequence the
 * text lacks is rejected without a strstr() over it.  Made of ASCII lower
 * case bytes (text is lowered here), it stands for the text in either
 * case.  NULL (no filter) for a text shorter than MG_PATLIT_GRAM_MIN
 * bytes, where a strstr() costs little, or when out of memory; free(). */
#define MG_PATLIT_GRAM_BITS	65536
#define MG_PATLIT_GRAM_MIN	256
uint64_t	*mg_patlit_grams(const char *text, size_t len);
/* mg_patlit_may_match() of text, a part of the text grams were made of
 * (grams may be NULL: no filter).  The same answer, sooner. */
int	mg_patlit_may_match_in(const struct mg_patlit *pl, const char *text,
	    const uint64_t *grams);

#endif
