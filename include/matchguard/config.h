/*
 * config.h - the configuration file (libconfig syntax).
 *
 * Default file: $XDG_CONFIG_HOME/matchguard/matchguard.conf, or
 * ~/.config/matchguard/matchguard.conf.  Groups: identity, season, policy,
 * paths, programs (inline, or brought in with @include).  Every setting is
 * checked: an unknown name, a wrong type or a bad date is an error that
 * names the file, the line and the setting, so that a typo can never
 * silently change the policy.  Relative paths are taken relative to the
 * directory of the configuration file.
 */
#ifndef MATCHGUARD_CONFIG_H
#define MATCHGUARD_CONFIG_H

#include <stddef.h>

#include "matchguard/directory.h"
#include "matchguard/endpoint.h"
#include "matchguard/util.h"

struct mg_config;
struct mg_textmask;

enum mg_severity {
	MG_SEV_OFF = 0,
	MG_SEV_INFO,
	MG_SEV_WARN,
	MG_SEV_HOLD
};

/* Defaults of the policy thresholds (documented in matchguard.conf(5)). */
#define MG_DEF_MIN_DAYS_BETWEEN		7
#define MG_DEF_FOLLOW_UP_AFTER_DAYS	21
#define MG_DEF_SEASON_WARN		12
#define MG_DEF_SEASON_MAX		15
#define MG_DEF_TEMPLATE_SIMILARITY	0.8
#define MG_DEF_TEMPLATE_MIN_WORDS	40
#define MG_DEF_THANK_YOU_MAX_DAYS	3
#define MG_DEF_THANK_YOU_MAX_WORDS	250
#define MG_DEF_THANK_YOU_MAX_PARAGRAPHS	3
#define MG_DEF_MAX_WORDS		500
#define MG_DEF_UNKNOWN_PROGRAM_SCORE	3

/* One entry of policy.rules: a rule's severity set by the user. */
struct mg_rule_setting {
	char			*rule;
	enum mg_severity	 sev;
	int			 line;
};

struct mg_policy_settings {
	int			 min_days_between;
	int			 follow_up_after_days;
	int			 season_warn;
	int			 season_max;
	double			 template_similarity;	/* 0.5 to 1.0 */
	int			 template_min_words;
	int			 thank_you_max_days;
	int			 thank_you_max_words;
	int			 thank_you_max_paragraphs;
	int			 max_words;
	int			 unknown_program_score;
	struct mg_rule_setting	*rules;
	size_t			 n_rules;
};

/*
 * The settings table: one row per policy threshold (and the season
 * dates that rules read), as Postfix's CONFIG_INT_TABLE.  The loader
 * (defaults, names, types and bounds), `explain`, mg_policy_setting()
 * and the test of the documentation all walk it, so a new threshold is
 * one row here, one member of struct mg_policy_settings and its text in
 * matchguard.conf(5) and conf/example.conf.  The smtp, upstream and imap
 * groups are still checked by their own loaders (config_serve.c,
 * config_imap.c).
 */
enum mg_setting_type {
	MG_SETTING_INT,		/* int, a whole number in [min, max] */
	MG_SETTING_FRACTION,	/* double, a number in [min, max] */
	MG_SETTING_DAY		/* long, a day (util.h); loaded by season */
};

struct mg_setting {
	const char		*name;	/* "min_days_between", "season.start" */
	const char		*group;	/* "policy", "season" */
	enum mg_setting_type	 type;
	size_t			 off;	/* of the value in struct mg_config */
	double			 dflt;	/* not for MG_SETTING_DAY */
	double			 min, max;
	const char		*dflt_text; /* MG_SETTING_DAY: the default */
	const char		*rules;	/* the rules that read it, "a, b" */
	const char		*help;	/* one line */
};

/* The rows, ended by one whose name is NULL. */
extern const struct mg_setting mg_settings[];

/* The row of name, or NULL. */
const struct mg_setting *mg_setting_find(const char *name);
/* Sets every policy setting of cfg to its default (what the loader does
 * before reading the policy group). */
void	 mg_settings_defaults(struct mg_config *cfg);

/* smtp group: the listener of `matchguard serve`. */
#define MG_DEF_MAX_SESSIONS		16
/* The most smtp.max_sessions may be: each session may hold up to
 * MG_FDS_PER_SESSION descriptors (client, upstream, a spool file and its
 * directory), and with MG_FD_RESERVE for the rest of serve they fit
 * under FD_SETSIZE (1024), which libetpan's select() needs. */
#define MG_MAX_SESSIONS_LIMIT		200
#define MG_FDS_PER_SESSION		4
#define MG_FD_RESERVE			64
#define MG_DEF_MAX_BAD_COMMANDS		3
#define MG_DEF_GREET_PAUSE		100	/* milliseconds */
#define MG_DEF_MAX_MESSAGE_SIZE		(25 * 1024 * 1024)
#define MG_DEF_COMMAND_TIMEOUT		300	/* seconds, RFC 5321 4.5.3.2 */
#define MG_DEF_DATA_TIMEOUT		600
/* A mail client sends EHLO as soon as it is greeted; a browser's
 * preconnected socket sends nothing. */
#define MG_DEF_FIRST_COMMAND_TIMEOUT	15	/* seconds */
/* When AUTH is required: the time from connect to a successful login. */
#define MG_DEF_AUTH_TIMEOUT		30	/* seconds */
#define MG_DEF_AUTH_FAIL_DELAY		1500	/* ms before a 535 */
#define MG_DEF_MAX_AUTH_FAILURES	10	/* in a minute, all clients */
#define MG_MAX_AUTH_FAILURES_LIMIT	1000
#define MG_DEF_AUTH_LOCKOUT		300	/* seconds of 454 after that */
/* Lines a hostile peer can make serve write (refusals, failed logins):
 * the first in each interval, then one count at its end. */
#define MG_DEF_LOG_INTERVAL		60	/* seconds */
#define MG_DEF_SHUTDOWN_GRACE		30	/* seconds for sessions at SIGTERM */
#define MG_DEF_RESEND_WINDOW		86400	/* seconds a resend is known */

/* Who may send: the uid of the client's socket, or a password. */
enum mg_peer_check {
	MG_PEER_CHECK_UID,	/* Linux, loopback listen addresses only */
	MG_PEER_CHECK_PASSWORD	/* smtp.local_password, or the generated one */
};

enum mg_on_hold {
	MG_ON_HOLD_QUEUE,	/* 250 "held for review": the client files it
				 * in Sent as if it were sent */
	MG_ON_HOLD_REJECT,	/* 550 5.7.1 with the first finding; no copy
				 * is kept */
	MG_ON_HOLD_REJECT_AND_QUEUE	/* the default: a multi-line 550 5.7.1
				 * that says it was not sent, why, and where
				 * to review it, and a copy waits in the
				 * queue for "send anyway" */
};

struct mg_smtp_settings {
	struct mg_strlist	 listen;	/* "127.0.0.1:2525", "[::1]:2525" */
	enum mg_on_hold		 on_hold;
	int			 max_sessions;
	int			 max_message_size;
	int			 command_timeout;
	int			 data_timeout;
	int			 first_command_timeout;
	int			 auth_timeout;
	int			 auth_fail_delay;	/* milliseconds */
	int			 max_auth_failures;	/* a minute */
	int			 auth_lockout;		/* seconds */
	int			 log_interval;		/* seconds */
	int			 max_bad_commands;
	int			 greet_pause;	/* milliseconds */
	enum mg_peer_check	 peer_check;	/* resolved: never "unset" */
	char			*local_user;	/* AUTH for local clients */
	char			*local_password;
	char			*tls_cert;	/* STARTTLS for local clients */
	char			*tls_key;
	int			 resend_window;	/* seconds; 0: off (guard.h) */
};

/* upstream group: where passed messages go. */
enum mg_upstream_type {
	MG_UPSTREAM_NONE,	/* not configured: serve refuses to start */
	MG_UPSTREAM_SMTP,
	MG_UPSTREAM_MAILDIR
};
/* Each reply of the server as a whole, from the end of the command to
 * its last line; also connecting, the TLS handshake, password_command. */
#define MG_DEF_UPSTREAM_TIMEOUT		60
/* Handing the message itself over, from the 354 to the final dot: 25 MiB
 * over about 350 kbit/s. */
#define MG_DEF_UPSTREAM_DATA_TIMEOUT	600
/* All the lines of one reply: RFC 5321 4.5.3.1.5 allows 512 bytes a
 * line, and the longest EHLO answer of a provider is under 1 KiB. */
#define MG_DEF_UPSTREAM_MAX_REPLY	(64 * 1024)

struct mg_upstream {
	enum mg_upstream_type	 type;
	/* smtp: port 587 starttls, 465 implicit; auth none by default;
	 * timeout: one reply */
	struct mg_endpoint	 ep;
	int			 data_timeout;	/* seconds, the message */
	int			 max_reply_size; /* bytes, one reply */
	char			*path;		/* maildir: expanded */
};

/* imap group: the reply poller and the notices of held messages. */
#define MG_DEF_IMAP_POLL_SECONDS	300	/* without IDLE */
#define MG_DEF_IMAP_IDLE_SECONDS	(25 * 60)	/* RFC 2177: < 29 min */
#define MG_DEF_IMAP_MAX_BACKOFF		300	/* reconnect delay cap, s */
#define MG_DEF_IMAP_TIMEOUT		60	/* silence, s */
/* The bounds of one command (matchguard.conf(5) says why these values):
 * all of it, from sending it to the tagged reply; */
#define MG_DEF_IMAP_COMMAND_TIMEOUT	300
/* one literal: a letter of the Sent folder fetched whole must fit, and
 * the guard relays letters of up to smtp.max_message_size (25 MiB); */
#define MG_DEF_IMAP_MAX_LITERAL		(32 * 1024 * 1024)
/* every byte of one answer, literals included; */
#define MG_DEF_IMAP_MAX_RESPONSE	(40 * 1024 * 1024)
/* the bytes of one answer outside its literals (libetpan keeps each
 * untagged line parsed until the tagged one); */
#define MG_DEF_IMAP_MAX_RESPONSE_TEXT	(1024 * 1024)
/* UIDs asked for by one UID SEARCH; */
#define MG_DEF_IMAP_SEARCH_WINDOW	10000
/* passes that may fail to read a message before it is given up. */
#define MG_DEF_IMAP_MAX_TRIES		3
#define MG_DEF_IMAP_NOTICE_QUEUE	1000	/* notices waiting in serve */

struct mg_imap_settings {
	/* ep.host NULL: no imap group; port 993 implicit (the default),
	 * 143 otherwise; auth login (default), plain, xoauth2; timeout:
	 * seconds per network step */
	struct mg_endpoint	 ep;
	int			 command_timeout;	/* seconds per command */
	int			 max_literal_size;	/* bytes */
	int			 max_response_size;	/* bytes */
	int			 max_response_text;	/* bytes */
	int			 search_window;	/* UIDs */
	int			 max_tries;	/* passes */
	struct mg_strlist	 folders;	/* default INBOX */
	char			*sent_folder;	/* NULL: none */
	int			 poll_seconds;
	int			 idle_seconds;	/* IDLE re-issued after this */
	int			 max_backoff;	/* seconds */
	int			 notices;	/* APPEND notices of held mail */
	char			*notice_folder;	/* default INBOX */
	int			 notice_queue;	/* serve: notices waiting */
};

struct mg_config {
	char			*path;		/* the file loaded */
	char			*name;		/* identity.name */
	struct mg_strlist	 addresses;	/* identity.addresses, lower case */
	long			 season_start;	/* days; see util.h */
	long			 eras_open;
	long			 rol_deadline;
	long			 match_day;
	struct mg_policy_settings policy;
	char			*state_dir;	/* expanded, absolute or relative to cwd */
	char			*filters_dir;
	struct mg_directory	 dir;
	struct mg_smtp_settings	 smtp;
	struct mg_upstream	 upstream;
	struct mg_imap_settings	 imap;
	/* The names masked in template signatures, built once from the
	 * directory by mg_policy_prepare() (policy.h); NULL: built for
	 * every letter. */
	struct mg_textmask	*sig_mask;
};

/* The default configuration path; caller frees. */
char	*mg_config_default_path(void);

/* Loads path into *cfg (zeroed by the call).  On error cfg holds nothing
 * to free and err says "FILE:LINE: setting: what is wrong". */
int	 mg_config_load(const char *path, struct mg_config *cfg, char *err,
	    size_t errlen);
void	 mg_config_clear(struct mg_config *cfg);

/* 1 when host is "localhost", "::1" or 127.x.x.x. */
int	 mg_is_loopback_host(const char *host);
/* Splits "host:port" or "[v6]:port"; -1 when it is neither. */
int	 mg_split_hostport(const char *s, char *host, size_t hostlen,
	    char *port, size_t portlen);

/* "hold", "warn", "off" <-> enum; "info" too for output. */
const char *mg_severity_name(enum mg_severity sev);

/* A user's severity for rule, or dflt when the configuration sets none. */
enum mg_severity mg_config_rule_severity(const struct mg_config *cfg,
	    const char *rule, enum mg_severity dflt);

#endif
