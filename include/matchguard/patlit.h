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

#endif
