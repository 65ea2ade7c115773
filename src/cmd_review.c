/*
 * cmd_review.c - matchguard review-url: the review page's address, with
 * its token, on one line (review.h).
 */
#include "config_auto.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "matchguard/cmd.h"
#include "matchguard/config.h"
#include "matchguard/peercred.h"
#include "matchguard/review.h"
#include "matchguard/review_token.h"

static const char usage[] = "usage: matchguard review-url [-c CONF]\n";

int
mg_cmd_review_url(int argc, char **argv, const char *conf)
{
	static const struct option longopts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct mg_config	 cfg;
	char			*path = NULL, *token, err[MG_ERRLEN], url[256];
	int			 ch, created, status = MG_EXIT_ERROR;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		if (ch == 'c')
			conf = optarg;
		else {
			fputs(usage, ch == 'h' ? stdout : stderr);
			return ch == 'h' ? MG_EXIT_OK : MG_EXIT_ERROR;
		}
	}
	if (optind < argc) {
		fputs(usage, stderr);
		return MG_EXIT_ERROR;
	}
	if (conf == NULL && (path = mg_config_default_path()) == NULL) {
		fprintf(stderr, "matchguard: out of memory\n");
		return MG_EXIT_ERROR;
	}
	if (mg_config_load(conf != NULL ? conf : path, &cfg, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		free(path);
		return MG_EXIT_ERROR;
	}
	free(path);
	if (!cfg.review.enabled)
		fprintf(stderr, "matchguard: the review page is off "
		    "(review.enabled = false in %s)\n", cfg.path);
	else if (mg_review_token_load(cfg.state_dir, &token, &created, err,
	    sizeof(err)) == -1)
		fprintf(stderr, "matchguard: %s\n", err);
	else if (mg_review_port_check(&cfg, err, sizeof(err)) == -1) {
		mg_peercred_password_free(token);
		fprintf(stderr, "matchguard: %s\n", err);
	} else {
		mg_review_url(&cfg, token, url, sizeof(url));
		mg_peercred_password_free(token);
		puts(url);
		status = MG_EXIT_OK;
	}
	mg_config_clear(&cfg);
	return status;
}
