/*
 * fuzz_smtp_session.c - the SMTP session state machine (smtp_session.c)
 * on arbitrary bytes, handling its events as smtp_server.c does: a
 * message gets 250, 451 or 554, STARTTLS is followed by tls_started().
 *
 * The first three bytes choose the limits (TLS offered or active, AUTH,
 * max_message_size, max_rcpts, an abort at the end), how the rest is cut
 * into pieces, and the replies to messages.  The input is fed whole, and
 * again in pieces of 1 to 17 bytes; until a STARTTLS (after which what is
 * dropped depends on the pieces) both must give the same transcript.
 * Every reply must be well-formed CRLF lines, and every message complete,
 * NUL-terminated and within the limits.
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "matchguard/buf.h"
#include "matchguard/smtp_session.h"

static const size_t max_sizes[] = { 1024, 4096, 65536, 0 };
static const size_t max_rcpts[] = { 0, 1, 3, 100 };
static const int codes[] = { 250, 451, 554, 250 };

struct run {
	struct mg_buf	 t;		/* the transcript */
	int		 tls;		/* a STARTTLS happened */
	int		 closed;
};

/* Every line of out: 3 digits, ' ' or '-', printable text, CRLF. */
static void
check_replies(const struct mg_buf *out)
{
	size_t	i = 0;

	FUZZ_ASSERT(!out->failed);
	while (i < out->len) {
		const char	*p = out->s + i;
		const char	*lf = memchr(p, '\n', out->len - i);
		size_t		 n;

		FUZZ_ASSERT(lf != NULL && lf > p && lf[-1] == '\r');
		n = (size_t)(lf - p) + 1;
		FUZZ_ASSERT(n >= 6);
		for (int k = 0; k < 3; k++)
			FUZZ_ASSERT(p[k] >= '0' && p[k] <= '9');
		FUZZ_ASSERT(p[3] == ' ' || p[3] == '-');
		for (size_t k = 4; k < n - 2; k++)
			FUZZ_ASSERT((unsigned char)p[k] >= 0x20 && p[k] != 0x7f);
		i += n;
	}
}

static void
take_replies(struct run *r, struct mg_buf *out)
{
	check_replies(out);
	mg_buf_add(&r->t, out->s, out->len);
	out->len = 0;
}

static void
on_message(struct run *r, struct mg_smtp_session *s,
    const struct mg_smtp_limits *lim, unsigned *replies, struct mg_buf *out)
{
	const char		*from, *data;
	const struct mg_strlist	*rcpts;
	size_t			 len;
	size_t			 max = lim->max_message_size ?
	    lim->max_message_size : MG_SMTP_DEFAULT_MESSAGE_SIZE;
	size_t			 maxr = lim->max_rcpts ? lim->max_rcpts :
	    MG_SMTP_MAX_RCPTS;

	FUZZ_ASSERT(strcmp(mg_smtp_session_state(s), "message") == 0);
	mg_smtp_session_message(s, &from, &rcpts, &data, &len);
	FUZZ_ASSERT(from != NULL && rcpts != NULL && data != NULL);
	FUZZ_ASSERT(rcpts->n >= 1 && rcpts->n <= maxr);
	FUZZ_ASSERT(len <= max && data[len] == '\0');
	FUZZ_ASSERT(memchr(data, '\0', len) == NULL);
	mg_buf_printf(&r->t, "[message from <%s> to %zu, %zu octets]\n", from,
	    rcpts->n, len);
	mg_buf_add(&r->t, data, len);
	mg_smtp_session_reply(s, codes[*replies & 3], NULL, "fuzz", out);
	*replies = *replies >> 2 | (*replies & 3) << 30;
	FUZZ_ASSERT(strcmp(mg_smtp_session_state(s), "ready") == 0);
}

static void
run(struct run *r, const struct mg_smtp_limits *lim, const char *in,
    size_t len, unsigned split, unsigned replies, int abort_at_end)
{
	struct mg_smtp_session	*s = mg_smtp_session_new(lim);
	struct mg_buf		 out = { 0 };
	size_t			 off = 0;

	if (s == NULL)
		return;
	mg_smtp_session_greet(s, &out);
	while (off < len) {
		size_t	end = len;

		if (split) {
			split = split * 1103515245u + 12345u;
			end = off + 1 + (split >> 16) % 17;
			if (end > len)
				end = len;
		}
		while (off < end) {
			enum mg_smtp_event	ev;
			size_t			n = mg_smtp_session_feed(s,
			    in + off, end - off, &out, &ev);

			FUZZ_ASSERT(n <= end - off);
			FUZZ_ASSERT(ev != MG_SMTP_EV_NONE || n == end - off);
			off += n;
			take_replies(r, &out);
			if (ev == MG_SMTP_EV_MESSAGE)
				on_message(r, s, lim, &replies, &out);
			else if (ev == MG_SMTP_EV_STARTTLS) {
				r->tls = 1;
				mg_smtp_session_tls_started(s);
			} else if (ev == MG_SMTP_EV_CLOSE)
				r->closed = 1;
			take_replies(r, &out);
		}
	}
	if (abort_at_end) {
		mg_smtp_session_abort(s, "fuzz\r\nend", &out);
		take_replies(r, &out);
		FUZZ_ASSERT(strcmp(mg_smtp_session_state(s), "closed") == 0);
	}
	if (r->closed)
		FUZZ_ASSERT(strcmp(mg_smtp_session_state(s), "closed") == 0);
	mg_smtp_session_free(s);
	mg_buf_free(&out);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_smtp_limits	lim = { 0 };
	struct run		whole, split;
	unsigned		replies;
	uint8_t			o;

	if (size < 3)
		return 0;
	memset(&whole, 0, sizeof(whole));
	memset(&split, 0, sizeof(split));
	o = data[0];
	lim.hostname = "fuzz.test";
	lim.tls_available = o & 1;
	lim.tls_active = (o >> 1) & 1;
	if (o & 4) {
		lim.auth_user = "alice";
		lim.auth_password = "s3cret";
	}
	lim.max_message_size = max_sizes[(o >> 3) & 3];
	lim.max_rcpts = max_rcpts[(o >> 5) & 3];
	replies = data[2] * 0x01010101u;
	run(&whole, &lim, (const char *)data + 3, size - 3, 0, replies, o >> 7);
	run(&split, &lim, (const char *)data + 3, size - 3, data[1] | 1u,
	    replies, o >> 7);
#ifdef FUZZ_DEBUG
	fprintf(stderr, "--- whole\n%.*s--- split\n%.*s---\n",
	    (int)whole.t.len, whole.t.s, (int)split.t.len, split.t.s);
#endif
	if (!whole.tls && !split.tls)
		FUZZ_ASSERT(whole.t.len == split.t.len &&
		    (whole.t.len == 0 ||
		    memcmp(whole.t.s, split.t.s, whole.t.len) == 0));
	mg_buf_free(&whole.t);
	mg_buf_free(&split.t);
	return 0;
}
