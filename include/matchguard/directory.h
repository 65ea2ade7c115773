/*
 * directory.h - the programs the applicant writes to, and how a recipient
 * address maps to one of them.
 *
 * A recipient maps to a program by exact address first, then by the
 * longest matching domain on a dot boundary ("evilharborview.edu" is not
 * "harborview.edu", "mail.harborview.edu" is).  When two programs share
 * the longest matching domain and no address decides, the recipient is
 * ambiguous: reported, never guessed.
 */
#ifndef MATCHGUARD_DIRECTORY_H
#define MATCHGUARD_DIRECTORY_H

#include <stddef.h>

#include "matchguard/util.h"

struct mg_contact {
	char	*role;		/* "director", "coordinator", ... */
	char	*name;		/* "Elena Marchetti" */
};

struct mg_program {
	char			*id;
	char			*name;
	char			*institution;	/* "" when not set */
	struct mg_strlist	 aliases;
	struct mg_strlist	 addresses;	/* lower case */
	struct mg_strlist	 domains;	/* lower case */
	struct mg_strlist	 features;
	struct mg_strlist	 tracks;	/* "research track", ... */
	struct mg_contact	*contacts;
	size_t			 n_contacts;
	int			 has_interview;
	long			 interview_day;	/* see util.h */
	int			 line;		/* in the configuration */
};

struct mg_directory {
	struct mg_program	*programs;
	size_t			 n;
};

enum mg_lookup {
	MG_LOOKUP_NONE,		/* not a program address */
	MG_LOOKUP_FOUND,
	MG_LOOKUP_AMBIGUOUS	/* several programs share the domain */
};

/* Maps one address.  On FOUND, *prog is the program; on AMBIGUOUS,
 * *prog is the first candidate and *other the second. */
enum mg_lookup mg_directory_lookup(const struct mg_directory *dir,
	    const char *address, const struct mg_program **prog,
	    const struct mg_program **other);

const struct mg_program *mg_directory_find_id(const struct mg_directory *dir,
	    const char *id);

void	mg_directory_clear(struct mg_directory *dir);

#endif
