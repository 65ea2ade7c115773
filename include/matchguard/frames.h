/*
 * frames.h - concept frames over sentences, shared by the NRMP rules
 * (letter-of-intent, ranking-question, bargaining) and the message
 * classes, in the manner of NegEx and ConText in clinical text.
 *
 * The subject and the new text are cut into sentences and their words
 * tagged with concepts (the writer, this program, a ranking act, a top
 * position, a negation, a hedge, a condition, a request, the writer's
 * standing, a promise, ...).  Each concept is a list of phrases in
 * filters/ (concepts.conf, intent.conf, ranking.conf, bargaining.conf);
 * the recipient program's names join the "this program" concept at check
 * time.  A frame combines the tags of one sentence with word order and
 * scope: a negation or a hedge reaches over the next words of its clause,
 * a condition over its sentence.  See FRAMES in matchguard(1).
 *
 * The lexicons are compiled once, when the filters are loaded
 * (mg_filters_load() calls mg_frames_new()); a letter is analysed once
 * per check (mg_frames_doc_new()), and every frame is then a lookup.
 */
#ifndef MATCHGUARD_FRAMES_H
#define MATCHGUARD_FRAMES_H

#include <stddef.h>

#include "matchguard/directory.h"
#include "matchguard/textnorm.h"

struct mg_filters;
struct mg_frames;
struct mg_frames_doc;

enum mg_frame {
	/* The writer commits to rank this program first (a letter of
	 * intent): unhedged, not negated, not a question, no condition. */
	MG_FRAME_COMMITMENT,
	/* A question or request about the writer's own standing. */
	MG_FRAME_RANKING_QUESTION,
	/* A condition or exchange between the program's ranking or promise
	 * and the writer's ranking, commitment or withdrawal; or asking for
	 * a promise of a position; or talk of offers. */
	MG_FRAME_BARGAINING,
	/* Wants to train there ("I would be thrilled to join your
	 * residents"), with no cue phrase. */
	MG_FRAME_INTEREST,
	/* Asks something that is neither a ranking question nor
	 * bargaining. */
	MG_FRAME_QUESTION,
	/* The cues of the message classes (filters/classes.conf). */
	MG_FRAME_THANK_YOU,	/* thanks for the interview, not an invitation */
	MG_FRAME_INTEREST_CUE,	/* a letter of interest, a hedged commitment,
				 * "I will rank you highly" */
	MG_FRAME_STRONG_INTEREST, /* "I am writing to express my strong
				 * interest" */
	MG_FRAME_FOLLOW_UP,	/* the writer following up */
	MG_FRAME_UPDATE,
	MG_FRAME_INQUIRY,
	MG_FRAME_N
};

/* The filter lists the frames read, NULL-terminated. */
extern const char *const mg_frames_lists[];

/* Compiles the concept lists of f (loaded from dir, named in errors).
 * *out is NULL, and 0 returned, when f does not hold them (a caller
 * that loaded other lists).  -1 with err set on a bad phrase or when out
 * of memory.  Free with mg_frames_free(). */
int	mg_frames_new(const struct mg_filters *f, const char *dir,
	    struct mg_frames **out, char *err, size_t errlen);
void	mg_frames_free(struct mg_frames *fr);

/* What one letter is analysed from.  The views are borrowed and must
 * outlive the document.  programs are the recipients (their names are
 * "this program"); dir, when not NULL, names the other programs.
 * text_end, when not 0, is the byte of the original new text where what
 * is read ends (a signature or disclaimer block after it is skipped). */
struct mg_frames_input {
	const struct mg_normtext	 *subject_flat, *subject_key;
	const struct mg_normtext	 *text_flat, *text_key;
	const struct mg_program *const	 *programs;
	size_t				  n_programs;
	const struct mg_directory	 *dir;
	size_t				  text_end;
};

/* Analyses a letter: sentences, tags, and every frame of every
 * sentence.  With fr NULL the document is empty (no frame holds).
 * NULL only when out of memory.  Free with mg_frames_doc_free(). */
struct mg_frames_doc *mg_frames_doc_new(const struct mg_frames *fr,
	    const struct mg_frames_input *in);
void	mg_frames_doc_free(struct mg_frames_doc *doc);

/* Does frame k hold in some sentence?  1 or 0. */
int	mg_frames_has(const struct mg_frames_doc *doc, enum mg_frame k);

/* The first sentence where frame k holds: returns 1 and *quote, the
 * sentence as written (caller frees); 0 when none; -1 when out of
 * memory. */
int	mg_frames_find(const struct mg_frames_doc *doc, enum mg_frame k,
	    char **quote);

/* For tests and `matchguard explain`: the frames that hold in each
 * sentence of doc, one line a sentence ("2 commitment: I will ...").
 * Caller frees; NULL when out of memory. */
char	*mg_frames_dump(const struct mg_frames_doc *doc);

#endif
