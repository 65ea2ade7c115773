/*
 * test_redact.c - a server's echo of a credential never survives
 * mg_redact(): the plain secret, its IMAP quoted form, the base64 of the
 * SASL PLAIN, LOGIN and XOAUTH2 blobs and of each part at every offset,
 * in any case, cut by white space; the authentication rule for tokens the
 * set does not know; and ordinary reply text left alone.
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
#include <glib.h>

#include "matchguard/redact.h"

#define USER	"priya.raman@example.com"
#define PASS	"Tr0ub4dor&3xyz"
#define TOKEN	"ya29.a0AfH6SMBx-token_value42"

static struct mg_redact *
set_new(void)
{
	struct mg_redact	*r = mg_redact_new();
	const char		 plain[] = "\0" USER "\0" PASS;
	const char		 xoauth[] = "user=" USER "\001auth=Bearer "
	    TOKEN "\001\001";

	assert_non_null(r);
	assert_int_equal(mg_redact_add(r, USER), 0);
	assert_int_equal(mg_redact_add(r, PASS), 0);
	assert_int_equal(mg_redact_add(r, TOKEN), 0);
	assert_int_equal(mg_redact_add_blob(r, plain, sizeof(plain) - 1), 0);
	assert_int_equal(mg_redact_add_blob(r, xoauth, sizeof(xoauth) - 1), 0);
	return r;
}

static char *
b64(const char *s, size_t len)
{
	return g_base64_encode((const guchar *)s, len);
}

static char *
upper(char *s)
{
	for (char *p = s; *p != '\0'; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	return s;
}

static char *
lowered(char *s)
{
	for (char *p = s; *p != '\0'; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return s;
}

/* s with a CR LF and a space after every 7th character. */
static char *
split(const char *s)
{
	size_t	n = strlen(s);
	char	*o = malloc(n * 2 + 8), *p = o;

	assert_non_null(o);
	for (size_t i = 0; i < n; i++) {
		*p++ = s[i];
		if (i % 7 == 6 && i + 1 < n) {
			*p++ = '\r';
			*p++ = '\n';
			*p++ = ' ';
		}
	}
	*p = '\0';
	return o;
}

/* The text "535 <echo> failed" must come out as "535 [redacted] failed"
 * (or with more than one mark, but none of the echo). */
static void
assert_hidden(const struct mg_redact *r, const char *echo, int flags,
    const char *what)
{
	char	*text = g_strdup_printf("535 5.7.8 you said <%s> failed", echo);
	char	 out[1024];

	mg_redact(r, text, flags, out, sizeof(out));
	if (strncmp(out, "535 5.7.8 you said <", 20) != 0 ||
	    strstr(out, MG_REDACT_MARK) == NULL ||
	    strstr(out, "> failed") == NULL) {
		print_error("%s: \"%s\" -> \"%s\"\n", what, text, out);
		fail();
	}
	/* Nothing but marks and white space between the brackets. */
	for (const char *p = out + 20; *p != '>'; p++) {
		if (strncmp(p, MG_REDACT_MARK, strlen(MG_REDACT_MARK)) == 0) {
			p += strlen(MG_REDACT_MARK) - 1;
			continue;
		}
		if (*p != ' ' && *p != '\r' && *p != '\n') {
			print_error("%s: left \"%s\"\n", what, out);
			fail();
		}
	}
	g_free(text);
}

static void
assert_redacts(const struct mg_redact *r, const char *in, int flags,
    const char *want)
{
	char	out[1024];

	assert_string_equal(mg_redact(r, in, flags, out, sizeof(out)), want);
}

static void
plain_forms(void **state)
{
	struct mg_redact	*r = set_new();
	char			 pw[] = PASS, *s;

	(void)state;
	assert_hidden(r, PASS, 0, "the password");
	assert_hidden(r, upper(pw), 0, "the password upper-cased");
	assert_hidden(r, lowered(pw), 0, "the password lower-cased");
	assert_hidden(r, USER, 0, "the user");
	assert_hidden(r, TOKEN, 0, "the token");
	assert_redacts(r, "a2 NO LOGIN " USER " " PASS " refused", 0,
	    "a2 NO LOGIN [redacted] [redacted] refused");
	s = split(PASS);
	assert_hidden(r, s, 0, "the password split over lines");
	free(s);
	mg_redact_free(&r);
	assert_null(r);
}

static void
quoted_form(void **state)
{
	struct mg_redact	*r = mg_redact_new();

	(void)state;
	assert_int_equal(mg_redact_add(r, "pa\"ss\\word"), 0);
	assert_redacts(r, "NO LOGIN priya \"pa\\\"ss\\\\word\" failed", 0,
	    "NO LOGIN priya \"[redacted]\" failed");
	assert_hidden(r, "pa\"ss\\word", 0, "the raw password (literal)");
	mg_redact_free(&r);
}

static void
sasl_blobs(void **state)
{
	struct mg_redact	*r = set_new();
	const char		 plain[] = "\0" USER "\0" PASS;
	const char		 xoauth[] = "user=" USER "\001auth=Bearer "
	    TOKEN "\001\001";
	char			*b, *s;

	(void)state;
	b = b64(plain, sizeof(plain) - 1);
	assert_hidden(r, b, 0, "AUTH PLAIN's blob");
	s = split(b);
	assert_hidden(r, s, 0, "AUTH PLAIN's blob split");
	free(s);
	assert_hidden(r, upper(b), 0, "AUTH PLAIN's blob upper-cased");
	assert_hidden(r, lowered(b), 0, "AUTH PLAIN's blob lower-cased");
	g_free(b);
	b = b64(xoauth, sizeof(xoauth) - 1);
	assert_hidden(r, b, 0, "the XOAUTH2 blob");
	g_free(b);
	b = b64(PASS, strlen(PASS));
	assert_hidden(r, b, 0, "AUTH LOGIN's password line");
	g_free(b);
	b = b64(USER, strlen(USER));
	assert_hidden(r, b, 0, "AUTH LOGIN's user line");
	g_free(b);
	mg_redact_free(&r);
}

/* The password inside a blob the set was never told about, after 0 to
 * 8 bytes and before 0 to 3: the base64 characters of the password
 * alone are found at each of the three alignments. */
static void
any_offset(void **state)
{
	struct mg_redact	*r = mg_redact_new();
	const char		 pad[] = "ABCDEFGHIJ";
	char			 raw[64], what[64], *b;

	(void)state;
	assert_int_equal(mg_redact_add(r, PASS), 0);
	for (size_t pre = 0; pre <= 8; pre++)
		for (size_t post = 0; post <= 3; post++) {
			size_t	n = 0;

			memcpy(raw + n, pad, pre);
			n += pre;
			memcpy(raw + n, PASS, strlen(PASS));
			n += strlen(PASS);
			memcpy(raw + n, pad, post);
			n += post;
			b = b64(raw, n);
			snprintf(what, sizeof(what), "offset %zu, %zu after",
			    pre, post);
			assert_hidden(r, b, 0, what);
			g_free(b);
		}
	mg_redact_free(&r);
}

static void
auth_rule(void **state)
{
	char	out[512];

	(void)state;
	/* A blob nobody told the set about, in a reply to AUTH. */
	mg_redact(NULL, "535 5.7.8 bad: dXNlcgBzb21lb25lAGVsc2U= try again",
	    MG_REDACT_AUTH, out, sizeof(out));
	assert_string_equal(out, "535 5.7.8 bad: [redacted] try again");
	/* Words, codes and addresses stay. */
	mg_redact(NULL, "535-5.7.8 Username and Password not accepted. Learn "
	    "more at https://support.google.com/mail/?p=BadCredentials",
	    MG_REDACT_AUTH, out, sizeof(out));
	assert_string_equal(out, "535-5.7.8 Username and Password not "
	    "accepted. Learn more at https://support.google.com/mail/"
	    "?p=BadCredentials");
	mg_redact(NULL, "AUTHENTICATIONFAILED Authentication-failed",
	    MG_REDACT_AUTH, out, sizeof(out));
	assert_string_equal(out, "AUTHENTICATIONFAILED Authentication-failed");
	/* Without the flag the same unknown blob is kept. */
	mg_redact(NULL, "250 dXNlcgBzb21lb25lAGVsc2U=", 0, out, sizeof(out));
	assert_string_equal(out, "250 dXNlcgBzb21lb25lAGVsc2U=");
}

static void
ordinary_text(void **state)
{
	struct mg_redact	*r = set_new();
	const char		*keep[] = {
		"2.0.0 Ok: queued as 4F1C2",
		"5.1.1 <someone@other.example>: Recipient address rejected",
		"[AUTHENTICATIONFAILED] Authentication failed.",
		"4.7.0 Temporary authentication failure, try again later",
		"",
	};
	char			 out[512];

	(void)state;
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		mg_redact(r, keep[i], MG_REDACT_AUTH, out, sizeof(out));
		assert_string_equal(out, keep[i]);
	}
	mg_redact_free(&r);
}

static void
short_output(void **state)
{
	struct mg_redact	*r = set_new();
	char			 out[16];

	(void)state;
	/* Cut after the replacing: no prefix of the secret is left. */
	mg_redact(r, "abc " PASS " and more text", 0, out, sizeof(out));
	assert_string_equal(out, "abc [redacted] ");
	mg_redact(r, "abcdefghijk " PASS, 0, out, sizeof(out));
	assert_string_equal(out, "abcdefghijk ");
	mg_redact(r, NULL, 0, out, sizeof(out));
	assert_string_equal(out, "");
	mg_redact_free(&r);
	mg_redact_free(NULL);
}

static void
short_secrets(void **state)
{
	struct mg_redact	*r = mg_redact_new();
	char			 out[64];

	(void)state;
	/* A 3-byte secret has no base64 core of 4 characters at offsets 1
	 * and 2; its plain form is still hidden. */
	assert_int_equal(mg_redact_add(r, "xyz"), 0);
	assert_int_equal(mg_redact_add(r, ""), 0);
	assert_int_equal(mg_redact_add(r, NULL), 0);
	mg_redact(r, "NO xyz XYZ abc", 0, out, sizeof(out));
	assert_string_equal(out, "NO [redacted] [redacted] abc");
	mg_redact_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_forms),
		cmocka_unit_test(quoted_form),
		cmocka_unit_test(sasl_blobs),
		cmocka_unit_test(any_offset),
		cmocka_unit_test(auth_rule),
		cmocka_unit_test(ordinary_text),
		cmocka_unit_test(short_output),
		cmocka_unit_test(short_secrets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
