/*
 * ambiguous.c - ambiguous-recipient: a recipient whose domain belongs to
 * several programs.  matchguard does not guess which one is meant, so it
 * cannot check the message for that program; it holds it instead.
 */
#include "config_auto.h"

#include <string.h>

#include "matchguard/policy.h"

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	for (size_t i = 0; i < ctx->ambiguous.n; i++) {
		const char		*addr = ctx->ambiguous.v[i];
		const struct mg_program	*p, *o;

		if (mg_directory_lookup(&ctx->cfg->dir, addr, &p, &o) !=
		    MG_LOOKUP_AMBIGUOUS)
			continue;
		if (mg_rule_finding(out, MG_SEV_HOLD,
		    addr, "matchguard cannot tell whether %s belongs to %s or "
		    "to %s, so it could not check this message for them; add "
		    "the address to the right program's \"addresses\" in your "
		    "configuration and send again.", addr, p->name,
		    o->name) == -1) {
			mg_seterr(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

const struct mg_rule mg_rule_ambiguous = {
	.id = "ambiguous-recipient",
	.severity = MG_SEV_HOLD,
	.summary = "a recipient's domain is shared by several programs",
	.checks = "Looks up every recipient in your directory.  When an "
	    "address is not listed for any program but its domain "
	    "belongs to more than one program (two programs of the same "
	    "hospital, say), the message is held: matchguard cannot "
	    "tell which program it is for, so it cannot check it.  List "
	    "the exact address under the right program's addresses to "
	    "settle it.",
	.why = "A message that matchguard cannot match to one program is a "
	    "message none of the other checks can protect: wrong names, "
	    "timing and frequency all depend on knowing the program.",
	.settings = NULL,
	.lists = NULL,
	.check = check,
};
