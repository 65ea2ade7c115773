/*
 * frames.c - the concept lexicons, compiled once per filters load, and
 * the analysis of one letter: tokens, sentences and the concept tags
 * ("mentions") of each sentence.  The frames themselves are in
 * frames_match.c.
 *
 * A lexicon phrase and the letter are cut into words the same way, and
 * the words are numbered in one vocabulary, so that a phrase is found by
 * comparing numbers: a hash lookup per word of the letter, then the few
 * phrases that start with that word.  No regular expression runs here.
 */
#include "config_auto.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matchguard/filters.h"
#include "matchguard/frames.h"
#include "matchguard/json.h"
#include "matchguard/util.h"
#include "frames_priv.h"

/* The list of each concept, in enum fr_concept order. */
const char *const mg_frames_lists[C_N + 1] = {
	[C_WRITER_SUBJ] = "concepts.writer_subject",
	[C_WRITER_OBJ] = "concepts.writer_object",
	[C_WRITER_POSS] = "concepts.writer_possessive",
	[C_THIS] = "concepts.this_program",
	[C_PRONOUN] = "concepts.program_pronoun",
	[C_OTHER_PROG] = "concepts.other_program",
	[C_ADDRESSEE] = "concepts.addressee",
	[C_BE] = "concepts.be",
	[C_AUX] = "concepts.auxiliary",
	[C_NEG] = "concepts.negation",
	[C_NEG_PSEUDO] = "concepts.negation_pseudo",
	[C_HEDGE] = "concepts.hedge",
	[C_HEDGE_PSEUDO] = "concepts.hedge_pseudo",
	[C_COND] = "concepts.condition",
	[C_COND_PSEUDO] = "concepts.condition_pseudo",
	[C_COND_CANCEL] = "concepts.condition_cancel",
	[C_COND_BACK] = "concepts.condition_back",
	[C_REQUEST] = "concepts.request",
	[C_TERM] = "concepts.terminators",
	[C_ABBREV] = "concepts.abbreviations",
	[C_SPELLING] = "concepts.spelling",
	[C_NAME_WORDS] = "concepts.name_words",
	[C_NOT_PROGRAM] = "concepts.not_program",
	[C_DESIRE] = "concepts.desire",
	[C_JOIN] = "concepts.join",
	[C_RANK] = "intent.rank_act",
	[C_PLACE] = "intent.place_act",
	[C_TOP] = "intent.top_position",
	[C_TOP_ALL] = "intent.top_all",
	[C_TOP_VERB] = "intent.top_verb",
	[C_NONE] = "intent.none",
	[C_ANY_OTHER] = "intent.any_other",
	[C_COMPARATIVE] = "intent.comparative",
	[C_CHOICE] = "intent.choice",
	[C_CHOICES] = "intent.choices",
	[C_LIST] = "intent.rank_list",
	[C_INTENSIFIER] = "intent.intensifier",
	[C_EXTERNAL] = "intent.external",
	[C_LOI] = "intent.letter_of_intent",
	[C_LOI_SELF] = "intent.letter_self",
	[C_STANDING] = "ranking.standing",
	[C_STANDING_WEAK] = "ranking.standing_weak",
	[C_STANDING_VERB] = "ranking.standing_verb",
	[C_SAFE] = "ranking.safe",
	[C_MATCH] = "ranking.match",
	[C_PROGRAM_LIST] = "ranking.program_list",
	[C_OTHER_APPLICANTS] = "ranking.other_applicants",
	[C_COMPARE] = "ranking.compare",
	[C_PROGRAM_FACT] = "ranking.program_fact",
	[C_ASSURANCE] = "bargaining.assurance",
	[C_POSITION] = "bargaining.position",
	[C_OFFER] = "bargaining.offer",
	[C_WITHDRAW] = "bargaining.withdraw",
	[C_OTHERS] = "bargaining.others",
	[C_COMMIT] = "bargaining.commit",
	[C_EXCHANGE] = "bargaining.exchange_verb",
	[C_MUTUAL] = "bargaining.mutual",
	[C_LINK] = "bargaining.link",
	[C_KNOWING] = "bargaining.knowing",
	[C_THANKS] = "classes.thanks",
	[C_THANKS_FOR] = "classes.thanks_for",
	[C_INVITATION] = "classes.invitation",
	[C_INTEREST] = "classes.interest",
	[C_STRONG_INTEREST] = "classes.strong_interest",
	[C_FOLLOW_UP] = "classes.follow_up",
	[C_UPDATE] = "classes.update",
	[C_INQUIRY] = "classes.inquiry",
	[C_N] = NULL
};


static const char *const function_words[W_N] = {
	[W_AND] = "and", [W_THEN] = "then", [W_TO] = "to", [W_OF] = "of",
	[W_FOR] = "for", [W_ON] = "on", [W_IN] = "in", [W_AT] = "at",
	[W_THAT] = "that", [W_THE] = "the", [W_A] = "a", [W_AN] = "an",
	[W_WHERE] = "where", [W_HOW] = "how", [W_HIGH] = "high",
	[W_HIGHLY] = "highly", [W_QMARK] = "?", [W_DOT] = ".", [W_BANG] = "!",
	[W_SOME] = "some", [W_ANY] = "any", [W_YOUR] = "your",
	[W_HAVE] = "have", [W_DO] = "do", [W_DOES] = "does", [W_DID] = "did",
	[W_AM] = "am", [W_IS] = "is", [W_ARE] = "are", [W_WILL] = "will",
	[W_WOULD] = "would", [W_COULD] = "could", [W_CAN] = "can",
	[W_SHOULD] = "should", [W_WHAT] = "what", [W_BY] = "by",
	[W_ME] = "me", [W_FROM] = "from", [W_WITH] = "with",
	[W_AGAINST] = "against", [W_UP] = "up", [W_LET] = "let",
	[W_GIVE] = "give", [W_TELL] = "tell", [W_THESE] = "these",
	[W_THOSE] = "those", [W_TWO] = "two", [W_BOTH] = "both", [W_MY] = "my",
	[W_BE] = "be", [W_THAN] = "than", [W_CLOSE] = "close",
	[W_THERE] = "there", [W_HERE] = "here", [W_IF] = "if", [W_SO] = "so",
	[W_SHALL] = "shall", [W_MIGHT] = "might", [W_MAY] = "may",
	[W_WHETHER] = "whether", [W_LIKELY] = "likely",
	[W_FOLLOW] = "follow", [W_FOLLOWING] = "following",
	[W_FOLLOWUP] = "followup", [W_ONLY] = "only", [W_HE] = "he",
	[W_SHE] = "she", [W_WHO] = "who", [W_WHICH] = "which", [W_AS] = "as",
	[W_AFTER] = "after", [W_SINCE] = "since", [W_NOW] = "now",
	[W_WHEN] = "when", [W_ONCE] = "once", [W_BEFORE] = "before",
	[W_SECOND] = "second", [W_MINE] = "mine",
};

#define WORD_MAX	31	/* longer words are not in any lexicon */
#define MAX_EXPAND	1024	/* phrases one entry may stand for */
#define MAX_SLOTS	16
#define MAX_ALTS	32
#define SPELL_MIN	5	/* letters of a word any typo is read for */

/* --- cutting text into words ------------------------------------- */

struct raw {
	size_t	a, b;
	uint8_t	fl;
};

static int
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9');
}

static int
is_punct(char c)
{
	switch (c) {
	case '.': case ',': case ';': case ':': case '?': case '!': case '(':
	case ')': case '[': case ']': case '#': case '&': case '/': case '-':
		return 1;
	default:
		return 0;
	}
}

static const char *const suffixes[] = { "s", "ll", "m", "re", "ve", "d" };

/* Is s[a..b) a spoken suffix ("ll" of "I'll")? */
static int
is_suffix(const char *s, size_t a, size_t b)
{
	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (strlen(suffixes[i]) == b - a &&
		    strncasecmp(s + a, suffixes[i], b - a) == 0)
			return 1;
	return 0;
}

/*
 * The next word of s from *pos: a run of letters and digits; "n't" and
 * "'ll", "'s", ... after a word; one punctuation mark.  A hyphen between
 * two words is skipped, and the word after it marked TF_HYPH.  Returns
 * 0 at the end.
 */
static int
lex_next(const char *s, size_t len, size_t *pos, struct raw *r)
{
	size_t	i = *pos, j;
	uint8_t	fl = 0;

	for (;; i++) {
		if (i >= len)
			return 0;
		if (s[i] == '-' && i > 0 && is_alnum(s[i - 1]) && i + 1 < len &&
		    is_alnum(s[i + 1])) {
			fl |= TF_HYPH;
			continue;
		}
		if (is_alnum(s[i]) || is_punct(s[i]))
			break;
		/* "'ll" after a word (or alone, in a lexicon). */
		if (s[i] == '\'' && (i == 0 || is_alnum(s[i - 1])) && i + 1 < len &&
		    isalpha((unsigned char)s[i + 1])) {
			for (j = i + 1; j < len && isalpha((unsigned char)s[j]); j++)
				;
			if (is_suffix(s, i + 1, j))
				goto word_from_i;
		}
	}
	/* "n't" after a word. */
	if ((s[i] == 'n' || s[i] == 'N') && i > 0 &&
	    isalpha((unsigned char)s[i - 1]) && i + 2 < len + 1 &&
	    i + 2 < len && s[i + 1] == '\'' && (s[i + 2] == 't' ||
	    s[i + 2] == 'T') && (i + 3 >= len || !is_alnum(s[i + 3]))) {
		r->a = i;
		r->b = i + 3;
		r->fl = fl;
		*pos = i + 3;
		return 1;
	}
	if (is_punct(s[i])) {
		r->a = i;
		r->b = i + 1;
		r->fl = fl | TF_PUNCT;
		*pos = i + 1;
		return 1;
	}
	for (j = i; j < len;) {
		size_t	k;

		while (j < len && is_alnum(s[j]))
			j++;
		if (j + 1 >= len || s[j] != '\'' ||
		    !isalpha((unsigned char)s[j + 1]))
			break;
		for (k = j + 1; k < len && isalpha((unsigned char)s[k]); k++)
			;
		if (k == j + 2 && (s[j + 1] == 't' || s[j + 1] == 'T') &&
		    j - i >= 2 && (s[j - 1] == 'n' || s[j - 1] == 'N')) {
			j--;		/* "do" + "n't" */
			break;
		}
		if (is_suffix(s, j + 1, k))
			break;		/* "I" + "'ll" */
		j = k;			/* "y'all": one word */
	}
	r->a = i;
	r->b = j;
	r->fl = fl | (isupper((unsigned char)s[i]) ? TF_CAP : 0);
	*pos = j;
	return 1;
word_from_i:
	r->a = i;
	r->b = j;
	r->fl = fl;
	*pos = j;
	return 1;
}

/* --- the vocabulary ---------------------------------------------- */

static uint32_t
hash_word(const char *w, size_t n)
{
	uint32_t	h = 2166136261u;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)tolower((unsigned char)w[i]);
		h *= 16777619u;
	}
	return h;
}

/* The id of the word w[0..n) (any case), or -1. */
static int32_t
vocab_find(const struct mg_frames *fr, const char *w, size_t n)
{
	uint32_t	h;

	if (n == 0 || n > WORD_MAX || fr->hcap == 0)
		return -1;
	h = hash_word(w, n) & (uint32_t)(fr->hcap - 1);
	for (;; h = (h + 1) & (uint32_t)(fr->hcap - 1)) {
		uint32_t	 e = fr->hash[h];
		const char	*v;

		if (e == 0)
			return -1;
		v = fr->words[e - 1];
		if (strlen(v) == n && strncasecmp(v, w, n) == 0)
			return (int32_t)(e - 1);
	}
}

static int
vocab_rehash(struct mg_frames *fr, size_t cap)
{
	uint32_t	*nh = calloc(cap, sizeof(*nh));

	if (nh == NULL)
		return -1;
	for (size_t i = 0; i < fr->nwords; i++) {
		uint32_t h = hash_word(fr->words[i], strlen(fr->words[i])) &
		    (uint32_t)(cap - 1);

		while (nh[h] != 0)
			h = (h + 1) & (uint32_t)(cap - 1);
		nh[h] = (uint32_t)i + 1;
	}
	free(fr->hash);
	fr->hash = nh;
	fr->hcap = cap;
	return 0;
}

/* The id of w[0..n), added when new; -1 when too long or out of memory. */
static int32_t
vocab_add(struct mg_frames *fr, const char *w, size_t n)
{
	int32_t	id = vocab_find(fr, w, n);
	char	*copy;

	if (id >= 0)
		return id;
	if (n == 0 || n > WORD_MAX)
		return -1;
	if (fr->nwords == fr->capwords) {
		size_t	 ncap = fr->capwords ? fr->capwords * 2 : 512;
		char	**nw = realloc(fr->words, ncap * sizeof(*nw));
		uint64_t *nm = realloc(fr->wmask, ncap * sizeof(*nm));
		uint8_t	*nf = realloc(fr->wflag, ncap * sizeof(*nf));

		if (nw != NULL)
			fr->words = nw;
		if (nm != NULL)
			fr->wmask = nm;
		if (nf != NULL)
			fr->wflag = nf;
		if (nw == NULL || nm == NULL || nf == NULL)
			return -1;
		fr->capwords = ncap;
	}
	if ((copy = mg_strndup(w, n)) == NULL)
		return -1;
	for (char *c = copy; *c != '\0'; c++)
		*c = (char)tolower((unsigned char)*c);
	fr->words[fr->nwords] = copy;
	fr->wmask[fr->nwords] = 0;
	fr->wflag[fr->nwords] = 0;
	fr->nwords++;
	if (fr->nwords * 2 > fr->hcap &&
	    vocab_rehash(fr, fr->hcap ? fr->hcap * 2 : 2048) == -1)
		return -1;
	{
		uint32_t h = hash_word(copy, n) & (uint32_t)(fr->hcap - 1);

		/* After a rehash the word is already in; else add it. */
		while (fr->hash[h] != 0 && fr->hash[h] != fr->nwords)
			h = (h + 1) & (uint32_t)(fr->hcap - 1);
		fr->hash[h] = (uint32_t)fr->nwords;
	}
	return (int32_t)(fr->nwords - 1);
}

/* --- compiling the lexicons -------------------------------------- */

struct slot {
	const char	*alt[MAX_ALTS];
	size_t		 altlen[MAX_ALTS];
	size_t		 nalt;
	int		 opt;
};

struct entry {
	const char	*list;
	size_t		 item;
	const char	*src;
	const char	*dir;
	char		*err;
	size_t		 errlen;
};

static int
entry_error(const struct entry *e, const char *why)
{
	const char	*dot = strchr(e->list, '.');

	mg_seterr(e->err, e->errlen, "%s/%.*s.conf: %s, item %zu (\"%s\"): %s",
	    e->dir, dot ? (int)(dot - e->list) : 0, e->list, e->list,
	    e->item + 1, e->src, why);
	return -1;
}

/* "(a|b c)? d" -> slots {a, "b c"} optional, {d}. */
static int
parse_slots(const struct entry *e, struct slot *slots, size_t *n)
{
	const char	*p = e->src;

	*n = 0;
	while (*p != '\0') {
		struct slot	*sl;

		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		if (*n == MAX_SLOTS)
			return entry_error(e, "too many words");
		sl = &slots[(*n)++];
		memset(sl, 0, sizeof(*sl));
		if (*p == '(') {
			const char	*close = strchr(p, ')'), *a = p + 1;

			if (close == NULL)
				return entry_error(e, "a \"(\" without \")\"");
			if (memchr(p + 1, '(', (size_t)(close - p - 1)) != NULL)
				return entry_error(e, "a ( ) inside a ( )");
			while (a <= close) {
				const char	*bar = a;

				while (bar < close && *bar != '|')
					bar++;
				if (sl->nalt == MAX_ALTS)
					return entry_error(e, "too many choices "
					    "in one ( )");
				sl->alt[sl->nalt] = a;
				sl->altlen[sl->nalt++] = (size_t)(bar - a);
				a = bar + 1;
			}
			p = close + 1;
			if (*p == '?') {
				sl->opt = 1;
				p++;
			}
		} else {
			const char	*end = p;

			while (*end != '\0' && *end != ' ' && *end != '(')
				end++;
			sl->alt[0] = p;
			sl->altlen[0] = (size_t)(end - p);
			if (end - p > 1 && end[-1] == '?') {
				sl->altlen[0]--;
				sl->opt = 1;
			} else if (end - p == 1 && *p == '?')
				return entry_error(e, "a lone \"?\" (a question "
				    "mark is found by the frames themselves)");
			sl->nalt = 1;
			p = end;
		}
	}
	if (*n == 0)
		return entry_error(e, "no word");
	return 0;
}

/* Appends the words of s[0..n) to w (at most FR_MAX_PHRASE in all). */
static int
words_of(struct mg_frames *fr, const struct entry *e, const char *s, size_t n,
    int32_t *w, size_t *nw)
{
	struct raw	r;
	size_t		pos = 0;

	while (lex_next(s, n, &pos, &r)) {
		int32_t	id;

		if (*nw == FR_MAX_PHRASE)
			return entry_error(e, "a phrase of more than 12 words");
		if ((id = vocab_add(fr, s + r.a, r.b - r.a)) == -1)
			return entry_error(e, r.b - r.a > WORD_MAX ?
			    "a word of more than 31 letters" : "out of memory");
		w[(*nw)++] = id;
	}
	return 0;
}

static int
add_phrase(struct mg_frames *fr, int c, const int32_t *w, size_t n)
{
	struct fr_phrase	*p;

	if (n == 0)
		return 0;
	if (c >= C_N_TAGS) {
		if (n > 1)
			return 1;
		fr->wflag[w[0]] |= FR_WFLAG(c);
		return 0;
	}
	if (n == 1) {
		fr->wmask[w[0]] |= FR_BIT(c);
		return 0;
	}
	if (fr->nph == fr->capph) {
		size_t			 ncap = fr->capph ? fr->capph * 2 : 1024;
		struct fr_phrase	*np = realloc(fr->ph, ncap * sizeof(*np));

		if (np == NULL)
			return -1;
		fr->ph = np;
		fr->capph = ncap;
	}
	p = &fr->ph[fr->nph++];
	memset(p, 0, sizeof(*p));
	p->c = (uint16_t)c;
	p->n = (uint8_t)n;
	memcpy(p->w, w, n * sizeof(*w));
	return 0;
}

static int
expand(struct mg_frames *fr, const struct entry *e, int c,
    const struct slot *slots, size_t nslots, size_t k, int32_t *w, size_t nw,
    size_t *made)
{
	const struct slot	*sl;

	if (k == nslots) {
		int	rc;

		if (++*made > MAX_EXPAND)
			return entry_error(e, "stands for more than 1024 "
			    "phrases; split it");
		if ((rc = add_phrase(fr, c, w, nw)) == -1)
			return entry_error(e, "out of memory");
		if (rc == 1)
			return entry_error(e, "this list takes single words");
		return 0;
	}
	sl = &slots[k];
	if (sl->opt && expand(fr, e, c, slots, nslots, k + 1, w, nw, made) == -1)
		return -1;
	for (size_t a = 0; a < sl->nalt; a++) {
		size_t	n = nw;

		if (words_of(fr, e, sl->alt[a], sl->altlen[a], w, &n) == -1 ||
		    expand(fr, e, c, slots, nslots, k + 1, w, n, made) == -1)
			return -1;
	}
	return 0;
}

static int
compile_list(struct mg_frames *fr, const struct mg_patlist *pl, int c,
    const char *dir, char *err, size_t errlen)
{
	for (size_t i = 0; i < mg_patlist_count(pl); i++) {
		struct entry	e = { mg_frames_lists[c], i, mg_patlist_source(pl, i),
		    dir, err, errlen };
		struct slot	slots[MAX_SLOTS];
		size_t		nslots, made = 0;
		int32_t		w[FR_MAX_PHRASE];

		if (parse_slots(&e, slots, &nslots) == -1 ||
		    expand(fr, &e, c, slots, nslots, 0, w, 0, &made) == -1)
			return -1;
	}
	return 0;
}

static int
cmp_phrase(const void *a, const void *b)
{
	const struct fr_phrase	*x = a, *y = b;

	if (x->w[0] != y->w[0])
		return x->w[0] < y->w[0] ? -1 : 1;
	if (x->w[1] != y->w[1])
		return x->w[1] < y->w[1] ? -1 : 1;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x->c < y->c ? -1 : x->c > y->c;
}

static uint64_t
pair_key(int32_t w0, int32_t w1)
{
	return ((uint64_t)(uint32_t)(w0 + 1) << 32) | (uint32_t)w1;
}

static size_t
pair_slot(uint64_t key, size_t cap)
{
	uint64_t	h = key * 0x9E3779B97F4A7C15ull;

	return (size_t)(h >> 32) & (cap - 1);
}

/* The phrases that start with the words w0 w1. */
static const struct fr_pair *
pair_find(const struct mg_frames *fr, int32_t w0, int32_t w1)
{
	uint64_t	key = pair_key(w0, w1);

	if (fr->pcap == 0)
		return NULL;
	for (size_t h = pair_slot(key, fr->pcap);; h = (h + 1) & (fr->pcap - 1)) {
		if (fr->pairs[h].key == key)
			return &fr->pairs[h];
		if (fr->pairs[h].key == 0)
			return NULL;
	}
}

static int
cmp_spell(const void *a, const void *b, void *arg)
{
	const struct mg_frames	*fr = arg;

	return strcmp(fr->words[*(const int32_t *)a],
	    fr->words[*(const int32_t *)b]);
}

static int
build_index(struct mg_frames *fr)
{
	size_t	cap = 64;

	if (fr->nph > 0)
		qsort(fr->ph, fr->nph, sizeof(*fr->ph), cmp_phrase);
	while (cap < fr->nph * 2)
		cap *= 2;
	if ((fr->pairs = calloc(cap, sizeof(*fr->pairs))) == NULL ||
	    (fr->spell = calloc(fr->nwords + 1, sizeof(*fr->spell))) == NULL)
		return -1;
	fr->pcap = cap;
	for (size_t i = 0; i < fr->nph;) {
		uint64_t	key = pair_key(fr->ph[i].w[0], fr->ph[i].w[1]);
		size_t		j = i, h = pair_slot(key, cap);

		while (j < fr->nph && pair_key(fr->ph[j].w[0],
		    fr->ph[j].w[1]) == key)
			j++;
		while (fr->pairs[h].key != 0)
			h = (h + 1) & (cap - 1);
		fr->pairs[h].key = key;
		fr->pairs[h].first = (uint32_t)i;
		fr->pairs[h].count = (uint32_t)(j - i);
		i = j;
	}
	for (size_t i = 0; i < fr->nwords; i++)
		if ((fr->wflag[i] & FR_WFLAG(C_SPELLING)) &&
		    strlen(fr->words[i]) >= SPELL_MIN - 1 &&
		    islower((unsigned char)fr->words[i][0]))
			fr->spell[fr->nspell++] = (int32_t)i;
	qsort_r(fr->spell, fr->nspell, sizeof(*fr->spell), cmp_spell, fr);
	for (int l = 0, k = 0; l <= 26; l++) {
		while ((size_t)k < fr->nspell && fr->words[fr->spell[k]][0] <
		    'a' + l)
			k++;
		fr->spell_at[l] = (uint16_t)k;
	}
	return 0;
}

void
mg_frames_free(struct mg_frames *fr)
{
	if (fr == NULL)
		return;
	for (size_t i = 0; i < fr->nwords; i++)
		free(fr->words[i]);
	free(fr->words);
	free(fr->wmask);
	free(fr->wflag);
	free(fr->hash);
	free(fr->ph);
	free(fr->pairs);
	free(fr->spell);
	free(fr);
}

int
mg_frames_new(const struct mg_filters *f, const char *dir,
    struct mg_frames **out, char *err, size_t errlen)
{
	struct mg_frames	*fr;

	*out = NULL;
	for (int c = 0; c < C_N; c++)
		if (mg_filters_get(f, mg_frames_lists[c]) == NULL)
			return 0;
	if ((fr = calloc(1, sizeof(*fr))) == NULL)
		goto nomem;
	for (int w = 0; w < W_N; w++)
		if ((fr->fw[w] = vocab_add(fr, function_words[w],
		    strlen(function_words[w]))) == -1)
			goto nomem;
	for (int c = 0; c < C_N; c++)
		if (compile_list(fr, mg_filters_get(f, mg_frames_lists[c]), c, dir,
		    err, errlen) == -1) {
			mg_frames_free(fr);
			return -1;
		}
	if (build_index(fr) == -1)
		goto nomem;
	*out = fr;
	return 0;
nomem:
	mg_frames_free(fr);
	mg_seterr(err, errlen, "%s: out of memory compiling the concept lists",
	    dir);
	return -1;
}

/* --- one letter -------------------------------------------------- */

static const struct mg_normtext *
view_of(const struct mg_frames_doc *d, const struct fr_tok *t)
{
	return t->src ? d->in.subject_flat : d->in.text_flat;
}

/* At most one letter inserted, deleted, replaced, or two swapped. */
static int
one_typo(const char *a, size_t la, const char *b, size_t lb)
{
	size_t	i = 0;

	while (i < la && i < lb && a[i] == b[i])
		i++;
	if (la == lb) {
		if (i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] &&
		    strncmp(a + i + 2, b + i + 2, la - i - 2) == 0)
			return 1;
		return i < la && strncmp(a + i + 1, b + i + 1, la - i - 1) == 0;
	}
	if (la + 1 == lb)
		return strncmp(a + i, b + i + 1, la - i) == 0;
	if (lb + 1 == la)
		return strncmp(a + i + 1, b + i, lb - i) == 0;
	return 0;
}

/* Two neighbouring letters swapped ("rnak"). */
static int
swapped(const char *a, const char *b, size_t n)
{
	size_t	i = 0;

	while (i < n && a[i] == b[i])
		i++;
	return i + 1 < n && a[i] == b[i + 1] && a[i + 1] == b[i] &&
	    strncmp(a + i + 2, b + i + 2, n - i - 2) == 0;
}

/* A word of the spelling list that w[0..n) (lower case) misspells: one
 * letter off for words of five letters or more; two letters swapped for
 * words of four ("bank" is no typo of "rank", "rnak" is). */
static int32_t
spelled(const struct mg_frames *fr, const char *w, size_t n)
{
	int	l;

	if (n < SPELL_MIN - 1 || n > WORD_MAX || !islower((unsigned char)w[0]))
		return -1;
	l = w[0] - 'a';
	for (size_t i = fr->spell_at[l]; i < fr->spell_at[l + 1]; i++) {
		const char	*s = fr->words[fr->spell[i]];
		size_t		 ls = strlen(s);

		if (s[0] != w[0] || (ls > n ? ls - n : n - ls) > 1)
			continue;
		if (ls < SPELL_MIN || n < SPELL_MIN) {
			if (ls == n && swapped(w, s, n))
				return fr->spell[i];
		} else if (one_typo(w, n, s, ls))
			return fr->spell[i];
	}
	return -1;
}

static int
push_tok(struct mg_frames_doc *d, const struct raw *r, int src,
    const struct mg_normtext *nt)
{
	struct fr_tok	*t;

	if (d->nt == d->capt) {
		size_t		 ncap = d->capt ? d->capt * 2 : 512;
		struct fr_tok	*nv = realloc(d->t, ncap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		d->t = nv;
		d->capt = ncap;
	}
	t = &d->t[d->nt++];
	memset(t, 0, sizeof(*t));
	t->a = (uint32_t)r->a;
	t->b = (uint32_t)r->b;
	t->src = (uint8_t)src;
	t->fl = r->fl;
	t->w = vocab_find(d->fr, nt->s + r->a, r->b - r->a);
	if (t->w < 0 && !(r->fl & TF_PUNCT))
		t->w = spelled(d->fr, nt->lower + r->a, r->b - r->a);
	if (t->fl & TF_PUNCT) {
		char	c = nt->s[r->a];

		if (c == ',')
			t->fl |= TF_COMMA;
		else if (strchr(";:()[]-", c) != NULL)
			t->fl |= TF_BAR;
	}
	return 0;
}

static int
push_sent(struct mg_frames_doc *d, size_t t0, size_t t1)
{
	struct fr_sent	*s;

	if (t1 <= t0)
		return 0;
	if (d->ns == d->caps) {
		size_t		 ncap = d->caps ? d->caps * 2 : 64;
		struct fr_sent	*nv = realloc(d->s, ncap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		d->s = nv;
		d->caps = ncap;
	}
	s = &d->s[d->ns++];
	memset(s, 0, sizeof(*s));
	s->t0 = (uint32_t)t0;
	s->t1 = (uint32_t)t1;
	return 0;
}

/* Does the white space before FLAT byte a (since byte from) hold a blank
 * line of the original? */
static int
blank_line_before(const struct mg_normtext *nt, size_t from, size_t a)
{
	for (size_t k = from; k < a; k++) {
		size_t	nl = 0;

		if (nt->s[k] != ' ')
			continue;
		for (size_t o = nt->map[k]; o < nt->map[k + 1]; o++)
			if (nt->orig[o] == '\n' && ++nl == 2)
				return 1;
	}
	return 0;
}

/* Does a full stop at token i (of view nt) end its sentence? */
static int
stop_ends(const struct mg_frames_doc *d, const struct mg_normtext *nt,
    size_t i)
{
	const struct fr_tok	*t = &d->t[i];
	size_t			 b = t->b;

	if (b < nt->len && nt->s[b] != ' ' && nt->s[b] != '"' &&
	    nt->s[b] != '\'' && nt->s[b] != ')')
		return 0;		/* "3.5", "e.g" */
	if (i > 0 && !(d->t[i - 1].fl & TF_PUNCT) && d->t[i - 1].b == t->a) {
		const struct fr_tok	*p = &d->t[i - 1];

		if (p->w >= 0 && (d->fr->wflag[p->w] & FR_WFLAG(C_ABBREV)))
			return 0;
		if (p->b - p->a == 1 && isupper((unsigned char)nt->s[p->a]))
			return 0;	/* an initial */
	}
	return 1;
}

static int
cut_view(struct mg_frames_doc *d, const struct mg_normtext *nt, int src,
    size_t orig_end)
{
	struct raw	r;
	size_t		pos = 0, start = d->nt, last_b = 0;

	if (nt == NULL)
		return 0;
	while (lex_next(nt->s, nt->len, &pos, &r)) {
		if (orig_end > 0 && nt->map[r.a] >= orig_end)
			break;
		if (d->nt > start && blank_line_before(nt, last_b, r.a)) {
			if (push_sent(d, start, d->nt) == -1)
				return -1;
			start = d->nt;
		}
		if (push_tok(d, &r, src, nt) == -1)
			return -1;
		last_b = r.b;
		if (r.fl & TF_PUNCT) {
			char	c = nt->s[r.a];
			int	end = 0;

			if (c == '?' || c == '!')
				end = r.b >= nt->len || !strchr("?!.", nt->s[r.b]);
			else if (c == '.')
				end = stop_ends(d, nt, d->nt - 1);
			if (end) {
				if (push_sent(d, start, d->nt) == -1)
					return -1;
				start = d->nt;
			}
		}
	}
	return push_sent(d, start, d->nt);
}

static int
push_mention(struct mg_frames_doc *d, struct fr_sent *s, int c, size_t a,
    size_t b, int named)
{
	struct fr_mention	*m;

	if (d->nm == d->capm) {
		size_t			 ncap = d->capm ? d->capm * 2 : 256;
		struct fr_mention	*nv = realloc(d->m, ncap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		d->m = nv;
		d->capm = ncap;
	}
	m = &d->m[d->nm++];
	m->a = (uint32_t)a;
	m->b = (uint32_t)b;
	m->c = (uint8_t)c;
	m->named = (uint8_t)named;
	for (size_t i = a; i < b; i++)
		d->t[i].in |= FR_BIT(c);
	s->mask |= FR_BIT(c);
	return 0;
}

/* Tags the words of sentence s with the phrases of every concept. */
static int
tag_sentence(struct mg_frames_doc *d, struct fr_sent *s)
{
	const struct mg_frames	*fr = d->fr;
	const struct fr_pair	*pr;

	s->m0 = (uint32_t)d->nm;
	for (size_t i = s->t0; i < s->t1; i++) {
		const struct fr_tok	*t = &d->t[i];
		uint64_t		 done = 0;

		/* A name is one thing: "Genetics" or "First" inside it is
		 * no concept. */
		if (t->name_end > i) {
			size_t	end = t->name_end < s->t1 ? t->name_end : s->t1;

			if (push_mention(d, s, C_THIS, i, end, 1) == -1)
				return -1;
			i = end - 1;
			continue;
		}
		if (t->w < 0)
			continue;
		/* The longest phrase of each concept that starts here:
		 * those of several words first. */
		if (i + 1 < s->t1 && d->t[i + 1].w >= 0 &&
		    (pr = pair_find(fr, t->w, d->t[i + 1].w)) != NULL)
			for (uint32_t k = 0; k < pr->count; k++) {
				const struct fr_phrase	*p = &fr->ph[pr->first + k];
				size_t			 j;

				if ((done & FR_BIT(p->c)) || i + p->n > s->t1)
					continue;
				for (j = 2; j < p->n && d->t[i + j].w == p->w[j];
				    j++)
					;
				if (j < p->n)
					continue;
				done |= FR_BIT(p->c);
				if (push_mention(d, s, p->c, i, i + p->n, 0) == -1)
					return -1;
			}
		for (uint64_t one = fr->wmask[t->w] & ~done; one != 0;
		    one &= one - 1)
			if (push_mention(d, s, __builtin_ctzll(one), i, i + 1,
			    0) == -1)
				return -1;
	}
	s->m1 = (uint32_t)d->nm;
	for (size_t i = s->t0; i < s->t1; i++)
		if (d->t[i].in & FR_BIT(C_TERM))
			d->t[i].fl |= TF_BAR;
	for (size_t i = s->t1; i > s->t0; i--) {
		const struct fr_tok	*t = &d->t[i - 1];

		if (!(t->fl & TF_PUNCT) || t->w == fr->fw[W_QMARK]) {
			s->question = t->w == fr->fw[W_QMARK];
			break;
		}
	}
	return 0;
}

/* Tokens of source src, as a range of d->t. */
static void
src_range(const struct mg_frames_doc *d, int src, size_t *lo, size_t *hi)
{
	size_t	i = 0;

	while (i < d->nt && d->t[i].src != src)
		i++;
	*lo = i;
	while (i < d->nt && d->t[i].src == src)
		i++;
	*hi = i;
}

/* Marks the tokens of source src whose original bytes start in
 * [oa, ob) as a name of the recipient. */
static void
mark_name(struct mg_frames_doc *d, int src, size_t oa, size_t ob)
{
	const struct mg_normtext *nt = src ? d->in.subject_flat : d->in.text_flat;
	size_t			  lo, hi, first = (size_t)-1, last = 0;

	src_range(d, src, &lo, &hi);
	/* Binary search for the first token at or after oa. */
	while (lo < hi) {
		size_t	mid = lo + (hi - lo) / 2;

		if (nt->map[d->t[mid].a] < oa)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < d->nt && d->t[i].src == src &&
	    nt->map[d->t[i].a] < ob; i++) {
		if (first == (size_t)-1)
			first = i;
		last = i;
	}
	if (first != (size_t)-1 && d->t[first].name_end < last + 1)
		d->t[first].name_end = (uint32_t)(last + 1);
}

static void
find_key(struct mg_frames_doc *d, const char *key)
{
	const struct mg_normtext *keys[2] = { d->in.text_key,
	    d->in.subject_key };

	for (int src = 0; src < 2; src++) {
		const struct mg_normtext *kv = keys[src];
		size_t			  from = 0, s, e;

		if (kv == NULL)
			continue;
		while (mg_key_find(kv, key, from, &s, &e)) {
			mark_name(d, src, kv->map[s], kv->map[e - 1] + 1);
			from = s + 1;
		}
	}
}

/* A word of the recipient's names that is no common word of names: a
 * capitalised token equal to it names the recipient ("Harborview"). */
static void
mark_name_words(struct mg_frames_doc *d, const char *key)
{
	for (const char *w = key; *w != '\0';) {
		size_t	n;
		int32_t	id;

		while (*w == ' ')
			w++;
		n = strcspn(w, " ");
		if (n == 0)
			break;
		id = vocab_find(d->fr, w, n);
		if (n >= 3 && (id < 0 ||
		    !(d->fr->wflag[id] & FR_WFLAG(C_NAME_WORDS)))) {
			for (size_t i = 0; i < d->nt; i++) {
				struct fr_tok		 *t = &d->t[i];
				const struct mg_normtext *nt = view_of(d, t);

				if ((t->fl & TF_CAP) && t->name_end <= i &&
				    t->b - t->a == n &&
				    strncmp(nt->lower + t->a, w, n) == 0)
					t->name_end = (uint32_t)i + 1;
			}
		}
		w += n;
	}
}

static void
mark_recipients(struct mg_frames_doc *d)
{
	for (size_t i = 0; i < d->in.n_programs; i++) {
		const struct mg_program	*p = d->in.programs[i];

		find_key(d, p->keys.name);
		for (size_t a = 0; a < p->keys.aliases.n; a++)
			find_key(d, p->keys.aliases.v[a]);
		if (p->institution[0] != '\0')
			find_key(d, p->keys.institution);
		mark_name_words(d, p->keys.name);
		for (size_t a = 0; a < p->keys.aliases.n; a++)
			mark_name_words(d, p->keys.aliases.v[a]);
		if (p->institution[0] != '\0')
			mark_name_words(d, p->keys.institution);
	}
}

static int
is_recipient(const struct mg_frames_doc *d, const struct mg_program *p)
{
	for (size_t i = 0; i < d->in.n_programs; i++)
		if (d->in.programs[i] == p)
			return 1;
	return 0;
}

/* A capitalised word of s that is a distinctive word of another
 * program's names ("Lakeside") names it. */
static void
other_name_words(struct mg_frames_doc *d, struct fr_sent *s, const char *key)
{
	for (const char *w = key; *w != '\0';) {
		size_t	n;
		int32_t	id;

		while (*w == ' ')
			w++;
		n = strcspn(w, " ");
		if (n == 0)
			break;
		id = vocab_find(d->fr, w, n);
		if (n >= 3 && (id < 0 ||
		    !(d->fr->wflag[id] & FR_WFLAG(C_NAME_WORDS))))
			for (size_t i = s->t0; i < s->t1; i++) {
				struct fr_tok		 *t = &d->t[i];
				const struct mg_normtext *nt = view_of(d, t);

				if ((t->fl & TF_CAP) && t->b - t->a == n &&
				    !(t->in & FR_BIT(C_THIS)) &&
				    strncmp(nt->lower + t->a, w, n) == 0)
					t->fl |= TF_NAME_OTHER;
			}
		w += n;
	}
}

void
fr_other_names(struct mg_frames_doc *d, struct fr_sent *s)
{
	const struct mg_normtext *nt;
	struct mg_normtext	 *key;
	size_t			  oa, ob;
	char			 *copy;

	if (s->other_done || s->t1 <= s->t0)
		return;
	s->other_done = 1;
	/* With no recipient program there is no other program. */
	if (d->in.dir == NULL || d->in.n_programs == 0)
		return;
	nt = view_of(d, &d->t[s->t0]);
	oa = nt->map[d->t[s->t0].a];
	ob = nt->map[d->t[s->t1 - 1].b];
	if ((copy = mg_strndup(nt->orig + oa, ob - oa)) == NULL)
		return;		/* no name found: the frame stays cautious */
	if ((key = mg_normtext_new(copy, MG_NORM_KEY)) == NULL) {
		free(copy);
		return;
	}
	for (size_t i = 0; i < d->in.dir->n; i++) {
		const struct mg_program	*p = &d->in.dir->programs[i];
		const char		*keys[66];
		size_t			 n = 0;

		if (is_recipient(d, p))
			continue;
		keys[n++] = p->keys.name;
		for (size_t a = 0; a < p->keys.aliases.n && n < 64; a++)
			keys[n++] = p->keys.aliases.v[a];
		if (p->institution[0] != '\0')
			keys[n++] = p->keys.institution;
		for (size_t k = 0; k < n; k++)
			other_name_words(d, s, keys[k]);
		for (size_t k = 0; k < n; k++) {
			size_t	from = 0, ks, ke;

			while (mg_key_find(key, keys[k], from, &ks, &ke)) {
				size_t	a = oa + key->map[ks];
				size_t	b = oa + key->map[ke - 1] + 1;

				for (size_t t = s->t0; t < s->t1; t++) {
					size_t	o = nt->map[d->t[t].a];

					if (o >= a && o < b &&
					    !(d->t[t].in & FR_BIT(C_THIS)))
						d->t[t].fl |= TF_NAME_OTHER;
				}
				from = ks + 1;
			}
		}
	}
	mg_normtext_free(key);
	free(copy);
}

/* Numbers the words so that a name of several words counts as one. */
static void
collapse_names(struct mg_frames_doc *d)
{
	uint32_t	n = 0;
	size_t		until = 0;

	for (size_t t = 0; t < d->nt; t++) {
		if (t < until) {
			d->t[t].ci = n - 1;
			continue;
		}
		d->t[t].ci = n++;
		if (d->t[t].name_end > t)
			until = d->t[t].name_end;
	}
}

struct mg_frames_doc *
mg_frames_doc_new(const struct mg_frames *fr, const struct mg_frames_input *in)
{
	struct mg_frames_doc	*d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->fr = fr;
	d->in = *in;
	if (fr == NULL)
		return d;
	if (cut_view(d, in->subject_flat, 1, 0) == -1 ||
	    cut_view(d, in->text_flat, 0, in->text_end) == -1)
		goto fail;
	mark_recipients(d);
	collapse_names(d);
	for (size_t i = 0; i < d->ns; i++)
		if (tag_sentence(d, &d->s[i]) == -1)
			goto fail;
	for (size_t i = 0; i < d->ns; i++)
		fr_match_sentence(d, i);
	return d;
fail:
	mg_frames_doc_free(d);
	return NULL;
}

void
mg_frames_doc_free(struct mg_frames_doc *d)
{
	if (d == NULL)
		return;
	free(d->t);
	free(d->m);
	free(d->s);
	free(d);
}

/* --- queries ----------------------------------------------------- */

int
fr_is(const struct mg_frames_doc *d, size_t t, int c)
{
	return t < d->nt && (d->t[t].in & FR_BIT(c)) != 0;
}

int
fr_wordis(const struct mg_frames_doc *d, size_t t, enum fr_word w)
{
	return t < d->nt && d->t[t].w == d->fr->fw[w];
}

long
fr_find(const struct mg_frames_doc *d, const struct fr_sent *s, int c,
    size_t lo, size_t hi)
{
	if (!(s->mask & FR_BIT(c)))
		return -1;
	for (size_t m = s->m0; m < s->m1; m++)
		if (d->m[m].c == c && d->m[m].a >= lo && d->m[m].a < hi)
			return (long)m;
	return -1;
}

long
fr_find_last(const struct mg_frames_doc *d, const struct fr_sent *s, int c,
    size_t lo, size_t hi)
{
	if (!(s->mask & FR_BIT(c)))
		return -1;
	for (size_t m = s->m1; m > s->m0; m--)
		if (d->m[m - 1].c == c && d->m[m - 1].a >= lo &&
		    d->m[m - 1].a < hi)
			return (long)(m - 1);
	return -1;
}

size_t
fr_ahead(const struct mg_frames_doc *d, const struct fr_sent *s, size_t t,
    size_t n)
{
	size_t	u = t;

	if (t >= s->t1)
		return s->t1;
	while (u < s->t1 && d->t[u].ci - d->t[t].ci < n)
		u++;
	return u;
}

size_t
fr_back(const struct mg_frames_doc *d, const struct fr_sent *s, size_t t,
    size_t n)
{
	size_t	u = t;

	if (t > s->t1)
		t = u = s->t1;
	while (u > s->t0 && (t >= d->nt ? d->t[t - 1].ci + 1 : d->t[t].ci) -
	    d->t[u - 1].ci <= n)
		u--;
	return u;
}

size_t
fr_dist(const struct mg_frames_doc *d, size_t a, size_t b)
{
	if (b >= d->nt)
		return b - a;
	return d->t[b].ci >= d->t[a].ci ? d->t[b].ci - d->t[a].ci : 0;
}

int
fr_barrier(const struct mg_frames_doc *d, size_t a, size_t b, int commas)
{
	uint8_t	mask = TF_BAR | (commas ? TF_COMMA : 0);

	for (size_t t = a + 1; t < b; t++)
		if (d->t[t].fl & mask)
			return 1;
	return 0;
}

void
fr_clause(const struct mg_frames_doc *d, const struct fr_sent *s, size_t t,
    int commas, size_t *lo, size_t *hi)
{
	uint8_t	mask = TF_BAR | (commas ? TF_COMMA : 0);
	size_t	a = t, z = t + 1;

	while (a > s->t0 && !(d->t[a - 1].fl & mask))
		a--;
	while (z < s->t1 && !(d->t[z].fl & mask))
		z++;
	*lo = a;
	*hi = z;
}

int
mg_frames_has(const struct mg_frames_doc *doc, enum mg_frame k)
{
	for (size_t i = 0; doc != NULL && i < doc->ns; i++)
		if (doc->s[i].frames & (1u << k))
			return 1;
	return 0;
}

/* The sentence si, quoted from the original around its anchor token. */
static char *
quote_sentence(const struct mg_frames_doc *d, size_t si, enum mg_frame k)
{
	const struct fr_sent	*s = &d->s[si];
	const struct fr_tok	*t = &d->t[s->anchor[k]];

	return mg_quote(view_of(d, t), t->a, t->b, 240);
}

int
mg_frames_find(const struct mg_frames_doc *doc, enum mg_frame k, char **quote)
{
	*quote = NULL;
	for (size_t i = 0; doc != NULL && i < doc->ns; i++)
		if (doc->s[i].frames & (1u << k)) {
			*quote = quote_sentence(doc, i, k);
			return *quote != NULL ? 1 : -1;
		}
	return 0;
}

static const char *const frame_names[MG_FRAME_N] = {
	"commitment", "ranking-question", "bargaining", "interest", "question",
	"thank-you", "interest-cue", "strong-interest", "follow-up", "update",
	"inquiry"
};

char *
mg_frames_dump(const struct mg_frames_doc *doc)
{
	struct mg_buf	b = { 0 };

	mg_buf_puts(&b, "");
	for (size_t i = 0; doc != NULL && i < doc->ns; i++) {
		const struct fr_sent	*s = &doc->s[i];
		const struct fr_tok	*t0 = &doc->t[s->t0];
		const struct fr_tok	*t1 = &doc->t[s->t1 - 1];
		char			*text;

		mg_buf_printf(&b, "%zu", i);
		for (int k = 0; k < MG_FRAME_N; k++)
			if (s->frames & (1u << k))
				mg_buf_printf(&b, " %s", frame_names[k]);
		text = mg_span_orig(view_of(doc, t0), t0->a, t1->b);
		mg_buf_printf(&b, ": %s\n", text != NULL ? text : "");
		free(text);
		for (size_t m = s->m0; m < s->m1; m++)
			mg_buf_printf(&b, "    %s [%u,%u)\n",
			    strchr(mg_frames_lists[doc->m[m].c], '.') + 1,
			    doc->m[m].a - s->t0, doc->m[m].b - s->t0);
	}
	if (b.failed) {
		mg_buf_free(&b);
		return NULL;
	}
	return b.s;
}
