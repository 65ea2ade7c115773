/*
 * rule_table.h - table tests of one rule (test_placeholder.c,
 * test_wrong_program.c): a directory of seven programs shaped like
 * conf/programs.example.conf, the real filters/ and a real (empty) ledger
 * in a temporary directory, and a runner that checks every row of a
 * table, prints each rule's figures and fails with the list of rows that
 * went wrong.  Include after mg_test.h.
 */
#ifndef MG_RULE_TABLE_H
#define MG_RULE_TABLE_H

#include "matchguard/policy.h"

#define HARBOR	"genetics-residency@harborview.edu"
#define LAKE	"mgg-residency@lakeside.edu"
#define LAKEPED	"peds-genetics@lakeside.edu"
#define CORD	"medgen.residency@cordillera.edu"
#define PINE	"genetics.residency@pinecrest.org"
#define RIVER	"genetics.residency@riverbendhealth.org"
#define NORTH	"mggresidency@northgate.edu"

static const char conf_text[] =
    "identity = { name = \"Priya Raman\"; addresses = [ \"priya.raman@example.com\" ]; };\n"
    "season = { eras_open = \"2026-09-24\"; rol_deadline = \"2027-03-03\"; match_day = \"2027-03-19\"; };\n"
    "paths = { state = \"state\"; filters = \"" MG_SRCDIR "/filters\"; };\n"
    "policy = { %s };\n"
    "programs = (\n"
    " { id = \"harborview\"; name = \"Harborview University Medical Genetics Residency\";\n"
    "   aliases = [ \"Harborview Genetics\" ]; institution = \"Harborview University\";\n"
    "   addresses = [ \"" HARBOR "\" ]; domains = [ \"harborview.edu\" ];\n"
    "   contacts = ( { role = \"director\"; name = \"Elena Marchetti\"; } ); },\n"
    " { id = \"lakeside\"; name = \"Lakeside Medical Center Medical Genetics and Genomics Residency\";\n"
    "   aliases = [ \"Lakeside Genetics and Genomics\" ]; institution = \"Lakeside Medical Center\";\n"
    "   addresses = [ \"" LAKE "\" ]; domains = [ \"lakeside.edu\" ];\n"
    "   contacts = ( { role = \"director\"; name = \"Samuel Okafor\"; } ); },\n"
    " { id = \"lakeside-peds\"; name = \"Lakeside Combined Pediatrics-Medical Genetics Program\";\n"
    "   aliases = [ \"Lakeside Peds-Genetics\" ]; institution = \"Lakeside Medical Center\";\n"
    "   addresses = [ \"" LAKEPED "\" ]; domains = [ \"lakeside.edu\" ]; },\n"
    " { id = \"cordillera\"; name = \"Cordillera University Medical Genetics Residency\";\n"
    "   aliases = [ \"Cordillera Genetics\" ]; institution = \"Cordillera University\";\n"
    "   addresses = [ \"" CORD "\" ]; domains = [ \"cordillera.edu\" ]; },\n"
    " { id = \"pinecrest\"; name = \"The Pinecrest Institute Genetics Residency\";\n"
    "   aliases = [ \"Pinecrest Genetics\" ]; institution = \"The Pinecrest Institute\";\n"
    "   addresses = [ \"" PINE "\" ]; domains = [ \"pinecrest.org\" ]; },\n"
    " { id = \"riverbend\"; name = \"Riverbend Health Medical Genetics Residency\";\n"
    "   aliases = [ \"Riverbend Genetics\" ]; institution = \"Riverbend Health\";\n"
    "   addresses = [ \"" RIVER "\" ]; domains = [ \"riverbendhealth.org\" ]; },\n"
    " { id = \"northgate\"; name = \"Northgate University Medical Genetics and Genomics Residency\";\n"
    "   aliases = [ \"Northgate Genetics\" ]; institution = \"Northgate University\";\n"
    "   addresses = [ \"" NORTH "\" ]; domains = [ \"northgate.edu\" ]; }\n"
    ");\n";

#include "rules_fixture.h"

#define NOW	"2027-01-04T10:00:00-05:00"

/* One row: the severity the rule must give (MG_SEV_INFO: no finding of
 * at least a warning), the recipient, an optional subject, the body. */
struct row {
	enum mg_severity	 want;
	const char		*to;
	const char		*subject;	/* NULL: "Application" */
	const char		*body;
};

#define NONE	MG_SEV_INFO

/* Checks a message to `to` at NOW. */
static void
run(struct fixture *fx, const char *to, const char *subject, const char *body)
{
	struct mg_message	*m;
	char			 raw[16384], err[MG_ERRLEN];

	snprintf(raw, sizeof(raw), "From: Priya Raman <priya.raman@example.com>\r\n"
	    "To: %s\r\nSubject: %s\r\n"
	    "Date: Mon, 4 Jan 2027 10:00:00 -0500\r\n"
	    "Message-ID: <table-%p@example.com>\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
	    to, subject != NULL ? subject : "Application", (void *)fx, body);
	if (mg_message_parse(raw, strlen(raw), &m, err, sizeof(err)) == -1)
		fail_msg("parse: %s", err);
	fixture_check(fx, m, at(NOW), NULL, NULL);
	mg_message_free(m);
}

/* The most severe finding of rule: NONE when there is none (an info note
 * counts as none). */
static enum mg_severity
severity_of(const struct fixture *fx, const char *rule,
    const struct mg_finding **which)
{
	enum mg_severity	sev = NONE;

	*which = NULL;
	for (size_t i = 0; i < fx->findings.n; i++) {
		const struct mg_finding	*f = &fx->findings.v[i];

		if (strcmp(f->rule, rule) != 0 || f->sev == MG_SEV_INFO)
			continue;
		if (*which == NULL || f->sev > sev) {
			sev = f->sev;
			*which = f;
		}
	}
	return sev;
}

static const char *
sev_name(enum mg_severity s)
{
	return s == MG_SEV_HOLD ? "hold" : s == MG_SEV_WARN ? "warn" : "none";
}

/* Runs every row; prints, for `label`, how many rows of each wanted
 * severity got it, and the false holds; fails when any row is wrong.
 * Every finding must have a message and evidence. */
static void
run_table(struct fixture *fx, const char *rule, const char *label,
    const struct row *rows, size_t n)
{
	size_t	want[3] = { 0 }, got[3] = { 0 }, false_holds = 0, bad = 0;

	for (size_t i = 0; i < n; i++) {
		const struct mg_finding	*f;
		enum mg_severity	 sev;
		int			 k = rows[i].want == MG_SEV_HOLD ? 2 :
		    rows[i].want == MG_SEV_WARN ? 1 : 0;

		run(fx, rows[i].to, rows[i].subject, rows[i].body);
		sev = severity_of(fx, rule, &f);
		want[k]++;
		if (sev == rows[i].want)
			got[k]++;
		if (sev == MG_SEV_HOLD && rows[i].want != MG_SEV_HOLD)
			false_holds++;
		if (f != NULL && (f->message[0] == '\0' || f->evidence == NULL ||
		    f->evidence[0] == '\0')) {
			print_message("  row %zu: empty message or evidence\n", i);
			bad++;
		}
		if (sev != rows[i].want) {
			bad++;
			print_message("  row %zu: %s, wanted %s: \"%s\"\n", i,
			    sev_name(sev), sev_name(rows[i].want), rows[i].body);
			if (f != NULL)
				print_message("      %s [%s]\n", f->message,
				    f->evidence);
		}
	}
	print_message("%s: holds %zu/%zu, warnings %zu/%zu, silent %zu/%zu; "
	    "false holds %zu of %zu not to be held\n", label, got[2], want[2],
	    got[1], want[1], got[0], want[0], false_holds, want[0] + want[1]);
	if (bad > 0)
		fail_msg("%s: %zu rows wrong", label, bad);
}

#endif
