/*
 * test_length.c - the length rule (src/rules/length.c): letters and
 * thank-you notes longer than max_words, thank_you_max_words or
 * thank_you_max_paragraphs.
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

#include "mg_test.h"
#include "fixture_style.h"

static char *
words_text(size_t paragraphs, size_t words_each, const char *first)
{
	size_t	 len = paragraphs * (words_each * 8 + 4) + 256;
	char	*s = malloc(len), *p = s;

	assert_non_null(s);
	p += sprintf(p, "Dear Dr. Marchetti,\n\n");
	for (size_t i = 0; i < paragraphs; i++) {
		p += sprintf(p, "%s", i == 0 ? first : "");
		for (size_t w = 0; w < words_each; w++)
			p += sprintf(p, "%s", w + 1 < words_each ? "word " :
			    "end.");
		p += sprintf(p, "\n\n");
	}
	sprintf(p, "Best regards,\nPriya Raman, MD\n");
	return s;
}

static void
length(void **state)
{
	struct fixture	*fx = *state;
	const char	*ty = "Thank you for the interview yesterday. ";
	char		*s;

	/* A thank-you: 3 paragraphs of 40 words, greeting and sign-off. */
	s = words_text(3, 40, ty);
	run(fx, TO(HARBOR), s, "2026-11-11T10:00:00Z");
	assert_string_equal(fx->msg_class, "thank-you");
	expect_none(fx, "length");
	free(s);
	s = words_text(4, 20, ty);
	run(fx, TO(HARBOR), s, "2026-11-11T10:00:00Z");
	expect(fx, "length", MG_SEV_WARN);
	expect_text(fx, "length", "4 paragraphs");
	free(s);
	s = words_text(2, 130, ty);
	run(fx, TO(HARBOR), s, "2026-11-11T10:00:00Z");
	expect(fx, "length", MG_SEV_WARN);
	expect_text(fx, "length", "250 words");
	free(s);
	/* Any message: 500 words. */
	s = words_text(4, 115, "");
	run(fx, TO(HARBOR), s, NOW);
	expect_none(fx, "length");
	free(s);
	s = words_text(5, 110, "");
	run(fx, TO(HARBOR), s, NOW);
	expect(fx, "length", MG_SEV_WARN);
	expect_text(fx, "length", "under 500");
	assert_int_equal(fx->verdict, MG_WARN);
	free(s);
	/* The quoted reply does not count. */
	s = words_text(1, 20, "");
	{
		char	*q = malloc(8000);

		assert_non_null(q);
		snprintf(q, 8000, "%s\nOn Mon, Dana wrote:\n", s);
		for (int i = 0; i < 120; i++)
			strcat(q, "> quoted words here too\n");
		run(fx, TO(HARBOR), q, NOW);
		expect_none(fx, "length");
		free(q);
	}
	free(s);
}

static int
setup_length(void **state)
{
	return open_fixture(state, "thank_you_max_words = 300; "
	    "thank_you_max_paragraphs = 5; max_words = 400; "
	    "rules = { length = \"hold\"; };");
}

static void
length_settings(void **state)
{
	struct fixture	*fx = *state;
	char		*s = words_text(4, 60, "Thank you for the interview "
	    "yesterday. ");

	run(fx, TO(HARBOR), s, "2026-11-11T10:00:00Z");
	expect_none(fx, "length");
	free(s);
	s = words_text(7, 60, "");
	run(fx, TO(HARBOR), s, NOW);
	expect(fx, "length", MG_SEV_HOLD);
	assert_int_equal(fx->verdict, MG_HOLD);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(length, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(length_settings, setup_length,
		    teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
