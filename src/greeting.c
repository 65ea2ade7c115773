/*
 * greeting.c - the salutation of a letter (greeting.h).
 *
 * The greeting is the first line of the new text, when it starts with a
 * salutation ("Dear", "Hi", ...).  What follows, up to a comma, colon or
 * the end of the line, is split at "and" and "&" into names; a leading
 * title ("Dr.") is kept apart; a part that is no one's name ("Program
 * Director", "Selection Committee") or names a program is dropped.
 */
#include "config_auto.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matchguard/greeting.h"
#include "matchguard/textnorm.h"

static int
names_a_program(const struct mg_config *cfg, const char *part)
{
	char	*key = mg_name_key(part);
	int	 yes = 0;

	for (size_t i = 0; key != NULL && i < cfg->dir.n && !yes; i++) {
		const struct mg_program_keys *k = &cfg->dir.programs[i].keys;

		yes = strcmp(k->name, key) == 0 ||
		    strcmp(k->institution, key) == 0;
		for (size_t a = 0; a < k->aliases.n && a < 64 && !yes; a++)
			yes = strcmp(k->aliases.v[a], key) == 0;
	}
	free(key);
	return yes;
}

/* One addressee: "Dr. Elena Marchetti" -> title "Dr.", name "Elena
 * Marchetti".  Returns 0 when it is not a person's name. */
static int
greeting_part(const struct mg_config *cfg, const struct mg_filters *filters,
    char *part, struct mg_greeting_name *out)
{
	const struct mg_patlist	*titles = mg_filters_get(filters,
	    "greeting.titles");
	const struct mg_patlist	*not_names = mg_filters_get(filters,
	    "greeting.not_names");
	size_t			 words = 0;
	char			*p = part, *e;

	memset(out, 0, sizeof(*out));
	while (*p == ' ')
		p++;
	for (e = p + strlen(p); e > p && (e[-1] == ' ' || e[-1] == '.');)
		*--e = '\0';
	/* Titles, possibly several ("Prof. Dr."). */
	for (;;) {
		size_t	len = strcspn(p, " ");
		char	word[sizeof(out->title)];

		if (len == 0 || len >= sizeof(word) || p[len] == '\0')
			break;
		memcpy(word, p, len);
		word[len] = '\0';
		if (titles == NULL || !mg_patlist_match_str(titles, word))
			break;
		snprintf(out->title, sizeof(out->title), "%s", word);
		p += len;
		while (*p == ' ')
			p++;
	}
	for (const char *c = p; *c != '\0'; c++) {
		/* Letters (any script), spaces, hyphens, apostrophes and
		 * dots only: "[Last Name]" is the placeholder rule's. */
		if (!isalpha((unsigned char)*c) && (unsigned char)*c < 0x80 &&
		    strchr(" -'.", *c) == NULL)
			return 0;
		if (*c != ' ' && (c == p || c[-1] == ' '))
			words++;
	}
	if (words == 0 || words > 4 || strlen(p) >= sizeof(out->name) ||
	    (not_names != NULL && mg_patlist_match_str(not_names, p)) ||
	    names_a_program(cfg, p))
		return 0;
	snprintf(out->name, sizeof(out->name), "%s", p);
	return 1;
}

/* Splits the addressees at " and ", " & " and "/". */
static void
greeting_names(const struct mg_config *cfg, const struct mg_filters *filters,
    char *who, struct mg_greeting *g)
{
	while (*who != '\0' && g->n_names < MG_GREETING_MAX_NAMES) {
		char	*cut = NULL, *c;
		size_t	 skip = 0;

		if ((c = strcasestr(who, " and ")) != NULL) {
			cut = c;
			skip = 5;
		}
		if ((c = strstr(who, " & ")) != NULL && (cut == NULL || c < cut)) {
			cut = c;
			skip = 3;
		}
		if ((c = strchr(who, '/')) != NULL && (cut == NULL || c < cut)) {
			cut = c;
			skip = 1;
		}
		if (cut != NULL)
			*cut = '\0';
		if (greeting_part(cfg, filters, who, &g->names[g->n_names]))
			g->n_names++;
		if (cut == NULL)
			break;
		who = cut + skip;
	}
}

int
mg_greeting_parse(const struct mg_config *cfg,
    const struct mg_filters *filters, const char *text,
    struct mg_greeting *g)
{
	const struct mg_patlist	*pl = mg_filters_get(filters,
	    "greeting.salutations");
	const char		*t = text, *eol;
	struct mg_normtext	*line;
	char			*one, *who;
	size_t			 start, end;

	memset(g, 0, sizeof(*g));
	while (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n')
		t++;
	eol = t + strcspn(t, "\n");
	if (pl == NULL || eol == t || eol - t > MG_GREETING_MAX_LINE)
		return 0;
	if ((one = mg_strndup(t, (size_t)(eol - t))) == NULL)
		return -1;
	if ((line = mg_normtext_new(one, MG_NORM_FLAT)) == NULL) {
		free(one);
		return -1;
	}
	if (mg_patlist_find(pl, NULL, line, 0, &start, &end) && start == 0) {
		g->found = 1;
		g->end = (size_t)(eol - text);
		snprintf(g->line, sizeof(g->line), "%s", line->s);
		/* The addressees, in the FLAT view (diacritics removed are
		 * put back below from the original). */
		if ((who = mg_span_orig(line, end, line->len)) == NULL) {
			mg_normtext_free(line);
			free(one);
			return -1;
		}
		if (who[0] != ',' && who[0] != ':') {
			who[strcspn(who, ",:;!?()")] = '\0';
			greeting_names(cfg, filters, who, g);
		}
		free(who);
	}
	mg_normtext_free(line);
	free(one);
	return 0;
}
