/*
 * cmd_init.c - matchguard init [-c CONF] [--force]
 *
 * Writes a first configuration from a few questions (name, addresses,
 * the season's dates, with defaults shown and where to look them up),
 * in local mode (passed letters go to a Maildir, nothing is sent), with
 * an empty program list beside it for `programs import` or `programs
 * add`.  An existing file is replaced only after a yes (or --force).
 */
#include "config_auto.h"

#include <sys/stat.h>

#include <getopt.h>
#include <libgen.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "matchguard/ask.h"
#include "matchguard/buf.h"
#include "matchguard/cmd.h"
#include "matchguard/config.h"
#include "matchguard/util.h"

static const char usage[] = "usage: matchguard init [-c CONF] [--force]\n";

#define PROGRAMS_FILE	"programs.conf"

struct answers {
	char	name[MG_ASK_MAX];
	char	addresses[MG_ASK_MAX];
	long	eras_open, rol_deadline, match_day;
};

/* The first day on or after day that is weekday wd (0 Sunday). */
static long
on_or_after(long day, int wd)
{
	int	w = (int)(((day + 4) % 7 + 7) % 7);	/* 1970-01-01: Thursday */

	return day + (wd - w + 7) % 7;
}

/* Typical dates of the season that began in June of year: programs see
 * applications from late September; the rank order list deadline is the
 * first Wednesday of March, Match Day the third Friday. */
static void
default_dates(int year, long *eras, long *rol, long *match)
{
	char	d[32];

	snprintf(d, sizeof(d), "%04d-09-24", year);
	mg_parse_date(d, eras);
	snprintf(d, sizeof(d), "%04d-03-01", year + 1);
	mg_parse_date(d, rol);
	*rol = on_or_after(*rol, 3);
	mg_parse_date(d, match);
	*match = on_or_after(*match, 5) + 14;
}

static int
ask_name(FILE *in, FILE *out, struct answers *a)
{
	struct passwd	*pw = getpwuid(getuid());
	char		 def[256] = "";

	if (pw != NULL && pw->pw_gecos != NULL)
		snprintf(def, sizeof(def), "%.*s", (int)strcspn(pw->pw_gecos,
		    ","), pw->pw_gecos);
	do {
		if (mg_ask(in, out, "Your name, as you sign your letters",
		    def[0] != '\0' ? def : NULL, a->name, sizeof(a->name)) == -1)
			return -1;
	} while (a->name[0] == '\0');
	return 0;
}

/* "a@b, c@d": each with one "@", no spaces inside. */
static int
good_addresses(const char *s, FILE *out)
{
	char	copy[MG_ASK_MAX], *tok, *save = NULL;
	int	n = 0;

	snprintf(copy, sizeof(copy), "%s", s);
	for (tok = strtok_r(copy, ", ;", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ;", &save)) {
		char	*at = strchr(tok, '@');

		if (at == NULL || at == tok || at[1] == '\0' ||
		    strchr(at + 1, '@') != NULL || strchr(at, '.') == NULL) {
			fprintf(out, "  \"%s\" is not an e-mail address (like "
			    "priya.raman@example.com).\n", tok);
			return 0;
		}
		n++;
	}
	if (n == 0)
		fputs("  At least one address, please.\n", out);
	return n > 0;
}

static int
ask_date(FILE *in, FILE *out, const char *q, long def, long after,
    const char *after_what, long *day)
{
	char	a[64], d[16];

	mg_format_day(def, d, sizeof(d));
	for (;;) {
		if (mg_ask(in, out, q, d, a, sizeof(a)) == -1)
			return -1;
		if (mg_parse_date(a, day) == -1)
			fprintf(out, "  \"%s\" is not a date; type it as "
			    "year-month-day, like %s.\n", a, d);
		else if (after_what != NULL && *day <= after)
			fprintf(out, "  That is not after %s.\n", after_what);
		else
			return 0;
	}
}

static int
ask_all(FILE *in, FILE *out, struct answers *a)
{
	time_t		now = time(NULL);
	struct tm	tm;
	long		eras, rol, match;
	int		year;

	localtime_r(&now, &tm);
	year = tm.tm_year + 1900 - (tm.tm_mon < 5);	/* seasons start in June */
	default_dates(year, &eras, &rol, &match);
	fputs("Press Enter to take the answer in [brackets].\n\n", out);
	if (ask_name(in, out, a) == -1)
		return -1;
	fputs("\nThe addresses you write to programs from (only mail from "
	    "these is counted\nas yours).  Several: separate them with "
	    "commas.\n", out);
	do {
		if (mg_ask(in, out, "Your e-mail addresses", NULL, a->addresses,
		    sizeof(a->addresses)) == -1)
			return -1;
	} while (!good_addresses(a->addresses, out));
	fprintf(out, "\nThe dates of this season (year-month-day).  Look them "
	    "up: the NRMP Main\nResidency Match calendar at "
	    "https://www.nrmp.org/ (the rank order list\ncertification "
	    "deadline and Match Day) and the ERAS timeline at\n"
	    "https://students-residents.aamc.org/ (the day programs start "
	    "to see\napplications).  The defaults are the usual days of the "
	    "season that began in\n%d; check them.\n", year);
	if (ask_date(in, out, "Programs start to see applications (ERAS)",
	    eras, 0, NULL, &a->eras_open) == -1 ||
	    ask_date(in, out, "Rank order list deadline", rol, a->eras_open,
	    "the ERAS date", &a->rol_deadline) == -1 ||
	    ask_date(in, out, "Match Day", match, a->rol_deadline,
	    "the rank order list deadline", &a->match_day) == -1)
		return -1;
	return 0;
}

static void
put_day(struct mg_buf *b, const char *name, long day, const char *comment)
{
	char	d[16];

	mg_format_day(day, d, sizeof(d));
	mg_buf_printf(b, "  %s = \"%s\";%*s# %s\n", name, d,
	    (int)(14 - strlen(name)), "", comment);
}

static void
write_text(struct mg_buf *b, const struct answers *a)
{
	char	copy[MG_ASK_MAX], *tok, *save = NULL;
	int	first = 1;

	mg_buf_puts(b, "# matchguard.conf - written by `matchguard init`; see "
	    "matchguard.conf(5).\n# Text goes in straight double quotes; "
	    "each setting ends with ;\n\nidentity = {\n  name = ");
	mg_conf_quote(b, a->name);
	mg_buf_puts(b, ";\n  addresses = [ ");
	snprintf(copy, sizeof(copy), "%s", a->addresses);
	for (tok = strtok_r(copy, ", ;", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ;", &save), first = 0) {
		mg_buf_puts(b, first ? "" : ", ");
		mg_conf_quote(b, tok);
	}
	mg_buf_puts(b, " ];\n};\n\n# From the NRMP and ERAS calendars.\n"
	    "season = {\n");
	put_day(b, "eras_open", a->eras_open, "programs see applications");
	put_day(b, "rol_deadline", a->rol_deadline,
	    "rank order list certification deadline");
	put_day(b, "match_day", a->match_day, "Match Day");
	mg_buf_puts(b, "};\n\n"
	    "# Local mode: a letter that passes is put in the Maildir\n"
	    "# ~/.local/state/matchguard/sent instead of being sent.  To send "
	    "for real,\n# give your provider's outgoing server, as your mail "
	    "client has it:\n"
	    "#   upstream = { type = \"smtp\"; host = \"smtp.example.com\"; "
	    "port = 587;\n"
	    "#                tls = \"starttls\"; auth = \"plain\"; user = "
	    "\"you@example.com\";\n"
	    "#                password_command = \"pass show mail\"; };\n"
	    "upstream = {\n  type = \"maildir\";\n};\n\n"
	    "# The programs you write to: `matchguard programs import "
	    "FILE.csv`,\n# `matchguard programs add`, or by hand.\n"
	    "@include \"" PROGRAMS_FILE "\"\n");
}

/* programs.conf beside the configuration, unless there is one. */
static int
write_programs(const char *dir, char *err, size_t errlen)
{
	static const char empty[] = "# programs.conf - the programs you "
	    "write to; see matchguard.conf(5).\n"
	    "# `matchguard programs import FILE.csv` or `matchguard programs "
	    "add` fill it.\nprograms = ( );\n";
	char		path[4096];
	struct stat	st;

	snprintf(path, sizeof(path), "%s/%s", dir, PROGRAMS_FILE);
	if (stat(path, &st) == 0)
		return 0;
	return mg_write_private(path, empty, sizeof(empty) - 1, err, errlen);
}

int
mg_cmd_init(int argc, char **argv, const char *conf)
{
	static const struct option longopts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "force",	no_argument,		NULL, 'f' },
		{ NULL,		0,			NULL, 0 }
	};
	struct answers		 a;
	struct mg_buf		 b = { 0 };
	struct mg_config	 cfg;
	struct stat		 st;
	char			*dflt = NULL, *tmp = NULL, err[MG_ERRLEN];
	const char		*dir;
	int			 ch, force = 0, rc = MG_EXIT_ERROR;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:f", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'f':
			force = 1;
			break;
		default:
			fputs(usage, stderr);
			return MG_EXIT_ERROR;
		}
	}
	if (conf == NULL && (conf = dflt = mg_config_default_path()) == NULL) {
		fputs("matchguard: init: no home folder ($HOME is not set)\n",
		    stderr);
		return MG_EXIT_ERROR;
	}
	if ((tmp = strdup(conf)) == NULL)
		goto out;
	dir = dirname(tmp);
	printf("This writes your configuration, %s.\n", conf);
	if (stat(conf, &st) == 0 && !force) {
		int	yes = mg_ask_yes(stdin, stdout, "It exists already.  "
		    "Replace it", 0);

		if (yes != 1) {
			printf("%s is left as it is.\n", conf);
			rc = yes == 0 ? MG_EXIT_OK : MG_EXIT_ERROR;
			goto out;
		}
	}
	if (ask_all(stdin, stdout, &a) == -1) {
		fputs("matchguard: init: the answers ended early; nothing was "
		    "written\n", stderr);
		goto out;
	}
	write_text(&b, &a);
	if (b.failed || mg_mkdir_p(dir, 0700, err, sizeof(err)) == -1 ||
	    write_programs(dir, err, sizeof(err)) == -1 ||
	    mg_write_private(conf, b.s, b.len, err, sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: init: %s\n", b.failed ?
		    "out of memory" : err);
		goto out;
	}
	if (mg_config_load(conf, &cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: init wrote a configuration it "
		    "cannot read (please report this): %s\n", err);
		goto out;
	}
	mg_config_clear(&cfg);
	printf("\nWritten: %s (readable by you only), and the program list "
	    "%s/%s.\nNext:\n"
	    "  matchguard programs import programs.csv   your spreadsheet "
	    "of programs\n"
	    "  matchguard import-sent PATH               what you sent this "
	    "season\n"
	    "  matchguard serve                          the guard for your "
	    "mail client\n", conf, dir, PROGRAMS_FILE);
	rc = MG_EXIT_OK;
out:
	mg_buf_free(&b);
	free(tmp);
	free(dflt);
	return rc;
}
