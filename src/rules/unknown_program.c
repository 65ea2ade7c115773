/*
 * unknown_program.c - a letter that reads as one to a residency program
 * (filters/residency.conf, policy.unknown_program_score) but goes to an
 * address that is not in the program directory.  The engine runs the
 * wording rules on it (ctx->unknown_program); this note says that the
 * history checks could not run, and how to add the program.  Severity
 * info: the letter itself may be fine, and what is wrong with its words
 * is held by the other rules.  A warning when the address looks like a
 * program's domain without being it (a typo, or a lookalike): then the
 * letter is likely to go to the wrong place.
 */
#include "config_auto.h"

#include <stdio.h>
#include <string.h>

#include "matchguard/policy.h"

static const char *const lists[] = { "residency.addressees",
    "residency.greetings", "residency.speaks_to", "residency.mailboxes",
    "residency.topics", "residency.not", NULL };

static const char *const settings[] = { "unknown_program_score", NULL };

#define LOOKALIKE_MIN	8	/* shortest program domain compared by typos */

/* The program of the directory whose domain dom looks like without being
 * it: "evilharborview.edu" for "harborview.edu" (no dot before it), or a
 * typo ("harborveiw.edu").  NULL when none. */
static const struct mg_program *
lookalike(const struct mg_config *cfg, const char *dom, const char **like)
{
	size_t	dl = strlen(dom);

	for (size_t i = 0; i < cfg->dir.n; i++) {
		const struct mg_program	*p = &cfg->dir.programs[i];

		for (size_t j = 0; j < p->domains.n; j++) {
			const char	*pd = p->domains.v[j];
			size_t		 pl = strlen(pd);

			if ((dl > pl && strcmp(dom + dl - pl, pd) == 0 &&
			    dom[dl - pl - 1] != '.') || (pl >= LOOKALIKE_MIN &&
			    strcmp(dom, pd) != 0 && mg_edit_distance(dom, pd, 2) <=
			    2)) {
				*like = pd;
				return p;
			}
		}
	}
	return NULL;
}

static int
check(const struct mg_check_ctx *ctx, struct mg_findings *out, char *err,
    size_t errlen)
{
	const struct mg_program	*p;
	const char		*addr, *at, *like;

	if (!ctx->unknown_program || ctx->n_programs == 0)
		return 0;
	addr = ctx->programs[0]->name;
	at = strrchr(addr, '@');
	if (at != NULL && (p = lookalike(ctx->cfg, at + 1, &like)) != NULL) {
		if (mg_rule_finding(out, MG_SEV_WARN,
		    ctx->unknown_signs, "This reads as a letter to a residency "
		    "program, but %s is not in your program directory: its "
		    "domain looks like %s (%s) without being it; check the "
		    "address before you send the letter.", addr, like,
		    p->name) == -1) {
			mg_seterr(err, errlen, "out of memory");
			return -1;
		}
		return 0;
	}
	if (mg_rule_finding(out, MG_SEV_INFO,
	    ctx->unknown_signs, "This reads as a letter to a residency "
	    "program, but %s is not in your program directory, so only its "
	    "wording was checked, not your history with the program; if it is "
	    "a program, add it to the programs of %s, for example { id = "
	    "\"new-program\"; name = \"...\"; addresses = [ \"%s\" ]; "
	    "domains = [ \"%s\" ]; }.", addr, ctx->cfg->path != NULL ?
	    ctx->cfg->path : "your configuration", addr,
	    at != NULL ? at + 1 : addr) == -1) {
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

const struct mg_rule mg_rule_unknown_program = {
	.id = "unknown-program",
	.severity = MG_SEV_WARN,
	.summary = "a letter to a residency program that is not in the "
	    "directory",
	.checks = "Mail to an address that is no program of your directory is "
	    "not checked, unless it reads as a letter to a residency program: "
	    "it greets a doctor (or someone by title) or a program director, "
	    "coordinator or committee, speaks to the program (\"your program\", \"I am "
	    "writing to express my interest\", a slot for a program's name), "
	    "goes to a mailbox named like a program's (residency@, gme@), or "
	    "speaks of the residency, an interview, the Match, ERAS or the "
	    "rank list (filters/residency.conf).  Strong signs count two "
	    "points, weak ones one; with unknown_program_score points, and "
	    "unless it asks for a review of a draft, the wording rules "
	    "(placeholder, ranking-question, bargaining, letter-of-intent, "
	    "unreadable) check it, and this note says the program is not in "
	    "your directory and how to add it.  When the address looks like "
	    "the domain of a program of your directory without being it "
	    "(\"evilharborview.edu\", \"harborveiw.edu\"), the note is a "
	    "warning to check the address.",
	.why = "A program you forgot to add is a program none of the history "
	    "checks protect: how often you wrote, follow-ups, a second letter "
	    "of intent, form letters.  And a template slot left in a letter "
	    "to it is as bad as in any other.",
	.settings = settings,
	.lists = lists,
	.check = check,
};
