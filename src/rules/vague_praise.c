/*
 * vague_praise.c - praise that fits any program ("excellent and
 * prestigious program") and nothing specific to this one: no feature of
 * the program and no faculty name.  A warning only.
 */
#include "config_auto.h"

#include <stdlib.h>
#include <string.h>

#include "matchguard/policy.h"

static const char *const lists[] = { "praise.vague", NULL };

static int
key_in_text(const struct mg_check_ctx *ctx, const char *s)
{
	char	*key = mg_name_key(s);
	size_t	 start, end;
	int	 yes;

	if (key == NULL)
		return 0;
	yes = mg_key_find(ctx->text_key, key, 0, &start, &end) ||
	    mg_key_find(ctx->subject_key, key, 0, &start, &end);
	free(key);
	return yes;
}

/* A feature, or a contact's last name. */
static int
specific(const struct mg_check_ctx *ctx, const struct mg_program *p)
{
	for (size_t i = 0; i < p->features.n; i++)
		if (key_in_text(ctx, p->features.v[i]))
			return 1;
	for (size_t i = 0; i < p->n_contacts; i++) {
		const char	*last = strrchr(p->contacts[i].name, ' ');

		if (key_in_text(ctx, last != NULL ? last + 1 :
		    p->contacts[i].name))
			return 1;
	}
	return 0;
}

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	char	*quote;
	int	 rc = 0;

	if (!mg_find_phrase(ctx, "praise.vague", NULL, 0, &quote))
		return 0;
	for (size_t i = 0; i < ctx->n_programs && rc == 0; i++) {
		const struct mg_program	*p = ctx->programs[i];

		if (specific(ctx, p))
			continue;
		rc = mg_findings_add(out, "vague-praise", MG_SEV_WARN, quote,
		    "This praise could be said of any program and nothing in "
		    "the message is specific to %s; mention something real "
		    "about it%s%s%s.", p->name,
		    p->features.n > 0 ? ", such as its " : "",
		    p->features.n > 0 ? p->features.v[0] : "", "");
		if (rc == -1)
			mg_seterr(err, errlen, "out of memory");
	}
	free(quote);
	return rc;
}

const struct mg_rule mg_rule_vague_praise = {
	.id = "vague-praise",
	.severity = MG_SEV_WARN,
	.summary = "only generic praise, nothing specific to the program",
	.lists = lists,
	.check = check,
};
