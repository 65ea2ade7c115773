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
 * The settings table: one row per setting of the season, policy, smtp,
 * upstream and imap groups, as Postfix's CONFIG_INT_TABLE
 * (config_settings.c).  The loader takes from it the names a group
 * knows, the defaults and the bounds, and reads the plain rows itself;
 * `explain` shows the rows a rule reads, `matchguard help settings` every
 * row with its line of help, and the test of the documentation checks
 * that matchguard.conf(5) describes each row as mg_setting_describe()
 * does and that conf/example.conf shows it.  A new setting is one row
 * here, one member of its struct, and its text in matchguard.conf(5) and
 * conf/example.conf.
 */
enum mg_setting_type {
	MG_SETTING_INT,		/* int, a whole number in [min, max] */
	MG_SETTING_FRACTION,	/* double, a number in [min, max] */
	MG_SETTING_DAY,		/* long, a day (util.h) */
	MG_SETTING_BOOL,	/* int, true or false */
	MG_SETTING_TEXT,	/* char *, a copy */
	MG_SETTING_LIST,	/* struct mg_strlist */
	MG_SETTING_CHOICE,	/* one of choices: an enum, set by its loader */
	MG_SETTING_RULES	/* policy.rules: struct mg_rule_setting[] */
};

/* flags */
#define MG_SETTING_REQUIRED	0x1	/* the group needs it */
/* Read by code of its own (a choice, a value whose default depends on
 * another, the connection settings of endpoint.c), not by
 * mg_cfg_load_rows(); its names, bounds and defaults are still here. */
#define MG_SETTING_OWN		0x2
#define MG_SETTING_LOWER	0x4	/* a list kept in lower case */

struct mg_setting {
	const char		*group;	/* "policy", "smtp", ... */
	const char		*name;	/* as written in the group */
	enum mg_setting_type	 type;
	unsigned		 flags;
	size_t			 off;	/* of the value in struct mg_config */
	/* INT, FRACTION: the default and the bounds; BOOL: the default;
	 * CHOICE: the index of the default in choices. */
	double			 dflt;
	double			 min, max;
	/* The default in words, when it is not dflt ("<state>/sent"). */
	const char		*dflt_text;
	const char		*unit;	/* INT: "seconds", "bytes", or NULL */
	const char *const	*choices; /* CHOICE: NULL-ended */
	/* upstream: the type the row belongs to ("smtp", "maildir");
	 * NULL: every type. */
	const char		*when;
	const char		*rules;	/* the rules that read it, "a, b" */
	const char		*help;	/* one line */
};

/* The rows, group by group, ended by one whose name is NULL. */
extern const struct mg_setting mg_settings[];

/* The row of name: "min_days_between" (a policy setting) or
 * "group.name" ("season.start", "smtp.max_sessions"); NULL when none. */
const struct mg_setting *mg_setting_find(const char *name);
/* The row name of group, or NULL. */
const struct mg_setting *mg_setting_row(const char *group, const char *name);
/* The row's name as rules and `help` spell it: "min_days_between" for a
 * policy row, else "group.name". */
void	 mg_setting_fullname(const struct mg_setting *s, char *buf,
	    size_t len);
/* What the row takes and its default, in words, as matchguard.conf(5)
 * heads the setting: "whole number of seconds, 1 to 3600, default
 * 300". */
void	 mg_setting_describe(const struct mg_setting *s, char *buf,
	    size_t len);
/* Sets the INT, FRACTION and BOOL settings of group in cfg to their
 * defaults (what the loader does before reading the group). */
void	 mg_settings_defaults(struct mg_config *cfg, const char *group);

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

/* review group: the review page of serve (review.h). */
#define MG_DEF_REVIEW_PORT		2580
#define MG_DEF_REVIEW_MAX_CONNECTIONS	8	/* at once, all clients */
#define MG_DEF_REVIEW_TIMEOUT		30	/* seconds of silence */
#define MG_DEF_REVIEW_MAX_UPLOAD	(4 * 1024 * 1024)	/* a POST */
#define MG_MSG_MAX_UPLOAD_LIMIT		(64 * 1024 * 1024)

struct mg_review_settings {
	int	 enabled;	/* default true */
	char	*listen;	/* a loopback address, "127.0.0.1" */
	int	 port;
	int	 max_connections;
	int	 timeout;	/* seconds */
	int	 max_upload;	/* bytes of one request body */
};

/* milter group: `matchguard milter` in an advising office's MTA
 * (milter.c); defaults documented in matchguard.conf(5). */
#define MG_DEF_MILTER_LISTEN		"inet:8894@127.0.0.1"
#define MG_DEF_MILTER_MAX_SESSIONS	64
#define MG_MAX_MILTER_SESSIONS_LIMIT	1000
#define MG_DEF_MILTER_MAX_MESSAGE_SIZE	(25 * 1024 * 1024)
#define MG_DEF_MILTER_TIMEOUT		120	/* seconds, MTA silence */

enum mg_milter_on_hold {
	MG_MILTER_QUARANTINE,	/* smfi_quarantine: the MTA's hold queue */
	MG_MILTER_REJECT	/* 550 5.7.1 with the findings, one a line */
};

struct mg_milter_settings {
	int			 present;	/* the file has a milter group */
	char			*listen;	/* "inet:PORT@HOST", "unix:PATH" */
	int			 allow_remote;	/* 1: listen may be non-loopback */
	char			*applicants;	/* expanded: one folder each */
	enum mg_milter_on_hold	 on_hold;
	int			 max_sessions;
	int			 max_message_size;	/* bytes */
	int			 timeout;		/* seconds */
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
	/* paths.programs, expanded: a shared file of programs (an
	 * advising office's) that the file's own programs add to; NULL:
	 * none. */
	char			*programs_file;
	struct mg_directory	 dir;
	struct mg_smtp_settings	 smtp;
	struct mg_upstream	 upstream;
	struct mg_imap_settings	 imap;
	struct mg_review_settings review;
	struct mg_milter_settings milter;
	/* The names masked in template signatures, built once from the
	 * directory by mg_signature_prepare() (signature.h); NULL: built for
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
