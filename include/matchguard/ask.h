/*
 * ask.h - questions on a terminal (or answers piped in on standard
 * input, one a line), for `init` and `programs add`; and the quoting of
 * a text in the configuration's syntax.
 */
#ifndef MATCHGUARD_ASK_H
#define MATCHGUARD_ASK_H

#include <stdio.h>

#include "matchguard/buf.h"

#define MG_ASK_MAX	1024	/* bytes of one answer */

/* Prints question (with "[def]" when def is not NULL), reads one line
 * from in: the answer, or def when the line is empty.  Surrounding
 * white space is removed.  -1 at the end of input (nothing answered). */
int	mg_ask(FILE *in, FILE *out, const char *question, const char *def,
	    char *buf, size_t len);

/* A yes/no question; def is the answer to an empty line.  -1 at the end
 * of input. */
int	mg_ask_yes(FILE *in, FILE *out, const char *question, int def);

/* Appends s as a configuration text: "...", with \ and " escaped and
 * control characters left out. */
void	mg_conf_quote(struct mg_buf *b, const char *s);

#endif
