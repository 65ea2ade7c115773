/*
 * cmd_sendmail.c - matchguard sendmail [-t] [-f FROM] [-i] [RCPT...],
 * also run as `matchguard-sendmail`, `sendmail`, or `matchguard` with
 * sendmail's options (main.c)
 *
 * A sendmail-compatible entry (like msmtp's) for mutt, neomutt and git
 * send-email: the message on standard input takes the same path as one
 * received over SMTP: checked, then relayed or held.  Exit statuses are
 * those of sysexits.h, which these programs understand.
 */
#include "config_auto.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "matchguard/cmd.h"
#include "matchguard/guard.h"
#include "matchguard/log.h"
#include "matchguard/message.h"

static const char usage[] =
    "usage: matchguard sendmail [-c CONF] [-t] [-f FROM] [-i] [--] "
    "[RCPT...]\n";

/* sendmail's options that mutt, neomutt, git send-email and others pass:
 * those with an argument are followed by ':'.  What they ask for (the
 * full name, DSN, 8BITMIME, a queue run in the background, -oi's "a lone
 * dot does not end the message") is either what always happens here or
 * nothing a guard can honour; like msmtp, they are accepted and ignored. */
static const char sendmail_opts[] = "+c:C:tf:r:F:io:B:N:R:V:X:b:h:L:O:p:A:vGUm";

static int
read_stdin(size_t max, char **out, size_t *len)
{
	size_t	cap = 65536, n = 0;
	char	*buf = malloc(cap), *nb;
	size_t	r;

	if (buf == NULL)
		return -1;
	while ((r = fread(buf + n, 1, cap - n, stdin)) > 0) {
		n += r;
		if (n > max) {
			free(buf);
			return -2;
		}
		if (n == cap) {
			if ((nb = realloc(buf, cap * 2)) == NULL) {
				free(buf);
				return -1;
			}
			buf = nb;
			cap *= 2;
		}
	}
	*out = buf;
	*len = n;
	return ferror(stdin) ? -1 : 0;
}

/* Header lines of the message (up to the first empty line). */
static size_t
header_end(const char *d, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++)
		if (d[i] == '\n' && (d[i + 1] == '\n' || (d[i + 1] == '\r' &&
		    i + 2 < len && d[i + 2] == '\n')))
			return i + 1;
	return len;
}

/* -t: Bcc recipients are taken, and the Bcc field removed (with its
 * continuation lines), as sendmail and msmtp do, so that the other
 * recipients do not see it. */
static size_t
strip_bcc(char *d, size_t len)
{
	size_t	hend = header_end(d, len), i = 0;

	while (i < hend) {
		size_t	e = i;

		while (e < hend && d[e] != '\n')
			e++;
		e = e < hend ? e + 1 : e;
		while (e < hend && (d[e] == ' ' || d[e] == '\t')) {
			while (e < hend && d[e] != '\n')
				e++;
			e = e < hend ? e + 1 : e;
		}
		if (strncasecmp(d + i, "bcc:", 4) == 0) {
			memmove(d + i, d + e, len - e);
			len -= e - i;
			hend -= e - i;
		} else
			i = e;
	}
	return len;
}

static int
header_recipients(const char *data, size_t len, struct mg_strlist *rcpts,
    char **from)
{
	struct mg_message	*m;
	struct mg_strlist	 all = { 0 };
	char			 err[MG_ERRLEN];

	if (mg_message_parse(data, len, &m, err, sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: standard input: %s\n", err);
		return -1;
	}
	mg_message_recipients(m, &all);
	for (size_t i = 0; i < all.n; i++)
		if (!mg_strlist_has_ci(rcpts, all.v[i]))
			mg_strlist_add(rcpts, all.v[i]);
	if (*from == NULL && m->from != NULL)
		*from = strdup(m->from);
	mg_strlist_clear(&all);
	mg_message_free(m);
	return 0;
}

/* The guard's log lines are for serve's log; here a person reads
 * standard error, so they go to STATE/sendmail.log and only one plain
 * line is printed (say_outcome). */
static int
log_here(const struct mg_guard *g)
{
	char	path[4096];

	snprintf(path, sizeof(path), "%s/sendmail.log", g->app.cfg.state_dir);
	if (mg_log_to_file(path) == -1) {
		fprintf(stderr, "matchguard: cannot write %s: %s\n", path,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Skips a leading "word ID: " or "matchguard: " of the guard's reply
 * text (written for a mail client's error box). */
static const char *
reason(const struct mg_guard_result *r)
{
	const char	*t = r->text, *p;

	if (strncmp(t, "matchguard: ", 12) == 0)
		return t + 12;
	if (r->outcome == MG_OUT_HELD && r->id[0] != '\0' &&
	    (p = strstr(t, r->id)) != NULL && strncmp(p + strlen(r->id),
	    ": ", 2) == 0)
		return p + strlen(r->id) + 2;
	return t;
}

/* One line on standard error unless it was sent: what happened and what
 * to do next. */
static void
say_outcome(const struct mg_guard_result *r)
{
	const char	*why = reason(r);

	switch (r->outcome) {
	case MG_OUT_RELAYED:
		/* "already sent": nothing more to say than the exit status */
		return;
	case MG_OUT_HELD:
		if (r->code >= 500) {
			/* on_hold = "reject-and-queue": its first line says
			 * it all, "NOT SENT, held for review: ..." */
			fprintf(stderr, "matchguard: %.*s It waits in your "
			    "queue as %s: `matchguard queue edit %s` to fix it, "
			    "`matchguard queue release %s` to send it as it "
			    "is.\n", (int)strcspn(r->text, "\r\n"), r->text,
			    r->id, r->id, r->id);
			return;
		}
		fprintf(stderr, "matchguard: not sent, held for review: %s It "
		    "waits in your queue as %s: `matchguard queue edit %s` to "
		    "fix it, `matchguard queue release %s` to send it as it "
		    "is.\n",
		    why, r->id, r->id, r->id);
		return;
	case MG_OUT_REJECTED:
		fprintf(stderr, "matchguard: not sent: %s\n", why);
		return;
	case MG_OUT_TEMPFAIL:
		fprintf(stderr, "matchguard: not sent, try again later: %s\n",
		    why);
		return;
	default:
		fprintf(stderr, "matchguard: not sent: %s\n", why);
		return;
	}
}

static int
exit_status(const struct mg_guard_result *r)
{
	switch (r->outcome) {
	case MG_OUT_RELAYED:
		return EX_OK;
	case MG_OUT_HELD:	/* not sent: a 550 says so (the default) */
		return r->code >= 500 ? EX_UNAVAILABLE : EX_OK;
	case MG_OUT_TEMPFAIL:
		return EX_TEMPFAIL;
	case MG_OUT_BADMSG:
		return EX_DATAERR;
	default:
		return EX_UNAVAILABLE;
	}
}

int
mg_cmd_sendmail(int argc, char **argv, const char *conf)
{
	struct mg_strlist	 rcpts = { 0 };
	struct mg_guard_result	 r;
	struct mg_guard		*g = NULL;
	char			*from = NULL, *data = NULL, err[MG_ERRLEN];
	size_t			 len = 0;
	int			 ch, use_headers = 0, rc;

	optind = 1;
	opterr = 0;
	while ((ch = getopt(argc, argv, sendmail_opts)) != -1) {
		switch (ch) {
		case 'c': case 'C':
			conf = optarg;
			break;
		case 't':
			use_headers = 1;
			break;
		case 'f': case 'r':
			free(from);
			from = strdup(optarg);
			break;
		case 'b':
			/* -bm is "deliver the message": what happens anyway. */
			if (strcmp(optarg, "m") != 0) {
				fprintf(stderr, "matchguard: sendmail -b%s is "
				    "not supported; only a message on standard "
				    "input is (-bm)\n", optarg);
				return EX_USAGE;
			}
			break;
		case '?':
			fprintf(stderr, "matchguard: sendmail: unknown option "
			    "-%c\n", optopt);
			fputs(usage, stderr);
			return EX_USAGE;
		case ':':
			fprintf(stderr, "matchguard: sendmail: -%c needs a "
			    "value\n", optopt);
			fputs(usage, stderr);
			return EX_USAGE;
		default:
			break;
		}
	}
	/* "+" above: the first recipient ends the options, as in sendmail
	 * (GNU getopt would otherwise read on past it). */
	for (int i = optind; i < argc; i++)
		mg_strlist_add(&rcpts, argv[i]);
	if ((g = mg_guard_new(conf, 1, err, sizeof(err))) == NULL) {
		fprintf(stderr, "matchguard: %s\n", err);
		rc = EX_CONFIG;
		goto out;
	}
	if ((rc = read_stdin((size_t)g->app.cfg.smtp.max_message_size, &data,
	    &len)) != 0) {
		fprintf(stderr, "matchguard: %s\n", rc == -2 ? "the message is "
		    "larger than smtp.max_message_size" : "cannot read the "
		    "message from standard input");
		rc = rc == -2 ? EX_DATAERR : EX_IOERR;
		goto out;
	}
	/* As over SMTP (554 5.6.0): no mail server takes a NUL, and the
	 * header code reads C strings. */
	if (len > 0 && memchr(data, '\0', len) != NULL) {
		fputs("matchguard: the message contains NUL characters\n",
		    stderr);
		rc = EX_DATAERR;
		goto out;
	}
	if (use_headers) {
		/* Read Bcc before the field goes. */
		if (header_recipients(data, len, &rcpts, &from) == -1) {
			rc = EX_DATAERR;
			goto out;
		}
		len = strip_bcc(data, len);
	}
	if (rcpts.n == 0) {
		fprintf(stderr, "matchguard: no recipient: name them, or use -t "
		    "to take them from the message\n");
		rc = EX_USAGE;
		goto out;
	}
	if (log_here(g) == -1) {
		rc = EX_CANTCREAT;
		goto out;
	}
	if (from == NULL && g->app.cfg.addresses.n > 0)
		from = strdup(g->app.cfg.addresses.v[0]);
	mg_guard_process(g, from != NULL ? from : "", &rcpts, data, len,
	    time(NULL), &r);
	say_outcome(&r);
	rc = exit_status(&r);
out:
	mg_log_close();
	if (g != NULL)
		mg_guard_unref(g);
	mg_strlist_clear(&rcpts);
	free(from);
	free(data);
	return rc;
}
