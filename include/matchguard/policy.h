/*
 * policy.h - the policy engine: a function of (message, directory, ledger,
 * now) that returns findings and a verdict.
 *
 * Each rule is one file in src/rules/ behind struct mg_rule.  The engine
 * resolves the recipients to programs, prepares the normalised texts once,
 * runs every rule that is not turned off, and applies the user's severity
 * settings.  The verdict is the most severe finding: hold, warn, or pass.
 * No rule reads the clock: time comes in as ctx->now.
 */
#ifndef MATCHGUARD_POLICY_H
#define MATCHGUARD_POLICY_H

#include <stddef.h>
#include <time.h>

#include "matchguard/config.h"
#include "matchguard/filters.h"
#include "matchguard/ledger.h"
#include "matchguard/message.h"
#include "matchguard/textnorm.h"

/* Only the first MG_POLICY_MAX_TEXT bytes of the new text are checked. */
#define MG_POLICY_MAX_TEXT	(256u * 1024u)
/* Recipients examined per message. */
#define MG_POLICY_MAX_RCPTS	256

struct mg_finding {
	const char		*rule;		/* static rule id */
	enum mg_severity	 sev;
	char			*message;	/* one plain sentence or two */
	char			*evidence;	/* quoted from the message */
};

struct mg_findings {
	struct mg_finding	*v;
	size_t			 n;
	size_t			 cap;
};

enum mg_verdict {
	MG_PASS,
	MG_WARN,
	MG_HOLD
};

/* Everything a rule may read.  Built by mg_policy_check(). */
struct mg_check_ctx {
	const struct mg_config	 *cfg;
	const struct mg_filters	 *filters;
	struct mg_ledger	 *ledger;
	time_t			  now;
	const struct mg_message	 *msg;

	/* Recipient programs, each once, in recipient order. */
	const struct mg_program	**programs;
	size_t			  n_programs;
	/* Recipients whose domain is shared by several programs. */
	struct mg_strlist	  ambiguous;

	/* Normalised views: subject and new text. */
	struct mg_normtext	 *subject_flat, *subject_key;
	struct mg_normtext	 *text_flat, *text_key;

	const char		 *msg_class;	/* see classify.h */
	/* The message answers one from a program: In-Reply-To/References
	 * name a Message-ID the applicant did not send. */
	int			  answers_program;
};

struct mg_rule {
	const char		*id;
	enum mg_severity	 severity;	/* its most severe finding */
	const char		*summary;	/* one line, for `help` */
	const char *const	*lists;		/* filter lists it uses, NULL-ended */
	/* Adds findings; returns -1 only on an internal error (err set). */
	int			(*check)(const struct mg_check_ctx *ctx,
				    struct mg_findings *out, char *err,
				    size_t errlen);
};

/* The rules, in the order they run; NULL-terminated. */
extern const struct mg_rule *const mg_rules[];

/* Every filter list any rule or the classifier uses; NULL-terminated.
 * Built on first call. */
const char *const *mg_policy_filter_lists(void);

/* Checks that policy.rules names only known rules. */
int	mg_policy_validate(const struct mg_config *cfg, char *err, size_t errlen);

/* Adds a finding (message from fmt; evidence copied, may be NULL). */
int	mg_findings_add(struct mg_findings *f, const char *rule,
	    enum mg_severity sev, const char *evidence, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
void	mg_findings_clear(struct mg_findings *f);

/* Runs the policy.  ledger may be an empty read-only ledger.  On success
 * out holds the findings (caller clears) and *verdict is set; *msg_class
 * points to a static class name.  When programs is not NULL, *programs is
 * a new array of the recipient programs (caller frees the array, not the
 * programs).  With out NULL no rule runs: only the class and the programs
 * are worked out (import-sent). */
int	mg_policy_check(const struct mg_config *cfg,
	    const struct mg_filters *filters, struct mg_ledger *ledger,
	    const struct mg_message *msg, time_t now,
	    struct mg_findings *out, enum mg_verdict *verdict,
	    const char **msg_class, const struct mg_program ***programs,
	    size_t *n_programs, char *err, size_t errlen);

const char *mg_verdict_name(enum mg_verdict v);

/* Helpers shared by rules. */

/* Finds in the key views (subject, then text) a mention of program p:
 * its name, an alias or (when with_institution) its institution.  Returns
 * 1 with which view, and the span, or 0. */
int	mg_mentions_program(const struct mg_check_ctx *ctx,
	    const struct mg_program *p, int with_institution,
	    const struct mg_normtext **view, size_t *start, size_t *end);

/* Search subject then new text for a pattern of list (with the optional
 * exception list); on a hit returns 1 and a quotation the caller frees. */
int	mg_find_phrase(const struct mg_check_ctx *ctx, const char *list,
	    const char *except, int subject_too, char **quote);

/* When list matches (see mg_find_phrase), adds one finding of rule with
 * the fixed message and the quotation as evidence.  -1 only when out of
 * memory. */
int	mg_phrase_finding(const struct mg_check_ctx *ctx, struct mg_findings *out,
	    const char *rule, enum mg_severity sev, const char *list,
	    const char *except, int subject_too, const char *message,
	    char *err, size_t errlen);

/* The name of the program with this id, or the id when it is unknown. */
const char *mg_program_name(const struct mg_config *cfg, const char *id);

/* "2026-11-10" */
void	mg_day_str(long day, char buf[16]);
/* Whole days from a to b (b later), rounded down. */
long	mg_days_between(time_t a, time_t b);

#endif
