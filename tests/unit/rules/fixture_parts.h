/*
 * fixture_parts.h - the directory of the tests of letters as a reader
 * sees them (test_policy.c, and the rules unreadable and
 * unknown-program): two programs and an address outside the directory
 * (NEWPROG), on rules_fixture.h; run_raw() for a whole message, run()
 * for a plain-text one, at NOW, and letters in plain text and HTML.
 * Include after mg_test.h.
 */
#ifndef MG_RULES_FIXTURE_PARTS_H
#define MG_RULES_FIXTURE_PARTS_H

#include "matchguard/config.h"
#include "matchguard/filters.h"
#include "matchguard/ledger.h"
#include "matchguard/message.h"
#include "matchguard/policy.h"
#include "matchguard/util.h"

#define HARBOR	"genetics-residency@harborview.edu"
#define LAKE	"gen-residency@lakeside.edu"
#define NEWPROG	"mgg-residency@genetics.example.edu"

static const char conf_text[] =
    "identity = { name = \"Priya Raman\"; addresses = [ \"priya.raman@example.com\" ]; };\n"
    "season = { eras_open = \"2026-09-24\"; rol_deadline = \"2027-03-03\"; match_day = \"2027-03-19\"; };\n"
    "paths = { state = \"state\"; filters = \"" MG_SRCDIR "/filters\"; };\n"
    "policy = { %s };\n"
    "programs = (\n"
    " { id = \"harborview\"; name = \"Harborview University Medical Genetics Residency\";\n"
    "   aliases = [ \"Harborview Genetics\" ]; institution = \"Harborview University\";\n"
    "   addresses = [ \"" HARBOR "\" ]; domains = [ \"harborview.edu\" ];\n"
    "   contacts = ( { role = \"director\"; name = \"Elena Marchetti\"; },\n"
    "                { role = \"coordinator\"; name = \"Dana Whitfield\"; } );\n"
    "   features = [ \"hereditary cancer clinic\" ]; interview_date = \"2026-11-10\"; },\n"
    " { id = \"lakeside\"; name = \"Lakeside Medical Genetics and Genomics Residency\";\n"
    "   institution = \"Lakeside Medical Center\"; addresses = [ \"" LAKE "\" ];\n"
    "   contacts = ( { role = \"director\"; name = \"Samuel Okafor\"; } );\n"
    "   domains = [ \"lakeside.edu\" ]; interview_date = \"2026-12-01\"; }\n"
    ");\n";

#include "rules_fixture.h"

#define NOW	"2026-11-11T10:00:00-05:00"

static const char head[] =
    "From: Priya Raman <priya.raman@example.com>\r\n"
    "Date: Wed, 11 Nov 2026 09:00:00 -0500\r\n"
    "Subject: Thank you for my interview\r\n"
    "MIME-Version: 1.0\r\n";

/* Checks a whole message (head, then to and the rest) at NOW. */
static void __attribute__((unused))
run_raw(struct fixture *fx, const char *to, const char *rest)
{
	struct mg_message	*m;
	char			 raw[32768], err[MG_ERRLEN];
	const struct mg_program	**progs = NULL;
	size_t			 n = 99;

	snprintf(raw, sizeof(raw), "%sMessage-ID: <%p@example.com>\r\nTo: %s\r\n"
	    "%s", head, (void *)fx, to, rest);
	if (mg_message_parse(raw, strlen(raw), &m, err, sizeof(err)) == -1)
		fail_msg("parse: %s", err);
	fixture_check(fx, m, at(NOW), &progs, &n);
	/* A stand-in for an unknown program is never returned. */
	for (size_t i = 0; i < n; i++)
		assert_true(progs[i]->id[0] != '\0');
	free(progs);
	mg_message_free(m);
}

/* A plain-text letter. */
static void __attribute__((unused))
run(struct fixture *fx, const char *to, const char *body)
{
	char	rest[16384];

	snprintf(rest, sizeof(rest), "Content-Type: text/plain; charset=utf-8"
	    "\r\n\r\n%s\r\n", body);
	run_raw(fx, to, rest);
}

static size_t __attribute__((unused))
count(const struct fixture *fx, const char *rule)
{
	size_t	n = 0;

	for (size_t i = 0; i < fx->findings.n; i++)
		n += strcmp(fx->findings.v[i].rule, rule) == 0;
	return n;
}

static void __attribute__((unused))
expect_text(const struct fixture *fx, const char *rule, const char *text)
{
	for (size_t i = 0; i < fx->findings.n; i++)
		if (strcmp(fx->findings.v[i].rule, rule) == 0 &&
		    strstr(fx->findings.v[i].message, text) != NULL)
			return;
	for (size_t i = 0; i < fx->findings.n; i++)
		print_message("  got %s: %s\n", fx->findings.v[i].rule,
		    fx->findings.v[i].message);
	fail_msg("no %s finding says \"%s\"", rule, text);
}

static void __attribute__((unused))
expect_nothing(const struct fixture *fx)
{
	for (size_t i = 0; i < fx->findings.n; i++)
		print_message("  got %s: %s\n", fx->findings.v[i].rule,
		    fx->findings.v[i].message);
	assert_int_equal(fx->findings.n, 0);
	assert_int_equal(fx->verdict, MG_PASS);
}

#define PLAIN_OK	"Dear Dr. Marchetti,\r\n\r\nThank you for the " \
	"interview yesterday at Harborview Genetics; the hereditary cancer " \
	"clinic confirmed my interest.\r\n\r\nSincerely,\r\nPriya Raman\r\n"
#define HTML_SLOT	"<p>Dear Dr. Marchetti,</p><p>Thank you for the " \
	"interview yesterday at <b>[Program Name]</b>; the hereditary " \
	"cancer clinic confirmed my interest.</p><p>Sincerely,<br>Priya " \
	"Raman</p>\r\n"
#define HTML_OK		"<p>Dear Dr. Marchetti,</p><p>Thank you for the " \
	"interview yesterday at Harborview Genetics; the hereditary cancer " \
	"clinic confirmed my interest.</p><p>Sincerely,<br>Priya Raman</p>\r\n"

static __attribute__((unused)) char *
alternative(const char *plain, const char *html)
{
	static char	buf[16384];

	snprintf(buf, sizeof(buf),
	    "Content-Type: multipart/alternative; boundary=\"a\"\r\n\r\n"
	    "--a\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n"
	    "--a\r\nContent-Type: text/html; charset=utf-8\r\n\r\n%s\r\n"
	    "--a--\r\n", plain, html);
	return buf;
}

#endif
