/*
 * filters.h - the phrase lists and patterns of the rules, loaded from
 * every .conf file of the filters/ folder at start, so that adding a
 * red-flag phrase needs no compile.
 *
 * A filter file is libconfig: every top-level setting is a list of POSIX
 * extended regular expressions (GNU \b, \< and \> allowed), named
 * FILE-STEM.SETTING, e.g. "placeholder.patterns" in placeholder.conf.
 * Patterns are matched against the FLAT view of the text (see
 * textnorm.h: diacritics removed, white space folded), case-insensitively
 * unless the setting's name ends in "_case".  Every list a rule uses must
 * be present, and a list that no rule uses is an error, so that a typo in
 * a filter file is reported instead of silently ignored.
 */
#ifndef MATCHGUARD_FILTERS_H
#define MATCHGUARD_FILTERS_H

#include <stddef.h>

#include "matchguard/textnorm.h"

struct mg_filters;
struct mg_frames;
struct mg_patlist;

/* Loads every *.conf in dir.  known is a NULL-terminated array of the list
 * names the program uses ("placeholder.patterns", ...); each must be
 * present and no other may be. */
int	mg_filters_load(const char *dir, const char *const *known,
	    struct mg_filters **out, char *err, size_t errlen);
void	mg_filters_free(struct mg_filters *f);

/* The list of that name, or NULL (only when name was not in known). */
const struct mg_patlist *mg_filters_get(const struct mg_filters *f,
	    const char *name);

/* The concept frames compiled from the lists at load (frames.h), or
 * NULL when the lists loaded do not hold them.  The lists of the frames
 * (mg_frames_lists) are phrases, not patterns: they are not compiled
 * here, and the pattern searches below never match them. */
const struct mg_frames *mg_filters_frames(const struct mg_filters *f);

/* Number of patterns in a list, and the source text of pattern i. */
size_t	mg_patlist_count(const struct mg_patlist *pl);
const char *mg_patlist_source(const struct mg_patlist *pl, size_t i);

/* Searches the FLAT view nt from byte `from` for the earliest match of
 * any pattern of pl.  Returns 1 and the span [*start, *end), or 0.  When
 * except is not NULL, a match whose sentence also matches a pattern of
 * except is skipped. */
int	mg_patlist_find(const struct mg_patlist *pl, const struct mg_patlist *except,
	    const struct mg_normtext *nt, size_t from, size_t *start, size_t *end);

/* Returns 1 when some pattern of pl matches anywhere in s (a plain
 * string, e.g. a short window of a view). */
int	mg_patlist_match_str(const struct mg_patlist *pl, const char *s);

#endif
