/*
 * office.h - an advising office's applicants, for `matchguard milter`
 * and the commands' --applicant ID.
 *
 * An office's configuration has a milter group; milter.applicants names
 * a folder with one folder per applicant, named by the applicant's ID
 * (lower case letters, digits, '.', '-', '_'), each with the applicant's
 * own matchguard.conf: identity, season, policy, their own programs
 * (paths.programs adds the office's shared file to them) and their own
 * paths.state, so that each has their own ledger and held queue:
 *
 *	applicants/priya/matchguard.conf
 *	applicants/priya/state/ledger.sqlite
 *
 * A letter belongs to the applicant whose ID or address is the SASL
 * login the MTA passes ({auth_authen}); with no login, to the
 * applicant one of whose identity.addresses is the envelope sender.
 * One applicant's letters are checked and recorded against their own
 * ledger only, under their own lock (a guard each, guard.h).
 */
#ifndef MATCHGUARD_OFFICE_H
#define MATCHGUARD_OFFICE_H

#include <stddef.h>

#include "matchguard/config.h"
#include "matchguard/guard.h"

struct mg_applicant {
	char		*id;
	struct mg_guard	*guard;		/* the applicant's configuration,
					 * filters, ledger, spool, lock */
};

struct mg_office {
	struct mg_applicant	*v;	/* sorted by id */
	size_t			 n;
};

/* The path of the configuration of applicant id under the office's
 * milter.applicants (caller frees); -1 with err when id is not a valid
 * ID or has no matchguard.conf there. */
int	mg_office_applicant_conf(const struct mg_config *office,
	    const char *id, char **path, char *err, size_t errlen);

/* Opens every applicant's configuration and ledger.  -1 with err naming
 * the file (one applicant's error stops it all): a bad configuration,
 * two applicants with one state folder, or one address claimed by two. */
int	mg_office_open(const struct mg_config *office, struct mg_office *o,
	    char *err, size_t errlen);
/* The applicant of a letter: by auth (the SASL login; NULL or "": none)
 * alone when there is one, else by sender ("<a@b>" or "a@b").  NULL:
 * not an applicant. */
struct mg_applicant *mg_office_find(const struct mg_office *o,
	    const char *auth, const char *sender);
void	mg_office_close(struct mg_office *o);

#endif
