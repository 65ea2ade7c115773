/*
 * fixture_style.h - the directory of the style and timing rule tests
 * (generic-template to length): six programs with contacts, features,
 * tracks and interview dates, default thresholds, on rules_fixture.h;
 * run() for a message made of headers and a body at a time, sent_text()
 * to record a letter with its template signature, and the form letter
 * the generic-template tests send around.  Include after mg_test.h.
 */
#ifndef MG_RULES_FIXTURE_STYLE_H
#define MG_RULES_FIXTURE_STYLE_H

#include <sqlite3.h>

#include "matchguard/policy.h"
#include "matchguard/signature.h"

#define HARBOR	"genetics-residency@harborview.edu"
#define LAKE	"gen-residency@lakeside.edu"
#define PINE	"residency@pinecrest.org"
#define NORTH	"mgen@northfield.edu"
#define RIVER	"genetics@riverbend.org"
#define CEDAR	"genetics@cedarhill.edu"

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
    "   features = [ \"hereditary cancer clinic\", \"biochemical genetics laboratory\" ];\n"
    "   tracks = [ \"physician-scientist track\" ];\n"
    "   interview_date = \"2026-11-10\"; },\n"
    " { id = \"lakeside\"; name = \"Lakeside Medical Genetics and Genomics Residency\";\n"
    "   institution = \"Lakeside Medical Center\"; addresses = [ \"" LAKE "\" ];\n"
    "   domains = [ \"lakeside.edu\" ];\n"
    "   contacts = ( { role = \"director\"; name = \"Samuel Okafor\"; },\n"
    "                { role = \"coordinator\"; name = \"Robert Smith\"; } );\n"
    "   features = [ \"prenatal genetics clinic\" ]; interview_date = \"2026-12-01\"; },\n"
    " { id = \"pinecrest\"; name = \"The Pinecrest Institute Genetics Residency\";\n"
    "   institution = \"Pinecrest Institute\"; addresses = [ \"" PINE "\" ];\n"
    "   domains = [ \"pinecrest.org\" ];\n"
    "   contacts = ( { role = \"director\"; name = \"Margaret Osei\"; } );\n"
    "   features = [ \"cardiogenetics clinic\" ]; interview_date = \"2027-01-12\"; },\n"
    " { id = \"northfield\"; name = \"Northfield Medical Genetics Residency\";\n"
    "   institution = \"Northfield University\"; domains = [ \"northfield.edu\" ];\n"
    "   contacts = ( { role = \"director\"; name = \"Jos\xc3\xa9 N\xc3\xba\xc3\xb1" "ez-Ortega\"; },\n"
    "                { role = \"coordinator\"; name = \"Anne-Marie Kowalski-Berg\"; } ); },\n"
    " { id = \"riverbend\"; name = \"Riverbend Genetics Residency\";\n"
    "   institution = \"Riverbend Health\"; domains = [ \"riverbend.org\" ];\n"
    "   features = [ \"neurogenetics clinic\" ]; },\n"
    " { id = \"cedarhill\"; name = \"Cedar Hill Medical Genetics Residency\";\n"
    "   institution = \"Cedar Hill University\"; domains = [ \"cedarhill.edu\" ];\n"
    "   contacts = ( { role = \"director\"; name = \"Ruth Abernathy\"; } );\n"
    "   interview_date = \"2026-12-10\"; }\n"
    ");\n";

#include "rules_fixture.h"

/* Records a letter already sent to program at iso, with its text's
 * template signature (as import-sent and serve record it). */
static void __attribute__((unused))
sent_text(struct fixture *fx, const char *msgid, const char *program,
    const char *iso, const char *msg_class, const char *body)
{
	struct mg_textsig	 sig;

	assert_int_equal(mg_signature_of(&fx->cfg, body, &sig), 0);
	fixture_sent_sig(fx, msgid, program, iso, msg_class, &sig);
}

static void __attribute__((unused))
sent(struct fixture *fx, const char *msgid, const char *program,
    const char *iso, const char *msg_class)
{
	sent_text(fx, msgid, program, iso, msg_class, "");
}

/* Checks a message made of headers and body at time iso. */
static void __attribute__((unused))
run(struct fixture *fx, const char *headers, const char *body, const char *iso)
{
	struct mg_message	*m;
	char			*raw, err[MG_ERRLEN];
	size_t			 len = strlen(headers) + strlen(body) + 512;

	raw = malloc(len);
	assert_non_null(raw);
	snprintf(raw, len, "From: Priya Raman <priya.raman@example.com>\r\n"
	    "Date: Mon, 4 Jan 2027 10:00:00 -0500\r\n"
	    "Message-ID: <new-%p@example.com>\r\n%s"
	    "Content-Type: text/plain; charset=utf-8\r\n\r\n%s\r\n",
	    (void *)fx, headers, body);
	if (mg_message_parse(raw, strlen(raw), &m, err, sizeof(err)) == -1)
		fail_msg("parse: %s", err);
	free(raw);
	fixture_check(fx, m, at(iso), NULL, NULL);
	mg_message_free(m);
}

static void __attribute__((unused))
expect_text(const struct fixture *fx, const char *rule, const char *part)
{
	const struct mg_finding	*f = finding(fx, rule);

	assert_non_null(f);
	if (strstr(f->message, part) == NULL)
		fail_msg("%s: \"%s\" not in: %s", rule, part, f->message);
}

#define TO(a)	"To: " a "\r\nSubject: Application\r\n"
#define NOW	"2027-01-04T10:00:00-05:00"

/*
 * One form letter: the program, the institution and the director change,
 * nothing else.  About 150 words.
 */
static __attribute__((unused)) char *
form_letter(const char *greeting, const char *program, const char *inst,
    const char *extra)
{
	char	*s = malloc(4096);

	assert_non_null(s);
	snprintf(s, 4096, "Dear %s,\n\n"
	    "I am writing to express my strong interest in the %s. As an "
	    "international medical graduate with three years of research in "
	    "clinical genetics, I have long admired the training that %s "
	    "offers its residents.\n\n"
	    "During my research year I worked on the diagnosis of rare "
	    "diseases in children, reviewed exome reports with genetic "
	    "counselors every week, and presented our results at a national "
	    "meeting. These experiences taught me how much careful "
	    "communication matters to families who wait years for an "
	    "answer.%s\n\n"
	    "I believe my background in research and my commitment to "
	    "patient care would allow me to contribute to your program from "
	    "the first day. I would be grateful for the opportunity to "
	    "interview and to learn more about your residents and faculty.\n\n"
	    "Thank you for considering my application.\n\n"
	    "Best regards,\nPriya Raman, MD\n", greeting, program, inst,
	    extra);
	return s;
}

static void __attribute__((unused))
record_form_letters(struct fixture *fx)
{
	char	*a = form_letter("Dr. Okafor", "Lakeside Medical Genetics "
	    "and Genomics Residency", "Lakeside Medical Center", "");
	char	*b = form_letter("Dr. Osei", "Pinecrest Institute Genetics "
	    "Residency", "the Pinecrest Institute", "");

	sent_text(fx, "t1@example.com", "lakeside", "2026-10-01T10:00:00Z",
	    "update", a);
	sent_text(fx, "t2@example.com", "pinecrest", "2026-10-02T10:00:00Z",
	    "update", b);
	free(a);
	free(b);
}

#endif
