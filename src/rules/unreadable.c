/*
 * unreadable.c - a letter matchguard cannot read in full is held, never
 * passed unchecked.  What could not be read comes from the message model
 * (message.h, struct mg_unread: parts nested too deep, too many parts, an
 * unknown transfer encoding, a multipart whose parts cannot be found, 8-bit
 * text in an unknown charset, encryption) and from the engine (text
 * longer than MG_POLICY_MAX_TEXT).  One finding for each, saying what
 * could not be read and what to do.
 */
#include "config_auto.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "matchguard/policy.h"

/* "The letter", "The HTML version of the letter", "Part 3 of the
 * letter". */
static void
where_str(const char *where, char *buf, size_t len)
{
	if (where == NULL || where[0] == '\0')
		snprintf(buf, len, "The letter");
	else
		snprintf(buf, len, "%c%s of the letter",
		    toupper((unsigned char)where[0]), where + 1);
}

static int
report(struct mg_findings *out, const struct mg_unread *u)
{
	char	w[96], ev[160];

	where_str(u->where, w, sizeof(w));
	snprintf(ev, sizeof(ev), "%s%s%s", u->where[0] ? u->where : "the letter",
	    u->detail[0] ? ": " : "", u->detail);
	switch (u->kind) {
	case MG_UNREAD_DEPTH:
		return mg_rule_finding(out, MG_SEV_HOLD, ev,
		    "The letter has parts nested more than %d levels deep, more "
		    "than matchguard reads, so part of it could not be checked; "
		    "send it again as a plain text or HTML letter from your mail "
		    "client.", MG_MSG_MAX_DEPTH);
	case MG_UNREAD_PARTS:
		return mg_rule_finding(out, MG_SEV_HOLD, ev,
		    "The letter has %s, more than matchguard reads, so part of "
		    "it could not be checked; send it again with fewer pictures "
		    "and attachments.", u->detail[0] ? u->detail :
		    "too many parts");
	case MG_UNREAD_ENCODING:
		return mg_rule_finding(out, MG_SEV_HOLD, ev,
		    "%s uses an encoding matchguard cannot read (%s), so it "
		    "could not be checked; send the letter as plain text or "
		    "HTML from your mail client.", w, u->detail);
	case MG_UNREAD_BOUNDARY:
		return mg_rule_finding(out, MG_SEV_HOLD, ev,
		    "%s says it is made of several parts, but matchguard cannot "
		    "find where they begin (%s), so it could not be checked; "
		    "send the letter again from your mail client.", w,
		    u->detail);
	case MG_UNREAD_CHARSET:
		return mg_rule_finding(out, MG_SEV_HOLD, ev,
		    "%s is written in a character set matchguard cannot read "
		    "(%s), so it could not be checked; set your mail client to "
		    "send UTF-8 and send it again.", w, u->detail);
	case MG_UNREAD_ENCRYPTED:
		return mg_rule_finding(out, MG_SEV_HOLD, ev,
		    "%s is encrypted (%s), so matchguard cannot read it; send "
		    "the letter to the program without encryption.", w,
		    u->detail);
	}
	return 0;
}

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	int	rc = 0;

	for (size_t i = 0; i < ctx->msg->n_unread && rc == 0; i++)
		rc = report(out, &ctx->msg->unread[i]);
	if (rc == 0 && ctx->too_long != NULL) {
		char	w[96], ev[96];

		where_str(ctx->too_long, w, sizeof(w));
		snprintf(ev, sizeof(ev), "%s: more than %u KB of text",
		    ctx->too_long[0] ? ctx->too_long : "the letter",
		    MG_POLICY_MAX_TEXT / 1024);
		rc = mg_rule_finding(out, MG_SEV_HOLD, ev,
		    "%s has more than %u KB of text, more than matchguard reads, "
		    "so its end could not be checked; a letter to a program is "
		    "far shorter: remove the pasted text and send it again.", w,
		    MG_POLICY_MAX_TEXT / 1024);
	}
	if (rc == -1)
		mg_seterr(err, errlen, "out of memory");
	return rc;
}

const struct mg_rule mg_rule_unreadable = {
	.id = "unreadable",
	.severity = MG_SEV_HOLD,
	.summary = "part of the letter cannot be read, so it cannot be checked",
	.checks = "Holds a letter that matchguard cannot read in full: parts "
	    "nested more than 64 deep, more than 1024 parts or 32 text parts, "
	    "a transfer encoding it does not know, a multipart whose parts "
	    "cannot be found (no boundary, or one that never occurs), 8-bit "
	    "text in a character set it cannot convert, an encrypted letter "
	    "(PGP or S/MIME), or more than 256 KB of text in one part.  The "
	    "finding says which part and what to do.",
	.why = "A letter that cannot be read cannot be checked: a template "
	    "slot or a ranking question in the part matchguard cannot read "
	    "would reach the program director unseen.  Mail clients never "
	    "write such letters by themselves, so sending it again from "
	    "yours fixes it.",
	.settings = NULL,
	.lists = NULL,
	.check = check,
};
