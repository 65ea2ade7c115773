/*
 * classify.c - tell what kind of message this is from its phrases.
 *
 * The first class whose phrases match wins, in this order: a letter of
 * intent says the most, an inquiry the least.  A request for news of the
 * application (filters/status.conf) is a follow-up, even in a letter
 * that also says the applicant is still interested.  A message that matches
 * none is a "reply" when it answers the program, else "other".
 */
#include "config_auto.h"

#include <stddef.h>

#include "matchguard/classify.h"

static const struct {
	const char	*list;
	const char	*name;
} classes[] = {
	{ "intent.phrases",	"intent" },
	{ "classes.thank_you",	"thank-you" },
	{ "status.requests",	"follow-up" },
	{ "classes.interest",	"interest" },
	{ "classes.follow_up",	"follow-up" },
	{ "classes.update",	"update" },
	{ "classes.inquiry",	"inquiry" },
};

const char *const mg_classify_lists[] = {
	"intent.phrases", "classes.thank_you", "status.requests",
	"classes.interest",
	"classes.follow_up", "classes.update", "classes.inquiry", NULL
};

static int
matches(const struct mg_patlist *pl, const struct mg_normtext *nt)
{
	size_t	start, end;

	return pl != NULL && nt != NULL &&
	    mg_patlist_find(pl, NULL, nt, 0, &start, &end);
}

const char *
mg_classify(const struct mg_filters *f, const struct mg_normtext *subject_flat,
    const struct mg_normtext *text_flat, int answers_program)
{
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		const struct mg_patlist	*pl = mg_filters_get(f, classes[i].list);

		if (matches(pl, subject_flat) || matches(pl, text_flat))
			return classes[i].name;
	}
	return answers_program ? "reply" : "other";
}
