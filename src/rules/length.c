/*
 * length.c - too long a letter.  A thank-you note should stay within
 * thank_you_max_words words and thank_you_max_paragraphs paragraphs; any
 * message to a program within max_words words.  Words are runs of
 * letters and digits of the new text (not the quoted reply or the
 * signature).  A paragraph is a block between blank lines of at least
 * PARA_MIN_WORDS words: the greeting line and the sign-off do not count.
 * One warning at most.
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matchguard/policy.h"

#define PARA_MIN_WORDS	10

static const char *const settings[] = { "thank_you_max_words",
    "thank_you_max_paragraphs", "max_words", NULL };

static int
blank_line(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

static size_t
paragraphs(const char *text)
{
	size_t		 n = 0;
	const char	*p = text;

	while (*p != '\0') {
		const char	*start, *end;
		char		*block;

		/* Skip blank lines, then take lines up to the next one. */
		while (*p != '\0' && blank_line(p, strcspn(p, "\n")))
			p += strcspn(p, "\n") + (p[strcspn(p, "\n")] == '\n');
		start = p;
		while (*p != '\0' && !blank_line(p, strcspn(p, "\n")))
			p += strcspn(p, "\n") + (p[strcspn(p, "\n")] == '\n');
		end = p;
		if (end == start)
			break;
		if ((block = mg_strndup(start, (size_t)(end - start))) == NULL)
			return 0;
		n += mg_count_words(block) >= PARA_MIN_WORDS;
		free(block);
	}
	return n;
}

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	const struct mg_policy_settings *ps = &ctx->cfg->policy;
	const char	*text = ctx->text_flat->orig;
	int		 thanks = strcmp(ctx->msg_class, "thank-you") == 0;
	size_t		 words = mg_count_words(text);
	size_t		 paras = thanks ? paragraphs(text) : 0;
	char		 ev[96];
	int		 rc = 0;

	if (thanks && (words > (size_t)ps->thank_you_max_words ||
	    paras > (size_t)ps->thank_you_max_paragraphs)) {
		snprintf(ev, sizeof(ev), "%zu words in %zu paragraph%s", words,
		    paras, paras == 1 ? "" : "s");
		rc = mg_rule_finding(out, MG_SEV_WARN, ev,
		    "This thank-you note has %zu words in %zu paragraph%s; "
		    "keep it to %d words and %d paragraphs: thank them, recall "
		    "one moment of the visit, and close.", words, paras,
		    paras == 1 ? "" : "s", ps->thank_you_max_words,
		    ps->thank_you_max_paragraphs);
	} else if (words > (size_t)ps->max_words) {
		snprintf(ev, sizeof(ev), "%zu words", words);
		rc = mg_rule_finding(out, MG_SEV_WARN, ev,
		    "This message has %zu words; program directors read "
		    "hundreds of e-mails, so keep it under %d: say why you "
		    "write in the first lines and cut the rest.", words,
		    ps->max_words);
	}
	if (rc == -1)
		mg_seterr(err, errlen, "out of memory");
	return rc;
}

const struct mg_rule mg_rule_length = {
	.id = "length",
	.severity = MG_SEV_WARN,
	.summary = "a thank-you over thank_you_max_words words or "
	    "thank_you_max_paragraphs paragraphs; any message over max_words",
	.checks = "Counts the words of the new text (not the quoted reply or "
	    "the signature) and, for a thank-you note, its paragraphs (blocks "
	    "of at least 10 words between blank lines, so the greeting and "
	    "the sign-off do not count).  Warns when a thank-you note is over "
	    "thank_you_max_words words or thank_you_max_paragraphs "
	    "paragraphs, and when any message to a program is over max_words "
	    "words.",
	.why = "Program directors and coordinators read hundreds of messages "
	    "in a season.  A short thank-you note is read to the end; a long "
	    "one is skimmed, and a long letter suggests you cannot tell what "
	    "matters.",
	.settings = settings,
	.lists = NULL,
	.check = check,
};
