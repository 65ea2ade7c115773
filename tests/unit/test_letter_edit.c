/*
 * test_letter_edit.c - the decoded text of a letter, and the letter with
 * a new text: plain and HTML alternatives say the same, attachments and
 * header fields are kept, line ends follow the original, bad text is
 * refused.  Each result is parsed again with the message model.
 */
#include "config_auto.h"

#include "mg_test.h"

#include "matchguard/letter_edit.h"
#include "matchguard/message.h"

static const char alt_msg[] =
    "From: Priya Raman <priya.raman@example.com>\r\n"
    "To: genetics-residency@harborview.edu\r\n"
    "Subject: =?UTF-8?Q?Continued_interest_=E2=80=93_Priya?=\r\n"
    "Message-ID: <edit-1@example.com>\r\n"
    "X-Kept: yes\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"mix\"\r\n"
    "\r\n"
    "--mix\r\n"
    "Content-Type: multipart/alternative; boundary=\"alt\"\r\n"
    "\r\n"
    "--alt\r\n"
    "Content-Type: text/plain; charset=utf-8; format=flowed\r\n"
    "Content-Transfer-Encoding: quoted-printable\r\n"
    "\r\n"
    "Dear Dr. [Last Name],\r\n"
    "\r\n"
    "I=E2=80=99m still very interested.\r\n"
    "--alt\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "\r\n"
    "<html><body><p>Dear Dr. [Last Name],</p><p>I still am.</p></body></html>\r\n"
    "--alt--\r\n"
    "--mix\r\n"
    "Content-Type: application/pdf; name=\"cv.pdf\"\r\n"
    "Content-Disposition: attachment; filename=\"cv.pdf\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoK\r\n"
    "--mix--\r\n";

static const char plain_msg[] =
    "From: a@example.com\n"
    "To: b@example.org\n"
    "Subject: hello\n"
    "\n"
    "Old text.\n";

static const char html_msg[] =
    "From: a@example.com\n"
    "To: b@example.org\n"
    "Subject: html only\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/html; charset=us-ascii\n"
    "\n"
    "<p>Dear <b>Dr. [Last Name]</b>,</p>\n";

static struct mg_message *
reparse(const char *s, size_t n)
{
	struct mg_message	*m;
	char			 err[MG_ERRLEN];

	assert_int_equal(mg_message_parse(s, n, &m, err, sizeof(err)), 0);
	return m;
}

static void
test_text_decoded(void **state)
{
	char	*t, err[MG_ERRLEN];

	(void)state;
	assert_int_equal(mg_letter_edit_text(alt_msg, sizeof(alt_msg) - 1, &t,
	    err, sizeof(err)), 0);
	/* Decoded: no =E2=80=99, no CR. */
	/* (The line end before a boundary is the boundary's.) */
	assert_string_equal(t, "Dear Dr. [Last Name],\n\nI\u2019m still very "
	    "interested.");
	free(t);
	assert_int_equal(mg_letter_edit_text(html_msg, sizeof(html_msg) - 1, &t,
	    err, sizeof(err)), 0);
	assert_non_null(strstr(t, "Dear Dr. [Last Name],"));
	assert_null(strchr(t, '<'));
	free(t);
}

static void
test_replace_alternatives(void **state)
{
	static const char text[] = "Dear Dr. Marchetti,\r\n\r\nI\u2019m still "
	    "very interested <and> \"keen\".\r\nPriya\r\n";
	struct mg_message	*m;
	char			*out, *t, err[MG_ERRLEN];
	size_t			 n;

	(void)state;
	assert_int_equal(mg_letter_edit_replace(alt_msg, sizeof(alt_msg) - 1,
	    text, sizeof(text) - 1, &out, &n, err, sizeof(err)), 0);
	assert_int_equal(strlen(out), n);
	/* The original's CR LF everywhere: no bare LF. */
	for (size_t i = 0; i < n; i++)
		if (out[i] == '\n')
			assert_true(i > 0 && out[i - 1] == '\r');
	/* Header fields kept as they were. */
	assert_non_null(strstr(out, "X-Kept: yes\r\n"));
	assert_non_null(strstr(out, "Message-ID: <edit-1@example.com>\r\n"));
	assert_non_null(strstr(out, "=?UTF-8?Q?Continued_interest_=E2=80=93_"
	    "Priya?="));
	assert_null(strstr(out, "format=flowed"));
	m = reparse(out, n);
	assert_string_equal(m->body, "Dear Dr. Marchetti,\n\nI\u2019m still "
	    "very interested <and> \"keen\".\nPriya\n");
	/* The HTML alternative says the same, escaped. */
	assert_int_equal(m->n_parts, 1);
	assert_true(m->parts[0].html);
	assert_non_null(strstr(m->parts[0].body, "Dear Dr. Marchetti,"));
	assert_non_null(strstr(m->parts[0].body, "very interested <and> "
	    "\"keen\"."));
	assert_null(strstr(m->parts[0].body, "[Last Name]"));
	assert_null(strstr(out, "[Last Name]"));
	assert_non_null(strstr(out, "&lt;and&gt; &quot;keen&quot;"));
	/* The attachment, untouched. */
	assert_int_equal(m->n_attachments, 1);
	assert_string_equal(m->attachments[0].filename, "cv.pdf");
	assert_non_null(strstr(out, "JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBl"
	    "L0NhdGFsb2c+PgplbmRvYmoK"));
	mg_message_free(m);
	/* And the text read back is the new one. */
	assert_int_equal(mg_letter_edit_text(out, n, &t, err, sizeof(err)), 0);
	assert_string_equal(t, "Dear Dr. Marchetti,\n\nI\u2019m still very "
	    "interested <and> \"keen\".\nPriya\n");
	free(t);
	free(out);
}

static void
test_replace_plain_and_html_only(void **state)
{
	struct mg_message	*m;
	char			*out, err[MG_ERRLEN];
	size_t			 n;

	(void)state;
	/* A letter with no MIME header: 8-bit text gets one. */
	assert_int_equal(mg_letter_edit_replace(plain_msg, sizeof(plain_msg) - 1,
	    "Caf\u00e9 text.\n", strlen("Caf\u00e9 text.\n"), &out, &n, err,
	    sizeof(err)), 0);
	assert_null(strstr(out, "\r\n"));
	assert_non_null(strstr(out, "MIME-Version: 1.0"));
	assert_non_null(strstr(out, "Subject: hello\n"));
	m = reparse(out, n);
	assert_string_equal(m->body, "Caf\u00e9 text.\n");
	mg_message_free(m);
	free(out);

	assert_int_equal(mg_letter_edit_replace(html_msg, sizeof(html_msg) - 1,
	    "Dear Dr. Marchetti,\n", 20, &out, &n, err, sizeof(err)), 0);
	m = reparse(out, n);
	assert_true(m->html_only);
	assert_non_null(strstr(m->body, "Dear Dr. Marchetti,"));
	assert_null(strstr(out, "[Last Name]"));
	mg_message_free(m);
	free(out);
}

static void
test_refused(void **state)
{
	static const char no_text[] =
	    "From: a@example.com\nTo: b@example.org\nMIME-Version: 1.0\n"
	    "Content-Type: application/pdf\n\nJVBERi0=\n";
	char	*out, err[MG_ERRLEN];
	size_t	 n;

	(void)state;
	/* Not UTF-8. */
	assert_int_equal(mg_letter_edit_replace(plain_msg, sizeof(plain_msg) - 1,
	    "caf\xe9", 4, &out, &n, err, sizeof(err)), -1);
	assert_null(out);
	assert_non_null(strstr(err, "UTF-8"));
	/* A NUL inside. */
	assert_int_equal(mg_letter_edit_replace(plain_msg, sizeof(plain_msg) - 1,
	    "a\0b", 3, &out, &n, err, sizeof(err)), -1);
	/* No text part. */
	assert_int_equal(mg_letter_edit_replace(no_text, sizeof(no_text) - 1,
	    "x", 1, &out, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no text"));
	assert_int_equal(mg_letter_edit_text(no_text, sizeof(no_text) - 1, &out,
	    err, sizeof(err)), -1);
	/* Not a message. */
	assert_int_equal(mg_letter_edit_text("", 0, &out, err, sizeof(err)), -1);
}

static void
test_html_builder(void **state)
{
	char	*h;

	(void)state;
	h = mg_letter_edit_html("a & b\n<c>\n\n\nd\n");
	assert_non_null(h);
	assert_non_null(strstr(h, "<p>a &amp; b<br>\n&lt;c&gt;</p>\n<p>d</p>"));
	free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_decoded),
		cmocka_unit_test(test_replace_alternatives),
		cmocka_unit_test(test_replace_plain_and_html_only),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_html_builder),
	};
	int	rc;

	mg_message_init();
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	mg_message_shutdown();
	return rc;
}
