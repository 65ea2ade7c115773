/*
 * spool.h - the held queue: messages `serve` keeps for the applicant to
 * review, on disk under <paths.state>/held/ (mode 0700).
 *
 * One held message is two files: ID.eml, the raw message exactly as the
 * client sent it, and ID.env, its envelope and findings as "key value"
 * lines.  Both are written to a temporary name with O_EXCL and mode 0600,
 * fsynced and renamed, the .eml first, then the directory is fsynced: an
 * entry exists once its .env exists, and a crash leaves at most a
 * temporary file that is never listed.  Only then does the client get its
 * 250.
 *
 * A superseded entry (a newer version of the letter came since) moves
 * to held/superseded/, with the same files: kept, never listed.
 *
 * Notices (imap_notice.h): an entry whose .env says "notice" wants one
 * notice in the applicant's mailbox.  ID.notice, beside it, says how far
 * that got: missing or empty, the notice is still to be sent; "sent TIME"
 * once the mailbox took it (written and fsynced, with the directory).
 * Whoever sends a notice holds an exclusive flock(2) on ID.notice
 * meanwhile, so that `serve` and `matchguard sendmail` never both send
 * it; ID.notice is never renamed or replaced, so the lock is on the one
 * file everybody opens.
 */
#ifndef MATCHGUARD_SPOOL_H
#define MATCHGUARD_SPOOL_H

#include <stddef.h>
#include <time.h>

#include "matchguard/util.h"

#define MG_SPOOL_IDLEN	40

struct mg_spool_finding {
	char	*rule;
	char	*severity;
	char	*message;
	char	*evidence;
};

struct mg_spool_entry {
	char			 id[MG_SPOOL_IDLEN];
	char			*from;
	struct mg_strlist	 rcpts;
	time_t			 held_at;
	char			*subject;
	char			*message_id;	/* may be NULL */
	char			*in_reply_to;	/* the first id; may be NULL */
	char			*programs;	/* "harborview,lakeside" */
	struct mg_spool_finding	*findings;
	size_t			 n_findings;
	int			 notice;	/* a notice is wanted */
};

/* Writes a held message durably; id receives its new ID. */
int	mg_spool_hold(const char *dir, const struct mg_spool_entry *e,
	    const char *data, size_t len, char id[MG_SPOOL_IDLEN],
	    char *err, size_t errlen);

/* Every entry, oldest first; the caller frees with mg_spool_free_list. */
int	mg_spool_list(const char *dir, struct mg_spool_entry **out, size_t *n,
	    char *err, size_t errlen);
void	mg_spool_free_list(struct mg_spool_entry *v, size_t n);

/* One entry and (when data is not NULL) its message; the caller clears e
 * with mg_spool_entry_clear and frees *data. */
int	mg_spool_load(const char *dir, const char *id, struct mg_spool_entry *e,
	    char **data, size_t *len, char *err, size_t errlen);
void	mg_spool_entry_clear(struct mg_spool_entry *e);

/* Replaces the message and the findings of an entry (queue edit). */
int	mg_spool_update(const char *dir, const struct mg_spool_entry *e,
	    const char *data, size_t len, char *err, size_t errlen);

/* Sets an entry aside: its files (ID.notice included) move to
 * dir/sub/ (made 0700 when missing), where nothing lists it as held but
 * it is kept: "superseded", a newer version of the letter was sent
 * or held since. */
int	mg_spool_retire(const char *dir, const char *id, const char *sub,
	    char *err, size_t errlen);

/* Removes an entry (its files, ID.notice included). */
int	mg_spool_remove(const char *dir, const char *id, char *err,
	    size_t errlen);

/* Removes what a crash can leave behind and nobody acknowledged: hidden
 * temporary files, and an ID.eml or ID.notice without its ID.env, when
 * older than min_age seconds (so that a writer at work now is left
 * alone).  Returns how many files went, or -1. */
int	mg_spool_sweep(const char *dir, time_t now, time_t min_age,
	    char *err, size_t errlen);

/* 1 when the notice of id was sent (ID.notice says so), else 0. */
int	mg_spool_notice_sent(const char *dir, const char *id);

/* Takes the notice of id for sending: 1 with *fd (locked) when it is
 * still to be sent, to be given to mg_spool_notice_done() or
 * mg_spool_notice_release(); 0 when there is nothing to do (sent
 * already, being sent by another process, or the letter is no longer
 * held); -1 with err.  The caller checks that the entry wants one. */
int	mg_spool_notice_claim(const char *dir, const char *id, int *fd,
	    char *err, size_t errlen);

/* Records in ID.notice that the mailbox took the notice at `when`,
 * durably, and lets go of fd (closed in every case). */
int	mg_spool_notice_done(const char *dir, const char *id, int fd,
	    time_t when, char *err, size_t errlen);

/* Lets go of fd and records nothing: the notice is still to be sent. */
void	mg_spool_notice_release(int fd);

#endif
