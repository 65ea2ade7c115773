/*
 * test_engine.c - what the policy engine does with every rule: the
 * user's severities (policy.rules), a rule name that does not exist, the
 * message classes the rules rely on, the explain data of each rule, and
 * that each rule of src/rules/ has its test file here.
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
#include <dirent.h>
#include <unistd.h>

#include "mg_test.h"
#include "fixture_style.h"

static int
setup_off(void **state)
{
	return open_fixture(state, "rules = { \"generic-template\" = \"off\"; "
	    "\"greeting-name\" = \"warn\"; \"thank-you-late\" = \"hold\"; "
	    "\"intent-timing\" = \"off\"; \"repeat-status\" = \"warn\"; "
	    "length = \"off\"; };");
}

static void
overrides_new_rules(void **state)
{
	struct fixture	*fx = *state;
	char		*c = form_letter("Dr. Okafor", "Harborview "
	    "University Medical Genetics Residency", "Harborview University",
	    "");

	record_form_letters(fx);
	run(fx, TO(HARBOR), c, "2026-11-20T10:00:00Z");
	expect_none(fx, "generic-template");
	expect(fx, "greeting-name", MG_SEV_WARN);
	free(c);
	run(fx, TO(HARBOR), "Thank you for the interview on November 10.",
	    "2026-11-20T10:00:00Z");
	expect(fx, "thank-you-late", MG_SEV_HOLD);
	assert_int_equal(fx->verdict, MG_HOLD);
	run(fx, TO(PINE), "This is a letter of strong interest.",
	    "2027-01-04T10:00:00Z");
	expect_none(fx, "intent-timing");
	sent(fx, "f1@example.com", "pinecrest", "2026-12-01T10:00:00Z",
	    "follow-up");
	run(fx, TO(PINE), "Is there any news on my application?",
	    "2026-12-28T10:00:00Z");
	expect(fx, "repeat-status", MG_SEV_WARN);
}

static int
setup_overrides(void **state)
{
	return open_fixture(state, "rules = { placeholder = \"warn\"; "
	    "\"vague-praise\" = \"off\"; \"mass-recipients\" = \"off\"; };");
}

static void
overrides(void **state)
{
	struct fixture	*fx = *state;

	run(fx, TO(HARBOR), "Your excellent and prestigious program, "
	    "[Program Name], is my goal.", NOW);
	expect(fx, "placeholder", MG_SEV_WARN);
	expect_none(fx, "vague-praise");
	assert_int_equal(fx->verdict, MG_WARN);
	run(fx, "To: " HARBOR ", " PINE "\r\nSubject: Hi\r\n", "Hello.", NOW);
	expect_none(fx, "mass-recipients");
}

static void
unknown_rule_setting(void **state)
{
	struct mg_config	cfg;
	char			err[MG_ERRLEN], *dir, *path, text[8192];

	(void)state;
	dir = mg_test_tmpdir();
	snprintf(text, sizeof(text), conf_text,
	    "rules = { \"palceholder\" = \"warn\"; };");
	path = mg_test_write(dir, "matchguard.conf", text);
	assert_int_equal(mg_config_load(path, &cfg, err, sizeof(err)), 0);
	assert_int_equal(mg_policy_validate(&cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "palceholder"));
	assert_non_null(strstr(err, ":4:"));
	mg_config_clear(&cfg);
	mg_test_rmrf(dir);
	free(dir);
	free(path);
}

static void
classes(void **state)
{
	struct fixture	*fx = *state;
	static const struct {
		const char	*body, *want;
	} cases[] = {
		{ "Is there any update on my application?", "follow-up" },
		{ "I remain very interested. Could you tell me whether a "
		  "decision has been made?", "follow-up" },
		{ "I remain very interested in your program.", "update" },
		{ "I wanted to let you know that my paper is out.", "update" },
		/* A statement of strong interest is a letter of interest
		 * (issue 10), an update only before the interview (see
		 * intent_timing above). */
		{ "I am writing to share my strong interest in your program.",
		  "interest" },
		{ "I am writing to express my strong interest in Harborview.",
		  "interest" },
		/* With no cue phrase, it still reads as one. */
		{ "After my visit I can see myself training at Harborview, "
		  "and I would be thrilled to join your residents.",
		  "interest" },
		/* Thanks for an invitation, with a question: an inquiry. */
		{ "Thank you for the invitation to interview. Could you tell "
		  "me whether the program sponsors H-1B visas?", "inquiry" },
		/* A clinic's follow-up is not the writer's. */
		{ "My research on newborn screening follow-up programs was "
		  "accepted at a national meeting.", "other" },
		{ "I am following up on my application from September.",
		  "follow-up" },
		{ "Your program is one of my top choices.", "interest" },
		{ "I will rank Harborview very highly.", "interest" },
		{ "Thank you again for the interview. Where do I stand?",
		  "other" },
		{ "Thanks so much for hosting me on Tuesday.", "thank-you" },
		{ "I would be grateful for the opportunity to interview.",
		  "other" },
		{ "I am truly grateful for the opportunity to interview with "
		  "you yesterday.", "thank-you" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run(fx, TO("friend@example.org"), cases[i].body, NOW);
		if (strcmp(fx->msg_class, cases[i].want) != 0)
			fail_msg("\"%s\": class %s, wanted %s", cases[i].body,
			    fx->msg_class, cases[i].want);
	}
}

static void
classes_plain(void **state)
{
	struct fixture	*fx = *state;
	static const struct {
		const char	*body, *want;
	} cases[] = {
		{ "Harborview is my number one choice.", "intent" },
		{ "Thank you for the interview on Tuesday.", "thank-you" },
		{ "This is a letter of strong interest.", "interest" },
		{ "I am following up on my application.", "follow-up" },
		{ "I am pleased to share that my paper was published.", "update" },
		{ "Do you sponsor J-1 visas?", "inquiry" },
		{ "Hello.", "other" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run(fx, TO("friend@example.org"), cases[i].body, NOW);
		assert_string_equal(fx->msg_class, cases[i].want);
	}
}

static void
rules_explain_themselves(void **state)
{
	struct fixture	*fx = *state;
	char		 value[64], dflt[64];

	for (size_t i = 0; mg_rules[i] != NULL; i++) {
		const struct mg_rule	*r = mg_rules[i];

		if (r->checks == NULL || r->why == NULL || r->summary == NULL)
			fail_msg("rule %s does not explain itself", r->id);
		assert_ptr_equal(mg_rule_find(r->id), r);
		for (const char *const *s = r->settings; s != NULL && *s != NULL;
		    s++)
			if (mg_policy_setting(&fx->cfg, *s, value,
			    sizeof(value), dflt, sizeof(dflt)) == -1)
				fail_msg("rule %s: unknown setting %s", r->id,
				    *s);
	}
	assert_null(mg_rule_find("no-such-rule"));
	assert_int_equal(mg_policy_setting(&fx->cfg, "template_similarity",
	    value, sizeof(value), dflt, sizeof(dflt)), 0);
	assert_string_equal(value, "0.8");
	assert_string_equal(dflt, "0.8");
	assert_int_equal(mg_policy_setting(&fx->cfg, "nope", value,
	    sizeof(value), dflt, sizeof(dflt)), -1);
}

/* Every rule of src/rules/ (a .c file with a struct mg_rule) has its test
 * file here, tests/unit/rules/test_<file>.c. */
static void
every_rule_has_its_test(void **state)
{
	char		 path[4096];
	DIR		*d;
	struct dirent	*e;
	size_t		 files = 0;

	(void)state;
	snprintf(path, sizeof(path), "%s/src/rules", MG_SRCDIR);
	assert_non_null(d = opendir(path));
	while ((e = readdir(d)) != NULL) {
		size_t	len = strlen(e->d_name);
		char	*text;

		if (len < 3 || strcmp(e->d_name + len - 2, ".c") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/src/rules/%s", MG_SRCDIR,
		    e->d_name);
		if (mg_read_file(path, 1u << 20, &text, NULL, NULL, 0) == -1)
			fail_msg("cannot read %s", path);
		if (strstr(text, "const struct mg_rule mg_rule_") != NULL) {
			snprintf(path, sizeof(path), "%s/tests/unit/rules/test_%s",
			    MG_SRCDIR, e->d_name);
			if (access(path, F_OK) == -1)
				fail_msg("src/rules/%s has no test file %s",
				    e->d_name, path);
			files++;
		}
		free(text);
	}
	closedir(d);
	/* One file per rule the engine runs. */
	for (size_t i = 0; mg_rules[i] != NULL; i++)
		files--;
	assert_int_equal(files, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(overrides_new_rules, setup_off,
		    teardown),
		cmocka_unit_test_setup_teardown(overrides, setup_overrides,
		    teardown),
		cmocka_unit_test(unknown_rule_setting),
		cmocka_unit_test_setup_teardown(classes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(classes_plain, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(rules_explain_themselves, setup,
		    teardown),
		cmocka_unit_test(every_rule_has_its_test),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
