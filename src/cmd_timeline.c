/*
 * cmd_timeline.c - the commands that read the replies the poller
 * recorded (`matchguard poll` is in cmd_poll.c):
 *
 *   matchguard replies [--program ID]  the replies recorded
 *   matchguard timeline [--now TIME]   per program: sent, replies,
 *                                      silence, next follow-up
 */
#include "config_auto.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "matchguard/app.h"
#include "matchguard/cmd.h"
#include "matchguard/reply.h"
#include "matchguard/timeline.h"

static const char replies_usage[] =
    "usage: matchguard replies [-c CONF] [--program ID]\n";
static const char timeline_usage[] =
    "usage: matchguard timeline [-c CONF] [--applicant ID] [--now TIME]\n";

static void
day_of(time_t t, char buf[16])
{
	mg_format_day(mg_time_to_day(t), buf, 16);
}

struct listing {
	size_t				 n;
	const struct mg_directory	*dir;
};

/* How a reply was matched, in words: "thread" (it answers your letter),
 * "address" (from the program's own address) or "domain" (from another
 * address of its domain: the ledger says "address" for both). */
static const char *
matched_words(const struct mg_reply_row *r, const struct mg_directory *dir)
{
	const struct mg_program	*p = mg_directory_find_id(dir, r->program);

	if (strcmp(r->matched, "address") == 0 && p != NULL &&
	    !mg_strlist_has_ci(&p->addresses, r->sender))
		return "domain";
	return r->matched[0] != '\0' ? r->matched : "-";
}

static int
print_reply(const struct mg_reply_row *r, void *arg)
{
	struct listing	*ls = arg;
	char		 day[16];

	if (ls->n++ == 0)
		printf("%-10s  %-16s %-7s  %-32s %s\n", "DATE", "PROGRAM",
		    "MATCHED", "FROM", "SUBJECT");
	day_of(r->date, day);
	printf("%-10s  %-16s %-7s  %-32s %s\n", day, r->program,
	    matched_words(r, ls->dir),
	    r->sender[0] != '\0' ? r->sender : "-", r->subject);
	return 0;
}

int
mg_cmd_replies(int argc, char **argv, const char *conf)
{
	static const struct option longopts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "program",	required_argument,	NULL, 'p' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct listing	 ls = { 0 };
	struct mg_app	 app;
	const char	*program = NULL;
	char		 err[MG_ERRLEN];
	int		 ch, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:p:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'p':
			program = optarg;
			break;
		case 'h':
			fputs(replies_usage, stdout);
			return MG_EXIT_OK;
		default:
			fputs(replies_usage, stderr);
			return MG_EXIT_ERROR;
		}
	}
	if (optind < argc) {
		fputs(replies_usage, stderr);
		return MG_EXIT_ERROR;
	}
	if (mg_app_open(&app, conf, MG_LEDGER_RO, err, sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		return MG_EXIT_ERROR;
	}
	ls.dir = &app.cfg.dir;
	if (program != NULL && mg_directory_find_id(&app.cfg.dir,
	    program) == NULL) {
		fprintf(stderr, "matchguard: replies: no program \"%s\" in "
		    "your directory\n", program);
		mg_app_close(&app);
		return MG_EXIT_ERROR;
	}
	rc = mg_ledger_replies(app.ledger, program,
	    mg_day_to_time(app.cfg.season_start), print_reply, &ls, err,
	    sizeof(err));
	mg_app_close(&app);
	if (rc == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		return MG_EXIT_ERROR;
	}
	if (ls.n == 0)
		printf("no replies recorded this season%s%s\n",
		    program != NULL ? " from " : "",
		    program != NULL ? program : "");
	return MG_EXIT_OK;
}

static int
timeline_row(struct mg_app *app, const struct mg_program *p, time_t now,
    int *starred)
{
	struct mg_timeline_row	r;
	char			err[MG_ERRLEN];

	if (mg_timeline_row(app, p, now, &r, err, sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		return -1;
	}
	if (r.out.waiting_on_status) {
		strncat(r.next, " *", sizeof(r.next) - strlen(r.next) - 1);
		*starred = 1;
	}
	printf("%-16s %4ld %8ld %6ld  %-10s  %-10s  %-9s %s\n", p->id,
	    r.totals.sent, r.totals.interest, r.totals.intent, r.sent, r.reply,
	    r.silent, r.next);
	return 0;
}

int
mg_cmd_timeline(int argc, char **argv, const char *conf)
{
	static const struct option longopts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "now",	required_argument,	NULL, 'n' },
		{ "applicant",	required_argument,	NULL, 'a' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct mg_app	app;
	time_t		now = time(NULL);
	const char	*applicant = NULL;
	char		err[MG_ERRLEN], *own;
	int		ch, status = MG_EXIT_OK, rc, starred = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'n':
			if (mg_cmd_opt_now(optarg, &now) == -1)
				return MG_EXIT_ERROR;
			break;
		case 'a':
			applicant = optarg;
			break;
		case 'h':
			fputs(timeline_usage, stdout);
			return MG_EXIT_OK;
		default:
			fputs(timeline_usage, stderr);
			return MG_EXIT_ERROR;
		}
	}
	if (optind < argc) {
		fputs(timeline_usage, stderr);
		return MG_EXIT_ERROR;
	}
	if (mg_cmd_opt_applicant(&conf, applicant, &own) == -1)
		return MG_EXIT_ERROR;
	rc = mg_app_open(&app, conf, MG_LEDGER_RO, err, sizeof(err));
	free(own);
	if (rc == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		return MG_EXIT_ERROR;
	}
	printf("%-16s %4s %8s %6s  %-10s  %-10s  %-9s %s\n", "PROGRAM", "SENT",
	    "INTEREST", "INTENT", "LAST SENT", "LAST REPLY", "SILENT",
	    "FOLLOW-UP FROM");
	for (size_t i = 0; i < app.cfg.dir.n; i++)
		if (timeline_row(&app, &app.cfg.dir.programs[i], now,
		    &starred) == -1) {
			status = MG_EXIT_ERROR;
			break;
		}
	if (starred)
		puts("* You asked them how your application stands and they "
		    "have not answered:\n  until they do, write only when you "
		    "have news of your own (another\n  \"any update?\" is "
		    "held).");
	mg_app_close(&app);
	return status;
}
