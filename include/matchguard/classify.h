/*
 * classify.h - what kind of message this is, from its text.
 *
 * Classes: inquiry, update, thank-you, interest, intent, follow-up,
 * reply, other.  Read from the concept frames (frames.h; their cues in
 * filters/classes.conf), so that a wording with no cue phrase is still
 * recognised, and from filters/status.conf.
 */
#ifndef MATCHGUARD_CLASSIFY_H
#define MATCHGUARD_CLASSIFY_H

#include "matchguard/filters.h"
#include "matchguard/frames.h"
#include "matchguard/textnorm.h"

/* The filter lists used by the classifier, NULL-terminated (the frames'
 * own lists are in mg_frames_lists). */
extern const char *const mg_classify_lists[];

/* Returns a static class name.  frames may be NULL (then only the
 * phrases count).  before_interview: the letter goes to a program before
 * its interview, when a statement of strong interest
 * (classes.strong_interest) is still an update. */
const char *mg_classify(const struct mg_filters *f,
	    const struct mg_frames_doc *frames,
	    const struct mg_normtext *subject_flat,
	    const struct mg_normtext *text_flat, int answers_program,
	    int before_interview);

#endif
