/*
 * review.h - the review page of `matchguard serve`: the held letters,
 * decoded, with their findings; send anyway, edit, drop; check a draft;
 * the timeline; the letters sent with notes.  Served by libmicrohttpd on
 * a loopback address (review.listen, review.port), in one thread of its
 * own, with no JavaScript.
 *
 * Who may use it: only a request whose path starts with the secret token
 * (review_token.h), whose Host is the page's own address (a DNS
 * rebinding page names another host), from a loopback peer.  A POST must
 * also carry its form's CSRF value and, when the browser says where it
 * comes from (Origin, Sec-Fetch-Site), come from the page itself.  Every
 * answer has a strict Content-Security-Policy, no-referrer (the token is
 * in the URL), no-store and nosniff.  Letters are hostile input: every
 * byte of them is escaped.
 *
 * Bounds: review.max_connections at once, review.timeout seconds of
 * silence, 64 KiB of header memory a connection, review.max_upload bytes
 * of request body (more, and the connection is closed).
 *
 * The actions go through queue.h, the one way a held letter leaves.
 */
#ifndef MATCHGUARD_REVIEW_H
#define MATCHGUARD_REVIEW_H

#include <stddef.h>

#include "matchguard/config.h"

struct mg_review;

/* Starts the page for conf (its own guard: configuration, filters,
 * ledger, spool), making the token at first start; *out is NULL when
 * review.enabled is false (0 returned).  url[urllen] gets the address
 * with the token.  0, or -1 with err. */
int	mg_review_start(const char *conf, struct mg_review **out, char *url,
	    size_t urllen, char *err, size_t errlen);

/* Stops the page and frees it; *rp becomes NULL (NULL is allowed). */
void	mg_review_stop(struct mg_review **rp);

/* "http://127.0.0.1:2580/TOKEN/" for cfg and token into url[urllen]. */
void	mg_review_url(const struct mg_config *cfg, const char *token,
	    char *url, size_t urllen);

/* -1 (err set) when another user's program listens on the review page's
 * port: it would learn the token from the URL opened in a browser. */
int	mg_review_port_check(const struct mg_config *cfg, char *err,
	    size_t errlen);

#endif
