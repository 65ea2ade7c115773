/*
 * greeting_name.c - the salutation names the wrong person.  "Dear Dr. X"
 * where X is a contact of another program of the directory is held (a
 * letter copied from another one); a name that is none of the recipient
 * program's contacts is a warning, with "did you mean Dr. Y?" when one of
 * them is within edit distance 2.  Names are compared in the KEY form of
 * textnorm.h, so "Nunez Ortega" is "Núñez-Ortega", and a greeting may use
 * any run of the contact's names ("Elena", "Marchetti", "Elena
 * Marchetti").  A program without contacts in the directory is not
 * checked for misspellings; only a wrong program's contact is found.
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matchguard/policy.h"

#define MAX_TYPO	2

static const char *const lists[] = { "greeting.salutations",
    "greeting.titles", "greeting.not_names", NULL };

enum match { NO_MATCH, FIRST_NAME, NAME };

/* Does the greeting's name (a key " a b ") match a contact's key ck?
 * Only the given name of a longer name is a weak match. */
static enum match
match_contact(const char *key, const char *ck)
{
	const char	*hit;
	enum match	 m = NO_MATCH;

	if (strlen(key) > 2 && (hit = strstr(ck, key)) != NULL) {
		m = NAME;
		if (hit == ck && strlen(key) < strlen(ck))
			m = FIRST_NAME;
	}
	return m;
}

static enum match
match_program(const char *key, const struct mg_program *p,
    const struct mg_contact **who)
{
	enum match	best = NO_MATCH;

	for (size_t i = 0; i < p->n_contacts; i++) {
		enum match	m = match_contact(key, p->keys.contacts.v[i]);

		if (m > best) {
			best = m;
			*who = &p->contacts[i];
		}
	}
	return best;
}

/* The closest spelling among p's contacts: whole name, surname (after
 * the first word), last word or first word. */
static int
suggest(const char *key, const struct mg_program *p, char *out, size_t len)
{
	int	best = MAX_TYPO + 1;
	char	bare[96];

	snprintf(bare, sizeof(bare), "%s", key + 1);
	bare[strlen(bare) > 0 ? strlen(bare) - 1 : 0] = '\0';
	if (strlen(bare) < 4)
		return 0;
	for (size_t i = 0; i < p->n_contacts; i++) {
		const char	*name = p->contacts[i].name;
		const char	*sp = strchr(name, ' '), *last = strrchr(name, ' ');
		const char	*forms[4] = { name, sp ? sp + 1 : NULL,
		    last ? last + 1 : NULL, NULL };
		char		 first[96];

		if (sp != NULL && (size_t)(sp - name) < sizeof(first)) {
			snprintf(first, sizeof(first), "%.*s", (int)(sp - name),
			    name);
			forms[3] = first;
		}
		for (size_t f = 0; f < 4; f++) {
			char	*k, fk[96];
			int	 d;

			if (forms[f] == NULL || (k = mg_name_key(forms[f])) ==
			    NULL)
				continue;
			snprintf(fk, sizeof(fk), "%s", k + 1);
			fk[strlen(fk) > 0 ? strlen(fk) - 1 : 0] = '\0';
			free(k);
			d = mg_edit_distance(bare, fk, MAX_TYPO);
			if (d > 0 && d < best) {
				best = d;
				snprintf(out, len, "%s", forms[f]);
			}
		}
	}
	return best <= MAX_TYPO;
}

static void
who_str(const struct mg_greeting_name *g, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s", g->title, g->title[0] ? " " : "", g->name);
}

static int
check_name(const struct mg_check_ctx *ctx, const struct mg_program *p,
    const struct mg_greeting_name *g, struct mg_findings *out)
{
	const struct mg_directory *dir = &ctx->cfg->dir;
	const struct mg_contact	  *who = NULL;
	char			  *key = mg_name_key(g->name);
	char			   said[128], alt[128];
	int			   rc = 0;

	if (key == NULL)
		return -1;
	who_str(g, said, sizeof(said));
	if (match_program(key, p, &who) != NO_MATCH)
		goto out;
	for (size_t i = 0; i < dir->n; i++) {
		const struct mg_program	*q = &dir->programs[i];

		if (q == p || match_program(key, q, &who) != NAME)
			continue;
		rc = mg_rule_finding(out, MG_SEV_HOLD,
		    ctx->greeting.line, "This letter to %s greets %s, but %s "
		    "is the %s of %s: it looks copied from another letter; "
		    "greet someone at %s.", p->name, said, who->name,
		    who->role, q->name, p->name);
		goto out;
	}
	if (p->n_contacts == 0)
		goto out;
	if (suggest(key, p, alt, sizeof(alt)))
		rc = mg_rule_finding(out, MG_SEV_WARN,
		    ctx->greeting.line, "The greeting names %s, who is not "
		    "among the contacts of %s: did you mean %s%s%s?", said,
		    p->name, g->title, g->title[0] ? " " : "", alt);
	else
		rc = mg_rule_finding(out, MG_SEV_WARN,
		    ctx->greeting.line, "The greeting names %s, who is not "
		    "among the contacts of %s in your directory (%s%s%s); check "
		    "the name, or add the person to the program's contacts.",
		    said, p->name, p->contacts[0].name,
		    p->n_contacts > 1 ? ", " : "",
		    p->n_contacts > 1 ? p->contacts[1].name : "");
out:
	free(key);
	return rc;
}

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	for (size_t i = 0; i < ctx->n_programs; i++)
		for (size_t n = 0; n < ctx->greeting.n_names; n++)
			if (check_name(ctx, ctx->programs[i],
			    &ctx->greeting.names[n], out) == -1) {
				mg_seterr(err, errlen, "out of memory");
				return -1;
			}
	return 0;
}

const struct mg_rule mg_rule_greeting_name = {
	.id = "greeting-name",
	.severity = MG_SEV_HOLD,
	.summary = "the greeting names someone at another program, or nobody "
	    "there",
	.checks = "Reads the salutation on the first line (\"Dear Dr. X,\", "
	    "\"Hi X,\"; the patterns are in filters/greeting.conf) and looks "
	    "the name up among the contacts in your directory.  A contact of "
	    "another program is held.  A name that is none of the recipient "
	    "program's contacts is a warning, with \"did you mean ...?\" when "
	    "one of them is spelled within two letters of it.  Accents and "
	    "hyphens do not matter: \"Nunez Ortega\" is \"Núñez-Ortega\".  "
	    "Greetings to no one in particular (\"Dear Program Director\") "
	    "are not checked.",
	.why = "Opening a letter with the name of another program's director "
	    "is the surest sign it was copied from a letter to someone else, "
	    "and a misspelled name is the first thing its owner sees.  "
	    "Either can undo a good letter before it is read.",
	.settings = NULL,
	.lists = lists,
	.check = check,
};
