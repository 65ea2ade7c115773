/*
 * config_settings.c - the settings table (config.h) and the parts of the
 * loader that walk it.
 *
 * One row per setting: its group, name, type, where it lives in struct
 * mg_config, its default and bounds, the rules that read it and one
 * line of help.  The group loaders (config.c, config_serve.c,
 * config_imap.c, endpoint.c) take their names, defaults and bounds from
 * here; what a row cannot say (a choice made an enum, a default that
 * depends on another setting, settings that go together) stays in them.
 */
#include "config_auto.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "matchguard/config.h"
#include "config_priv.h"

#define CF(f)	offsetof(struct mg_config, f)

/* A policy threshold and the rules that read it. */
#define POLICY(n, d, lo, hi, r, h) \
	{ .group = "policy", .name = #n, .type = MG_SETTING_INT, \
	  .off = CF(policy.n), .dflt = (d), .min = (lo), .max = (hi), \
	  .rules = (r), .help = (h) }
#define DAY(n, f, fl, dt, r, h) \
	{ .group = "season", .name = n, .type = MG_SETTING_DAY, \
	  .flags = MG_SETTING_OWN | (fl), .off = CF(f), .dflt_text = (dt), \
	  .rules = (r), .help = (h) }
/* A whole number of group g, member f of struct mg_config. */
#define INT(g, n, f, u, d, lo, hi, h) \
	{ .group = g, .name = n, .type = MG_SETTING_INT, .off = CF(f), \
	  .unit = (u), .dflt = (d), .min = (lo), .max = (hi), .help = (h) }
#define TEXT(g, n, f, fl, dt, h) \
	{ .group = g, .name = n, .type = MG_SETTING_TEXT, .flags = (fl), \
	  .off = CF(f), .dflt_text = (dt), .help = (h) }
#define CHOICE(g, w, n, f, c, d, dt, fl, h) \
	{ .group = g, .name = n, .type = MG_SETTING_CHOICE, \
	  .flags = MG_SETTING_OWN | (fl), .off = CF(f), .choices = (c), \
	  .dflt = (d), .dflt_text = (dt), .when = (w), .help = (h) }

/* The connection settings of upstream (type "smtp") and imap, read by
 * endpoint.c (mg_cfg_load_endpoint()). */
#define EP_TEXT(g, w, n, f, fl, h) \
	{ .group = g, .name = n, .type = MG_SETTING_TEXT, \
	  .flags = MG_SETTING_OWN | (fl), .off = CF(f), .when = (w), \
	  .help = (h) }
#define EP_INT(g, w, n, f, u, d, dt, lo, hi, h) \
	{ .group = g, .name = n, .type = MG_SETTING_INT, \
	  .flags = MG_SETTING_OWN, .off = CF(f), .unit = (u), .dflt = (d), \
	  .dflt_text = (dt), .min = (lo), .max = (hi), .when = (w), \
	  .help = (h) }
#define UP(n, f, u, d, lo, hi, h) \
	{ .group = "upstream", .name = n, .type = MG_SETTING_INT, \
	  .off = CF(upstream.f), .unit = (u), .dflt = (d), .min = (lo), \
	  .max = (hi), .when = "smtp", .help = (h) }
#define SMTP(n, u, d, lo, hi, h)	INT("smtp", #n, smtp.n, u, d, lo, hi, h)
#define IMAP(n, u, d, lo, hi, h)	INT("imap", #n, imap.n, u, d, lo, hi, h)
#define REVIEW(n, u, d, lo, hi, h) \
	INT("review", #n, review.n, u, d, lo, hi, h)

static const char *const on_hold[] = { "queue", "reject",
    "reject-and-queue", NULL };
static const char *const peer_checks[] = { "uid", "password", NULL };
static const char *const upstream_types[] = { "none", "smtp", "maildir",
    NULL };
/* In the order of enum mg_tls_mode. */
static const char *const tls_modes[] = { "starttls", "implicit", "none",
    NULL };
/* endpoint.c maps them to enum mg_auth_mode (config_serve.c,
 * config_imap.c). */
static const char *const upstream_auth[] = { "none", "plain", "login",
    "xoauth2", NULL };
static const char *const milter_on_hold[] = { "quarantine", "reject",
    NULL };
static const char *const imap_auth[] = { "login", "plain", "xoauth2",
    NULL };

#define MiB	(1024 * 1024)
#define GiB	(1024 * MiB)

const struct mg_setting mg_settings[] = {
	DAY("start", season_start, 0, "1 June of the ERAS year",
	    "letter-of-intent, season-cap, generic-template",
	    "the day the season starts"),
	DAY("eras_open", eras_open, MG_SETTING_REQUIRED, "required", NULL,
	    "the day ERAS opens to programs"),
	DAY("rol_deadline", rol_deadline, MG_SETTING_REQUIRED, "required",
	    "intent-timing", "the day rank order lists are due"),
	DAY("match_day", match_day, MG_SETTING_REQUIRED, "required", NULL,
	    "the day of the Match"),

	POLICY(min_days_between, MG_DEF_MIN_DAYS_BETWEEN, 0, 365,
	    "frequency",
	    "the fewest days between two messages to one program"),
	POLICY(follow_up_after_days, MG_DEF_FOLLOW_UP_AFTER_DAYS, 0, 365,
	    "follow-up-too-soon",
	    "the days to wait for an answer before a follow-up without news"),
	POLICY(season_warn, MG_DEF_SEASON_WARN, 1, 10000, "season-cap",
	    "warn when more programs than this were written to this season"),
	POLICY(season_max, MG_DEF_SEASON_MAX, 1, 10000, "season-cap",
	    "hold when more programs than this were written to this season"),
	{ .group = "policy", .name = "template_similarity",
	  .type = MG_SETTING_FRACTION, .off = CF(policy.template_similarity),
	  .dflt = MG_DEF_TEMPLATE_SIMILARITY, .min = 0.5, .max = 1.0,
	  .rules = "generic-template",
	  .help = "how alike (names aside) two letters are to be one form "
	  "letter" },
	POLICY(template_min_words, MG_DEF_TEMPLATE_MIN_WORDS, 10, 10000,
	    "generic-template", "letters shorter than this are not compared"),
	POLICY(thank_you_max_days, MG_DEF_THANK_YOU_MAX_DAYS, 0, 60,
	    "thank-you-late",
	    "the days after the interview a thank-you note is on time"),
	POLICY(thank_you_max_words, MG_DEF_THANK_YOU_MAX_WORDS, 20, 100000,
	    "length", "the most words of a thank-you note"),
	POLICY(thank_you_max_paragraphs, MG_DEF_THANK_YOU_MAX_PARAGRAPHS, 1,
	    1000, "length", "the most paragraphs of a thank-you note"),
	POLICY(max_words, MG_DEF_MAX_WORDS, 20, 1000000, "length",
	    "the most words of any message to a program"),
	POLICY(unknown_program_score, MG_DEF_UNKNOWN_PROGRAM_SCORE, 1, 100,
	    "unknown-program",
	    "the points of residency signs that make mail a program letter"),
	{ .group = "policy", .name = "rules", .type = MG_SETTING_RULES,
	  .flags = MG_SETTING_OWN, .off = CF(policy.rules),
	  .help = "the severity of single rules: \"hold\", \"warn\" or "
	  "\"off\"" },

	{ .group = "smtp", .name = "listen", .type = MG_SETTING_LIST,
	  .flags = MG_SETTING_LOWER, .off = CF(smtp.listen),
	  .dflt_text = "[ \"127.0.0.1:2525\", \"[::1]:2525\" ]",
	  .help = "the addresses and ports serve listens on" },
	CHOICE("smtp", NULL, "on_hold", smtp.on_hold, on_hold,
	    MG_ON_HOLD_REJECT_AND_QUEUE, NULL, 0,
	    "a held letter is refused at Send and kept, only kept, or only "
	    "refused"),
	SMTP(max_sessions, NULL, MG_DEF_MAX_SESSIONS, 1,
	    MG_MAX_SESSIONS_LIMIT, "connections served at once"),
	SMTP(max_bad_commands, NULL, MG_DEF_MAX_BAD_COMMANDS, 1, 100,
	    "unknown or misplaced commands in one connection, then 421"),
	SMTP(greet_pause, "milliseconds", MG_DEF_GREET_PAUSE, 0, 10000,
	    "the pause before the greeting; a client that talks first is "
	    "refused"),
	CHOICE("smtp", NULL, "peer_check", smtp.peer_check, peer_checks, 0,
	    "\"uid\" on Linux with loopback addresses, else \"password\"", 0,
	    "who may send: the user of this account, or whoever logs in"),
	SMTP(max_message_size, "bytes", MG_DEF_MAX_MESSAGE_SIZE, 1024, GiB,
	    "the largest letter taken"),
	SMTP(command_timeout, "seconds", MG_DEF_COMMAND_TIMEOUT, 1, 3600,
	    "the wait for the next command"),
	SMTP(data_timeout, "seconds", MG_DEF_DATA_TIMEOUT, 1, 3600,
	    "the wait for more of a letter"),
	SMTP(first_command_timeout, "seconds", MG_DEF_FIRST_COMMAND_TIMEOUT,
	    1, 3600, "the wait for the first command after the greeting"),
	SMTP(auth_timeout, "seconds", MG_DEF_AUTH_TIMEOUT, 1, 3600,
	    "the time from connecting to a login, when one is needed"),
	SMTP(auth_fail_delay, "milliseconds", MG_DEF_AUTH_FAIL_DELAY, 0,
	    10000, "the pause before a wrong password is answered"),
	SMTP(max_auth_failures, NULL, MG_DEF_MAX_AUTH_FAILURES, 1,
	    MG_MAX_AUTH_FAILURES_LIMIT,
	    "wrong passwords in a minute, of all clients, before a lockout"),
	SMTP(auth_lockout, "seconds", MG_DEF_AUTH_LOCKOUT, 1, 86400,
	    "how long every login is refused after that"),
	SMTP(log_interval, "seconds", MG_DEF_LOG_INTERVAL, 1, 3600,
	    "refusals and failed logins are logged once in this time, then "
	    "counted"),
	TEXT("smtp", "local_user", smtp.local_user, 0, NULL,
	    "the user name your mail client logs in with"),
	TEXT("smtp", "local_password", smtp.local_password, 0, NULL,
	    "its password, at least 12 characters"),
	TEXT("smtp", "tls_cert", smtp.tls_cert, 0, NULL,
	    "the certificate for STARTTLS (PEM), with tls_key"),
	TEXT("smtp", "tls_key", smtp.tls_key, 0, NULL,
	    "its private key (PEM)"),
	SMTP(resend_window, "seconds", MG_DEF_RESEND_WINDOW, 0, 30 * 86400,
	    "a letter sent again within this time is answered \"already "
	    "sent\""),

	CHOICE("upstream", NULL, "type", upstream.type, upstream_types,
	    MG_UPSTREAM_NONE, NULL, MG_SETTING_REQUIRED,
	    "where passed letters go: a mail server, or a Maildir folder"),
	EP_TEXT("upstream", "smtp", "host", upstream.ep.host,
	    MG_SETTING_REQUIRED, "your provider's submission server"),
	EP_INT("upstream", "smtp", "port", upstream.ep.port, NULL, 587,
	    "587, or 465 with tls = \"implicit\"", 1, 65535,
	    "its port"),
	CHOICE("upstream", "smtp", "tls", upstream.ep.tls, tls_modes, MG_TLS_STARTTLS,
	    NULL, 0, "how the connection is encrypted"),
	CHOICE("upstream", "smtp", "auth", upstream.ep.auth, upstream_auth, 0, NULL,
	    0, "how serve logs in to it"),
	EP_TEXT("upstream", "smtp", "user", upstream.ep.user, 0,
	    "the user name to log in with"),
	EP_TEXT("upstream", "smtp", "password", upstream.ep.password, 0,
	    "the password (better: password_command)"),
	EP_TEXT("upstream", "smtp", "password_command",
	    upstream.ep.password_command, 0,
	    "a command that prints the password or OAuth2 token"),
	EP_TEXT("upstream", "smtp", "tls_trust_file",
	    upstream.ep.tls_trust_file, 0,
	    "the certificates (PEM) to trust instead of the system's"),
	EP_INT("upstream", "smtp", "timeout", upstream.ep.timeout, "seconds",
	    MG_DEF_UPSTREAM_TIMEOUT, NULL, 1, 3600,
	    "the wait for each whole reply, for connecting and for "
	    "password_command"),
	UP("data_timeout", data_timeout, "seconds",
	    MG_DEF_UPSTREAM_DATA_TIMEOUT, 1, 86400,
	    "the time to hand a letter over"),
	UP("max_reply_size", max_reply_size, "bytes",
	    MG_DEF_UPSTREAM_MAX_REPLY, 512, 16 * MiB,
	    "the longest reply of the server"),
	{ .group = "upstream", .name = "path", .type = MG_SETTING_TEXT,
	  .flags = MG_SETTING_OWN, .off = CF(upstream.path),
	  .dflt_text = "<state>/sent", .when = "maildir",
	  .help = "the Maildir folder letters are put in" },

	EP_TEXT("imap", NULL, "host", imap.ep.host, MG_SETTING_REQUIRED,
	    "your provider's IMAP server"),
	EP_INT("imap", NULL, "port", imap.ep.port, NULL, 993,
	    "993 with tls = \"implicit\", else 143", 1, 65535, "its port"),
	CHOICE("imap", NULL, "tls", imap.ep.tls, tls_modes, MG_TLS_IMPLICIT, NULL,
	    0, "how the connection is encrypted"),
	EP_TEXT("imap", NULL, "tls_trust_file", imap.ep.tls_trust_file, 0,
	    "the certificates (PEM) to trust instead of the system's"),
	CHOICE("imap", NULL, "auth", imap.ep.auth, imap_auth, 0, NULL, 0,
	    "how the poller logs in"),
	EP_TEXT("imap", NULL, "user", imap.ep.user, MG_SETTING_REQUIRED,
	    "the user name to log in with"),
	EP_TEXT("imap", NULL, "password", imap.ep.password, 0,
	    "the password (better: password_command)"),
	EP_TEXT("imap", NULL, "password_command", imap.ep.password_command,
	    0, "a command that prints the password or OAuth2 token"),
	EP_INT("imap", NULL, "timeout", imap.ep.timeout, "seconds",
	    MG_DEF_IMAP_TIMEOUT, NULL, 1, 3600,
	    "the silence of the server that ends a connection"),
	IMAP(command_timeout, "seconds", MG_DEF_IMAP_COMMAND_TIMEOUT, 1,
	    86400, "the time for one whole command"),
	IMAP(max_literal_size, "bytes", MG_DEF_IMAP_MAX_LITERAL, 1024, GiB,
	    "the largest literal: one letter, or one block of headers"),
	IMAP(max_response_size, "bytes", MG_DEF_IMAP_MAX_RESPONSE, 4096, GiB,
	    "the largest answer, literals included"),
	IMAP(max_response_text, "bytes", MG_DEF_IMAP_MAX_RESPONSE_TEXT, 4096,
	    256 * MiB, "the bytes of one answer outside its literals"),
	IMAP(search_window, "UIDs", MG_DEF_IMAP_SEARCH_WINDOW, 100, 100000,
	    "the UIDs one UID SEARCH asks for"),
	IMAP(max_tries, "passes", MG_DEF_IMAP_MAX_TRIES, 1, 1000,
	    "passes that may fail to read a letter before it is given up"),
	{ .group = "imap", .name = "folders", .type = MG_SETTING_LIST,
	  .off = CF(imap.folders), .dflt_text = "[ \"INBOX\" ]",
	  .help = "the folders where replies from programs arrive" },
	TEXT("imap", "sent_folder", imap.sent_folder, 0, NULL,
	    "your Sent folder: letters sent from elsewhere are recorded"),
	TEXT("imap", "notice_folder", imap.notice_folder, 0, "\"INBOX\"",
	    "where notices of held letters are put"),
	IMAP(poll_seconds, "seconds", MG_DEF_IMAP_POLL_SECONDS, 1, 86400,
	    "the time between two looks, when the server has no IDLE"),
	IMAP(idle_seconds, "seconds", MG_DEF_IMAP_IDLE_SECONDS, 1,
	    29 * 60 - 1, "IDLE is begun again after this time"),
	IMAP(max_backoff, "seconds", MG_DEF_IMAP_MAX_BACKOFF, 1, 86400,
	    "the longest wait before connecting again"),
	{ .group = "imap", .name = "notices", .type = MG_SETTING_BOOL,
	  .off = CF(imap.notices), .dflt = 1,
	  .help = "put a notice of each held letter into notice_folder" },
	IMAP(notice_queue, NULL, MG_DEF_IMAP_NOTICE_QUEUE, 1, 100000,
	    "notices serve keeps while the IMAP server cannot be reached"),

	{ .group = "review", .name = "enabled", .type = MG_SETTING_BOOL,
	  .off = CF(review.enabled), .dflt = 1,
	  .help = "serve runs the review page of held letters" },
	TEXT("review", "listen", review.listen, 0, "\"127.0.0.1\"",
	    "the loopback address of the review page (127.0.0.1 or ::1)"),
	REVIEW(port, NULL, MG_DEF_REVIEW_PORT, 1, 65535,
	    "the port of the review page"),
	REVIEW(max_connections, NULL, MG_DEF_REVIEW_MAX_CONNECTIONS, 1, 64,
	    "connections to the review page at once"),
	REVIEW(timeout, "seconds", MG_DEF_REVIEW_TIMEOUT, 1, 3600,
	    "a connection to the page that says nothing this long is closed"),
	REVIEW(max_upload, "bytes", MG_DEF_REVIEW_MAX_UPLOAD, 1024,
	    MG_MSG_MAX_UPLOAD_LIMIT,
	    "the largest request: a pasted or uploaded draft"),

	TEXT("milter", "listen", milter.listen, 0, "\"inet:8894@127.0.0.1\"",
	    "where the MTA reaches the milter: inet:PORT@HOST or unix:/PATH"),
	INT("milter", "allow_remote", milter.allow_remote, NULL, 0, 0, 1,
	    "1: milter.listen may be an address other computers can reach"),
	TEXT("milter", "applicants", milter.applicants, MG_SETTING_OWN,
	    "\"applicants\" beside this file",
	    "the folder that holds one folder per applicant"),
	CHOICE("milter", NULL, "on_hold", milter.on_hold, milter_on_hold,
	    MG_MILTER_QUARANTINE, NULL, 0,
	    "a held letter goes to the MTA's hold queue, or is refused"),
	INT("milter", "max_sessions", milter.max_sessions, NULL,
	    MG_DEF_MILTER_MAX_SESSIONS, 1, MG_MAX_MILTER_SESSIONS_LIMIT,
	    "the most MTA connections checked at once; more get tempfail"),
	INT("milter", "max_message_size", milter.max_message_size, "bytes",
	    MG_DEF_MILTER_MAX_MESSAGE_SIZE, 1024, INT_MAX,
	    "the bytes of a letter read; a larger one is not checked"),
	INT("milter", "timeout", milter.timeout, "seconds",
	    MG_DEF_MILTER_TIMEOUT, 1, 3600,
	    "the time the milter waits for the MTA's next step"),

	{ .name = NULL }
};

const struct mg_setting *
mg_setting_row(const char *group, const char *name)
{
	for (const struct mg_setting *s = mg_settings; s->name != NULL; s++)
		if (strcmp(s->group, group) == 0 && strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

const struct mg_setting *
mg_setting_find(const char *name)
{
	const char	*dot = strchr(name, '.');
	char		 group[16];

	if (dot == NULL)
		return mg_setting_row("policy", name);
	if ((size_t)(dot - name) >= sizeof(group))
		return NULL;
	memcpy(group, name, (size_t)(dot - name));
	group[dot - name] = '\0';
	return mg_setting_row(group, dot + 1);
}

void
mg_setting_fullname(const struct mg_setting *s, char *buf, size_t len)
{
	if (strcmp(s->group, "policy") == 0)
		snprintf(buf, len, "%s", s->name);
	else
		snprintf(buf, len, "%s.%s", s->group, s->name);
}

/* "\"a\", \"b\" or \"c\"" */
static void
choice_list(const char *const *c, char *buf, size_t len)
{
	size_t	off = 0;

	buf[0] = '\0';
	for (size_t i = 0; c[i] != NULL && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s\"%s\"",
		    i == 0 ? "" : c[i + 1] == NULL ? " or " : ", ", c[i]);
}

/* ", required", ", default X" or ", optional" */
static const char *
presence(const struct mg_setting *s, const char *dflt, char *buf, size_t len)
{
	if (s->flags & MG_SETTING_REQUIRED)
		return "required";
	if (dflt == NULL)
		return "optional";
	snprintf(buf, len, "default %s", dflt);
	return buf;
}

void
mg_setting_describe(const struct mg_setting *s, char *buf, size_t len)
{
	char	list[160], num[32], pres[200];

	switch (s->type) {
	case MG_SETTING_INT:
		if (s->dflt_text == NULL)
			snprintf(num, sizeof(num), "%d", (int)s->dflt);
		snprintf(buf, len, "whole number%s%s, %d to %d, default %s",
		    s->unit != NULL ? " of " : "", s->unit != NULL ? s->unit :
		    "", (int)s->min, (int)s->max, s->dflt_text != NULL ?
		    s->dflt_text : num);
		break;
	case MG_SETTING_FRACTION:
		snprintf(buf, len, "number, %.1f to %.1f, default %.1f",
		    s->min, s->max, s->dflt);
		break;
	case MG_SETTING_DAY:
		snprintf(buf, len, "date, %s", s->flags & MG_SETTING_REQUIRED ?
		    "required" : "optional");
		break;
	case MG_SETTING_BOOL:
		snprintf(buf, len, "true or false, default %s", s->dflt != 0 ?
		    "true" : "false");
		break;
	case MG_SETTING_TEXT:
		snprintf(buf, len, "text, %s", presence(s, s->dflt_text, pres,
		    sizeof(pres)));
		break;
	case MG_SETTING_LIST:
		snprintf(buf, len, "list of texts, %s", presence(s,
		    s->dflt_text, pres, sizeof(pres)));
		break;
	case MG_SETTING_CHOICE:
		choice_list(s->choices, list, sizeof(list));
		if (s->dflt_text == NULL)
			snprintf(num, sizeof(num), "\"%s\"",
			    s->choices[(int)s->dflt]);
		snprintf(buf, len, "%s, %s", list, presence(s, s->dflt_text !=
		    NULL ? s->dflt_text : num, pres, sizeof(pres)));
		break;
	case MG_SETTING_RULES:
		snprintf(buf, len, "group, optional");
		break;
	}
}

void
mg_settings_defaults(struct mg_config *cfg, const char *group)
{
	for (const struct mg_setting *s = mg_settings; s->name != NULL; s++) {
		void	*v = (char *)cfg + s->off;

		if (strcmp(s->group, group) != 0 || (s->flags & MG_SETTING_OWN))
			continue;
		if (s->type == MG_SETTING_INT || s->type == MG_SETTING_BOOL)
			*(int *)v = (int)s->dflt;
		else if (s->type == MG_SETTING_FRACTION)
			*(double *)v = s->dflt;
	}
}

/* Is s a row of group for an upstream of type when (NULL: any)? */
static int
in_group(const struct mg_setting *s, const char *group, const char *when)
{
	return strcmp(s->group, group) == 0 && (s->when == NULL ||
	    when == NULL || strcmp(s->when, when) == 0);
}

#define MAX_GROUP_ROWS	64

int
mg_cfg_check_rows(struct loader *ld, const config_setting_t *g,
    const char *group, const char *when)
{
	const char	*names[MAX_GROUP_ROWS + 1];
	size_t		 n = 0;

	for (const struct mg_setting *s = mg_settings; s->name != NULL &&
	    n < MAX_GROUP_ROWS; s++)
		if (in_group(s, group, when))
			names[n++] = s->name;
	names[n] = NULL;
	return mg_cfg_check_known(ld, g, names);
}

int
mg_cfg_load_rows(struct loader *ld, config_setting_t *g, const char *group,
    const char *when, struct mg_config *cfg)
{
	for (const struct mg_setting *s = mg_settings; s->name != NULL; s++) {
		void	*v = (char *)cfg + s->off;
		int	 rc = 0;

		if (!in_group(s, group, when) || (s->flags & MG_SETTING_OWN))
			continue;
		switch (s->type) {
		case MG_SETTING_INT:
			rc = mg_cfg_get_int(ld, g, s->name, (int)s->min,
			    (int)s->max, v);
			break;
		case MG_SETTING_FRACTION:
			rc = mg_cfg_get_fraction(ld, g, s->name, s->min, s->max,
			    v);
			break;
		case MG_SETTING_BOOL:
			rc = mg_cfg_get_bool(ld, g, s->name, v);
			break;
		case MG_SETTING_TEXT:
			rc = mg_cfg_get_string(ld, g, s->name,
			    (s->flags & MG_SETTING_REQUIRED) != 0, v);
			break;
		case MG_SETTING_LIST:
			rc = mg_cfg_get_strlist(ld, g, s->name,
			    (s->flags & MG_SETTING_LOWER) != 0, v);
			break;
		default:
			break;	/* days, choices, rules: MG_SETTING_OWN */
		}
		if (rc == -1)
			return -1;
	}
	return 0;
}

int
mg_cfg_get_row_choice(struct loader *ld, config_setting_t *g,
    const struct mg_setting *s, int *out)
{
	*out = (int)s->dflt;
	return mg_cfg_get_choice(ld, g, s->name, s->choices, out);
}
