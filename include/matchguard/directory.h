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

/* The name keys (textnorm.h, mg_name_key()) of a program's names, made
 * once when the directory is loaded: the rules look for them in every
 * letter, and making a key is far dearer than finding it. */
struct mg_program_keys {
	char			*name;
	char			*institution;	/* the key of "" when not set */
	struct mg_strlist	 aliases;
	struct mg_strlist	 features;
	struct mg_strlist	 tracks;
	struct mg_strlist	 contacts;	/* whole names, in order */
	struct mg_strlist	 surnames;	/* last word of each contact */
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
	struct mg_program_keys	 keys;		/* mg_program_make_keys() */
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

/* Fills p->keys from its names; -1 when out of memory.  The
 * configuration loader calls it for every program. */
int	mg_program_make_keys(struct mg_program *p);

void	mg_directory_clear(struct mg_directory *dir);

#endif
