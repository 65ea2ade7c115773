/*
 * test_stream_guard.c - the guard of stream_guard.h around a scripted
 * driver, read through libetpan's own mailstream as upstream_smtp.c and
 * the IMAP poller read: a reply past its byte cap, in one line or many;
 * the end of the stream inside a line (which mailstream alone would hand
 * over as a line); a new window at each command; a deadline on the whole
 * reply whatever the pace of its bytes; a literal refused when announced,
 * its bytes not counted as text; a window of its own for a long write;
 * and the watchdog, which ends a driver that loops inside one read (as
 * libetpan's GnuTLS driver does while a TLS record trickles in).
 */
#include "config_auto.h"

#include <sys/socket.h>

#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "matchguard/stream_guard.h"

/* The scripted peer: script (then, when repeat, the same again for
 * ever, else the end of the stream), at most chunk bytes a read, each
 * read pause_ms after the last.  With fd set, a read loops on poll(2)
 * until fd has data, whatever the stream's timeout. */
struct fake {
	const char	*script;
	size_t		 len, at, chunk;
	int		 repeat, pause_ms, fd;
	size_t		 written;
};

static ssize_t
fake_read(mailstream_low *s, void *buf, size_t count)
{
	struct fake	*f = s->data;
	size_t		 n;

	if (f->fd >= 0) {
		struct pollfd	p = { f->fd, POLLIN, 0 };
		char		c;

		while (poll(&p, 1, 100) == 0)
			;
		return read(f->fd, &c, 1) == 1 ? 0 : -1;
	}
	if (f->pause_ms > 0)
		usleep((useconds_t)f->pause_ms * 1000);
	if (f->at == f->len) {
		if (!f->repeat)
			return 0;
		f->at = 0;
	}
	n = f->len - f->at;
	if (n > f->chunk)
		n = f->chunk;
	if (n > count)
		n = count;
	memcpy(buf, f->script + f->at, n);
	f->at += n;
	return (ssize_t)n;
}

static ssize_t
fake_write(mailstream_low *s, const void *buf, size_t count)
{
	struct fake	*f = s->data;

	(void)buf;
	f->written += count;
	return (ssize_t)count;
}

static int
fake_close(mailstream_low *s)
{
	(void)s;
	return 0;
}

static int
fake_get_fd(mailstream_low *s)
{
	struct fake	*f = s->data;

	return f->fd;
}

static void
fake_free(mailstream_low *s)
{
	free(s);
}

static mailstream_low_driver fake_driver = {
	.mailstream_read = fake_read,
	.mailstream_write = fake_write,
	.mailstream_close = fake_close,
	.mailstream_get_fd = fake_get_fd,
	.mailstream_free = fake_free,
};

/* SMTP's limits, as upstream_smtp.c sets them. */
static struct mg_stream_limits
smtp_limits(int secs, uint64_t max)
{
	struct mg_stream_limits	l = {
		.host = "smtp.example.com", .noun = "reply",
		.timeout = secs, .deadline = secs,
		.max_bytes = max, .max_text = max,
		.timeout_name = "t.timeout", .deadline_name = "t.timeout",
		.max_bytes_name = "t.max", .max_text_name = "t.max",
	};

	return l;
}

/* A stream over f through g. */
static mailstream *
open_stream(struct fake *f, struct mg_stream_guard *g,
    const struct mg_stream_limits *l)
{
	mailstream_low	*inner, *low;
	mailstream	*s;

	mg_stream_guard_init(g, l, NULL);
	inner = mailstream_low_new(f, &fake_driver);
	assert_non_null(inner);
	low = mg_stream_guard_wrap(inner, g);
	assert_non_null(low);
	s = mailstream_new(low, 8192);
	assert_non_null(s);
	return s;
}

static double
now_s(void)
{
	struct timespec	t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
expect_why(const struct mg_stream_guard *g, const char *want)
{
	char	why[512];

	assert_non_null(mg_stream_guard_why(g, why, sizeof(why)));
	if (strstr(why, want) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", why, want);
}

/* One endless line, and lines without end: both stop at the cap. */
static void
byte_cap(void **state)
{
	static const char *const scripts[] = { "x", "250-abcdefgh\r\n" };
	struct mg_stream_limits	l = smtp_limits(5, 1000);

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct fake		 f = { scripts[i], strlen(scripts[i]), 0,
		    300, 1, 0, -1, 0 };
		struct mg_stream_guard	 g;
		mailstream		*s = open_stream(&f, &g, &l);
		MMAPString		*line = mmap_string_new("");
		const char		*got = "";

		mg_stream_guard_arm(&g, "EHLO");
		while (got != NULL)
			got = mailstream_read_line_remove_eol(s, line);
		assert_int_equal(g.refused, MG_STREAM_TOO_BIG);
		assert_true(g.refused_size > 1000 && g.refused_size <= 1300);
		expect_why(&g, "smtp.example.com's reply to EHLO passed ");
		expect_why(&g, "(t.max is 1000); connection dropped");
		/* Refused for good: no more reads reach the peer. */
		f.at = 0;
		assert_null(mailstream_read_line_remove_eol(s, line));
		assert_int_equal(f.at, 0);
		mmap_string_free(line);
		mailstream_close(s);
	}
}

/* "250 ok" and the end of the stream: not a line, an error. */
static void
eof_is_error(void **state)
{
	struct mg_stream_limits	 l = smtp_limits(5, 1000);
	struct fake		 f = { "250 2.0.0 Ok: queu",
	    strlen("250 2.0.0 Ok: queu"), 0, 100, 0, 0, -1, 0 };
	struct mg_stream_guard	 g;
	mailstream		*s = open_stream(&f, &g, &l);
	MMAPString		*line = mmap_string_new("");

	(void)state;
	mg_stream_guard_arm(&g, "the message");
	assert_null(mailstream_read_line_remove_eol(s, line));
	assert_int_equal(g.refused, MG_STREAM_EOF);
	expect_why(&g, "smtp.example.com closed the connection before "
	    "finishing its reply to the message");
	mmap_string_free(line);
	mailstream_close(s);
}

/* Each command opens a window: its reply has the whole cap. */
static void
window_per_command(void **state)
{
	struct mg_stream_limits	 l = smtp_limits(5, 100);
	static const char	 line80[] = "250 "
	    "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij"
	    "abcdefghijabcd\r\n";
	struct fake		 f = { line80, sizeof(line80) - 1, 0, 100, 1, 0,
	    -1, 0 };
	struct mg_stream_guard	 g;
	mailstream		*s = open_stream(&f, &g, &l);
	MMAPString		*line = mmap_string_new("");

	(void)state;
	assert_int_equal(sizeof(line80) - 1, 80);
	assert_non_null(mailstream_read_line_remove_eol(s, line));
	assert_int_equal(mailstream_write(s, "NOOP\r\n", 6), 6);
	assert_int_equal(mailstream_flush(s), 0);
	assert_int_equal(g.bytes, 0);
	assert_non_null(mailstream_read_line_remove_eol(s, line));
	assert_int_equal(g.refused, MG_STREAM_OK);
	/* A third line in the same window passes the cap. */
	assert_null(mailstream_read_line_remove_eol(s, line));
	assert_int_equal(g.refused, MG_STREAM_TOO_BIG);
	mmap_string_free(line);
	mailstream_close(s);
}

/* A byte every 200 ms: every read is quick, the reply never ends; the
 * deadline of the whole reply ends it. */
static void
deadline_whole(void **state)
{
	struct mg_stream_limits	 l = smtp_limits(1, 1 << 20);
	struct fake		 f = { "250-x\r\n", 7, 0, 1, 1, 200, -1, 0 };
	struct mg_stream_guard	 g;
	mailstream		*s = open_stream(&f, &g, &l);
	MMAPString		*line = mmap_string_new("");
	double			 t0 = now_s(), took;
	const char		*got = "";

	(void)state;
	mg_stream_guard_arm(&g, "RCPT TO");
	while (got != NULL)
		got = mailstream_read_line_remove_eol(s, line);
	took = now_s() - t0;
	assert_int_equal(g.refused, MG_STREAM_DEADLINE);
	assert_true(took >= 0.9 && took < 2.0);
	assert_true(g.refused_bytes > 0);
	expect_why(&g, "smtp.example.com did not finish its reply to RCPT TO "
	    "within 1 s (t.timeout)");
	mmap_string_free(line);
	mailstream_close(s);
}

/* IMAP: a literal above the cap is refused when announced; a literal
 * under it does not count as text. */
static void
literals(void **state)
{
	struct mg_stream_limits	 l = {
		.host = "imap.example.com", .noun = "answer", .timeout = 5,
		.deadline = 5, .max_bytes = 1000, .max_text = 40,
		.max_literal = 30, .timeout_name = "i.timeout",
		.deadline_name = "i.command_timeout",
		.max_bytes_name = "i.max_response_size",
		.max_text_name = "i.max_response_text",
		.max_literal_name = "i.max_literal_size",
	};
	static const char	 big[] = "* 1 FETCH (BODY[] {31}\r\n";
	static const char	 ok[] = "* 1 FETCH (BODY[] {30}\r\n"
	    "012345678901234567890123456789)\r\n";
	struct fake		 f = { big, sizeof(big) - 1, 0, 100, 0, 0, -1, 0 };
	struct mg_stream_guard	 g;
	mailstream		*s = open_stream(&f, &g, &l);
	MMAPString		*line = mmap_string_new("");

	(void)state;
	mg_stream_guard_arm(&g, "UID FETCH");
	assert_null(mailstream_read_line_remove_eol(s, line));
	assert_int_equal(g.refused, MG_STREAM_LITERAL);
	expect_why(&g, "imap.example.com announced a literal of 31 bytes in "
	    "its answer to UID FETCH, more than i.max_literal_size (30)");
	mailstream_close(s);

	f = (struct fake){ ok, sizeof(ok) - 1, 0, 100, 0, 0, -1, 0 };
	s = open_stream(&f, &g, &l);
	mg_stream_guard_arm(&g, "UID FETCH");
	/* One read brought all of it: the line, the literal, the rest. */
	assert_non_null(mailstream_read_line_remove_eol(s, line));
	assert_int_equal(g.refused, MG_STREAM_OK);
	assert_int_equal(g.bytes, sizeof(ok) - 1);
	assert_int_equal(g.text, sizeof(ok) - 1 - 30);
	mmap_string_free(line);
	mailstream_close(s);
}

/* mg_stream_guard_arm_for(): a window of its own, which the writes in it
 * do not replace. */
static void
write_window(void **state)
{
	struct mg_stream_limits	 l = smtp_limits(5, 1000);
	struct fake		 f = { "354 go\r\n", 8, 0, 100, 0, 0, -1, 0 };
	struct mg_stream_guard	 g;
	mailstream		*s = open_stream(&f, &g, &l);
	MMAPString		*line = mmap_string_new("");
	char			 body[20000];

	(void)state;
	assert_non_null(mailstream_read_line_remove_eol(s, line));
	mg_stream_guard_arm_for(&g, "the message", 600);
	memset(body, 'a', sizeof(body));
	assert_int_equal(mailstream_write(s, body, sizeof(body)),
	    (ssize_t)sizeof(body));
	assert_int_equal(mailstream_flush(s), 0);
	assert_int_equal(g.window_secs, 600);
	assert_int_equal(f.written, sizeof(body));
	mg_stream_guard_arm(&g, "the message");
	assert_int_equal(g.window_secs, 5);
	mmap_string_free(line);
	mailstream_close(s);
}

/* A driver that loops inside one read, deaf to its timeout, as long as
 * nothing comes: the watchdog shuts its socket down after the wait, and
 * the guard calls it the silence it was. */
static void
watchdog(void **state)
{
	struct mg_stream_limits	 l = smtp_limits(1, 1000);
	struct fake		 f = { "", 0, 0, 100, 0, 0, -1, 0 };
	struct mg_stream_guard	 g;
	mailstream		*s;
	MMAPString		*line = mmap_string_new("");
	int			 sv[2];
	double			 t0, took;

	(void)state;
	alarm(10);	/* without the watchdog, the read never returns */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	f.fd = sv[0];
	l.deadline = 10;
	s = open_stream(&f, &g, &l);
	mg_stream_guard_arm(&g, "DATA");
	t0 = now_s();
	assert_null(mailstream_read_line_remove_eol(s, line));
	took = now_s() - t0;
	assert_int_equal(g.refused, MG_STREAM_SILENCE);
	assert_true(took >= 1.0 && took < 2.5);
	expect_why(&g, "smtp.example.com sent nothing for 1 s in its reply to "
	    "DATA (t.timeout)");
	mmap_string_free(line);
	mailstream_close(s);
	close(sv[0]);
	close(sv[1]);
	alarm(0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(byte_cap),
		cmocka_unit_test(eof_is_error),
		cmocka_unit_test(window_per_command),
		cmocka_unit_test(deadline_whole),
		cmocka_unit_test(literals),
		cmocka_unit_test(write_window),
		cmocka_unit_test(watchdog),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
