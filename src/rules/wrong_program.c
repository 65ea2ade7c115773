/*
 * wrong_program.c - a letter to program A that names another program B of
 * the directory: the classic copy-paste mistake.
 *
 * Each mention of B is judged by the words of its sentence
 * (filters/wrong-program.conf explains the lists):
 *   interest   B is what the applicant wants or praises ("I am drawn to
 *              B", "B's strong curriculum", "B is my top choice"): held,
 *              whether A is named or not;
 *   experience B is where the applicant did an elective, a rotation,
 *              research, met someone, or where a mentor works: not
 *              reported;
 *   neutral    anything else: held when the letter never names A, a
 *              warning when it does.
 * Also not a mistake: B at the same institution as A, B another recipient,
 * and a mention of B that is part of a mention of A ("Lakeside" inside
 * "Lakeside Children's ...").
 */
#include "config_auto.h"

#include <stdlib.h>
#include <string.h>

#include "matchguard/policy.h"
#include "matchguard/util.h"
#include "sentence.h"

#define MAX_NAMES	66
#define GAP_BEFORE	6	/* words between a before-cue and B */
#define GAP_AFTER	3	/* words between B and an after-cue */
#define GAP_CONTRAST	2	/* words between B and "than", "unlike" */
#define MAX_ASIDE	4	/* words of an aside between commas */
#define MAX_MENTIONS	64	/* mentions of one program judged per letter */

static const char *const lists[] = {
	"wrong-program.interest", "wrong-program.interest_after",
	"wrong-program.praise", "wrong-program.praise_after",
	"wrong-program.contrast", "wrong-program.event_after",
	"wrong-program.experience", "wrong-program.break", NULL
};

enum role { ROLE_EXPERIENCE, ROLE_NEUTRAL, ROLE_INTEREST };

struct hit {
	const struct mg_program	 *b;
	const struct mg_normtext *view;
	size_t			  start, end;
	enum role		  role;
};

/* The sentence of a mention, in FLAT views: the words before the mention,
 * after it, and the whole sentence. */
struct sentence {
	struct mg_normtext	*before, *after, *whole;
	char			*copies[3];
	size_t			 clause;	/* start of B's clause in before */
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

static const struct mg_patlist *
list(const struct mg_check_ctx *ctx, const char *name)
{
	return mg_filters_get(ctx->filters, name);
}

static int
matches(const struct mg_check_ctx *ctx, const char *name, const char *s)
{
	const struct mg_patlist	*pl = list(ctx, name);

	return pl != NULL && mg_patlist_match_str(pl, s);
}

/* Words of s[from, to); a possessive "'s" or "'" just after B is not
 * one. */
static size_t
words(const char *s, size_t from, size_t to)
{
	size_t	n = 0;
	int	in = 0;

	if (from < to && s[from] == '\'')
		from += from + 1 < to && s[from + 1] == 's' ? 2 : 1;
	for (size_t i = from; i < to; i++) {
		if (s[i] == ' ')
			in = 0;
		else if (!in) {
			in = 1;
			n++;
		}
	}
	return n;
}

/* Is s[from, to) a short gap with no clause break? -1 out of memory. */
static int
gap_ok(const struct mg_check_ctx *ctx, const char *s, size_t from, size_t to,
    size_t max_words)
{
	char	*gap;
	int	 ok;

	if (to < from || words(s, from, to) > max_words)
		return 0;
	if ((gap = mg_strndup(s + from, to - from)) == NULL)
		return -1;
	ok = !matches(ctx, "wrong-program.break", gap);
	free(gap);
	return ok;
}

/* Removes from the FLAT string s the short asides between commas, so that
 * "B is, without a doubt, my top choice" reads "B is my top choice".  An
 * aside with a clause break in it (", where I rotated,") stays.  -1 when
 * out of memory. */
static int
strip_asides(const struct mg_check_ctx *ctx, char *s)
{
	char	*c = s, *d, *aside;
	int	 brk;

	while ((c = strchr(c, ',')) != NULL && (d = strchr(c + 1, ',')) != NULL) {
		if (words(c, 1, (size_t)(d - c)) > MAX_ASIDE) {
			c = d;
			continue;
		}
		if ((aside = mg_strndup(c + 1, (size_t)(d - c - 1))) == NULL)
			return -1;
		brk = matches(ctx, "wrong-program.break", aside);
		free(aside);
		if (brk) {
			c = d;
			continue;
		}
		memmove(c, d + 1, strlen(d + 1) + 1);
		if (c > s && c[-1] == ' ' && c[0] == ' ')
			memmove(c, c + 1, strlen(c + 1) + 1);
	}
	return 0;
}

/* The FLAT view of orig[from, to), without asides when `asides`. */
static struct mg_normtext *
flat_of(const struct mg_check_ctx *ctx, struct sentence *st, int i,
    const char *orig, size_t from, size_t to, int asides)
{
	struct mg_normtext	*nt;
	char			*flat;

	if ((st->copies[i] = mg_strndup(orig + from, to - from)) == NULL ||
	    (nt = mg_normtext_new(st->copies[i], MG_NORM_FLAT)) == NULL)
		return NULL;
	if (!asides)
		return nt;
	/* The view of the text without its asides replaces the copy. */
	flat = strdup(nt->s);
	mg_normtext_free(nt);
	free(st->copies[i]);
	st->copies[i] = flat;
	if (flat == NULL || strip_asides(ctx, flat) == -1)
		return NULL;
	return mg_normtext_new(flat, MG_NORM_FLAT);
}

static void
sentence_clear(struct sentence *st)
{
	mg_normtext_free(st->before);
	mg_normtext_free(st->after);
	mg_normtext_free(st->whole);
	for (int i = 0; i < 3; i++)
		free(st->copies[i]);
	memset(st, 0, sizeof(*st));
}

static int
sentence_of(const struct mg_check_ctx *ctx, const struct mg_normtext *view,
    size_t s, size_t e, struct sentence *st)
{
	const struct mg_patlist	*brk = list(ctx, "wrong-program.break");
	size_t			 os = view->map[s], oe = view->map[e], a, z;
	size_t			 from = 0, ms, me;

	memset(st, 0, sizeof(*st));
	mg_sentence_bounds(view->orig, view->orig_len, os, oe, &a, &z);
	if ((st->before = flat_of(ctx, st, 0, view->orig, a, os, 1)) == NULL ||
	    (st->after = flat_of(ctx, st, 1, view->orig, oe, z, 1)) == NULL ||
	    (st->whole = flat_of(ctx, st, 2, view->orig, a, z, 0)) == NULL)
		return -1;
	while (brk != NULL && mg_patlist_find(brk, NULL, st->before, from,
	    &ms, &me)) {
		st->clause = me;
		from = me > ms ? me : ms + 1;
	}
	return 0;
}

/* Has B's clause (before B, and the gap after it up to `to`) the
 * applicant's own past activity?  -1 when out of memory. */
static int
clause_experience(const struct mg_check_ctx *ctx, const struct sentence *st,
    size_t to)
{
	const char	*b = st->before->s + st->clause, *g = st->after->s;
	size_t		 nb = strlen(b);
	char		*c;
	int		 yes;

	if ((c = malloc(nb + to + 2)) == NULL)
		return -1;
	memcpy(c, b, nb);
	c[nb] = ' ';
	memcpy(c + nb + 1, g, to);
	c[nb + 1 + to] = '\0';
	yes = matches(ctx, "wrong-program.experience", c);
	free(c);
	return yes;
}

/* Does a cue of list `name`, before B, govern it?  With `clause`, only
 * when B's clause has no past activity.  1, 0, or -1 (out of memory). */
static int
cue_before(const struct mg_check_ctx *ctx, const struct sentence *st,
    const char *name, size_t max_words, int clause)
{
	const struct mg_patlist	*pl = list(ctx, name);
	const struct mg_normtext *nt = st->before;
	size_t			 from = 0, ms, me;
	int			 rc;

	while (pl != NULL && mg_patlist_find(pl, NULL, nt, from, &ms, &me)) {
		from = ms + 1;
		if ((rc = gap_ok(ctx, nt->s, me, nt->len, max_words)) != 0) {
			if (rc == -1 || !clause)
				return rc;
			return (rc = clause_experience(ctx, st, 0)) == -1 ? -1 :
			    !rc;
		}
	}
	return 0;
}

/* The same, for a cue after B. */
static int
cue_after(const struct mg_check_ctx *ctx, const struct sentence *st,
    const char *name, size_t max_words, int clause)
{
	const struct mg_patlist	*pl = list(ctx, name);
	const struct mg_normtext *nt = st->after;
	size_t			 from = 0, ms, me;
	int			 rc;

	while (pl != NULL && mg_patlist_find(pl, NULL, nt, from, &ms, &me) &&
	    words(nt->s, 0, ms) <= max_words) {
		from = ms + 1;
		if ((rc = gap_ok(ctx, nt->s, 0, ms, max_words)) != 0) {
			if (rc == -1 || !clause)
				return rc;
			return (rc = clause_experience(ctx, st, ms)) == -1 ? -1 :
			    !rc;
		}
	}
	return 0;
}

/* Does a cue of before_list (before B) or of after_list (after B)
 * govern B?  1, 0, or -1 (out of memory). */
static int
governed(const struct mg_check_ctx *ctx, const struct sentence *st,
    const char *before_list, const char *after_list, size_t before_words,
    size_t after_words, int clause)
{
	int	rc = cue_before(ctx, st, before_list, before_words, clause);

	return rc != 0 ? rc : cue_after(ctx, st, after_list, after_words,
	    clause);
}

/* The frames of a sentence, in order: an event ("the B symposium"),
 * interest, then praise unless B is compared ("than B") or the sentence
 * tells of past activity.  -1 when out of memory. */
static int
judge(const struct mg_check_ctx *ctx, const struct sentence *st,
    enum role *role)
{
	int	rc, past, compared;

	*role = ROLE_EXPERIENCE;
	if (matches(ctx, "wrong-program.event_after", st->after->s))
		return 0;
	if ((rc = governed(ctx, st, "wrong-program.interest",
	    "wrong-program.interest_after", GAP_BEFORE, GAP_AFTER, 1)) != 0) {
		*role = ROLE_INTEREST;
		return rc == -1 ? -1 : 0;
	}
	past = matches(ctx, "wrong-program.experience", st->whole->s);
	if ((compared = governed(ctx, st, "wrong-program.contrast",
	    "wrong-program.contrast", GAP_CONTRAST, GAP_CONTRAST, 0)) == -1)
		return -1;
	if (!past && !compared) {
		if ((rc = governed(ctx, st, "wrong-program.praise",
		    "wrong-program.praise_after", GAP_BEFORE, GAP_AFTER,
		    1)) == -1)
			return -1;
		if (rc == 1) {
			*role = ROLE_INTEREST;
			return 0;
		}
	}
	*role = past ? ROLE_EXPERIENCE : ROLE_NEUTRAL;
	return 0;
}

static int
role_of(const struct mg_check_ctx *ctx, const struct mg_normtext *view,
    size_t s, size_t e, enum role *role)
{
	struct sentence	st;
	int		rc = -1;

	if (sentence_of(ctx, view, s, e, &st) == 0)
		rc = judge(ctx, &st, role);
	sentence_clear(&st);
	return rc;
}

/* The mentions of b that count against a letter to a: keeps in *best the
 * one of the highest role.  -1 when out of memory. */
static int
scan_program(const struct mg_check_ctx *ctx, const struct mg_program *a,
    const struct mg_program *b, struct hit *best)
{
	const struct mg_normtext *views[2] = { ctx->subject_key, ctx->text_key };
	const char		 *keys[MAX_NAMES];
	size_t			  n = program_keys(b, keys), judged = 0;

	for (size_t v = 0; v < 2; v++)
		for (size_t i = 0; i < n; i++) {
			size_t	from = 0, s, e;

			while (best->role < ROLE_INTEREST &&
			    judged < MAX_MENTIONS &&
			    mg_key_find(views[v], keys[i], from, &s, &e)) {
				enum role	role;

				from = s + 1;
				if (inside_mention(views[v], s, e, a))
					continue;
				judged++;
				if (role_of(ctx, views[v], s, e, &role) == -1)
					return -1;
				if (role > best->role)
					*best = (struct hit){ b, views[v], s, e,
					    role };
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
add_finding(const struct mg_check_ctx *ctx, const struct mg_program *a,
    const struct hit *h, const char *said, const char *quote,
    struct mg_findings *out)
{
	const struct mg_normtext *view;
	size_t			  s, e;

	if (h->role == ROLE_INTEREST)
		return mg_rule_finding(out, MG_SEV_HOLD, quote,
		    "This sentence speaks of \"%s\" (%s) as a program you want "
		    "or admire, but the letter goes to %s: change it to %s or "
		    "remove it.", said, h->b->name, a->name, a->name);
	if (mg_mentions_program(ctx, a, 1, &view, &s, &e))
		return mg_rule_finding(out, MG_SEV_WARN, quote,
		    "This message to %s also names \"%s\" (%s); make sure that "
		    "is meant and not left over from another letter.", a->name,
		    said, h->b->name);
	return mg_rule_finding(out, MG_SEV_HOLD, quote,
	    "This message goes to %s but names \"%s\" (%s) and never %s; it "
	    "looks copied from another letter: put the right program's name "
	    "in.", a->name, said, h->b->name, a->name);
}

/* One finding for the letter to a, quoting the sentence of h. */
static int
report(const struct mg_check_ctx *ctx, const struct mg_program *a,
    const struct hit *h, struct mg_findings *out)
{
	const struct mg_normtext *nt = h->view;
	size_t			  os = nt->map[h->start], oe = nt->map[h->end];
	size_t			  sa, sz;
	char			 *quote, *said;
	int			  rc = -1;

	mg_sentence_bounds(nt->orig, nt->orig_len, os, oe, &sa, &sz);
	quote = mg_sentence_quote(nt->orig, sa, sz, os, oe, 300);
	said = mg_span_orig(nt, h->start, h->end);
	if (quote != NULL && said != NULL)
		rc = add_finding(ctx, a, h, said, quote, out);
	free(quote);
	free(said);
	return rc;
}

static int
check_one(const struct mg_check_ctx *ctx, const struct mg_program *a,
    struct mg_findings *out)
{
	const struct mg_directory *dir = &ctx->cfg->dir;
	struct hit		   best = { NULL, NULL, 0, 0, ROLE_EXPERIENCE };

	for (size_t i = 0; i < dir->n && best.role < ROLE_INTEREST; i++) {
		const struct mg_program	*b = &dir->programs[i];

		if (b == a || is_recipient(ctx, b) || (a->institution[0] &&
		    strcmp(a->keys.institution, b->keys.institution) == 0))
			continue;
		if (scan_program(ctx, a, b, &best) == -1)
			return -1;
	}
	return best.b == NULL ? 0 : report(ctx, a, &best, out);
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
	    "programs in your directory in a letter to one program, and "
	    "reads the sentence of each.  When the sentence makes the other "
	    "program the one you want or praise (\"I am drawn to ...\", "
	    "\"... is my top choice\", \"...'s strong curriculum\"), the "
	    "letter is held.  When it is where you did an elective, a "
	    "rotation or research, met someone, or where your mentor works, "
	    "it is not reported.  Any other mention is held when the letter "
	    "never names its own program, and a warning when it does.  A "
	    "program of the same institution does not count.  The cue "
	    "words are in filters/wrong-program.conf.",
	.why = "Praising program B in a letter to program A is the classic "
	    "copy-and-paste mistake, and it tells A that it is one of "
	    "many letters.",
	.settings = NULL,
	.lists = lists,
	.check = check,
};
