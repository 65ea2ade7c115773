/*
 * policy.c - run the rules over one message.
 */
#include "config_auto.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matchguard/classify.h"
#include "matchguard/policy.h"

extern const struct mg_rule mg_rule_ambiguous, mg_rule_placeholder,
    mg_rule_mass_recipients, mg_rule_wrong_program, mg_rule_missing_attachment,
    mg_rule_ranking_question, mg_rule_bargaining, mg_rule_letter_of_intent,
    mg_rule_frequency, mg_rule_follow_up, mg_rule_season_cap,
    mg_rule_vague_praise;

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
	NULL
};

#define MAX_LISTS	128

const char *const *
mg_policy_filter_lists(void)
{
	static const char	*lists[MAX_LISTS + 1];
	static size_t		 n;

	if (n > 0)
		return lists;
	for (const char *const *c = mg_classify_lists; *c && n < MAX_LISTS; c++)
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

static void
free_ctx(struct mg_check_ctx *ctx)
{
	mg_normtext_free(ctx->subject_flat);
	mg_normtext_free(ctx->subject_key);
	mg_normtext_free(ctx->text_flat);
	mg_normtext_free(ctx->text_key);
	mg_strlist_clear(&ctx->ambiguous);
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
	int			 rc = -1;

	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = cfg;
	ctx.filters = filters;
	ctx.ledger = ledger;
	ctx.now = now;
	ctx.msg = msg;
	*verdict = MG_PASS;
	*msg_class = "other";
	if (resolve_recipients(&ctx, err, errlen) == -1 ||
	    answers_program(&ctx, err, errlen) == -1)
		goto out;
	if (make_views(&ctx, &text) == -1) {
		mg_seterr(err, errlen, "out of memory");
		goto out;
	}
	ctx.msg_class = mg_classify(filters, ctx.subject_flat, ctx.text_flat,
	    ctx.answers_program);
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
	const char		 *names[66];
	size_t			  n = 0;

	names[n++] = p->name;
	for (size_t i = 0; i < p->aliases.n && n < 64; i++)
		names[n++] = p->aliases.v[i];
	if (with_institution && p->institution[0] != '\0')
		names[n++] = p->institution;
	for (size_t v = 0; v < 2; v++)
		for (size_t i = 0; i < n; i++) {
			char	*key = mg_name_key(names[i]);
			int	 hit;

			if (key == NULL)
				return 0;
			hit = mg_key_find(views[v], key, 0, start, end);
			free(key);
			if (hit) {
				*view = views[v];
				return 1;
			}
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
