/*
 * signature.h - the template signature of a letter: what the ledger
 * keeps of each letter sent (struct mg_sent.sig) and generic-template
 * compares, so that the same letter sent to several programs, names
 * aside, is found.  One per letter: the policy makes it (struct
 * mg_check.sig) and the record stores that one.
 */
#ifndef MATCHGUARD_SIGNATURE_H
#define MATCHGUARD_SIGNATURE_H

#include "matchguard/config.h"
#include "matchguard/textsim.h"

/* Builds cfg->sig_mask once, so that mg_signature_of() does not
 * compile the directory's names for every letter (a cost that grows
 * with the square of the number of programs).  -1 when out of memory.
 * mg_signature_unprepare() frees it; call it before mg_config_clear(). */
int	mg_signature_prepare(struct mg_config *cfg);
void	mg_signature_unprepare(struct mg_config *cfg);

/* The template signature of a letter's new text as the ledger stores it
 * (struct mg_sent.sig) and generic-template compares it: names of the
 * directory and identity.name masked (textsim.h).  sig->words is 0 when
 * the text has no word.  -1 only when out of memory. */
int	mg_signature_of(const struct mg_config *cfg, const char *text,
	    struct mg_textsig *sig);

#endif
