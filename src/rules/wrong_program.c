/*
 * wrong_program.c - a letter to program A that names another program B of
 * the directory: the classic copy-paste mistake.  Hold when A is never
 * named, warn when both are.
 *
 * Not a mistake: B mentioned where the applicant talks about their own
 * experience ("my rotation at Lakeside", wrong-program.experience), B at
 * the same institution as A, and a mention of B that is part of a mention
 * of A ("Lakeside" inside "Lakeside Children's ...").
 */
#include "config_auto.h"

#include <stdlib.h>
#include <string.h>

#include "matchguard/policy.h"

#define MAX_NAMES	66

static const char *const lists[] = { "wrong-program.experience", NULL };

struct hit {
	const struct mg_normtext *view;
	size_t			  start, end;
};

/* The keys of p's name, aliases and institution. */
static size_t
program_keys(const struct mg_program *p, const char *keys[MAX_NAMES])
{
	size_t	n = 0;

	keys[n++] = p->keys.name;
	for (size_t i = 0; i < p->keys.aliases.n && n < MAX_NAMES - 1; i++)
		keys[n++] = p->keys.aliases.v[i];
	if (p->institution[0] != '\0')
		keys[n++] = p->keys.institution;
	return n;
}

/* Is [start, end) of view inside some mention of program a? */
static int
inside_mention(const struct mg_normtext *view, size_t start, size_t end,
    const struct mg_program *a)
{
	const char	*keys[MAX_NAMES];
	size_t		 n = program_keys(a, keys);

	for (size_t i = 0; i < n; i++) {
		size_t	from = 0, s, e;

		while (mg_key_find(view, keys[i], from, &s, &e)) {
			if (s <= start && end <= e)
				return 1;
			from = s + 1;
		}
	}
	return 0;
}

/* Does the sentence around the mention speak of the applicant's own
 * experience? */
static int
experience(const struct mg_check_ctx *ctx, const struct mg_normtext *view,
    size_t start, size_t end)
{
	const struct mg_patlist	*pl = mg_filters_get(ctx->filters,
	    "wrong-program.experience");
	char			*quote = mg_quote(view, start, end, 400);
	struct mg_normtext	*flat;
	int			 yes = 0;

	if (pl == NULL || quote == NULL) {
		free(quote);
		return 0;
	}
	if ((flat = mg_normtext_new(quote, MG_NORM_FLAT)) != NULL)
		yes = mg_patlist_match_str(pl, flat->s);
	mg_normtext_free(flat);
	free(quote);
	return yes;
}

/* The first mention of b that counts against a letter to a. */
static int
find_other(const struct mg_check_ctx *ctx, const struct mg_program *a,
    const struct mg_program *b, struct hit *h)
{
	const struct mg_normtext *views[2] = { ctx->subject_key, ctx->text_key };
	const char		 *keys[MAX_NAMES];
	size_t			  n = program_keys(b, keys);

	for (size_t v = 0; v < 2; v++)
		for (size_t i = 0; i < n; i++) {
			size_t	from = 0, s, e;

			while (mg_key_find(views[v], keys[i], from, &s, &e)) {
				from = s + 1;
				if (inside_mention(views[v], s, e, a) ||
				    experience(ctx, views[v], s, e))
					continue;
				h->view = views[v];
				h->start = s;
				h->end = e;
				return 1;
			}
		}
	return 0;
}

static int
is_recipient(const struct mg_check_ctx *ctx, const struct mg_program *p)
{
	for (size_t i = 0; i < ctx->n_programs; i++)
		if (ctx->programs[i] == p)
			return 1;
	return 0;
}

static int
check_one(const struct mg_check_ctx *ctx, const struct mg_program *a,
    struct mg_findings *out)
{
	const struct mg_directory *dir = &ctx->cfg->dir;
	const struct mg_normtext  *view;
	size_t			   s, e;
	int			   names_a = mg_mentions_program(ctx, a, 1, &view,
	    &s, &e);

	for (size_t i = 0; i < dir->n; i++) {
		const struct mg_program	*b = &dir->programs[i];
		struct hit		 h;
		char			*quote, *said;
		int			 rc;

		if (b == a || is_recipient(ctx, b) || (a->institution[0] &&
		    strcmp(a->keys.institution, b->keys.institution) == 0) ||
		    !find_other(ctx, a, b, &h))
			continue;
		quote = mg_quote(h.view, h.start, h.end, 200);
		said = mg_span_orig(h.view, h.start, h.end);
		if (quote == NULL || said == NULL)
			rc = -1;
		else if (names_a)
			rc = mg_findings_add(out, "wrong-program", MG_SEV_WARN,
			    quote, "This message to %s also names \"%s\" (%s); "
			    "make sure that is meant and not left over from "
			    "another letter.", a->name, said, b->name);
		else
			rc = mg_findings_add(out, "wrong-program", MG_SEV_HOLD,
			    quote, "This message goes to %s but names \"%s\" "
			    "(%s) and never %s; it looks copied from another "
			    "letter: put the right program's name in.", a->name,
			    said, b->name, a->name);
		free(quote);
		free(said);
		return rc;
	}
	return 0;
}

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	for (size_t i = 0; i < ctx->n_programs; i++)
		if (check_one(ctx, ctx->programs[i], out) == -1) {
			mg_seterr(err, errlen, "out of memory");
			return -1;
		}
	return 0;
}

const struct mg_rule mg_rule_wrong_program = {
	.id = "wrong-program",
	.severity = MG_SEV_HOLD,
	.summary = "a letter to one program names another program",
	.checks = "Looks for the names, aliases and institutions of the other "
	    "programs in your directory in a letter to one program.  "
	    "When the letter never names its own program, it is held; "
	    "when it names both, it is a warning.  Another program "
	    "named where you speak of your own experience (\"my "
	    "rotation at ...\", filters/wrong-program.conf) or at the "
	    "same institution does not count.",
	.why = "Praising program B in a letter to program A is the classic "
	    "copy-and-paste mistake, and it tells A that it is one of "
	    "many letters.",
	.settings = NULL,
	.lists = lists,
	.check = check,
};
