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
#include "matchguard/frames.h"
#include "matchguard/greeting.h"
#include "matchguard/ledger.h"
#include "matchguard/message.h"
#include "matchguard/textnorm.h"
#include "matchguard/textsim.h"

/* Only the first MG_POLICY_MAX_TEXT bytes of the new text of each part
 * are checked; a letter with more is held (rule unreadable). */
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
	/* The end of the history the rules read: ledger rows dated before
	 * it.  now + 1, so that a message sent earlier in the same second
	 * (the ledger keeps seconds) counts as sent. */
	time_t			  history_end;
	const struct mg_message	 *msg;

	/* Recipient programs, each once, in recipient order. */
	const struct mg_program	**programs;
	size_t			  n_programs;
	/* Recipients whose domain is shared by several programs. */
	struct mg_strlist	  ambiguous;

	/* Normalised views: subject and new text (without the quoted reply
	 * and the signature after "-- "). */
	struct mg_normtext	 *subject_flat, *subject_key;
	struct mg_normtext	 *text_flat, *text_key;
	/* The new text without the sign-off and disclaimer blocks at its
	 * end ("Best regards, / Priya", "CONFIDENTIALITY NOTICE: ...";
	 * filters/disclaimer.conf), "-- " or not: what the attachment,
	 * intent, ranking and bargaining rules read (mg_find_phrase()
	 * reads it).  text_flat when there is none. */
	struct mg_normtext	 *body_flat;
	/* Everything the applicant wrote: the new text and the signature
	 * after "-- " (the placeholder rule reads it: "[Your Full Name]"
	 * is a slot too).  text_flat when there is no signature. */
	struct mg_normtext	 *written_flat;

	/* Which text part of the letter the text views are (message.h):
	 * NULL for the body, else its label ("the HTML version").  The
	 * engine runs the content rules once more for every part a reader
	 * sees whose text differs from the body's. */
	const char		 *part;
	/* The body's KEY view, whichever part is checked: a program is
	 * named in the letter when it is named in any part. */
	const struct mg_normtext *letter_key;
	/* The text of some part is longer than MG_POLICY_MAX_TEXT: NULL, ""
	 * (the body) or the part's label. */
	const char		 *too_long;
	/* No recipient is a program of the directory, but the letter reads
	 * as one to a residency program (filters/residency.conf): the
	 * content rules run with one stand-in program (programs[0]: its
	 * name is the address, it has no history), and unknown-program
	 * says how to add it.  unknown_signs lists the signs found. */
	int			  unknown_program;
	char			  unknown_signs[160];

	/* The concept frames of subject and new text (frames.h). */
	struct mg_frames_doc	 *frames;

	const char		 *msg_class;	/* see classify.h */
	/* The message answers one from a program: In-Reply-To/References
	 * name a Message-ID the applicant did not send. */
	int			  answers_program;
	/* The template signature of the body's new text (struct
	 * mg_check.sig), made once by the engine for every letter to a
	 * program; NULL when n_programs is 0 or for a stand-in program. */
	const struct mg_textsig	 *sig;

	/* The salutation of the new text (greeting.h). */
	struct mg_greeting	  greeting;
};

struct mg_rule {
	const char		*id;
	enum mg_severity	 severity;	/* its most severe finding */
	const char		*summary;	/* one line, for `help` */
	/* For `matchguard explain`: what it checks, why it matters to the
	 * applicant (one paragraph each), and the policy settings it reads
	 * (NULL-ended; NULL when none). */
	const char		*checks;
	const char		*why;
	const char *const	*settings;
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

/* Adds a finding of rule (message from fmt; evidence copied, may be
 * NULL).  The engine's own; a rule calls mg_rule_finding(). */
int	mg_findings_add(struct mg_findings *f, const char *rule,
	    enum mg_severity sev, const char *evidence, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
/* What a rule's check() calls: adds a finding as mg_findings_add() does,
 * and the engine stamps it with the id of the rule that is running (so a
 * rule never types its own id, nor another's).  -1 when out of memory. */
int	mg_rule_finding(struct mg_findings *f, enum mg_severity sev,
	    const char *evidence, const char *fmt, ...)
	    __attribute__((format(printf, 4, 5)));
void	mg_findings_clear(struct mg_findings *f);

/* What a run of the policy does. */
enum mg_check_mode {
	MG_CHECK_RULES,		/* every rule: findings and a verdict */
	MG_CHECK_CLASSIFY	/* no rule: only the class, the programs and
				 * the signature (a letter that left
				 * already: import-sent, the Sent folder, a
				 * release without --recheck) */
};

/*
 * One run of the policy, a function of (message, directory, ledger, now):
 * the caller sets the inputs, mg_policy_check() the outputs, and
 * mg_check_clear() frees the outputs (the inputs are the caller's and
 * stay as they are, so the same struct may be run again).
 */
struct mg_check {
	/* In. */
	const struct mg_config	 *cfg;
	const struct mg_filters	 *filters;
	struct mg_ledger	 *ledger;	/* may be an empty read-only
						 * ledger */
	const struct mg_message	 *msg;
	time_t			  now;
	enum mg_check_mode	  mode;

	/* Out. */
	enum mg_verdict		  verdict;	/* MG_PASS when classifying */
	const char		 *msg_class;	/* static (classify.h) */
	/* The recipient programs, each once, in recipient order: the
	 * array is owned here, the programs are cfg's. */
	const struct mg_program	**programs;
	size_t			  n_programs;
	struct mg_findings	  findings;	/* none when classifying */
	/* The template signature of the new text (mg_signature_of()),
	 * made once for a letter to a program (n_programs > 0), in either
	 * mode: generic-template compares it, the ledger stores it.
	 * sig.words is 0 when none was made. */
	struct mg_textsig	  sig;
};

/* Runs ck (outputs cleared first).  -1 with err set on an internal error
 * (out of memory, the ledger); the outputs are then empty. */
int	mg_policy_check(struct mg_check *ck, char *err, size_t errlen);
/* Frees the outputs of ck and zeroes them; the inputs stay. */
void	mg_check_clear(struct mg_check *ck);

const char *mg_verdict_name(enum mg_verdict v);

/* Helpers shared by rules. */

/* Finds in the key views (subject, then text, then the body's text when
 * another part is checked) a mention of program p:
 * its name, an alias or (when with_institution) its institution.  Returns
 * 1 with which view, and the span, or 0. */
int	mg_mentions_program(const struct mg_check_ctx *ctx,
	    const struct mg_program *p, int with_institution,
	    const struct mg_normtext **view, size_t *start, size_t *end);

/* Search the new text without its sign-off and disclaimer blocks
 * (body_flat), then the subject, for a pattern of list (with the
 * optional exception list); on a hit returns 1 and a quotation the
 * caller frees. */
int	mg_find_phrase(const struct mg_check_ctx *ctx, const char *list,
	    const char *except, int subject_too, char **quote);

/* When list matches (see mg_find_phrase), adds one finding (of the rule
 * that is running, see mg_rule_finding()) with the fixed message and the
 * quotation as evidence.  -1 only when out of memory. */
int	mg_phrase_finding(const struct mg_check_ctx *ctx, struct mg_findings *out,
	    enum mg_severity sev, const char *list,
	    const char *except, int subject_too, const char *message,
	    char *err, size_t errlen);

/* Has program p answered the message sent to it at sent
 * (mg_answered_since(), reply.h): its interview since, or a reply logged
 * since (asked of the ledger only when the interview does not settle
 * it)?  *yes is 1 or 0; -1 with err set on a ledger error. */
int	mg_program_answered(const struct mg_check_ctx *ctx,
	    const struct mg_program *p, time_t sent, int *yes, char *err,
	    size_t errlen);

/* The rule with this id, or NULL. */
const struct mg_rule *mg_rule_find(const char *id);

/* The value of the policy setting name ("template_similarity") as text,
 * and its default; -1 when there is no such setting. */
int	mg_policy_setting(const struct mg_config *cfg, const char *name,
	    char *value, size_t valuelen, char *dflt, size_t dfltlen);

/* Does the message say something only program p has: one of its
 * features or tracks, or the name of one of its contacts outside the
 * greeting?  1 with *what (static within p) naming it, else 0. */
int	mg_program_specific(const struct mg_check_ctx *ctx,
	    const struct mg_program *p, const char **what);

/* Words of text as the length rule counts them (runs of letters and
 * digits, in the KEY form). */
size_t	mg_count_words(const char *text);

/* The name of the program with this id, or the id when it is unknown. */
const char *mg_program_name(const struct mg_config *cfg, const char *id);

#endif
