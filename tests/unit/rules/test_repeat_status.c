/*
 * test_repeat_status.c - the repeat-status rule
 * (src/rules/repeat_status.c): asking for news again before the program
 * answered the last such question.
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

static void
repeat_status(void **state)
{
	struct fixture	*fx = *state;
	const char	*ask = "Is there any update on my application?";
	char		 err[MG_ERRLEN];
	int		 inserted;

	run(fx, TO(PINE), ask, "2026-12-28T10:00:00Z");
	assert_string_equal(fx->msg_class, "follow-up");
	expect_none(fx, "repeat-status");
	/* The last message was an update, not a request. */
	sent(fx, "u1@example.com", "pinecrest", "2026-11-01T10:00:00Z",
	    "update");
	run(fx, TO(PINE), ask, "2026-12-28T10:00:00Z");
	expect_none(fx, "repeat-status");
	/* It was a request, unanswered: hold. */
	sent(fx, "f1@example.com", "pinecrest", "2026-12-01T10:00:00Z",
	    "follow-up");
	run(fx, TO(PINE), ask, "2026-12-28T10:00:00Z");
	expect(fx, "repeat-status", MG_SEV_HOLD);
	expect_text(fx, "repeat-status", "2026-12-01");
	run(fx, TO(PINE), "I wanted to check in on the status of my "
	    "application.", "2026-12-28T10:00:00Z");
	expect(fx, "repeat-status", MG_SEV_HOLD);
	/* Not a request. */
	run(fx, TO(PINE), "I passed USMLE Step 3 last week.",
	    "2026-12-28T10:00:00Z");
	expect_none(fx, "repeat-status");
	/* Answering the program. */
	run(fx, "To: " PINE "\r\nSubject: Re: Interview\r\nIn-Reply-To: "
	    "<c1@pinecrest.org>\r\n", ask, "2026-12-28T10:00:00Z");
	expect_none(fx, "repeat-status");
	/* A reply from the program since: fine. */
	assert_int_equal(mg_ledger_record_reply(fx->ledger, "r1@pinecrest.org",
	    "pinecrest", at("2026-12-05T10:00:00Z"), "f1@example.com",
	    &inserted, err, sizeof(err)), 0);
	run(fx, TO(PINE), ask, "2026-12-28T10:00:00Z");
	expect_none(fx, "repeat-status");
	/* An interview since the request counts as an answer. */
	sent(fx, "f2@example.com", "harborview", "2026-11-01T10:00:00Z",
	    "follow-up");
	run(fx, TO(HARBOR), ask, "2026-11-20T10:00:00Z");
	expect_none(fx, "repeat-status");
	run(fx, TO(HARBOR), ask, "2026-11-09T10:00:00Z");
	expect(fx, "repeat-status", MG_SEV_HOLD);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(repeat_status, setup,
		    teardown),
	};

	mg_message_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
