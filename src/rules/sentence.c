/*
 * sentence.c - the sentence around a match (see sentence.h).
 */
#include "config_auto.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sentence.h"

/* Words whose dot does not end a sentence. */
static const char *const abbrevs[] = {
	"dr", "drs", "mr", "mrs", "ms", "mx", "prof", "st", "jr", "sr",
	"vs", "etc", "no", "dept", "univ", "approx", "cf", "al", "fig",
	"vol", "inc", "ltd", "co", "ave", "blvd", NULL
};

static int
is_abbrev(const char *text, size_t dot)
{
	size_t	w = dot, n;

	while (w > 0 && isalpha((unsigned char)text[w - 1]))
		w--;
	n = dot - w;
	if (n == 0)
		return 0;
	/* An initial ("J. Smith") or a letter of "e.g." / "U.S.". */
	if (n == 1)
		return 1;
	if (n > 6)
		return 0;
	for (size_t i = 0; abbrevs[i] != NULL; i++)
		if (strlen(abbrevs[i]) == n &&
		    strncasecmp(text + w, abbrevs[i], n) == 0)
			return 1;
	return 0;
}

/* Does a list item start at text[i] (just after a line break)? */
static int
list_item(const char *text, size_t len, size_t i)
{
	size_t	j;

	while (i < len && (text[i] == ' ' || text[i] == '\t'))
		i++;
	if (i + 1 < len && strchr("-*", text[i]) != NULL && text[i + 1] == ' ')
		return 1;
	if (i < len && (unsigned char)text[i] == 0xE2 && i + 2 < len &&
	    (unsigned char)text[i + 1] == 0x80 &&
	    (unsigned char)text[i + 2] == 0xA2)	/* U+2022 bullet */
		return 1;
	for (j = i; j < len && j - i < 3 && isdigit((unsigned char)text[j]); j++)
		;
	return j > i && j + 1 < len && (text[j] == '.' || text[j] == ')') &&
	    text[j + 1] == ' ';
}

/* Does a sentence end just after text[i]? */
static int
ends_after(const char *text, size_t len, size_t i)
{
	char	c = text[i];

	if (c == '\n') {
		size_t	j = i + 1;

		while (j < len && (text[j] == ' ' || text[j] == '\t' ||
		    text[j] == '\r'))
			j++;
		return j >= len || text[j] == '\n' || list_item(text, len,
		    i + 1);
	}
	if (c != '.' && c != '!' && c != '?')
		return 0;
	if (i + 1 < len && !isspace((unsigned char)text[i + 1]) &&
	    text[i + 1] != '"' && text[i + 1] != ')')
		return 0;
	return c != '.' || !is_abbrev(text, i);
}

void
mg_sentence_bounds(const char *text, size_t len, size_t start, size_t end,
    size_t *a, size_t *z)
{
	size_t	i = start;

	while (i > 0 && start - i < MG_SENTENCE_MAX &&
	    !ends_after(text, len, i - 1))
		i--;
	*a = i;
	i = end;
	while (i < len && i - end < MG_SENTENCE_MAX && !ends_after(text, len, i))
		i++;
	/* Keep the closing punctuation. */
	if (i < len && text[i] != '\n')
		i++;
	*z = i;
}

char *
mg_sentence_quote(const char *text, size_t a, size_t z, size_t start,
    size_t end, size_t maxlen)
{
	size_t	 half = maxlen / 2;
	int	 cut_a = 0, cut_z = 0;
	char	*q, *w;

	if (start - a > half) {
		a = start - half;
		cut_a = 1;
	}
	if (z - end > half) {
		z = end + half;
		cut_z = 1;
	}
	while (cut_a && a < start && ((unsigned char)text[a] & 0xC0) == 0x80)
		a++;
	while (cut_z && z > end && ((unsigned char)text[z] & 0xC0) == 0x80)
		z--;
	if ((q = malloc(z - a + 8)) == NULL)
		return NULL;
	w = q;
	if (cut_a) {
		memcpy(w, "...", 3);
		w += 3;
	}
	for (size_t i = a; i < z; i++) {
		if (isspace((unsigned char)text[i])) {
			if (w > q && w[-1] != ' ')
				*w++ = ' ';
			continue;
		}
		*w++ = text[i];
	}
	while (w > q && w[-1] == ' ')
		w--;
	if (cut_z) {
		memcpy(w, "...", 3);
		w += 3;
	}
	*w = '\0';
	if (q[0] == ' ')
		memmove(q, q + 1, strlen(q));
	return q;
}
