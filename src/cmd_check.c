/*
 * cmd_check.c - matchguard check [-c CONF] [--now TIME] [--json] FILE...
 *
 * Runs the policy on message files as if they were sent at TIME, prints
 * the verdicts, and changes nothing (the ledger is opened read-only).
 */
#include "config_auto.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "matchguard/app.h"
#include "matchguard/cmd.h"
#include "matchguard/letter.h"
#include "matchguard/report.h"

static const char usage[] =
    "usage: matchguard check [-c CONF] [--applicant ID] [--now TIME] [--json] "
    "FILE...\n";

struct check_opts {
	const char	*conf;
	time_t		 now;
	int		 json;
	const char	*applicant;	/* --applicant, or NULL */
};

/* Checks one file; returns the verdict, or -1 after printing an error. */
static int
check_file(struct mg_app *app, const struct check_opts *o, const char *file)
{
	struct mg_letter	lt = { 0 };
	struct mg_buf		b = { 0 };
	char			err[MG_ERRLEN];
	int			rc = -1;

	if (mg_letter_parse_file(&lt, file, err, sizeof(err)) == -1 ||
	    mg_letter_check(&lt, app, o->now, MG_CHECK_RULES, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		goto out;
	}
	if (o->json) {
		mg_report_json(&b, file, &lt.check);
		mg_buf_puts(&b, "\n");
	} else
		mg_report_text(&b, file, &lt.check);
	if (b.failed) {
		fprintf(stderr, "matchguard: %s: out of memory\n", file);
		goto out;
	}
	fputs(b.s, stdout);
	rc = (int)lt.check.verdict;
out:
	mg_buf_free(&b);
	mg_letter_clear(&lt);
	return rc;
}

static int
parse_opts(int argc, char **argv, struct check_opts *o)
{
	static const struct option longopts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "now",	required_argument,	NULL, 'n' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "applicant",	required_argument,	NULL, 'a' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	int	ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->conf = optarg;
			break;
		case 'n':
			if (mg_cmd_opt_now(optarg, &o->now) == -1)
				return -1;
			break;
		case 'j':
			o->json = 1;
			break;
		case 'a':
			o->applicant = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(MG_EXIT_OK);
		default:
			fputs(usage, stderr);
			return -1;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "matchguard: check: no message file given\n%s",
		    usage);
		return -1;
	}
	return 0;
}

int
mg_cmd_check(int argc, char **argv, const char *conf)
{
	struct check_opts	o = { conf, time(NULL), 0, NULL };
	struct mg_app		app;
	char			err[MG_ERRLEN], *own;
	int			status = MG_EXIT_OK, rc;

	if (parse_opts(argc, argv, &o) == -1 ||
	    mg_cmd_opt_applicant(&o.conf, o.applicant, &own) == -1)
		return MG_EXIT_ERROR;
	rc = mg_app_open(&app, o.conf, MG_LEDGER_RO, err, sizeof(err));
	free(own);
	if (rc == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		return MG_EXIT_ERROR;
	}
	for (int i = optind; i < argc; i++) {
		int	v = check_file(&app, &o, argv[i]);

		if (v == -1)
			status = MG_EXIT_ERROR;
		else if (v == MG_HOLD && status == MG_EXIT_OK)
			status = MG_EXIT_HELD;
	}
	mg_app_close(&app);
	return status;
}
