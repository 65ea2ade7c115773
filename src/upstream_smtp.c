/*
 * upstream_smtp.c - the upstream of `matchguard serve`: an SMTP
 * submission server (over endpoint.c's connection), and the choice
 * between it and a Maildir (upstream_maildir.c).
 *
 * The connection is endpoint.h's, as the IMAP poller's is: TCP, TLS
 * (implicit, or the upgrade after our STARTTLS), the certificate check,
 * the credentials, the SASL blobs and the redaction set; a libetpan
 * mailstream does the buffered I/O.  The SMTP dialogue itself is spoken over that stream in this file
 * instead of through libetpan's mailsmtp_* commands, because in 1.9.4:
 *   - mailesmtp_ehlo() always sends gethostname(), not our helo name;
 *   - mailsmtp_auth_type() goes through Cyrus SASL, which needs the
 *     PLAIN/LOGIN plugins installed at run time, and there is no XOAUTH2
 *     for the non-Google case; the low-level mailsmtp_send_command() and
 *     mailsmtp_read_response() are exported but declared only in a
 *     private header;
 *   - mailsmtp_data_message() turns every bare CR into CRLF, so the bytes
 *     upstream would not always be the bytes the client sent;
 *   - its replies are mapped onto error enums that lose the 4xx/5xx
 *     distinction this file must report.
 * Our own reply reader gives every step the code and the text verbatim.
 *
 * The stream goes through the guard of stream_guard.c, as the IMAP
 * poller's does: each reply must come whole within upstream.timeout of
 * its command, however the server trickles it, and within
 * upstream.max_reply_size bytes, however long its lines or however many;
 * the end of the stream inside a reply is an error, not a short reply;
 * the message itself must go out within upstream.data_timeout.  A
 * server that passes a bound gets no more words: the client gets 451
 * with the guard's own line, which quotes nothing the server sent.
 */
#include "config_auto.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "matchguard/endpoint.h"
#include "matchguard/redact.h"
#include "matchguard/secret.h"
#include "matchguard/stream_guard.h"
#include "matchguard/upstream.h"

#define MG_UPSTREAM_MAX_ADDR	512	/* RFC 5321's path limit is 256 */
#define MG_UPSTREAM_MAX_REPLY	400	/* reply text kept for res->text */
#define MG_UPSTREAM_MAX_RAW	2048	/* reply text read, before redaction */

/* Extensions seen in the EHLO reply. */
#define EXT_STARTTLS	0x01
#define EXT_SIZE	0x02
#define EXT_8BITMIME	0x04
#define EXT_SMTPUTF8	0x08

struct conn {
	const struct mg_upstream *up;
	const struct mg_endpoint *ep;	/* &up->ep */
	struct mg_endpoint_conn	 tls;	/* the names checked and sent */
	struct mg_upstream_result	*res;
	mailstream		*s;
	MMAPString		*line;
	int			 ext;
	int			 code;	/* last reply's; 0: none */
	char			 why[MG_ERRLEN];	/* when 0: why none */
	struct mg_stream_guard	 guard;	/* bounds every read */
	char			 reply[MG_UPSTREAM_MAX_REPLY];	/* redacted */
	char			 raw[MG_UPSTREAM_MAX_RAW];	/* as read */
	const struct mg_redact	*red;	/* the credentials and their forms */
	int			 auth_step;	/* replying to AUTH */
};

/* Results.  res->text is one line of printable ASCII. */
static void	set_text(struct mg_upstream_result *, const char *, va_list)
		    __attribute__((format(printf, 2, 0)));
static int	result(struct mg_upstream_result *, int, int, const char *, ...)
		    __attribute__((format(printf, 4, 5)));

static void
set_text(struct mg_upstream_result *res, const char *fmt, va_list ap)
{
	vsnprintf(res->text, sizeof(res->text), fmt, ap);
	for (unsigned char *p = (unsigned char *)res->text; *p != '\0'; p++)
		if (*p < 0x20 || *p >= 0x7f)
			*p = '?';
}

static int
result(struct mg_upstream_result *res, int rc, int code, const char *fmt, ...)
{
	va_list	ap;

	res->code = code;
	va_start(ap, fmt);
	set_text(res, fmt, ap);
	va_end(ap);
	return rc;
}

/* A failure after a reply, or after none (code 0).  Before the mail
 * transaction (greeting, EHLO, STARTTLS) even a 5xx is about the server,
 * not the message, so it is reported as temporary. */
static int
reply_fail(struct conn *c, const char *what, int permanent_ok)
{
	const char	*host = c->ep->host;

	if (c->code == 0 && c->why[0] != '\0')
		return result(c->res, 1, 451, "%s", c->why);
	if (c->code == 0)
		return result(c->res, 1, 451, "no reply from %s to %s "
		    "(connection closed, or nothing within %d s)", host, what,
		    c->ep->timeout);
	if (c->code >= 500 && c->code <= 599 && permanent_ok)
		return result(c->res, 2, c->code, "%s refused %s: %s", host,
		    what, c->reply);
	if (c->code >= 400 && c->code <= 499)
		return result(c->res, 1, c->code, "%s refused %s: %s", host,
		    what, c->reply);
	return result(c->res, 1, 451, "%s refused %s: %d %s", host, what,
	    c->code, c->reply);
}

/* Reading replies. */
static void
note_extension(struct conn *c, const char *kw)
{
	static const struct { const char *name; int flag; } ext[] = {
		{ "STARTTLS", EXT_STARTTLS }, { "SIZE", EXT_SIZE },
		{ "8BITMIME", EXT_8BITMIME }, { "SMTPUTF8", EXT_SMTPUTF8 },
	};
	size_t	len = strcspn(kw, " ");

	for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (strlen(ext[i].name) == len &&
		    strncasecmp(kw, ext[i].name, len) == 0)
			c->ext |= ext[i].flag;
}

/* The length of an RFC 3463 code and its space at the start of text
 * ("5.7.8 "), or 0. */
static size_t
enhanced_code(const char *text)
{
	size_t	a, b, d;

	if ((text[0] != '2' && text[0] != '4' && text[0] != '5') ||
	    text[1] != '.' || (a = strspn(text + 2, "0123456789")) < 1 ||
	    a > 3 || text[2 + a] != '.' ||
	    (b = strspn(text + 3 + a, "0123456789")) < 1 || b > 3)
		return 0;
	d = 3 + a + b;
	return text[d] == ' ' ? d + 1 : 0;
}

/* Joins the lines of a reply with a space; the RFC 3463 code that a
 * multi-line reply repeats on each line is kept once, so that the text
 * reads on, and an echo cut over lines is found whole. */
static void
append_reply(struct conn *c, const char *text)
{
	size_t	used = strlen(c->raw), k = enhanced_code(text);

	if (used > 0 && k > 0 && strncmp(c->raw, text, k) == 0)
		text += k;

	if (used > 0 && used + 1 < sizeof(c->raw))
		c->raw[used++] = ' ';
	snprintf(c->raw + used, sizeof(c->raw) - used, "%s", text);
}

/* c->reply: the text read, with every echo of a credential hidden
 * (redact.h), whole lines joined first so that an echo cut over two
 * lines is found too. */
static void
finish_reply(struct conn *c)
{
	mg_redact(c->red, c->raw, c->auth_step ? MG_REDACT_AUTH : 0, c->reply,
	    sizeof(c->reply));
	explicit_bzero(c->raw, sizeof(c->raw));
}

/* c->why: what the stream did instead of a reply (the guard's bound,
 * or a lost connection). */
static void
stream_failed(struct conn *c)
{
	const struct mg_stream_guard *g = &c->guard;
	int	late = g->refused == MG_STREAM_DEADLINE ||
	    g->refused == MG_STREAM_SILENCE;

	if (late && !g->reading)
		snprintf(c->why, sizeof(c->why), "%s did not take the command "
		    "%s within %d s (upstream.timeout)", c->ep->host,
		    g->refused_what, g->refused_secs);
	else if (late && g->refused_bytes == 0)
		snprintf(c->why, sizeof(c->why), "no reply from %s to %s "
		    "within %d s (upstream.timeout)", c->ep->host,
		    g->refused_what, g->refused_secs);
	else if (mg_stream_guard_why(g, c->why, sizeof(c->why)) == NULL)
		snprintf(c->why, sizeof(c->why), "the connection to %s was "
		    "lost during %s", c->ep->host, g->what);
}

/* c->guard.what, for the guard's messages: command(step(c, "DATA"), ...).
 * what is not copied. */
static struct conn *
step(struct conn *c, const char *what)
{
	c->guard.what = what;
	return c;
}

/* Reads one reply (all its lines) into c->code and c->reply; a line that
 * is not "DDD[ -]text" or a lost connection gives code 0, and c->why
 * says which.  With ehlo set, the lines after the first are noted as
 * extensions.  Its size and time are the guard's (upstream.timeout,
 * upstream.max_reply_size), whatever the number of lines. */
static int
read_reply(struct conn *c, int ehlo)
{
	const char	*l;
	int		 code = 0, first = 1;

	c->code = 0;
	c->why[0] = '\0';
	c->reply[0] = '\0';
	c->raw[0] = '\0';
	for (;;) {
		l = mailstream_read_line_remove_eol(c->s, c->line);
		if (l == NULL) {
			explicit_bzero(c->raw, sizeof(c->raw));
			stream_failed(c);
			return 0;
		}
		if (strlen(l) < 3 || strspn(l, "0123456789") < 3 ||
		    (l[3] != '\0' && l[3] != ' ' && l[3] != '-')) {
			explicit_bzero(c->raw, sizeof(c->raw));
			snprintf(c->why, sizeof(c->why), "%s sent a line that "
			    "is not an SMTP reply, in answer to %s",
			    c->ep->host, c->guard.what);
			return 0;
		}
		code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
		if (l[3] != '\0' && (!ehlo || first))
			append_reply(c, l + 4);
		else if (ehlo && l[3] != '\0')
			note_extension(c, l + 4);
		first = 0;
		if (l[3] != '-') {
			finish_reply(c);
			c->code = code;
			return code;
		}
	}
}

static int
send_raw(struct conn *c, const char *buf, size_t len)
{
	return mailstream_write(c->s, buf, len) == (ssize_t)len ? 0 : -1;
}

/* Sends "a b\r\n" (b may be NULL).  secret: the line holds a
 * credential, so libetpan's logger, if one is set, must not see it. */
static int
send_line(struct conn *c, const char *a, const char *b, int secret)
{
	int	r;

	mailstream_set_privacy(c->s, !secret);
	r = send_raw(c, a, strlen(a)) == -1 ||
	    (b != NULL && (send_raw(c, " ", 1) == -1 ||
	    send_raw(c, b, strlen(b)) == -1)) ||
	    send_raw(c, "\r\n", 2) == -1 || mailstream_flush(c->s) == -1;
	mailstream_set_privacy(c->s, 1);
	return r ? -1 : 0;
}

/* One command and its reply: the reply code, 0 for none (c->why says
 * why). */
static int
command(struct conn *c, const char *a, const char *b, int secret)
{
	if (send_line(c, a, b, secret) == -1) {
		c->code = 0;
		stream_failed(c);
		return 0;
	}
	return read_reply(c, 0);
}

/* The bounds of every reply (stream_guard.h), from the upstream group. */
static void
guard_init(struct conn *c)
{
	const struct mg_upstream *up = c->up;
	struct mg_stream_limits	  l;

	memset(&l, 0, sizeof(l));
	l.host = up->ep.host;
	l.noun = "reply";
	l.timeout = l.deadline = up->ep.timeout;
	l.max_bytes = l.max_text = (uint64_t)up->max_reply_size;
	l.timeout_name = l.deadline_name = "upstream.timeout";
	l.max_bytes_name = l.max_text_name = "upstream.max_reply_size";
	mg_stream_guard_init(&c->guard, &l, NULL);
}

/* Connects, with TLS at once for tls = implicit (endpoint.h); a first
 * window of the guard opens when the stream is ready, for the
 * greeting. */
static int
open_stream(struct conn *c)
{
	char	err[MG_ERRLEN];
	int	fd, on = 1;

	if ((fd = mg_endpoint_connect(&c->tls, c->ep, err, sizeof(err))) == -1)
		return result(c->res, 1, 451, "%s", err);
	/* The dialogue is lock-step and the body leaves in buffer-sized
	 * writes: without this, Nagle holds the last piece of a message
	 * until the server's delayed ACK (40 ms on Linux). */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	guard_init(c);
	if ((c->s = mg_endpoint_open(&c->tls, fd, &c->guard, err,
	    sizeof(err))) == NULL)
		return result(c->res, 1, 451, "%s", err);
	mg_stream_guard_arm(&c->guard, "our connection");
	return 0;
}

static int
ehlo(struct conn *c, const char *helo_name)
{
	c->ext = 0;
	c->code = 0;
	if (send_line(step(c, "EHLO"), "EHLO", helo_name, 0) == 0)
		read_reply(c, 1);
	else
		stream_failed(c);
	return c->code == 250 ? 0 : reply_fail(c, "EHLO", 0);
}

/* RFC 3207: upgrade, check the certificate, and forget what was said in
 * clear (the caller sends EHLO again). */
static int
starttls(struct conn *c)
{
	char	err[MG_ERRLEN];

	if (!(c->ext & EXT_STARTTLS))
		return result(c->res, 1, 451, "%s does not offer STARTTLS; "
		    "the password and the message are never sent "
		    "unencrypted", c->ep->host);
	if (command(step(c, "STARTTLS"), "STARTTLS", NULL, 0) != 220)
		return reply_fail(c, "STARTTLS", 0);
	if (mg_endpoint_starttls(&c->tls, c->s, &c->guard, err,
	    sizeof(err)) == -1)
		return result(c->res, 1, 451, "%s", err);
	return 0;
}

/* Authentication (RFC 4954, 4616; XOAUTH2 as Google and Microsoft
 * document it); the blobs are endpoint.h's. */
static int
auth_plain(struct conn *c, const char *user, const char *secret)
{
	char	*b64;

	if ((b64 = mg_endpoint_sasl(MG_AUTH_PLAIN, user, secret)) == NULL)
		return result(c->res, 1, 451, "out of memory");
	command(step(c, "AUTH PLAIN"), "AUTH PLAIN", b64, 1);
	mg_secret_free(b64);
	return c->code == 235 ? 0 : reply_fail(c, "AUTH PLAIN", 1);
}

static int
auth_login(struct conn *c, const char *user, const char *secret)
{
	char	*u64, *s64;
	int	 code = 0;

	u64 = mg_endpoint_sasl(MG_AUTH_LOGIN, NULL, user);
	s64 = mg_endpoint_sasl(MG_AUTH_LOGIN, NULL, secret);
	if (u64 != NULL && s64 != NULL &&
	    command(step(c, "AUTH LOGIN"), "AUTH LOGIN", NULL, 0) == 334 &&
	    command(c, u64, NULL, 1) == 334)
		code = command(c, s64, NULL, 1);
	mg_secret_free(u64);
	mg_secret_free(s64);
	if (u64 == NULL || s64 == NULL)
		return result(c->res, 1, 451, "out of memory");
	return code == 235 ? 0 : reply_fail(c, "AUTH LOGIN", 1);
}

static int
auth_xoauth2(struct conn *c, const char *user, const char *token)
{
	char	*b64;

	if ((b64 = mg_endpoint_sasl(MG_AUTH_XOAUTH2, user, token)) == NULL)
		return result(c->res, 1, 451, "out of memory");
	command(step(c, "AUTH XOAUTH2"), "AUTH XOAUTH2", b64, 1);
	mg_secret_free(b64);
	/* A refused token comes as a 334 challenge holding an error in
	 * JSON; an empty line ends the exchange with the real reply. */
	if (c->code == 334)
		command(c, "", NULL, 0);
	return c->code == 235 ? 0 : reply_fail(c, "AUTH XOAUTH2", 1);
}

static int
authenticate(struct conn *c, const char *secret)
{
	const char	*user = c->ep->user != NULL ? c->ep->user : "";
	int		 rc;

	c->auth_step = 1;
	switch (c->ep->auth) {
	case MG_AUTH_PLAIN:
		rc = auth_plain(c, user, secret);
		break;
	case MG_AUTH_LOGIN:
		rc = auth_login(c, user, secret);
		break;
	case MG_AUTH_XOAUTH2:
		rc = auth_xoauth2(c, user, secret);
		break;
	default:
		rc = 0;
		break;
	}
	c->auth_step = 0;
	return rc;
}

/* The transaction. */
static int
has_8bit(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)p[i] >= 0x80)
			return 1;
	return 0;
}

static int
mail_from(struct conn *c, const char *from, const struct mg_strlist *rcpts,
    const char *data, size_t len)
{
	char	 cmd[MG_UPSTREAM_MAX_ADDR + 128];
	char	 params[96] = "";
	size_t	 pl = 0;
	int	 utf8 = has_8bit(from, strlen(from));

	for (size_t i = 0; i < rcpts->n; i++)
		utf8 |= has_8bit(rcpts->v[i], strlen(rcpts->v[i]));
	/* SIZE is a hint; dot-stuffing may add a little. */
	if (c->ext & EXT_SIZE)
		pl += (size_t)snprintf(params + pl, sizeof(params) - pl,
		    " SIZE=%zu", len);
	if ((c->ext & EXT_8BITMIME) && has_8bit(data, len))
		pl += (size_t)snprintf(params + pl, sizeof(params) - pl,
		    " BODY=8BITMIME");
	if ((c->ext & EXT_SMTPUTF8) && utf8)
		snprintf(params + pl, sizeof(params) - pl, " SMTPUTF8");
	snprintf(cmd, sizeof(cmd), "MAIL FROM:<%s>%s", from, params);
	if (command(step(c, "MAIL FROM"), cmd, NULL, 0) == 250)
		return 0;
	snprintf(cmd, sizeof(cmd), "the sender <%s>", from);
	return reply_fail(c, cmd, 1);
}

static int
rcpt_to(struct conn *c, const char *to)
{
	char	cmd[MG_UPSTREAM_MAX_ADDR + 32];

	snprintf(cmd, sizeof(cmd), "RCPT TO:<%s>", to);
	if (command(step(c, "RCPT TO"), cmd, NULL, 0) == 250 ||
	    c->code == 251)
		return 0;
	snprintf(cmd, sizeof(cmd), "the recipient <%s>", to);
	return reply_fail(c, cmd, 1);
}

/* RFC 5321 4.5.2: a line that starts with "." gets another one.  Lines
 * end at LF; "\r\n" is sent as it is and a bare "\n" as "\r\n". */
static int
send_body(struct conn *c, const char *data, size_t len)
{
	const char	*p = data, *end = data + len, *nl;
	size_t		 ll;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		ll = (size_t)((nl != NULL ? nl : end) - p);
		if (nl != NULL && ll > 0 && p[ll - 1] == '\r')
			ll--;
		if ((*p == '.' && send_raw(c, ".", 1) == -1) ||
		    send_raw(c, p, ll) == -1 || send_raw(c, "\r\n", 2) == -1)
			return -1;
		p = nl != NULL ? nl + 1 : end;
	}
	if (send_raw(c, ".\r\n", 3) == -1 || mailstream_flush(c->s) == -1)
		return -1;
	return 0;
}

/* Why the message could not be handed over: its window
 * (upstream.data_timeout) passed, the server took none of it for
 * upstream.timeout, or the connection was lost. */
static int
body_failed(struct conn *c)
{
	const struct mg_stream_guard *g = &c->guard;

	if (g->refused == MG_STREAM_DEADLINE)
		return result(c->res, 1, 451, "%s did not take the whole "
		    "message within %d s (upstream.data_timeout)", c->ep->host,
		    g->refused_secs);
	if (g->refused == MG_STREAM_SILENCE)
		return result(c->res, 1, 451, "%s took none of the message "
		    "for %d s (upstream.timeout)", c->ep->host,
		    g->refused_secs);
	return result(c->res, 1, 451, "connection to %s lost while "
	    "sending the message", c->ep->host);
}

/* DATA, the message in a window of upstream.data_timeout, then its reply
 * in a window of its own (upstream.timeout from the final dot). */
static int
send_message(struct conn *c, const char *data, size_t len)
{
	if (command(step(c, "DATA"), "DATA", NULL, 0) != 354)
		return reply_fail(c, "DATA", 1);
	mg_stream_guard_arm_for(&c->guard, "the message",
	    c->up->data_timeout);
	if (send_body(c, data, len) == -1)
		return body_failed(c);
	mg_stream_guard_arm(&c->guard, "the message");
	if (read_reply(c, 0) != 250)
		return reply_fail(c, "the message", 1);
	return result(c->res, 0, 250, "%s accepted: %s", c->ep->host,
	    c->reply);
}

static int
smtp_dialogue(struct conn *c, const char *helo, const char *secret,
    const char *from, const struct mg_strlist *rcpts, const char *data,
    size_t len)
{
	int	rc;

	if ((rc = open_stream(c)) != 0)
		return rc;
	if (read_reply(c, 0) != 220)
		return reply_fail(c, "our connection", 0);
	if ((rc = ehlo(c, helo)) != 0)
		return rc;
	if (c->ep->tls == MG_TLS_STARTTLS &&
	    ((rc = starttls(c)) != 0 || (rc = ehlo(c, helo)) != 0))
		return rc;
	if ((rc = authenticate(c, secret)) != 0 ||
	    (rc = mail_from(c, from, rcpts, data, len)) != 0)
		return rc;
	for (size_t i = 0; i < rcpts->n; i++)
		if ((rc = rcpt_to(c, rcpts->v[i])) != 0)
			return rc;
	return send_message(c, data, len);
}

/* Polite end: QUIT without waiting for 221 (as libetpan's
 * mailsmtp_quit does).  Nothing at all when the last reply is missing
 * (connection gone, or TLS just set up with an implicit-TLS server) or is
 * the 220 after which TLS failed or the certificate was refused. */
static void
smtp_close(struct conn *c, int rc)
{
	if (c->s == NULL)
		return;
	if (rc == 0 || (c->code != 0 && c->code != 220))
		if (send_raw(c, "QUIT\r\n", 6) == 0)
			mailstream_flush(c->s);
	mailstream_close(c->s);
	c->s = NULL;
}

/* An address that would break the command line is refused here. */
static int
check_envelope(const char *from, const struct mg_strlist *rcpts,
    struct mg_upstream_result *res)
{
	const char	*bad = NULL;

	if (rcpts->n == 0)
		return result(res, 2, 554, "no recipients");
	for (size_t i = 0; i <= rcpts->n && bad == NULL; i++) {
		const char *a = i == 0 ? from : rcpts->v[i - 1];

		if (strlen(a) > MG_UPSTREAM_MAX_ADDR || (i > 0 && *a == '\0'))
			bad = a;
		for (const unsigned char *p = (const unsigned char *)a;
		    *p != '\0' && bad == NULL; p++)
			if (*p < 0x20 || *p == 0x7f || *p == '<' || *p == '>')
				bad = a;
	}
	if (bad != NULL)
		return result(res, 2, 553, "address <%.64s> cannot be sent "
		    "over SMTP", bad);
	return 0;
}

static void
pick_helo(const char *helo_name, char *buf, size_t len)
{
	if (helo_name != NULL && *helo_name != '\0' &&
	    strcspn(helo_name, " \t\r\n<>") == strlen(helo_name) &&
	    strlen(helo_name) < len) {
		snprintf(buf, len, "%s", helo_name);
		return;
	}
	if (gethostname(buf, len) != 0 || buf[0] == '\0' ||
	    strcspn(buf, " \t\r\n") != strlen(buf))
		snprintf(buf, len, "localhost");
	buf[len - 1] = '\0';
}

static int
relay_smtp(const struct mg_upstream *up, const char *helo_name,
    const char *from, const struct mg_strlist *rcpts, const char *data,
    size_t len, struct mg_upstream_result *res, mg_upstream_accepted_fn accepted,
    void *arg)
{
	struct conn	 c = { .up = up, .ep = &up->ep, .res = res };
	struct mg_redact *red = NULL;
	char		 helo[256], err[MG_ERRLEN], *secret;
	int		 rc;

	if ((rc = check_envelope(from, rcpts, res)) != 0)
		return rc;
	if (mg_endpoint_credentials(&up->ep, &secret, &red, err,
	    sizeof(err)) == -1)
		return result(res, 1, 451, "%s", err);
	c.red = red;
	pick_helo(helo_name, helo, sizeof(helo));
	if ((c.line = mmap_string_new("")) == NULL)
		rc = result(res, 1, 451, "out of memory");
	else
		rc = smtp_dialogue(&c, helo, secret, from, rcpts, data, len);
	/* Belt and braces: every reply was redacted as it was read (our own
	 * words around it, the sender's address included, are kept); no
	 * result is ever allowed to hold the secret. */
	if (secret != NULL && *secret != '\0' && strstr(res->text, secret))
		snprintf(res->text, sizeof(res->text), "%s: reply withheld "
		    "(it contained the password)", up->ep.host);
	/* The caller's client first; QUIT and the rest after. */
	if (rc == 0 && accepted != NULL)
		accepted(arg, res);
	smtp_close(&c, rc);
	if (c.line != NULL)
		mmap_string_free(c.line);
	mg_redact_free(&red);
	mg_secret_free(secret);
	return rc;
}

/* Maildir ("local mode"): upstream_maildir.c. */
static int
relay_maildir(const struct mg_upstream *up, const char *data, size_t len,
    struct mg_upstream_result *res)
{
	char	name[300], err[MG_ERRLEN];

	if (up->path == NULL)
		return result(res, 1, 451, "upstream maildir has no path");
	if (mg_maildir_deliver(up->path, data, len, name, sizeof(name), err,
	    sizeof(err)) == -1)
		return result(res, 1, 451, "%s", err);
	return result(res, 0, 250, "delivered to %s/%s", up->path, name);
}

int
mg_upstream_send_early(const struct mg_upstream *up, const char *helo_name,
    const char *from, const struct mg_strlist *rcpts, const char *data,
    size_t len, struct mg_upstream_result *res, mg_upstream_accepted_fn accepted,
    void *arg)
{
	int	rc;

	memset(res, 0, sizeof(*res));
	switch (up->type) {
	case MG_UPSTREAM_SMTP:
		return relay_smtp(up, helo_name, from, rcpts, data, len, res,
		    accepted, arg);
	case MG_UPSTREAM_MAILDIR:
		rc = relay_maildir(up, data, len, res);
		if (rc == 0 && accepted != NULL)
			accepted(arg, res);
		return rc;
	default:
		return result(res, 1, 451, "no upstream is configured");
	}
}

int
mg_upstream_send(const struct mg_upstream *up, const char *helo_name,
    const char *from, const struct mg_strlist *rcpts, const char *data,
    size_t len, struct mg_upstream_result *res)
{
	return mg_upstream_send_early(up, helo_name, from, rcpts, data, len, res,
	    NULL, NULL);
}
