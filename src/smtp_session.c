/*
 * smtp_session.c - one SMTP server session (RFC 5321, ESMTP) as a pure
 * state machine: bytes in, replies out.
 *
 * Extensions: PIPELINING (RFC 2920), SIZE (1870), 8BITMIME (6152),
 * ENHANCEDSTATUSCODES (2034/3463), SMTPUTF8 (6531), STARTTLS (3207) and
 * AUTH PLAIN/LOGIN (4954).
 *
 * Each command is checked (syntax, sequence, permission) before it
 * proceeds; every state change goes through smtp_enter_state().  During
 * DATA an error is remembered and answered once, at the final dot.
 *
 * What we tolerate from real clients (STYLE item 15: say so):
 *   - a bare LF ends a line, in commands and in DATA; the message keeps
 *     its bytes as received (bare LFs are passed on as bare LFs), and the
 *     final dot is ".\r\n" or ".\n" after any line end;
 *   - a bare CR is data;
 *   - "MAIL FROM:a@b" without angle brackets, and spaces after the colon,
 *     like Postfix; the address then ends at the first space;
 *   - ESMTP parameters after HELO; trailing blanks on a command line;
 *   - RCPT TO:<postmaster> without a domain (RFC 5321 4.5.1 requires it);
 *   - MAIL's AUTH= parameter (RFC 4954 section 5), ignored.
 * What we refuse: a NUL in a command line (500); CR or other control
 * characters, or more than 254 octets, in an address (501); non-ASCII
 * addresses without SMTPUTF8 (553 5.6.7).  A line of HTTP ends the
 * session (554, see smtp_session.h), and so do max_bad_commands errors
 * (421): a browser made to post to our port by a web page, or another
 * protocol's client, never gets as far as a transaction.
 */
#include "config_auto.h"

#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "matchguard/smtp_session.h"

#define SMTP_MAX_ADDR		254	/* octets without <>, RFC 5321 4.5.3.1.3 */
#define SMTP_DEFAULT_HOST	"localhost"
/* AUTH lines are at most a command line long, so is what they decode to. */
#define SMTP_AUTH_MAX		(MG_SMTP_MAX_LINE / 4 * 3 + 3)


/* Where the DATA reader is within a line, for the final dot. */
enum data_pos {
	DATA_BOL,		/* at the start of a line */
	DATA_DOT,		/* a dot at the start of a line */
	DATA_DOTCR,		/* ".\r" at the start of a line */
	DATA_MID		/* anywhere else */
};

enum data_error {
	DATA_OK,
	DATA_ERR_NUL,
	DATA_ERR_LINE,
	DATA_ERR_SIZE,
	DATA_ERR_NOMEM
};

struct mg_smtp_session {
	struct mg_smtp_limits	 lim;
	enum mg_smtp_phase		 state;
	int			 authed;
	int			 auth_locked;	/* the caller says: 454 */
	int			 auth_failed_now; /* in this line: the event */
	unsigned		 auth_failures;
	unsigned		 commands;	/* complete lines read */
	size_t			 bad;		/* unknown commands and such */
	enum mg_smtp_close	 closed_by;

	/* The command line being read; bounded, never grows. */
	char			 line[MG_SMTP_MAX_LINE];
	size_t			 linelen;
	int			 line_long;	/* discarding to the next LF */

	/* The transaction. */
	char			*from;
	struct mg_strlist	 rcpts;
	int			 smtputf8;

	/* DATA: the buffer never grows past max_message_size. */
	enum data_pos		 dpos;
	enum data_error		 derr;
	char			*data;
	size_t			 datalen;
	size_t			 datacap;
	size_t			 datasize;	/* all received, saturating */
	size_t			 dline;		/* octets of the current line */

	/* AUTH LOGIN keeps the user name between the two prompts. */
	unsigned char		 login_user[SMTP_AUTH_MAX];
	size_t			 login_userlen;
};

struct smtp_cmd {
	const char	*name;
	void		(*fn)(struct mg_smtp_session *, char *, struct mg_buf *,
			    enum mg_smtp_event *);
};

static const char *const smtp_state_names[] = {
	[MG_SMTP_PHASE_GREETING] = "greeting",
	[MG_SMTP_PHASE_READY] = "ready",
	[MG_SMTP_PHASE_MAIL] = "mail",
	[MG_SMTP_PHASE_RCPT] = "rcpt",
	[MG_SMTP_PHASE_DATA] = "data",
	[MG_SMTP_PHASE_MESSAGE] = "message",
	[MG_SMTP_PHASE_AUTH_PLAIN] = "auth-plain",
	[MG_SMTP_PHASE_AUTH_LOGIN_USER] = "auth-login-user",
	[MG_SMTP_PHASE_AUTH_LOGIN_PASS] = "auth-login-pass",
	[MG_SMTP_PHASE_STARTTLS] = "starttls",
	[MG_SMTP_PHASE_CLOSED] = "closed"
};

static const char *
smtp_strstate(enum mg_smtp_phase st)
{
	if ((size_t)st < sizeof(smtp_state_names) / sizeof(*smtp_state_names))
		return smtp_state_names[st];
	return "unknown";
}

static void
smtp_enter_state(struct mg_smtp_session *s, enum mg_smtp_phase st)
{
	/* g_debug: silent unless G_MESSAGES_DEBUG asks for it. */
	g_debug("smtp %p: %s -> %s", (void *)s, smtp_strstate(s->state),
	    smtp_strstate(st));
	s->state = st;
}

/*
 * Helpers
 */

/* Overwrites secrets in a way the compiler may not drop. */
static void
wipe(void *p, size_t n)
{
	volatile unsigned char	*v = p;

	while (n-- > 0)
		*v++ = 0;
}

/* Compares a secret in time that depends only on the length of a (what
 * the client sent), never on where the first difference is. */
static int
ct_equal(const unsigned char *a, size_t alen, const char *secret)
{
	size_t		 slen = strlen(secret);
	unsigned	 diff = alen != slen;

	for (size_t i = 0; i < alen; i++)
		diff |= a[i] ^ (unsigned char)(slen ? secret[i % slen] : 0);
	return diff == 0;
}

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Strict RFC 4648 base64 (GLib's decoder skips garbage silently, but a
 * client sending garbage must get 501).  out holds at least in/4*3. */
static int
b64_decode(const char *in, size_t inlen, unsigned char *out, size_t *outlen)
{
	size_t	 n = 0;

	if (inlen % 4 != 0)
		return -1;
	for (size_t i = 0; i < inlen; i += 4) {
		int		 v[4], pad = 0;
		uint32_t	 w = 0;

		for (int k = 0; k < 4; k++) {
			unsigned char	 c = (unsigned char)in[i + k];

			if (c == '=' && i + 4 == inlen && k >= 2) {
				v[k] = 0;
				pad++;
			} else if (pad > 0 || (v[k] = b64_value(c)) < 0)
				return -1;
			w = w << 6 | (uint32_t)v[k];
		}
		out[n++] = (unsigned char)(w >> 16);
		if (pad < 2)
			out[n++] = (unsigned char)(w >> 8);
		if (pad < 1)
			out[n++] = (unsigned char)w;
	}
	*outlen = n;
	return 0;
}

/* Appends s with control characters replaced, so a reply is one line
 * whatever the caller or the configuration put in it. */
static void
put_clean(struct mg_buf *out, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char	 c = (unsigned char)*s;

		mg_buf_add(out, c < 0x20 || c == 0x7f ? "?" : s, 1);
	}
}

/* One reply; a text of several lines ('\n' between them) becomes a
 * multi-line reply, "550-5.7.1 ..." up to the last, "550 5.7.1 ...". */
static void
reply(struct mg_buf *out, int code, const char *enh, const char *text)
{
	if (text == NULL)
		text = "";
	for (;;) {
		const char	*nl = strchr(text, '\n');
		size_t		 n = nl != NULL ? (size_t)(nl - text) :
		    strlen(text);
		char		 piece[1024];

		mg_buf_printf(out, "%03d%c", code, nl != NULL ? '-' : ' ');
		if (enh != NULL)
			mg_buf_printf(out, "%s ", enh);
		if (n >= sizeof(piece))
			n = sizeof(piece) - 1;
		memcpy(piece, text, n);
		piece[n] = '\0';
		put_clean(out, piece);
		mg_buf_add(out, "\r\n", 2);
		if (nl == NULL)
			break;
		text = nl + 1;
	}
}

static const char *
host(const struct mg_smtp_session *s)
{
	return s->lim.hostname;
}

static int
has_helo(const struct mg_smtp_session *s)
{
	return s->state != MG_SMTP_PHASE_GREETING;
}

static int
auth_offered(const struct mg_smtp_session *s)
{
	return s->lim.auth_password != NULL;
}

static void
reset_data(struct mg_smtp_session *s)
{
	free(s->data);
	s->data = NULL;
	s->datalen = s->datacap = s->datasize = s->dline = 0;
	s->derr = DATA_OK;
	s->dpos = DATA_BOL;
}

static void
reset_transaction(struct mg_smtp_session *s)
{
	free(s->from);
	s->from = NULL;
	mg_strlist_clear(&s->rcpts);
	s->smtputf8 = 0;
	reset_data(s);
}

/* The session is over: the reply queued is the last. */
static void
smtp_close(struct mg_smtp_session *s, enum mg_smtp_close why,
    enum mg_smtp_event *ev)
{
	reset_transaction(s);
	smtp_enter_state(s, MG_SMTP_PHASE_CLOSED);
	s->closed_by = why;
	if (ev != NULL)
		*ev = MG_SMTP_EV_CLOSE;
}

/* One more error that no real client makes; line_done() acts on it. */
static void
bad_command(struct mg_smtp_session *s)
{
	if (s->bad < SIZE_MAX)
		s->bad++;
}

/* Back to the state without a transaction. */
static void
end_transaction(struct mg_smtp_session *s)
{
	reset_transaction(s);
	smtp_enter_state(s, MG_SMTP_PHASE_READY);
}

/* The argument when there must be none. */
static int
no_arg(const char *arg, struct mg_buf *out)
{
	if (*arg == '\0')
		return 1;
	reply(out, 501, "5.5.4", "Syntax error: no parameters allowed");
	return 0;
}

/* Sequence checks shared by several commands. */
static int
need_helo(const struct mg_smtp_session *s, struct mg_buf *out)
{
	if (has_helo(s))
		return 1;
	reply(out, 503, "5.5.1", "Error: send EHLO/HELO first");
	return 0;
}

static int
need_no_transaction(const struct mg_smtp_session *s, struct mg_buf *out)
{
	if (s->state == MG_SMTP_PHASE_READY)
		return 1;
	reply(out, 503, "5.5.1", "Error: not allowed during a mail transaction");
	return 0;
}

/*
 * Addresses and parameters
 */

struct path {
	const char	*addr;		/* without <> and source route */
	size_t		 len;
	char		*params;	/* after the path, blanks skipped */
	int		 non_ascii;
};

/* Scans past an optional source route "@a,@b:" (RFC 5321 4.1.2: accept,
 * ignore). */
static const char *
skip_route(const char *p)
{
	const char	*colon;

	if (*p != '@')
		return p;
	if ((colon = strchr(p, ':')) == NULL || memchr(p, '>', colon - p))
		return NULL;
	return colon + 1;
}

/* Checks one address octet by octet: quoted local parts may hold blanks
 * and '@', nothing may hold a control character (header injection). */
static int
check_addr(struct path *pa)
{
	int	 quoted = 0, esc = 0;
	size_t	 at = SIZE_MAX;

	if (pa->len > SMTP_MAX_ADDR)
		return -1;
	for (size_t i = 0; i < pa->len; i++) {
		unsigned char	 c = (unsigned char)pa->addr[i];

		if (c < 0x20 || c == 0x7f)
			return -1;
		if (c >= 0x80)
			pa->non_ascii = 1;
		if (esc)
			esc = 0;
		else if (quoted && c == '\\')
			esc = 1;
		else if (c == '"')
			quoted = !quoted;
		else if (!quoted && (c == ' ' || c == '<' || c == '>'))
			return -1;
		else if (!quoted && c == '@')
			at = i;
	}
	if (quoted || esc)
		return -1;
	if (at == SIZE_MAX || at == 0 || at + 1 == pa->len)
		return -1;
	return 0;
}

/* Splits "<addr> params" (or, leniently, "addr params"). */
static int
parse_path(char *p, struct path *pa)
{
	char	*end;

	memset(pa, 0, sizeof(*pa));
	while (*p == ' ')
		p++;
	if (*p == '<') {
		int	 quoted = 0, esc = 0;

		if ((p = (char *)skip_route(p + 1)) == NULL)
			return -1;
		for (end = p; *end != '\0'; end++) {
			if (esc)
				esc = 0;
			else if (quoted && *end == '\\')
				esc = 1;
			else if (*end == '"')
				quoted = !quoted;
			else if (!quoted && *end == '>')
				break;
		}
		if (*end != '>')
			return -1;
		pa->addr = p;
		pa->len = (size_t)(end - p);
		end++;
		if (*end != '\0' && *end != ' ')
			return -1;
	} else {
		end = p + strcspn(p, " ");
		if (end == p)
			return -1;
		pa->addr = p;
		pa->len = (size_t)(end - p);
	}
	while (*end == ' ')
		end++;
	pa->params = end;
	return 0;
}

/* Next "KEY[=VALUE]" of a parameter list; NULL at the end. */
static char *
next_param(char **pp, char **value)
{
	char	*p = *pp, *k, *eq;

	while (*p == ' ')
		p++;
	if (*p == '\0')
		return NULL;
	k = p;
	p += strcspn(p, " ");
	if (*p != '\0')
		*p++ = '\0';
	*pp = p;
	if ((eq = strchr(k, '=')) != NULL) {
		*eq = '\0';
		*value = eq + 1;
	} else
		*value = NULL;
	return k;
}

static int
parse_size(const char *v, size_t *size)
{
	size_t	 n = 0;

	if (v == NULL || *v == '\0')
		return -1;
	for (; *v != '\0'; v++) {
		if (!isdigit((unsigned char)*v))
			return -1;
		/* A huge SIZE is still a number: saturate, then 552. */
		if (n > (SIZE_MAX - 9) / 10)
			n = SIZE_MAX;
		else
			n = n * 10 + (size_t)(*v - '0');
	}
	*size = n;
	return 0;
}

/* MAIL parameters: 0, or -1 with the reply written. */
static int
mail_params(struct mg_smtp_session *s, char *p, int *utf8, struct mg_buf *out)
{
	char	*k, *v;
	size_t	 size;

	while ((k = next_param(&p, &v)) != NULL) {
		if (strcasecmp(k, "SIZE") == 0) {
			if (parse_size(v, &size) == -1) {
				reply(out, 501, "5.5.4", "Bad SIZE parameter");
				return -1;
			}
			if (size > s->lim.max_message_size) {
				reply(out, 552, "5.3.4",
				    "Message size exceeds fixed limit");
				return -1;
			}
		} else if (strcasecmp(k, "BODY") == 0) {
			if (v == NULL || (strcasecmp(v, "8BITMIME") != 0 &&
			    strcasecmp(v, "7BIT") != 0)) {
				reply(out, 501, "5.5.4", "Bad BODY parameter");
				return -1;
			}
		} else if (strcasecmp(k, "SMTPUTF8") == 0 && v == NULL)
			*utf8 = 1;
		else if (strcasecmp(k, "AUTH") == 0 && v != NULL &&
		    auth_offered(s))
			continue;
		else {
			reply(out, 555, "5.5.4", "Unsupported parameter");
			return -1;
		}
	}
	return 0;
}

/* Checks the path of MAIL or RCPT; enh is the "bad address" code. */
static int
check_path(struct mg_smtp_session *s, struct path *pa, int utf8,
    const char *enh, struct mg_buf *out)
{
	if (check_addr(pa) == -1) {
		reply(out, 501, enh, "Bad address syntax");
		return -1;
	}
	if (pa->non_ascii && !utf8 && !s->smtputf8) {
		reply(out, 553, "5.6.7",
		    "Non-ASCII address needs the SMTPUTF8 parameter");
		return -1;
	}
	return 0;
}

/* "FROM:" or "TO:" at the start of the argument. */
static char *
after_keyword(char *arg, const char *kw)
{
	size_t	 n = strlen(kw);

	if (strncasecmp(arg, kw, n) != 0)
		return NULL;
	return arg + n;
}

/*
 * Commands: each checks, then proceeds.
 */

static void
ehlo_lines(const struct mg_smtp_session *s, struct mg_buf *out)
{
	const char	*ext[8];
	size_t		 n = 0;
	char		 size[32];

	snprintf(size, sizeof(size), "SIZE %zu", s->lim.max_message_size);
	ext[n++] = "PIPELINING";
	ext[n++] = size;
	ext[n++] = "8BITMIME";
	ext[n++] = "SMTPUTF8";
	ext[n++] = "ENHANCEDSTATUSCODES";
	if (s->lim.tls_available && !s->lim.tls_active)
		ext[n++] = "STARTTLS";
	if (auth_offered(s))
		ext[n++] = "AUTH PLAIN LOGIN";
	mg_buf_puts(out, "250-");
	put_clean(out, host(s));
	mg_buf_add(out, "\r\n", 2);
	for (size_t i = 0; i < n; i++)
		mg_buf_printf(out, "250%c%s\r\n", i + 1 == n ? ' ' : '-',
		    ext[i]);
}

static void
cmd_helo_common(struct mg_smtp_session *s, char *arg, struct mg_buf *out,
    int ehlo)
{
	if (*arg == '\0') {
		reply(out, 501, "5.5.4", "Syntax: EHLO/HELO hostname");
		return;
	}
	/* RFC 5321 4.1.4: EHLO is an implicit RSET. */
	end_transaction(s);
	if (ehlo)
		ehlo_lines(s, out);
	else
		reply(out, 250, NULL, host(s));
}

static void
cmd_ehlo(struct mg_smtp_session *s, char *arg, struct mg_buf *out,
    enum mg_smtp_event *ev)
{
	(void)ev;
	cmd_helo_common(s, arg, out, 1);
}

static void
cmd_helo(struct mg_smtp_session *s, char *arg, struct mg_buf *out,
    enum mg_smtp_event *ev)
{
	(void)ev;
	cmd_helo_common(s, arg, out, 0);
}

static int
check_mail(struct mg_smtp_session *s, char *arg, struct path *pa, int *utf8,
    struct mg_buf *out)
{
	char	*p;

	if (!need_helo(s, out))
		return -1;
	if (s->state != MG_SMTP_PHASE_READY) {
		reply(out, 503, "5.5.1", "Error: nested MAIL command");
		return -1;
	}
	if (auth_offered(s) && !s->authed) {
		reply(out, 530, "5.7.0", "Authentication required");
		return -1;
	}
	if ((p = after_keyword(arg, "FROM:")) == NULL ||
	    parse_path(p, pa) == -1) {
		reply(out, 501, "5.5.4", "Syntax: MAIL FROM:<address>");
		return -1;
	}
	if (mail_params(s, pa->params, utf8, out) == -1)
		return -1;
	if (pa->len == 0)	/* the null reverse-path <> */
		return 0;
	return check_path(s, pa, *utf8, "5.1.7", out);
}

static void
cmd_mail(struct mg_smtp_session *s, char *arg, struct mg_buf *out,
    enum mg_smtp_event *ev)
{
	struct path	 pa;
	int		 utf8 = 0;

	(void)ev;
	if (check_mail(s, arg, &pa, &utf8, out) == -1)
		return;
	if ((s->from = mg_strndup(pa.addr, pa.len)) == NULL) {
		reply(out, 452, "4.3.1", "Insufficient system storage");
		return;
	}
	s->smtputf8 = utf8;
	smtp_enter_state(s, MG_SMTP_PHASE_MAIL);
	reply(out, 250, "2.1.0", "Sender OK");
}

static int
is_postmaster(const struct path *pa)
{
	return pa->len == 10 && strncasecmp(pa->addr, "postmaster", 10) == 0;
}

static int
check_rcpt(struct mg_smtp_session *s, char *arg, struct path *pa,
    struct mg_buf *out)
{
	char	*p;

	if (s->state != MG_SMTP_PHASE_MAIL && s->state != MG_SMTP_PHASE_RCPT) {
		reply(out, 503, "5.5.1", "Error: need MAIL command");
		return -1;
	}
	if ((p = after_keyword(arg, "TO:")) == NULL ||
	    parse_path(p, pa) == -1) {
		reply(out, 501, "5.5.4", "Syntax: RCPT TO:<address>");
		return -1;
	}
	if (*pa->params != '\0') {
		reply(out, 555, "5.5.4", "Unsupported parameter");
		return -1;
	}
	if (!is_postmaster(pa) && check_path(s, pa, 0, "5.1.3", out) == -1)
		return -1;
	if (s->rcpts.n >= s->lim.max_rcpts) {
		reply(out, 452, "4.5.3", "Too many recipients");
		return -1;
	}
	return 0;
}

static void
cmd_rcpt(struct mg_smtp_session *s, char *arg, struct mg_buf *out,
    enum mg_smtp_event *ev)
{
	struct path	 pa;

	(void)ev;
	if (check_rcpt(s, arg, &pa, out) == -1)
		return;
	if (mg_strlist_addn(&s->rcpts, pa.addr, pa.len) == -1) {
		reply(out, 452, "4.3.1", "Insufficient system storage");
		return;
	}
	smtp_enter_state(s, MG_SMTP_PHASE_RCPT);
	reply(out, 250, "2.1.5", "Recipient OK");
}

static void
cmd_data(struct mg_smtp_session *s, char *arg, struct mg_buf *out,
    enum mg_smtp_event *ev)
{
	(void)ev;
	if (s->state == MG_SMTP_PHASE_MAIL) {
		reply(out, 503, "5.5.1", "Error: need RCPT command");
		return;
	}
	if (s->state != MG_SMTP_PHASE_RCPT) {
		reply(out, 503, "5.5.1", "Error: need MAIL command");
		return;
	}
	if (!no_arg(arg, out))
		return;
	reset_data(s);
	smtp_enter_state(s, MG_SMTP_PHASE_DATA);
	/* No enhanced code on 354 (RFC 2034: only 2xx, 4xx, 5xx). */
	reply(out, 354, NULL, "End data with <CR><LF>.<CR><LF>");
}

static void
cmd_rset(struct mg_smtp_session *s, char *arg, struct mg_buf *out,
    enum mg_smtp_event *ev)
{
	(void)ev;
	if (!no_arg(arg, out))
		return;
	if (has_helo(s))
		end_transaction(s);
	reply(out, 250, "2.0.0", "OK");
}

static void
cmd_noop(struct mg_smtp_session *s, char *arg, struct mg_buf *out,
    enum mg_smtp_event *ev)
{
	(void)s;
	(void)arg;
	(void)ev;
	reply(out, 250, "2.0.0", "OK");
}

static void
cmd_quit(struct mg_smtp_session *s, char *arg, struct mg_buf *out,
    enum mg_smtp_event *ev)
{
	(void)arg;
	smtp_close(s, MG_SMTP_CLOSE_QUIT, ev);
	reply(out, 221, "2.0.0", "Bye");
}

static void
cmd_vrfy(struct mg_smtp_session *s, char *arg, struct mg_buf *out,
    enum mg_smtp_event *ev)
{
	(void)s;
	(void)ev;
	if (*arg == '\0') {
		reply(out, 501, "5.5.4", "Syntax: VRFY address");
		return;
	}
	reply(out, 252, "2.1.5",
	    "Cannot VRFY user, but will accept message and attempt delivery");
}

static void
cmd_help(struct mg_smtp_session *s, char *arg, struct mg_buf *out,
    enum mg_smtp_event *ev)
{
	(void)s;
	(void)arg;
	(void)ev;
	reply(out, 214, "2.0.0", "Commands: EHLO HELO MAIL RCPT DATA RSET "
	    "NOOP QUIT VRFY HELP STARTTLS AUTH");
}

static void
cmd_starttls(struct mg_smtp_session *s, char *arg, struct mg_buf *out,
    enum mg_smtp_event *ev)
{
	if (s->lim.tls_active) {
		reply(out, 503, "5.5.1", "Error: TLS already active");
		return;
	}
	if (!s->lim.tls_available) {
		reply(out, 502, "5.5.1", "Error: STARTTLS is not offered here "
		    "(no smtp.tls_cert is set)");
		return;
	}
	if (!no_arg(arg, out) || !need_helo(s, out))
		return;
	reset_transaction(s);
	smtp_enter_state(s, MG_SMTP_PHASE_STARTTLS);
	reply(out, 220, "2.0.0", "Ready to start TLS");
	*ev = MG_SMTP_EV_STARTTLS;
}

/*
 * AUTH (RFC 4954)
 */

static void
auth_done(struct mg_smtp_session *s, int ok, struct mg_buf *out)
{
	wipe(s->login_user, sizeof(s->login_user));
	s->login_userlen = 0;
	smtp_enter_state(s, MG_SMTP_PHASE_READY);
	if (ok) {
		s->authed = 1;
		reply(out, 235, "2.7.0", "Authentication successful");
	} else {
		bad_command(s);
		if (s->auth_failures < UINT_MAX)
			s->auth_failures++;
		s->auth_failed_now = 1;
		reply(out, 535, "5.7.8", "Authentication credentials invalid");
	}
}

/* The caller refuses logins for now (too many failures on this computer):
 * the password is not even looked at. */
static int
auth_refused(struct mg_smtp_session *s, struct mg_buf *out)
{
	if (!s->auth_locked)
		return 0;
	wipe(s->login_user, sizeof(s->login_user));
	s->login_userlen = 0;
	smtp_enter_state(s, MG_SMTP_PHASE_READY);
	reply(out, 454, "4.7.0", "Too many failed logins on this computer: "
	    "try again in a few minutes");
	return 1;
}

/* A response that is no answer: cancelled, or garbage or too long (bad,
 * which counts towards max_bad_commands). */
static void
auth_fail(struct mg_smtp_session *s, int bad, const char *enh,
    const char *why, struct mg_buf *out)
{
	if (bad)
		bad_command(s);
	wipe(s->login_user, sizeof(s->login_user));
	s->login_userlen = 0;
	smtp_enter_state(s, MG_SMTP_PHASE_READY);
	reply(out, 501, enh, why);
}

/* Both compared every time, so timing does not tell which was wrong. */
static int
auth_check(const struct mg_smtp_session *s, const unsigned char *user,
    size_t ulen, const unsigned char *pass, size_t plen)
{
	int	 uok = 1, pok;

	if (s->lim.auth_user != NULL)
		uok = ct_equal(user, ulen, s->lim.auth_user);
	pok = ct_equal(pass, plen, s->lim.auth_password);
	return uok & pok;
}

/* "authzid NUL authcid NUL passwd"; an authzid must name the user. */
static void
auth_plain(struct mg_smtp_session *s, const unsigned char *d, size_t n,
    struct mg_buf *out)
{
	const unsigned char	*nul1, *nul2, *user, *pass;
	size_t			 zlen, ulen, plen;

	if ((nul1 = memchr(d, 0, n)) == NULL ||
	    (nul2 = memchr(nul1 + 1, 0, n - (size_t)(nul1 + 1 - d))) == NULL ||
	    memchr(nul2 + 1, 0, n - (size_t)(nul2 + 1 - d)) != NULL) {
		auth_fail(s, 1, "5.5.2", "Malformed PLAIN response", out);
		return;
	}
	zlen = (size_t)(nul1 - d);
	user = nul1 + 1;
	ulen = (size_t)(nul2 - user);
	pass = nul2 + 1;
	plen = n - (size_t)(pass - d);
	if (zlen != 0 && (zlen != ulen || memcmp(d, user, zlen) != 0)) {
		auth_done(s, 0, out);
		return;
	}
	auth_done(s, auth_check(s, user, ulen, pass, plen), out);
}

/* One client response (or initial response): cancelled, garbage, or
 * decoded into buf.  Returns 0 when decoded. */
static int
auth_decode(struct mg_smtp_session *s, const char *line, size_t len,
    unsigned char *buf, size_t *n, struct mg_buf *out)
{
	if (len == 1 && line[0] == '*') {
		auth_fail(s, 0, "5.7.0", "Authentication cancelled", out);
		return -1;
	}
	if (len == 1 && line[0] == '=') {	/* empty initial response */
		*n = 0;
		return 0;
	}
	if (len / 4 * 3 > SMTP_AUTH_MAX ||
	    b64_decode(line, len, buf, n) == -1) {
		auth_fail(s, 1, "5.5.2", "Invalid base64 data", out);
		return -1;
	}
	return 0;
}

/* A line read in one of the AUTH states. */
static void
auth_response(struct mg_smtp_session *s, const char *line, size_t len,
    struct mg_buf *out)
{
	unsigned char	 buf[SMTP_AUTH_MAX];
	size_t		 n;

	if (auth_decode(s, line, len, buf, &n, out) == -1)
		return;
	if (s->state != MG_SMTP_PHASE_AUTH_LOGIN_USER && auth_refused(s, out)) {
		wipe(buf, sizeof(buf));
		return;
	}
	switch (s->state) {
	case MG_SMTP_PHASE_AUTH_PLAIN:
		auth_plain(s, buf, n, out);
		break;
	case MG_SMTP_PHASE_AUTH_LOGIN_USER:
		memcpy(s->login_user, buf, n);
		s->login_userlen = n;
		smtp_enter_state(s, MG_SMTP_PHASE_AUTH_LOGIN_PASS);
		reply(out, 334, NULL, "UGFzc3dvcmQ6");	/* "Password:" */
		break;
	default:
		auth_done(s, auth_check(s, s->login_user, s->login_userlen,
		    buf, n), out);
		break;
	}
	wipe(buf, sizeof(buf));
}

static int
check_auth(struct mg_smtp_session *s, struct mg_buf *out)
{
	if (!auth_offered(s)) {
		reply(out, 502, "5.5.1", "Error: AUTH is not offered here "
		    "(no smtp.local_password is set)");
		return -1;
	}
	if (!need_helo(s, out))
		return -1;
	if (s->authed) {
		reply(out, 503, "5.5.1", "Error: already authenticated");
		return -1;
	}
	if (!need_no_transaction(s, out))
		return -1;
	return 0;
}

static void
cmd_auth(struct mg_smtp_session *s, char *arg, struct mg_buf *out,
    enum mg_smtp_event *ev)
{
	char		*mech = arg, *ir;
	enum mg_smtp_phase	 next;

	(void)ev;
	if (check_auth(s, out) == -1)
		return;
	ir = mech + strcspn(mech, " ");
	if (*ir != '\0')
		*ir++ = '\0';
	if (s->auth_locked) {
		reply(out, 454, "4.7.0", "Too many failed logins on this "
		    "computer: try again in a few minutes");
		return;
	}
	if (strcasecmp(mech, "PLAIN") == 0)
		next = MG_SMTP_PHASE_AUTH_PLAIN;
	else if (strcasecmp(mech, "LOGIN") == 0)
		next = MG_SMTP_PHASE_AUTH_LOGIN_USER;
	else {
		reply(out, 504, "5.5.4", "Unrecognized authentication type");
		return;
	}
	smtp_enter_state(s, next);
	if (*ir != '\0')
		auth_response(s, ir, strlen(ir), out);
	else if (next == MG_SMTP_PHASE_AUTH_PLAIN)
		reply(out, 334, NULL, "");
	else
		reply(out, 334, NULL, "VXNlcm5hbWU6");	/* "Username:" */
}

/*
 * Command lines
 */

static const struct smtp_cmd smtp_cmds[] = {
	{ "EHLO", cmd_ehlo },
	{ "HELO", cmd_helo },
	{ "MAIL", cmd_mail },
	{ "RCPT", cmd_rcpt },
	{ "DATA", cmd_data },
	{ "RSET", cmd_rset },
	{ "NOOP", cmd_noop },
	{ "QUIT", cmd_quit },
	{ "VRFY", cmd_vrfy },
	{ "HELP", cmd_help },
	{ "STARTTLS", cmd_starttls },
	{ "AUTH", cmd_auth }
};

static int
in_auth(const struct mg_smtp_session *s)
{
	return s->state == MG_SMTP_PHASE_AUTH_PLAIN ||
	    s->state == MG_SMTP_PHASE_AUTH_LOGIN_USER ||
	    s->state == MG_SMTP_PHASE_AUTH_LOGIN_PASS;
}

/* RFC 9110 5.6.2: the characters of a header field name. */
static int
is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Does the line end in " HTTP/1.1" (or /2, /1.0, /0.9...)? */
static int
ends_in_http_version(const char *line, size_t len)
{
	size_t	 i = len, d;

	for (d = 0; i > 0 && is_digit(line[i - 1]); i--)
		d++;
	if (d == 0)
		return 0;
	if (i > 0 && line[i - 1] == '.') {
		for (i--, d = 0; i > 0 && is_digit(line[i - 1]); i--)
			d++;
		if (d == 0)
			return 0;
	}
	return i >= 6 && memcmp(line + i - 6, " HTTP/", 6) == 0;
}

/* A request line of HTTP anywhere, or a header line before MAIL: no SMTP
 * verb is one of these methods, and none is followed directly by ':'. */
static int
is_http(const struct mg_smtp_session *s, const char *line, size_t len)
{
	static const char *const methods[] = { "GET", "POST", "HEAD", "PUT",
	    "DELETE", "OPTIONS", "CONNECT", "PATCH", "TRACE" };
	size_t	 w = 0;

	while (w < len && is_tchar((unsigned char)line[w]))
		w++;
	if (w > 0 && w < len && line[w] == ':' &&
	    (s->state == MG_SMTP_PHASE_GREETING || s->state == MG_SMTP_PHASE_READY))
		return 1;
	if (w < len && line[w] == ' ')
		for (size_t i = 0; i < sizeof(methods) / sizeof(*methods); i++)
			if (strlen(methods[i]) == w &&
			    strncasecmp(line, methods[i], w) == 0)
				return 1;
	return ends_in_http_version(line, len);
}

static void
command(struct mg_smtp_session *s, char *line, size_t len, struct mg_buf *out,
    enum mg_smtp_event *ev)
{
	char	*arg;

	if (memchr(line, '\0', len) != NULL) {
		bad_command(s);
		reply(out, 500, "5.5.2", "Syntax error: NUL in command line");
		return;
	}
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t'))
		line[--len] = '\0';
	if (is_http(s, line, len)) {
		reply(out, 554, "5.7.0", "This is a mail server, not a web "
		    "server: closing the connection");
		smtp_close(s, MG_SMTP_CLOSE_HTTP, ev);
		return;
	}
	arg = line + strcspn(line, " ");
	if (*arg != '\0')
		*arg++ = '\0';
	while (*arg == ' ')
		arg++;
	for (size_t i = 0; i < sizeof(smtp_cmds) / sizeof(*smtp_cmds); i++)
		if (strcasecmp(line, smtp_cmds[i].name) == 0) {
			smtp_cmds[i].fn(s, arg, out, ev);
			return;
		}
	bad_command(s);
	reply(out, 502, "5.5.1", "Error: command not recognized");
}

/* Postfix's smtpd_hard_error_limit: the error that reaches the limit is
 * answered, then the session ends. */
static void
check_bad_commands(struct mg_smtp_session *s, size_t before,
    struct mg_buf *out, enum mg_smtp_event *ev)
{
	if (s->bad == before || s->bad < s->lim.max_bad_commands ||
	    s->state == MG_SMTP_PHASE_CLOSED)
		return;
	mg_buf_puts(out, "421 4.7.0 ");
	put_clean(out, host(s));
	mg_buf_puts(out, " too many errors, closing the connection\r\n");
	smtp_close(s, MG_SMTP_CLOSE_ERRORS, ev);
}

/* A complete line (LF stripped) in a command or AUTH state. */
static void
line_done(struct mg_smtp_session *s, struct mg_buf *out,
    enum mg_smtp_event *ev)
{
	size_t	 len = s->linelen, bad = s->bad;

	if (s->commands < UINT_MAX)
		s->commands++;
	s->auth_failed_now = 0;
	if (len > 0 && s->line[len - 1] == '\r')
		len--;
	s->line[len] = '\0';
	if (s->line_long) {
		if (in_auth(s))
			auth_fail(s, 1, "5.5.2", "Line too long", out);
		else {
			bad_command(s);
			reply(out, 500, "5.5.2", "Line too long");
		}
	} else if (in_auth(s))
		auth_response(s, s->line, len, out);
	else
		command(s, s->line, len, out, ev);
	check_bad_commands(s, bad, out, ev);
	if (s->auth_failed_now && *ev == MG_SMTP_EV_NONE)
		*ev = MG_SMTP_EV_AUTH_FAILED;
	/* The line may have held a password. */
	wipe(s->line, s->linelen + 1);
	s->linelen = 0;
	s->line_long = 0;
}

/* Reads up to one line; returns the octets consumed. */
static size_t
feed_line(struct mg_smtp_session *s, const char *p, size_t n,
    struct mg_buf *out, enum mg_smtp_event *ev)
{
	const char	*lf = memchr(p, '\n', n);
	size_t		 take = lf != NULL ? (size_t)(lf - p) : n;

	/* Room for MAX_LINE - 1 octets and the LF; beyond, discard. */
	if (s->line_long || take > MG_SMTP_MAX_LINE - 1 - s->linelen)
		s->line_long = 1;
	else {
		memcpy(s->line + s->linelen, p, take);
		s->linelen += take;
	}
	if (lf == NULL)
		return n;
	line_done(s, out, ev);
	return take + 1;
}

/*
 * DATA
 */

static void
data_error(struct mg_smtp_session *s, enum data_error e)
{
	if (s->derr != DATA_OK)
		return;		/* the first error is the one answered */
	s->derr = e;
	free(s->data);
	s->data = NULL;
	s->datalen = s->datacap = 0;
}

/* Keeps the buffer within max_message_size: past it, only counts. */
static void
data_add(struct mg_smtp_session *s, const char *p, size_t n)
{
	size_t	 max = s->lim.max_message_size;

	s->datasize = n > SIZE_MAX - s->datasize ? SIZE_MAX : s->datasize + n;
	if (s->derr != DATA_OK)
		return;
	if (s->datasize > max) {
		data_error(s, DATA_ERR_SIZE);
		return;
	}
	if (s->datalen + n + 1 > s->datacap) {
		size_t	 ncap = s->datacap ? s->datacap : 4096;
		char	*nd;

		while (ncap < s->datalen + n + 1)
			ncap *= 2;
		if (ncap > max + 1)
			ncap = max + 1;
		if ((nd = realloc(s->data, ncap)) == NULL) {
			data_error(s, DATA_ERR_NOMEM);
			return;
		}
		s->data = nd;
		s->datacap = ncap;
	}
	memcpy(s->data + s->datalen, p, n);
	s->datalen += n;
	s->data[s->datalen] = '\0';
}

/* The final dot: answer a remembered error now, else hand over. */
static void
data_end(struct mg_smtp_session *s, struct mg_buf *out,
    enum mg_smtp_event *ev)
{
	switch (s->derr) {
	case DATA_OK:
		if (s->data == NULL)
			data_add(s, "", 0);
		if (s->derr == DATA_OK) {
			smtp_enter_state(s, MG_SMTP_PHASE_MESSAGE);
			*ev = MG_SMTP_EV_MESSAGE;
			return;
		}
		reply(out, 452, "4.3.1", "Insufficient system storage");
		break;
	case DATA_ERR_NUL:
		reply(out, 554, "5.6.0", "Message contains NUL characters");
		break;
	case DATA_ERR_LINE:
		reply(out, 500, "5.5.2", "Message line too long");
		break;
	case DATA_ERR_SIZE:
		reply(out, 552, "5.3.4", "Message size exceeds fixed limit");
		break;
	case DATA_ERR_NOMEM:
		reply(out, 452, "4.3.1", "Insufficient system storage");
		break;
	}
	end_transaction(s);
}

/* The rest of a line, up to and with its LF. */
static size_t
data_span(struct mg_smtp_session *s, const char *p, size_t n)
{
	const char	*lf = memchr(p, '\n', n);
	size_t		 take = lf != NULL ? (size_t)(lf - p) + 1 : n;
	const char	*nul = memchr(p, '\0', take);

	s->dline += take;
	if (nul != NULL) {
		/* What precedes the NUL counts first, so that the error
		 * answered is the first one in the data, however the bytes
		 * were cut into reads. */
		data_add(s, p, (size_t)(nul - p));
		data_error(s, DATA_ERR_NUL);
		data_add(s, nul, take - (size_t)(nul - p));
	} else
		data_add(s, p, take);
	if (lf != NULL) {
		if (s->dline > MG_SMTP_MAX_LINE)
			data_error(s, DATA_ERR_LINE);
		s->dline = 0;
		s->dpos = DATA_BOL;
	}
	return take;
}

/* Reads message data; stops after the final dot. */
static size_t
feed_data(struct mg_smtp_session *s, const char *p, size_t n,
    struct mg_buf *out, enum mg_smtp_event *ev)
{
	size_t	 i = 0;

	while (i < n) {
		char	 c = p[i];

		switch (s->dpos) {
		case DATA_BOL:
			if (c != '.') {
				s->dpos = DATA_MID;
				break;
			}
			s->dpos = DATA_DOT;
			s->dline = 1;
			i++;
			break;
		case DATA_DOT:
		case DATA_DOTCR:
			if (c == '\n') {
				data_end(s, out, ev);
				return i + 1;
			}
			if (c == '\r' && s->dpos == DATA_DOT) {
				s->dpos = DATA_DOTCR;
				s->dline++;
				i++;
				break;
			}
			/* Not the end: the leading dot was stuffing. */
			if (s->dpos == DATA_DOTCR)
				data_add(s, "\r", 1);
			s->dpos = DATA_MID;
			break;
		case DATA_MID:
			i += data_span(s, p + i, n - i);
			break;
		}
	}
	return n;
}

/*
 * The interface
 */

struct mg_smtp_session *
mg_smtp_session_new(const struct mg_smtp_limits *lim)
{
	struct mg_smtp_session	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->lim = *lim;
	if (s->lim.hostname == NULL || *s->lim.hostname == '\0')
		s->lim.hostname = SMTP_DEFAULT_HOST;
	if (s->lim.max_message_size == 0)
		s->lim.max_message_size = MG_SMTP_DEFAULT_MESSAGE_SIZE;
	/* The buffer is max + 1 octets: keep that from wrapping. */
	if (s->lim.max_message_size > SIZE_MAX / 2)
		s->lim.max_message_size = SIZE_MAX / 2;
	if (s->lim.max_rcpts == 0)
		s->lim.max_rcpts = MG_SMTP_MAX_RCPTS;
	if (s->lim.max_bad_commands == 0)
		s->lim.max_bad_commands = MG_SMTP_MAX_BAD_COMMANDS;
	s->state = MG_SMTP_PHASE_GREETING;
	return s;
}

void
mg_smtp_session_free(struct mg_smtp_session *s)
{
	if (s == NULL)
		return;
	reset_transaction(s);
	wipe(s, sizeof(*s));
	free(s);
}

void
mg_smtp_session_greet(struct mg_smtp_session *s, struct mg_buf *out)
{
	mg_buf_puts(out, "220 ");
	put_clean(out, host(s));
	mg_buf_puts(out, " ESMTP matchguard\r\n");
}

size_t
mg_smtp_session_feed(struct mg_smtp_session *s, const char *buf, size_t len,
    struct mg_buf *out, enum mg_smtp_event *ev)
{
	size_t	 off = 0;

	*ev = MG_SMTP_EV_NONE;
	while (off < len && *ev == MG_SMTP_EV_NONE) {
		switch (s->state) {
		case MG_SMTP_PHASE_CLOSED:
		case MG_SMTP_PHASE_STARTTLS:
			/* Plaintext after STARTTLS is an injection
			 * (CVE-2011-0411): drop it. */
			return len;
		case MG_SMTP_PHASE_MESSAGE:
			return off;
		case MG_SMTP_PHASE_DATA:
			off += feed_data(s, buf + off, len - off, out, ev);
			break;
		default:
			off += feed_line(s, buf + off, len - off, out, ev);
			break;
		}
	}
	if (*ev == MG_SMTP_EV_STARTTLS || *ev == MG_SMTP_EV_CLOSE)
		return len;
	return off;
}

unsigned
mg_smtp_session_commands(const struct mg_smtp_session *s)
{
	return s->commands;
}

unsigned
mg_smtp_session_auth_failures(const struct mg_smtp_session *s)
{
	return s->auth_failures;
}

int
mg_smtp_session_needs_auth(const struct mg_smtp_session *s)
{
	return auth_offered(s) && !s->authed;
}

void
mg_smtp_session_auth_locked(struct mg_smtp_session *s, int locked)
{
	s->auth_locked = locked != 0;
}

void
mg_smtp_session_message(const struct mg_smtp_session *s, const char **from,
    const struct mg_strlist **rcpts, const char **data, size_t *len)
{
	int	 ok = s->state == MG_SMTP_PHASE_MESSAGE;

	if (from != NULL)
		*from = ok ? s->from : NULL;
	if (rcpts != NULL)
		*rcpts = ok ? &s->rcpts : NULL;
	if (data != NULL)
		*data = ok ? s->data : NULL;
	if (len != NULL)
		*len = ok ? s->datalen : 0;
}

static const char *
default_enhanced(int code)
{
	if (code < 300)
		return "2.0.0";
	return code < 500 ? "4.0.0" : "5.0.0";
}

void
mg_smtp_session_reply(struct mg_smtp_session *s, int code,
    const char *enhanced, const char *text, struct mg_buf *out)
{
	if (s->state != MG_SMTP_PHASE_MESSAGE)
		return;
	/* Only final replies end a transaction; anything else is a bug
	 * upstream, and a temporary failure keeps the mail in the outbox. */
	if (code < 200 || code > 599 || (code >= 300 && code < 400)) {
		code = 451;
		enhanced = "4.3.0";
	}
	/* RFC 3463: "class.subject.detail", the class that of the code. */
	if (enhanced == NULL || strlen(enhanced) < 5 || strlen(enhanced) > 11 ||
	    strspn(enhanced, "0123456789.") != strlen(enhanced) ||
	    enhanced[0] != '0' + code / 100 || enhanced[1] != '.')
		enhanced = default_enhanced(code);
	reply(out, code, enhanced, text);
	end_transaction(s);
}

void
mg_smtp_session_tls_started(struct mg_smtp_session *s)
{
	if (s->state != MG_SMTP_PHASE_STARTTLS)
		return;
	/* RFC 3207 4.2: forget everything learnt before the handshake. */
	s->lim.tls_active = 1;
	s->authed = 0;
	s->linelen = 0;
	s->line_long = 0;
	reset_transaction(s);
	smtp_enter_state(s, MG_SMTP_PHASE_GREETING);
}

void
mg_smtp_session_abort(struct mg_smtp_session *s, const char *why,
    struct mg_buf *out)
{
	if (s->state == MG_SMTP_PHASE_CLOSED)
		return;
	mg_buf_puts(out, "421 4.4.2 ");
	put_clean(out, host(s));
	mg_buf_puts(out, " ");
	put_clean(out, why);
	mg_buf_add(out, "\r\n", 2);
	smtp_close(s, MG_SMTP_CLOSE_ABORT, NULL);
}

enum mg_smtp_close
mg_smtp_session_closed_by(const struct mg_smtp_session *s)
{
	return s->closed_by;
}

const char *
mg_smtp_close_reason(enum mg_smtp_close why)
{
	switch (why) {
	case MG_SMTP_CLOSE_NONE:
		return "";
	case MG_SMTP_CLOSE_QUIT:
		return "the client said QUIT";
	case MG_SMTP_CLOSE_HTTP:
		return "it sent HTTP, not SMTP (a web page's request?)";
	case MG_SMTP_CLOSE_ERRORS:
		return "too many unknown commands or errors";
	case MG_SMTP_CLOSE_ABORT:
		return "timeout or shutdown";
	}
	return "unknown";
}

enum mg_smtp_phase
mg_smtp_session_phase(const struct mg_smtp_session *s)
{
	return s->state;
}

const char *
mg_smtp_session_state(const struct mg_smtp_session *s)
{
	return smtp_strstate(s->state);
}
