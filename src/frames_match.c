/*
 * frames_match.c - the frames: how the concept tags of one sentence
 * combine into a commitment, a ranking question, bargaining, interest
 * or a plain question.
 *
 * Scope, as in NegEx/ConText: a negation or a hedge reaches forward over
 * at most SCOPE words of its clause (a comma, semicolon, colon, bracket,
 * dash, a terminator such as "but", or "and" with a new subject ends it)
 * and covers the words it reaches; a condition covers what no semicolon,
 * colon, bracket or dash separates from it ("if so" looks back over
 * them).  A "pseudo" phrase ("no doubt", "if you have any questions")
 * hides the trigger inside it.  Distances count a program's name as one
 * word.
 */
#include "config_auto.h"

#include <stdlib.h>
#include <string.h>

#include "matchguard/frames.h"
#include "frames_priv.h"

#define SCOPE		8	/* words a negation or hedge reaches */
#define OBJ_MAX		8	/* words between an act and its top position */

struct core {
	size_t	act;		/* the verb, or the top position */
	size_t	top;
};

/* --- small helpers ----------------------------------------------- */

static int
tok_text_is(const struct mg_frames_doc *d, size_t t, const char *suffix)
{
	const struct fr_tok	 *k = &d->t[t];
	const struct mg_normtext *nt = k->src ? d->in.subject_flat :
	    d->in.text_flat;
	size_t			  n = k->b - k->a, ls = strlen(suffix);

	return n >= ls && strncmp(nt->lower + k->b - ls, suffix, ls) == 0;
}

static int
tok_starts(const struct mg_frames_doc *d, size_t t, const char *prefix)
{
	const struct fr_tok	 *k = &d->t[t];
	const struct mg_normtext *nt = k->src ? d->in.subject_flat :
	    d->in.text_flat;
	size_t			  lp = strlen(prefix);

	return k->b - k->a >= lp && strncmp(nt->lower + k->a, prefix, lp) == 0;
}

/* Is t a word of the writer (not inside "let me know", "thank you")? */
static int
writer_tok(const struct mg_frames_doc *d, size_t t, uint64_t which)
{
	uint64_t	in = d->t[t].in;

	return (in & which) != 0 &&
	    !(in & (FR_BIT(C_REQUEST) | FR_BIT(C_ADDRESSEE)));
}

#define WRITER_ANY	(FR_BIT(C_WRITER_SUBJ) | FR_BIT(C_WRITER_OBJ) | \
			 FR_BIT(C_WRITER_POSS))

/* Is some writer token in [lo, hi)? */
static int
writer_in(const struct mg_frames_doc *d, size_t lo, size_t hi, uint64_t which)
{
	for (size_t t = lo; t < hi; t++)
		if (writer_tok(d, t, which))
			return 1;
	return 0;
}

/* Does "and" with a new subject ("... nearly final and your program
 * sits ...") start a clause among tokens [a, b)? */
static int
new_clause(const struct mg_frames_doc *d, size_t a, size_t b)
{
	for (size_t t = a; t + 1 < b; t++)
		if (fr_wordis(d, t, W_AND) && (d->t[t + 1].in &
		    (FR_BIT(C_THIS) | FR_BIT(C_WRITER_SUBJ) |
		    FR_BIT(C_WRITER_POSS) | FR_BIT(C_PRONOUN))))
			return 1;
	return 0;
}

/*
 * Is token t in the scope of a mention of c: one that starts at or
 * before t, in the same clause (commas end it), and reaches t within
 * SCOPE words?  Mentions starting before lo, or whose first word is
 * also tagged with a concept of except, do not count.
 */
static int
scoped(const struct mg_frames_doc *d, const struct fr_sent *s, int c,
    uint64_t except, size_t t, size_t lo)
{
	if (!(s->mask & FR_BIT(c)))
		return 0;
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*m = &d->m[i];

		if (m->c != c || m->a > t || m->a < lo)
			continue;
		if (d->t[m->a].in & except)
			continue;
		if (m->b <= t && (fr_dist(d, m->b, t) >= SCOPE ||
		    fr_barrier(d, m->b - 1, t, 1) ||
		    (d->t[t].fl & (TF_BAR | TF_COMMA)) ||
		    new_clause(d, m->b, t)))
			continue;
		return 1;
	}
	return 0;
}

static int
negated(const struct mg_frames_doc *d, const struct fr_sent *s, size_t t,
    size_t lo)
{
	/* "No one can promise": "no one", "nobody", "no program" negate
	 * too (not in "no doubt", a pseudo-negation). */
	return scoped(d, s, C_NEG, FR_BIT(C_NEG_PSEUDO), t, lo) ||
	    scoped(d, s, C_NONE, FR_BIT(C_NEG_PSEUDO) | FR_BIT(C_COND_CANCEL),
	    t, lo);
}

static int
hedged(const struct mg_frames_doc *d, const struct fr_sent *s, size_t t)
{
	return scoped(d, s, C_HEDGE, FR_BIT(C_HEDGE_PSEUDO) |
	    FR_BIT(C_TOP_ALL) | FR_BIT(C_TOP) | FR_BIT(C_LOI_SELF) | FR_BIT(C_REQUEST) |
	    FR_BIT(C_COND), t, s->t0);
}

/* A condition that can bargain: not "if you have any questions", and
 * not cancelled by "regardless" in the sentence. */
static long
condition(const struct mg_frames_doc *d, const struct fr_sent *s)
{
	if (s->mask & FR_BIT(C_COND_CANCEL))
		return -1;
	for (size_t i = s->m0; i < s->m1; i++)
		if (d->m[i].c == C_COND &&
		    !(d->t[d->m[i].a].in & FR_BIT(C_COND_PSEUDO)))
			return (long)i;
	return -1;
}

/* Is there a semicolon, colon, bracket or dash among tokens [a, b]? */
static int
punct_bar(const struct mg_frames_doc *d, size_t a, size_t b)
{
	for (size_t k = a; k <= b; k++)
		if ((d->t[k].fl & TF_BAR) && (d->t[k].fl & TF_PUNCT))
			return 1;
	return 0;
}

/* A condition (of concept c: C_COND, or C_LINK for bargaining) over the
 * tokens x and y: in their sentence with no semicolon, colon, bracket or
 * dash between ("If I match, I will be happy; it is my first choice" is
 * a commitment).  Its mention, or -1. */
static long
condition_over(const struct mg_frames_doc *d, const struct fr_sent *s,
    int c, size_t x, size_t y)
{
	if (s->mask & FR_BIT(C_COND_CANCEL))
		return -1;
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*m = &d->m[i];
		size_t			 a = m->a, b = m->a;

		if (m->c != c || (d->t[m->a].in & FR_BIT(C_COND_PSEUDO)))
			continue;
		/* "Please tell me whether I'll be ranked to match; if so, I
		 * will rank you first": "if so" looks back over the bar. */
		if ((d->t[m->a].in & FR_BIT(C_COND_BACK)) && x < m->a &&
		    m->a < y && !punct_bar(d, m->a, y))
			return (long)i;
		a = x < a ? x : a;
		a = y < a ? y : a;
		b = x > b ? x : b;
		b = y > b ? y : b;
		if (!punct_bar(d, a, b))
			return (long)i;
	}
	return -1;
}

static int
conditioned(const struct mg_frames_doc *d, const struct fr_sent *s, size_t t)
{
	return condition_over(d, s, C_COND, t, t) >= 0;
}

/* --- who or what is meant ---------------------------------------- */

enum ref {
	REF_NONE,
	REF_NAME,	/* a capitalised word no lexicon knows */
	REF_PRONOUN,	/* "it", "they" */
	REF_OTHER,	/* another program */
	REF_THIS	/* the recipient */
};

static int
addressee_only(const struct mg_frames_doc *d, const struct fr_mention *m)
{
	for (size_t t = m->a; t < m->b; t++)
		if (!(d->t[t].in & FR_BIT(C_ADDRESSEE)))
			return 0;
	return 1;
}

/* Could the capitalised token t be a name?  The first word of a
 * sentence only when a verb or another capital follows ("Harborview
 * is ..."). */
static int
name_tok(const struct mg_frames_doc *d, const struct fr_sent *s, size_t t)
{
	const struct fr_tok	*k = &d->t[t];

	if (!(k->fl & TF_CAP) || (k->fl & TF_PUNCT) || k->w >= 0)
		return 0;
	if (t > s->t0)
		return 1;
	return t + 1 < s->t1 && ((d->t[t + 1].fl & TF_CAP) ||
	    fr_is(d, t + 1, C_BE) || fr_is(d, t + 1, C_AUX));
}

static enum ref
ref_in(struct mg_frames_doc *d, struct fr_sent *s, size_t lo, size_t hi)
{
	int	other = 0, pronoun = 0, name = 0;

	if (hi > s->t1)
		hi = s->t1;
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*m = &d->m[i];

		if (m->a < lo || m->a >= hi)
			continue;
		if (m->c == C_THIS && (m->named || !addressee_only(d, m)))
			return REF_THIS;
		if (m->c == C_OTHER_PROG &&
		    !(d->t[m->a].in & FR_BIT(C_TOP_ALL)))
			other = 1;
		if (m->c == C_PRONOUN)
			pronoun = 1;
	}
	/* Another program's name is looked up only when a capital
	 * could start one. */
	for (size_t t = lo; t < hi; t++)
		if ((d->t[t].fl & TF_CAP) && d->t[t].w < 0 &&
		    !(d->t[t].in & FR_BIT(C_THIS))) {
			fr_other_names(d, s);
			break;
		}
	for (size_t t = lo; t < hi; t++) {
		if (d->t[t].fl & TF_NAME_OTHER)
			other = 1;
		else if (name_tok(d, s, t))
			name = 1;
	}
	if (other)
		return REF_OTHER;
	if (pronoun)
		return REF_PRONOUN;
	return name ? REF_NAME : REF_NONE;
}

static int
ref_ok(enum ref r)
{
	return r == REF_THIS || r == REF_PRONOUN || r == REF_NAME;
}

/* The program meant in the clause (semicolons, colons, terminators) of
 * token t. */
static enum ref
clause_ref(struct mg_frames_doc *d, struct fr_sent *s, size_t t)
{
	size_t	lo, hi;

	fr_clause(d, s, t, 0, &lo, &hi);
	return ref_in(d, s, lo, hi);
}

/* --- commitment -------------------------------------------------- */

/* Is the top position m real here, not "first-year", "first author",
 * "first thing"? */
static int
top_ok(const struct mg_frames_doc *d, const struct fr_sent *s,
    const struct fr_mention *m)
{
	size_t	n = m->b;

	if (m->c == C_TOP_ALL)
		return 1;
	if (n < s->t1 && (d->t[n].fl & TF_HYPH) && !fr_is(d, n, C_CHOICE) &&
	    !fr_is(d, n, C_LIST) && !fr_is(d, n, C_RANK))
		return 0;
	if (n < s->t1 && fr_is(d, n, C_NOT_PROGRAM))
		return 0;
	return 1;
}

/* A bare "first" or "top" after a verb of placing must say a place:
 * end the clause or go on with "on my list", "in", "among", "of". */
static int
bare_top_placed(const struct mg_frames_doc *d, const struct fr_sent *s,
    const struct fr_mention *m)
{
	size_t	n = m->b;

	if (m->c == C_TOP_ALL || m->b - m->a > 1)
		return 1;
	if (n >= s->t1 || (d->t[n].fl & (TF_PUNCT | TF_BAR)))
		return 1;
	/* "list it first when I certify", "first and Lakeside second". */
	return fr_wordis(d, n, W_ON) || fr_wordis(d, n, W_IN) ||
	    fr_wordis(d, n, W_OF) || fr_wordis(d, n, W_AT) ||
	    fr_wordis(d, n, W_WHEN) || fr_wordis(d, n, W_ONCE) ||
	    fr_wordis(d, n, W_BEFORE) || fr_wordis(d, n, W_AFTER) ||
	    fr_wordis(d, n, W_AND) || fr_wordis(d, n, W_THEN) ||
	    fr_is(d, n, C_HEDGE) || fr_is(d, n, C_LIST) ||
	    fr_is(d, n, C_CHOICE);
}

/* Is token k, the nearest word before an act, someone other than the
 * writer: "she", "he", or a noun after "my" ("my advisor ranked",
 * "my partner is ranking")? */
static int
third_party(const struct mg_frames_doc *d, const struct fr_sent *s,
    long k)
{
	if (k < 0)
		return 0;
	if (fr_wordis(d, (size_t)k, W_HE) || fr_wordis(d, (size_t)k, W_SHE) ||
	    fr_wordis(d, (size_t)k, W_WHO))
		return 1;
	return (size_t)k > s->t0 && !(d->t[k].fl & TF_PUNCT) &&
	    !(d->t[k].in & (WRITER_ANY | FR_BIT(C_THIS) | FR_BIT(C_LIST) |
	    FR_BIT(C_CHOICE) | FR_BIT(C_TOP) | FR_BIT(C_PRONOUN))) &&
	    writer_tok(d, (size_t)k - 1, FR_BIT(C_WRITER_POSS));
}

static int
external_after(const struct mg_frames_doc *d, const struct fr_sent *s,
    size_t t)
{
	return fr_find(d, s, C_EXTERNAL, t, t + 8) >= 0;
}

/* Skips back over C_AUX words (and "not") from t; the token before. */
static long
skip_aux_back(const struct mg_frames_doc *d, const struct fr_sent *s,
    size_t t, size_t max)
{
	size_t	k = t, n = 0;

	while (k > s->t0 && n < max && (fr_is(d, k - 1, C_AUX) ||
	    fr_is(d, k - 1, C_BE))) {
		k--;
		n++;
	}
	return k > s->t0 ? (long)k - 1 : -1;
}

/* Are tokens [a, b) only "at", "as", "in", "on", "to" ("putting at
 * number one")? */
static int
only_particles(const struct mg_frames_doc *d, size_t a, size_t b)
{
	for (size_t t = a; t < b; t++)
		if (!fr_wordis(d, t, W_AT) && !fr_wordis(d, t, W_AS) &&
		    !fr_wordis(d, t, W_IN) && !fr_wordis(d, t, W_ON) &&
		    !fr_wordis(d, t, W_TO))
			return 0;
	return 1;
}

/* "ranked", "placed", "put", "chosen": a participle. */
static int
participle(const struct mg_frames_doc *d, size_t t)
{
	return tok_text_is(d, t, "ed") || tok_text_is(d, t, "put") ||
	    tok_text_is(d, t, "en") || tok_text_is(d, t, "ose");
}

/* Is the act at t used as a verb ("I'll rank", "to place", "ranking"),
 * not as a noun ("a rotation slot", "my rank")? */
static int
verb_like(const struct mg_frames_doc *d, const struct fr_sent *s, size_t t)
{
	if (tok_text_is(d, t, "ing") || participle(d, t) || t == s->t0)
		return 1;
	return fr_is(d, t - 1, C_AUX) || fr_is(d, t - 1, C_BE) ||
	    fr_wordis(d, t - 1, W_TO) || fr_wordis(d, t - 1, W_AND) ||
	    writer_tok(d, t - 1, FR_BIT(C_WRITER_SUBJ)) ||
	    fr_is(d, t - 1, C_THIS);
}

/* "I will rank you first", "your program will be ranked first". */
static int
t1_act(struct mg_frames_doc *d, struct fr_sent *s, struct core *c)
{
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*r = &d->m[i];
		long			 ti, this_at;
		int			 passive;
		long			 be;

		if (r->c != C_RANK && r->c != C_PLACE)
			continue;
		ti = fr_find(d, s, C_TOP_ALL, r->b, fr_ahead(d, s, r->b, OBJ_MAX));
		if (ti < 0)
			ti = fr_find(d, s, C_TOP, r->b, fr_ahead(d, s, r->b,
			    OBJ_MAX));
		if (ti < 0 || fr_barrier(d, r->b - 1, d->m[ti].a, 0) ||
		    !top_ok(d, s, &d->m[ti]) ||
		    (r->c == C_PLACE && !bare_top_placed(d, s, &d->m[ti])) ||
		    external_after(d, s, d->m[ti].b))
			continue;
		/* Passive: a participle after a form of "be" ("will be
		 * ranked", not "will be ranking"). */
		be = skip_aux_back(d, s, r->a, 3);
		passive = participle(d, r->a) && r->a > s->t0 &&
		    fr_is(d, r->a - 1, C_BE);
		/* "ranked to match and I'll rank you first": the object
		 * holds no other act or subject. */
		if (fr_find(d, s, C_RANK, r->b, d->m[ti].a) >= 0 ||
		    fr_find(d, s, C_PLACE, r->b, d->m[ti].a) >= 0 ||
		    writer_in(d, r->b, d->m[ti].a, FR_BIT(C_WRITER_SUBJ)) ||
		    new_clause(d, r->b, d->m[ti].a))
			continue;
		/* Someone else ranks: "my advisor ranked", "she's
		 * ranking". */
		if (!passive && third_party(d, s, be))
			continue;
		if (d->m[ti].a > r->b && !only_particles(d, r->b, d->m[ti].a)) {
			enum ref ref = ref_in(d, s, r->b, d->m[ti].a);

			if (!ref_ok(ref) || fr_is(d, r->b, C_WRITER_OBJ))
				continue;
			if (!writer_in(d, s->t0, s->t1, WRITER_ANY))
				continue;
		} else if (passive) {
			size_t	lo, hi;
			enum ref ref;

			fr_clause(d, s, r->a, 1, &lo, &hi);
			ref = ref_in(d, s, lo, r->a);
			/* "I write to say Harborview has been placed first":
			 * the writer before the program's name is not the
			 * subject. */
			this_at = fr_find_last(d, s, C_THIS, lo, r->a);
			if (this_at >= 0)
				lo = d->m[this_at].b;
			if (!ref_ok(ref) || writer_in(d, lo, r->a,
			    FR_BIT(C_WRITER_SUBJ)))
				continue;
			if (!writer_in(d, s->t0, s->t1, WRITER_ANY) &&
			    fr_find(d, s, C_AUX, lo, r->a) < 0)
				continue;
		} else if (be >= 0 && writer_tok(d, (size_t)be,
		    FR_BIT(C_WRITER_SUBJ))) {
			/* A relative clause: "yours is the program I will
			 * rank first"; not "I ranked first in my class". */
			size_t	lo, hi;

			fr_clause(d, s, (size_t)be, 0, &lo, &hi);
			if (!ref_ok(ref_in(d, s, lo, (size_t)be)))
				continue;
		} else
			continue;
		c->act = r->a;
		c->top = d->m[ti].a;
		return 1;
	}
	return 0;
}

/* Skips intensifiers forward from t (at most 3); the token after. */
static size_t
skip_int(const struct mg_frames_doc *d, const struct fr_sent *s, size_t t)
{
	size_t	n = 0;

	while (t < s->t1 && n < 3 && fr_is(d, t, C_INTENSIFIER) &&
	    !fr_is(d, t, C_CHOICE)) {
		t++;
		n++;
	}
	return t;
}

/* "my" before t, over intensifiers. */
static int
poss_before(const struct mg_frames_doc *d, const struct fr_sent *s, size_t t)
{
	size_t	n = 0;

	while (t > s->t0 && n < 3) {
		t--;
		if (writer_tok(d, t, FR_BIT(C_WRITER_POSS)))
			return 1;
		if (!fr_is(d, t, C_INTENSIFIER))
			return 0;
		n++;
	}
	return 0;
}

/* A choice "of specialty", "for an away rotation". */
static int
non_program_choice(const struct mg_frames_doc *d, const struct fr_sent *s,
    size_t after)
{
	if (after >= s->t1 || !(fr_wordis(d, after, W_OF) ||
	    fr_wordis(d, after, W_FOR) || fr_wordis(d, after, W_IN)))
		return 0;
	for (size_t t = after + 1; t < s->t1 && t <= after + 3; t++)
		if (fr_is(d, t, C_NOT_PROGRAM))
			return 1;
	return 0;
}

/* "you are my first choice", "my number one". *plural is set for "my
 * top choices". */
static int
t2_choice(struct mg_frames_doc *d, struct fr_sent *s, struct core *c,
    int *plural)
{
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*t = &d->m[i];
		size_t			 k;
		long			 ch;
		int			 poss, clause_end;

		if (t->c != C_TOP || !top_ok(d, s, t))
			continue;
		k = skip_int(d, s, t->b);
		/* "my top-ranked program". */
		if (k < s->t1 && (d->t[k].fl & TF_HYPH) && fr_is(d, k, C_RANK))
			k++;
		if (fr_find(d, s, C_CHOICES, k, k + 1) >= 0) {
			if (poss_before(d, s, t->a))
				*plural = 1;
			continue;
		}
		ch = fr_find(d, s, C_CHOICE, k, k + 1);
		poss = poss_before(d, s, t->a);
		clause_end = t->b >= s->t1 ||
		    (d->t[t->b].fl & (TF_PUNCT | TF_BAR | TF_COMMA)) ||
		    fr_is(d, t->b, C_TERM);
		if (ch >= 0) {
			size_t	after = d->m[ch].b;

			if (!poss && !(after + 1 < s->t1 &&
			    fr_wordis(d, after, W_FOR) &&
			    writer_tok(d, after + 1, FR_BIT(C_WRITER_OBJ))))
				continue;
			if (non_program_choice(d, s, after))
				continue;
		} else if (!poss || (!clause_end &&
		    fr_find(d, s, C_LIST, t->b, fr_ahead(d, s, t->b, 3)) < 0))
			continue;
		if (!ref_ok(clause_ref(d, s, t->a)))
			continue;
		c->act = t->a;
		c->top = t->a;
		return 1;
	}
	return 0;
}

/* "first on my list", "at the top of my rank order list", "tops my
 * list", "my rank list will have you at the top". */
static int
t3_list(struct mg_frames_doc *d, struct fr_sent *s, struct core *c)
{
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*l = &d->m[i];
		size_t			 lo, hi;
		long			 ti;

		/* "at the top of mine": "mine" is the writer's list. */
		int	mine = l->c == C_WRITER_POSS && l->a > s->t0 &&
		    fr_wordis(d, l->a, W_MINE) &&
		    (fr_wordis(d, l->a - 1, W_OF) || fr_wordis(d, l->a - 1, W_ON));

		if ((l->c != C_LIST || !poss_before(d, s, l->a)) && !mine)
			continue;
		if (l->b + 1 < s->t1 && fr_wordis(d, l->b, W_OF) &&
		    !fr_is(d, l->b + 1, C_CHOICES))
			continue;		/* "my list of questions" */
		fr_clause(d, s, l->a, 0, &lo, &hi);
		ti = fr_find_last(d, s, C_TOP, lo, l->a);
		if (ti < 0)
			ti = fr_find_last(d, s, C_TOP_ALL, lo, l->a);
		if (ti < 0)
			ti = fr_find_last(d, s, C_TOP_VERB, lo, l->a);
		if (ti < 0)
			ti = fr_find(d, s, C_TOP, l->b, hi);
		if (ti < 0)
			ti = fr_find(d, s, C_TOP_ALL, l->b, hi);
		if (ti < 0 || !top_ok(d, s, &d->m[ti]))
			continue;
		if (!ref_ok(ref_in(d, s, lo, hi)))
			continue;
		c->act = l->a;
		c->top = d->m[ti].a;
		return 1;
	}
	/* "My list is set, and your program heads it." */
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*v = &d->m[i];
		size_t			 lo, hi;

		if (v->c != C_TOP_VERB || v->b >= s->t1 ||
		    !fr_is(d, v->b, C_PRONOUN) ||
		    fr_find(d, s, C_LIST, s->t0, v->a) < 0 ||
		    !poss_before(d, s, (size_t)d->m[fr_find(d, s, C_LIST, s->t0,
		    v->a)].a))
			continue;
		fr_clause(d, s, v->a, 0, &lo, &hi);
		if (ref_in(d, s, lo, v->a) != REF_THIS)
			continue;
		c->act = v->a;
		c->top = v->a;
		return 1;
	}
	return 0;
}

static int rank_context(const struct fr_sent *s);

static int
has_second(const struct mg_frames_doc *d, const struct fr_sent *s)
{
	for (size_t t = s->t0; t < s->t1; t++)
		if (fr_wordis(d, t, W_SECOND))
			return 1;
	return 0;
}

/* "Just certified - you're #1", "Harborview is first and Lakeside a
 * distant second": the program + "be" + a bare top position that ends
 * its clause, where the sentence speaks of ranking or of a second. */
static int
t8_copula(struct mg_frames_doc *d, struct fr_sent *s, struct core *c)
{
	int	second = has_second(d, s);

	if (!second && !rank_context(s))
		return 0;
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*m = &d->m[i];
		long			 k;
		size_t			 n = m->b;

		if (m->c != C_TOP || !top_ok(d, s, m))
			continue;
		if (!(n >= s->t1 || (d->t[n].fl & (TF_PUNCT | TF_BAR |
		    TF_COMMA)) || fr_wordis(d, n, W_AND) ||
		    fr_find(d, s, C_LIST, n, fr_ahead(d, s, n, 3)) >= 0))
			continue;
		k = m->a > s->t0 ? (long)m->a - 1 : -1;
		if (k < 0 || !fr_is(d, (size_t)k, C_BE) || (size_t)k == s->t0 ||
		    !(d->t[k - 1].in & FR_BIT(C_THIS)) ||
		    fr_is(d, (size_t)k - 1, C_ADDRESSEE))
			continue;
		c->act = m->a;
		c->top = m->a;
		return 1;
	}
	return 0;
}

/* "Where Harborview falls on my list is simple: first", "I have ranked
 * it accordingly: first": a top position alone after a colon or dash,
 * answering a clause that ranks or lists the program. */
static int
t9_answer(struct mg_frames_doc *d, struct fr_sent *s, struct core *c)
{
	size_t	e = s->t1;
	long	ti, l;

	while (e > s->t0 && (d->t[e - 1].fl & TF_PUNCT) &&
	    !(d->t[e - 1].fl & TF_BAR))
		e--;
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*m = &d->m[i];

		if (m->c != C_TOP || m->b != e || m->a <= s->t0 + 2 ||
		    !(d->t[m->a - 1].fl & TF_BAR) ||
		    !(d->t[m->a - 1].fl & TF_PUNCT))
			continue;
		ti = (long)i;
		l = fr_find(d, s, C_LIST, s->t0, m->a);
		if ((l < 0 || !poss_before(d, s, d->m[l].a)) &&
		    fr_find(d, s, C_RANK, s->t0, m->a) < 0 &&
		    fr_find(d, s, C_PLACE, s->t0, m->a) < 0)
			continue;
		if (!writer_in(d, s->t0, m->a, WRITER_ANY) ||
		    !ref_ok(ref_in(d, s, s->t0, m->a)))
			continue;
		c->act = d->m[ti].a;
		c->top = d->m[ti].a;
		return 1;
	}
	return 0;
}

/* Does the sentence speak of ranking, choosing, or training there? */
static int
rank_context(const struct fr_sent *s)
{
	/* Not a choice: "no program" is one. */
	return (s->mask & (FR_BIT(C_RANK) | FR_BIT(C_PLACE) |
	    FR_BIT(C_LIST) | FR_BIT(C_JOIN) | FR_BIT(C_DESIRE))) != 0;
}

/* "No program will be ranked higher than yours", "I will not rank any
 * other program above yours". */
static int
t5_none(struct mg_frames_doc *d, struct fr_sent *s, struct core *c)
{
	if (!rank_context(s))
		return 0;
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*n = &d->m[i];
		long			 cmp;
		size_t			 from;
		enum ref		 ref;

		if (n->c == C_NEG) {
			long	any = fr_find(d, s, C_ANY_OTHER, n->b, n->b + 4);

			if (any < 0 || (d->t[n->a].in & FR_BIT(C_NEG_PSEUDO)))
				continue;
			from = d->m[any].b;
		} else if (n->c == C_NONE)
			from = n->b;
		else
			continue;
		cmp = fr_find(d, s, C_COMPARATIVE, from, fr_ahead(d, s, from, 10));
		if (cmp < 0 || fr_barrier(d, n->a, d->m[cmp].a, 0))
			continue;
		ref = ref_in(d, s, d->m[cmp].b, fr_ahead(d, s, d->m[cmp].b, 5));
		if (ref != REF_THIS && ref != REF_NAME)
			continue;
		c->act = n->a;
		c->top = d->m[cmp].a;
		return 1;
	}
	return 0;
}

/* "This is my letter of intent"; "Letter of Intent" as the subject. */
static int
t7_loi(struct mg_frames_doc *d, struct fr_sent *s, struct core *c)
{
	long	l = fr_find(d, s, C_LOI, s->t0, s->t1);

	if (l < 0)
		return 0;
	if (!d->t[s->t0].src && !(s->mask & FR_BIT(C_LOI_SELF)))
		return 0;
	if (ref_in(d, s, s->t0, s->t1) == REF_OTHER)
		return 0;
	c->act = d->m[l].a;
	c->top = d->m[l].a;
	return 1;
}

enum verdict { V_NONE, V_COMMIT, V_HEDGED, V_CONDITIONAL };

/* "I am not in a position to tell any program that it is first", "I
 * won't say you're first": a negated verb of telling or promising
 * before t, with no clause barrier between ("but", ";"), covers what it
 * would tell. */
static int
untold(const struct mg_frames_doc *d, const struct fr_sent *s, size_t t)
{
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*m = &d->m[i];

		if (m->a >= t || (m->c != C_KNOWING && m->c != C_ADDRESSEE &&
		    m->c != C_ASSURANCE))
			continue;
		if (negated(d, s, m->a, s->t0) && !fr_barrier(d, m->a, t, 0))
			return 1;
	}
	return 0;
}

/* What becomes of a commitment core in its sentence. */
static enum verdict
assess(struct mg_frames_doc *d, struct fr_sent *s, const struct core *c,
    int check_scope)
{
	if (s->question)
		return V_NONE;
	if (check_scope) {
		if (negated(d, s, c->act, s->t0) || negated(d, s, c->top, s->t0) ||
		    untold(d, s, c->act < c->top ? c->act : c->top))
			return V_NONE;
		if (hedged(d, s, c->act) || hedged(d, s, c->top))
			return V_HEDGED;
		/* "contenders for the top spot", "torn ... for the top of
		 * my list": a top position sought, not given. */
		if (c->top > s->t0 + 1 && c->top != c->act &&
		    (fr_wordis(d, c->top - 1, W_FOR) ||
		    (fr_wordis(d, c->top - 1, W_THE) &&
		    fr_wordis(d, c->top - 2, W_FOR))))
			return V_HEDGED;
	}
	if (conditioned(d, s, c->act))
		return V_CONDITIONAL;
	return V_COMMIT;
}

/* The strongest verdict of every kind of commitment in s; *anchor is
 * the token to quote.  *core_found is set when some core matched,
 * whatever its verdict (bargaining reads it as the writer's side). */
static enum verdict
commitment(struct mg_frames_doc *d, struct fr_sent *s, size_t *anchor,
    int *core_found)
{
	enum verdict	best = V_NONE;
	int		plural = 0;

	*core_found = 0;
	for (int k = 0; k < 7; k++) {
		struct core	c;
		int		found;
		enum verdict	v;

		memset(&c, 0, sizeof(c));
		switch (k) {
		case 0:
			found = t2_choice(d, s, &c, &plural);
			break;
		case 1:
			found = t1_act(d, s, &c);
			break;
		case 2:
			found = t3_list(d, s, &c);
			break;
		case 3:
			found = t5_none(d, s, &c);
			break;
		case 5:
			found = t8_copula(d, s, &c);
			break;
		case 6:
			found = t9_answer(d, s, &c);
			break;
		default:
			found = t7_loi(d, s, &c);
			break;
		}
		if (!found)
			continue;
		*core_found = 1;
		/* In "no program higher than yours" the negation is the
		 * point, not a cancellation. */
		v = assess(d, s, &c, k != 3);
		if (v == V_COMMIT) {
			*anchor = c.act;
			return V_COMMIT;
		}
		if (best == V_NONE || v == V_CONDITIONAL) {
			best = v;
			*anchor = c.act;
		}
	}
	if (best == V_NONE && plural && !s->question)
		best = V_HEDGED;
	return best;
}

/* --- the writer's standing ---------------------------------------- */

/* "rank me", "ranking me highly". */
static long
e_rank_me(const struct mg_frames_doc *d, const struct fr_sent *s, size_t lo)
{
	int	place_ctx = (s->mask & (FR_BIT(C_PROGRAM_LIST) |
	    FR_BIT(C_LIST) | FR_BIT(C_TOP))) != 0;

	for (size_t t = s->t0; t < s->t1 && !place_ctx; t++)
		place_ctx = fr_wordis(d, t, W_HIGH) ||
		    fr_wordis(d, t, W_HIGHLY) || fr_wordis(d, t, W_WHERE);
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*r = &d->m[i];

		if ((r->c != C_RANK && !(r->c == C_PLACE && place_ctx)) ||
		    r->a < lo)
			continue;
		for (size_t t = r->b; t < s->t1 && t < r->b + 2; t++)
			if (writer_tok(d, t, FR_BIT(C_WRITER_OBJ)))
				return (long)r->a;
	}
	return -1;
}

/* Could token t be the subject of a verb, other than the writer: the
 * program, another, a pronoun, a name, the applicants? */
static int
other_subject(const struct mg_frames_doc *d, const struct fr_sent *s,
    size_t t)
{
	uint64_t	in = d->t[t].in;

	if (in & (FR_BIT(C_THIS) | FR_BIT(C_PRONOUN) | FR_BIT(C_OTHER_PROG) |
	    FR_BIT(C_OTHER_APPLICANTS)))
		return !(in & FR_BIT(C_ADDRESSEE)) ||
		    !(in & FR_BIT(C_THIS));
	return fr_wordis(d, t, W_HE) || fr_wordis(d, t, W_SHE) ||
	    fr_wordis(d, t, W_WHO) || fr_wordis(d, t, W_WHICH) ||
	    (d->t[t].fl & TF_NAME_OTHER) || (t > s->t0 &&
	    (d->t[t].fl & TF_CAP) && d->t[t].w < 0);
}

/* Is the writer token w the subject of a form of "be" or a modal ("I
 * am", "I'll", "am I", "my application will")? */
static int
writer_subject_of_be(const struct mg_frames_doc *d, const struct fr_sent *s,
    size_t w)
{
	size_t	n = w + 1;

	if (fr_is(d, w, C_WRITER_POSS)) {	/* "my application will" */
		while (n < s->t1 && n <= w + 2 && !fr_is(d, n, C_BE) &&
		    !fr_is(d, n, C_AUX))
			n++;
	}
	return (n < s->t1 && (fr_is(d, n, C_BE) || fr_is(d, n, C_AUX) ||
	    fr_is(d, n, C_HEDGE))) ||
	    (w > s->t0 && (fr_is(d, w - 1, C_BE) || fr_is(d, w - 1, C_AUX)));
}

/* "I will be ranked", "am I ranked", "I was a good enough fit to be
 * ranked": a participle of ranking after "be", whose nearest subject
 * before it is the writer. */
static long
e_i_ranked(const struct mg_frames_doc *d, const struct fr_sent *s, size_t lo)
{
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*p = &d->m[i];
		size_t			 clo, chi, from;
		int			 be = 0;

		if ((p->c != C_RANK && p->c != C_PLACE) || p->a < lo ||
		    !participle(d, p->a) || fr_find(d, s, C_NOT_PROGRAM, p->b,
		    fr_ahead(d, s, p->b, 4)) >= 0)
			continue;
		for (size_t k = p->a > s->t0 + 2 ? p->a - 2 : s->t0; k < p->a; k++)
			be |= fr_is(d, k, C_BE);
		if (!be)
			continue;
		fr_clause(d, s, p->a, 0, &clo, &chi);
		from = fr_back(d, s, p->a, 12);
		if (from < clo)
			from = clo;
		for (size_t t = p->a; t > from; t--) {
			if (writer_tok(d, t - 1, FR_BIT(C_WRITER_SUBJ) |
			    FR_BIT(C_WRITER_POSS))) {
				if (writer_subject_of_be(d, s, t - 1))
					return (long)(t - 1);
				break;
			}
			/* "for me to be ranked", "expect me to be placed". */
			if (writer_tok(d, t - 1, FR_BIT(C_WRITER_OBJ)) &&
			    t < p->a && fr_wordis(d, t, W_TO))
				return (long)(t - 1);
			if (other_subject(d, s, t - 1))
				break;
		}
	}
	return -1;
}

/* "Am I someone you plan to rank highly?", "do you see me as someone
 * your program will rank?": the program ranks, with no object but the
 * writer before it. */
static long
e_ranked_by_you(const struct mg_frames_doc *d, const struct fr_sent *s,
    size_t lo)
{
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*r = &d->m[i];
		size_t			 n = r->b, clo, chi;
		long			 agent;
		int			 bare;

		if (r->c != C_RANK || r->a < lo || participle(d, r->a))
			continue;
		agent = skip_aux_back(d, s, r->a, 4);
		if (agent < 0 || !fr_is(d, (size_t)agent, C_THIS) ||
		    fr_is(d, (size_t)agent, C_ADDRESSEE))
			continue;
		bare = n >= s->t1 || (d->t[n].fl & TF_PUNCT) ||
		    fr_wordis(d, n, W_HIGH) || fr_wordis(d, n, W_HIGHLY) ||
		    fr_is(d, n, C_TOP) || fr_wordis(d, n, W_TO);
		fr_clause(d, s, r->a, 0, &clo, &chi);
		if (bare && writer_in(d, clo, (size_t)agent, WRITER_ANY))
			return (long)r->a;
	}
	return -1;
}

/* "my chances", "the odds that I match", "do I stand a chance". */
static long
e_standing(const struct mg_frames_doc *d, const struct fr_sent *s, size_t lo)
{
	int	ctx = (s->mask & (FR_BIT(C_PROGRAM_LIST) | FR_BIT(C_LIST) |
	    FR_BIT(C_SAFE) | FR_BIT(C_OTHER_APPLICANTS) | FR_BIT(C_RANK) |
	    FR_BIT(C_COMPARE))) != 0;

	for (size_t t = s->t0; t < s->t1 && !ctx; t++)
		ctx = fr_wordis(d, t, W_WHERE) || fr_wordis(d, t, W_HIGH);
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*m = &d->m[i];
		int			 strong = m->c == C_STANDING;
		size_t			 clo, chi, z;

		if ((m->c != C_STANDING && m->c != C_STANDING_WEAK) ||
		    m->a < lo || (!strong && !ctx))
			continue;
		/* "a chance to meet the residents" is not a chance of
		 * matching. */
		if (m->b + 1 < s->t1 && fr_wordis(d, m->b, W_TO) &&
		    !fr_is(d, m->b + 1, C_MATCH) && !fr_is(d, m->b + 1, C_BE))
			continue;
		/* "my chances of getting a parking permit". */
		if (fr_find(d, s, C_NOT_PROGRAM, m->b, fr_ahead(d, s, m->b,
		    5)) >= 0)
			continue;
		if (poss_before(d, s, m->a) || (m->a > s->t0 + 1 &&
		    writer_tok(d, m->a - 2, FR_BIT(C_WRITER_POSS))))
			return (long)m->a;
		if (!strong)
			continue;
		/* "do I stand a realistic chance", "will I get a shot". */
		fr_clause(d, s, m->a, 1, &clo, &chi);
		for (size_t t = fr_back(d, s, m->a, 5); t < m->a; t++)
			if (t >= clo && writer_tok(d, t, FR_BIT(C_WRITER_SUBJ)))
				return (long)m->a;
		/* "the odds that I match", "chances for me" - of matching
		 * or being ranked, not "a chance I could visit". */
		z = fr_ahead(d, s, m->b, 4);
		if (writer_in(d, m->b, z, FR_BIT(C_WRITER_OBJ) |
		    FR_BIT(C_WRITER_SUBJ)) && (fr_find(d, s, C_MATCH, m->b,
		    chi) >= 0 || fr_find(d, s, C_RANK, m->b, chi) >= 0 ||
		    fr_find(d, s, C_SAFE, m->b, chi) >= 0))
			return (long)m->a;
		if (m->b + 1 < s->t1 && (fr_wordis(d, m->b, W_FOR) ||
		    fr_wordis(d, m->b, W_OF)) &&
		    writer_tok(d, m->b + 1, FR_BIT(C_WRITER_OBJ)))
			return (long)m->a;
	}
	return -1;
}

/* "where do I stand", "how I compare with", "where I fall". */
static long
e_stand(const struct mg_frames_doc *d, const struct fr_sent *s, size_t lo)
{
	int	others = (s->mask & (FR_BIT(C_OTHER_APPLICANTS) |
	    FR_BIT(C_COMPARE))) != 0;

	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*v = &d->m[i];
		size_t			 n = v->b;
		int			 w = 0, open;

		if (v->c != C_STANDING_VERB || v->a < lo)
			continue;
		for (size_t t = v->a > s->t0 + 3 ? v->a - 3 : s->t0; t < v->a; t++)
			w |= writer_tok(d, t, FR_BIT(C_WRITER_SUBJ));
		if (!w)
			continue;
		/* Intransitive: the clause ends, or "with", "on", "among"... */
		open = n >= s->t1 || (d->t[n].fl & (TF_PUNCT | TF_BAR)) ||
		    fr_wordis(d, n, W_WITH) || fr_wordis(d, n, W_TO) ||
		    fr_wordis(d, n, W_ON) || fr_wordis(d, n, W_IN) ||
		    fr_wordis(d, n, W_AGAINST) || fr_wordis(d, n, W_UP) ||
		    fr_is(d, n, C_COMPARE) || fr_is(d, n, C_OTHER_APPLICANTS) ||
		    fr_is(d, n, C_PROGRAM_LIST) || fr_is(d, n, C_TERM) ||
		    fr_is(d, n, C_HEDGE) || fr_wordis(d, n, W_AFTER) ||
		    fr_wordis(d, n, W_SINCE) || fr_wordis(d, n, W_NOW) ||
		    fr_wordis(d, n, W_AT) || fr_wordis(d, n, W_AS);
		/* "how I'm looking for the Match". */
		if (!open && fr_wordis(d, n, W_FOR) &&
		    fr_find(d, s, C_MATCH, n, fr_ahead(d, s, n, 4)) >= 0)
			open = 1;
		if (!open)
			continue;
		/* "where I stand with the paperwork" is not a ranking. */
		if (n < s->t1 && (fr_wordis(d, n, W_WITH) ||
		    fr_wordis(d, n, W_ON) || fr_wordis(d, n, W_IN)) &&
		    fr_find(d, s, C_NOT_PROGRAM, n, fr_ahead(d, s, n, 5)) >= 0)
			continue;
		if ((fr_wordis(d, v->a, W_DO) || fr_wordis(d, v->a, W_DID) ||
		    fr_is(d, v->a, C_MATCH)) && !others)
			continue;
		return (long)v->a;
	}
	return -1;
}

/* "am I safe", "is my spot secure", "how competitive I am". */
static long
e_safe(const struct mg_frames_doc *d, const struct fr_sent *s, size_t lo)
{
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*m = &d->m[i];
		size_t			 a, z;

		if (m->c != C_SAFE || m->a < lo)
			continue;
		/* "a spot to park", "a place for my car". */
		if (m->b + 1 < s->t1 && (fr_wordis(d, m->b, W_TO) ||
		    fr_wordis(d, m->b, W_FOR)) && fr_find(d, s, C_NOT_PROGRAM,
		    m->b + 1, fr_ahead(d, s, m->b + 1, 3)) >= 0)
			continue;
		a = m->a > s->t0 + 3 ? m->a - 3 : s->t0;
		z = m->b + 3 < s->t1 ? m->b + 3 : s->t1;
		/* "will my application end up in a matching position":
		 * the writer's possessive as the subject, six words back
		 * in the clause. */
		{
			size_t	clo, chi, b6 = fr_back(d, s, m->a, 6);

			fr_clause(d, s, m->a, 1, &clo, &chi);
			for (size_t t = b6 > clo ? b6 : clo; t < m->a; t++)
				if (writer_tok(d, t, FR_BIT(C_WRITER_POSS)))
					return (long)m->a;
		}
		if (writer_in(d, a, m->b, WRITER_ANY) ||
		    writer_in(d, m->b, z, WRITER_ANY))
			return (long)m->a;
	}
	return -1;
}

/* Weak: "will I match", "am I likely to match". */
static long
e_match(const struct mg_frames_doc *d, const struct fr_sent *s, size_t lo)
{
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*m = &d->m[i];
		size_t			 a;

		if (m->c != C_MATCH || m->a < lo)
			continue;
		a = m->a > s->t0 + 4 ? m->a - 4 : s->t0;
		if (writer_in(d, a, m->a, WRITER_ANY))
			return (long)m->a;
	}
	return -1;
}

/* Weak: "am I on your list", "did I make your rank list". */
static long
e_list(const struct mg_frames_doc *d, const struct fr_sent *s, size_t lo)
{
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*m = &d->m[i];
		size_t			 a, z;

		if (m->c != C_PROGRAM_LIST || m->a < lo)
			continue;
		fr_clause(d, s, m->a, 0, &a, &z);
		if (writer_in(d, a, m->a, WRITER_ANY) ||
		    writer_in(d, m->b, z, WRITER_ANY))
			return (long)m->a;
	}
	return -1;
}

/* "how my application compares to those of other applicants". */
static long
e_compare(const struct mg_frames_doc *d, const struct fr_sent *s, size_t lo)
{
	long	o = fr_find(d, s, C_OTHER_APPLICANTS, lo, s->t1);

	if (o < 0 || fr_find(d, s, C_COMPARE, lo, s->t1) < 0 ||
	    !writer_in(d, lo, s->t1, WRITER_ANY))
		return -1;
	return (long)d->m[o].a;
}

/* Evidence of the writer's standing at or after lo: its token, or -1.
 * *weak is set when only weak evidence was found. */
static long
standing(const struct mg_frames_doc *d, const struct fr_sent *s, size_t lo,
    int *weak)
{
	long	(*const strong[])(const struct mg_frames_doc *,
		    const struct fr_sent *, size_t) = { e_rank_me, e_i_ranked,
		    e_ranked_by_you, e_standing, e_stand, e_safe, e_compare };
	long	(*const soft[])(const struct mg_frames_doc *,
		    const struct fr_sent *, size_t) = { e_match, e_list };

	*weak = 0;
	for (size_t i = 0; i < sizeof(strong) / sizeof(strong[0]); i++) {
		long	t = strong[i](d, s, lo);

		if (t >= 0 && !negated(d, s, (size_t)t, s->t0))
			return t;
	}
	for (size_t i = 0; i < sizeof(soft) / sizeof(soft[0]); i++) {
		long	t = soft[i](d, s, lo);

		if (t >= 0 && !negated(d, s, (size_t)t, s->t0)) {
			*weak = 1;
			return t;
		}
	}
	return -1;
}

/* Is s a question or a request?  *from is where what it asks starts. */
static int
asks(const struct mg_frames_doc *d, const struct fr_sent *s, size_t *from)
{
	long	r;

	*from = s->t0;
	if (s->question)
		return 1;
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*m = &d->m[i];

		if (m->c != C_REQUEST || negated(d, s, m->a, s->t0))
			continue;
		/* "(please) let me know if you need anything" asks
		 * nothing. */
		r = fr_find(d, s, C_COND_PSEUDO, s->t0, s->t1);
		if (r >= 0)
			continue;
		*from = m->a;
		return 1;
	}
	/* "will i be ranked to match" typed without a question mark. */
	if ((fr_wordis(d, s->t0, W_AM) || fr_wordis(d, s->t0, W_WILL) ||
	    fr_wordis(d, s->t0, W_WOULD) || fr_wordis(d, s->t0, W_COULD) ||
	    fr_wordis(d, s->t0, W_CAN) || fr_wordis(d, s->t0, W_DO) ||
	    fr_wordis(d, s->t0, W_DOES) || fr_wordis(d, s->t0, W_SHOULD) ||
	    fr_wordis(d, s->t0, W_HOW) || fr_wordis(d, s->t0, W_WHERE) ||
	    fr_wordis(d, s->t0, W_IS) || fr_wordis(d, s->t0, W_ARE)) &&
	    !fr_wordis(d, s->t1 - 1, W_DOT) && !fr_wordis(d, s->t1 - 1, W_BANG))
		return 1;
	return 0;
}

/* A fact of the program asked about ("the deadline", "how many"), not
 * inside the request itself ("is there a way to find out"). */
static int
program_fact(const struct mg_frames_doc *d, const struct fr_sent *s)
{
	if (!(s->mask & FR_BIT(C_PROGRAM_FACT)))
		return 0;
	for (size_t i = s->m0; i < s->m1; i++)
		if (d->m[i].c == C_PROGRAM_FACT &&
		    !(d->t[d->m[i].a].in & FR_BIT(C_REQUEST)))
			return 1;
	return 0;
}

static long
ranking_question(const struct mg_frames_doc *d, const struct fr_sent *s)
{
	size_t	from;
	long	t;
	int	weak;

	if (!asks(d, s, &from))
		return -1;
	t = standing(d, s, from, &weak);
	if (t < 0 || (weak && program_fact(d, s)))
		return -1;
	return t;
}

/* --- bargaining --------------------------------------------------- */

/* Is the mention m (a promise, a commitment) the writer's own: "I
 * promise", "I can commit"? */
static int
writer_agent(const struct mg_frames_doc *d, const struct fr_sent *s,
    size_t a)
{
	long	k;

	/* "I've been offered a position": the writer receives it. */
	if (participle(d, a) && a > s->t0 && fr_is(d, a - 1, C_BE))
		return 0;
	/* "my commitment". */
	if (a > s->t0 && writer_tok(d, a - 1, FR_BIT(C_WRITER_POSS)))
		return 1;
	k = skip_aux_back(d, s, a, 4);
	if (k >= 0 && fr_wordis(d, (size_t)k, W_TO) && (size_t)k > s->t0)
		k--;
	/* "a guarantee would let me commit", "free me to commit". */
	if (k >= 0 && writer_tok(d, (size_t)k, FR_BIT(C_WRITER_OBJ)) &&
	    fr_is(d, (size_t)k, C_EXCHANGE))
		return 1;
	return k >= 0 && writer_tok(d, (size_t)k, FR_BIT(C_WRITER_SUBJ));
}

/* Is what follows t (five words) something outside the Match: "a
 * guaranteed research block", "a spot in your summer lab"? */
static int
not_match_after(const struct mg_frames_doc *d, const struct fr_sent *s,
    size_t t)
{
	return fr_find(d, s, C_NOT_PROGRAM, t, fr_ahead(d, s, t, 7)) >= 0;
}

/* The program promises the writer something: "guarantee me a spot",
 * "an assurance that I match", "if you can commit to me". */
static long
p_assure(const struct mg_frames_doc *d, const struct fr_sent *s,
    long *writer_own)
{
	long	found = -1;

	*writer_own = -1;
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*m = &d->m[i];
		int			 object = 0;

		if (m->c != C_ASSURANCE || negated(d, s, m->a, s->t0) ||
		    not_match_after(d, s, m->b))
			continue;
		if (writer_agent(d, s, m->a)) {
			if (*writer_own < 0)
				*writer_own = (long)m->a;
			continue;
		}
		for (size_t t = m->b; t < s->t1 && t < m->b + 6 && !object; t++)
			object = fr_is(d, t, C_POSITION) ||
			    writer_tok(d, t, FR_BIT(C_WRITER_OBJ)) ||
			    (fr_wordis(d, t, W_THAT) && t + 1 < s->t1 &&
			    writer_tok(d, t + 1, FR_BIT(C_WRITER_SUBJ)));
		if (!object && m->a > s->t0) {
			size_t	p = m->a - 1;

			object = fr_wordis(d, p, W_A) || fr_wordis(d, p, W_AN) ||
			    fr_wordis(d, p, W_SOME) || fr_wordis(d, p, W_ANY) ||
			    fr_wordis(d, p, W_THE) || fr_wordis(d, p, W_YOUR) ||
			    fr_wordis(d, p, W_FOR);
		}
		if (object && found < 0)
			found = (long)m->a;
	}
	return found;
}

/* Offers outside the Match: "offered me a position", "pre-match". */
static long
p_offer(const struct mg_frames_doc *d, const struct fr_sent *s)
{
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*m = &d->m[i];
		size_t			 t = m->b;

		if (m->c != C_OFFER || negated(d, s, m->a, s->t0) ||
		    writer_agent(d, s, m->a) || not_match_after(d, s, m->b))
			continue;
		if (m->b - m->a > 1 || !tok_starts(d, m->a, "offer"))
			return (long)m->a;	/* "pre-match", "a better offer" */
		/* "make me an offer". */
		if (m->a > s->t0 + 1 && (fr_wordis(d, m->a - 1, W_AN) ||
		    fr_wordis(d, m->a - 1, W_A)) &&
		    writer_tok(d, m->a - 2, FR_BIT(C_WRITER_OBJ)))
			return (long)m->a;
		if (t < s->t1 && writer_tok(d, t, FR_BIT(C_WRITER_OBJ))) {
			t++;
			if (t >= s->t1 || (d->t[t].fl & TF_PUNCT) ||
			    fr_is(d, t, C_COND))
				return (long)m->a;	/* "what can you offer me?" */
		}
		for (size_t k = t; k < s->t1 && k < t + 3; k++)
			if (fr_is(d, k, C_POSITION) &&
			    !writer_tok(d, k, FR_BIT(C_WRITER_OBJ)))
				return (long)m->a;
	}
	return -1;
}

/* A word of being told before hi, not "I want you to know" (said to
 * the program). */
static long
told(const struct mg_frames_doc *d, const struct fr_sent *s, size_t hi)
{
	for (size_t i = s->m0; i < s->m1; i++)
		if (d->m[i].c == C_KNOWING && d->m[i].a < hi &&
		    !(d->t[d->m[i].a].in & FR_BIT(C_ADDRESSEE)))
			return (long)i;
	return -1;
}

/* "Depending on where I fall", "contingent on whether I match": a link
 * that is also a condition (bargaining.link and concepts.condition)
 * before t.  The writer's standing then is what the ranking waits on. */
static int
dependence_before(const struct mg_frames_doc *d, const struct fr_sent *s,
    size_t t)
{
	for (size_t i = s->m0; i < s->m1; i++)
		if (d->m[i].c == C_LINK && d->m[i].a < t &&
		    (d->t[d->m[i].a].in & FR_BIT(C_COND)))
			return 1;
	return 0;
}

/* The program's side: it ranks the writer, the writer is safe, or it
 * promises. */
static long
program_side(const struct mg_frames_doc *d, const struct fr_sent *s,
    long *writer_own, long *promise, int *state)
{
	long	t;

	*state = 0;
	*promise = p_assure(d, s, writer_own);
	if (*promise >= 0)
		return *promise;
	if ((t = e_rank_me(d, s, s->t0)) >= 0 ||
	    (t = e_i_ranked(d, s, s->t0)) >= 0)
		return negated(d, s, (size_t)t, s->t0) ? -1 : t;
	/* States, not acts: they bargain only under the condition ("if
	 * you let me know I'm safe, ..."), not as what is asked of it ("am
	 * I safe if I rank you highly?" is a ranking question). */
	*state = 1;
	if ((t = e_safe(d, s, s->t0)) >= 0 ||
	    (t = e_match(d, s, s->t0)) >= 0 || (t = e_list(d, s, s->t0)) >= 0 ||
	    (t = e_stand(d, s, s->t0)) >= 0 ||
	    (t = e_standing(d, s, s->t0)) >= 0) {
		/* A state is the program's side only when the writer is
		 * told it ("if I knew I would match", "if you let me know
		 * I'm safe"); "if I match, I will ..." is no bargain. */
		if (negated(d, s, (size_t)t, s->t0) ||
		    (told(d, s, (size_t)t + 1) < 0 &&
		    fr_find(d, s, C_REQUEST, s->t0, (size_t)t) < 0 &&
		    fr_find(d, s, C_ASSURANCE, s->t0, (size_t)t) < 0 &&
		    !dependence_before(d, s, (size_t)t)))
			return -1;
		return t;
	}
	return -1;
}

/* "withdraw my other applications", "not interview anywhere else". */
static long
w_withdraw(struct mg_frames_doc *d, struct fr_sent *s)
{
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*m = &d->m[i];

		/* The "not" of "not interview anywhere else" is the
		 * phrase; a negation before it cancels it. */
		if (m->c != C_WITHDRAW || (m->a > s->t0 &&
		    negated(d, s, m->a - 1, s->t0)))
			continue;
		if (fr_find(d, s, C_OTHERS, m->b, m->b + 6) >= 0 ||
		    fr_find(d, s, C_OTHER_PROG, m->b, m->b + 6) >= 0)
			return (long)m->a;
		fr_other_names(d, s);
		for (size_t t = m->b; t < s->t1 && t < m->b + 6; t++)
			if (d->t[t].fl & TF_NAME_OTHER)
				return (long)m->a;
	}
	return -1;
}

/* The writer's side: ranks this program, commits, or withdraws. */
static long
writer_side(struct mg_frames_doc *d, struct fr_sent *s, int core,
    size_t core_at, long writer_own)
{
	long	t;

	if (core)
		return (long)core_at;
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*r = &d->m[i];
		size_t			 z = r->b + 3 < s->t1 ? r->b + 3 : s->t1;

		/* A verb of placing ranks only with a top position or a
		 * list in the sentence ("I'll get the forms" does not). */
		if (r->c == C_RANK || (r->c == C_PLACE && (s->mask &
		    (FR_BIT(C_TOP) | FR_BIT(C_TOP_ALL) | FR_BIT(C_LIST))))) {
			/* "rank me" is the program's side; "be ranked by
			 * Harborview" too. */
			if (r->b < s->t1 && (fr_is(d, r->b, C_WRITER_OBJ) ||
			    fr_wordis(d, r->b, W_BY)))
				continue;
			if ((participle(d, r->a) && r->a > s->t0 &&
			    fr_is(d, r->a - 1, C_BE)) || !verb_like(d, s, r->a))
				continue;
			if (ref_ok(ref_in(d, s, r->b, z)) &&
			    !negated(d, s, r->a, s->t0))
				return (long)r->a;
		}
		if (r->c == C_COMMIT && writer_agent(d, s, r->a) &&
		    !negated(d, s, r->a, s->t0))
			return (long)r->a;
	}
	if ((t = w_withdraw(d, s)) >= 0)
		return t;
	return writer_own;
}

static int
has_word_between(const struct mg_frames_doc *d, size_t a, size_t b,
    enum fr_word w1, enum fr_word w2)
{
	for (size_t t = a; t < b; t++)
		if (fr_wordis(d, t, w1) || fr_wordis(d, t, w2))
			return 1;
	return 0;
}

/* Bargaining in sentence si; its token, or -1.  core/core_at: the
 * sentence has a commitment core. */
static long
bargaining(struct mg_frames_doc *d, size_t si, int core, size_t core_at)
{
	struct fr_sent	*s = &d->s[si];
	long		 own, promise, p, w, cond, t;
	size_t		 from;
	int		 state;

	/* Nothing to link the sides, nothing promised or offered. */
	if (!(s->mask & (FR_BIT(C_COND) | FR_BIT(C_EXCHANGE) |
	    FR_BIT(C_ASSURANCE) | FR_BIT(C_OFFER) | FR_BIT(C_REQUEST) |
	    FR_BIT(C_MUTUAL) | FR_BIT(C_LINK))) && !has_word_between(d, s->t0, s->t1, W_AND,
	    W_THEN) && !(core && (s->mask & (FR_BIT(C_RANK) | FR_BIT(C_PLACE)))))
		return -1;
	p = program_side(d, s, &own, &promise, &state);
	w = writer_side(d, s, core, core_at, own);
	if (p >= 0 && w >= 0) {
		cond = condition_over(d, s, C_COND, (size_t)p, (size_t)w);
		if (cond < 0)
			cond = condition_over(d, s, C_LINK, (size_t)p, (size_t)w);
	} else
		cond = condition(d, s);
	if (p >= 0 && w >= 0) {
		size_t	lo = (size_t)(p < w ? p : w), hi = (size_t)(p < w ? w : p);
		int	joined = has_word_between(d, lo, hi, W_AND, W_THEN);

		/* A state under the condition: "if I knew I would match,
		 * ..."; or one that "if so" looks back to. */
		if (cond >= 0 && (!state || d->m[cond].a < (size_t)p ||
		    ((d->t[d->m[cond].a].in & FR_BIT(C_COND_BACK)) &&
		    (size_t)p < d->m[cond].a)))
			return p;
		/* A promise of the program and the writer's ranking in one
		 * sentence: "with a promise that I'll match there, I would
		 * decline all other interviews". */
		if (promise >= 0)
			return p;
		/* "You rank me to match and I rank you first"; "let me know
		 * where I stand, and I will rank you first". */
		if (joined && (!state || (p < w &&
		    ((s->mask & FR_BIT(C_REQUEST)) || fr_wordis(d, s->t0, W_LET) ||
		    fr_wordis(d, s->t0, W_GIVE) || fr_wordis(d, s->t0, W_TELL)))))
			return p;
		/* "A promise of a spot would let me put you first"; "would
		 * a promise to rank you first improve my position?" */
		if (fr_find(d, s, C_EXCHANGE, lo, hi) >= 0)
			return p;
		/* "a mutual commitment", "we both get what we want". */
		if (s->mask & FR_BIT(C_MUTUAL))
			return p;
		/* "You put me first, I put you first": the program's act,
		 * then the writer's, clauses side by side. */
		if (!state && p < w && core && fr_barrier(d, (size_t)p,
		    (size_t)w, 1) && !(s->mask & FR_BIT(C_TERM)))
			return p;
	}
	/* "A commitment from the program would be reciprocated with
	 * mine"; "my commitment ... if you can offer yours". */
	if ((s->mask & FR_BIT(C_MUTUAL)) && (promise >= 0 ||
	    (w >= 0 && cond >= 0)) && writer_in(d, s->t0, s->t1, WRITER_ANY))
		return promise >= 0 ? promise : w;
	/* "a mutual first-choice arrangement": a two-way word on a
	 * ranking or a promise. */
	for (size_t i = s->m0; i < s->m1; i++)
		if (d->m[i].c == C_MUTUAL && !negated(d, s, d->m[i].a, s->t0) &&
		    (fr_find(d, s, C_TOP, d->m[i].b, d->m[i].b + 3) >= 0 ||
		    fr_find(d, s, C_RANK, d->m[i].b, d->m[i].b + 3) >= 0 ||
		    fr_find(d, s, C_ASSURANCE, d->m[i].b, d->m[i].b + 3) >= 0 ||
		    fr_find(d, s, C_COMMIT, d->m[i].b, d->m[i].b + 3) >= 0))
			return (long)d->m[i].a;
	/* "Can you guarantee me a spot? If so, I will rank you first." */
	if (w >= 0 && si > 0 && (cond = fr_find(d, s, C_COND_BACK, s->t0,
	    s->t0 + 2)) >= 0 &&
	    asks(d, &d->s[si - 1], &from) && d->t[d->s[si - 1].t0].src ==
	    d->t[s->t0].src) {
		long	own2, promise2;
		int	state2;

		if (program_side(d, &d->s[si - 1], &own2, &promise2,
		    &state2) >= 0 && !state2)
			return w;
	}
	/* Asking for a promise of a position. */
	if (promise >= 0 && asks(d, s, &from))
		return promise;
	if ((t = p_offer(d, s)) >= 0)
		return t;
	return -1;
}

/* --- interest and plain questions -------------------------------- */

static long
interest(struct mg_frames_doc *d, struct fr_sent *s)
{
	if (s->question)
		return -1;
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*m = &d->m[i];
		enum ref		 ref;

		if (m->c != C_DESIRE || negated(d, s, m->a, s->t0))
			continue;
		if (fr_find(d, s, C_JOIN, m->a, m->b + 6) < 0)
			continue;
		ref = ref_in(d, s, s->t0, s->t1);
		if (ref_ok(ref) || has_word_between(d, s->t0, s->t1, W_THERE,
		    W_HERE))
			return (long)m->a;
	}
	return -1;
}

static int
words_in(const struct mg_frames_doc *d, const struct fr_sent *s)
{
	int	n = 0;

	for (size_t t = s->t0; t < s->t1; t++)
		n += !(d->t[t].fl & TF_PUNCT);
	return n;
}

/* "I will rank Harborview very highly": an act, the program, "high". */
static long
rank_highly(struct mg_frames_doc *d, struct fr_sent *s)
{
	if (s->question)
		return -1;
	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*r = &d->m[i];
		size_t			 z = r->b + 8 < s->t1 ? r->b + 8 : s->t1;
		int			 high = 0;

		if ((r->c != C_RANK && r->c != C_PLACE) ||
		    !verb_like(d, s, r->a))
			continue;
		/* "high" first: the program is looked up only then. */
		for (size_t t = r->b; t < z && !high; t++)
			high = fr_wordis(d, t, W_HIGH) || fr_wordis(d, t, W_HIGHLY);
		if (high && !negated(d, s, r->a, s->t0) &&
		    ref_ok(ref_in(d, s, r->b, r->b + 4 < z ? r->b + 4 : z)))
			return (long)r->a;
	}
	return -1;
}

static void
set_frame(struct fr_sent *s, enum mg_frame k, size_t anchor)
{
	if (s->frames & (1u << k))
		return;
	s->frames |= 1u << k;
	s->anchor[k] = (uint32_t)anchor;
}

/* The cues of the message classes. */
static void
class_cues(struct mg_frames_doc *d, struct fr_sent *s)
{
	long	t;

	for (size_t i = s->m0; i < s->m1; i++) {
		const struct fr_mention	*m = &d->m[i];

		switch (m->c) {
		case C_THANKS:
			if (!(s->mask & FR_BIT(C_INVITATION)) &&
			    fr_find(d, s, C_THANKS_FOR, m->a + 1, m->b + 14) >= 0)
				set_frame(s, MG_FRAME_THANK_YOU, m->a);
			break;
		case C_INTEREST:
			if (!negated(d, s, m->a, s->t0))
				set_frame(s, MG_FRAME_INTEREST_CUE, m->a);
			break;
		case C_STRONG_INTEREST:
			set_frame(s, MG_FRAME_STRONG_INTEREST, m->a);
			break;
		case C_FOLLOW_UP:
			set_frame(s, MG_FRAME_FOLLOW_UP, m->a);
			break;
		case C_UPDATE:
			set_frame(s, MG_FRAME_UPDATE, m->a);
			break;
		case C_INQUIRY:
			set_frame(s, MG_FRAME_INQUIRY, m->a);
			break;
		default:
			break;
		}
	}
	/* A subject that starts with "Follow-up". */
	if (d->t[s->t0].src && (fr_wordis(d, s->t0, W_FOLLOWUP) ||
	    ((fr_wordis(d, s->t0, W_FOLLOW) || fr_wordis(d, s->t0, W_FOLLOWING)) &&
	    s->t0 + 1 < s->t1 && fr_wordis(d, s->t0 + 1, W_UP))))
		set_frame(s, MG_FRAME_FOLLOW_UP, s->t0);
	if ((t = rank_highly(d, s)) >= 0)
		set_frame(s, MG_FRAME_INTEREST_CUE, (size_t)t);
}

void
fr_match_sentence(struct mg_frames_doc *d, size_t si)
{
	struct fr_sent	*s = &d->s[si];
	size_t		 anchor = s->t0, from;
	int		 core;
	enum verdict	 v = commitment(d, s, &anchor, &core);
	long		 t;

	if ((t = bargaining(d, si, core, anchor)) >= 0) {
		s->frames |= 1u << MG_FRAME_BARGAINING;
		s->anchor[MG_FRAME_BARGAINING] = (uint32_t)t;
	} else if (v == V_COMMIT) {
		s->frames |= 1u << MG_FRAME_COMMITMENT;
		s->anchor[MG_FRAME_COMMITMENT] = (uint32_t)anchor;
	} else if (v == V_HEDGED || v == V_CONDITIONAL)
		set_frame(s, MG_FRAME_INTEREST_CUE, anchor);
	if ((t = ranking_question(d, s)) >= 0) {
		s->frames |= 1u << MG_FRAME_RANKING_QUESTION;
		s->anchor[MG_FRAME_RANKING_QUESTION] = (uint32_t)t;
	}
	if ((t = interest(d, s)) >= 0)
		set_frame(s, MG_FRAME_INTEREST, (size_t)t);
	if (!(s->frames & ((1u << MG_FRAME_RANKING_QUESTION) |
	    (1u << MG_FRAME_BARGAINING))) && words_in(d, s) >= 4 &&
	    asks(d, s, &from))
		set_frame(s, MG_FRAME_QUESTION, from);
	class_cues(d, s);
}
