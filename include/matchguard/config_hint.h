/*
 * config_hint.h - what to type, for a syntax error in a configuration
 * file, in words a person who is not a programmer can act on.
 */
#ifndef MATCHGUARD_CONFIG_HINT_H
#define MATCHGUARD_CONFIG_HINT_H

#include <stddef.h>

/*
 * libconfig stopped at line err_line of text (the whole file) with a
 * bare "syntax error".  Writes into out a sentence that names the line
 * at fault (which may be an earlier one: an unclosed quote or bracket)
 * and what to type there: curly quotes, single quotes, a text or date
 * without quotes, a missing "=", a missing comma between two groups of a
 * list, a quote or bracket never closed.  out is "" when nothing is
 * recognised.
 */
void	mg_config_syntax_hint(const char *text, int err_line, char *out,
	    size_t outlen);

#endif
