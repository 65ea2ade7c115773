/*
 * main.c - matchguard: a local outbox guard for residency applicants.
 *
 * One program with subcommands, like git: matchguard [-c CONF] COMMAND ...
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>
#include <libconfig.h>
#include <sqlite3.h>

#include "matchguard/cmd.h"
#include "matchguard/message.h"
#include "matchguard/policy.h"

struct command {
	const char	*name;
	int		(*run)(int, char **, const char *);
	const char	*usage;
	const char	*help;
};

static const struct command commands[] = {
	{ "init", mg_cmd_init, "init [-c CONF] [--force]",
	  "Writes your first configuration from a few questions: your name,\n"
	  "the addresses you write to programs from, and the season's dates\n"
	  "(the defaults shown are the usual ones; it says where to look them\n"
	  "up).  It is in local mode: letters that pass are put in a Maildir,\n"
	  "not sent.  An empty program list, programs.conf, is put beside it\n"
	  "for `matchguard programs import` or `programs add`.  An existing\n"
	  "configuration is replaced only when you say yes (or with --force).\n"
	  "The answers may come on standard input, one a line.\n" },
	{ "check", mg_cmd_check,
	  "check [-c CONF] [--applicant ID] [--now TIME] [--json] FILE...",
	  "Checks message files (.eml) against your communication policy as\n"
	  "if they were sent at TIME (ISO 8601, e.g. 2027-01-14T10:00:00-05:00;\n"
	  "default: now) and prints the verdict of each: pass, warn or hold,\n"
	  "with what to fix.  Nothing is sent and nothing is recorded.\n"
	  "--json prints one JSON object per file.  --applicant ID (with an\n"
	  "office's configuration): against that applicant's programs and\n"
	  "ledger.  Exit status: 0 when no file would be held, 1 when one\n"
	  "would, 2 on an error.\n" },
	{ "programs", mg_cmd_programs,
	  "programs [-c CONF] [list | import FILE.csv | add]",
	  "The programs you write to.  `list` shows them; `import` reads a\n"
	  "spreadsheet saved as CSV (Excel, Numbers, Google Sheets; the\n"
	  "columns are in matchguard(1), a template is conf/programs.csv);\n"
	  "`add` asks for one program question by question.  A program of\n"
	  "the same name or id is replaced, the others are kept; the list is\n"
	  "the file your configuration includes (programs.conf), the old one\n"
	  "kept as programs.conf.bak.\n" },
	{ "import-sent", mg_cmd_import_sent,
	  "import-sent [-c CONF] [--dry-run] PATH...",
	  "Records messages you already sent this season (single .eml files,\n"
	  "a Maildir folder, or an mbox file, e.g. your mail client's Sent\n"
	  "folder; Apple Mail's \"Sent Messages.mbox\" folder, one exported\n"
	  "with Mailbox > Export Mailbox, or a single .emlx file) so that the frequency and letter-of-intent rules know\n"
	  "about them.  Only messages from your addresses to programs in\n"
	  "your directory are recorded; importing twice changes nothing.\n"
	  "--dry-run shows what would be recorded.\n" },
	{ "explain", mg_cmd_explain, "explain [-c CONF] RULE",
	  "Prints what a rule checks, why it matters, its settings with their\n"
	  "values in your configuration, and how to change its severity.\n"
	  "`matchguard help rules` lists the rules.\n" },
	{ "serve", mg_cmd_serve,
	  "serve [-c CONF]",
	  "Runs the outbox guard: an SMTP server on this machine (by default\n"
	  "127.0.0.1 and [::1] port 2525) for your mail client's outgoing\n"
	  "mail.  Each message is checked; a clean one is passed on unchanged\n"
	  "to your mail provider (or, in local mode, to a Maildir folder), a\n"
	  "careless one is held for review (see `matchguard queue`).  SIGHUP\n"
	  "reloads the configuration; SIGTERM stops after the messages in\n"
	  "progress.\n" },
	{ "queue", mg_cmd_queue,
	  "queue [-c CONF] [--applicant ID] [list | show ID | release ID [--recheck] | drop ID | edit ID]",
	  "The messages `serve` held for review.  `queue` lists them; `show`\n"
	  "prints why one was held and the message; `release` sends it now\n"
	  "(your decision is recorded), or with --recheck only if it passes\n"
	  "the rules now; `drop` deletes it unsent; `edit` opens it in\n"
	  "$EDITOR and checks it again.  --applicant ID (with an office's\n"
	  "configuration): that applicant's queue.\n" },
	{ "review-url", mg_cmd_review_url, "review-url [-c CONF]",
	  "Prints the address of the review page of `serve` (held letters,\n"
	  "edit, send anyway, check a draft, the timeline), with its secret\n"
	  "token, on one line.  Open it in your browser while serve runs.\n" },
	{ "sendmail", mg_cmd_sendmail,
	  "sendmail [-c CONF] [-t] [-f FROM] [-i] [--] [RCPT...]",
	  "Like sendmail or msmtp, for mutt, neomutt and git send-email: reads\n"
	  "a message on standard input, checks it, and sends or holds it as\n"
	  "`serve` would.  -t takes the recipients from To, Cc and Bcc (and\n"
	  "removes Bcc).  sendmail's other options (-oi, -F NAME, -N, -B ...)\n"
	  "are accepted and ignored.  The same happens when matchguard is run\n"
	  "as `matchguard-sendmail` or `sendmail`, or with sendmail's options\n"
	  "and no command (`matchguard -i RCPT`, what git send-email runs with\n"
	  "sendemail.smtpServer = /path/to/matchguard).  A held letter is\n"
	  "named in one line on standard error; the guard's log lines go to\n"
	  "sendmail.log in the state folder.  Exit status from sysexits.h: 0\n"
	  "sent or held, 64\n"
	  "usage, 65 unreadable message, 69 refused, 74 cannot read standard\n"
	  "input, 75 try again later, 78 configuration.\n" },
	{ "poll", mg_cmd_poll, "poll [-c CONF] --once",
	  "Reads the folders of the imap group once: replies from programs\n"
	  "are recorded (so follow-up-too-soon and repeat-status know they\n"
	  "answered), messages of imap.sent_folder you sent from elsewhere\n"
	  "are recorded as sent.  For cron; `serve` does it all the time.\n" },
	{ "replies", mg_cmd_replies, "replies [-c CONF] [--program ID]",
	  "Lists the replies from programs recorded this season, oldest\n"
	  "first, and how each was matched: \"thread\" (it answers a message\n"
	  "you sent), \"address\" (it comes from one of the program's\n"
	  "addresses) or \"domain\" (from another address of its domain).\n" },
	{ "timeline", mg_cmd_timeline,
	  "timeline [-c CONF] [--applicant ID] [--now TIME]",
	  "A table of every program: messages sent this season, letters of\n"
	  "interest and intent, your last message, their last reply, how\n"
	  "many days they have been silent, and the earliest day a follow-up\n"
	  "without news passes the rules (marked * when only a letter with\n"
	  "news of yours would: you asked for news and had no answer).\n"
	  "--applicant ID (with an office's configuration): that applicant's\n"
	  "programs and ledger.\n" },
	{ "milter", mg_cmd_milter, "milter [-c CONF]",
	  "For an advising office: checks the letters of its applicants\n"
	  "inside its mail server (Postfix, Sendmail) through the milter\n"
	  "protocol, listening on milter.listen.  A clean letter passes\n"
	  "unchanged, a careless one is held in the server's hold queue (or\n"
	  "refused, milter.on_hold), each against the applicant's own ledger.\n"
	  "Mail from a sender who is not an applicant passes unread.  See\n"
	  "MILTER in matchguard(1).\n" },
	{ NULL, NULL, NULL, NULL }
};

static void
print_usage(FILE *f)
{
	fputs("usage: matchguard [-c CONF] COMMAND [ARGS...]\n"
	    "       matchguard --version\n"
	    "       matchguard help [COMMAND | rules | settings [GROUP]]\n"
	    "\ncommands:\n", f);
	for (const struct command *c = commands; c->name != NULL; c++)
		fprintf(f, "  matchguard %s\n", c->usage);
	fputs("\nThe configuration is read from -c CONF, else from\n"
	    "$XDG_CONFIG_HOME/matchguard/matchguard.conf.  See matchguard(1)\n"
	    "and matchguard.conf(5).\n", f);
}

static void
print_rules(void)
{
	puts("Rules (severity when they trip; change it with policy.rules in "
	    "the configuration):");
	for (size_t i = 0; mg_rules[i] != NULL; i++)
		printf("  %-20s %-5s %s\n", mg_rules[i]->id,
		    mg_severity_name(mg_rules[i]->severity),
		    mg_rules[i]->summary);
}

/* The settings table (config.h), or the rows of one group. */
static int
print_settings(const char *group)
{
	const char	*last = NULL;
	char		 desc[256];

	if (group != NULL) {
		const struct mg_setting	*s = mg_settings;

		while (s->name != NULL && strcmp(s->group, group) != 0)
			s++;
		if (s->name == NULL) {
			fprintf(stderr, "matchguard: help: no group \"%s\" has "
			    "settings in the table; the groups:", group);
			for (s = mg_settings; s->name != NULL; s++)
				if (last == NULL || strcmp(last, s->group) != 0)
					fprintf(stderr, " %s", last = s->group);
			fputc('\n', stderr);
			return MG_EXIT_ERROR;
		}
	}
	printf("Settings of matchguard.conf (matchguard.conf(5) says more):\n");
	for (const struct mg_setting *s = mg_settings; s->name != NULL; s++) {
		if (group != NULL && strcmp(s->group, group) != 0)
			continue;
		if (last == NULL || strcmp(last, s->group) != 0)
			printf("\n%s group:\n", last = s->group);
		mg_setting_describe(s, desc, sizeof(desc));
		printf("  %s%s (%s)\n      %s\n", s->name, s->when != NULL &&
		    strcmp(s->group, "upstream") == 0 ? strcmp(s->when,
		    "smtp") == 0 ? " [type smtp]" : " [type maildir]" : "",
		    desc, s->help);
	}
	return MG_EXIT_OK;
}

static int
help(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stdout);
		return MG_EXIT_OK;
	}
	if (strcmp(argv[1], "rules") == 0) {
		print_rules();
		return MG_EXIT_OK;
	}
	if (strcmp(argv[1], "settings") == 0)
		return print_settings(argc > 2 ? argv[2] : NULL);
	for (const struct command *c = commands; c->name != NULL; c++)
		if (strcmp(c->name, argv[1]) == 0) {
			printf("usage: matchguard %s\n\n%s", c->usage, c->help);
			return MG_EXIT_OK;
		}
	fprintf(stderr, "matchguard: help: no command \"%s\"; run `matchguard "
	    "help` for the list\n", argv[1]);
	return MG_EXIT_ERROR;
}

static void
version(void)
{
	printf("matchguard %s\n", PACKAGE_VERSION);
	printf("built with GMime %u.%u.%u, libconfig %d.%d.%d, SQLite %s\n",
	    gmime_major_version, gmime_minor_version, gmime_micro_version,
	    LIBCONFIG_VER_MAJOR, LIBCONFIG_VER_MINOR, LIBCONFIG_VER_REVISION,
	    sqlite3_libversion());
}

/* Called as sendmail (a link named sendmail or matchguard-sendmail). */
static int
sendmail_name(const char *argv0)
{
	const char	*b = strrchr(argv0, '/');

	b = b != NULL ? b + 1 : argv0;
	return strcmp(b, "sendmail") == 0 ||
	    strcmp(b, "matchguard-sendmail") == 0;
}

/* An argument only sendmail's command line has: one of its options (not
 * -c, -h or -V, which are matchguard's too), "--", or a recipient.  git
 * send-email with sendemail.smtpServer = /path/to/matchguard runs
 * `matchguard -i RCPT...`, as it would msmtp. */
static int
sendmail_arg(const char *a)
{
	if (strcmp(a, "--") == 0)
		return 1;
	if (a[0] == '-')
		return a[1] != '\0' && strchr("tifrFoBNRbXGUmC", a[1]) != NULL;
	return strchr(a, '@') != NULL;
}

static int
run(int (*fn)(int, char **, const char *), int argc, char **argv,
    const char *conf)
{
	int	status;

	mg_message_init();
	status = fn(argc, argv, conf);
	mg_message_shutdown();
	return status;
}

int
main(int argc, char **argv)
{
	const char	*conf = NULL;
	int		 i = 1;

	if (argc > 0 && sendmail_name(argv[0]))
		return run(mg_cmd_sendmail, argc, argv, NULL);
	while (i < argc && argv[i][0] == '-') {
		if (strcmp(argv[i], "--version") == 0 ||
		    strcmp(argv[i], "-V") == 0) {
			version();
			return MG_EXIT_OK;
		}
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_usage(stdout);
			return MG_EXIT_OK;
		}
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc) {
			conf = argv[i + 1];
			i += 2;
			continue;
		}
		if (sendmail_arg(argv[i]))
			return run(mg_cmd_sendmail, argc - i + 1, argv + i - 1,
			    conf);
		fprintf(stderr, "matchguard: unknown option %s\n", argv[i]);
		print_usage(stderr);
		return MG_EXIT_ERROR;
	}
	if (i >= argc) {
		print_usage(stderr);
		return MG_EXIT_ERROR;
	}
	if (strcmp(argv[i], "help") == 0)
		return help(argc - i, argv + i);
	for (const struct command *c = commands; c->name != NULL; c++)
		if (strcmp(c->name, argv[i]) == 0)
			return run(c->run, argc - i, argv + i, conf);
	if (sendmail_arg(argv[i]))
		return run(mg_cmd_sendmail, argc - i + 1, argv + i - 1, conf);
	fprintf(stderr, "matchguard: unknown command \"%s\"; run `matchguard "
	    "help` for the list\n", argv[i]);
	return MG_EXIT_ERROR;
}
