/*
 * directory.c - map recipient addresses to programs.
 */
#include "config_auto.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "matchguard/directory.h"
#include "matchguard/textnorm.h"

/* Does the domain of an address end with d on a dot boundary? */
static int
domain_matches(const char *domain, const char *d)
{
	size_t	ld = strlen(domain), lx = strlen(d);

	if (ld < lx || strcasecmp(domain + ld - lx, d) != 0)
		return 0;
	return ld == lx || domain[ld - lx - 1] == '.';
}

enum mg_lookup
mg_directory_lookup(const struct mg_directory *dir, const char *address,
    const struct mg_program **prog, const struct mg_program **other)
{
	const char	*at = strrchr(address, '@');
	size_t		 best = 0;

	*prog = *other = NULL;
	for (size_t i = 0; i < dir->n; i++)
		if (mg_strlist_has_ci(&dir->programs[i].addresses, address)) {
			*prog = &dir->programs[i];
			return MG_LOOKUP_FOUND;
		}
	if (at == NULL)
		return MG_LOOKUP_NONE;
	for (size_t i = 0; i < dir->n; i++) {
		const struct mg_program	*p = &dir->programs[i];

		for (size_t j = 0; j < p->domains.n; j++) {
			size_t	len = strlen(p->domains.v[j]);

			if (!domain_matches(at + 1, p->domains.v[j]) || len < best)
				continue;
			if (len > best) {
				best = len;
				*prog = p;
				*other = NULL;
			} else if (*prog != p && *other == NULL)
				*other = p;
		}
	}
	if (*prog == NULL)
		return MG_LOOKUP_NONE;
	return *other != NULL ? MG_LOOKUP_AMBIGUOUS : MG_LOOKUP_FOUND;
}

const struct mg_program *
mg_directory_find_id(const struct mg_directory *dir, const char *id)
{
	for (size_t i = 0; i < dir->n; i++)
		if (strcmp(dir->programs[i].id, id) == 0)
			return &dir->programs[i];
	return NULL;
}

static int
add_key(struct mg_strlist *l, const char *name)
{
	char	*key = mg_name_key(name);
	int	 rc = key != NULL ? mg_strlist_add(l, key) : -1;

	free(key);
	return rc;
}

static int
add_keys(struct mg_strlist *l, const struct mg_strlist *names)
{
	for (size_t i = 0; i < names->n; i++)
		if (add_key(l, names->v[i]) == -1)
			return -1;
	return 0;
}

int
mg_program_make_keys(struct mg_program *p)
{
	struct mg_program_keys	*k = &p->keys;

	if ((k->name = mg_name_key(p->name)) == NULL ||
	    (k->institution = mg_name_key(p->institution != NULL ?
	    p->institution : "")) == NULL ||
	    add_keys(&k->aliases, &p->aliases) == -1 ||
	    add_keys(&k->features, &p->features) == -1 ||
	    add_keys(&k->tracks, &p->tracks) == -1)
		return -1;
	for (size_t i = 0; i < p->n_contacts; i++) {
		const char	*name = p->contacts[i].name;
		const char	*last = strrchr(name, ' ');

		if (add_key(&k->contacts, name) == -1 ||
		    add_key(&k->surnames, last != NULL ? last + 1 : name) == -1)
			return -1;
	}
	return 0;
}

static void
clear_keys(struct mg_program_keys *k)
{
	free(k->name);
	free(k->institution);
	mg_strlist_clear(&k->aliases);
	mg_strlist_clear(&k->features);
	mg_strlist_clear(&k->tracks);
	mg_strlist_clear(&k->contacts);
	mg_strlist_clear(&k->surnames);
}

void
mg_directory_clear(struct mg_directory *dir)
{
	for (size_t i = 0; i < dir->n; i++) {
		struct mg_program	*p = &dir->programs[i];

		free(p->id);
		free(p->name);
		free(p->institution);
		mg_strlist_clear(&p->aliases);
		mg_strlist_clear(&p->addresses);
		mg_strlist_clear(&p->domains);
		mg_strlist_clear(&p->features);
		mg_strlist_clear(&p->tracks);
		for (size_t j = 0; j < p->n_contacts; j++) {
			free(p->contacts[j].role);
			free(p->contacts[j].name);
		}
		free(p->contacts);
		clear_keys(&p->keys);
	}
	free(dir->programs);
	dir->programs = NULL;
	dir->n = 0;
}
