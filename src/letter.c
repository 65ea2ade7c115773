/*
 * letter.c - one letter: parse, check, record, clear (letter.h).
 *
 * The one place that knows what a row of the ledger's history is made
 * of: which programs, which signature, which verdict and date, and when
 * a copy of a letter is not history at all (a letter serve held).
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matchguard/letter.h"
#include "matchguard/report.h"

int
mg_letter_parse(struct mg_letter *lt, const char *data, size_t len,
    const char *env_from, const struct mg_strlist *env_rcpts, char *err,
    size_t errlen)
{
	memset(lt, 0, sizeof(*lt));
	if (mg_message_parse(data, len, &lt->msg, err, errlen) == -1)
		return -1;
	if (env_from != NULL && (lt->msg->env_from = strdup(env_from)) == NULL)
		goto nomem;
	for (size_t i = 0; env_rcpts != NULL && i < env_rcpts->n; i++)
		if (mg_strlist_add(&lt->msg->env_rcpts, env_rcpts->v[i]) == -1)
			goto nomem;
	return 0;
nomem:
	mg_letter_clear(lt);
	mg_seterr(err, errlen, "out of memory");
	return -2;
}

int
mg_letter_parse_file(struct mg_letter *lt, const char *path, char *err,
    size_t errlen)
{
	memset(lt, 0, sizeof(*lt));
	return mg_message_parse_file(path, &lt->msg, err, errlen) == -1 ? -1 : 0;
}

void
mg_letter_lend(struct mg_letter *lt, struct mg_message *m)
{
	memset(lt, 0, sizeof(*lt));
	lt->msg = m;
	lt->lent = 1;
}

/* "a,b,c", cut at the size of the buffer. */
static void
program_list(const struct mg_check *ck, char *buf, size_t len)
{
	size_t	off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ck->n_programs && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
		    i > 0 ? "," : "", ck->programs[i]->id);
}

int
mg_letter_check(struct mg_letter *lt, const struct mg_app *app, time_t now,
    enum mg_check_mode mode, char *err, size_t errlen)
{
	return mg_letter_check_on(lt, app, app->ledger, now, mode, err,
	    errlen);
}

int
mg_letter_check_on(struct mg_letter *lt, const struct mg_app *app,
    struct mg_ledger *ledger, time_t now, enum mg_check_mode mode, char *err,
    size_t errlen)
{
	lt->checked = 0;
	lt->programs[0] = '\0';
	if (lt->msg == NULL) {
		mg_seterr(err, errlen, "internal error: no letter to check");
		return -1;
	}
	lt->check.cfg = &app->cfg;
	lt->check.filters = app->filters;
	lt->check.ledger = ledger;
	lt->check.msg = lt->msg;
	lt->check.now = now;
	lt->check.mode = mode;
	if (mg_policy_check(&lt->check, err, errlen) == -1)
		return -1;
	program_list(&lt->check, lt->programs, sizeof(lt->programs));
	lt->checked = 1;
	return 0;
}

static const char *
how_verdict(const struct mg_letter *lt, enum mg_letter_how how)
{
	switch (how) {
	case MG_LETTER_RELAYED:
		return mg_verdict_name(lt->check.verdict);
	case MG_LETTER_RELEASED:
		return "released";
	case MG_LETTER_RECHECKED:
		return "pass";
	case MG_LETTER_COPY:
		break;
	}
	return "imported";
}

/*
 * Is this a letter the ledger must not record, or has already?  Sets
 * *rec and returns 1 when so, 0 when the letter is to be recorded.
 * A copy is looked for among the letters serve held first: the client
 * files in its Sent folder whatever got a 250, held or not.
 */
static int
not_new(struct mg_letter *lt, struct mg_ledger *ledger, enum mg_letter_how how,
    int look_sent, enum mg_letter_recorded *rec, char *err, size_t errlen)
{
	const struct mg_message	*m = lt->msg;
	int			 yes;

	memset(&lt->held, 0, sizeof(lt->held));
	if (!lt->checked) {
		mg_seterr(err, errlen, "internal error: recording a letter "
		    "that was not checked");
		return -1;
	}
	if (lt->check.n_programs == 0) {
		*rec = MG_LETTER_NOT_HISTORY;	/* only mail to programs */
		return 1;
	}
	if (how == MG_LETTER_COPY) {
		if (mg_ledger_find_held(ledger, m->message_id, m->hash,
		    &lt->held, err, errlen) == -1)
			return -1;
		if (lt->held.found) {
			*rec = strcmp(lt->held.state, "released") == 0 ?
			    MG_LETTER_KNOWN : MG_LETTER_HELD_COPY;
			return 1;
		}
	}
	if (!look_sent)
		return 0;	/* mg_ledger_record_sent() looks itself */
	if (mg_ledger_is_sent(ledger, m->message_id, m->hash, &yes, err,
	    errlen) == -1)
		return -1;
	*rec = MG_LETTER_KNOWN;
	return yes;
}

int
mg_letter_would_record(struct mg_letter *lt, struct mg_ledger *ledger,
    enum mg_letter_how how, enum mg_letter_recorded *rec, char *err,
    size_t errlen)
{
	int	r = not_new(lt, ledger, how, 1, rec, err, errlen);

	if (r == 0)
		*rec = MG_LETTER_NEW;
	return r == -1 ? -1 : 0;
}

int
mg_letter_record(struct mg_letter *lt, struct mg_ledger *ledger,
    enum mg_letter_how how, enum mg_letter_recorded *rec, char *err,
    size_t errlen)
{
	const struct mg_check	*ck = &lt->check;
	const char		*ids[MG_POLICY_MAX_RCPTS];
	struct mg_sent		 s = { 0 };
	struct mg_buf		 fj = { 0 };
	int			 inserted, r;

	if ((r = not_new(lt, ledger, how, 0, rec, err, errlen)) != 0)
		return r == -1 ? -1 : 0;
	for (size_t i = 0; i < ck->n_programs && i < MG_POLICY_MAX_RCPTS; i++)
		ids[i] = ck->programs[i]->id;
	/* A copy has no findings (it was never checked by the rules); a
	 * release keeps none: it was the user's decision. */
	if (how == MG_LETTER_RELAYED)
		mg_findings_json(&fj, &ck->findings);
	else if (how != MG_LETTER_COPY)
		mg_buf_puts(&fj, "[]");
	s.message_id = lt->msg->message_id;
	s.content_hash = lt->msg->hash;
	s.date = ck->now;
	s.subject = lt->msg->subject;
	s.msg_class = ck->msg_class;
	s.verdict = how_verdict(lt, how);
	s.findings_json = fj.failed ? NULL : fj.s;
	s.programs = ids;
	s.n_programs = ck->n_programs < MG_POLICY_MAX_RCPTS ? ck->n_programs :
	    MG_POLICY_MAX_RCPTS;
	s.sig = &ck->sig;	/* made once, by the check */
	r = mg_ledger_record_sent(ledger, &s, &inserted, err, errlen);
	mg_buf_free(&fj);
	if (r == -1)
		return -1;
	*rec = inserted ? MG_LETTER_NEW : MG_LETTER_KNOWN;
	return 0;
}

int
mg_letter_record_held(const struct mg_letter *lt, struct mg_ledger *ledger,
    const char *spool_id, time_t when, const char *state, char *err,
    size_t errlen)
{
	struct mg_held	h = { 0 };
	struct mg_buf	fj = { 0 };
	int		rc;

	mg_findings_json(&fj, &lt->check.findings);
	h.spool_id = spool_id;
	h.message_id = lt->msg->message_id;
	h.content_hash = lt->msg->hash;
	h.date = when;
	h.subject = lt->msg->subject;
	h.programs = lt->programs;
	h.findings_json = fj.failed ? NULL : fj.s;
	rc = mg_ledger_record_held(ledger, &h, err, errlen);
	if (rc == 0 && state != NULL)
		rc = mg_ledger_set_held_state(ledger, spool_id, state, when, err,
		    errlen);
	mg_buf_free(&fj);
	return rc;
}

void
mg_letter_clear(struct mg_letter *lt)
{
	mg_check_clear(&lt->check);
	if (!lt->lent)
		mg_message_free(lt->msg);
	memset(lt, 0, sizeof(*lt));
}
