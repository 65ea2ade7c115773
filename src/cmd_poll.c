/*
 * cmd_poll.c - the command of the reply poller:
 *
 *   matchguard poll --once             one pass over the imap folders
 *
 * (what it recorded is read by `replies` and `timeline`, cmd_timeline.c).
 */
#include "config_auto.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>

#include "matchguard/app.h"
#include "matchguard/cmd.h"
#include "matchguard/imap_poller.h"

static const char poll_usage[] = "usage: matchguard poll [-c CONF] --once\n";

int
mg_cmd_poll(int argc, char **argv, const char *conf)
{
	static const struct option longopts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "once",	no_argument,		NULL, 'o' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct mg_poll_stats	st;
	struct mg_app		app;
	char			err[MG_ERRLEN];
	int			ch, once = 0, rc;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'o':
			once = 1;
			break;
		case 'h':
			fputs(poll_usage, stdout);
			return MG_EXIT_OK;
		default:
			fputs(poll_usage, stderr);
			return MG_EXIT_ERROR;
		}
	}
	if (!once || optind < argc) {
		fprintf(stderr, "matchguard: poll: only --once is supported "
		    "(`matchguard serve` polls all the time)\n%s", poll_usage);
		return MG_EXIT_ERROR;
	}
	signal(SIGPIPE, SIG_IGN);	/* a server that hangs up mid-write */
	if (mg_app_open(&app, conf, MG_LEDGER_RW, err, sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		return MG_EXIT_ERROR;
	}
	rc = mg_poll_once(&app, &st, err, sizeof(err));
	mg_app_close(&app);
	if (rc == -1) {
		fprintf(stderr, "matchguard: poll: %s\n", err);
		return MG_EXIT_ERROR;
	}
	printf("%lu message%s read: %lu new repl%s from programs, %lu sent "
	    "message%s recorded, %lu not from a program\n", st.fetched,
	    st.fetched == 1 ? "" : "s", st.replies,
	    st.replies == 1 ? "y" : "ies", st.sent, st.sent == 1 ? "" : "s",
	    st.ignored);
	return MG_EXIT_OK;
}
