/*
 * letter_of_intent.c - "you are my first choice" may be said to one
 * program only.  The first letter of intent passes with a note; one to a
 * different program after that, this season, is held.
 *
 * A letter of intent is a commitment frame (frames.h): the writer, a
 * ranking, placing or listing act or a choice, a top position and this
 * program, in one sentence, with no hedge, negation, question or
 * condition over it.
 */
#include "config_auto.h"

#include <stdlib.h>
#include <string.h>

#include "matchguard/policy.h"

static const char *const lists[] = {
	"intent.rank_act", "intent.place_act", "intent.top_position",
	"intent.top_all", "intent.top_verb", "intent.none", "intent.choice",
	"intent.rank_list", "intent.letter_of_intent", "concepts.writer_subject",
	"concepts.this_program", "concepts.negation", "concepts.hedge",
	"concepts.condition", NULL
};

static int
check_one(const struct mg_check_ctx *ctx, const struct mg_program *p,
    const char *quote, struct mg_findings *out, char *err, size_t errlen)
{
	char	other[128], day[16];
	time_t	when;
	int	found;

	if (mg_ledger_class_to_other(ctx->ledger, "intent", p->id,
	    mg_day_to_time(ctx->cfg->season_start), ctx->history_end, &found, other,
	    sizeof(other), &when, err, errlen) == -1)
		return -1;
	if (!found)
		return mg_rule_finding(out, MG_SEV_INFO, quote,
		    "This is a letter of intent to %s: once it is sent, it is "
		    "the only one you can send this season.", p->name);
	mg_format_day(mg_time_to_day(when), day, sizeof(day));
	return mg_rule_finding(out, MG_SEV_HOLD, quote,
	    "You already told %s on %s that it is your first choice; saying "
	    "it to %s too breaks the NRMP rules, so send a letter of strong "
	    "interest without \"first choice\" instead.",
	    mg_program_name(ctx->cfg, other), day, p->name);
}

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	char	*quote;
	int	 rc = 0;

	switch (mg_frames_find(ctx->frames, MG_FRAME_COMMITMENT, &quote)) {
	case 0:
		return 0;
	case -1:
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < ctx->n_programs && rc == 0; i++) {
		err[0] = '\0';
		rc = check_one(ctx, ctx->programs[i], quote, out, err, errlen);
		if (rc == -1 && err[0] == '\0')
			mg_seterr(err, errlen, "out of memory");
	}
	free(quote);
	return rc;
}

static const char *const settings[] = { "season.start", NULL };

const struct mg_rule mg_rule_letter_of_intent = {
	.id = "letter-of-intent",
	.severity = MG_SEV_HOLD,
	.summary = "a second \"you are my first choice\" to another program",
	.checks = "Looks for a sentence that commits to ranking the "
	    "program first, however it is worded (\"I will rank you "
	    "first\", \"you are my top choice\", \"no program will be "
	    "ranked higher than yours\", \"I have decided to place you at "
	    "the top of my list\"), and not hedged (\"one of my top "
	    "choices\"), negated, asked or made conditional (concept "
	    "lists in filters/intent.conf and filters/concepts.conf).  The "
	    "first such letter of the season passes with a note; one to a "
	    "different program after that is held, naming the program "
	    "that already has it.",
	.why = "You can tell only one program that it is your first "
	    "choice.  Program directors talk to each other, and two "
	    "\"first choices\" are a breach of trust that is easily "
	    "discovered.",
	.settings = settings,
	.lists = lists,
	.check = check,
};
