/*
 * test_placeholder.c - the placeholder rule (src/rules/placeholder.c):
 * bracketed, braced and angled slots are held; TBD, TBA, TBC, XX, XXX
 * and ??? standing alone are held where a name, place, date or number
 * goes, a warning elsewhere, and not reported in honest text
 * (karyotypes, gene names, citations, e-mail addresses, HTML,
 * emoticons).  A table of letters that must trip it and near misses that
 * must not, and the details of the findings.
 */
#include "config_auto.h"

#include "mg_test.h"
#include "rule_table.h"

static const struct row slots[] = {
	/* --- strict holds */
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am excited to apply to [Program Name] this year." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Dear Dr. [Last Name],\n\nThank you for your time." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I would be thrilled to join {Director}'s team." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am available to visit on <insert date> if that suits you." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Dear <<NAME>>, I hope you are well." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Best regards,\n[Your Full Name]" },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am applying to ___ because of its clinics." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Dear ________,\nI am writing about the residency." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am drawn to INSERT PROGRAM because of its faculty." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I look forward to joining PROGRAM NAME HERE next July." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Your {{program}} is my goal." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Dear {first_name}, thank you." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I want to train at (insert program name here) next year." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am grateful to Dr. [Surname] for the interview." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "The clinic at [Hospital] impressed me." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Dear [PD name]," },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am writing to [Program] to express interest." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I completed [X months] of research." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am excited about Program Name and its curriculum." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Thank you, <Director Name>, for the conversation." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I hope to meet you at the open house on [date]." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Dear Dr. LAST NAME," },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "My interview at [TBD] went well." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Sincerely,\nPriya Raman\n[Your Title]" },
	/* --- bare holds */
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Dear Dr. TBD,\n\nThank you for the interview." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Dear XX,\nI hope this finds you well." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I was thrilled to interview at TBD Medical Center last week." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I look forward to visiting on XX/XX/2026." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Thank you for my interview on TBD." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I rotated at XXX University Hospital in the spring." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Hello Professor XXX, I am writing to follow up." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Good morning Dr. TBA, thank you for your note." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I will arrive at XX:XX on the day of the interview." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I scored XXX on Step 2 CK." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "My interview is on January XX, 2027." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am excited to join XXX's residency program." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Dear ???,\nThank you for the invitation." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "The visit will be on ??? and I will bring my CV." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Thank you for your time.\n\nBest regards,\nXXX" },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I will start an observership in Boston in TBD." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I met Dr. XX at the conference." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I hope to be part of the TBD program next year." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "My phone number is XXX-XXX-XXXX if you need it." },
	{ MG_SEV_HOLD, HARBOR, "Interview on TBD",
	    "Thank you for the invitation." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Please contact me by TBA if anything changes." },
	/* --- signature */
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Thank you.\n\n-- \nPriya Raman\n[Your Title]\n" },
	{ NONE, HARBOR, NULL,
	    "Thank you.\n\n-- \nPriya Raman, MD\nPhone +1 555 010 2000" },
	/* --- warnings */
	{ MG_SEV_WARN, HARBOR, NULL,
	    "The exact date is TBD by the testing center." },
	{ MG_SEV_WARN, HARBOR, NULL,
	    "My Step 3 date is still TBD, and I will let you know." },
	{ MG_SEV_WARN, HARBOR, NULL,
	    "Location: TBA. I will confirm once I hear back." },
	{ MG_SEV_WARN, HARBOR, NULL,
	    "The poster session time (TBC) will be announced soon." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "My research focuses on XXX and its outcomes." },
	{ MG_SEV_WARN, HARBOR, NULL,
	    "The results are ??? at this point." },
	{ MG_SEV_WARN, HARBOR, NULL,
	    "My Step 3 score is TBD." },
	{ MG_SEV_WARN, HARBOR, NULL,
	    "Publication status: TBD." },
	/* --- near misses (nothing) */
	{ NONE, HARBOR, NULL,
	    "Our paper on Lynch syndrome [1] was accepted." },
	{ NONE, HARBOR, NULL,
	    "The date is tbd, I will confirm soon." },
	{ NONE, HARBOR, NULL,
	    "Her words were \"the clinic [sic] was excellent\"." },
	{ NONE, HARBOR, NULL,
	    "You can reach Dr. Lee at <pd@lakeside.edu> for a reference." },
	{ NONE, HARBOR, NULL,
	    "Please write to <program.director@harborview.edu> with "
	    "questions." },
	{ NONE, HARBOR, NULL,
	    "The program website "
	    "<https://harborview.edu/genetics/program-name> lists it." },
	{ NONE, HARBOR, NULL,
	    "I coded the pipeline in C++ and Python." },
	{ NONE, HARBOR, NULL,
	    "I loved the visit <3 and the residents were kind :-)" },
	{ NONE, HARBOR, NULL,
	    "I saw a patient with a 47,XXY karyotype in clinic." },
	{ NONE, HARBOR, NULL,
	    "My case report describes 46,XX testicular DSD." },
	{ NONE, HARBOR, NULL,
	    "We studied XX and XY embryos in the lab." },
	{ NONE, HARBOR, NULL,
	    "I presented a poster on XX male syndrome at ASHG." },
	{ NONE, HARBOR, NULL,
	    "A girl with 47,XXX was referred for learning delays." },
	{ NONE, HARBOR, NULL,
	    "Mosaicism for XX/XY cell lines was found." },
	{ NONE, HARBOR, NULL,
	    "My project looked at TBX5 variants in Holt-Oram syndrome." },
	{ NONE, HARBOR, NULL,
	    "We used TBA-based staining in the lab." },
	{ NONE, HARBOR, NULL,
	    "I attended the XX International Congress of Human Genetics." },
	{ NONE, HARBOR, NULL,
	    "Really??? I had no idea." },
	{ NONE, HARBOR, NULL,
	    "Best,\n____________________\nPriya Raman" },
	{ NONE, HARBOR, NULL,
	    "I read <b>your</b> newsletter.<br> It was great." },
	{ NONE, HARBOR, NULL,
	    "The reference list [2, 3] is in my CV." },
	{ NONE, HARBOR, NULL,
	    "I enjoyed the interview {virtually} last week." },
	{ NONE, HARBOR, NULL,
	    "[image: Harborview logo] Thank you for the tour." },
	{ NONE, HARBOR, NULL,
	    "See the [program website](https://harborview.edu) for details." },
	{ NONE, HARBOR, NULL,
	    "I will take Step 3 on March 3." },
	{ NONE, HARBOR, NULL,
	    "Sex chromosome aneuploidies such as XXX and XXY are common." },
	{ NONE, HARBOR, NULL,
	    "The XX female with an SRY translocation was my first case." },
	{ NONE, HARBOR, NULL,
	    "In 46,XX individuals the gonads develop as ovaries." },
	{ NONE, HARBOR, NULL,
	    "Thanks so much! xx" },
	{ NONE, HARBOR, NULL,
	    "The abbreviation tba means nothing here." },
	{ NONE, HARBOR, NULL,
	    "The TBX1 gene is deleted in 22q11.2 deletion syndrome." },
	{ NONE, HARBOR, NULL,
	    "I followed children with XXYY syndrome." },
	{ NONE, HARBOR, NULL,
	    "Women with XX gonadal dysgenesis were seen in the clinic." },
	/* more */
	{ MG_SEV_HOLD, HARBOR, "Thank you, [Program Name]",
	    "I enjoyed the interview." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Please give my regards to Dr. {{director_last_name}}." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am excited about the ${program} curriculum." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "My interview with %DIRECTOR% was great." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I would be honored to train at <Program>." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I spent [number] weeks in the clinic." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Dear Dr. ___,\n\nThank you for your note." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I hope to visit [City] in the spring." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Dear Dr. XXX:\nThank you." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am writing to XXX Genetics Residency about my application." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Please call me at XXX-XXXX." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I can start on XX-XX-2027." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "My AAMC ID is XXXXXXXX." },
	{ MG_SEV_WARN, HARBOR, NULL,
	    "My poster title is TBD until the abstract is accepted." },
	{ MG_SEV_WARN, HARBOR, NULL,
	    "The TBA items in my CV will be updated." },
	{ MG_SEV_WARN, HARBOR, NULL,
	    "Results: XX pending." },
	{ NONE, HARBOR, NULL,
	    "I am comfortable with Python, R and C++." },
	{ NONE, HARBOR, NULL,
	    "Trisomy X (47,XXX) was the topic of my case report." },
	{ NONE, HARBOR, NULL,
	    "I co-authored a review of 46,XX DSD in adolescents." },
	{ NONE, HARBOR, NULL,
	    "She has a 46,XX karyotype with an SRY translocation." },
	{ NONE, HARBOR, NULL,
	    "Please reply to me at <priya.raman@example.com>." },
	{ NONE, HARBOR, NULL,
	    "The slides are at <https://example.com/talk>." },
	{ NONE, HARBOR, NULL,
	    "The TBX3 and TBX5 genes cause different syndromes." },
	{ NONE, HARBOR, NULL,
	    "Section [3.2] of the guide covers this." },
	{ NONE, HARBOR, NULL,
	    "I enjoyed the {virtual} open house." },
	{ NONE, HARBOR, NULL,
	    "I scored 245 on Step 2 CK." },
	{ NONE, HARBOR, NULL,
	    "My interview is on January 12, 2027." },
	{ NONE, HARBOR, NULL,
	    "Dear Dr. Marchetti,\n\nThank you for the interview." },
	{ NONE, HARBOR, NULL,
	    "The XXY and XYY syndromes were covered in my elective." },
	{ NONE, HARBOR, NULL,
	    "See you soon :) <3" },
	{ NONE, HARBOR, NULL,
	    "Priya\n\n-- \nPriya Raman, MD | ECFMG certified | "
	    "<priya.raman@example.com>" },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Hi Dr. XX, I hope your week is going well." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I hope to rotate at TBD Children's Hospital this spring." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am eager to join the XXX Medical Genetics Residency." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I would love to meet you on TBA at the open house." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Thanks again,\nXX" },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I look forward to seeing you at <location>." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "Dear {{first_name}} {{last_name}}," },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "I am writing to [Name of Program] today." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "My interview was on ??? and it went well." },
	{ MG_SEV_HOLD, HARBOR, NULL,
	    "My Step 1 score of XXX reflects my effort." },
	{ NONE, HARBOR, NULL,
	    "My karyotype lecture covered 45,X, 46,XX and 47,XXY." },
	{ NONE, HARBOR, NULL,
	    "We discussed XX sex reversal and SRY." },
	{ MG_SEV_WARN, HARBOR, NULL,
	    "Patients with XXX often go undiagnosed." },
	{ MG_SEV_WARN, HARBOR, NULL,
	    "The ETA for my visa is TBD." },
	{ MG_SEV_WARN, HARBOR, NULL,
	    "Interview logistics (parking, lunch) are TBA per the "
	    "coordinator." },
	{ NONE, HARBOR, NULL,
	    "Pope John XXIII and Super Bowl LX are not slots." },
	{ NONE, HARBOR, NULL,
	    "I used the <3 emoji by accident." },
	{ NONE, HARBOR, NULL,
	    "Please find the slides at [https://example.com/slides]." },
	{ NONE, HARBOR, NULL,
	    "Our paper [PMID 12345678] was cited." },
};

static void
placeholder_table(void **state)
{
	run_table(*state, "placeholder", "placeholder", slots,
	    sizeof(slots) / sizeof(slots[0]));
}

/* The evidence is the sentence, not cut at "Dr."; the message names the
 * slot and where it is. */
static void
placeholder_evidence(void **state)
{
	struct fixture		*fx = *state;
	const struct mg_finding	*f;

	run(fx, HARBOR, NULL, "Dear Dr. TBD, thank you for the interview.");
	assert_non_null(f = finding(fx, "placeholder"));
	assert_int_equal(f->sev, MG_SEV_HOLD);
	assert_string_equal(f->evidence,
	    "Dear Dr. TBD, thank you for the interview.");
	assert_non_null(strstr(f->message, "\"TBD\""));
	assert_non_null(strstr(f->message, "name, place, date"));

	run(fx, HARBOR, NULL, "Dear Dr. Marchetti,\n\nThe exact date is TBD by "
	    "the testing center.");
	assert_non_null(f = finding(fx, "placeholder"));
	assert_int_equal(f->sev, MG_SEV_WARN);
	assert_int_equal(fx->verdict, MG_WARN);
	assert_string_equal(f->evidence,
	    "The exact date is TBD by the testing center.");

	run(fx, HARBOR, "Interview on [Date]", "Thank you for the invitation.");
	expect(fx, "placeholder", MG_SEV_HOLD);
	assert_non_null(f = finding(fx, "placeholder"));
	assert_non_null(strstr(f->message, "subject"));
	assert_non_null(strstr(f->message, "[Date]"));

	run(fx, HARBOR, NULL, "Thank you.\n\n-- \nPriya Raman\n[Your Title]\n");
	assert_non_null(f = finding(fx, "placeholder"));
	assert_non_null(strstr(f->message, "signature"));
	assert_non_null(strstr(f->message, "[Your Title]"));
}

/* Holds are reported before warnings, three findings at most. */
static void
placeholder_order_and_cap(void **state)
{
	struct fixture	*fx = *state;
	size_t		 n = 0;

	run(fx, HARBOR, NULL, "The date is TBD. The room is TBA. The time is "
	    "TBC. The topic is XXX. Dear [Name], I am writing to [Program].");
	for (size_t i = 0; i < fx->findings.n; i++)
		if (strcmp(fx->findings.v[i].rule, "placeholder") == 0) {
			if (n < 2)
				assert_int_equal(fx->findings.v[i].sev,
				    MG_SEV_HOLD);
			else
				assert_int_equal(fx->findings.v[i].sev,
				    MG_SEV_WARN);
			n++;
		}
	assert_int_equal(n, 3);
	assert_int_equal(fx->verdict, MG_HOLD);
}

/* A slot in the quoted reply is not the applicant's. */
static void
placeholder_quoted(void **state)
{
	struct fixture	*fx = *state;

	run(fx, HARBOR, NULL, "Thank you, I will be there.\n\nOn Mon, 4 Jan "
	    "2027, Coordinator wrote:\n> Dear [First Name], your interview is "
	    "on TBD.\n> Dear Dr. XX,");
	expect_none(fx, "placeholder");
}

static void
placeholder_trips(void **state)
{
	struct fixture		*fx = *state;
	static const char *const bodies[] = {
		"I am excited to apply to [Program Name] this year.",
		"Dear Dr. [Last Name],\n\nThank you for your time.",
		"I have spent [X months] in clinical genetics.",
		"Dear <<name>>, I look forward to hearing from you.",
		"Your {{program}} is my goal.",
		"My research in XXX has been rewarding.",
		"I will be available on TBD for a visit.",
	};

	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		run(fx, HARBOR, NULL, bodies[i]);
		expect(fx, "placeholder", MG_SEV_HOLD);
		assert_int_equal(fx->verdict, MG_HOLD);
		assert_true(finding(fx, "placeholder")->evidence[0] != '\0');
	}
	run(fx, HARBOR, "Interest in [Program Name]",
	    "Hello, I write about the hereditary cancer clinic.");
	expect(fx, "placeholder", MG_SEV_HOLD);
	assert_non_null(strstr(finding(fx, "placeholder")->message, "subject"));
}

static void
placeholder_near_misses(void **state)
{
	struct fixture		*fx = *state;
	static const char *const bodies[] = {
		"Our paper on Lynch syndrome [1] was accepted.",
		"The date is tbd, I will confirm soon.",
		"My CV (see ERAS) lists [sic] everything.",
		"Thank you, Dr. Marchetti.\n\nOn Mon, 4 Jan 2027, Coordinator wrote:\n> Dear [First Name], please confirm.",
	};

	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++) {
		run(fx, HARBOR, NULL, bodies[i]);
		expect_none(fx, "placeholder");
	}
	/* Not a program: nothing is checked at all. */
	run(fx, "friend@example.org", NULL, "Dear [Program Name],");
	assert_int_equal(fx->findings.n, 0);
	assert_int_equal(fx->verdict, MG_PASS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(placeholder_trips, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(placeholder_near_misses, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(placeholder_table, setup, teardown),
		cmocka_unit_test_setup_teardown(placeholder_evidence, setup, teardown),
		cmocka_unit_test_setup_teardown(placeholder_order_and_cap, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(placeholder_quoted, setup, teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
