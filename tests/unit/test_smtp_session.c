/*
 * test_smtp_session.c - the SMTP server state machine (src/smtp_session.c).
 *
 * Table-driven, after dovecot's test-smtp-command-parser.c: every case
 * is fed whole, one byte at a time, and split in two at every byte
 * boundary, and each way must give the same replies, events, messages
 * and final state.  Replies are compared as a list of "code" or
 * "code/enhanced" tokens, one per reply (the last line of a multi-line
 * reply); the greeting is not part of it.
 */
#include "config_auto.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "matchguard/buf.h"
#include "matchguard/smtp_session.h"
#include "matchguard/util.h"

#define O_TLS		0x01	/* tls_available */
#define O_TLS_ACTIVE	0x02
#define O_AUTH		0x04	/* alice / s3cret */
#define O_AUTH_LOCKED	0x08	/* mg_smtp_session_auth_locked() */

/* Base64 of the credentials used below. */
#define PLAIN_GOOD	"AGFsaWNlAHMzY3JldA=="		/* \0alice\0s3cret */
#define PLAIN_BAD	"AGFsaWNlAHdyb25n"		/* \0alice\0wrong */
#define PLAIN_AUTHZ	"YWxpY2UAYWxpY2UAczNjcmV0"	/* alice\0alice\0s3cret */
#define PLAIN_OTHERZ	"Ym9iAGFsaWNlAHMzY3JldA=="	/* bob\0alice\0s3cret */
#define PLAIN_USER	"AGJvYgBzM2NyZXQ="		/* \0bob\0s3cret */
#define PLAIN_PREFIX	"AGFsaWNlAHMzY3Jl"		/* \0alice\0s3cre */
#define B64_ALICE	"YWxpY2U="
#define B64_S3CRET	"czNjcmV0"
#define B64_WRONG	"d3Jvbmc="

#define ENVELOPE	"EHLO c\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\n"
#define TX		ENVELOPE "DATA\r\n"

struct tcase {
	const char	*name;
	const char	*in;
	size_t		 inlen;		/* 0: strlen(in) */
	int		 opts;
	size_t		 max_size;	/* 0: default */
	size_t		 max_rcpts;	/* 0: default */
	const char	*want;		/* reply tokens */
	const char	*want_ev;	/* M(essage) T(starttls) C(lose)
					 * F(ailed login) */
	const char	*want_msg;	/* messages joined by '|'; NULL: any */
	const char	*want_env;	/* "from:rcpt,rcpt|..."; NULL: any */
	const char	*want_state;	/* NULL: any */
	const char	*after_tls;	/* fed after tls_started() */
	int		 reply_code;	/* to each message; 0: 250 */
	size_t		 max_bad;	/* max_bad_commands; 0: default */
	enum mg_smtp_close want_closed;	/* closed_by at the end */
};

struct result {
	struct mg_buf	 out;
	struct mg_buf	 ev;
	struct mg_buf	 msg;
	struct mg_buf	 env;
	const char	*state;
	enum mg_smtp_close closed;
};

static struct mg_smtp_session *
new_session(const struct tcase *c)
{
	struct mg_smtp_limits	 lim = {
		.hostname = "mx.test",
		.max_message_size = c->max_size,
		.max_rcpts = c->max_rcpts,
		.tls_available = (c->opts & O_TLS) != 0,
		.tls_active = (c->opts & O_TLS_ACTIVE) != 0,
		.max_bad_commands = c->max_bad,
	};
	struct mg_smtp_session	*s;

	if (c->opts & O_AUTH) {
		lim.auth_user = "alice";
		lim.auth_password = "s3cret";
	}
	s = mg_smtp_session_new(&lim);
	assert_non_null(s);
	if (c->opts & O_AUTH_LOCKED)
		mg_smtp_session_auth_locked(s, 1);
	return s;
}

static void
take_message(struct mg_smtp_session *s, const struct tcase *c,
    struct result *r)
{
	const char		*from, *data;
	const struct mg_strlist	*rcpts;
	size_t			 len;

	mg_smtp_session_message(s, &from, &rcpts, &data, &len);
	assert_non_null(from);
	assert_non_null(rcpts);
	assert_non_null(data);
	if (r->msg.len > 0) {
		mg_buf_puts(&r->msg, "|");
		mg_buf_puts(&r->env, "|");
	}
	mg_buf_add(&r->msg, data, len);
	mg_buf_printf(&r->env, "%s:", from);
	for (size_t i = 0; i < rcpts->n; i++)
		mg_buf_printf(&r->env, "%s%s", i ? "," : "", rcpts->v[i]);
	mg_smtp_session_reply(s, c->reply_code ? c->reply_code : 250,
	    NULL, "Queued", &r->out);
}

/* Feeds like smtp_server.c does: on each event, act, then feed the rest. */
static int
feed_all(struct mg_smtp_session *s, const struct tcase *c, const char *p,
    size_t len, struct result *r)
{
	size_t			 off = 0, n;
	enum mg_smtp_event	 ev;
	int			 tls = 0;

	while (off < len) {
		n = mg_smtp_session_feed(s, p + off, len - off, &r->out, &ev);
		assert_true(n <= len - off);
		off += n;
		switch (ev) {
		case MG_SMTP_EV_MESSAGE:
			mg_buf_puts(&r->ev, "M");
			take_message(s, c, r);
			break;
		case MG_SMTP_EV_STARTTLS:
			mg_buf_puts(&r->ev, "T");
			tls = 1;
			break;
		case MG_SMTP_EV_CLOSE:
			mg_buf_puts(&r->ev, "C");
			break;
		case MG_SMTP_EV_AUTH_FAILED:
			mg_buf_puts(&r->ev, "F");
			break;
		case MG_SMTP_EV_NONE:
			if (n == 0)
				fail_msg("%s: stuck at %zu", c->name, off);
			break;
		}
	}
	return tls;
}

/* Runs c with the input cut at cuts[0..ncuts-1]. */
static void
run(const struct tcase *c, const size_t *cuts, size_t ncuts,
    struct result *r)
{
	struct mg_smtp_session	*s = new_session(c);
	size_t			 len = c->inlen ? c->inlen : strlen(c->in);
	size_t			 from = 0;
	int			 tls = 0;

	memset(r, 0, sizeof(*r));
	mg_buf_puts(&r->ev, "");
	mg_buf_puts(&r->msg, "");
	mg_buf_puts(&r->env, "");
	for (size_t i = 0; i <= ncuts; i++) {
		size_t	 to = i < ncuts ? cuts[i] : len;

		tls |= feed_all(s, c, c->in + from, to - from, r);
		from = to;
	}
	if (tls && c->after_tls != NULL) {
		mg_smtp_session_tls_started(s);
		feed_all(s, c, c->after_tls, strlen(c->after_tls), r);
	}
	if (r->out.len == 0)
		mg_buf_puts(&r->out, "");
	r->state = mg_smtp_session_state(s);
	r->closed = mg_smtp_session_closed_by(s);
	mg_smtp_session_free(s);
}

static void
free_result(struct result *r)
{
	mg_buf_free(&r->out);
	mg_buf_free(&r->ev);
	mg_buf_free(&r->msg);
	mg_buf_free(&r->env);
}

/* "250 2.1.0 Sender OK" -> "250/2.1.0"; "250 mx.test" -> "250". */
static void
summarise(const char *out, struct mg_buf *sum)
{
	const char	*p = out, *eol;

	mg_buf_puts(sum, "");
	while (*p != '\0') {
		size_t	 elen = 0;

		eol = strstr(p, "\r\n");
		assert_non_null(eol);
		assert_true(eol - p >= 3);
		if (eol - p > 3 && p[3] == '-') {
			p = eol + 2;
			continue;
		}
		if (eol - p > 4)
			elen = strspn(p + 4, "0123456789.");
		if (sum->len > 0)
			mg_buf_puts(sum, " ");
		mg_buf_add(sum, p, 3);
		if (elen >= 5 && (p[4 + elen] == ' ' || p + 4 + elen == eol)) {
			mg_buf_puts(sum, "/");
			mg_buf_add(sum, p + 4, elen);
		}
		p = eol + 2;
	}
}

/* Each want token is "code" (any enhanced code) or "code/x.y.z". */
static int
tokens_match(const char *want, const char *got)
{
	for (;;) {
		size_t	 wl = strcspn(want, " "), gl = strcspn(got, " ");

		if (wl == 0 || gl == 0)
			return wl == gl;
		if (memchr(want, '/', wl) != NULL) {
			if (wl != gl || memcmp(want, got, wl) != 0)
				return 0;
		} else if (gl < wl || memcmp(want, got, wl) != 0 ||
		    (gl > wl && got[wl] != '/'))
			return 0;
		want += wl + (want[wl] == ' ');
		got += gl + (got[gl] == ' ');
	}
}

static void
check_want(const struct tcase *c, const struct result *r)
{
	struct mg_buf	 sum = { 0 };

	summarise(r->out.s, &sum);
	if (!tokens_match(c->want, sum.s))
		fail_msg("%s: replies \"%s\", want \"%s\"\n%s", c->name, sum.s,
		    c->want, r->out.s);
	mg_buf_free(&sum);
	if (strcmp(r->ev.s, c->want_ev ? c->want_ev : "") != 0)
		fail_msg("%s: events \"%s\", want \"%s\"", c->name, r->ev.s,
		    c->want_ev ? c->want_ev : "");
	if (c->want_msg != NULL && (r->msg.len != strlen(c->want_msg) ||
	    memcmp(r->msg.s, c->want_msg, r->msg.len) != 0))
		fail_msg("%s: message \"%s\", want \"%s\"", c->name, r->msg.s,
		    c->want_msg);
	if (c->want_env != NULL && strcmp(r->env.s, c->want_env) != 0)
		fail_msg("%s: envelope \"%s\", want \"%s\"", c->name, r->env.s,
		    c->want_env);
	if (c->want_state != NULL && strcmp(r->state, c->want_state) != 0)
		fail_msg("%s: state %s, want %s", c->name, r->state,
		    c->want_state);
	if (c->want_closed != MG_SMTP_CLOSE_NONE && r->closed != c->want_closed)
		fail_msg("%s: closed by %d (%s), want %d", c->name, r->closed,
		    mg_smtp_close_reason(r->closed), c->want_closed);
}

static void
same_result(const struct tcase *c, const char *how, const struct result *a,
    const struct result *b)
{
	if (a->out.len != b->out.len || memcmp(a->out.s, b->out.s,
	    a->out.len) != 0)
		fail_msg("%s: %s gives\n%s\nbut whole gives\n%s", c->name, how,
		    b->out.s, a->out.s);
	if (strcmp(a->ev.s, b->ev.s) != 0 || a->msg.len != b->msg.len ||
	    memcmp(a->msg.s, b->msg.s, a->msg.len) != 0 ||
	    strcmp(a->env.s, b->env.s) != 0 || strcmp(a->state, b->state) != 0 ||
	    a->closed != b->closed)
		fail_msg("%s: %s differs from whole (events %s/%s, state "
		    "%s/%s)", c->name, how, b->ev.s, a->ev.s, b->state,
		    a->state);
}

/* Whole, byte by byte, and in two parts at every boundary. */
static void
check_case(const struct tcase *c)
{
	size_t		 len = c->inlen ? c->inlen : strlen(c->in);
	size_t		*cuts = calloc(len + 1, sizeof(*cuts));
	struct result	 whole, r;
	char		 how[64];

	assert_non_null(cuts);
	run(c, NULL, 0, &whole);
	check_want(c, &whole);
	for (size_t i = 0; i + 1 < len; i++)
		cuts[i] = i + 1;
	run(c, cuts, len > 0 ? len - 1 : 0, &r);
	same_result(c, "byte by byte", &whole, &r);
	free_result(&r);
	for (size_t k = 1; k < len; k++) {
		run(c, &k, 1, &r);
		snprintf(how, sizeof(how), "split at %zu", k);
		same_result(c, how, &whole, &r);
		free_result(&r);
	}
	free_result(&whole);
	free(cuts);
}

static void
check_cases(const struct tcase *cases, size_t n)
{
	for (size_t i = 0; i < n; i++)
		check_case(&cases[i]);
}

#define CHECK_CASES(t)	check_cases((t), sizeof(t) / sizeof(*(t)))

/*
 * Every command in every state
 */

enum { ST_GREETING, ST_READY, ST_MAIL, ST_RCPT, ST_DATA, ST_N };

struct cmd_row {
	const char	*cmd;		/* without CRLF */
	int		 opts;
	const char	*want[ST_N];	/* "" in DATA: the line is data */
	const char	*state[ST_N];
	const char	*ev[ST_N];
};

#define NOCHANGE	{ "greeting", "ready", "mail", "rcpt", "data" }

static const struct cmd_row cmd_rows[] = {
	{ "EHLO c", 0, { "250", "250", "250", "250", "" },
	    { "ready", "ready", "ready", "ready", "data" }, { 0 } },
	{ "EHLO", 0, { "501/5.5.4", "501/5.5.4", "501/5.5.4", "501/5.5.4", "" },
	    NOCHANGE, { 0 } },
	{ "HELO c", 0, { "250", "250", "250", "250", "" },
	    { "ready", "ready", "ready", "ready", "data" }, { 0 } },
	{ "MAIL FROM:<x@y.z>", 0,
	    { "503/5.5.1", "250/2.1.0", "503/5.5.1", "503/5.5.1", "" },
	    { "greeting", "mail", "mail", "rcpt", "data" }, { 0 } },
	{ "RCPT TO:<x@y.z>", 0,
	    { "503/5.5.1", "503/5.5.1", "250/2.1.5", "250/2.1.5", "" },
	    { "greeting", "ready", "rcpt", "rcpt", "data" }, { 0 } },
	{ "DATA", 0, { "503/5.5.1", "503/5.5.1", "503/5.5.1", "354", "" },
	    { "greeting", "ready", "mail", "data", "data" }, { 0 } },
	{ "DATA x", 0, { "503/5.5.1", "503/5.5.1", "503/5.5.1", "501/5.5.4",
	    "" }, NOCHANGE, { 0 } },
	{ "RSET", 0, { "250/2.0.0", "250/2.0.0", "250/2.0.0", "250/2.0.0", "" },
	    { "greeting", "ready", "ready", "ready", "data" }, { 0 } },
	{ "RSET x", 0, { "501/5.5.4", "501/5.5.4", "501/5.5.4", "501/5.5.4",
	    "" }, NOCHANGE, { 0 } },
	{ "NOOP", 0, { "250/2.0.0", "250/2.0.0", "250/2.0.0", "250/2.0.0", "" },
	    NOCHANGE, { 0 } },
	{ "QUIT", 0, { "221/2.0.0", "221/2.0.0", "221/2.0.0", "221/2.0.0", "" },
	    { "closed", "closed", "closed", "closed", "data" },
	    { "C", "C", "C", "C", "" } },
	{ "VRFY x@y.z", 0,
	    { "252/2.1.5", "252/2.1.5", "252/2.1.5", "252/2.1.5", "" },
	    NOCHANGE, { 0 } },
	{ "VRFY", 0, { "501/5.5.4", "501/5.5.4", "501/5.5.4", "501/5.5.4", "" },
	    NOCHANGE, { 0 } },
	{ "HELP", 0, { "214/2.0.0", "214/2.0.0", "214/2.0.0", "214/2.0.0", "" },
	    NOCHANGE, { 0 } },
	{ "STARTTLS", 0,
	    { "502/5.5.1", "502/5.5.1", "502/5.5.1", "502/5.5.1", "" },
	    NOCHANGE, { 0 } },
	{ "STARTTLS", O_TLS,
	    { "503/5.5.1", "220/2.0.0", "220/2.0.0", "220/2.0.0", "" },
	    { "greeting", "starttls", "starttls", "starttls", "data" },
	    { "", "T", "T", "T", "" } },
	{ "STARTTLS", O_TLS | O_TLS_ACTIVE,
	    { "503/5.5.1", "503/5.5.1", "503/5.5.1", "503/5.5.1", "" },
	    NOCHANGE, { 0 } },
	{ "AUTH PLAIN", 0,
	    { "502/5.5.1", "502/5.5.1", "502/5.5.1", "502/5.5.1", "" },
	    NOCHANGE, { 0 } },
	/* With AUTH on, the mail and rcpt prefixes have authenticated. */
	{ "AUTH PLAIN", O_AUTH, { "503/5.5.1", "334", "503/5.5.1", "503/5.5.1",
	    "" }, { "greeting", "auth-plain", "mail", "rcpt", "data" }, { 0 } },
	{ "EXPN x", 0, { "502/5.5.1", "502/5.5.1", "502/5.5.1", "502/5.5.1",
	    "" }, NOCHANGE, { 0 } },
	{ "FOO", 0, { "502/5.5.1", "502/5.5.1", "502/5.5.1", "502/5.5.1", "" },
	    NOCHANGE, { 0 } },
	{ "", 0, { "502/5.5.1", "502/5.5.1", "502/5.5.1", "502/5.5.1", "" },
	    NOCHANGE, { 0 } },
};

/* How to reach each state, and the replies on the way. */
static const char *
state_prefix(int st, int opts, const char **want)
{
	static const char *const plain[ST_N] = {
		"", "EHLO c\r\n", "EHLO c\r\nMAIL FROM:<a@b.c>\r\n",
		ENVELOPE, TX
	};
	static const char *const plain_want[ST_N] = {
		"", "250", "250 250", "250 250 250", "250 250 250 354"
	};
	static const char *const auth[ST_N] = {
		"", "EHLO c\r\n",
		"EHLO c\r\nAUTH PLAIN " PLAIN_GOOD "\r\nMAIL FROM:<a@b.c>\r\n",
		"EHLO c\r\nAUTH PLAIN " PLAIN_GOOD "\r\nMAIL FROM:<a@b.c>\r\n"
		"RCPT TO:<d@e.f>\r\n",
		"EHLO c\r\nAUTH PLAIN " PLAIN_GOOD "\r\nMAIL FROM:<a@b.c>\r\n"
		"RCPT TO:<d@e.f>\r\nDATA\r\n"
	};
	static const char *const auth_want[ST_N] = {
		"", "250", "250 235 250", "250 235 250 250",
		"250 235 250 250 354"
	};

	*want = (opts & O_AUTH) ? auth_want[st] : plain_want[st];
	return (opts & O_AUTH) ? auth[st] : plain[st];
}

static void
test_every_command_in_every_state(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cmd_rows) / sizeof(*cmd_rows); i++) {
		const struct cmd_row	*row = &cmd_rows[i];

		for (int st = 0; st < ST_N; st++) {
			struct tcase	 c = { 0 };
			const char	*pwant, *prefix;
			char		 in[512], want[128], name[128];

			prefix = state_prefix(st, row->opts, &pwant);
			snprintf(in, sizeof(in), "%s%s\r\n", prefix, row->cmd);
			snprintf(want, sizeof(want), "%s%s%s", pwant,
			    *pwant && *row->want[st] ? " " : "",
			    row->want[st]);
			snprintf(name, sizeof(name), "\"%s\" (opts %d) in "
			    "state %d", row->cmd, row->opts, st);
			c.name = name;
			c.in = in;
			c.opts = row->opts;
			c.want = want;
			c.want_ev = row->ev[st] ? row->ev[st] : "";
			c.want_state = row->state[st];
			check_case(&c);
		}
	}
}

/*
 * Sessions
 */

static const struct tcase session_cases[] = {
	{ .name = "pipelined session",
	  .in = "EHLO c\r\nMAIL FROM:<a@b.c> SIZE=20 BODY=8BITMIME\r\n"
	    "RCPT TO:<d@e.f>\r\nRCPT TO:<g@h.i>\r\nDATA\r\n"
	    "Subject: hi\r\n\r\nbody\r\n.\r\nQUIT\r\n",
	  .want = "250 250/2.1.0 250/2.1.5 250/2.1.5 354 250/2.0.0 221/2.0.0",
	  .want_ev = "MC", .want_msg = "Subject: hi\r\n\r\nbody\r\n",
	  .want_env = "a@b.c:d@e.f,g@h.i", .want_state = "closed" },
	{ .name = "two messages in one write",
	  .in = TX "one\r\n.\r\nMAIL FROM:<>\r\nRCPT TO:<x@y>\r\nDATA\r\n"
	    "two\r\n.\r\nNOOP\r\n",
	  .want = "250 250 250 354 250 250 250 354 250 250",
	  .want_ev = "MM", .want_msg = "one\r\n|two\r\n",
	  .want_env = "a@b.c:d@e.f|:x@y", .want_state = "ready" },
	{ .name = "caller rejects the message",
	  .in = TX "x\r\n.\r\nRCPT TO:<a@b>\r\n", .reply_code = 550,
	  .want = "250 250 250 354 550/5.0.0 503/5.5.1", .want_ev = "M",
	  .want_state = "ready" },
	{ .name = "lower case commands",
	  .in = "ehlo c\r\nmail from:<a@b>\r\nrcpt to:<c@d>\r\ndata\r\n.\r\n",
	  .want = "250 250 250 354 250", .want_ev = "M", .want_msg = "",
	  .want_state = "ready" },
	{ .name = "HELO then a transaction",
	  .in = "HELO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nx\r\n"
	    ".\r\n",
	  .want = "250 250 250 354 250", .want_ev = "M", .want_msg = "x\r\n" },
	{ .name = "EHLO resets a transaction",
	  .in = ENVELOPE "EHLO c\r\nDATA\r\nMAIL FROM:<a@b>\r\n",
	  .want = "250 250 250 250 503/5.5.1 250", .want_state = "mail" },
	{ .name = "RSET clears the transaction",
	  .in = ENVELOPE "RSET\r\nDATA\r\nRCPT TO:<d@e.f>\r\n"
	    "MAIL FROM:<x@y>\r\nRCPT TO:<z@w>\r\nDATA\r\n.\r\n",
	  .want = "250 250 250 250/2.0.0 503/5.5.1 503/5.5.1 250 250 354 250",
	  .want_ev = "M", .want_env = "x@y:z@w", .want_state = "ready" },
	{ .name = "MAIL before EHLO",
	  .in = "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n",
	  .want = "503/5.5.1 503/5.5.1 503/5.5.1", .want_state = "greeting" },
	{ .name = "nested MAIL",
	  .in = "EHLO c\r\nMAIL FROM:<a@b>\r\nMAIL FROM:<c@d>\r\n",
	  .want = "250 250 503/5.5.1", .want_state = "mail" },
	{ .name = "DATA before RCPT",
	  .in = "EHLO c\r\nMAIL FROM:<a@b>\r\nDATA\r\n",
	  .want = "250 250 503/5.5.1", .want_state = "mail" },
	{ .name = "QUIT ends everything",
	  .in = "EHLO c\r\nQUIT\r\nNOOP\r\nMAIL FROM:<a@b>\r\n",
	  .want = "250 221/2.0.0", .want_ev = "C", .want_state = "closed" },
	{ .name = "QUIT inside DATA is data",
	  .in = TX "QUIT\r\n.\r\nQUIT\r\n",
	  .want = "250 250 250 354 250 221", .want_ev = "MC",
	  .want_msg = "QUIT\r\n" },
	{ .name = "trailing blanks on a command",
	  .in = "NOOP  \t\r\nEHLO c \r\n", .want = "250 250",
	  .want_state = "ready" },
};

static void
test_sessions(void **state)
{
	(void)state;
	CHECK_CASES(session_cases);
}

/*
 * Cross-protocol requests: HTTP is not SMTP
 */

#define POST_BODY	"EHLO x\r\nMAIL FROM:<a@b.c>\r\nRCPT TO:<d@e.f>\r\n" \
	"DATA\r\nSubject: hi\r\n\r\nrelayed?\r\n.\r\nQUIT\r\n"

static const struct tcase http_cases[] = {
	{ .name = "a browser's POST with SMTP in its body",
	  .in = "POST /submit HTTP/1.1\r\nHost: 127.0.0.1:2525\r\n"
	    "Content-Type: text/plain\r\nContent-Length: 97\r\n\r\n" POST_BODY,
	  .want = "554/5.7.0", .want_ev = "C", .want_msg = "",
	  .want_state = "closed", .want_closed = MG_SMTP_CLOSE_HTTP },
	{ .name = "GET", .in = "GET / HTTP/1.1\r\nEHLO c\r\n",
	  .want = "554/5.7.0", .want_ev = "C", .want_state = "closed",
	  .want_closed = MG_SMTP_CLOSE_HTTP },
	{ .name = "HEAD", .in = "HEAD / HTTP/1.0\r\n", .want = "554/5.7.0",
	  .want_ev = "C", .want_closed = MG_SMTP_CLOSE_HTTP },
	{ .name = "PUT", .in = "PUT /x HTTP/1.1\r\n", .want = "554/5.7.0",
	  .want_ev = "C", .want_closed = MG_SMTP_CLOSE_HTTP },
	{ .name = "DELETE", .in = "DELETE /x HTTP/1.1\r\n", .want = "554/5.7.0",
	  .want_ev = "C", .want_closed = MG_SMTP_CLOSE_HTTP },
	{ .name = "OPTIONS", .in = "OPTIONS * HTTP/1.1\r\n", .want = "554/5.7.0",
	  .want_ev = "C", .want_closed = MG_SMTP_CLOSE_HTTP },
	{ .name = "CONNECT", .in = "CONNECT mx.test:25 HTTP/1.1\r\n",
	  .want = "554/5.7.0", .want_ev = "C",
	  .want_closed = MG_SMTP_CLOSE_HTTP },
	{ .name = "PATCH", .in = "PATCH /x HTTP/1.1\r\n", .want = "554/5.7.0",
	  .want_ev = "C", .want_closed = MG_SMTP_CLOSE_HTTP },
	{ .name = "TRACE", .in = "TRACE / HTTP/1.1\r\n", .want = "554/5.7.0",
	  .want_ev = "C", .want_closed = MG_SMTP_CLOSE_HTTP },
	{ .name = "HTTP/0.9 request line, no version",
	  .in = "GET /index.html\r\n", .want = "554/5.7.0", .want_ev = "C",
	  .want_closed = MG_SMTP_CLOSE_HTTP },
	{ .name = "lower-case method, bare LF",
	  .in = "post / http/1.1\nHost: x\n", .want = "554/5.7.0",
	  .want_ev = "C", .want_closed = MG_SMTP_CLOSE_HTTP },
	{ .name = "any method: a line ending in HTTP/1.1",
	  .in = "PROPFIND /dav HTTP/1.1\r\n", .want = "554/5.7.0",
	  .want_ev = "C", .want_closed = MG_SMTP_CLOSE_HTTP },
	{ .name = "HTTP/2 preface",
	  .in = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", .want = "554/5.7.0",
	  .want_ev = "C", .want_closed = MG_SMTP_CLOSE_HTTP },
	{ .name = "version with trailing blanks",
	  .in = "FOO / HTTP/1.1 \t\r\n", .want = "554/5.7.0", .want_ev = "C",
	  .want_closed = MG_SMTP_CLOSE_HTTP },
	{ .name = "a header before EHLO",
	  .in = "Host: 127.0.0.1:2525\r\nEHLO c\r\n", .want = "554/5.7.0",
	  .want_ev = "C", .want_state = "closed",
	  .want_closed = MG_SMTP_CLOSE_HTTP },
	{ .name = "a header after EHLO, before MAIL",
	  .in = "EHLO c\r\nUser-Agent: Mozilla/5.0\r\nMAIL FROM:<a@b>\r\n",
	  .want = "250 554/5.7.0", .want_ev = "C", .want_state = "closed",
	  .want_closed = MG_SMTP_CLOSE_HTTP },
	{ .name = "Origin, Content-Type without a blank, an odd token",
	  .in = "Origin: http://evil.test\r\n", .want = "554/5.7.0",
	  .want_ev = "C", .want_closed = MG_SMTP_CLOSE_HTTP },
	{ .name = "Content-Type without a blank",
	  .in = "EHLO c\r\nContent-Type:text/plain\r\n", .want = "250 554/5.7.0",
	  .want_ev = "C", .want_closed = MG_SMTP_CLOSE_HTTP },
	{ .name = "a token of odd characters with a colon",
	  .in = "x-a.b_c~1!:\r\n", .want = "554/5.7.0", .want_ev = "C",
	  .want_closed = MG_SMTP_CLOSE_HTTP },
	{ .name = "after a finished transaction, before the next MAIL",
	  .in = TX "x\r\n.\r\nGET / HTTP/1.1\r\nMAIL FROM:<a@b>\r\n",
	  .want = "250 250 250 354 250 554/5.7.0", .want_ev = "MC",
	  .want_msg = "x\r\n", .want_closed = MG_SMTP_CLOSE_HTTP },
	{ .name = "a request line after MAIL",
	  .in = "EHLO c\r\nMAIL FROM:<a@b>\r\nPOST / HTTP/1.1\r\n",
	  .want = "250 250 554/5.7.0", .want_ev = "C",
	  .want_closed = MG_SMTP_CLOSE_HTTP },
	/* Not HTTP. */
	{ .name = "a header line after MAIL is an unknown command",
	  .in = "EHLO c\r\nMAIL FROM:<a@b>\r\nX-Foo: bar\r\nNOOP\r\n",
	  .want = "250 250 502/5.5.1 250", .want_state = "mail" },
	{ .name = "headers inside DATA are the message",
	  .in = TX "Host: x\r\nGET / HTTP/1.1\r\n.\r\nNOOP\r\n",
	  .want = "250 250 250 354 250 250", .want_ev = "M",
	  .want_msg = "Host: x\r\nGET / HTTP/1.1\r\n", .want_state = "ready" },
	{ .name = "SMTP commands that look a little like it",
	  .in = "HELO http.example\r\nNOOP GET / HTTP\r\nVRFY Host:\r\n"
	    "NOOP HTTP/\r\nNOOP HTTP/1.\r\nMAIL FROM:<a@b>\r\n"
	    "RCPT TO:<get@post.example>\r\n",
	  .want = "250 250 252 250 250 250 250", .want_state = "rcpt" },
	{ .name = "a method without a blank, or glued to more letters",
	  .in = "GET\r\nGETX /\r\nEHLO c\r\n", .want = "502 502 250",
	  .want_state = "ready" },
	{ .name = "a colon that does not end a token",
	  .in = ":x\r\nNO OP: x\r\nEHLO c\r\n", .want = "502 502 250",
	  .want_state = "ready" },
	{ .name = "an AUTH response is not a command", .opts = O_AUTH,
	  .in = "EHLO c\r\nAUTH LOGIN\r\nHost: x\r\nNOOP\r\n",
	  .want = "250 334 501/5.5.2 250", .want_state = "ready" },
};

static void
test_http(void **state)
{
	(void)state;
	CHECK_CASES(http_cases);
}

/*
 * Too many errors: 421 and close (Postfix's smtpd_hard_error_limit)
 */

#define BAD_LOGIN	"AUTH PLAIN " PLAIN_BAD "\r\n"

static void	noop_line(char *buf, size_t n, const char *eol);

static const struct tcase bad_cases[] = {
	{ .name = "three unknown commands (the default)",
	  .in = "FOO\r\nBAR x\r\n\r\nNOOP\r\n",
	  .want = "502/5.5.1 502/5.5.1 502/5.5.1 421/4.7.0", .want_ev = "C",
	  .want_state = "closed", .want_closed = MG_SMTP_CLOSE_ERRORS },
	{ .name = "a limit of one", .max_bad = 1,
	  .in = "FOO\r\nNOOP\r\n", .want = "502 421/4.7.0", .want_ev = "C",
	  .want_closed = MG_SMTP_CLOSE_ERRORS },
	{ .name = "a higher limit", .max_bad = 5,
	  .in = "A\r\nB\r\nC\r\nD\r\nNOOP\r\nE\r\nNOOP\r\n",
	  .want = "502 502 502 502 250 502 421/4.7.0", .want_ev = "C",
	  .want_closed = MG_SMTP_CLOSE_ERRORS },
	{ .name = "a NUL line counts",
	  .in = "NO\0OP\r\nFOO\r\nBAR\r\nNOOP\r\n",
	  .inlen = sizeof("NO\0OP\r\nFOO\r\nBAR\r\nNOOP\r\n") - 1,
	  .want = "500/5.5.2 502 502 421/4.7.0", .want_ev = "C",
	  .want_closed = MG_SMTP_CLOSE_ERRORS },
	{ .name = "errors of sequence and syntax do not count",
	  .in = "EHLO c\r\nRCPT TO:<a@b>\r\nDATA\r\nMAIL FROM:<bad>\r\n"
	    "MAIL FROM:<a@b> X=1\r\nRSET x\r\nEHLO\r\nFOO\r\nBAR\r\nNOOP\r\n",
	  .want = "250 503 503 501 555 501 501 502 502 250",
	  .want_state = "ready" },
	{ .name = "refused recipients do not count", .max_rcpts = 1,
	  .in = ENVELOPE "RCPT TO:<x@y>\r\nRCPT TO:<x@y>\r\nRCPT TO:<x@y>\r\n"
	    "RCPT TO:<x@y>\r\nNOOP\r\n",
	  .want = "250 250 250 452 452 452 452 250", .want_state = "rcpt" },
	{ .name = "failed logins count", .opts = O_AUTH,
	  .in = "EHLO c\r\n" BAD_LOGIN BAD_LOGIN BAD_LOGIN
	    "AUTH PLAIN " PLAIN_GOOD "\r\n",
	  .want = "250 535/5.7.8 535/5.7.8 535/5.7.8 421/4.7.0", .want_ev = "FFC",
	  .want_closed = MG_SMTP_CLOSE_ERRORS },
	{ .name = "garbage logins count", .opts = O_AUTH,
	  .in = "EHLO c\r\nAUTH PLAIN !!!!\r\nAUTH LOGIN\r\n!!\r\n" BAD_LOGIN
	    "NOOP\r\n",
	  .want = "250 501/5.5.2 334 501/5.5.2 535 421/4.7.0", .want_ev = "C",
	  .want_closed = MG_SMTP_CLOSE_ERRORS },
	{ .name = "a cancelled login does not count", .opts = O_AUTH,
	  .in = "EHLO c\r\nAUTH LOGIN\r\n*\r\nAUTH LOGIN\r\n*\r\nAUTH LOGIN\r\n"
	    "*\r\nAUTH PLAIN " PLAIN_GOOD "\r\n",
	  .want = "250 334 501/5.7.0 334 501/5.7.0 334 501/5.7.0 235",
	  .want_state = "ready" },
	{ .name = "the count goes on across messages",
	  .in = "FOO\r\n" TX "x\r\n.\r\nBAR\r\nBAZ\r\nNOOP\r\n",
	  .want = "502 250 250 250 354 250 502 502 421/4.7.0",
	  .want_ev = "MC", .want_msg = "x\r\n",
	  .want_closed = MG_SMTP_CLOSE_ERRORS },
	{ .name = "unknown lines inside DATA are the message",
	  .in = TX "FOO\r\nBAR\r\nBAZ\r\nQUUX\r\n.\r\nNOOP\r\n",
	  .want = "250 250 250 354 250 250", .want_ev = "M",
	  .want_state = "ready" },
	{ .name = "QUIT says why", .in = "QUIT\r\n", .want = "221",
	  .want_ev = "C", .want_closed = MG_SMTP_CLOSE_QUIT },
};

static void
test_bad_commands(void **state)
{
	static char	 in[4096];
	struct tcase	 c = { 0 };

	(void)state;
	CHECK_CASES(bad_cases);
	/* Over-long lines count, in commands and in AUTH. */
	noop_line(in, 1500, "\r\nFOO\r\n");
	strcat(in, "NOOP\r\n");
	c.name = "an over-long line counts";
	c.in = in;
	c.max_bad = 2;
	c.want = "500/5.5.2 502 421/4.7.0";
	c.want_ev = "C";
	c.want_closed = MG_SMTP_CLOSE_ERRORS;
	check_case(&c);
}

/*
 * DATA: dot-stuffing, line ends, the final dot
 */

static const struct tcase data_cases[] = {
	{ .name = "dot-stuffing",
	  .in = TX "..line\r\n...\r\n. \r\n.\rX\r\na.b\r\n.\r\n",
	  .want = "250 250 250 354 250", .want_ev = "M",
	  .want_msg = ".line\r\n..\r\n \r\n\rX\r\na.b\r\n" },
	{ .name = "empty message",
	  .in = TX ".\r\n", .want = "250 250 250 354 250", .want_ev = "M",
	  .want_msg = "" },
	{ .name = "a dot at the end of a line is not the end",
	  .in = TX "abc.\r\n.\r\n",
	  .want = "250 250 250 354 250", .want_ev = "M",
	  .want_msg = "abc.\r\n" },
	{ .name = "last line without its own CRLF before the dot",
	  .in = TX "abc\r\n.\r\n",
	  .want = "250 250 250 354 250", .want_ev = "M",
	  .want_msg = "abc\r\n" },
	{ .name = "\".\\r\\n\" inside a line is not the end",
	  .in = TX "abc.\r\nx.\r\n\r\n.\r\n",
	  .want = "250 250 250 354 250", .want_ev = "M",
	  .want_msg = "abc.\r\nx.\r\n\r\n" },
	{ .name = "bare CR is data",
	  .in = TX "a\rb\r\nx\r.\r\n\r.\r\n.\r\n",
	  .want = "250 250 250 354 250", .want_ev = "M",
	  .want_msg = "a\rb\r\nx\r.\r\n\r.\r\n" },
	{ .name = "bare LF everywhere",
	  .in = "EHLO c\nMAIL FROM:<a@b>\nRCPT TO:<c@d>\nDATA\n"
	    "line1\nline2\r\n..x\n.\nQUIT\n",
	  .want = "250 250 250 354 250 221", .want_ev = "MC",
	  .want_msg = "line1\nline2\r\n.x\n" },
	{ .name = "final dot after a bare LF",
	  .in = TX "line\n.\r\nNOOP\r\n",
	  .want = "250 250 250 354 250 250", .want_ev = "M",
	  .want_msg = "line\n" },
	{ .name = "\".\\r.\" is not the end",
	  .in = TX ".\r.\r\n.\r\n",
	  .want = "250 250 250 354 250", .want_ev = "M",
	  .want_msg = "\r.\r\n" },
	{ .name = "NUL in data: 554 at the dot, session goes on",
	  .in = TX "a\0b\r\nmore\r\n.\r\nNOOP\r\n",
	  .inlen = sizeof(TX "a\0b\r\nmore\r\n.\r\nNOOP\r\n") - 1,
	  .want = "250 250 250 354 554/5.6.0 250/2.0.0", .want_ev = "",
	  .want_state = "ready" },
	{ .name = "NUL after a leading dot",
	  .in = TX ".\0\r\n.\r\n",
	  .inlen = sizeof(TX ".\0\r\n.\r\n") - 1,
	  .want = "250 250 250 354 554/5.6.0", .want_ev = "",
	  .want_state = "ready" },
	/* Found by fuzz_smtp_session: fed whole the NUL was answered, cut
	 * into reads the size; the first error in the data is the one. */
	{ .name = "NUL past the size limit, in one line: 552",
	  .in = TX "0123456789abc\0x\r\n.\r\n", .max_size = 12,
	  .inlen = sizeof(TX "0123456789abc\0x\r\n.\r\n") - 1,
	  .want = "250 250 250 354 552/5.3.4", .want_ev = "",
	  .want_state = "ready" },
	{ .name = "NUL before the size limit, in one line: 554",
	  .in = TX "0123\0" "56789abcdef\r\n.\r\n", .max_size = 12,
	  .inlen = sizeof(TX "0123\0" "56789abcdef\r\n.\r\n") - 1,
	  .want = "250 250 250 354 554/5.6.0", .want_ev = "",
	  .want_state = "ready" },
	{ .name = "message of exactly the maximum size",
	  .in = TX "0123456789\r\n.\r\n", .max_size = 12,
	  .want = "250 250 250 354 250", .want_ev = "M",
	  .want_msg = "0123456789\r\n" },
	{ .name = "message one octet too big: 552 at the dot",
	  .in = TX "0123456789x\r\n.\r\nMAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n"
	    "DATA\r\nsmall\r\n.\r\n", .max_size = 12,
	  .want = "250 250 250 354 552/5.3.4 250 250 354 250",
	  .want_ev = "M", .want_msg = "small\r\n", .want_env = "a@b:c@d",
	  .want_state = "ready" },
	{ .name = "much too big: dot-stuffed and bare-LF lines still parsed",
	  .in = TX "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n"
	    "..\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n.\nNOOP\r\n",
	  .max_size = 20,
	  .want = "250 250 250 354 552/5.3.4 250", .want_ev = "",
	  .want_state = "ready" },
	{ .name = "first error wins",
	  .in = TX "a\0xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n.\r\n",
	  .inlen = sizeof(TX "a\0xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n.\r\n") - 1,
	  .max_size = 10,
	  .want = "250 250 250 354 554/5.6.0", .want_ev = "" },
};

static void
test_data(void **state)
{
	(void)state;
	CHECK_CASES(data_cases);
}

/*
 * Parameters, addresses and recipients
 */

static const struct tcase mail_cases[] = {
	{ .name = "SIZE at the limit", .max_size = 50,
	  .in = "EHLO c\r\nMAIL FROM:<a@b> SIZE=50\r\n",
	  .want = "250 250/2.1.0", .want_state = "mail" },
	{ .name = "SIZE above the limit", .max_size = 50,
	  .in = "EHLO c\r\nMAIL FROM:<a@b> SIZE=51\r\nMAIL FROM:<a@b> "
	    "SIZE=999999999999999999999999999999\r\n",
	  .want = "250 552/5.3.4 552/5.3.4", .want_state = "ready" },
	{ .name = "bad SIZE",
	  .in = "EHLO c\r\nMAIL FROM:<a@b> SIZE=12k\r\n"
	    "MAIL FROM:<a@b> SIZE\r\nMAIL FROM:<a@b> SIZE=\r\n",
	  .want = "250 501/5.5.4 501/5.5.4 501/5.5.4", .want_state = "ready" },
	{ .name = "BODY values",
	  .in = "EHLO c\r\nMAIL FROM:<a@b> BODY=BINARYMIME\r\n"
	    "MAIL FROM:<a@b> BODY=7bit\r\nRSET\r\n"
	    "MAIL FROM:<a@b> BODY=8BITMIME\r\n",
	  .want = "250 501/5.5.4 250 250 250", .want_state = "mail" },
	{ .name = "unknown parameters",
	  .in = "EHLO c\r\nMAIL FROM:<a@b> RET=HDRS\r\nMAIL FROM:<a@b> "
	    "SMTPUTF8=yes\r\nMAIL FROM:<a@b> AUTH=<>\r\nMAIL FROM:<a@b>\r\n"
	    "RCPT TO:<c@d> NOTIFY=NEVER\r\n",
	  .want = "250 555/5.5.4 555/5.5.4 555/5.5.4 250 555/5.5.4",
	  .want_state = "mail" },
	{ .name = "AUTH= accepted when AUTH is offered", .opts = O_AUTH,
	  .in = "EHLO c\r\nAUTH PLAIN " PLAIN_GOOD "\r\n"
	    "MAIL FROM:<a@b> AUTH=<>\r\n",
	  .want = "250 235 250", .want_state = "mail" },
	{ .name = "SMTPUTF8 and non-ASCII addresses",
	  .in = "EHLO c\r\nMAIL FROM:<j\xc3\xb6@b>\r\n"
	    "MAIL FROM:<j\xc3\xb6@b> SMTPUTF8\r\nRCPT TO:<\xc3\xa9@d>\r\n"
	    "DATA\r\n.\r\n"
	    "MAIL FROM:<a@b>\r\nRCPT TO:<\xc3\xa9@d>\r\n",
	  .want = "250 553/5.6.7 250 250 354 250 250 553/5.6.7",
	  .want_ev = "M", .want_env = "j\xc3\xb6@b:\xc3\xa9@d" },
	{ .name = "null sender, not as recipient",
	  .in = "EHLO c\r\nMAIL FROM:<>\r\nRCPT TO:<>\r\nRCPT TO:<c@d>\r\n"
	    "DATA\r\n.\r\n",
	  .want = "250 250 501/5.1.3 250 354 250", .want_ev = "M",
	  .want_env = ":c@d" },
	{ .name = "postmaster without domain",
	  .in = "EHLO c\r\nMAIL FROM:<a@b>\r\nRCPT TO:<Postmaster>\r\n"
	    "RCPT TO:<root>\r\nDATA\r\n.\r\n",
	  .want = "250 250 250 501/5.1.3 354 250", .want_ev = "M",
	  .want_env = "a@b:Postmaster" },
	{ .name = "lenient forms (documented)",
	  .in = "EHLO c\r\nMAIL FROM:a@b SIZE=1\r\nRCPT TO: <c@d>\r\n"
	    "RCPT TO:e@f\r\nDATA\r\n.\r\n",
	  .want = "250 250 250 250 354 250", .want_ev = "M",
	  .want_env = "a@b:c@d,e@f" },
	{ .name = "source route and quoted local part",
	  .in = "EHLO c\r\nMAIL FROM:<@r1,@r2:a@b>\r\n"
	    "RCPT TO:<\"x y>@\"@d>\r\nDATA\r\n.\r\n",
	  .want = "250 250 250 354 250", .want_ev = "M",
	  .want_env = "a@b:\"x y>@\"@d" },
	{ .name = "syntax errors",
	  .in = "EHLO c\r\nMAIL FROM:<a@b\r\nMAIL TO:<a@b>\r\nMAIL FROM:\r\n"
	    "MAIL FROM:<a@b>x\r\nMAIL FROM:<@r1a@b>\r\nMAIL\r\n",
	  .want = "250 501/5.5.4 501/5.5.4 501/5.5.4 501/5.5.4 501/5.5.4 "
	    "501/5.5.4", .want_state = "ready" },
	{ .name = "bad sender addresses",
	  .in = "EHLO c\r\nMAIL FROM:<a b@c>\r\nMAIL FROM:<ab>\r\n"
	    "MAIL FROM:<@b>\r\nMAIL FROM:<a@>\r\nMAIL FROM:<a<b@c>\r\n"
	    "MAIL FROM:<\"ab@c>\r\n",
	  .want = "250 501/5.1.7 501/5.1.7 501/5.5.4 501/5.1.7 501/5.1.7 "
	    "501/5.5.4", .want_state = "ready" },
	{ .name = "header injection in addresses",
	  .in = "EHLO c\r\nMAIL FROM:<a\rb@c>\r\nMAIL FROM:<a@b\tc>\r\n"
	    "MAIL FROM:<a@b>\r\nRCPT TO:<c@d\rBcc: e@f>\r\n"
	    "RCPT TO:<c@d\x7f>\r\nRCPT TO:c@d\rBcc:e@f\r\n",
	  .want = "250 501/5.1.7 501/5.1.7 250 501/5.1.3 501/5.1.3 501/5.1.3",
	  .want_state = "mail" },
	{ .name = "NUL in an address", .in = "EHLO c\r\nMAIL FROM:<a\0b@c>\r\n",
	  .inlen = sizeof("EHLO c\r\nMAIL FROM:<a\0b@c>\r\n") - 1,
	  .want = "250 500/5.5.2", .want_state = "ready" },
	{ .name = "too many recipients", .max_rcpts = 2,
	  .in = ENVELOPE "RCPT TO:<g@h>\r\nRCPT TO:<i@j>\r\nDATA\r\n.\r\n",
	  .want = "250 250 250 250 452/4.5.3 354 250", .want_ev = "M",
	  .want_env = "a@b.c:d@e.f,g@h" },
	{ .name = "default recipient limit is 100",
	  .in = "EHLO c\r\nMAIL FROM:<a@b>\r\n"
	    "RCPT TO:<a@b>\r\nRCPT TO:<a@b>\r\nRCPT TO:<a@b>\r\n",
	  .want = "250 250 250 250 250", .want_state = "rcpt" },
};

static void
test_mail_rcpt(void **state)
{
	(void)state;
	CHECK_CASES(mail_cases);
}

/* 254 octets pass, 255 do not. */
static void
test_address_length(void **state)
{
	char		 in[1024], local[300];
	struct tcase	 c = { 0 };

	(void)state;
	memset(local, 'x', sizeof(local));
	local[250] = '\0';	/* + "@b.c" = 254 */
	snprintf(in, sizeof(in), "EHLO c\r\nMAIL FROM:<%s@b.c>\r\n"
	    "RCPT TO:<%s@b.c>\r\n", local, local);
	c.name = "254 octets";
	c.in = in;
	c.want = "250 250 250";
	check_case(&c);
	local[250] = 'x';
	local[251] = '\0';
	snprintf(in, sizeof(in), "EHLO c\r\nMAIL FROM:<%s@b.c>\r\n"
	    "MAIL FROM:<a@b>\r\nRCPT TO:<%s@b.c>\r\n", local, local);
	c.name = "255 octets";
	c.want = "250 501/5.1.7 250 501/5.1.3";
	check_case(&c);
}

/*
 * Line lengths
 */

/* "NOOP " padded with x to n octets before the line end. */
static void
noop_line(char *buf, size_t n, const char *eol)
{
	memcpy(buf, "NOOP ", 5);
	memset(buf + 5, 'x', n - 5);
	strcpy(buf + n, eol);
}

static void
test_command_line_length(void **state)
{
	static char	 in[8192];
	struct tcase	 c = { 0 };

	(void)state;
	c.in = in;
	noop_line(in, 998, "\r\nNOOP\r\n");
	c.name = "998 + CRLF";
	c.want = "250 250";
	check_case(&c);
	noop_line(in, 999, "\nNOOP\r\n");
	c.name = "999 + LF";
	check_case(&c);
	noop_line(in, 999, "\r\nNOOP\r\n");
	c.name = "999 + CRLF";
	c.want = "500/5.5.2 250/2.0.0";
	check_case(&c);
	noop_line(in, 5000, "\r\nEHLO c\r\n");
	c.name = "5000 octets, answered once, line discarded";
	c.want = "500/5.5.2 250";
	c.want_state = "ready";
	check_case(&c);
}

static void
test_data_line_length(void **state)
{
	static char	 in[8192];
	struct tcase	 c = { 0 };
	size_t		 n;

	(void)state;
	c.in = in;
	c.want_state = "ready";
	strcpy(in, TX);
	n = strlen(in);
	memset(in + n, 'y', 998);
	strcpy(in + n + 998, "\r\n.\r\n");
	c.name = "data line of 1000 octets";
	c.want = "250 250 250 354 250";
	c.want_ev = "M";
	check_case(&c);
	memmove(in + n + 1, in + n, 998);
	in[n] = '.';	/* the stuffed dot counts as received */
	strcpy(in + n + 999, "\r\n.\r\nNOOP\r\n");
	c.name = "data line of 1001 octets";
	c.want = "250 250 250 354 500/5.5.2 250";
	c.want_ev = "";
	check_case(&c);
	memset(in + n, 'z', 3000);
	strcpy(in + n + 3000, "\n.\nNOOP\r\n");
	c.name = "data line of 3001 octets, bare LF";
	check_case(&c);
}

static const struct tcase nul_cases[] = {
	{ .name = "NUL in a command",
	  .in = "NO\0OP\r\nNOOP\r\n", .inlen = sizeof("NO\0OP\r\nNOOP\r\n") - 1,
	  .want = "500/5.5.2 250", .want_state = "greeting" },
	{ .name = "NUL alone", .in = "\0\n", .inlen = 2, .want = "500/5.5.2" },
};

static void
test_nul(void **state)
{
	(void)state;
	CHECK_CASES(nul_cases);
}

/*
 * AUTH
 */

static const struct tcase auth_cases[] = {
	{ .name = "required before MAIL", .opts = O_AUTH,
	  .in = "EHLO c\r\nMAIL FROM:<a@b>\r\nAUTH PLAIN " PLAIN_GOOD "\r\n"
	    "MAIL FROM:<a@b>\r\n",
	  .want = "250 530/5.7.0 235/2.7.0 250", .want_state = "mail" },
	{ .name = "PLAIN with initial response, good", .opts = O_AUTH,
	  .in = "EHLO c\r\nAUTH PLAIN " PLAIN_GOOD "\r\n",
	  .want = "250 235/2.7.0", .want_state = "ready" },
	{ .name = "PLAIN with authzid", .opts = O_AUTH,
	  .in = "EHLO c\r\nAUTH PLAIN " PLAIN_AUTHZ "\r\n",
	  .want = "250 235/2.7.0" },
	{ .name = "PLAIN, wrong password", .opts = O_AUTH,
	  .in = "EHLO c\r\nAUTH PLAIN " PLAIN_BAD "\r\nMAIL FROM:<a@b>\r\n"
	    "AUTH PLAIN " PLAIN_PREFIX "\r\n",
	  .want = "250 535/5.7.8 530/5.7.0 535/5.7.8", .want_ev = "FF",
	  .want_state = "ready" },
	{ .name = "PLAIN, wrong user or authzid", .opts = O_AUTH,
	  .in = "EHLO c\r\nAUTH PLAIN " PLAIN_USER "\r\nAUTH PLAIN "
	    PLAIN_OTHERZ "\r\n",
	  .want = "250 535/5.7.8 535/5.7.8", .want_ev = "FF" },
	{ .name = "PLAIN continuation", .opts = O_AUTH,
	  .in = "EHLO c\r\nAUTH PLAIN\r\n" PLAIN_GOOD "\r\nMAIL FROM:<a@b>\r\n",
	  .want = "250 334 235/2.7.0 250", .want_state = "mail" },
	{ .name = "PLAIN garbage base64", .opts = O_AUTH,
	  .in = "EHLO c\r\nAUTH PLAIN !!!!\r\nAUTH PLAIN\r\nAGFsaWNlAHMzY3JldA=\r\n"
	    "AUTH PLAIN AGFs=WNl\r\nAUTH PLAIN " B64_ALICE "\r\n",
	  .want = "250 501/5.5.2 334 501/5.5.2 501/5.5.2 501/5.5.2",
	  .want_state = "ready", .max_bad = 5 },
	{ .name = "PLAIN cancelled", .opts = O_AUTH,
	  .in = "EHLO c\r\nAUTH PLAIN\r\n*\r\nNOOP\r\n",
	  .want = "250 334 501 250", .want_state = "ready" },
	{ .name = "PLAIN empty initial response", .opts = O_AUTH,
	  .in = "EHLO c\r\nAUTH PLAIN =\r\n", .want = "250 501/5.5.2" },
	{ .name = "LOGIN good", .opts = O_AUTH,
	  .in = "EHLO c\r\nAUTH LOGIN\r\n" B64_ALICE "\r\n" B64_S3CRET "\r\n"
	    "MAIL FROM:<a@b>\r\n",
	  .want = "250 334 334 235/2.7.0 250", .want_state = "mail" },
	{ .name = "LOGIN with initial response", .opts = O_AUTH,
	  .in = "EHLO c\r\nAUTH login " B64_ALICE "\r\n" B64_S3CRET "\r\n",
	  .want = "250 334 235/2.7.0" },
	{ .name = "LOGIN bad password", .opts = O_AUTH,
	  .in = "EHLO c\r\nAUTH LOGIN\r\n" B64_ALICE "\r\n" B64_WRONG "\r\n",
	  .want = "250 334 334 535/5.7.8", .want_ev = "F", .want_state = "ready" },
	{ .name = "LOGIN user and password swapped", .opts = O_AUTH,
	  .in = "EHLO c\r\nAUTH LOGIN\r\n" B64_S3CRET "\r\n" B64_ALICE "\r\n",
	  .want = "250 334 334 535/5.7.8", .want_ev = "F" },
	{ .name = "LOGIN cancelled at the password", .opts = O_AUTH,
	  .in = "EHLO c\r\nAUTH LOGIN\r\n" B64_ALICE "\r\n*\r\n",
	  .want = "250 334 334 501", .want_state = "ready" },
	{ .name = "LOGIN garbage", .opts = O_AUTH,
	  .in = "EHLO c\r\nAUTH LOGIN\r\nnot base64\r\n",
	  .want = "250 334 501/5.5.2", .want_state = "ready" },
	{ .name = "unknown mechanism, missing mechanism", .opts = O_AUTH,
	  .in = "EHLO c\r\nAUTH CRAM-MD5\r\nAUTH\r\n",
	  .want = "250 504/5.5.4 504/5.5.4", .want_state = "ready" },
	{ .name = "AUTH twice, AUTH before EHLO", .opts = O_AUTH,
	  .in = "AUTH PLAIN " PLAIN_GOOD "\r\nEHLO c\r\nAUTH PLAIN " PLAIN_GOOD
	    "\r\nAUTH PLAIN " PLAIN_GOOD "\r\n",
	  .want = "503/5.5.1 250 235 503/5.5.1" },
	{ .name = "AUTH survives EHLO and RSET", .opts = O_AUTH,
	  .in = "EHLO c\r\nAUTH PLAIN " PLAIN_GOOD "\r\nEHLO c\r\nRSET\r\n"
	    "MAIL FROM:<a@b>\r\n",
	  .want = "250 235 250 250 250", .want_state = "mail" },
	{ .name = "over-long AUTH response", .opts = O_AUTH,
	  .in = "EHLO c\r\nAUTH PLAIN\r\n"
	    "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	    "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	    "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	    "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	    "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	    "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	    "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	    "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	    "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	    "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	    "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	    "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	    "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	    "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	    "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	    "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
	    "\r\nNOOP\r\n",
	  .want = "250 334 501/5.5.2 250", .want_state = "ready" },
};

/* While serve's limit of failed logins is reached, AUTH gets 454 and the
 * password is not looked at, good or bad; nothing else changes. */
static const struct tcase auth_locked_cases[] = {
	{ .name = "locked: PLAIN, LOGIN, good or bad",
	  .opts = O_AUTH | O_AUTH_LOCKED,
	  .in = "EHLO c\r\nAUTH PLAIN " PLAIN_GOOD "\r\nAUTH PLAIN\r\n"
	    "AUTH LOGIN\r\nAUTH PLAIN " PLAIN_BAD "\r\nMAIL FROM:<a@b>\r\n"
	    "NOOP\r\n",
	  .want = "250 454/4.7.0 454/4.7.0 454/4.7.0 454/4.7.0 530/5.7.0 250",
	  .want_ev = "", .want_state = "ready" },
	{ .name = "locked: 454 is no error that closes",
	  .opts = O_AUTH | O_AUTH_LOCKED, .max_bad = 1,
	  .in = "EHLO c\r\nAUTH PLAIN " PLAIN_BAD "\r\nAUTH PLAIN " PLAIN_BAD
	    "\r\nNOOP\r\n",
	  .want = "250 454/4.7.0 454/4.7.0 250", .want_state = "ready" },
};

static void
test_auth(void **state)
{
	(void)state;
	CHECK_CASES(auth_cases);
	CHECK_CASES(auth_locked_cases);
}

static size_t	feed_str(struct mg_smtp_session *s, const char *in,
		    struct mg_buf *out, enum mg_smtp_event *ev);

/* A failed login stops the feed after its line (serve waits before it
 * answers); the counters serve reads: lines, failures, login needed. */
static void
test_auth_failed_event(void **state)
{
	static const char	 in[] = "EHLO c\r\nAUTH PLAIN " PLAIN_BAD
	    "\r\nNOOP\r\nAUTH LOGIN\r\n" B64_ALICE "\r\n";
	struct tcase		 c = { .opts = O_AUTH };
	struct mg_smtp_session	*s = new_session(&c);
	struct mg_buf		 out = { 0 };
	enum mg_smtp_event	 ev;
	size_t			 n, off;

	(void)state;
	mg_smtp_session_greet(s, &out);
	assert_int_equal(mg_smtp_session_commands(s), 0);
	assert_int_equal(feed_str(s, "EH", &out, &ev), 2);
	assert_int_equal(mg_smtp_session_commands(s), 0);
	assert_true(mg_smtp_session_needs_auth(s));
	n = mg_smtp_session_feed(s, in + 2, sizeof(in) - 3, &out, &ev);
	off = 2 + n;
	assert_int_equal(ev, MG_SMTP_EV_AUTH_FAILED);
	assert_int_equal(off, strlen("EHLO c\r\nAUTH PLAIN " PLAIN_BAD
	    "\r\n"));
	assert_int_equal(mg_smtp_session_commands(s), 2);
	assert_int_equal(mg_smtp_session_auth_failures(s), 1);
	assert_non_null(strstr(out.s, "\r\n535 5.7.8 "));
	assert_null(strstr(out.s, "\r\n250 2.0.0"));	/* no NOOP yet */
	/* The rest; the lock comes down between user and password. */
	n = mg_smtp_session_feed(s, in + off, sizeof(in) - 1 - off, &out, &ev);
	assert_int_equal(n, sizeof(in) - 1 - off);
	assert_int_equal(ev, MG_SMTP_EV_NONE);
	assert_string_equal(mg_smtp_session_state(s), "auth-login-pass");
	mg_smtp_session_auth_locked(s, 1);
	out.len = 0;
	feed_str(s, B64_S3CRET "\r\n", &out, &ev);
	assert_int_equal(ev, MG_SMTP_EV_NONE);
	assert_true(strncmp(out.s, "454 4.7.0 ", 10) == 0);
	assert_true(mg_smtp_session_needs_auth(s));
	/* Unlocked: the good password. */
	mg_smtp_session_auth_locked(s, 0);
	out.len = 0;
	feed_str(s, "AUTH PLAIN " PLAIN_GOOD "\r\n", &out, &ev);
	assert_true(strncmp(out.s, "235 ", 4) == 0);
	assert_false(mg_smtp_session_needs_auth(s));
	assert_int_equal(mg_smtp_session_auth_failures(s), 1);
	assert_int_equal(mg_smtp_session_commands(s), 7);
	mg_buf_free(&out);
	mg_smtp_session_free(s);
	/* Without AUTH, none is needed. */
	c.opts = 0;
	s = new_session(&c);
	assert_false(mg_smtp_session_needs_auth(s));
	mg_smtp_session_free(s);
}

/*
 * STARTTLS
 */

static const struct tcase tls_cases[] = {
	{ .name = "pipelined commands after STARTTLS are discarded",
	  .opts = O_TLS,
	  .in = "EHLO c\r\nSTARTTLS\r\nMAIL FROM:<evil@x>\r\nRCPT TO:<e@x>\r\n",
	  .after_tls = "MAIL FROM:<a@b>\r\nEHLO c\r\nMAIL FROM:<a@b>\r\n"
	    "STARTTLS\r\n",
	  .want = "250 220/2.0.0 503/5.5.1 250 250 503/5.5.1", .want_ev = "T",
	  .want_state = "mail" },
	{ .name = "STARTTLS forgets AUTH", .opts = O_TLS | O_AUTH,
	  .in = "EHLO c\r\nAUTH PLAIN " PLAIN_GOOD "\r\nSTARTTLS\r\n",
	  .after_tls = "EHLO c\r\nMAIL FROM:<a@b>\r\n",
	  .want = "250 235 220 250 530/5.7.0", .want_ev = "T" },
	{ .name = "STARTTLS with a parameter", .opts = O_TLS,
	  .in = "EHLO c\r\nSTARTTLS now\r\nNOOP\r\n",
	  .want = "250 501/5.5.4 250", .want_ev = "", .want_state = "ready" },
	{ .name = "STARTTLS over TLS", .opts = O_TLS | O_TLS_ACTIVE,
	  .in = "EHLO c\r\nSTARTTLS\r\nNOOP\r\n",
	  .want = "250 503/5.5.1 250", .want_ev = "", .want_state = "ready" },
	{ .name = "STARTTLS in a transaction resets it", .opts = O_TLS,
	  .in = ENVELOPE "STARTTLS\r\n",
	  .after_tls = "EHLO c\r\nRCPT TO:<a@b>\r\n",
	  .want = "250 250 250 220 250 503/5.5.1", .want_ev = "T",
	  .want_state = "ready" },
};

static void
test_starttls(void **state)
{
	(void)state;
	CHECK_CASES(tls_cases);
}

/*
 * Single-purpose tests
 */

static struct mg_smtp_session *
session(int opts, size_t max_size)
{
	struct tcase	 c = { .opts = opts, .max_size = max_size };

	return new_session(&c);
}

static size_t
feed_str(struct mg_smtp_session *s, const char *in, struct mg_buf *out,
    enum mg_smtp_event *ev)
{
	return mg_smtp_session_feed(s, in, strlen(in), out, ev);
}

static void
test_greeting(void **state)
{
	struct mg_smtp_session	*s = session(0, 0);
	struct mg_buf		 out = { 0 };

	(void)state;
	mg_smtp_session_greet(s, &out);
	assert_string_equal(out.s, "220 mx.test ESMTP matchguard\r\n");
	assert_string_equal(mg_smtp_session_state(s), "greeting");
	mg_buf_free(&out);
	mg_smtp_session_free(s);
	mg_smtp_session_free(NULL);
}

static void
test_ehlo_keywords(void **state)
{
	struct mg_smtp_session	*s;
	struct mg_buf		 out = { 0 };
	enum mg_smtp_event	 ev;

	(void)state;
	s = session(0, 50);
	feed_str(s, "EHLO c\r\n", &out, &ev);
	assert_string_equal(out.s, "250-mx.test\r\n250-PIPELINING\r\n"
	    "250-SIZE 50\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n"
	    "250 ENHANCEDSTATUSCODES\r\n");
	mg_smtp_session_free(s);
	mg_buf_free(&out);

	s = session(O_TLS | O_AUTH, 0);
	feed_str(s, "EHLO c\r\n", &out, &ev);
	assert_non_null(strstr(out.s, "250-SIZE 10240000\r\n"));
	assert_non_null(strstr(out.s, "250-STARTTLS\r\n"));
	assert_non_null(strstr(out.s, "\r\n250 AUTH PLAIN LOGIN\r\n"));
	mg_buf_free(&out);
	/* The pipelined rest is consumed, so smtp_server.c cannot pass it
	 * on. */
	assert_int_equal(feed_str(s, "STARTTLS\r\nMAIL FROM:<x@y>\r\n", &out,
	    &ev), strlen("STARTTLS\r\nMAIL FROM:<x@y>\r\n"));
	assert_int_equal(ev, MG_SMTP_EV_STARTTLS);
	assert_string_equal(out.s, "220 2.0.0 Ready to start TLS\r\n");
	mg_buf_free(&out);
	/* Before the handshake, input is dropped. */
	assert_int_equal(feed_str(s, "EHLO c\r\n", &out, &ev), 8);
	assert_null(out.s);
	mg_smtp_session_tls_started(s);
	assert_string_equal(mg_smtp_session_state(s), "greeting");
	feed_str(s, "EHLO c\r\n", &out, &ev);
	assert_null(strstr(out.s, "STARTTLS"));
	assert_non_null(strstr(out.s, "250 AUTH PLAIN LOGIN\r\n"));
	mg_smtp_session_free(s);
	mg_buf_free(&out);

	s = session(O_TLS | O_TLS_ACTIVE, 0);
	feed_str(s, "HELO c\r\n", &out, &ev);
	assert_string_equal(out.s, "250 mx.test\r\n");
	mg_smtp_session_free(s);
	mg_buf_free(&out);
}

/* The phase follows the transaction, and its name is the state name:
 * serve picks data_timeout by the phase. */
static void
test_phase(void **state)
{
	static const struct {
		const char		*in;
		enum mg_smtp_phase	 phase;
		const char		*name;
	} steps[] = {
		{ "", MG_SMTP_PHASE_GREETING, "greeting" },
		{ "EHLO x\r\n", MG_SMTP_PHASE_READY, "ready" },
		{ "MAIL FROM:<a@b.c>\r\n", MG_SMTP_PHASE_MAIL, "mail" },
		{ "RCPT TO:<d@e.f>\r\n", MG_SMTP_PHASE_RCPT, "rcpt" },
		{ "DATA\r\n", MG_SMTP_PHASE_DATA, "data" },
		{ "hi\r\n", MG_SMTP_PHASE_DATA, "data" },
		{ ".\r\n", MG_SMTP_PHASE_MESSAGE, "message" },
	};
	struct mg_smtp_session	*s = session(0, 0);
	struct mg_buf		 out = { 0 };
	enum mg_smtp_event	 ev;

	(void)state;
	for (size_t i = 0; i < sizeof(steps) / sizeof(*steps); i++) {
		feed_str(s, steps[i].in, &out, &ev);
		assert_int_equal(mg_smtp_session_phase(s), steps[i].phase);
		assert_string_equal(mg_smtp_session_state(s), steps[i].name);
	}
	mg_smtp_session_reply(s, 250, "2.0.0", "ok", &out);
	assert_int_equal(mg_smtp_session_phase(s), MG_SMTP_PHASE_READY);
	feed_str(s, "QUIT\r\n", &out, &ev);
	assert_int_equal(mg_smtp_session_phase(s), MG_SMTP_PHASE_CLOSED);
	assert_string_equal(mg_smtp_session_state(s), "closed");
	mg_buf_free(&out);
	mg_smtp_session_free(s);
}

/* Input after the dot waits for the caller's reply. */
static void
test_message_event_stops(void **state)
{
	static const char	 in[] = TX "hi\r\n.\r\nQUIT\r\n";
	struct mg_smtp_session	*s = session(0, 0);
	struct mg_buf		 out = { 0 };
	enum mg_smtp_event	 ev;
	const char		*from, *data;
	const struct mg_strlist	*rcpts;
	size_t			 n, len;

	(void)state;
	mg_smtp_session_message(s, &from, &rcpts, &data, &len);
	assert_null(from);
	assert_null(data);
	assert_int_equal(len, 0);
	n = feed_str(s, in, &out, &ev);
	assert_int_equal(ev, MG_SMTP_EV_MESSAGE);
	assert_int_equal(n, strlen(in) - strlen("QUIT\r\n"));
	assert_string_equal(mg_smtp_session_state(s), "message");
	mg_smtp_session_message(s, &from, &rcpts, &data, &len);
	assert_string_equal(from, "a@b.c");
	assert_int_equal(rcpts->n, 1);
	assert_string_equal(rcpts->v[0], "d@e.f");
	assert_int_equal(len, 4);
	assert_memory_equal(data, "hi\r\n", 5);	/* NUL-terminated too */
	assert_int_equal(feed_str(s, "QUIT\r\n", &out, &ev), 0);
	assert_int_equal(ev, MG_SMTP_EV_NONE);
	mg_buf_free(&out);
	/* A line feed starts the next line of a multi-line reply; a CR is
	 * never sent bare. */
	mg_smtp_session_reply(s, 451, "4.4.1", "Upstream\r\nbusy", &out);
	assert_string_equal(out.s, "451-4.4.1 Upstream?\r\n451 4.4.1 busy\r\n");
	mg_buf_free(&out);
	mg_smtp_session_reply(s, 250, "2.0.0", "twice", &out);
	assert_null(out.s);
	assert_int_equal(feed_str(s, "QUIT\r\nNOOP\r\n", &out, &ev), 12);
	assert_int_equal(ev, MG_SMTP_EV_CLOSE);
	assert_string_equal(out.s, "221 2.0.0 Bye\r\n");
	mg_buf_free(&out);
	mg_smtp_session_free(s);
}

static void
test_reply_codes_sanitised(void **state)
{
	struct mg_smtp_session	*s = session(0, 0);
	struct mg_buf		 out = { 0 };
	enum mg_smtp_event	 ev;

	(void)state;
	feed_str(s, TX ".\r\n", &out, &ev);
	assert_int_equal(ev, MG_SMTP_EV_MESSAGE);
	mg_buf_free(&out);
	mg_smtp_session_reply(s, 354, "2.0.0", "no", &out);
	assert_string_equal(out.s, "451 4.3.0 no\r\n");
	mg_buf_free(&out);
	feed_str(s, "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n.\r\n", &out,
	    &ev);
	mg_buf_free(&out);
	mg_smtp_session_reply(s, 550, "5.7.1\r\nX", NULL, &out);
	assert_string_equal(out.s, "550 5.0.0 \r\n");
	mg_buf_free(&out);
	feed_str(s, "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n.\r\n", &out,
	    &ev);
	mg_buf_free(&out);
	mg_smtp_session_reply(s, 451, "2.0.0", "class", &out);
	assert_string_equal(out.s, "451 4.0.0 class\r\n");
	mg_buf_free(&out);
	mg_smtp_session_free(s);
}

static void
test_abort(void **state)
{
	struct mg_smtp_session	*s = session(0, 0);
	struct mg_buf		 out = { 0 };
	enum mg_smtp_event	 ev;

	(void)state;
	assert_int_equal(mg_smtp_session_closed_by(s), MG_SMTP_CLOSE_NONE);
	feed_str(s, TX "partial", &out, &ev);
	mg_buf_free(&out);
	mg_smtp_session_abort(s, "Timeout\r\n", &out);
	assert_string_equal(out.s, "421 4.4.2 mx.test Timeout??\r\n");
	assert_string_equal(mg_smtp_session_state(s), "closed");
	assert_int_equal(mg_smtp_session_closed_by(s), MG_SMTP_CLOSE_ABORT);
	assert_string_equal(mg_smtp_close_reason(MG_SMTP_CLOSE_ABORT),
	    "timeout or shutdown");
	mg_buf_free(&out);
	assert_int_equal(feed_str(s, "\r\n.\r\nNOOP\r\n", &out, &ev), 11);
	assert_int_equal(ev, MG_SMTP_EV_NONE);
	assert_null(out.s);
	mg_smtp_session_abort(s, "again", &out);
	assert_null(out.s);
	mg_smtp_session_free(s);
}

/* A message far over the limit is counted, not kept. */
static void
test_oversized_not_buffered(void **state)
{
	struct mg_smtp_session	*s = session(0, 1000);
	struct mg_buf		 out = { 0 };
	enum mg_smtp_event	 ev;
	char			 line[100];

	(void)state;
	feed_str(s, TX, &out, &ev);
	memset(line, 'x', sizeof(line) - 3);
	strcpy(line + sizeof(line) - 3, "\r\n");
	for (int i = 0; i < 100000; i++)
		assert_int_equal(feed_str(s, line, &out, &ev), 99);
	mg_buf_free(&out);
	feed_str(s, ".\r\n", &out, &ev);
	assert_int_equal(ev, MG_SMTP_EV_NONE);
	assert_string_equal(out.s,
	    "552 5.3.4 Message size exceeds fixed limit\r\n");
	assert_string_equal(mg_smtp_session_state(s), "ready");
	mg_buf_free(&out);
	mg_smtp_session_free(s);
}

/*
 * Robustness: random input never crashes and always gets well-formed
 * replies.
 */

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static unsigned fuzz_messages, fuzz_tls, fuzz_auth;

static uint32_t
rng(void)
{
	/* xorshift64*: fixed seed, same run every time. */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 32);
}

static const char *const fuzz_tokens[] = {
	"EHLO c\r\n", "HELO c\n", "MAIL FROM:<a@b>\r\n", "MAIL FROM:<>",
	" SIZE=10", " BODY=8BITMIME", " SMTPUTF8", "RCPT TO:<c@d>\r\n",
	"DATA\r\n", ".\r\n", "\r\n.\r\n", "..", ".", "\r\n", "\n", "\r", "\0", "RSET\r\n",
	"NOOP\r\n", "QUIT\r\n", "STARTTLS\r\n", "AUTH PLAIN", " ",
	"AUTH LOGIN\r\n", PLAIN_GOOD, B64_ALICE "\r\n", "*\r\n", "=",
	"VRFY x\r\n", "HELP\r\n", "<", ">", "@", "\xc3\xa9", "\x7f"
};

/* Half the inputs start with a valid transaction, so that the random
 * part lands in DATA, AUTH and the later states too. */
static const char fuzz_prefix[] = "EHLO c\r\nAUTH PLAIN " PLAIN_GOOD "\r\n"
    "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n";

static void
fuzz_input(char *buf, size_t *len, size_t cap)
{
	size_t	 n = 0, want = rng() % cap;

	if (rng() % 2) {
		n = rng() % 2 ? sizeof(fuzz_prefix) - 1 :
		    rng() % sizeof(fuzz_prefix);
		memcpy(buf, fuzz_prefix, n);
		want += n;
	}

	while (n < want && n < cap) {
		const char	*t;
		size_t		 tl;

		if (rng() % 6 == 0) {
			buf[n++] = (char)(rng() & 0xff);
			continue;
		}
		t = fuzz_tokens[rng() % (sizeof(fuzz_tokens) /
		    sizeof(*fuzz_tokens))];
		tl = *t == '\0' ? 1 : strlen(t);
		if (n + tl > cap || n + tl > want + 20)
			break;
		memcpy(buf + n, t, tl);
		n += tl;
	}
	*len = n;
}

/* Every line: three digits, then ' ' or '-' or the end, then CRLF. */
static void
check_wellformed(const struct mg_buf *out)
{
	const char	*p = out->s, *end = out->s + out->len;

	while (p < end) {
		const char	*lf = memchr(p, '\n', (size_t)(end - p));

		assert_non_null(lf);
		assert_true(lf - p >= 5 && lf[-1] == '\r');
		assert_null(memchr(p, '\r', (size_t)(lf - 1 - p)));
		assert_true(p[0] >= '2' && p[0] <= '5');
		assert_true(p[1] >= '0' && p[1] <= '9');
		assert_true(p[2] >= '0' && p[2] <= '9');
		assert_true(p[3] == ' ' || p[3] == '-');
		p = lf + 1;
	}
}

static void
fuzz_one(char *buf, size_t cap)
{
	struct tcase		 c = { .opts = (int)(rng() & 15),
				    .max_size = rng() % 400, .max_rcpts = 3 };
	struct mg_smtp_session	*s;
	struct mg_buf		 out = { 0 };
	enum mg_smtp_event	 ev;
	size_t			 len, off = 0, n, step;

	/* Half with the default limit of errors; the others get deep. */
	c.max_bad = rng() % 2 ? 0 : 1000;
	s = new_session(&c);

	fuzz_input(buf, &len, cap);
	while (off < len) {
		step = 1 + rng() % (len - off);
		n = mg_smtp_session_feed(s, buf + off, step, &out, &ev);
		assert_true(n <= step);
		off += n;
		if (ev == MG_SMTP_EV_MESSAGE) {
			const char	*data;
			size_t		 dl;

			fuzz_messages++;
			mg_smtp_session_message(s, NULL, NULL, &data, &dl);
			assert_non_null(data);
			assert_true(dl <= (c.max_size ? c.max_size :
			    MG_SMTP_DEFAULT_MESSAGE_SIZE));
			mg_smtp_session_reply(s, 200 + (int)(rng() % 400),
			    NULL, "r", &out);
		} else if (ev == MG_SMTP_EV_STARTTLS && rng() % 2) {
			fuzz_tls++;
			mg_smtp_session_tls_started(s);
		}
		else if (ev == MG_SMTP_EV_NONE)
			assert_true(n > 0);
	}
	if (rng() % 4 == 0)
		mg_smtp_session_abort(s, "bye", &out);
	assert_false(out.failed);
	check_wellformed(&out);
	if (out.s != NULL && strstr(out.s, "\n235 ") != NULL)
		fuzz_auth++;
	assert_non_null(mg_smtp_session_state(s));
	mg_buf_free(&out);
	mg_smtp_session_free(s);
}

static void
test_random_bytes(void **state)
{
	static char	 buf[2048];

	(void)state;
	for (int i = 0; i < 20000; i++)
		fuzz_one(buf, i % 10 == 0 ? sizeof(buf) : 300);
	/* The tokens must drive it deep, not just into 502s. */
	print_message("random: %u messages, %u handshakes, %u logins\n",
	    fuzz_messages, fuzz_tls, fuzz_auth);
	assert_true(fuzz_messages > 1000);
	assert_true(fuzz_tls > 100);
	assert_true(fuzz_auth > 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_greeting),
		cmocka_unit_test(test_ehlo_keywords),
		cmocka_unit_test(test_every_command_in_every_state),
		cmocka_unit_test(test_sessions),
		cmocka_unit_test(test_http),
		cmocka_unit_test(test_bad_commands),
		cmocka_unit_test(test_data),
		cmocka_unit_test(test_mail_rcpt),
		cmocka_unit_test(test_address_length),
		cmocka_unit_test(test_command_line_length),
		cmocka_unit_test(test_data_line_length),
		cmocka_unit_test(test_nul),
		cmocka_unit_test(test_auth),
		cmocka_unit_test(test_auth_failed_event),
		cmocka_unit_test(test_starttls),
		cmocka_unit_test(test_phase),
		cmocka_unit_test(test_message_event_stops),
		cmocka_unit_test(test_reply_codes_sanitised),
		cmocka_unit_test(test_abort),
		cmocka_unit_test(test_oversized_not_buffered),
		cmocka_unit_test(test_random_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
