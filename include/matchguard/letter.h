/*
 * letter.h - one letter, whichever way it came in: parse, check, record,
 * clear.
 *
 * Every way in (serve's guard and sendmail through it, check,
 * import-sent, the poller's Sent folder, queue release and edit) takes
 * these steps, so that what the ledger keeps of a letter never depends
 * on how it arrived:
 *
 *	struct mg_letter	lt = { 0 };
 *
 *	mg_letter_parse(&lt, data, len, from, rcpts, err, errlen);
 *	mg_letter_check(&lt, app, now, MG_CHECK_RULES, err, errlen);
 *	mg_letter_record(&lt, app->ledger, MG_LETTER_RELAYED, &rec, err,
 *	    errlen);
 *	mg_letter_clear(&lt);
 *
 * Ownership: a letter owns its message (unless lent with
 * mg_letter_lend()) and the outputs of its check (lt->check: the
 * findings and the programs array; the programs themselves are the
 * configuration's, and must outlive the letter).  mg_letter_clear()
 * frees what the letter owns and leaves an empty letter, ready for the
 * next parse.  Nothing here locks: serve's guard holds its lock around
 * the check and the record (guard.h).
 */
#ifndef MATCHGUARD_LETTER_H
#define MATCHGUARD_LETTER_H

#include <stddef.h>
#include <time.h>

#include "matchguard/app.h"
#include "matchguard/ledger.h"
#include "matchguard/message.h"
#include "matchguard/policy.h"

struct mg_letter {
	struct mg_message	*msg;		/* NULL before a parse */
	int			 lent;		/* msg is the caller's */
	/* The run of the policy (policy.h): the inputs are set by
	 * mg_letter_check(), the outputs are valid when checked is 1. */
	struct mg_check		 check;
	int			 checked;
	/* The recipient programs' ids after the check, "a,b,c" ("" when
	 * none), for the log and the held queue (cut at its size). */
	char			 programs[512];
	/* What mg_letter_record() found of a letter serve held, when it
	 * said MG_LETTER_HELD_COPY (or MG_LETTER_KNOWN for one released). */
	struct mg_held_row	 held;
};

/* Parses len bytes of a message (message.h) into an empty letter, with
 * the envelope when it is known: the sender (NULL: none) and the
 * recipients (NULL or empty: the To, Cc and Bcc fields count).  0; -1
 * when the bytes are not a readable message (err says why, in words for
 * the sender); -2 when out of memory. */
int	mg_letter_parse(struct mg_letter *lt, const char *data, size_t len,
	    const char *env_from, const struct mg_strlist *env_rcpts,
	    char *err, size_t errlen);
/* The same from a file, with no envelope; err names the file.  0 or -1. */
int	mg_letter_parse_file(struct mg_letter *lt, const char *path,
	    char *err, size_t errlen);
/* Takes m (the caller's, as mg_message_foreach_mbox() passes it) as the
 * letter's message: mg_letter_clear() does not free it. */
void	mg_letter_lend(struct mg_letter *lt, struct mg_message *m);

/* Runs the policy on a parsed letter as if it were sent at now (a copy
 * that left already: at its Date), with app's configuration, filters
 * and ledger, in mode (policy.h).  Replaces the outputs of an earlier
 * check.  0, or -1 with err set (out of memory, the ledger). */
int	mg_letter_check(struct mg_letter *lt, const struct mg_app *app,
	    time_t now, enum mg_check_mode mode, char *err, size_t errlen);
/* The same, reading ledger (a connection of the same file as app's, e.g.
 * one of serve's sessions) instead of app->ledger. */
int	mg_letter_check_on(struct mg_letter *lt, const struct mg_app *app,
	    struct mg_ledger *ledger, time_t now, enum mg_check_mode mode,
	    char *err, size_t errlen);

/* How a letter left, which says what the ledger keeps of it. */
enum mg_letter_how {
	/* serve (or sendmail through it) relays it after its check:
	 * the check's verdict (pass, warn) and findings. */
	MG_LETTER_RELAYED,
	/* queue release: sent as the user's decision despite the
	 * findings: "released", no findings. */
	MG_LETTER_RELEASED,
	/* queue release --recheck: it passed a new check: "pass", no
	 * findings. */
	MG_LETTER_RECHECKED,
	/* The mail client's own copy of a letter (import-sent, the Sent
	 * folder): "imported", no findings.  Never recorded when it is a
	 * copy (same Message-ID, or same bytes) of a letter serve held:
	 * one held, refused (on_hold = "reject" or "reject-and-queue"),
	 * superseded or dropped was not sent, and one released was
	 * recorded at its release (with the bytes that left: its new
	 * Date). */
	MG_LETTER_COPY
};

enum mg_letter_recorded {
	MG_LETTER_NEW,		/* a new row of history */
	MG_LETTER_KNOWN,	/* the ledger has it: the same Message-ID or
				 * the same bytes, or (a copy) it was
				 * recorded when serve released it */
	MG_LETTER_NOT_HISTORY,	/* to no program: not history */
	MG_LETTER_HELD_COPY	/* a copy of a letter serve held and did not
				 * send (lt->held: its ID and state) */
};

/*
 * Records a checked letter that left: one row with the ids of its
 * programs, the template signature its check made (struct mg_check.sig,
 * the same one generic-template compared), the findings as JSON, its
 * class, the verdict how says, and its date: when it was checked
 * (lt->check.now: serve's time of receipt, a copy's Date field, the
 * time of the release).  *rec says what was done.  0, or -1 with err
 * set (not checked, a ledger error).
 */
int	mg_letter_record(struct mg_letter *lt, struct mg_ledger *ledger,
	    enum mg_letter_how how, enum mg_letter_recorded *rec, char *err,
	    size_t errlen);
/* What mg_letter_record() would do, with reads only (import-sent
 * --dry-run, a read-only ledger). */
int	mg_letter_would_record(struct mg_letter *lt, struct mg_ledger *ledger,
	    enum mg_letter_how how, enum mg_letter_recorded *rec, char *err,
	    size_t errlen);

/* Records a checked letter that serve held for review as spool_id at
 * when (its Message-ID, content hash, subject, programs and findings),
 * in state "held", or in state (e.g. "rejected": refused with
 * on_hold = "reject"), so that its copies are known.  0 or -1 (err). */
int	mg_letter_record_held(const struct mg_letter *lt,
	    struct mg_ledger *ledger, const char *spool_id, time_t when,
	    const char *state, char *err, size_t errlen);

/* Frees what the letter owns; *lt is then empty ({ 0 }). */
void	mg_letter_clear(struct mg_letter *lt);

#endif
