/*
 * sentence.h - the sentence of a letter around a match, for the rules that
 * judge a match by the words next to it (placeholder, wrong-program).
 * Private to src/rules/.
 *
 * Works on the original text (UTF-8), not on a view.  A sentence ends at
 * ".", "!" or "?" followed by white space or the end of the text, at a
 * blank line, and before a line that starts a list item ("- ", "* ",
 * "1. ").  A single line break does not end a sentence (mail is wrapped
 * at 72 columns), nor does the dot of a title or an initial: "Dr. Lee",
 * "J. Smith", "e.g.", "U.S.".  A sentence is cut at MG_SENTENCE_MAX bytes
 * on each side of the match, so the cost is bounded.
 */
#ifndef MG_RULES_SENTENCE_H
#define MG_RULES_SENTENCE_H

#include <stddef.h>

#define MG_SENTENCE_MAX	600

/* The sentence of text[0, len) that holds [start, end): sets *a and *z
 * (a <= start, end <= z <= len). */
void	mg_sentence_bounds(const char *text, size_t len, size_t start,
	    size_t end, size_t *a, size_t *z);

/* text[a, z) for evidence: white space folded to single spaces, at most
 * about maxlen bytes kept around [start, end) with "..." where cut, never
 * in the middle of a UTF-8 character.  Caller frees; NULL when out of
 * memory. */
char	*mg_sentence_quote(const char *text, size_t a, size_t z, size_t start,
	    size_t end, size_t maxlen);

#endif
