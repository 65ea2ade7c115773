/*
 * policy.c - run the rules over one message.
 */
#include "config_auto.h"

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matchguard/classify.h"
#include "matchguard/json.h"
#include "matchguard/policy.h"

extern const struct mg_rule mg_rule_ambiguous, mg_rule_placeholder,
    mg_rule_mass_recipients, mg_rule_wrong_program, mg_rule_missing_attachment,
    mg_rule_ranking_question, mg_rule_bargaining, mg_rule_letter_of_intent,
    mg_rule_frequency, mg_rule_follow_up, mg_rule_season_cap,
    mg_rule_vague_praise, mg_rule_generic_template, mg_rule_greeting_name,
    mg_rule_thank_you_late, mg_rule_intent_timing, mg_rule_repeat_status,
    mg_rule_length;

const struct mg_rule *const mg_rules[] = {
	&mg_rule_ambiguous,
	&mg_rule_placeholder,
	&mg_rule_mass_recipients,
	&mg_rule_wrong_program,
	&mg_rule_missing_attachment,
	&mg_rule_ranking_question,
	&mg_rule_bargaining,
	&mg_rule_letter_of_intent,
	&mg_rule_frequency,
	&mg_rule_follow_up,
	&mg_rule_season_cap,
	&mg_rule_vague_praise,
	&mg_rule_generic_template,
	&mg_rule_greeting_name,
	&mg_rule_thank_you_late,
	&mg_rule_intent_timing,
	&mg_rule_repeat_status,
	&mg_rule_length,
	NULL
};

const struct mg_rule *
mg_rule_find(const char *id)
{
	for (size_t r = 0; mg_rules[r] != NULL; r++)
		if (strcmp(mg_rules[r]->id, id) == 0)
			return mg_rules[r];
	return NULL;
}

#define MAX_LISTS	256

const char *const *
mg_policy_filter_lists(void)
{
	static const char	*lists[MAX_LISTS + 1];
	static size_t		 n;

	if (n > 0)
		return lists;
	for (const char *const *c = mg_classify_lists; *c && n < MAX_LISTS; c++)
		lists[n++] = *c;
	for (const char *const *c = mg_frames_lists; *c && n < MAX_LISTS; c++)
		lists[n++] = *c;
	for (size_t r = 0; mg_rules[r] != NULL; r++)
		for (const char *const *l = mg_rules[r]->lists; l != NULL &&
		    *l != NULL && n < MAX_LISTS; l++)
			lists[n++] = *l;
	lists[n] = NULL;
	return lists;
}

int
mg_policy_validate(const struct mg_config *cfg, char *err, size_t errlen)
{
	for (size_t i = 0; i < cfg->policy.n_rules; i++) {
		const struct mg_rule_setting	*rs = &cfg->policy.rules[i];
		size_t				 r;

		for (r = 0; mg_rules[r] != NULL; r++)
			if (strcmp(mg_rules[r]->id, rs->rule) == 0)
				break;
		if (mg_rules[r] == NULL) {
			mg_seterr(err, errlen, "%s:%d: policy.rules.%s: no rule "
			    "has this name (see `matchguard help rules`)",
			    cfg->path, rs->line, rs->rule);
			return -1;
		}
	}
	return 0;
}

int
mg_findings_add(struct mg_findings *f, const char *rule, enum mg_severity sev,
    const char *evidence, const char *fmt, ...)
{
	struct mg_finding	*fi;
	va_list			 ap;
	char			 buf[1024];

	if (f->n == f->cap) {
		size_t			 ncap = f->cap ? f->cap * 2 : 8;
		struct mg_finding	*nv = realloc(f->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		f->v = nv;
		f->cap = ncap;
	}
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fi = &f->v[f->n];
	fi->rule = rule;
	fi->sev = sev;
	fi->message = strdup(buf);
	fi->evidence = strdup(evidence != NULL ? evidence : "");
	if (fi->message == NULL || fi->evidence == NULL) {
		free(fi->message);
		free(fi->evidence);
		return -1;
	}
	f->n++;
	return 0;
}

void
mg_findings_clear(struct mg_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].message);
		free(f->v[i].evidence);
	}
	free(f->v);
	f->v = NULL;
	f->n = f->cap = 0;
}

const char *
mg_verdict_name(enum mg_verdict v)
{
	return v == MG_HOLD ? "hold" : v == MG_WARN ? "warn" : "pass";
}

void
mg_day_str(long day, char buf[16])
{
	mg_format_day(day, buf, 16);
}

long
mg_days_between(time_t a, time_t b)
{
	return b > a ? (long)((b - a) / 86400) : 0;
}

static int
add_program(struct mg_check_ctx *ctx, const struct mg_program *p)
{
	const struct mg_program	**nv;

	for (size_t i = 0; i < ctx->n_programs; i++)
		if (ctx->programs[i] == p)
			return 0;
	nv = realloc(ctx->programs, (ctx->n_programs + 1) * sizeof(*nv));
	if (nv == NULL)
		return -1;
	ctx->programs = nv;
	ctx->programs[ctx->n_programs++] = p;
	return 0;
}

static int
resolve_recipients(struct mg_check_ctx *ctx, char *err, size_t errlen)
{
	struct mg_strlist	 rcpts = { 0 };
	int			 rc = -1;

	if (mg_message_recipients(ctx->msg, &rcpts) == -1)
		goto nomem;
	for (size_t i = 0; i < rcpts.n && i < MG_POLICY_MAX_RCPTS; i++) {
		const struct mg_program	*p, *other;

		if (mg_strlist_has_ci(&ctx->cfg->addresses, rcpts.v[i]))
			continue;	/* a copy to oneself */
		switch (mg_directory_lookup(&ctx->cfg->dir, rcpts.v[i], &p,
		    &other)) {
		case MG_LOOKUP_FOUND:
			if (add_program(ctx, p) == -1)
				goto nomem;
			break;
		case MG_LOOKUP_AMBIGUOUS:
			if (mg_strlist_add(&ctx->ambiguous, rcpts.v[i]) == -1)
				goto nomem;
			break;
		case MG_LOOKUP_NONE:
			break;
		}
	}
	rc = 0;
	goto out;
nomem:
	mg_seterr(err, errlen, "out of memory");
out:
	mg_strlist_clear(&rcpts);
	return rc;
}

static int
answers_program(struct mg_check_ctx *ctx, char *err, size_t errlen)
{
	const struct mg_strlist	*lists[2] = { &ctx->msg->in_reply_to,
	    &ctx->msg->references };

	for (size_t l = 0; l < 2; l++)
		for (size_t i = 0; i < lists[l]->n; i++) {
			int	sent;

			if (mg_ledger_is_sent_id(ctx->ledger, lists[l]->v[i],
			    &sent, err, errlen) == -1)
				return -1;
			if (!sent) {
				ctx->answers_program = 1;
				return 0;
			}
		}
	return 0;
}

static int
make_views(struct mg_check_ctx *ctx, char **text_copy)
{
	const char	*t = ctx->msg->new_text != NULL ? ctx->msg->new_text : "";
	size_t		 len = strlen(t);

	if (len > MG_POLICY_MAX_TEXT) {
		len = MG_POLICY_MAX_TEXT;
		while (len > 0 && ((unsigned char)t[len] & 0xC0) == 0x80)
			len--;
	}
	if ((*text_copy = mg_strndup(t, len)) == NULL)
		return -1;
	ctx->subject_flat = mg_normtext_new(ctx->msg->subject ?
	    ctx->msg->subject : "", MG_NORM_FLAT);
	ctx->subject_key = mg_normtext_new(ctx->msg->subject ?
	    ctx->msg->subject : "", MG_NORM_KEY);
	ctx->text_flat = mg_normtext_new(*text_copy, MG_NORM_FLAT);
	ctx->text_key = mg_normtext_new(*text_copy, MG_NORM_KEY);
	if (ctx->subject_flat == NULL || ctx->subject_key == NULL ||
	    ctx->text_flat == NULL || ctx->text_key == NULL)
		return -1;
	return 0;
}

static struct mg_frames_doc *
policy_frames(const struct mg_check_ctx *ctx)
{
	struct mg_frames_input	in = {
		ctx->subject_flat, ctx->subject_key, ctx->text_flat,
		ctx->text_key, ctx->programs, ctx->n_programs, &ctx->cfg->dir,
		0	/* the whole new text */
	};

	return mg_frames_doc_new(mg_filters_frames(ctx->filters), &in);
}

/* Does the letter go to a program before its interview? */
static int
before_interview(const struct mg_check_ctx *ctx)
{
	long	today = mg_time_to_day(ctx->now);

	for (size_t i = 0; i < ctx->n_programs; i++)
		if (ctx->programs[i]->has_interview &&
		    today < ctx->programs[i]->interview_day)
			return 1;
	return 0;
}

static void
free_ctx(struct mg_check_ctx *ctx)
{
	mg_normtext_free(ctx->subject_flat);
	mg_normtext_free(ctx->subject_key);
	mg_normtext_free(ctx->text_flat);
	mg_normtext_free(ctx->text_key);
	mg_frames_doc_free(ctx->frames);
	mg_strlist_clear(&ctx->ambiguous);
}

/*
 * The greeting: the first line of the new text, when it starts with a
 * salutation ("Dear", "Hi", ...).  What follows, up to a comma, colon or
 * the end of the line, is split at "and" and "&" into names; a leading
 * title ("Dr.") is kept apart; a part that is no one's name ("Program
 * Director", "Selection Committee") or names a program is dropped.
 */
#define GREETING_MAX_LINE	200

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
greeting_part(const struct mg_check_ctx *ctx, char *part,
    struct mg_greeting_name *out)
{
	const struct mg_patlist	*titles = mg_filters_get(ctx->filters,
	    "greeting.titles");
	const struct mg_patlist	*not_names = mg_filters_get(ctx->filters,
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
	    names_a_program(ctx->cfg, p))
		return 0;
	snprintf(out->name, sizeof(out->name), "%s", p);
	return 1;
}

/* Splits the addressees at " and ", " & " and "/". */
static void
greeting_names(struct mg_check_ctx *ctx, char *who)
{
	struct mg_greeting	*g = &ctx->greeting;

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
		if (greeting_part(ctx, who, &g->names[g->n_names]))
			g->n_names++;
		if (cut == NULL)
			break;
		who = cut + skip;
	}
}

static int
find_greeting(struct mg_check_ctx *ctx)
{
	const struct mg_patlist	*pl = mg_filters_get(ctx->filters,
	    "greeting.salutations");
	const char		*t = ctx->text_flat->orig, *eol;
	struct mg_normtext	*line;
	char			*one, *who;
	size_t			 start, end;

	while (*t == ' ' || *t == '\t' || *t == '\r' || *t == '\n')
		t++;
	eol = t + strcspn(t, "\n");
	if (pl == NULL || eol == t || eol - t > GREETING_MAX_LINE)
		return 0;
	if ((one = mg_strndup(t, (size_t)(eol - t))) == NULL)
		return -1;
	if ((line = mg_normtext_new(one, MG_NORM_FLAT)) == NULL) {
		free(one);
		return -1;
	}
	if (mg_patlist_find(pl, NULL, line, 0, &start, &end) && start == 0) {
		ctx->greeting.found = 1;
		ctx->greeting.end = (size_t)(eol - ctx->text_flat->orig);
		snprintf(ctx->greeting.line, sizeof(ctx->greeting.line), "%s",
		    line->s);
		/* The addressees, in the FLAT view (diacritics removed are
		 * put back below from the original). */
		if ((who = mg_span_orig(line, end, line->len)) == NULL) {
			mg_normtext_free(line);
			free(one);
			return -1;
		}
		if (who[0] != ',' && who[0] != ':') {
			who[strcspn(who, ",:;!?()")] = '\0';
			greeting_names(ctx, who);
		}
		free(who);
	}
	mg_normtext_free(line);
	free(one);
	return 0;
}

/* Runs one rule and applies the user's severity to what it found. */
static int
run_rule(const struct mg_check_ctx *ctx, const struct mg_rule *r,
    struct mg_findings *out, char *err, size_t errlen)
{
	enum mg_severity	sev = mg_config_rule_severity(ctx->cfg, r->id,
	    r->severity);
	size_t			first = out->n;

	if (sev == MG_SEV_OFF)
		return 0;
	if (r->check(ctx, out, err, errlen) == -1)
		return -1;
	if (sev == r->severity)
		return 0;
	for (size_t i = first; i < out->n; i++)
		if (out->v[i].sev >= MG_SEV_WARN)
			out->v[i].sev = sev;
	return 0;
}

int
mg_policy_check(const struct mg_config *cfg, const struct mg_filters *filters,
    struct mg_ledger *ledger, const struct mg_message *msg, time_t now,
    struct mg_findings *out, enum mg_verdict *verdict, const char **msg_class,
    const struct mg_program ***programs, size_t *n_programs,
    char *err, size_t errlen)
{
	struct mg_check_ctx	 ctx;
	char			*text = NULL;
	enum mg_severity	 worst = MG_SEV_OFF;
	int			 rc = -1, began = 0;

	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = cfg;
	ctx.filters = filters;
	ctx.ledger = ledger;
	ctx.now = now;
	ctx.history_end = now + 1;
	ctx.msg = msg;
	*verdict = MG_PASS;
	*msg_class = "other";
	if (mg_ledger_read_begin(ledger, &began, err, errlen) == -1)
		goto out;
	if (resolve_recipients(&ctx, err, errlen) == -1 ||
	    answers_program(&ctx, err, errlen) == -1)
		goto out;
	if (make_views(&ctx, &text) == -1) {
		mg_seterr(err, errlen, "out of memory");
		goto out;
	}
	if ((ctx.frames = policy_frames(&ctx)) == NULL) {
		mg_seterr(err, errlen, "out of memory");
		goto out;
	}
	ctx.msg_class = mg_classify(filters, ctx.frames, ctx.subject_flat,
	    ctx.text_flat, ctx.answers_program, before_interview(&ctx));
	if (find_greeting(&ctx) == -1) {
		mg_seterr(err, errlen, "out of memory");
		goto out;
	}
	*msg_class = ctx.msg_class;
	/* Mail to nobody in the directory passes with no findings; with no
	 * findings list, the caller wants only the class and programs. */
	if (out != NULL && (ctx.n_programs > 0 || ctx.ambiguous.n > 0))
		for (size_t r = 0; mg_rules[r] != NULL; r++)
			if (run_rule(&ctx, mg_rules[r], out, err, errlen) == -1)
				goto out;
	for (size_t i = 0; out != NULL && i < out->n; i++)
		if (out->v[i].sev > worst)
			worst = out->v[i].sev;
	*verdict = worst == MG_SEV_HOLD ? MG_HOLD : worst == MG_SEV_WARN ?
	    MG_WARN : MG_PASS;
	rc = 0;
out:
	mg_ledger_read_end(ledger, began);
	if (rc == 0 && programs != NULL) {
		*programs = ctx.programs;
		*n_programs = ctx.n_programs;
	} else
		free(ctx.programs);
	free_ctx(&ctx);
	free(text);
	return rc;
}

int
mg_mentions_program(const struct mg_check_ctx *ctx, const struct mg_program *p,
    int with_institution, const struct mg_normtext **view, size_t *start,
    size_t *end)
{
	const struct mg_normtext *views[2] = { ctx->subject_key, ctx->text_key };
	const char		 *keys[66];
	size_t			  n = 0;

	keys[n++] = p->keys.name;
	for (size_t i = 0; i < p->keys.aliases.n && n < 64; i++)
		keys[n++] = p->keys.aliases.v[i];
	if (with_institution && p->institution[0] != '\0')
		keys[n++] = p->keys.institution;
	for (size_t v = 0; v < 2; v++)
		for (size_t i = 0; i < n; i++)
			if (mg_key_find(views[v], keys[i], 0, start, end)) {
				*view = views[v];
				return 1;
			}
	return 0;
}

int
mg_find_phrase(const struct mg_check_ctx *ctx, const char *list,
    const char *except, int subject_too, char **quote)
{
	const struct mg_patlist	*pl = mg_filters_get(ctx->filters, list);
	const struct mg_patlist	*ex = except != NULL ?
	    mg_filters_get(ctx->filters, except) : NULL;
	const struct mg_normtext *views[2] = { ctx->text_flat, ctx->subject_flat };
	size_t			 start, end;

	*quote = NULL;
	if (pl == NULL)
		return 0;
	for (size_t v = 0; v < (subject_too ? 2u : 1u); v++)
		if (mg_patlist_find(pl, ex, views[v], 0, &start, &end)) {
			*quote = mg_quote(views[v], start, end, 160);
			return *quote != NULL;
		}
	return 0;
}

int
mg_phrase_finding(const struct mg_check_ctx *ctx, struct mg_findings *out,
    const char *rule, enum mg_severity sev, const char *list,
    const char *except, int subject_too, const char *message,
    char *err, size_t errlen)
{
	char	*quote;
	int	 rc = 0;

	if (!mg_find_phrase(ctx, list, except, subject_too, &quote))
		return 0;
	if (mg_findings_add(out, rule, sev, quote, "%s", message) == -1) {
		mg_seterr(err, errlen, "out of memory");
		rc = -1;
	}
	free(quote);
	return rc;
}

const char *
mg_program_name(const struct mg_config *cfg, const char *id)
{
	const struct mg_program	*p = mg_directory_find_id(&cfg->dir, id);

	return p != NULL ? p->name : id;
}

/* Is key found in the subject, or in the text after the greeting line? */
static int
key_after_greeting(const struct mg_check_ctx *ctx, const char *key)
{
	size_t	from = 0, start, end;
	int	yes = 0;

	if (mg_key_find(ctx->subject_key, key, 0, &start, &end))
		yes = 1;
	while (!yes && mg_key_find(ctx->text_key, key, from, &start, &end)) {
		yes = !ctx->greeting.found ||
		    ctx->text_key->map[start] >= ctx->greeting.end;
		from = start + 1;
	}
	return yes;
}

int
mg_program_specific(const struct mg_check_ctx *ctx, const struct mg_program *p,
    const char **what)
{
	for (size_t i = 0; i < p->features.n; i++)
		if (key_after_greeting(ctx, p->keys.features.v[i])) {
			*what = p->features.v[i];
			return 1;
		}
	for (size_t i = 0; i < p->tracks.n; i++)
		if (key_after_greeting(ctx, p->keys.tracks.v[i])) {
			*what = p->tracks.v[i];
			return 1;
		}
	/* A contact by surname: "Dr. Marchetti's work on ...". */
	for (size_t i = 0; i < p->n_contacts; i++)
		if (key_after_greeting(ctx, p->keys.surnames.v[i])) {
			*what = p->contacts[i].name;
			return 1;
		}
	return 0;
}

/*
 * The words of program names that tell one program from another: those
 * in the names of one program, or of at most a third of them.  "Genetics"
 * and "Residency" are in every name and stay; "Harborview" goes.
 */
/* The KEY words of p's name, institution and aliases: " w1 w2 ... ". */
static char *
program_words(const struct mg_program *p)
{
	struct mg_buf	 b = { 0 };

	mg_buf_puts(&b, " ");
	for (size_t a = 0; a < p->aliases.n + 2; a++) {
		const char	*name = a == 0 ? p->name : a == 1 ?
		    p->institution : p->aliases.v[a - 2];
		char		*k = mg_name_key(name);

		if (k == NULL) {
			mg_buf_free(&b);
			return NULL;
		}
		mg_buf_puts(&b, k + (k[0] == ' '));
		free(k);
	}
	if (b.failed) {
		mg_buf_free(&b);
		return NULL;
	}
	return b.s;
}

/*
 * The words of program names that tell one program from another: those
 * in the names of one program only, or of at most a third of them.
 * "Genetics" and "Residency" are in every name and stay; "Harborview"
 * is masked.  Words under four letters stay.
 */
static int
add_program_words(struct mg_textmask *m, const struct mg_directory *dir)
{
	char	**words = calloc(dir->n + 1, sizeof(*words));
	int	  rc = 0;

	if (words == NULL)
		return -1;
	for (size_t i = 0; i < dir->n && rc == 0; i++)
		if ((words[i] = program_words(&dir->programs[i])) == NULL)
			rc = -1;
	for (size_t i = 0; i < dir->n && rc == 0; i++)
		for (char *w = words[i] + 1; *w != '\0' && rc == 0;) {
			size_t	len = strcspn(w, " "), count = 0;
			char	pad[128];

			if (len >= 4 && len + 3 <= sizeof(pad)) {
				snprintf(pad, sizeof(pad), " %.*s ", (int)len, w);
				for (size_t j = 0; j < dir->n; j++)
					count += strstr(words[j], pad) != NULL;
				if (count == 1 || count * 3 <= dir->n)
					rc = mg_textmask_add_words(m, pad);
			}
			w += len;
			w += *w == ' ';
		}
	for (size_t i = 0; i < dir->n; i++)
		free(words[i]);
	free(words);
	return rc;
}

static struct mg_textmask *
policy_textmask(const struct mg_config *cfg)
{
	struct mg_textmask	*m = mg_textmask_new();
	int			 rc = 0;

	if (m == NULL)
		return NULL;
	if (cfg->name != NULL)
		rc |= mg_textmask_add_phrase(m, cfg->name) |
		    mg_textmask_add_words(m, cfg->name);
	for (size_t i = 0; i < cfg->dir.n && rc == 0; i++) {
		const struct mg_program	*p = &cfg->dir.programs[i];

		rc |= mg_textmask_add_phrase(m, p->name);
		if (p->institution[0] != '\0')
			rc |= mg_textmask_add_phrase(m, p->institution);
		for (size_t a = 0; a < p->aliases.n; a++)
			rc |= mg_textmask_add_phrase(m, p->aliases.v[a]);
		for (size_t c = 0; c < p->n_contacts; c++)
			rc |= mg_textmask_add_phrase(m, p->contacts[c].name) |
			    mg_textmask_add_words(m, p->contacts[c].name);
	}
	if (rc != 0 || add_program_words(m, &cfg->dir) == -1) {
		mg_textmask_free(m);
		return NULL;
	}
	return m;
}

int
mg_policy_prepare(struct mg_config *cfg)
{
	if (cfg->sig_mask == NULL)
		cfg->sig_mask = policy_textmask(cfg);
	return cfg->sig_mask != NULL ? 0 : -1;
}

void
mg_policy_unprepare(struct mg_config *cfg)
{
	mg_textmask_free(cfg->sig_mask);
	cfg->sig_mask = NULL;
}

int
mg_policy_signature(const struct mg_config *cfg, const char *text,
    struct mg_textsig *sig)
{
	struct mg_textmask	*m;
	char			*copy, *masked;
	size_t			 len = strlen(text);

	memset(sig, 0, sizeof(*sig));
	if (len > MG_POLICY_MAX_TEXT) {
		len = MG_POLICY_MAX_TEXT;
		while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
			len--;
	}
	if ((copy = mg_strndup(text, len)) == NULL)
		return -1;
	if ((m = cfg->sig_mask) == NULL && (m = policy_textmask(cfg)) == NULL) {
		free(copy);
		return -1;
	}
	masked = mg_textmask_apply(m, copy, NULL);
	if (m != cfg->sig_mask)
		mg_textmask_free(m);
	free(copy);
	if (masked == NULL)
		return -1;
	(void)mg_textsim_sign(masked, sig);	/* no word: no signature */
	free(masked);
	return 0;
}

size_t
mg_count_words(const char *text)
{
	size_t	n = 0;
	int	in = 0;

	for (const unsigned char *c = (const unsigned char *)text; *c != '\0';
	    c++) {
		/* Any byte of a UTF-8 sequence is part of a word. */
		int	w = isalnum(*c) || *c >= 0x80 || *c == '\'' ||
		    *c == '-';

		if (w && !in)
			n++;
		in = w;
	}
	return n;
}

/* The policy settings `explain` shows. */
enum setting_type { SET_INT, SET_FRACTION, SET_DAY };

static const struct {
	const char		*name;
	enum setting_type	 type;
	size_t			 off;		/* in struct mg_config */
	double			 dflt;
} policy_settings[] = {
#define POL(f)	offsetof(struct mg_config, policy.f)
	{ "min_days_between", SET_INT, POL(min_days_between),
	  MG_DEF_MIN_DAYS_BETWEEN },
	{ "follow_up_after_days", SET_INT, POL(follow_up_after_days),
	  MG_DEF_FOLLOW_UP_AFTER_DAYS },
	{ "season_warn", SET_INT, POL(season_warn), MG_DEF_SEASON_WARN },
	{ "season_max", SET_INT, POL(season_max), MG_DEF_SEASON_MAX },
	{ "template_similarity", SET_FRACTION, POL(template_similarity),
	  MG_DEF_TEMPLATE_SIMILARITY },
	{ "template_min_words", SET_INT, POL(template_min_words),
	  MG_DEF_TEMPLATE_MIN_WORDS },
	{ "thank_you_max_days", SET_INT, POL(thank_you_max_days),
	  MG_DEF_THANK_YOU_MAX_DAYS },
	{ "thank_you_max_words", SET_INT, POL(thank_you_max_words),
	  MG_DEF_THANK_YOU_MAX_WORDS },
	{ "thank_you_max_paragraphs", SET_INT, POL(thank_you_max_paragraphs),
	  MG_DEF_THANK_YOU_MAX_PARAGRAPHS },
	{ "max_words", SET_INT, POL(max_words), MG_DEF_MAX_WORDS },
#undef POL
	{ "season.start", SET_DAY, offsetof(struct mg_config, season_start),
	  -1 },
	{ "season.rol_deadline", SET_DAY, offsetof(struct mg_config,
	  rol_deadline), -1 },
};

int
mg_policy_setting(const struct mg_config *cfg, const char *name, char *value,
    size_t valuelen, char *dflt, size_t dfltlen)
{
	for (size_t i = 0; i < sizeof(policy_settings) /
	    sizeof(policy_settings[0]); i++) {
		const char	*base = (const char *)cfg + policy_settings[i].off;
		double		 d = policy_settings[i].dflt;

		if (strcmp(policy_settings[i].name, name) != 0)
			continue;
		switch (policy_settings[i].type) {
		case SET_INT:
			snprintf(value, valuelen, "%d", *(const int *)(const void *)base);
			snprintf(dflt, dfltlen, "%d", (int)d);
			break;
		case SET_FRACTION:
			snprintf(value, valuelen, "%.2g",
			    *(const double *)(const void *)base);
			snprintf(dflt, dfltlen, "%.2g", d);
			break;
		case SET_DAY:
			mg_format_day(*(const long *)(const void *)base, value,
			    valuelen);
			snprintf(dflt, dfltlen, "%s", strcmp(name,
			    "season.start") == 0 ? "1 June of the ERAS year" :
			    "required");
			break;
		}
		return 0;
	}
	return -1;
}
