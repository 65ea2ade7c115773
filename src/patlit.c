/*
 * patlit.c - literal prefilters of POSIX extended regular expressions.
 *
 * A small recursive-descent reading of the ERE (as glibc takes it with
 * REG_EXTENDED) that works out, for every part of the pattern, either
 *   EXACT: the part matches exactly one of a few strings ("(as )?" is
 *          "" or "as "), or
 *   NEED:  every match of the part contains one of a few strings, none
 *          of them empty; with no string, nothing is known ("[a-z]+").
 * Concatenation joins exact parts into longer strings (cross product) and
 * otherwise keeps the most selective set seen; alternation unites sets.
 * The result is the NEED set of the whole pattern.  Zero-width assertions
 * (\b, \<, ^ ...) match the empty string; they restrict where a match may
 * be, never what it contains, so treating them as "" is safe.  Anything
 * the reader does not understand ends the analysis with no prefilter.
 */
#include "config_auto.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "matchguard/patlit.h"

#define SET_MAX		64	/* strings in a set; more: nothing known */
#define STR_MAX		64	/* bytes of an exact string; longer: cut */
/*
 * Every string of a set costs a strstr() over the text, and past a few
 * letters a longer string is hardly more selective: a run of exact parts
 * whose strings are all SELECTIVE bytes long stops growing past WIDE
 * strings, and sets are compared on length only up to SELECTIVE bytes.
 */
#define SELECTIVE	8
#define WIDE		8

struct set {
	int	 exact;
	size_t	 n;		/* !exact and n == 0: nothing known */
	char	*s[SET_MAX];
};

struct mg_patlit {
	struct set	need;
};

struct reader {
	const char	*p;
	int		 icase;
	int		 bad;	/* not understood, or out of memory */
};

static void
set_clear(struct set *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->s[i]);
	a->n = 0;
}

static void
set_any(struct set *a)
{
	set_clear(a);
	a->exact = 0;
}

static void
set_exact(struct reader *r, struct set *a, const char *s)
{
	a->exact = 1;
	a->n = 0;
	if ((a->s[0] = strdup(s)) == NULL)
		r->bad = 1;
	else
		a->n = 1;
}

/* EXACT -> NEED: a part that may match "" requires nothing. */
static void
set_need(struct set *a)
{
	if (!a->exact)
		return;
	a->exact = 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->s[i][0] == '\0') {
			set_clear(a);
			return;
		}
}

static size_t
shortest(const struct set *a)
{
	size_t	best = a->n > 0 ? STR_MAX * 2 : 0;

	for (size_t i = 0; i < a->n; i++)
		if (strlen(a->s[i]) < best)
			best = strlen(a->s[i]);
	return best;
}

/* How selective a NEED set is: its shortest string, longer is better. */
static size_t
score(const struct set *a)
{
	size_t	len = shortest(a);

	return len < SELECTIVE ? len : SELECTIVE;
}

/* Keeps in *best the more selective of two NEED sets; frees the other. */
static void
keep_best(struct set *best, struct set *b)
{
	set_need(b);
	if (score(b) > score(best) || (score(b) == score(best) &&
	    b->n < best->n)) {
		set_clear(best);
		*best = *b;
	} else
		set_clear(b);
	b->n = 0;
}

/* a = a x b (every string of a followed by every string of b), when it
 * stays small; returns 0 and leaves both alone when it would not. */
static int
cross(struct reader *r, struct set *a, struct set *b)
{
	struct set	c = { 1, 0, { NULL } };

	if (a->n * b->n > SET_MAX || (a->n * b->n > WIDE &&
	    shortest(a) >= SELECTIVE))
		return 0;
	for (size_t i = 0; i < a->n; i++)
		for (size_t j = 0; j < b->n; j++) {
			size_t	la = strlen(a->s[i]), lb = strlen(b->s[j]);

			if (la + lb > STR_MAX) {
				set_clear(&c);
				return 0;
			}
			if ((c.s[c.n] = malloc(la + lb + 1)) == NULL) {
				r->bad = 1;
				set_clear(&c);
				return 0;
			}
			memcpy(c.s[c.n], a->s[i], la);
			memcpy(c.s[c.n] + la, b->s[j], lb + 1);
			c.n++;
		}
	set_clear(a);
	set_clear(b);
	*a = c;
	return 1;
}

/* a = a | b. */
static void
unite(struct set *a, struct set *b)
{
	if (!(a->exact && b->exact)) {
		set_need(a);
		set_need(b);
		if (a->n == 0 || b->n == 0) {
			set_any(a);
			set_clear(b);
			return;
		}
	}
	if (a->n + b->n > SET_MAX) {
		set_any(a);
		set_clear(b);
		return;
	}
	for (size_t i = 0; i < b->n; i++)
		a->s[a->n++] = b->s[i];
	b->n = 0;
}

static void	read_alt(struct reader *r, struct set *out);

/* Skips a bracket expression; r->p is past the '['. */
static void
skip_bracket(struct reader *r)
{
	const char	*p = r->p;

	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p != '\0' && *p != ']') {
		if (p[0] == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
			const char	 end[3] = { p[1], ']', '\0' };
			const char	*q = strstr(p + 2, end);

			if (q == NULL)
				break;
			p = q + 2;
		} else
			p++;
	}
	if (*p != ']')
		r->bad = 1;
	else
		r->p = p + 1;
}

static void
read_escape(struct reader *r, struct set *out)
{
	char	c = *r->p, one[2] = { c, '\0' };

	if (c == '\0') {
		r->bad = 1;
		return;
	}
	r->p++;
	if (strchr("bB<>`'", c) != NULL)
		set_exact(r, out, "");		/* zero-width */
	else if (isalnum((unsigned char)c))
		set_any(out);			/* \w, \s, back-references */
	else
		set_exact(r, out, one);		/* \. \( \\ ... */
}

static void
read_atom(struct reader *r, struct set *out)
{
	unsigned char	c = (unsigned char)*r->p;
	char		one[2] = { (char)c, '\0' };

	r->p++;
	if (c == '(') {
		read_alt(r, out);
		if (*r->p != ')')
			r->bad = 1;
		else
			r->p++;
	} else if (c == '[') {
		skip_bracket(r);
		set_any(out);
	} else if (c == '\\')
		read_escape(r, out);
	else if (c == '^' || c == '$')
		set_exact(r, out, "");
	else if (c == '.' || c >= 0x80)
		set_any(out);
	else if (strchr("*+?{)|", c) != NULL)
		r->bad = 1;	/* glibc's special cases: not worth reading */
	else {
		/* ASCII only: the texts matched are ASCII (textnorm.h). */
		if (r->icase && c >= 'A' && c <= 'Z')
			one[0] = (char)(c + ('a' - 'A'));
		set_exact(r, out, one);
	}
}

/* "{m}", "{m,}" or "{m,n}" at r->p; *min = m. */
static int
read_interval(struct reader *r, long *min)
{
	char	*e;

	*min = strtol(r->p + 1, &e, 10);
	if (e == r->p + 1 || *min < 0)
		return -1;
	if (*e == ',')
		for (e++; isdigit((unsigned char)*e); e++)
			;
	if (*e != '}')
		return -1;
	r->p = e + 1;
	return 0;
}

/* Applies the repetition operators after an atom. */
static void
read_repeats(struct reader *r, struct set *a)
{
	while (!r->bad && *r->p != '\0' && strchr("*+?{", *r->p) != NULL) {
		char	op = *r->p;
		long	min = 1;

		if (op == '{') {
			if (read_interval(r, &min) == -1) {
				r->bad = 1;
				return;
			}
		} else
			r->p++;
		if (op == '?' && a->exact && a->n < SET_MAX) {
			/* Zero or once: the strings, or "". */
			if ((a->s[a->n] = strdup("")) == NULL)
				r->bad = 1;
			else
				a->n++;
		} else if (op == '*' || op == '?' || min == 0)
			set_any(a);
		else
			set_need(a);	/* at least once, not exactly */
	}
}

/* A concatenation, up to '|', ')' or the end. */
static void
read_concat(struct reader *r, struct set *out)
{
	struct set	best = { 0, 0, { NULL } }, run = { 0, 0, { NULL } };
	int		broken = 0;

	set_exact(r, &run, "");
	while (!r->bad && *r->p != '\0' && *r->p != '|' && *r->p != ')') {
		struct set	piece = { 0, 0, { NULL } };

		read_atom(r, &piece);
		read_repeats(r, &piece);
		if (piece.exact && cross(r, &run, &piece))
			continue;
		/* The run of exact parts ends here. */
		broken = 1;
		keep_best(&best, &run);
		if (piece.exact)
			run = piece;
		else {
			keep_best(&best, &piece);
			set_exact(r, &run, "");
		}
	}
	if (!broken) {
		*out = run;
		return;
	}
	keep_best(&best, &run);
	*out = best;
}

static void
read_alt(struct reader *r, struct set *out)
{
	read_concat(r, out);
	while (!r->bad && *r->p == '|') {
		struct set	b = { 0, 0, { NULL } };

		r->p++;
		read_concat(r, &b);
		unite(out, &b);
		set_clear(&b);
	}
}

struct mg_patlit *
mg_patlit_new(const char *pattern, int icase)
{
	struct reader	  r = { pattern, icase, 0 };
	struct set	  need = { 0, 0, { NULL } };
	struct mg_patlit *pl;

	read_alt(&r, &need);
	if (!r.bad && *r.p != '\0')
		r.bad = 1;		/* an unmatched ')' */
	set_need(&need);
	if (r.bad || need.n == 0 || (pl = malloc(sizeof(*pl))) == NULL) {
		set_clear(&need);
		return NULL;
	}
	pl->need = need;
	return pl;
}

void
mg_patlit_free(struct mg_patlit *pl)
{
	if (pl == NULL)
		return;
	set_clear(&pl->need);
	free(pl);
}

int
mg_patlit_may_match(const struct mg_patlit *pl, const char *text)
{
	return mg_patlit_may_match_in(pl, text, NULL);
}

static unsigned
gram(unsigned char a, unsigned char b, unsigned char c)
{
	uint32_t	x = (uint32_t)a << 16 | (uint32_t)b << 8 | c;

	return (unsigned)((x * UINT32_C(2654435761)) >> 16);
}

static unsigned char
lower_byte(char c)
{
	unsigned char	u = (unsigned char)c;

	return u >= 'A' && u <= 'Z' ? (unsigned char)(u - 'A' + 'a') : u;
}

uint64_t *
mg_patlit_grams(const char *text, size_t len)
{
	uint64_t	*g;

	if (len < MG_PATLIT_GRAM_MIN ||
	    (g = calloc(MG_PATLIT_GRAM_BITS / 64, sizeof(*g))) == NULL)
		return NULL;
	for (size_t i = 0; i + 2 < len; i++) {
		unsigned	h = gram(lower_byte(text[i]),
		    lower_byte(text[i + 1]), lower_byte(text[i + 2]));

		g[h / 64] |= UINT64_C(1) << (h % 64);
	}
	return g;
}

/* Can s be in the text grams were made of? */
static int
grams_have(const uint64_t *grams, const char *s)
{
	if (grams == NULL)
		return 1;
	for (size_t i = 0; s[i] != '\0' && s[i + 1] != '\0' &&
	    s[i + 2] != '\0'; i++) {
		unsigned	h = gram(lower_byte(s[i]), lower_byte(s[i + 1]),
		    lower_byte(s[i + 2]));

		if ((grams[h / 64] & UINT64_C(1) << (h % 64)) == 0)
			return 0;
	}
	return 1;
}

int
mg_patlit_may_match_in(const struct mg_patlit *pl, const char *text,
    const uint64_t *grams)
{
	if (pl == NULL)
		return 1;
	for (size_t i = 0; i < pl->need.n; i++)
		if (grams_have(grams, pl->need.s[i]) &&
		    strstr(text, pl->need.s[i]) != NULL)
			return 1;
	return 0;
}
