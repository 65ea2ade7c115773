/*
 * textnorm.c - normalised views of text with a map back to the original.
 *
 * Diacritics are removed with GLib's g_str_to_ascii(), one character at a
 * time, so that every byte of the view knows where it came from.
 */
#include "config_auto.h"

#include <stdio.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "matchguard/patlit.h"
#include "matchguard/textnorm.h"
#include "matchguard/util.h"

struct builder {
	char	*s;
	size_t	*map;
	size_t	 len;
	size_t	 cap;
	int	 space;	/* last byte written is a space */
};

static int
put(struct builder *b, char c, size_t origin)
{
	if (b->len + 2 > b->cap) {
		size_t	 ncap = b->cap ? b->cap * 2 : 256;
		char	*ns = realloc(b->s, ncap);
		size_t	*nm;

		if (ns == NULL)
			return -1;
		b->s = ns;
		if ((nm = realloc(b->map, (ncap + 1) * sizeof(*nm))) == NULL)
			return -1;
		b->map = nm;
		b->cap = ncap;
	}
	b->s[b->len] = c;
	b->map[b->len] = origin;
	b->len++;
	b->space = c == ' ';
	return 0;
}

/* Adds one ASCII character of the transliteration, in the given form. */
static int
add_ascii(struct builder *b, unsigned char c, size_t origin,
    enum mg_norm_form form)
{
	if (isspace(c) || c == '\0') {
		if (b->space)
			return 0;
		return put(b, ' ', origin);
	}
	if (form == MG_NORM_FLAT)
		return put(b, (char)c, origin);
	if (isalnum(c))
		return put(b, (char)tolower(c), origin);
	/* Anything else, the apostrophe included, separates words: the
	 * possessive "Lakeside's" must still contain the name "Lakeside". */
	if (b->space)
		return 0;
	return put(b, ' ', origin);
}

/* Transliterates the UTF-8 character at p (of n bytes) into ASCII. */
static int
add_char(struct builder *b, const char *p, size_t n, size_t origin,
    enum mg_norm_form form)
{
	char	 one[8];
	gchar	*ascii;
	int	 rc = 0;

	if (n == 1)
		return add_ascii(b, (unsigned char)*p, origin, form);
	memcpy(one, p, n);
	one[n] = '\0';
	/* U+00A0 and other spaces become a space, like ASCII white space. */
	if (g_unichar_isspace(g_utf8_get_char(one)))
		return add_ascii(b, ' ', origin, form);
	if ((ascii = g_str_to_ascii(one, "C")) == NULL)
		return -1;
	for (const char *a = ascii; *a != '\0' && rc == 0; a++)
		if (*a != '?')
			rc = add_ascii(b, (unsigned char)*a, origin, form);
	g_free(ascii);
	return rc;
}

struct mg_normtext *
mg_normtext_new(const char *orig, enum mg_norm_form form)
{
	struct mg_normtext	*nt;
	struct builder		 b = { NULL, NULL, 0, 0, 1 };
	size_t			 len = strlen(orig), i = 0;

	if ((nt = calloc(1, sizeof(*nt))) == NULL)
		return NULL;
	if (form == MG_NORM_KEY && put(&b, ' ', 0) == -1)
		goto fail;
	while (i < len) {
		size_t	n = 1;

		if ((unsigned char)orig[i] >= 0x80) {
			gunichar	u = g_utf8_get_char_validated(orig + i,
			    (gssize)(len - i));

			if (u == (gunichar)-1 || u == (gunichar)-2) {
				i++;	/* invalid byte: skip it */
				continue;
			}
			n = (size_t)g_utf8_skip[(unsigned char)orig[i]];
		}
		if (add_char(&b, orig + i, n, i, form) == -1)
			goto fail;
		i += n;
	}
	if (form == MG_NORM_KEY && !b.space && put(&b, ' ', len) == -1)
		goto fail;
	if (form == MG_NORM_FLAT && b.len > 0 && b.space)
		b.len--;
	if (b.s == NULL) {		/* empty text: allocate the NUL */
		if (put(&b, ' ', 0) == -1)
			goto fail;
		b.len = 0;
	}
	b.s[b.len] = '\0';
	b.map[b.len] = len;
	if (form == MG_NORM_FLAT &&
	    (nt->lower = mg_ascii_lower(b.s, b.len)) == NULL)
		goto fail;
	if (form == MG_NORM_FLAT)	/* NULL when short or out of memory */
		nt->grams = mg_patlit_grams(b.s, b.len);
	nt->s = b.s;
	nt->map = b.map;
	nt->len = b.len;
	nt->orig = orig;
	nt->orig_len = len;
	return nt;
fail:
	free(b.s);
	free(b.map);
	free(nt);
	return NULL;
}

void
mg_normtext_free(struct mg_normtext *nt)
{
	if (nt == NULL)
		return;
	free(nt->s);
	free(nt->map);
	free(nt->lower);
	free(nt->grams);
	free(nt);
}

char *
mg_name_key(const char *s)
{
	struct mg_normtext	*nt;
	char			*key;
	const char		*k;

	if ((nt = mg_normtext_new(s, MG_NORM_KEY)) == NULL)
		return NULL;
	k = nt->s;
	if (strncmp(k, " the ", 5) == 0 && k[5] != '\0')
		k += 4;
	key = strdup(k);
	mg_normtext_free(nt);
	return key;
}

int
mg_key_find(const struct mg_normtext *nt, const char *key, size_t from,
    size_t *start, size_t *end)
{
	const char	*hit;
	size_t		 klen = strlen(key);

	if (klen < 3 || from >= nt->len)	/* " x " at the least */
		return 0;
	/* Keys begin and end with a space, so a hit is on word boundaries;
	 * the span excludes those spaces. */
	if ((hit = strstr(nt->s + from, key)) == NULL)
		return 0;
	*start = (size_t)(hit - nt->s) + 1;
	*end = *start + klen - 2;
	return 1;
}

static int
sentence_end(const char *s, size_t i, size_t len)
{
	char	c = s[i];

	/* A line break ends a sentence only at a blank line: mail text is
	 * wrapped at 72 columns in the middle of sentences. */
	if (c == '\n')
		return (i + 1 < len && (s[i + 1] == '\n' || s[i + 1] == '\r')) ||
		    (i > 0 && (s[i - 1] == '\n' || s[i - 1] == '\r'));
	return c == '.' || c == '!' || c == '?';
}

char *
mg_quote(const struct mg_normtext *nt, size_t start, size_t end, size_t maxlen)
{
	size_t	 a = nt->map[start], z = nt->map[end];
	size_t	 half = maxlen / 2;
	int	 cut_a = 0, cut_z = 0;
	char	*q, *w;

	while (a > 0 && !sentence_end(nt->orig, a - 1, nt->orig_len)) {
		if (nt->map[start] - a >= half) {
			cut_a = 1;
			break;
		}
		a--;
	}
	while (z < nt->orig_len && !sentence_end(nt->orig, z - (z > 0),
	    nt->orig_len)) {
		if (z - nt->map[end] >= half) {
			cut_z = 1;
			break;
		}
		z++;
	}
	/* Do not cut a UTF-8 character in two. */
	while (a > 0 && ((unsigned char)nt->orig[a] & 0xC0) == 0x80)
		a--;
	while (z < nt->orig_len && ((unsigned char)nt->orig[z] & 0xC0) == 0x80)
		z++;
	if ((q = malloc(z - a + 8)) == NULL)
		return NULL;
	w = q;
	if (cut_a)
		w += sprintf(w, "...");
	for (size_t i = a; i < z; i++) {
		char	c = nt->orig[i];

		if (isspace((unsigned char)c)) {
			if (w > q && w[-1] != ' ')
				*w++ = ' ';
			continue;
		}
		*w++ = c;
	}
	while (w > q && w[-1] == ' ')
		w--;
	if (cut_z)
		w += sprintf(w, "...");
	*w = '\0';
	/* Skip leading blank. */
	if (q[0] == ' ')
		memmove(q, q + 1, strlen(q));
	return q;
}

char *
mg_span_orig(const struct mg_normtext *nt, size_t start, size_t end)
{
	size_t	 a = nt->map[start];
	size_t	 z = end < nt->len ? nt->map[end] : nt->orig_len;
	char	*out, *w;

	/* map[end] is where the next view byte came from; trim blanks, and
	 * fold line breaks so that a quotation reads as one line. */
	while (z > a && isspace((unsigned char)nt->orig[z - 1]))
		z--;
	if ((out = mg_strndup(nt->orig + a, z - a)) == NULL)
		return NULL;
	w = out;
	for (const char *r = out; *r != '\0'; r++) {
		if (isspace((unsigned char)*r)) {
			if (w > out && w[-1] == ' ')
				continue;
			*w++ = ' ';
		} else
			*w++ = *r;
	}
	*w = '\0';
	return out;
}

int
mg_edit_distance(const char *a, const char *b, int cap)
{
	size_t	la = strlen(a), lb = strlen(b);
	int	row[64], prev[64];

	if (la >= 63 || lb >= 63)
		return cap + 1;
	if ((la > lb ? la - lb : lb - la) > (size_t)cap)
		return cap + 1;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		int	best;

		row[0] = (int)i;
		best = row[0];
		for (size_t j = 1; j <= lb; j++) {
			int	sub = prev[j - 1] + (tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]));
			int	del = prev[j] + 1, ins = row[j - 1] + 1;

			row[j] = sub < del ? (sub < ins ? sub : ins) :
			    (del < ins ? del : ins);
			if (row[j] < best)
				best = row[j];
		}
		if (best > cap)
			return cap + 1;
		memcpy(prev, row, (lb + 1) * sizeof(int));
	}
	return prev[lb] > cap ? cap + 1 : prev[lb];
}
