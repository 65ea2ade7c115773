/*
 * mass_recipients.c - one message addressed to two or more programs.
 * Programs notice (Cc shows it; Bcc shows in the way the letter reads),
 * and a shared letter reads as no letter at all.
 */
#include "config_auto.h"

#include <stdio.h>
#include <string.h>

#include "matchguard/policy.h"

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	char	names[1024] = "";
	size_t	len = 0;

	if (ctx->n_programs < 2)
		return 0;
	for (size_t i = 0; i < ctx->n_programs && len < sizeof(names); i++)
		len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s",
		    i > 0 ? "; " : "", ctx->programs[i]->name);
	if (mg_rule_finding(out, MG_SEV_HOLD, names,
	    "This one message is addressed to %zu programs (To, Cc and Bcc "
	    "together); send each program its own message.",
	    ctx->n_programs) == -1) {
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

const struct mg_rule mg_rule_mass_recipients = {
	.id = "mass-recipients",
	.severity = MG_SEV_HOLD,
	.summary = "one message addressed to several programs",
	.checks = "Counts the programs among all recipients (To, Cc and Bcc, "
	    "or the SMTP envelope).  More than one program in a single "
	    "message is held.  Copies to your own addresses do not "
	    "count.",
	.why = "Programs can see or guess that a letter went to others at "
	    "the same time, and a Bcc can leak through a reply-all.  "
	    "Each program deserves its own letter.",
	.settings = NULL,
	.lists = NULL,
	.check = check,
};
