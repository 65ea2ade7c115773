/*
 * cmd.h - the subcommands of matchguard.  Each takes its own argv (argv[0]
 * is the command name) and the -c FILE given before the command (or
 * NULL), and returns the process exit status.
 */
#ifndef MATCHGUARD_CMD_H
#define MATCHGUARD_CMD_H

#include <time.h>

/* Exit statuses shared by the commands. */
#define MG_EXIT_OK	0
#define MG_EXIT_HELD	1	/* check: some message would be held */
#define MG_EXIT_ERROR	2	/* usage, configuration or input error */

/* The value of --now (an ISO 8601 time) into *now; -1 after a one-line
 * error on stderr naming the option and the form it takes. */
int	mg_cmd_opt_now(const char *arg, time_t *now);
/* --applicant ID: with id (not NULL), *conf (an office's configuration;
 * NULL: the default path) becomes the configuration of applicant id,
 * a string *own that the caller frees after opening it (*own is NULL
 * otherwise).  -1 after a one-line error on stderr. */
int	mg_cmd_opt_applicant(const char **conf, const char *id, char **own);

int	mg_cmd_check(int argc, char **argv, const char *conf);
int	mg_cmd_import_sent(int argc, char **argv, const char *conf);
int	mg_cmd_explain(int argc, char **argv, const char *conf);
int	mg_cmd_serve(int argc, char **argv, const char *conf);
int	mg_cmd_queue(int argc, char **argv, const char *conf);
int	mg_cmd_sendmail(int argc, char **argv, const char *conf);
int	mg_cmd_init(int argc, char **argv, const char *conf);
int	mg_cmd_programs(int argc, char **argv, const char *conf);
int	mg_cmd_poll(int argc, char **argv, const char *conf);
int	mg_cmd_replies(int argc, char **argv, const char *conf);
int	mg_cmd_timeline(int argc, char **argv, const char *conf);
int	mg_cmd_review_url(int argc, char **argv, const char *conf);
int	mg_cmd_milter(int argc, char **argv, const char *conf);

#endif
