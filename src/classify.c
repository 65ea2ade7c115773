/*
 * classify.c - tell what kind of message this is.
 *
 * In this order, the first that holds wins (the frames are those of
 * frames.h, their cues in filters/classes.conf):
 *   intent     the commitment frame (the letter-of-intent rule's);
 *   thank-you  thanks for the interview or visit, not for an invitation;
 *   follow-up  a request for news of the application (status.requests:
 *              even in a letter that also says it is still interested);
 *   interest   a letter of interest, a hedged commitment ("one of my top
 *              choices"), "I will rank you highly"; or a statement of
 *              strong interest once the interview is past (or when the
 *              program has no interview date);
 *   follow-up  the writer following up (not a "follow-up clinic");
 *   update     news, or still being interested; a statement of strong
 *              interest before the interview;
 *   inquiry    an inquiry phrase ("do you sponsor");
 *   interest   wants to train there, with no cue phrase;
 *   inquiry    asks something that is neither a ranking question nor
 *              bargaining;
 * else "reply" when it answers the program, or "other".
 */
#include "config_auto.h"

#include <stddef.h>

#include "matchguard/classify.h"

enum when { ALWAYS, AFTER, BEFORE };	/* the interview */

struct cls {
	const char	*list;		/* NULL: the frame */
	const char	*except;
	enum mg_frame	 frame;
	enum when	 when;
	const char	*name;
};

static const struct cls classes[] = {
	{ NULL, NULL, MG_FRAME_COMMITMENT, ALWAYS, "intent" },
	{ NULL, NULL, MG_FRAME_THANK_YOU, ALWAYS, "thank-you" },
	{ "status.requests", NULL, 0, ALWAYS, "follow-up" },
	{ NULL, NULL, MG_FRAME_INTEREST_CUE, ALWAYS, "interest" },
	{ NULL, NULL, MG_FRAME_STRONG_INTEREST, AFTER, "interest" },
	{ NULL, NULL, MG_FRAME_FOLLOW_UP, ALWAYS, "follow-up" },
	{ NULL, NULL, MG_FRAME_UPDATE, ALWAYS, "update" },
	{ NULL, NULL, MG_FRAME_STRONG_INTEREST, BEFORE, "update" },
	{ NULL, NULL, MG_FRAME_INQUIRY, ALWAYS, "inquiry" },
	{ NULL, NULL, MG_FRAME_INTEREST, ALWAYS, "interest" },
	{ NULL, NULL, MG_FRAME_QUESTION, ALWAYS, "inquiry" },
};

const char *const mg_classify_lists[] = { "status.requests", NULL };

static int
matches(const struct mg_patlist *pl, const struct mg_patlist *except,
    const struct mg_normtext *nt)
{
	size_t	start, end;

	return pl != NULL && nt != NULL &&
	    mg_patlist_find(pl, except, nt, 0, &start, &end);
}

const char *
mg_classify(const struct mg_filters *f, const struct mg_frames_doc *frames,
    const struct mg_normtext *subject_flat,
    const struct mg_normtext *text_flat, int answers_program,
    int before_interview)
{
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		const struct cls	*c = &classes[i];
		const struct mg_patlist	*pl, *ex;

		if ((c->when == AFTER && before_interview) ||
		    (c->when == BEFORE && !before_interview))
			continue;
		if (c->list == NULL) {
			if (mg_frames_has(frames, c->frame))
				return c->name;
			continue;
		}
		pl = mg_filters_get(f, c->list);
		ex = c->except != NULL ? mg_filters_get(f, c->except) : NULL;
		if (matches(pl, ex, subject_flat) || matches(pl, ex, text_flat))
			return c->name;
	}
	return answers_program ? "reply" : "other";
}
