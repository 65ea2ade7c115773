/*
 * test_message.c - unit tests for src/message.c (GMime parsing, body
 * selection, attachments, body split, HTML to text, mbox).
 */
#include "config_auto.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "matchguard/message.h"
#include "matchguard/util.h"

static struct mg_message *
parse_ok(const char *s)
{
	struct mg_message	*m = NULL;
	char			 err[MG_ERRLEN] = "";

	if (mg_message_parse(s, strlen(s), &m, err, sizeof(err)) != 0)
		fail_msg("parse failed: %s", err);
	assert_non_null(m);
	assert_non_null(m->body);
	assert_non_null(m->new_text);
	assert_non_null(m->quoted_text);
	assert_non_null(m->signature);
	assert_non_null(m->subject);
	return m;
}

static void
test_plain(void **state)
{
	const char		*raw =
	    "From: \"Dr. Ann Lee\" <Ann.Lee@Example.EDU>\r\n"
	    "To: pd@Hospital.ORG\r\n"
	    "Subject: Interview follow-up\r\n"
	    "Date: Tue, 02 Jan 2024 10:00:00 +0000\r\n"
	    "Message-ID: <abc123@example.edu>\r\n"
	    "\r\n"
	    "Thank you for the interview.\r\n"
	    "Best\r\n";
	struct mg_message	*m;
	char			 hash[65];

	(void)state;
	m = parse_ok(raw);
	assert_string_equal(m->from, "Ann.Lee@example.edu");
	assert_string_equal(m->from_name, "Dr. Ann Lee");
	assert_int_equal(m->to.n, 1);
	assert_string_equal(m->to.v[0], "pd@hospital.org");
	assert_int_equal(m->cc.n, 0);
	assert_string_equal(m->subject, "Interview follow-up");
	assert_true(m->has_date);
	assert_int_equal((long long)m->date, 1704189600LL);
	assert_string_equal(m->message_id, "abc123@example.edu");
	assert_string_equal(m->body, "Thank you for the interview.\nBest\n");
	assert_string_equal(m->new_text, "Thank you for the interview.\nBest");
	assert_string_equal(m->quoted_text, "");
	assert_string_equal(m->signature, "");
	assert_int_equal(m->html_only, 0);
	assert_int_equal(m->n_attachments, 0);
	mg_sha256_hex(raw, strlen(raw), hash);
	assert_string_equal(m->hash, hash);
	mg_message_free(m);
}

static void
test_no_headers_absent(void **state)
{
	struct mg_message	*m;

	(void)state;
	m = parse_ok("X-Foo: bar\n\nbody\n");
	assert_null(m->from);
	assert_null(m->from_name);
	assert_string_equal(m->subject, "");
	assert_false(m->has_date);
	assert_null(m->message_id);
	assert_int_equal(m->in_reply_to.n, 0);
	mg_message_free(m);
}

static void
test_alternative(void **state)
{
	struct mg_message	*m;

	(void)state;
	m = parse_ok(
	    "From: a@b.org\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/alternative; boundary=\"XX\"\n"
	    "\n"
	    "--XX\n"
	    "Content-Type: text/html; charset=utf-8\n"
	    "\n"
	    "<p>HTML version</p>\n"
	    "--XX\n"
	    "Content-Type: text/plain; charset=utf-8\n"
	    "\n"
	    "Plain version\n"
	    "--XX--\n");
	assert_string_equal(m->new_text, "Plain version");
	assert_int_equal(m->html_only, 0);
	assert_int_equal(m->n_attachments, 0);
	/* The HTML version is kept too, as text. */
	assert_int_equal(m->n_parts, 1);
	assert_string_equal(m->parts[0].label, "the HTML version");
	assert_string_equal(m->parts[0].new_text, "HTML version");
	assert_int_equal(m->parts[0].html, 1);
	assert_int_equal(m->n_unread, 0);
	mg_message_free(m);
}

static void
test_text_parts(void **state)
{
	struct mg_message	*m;

	(void)state;
	/* Apple Mail: text, image, text; a copy of the body is left out;
	 * an attached text file is not read; a text part named inline is. */
	m = parse_ok("From: a@b.org\n"
	    "Content-Type: multipart/mixed; boundary=\"m\"\n\n"
	    "--m\nContent-Type: text/plain\n\nFirst part.\n"
	    "--m\nContent-Type: image/png; name=a.png\n"
	    "Content-Disposition: inline; filename=a.png\n\nxx\n"
	    "--m\nContent-Type: text/plain\n\nSecond part.\n-- \nPriya\n"
	    "--m\nContent-Type: text/plain\n\nFirst part.\n"
	    "--m\nContent-Type: text/plain; name=cv.txt\n"
	    "Content-Disposition: attachment; filename=cv.txt\n\nThe CV.\n"
	    "--m\nContent-Type: text/plain; name=note.txt\n"
	    "Content-Disposition: inline; filename=note.txt\n\nA note.\n"
	    "--m\nContent-Type: text/x-markdown\n\n*Third*\n"
	    "--m--\n");
	assert_string_equal(m->new_text, "First part.");
	assert_int_equal(m->n_parts, 3);
	assert_string_equal(m->parts[0].label, "the second text part");
	assert_string_equal(m->parts[0].new_text, "Second part.");
	assert_string_equal(m->parts[0].signature, "Priya");
	/* Counted among the text parts a reader sees, the copy too. */
	assert_string_equal(m->parts[1].label, "the fourth text part");
	assert_string_equal(m->parts[1].new_text, "A note.");
	assert_string_equal(m->parts[2].label, "the fifth text part");
	assert_int_equal(m->n_attachments, 3);	/* a.png, cv.txt, note.txt */
	mg_message_free(m);

	/* Enriched text, and a forwarded message shown inline. */
	m = parse_ok("From: a@b.org\n"
	    "Content-Type: multipart/mixed; boundary=\"m\"\n\n"
	    "--m\nContent-Type: text/enriched\n\n<bold>Dear</bold> Dr. Lee,\n"
	    "--m\nContent-Type: message/rfc822\nContent-Disposition: inline\n\n"
	    "From: x@y.org\nSubject: old\n\nThe old letter.\n"
	    "--m--\n");
	assert_string_equal(m->new_text, "Dear Dr. Lee,");
	assert_int_equal(m->n_parts, 1);
	assert_string_equal(m->parts[0].label, "the forwarded message");
	assert_string_equal(m->parts[0].new_text, "The old letter.");
	assert_int_equal(m->n_attachments, 1);
	mg_message_free(m);

	/* multipart/signed: the signature is no attachment. */
	m = parse_ok("From: a@b.org\n"
	    "Content-Type: multipart/signed; protocol=\"application/"
	    "pgp-signature\"; micalg=pgp-sha256; boundary=\"s\"\n\n"
	    "--s\nContent-Type: text/plain\n\nSigned text.\n"
	    "--s\nContent-Type: application/pgp-signature; name=sig.asc\n\n"
	    "-----BEGIN PGP SIGNATURE-----\n--s--\n");
	assert_string_equal(m->new_text, "Signed text.");
	assert_int_equal(m->n_attachments, 0);
	mg_message_free(m);
}

static void
test_unread(void **state)
{
	struct mg_message	*m;

	(void)state;
	/* An unknown transfer encoding in the HTML version. */
	m = parse_ok("From: a@b.org\n"
	    "Content-Type: multipart/alternative; boundary=\"a\"\n\n"
	    "--a\nContent-Type: text/plain\n\nPlain.\n"
	    "--a\nContent-Type: text/html\nContent-Transfer-Encoding: x-gz\n\n"
	    "<p>HTML.</p>\n--a--\n");
	assert_int_equal(m->n_unread, 1);
	assert_int_equal(m->unread[0].kind, MG_UNREAD_ENCODING);
	assert_string_equal(m->unread[0].where, "the HTML version");
	assert_string_equal(m->unread[0].detail, "x-gz");
	mg_message_free(m);
	/* A known one is decoded. */
	m = parse_ok("From: a@b.org\nContent-Transfer-Encoding: x-uuencode\n\n"
	    "begin 644 a.txt\n&2&5L;&\\*\n`\nend\n");
	assert_int_equal(m->n_unread, 0);
	assert_string_equal(m->body, "Hello\n");
	mg_message_free(m);
	/* 8-bit text in a charset nobody knows; ASCII in one is fine. */
	m = parse_ok("From: a@b.org\n"
	    "Content-Type: text/plain; charset=x-nobody\n\nCaf\xe9\n");
	assert_int_equal(m->n_unread, 1);
	assert_int_equal(m->unread[0].kind, MG_UNREAD_CHARSET);
	assert_string_equal(m->unread[0].detail, "x-nobody");
	mg_message_free(m);
	m = parse_ok("From: a@b.org\n"
	    "Content-Type: text/plain; charset=x-nobody\n\nCafe\n");
	assert_int_equal(m->n_unread, 0);
	assert_string_equal(m->body, "Cafe\n");
	mg_message_free(m);
	/* Encrypted: PGP/MIME, S/MIME, inline PGP. */
	m = parse_ok("From: a@b.org\n"
	    "Content-Type: multipart/encrypted; protocol=\"application/"
	    "pgp-encrypted\"; boundary=\"e\"\n\n"
	    "--e\nContent-Type: application/pgp-encrypted\n\nVersion: 1\n"
	    "--e\nContent-Type: application/octet-stream\n\nxx\n--e--\n");
	assert_int_equal(m->n_unread, 1);
	assert_int_equal(m->unread[0].kind, MG_UNREAD_ENCRYPTED);
	assert_string_equal(m->unread[0].detail, "PGP");
	mg_message_free(m);
	m = parse_ok("From: a@b.org\nContent-Type: application/pkcs7-mime; "
	    "smime-type=enveloped-data; name=smime.p7m\n"
	    "Content-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHA6CAMIAC\n");
	assert_int_equal(m->n_unread, 1);
	assert_string_equal(m->unread[0].detail, "S/MIME");
	mg_message_free(m);
	m = parse_ok("From: a@b.org\n\n-----BEGIN PGP MESSAGE-----\n\nhQEM\n"
	    "-----END PGP MESSAGE-----\n");
	assert_int_equal(m->n_unread, 1);
	assert_int_equal(m->unread[0].kind, MG_UNREAD_ENCRYPTED);
	mg_message_free(m);
	/* A boundary that never occurs, in a nested part. */
	m = parse_ok("From: a@b.org\n"
	    "Content-Type: multipart/mixed; boundary=\"o\"\n\n"
	    "--o\nContent-Type: text/plain\n\nHello.\n"
	    "--o\nContent-Type: multipart/alternative; boundary=\"zz\"\n\n"
	    "--yy\nContent-Type: text/plain\n\nHidden.\n--yy--\n"
	    "--o--\n");
	assert_string_equal(m->new_text, "Hello.");
	assert_int_equal(m->n_unread, 1);
	assert_int_equal(m->unread[0].kind, MG_UNREAD_BOUNDARY);
	assert_string_equal(m->unread[0].where, "part 3");
	assert_string_equal(m->unread[0].detail, "its boundary never occurs");
	mg_message_free(m);
}

static void
test_odd_text(void **state)
{
	struct mg_message	*m;
	static const char	 nul[] = "From: a@b.org\r\n\r\nDear\0Dr. [X],\r\n";
	char			 err[MG_ERRLEN];

	(void)state;
	/* Bare CR line ends: the header ends, the body is read. */
	m = parse_ok("From: a@b.org\rSubject: cr only\r\rLine one\rLine two\r");
	assert_string_equal(m->subject, "cr only");
	assert_string_equal(m->new_text, "Line one\nLine two");
	mg_message_free(m);
	/* The CR CR LF of a line end converted twice stays as it was. */
	m = parse_ok("From: a@b.org\r\r\nSubject: x\r\n\r\nText\r\r\n");
	assert_string_equal(m->subject, "x");
	mg_message_free(m);
	/* A NUL byte does not cut the text short. */
	assert_int_equal(mg_message_parse(nul, sizeof(nul) - 1, &m, err,
	    sizeof(err)), 0);
	assert_string_equal(m->new_text, "Dear Dr. [X],");
	mg_message_free(m);
	/* A Content-Type that does not parse is text/plain (RFC 2045). */
	m = parse_ok("From: a@b.org\nContent-Type: ;;garbage\n\nRead me.\n");
	assert_string_equal(m->new_text, "Read me.");
	assert_int_equal(m->n_attachments, 0);
	mg_message_free(m);
	/* Undeclared 8-bit text is read as Windows-1252. */
	m = parse_ok("From: a@b.org\n\nthe \x93program\x94 caf\xe9\n");
	assert_string_equal(m->new_text,
	    "the \xe2\x80\x9cprogram\xe2\x80\x9d caf\xc3\xa9");
	mg_message_free(m);
	/* Base64 text with CR-only line ends inside. */
	m = parse_ok("From: a@b.org\nContent-Transfer-Encoding: base64\n\n"
	    "b25lDXR3bw0=\n");
	assert_string_equal(m->new_text, "one\ntwo");
	mg_message_free(m);
}

static void
test_html_only(void **state)
{
	struct mg_message	*m;

	(void)state;
	m = parse_ok(
	    "From: a@b.org\n"
	    "Content-Type: text/html; charset=utf-8\n"
	    "\n"
	    "<html><head><title>T</title><style>p{color:red}</style></head>"
	    "<body><p>Fish &amp; chips &lt;3 &quot;x&quot; &#233;&#x20AC;"
	    "</p><script>alert('no')</script><div>Line&nbsp;two<br>three"
	    "</div></body></html>\n");
	assert_int_equal(m->html_only, 1);
	assert_string_equal(m->body,
	    "Fish & chips <3 \"x\" \xc3\xa9\xe2\x82\xac\n\nLine two\nthree");
	assert_null(strstr(m->body, "alert"));
	assert_null(strstr(m->body, "color"));
	mg_message_free(m);
}

static void
test_html_to_text(void **state)
{
	const char	*html = "<p>Hi</p><p></p><p></p><p>there</p>"
	    "<blockquote>quoted<br>two<blockquote>deep</blockquote>"
	    "</blockquote>after<ul><li>a</li><li>b</li></ul>"
	    "<!-- a comment <p> --><table><tr><td>x</td><td>y</td></tr>"
	    "</table>a < b &bogus; &#0; <a title=\"1>2\">link</a>";
	char		*t;

	(void)state;
	t = mg_html_to_text(html, strlen(html));
	assert_non_null(t);
	assert_string_equal(t, "Hi\n\nthere\n\n> quoted\n> two\n> > deep\n"
	    "after\na\nb\nx y\na < b &bogus; \xef\xbf\xbd link");
	free(t);
	t = mg_html_to_text("text <b unclosed", 16);
	assert_string_equal(t, "text");
	free(t);
	t = mg_html_to_text("", 0);
	assert_string_equal(t, "");
	free(t);
}

/* Hostile HTML must stay linear: this is 4 MB of unclosed constructs. */
static void
test_html_pathological(void **state)
{
	const char	*pieces[] = { "<a '", "&#x", "<!--", "<script>", "<",
	    "<br><p>" };

	(void)state;
	for (size_t k = 0; k < sizeof(pieces) / sizeof(pieces[0]); k++) {
		size_t	 plen = strlen(pieces[k]), n = (4u << 20) / plen;
		char	*buf = malloc(n * plen + 1), *t;

		assert_non_null(buf);
		for (size_t i = 0; i < n; i++)
			memcpy(buf + i * plen, pieces[k], plen);
		buf[n * plen] = '\0';
		t = mg_html_to_text(buf, n * plen);
		assert_non_null(t);
		free(t);
		free(buf);
	}
}

static void
test_rfc2047_subject(void **state)
{
	struct mg_message	*m;

	(void)state;
	m = parse_ok("From: a@b.org\n"
	    "Subject: =?UTF-8?B?Q2Fmw6kgdGFsaw==?=\n\nx\n");
	assert_string_equal(m->subject, "Caf\xc3\xa9 talk");
	mg_message_free(m);
	m = parse_ok("From: =?ISO-8859-1?Q?Jos=E9?= <j@b.org>\n"
	    "Subject: =?ISO-8859-1?Q?R=E9sum=E9_attached?=\n\nx\n");
	assert_string_equal(m->subject, "R\xc3\xa9sum\xc3\xa9 attached");
	assert_string_equal(m->from_name, "Jos\xc3\xa9");
	mg_message_free(m);
}

static void
test_quoted_printable(void **state)
{
	struct mg_message	*m;

	(void)state;
	m = parse_ok("From: a@b.org\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n"
	    "\r\n"
	    "Caf=C3=A9 is a very long line that was soft=\r\n"
	    " wrapped =3D done\r\n");
	assert_string_equal(m->body,
	    "Caf\xc3\xa9 is a very long line that was soft wrapped = done\n");
	mg_message_free(m);
}

static void
test_base64(void **state)
{
	struct mg_message	*m;

	(void)state;
	/* "Hello, program director!\r\nSecond line\r\n" */
	m = parse_ok("From: a@b.org\n"
	    "Content-Type: text/plain; charset=us-ascii\n"
	    "Content-Transfer-Encoding: base64\n"
	    "\n"
	    "SGVsbG8sIHByb2dyYW0gZGlyZWN0b3IhDQpTZWNvbmQgbGluZQ0K\n");
	assert_string_equal(m->body, "Hello, program director!\nSecond line\n");
	mg_message_free(m);
}

static void
test_latin1(void **state)
{
	struct mg_message	*m;

	(void)state;
	m = parse_ok("From: a@b.org\n"
	    "Content-Type: text/plain; charset=iso-8859-1\n"
	    "Content-Transfer-Encoding: 8bit\n"
	    "\n"
	    "Gr\xfc\xdf" "e aus K\xf6ln\n");
	assert_string_equal(m->body, "Gr\xc3\xbc\xc3\x9f" "e aus K\xc3\xb6ln\n");
	mg_message_free(m);
	/* Undeclared 8-bit bytes still give valid UTF-8. */
	m = parse_ok("From: a@b.org\n\nbad \xff\xfe bytes\n");
	assert_true(g_utf8_validate(m->body, -1, NULL));
	assert_non_null(strstr(m->body, "bytes"));
	mg_message_free(m);
}

static void
test_attachments(void **state)
{
	struct mg_message	*m;

	(void)state;
	m = parse_ok(
	    "From: a@b.org\n"
	    "Content-Type: multipart/mixed; boundary=\"=_b\"\n"
	    "\n"
	    "--=_b\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "See attached CV.\n"
	    "--=_b\n"
	    "Content-Type: Application/PDF; name=\"cv.pdf\"\n"
	    "Content-Disposition: attachment;\n"
	    " filename=\"=?UTF-8?Q?CV_J=C3=B6rg.pdf?=\"\n"
	    "Content-Transfer-Encoding: base64\n"
	    "\n"
	    "SGVsbG8gV29ybGQ=\n"
	    "--=_b\n"
	    "Content-Type: image/png\n"
	    "Content-Transfer-Encoding: base64\n"
	    "\n"
	    "AAECAw==\n"
	    "--=_b\n"
	    "Content-Type: text/plain\n"
	    "Content-Disposition: attachment\n"
	    "\n"
	    "notes\n"
	    "--=_b--\n");
	assert_string_equal(m->new_text, "See attached CV.");
	assert_int_equal(m->n_attachments, 3);
	assert_string_equal(m->attachments[0].filename, "CV J\xc3\xb6rg.pdf");
	assert_string_equal(m->attachments[0].content_type, "application/pdf");
	assert_int_equal(m->attachments[0].size, 11);
	assert_null(m->attachments[1].filename);
	assert_string_equal(m->attachments[1].content_type, "image/png");
	assert_int_equal(m->attachments[1].size, 4);
	assert_string_equal(m->attachments[2].content_type, "text/plain");
	assert_true(m->attachments[2].size >= 5);
	mg_message_free(m);
}

static void
test_broken_mime(void **state)
{
	struct mg_message	*m;

	(void)state;
	/* multipart without a boundary parameter: not read, and said */
	m = parse_ok("From: a@b.org\n"
	    "Content-Type: multipart/mixed\n"
	    "\n"
	    "--foo\nContent-Type: text/plain\n\nhello\n");
	assert_int_equal(m->n_unread, 1);
	assert_int_equal(m->unread[0].kind, MG_UNREAD_BOUNDARY);
	assert_string_equal(m->unread[0].where, "");
	assert_string_equal(m->unread[0].detail, "it has no boundary");
	mg_message_free(m);
	/* truncated: no closing boundary, base64 cut in the middle */
	m = parse_ok("From: a@b.org\n"
	    "Content-Type: multipart/mixed; boundary=\"q\"\n"
	    "\n"
	    "--q\nContent-Type: text/plain\n\nstill here\n"
	    "--q\nContent-Type: application/zip; name=a.zip\n"
	    "Content-Transfer-Encoding: base64\n\nUEsDBBQAAA");
	assert_non_null(strstr(m->body, "still here"));
	assert_int_equal(m->n_attachments, 1);
	assert_string_equal(m->attachments[0].filename, "a.zip");
	mg_message_free(m);
	/* headers cut off in the middle of a field */
	m = parse_ok("From: a@b.org\nContent-Type: multipart/mixed; bound");
	mg_message_free(m);
}

static void
test_empty_body(void **state)
{
	struct mg_message	*m;

	(void)state;
	m = parse_ok("From: a@b.org\nSubject: nothing\n");
	assert_string_equal(m->body, "");
	assert_string_equal(m->new_text, "");
	assert_string_equal(m->quoted_text, "");
	assert_string_equal(m->signature, "");
	assert_string_equal(m->subject, "nothing");
	mg_message_free(m);
}

static void
test_not_a_message(void **state)
{
	static const char	 garbage[] = "\x01\x02\xff\xfe\x00\x89PNG\r\n";
	const char		*text = "Dear Dr. Smith,\nthis is just text.\n";
	struct mg_message	*m = (struct mg_message *)1;
	char			 err[MG_ERRLEN];

	(void)state;
	err[0] = '\0';
	assert_int_equal(mg_message_parse("", 0, &m, err, sizeof(err)), -1);
	assert_null(m);
	assert_non_null(strstr(err, "not a mail message"));
	err[0] = '\0';
	assert_int_equal(mg_message_parse(garbage, sizeof(garbage) - 1, &m, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "not a mail message: no header fields");
	err[0] = '\0';
	assert_int_equal(mg_message_parse(text, strlen(text), &m, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "not a mail message: no header fields");
	assert_null(strchr(err, '\n'));
	err[0] = '\0';
	assert_int_equal(mg_message_parse_file("/nonexistent/x.eml", &m, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/x.eml: "));
}

static void
test_parse_file(void **state)
{
	char			 path[] = "/tmp/test_message_XXXXXX";
	const char		*text = "not a message\n";
	struct mg_message	*m = NULL;
	char			 err[MG_ERRLEN] = "";
	int			 fd;

	(void)state;
	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(mg_message_parse_file(path, &m, err, sizeof(err)), -1);
	assert_true(strncmp(err, path, strlen(path)) == 0);
	assert_non_null(strstr(err, "no header fields"));
	unlink(path);
}

static void
test_threading(void **state)
{
	struct mg_message	*m;

	(void)state;
	m = parse_ok("From: a@b.org\n"
	    "Message-ID: <new@x.org>\n"
	    "In-Reply-To: <parent@y.org>\n"
	    "References: <root@z.org>\n"
	    " <mid@y.org> <parent@y.org>\n"
	    "\nok\n");
	assert_int_equal(m->in_reply_to.n, 1);
	assert_string_equal(m->in_reply_to.v[0], "parent@y.org");
	assert_int_equal(m->references.n, 3);
	assert_string_equal(m->references.v[0], "root@z.org");
	assert_string_equal(m->references.v[1], "mid@y.org");
	assert_string_equal(m->references.v[2], "parent@y.org");
	mg_message_free(m);
}

static void
test_reply_split(void **state)
{
	struct mg_message	*m;

	(void)state;
	m = parse_ok("From: a@b.org\r\n\r\n"
	    "I would be glad to rank your program first.\r\n"
	    "\r\n"
	    "-- \r\n"
	    "Jane Doe, MD\r\n"
	    "\r\n"
	    "On Mon, 1 Jan 2024 at 09:00, PD <pd@h.org>\r\n"
	    "wrote:\r\n"
	    "> Where will you rank us?\r\n"
	    "> Thanks\r\n");
	assert_string_equal(m->new_text,
	    "I would be glad to rank your program first.");
	assert_string_equal(m->signature, "Jane Doe, MD");
	assert_string_equal(m->quoted_text,
	    "On Mon, 1 Jan 2024 at 09:00, PD <pd@h.org>\nwrote:\n"
	    "> Where will you rank us?\n> Thanks");
	mg_message_free(m);
}

struct split_case {
	const char	*body;
	const char	*new_text;
	const char	*quoted;	/* prefix of the quoted part */
	const char	*signature;
};

static void
test_split_table(void **state)
{
	static const struct split_case cases[] = {
		{ "", "", "", "" },
		{ "Hi\n\nOn Tue, X wrote:\n", "Hi", "On Tue, X wrote:", "" },
		{ "Hi\nOn Tuesday I wrote: more\nbye\n",
		    "Hi\nOn Tuesday I wrote: more\nbye", "", "" },
		{ "Top\n-----Original Message-----\nFrom: x\nbody\n",
		    "Top", "-----Original Message-----\nFrom: x", "" },
		{ "Top\n\nFrom: PD <pd@h.org>\nSent: Monday\nTo: me\n\nold\n",
		    "Top", "From: PD <pd@h.org>\nSent: Monday", "" },
		{ "Top\n________________________________\nFrom: PD\nold\n",
		    "Top", "________________________________\nFrom: PD", "" },
		{ "> q1\na1\n> q2\na2\n--\nsig\n", "a1\na2", "> q1\n> q2",
		    "sig" },
		{ "text\n-- \nJ\n-- \nK\n", "text", "", "J\n-- \nK" },
		{ "only sig\n-- \n", "only sig", "", "" },
		{ "A\n-- \nS\n-----Original Message-----\n-- \nold sig\n",
		    "A", "-----Original Message-----\n-- \nold sig", "S" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char	*n, *q, *s;

		assert_int_equal(mg_split_body(cases[i].body, &n, &q, &s), 0);
		if (strcmp(n, cases[i].new_text) != 0 ||
		    strncmp(q, cases[i].quoted, strlen(cases[i].quoted)) != 0 ||
		    (cases[i].quoted[0] == '\0' && q[0] != '\0') ||
		    strcmp(s, cases[i].signature) != 0)
			fail_msg("case %zu: new [%s] quoted [%s] sig [%s]",
			    i, n, q, s);
		free(n);
		free(q);
		free(s);
	}
}

static void
test_deep_nesting(void **state)
{
	GString			*s = g_string_new("From: a@b.org\n"
	    "Content-Type: multipart/mixed; boundary=\"b0\"\n\n");
	struct mg_message	*m;

	(void)state;
	for (int i = 0; i < 200; i++)
		g_string_append_printf(s, "--b%d\nContent-Type: multipart/mixed;"
		    " boundary=\"b%d\"\n\n", i, i + 1);
	g_string_append(s, "--b200\nContent-Type: text/plain\n\ndeep text\n");
	m = parse_ok(s->str);
	/* the text is below MG_MSG_MAX_DEPTH, so it is not walked, and
	 * that is said */
	assert_null(strstr(m->body, "deep text"));
	assert_int_equal(m->n_unread, 1);
	assert_int_equal(m->unread[0].kind, MG_UNREAD_DEPTH);
	mg_message_free(m);
	g_string_free(s, TRUE);

	/* many sibling parts: bounded by MG_MSG_MAX_PARTS */
	s = g_string_new("From: a@b.org\n"
	    "Content-Type: multipart/mixed; boundary=\"z\"\n\n");
	for (int i = 0; i < 3000; i++)
		g_string_append(s, "--z\nContent-Type: image/gif\n\nx\n");
	g_string_append(s, "--z--\n");
	m = parse_ok(s->str);
	assert_true(m->n_attachments > 0);
	assert_true(m->n_attachments < MG_MSG_MAX_PARTS);
	assert_int_equal(m->n_unread, 1);
	assert_int_equal(m->unread[0].kind, MG_UNREAD_PARTS);
	mg_message_free(m);
	g_string_free(s, TRUE);
}

struct mbox_seen {
	int	 n;
	char	 subjects[4][32];
	char	 hashes[4][65];
	int	 stop_at;
};

static int
mbox_cb(struct mg_message *m, void *arg)
{
	struct mbox_seen	*seen = arg;

	if (seen->n < 4) {
		snprintf(seen->subjects[seen->n], 32, "%s", m->subject);
		memcpy(seen->hashes[seen->n], m->hash, 65);
	}
	seen->n++;
	return seen->n == seen->stop_at ? 7 : 0;
}

static void
write_file(char *path, const char *text)
{
	int	fd;

	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static void
test_mbox(void **state)
{
	const char		*msg2 = "From: b@x.org\nSubject: second\n\n"
	    ">From the start\n";
	char			 path[] = "/tmp/test_message_mbox_XXXXXX";
	char			 text[1024], err[MG_ERRLEN] = "";
	struct mbox_seen	 seen = { 0 };
	struct mg_message	*m;

	(void)state;
	snprintf(text, sizeof(text),
	    "From a@x.org Mon Jan  1 00:00:00 2024\n"
	    "From: a@x.org\nSubject: first\n\nbody one\n\n"
	    "From b@x.org Mon Jan  1 00:00:01 2024\n%s\n"
	    "From c@x.org Mon Jan  1 00:00:02 2024\n"
	    "From: c@x.org\nSubject: =?UTF-8?Q?th=C3=AErd?=\n\nbody three\n",
	    msg2);
	write_file(path, text);
	assert_int_equal(mg_message_foreach_mbox(path, mbox_cb, &seen, err,
	    sizeof(err)), 0);
	assert_int_equal(seen.n, 3);
	assert_string_equal(seen.subjects[0], "first");
	assert_string_equal(seen.subjects[1], "second");
	assert_string_equal(seen.subjects[2], "th\xc3\xaerd");
	/* the hash is that of the message alone */
	m = parse_ok(msg2);
	assert_string_equal(seen.hashes[1], m->hash);
	mg_message_free(m);

	memset(&seen, 0, sizeof(seen));
	seen.stop_at = 2;
	assert_int_equal(mg_message_foreach_mbox(path, mbox_cb, &seen, err,
	    sizeof(err)), 7);
	assert_int_equal(seen.n, 2);
	unlink(path);
}

static void
test_mbox_errors(void **state)
{
	char			 path[] = "/tmp/test_message_mbox_XXXXXX";
	char			 err[MG_ERRLEN] = "";
	struct mbox_seen	 seen = { 0 };

	(void)state;
	assert_int_equal(mg_message_foreach_mbox("/nonexistent/mbox", mbox_cb,
	    &seen, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/mbox: "));
	write_file(path, "Subject: not an mbox\n\nhello\n");
	err[0] = '\0';
	assert_int_equal(mg_message_foreach_mbox(path, mbox_cb, &seen, err,
	    sizeof(err)), -1);
	assert_true(strncmp(err, path, strlen(path)) == 0);
	assert_int_equal(seen.n, 0);
	unlink(path);
}

static void
test_recipients(void **state)
{
	struct mg_message	*m;
	struct mg_strlist	 r = { 0 };

	(void)state;
	m = parse_ok("From: a@b.org\n"
	    "To: One <one@X.org>, two@y.org\n"
	    "Cc: ONE@x.org, three@z.org\n"
	    "Bcc: Secret <hidden@Q.org>\n"
	    "\nhi\n");
	assert_int_equal(m->bcc.n, 1);
	assert_string_equal(m->bcc.v[0], "hidden@q.org");
	assert_string_equal(m->cc.v[0], "ONE@x.org");
	assert_int_equal(mg_message_recipients(m, &r), 0);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.v[0], "one@x.org");
	assert_string_equal(r.v[1], "two@y.org");
	assert_string_equal(r.v[2], "three@z.org");
	assert_string_equal(r.v[3], "hidden@q.org");
	mg_strlist_clear(&r);

	assert_int_equal(mg_strlist_add(&m->env_rcpts, "env@e.org"), 0);
	assert_int_equal(mg_strlist_add(&m->env_rcpts, "ENV@e.org"), 0);
	m->env_from = strdup("sender@e.org");
	assert_int_equal(mg_message_recipients(m, &r), 0);
	assert_int_equal(r.n, 1);
	assert_string_equal(r.v[0], "env@e.org");
	mg_strlist_clear(&r);
	mg_message_free(m);
}

static void
test_groups(void **state)
{
	struct mg_message	*m;

	(void)state;
	m = parse_ok("From: a@b.org\n"
	    "To: Programs: pd1@H1.org, Dr X <pd2@h2.org>;, solo@s.org\n"
	    "Cc: undisclosed-recipients:;\n"
	    "\nhi\n");
	assert_int_equal(m->to.n, 3);
	assert_string_equal(m->to.v[0], "pd1@h1.org");
	assert_string_equal(m->to.v[1], "pd2@h2.org");
	assert_string_equal(m->to.v[2], "solo@s.org");
	assert_int_equal(m->cc.n, 0);
	mg_message_free(m);
}

static void
test_free_null(void **state)
{
	(void)state;
	mg_message_free(NULL);
}

static int
setup(void **state)
{
	(void)state;
	mg_message_init();
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	mg_message_shutdown();
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_no_headers_absent),
		cmocka_unit_test(test_alternative),
		cmocka_unit_test(test_text_parts),
		cmocka_unit_test(test_unread),
		cmocka_unit_test(test_odd_text),
		cmocka_unit_test(test_html_only),
		cmocka_unit_test(test_html_to_text),
		cmocka_unit_test(test_html_pathological),
		cmocka_unit_test(test_rfc2047_subject),
		cmocka_unit_test(test_quoted_printable),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_latin1),
		cmocka_unit_test(test_attachments),
		cmocka_unit_test(test_broken_mime),
		cmocka_unit_test(test_empty_body),
		cmocka_unit_test(test_not_a_message),
		cmocka_unit_test(test_parse_file),
		cmocka_unit_test(test_threading),
		cmocka_unit_test(test_reply_split),
		cmocka_unit_test(test_split_table),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_mbox),
		cmocka_unit_test(test_mbox_errors),
		cmocka_unit_test(test_recipients),
		cmocka_unit_test(test_groups),
		cmocka_unit_test(test_free_null),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
