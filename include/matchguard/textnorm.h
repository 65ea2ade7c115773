/*
 * textnorm.h - normalised views of text, for matching names and phrases.
 *
 * Two forms, both ASCII (diacritics removed: "Núñez" is "Nunez"), with
 * every run of white space, line breaks included, folded to one space:
 *   MG_NORM_FLAT  punctuation and case kept: for phrase patterns;
 *   MG_NORM_KEY   lower case words of [a-z0-9] separated by one space, with
 *                 one space at each end: for names ("The Núñez-Ortega Lab"
 *                 and "the nunez ortega lab" have the same key).
 * Each view maps its bytes back to the original text, so that a finding
 * can quote the message as the applicant wrote it.
 */
#ifndef MATCHGUARD_TEXTNORM_H
#define MATCHGUARD_TEXTNORM_H

#include <stddef.h>
#include <stdint.h>

enum mg_norm_form {
	MG_NORM_FLAT,
	MG_NORM_KEY
};

struct mg_normtext {
	char		*s;	/* the normalised text, NUL-terminated */
	size_t		 len;
	size_t		*map;	/* map[i]: offset in orig of s[i]; map[len] = end */
	char		*lower;	/* FLAT: s in ASCII lower case, for the literal
				 * prefilters of filters.c; KEY: NULL */
	uint64_t	*grams;	/* FLAT: mg_patlit_grams() of s (NULL when
				 * short), for the same prefilters */
	const char	*orig;	/* borrowed: must outlive this view */
	size_t		 orig_len;
};

/* Builds a view of orig (UTF-8; invalid bytes are tolerated).  Returns NULL
 * when out of memory.  Free with mg_normtext_free(). */
struct mg_normtext *mg_normtext_new(const char *orig, enum mg_norm_form form);
void	mg_normtext_free(struct mg_normtext *nt);

/* The key of a name: the KEY form of s, without a leading "the ".
 * Caller frees.  "" (two spaces trimmed to " ") when s has no word. */
char	*mg_name_key(const char *s);

/* Finds key (as made by mg_name_key) in a KEY view at or after byte from,
 * on word boundaries.  Returns 1 and the span [*start, *end) in nt->s, or 0. */
int	mg_key_find(const struct mg_normtext *nt, const char *key, size_t from,
	    size_t *start, size_t *end);

/* A short quotation of the original text around the view span [start,
 * end): the sentence or line that holds it, at most about maxlen bytes,
 * white space folded, "..." where cut.  Caller frees. */
char	*mg_quote(const struct mg_normtext *nt, size_t start, size_t end,
	    size_t maxlen);

/* The view span [start, end) as original text, white space folded to
 * single spaces.  Caller frees. */
char	*mg_span_orig(const struct mg_normtext *nt, size_t start, size_t end);

/* Levenshtein distance between two short strings, capped at cap+1. */
int	mg_edit_distance(const char *a, const char *b, int cap);

#endif
