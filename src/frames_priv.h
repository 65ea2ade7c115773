/*
 * frames_priv.h - what frames.c (lexicons, sentences, tags) and
 * frames_match.c (the frames) share.  Not for other modules.
 */
#ifndef MG_FRAMES_PRIV_H
#define MG_FRAMES_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "matchguard/frames.h"

/* The concepts, one filter list each (the table in frames.c). */
enum fr_concept {
	C_WRITER_SUBJ, C_WRITER_OBJ, C_WRITER_POSS, C_THIS, C_PRONOUN,
	C_OTHER_PROG, C_ADDRESSEE, C_BE, C_AUX, C_NEG, C_NEG_PSEUDO, C_HEDGE,
	C_HEDGE_PSEUDO, C_COND, C_COND_PSEUDO, C_COND_CANCEL, C_COND_BACK,
	C_REQUEST,
	C_TERM, C_NOT_PROGRAM, C_DESIRE,
	C_JOIN,
	/* intent.conf */
	C_RANK, C_PLACE, C_TOP, C_TOP_ALL, C_TOP_VERB, C_NONE, C_ANY_OTHER,
	C_COMPARATIVE, C_CHOICE, C_CHOICES, C_LIST, C_INTENSIFIER,
	C_EXTERNAL, C_LOI, C_LOI_SELF,
	/* ranking.conf */
	C_STANDING, C_STANDING_WEAK, C_STANDING_VERB, C_SAFE, C_MATCH,
	C_PROGRAM_LIST, C_OTHER_APPLICANTS, C_COMPARE, C_PROGRAM_FACT,
	/* bargaining.conf */
	C_ASSURANCE, C_POSITION, C_OFFER, C_WITHDRAW, C_OTHERS, C_COMMIT,
	C_EXCHANGE, C_MUTUAL, C_LINK, C_KNOWING,
	/* classes.conf */
	C_THANKS, C_THANKS_FOR, C_INVITATION, C_INTEREST, C_STRONG_INTEREST,
	C_FOLLOW_UP, C_UPDATE, C_INQUIRY,
	C_N_TAGS,
	/* Word lists, not tags: flags of single words (fr_wflag). */
	C_ABBREV = C_N_TAGS, C_SPELLING, C_NAME_WORDS,
	C_N
};

#define FR_BIT(c)	((uint64_t)1 << (c))

#define FR_WFLAG(c)	((uint8_t)(1u << ((c) - C_N_TAGS)))

/* Every tag has a bit of a uint64_t, every word list one of a uint8_t. */
_Static_assert(C_N_TAGS <= 64, "too many concepts for a 64-bit mask");
_Static_assert(C_N - C_N_TAGS <= 8, "too many word lists");

/* Function words the frames name, interned with the lexicons. */
enum fr_word {
	W_AND, W_THEN, W_TO, W_OF, W_FOR, W_ON, W_IN, W_AT, W_THAT, W_THE,
	W_A, W_AN, W_WHERE, W_HOW, W_HIGH, W_HIGHLY, W_QMARK, W_DOT, W_BANG,
	W_SOME, W_ANY, W_YOUR, W_HAVE, W_DO, W_DOES, W_DID, W_AM, W_IS,
	W_ARE, W_WILL, W_WOULD, W_COULD, W_CAN, W_SHOULD, W_WHAT, W_BY,
	W_ME, W_FROM, W_WITH, W_AGAINST, W_UP, W_LET, W_GIVE, W_TELL,
	W_THESE, W_THOSE, W_TWO, W_BOTH, W_MY, W_BE, W_THAN, W_CLOSE,
	W_THERE, W_HERE, W_IF, W_SO, W_SHALL, W_MIGHT, W_MAY, W_WHETHER,
	W_LIKELY, W_FOLLOW, W_FOLLOWING, W_FOLLOWUP, W_ONLY, W_HE, W_SHE,
	W_WHO, W_WHICH, W_AS, W_AFTER, W_SINCE, W_NOW, W_WHEN, W_ONCE,
	W_BEFORE, W_SECOND, W_MINE, W_N
};

#define FR_MAX_PHRASE	12

struct fr_phrase {
	uint16_t	c;		/* concept */
	uint8_t		n;		/* words */
	int32_t		w[FR_MAX_PHRASE];
};

struct fr_pair {
	uint64_t	key;		/* (w0 + 1) << 32 | w1; 0 when empty */
	uint32_t	first, count;
};

struct mg_frames {
	char		**words;	/* the vocabulary, lower case */
	size_t		  nwords, capwords;
	uint32_t	 *hash;		/* open addressing: word index + 1 */
	size_t		  hcap;
	uint64_t	 *wmask;	/* concepts with the word as a whole entry */
	uint8_t		 *wflag;	/* word lists it is in (FR_WFLAG) */
	/* Phrases of two words or more, sorted by their first two words,
	 * longest first; one-word phrases are only bits of wmask. */
	struct fr_phrase *ph;
	size_t		  nph, capph;
	struct fr_pair	 *pairs;	/* open addressing on the first two */
	size_t		  pcap;
	int32_t		 *spell;	/* typo targets (word ids), by letter */
	size_t		  nspell;
	uint16_t	  spell_at[27];	/* first of each first letter */
	int32_t		  fw[W_N];	/* the function words */
};

/* Token flags. */
#define TF_CAP		0x01	/* starts with a capital letter */
#define TF_PUNCT	0x02
#define TF_HYPH		0x04	/* joined to the word before by a hyphen */
#define TF_BAR		0x08	/* ends a clause: ; : ( ) - and terminators */
#define TF_COMMA	0x10
#define TF_NAME_OTHER	0x20	/* names another program (lazy) */

struct fr_tok {
	uint32_t	a, b;		/* bytes of its view */
	int32_t		w;		/* word id, -1 when not in the vocabulary */
	uint32_t	name_end;	/* > own index: [i, name_end) names the
					 * recipient */
	uint32_t	ci;		/* index with every name one word, for
					 * distances (fr_ahead, fr_back) */
	uint64_t	in;		/* concepts of the mentions over it */
	uint8_t		src;		/* 0: text, 1: subject */
	uint8_t		fl;
};

struct fr_mention {
	uint32_t	a, b;		/* tokens [a, b) */
	uint8_t		c;
	uint8_t		named;		/* C_THIS/C_OTHER_PROG by a name */
};

struct fr_sent {
	uint32_t	t0, t1;		/* tokens */
	uint32_t	m0, m1;		/* mentions */
	uint64_t	mask;		/* concepts present */
	uint32_t	frames;		/* bits of enum mg_frame */
	uint32_t	anchor[MG_FRAME_N];	/* token to quote */
	int8_t		question;	/* ends in "?" */
	int8_t		other_done;	/* other programs looked up */
};

struct mg_frames_doc {
	const struct mg_frames	*fr;
	struct mg_frames_input	 in;
	struct fr_tok		*t;
	size_t			 nt, capt;
	struct fr_mention	*m;
	size_t			 nm, capm;
	struct fr_sent		*s;
	size_t			 ns, caps;
	int			 nomem;
};

/* frames.c: queries over one sentence. */
int	fr_is(const struct mg_frames_doc *d, size_t t, int c);
int	fr_wordis(const struct mg_frames_doc *d, size_t t, enum fr_word w);
/* The first (last) mention of c starting in [lo, hi), or -1. */
long	fr_find(const struct mg_frames_doc *d, const struct fr_sent *s, int c,
	    size_t lo, size_t hi);
long	fr_find_last(const struct mg_frames_doc *d, const struct fr_sent *s,
	    int c, size_t lo, size_t hi);
/* Is there a clause barrier among tokens (a, b) (exclusive), commas too
 * when commas? */
int	fr_barrier(const struct mg_frames_doc *d, size_t a, size_t b,
	    int commas);
/* The end of the n words from t (a name is one word), within s. */
size_t	fr_ahead(const struct mg_frames_doc *d, const struct fr_sent *s,
	    size_t t, size_t n);
/* The first of the n words before t, within s. */
size_t	fr_back(const struct mg_frames_doc *d, const struct fr_sent *s,
	    size_t t, size_t n);
/* Words from a to b, a name counting as one. */
size_t	fr_dist(const struct mg_frames_doc *d, size_t a, size_t b);
/* The clause of token t: tokens between barriers (commas too when
 * commas), within the sentence. */
void	fr_clause(const struct mg_frames_doc *d, const struct fr_sent *s,
	    size_t t, int commas, size_t *lo, size_t *hi);
/* Marks the tokens of s that name another program of the directory
 * (TF_NAME_OTHER); done once per sentence, when a frame needs it. */
void	fr_other_names(struct mg_frames_doc *d, struct fr_sent *s);

/* frames_match.c: sets s->frames and s->anchor. */
void	fr_match_sentence(struct mg_frames_doc *d, size_t si);

#endif
