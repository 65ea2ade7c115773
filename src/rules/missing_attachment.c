/*
 * missing_attachment.c - "please find my CV attached" with nothing
 * attached.  A CV sent through ERAS or a link is not an attachment claim
 * (attachment.except).
 */
#include "config_auto.h"

#include "matchguard/policy.h"

static const char *const lists[] = {
	"attachment.phrases", "attachment.except", NULL
};

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	if (ctx->msg->n_attachments > 0)
		return 0;
	return mg_phrase_finding(ctx, out, MG_SEV_HOLD,
	    "attachment.phrases", "attachment.except", 1,
	    "The message says something is attached, but nothing is; attach "
	    "the file, or remove the sentence.", err, errlen);
}

const struct mg_rule mg_rule_missing_attachment = {
	.id = "missing-attachment",
	.severity = MG_SEV_HOLD,
	.summary = "the text mentions an attachment and there is none",
	.checks = "Looks in the subject and the new text for a claim that "
	    "something is attached (\"please find my CV attached\", "
	    "filters/attachment.conf) and holds the message when it has "
	    "no attachment.  Sentences that point to ERAS, a link or "
	    "say nothing is attached do not count.",
	.why = "\"See my CV attached\" with nothing attached costs the "
	    "coordinator a reply and you a second message, and it looks "
	    "careless.",
	.settings = NULL,
	.lists = lists,
	.check = check,
};
