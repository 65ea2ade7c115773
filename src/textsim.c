/*
 * textsim.c - masked word shingles, MinHash signatures, LSH band buckets.
 *
 * The i-th MinHash function is h_i(x) = mix(x ^ seed_i) with mix() the
 * SplitMix64 finaliser, x the 64-bit FNV-1a hash of the shingle and
 * seed_i = mix(i + SEED_BASE); its value is the low 32 bits.  A band's
 * bucket is FNV-1a over the band number and its four values, mixed.
 * Changing any of this changes every stored signature: bump
 * MG_TEXTSIM_SCHEME instead.
 */
#include "config_auto.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "matchguard/textnorm.h"
#include "matchguard/textsim.h"
#include "matchguard/util.h"

#define SEED_BASE	UINT64_C(0x6d6174636867756e)	/* "matchgun" */
#define FNV_OFFSET	UINT64_C(0xcbf29ce484222325)
#define FNV_PRIME	UINT64_C(0x100000001b3)
#define MASK_WORD	"_"

struct phrase {
	char	*key;		/* "a b c": words and single spaces */
	size_t	 nwords;
	size_t	 first;		/* length of its first word */
};

struct mg_textmask {
	/* By first word, then most words first (within one first word,
	 * in the order added), so that a token's candidates are one run
	 * found by a binary search. */
	struct phrase	*phrases;
	size_t		 n_phrases;
	char		**words;	/* sorted, unique */
	size_t		 n_words;
};

struct token {
	const char	*p;
	size_t		 len;
};

static uint64_t
mix64(uint64_t z)
{
	z += UINT64_C(0x9e3779b97f4a7c15);
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t
fnv(uint64_t h, const void *data, size_t len)
{
	const unsigned char	*p = data;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= FNV_PRIME;
	}
	return h;
}

struct mg_textmask *
mg_textmask_new(void)
{
	return calloc(1, sizeof(struct mg_textmask));
}

void
mg_textmask_free(struct mg_textmask *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n_phrases; i++)
		free(m->phrases[i].key);
	for (size_t i = 0; i < m->n_words; i++)
		free(m->words[i]);
	free(m->phrases);
	free(m->words);
	free(m);
}

/* The KEY form of s without its outer spaces; NULL when out of memory,
 * "" when s has no word. */
static char *
bare_key(const char *s, size_t *nwords)
{
	struct mg_normtext	*nt = mg_normtext_new(s, MG_NORM_KEY);
	char			*k;
	size_t			 len;

	if (nt == NULL)
		return NULL;
	len = nt->len;
	k = nt->s;
	while (len > 0 && *k == ' ') {
		k++;
		len--;
	}
	while (len > 0 && k[len - 1] == ' ')
		len--;
	k = mg_strndup(k, len);
	mg_normtext_free(nt);
	if (k != NULL && nwords != NULL) {
		*nwords = *k != '\0';
		for (const char *c = k; *c != '\0'; c++)
			*nwords += *c == ' ';
	}
	return k;
}

/* The order of phrases by first word: <0, 0, >0 as strcmp() would say
 * of ph's first word and the word w[0..len). */
static int
cmp_first(const struct phrase *ph, const char *w, size_t len)
{
	size_t	n = ph->first < len ? ph->first : len;
	int	c = memcmp(ph->key, w, n);

	if (c != 0)
		return c;
	return ph->first < len ? -1 : ph->first > len;
}

int
mg_textmask_add_phrase(struct mg_textmask *m, const char *name)
{
	struct phrase	*nv;
	size_t		 nwords, at, first;
	char		*key = bare_key(name, &nwords);

	if (key == NULL)
		return -1;
	for (size_t i = 0; i < m->n_phrases; i++)
		if (strcmp(m->phrases[i].key, key) == 0)
			nwords = 0;
	if (nwords == 0) {
		free(key);
		return 0;
	}
	if ((nv = realloc(m->phrases, (m->n_phrases + 1) * sizeof(*nv))) ==
	    NULL) {
		free(key);
		return -1;
	}
	m->phrases = nv;
	first = strcspn(key, " ");
	for (at = 0; at < m->n_phrases; at++) {
		int	c = cmp_first(&nv[at], key, first);

		if (c > 0 || (c == 0 && nv[at].nwords < nwords))
			break;
	}
	memmove(nv + at + 1, nv + at, (m->n_phrases - at) * sizeof(*nv));
	nv[at].key = key;
	nv[at].nwords = nwords;
	nv[at].first = first;
	m->n_phrases++;
	return 0;
}

static int
add_word(struct mg_textmask *m, const char *w, size_t len)
{
	char	**nv, *copy;
	size_t	  lo = 0, hi = m->n_words;

	if ((copy = mg_strndup(w, len)) == NULL)
		return -1;
	while (lo < hi) {
		size_t	mid = (lo + hi) / 2;
		int	c = strcmp(m->words[mid], copy);

		if (c == 0) {
			free(copy);
			return 0;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if ((nv = realloc(m->words, (m->n_words + 1) * sizeof(*nv))) == NULL) {
		free(copy);
		return -1;
	}
	m->words = nv;
	memmove(nv + lo + 1, nv + lo, (m->n_words - lo) * sizeof(*nv));
	nv[lo] = copy;
	m->n_words++;
	return 0;
}

int
mg_textmask_add_words(struct mg_textmask *m, const char *s)
{
	char	*key = bare_key(s, NULL);
	int	 rc = 0;

	if (key == NULL)
		return -1;
	for (char *w = key; *w != '\0' && rc == 0;) {
		size_t	len = strcspn(w, " ");

		rc = add_word(m, w, len);
		w += len;
		w += *w == ' ';
	}
	free(key);
	return rc;
}

static int
is_word(const struct mg_textmask *m, const struct token *t)
{
	size_t	lo = 0, hi = m->n_words;

	while (lo < hi) {
		size_t		 mid = (lo + hi) / 2;
		const char	*w = m->words[mid];
		int		 c = strncmp(w, t->p, t->len);

		if (c == 0) {
			if (w[t->len] == '\0')
				return 1;
			c = 1;		/* w is longer: it sorts after */
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Do the words of phrase ph start at token i? */
static int
phrase_at(const struct phrase *ph, const struct token *tok, size_t n,
    size_t i)
{
	const char	*k = ph->key;

	if (i + ph->nwords > n)
		return 0;
	for (size_t j = 0; j < ph->nwords; j++) {
		const struct token	*t = &tok[i + j];

		if (strncmp(k, t->p, t->len) != 0 ||
		    (k[t->len] != ' ' && k[t->len] != '\0'))
			return 0;
		k += t->len;
		k += *k == ' ';
	}
	return 1;
}

static int
all_digits(const struct token *t)
{
	for (size_t i = 0; i < t->len; i++)
		if (!isdigit((unsigned char)t->p[i]))
			return 0;
	return 1;
}

static struct token *
tokenize(const char *s, size_t *n)
{
	struct token	*tok;
	size_t		 cap = 1;

	for (const char *c = s; *c != '\0'; c++)
		cap += *c == ' ';
	if ((tok = calloc(cap, sizeof(*tok))) == NULL)
		return NULL;
	*n = 0;
	while (*s != '\0') {
		size_t	len;

		s += strspn(s, " ");
		if ((len = strcspn(s, " ")) == 0)
			break;
		tok[*n].p = s;
		tok[(*n)++].len = len;
		s += len;
	}
	return tok;
}

/* How many tokens at i a mask covers (0: none): the first phrase (most
 * words first) that starts with the token and matches, else the word. */
static size_t
masked_at(const struct mg_textmask *m, const struct token *tok, size_t n,
    size_t i)
{
	size_t	lo = 0, hi = m->n_phrases;

	while (lo < hi) {	/* the first phrase not before the token */
		size_t	mid = (lo + hi) / 2;

		if (cmp_first(&m->phrases[mid], tok[i].p, tok[i].len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t p = lo; p < m->n_phrases &&
	    cmp_first(&m->phrases[p], tok[i].p, tok[i].len) == 0; p++)
		if (phrase_at(&m->phrases[p], tok, n, i))
			return m->phrases[p].nwords;
	return is_word(m, &tok[i]) ? 1 : 0;
}

char *
mg_textmask_apply(const struct mg_textmask *m, const char *text,
    size_t *words)
{
	struct mg_normtext	*nt = mg_normtext_new(text, MG_NORM_KEY);
	struct token		*tok = NULL;
	char			*out = NULL, *w;
	size_t			 n = 0, count = 0;
	int			 last_mask = 0;

	if (nt == NULL || (tok = tokenize(nt->s, &n)) == NULL ||
	    (out = malloc(nt->len + 2)) == NULL)
		goto out;
	w = out;
	for (size_t i = 0; i < n;) {
		size_t		 cover = masked_at(m, tok, n, i);
		const char	*word = tok[i].p;
		size_t		 len = tok[i].len;

		if (cover > 0) {
			i += cover;
			if (last_mask)
				continue;
			word = MASK_WORD;
			len = 1;
		} else {
			if (all_digits(&tok[i])) {
				word = "0";
				len = 1;
			}
			i++;
		}
		last_mask = cover > 0;
		if (w != out)
			*w++ = ' ';
		memcpy(w, word, len);
		w += len;
		count++;
	}
	*w = '\0';
	if (words != NULL)
		*words = count;
out:
	free(tok);
	mg_normtext_free(nt);
	return out;
}

static void
add_shingle(struct mg_textsig *sig, const uint64_t seed[MG_TEXTSIM_HASHES],
    uint64_t h)
{
	for (size_t i = 0; i < MG_TEXTSIM_HASHES; i++) {
		uint32_t	v = (uint32_t)mix64(h ^ seed[i]);

		if (v < sig->mh[i])
			sig->mh[i] = v;
	}
}

int
mg_textsim_sign(const char *masked, struct mg_textsig *out)
{
	uint64_t	 seed[MG_TEXTSIM_HASHES];
	struct token	*tok;
	size_t		 n = 0;

	memset(out, 0, sizeof(*out));
	if ((tok = tokenize(masked, &n)) == NULL || n == 0) {
		free(tok);
		return -1;
	}
	for (size_t i = 0; i < MG_TEXTSIM_HASHES; i++) {
		seed[i] = mix64(SEED_BASE + i);
		out->mh[i] = UINT32_MAX;
	}
	/* A text shorter than a shingle is one shingle of all its words. */
	for (size_t i = 0; i + MG_TEXTSIM_SHINGLE <= n || i == 0; i++) {
		uint64_t	h = FNV_OFFSET;
		size_t		k = n < MG_TEXTSIM_SHINGLE ? n : MG_TEXTSIM_SHINGLE;

		for (size_t j = 0; j < k; j++) {
			h = fnv(h, tok[i + j].p, tok[i + j].len);
			h = fnv(h, " ", 1);
		}
		add_shingle(out, seed, h);
	}
	out->words = n;
	free(tok);
	return 0;
}

void
mg_textsim_bands(const struct mg_textsig *s, int64_t bucket[MG_TEXTSIM_BANDS])
{
	for (size_t b = 0; b < MG_TEXTSIM_BANDS; b++) {
		uint64_t	h = FNV_OFFSET;
		unsigned char	buf[1 + MG_TEXTSIM_ROWS * 4];

		buf[0] = (unsigned char)b;
		for (size_t r = 0; r < MG_TEXTSIM_ROWS; r++) {
			uint32_t	v = s->mh[b * MG_TEXTSIM_ROWS + r];

			for (size_t k = 0; k < 4; k++)
				buf[1 + r * 4 + k] = (unsigned char)(v >> (8 * k));
		}
		h = mix64(fnv(h, buf, sizeof(buf)));
		/* Two's complement: SQLite stores a signed 64-bit integer. */
		memcpy(&bucket[b], &h, sizeof(h));
	}
}

double
mg_textsim_similarity(const struct mg_textsig *a, const struct mg_textsig *b)
{
	size_t	same = 0;

	if (a->words == 0 || b->words == 0)
		return 0.0;
	for (size_t i = 0; i < MG_TEXTSIM_HASHES; i++)
		same += a->mh[i] == b->mh[i];
	return (double)same / MG_TEXTSIM_HASHES;
}

void
mg_textsim_pack(const struct mg_textsig *s, unsigned char buf[MG_TEXTSIM_SIGBYTES])
{
	for (size_t i = 0; i < MG_TEXTSIM_HASHES; i++)
		for (size_t k = 0; k < 4; k++)
			buf[i * 4 + k] = (unsigned char)(s->mh[i] >> (8 * k));
}

void
mg_textsim_unpack(const unsigned char buf[MG_TEXTSIM_SIGBYTES],
    struct mg_textsig *s)
{
	for (size_t i = 0; i < MG_TEXTSIM_HASHES; i++) {
		s->mh[i] = 0;
		for (size_t k = 0; k < 4; k++)
			s->mh[i] |= (uint32_t)buf[i * 4 + k] << (8 * k);
	}
	s->words = 1;	/* the word count is not stored: "has words" */
}
