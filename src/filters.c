/*
 * filters.c - load the filters/ folder (every .conf file) and match their patterns.
 */
#include "config_auto.h"

#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "matchguard/filters.h"
#include "matchguard/frames.h"
#include "matchguard/patlit.h"
#include "matchguard/util.h"

struct mg_patlist {
	char		 *name;		/* "stem.setting" */
	char		**src;
	regex_t		 *re;
	struct mg_patlit **lit;		/* prefilters (patlit.h), may be NULL */
	size_t		  n;
	int		  icase;	/* REG_ICASE: not a "_case" list */
	int		  phrases;	/* a phrase list of the frames (frames.h):
					 * its strings are kept, not compiled */
	char		 *file;		/* where it was defined */
	int		  line;
};

struct mg_filters {
	struct mg_patlist	*lists;
	size_t			 n;
	struct mg_frames	*frames;	/* the concept lists, compiled */
};

static void
patlist_free(struct mg_patlist *pl)
{
	for (size_t i = 0; i < pl->n; i++) {
		if (!pl->phrases)
			regfree(&pl->re[i]);
		free(pl->src[i]);
		mg_patlit_free(pl->lit[i]);
	}
	free(pl->re);
	free(pl->lit);
	free(pl->src);
	free(pl->name);
	free(pl->file);
}

void
mg_filters_free(struct mg_filters *f)
{
	if (f == NULL)
		return;
	for (size_t i = 0; i < f->n; i++)
		patlist_free(&f->lists[i]);
	free(f->lists);
	mg_frames_free(f->frames);
	free(f);
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t	ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* Compiles one setting (a list of strings) into pl. */
static int
load_list(struct mg_patlist *pl, config_setting_t *set, const char *path,
    const char *stem, char *err, size_t errlen)
{
	const char	*name = config_setting_name(set);
	int		 line = config_setting_source_line(set);
	int		 flags = REG_EXTENDED;
	int		 count;
	size_t		 need;

	if (!config_setting_is_aggregate(set) ||
	    config_setting_type(set) == CONFIG_TYPE_GROUP) {
		mg_seterr(err, errlen, "%s:%d: %s: must be a list of patterns, "
		    "like [ \"first\", \"second\" ]", path, line, name);
		return -1;
	}
	if (!ends_with(name, "_case")) {
		flags |= REG_ICASE;
		pl->icase = 1;
	}
	need = strlen(stem) + strlen(name) + 2;
	if ((pl->name = malloc(need)) == NULL || (pl->file = strdup(path)) == NULL)
		goto nomem;
	snprintf(pl->name, need, "%s.%s", stem, name);
	pl->line = line;
	for (const char *const *ph = mg_frames_lists; *ph != NULL; ph++)
		pl->phrases |= strcmp(*ph, pl->name) == 0;
	count = config_setting_length(set);
	pl->src = calloc((size_t)count + 1, sizeof(*pl->src));
	pl->re = calloc((size_t)count + 1, sizeof(*pl->re));
	pl->lit = calloc((size_t)count + 1, sizeof(*pl->lit));
	if (pl->src == NULL || pl->re == NULL || pl->lit == NULL)
		goto nomem;
	for (int i = 0; i < count; i++) {
		config_setting_t	*e = config_setting_get_elem(set, (unsigned)i);
		const char		*pat = config_setting_get_string(e);
		int			 rc;
		char			 msg[128];

		if (pat == NULL || *pat == '\0') {
			mg_seterr(err, errlen, "%s:%d: %s: item %d is not a "
			    "pattern in double quotes", path, line, name, i + 1);
			return -1;
		}
		if (pl->phrases) {	/* mg_frames_new() reads them */
			if ((pl->src[pl->n] = strdup(pat)) == NULL)
				goto nomem;
			pl->n++;
			continue;
		}
		if ((rc = regcomp(&pl->re[pl->n], pat, flags)) != 0) {
			regerror(rc, &pl->re[pl->n], msg, sizeof(msg));
			mg_seterr(err, errlen, "%s:%d: %s: bad pattern \"%s\": %s",
			    path, line, name, pat, msg);
			return -1;
		}
		if ((pl->src[pl->n] = strdup(pat)) == NULL) {
			regfree(&pl->re[pl->n]);
			goto nomem;
		}
		/* Without one (or out of memory) the pattern always runs. */
		pl->lit[pl->n] = mg_patlit_new(pat, pl->icase);
		pl->n++;
	}
	return 0;
nomem:
	mg_seterr(err, errlen, "%s: out of memory", path);
	return -1;
}

static int
load_file(struct mg_filters *f, const char *dir, const char *fname,
    char *err, size_t errlen)
{
	config_t	 cf;
	char		 path[4096], stem[256];
	config_setting_t *root;
	int		 rc = -1;
	size_t		 sl = strlen(fname) - strlen(".conf");

	if (sl >= sizeof(stem)) {
		mg_seterr(err, errlen, "%s/%s: file name too long", dir, fname);
		return -1;
	}
	memcpy(stem, fname, sl);
	stem[sl] = '\0';
	snprintf(path, sizeof(path), "%s/%s", dir, fname);
	config_init(&cf);
	if (config_read_file(&cf, path) == CONFIG_FALSE) {
		mg_seterr(err, errlen, "%s:%d: %s", config_error_file(&cf) ?
		    config_error_file(&cf) : path, config_error_line(&cf),
		    config_error_text(&cf));
		goto out;
	}
	root = config_root_setting(&cf);
	for (int i = 0; i < config_setting_length(root); i++) {
		struct mg_patlist	*nl;

		nl = realloc(f->lists, (f->n + 1) * sizeof(*nl));
		if (nl == NULL) {
			mg_seterr(err, errlen, "%s: out of memory", path);
			goto out;
		}
		f->lists = nl;
		memset(&f->lists[f->n], 0, sizeof(*nl));
		f->n++;
		if (load_list(&f->lists[f->n - 1],
		    config_setting_get_elem(root, (unsigned)i), path, stem,
		    err, errlen) == -1)
			goto out;
	}
	rc = 0;
out:
	config_destroy(&cf);
	return rc;
}

static int
is_known(const char *const *known, const char *name)
{
	for (; *known != NULL; known++)
		if (strcmp(*known, name) == 0)
			return 1;
	return 0;
}

static int
check_names(const struct mg_filters *f, const char *dir,
    const char *const *known, char *err, size_t errlen)
{
	for (size_t i = 0; i < f->n; i++) {
		if (!is_known(known, f->lists[i].name)) {
			mg_seterr(err, errlen, "%s:%d: unknown list '%s' "
			    "(no rule uses it; is the name misspelt?)",
			    f->lists[i].file, f->lists[i].line,
			    f->lists[i].name);
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(f->lists[j].name, f->lists[i].name) == 0) {
				mg_seterr(err, errlen, "%s:%d: list '%s' "
				    "defined twice", f->lists[i].file,
				    f->lists[i].line, f->lists[i].name);
				return -1;
			}
	}
	for (; *known != NULL; known++)
		if (mg_filters_get(f, *known) == NULL) {
			const char	*dot = strchr(*known, '.');

			mg_seterr(err, errlen, "%s/%.*s.conf: missing list '%s'",
			    dir, dot ? (int)(dot - *known) : 0, *known,
			    dot ? dot + 1 : *known);
			return -1;
		}
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
mg_filters_load(const char *dir, const char *const *known,
    struct mg_filters **out, char *err, size_t errlen)
{
	struct mg_filters	*f;
	struct mg_strlist	 files = { 0 };
	DIR			*d;
	struct dirent		*de;
	int			 rc = -1;

	if ((d = opendir(dir)) == NULL) {
		mg_seterr(err, errlen, "filters directory %s: %s "
		    "(set paths.filters)", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.' && ends_with(de->d_name, ".conf") &&
		    mg_strlist_add(&files, de->d_name) == -1) {
			closedir(d);
			mg_strlist_clear(&files);
			mg_seterr(err, errlen, "out of memory");
			return -1;
		}
	closedir(d);
	/* Sorted, so that errors and precedence do not depend on readdir. */
	if (files.n > 0)
		qsort(files.v, files.n, sizeof(*files.v), cmp_names);
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		mg_seterr(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < files.n; i++)
		if (load_file(f, dir, files.v[i], err, errlen) == -1)
			goto out;
	if (check_names(f, dir, known, err, errlen) == -1 ||
	    mg_frames_new(f, dir, &f->frames, err, errlen) == -1)
		goto out;
	*out = f;
	f = NULL;
	rc = 0;
out:
	mg_filters_free(f);
	mg_strlist_clear(&files);
	return rc;
}

const struct mg_patlist *
mg_filters_get(const struct mg_filters *f, const char *name)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->lists[i].name, name) == 0)
			return &f->lists[i];
	return NULL;
}

const struct mg_frames *
mg_filters_frames(const struct mg_filters *f)
{
	return f->frames;
}

size_t
mg_patlist_count(const struct mg_patlist *pl)
{
	return pl->n;
}

const char *
mg_patlist_source(const struct mg_patlist *pl, size_t i)
{
	return i < pl->n ? pl->src[i] : NULL;
}

/* Can pattern i match s?  lower is s in ASCII lower case (what the
 * prefilter of a REG_ICASE list reads), or NULL: then it may; grams
 * those of the text s is part of, or NULL (patlit.h). */
static int
may_match(const struct mg_patlist *pl, size_t i, const char *s,
    const char *lower, const uint64_t *grams)
{
	if (!pl->icase)
		return mg_patlit_may_match_in(pl->lit[i], s, grams);
	return lower == NULL || mg_patlit_may_match_in(pl->lit[i], lower,
	    grams);
}

int
mg_patlist_match_str(const struct mg_patlist *pl, const char *s)
{
	char	*lower;
	int	 yes = 0;

	if (pl->phrases)
		return 0;
	lower = pl->icase ? mg_ascii_lower(s, strlen(s)) : NULL;
	for (size_t i = 0; i < pl->n && !yes; i++)
		yes = may_match(pl, i, s, lower, NULL) &&
		    regexec(&pl->re[i], s, 0, NULL, 0) == 0;
	free(lower);
	return yes;
}

/* Is the match [start, end) excused by its sentence matching except? */
static int
excused(const struct mg_patlist *except, const struct mg_normtext *nt,
    size_t start, size_t end)
{
	size_t	 a = start, z = end;
	char	*sentence;
	int	 yes;

	while (a > 0 && strchr(".!?\n", nt->s[a - 1]) == NULL)
		a--;
	while (z < nt->len && strchr(".!?\n", nt->s[z]) == NULL)
		z++;
	if ((sentence = mg_strndup(nt->s + a, z - a)) == NULL)
		return 0;
	yes = mg_patlist_match_str(except, sentence);
	free(sentence);
	return yes;
}

int
mg_patlist_find(const struct mg_patlist *pl, const struct mg_patlist *except,
    const struct mg_normtext *nt, size_t from, size_t *start, size_t *end)
{
	while (!pl->phrases && from < nt->len) {
		regmatch_t	best = { -1, -1 };

		for (size_t i = 0; i < pl->n; i++) {
			regmatch_t	m;
			int		eflags = from > 0 ? REG_NOTBOL : 0;

			if (!may_match(pl, i, nt->s + from, nt->lower != NULL ?
			    nt->lower + from : NULL, nt->grams) ||
			    regexec(&pl->re[i], nt->s + from, 1, &m, eflags) != 0)
				continue;
			if (best.rm_so == -1 || m.rm_so < best.rm_so)
				best = m;
		}
		if (best.rm_so == -1)
			return 0;
		*start = from + (size_t)best.rm_so;
		*end = from + (size_t)best.rm_eo;
		if (except == NULL || !excused(except, nt, *start, *end))
			return 1;
		from = *end > *start ? *end : *start + 1;
	}
	return 0;
}
