/*
 * imap_notice.h - the notice of a held message, APPENDed to the
 * applicant's mailbox (imap.notice_folder, INBOX by default) so that
 * their mail client shows at once that a letter was NOT sent.
 *
 * Each held letter gets one notice, and so does each letter relayed with
 * warnings ("Sent, with notes"; its entry waits in <state>/notes, in the
 * spool's format, until the notice went).  The spool says whether one is
 * wanted and whether it went (spool.h, ID.notice); `serve` sends them
 * from one worker thread (notice_queue.h), `matchguard sendmail` before
 * it exits.  A notice that could not be sent stays to be sent, and serve
 * sends it when it starts again.
 */
#ifndef MATCHGUARD_IMAP_NOTICE_H
#define MATCHGUARD_IMAP_NOTICE_H

#include <time.h>

#include "matchguard/buf.h"
#include "matchguard/config.h"
#include "matchguard/policy.h"

/* The notice of a held message: From and To the applicant, subject
 * "Held: <subject>", the findings, and the commands to release or drop
 * it.  Pure (now passed in). */
void	mg_notice_build(const struct mg_config *cfg, const char *spool_id,
	    const char *subject, const char *programs,
	    const struct mg_findings *f, time_t now, struct mg_buf *out);

/* The notice of a letter relayed with warnings: subject "Sent, with
 * notes: <subject>", every finding, and where the letters sent with
 * notes are listed.  Pure. */
void	mg_notice_build_notes(const struct mg_config *cfg, const char *id,
	    const char *subject, const char *programs,
	    const struct mg_findings *f, time_t now, struct mg_buf *out);

/* 1 when cfg sends notices (an imap group, and imap.notices true). */
int	mg_notice_enabled(const struct mg_config *cfg);

enum mg_notice_status {
	MG_NOTICE_SENT,		/* in the mailbox, and ID.notice says so */
	MG_NOTICE_SKIPPED,	/* nothing to do: sent already, being sent
				 * by another process, not wanted, or the
				 * letter is no longer held */
	MG_NOTICE_FAILED	/* not sent (logged); it stays to be sent */
};

/* Sends the notice of the held letter id of spool_dir, built from its
 * entry, at most once (spool.h: claim, APPEND, done).  Logs the outcome
 * ("imap: notice of held message ID put in ..." or "imap: no notice of
 * held message ID ...").  Blocks for as long as the IMAP server takes
 * (imap.timeout per step). */
enum mg_notice_status mg_notice_send_held(const struct mg_config *cfg,
	    const char *spool_dir, const char *id, time_t now);

/* What a notice tells. */
enum mg_notice_kind {
	MG_NOTICE_HELD,		/* held, NOT sent (spool_dir: held/) */
	MG_NOTICE_NOTES		/* sent, with notes (spool_dir: notes/,
				 * whose entry goes once the notice went) */
};
/* mg_notice_send_held() for either kind. */
enum mg_notice_status mg_notice_send(const struct mg_config *cfg,
	    const char *spool_dir, const char *id, enum mg_notice_kind kind,
	    time_t now);

#endif
