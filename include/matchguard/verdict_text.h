/*
 * verdict_text.h - what the mail client shows at Send when serve holds a
 * letter with on_hold = "reject-and-queue" (the default): the text of a
 * multi-line 550 5.7.1.
 *
 * Clients show the text of a refusal differently: Thunderbird and Apple
 * Mail show every line in their "Sending failed" dialog, msmtp, swaks
 * and git send-email print them all, but mutt shows only the last line,
 * and a client that keeps one line may keep the first.  So the first
 * line and the last each carry the essential words alone: the letter was
 * NOT sent, the first problem, and where to review it; the lines between
 * add the other findings and how to fix it, and the last the held
 * copy's ID.
 */
#ifndef MATCHGUARD_VERDICT_TEXT_H
#define MATCHGUARD_VERDICT_TEXT_H

#include <stddef.h>

#include "matchguard/config.h"
#include "matchguard/spool.h"

/* Longest line of the text, in bytes (RFC 5321 4.5.3.1.5: a reply line
 * is at most 512 octets with its code and CRLF). */
#define MG_VERDICT_LINE		400
/* The findings named after the first one. */
#define MG_VERDICT_MAX_MORE	5

/* Writes into out (len bytes, always terminated) the lines, separated
 * by '\n', of the refusal of the held letter e (its ID and findings). */
void	mg_verdict_refusal(const struct mg_config *cfg,
	    const struct mg_spool_entry *e, char *out, size_t len);

#endif
