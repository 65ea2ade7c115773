/*
 * policy.c - run the rules over one message.
 *
 * The engine builds the check context (recipients, the normalised views
 * of the body, the greeting, the class), runs every rule, then runs the
 * content rules again over every other text part a reader sees whose
 * words are not already in the body, and adds what only they found,
 * naming the part.  Mail to addresses outside the directory gets the
 * wording rules only when it reads as a letter to a program.
 */
#include "config_auto.h"

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matchguard/classify.h"
#include "matchguard/greeting.h"
#include "matchguard/json.h"
#include "matchguard/patlit.h"
#include "matchguard/policy.h"
#include "matchguard/signature.h"
#include "matchguard/reply.h"

extern const struct mg_rule mg_rule_ambiguous, mg_rule_unreadable,
    mg_rule_unknown_program, mg_rule_placeholder,
    mg_rule_mass_recipients, mg_rule_wrong_program, mg_rule_missing_attachment,
    mg_rule_ranking_question, mg_rule_bargaining, mg_rule_letter_of_intent,
    mg_rule_frequency, mg_rule_follow_up, mg_rule_season_cap,
    mg_rule_vague_praise, mg_rule_generic_template, mg_rule_greeting_name,
    mg_rule_thank_you_late, mg_rule_intent_timing, mg_rule_repeat_status,
    mg_rule_length;

const struct mg_rule *const mg_rules[] = {
	&mg_rule_ambiguous,
	&mg_rule_unreadable,
	&mg_rule_unknown_program,
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

/* The engine's own filter lists (the footers of the body views). */
static const char *const engine_lists[] = {
	"disclaimer.notices", "disclaimer.signoffs", NULL
};

const char *const *
mg_policy_filter_lists(void)
{
	static const char	*lists[MAX_LISTS + 1];
	static size_t		 n;

	if (n > 0)
		return lists;
	for (const char *const *c = mg_classify_lists; *c && n < MAX_LISTS; c++)
		lists[n++] = *c;
	for (const char *const *c = engine_lists; *c && n < MAX_LISTS; c++)
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

static int
findings_vadd(struct mg_findings *f, const char *rule, enum mg_severity sev,
    const char *evidence, const char *fmt, va_list ap)
{
	struct mg_finding	*fi;
	char			 buf[1024];

	if (f->n == f->cap) {
		size_t			 ncap = f->cap ? f->cap * 2 : 8;
		struct mg_finding	*nv = realloc(f->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		f->v = nv;
		f->cap = ncap;
	}
	vsnprintf(buf, sizeof(buf), fmt, ap);
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

int
mg_findings_add(struct mg_findings *f, const char *rule, enum mg_severity sev,
    const char *evidence, const char *fmt, ...)
{
	va_list	ap;
	int	rc;

	va_start(ap, fmt);
	rc = findings_vadd(f, rule, sev, evidence, fmt, ap);
	va_end(ap);
	return rc;
}

int
mg_rule_finding(struct mg_findings *f, enum mg_severity sev,
    const char *evidence, const char *fmt, ...)
{
	va_list	ap;
	int	rc;

	va_start(ap, fmt);
	/* run_rule() puts the running rule's id in. */
	rc = findings_vadd(f, NULL, sev, evidence, fmt, ap);
	va_end(ap);
	return rc;
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

/* The recipient programs into ctx; addresses that are no program (and
 * not the applicant's own) into unknown. */
static int
resolve_recipients(struct mg_check_ctx *ctx, struct mg_strlist *unknown,
    char *err, size_t errlen)
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
			if (mg_strlist_add(unknown, rcpts.v[i]) == -1)
				goto nomem;
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

/*
 * The views of one text part: its new text (FLAT and KEY), the same
 * without the sign-off and disclaimer blocks at its end (body_flat), and
 * with its "-- " signature (written_flat).  body_flat is a prefix of the
 * FLAT view, copied, not normalised again.
 */
struct views {
	char			*text;		/* new text, at most MAX_TEXT */
	char			*written;	/* text and signature, or NULL */
	struct mg_normtext	*flat, *key, *body_flat, *written_flat;
	size_t			 body_end;	/* where body_flat ends in text;
						 * 0: it is all of it */
	int			 truncated;	/* the text was longer */
};

#define FOOTER_MAX_LINES	12	/* non-blank lines a sign-off may end */
#define FOOTER_LINE_MAX		100	/* longest line of a signature block */
#define SIGNOFF_MAX		40	/* longest sign-off ("Best regards,") */
#define NOTICE_MAX		16	/* notice matches looked at */
#define NOTICE_TAIL_LINES	12	/* other lines after a notice */
#define NOTICE_END		600	/* bytes at the end that hold a notice */
#define NOTICE_TAIL		3000	/* bytes at the end a notice is read in */


/* A copy of t of at most MG_POLICY_MAX_TEXT bytes, not cutting a UTF-8
 * character; *truncated says whether it was cut. */
static char *
cut_copy(const char *t, int *truncated)
{
	size_t	len = strlen(t);

	*truncated = len > MG_POLICY_MAX_TEXT;
	if (*truncated) {
		len = MG_POLICY_MAX_TEXT;
		while (len > 0 && ((unsigned char)t[len] & 0xC0) == 0x80)
			len--;
	}
	return mg_strndup(t, len);
}

/* Line of t starting at a: its end (at '\n' or the end of t). */
static size_t
line_end(const char *t, size_t len, size_t a)
{
	const char	*nl = memchr(t + a, '\n', len - a);

	return nl != NULL ? (size_t)(nl - t) : len;
}

/* [*s, *s + *n) without blanks at either end. */
static void
trim(const char *t, size_t a, size_t b, const char **s, size_t *n)
{
	while (a < b && isspace((unsigned char)t[a]))
		a++;
	while (b > a && isspace((unsigned char)t[b - 1]))
		b--;
	*s = t + a;
	*n = b - a;
}

static size_t
count_words(const char *s, size_t n)
{
	size_t	words = 0;

	for (size_t i = 0; i < n; i++)
		words += !isspace((unsigned char)s[i]) && (i == 0 ||
		    isspace((unsigned char)s[i - 1]));
	return words;
}

/* Could the trimmed line be part of a signature block: a name, a title,
 * a telephone number?  Not a P.S., not a sentence. */
static int
sig_line(const char *s, size_t n)
{
	if (n == 0)
		return 1;
	if (n > FOOTER_LINE_MAX || strncasecmp(s, "P.S", 3) == 0 ||
	    (n >= 3 && strncasecmp(s, "PS", 2) == 0 && (s[2] == ':' ||
	    s[2] == ' ')))
		return 0;
	return strchr(".!?", s[n - 1]) == NULL || count_words(s, n) <= 3;
}

/* Does some notice match start in [a, b)? */
static int
has_notice(const size_t *hits, size_t n, size_t a, size_t b)
{
	for (size_t i = 0; i < n; i++)
		if (hits[i] >= a && hits[i] < b)
			return 1;
	return 0;
}

/* Start of the paragraph (after a blank line) holding offset o. */
static size_t
para_start(const char *t, size_t o)
{
	size_t	a = o;

	for (;;) {
		size_t	prev;
		const char *s;
		size_t	n;

		while (a > 0 && t[a - 1] != '\n')
			a--;
		if (a == 0)
			return 0;
		prev = a - 1;
		while (prev > 0 && t[prev - 1] != '\n')
			prev--;
		trim(t, prev, a - 1, &s, &n);
		if (n == 0)
			return a;
		a = prev;
	}
}

/* Is everything from a to the end a footer: paragraphs with a notice,
 * and a few signature lines between them? */
static int
footer_from(const char *t, size_t len, size_t a, const size_t *hits,
    size_t n)
{
	size_t	other = 0;

	while (a < len) {
		size_t	b = a, lines = 0;
		int	sig = 1;

		/* One paragraph: lines up to a blank one. */
		for (;;) {
			size_t		 e = line_end(t, len, b);
			const char	*s;
			size_t		 sn;

			trim(t, b, e, &s, &sn);
			if (sn == 0)
				break;
			sig = sig && sig_line(s, sn);
			lines++;
			b = e < len ? e + 1 : len;
			if (b >= len)
				break;
		}
		if (!has_notice(hits, n, a, b)) {
			if (!sig || (other += lines) > NOTICE_TAIL_LINES)
				return 0;
		}
		a = b;
		while (a < len && isspace((unsigned char)t[a]))
			a++;
	}
	return 1;
}

/* The first byte of the FLAT view from the last tail bytes of its text
 * (map only grows). */
static size_t
view_tail(const struct mg_normtext *flat, size_t len, size_t tail)
{
	size_t	from = 0;

	for (size_t hi = flat->len; len > tail && from < hi;) {
		size_t	mid = from + (hi - from) / 2;

		if (flat->map[mid] < len - tail)
			from = mid + 1;
		else
			hi = mid;
	}
	return from;
}

/* Where a confidentiality notice at the end of t begins, or len.  Most
 * letters have none: the last NOTICE_END bytes are looked at first, and
 * only when they hold one, the last NOTICE_TAIL. */
static size_t
notice_cut(const struct mg_filters *f, const char *t, size_t len,
    const struct mg_normtext *flat)
{
	const struct mg_patlist	*pl = mg_filters_get(f, "disclaimer.notices");
	size_t			 hits[NOTICE_MAX], n = 0, from, s, e;

	if (pl == NULL || !mg_patlist_find(pl, NULL, flat, view_tail(flat, len,
	    NOTICE_END), &s, &e))
		return len;
	from = view_tail(flat, len, NOTICE_TAIL);
	while (n < NOTICE_MAX && mg_patlist_find(pl, NULL, flat, from, &s, &e)) {
		hits[n++] = flat->map[s];
		from = e > s ? e : s + 1;
	}
	for (size_t i = 0; i < n; i++) {
		size_t	a = para_start(t, hits[i]);

		if (footer_from(t, len, a, hits, n))
			return a;
	}
	return len;
}

/* Where a sign-off ("Best regards,") that only signature lines follow
 * begins in t before end, or end. */
static size_t
signoff_cut(const struct mg_filters *f, const char *t, size_t end)
{
	const struct mg_patlist	*pl = mg_filters_get(f, "disclaimer.signoffs");
	size_t			 cut = end, b = end, lines = 0;

	while (pl != NULL && b > 0 && lines < FOOTER_MAX_LINES) {
		size_t		 a = b;
		const char	*s;
		size_t		 n;

		while (a > 0 && t[a - 1] != '\n')
			a--;
		trim(t, a, b, &s, &n);
		if (n > 0) {
			char	one[SIGNOFF_MAX + 1];

			lines++;
			if (n <= SIGNOFF_MAX && count_words(s, n) <= 5) {
				memcpy(one, s, n);
				one[n] = '\0';
				if (mg_patlist_match_str(pl, one))
					cut = a;
			}
			if (!sig_line(s, n))
				break;
		}
		if (a == 0)
			break;
		b = a - 1;
	}
	return cut;
}

/* Where the sign-off and disclaimer blocks at the end of t begin. */
static size_t
footer_start(const struct mg_filters *f, const char *t,
    const struct mg_normtext *flat)
{
	size_t	len = strlen(t), cut = notice_cut(f, t, len, flat);

	cut = signoff_cut(f, t, cut);
	while (cut > 0 && isspace((unsigned char)t[cut - 1]))
		cut--;
	return cut;
}

/* The part of the FLAT view nt that comes from the first cut bytes of its
 * text. */
static struct mg_normtext *
prefix_view(const struct mg_normtext *nt, size_t cut)
{
	struct mg_normtext	*p = calloc(1, sizeof(*p));
	size_t			 k = 0;

	if (p == NULL)
		return NULL;
	/* The first view byte from at or after cut (map only grows). */
	for (size_t hi = nt->len; k < hi;) {
		size_t	mid = k + (hi - k) / 2;

		if (nt->map[mid] < cut)
			k = mid + 1;
		else
			hi = mid;
	}
	while (k > 0 && nt->s[k - 1] == ' ')
		k--;
	p->s = malloc(k + 1);
	p->lower = malloc(k + 1);
	p->map = malloc((k + 1) * sizeof(*p->map));
	if (p->s == NULL || p->lower == NULL || p->map == NULL) {
		mg_normtext_free(p);
		return NULL;
	}
	memcpy(p->s, nt->s, k);
	memcpy(p->lower, nt->lower, k);
	memcpy(p->map, nt->map, k * sizeof(*p->map));
	p->s[k] = p->lower[k] = '\0';
	p->map[k] = cut;
	p->len = k;
	p->orig = nt->orig;
	p->orig_len = cut;
	p->grams = mg_patlit_grams(p->s, k);	/* NULL: no filter */
	return p;
}

static void
free_views(struct views *v)
{
	if (v->body_flat != v->flat)
		mg_normtext_free(v->body_flat);
	if (v->written_flat != v->flat)
		mg_normtext_free(v->written_flat);
	mg_normtext_free(v->flat);
	mg_normtext_free(v->key);
	free(v->text);
	free(v->written);
	memset(v, 0, sizeof(*v));
}

/* The body views of v: without the footer (prefixes of the full ones). */
static int
footer_views(const struct mg_filters *f, struct views *v)
{
	size_t	cut;

	if (v->body_flat != v->flat)
		return 0;	/* made already */
	if ((cut = footer_start(f, v->text, v->flat)) < strlen(v->text)) {
		if ((v->body_flat = prefix_view(v->flat, cut)) == NULL)
			return -1;
		v->body_end = cut;
	}
	return 0;
}

/* The first view of a new text: its copy and FLAT view. */
static int
flat_view(const char *new_text, struct views *v)
{
	memset(v, 0, sizeof(*v));
	if ((v->text = cut_copy(new_text != NULL ? new_text : "",
	    &v->truncated)) == NULL ||
	    (v->flat = mg_normtext_new(v->text, MG_NORM_FLAT)) == NULL)
		return -1;
	v->body_flat = v->flat;
	v->written_flat = v->flat;
	return 0;
}

/* The other views, after flat_view(): KEY, the body views (with footers
 * 0 the full ones, until footer_views() makes them) and the written
 * one.  -1 when out of memory. */
static int
other_views(const struct mg_filters *f, const char *signature, int footers,
    struct views *v)
{
	int	sig_cut;

	if ((v->key = mg_normtext_new(v->text, MG_NORM_KEY)) == NULL)
		return -1;
	if (footers && footer_views(f, v) == -1)
		return -1;
	if (signature != NULL && *signature != '\0') {
		char	*sig = cut_copy(signature, &sig_cut);
		size_t	 n = strlen(v->text) + 2 + (sig != NULL ? strlen(sig) : 0) + 1;

		if (sig == NULL || (v->written = malloc(n)) == NULL) {
			free(sig);
			return -1;
		}
		snprintf(v->written, n, "%s\n\n%s", v->text, sig);
		free(sig);
		if ((v->written_flat = mg_normtext_new(v->written,
		    MG_NORM_FLAT)) == NULL)
			return -1;
	}
	return 0;
}

/* Builds the views of a new text and its signature. */
static int
make_views(const struct mg_filters *f, const char *new_text,
    const char *signature, int footers, struct views *v)
{
	if (flat_view(new_text, v) == -1)
		return -1;
	return other_views(f, signature, footers, v);
}

static void
use_views(struct mg_check_ctx *ctx, const struct views *v)
{
	ctx->text_flat = v->flat;
	ctx->text_key = v->key;
	ctx->body_flat = v->body_flat;
	ctx->written_flat = v->written_flat;
}

/* The concept frames of the views ctx reads now (the letter, a part, or
 * a letter to a stand-in program), read up to body_end (0: all of it),
 * so that a sign-off or disclaimer block is skipped.  Replaces
 * ctx->frames; -1 when out of memory. */
static int
policy_frames(struct mg_check_ctx *ctx, size_t body_end)
{
	struct mg_frames_input	in = {
		ctx->subject_flat, ctx->subject_key, ctx->text_flat,
		ctx->text_key, ctx->programs, ctx->n_programs, &ctx->cfg->dir,
		body_end
	};

	mg_frames_doc_free(ctx->frames);
	ctx->frames = mg_frames_doc_new(mg_filters_frames(ctx->filters), &in);
	return ctx->frames != NULL ? 0 : -1;
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
	mg_frames_doc_free(ctx->frames);
	mg_strlist_clear(&ctx->ambiguous);
}

static int
find_greeting(struct mg_check_ctx *ctx)
{
	return mg_greeting_parse(ctx->cfg, ctx->filters, ctx->text_flat->orig,
	    &ctx->greeting);
}

/* Runs one rule and applies the user's severity to what it found. */
static int
run_rule(const struct mg_check_ctx *ctx, const struct mg_rule *r,
    struct mg_findings *out, char *err, size_t errlen)
{
	enum mg_severity	sev = mg_config_rule_severity(ctx->cfg, r->id,
	    r->severity);
	size_t			first = out->n;
	int			rc;

	if (sev == MG_SEV_OFF)
		return 0;
	rc = r->check(ctx, out, err, errlen);
	/* Stamped even on an error: no finding is left without a rule. */
	for (size_t i = first; i < out->n; i++) {
		out->v[i].rule = r->id;
		if (sev != r->severity && out->v[i].sev >= MG_SEV_WARN)
			out->v[i].sev = sev;
	}
	return rc == -1 ? -1 : 0;
}

/*
 * The content rules: they read only the words of the letter, so they run
 * again over every other text part a reader sees (matchguard(1)).  The
 * others look at the letter as a whole (recipients, history, length).
 */
static const char *const part_rules[] = {
	"placeholder", "wrong-program", "greeting-name", "missing-attachment",
	"ranking-question", "bargaining", "letter-of-intent", NULL
};

/* What runs for a letter that reads as one to a program outside the
 * directory: the wording rules, and the notes on what was not checked. */
static const char *const unknown_rules[] = {
	"unreadable", "unknown-program", "placeholder", "ranking-question",
	"bargaining", "letter-of-intent", "missing-attachment", NULL
};

static int
listed(const char *const *list, const char *id)
{
	for (; *list != NULL; list++)
		if (strcmp(*list, id) == 0)
			return 1;
	return 0;
}

#define PART_NOTE	" It is in "

/* Is a finding of rule with this message (before any part is named)
 * in out already? */
static int
already_found(const struct mg_findings *out, const char *rule,
    const char *message)
{
	size_t	len = strlen(message);

	for (size_t i = 0; i < out->n; i++) {
		const char	*m = out->v[i].message;

		if (strcmp(out->v[i].rule, rule) == 0 &&
		    strncmp(m, message, len) == 0 && (m[len] == '\0' ||
		    strncmp(m + len, PART_NOTE, strlen(PART_NOTE)) == 0))
			return 1;
	}
	return 0;
}

/* Adds the findings of one part that are new, naming the part. */
static int
merge_part(struct mg_findings *out, const struct mg_findings *pf,
    const char *label)
{
	for (size_t i = 0; i < pf->n; i++) {
		const struct mg_finding	*f = &pf->v[i];

		if (already_found(out, f->rule, f->message))
			continue;
		if (mg_findings_add(out, f->rule, f->sev, f->evidence,
		    "%s" PART_NOTE "%s of your letter.", f->message, label) == -1)
			return -1;
	}
	return 0;
}

/*
 * Does the part say anything the body does not?  Its FLAT text in lower
 * case is looked for in the body's, sentence by sentence: the HTML
 * version of the same letter, however its lines are broken, is not
 * checked twice.
 */
static int
part_differs(const struct mg_normtext *body, const struct mg_normtext *part)
{
	const char	*p = part->lower, *end = part->lower + part->len;

	if (strcmp(body->lower, part->lower) == 0)
		return 0;
	while (p < end) {
		const char	*q = p;

		while (q < end && !(strchr(".!?", *q) != NULL &&
		    (q + 1 == end || q[1] == ' ')))
			q++;
		q += q < end;
		if (memmem(body->lower, body->len, p, (size_t)(q - p)) == NULL)
			return 1;
		p = q;
		while (p < end && *p == ' ')
			p++;
	}
	return 0;
}

/* Are a and b the same words, white space aside?  (The HTML version of a
 * letter usually is its plain text with other line breaks: it is then
 * not even normalised.) */
static int
same_words(const char *a, const char *b)
{
	for (;;) {
		while (isspace((unsigned char)*a))
			a++;
		while (isspace((unsigned char)*b))
			b++;
		if (*a != *b)
			return 0;
		if (*a == '\0')
			return 1;
		a++;
		b++;
	}
}

/* Runs the rules of list over every other text part that differs from
 * the body, adding what they find there alone to out. */
static int
check_parts(const struct mg_check_ctx *ctx, const char *const *list,
    struct mg_findings *out, char *err, size_t errlen)
{
	for (size_t i = 0; i < ctx->msg->n_parts; i++) {
		const struct mg_text_part *tp = &ctx->msg->parts[i];
		struct mg_check_ctx	 pc = *ctx;
		struct mg_findings	 pf = { 0 };
		struct views		 v;
		int			 rc = 0;

		if (same_words(ctx->text_flat->orig, tp->new_text))
			continue;
		/* Normalised once; the rest only for a part that differs. */
		if (flat_view(tp->new_text, &v) == -1) {
			free_views(&v);
			goto nomem;
		}
		if (!part_differs(ctx->text_flat, v.flat)) {
			free_views(&v);
			continue;
		}
		if (other_views(ctx->filters, tp->signature, 1, &v) == -1) {
			free_views(&v);
			goto nomem;
		}
		use_views(&pc, &v);
		pc.part = tp->label;
		pc.frames = NULL;	/* the letter's own stay in ctx */
		if (find_greeting(&pc) == -1 ||
		    policy_frames(&pc, v.body_end) == -1)
			rc = -1;
		for (size_t r = 0; mg_rules[r] != NULL && rc == 0; r++)
			if (listed(part_rules, mg_rules[r]->id) &&
			    listed(list, mg_rules[r]->id))
				rc = run_rule(&pc, mg_rules[r], &pf, err, errlen);
		if (rc == 0 && merge_part(out, &pf, tp->label) == -1)
			rc = -1;
		mg_findings_clear(&pf);
		mg_frames_doc_free(pc.frames);
		free_views(&v);
		if (rc == -1) {
			if (err[0] == '\0')
				mg_seterr(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
nomem:
	mg_seterr(err, errlen, "out of memory");
	return -1;
}

/* Which text is longer than the policy reads: NULL, "" (the body) or the
 * label of a part. */
static const char *
too_long(const struct mg_message *m, int body_truncated)
{
	if (body_truncated)
		return "";
	for (size_t i = 0; i < m->n_parts; i++)
		if (strlen(m->parts[i].new_text) > MG_POLICY_MAX_TEXT)
			return m->parts[i].label;
	return NULL;
}

/*
 * Letters to addresses outside the directory.  The signs of a letter to a
 * residency program are the lists of filters/residency.conf, each counted
 * once, strong ones for two points; with policy.unknown_program_score
 * points, unless it asks for a review of a draft (residency.not), it is
 * read as one.
 */
enum sign_place { IN_GREETING, IN_TEXT, IN_MAILBOX };

static const struct {
	const char	*list;
	int		 points;
	enum sign_place	 place;
	const char	*said;
} signs[] = {
	{ "residency.addressees", 2, IN_GREETING,
	  "greets a program director, coordinator or committee" },
	{ "residency.greetings", 1, IN_GREETING,
	  "greets a doctor, or someone by title" },
	{ "residency.mailboxes", 2, IN_MAILBOX,
	  "goes to a mailbox named like a program's" },
	{ "residency.speaks_to", 2, IN_TEXT, "speaks to a program" },
	{ "residency.topics", 1, IN_TEXT,
	  "speaks of the residency, an interview or the Match" },
};

static int
sign_in(const struct mg_check_ctx *ctx, const struct mg_patlist *pl,
    enum sign_place place, const struct mg_strlist *unknown)
{
	const struct mg_normtext *views[2] = { ctx->body_flat,
	    ctx->subject_flat };
	size_t			 s, e;

	switch (place) {
	case IN_GREETING:
		return ctx->greeting.found &&
		    mg_patlist_match_str(pl, ctx->greeting.line);
	case IN_TEXT:
		for (size_t v = 0; v < 2; v++)
			if (mg_patlist_find(pl, NULL, views[v], 0, &s, &e))
				return 1;
		return 0;
	case IN_MAILBOX:
		for (size_t i = 0; i < unknown->n; i++) {
			const char	*at = strrchr(unknown->v[i], '@');
			char		*local = at != NULL ? mg_strndup(
			    unknown->v[i], (size_t)(at - unknown->v[i])) : NULL;
			int		 yes = local != NULL &&
			    mg_patlist_match_str(pl, local);

			free(local);
			if (yes)
				return 1;
		}
		return 0;
	}
	return 0;
}

/* Does the letter read as one to a residency program?  Fills
 * ctx->unknown_signs.  The signs are counted cheapest first, and the
 * count stops as soon as the score cannot be reached any more. */
static int
reads_as_program_letter(struct mg_check_ctx *ctx,
    const struct mg_strlist *unknown)
{
	const struct mg_patlist	*veto = mg_filters_get(ctx->filters,
	    "residency.not");
	const size_t		 n = sizeof(signs) / sizeof(signs[0]);
	int			 need = ctx->cfg->policy.unknown_program_score;
	int			 score = 0, greeted = 0, left = 0;
	size_t			 len = 0, s, e;

	for (size_t i = 0; i < n; i++)
		left += signs[i].points;
	for (size_t i = 0; i < n && score < need; i++) {
		const struct mg_patlist	*pl = mg_filters_get(ctx->filters,
		    signs[i].list);

		if (score + left < need)
			return 0;
		left -= signs[i].points;
		/* A greeting is one sign, the stronger one when both. */
		if (pl == NULL || (signs[i].place == IN_GREETING && greeted) ||
		    !sign_in(ctx, pl, signs[i].place, unknown))
			continue;
		greeted |= signs[i].place == IN_GREETING;
		score += signs[i].points;
		len += (size_t)snprintf(ctx->unknown_signs + len,
		    sizeof(ctx->unknown_signs) - len, "%s%s", len > 0 ? "; " : "",
		    signs[i].said);
		if (len >= sizeof(ctx->unknown_signs))
			len = sizeof(ctx->unknown_signs) - 1;
	}
	if (score < need)
		return 0;
	return veto == NULL || (!mg_patlist_find(veto, NULL, ctx->body_flat, 0,
	    &s, &e) && !mg_patlist_find(veto, NULL, ctx->subject_flat, 0, &s,
	    &e));
}

/* A stand-in for the program of an unknown address: named by it, with
 * its domain, and no history.  Freed with mg_directory_clear(). */
static int
stand_in(struct mg_directory *dir, const char *addr)
{
	struct mg_program	*p;
	const char		*at = strrchr(addr, '@');

	if ((dir->programs = calloc(1, sizeof(*p))) == NULL)
		return -1;
	dir->n = 1;
	p = &dir->programs[0];
	if ((p->id = strdup("")) == NULL || (p->name = strdup(addr)) == NULL ||
	    (p->institution = strdup("")) == NULL ||
	    mg_strlist_add(&p->addresses, addr) == -1 ||
	    (at != NULL && mg_strlist_add(&p->domains, at + 1) == -1))
		return -1;
	return mg_program_make_keys(p);
}

/* The unknown-recipient path: the wording rules, with a stand-in program
 * and no history, when the letter reads as one to a program. */
static int
check_unknown(struct mg_check_ctx *ctx, struct views *v,
    const struct mg_strlist *unknown, struct mg_findings *out, char *err,
    size_t errlen)
{
	struct mg_directory	 dir = { 0 };
	const struct mg_program	*one;
	int			 rc = 0;

	if (unknown->n == 0 || !reads_as_program_letter(ctx, unknown))
		return 0;
	if (footer_views(ctx->filters, v) == -1 || (use_views(ctx, v),
	    stand_in(&dir, unknown->v[0])) == -1) {
		mg_directory_clear(&dir);
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	one = &dir.programs[0];
	ctx->programs = &one;
	ctx->n_programs = 1;
	ctx->unknown_program = 1;
	ctx->history_end = mg_day_to_time(ctx->cfg->season_start);
	if (policy_frames(ctx, v->body_end) == -1) {
		mg_seterr(err, errlen, "out of memory");
		rc = -1;
	}
	for (size_t r = 0; mg_rules[r] != NULL && rc == 0; r++)
		if (listed(unknown_rules, mg_rules[r]->id))
			rc = run_rule(ctx, mg_rules[r], out, err, errlen);
	if (rc == 0)
		rc = check_parts(ctx, unknown_rules, out, err, errlen);
	/* The frames name the stand-in program, which goes now. */
	mg_frames_doc_free(ctx->frames);
	ctx->frames = NULL;
	ctx->programs = NULL;
	ctx->n_programs = 0;
	mg_directory_clear(&dir);
	return rc;
}

void
mg_check_clear(struct mg_check *ck)
{
	mg_findings_clear(&ck->findings);
	free(ck->programs);
	ck->programs = NULL;
	ck->n_programs = 0;
	ck->verdict = MG_PASS;
	ck->msg_class = "other";
	memset(&ck->sig, 0, sizeof(ck->sig));
}

int
mg_policy_check(struct mg_check *ck, char *err, size_t errlen)
{
	const struct mg_config	*cfg = ck->cfg;
	const struct mg_filters	*filters = ck->filters;
	struct mg_ledger	*ledger = ck->ledger;
	const struct mg_message	*msg = ck->msg;
	const time_t		 now = ck->now;
	/* Classifying: no findings list, no rule runs. */
	struct mg_findings	*out = ck->mode == MG_CHECK_RULES ?
	    &ck->findings : NULL;
	struct mg_check_ctx	 ctx;
	struct mg_strlist	 unknown = { 0 };
	struct views		 v;
	enum mg_severity	 worst = MG_SEV_OFF;
	int			 rc = -1, began = 0;

	memset(&ctx, 0, sizeof(ctx));
	memset(&v, 0, sizeof(v));
	ctx.cfg = cfg;
	ctx.filters = filters;
	ctx.ledger = ledger;
	ctx.now = now;
	ctx.history_end = now + 1;
	ctx.msg = msg;
	mg_check_clear(ck);
	err[0] = '\0';
	if (mg_ledger_read_begin(ledger, &began, err, errlen) == -1)
		goto out;
	if (resolve_recipients(&ctx, &unknown, err, errlen) == -1 ||
	    answers_program(&ctx, err, errlen) == -1)
		goto out;
	if ((ctx.subject_flat = mg_normtext_new(msg->subject ? msg->subject :
	    "", MG_NORM_FLAT)) == NULL || (ctx.subject_key = mg_normtext_new(
	    msg->subject ? msg->subject : "", MG_NORM_KEY)) == NULL ||
	    make_views(filters, msg->new_text, msg->signature,
	    ctx.n_programs > 0 || ctx.ambiguous.n > 0, &v) == -1 ||
	    (use_views(&ctx, &v), find_greeting(&ctx)) == -1) {
		mg_seterr(err, errlen, "out of memory");
		goto out;
	}
	ctx.letter_key = ctx.text_key;
	ctx.too_long = too_long(msg, v.truncated);
	/* The signature, once: for generic-template and the ledger. */
	if (ctx.n_programs > 0) {
		if (mg_signature_of(cfg, ctx.text_flat->orig,
		    &ck->sig) == -1) {
			mg_seterr(err, errlen, "out of memory");
			goto out;
		}
		ctx.sig = &ck->sig;
	}
	if (policy_frames(&ctx, v.body_end) == -1) {
		mg_seterr(err, errlen, "out of memory");
		goto out;
	}
	ctx.msg_class = mg_classify(filters, ctx.frames, ctx.subject_flat,
	    ctx.text_flat, ctx.answers_program, before_interview(&ctx));
	ck->msg_class = ctx.msg_class;
	/* Mail to nobody in the directory passes with no findings, unless
	 * it reads as a letter to a program; with no findings list, the
	 * caller wants only the class and programs. */
	if (out != NULL && (ctx.n_programs > 0 || ctx.ambiguous.n > 0)) {
		for (size_t r = 0; mg_rules[r] != NULL; r++)
			if (run_rule(&ctx, mg_rules[r], out, err, errlen) == -1)
				goto out;
		if (check_parts(&ctx, part_rules, out, err, errlen) == -1)
			goto out;
	} else if (out != NULL && check_unknown(&ctx, &v, &unknown, out, err,
	    errlen) == -1)
		goto out;
	for (size_t i = 0; out != NULL && i < out->n; i++)
		if (out->v[i].sev > worst)
			worst = out->v[i].sev;
	ck->verdict = worst == MG_SEV_HOLD ? MG_HOLD : worst == MG_SEV_WARN ?
	    MG_WARN : MG_PASS;
	rc = 0;
out:
	mg_ledger_read_end(ledger, began);
	ck->programs = ctx.programs;
	ck->n_programs = ctx.n_programs;
	if (rc == -1)
		mg_check_clear(ck);
	free_ctx(&ctx);
	free_views(&v);
	mg_strlist_clear(&unknown);
	return rc;
}

int
mg_mentions_program(const struct mg_check_ctx *ctx, const struct mg_program *p,
    int with_institution, const struct mg_normtext **view, size_t *start,
    size_t *end)
{
	const struct mg_normtext *views[3] = { ctx->subject_key, ctx->text_key,
	    ctx->letter_key };
	size_t			  nv = ctx->letter_key != NULL &&
	    ctx->letter_key != ctx->text_key ? 3 : 2;
	const char		 *keys[66];
	size_t			  n = 0;

	keys[n++] = p->keys.name;
	for (size_t i = 0; i < p->keys.aliases.n && n < 64; i++)
		keys[n++] = p->keys.aliases.v[i];
	if (with_institution && p->institution[0] != '\0')
		keys[n++] = p->keys.institution;
	for (size_t v = 0; v < nv; v++)
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
	const struct mg_normtext *views[2] = { ctx->body_flat, ctx->subject_flat };
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
    enum mg_severity sev, const char *list, const char *except,
    int subject_too, const char *message, char *err, size_t errlen)
{
	char	*quote;
	int	 rc = 0;

	if (!mg_find_phrase(ctx, list, except, subject_too, &quote))
		return 0;
	if (mg_rule_finding(out, sev, quote, "%s", message) == -1) {
		mg_seterr(err, errlen, "out of memory");
		rc = -1;
	}
	free(quote);
	return rc;
}

int
mg_program_answered(const struct mg_check_ctx *ctx, const struct mg_program *p,
    time_t sent, int *yes, char *err, size_t errlen)
{
	time_t	iv = p->has_interview ? mg_day_to_time(p->interview_day) : 0;
	int	replied;

	if ((*yes = mg_answered_since(sent, ctx->now, 0, 0, p->has_interview,
	    iv)))
		return 0;
	if (mg_ledger_reply_since(ctx->ledger, p->id, sent, ctx->history_end,
	    &replied, err, errlen) == -1)
		return -1;
	/* The ledger found a reply dated at or after sent. */
	*yes = mg_answered_since(sent, ctx->now, replied, sent,
	    p->has_interview, iv);
	return 0;
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

int
mg_policy_setting(const struct mg_config *cfg, const char *name, char *value,
    size_t valuelen, char *dflt, size_t dfltlen)
{
	const struct mg_setting	*s = mg_setting_find(name);
	const char		*base;

	if (s == NULL)
		return -1;
	base = (const char *)cfg + s->off;
	switch (s->type) {
	case MG_SETTING_INT:
		snprintf(value, valuelen, "%d", *(const int *)(const void *)base);
		snprintf(dflt, dfltlen, "%d", (int)s->dflt);
		break;
	case MG_SETTING_FRACTION:
		snprintf(value, valuelen, "%.2g",
		    *(const double *)(const void *)base);
		snprintf(dflt, dfltlen, "%.2g", s->dflt);
		break;
	case MG_SETTING_DAY:
		mg_format_day(*(const long *)(const void *)base, value,
		    valuelen);
		snprintf(dflt, dfltlen, "%s", s->dflt_text);
		break;
	default:
		return -1;	/* no rule reads it */
	}
	return 0;
}
