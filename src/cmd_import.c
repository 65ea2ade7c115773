/*
 * cmd_import.c - matchguard import-sent [-c CONF] [--dry-run] PATH...
 *
 * Records messages the applicant already sent (single files, Maildirs or
 * mbox files) in the ledger at their Date, so that a season under way
 * counts.  Only messages from one of identity.addresses to a program of
 * the directory are recorded; importing twice changes nothing (the ledger
 * keys on Message-ID, or on the content hash without one).  A copy of a
 * letter `serve` held is not recorded (letter.h, MG_LETTER_COPY).
 */
#include "config_auto.h"

#include <sys/stat.h>

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matchguard/app.h"
#include "matchguard/cmd.h"
#include "matchguard/letter.h"

static const char usage[] =
    "usage: matchguard import-sent [-c CONF] [--dry-run] PATH...\n";

struct import {
	struct mg_app	*app;
	int		 dry_run;
	const char	*where;		/* file being read, for messages */
	size_t		 read, recorded, known, not_program, not_mine,
			 undated, held, errors;
};

/* Records a checked letter (as would be, with --dry-run). */
static int
record(struct import *im, struct mg_letter *lt)
{
	const struct mg_message	*m = lt->msg;
	enum mg_letter_recorded	 rec;
	char			 err[MG_ERRLEN], day[16];
	int			 rc;

	if (im->dry_run)
		rc = mg_letter_would_record(lt, im->app->ledger, MG_LETTER_COPY,
		    &rec, err, sizeof(err));
	else
		rc = mg_letter_record(lt, im->app->ledger, MG_LETTER_COPY, &rec,
		    err, sizeof(err));
	if (rc == -1) {
		fprintf(stderr, "matchguard: %s: %s\n", im->where, err);
		return -1;
	}
	switch (rec) {
	case MG_LETTER_NEW:
		break;
	case MG_LETTER_KNOWN:
		im->known++;
		return 0;
	case MG_LETTER_NOT_HISTORY:
		im->not_program++;
		return 0;
	case MG_LETTER_HELD_COPY:
		im->held++;
		printf("not recorded: \"%s\" is a copy of the letter "
		    "matchguard held for review (%s, %s); it was not sent\n",
		    m->subject, lt->held.spool_id, lt->held.state);
		return 0;
	}
	im->recorded++;
	mg_format_day(mg_time_to_day(m->date), day, sizeof(day));
	printf("%s %s %-10s %s: \"%s\"\n", im->dry_run ? "would record" :
	    "recorded", day, lt->check.msg_class, lt->check.programs[0]->id,
	    m->subject);
	return 0;
}

static int
import_message(struct mg_message *m, void *arg)
{
	struct import		*im = arg;
	struct mg_letter	 lt;
	char			 err[MG_ERRLEN];

	im->read++;
	if (im->app->cfg.addresses.n > 0 && (m->from == NULL ||
	    !mg_strlist_has_ci(&im->app->cfg.addresses, m->from))) {
		im->not_mine++;
		return 0;
	}
	if (!m->has_date) {
		fprintf(stderr, "matchguard: %s: message %s has no valid Date "
		    "header; skipped\n", im->where, m->message_id ?
		    m->message_id : "without Message-ID");
		im->undated++;
		return 0;
	}
	/* A copy of a letter that left: classified at its Date. */
	mg_letter_lend(&lt, m);
	if (mg_letter_check(&lt, im->app, m->date, MG_CHECK_CLASSIFY, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s: %s\n", im->where, err);
		im->errors++;
	} else if (record(im, &lt) == -1)
		im->errors++;
	mg_letter_clear(&lt);
	return 0;
}

static void
import_file(struct import *im, const char *path)
{
	struct mg_message	*m;
	char			 err[MG_ERRLEN];

	im->where = path;
	if (mg_message_parse_file(path, &m, err, sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		im->errors++;
		return;
	}
	import_message(m, im);
	mg_message_free(m);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of one Maildir subfolder, in name (delivery) order. */
static void
import_maildir_sub(struct import *im, const char *dir, const char *sub)
{
	struct mg_strlist	 names = { 0 };
	char			 path[4096];
	DIR			*d;
	struct dirent		*e;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if ((d = opendir(path)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && mg_strlist_add(&names,
		    e->d_name) == -1)
			im->errors++;
	closedir(d);
	if (names.n > 0)
		qsort(names.v, names.n, sizeof(*names.v), cmp_str);
	for (size_t i = 0; i < names.n; i++) {
		snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, names.v[i]);
		import_file(im, path);
	}
	mg_strlist_clear(&names);
}

static int
is_mbox(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	 head[5] = "";
	size_t	 n;

	if (f == NULL)
		return 0;
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	return n == sizeof(head) && memcmp(head, "From ", 5) == 0;
}

static void
import_path(struct import *im, const char *path)
{
	struct stat	st;
	char		err[MG_ERRLEN], sub[4096];

	if (stat(path, &st) == -1) {
		fprintf(stderr, "matchguard: %s: cannot read it (no such file "
		    "or folder?)\n", path);
		im->errors++;
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(sub, sizeof(sub), "%s/cur", path);
		if (stat(sub, &st) == -1 || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "matchguard: %s: a folder, but not a "
			    "Maildir (no cur/ inside)\n", path);
			im->errors++;
			return;
		}
		import_maildir_sub(im, path, "cur");
		import_maildir_sub(im, path, "new");
	} else if (is_mbox(path)) {
		im->where = path;
		if (mg_message_foreach_mbox(path, import_message, im, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "matchguard: %s\n", err);
			im->errors++;
		}
	} else
		import_file(im, path);
}

int
mg_cmd_import_sent(int argc, char **argv, const char *conf)
{
	static const struct option longopts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "dry-run",	no_argument,		NULL, 'n' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct import	im = { 0 };
	struct mg_app	app;
	char		err[MG_ERRLEN];
	int		ch;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:nh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'n':
			im.dry_run = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return MG_EXIT_OK;
		default:
			fputs(usage, stderr);
			return MG_EXIT_ERROR;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "matchguard: import-sent: no file, Maildir or "
		    "mbox given\n%s", usage);
		return MG_EXIT_ERROR;
	}
	if (mg_app_open(&app, conf, im.dry_run ? MG_LEDGER_RO : MG_LEDGER_RW,
	    err, sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		return MG_EXIT_ERROR;
	}
	im.app = &app;
	for (int i = optind; i < argc; i++)
		import_path(&im, argv[i]);
	printf("%zu message%s read: %zu %s, %zu already in the ledger, "
	    "%zu not to a program, %zu not from you, %zu without a date, "
	    "%zu error%s\n", im.read, im.read == 1 ? "" : "s", im.recorded,
	    im.dry_run ? "to record" : "recorded", im.known, im.not_program,
	    im.not_mine, im.undated, im.errors, im.errors == 1 ? "" : "s");
	if (im.held > 0)
		printf("%zu cop%s of letters matchguard held for review, not "
		    "recorded as sent\n", im.held, im.held == 1 ? "y" : "ies");
	mg_app_close(&app);
	return im.errors > 0 ? MG_EXIT_ERROR : MG_EXIT_OK;
}
