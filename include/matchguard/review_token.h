/*
 * review_token.h - the secret of the review page (review.h): a random
 * token in its URL, and the CSRF value of each of its forms.
 *
 * The token is 24 random letters and digits (about 140 bits) in
 * <paths.state>/review-token, mode 0600, made the first time serve or
 * `matchguard review-url` needs it (peercred.h: the same checks as the
 * local password file).  A request whose first path segment is not the
 * token gets 404, and the comparison takes the same time whatever the
 * bytes given.  Each form carries HMAC-SHA256(token, "csrf " + the
 * form's path) in hex: a page of another site can know neither.
 */
#ifndef MATCHGUARD_REVIEW_TOKEN_H
#define MATCHGUARD_REVIEW_TOKEN_H

#include <stddef.h>

#define MG_REVIEW_TOKEN_FILE	"review-token"
#define MG_REVIEW_TOKEN_MIN	22	/* characters: at least 128 bits */
#define MG_REVIEW_CSRF_LEN	64	/* hex digits */

/* The token of state_dir, read or made: *token is the caller's to free
 * with mg_peercred_password_free().  0, or -1 with err. */
int	mg_review_token_load(const char *state_dir, char **token,
	    int *created, char *err, size_t errlen);

/* 1 when given[len] is token, in time that depends on len and on the
 * token's length only, never on where the bytes differ. */
int	mg_review_token_equal(const char *given, size_t len,
	    const char *token);

/* The CSRF value of the form posted to path (the part after the token,
 * "/letter/ID/send"), MG_REVIEW_CSRF_LEN hex digits and a NUL in out.
 * 0, or -1 when the HMAC cannot be made. */
int	mg_review_csrf(const char *token, const char *path,
	    char out[MG_REVIEW_CSRF_LEN + 1]);

/* 1 when given (NULL: missing) is the CSRF value of path, compared in
 * constant time. */
int	mg_review_csrf_ok(const char *token, const char *path,
	    const char *given);

#endif
