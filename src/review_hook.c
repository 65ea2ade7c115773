/*
 * review_hook.c - where the applicant reviews a held letter (see
 * review_hook.h).
 */
#include "config_auto.h"

#include <stdio.h>

#include "matchguard/peercred.h"
#include "matchguard/review.h"
#include "matchguard/review_hook.h"
#include "matchguard/review_token.h"

int
mg_review_where(const struct mg_config *cfg, char *buf, size_t len)
{
	char	*token = NULL, err[256];
	int	 created;

	/* Never the token toward a page another user's program took. */
	if (cfg->review.enabled && cfg->state_dir != NULL &&
	    mg_review_port_check(cfg, err, sizeof(err)) == 0 &&
	    mg_review_token_load(cfg->state_dir, &token, &created, err,
	    sizeof(err)) == 0) {
		mg_review_url(cfg, token, buf, len);
		mg_peercred_password_free(token);
		return 1;
	}
	snprintf(buf, len, "run `matchguard queue`");
	return 0;
}
