/*
 * cmd_import.c - matchguard import-sent [-c CONF] [--dry-run] PATH...
 *
 * Records messages the applicant already sent (single .eml or .emlx
 * files, Maildirs, mbox files, Apple Mail's mailboxes: a "Sent
 * Messages.mbox" folder of .emlx files, one that Mailbox > Export made
 * with an mbox file inside, or a folder of such exports) in the ledger
 * at their Date, so that a season under way
 * counts.  Only messages from one of identity.addresses to a program of
 * the directory are recorded; importing twice changes nothing (the ledger
 * keys on Message-ID, or on the content hash without one).  A copy of a
 * letter `serve` held is not recorded (letter.h, MG_LETTER_COPY).
 */
#include "config_auto.h"

#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "matchguard/app.h"
#include "matchguard/cmd.h"
#include "matchguard/letter.h"
#include "matchguard/message.h"
#include "matchguard/report.h"

/* Folders inside folders followed at most (Apple Mail keeps its .emlx
 * files in "X.mbox/UUID/Data/9/8/Messages/"). */
#define MG_IMPORT_MAX_DEPTH	10

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
	printf("%s %s, %s to %s: \"%s\"\n", im->dry_run ? "would record" :
	    "recorded", day, mg_class_words(lt->check.msg_class),
	    lt->check.programs[0]->name, m->subject);
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
has_suffix(const char *s, const char *suffix)
{
	size_t	n = strlen(s), k = strlen(suffix);

	return n >= k && strcasecmp(s + n - k, suffix) == 0;
}

/*
 * Apple Mail's .emlx: a line with the message's length in bytes, the
 * message, then an XML property list (flags, dates) that is not mail.
 * A .partial.emlx has the same shape (its attachments are kept apart;
 * the text and the header are all there).
 */
static void
import_emlx(struct import *im, const char *path)
{
	struct mg_message	*m;
	char			*buf, *end, *nl, err[MG_ERRLEN], why[MG_ERRLEN];
	size_t			 len, off = 0;
	unsigned long long	 n;

	im->where = path;
	if (mg_read_file(path, MG_MSG_MAX_SIZE, &buf, &len, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		im->errors++;
		return;
	}
	while (off < len && (buf[off] == ' ' || buf[off] == '\t'))
		off++;
	errno = 0;
	n = isdigit((unsigned char)buf[off]) ? strtoull(buf + off, &end, 10) :
	    0;
	if (n == 0 || errno != 0 || (*end != '\n' && *end != '\r' &&
	    *end != ' ')) {
		fprintf(stderr, "matchguard: %s: not an Apple Mail .emlx file "
		    "(its first line is not the length of the message)\n",
		    path);
		im->errors++;
		free(buf);
		return;
	}
	nl = memchr(end, '\n', len - (size_t)(end - buf));
	off = nl != NULL ? (size_t)(nl - buf) + 1 : len;
	if (n > len - off) {
		fprintf(stderr, "matchguard: %s: the .emlx file is cut short "
		    "(its first line says %llu bytes, %zu follow)\n", path, n,
		    len - off);
		im->errors++;
		free(buf);
		return;
	}
	if (mg_message_parse(buf + off, (size_t)n, &m, why, sizeof(why)) == -1) {
		fprintf(stderr, "matchguard: %s: %s\n", path, why);
		im->errors++;
	} else {
		import_message(m, im);
		mg_message_free(m);
	}
	free(buf);
}

/* One file of a folder: a message, by its name. */
static void
import_named_file(struct import *im, const char *path, const char *name)
{
	if (has_suffix(name, ".emlx"))
		import_emlx(im, path);
	else
		import_file(im, path);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir but "." files, sorted. */
static int
list_dir(struct import *im, const char *dir, struct mg_strlist *names)
{
	DIR		*d;
	struct dirent	*e;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && mg_strlist_add(names,
		    e->d_name) == -1)
			im->errors++;
	closedir(d);
	if (names->n > 0)
		qsort(names->v, names->n, sizeof(*names->v), cmp_str);
	return 0;
}

/* The files of one Maildir subfolder, in name (delivery) order. */
static void
import_maildir_sub(struct import *im, const char *dir, const char *sub)
{
	struct mg_strlist	 names = { 0 };
	char			 path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if (list_dir(im, path, &names) == -1)
		return;
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
import_mbox(struct import *im, const char *path)
{
	char	err[MG_ERRLEN];

	im->where = path;
	if (mg_message_foreach_mbox(path, import_message, im, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		im->errors++;
	}
}

static int
is_dir(const char *path)
{
	struct stat	st;

	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * A folder that is not a Maildir: Apple Mail's (an X.mbox folder with an
 * "mbox" file from Mailbox > Export, or with .emlx files somewhere below,
 * or a folder of several such exports), or a folder of .eml files.
 * Returns 0 when it held no mail at all; symbolic links are not
 * followed.
 */
static size_t
import_tree(struct import *im, const char *dir, int depth)
{
	struct mg_strlist	 names = { 0 };
	char			 path[4096];
	size_t			 found = 0;
	struct stat		 st;

	snprintf(path, sizeof(path), "%s/cur", dir);
	if (is_dir(path)) {
		import_maildir_sub(im, dir, "cur");
		import_maildir_sub(im, dir, "new");
		return 1;	/* a Maildir, even an empty one */
	}
	if (depth > MG_IMPORT_MAX_DEPTH || list_dir(im, dir, &names) == -1)
		return 0;
	for (size_t i = 0; i < names.n; i++) {
		const char	*n = names.v[i];

		snprintf(path, sizeof(path), "%s/%s", dir, n);
		if (lstat(path, &st) == -1)
			continue;
		if (S_ISDIR(st.st_mode))
			found += import_tree(im, path, depth + 1);
		else if (!S_ISREG(st.st_mode))
			continue;
		else if (strcmp(n, "mbox") == 0 && is_mbox(path)) {
			import_mbox(im, path);
			found++;
		} else if (has_suffix(n, ".emlx") || has_suffix(n, ".eml")) {
			import_named_file(im, path, n);
			found++;
		}
	}
	mg_strlist_clear(&names);
	return found;
}

static void
import_path(struct import *im, const char *path)
{
	struct stat	st;

	if (stat(path, &st) == -1) {
		fprintf(stderr, "matchguard: %s: cannot read it (no such file "
		    "or folder?)\n", path);
		im->errors++;
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		if (import_tree(im, path, 0) == 0) {
			fprintf(stderr, "matchguard: %s: no messages in this "
			    "folder: it is not a Maildir (no cur/ inside), nor "
			    "an Apple Mail mailbox (.emlx files, or an mbox file "
			    "from Mailbox > Export), nor a folder of .eml "
			    "files\n", path);
			im->errors++;
		}
	} else if (is_mbox(path))
		import_mbox(im, path);
	else
		import_named_file(im, path, path);
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
