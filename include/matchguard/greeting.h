/*
 * greeting.h - the salutation of a letter: who its first line greets.
 *
 * "Dear Dr. Núñez-Ortega and Ms. Tran," names two people, each with a
 * title kept apart.  The patterns (salutations, titles, words that are
 * no one's name) are in filters/greeting.conf; a part that names a
 * program of the directory is no person either.  The greeting-name rule
 * reads the result (struct mg_check_ctx.greeting, policy.h).
 */
#ifndef MATCHGUARD_GREETING_H
#define MATCHGUARD_GREETING_H

#include <stddef.h>

#include "matchguard/config.h"
#include "matchguard/filters.h"

#define MG_GREETING_MAX_NAMES	4
/* The longest first line read as a salutation. */
#define MG_GREETING_MAX_LINE	200

struct mg_greeting_name {
	char	title[16];	/* "Dr." or "" */
	char	name[96];	/* "Núñez-Ortega" */
};

struct mg_greeting {
	int			 found;		/* a salutation line */
	size_t			 end;		/* text offset past its line */
	char			 line[160];	/* the line, for evidence */
	struct mg_greeting_name	 names[MG_GREETING_MAX_NAMES];
	size_t			 n_names;
};

/* Reads the greeting of text (the new text of a letter, as written) into
 * *g (zeroed by the call): g->found is 0 when the first non-blank line
 * is no salutation.  cfg's directory tells program names from people's.
 * -1 only when out of memory. */
int	mg_greeting_parse(const struct mg_config *cfg,
	    const struct mg_filters *filters, const char *text,
	    struct mg_greeting *g);

#endif
