/*
 * fixture_policy.h - the directory of the rule tests of the first policy
 * issue (placeholder to season-cap): six programs, two of them at one
 * institution, season_warn = 3 and season_max = 4, on rules_fixture.h;
 * and run(), which checks a message made of headers and a body at a
 * time.  Include after mg_test.h.
 */
#ifndef MG_RULES_FIXTURE_POLICY_H
#define MG_RULES_FIXTURE_POLICY_H

#include "matchguard/classify.h"
#include "matchguard/policy.h"

#define HARBOR	"genetics-residency@harborview.edu"
#define LAKE	"gen-residency@lakeside.edu"
#define LAKEPED	"peds-genetics@lakeside.edu"
#define PINE	"residency@pinecrest.org"
#define NORTH	"mgen@northfield.edu"
#define RIVER	"genetics@riverbend.org"

static const char conf_text[] =
    "identity = { name = \"Priya Raman\"; addresses = [ \"priya.raman@example.com\" ]; };\n"
    "season = { eras_open = \"2026-09-24\"; rol_deadline = \"2027-03-03\"; match_day = \"2027-03-19\"; };\n"
    "paths = { state = \"state\"; filters = \"" MG_SRCDIR "/filters\"; };\n"
    "policy = { season_warn = 3; season_max = 4; %s };\n"
    "programs = (\n"
    " { id = \"harborview\"; name = \"Harborview University Medical Genetics Residency\";\n"
    "   aliases = [ \"Harborview Genetics\" ]; institution = \"Harborview University\";\n"
    "   addresses = [ \"" HARBOR "\" ]; domains = [ \"harborview.edu\" ];\n"
    "   contacts = ( { role = \"director\"; name = \"Elena Marchetti\"; },\n"
    "                { role = \"coordinator\"; name = \"Dana Whitfield\"; } );\n"
    "   features = [ \"hereditary cancer clinic\", \"biochemical genetics laboratory\" ];\n"
    "   interview_date = \"2026-11-10\"; },\n"
    " { id = \"lakeside\"; name = \"Lakeside Medical Genetics and Genomics Residency\";\n"
    "   institution = \"Lakeside Medical Center\"; addresses = [ \"" LAKE "\" ];\n"
    "   domains = [ \"lakeside.edu\" ]; interview_date = \"2026-12-01\"; },\n"
    " { id = \"lakeside-peds\"; name = \"Lakeside Combined Pediatrics-Genetics Program\";\n"
    "   institution = \"Lakeside Medical Center\"; addresses = [ \"" LAKEPED "\" ];\n"
    "   domains = [ \"lakeside.edu\" ]; },\n"
    " { id = \"pinecrest\"; name = \"The Pinecrest Institute Genetics Residency\";\n"
    "   institution = \"Pinecrest Institute\"; addresses = [ \"" PINE "\" ];\n"
    "   domains = [ \"pinecrest.org\" ]; interview_date = \"2027-01-12\"; },\n"
    " { id = \"northfield\"; name = \"Northfield Medical Genetics Residency\";\n"
    "   institution = \"Northfield University\"; domains = [ \"northfield.edu\" ];\n"
    "   contacts = ( { role = \"director\"; name = \"Jos\xc3\xa9 N\xc3\xba\xc3\xb1" "ez-Ortega\"; } ); },\n"
    " { id = \"riverbend\"; name = \"Riverbend Genetics Residency\";\n"
    "   institution = \"Riverbend Health\"; domains = [ \"riverbend.org\" ]; }\n"
    ");\n";

#include "rules_fixture.h"

/* Checks a message made of headers and body at time iso. */
static void
run(struct fixture *fx, const char *headers, const char *body, const char *iso)
{
	struct mg_message	*m;
	char			 raw[16384], err[MG_ERRLEN];

	snprintf(raw, sizeof(raw), "From: Priya Raman <priya.raman@example.com>\r\n"
	    "Date: Mon, 4 Jan 2027 10:00:00 -0500\r\n"
	    "Message-ID: <new-%p@example.com>\r\n%s"
	    "Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
	    (void *)fx, headers, body);
	if (mg_message_parse(raw, strlen(raw), &m, err, sizeof(err)) == -1)
		fail_msg("parse: %s", err);
	fixture_check(fx, m, at(iso), NULL, NULL);
	mg_message_free(m);
}

#define TO(a)	"To: " a "\r\nSubject: Application\r\n"
#define NOW	"2027-01-04T10:00:00-05:00"

#endif
