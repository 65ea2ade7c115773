/*
 * review_token.c - the review page's token and CSRF values
 * (review_token.h).
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/crypto.h>

#include "matchguard/peercred.h"
#include "matchguard/review_token.h"

int
mg_review_token_load(const char *state_dir, char **token, int *created,
    char *err, size_t errlen)
{
	return mg_peercred_secret_file(state_dir, MG_REVIEW_TOKEN_FILE,
	    "token", MG_REVIEW_TOKEN_MIN, token, created, err, errlen);
}

int
mg_review_token_equal(const char *given, size_t len, const char *token)
{
	size_t			 tlen = strlen(token);
	volatile unsigned char	 diff = (unsigned char)(len != tlen);

	/* Every byte of the token is read, whatever given is. */
	for (size_t i = 0; i < tlen; i++)
		diff |= (unsigned char)(token[i] ^ (i < len ? given[i] : 0));
	return diff == 0;
}

int
mg_review_csrf(const char *token, const char *path,
    char out[MG_REVIEW_CSRF_LEN + 1])
{
	unsigned char	 mac[32];
	char		*msg;
	size_t		 n = strlen(path) + sizeof("csrf ");
	int		 rc;

	if ((msg = malloc(n)) == NULL)
		return -1;
	snprintf(msg, n, "csrf %s", path);
	rc = gnutls_hmac_fast(GNUTLS_MAC_SHA256, token, strlen(token), msg,
	    strlen(msg), mac);
	free(msg);
	if (rc < 0)
		return -1;
	for (size_t i = 0; i < sizeof(mac); i++)
		snprintf(out + 2 * i, 3, "%02x", mac[i]);
	return 0;
}

int
mg_review_csrf_ok(const char *token, const char *path, const char *given)
{
	char	want[MG_REVIEW_CSRF_LEN + 1];

	if (given == NULL || mg_review_csrf(token, path, want) == -1)
		return 0;
	return mg_review_token_equal(given, strlen(given), want);
}
