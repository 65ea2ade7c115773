/*
 * review_hook.h - where the applicant reviews a held letter, for the
 * texts that tell them (the 550 at Send, the INBOX notices, sendmail's
 * error line).
 *
 * With review.enabled (the default), mg_review_where() gives the URL of
 * the review page served by `matchguard serve`
 * (http://127.0.0.1:PORT/TOKEN/, what `matchguard review-url` prints;
 * the token is made if it does not exist yet); otherwise, or when the
 * token cannot be read, or when another user's program listens on
 * review.port (mg_review_port_check()), the command to run.  The URL holds the secret
 * token: it goes to the applicant (their mail client, their INBOX),
 * never into a log line.
 */
#ifndef MATCHGUARD_REVIEW_HOOK_H
#define MATCHGUARD_REVIEW_HOOK_H

#include <stddef.h>

#include "matchguard/config.h"

/* Writes into buf (len bytes, always terminated) the review page's URL
 * and returns 1, or, when there is no page, "run `matchguard queue`" and
 * returns 0. */
int	mg_review_where(const struct mg_config *cfg, char *buf, size_t len);

#endif
