/*
 * classify.h - what kind of message this is, from its text.
 *
 * Classes: inquiry, update, thank-you, interest, intent, follow-up,
 * reply, other.  Phrases in filters/classes.conf.
 */
#ifndef MATCHGUARD_CLASSIFY_H
#define MATCHGUARD_CLASSIFY_H

#include "matchguard/filters.h"
#include "matchguard/textnorm.h"

/* The filter lists used by the classifier, NULL-terminated. */
extern const char *const mg_classify_lists[];

/* Returns a static class name. */
const char *mg_classify(const struct mg_filters *f,
	    const struct mg_normtext *subject_flat,
	    const struct mg_normtext *text_flat, int answers_program);

#endif
