/*
 * review_hook.c - where the applicant reviews a held letter (see
 * review_hook.h).
 */
#include "config_auto.h"

#include <stdio.h>

#include "matchguard/review_hook.h"

int
mg_review_where(const struct mg_config *cfg, char *buf, size_t len)
{
	(void)cfg;	/* the review page's address, once it exists */
	snprintf(buf, len, "run `matchguard queue`");
	return 0;
}
