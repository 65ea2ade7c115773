/*
 * config.c - load and check the configuration file.
 *
 * libconfig parses; this file checks every setting against the lists of
 * known names below, so that an unknown name, a wrong type or a bad date
 * is an error naming file, line and setting.  libconfig 1.5 does not
 * accept quoted setting names ("vague-praise" = "off"), which the
 * documentation uses for rule names, so the quotes of a name are blanked
 * out before parsing (columns and lines stay where they were).
 */
#include "config_auto.h"

#include <sys/stat.h>

#include <ctype.h>
#include <limits.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libconfig.h>

#include "matchguard/config.h"
#include "matchguard/config_hint.h"
#include "config_priv.h"
#include "matchguard/textnorm.h"

#ifndef MG_FILTERSDIR
#define MG_FILTERSDIR "/usr/share/matchguard/filters"
#endif

#define MG_CONFIG_MAX_SIZE	(4u * 1024u * 1024u)


/* Blank out the quotes of a quoted setting name: "name" = ... */
static void
unquote_names(char *s)
{
	char	*p = s;

	while (*p != '\0') {
		if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
			while (*p != '\0' && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			char	*e = strstr(p + 2, "*/");

			p = e != NULL ? e + 2 : p + strlen(p);
		} else if (*p == '"') {
			char	*q = p + 1, *after;
			int	 plain = 1;

			while (*q != '\0' && *q != '"') {
				if (*q == '\\' && q[1] != '\0')
					q++;
				if (!isalnum((unsigned char)*q) && *q != '-' &&
				    *q != '_' && *q != '*')
					plain = 0;
				q++;
			}
			if (*q == '\0')
				return;
			for (after = q + 1; *after == ' ' || *after == '\t';)
				after++;
			if ((*after == '=' || *after == ':') && plain &&
			    q > p + 1 && isalpha((unsigned char)p[1]))
				*p = *q = ' ';
			p = q + 1;
		} else
			p++;
	}
}

static const char *
set_file(const struct loader *ld, const config_setting_t *set)
{
	const char	*f = config_setting_source_file(set);

	return f != NULL ? f : ld->path;
}

/* The setting's dotted path, e.g. "policy.min_days_between". */
static void
set_path(const config_setting_t *set, char *buf, size_t len)
{
	const config_setting_t	*chain[16];
	size_t			 n = 0, off = 0;

	for (; set != NULL && n < 16; set = config_setting_parent(set))
		chain[n++] = set;
	buf[0] = '\0';
	while (n-- > 0) {
		const config_setting_t	*s = chain[n];
		const char		*name = config_setting_name(s);
		int			 w;

		if (config_setting_parent(s) == NULL)
			continue;		/* the root */
		if (name != NULL)
			w = snprintf(buf + off, len - off, "%s%s",
			    off > 0 ? "." : "", name);
		else
			w = snprintf(buf + off, len - off, "[%d]",
			    config_setting_index(s));
		if (w < 0 || (size_t)w >= len - off)
			return;
		off += (size_t)w;
	}
}

int
mg_cfg_bad(struct loader *ld, const config_setting_t *set, const char *fmt, ...)
{
	char	what[256], where[160];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	set_path(set, where, sizeof(where));
	/* The root has neither a line nor a name: "FILE: what". */
	if (config_setting_parent(set) == NULL)
		mg_seterr(ld->err, ld->errlen, "%s: %s", set_file(ld, set),
		    what);
	else
		mg_seterr(ld->err, ld->errlen, "%s:%d: %s: %s",
		    set_file(ld, set), config_setting_source_line(set), where,
		    what);
	return -1;
}

/* Every member of group must be one of names (NULL-terminated). */
int
mg_cfg_check_known(struct loader *ld, const config_setting_t *group,
    const char *const *names)
{
	for (int i = 0; i < config_setting_length(group); i++) {
		config_setting_t	*m = config_setting_get_elem(group,
		    (unsigned)i);
		const char		*name = config_setting_name(m);
		const char		*best = NULL;
		int			 bestd = 3, known = 0;

		for (const char *const *n = names; *n != NULL; n++) {
			int	d;

			if (strcmp(*n, name) == 0) {
				known = 1;
				break;
			}
			if ((d = mg_edit_distance(*n, name, 2)) < bestd) {
				bestd = d;
				best = *n;
			}
		}
		if (known)
			continue;
		if (best != NULL)
			return mg_cfg_bad(ld, m, "unknown setting (did you mean "
			    "\"%s\"?)", best);
		return mg_cfg_bad(ld, m, "unknown setting");
	}
	return 0;
}

config_setting_t *
mg_cfg_need_group(struct loader *ld, config_setting_t *parent, const char *name,
    int required)
{
	config_setting_t	*g = config_setting_get_member(parent, name);

	if (g == NULL) {
		if (required)
			mg_cfg_bad(ld, parent, "the group \"%s\" is missing", name);
		return NULL;
	}
	if (config_setting_type(g) != CONFIG_TYPE_GROUP) {
		mg_cfg_bad(ld, g, "must be a group: %s = { ... };", name);
		return NULL;
	}
	return g;
}

int
mg_cfg_get_int(struct loader *ld, config_setting_t *group, const char *name,
    int min, int max, int *out)
{
	config_setting_t	*s = config_setting_get_member(group, name);
	long long		 v;

	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_INT &&
	    config_setting_type(s) != CONFIG_TYPE_INT64)
		return mg_cfg_bad(ld, s, "must be a whole number without quotes, "
		    "like %s = %d;", name, *out);
	v = config_setting_get_int64(s);
	if (v < min || v > max)
		return mg_cfg_bad(ld, s, "must be between %d and %d", min, max);
	*out = (int)v;
	return 0;
}

/* A string setting; *out is a new copy (or stays as it was when absent). */
int
mg_cfg_get_string(struct loader *ld, config_setting_t *group, const char *name,
    int required, char **out)
{
	config_setting_t	*s = config_setting_get_member(group, name);

	if (s == NULL) {
		if (required)
			return mg_cfg_bad(ld, group, "the setting \"%s\" is missing",
			    name);
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING)
		return mg_cfg_bad(ld, s, "must be text in double quotes");
	if (*config_setting_get_string(s) == '\0' && required)
		return mg_cfg_bad(ld, s, "must not be empty");
	free(*out);
	if ((*out = strdup(config_setting_get_string(s))) == NULL)
		return mg_cfg_bad(ld, s, "out of memory");
	return 0;
}

int
mg_cfg_get_date(struct loader *ld, config_setting_t *group, const char *name,
    int required, long *out, int *present)
{
	config_setting_t	*s = config_setting_get_member(group, name);

	if (present != NULL)
		*present = 0;
	if (s == NULL) {
		if (required)
			return mg_cfg_bad(ld, group, "the setting \"%s\" is missing",
			    name);
		return 0;
	}
	if (config_setting_type(s) != CONFIG_TYPE_STRING ||
	    mg_parse_date(config_setting_get_string(s), out) == -1)
		return mg_cfg_bad(ld, s, "must be a date in double quotes, like "
		    "\"2026-11-10\" (year-month-day)");
	if (present != NULL)
		*present = 1;
	return 0;
}

int
mg_cfg_get_strlist(struct loader *ld, config_setting_t *group, const char *name,
    int lower, struct mg_strlist *out)
{
	config_setting_t	*s = config_setting_get_member(group, name);

	if (s == NULL)
		return 0;
	if (config_setting_type(s) == CONFIG_TYPE_STRING)
		return mg_cfg_bad(ld, s, "must be a list in brackets, like "
		    "%s = [ \"%s\" ];", name, config_setting_get_string(s));
	if (config_setting_type(s) != CONFIG_TYPE_ARRAY &&
	    config_setting_type(s) != CONFIG_TYPE_LIST)
		return mg_cfg_bad(ld, s, "must be a list of texts, like "
		    "%s = [ \"first\", \"second\" ];", name);
	for (int i = 0; i < config_setting_length(s); i++) {
		config_setting_t	*e = config_setting_get_elem(s, (unsigned)i);
		const char		*v = config_setting_get_string(e);

		if (v == NULL || *v == '\0')
			return mg_cfg_bad(ld, s, "item %d must be non-empty text in "
			    "double quotes", i + 1);
		if (mg_strlist_add(out, v) == -1)
			return mg_cfg_bad(ld, s, "out of memory");
		if (lower)
			for (char *c = out->v[out->n - 1]; *c != '\0'; c++)
				*c = (char)tolower((unsigned char)*c);
	}
	return 0;
}

int
mg_cfg_get_choice(struct loader *ld, config_setting_t *group, const char *name,
    const char *const *choices, int *out)
{
	config_setting_t	*s = config_setting_get_member(group, name);
	const char		*v;
	char			 list[256] = "";
	size_t			 len = 0;

	if (s == NULL)
		return 0;
	v = config_setting_get_string(s);
	for (int i = 0; choices[i] != NULL; i++) {
		if (v != NULL && strcmp(v, choices[i]) == 0) {
			*out = i;
			return 0;
		}
		if (len < sizeof(list))
			len += (size_t)snprintf(list + len, sizeof(list) - len,
			    "%s\"%s\"", i == 0 ? "" : choices[i + 1] == NULL ?
			    " or " : ", ", choices[i]);
	}
	return mg_cfg_bad(ld, s, "must be %s", list);
}

static int
load_identity(struct loader *ld, config_setting_t *root, struct mg_config *cfg)
{
	static const char *const names[] = { "name", "addresses", NULL };
	config_setting_t	*g;

	if ((g = mg_cfg_need_group(ld, root, "identity", 1)) == NULL)
		return -1;
	if (mg_cfg_check_known(ld, g, names) == -1 ||
	    mg_cfg_get_string(ld, g, "name", 1, &cfg->name) == -1 ||
	    mg_cfg_get_strlist(ld, g, "addresses", 1, &cfg->addresses) == -1)
		return -1;
	if (cfg->addresses.n == 0)
		return mg_cfg_bad(ld, g, "\"addresses\" must list at least one of "
		    "your e-mail addresses");
	for (size_t i = 0; i < cfg->addresses.n; i++)
		if (strchr(cfg->addresses.v[i], '@') == NULL)
			return mg_cfg_bad(ld, config_setting_get_member(g, "addresses"),
			    "\"%s\" is not an e-mail address",
			    cfg->addresses.v[i]);
	return 0;
}

static int
load_season(struct loader *ld, config_setting_t *root, struct mg_config *cfg)
{
	config_setting_t	*g;
	int			 has_start;
	char			 buf[16];

	if ((g = mg_cfg_need_group(ld, root, "season", 1)) == NULL)
		return -1;
	if (mg_cfg_check_rows(ld, g, "season", NULL) == -1 ||
	    mg_cfg_get_date(ld, g, "eras_open", 1, &cfg->eras_open, NULL) == -1 ||
	    mg_cfg_get_date(ld, g, "rol_deadline", 1, &cfg->rol_deadline, NULL) == -1 ||
	    mg_cfg_get_date(ld, g, "match_day", 1, &cfg->match_day, NULL) == -1 ||
	    mg_cfg_get_date(ld, g, "start", 0, &cfg->season_start, &has_start) == -1)
		return -1;
	if (!has_start) {
		/* 1 June of the ERAS year: when applicants start writing. */
		mg_format_day(cfg->eras_open, buf, sizeof(buf));
		memcpy(buf + 4, "-06-01", 7);
		if (mg_parse_date(buf, &cfg->season_start) == -1)
			return mg_cfg_bad(ld, g, "cannot work out the season start");
		if (cfg->season_start > cfg->eras_open)
			cfg->season_start = cfg->eras_open;
	}
	if (cfg->season_start > cfg->eras_open ||
	    cfg->eras_open > cfg->rol_deadline ||
	    cfg->rol_deadline > cfg->match_day)
		return mg_cfg_bad(ld, g, "dates out of order: start <= eras_open <= "
		    "rol_deadline <= match_day");
	return 0;
}

static int
parse_severity(const char *s, enum mg_severity *out)
{
	if (strcmp(s, "hold") == 0)
		*out = MG_SEV_HOLD;
	else if (strcmp(s, "warn") == 0)
		*out = MG_SEV_WARN;
	else if (strcmp(s, "off") == 0)
		*out = MG_SEV_OFF;
	else
		return -1;
	return 0;
}

static int
load_rules(struct loader *ld, config_setting_t *g, struct mg_config *cfg)
{
	int	n = config_setting_length(g);

	if ((cfg->policy.rules = calloc((size_t)n + 1,
	    sizeof(*cfg->policy.rules))) == NULL)
		return mg_cfg_bad(ld, g, "out of memory");
	for (int i = 0; i < n; i++) {
		config_setting_t	*r = config_setting_get_elem(g, (unsigned)i);
		struct mg_rule_setting	*rs = &cfg->policy.rules[i];
		const char		*v = config_setting_get_string(r);

		if (v == NULL || parse_severity(v, &rs->sev) == -1)
			return mg_cfg_bad(ld, r, "must be \"hold\", \"warn\" or "
			    "\"off\"");
		if ((rs->rule = strdup(config_setting_name(r))) == NULL)
			return mg_cfg_bad(ld, r, "out of memory");
		rs->line = config_setting_source_line(r);
		cfg->policy.n_rules++;
	}
	return 0;
}

int
mg_cfg_get_fraction(struct loader *ld, config_setting_t *group,
    const char *name, double min, double max, double *out)
{
	config_setting_t	*s = config_setting_get_member(group, name);
	double			 v;

	if (s == NULL)
		return 0;
	if (config_setting_type(s) == CONFIG_TYPE_INT ||
	    config_setting_type(s) == CONFIG_TYPE_INT64)
		v = (double)config_setting_get_int64(s);
	else if (config_setting_type(s) == CONFIG_TYPE_FLOAT)
		v = config_setting_get_float(s);
	else
		return mg_cfg_bad(ld, s, "must be a number without quotes, like "
		    "%s = %.2g;", name, *out);
	if (!(v >= min && v <= max))
		return mg_cfg_bad(ld, s, "must be between %.2g and %.2g", min,
		    max);
	*out = v;
	return 0;
}

int
mg_cfg_get_bool(struct loader *ld, config_setting_t *group, const char *name,
    int *out)
{
	config_setting_t	*s = config_setting_get_member(group, name);

	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_BOOL)
		return mg_cfg_bad(ld, s, "must be true or false");
	*out = config_setting_get_bool(s);
	return 0;
}

static int
load_policy(struct loader *ld, config_setting_t *root, struct mg_config *cfg)
{
	struct mg_policy_settings *p = &cfg->policy;
	config_setting_t	*g, *r;

	mg_settings_defaults(cfg, "policy");
	if ((g = config_setting_get_member(root, "policy")) == NULL)
		return 0;
	if ((g = mg_cfg_need_group(ld, root, "policy", 0)) == NULL)
		return -1;
	if (mg_cfg_check_rows(ld, g, "policy", NULL) == -1 ||
	    mg_cfg_load_rows(ld, g, "policy", NULL, cfg) == -1)
		return -1;
	if (p->season_warn > p->season_max)
		return mg_cfg_bad(ld, g, "season_warn (%d) must not be above "
		    "season_max (%d)", p->season_warn, p->season_max);
	if ((r = config_setting_get_member(g, "rules")) == NULL)
		return 0;
	if (config_setting_type(r) != CONFIG_TYPE_GROUP)
		return mg_cfg_bad(ld, r, "must be a group, like rules = { "
		    "\"vague-praise\" = \"off\"; };");
	return load_rules(ld, r, cfg);
}

static char *
default_state_dir(void)
{
	const char	*x = getenv("XDG_STATE_HOME");
	char		*sub, *path;

	if (x != NULL && x[0] == '/') {
		size_t	n = strlen(x) + sizeof("/matchguard");

		if ((path = malloc(n)) != NULL)
			snprintf(path, n, "%s/matchguard", x);
		return path;
	}
	sub = "~/.local/state/matchguard";
	return mg_expand_path(sub, NULL);
}

/* Without paths.filters: the installed phrase lists, else (a program
 * run from its build tree, not installed) those of its source tree. */
static const char *
default_filters_dir(void)
{
#ifdef MG_SRC_FILTERSDIR
	struct stat	st;

	if (stat(MG_FILTERSDIR, &st) == -1 && stat(MG_SRC_FILTERSDIR, &st) == 0)
		return MG_SRC_FILTERSDIR;
#endif
	return MG_FILTERSDIR;
}

static int
load_paths(struct loader *ld, config_setting_t *root, struct mg_config *cfg)
{
	static const char *const names[] = { "state", "filters", "programs",
	    NULL };
	config_setting_t	*g;
	char			*state = NULL, *filters = NULL, *programs = NULL;
	int			 rc = -1;

	if (config_setting_get_member(root, "paths") != NULL) {
		if ((g = mg_cfg_need_group(ld, root, "paths", 0)) == NULL)
			return -1;
		if (mg_cfg_check_known(ld, g, names) == -1 ||
		    mg_cfg_get_string(ld, g, "state", 0, &state) == -1 ||
		    mg_cfg_get_string(ld, g, "filters", 0, &filters) == -1 ||
		    mg_cfg_get_string(ld, g, "programs", 0, &programs) == -1)
			goto out;
		if (programs != NULL && (cfg->programs_file =
		    mg_expand_path(programs, ld->dir)) == NULL) {
			mg_seterr(ld->err, ld->errlen, "%s: out of memory",
			    ld->path);
			goto out;
		}
	}
	cfg->state_dir = state != NULL ? mg_expand_path(state, ld->dir) :
	    default_state_dir();
	cfg->filters_dir = mg_expand_path(filters != NULL ? filters :
	    default_filters_dir(), ld->dir);
	if (cfg->state_dir == NULL || cfg->filters_dir == NULL) {
		mg_seterr(ld->err, ld->errlen, "%s: out of memory", ld->path);
		goto out;
	}
	rc = 0;
out:
	free(state);
	free(filters);
	free(programs);
	return rc;
}

static int
load_contacts(struct loader *ld, config_setting_t *pg, struct mg_program *p)
{
	static const char *const names[] = { "role", "name", NULL };
	config_setting_t	*s = config_setting_get_member(pg, "contacts");
	int			 n;

	if (s == NULL)
		return 0;
	if (config_setting_type(s) != CONFIG_TYPE_LIST)
		return mg_cfg_bad(ld, s, "must be a list of groups, like contacts = "
		    "( { role = \"director\"; name = \"...\"; } );");
	n = config_setting_length(s);
	if ((p->contacts = calloc((size_t)n + 1, sizeof(*p->contacts))) == NULL)
		return mg_cfg_bad(ld, s, "out of memory");
	for (int i = 0; i < n; i++) {
		config_setting_t	*c = config_setting_get_elem(s, (unsigned)i);
		struct mg_contact	*ct = &p->contacts[i];

		if (config_setting_type(c) != CONFIG_TYPE_GROUP)
			return mg_cfg_bad(ld, c, "must be a group: { role = \"...\"; "
			    "name = \"...\"; }");
		p->n_contacts++;
		if (mg_cfg_check_known(ld, c, names) == -1 ||
		    mg_cfg_get_string(ld, c, "role", 1, &ct->role) == -1 ||
		    mg_cfg_get_string(ld, c, "name", 1, &ct->name) == -1)
			return -1;
	}
	return 0;
}

static int
valid_id(const char *id)
{
	if (*id == '\0')
		return 0;
	for (; *id != '\0'; id++)
		if (!islower((unsigned char)*id) && !isdigit((unsigned char)*id) &&
		    *id != '-' && *id != '_')
			return 0;
	return 1;
}

static int
load_program(struct loader *ld, config_setting_t *pg, struct mg_program *p)
{
	static const char *const names[] = { "id", "name", "aliases",
	    "institution", "addresses", "domains", "contacts", "features",
	    "tracks", "interview_date", NULL };

	p->line = config_setting_source_line(pg);
	if (config_setting_type(pg) != CONFIG_TYPE_GROUP)
		return mg_cfg_bad(ld, pg, "each program must be a group { id = ...; }");
	if (mg_cfg_check_known(ld, pg, names) == -1 ||
	    mg_cfg_get_string(ld, pg, "id", 1, &p->id) == -1 ||
	    mg_cfg_get_string(ld, pg, "name", 1, &p->name) == -1 ||
	    mg_cfg_get_string(ld, pg, "institution", 0, &p->institution) == -1 ||
	    mg_cfg_get_strlist(ld, pg, "aliases", 0, &p->aliases) == -1 ||
	    mg_cfg_get_strlist(ld, pg, "addresses", 1, &p->addresses) == -1 ||
	    mg_cfg_get_strlist(ld, pg, "domains", 1, &p->domains) == -1 ||
	    mg_cfg_get_strlist(ld, pg, "features", 0, &p->features) == -1 ||
	    mg_cfg_get_strlist(ld, pg, "tracks", 0, &p->tracks) == -1 ||
	    load_contacts(ld, pg, p) == -1 ||
	    mg_cfg_get_date(ld, pg, "interview_date", 0, &p->interview_day,
	    &p->has_interview) == -1)
		return -1;
	if (!valid_id(p->id))
		return mg_cfg_bad(ld, config_setting_get_member(pg, "id"), "use lower "
		    "case letters, digits and '-' only, like \"harborview\"");
	if (p->institution == NULL && (p->institution = strdup("")) == NULL)
		return mg_cfg_bad(ld, pg, "out of memory");
	if (p->addresses.n == 0 && p->domains.n == 0)
		return mg_cfg_bad(ld, pg, "program \"%s\" needs \"addresses\" or "
		    "\"domains\", or no mail can be matched to it", p->id);
	for (size_t i = 0; i < p->addresses.n; i++) {
		const char	*a = p->addresses.v[i], *at = strchr(a, '@');

		if (at == NULL || at == a || strchr(at + 1, '@') != NULL ||
		    strchr(at + 1, '.') == NULL)
			return mg_cfg_bad(ld, config_setting_get_member(pg, "addresses"),
			    "\"%s\" is not one e-mail address (is a comma "
			    "missing between two?)", a);
	}
	for (size_t i = 0; i < p->domains.n; i++) {
		char	*d = p->domains.v[i];

		if (d[0] == '@' || d[0] == '.')
			memmove(d, d + 1, strlen(d));
		if (strchr(d, '@') != NULL || strchr(d, '.') == NULL)
			return mg_cfg_bad(ld, config_setting_get_member(pg, "domains"),
			    "\"%s\" is not a domain like \"harborview.edu\"", d);
	}
	if (mg_program_make_keys(p) == -1)
		return mg_cfg_bad(ld, pg, "out of memory");
	return 0;
}

/* Ids unique; an address may belong to one program only. */
static int
check_directory(struct loader *ld, config_setting_t *list,
    const struct mg_directory *dir)
{
	for (size_t i = 0; i < dir->n; i++)
		for (size_t j = 0; j < i; j++) {
			const struct mg_program	*a = &dir->programs[i];
			const struct mg_program	*b = &dir->programs[j];
			config_setting_t *s = config_setting_get_elem(list,
			    (unsigned)i);

			if (strcmp(a->id, b->id) == 0)
				return mg_cfg_bad(ld, s, "the id \"%s\" is used twice",
				    a->id);
			for (size_t k = 0; k < a->addresses.n; k++)
				if (mg_strlist_has_ci(&b->addresses,
				    a->addresses.v[k]))
					return mg_cfg_bad(ld, s, "the address %s also "
					    "belongs to program \"%s\"",
					    a->addresses.v[k], b->id);
		}
	return 0;
}

/* The list of programs s into dir (empty), checked within itself. */
static int
load_program_list(struct loader *ld, config_setting_t *s,
    struct mg_directory *dir)
{
	int	n;

	if (config_setting_type(s) != CONFIG_TYPE_LIST)
		return mg_cfg_bad(ld, s, "must be a list of programs in parentheses: "
		    "programs = ( { id = ...; }, ... );");
	n = config_setting_length(s);
	if ((dir->programs = calloc((size_t)n + 1,
	    sizeof(*dir->programs))) == NULL)
		return mg_cfg_bad(ld, s, "out of memory");
	for (int i = 0; i < n; i++) {
		dir->n++;
		if (load_program(ld, config_setting_get_elem(s, (unsigned)i),
		    &dir->programs[i]) == -1)
			return -1;
	}
	return check_directory(ld, s, dir);
}

/*
 * Adds the shared programs of paths.programs (an office's file with
 * only a programs list) to the configuration's own: a shared program
 * whose id the configuration has too is left out (the applicant's own
 * entry, with their interview date, is the one used); an address of a
 * shared program that one of the configuration's own has is an error.
 */
static int
add_shared_programs(struct loader *ld, config_setting_t *own,
    struct mg_config *cfg)
{
	static const char *const names[] = { "programs", NULL };
	struct loader		 sld = { cfg->programs_file, ld->dir, ld->err,
	    ld->errlen };
	struct mg_directory	 sh = { 0 }, *d = &cfg->dir;
	struct mg_program	*all;
	config_t		 cf;
	config_setting_t	*list;
	char			*text = NULL;
	int			 rc = -1;

	if (mg_read_file(cfg->programs_file, MG_CONFIG_MAX_SIZE, &text, NULL,
	    ld->err, ld->errlen) == -1)
		return -1;
	config_init(&cf);
	if (config_read_string(&cf, text) == CONFIG_FALSE) {
		mg_seterr(ld->err, ld->errlen, "%s:%d: %s", cfg->programs_file,
		    config_error_line(&cf), config_error_text(&cf));
		goto out;
	}
	if (mg_cfg_check_known(&sld, config_root_setting(&cf), names) == -1)
		goto out;
	if ((list = config_lookup(&cf, "programs")) == NULL) {
		rc = 0;
		goto out;
	}
	if (load_program_list(&sld, list, &sh) == -1)
		goto out;
	if ((all = realloc(d->programs, (d->n + sh.n + 1) *
	    sizeof(*all))) == NULL) {
		mg_seterr(ld->err, ld->errlen, "out of memory");
		goto out;
	}
	d->programs = all;
	for (size_t i = 0; i < sh.n; i++) {
		struct mg_program	*p = &sh.programs[i];
		size_t			 own_n = own != NULL ?
		    (size_t)config_setting_length(own) : 0;

		if (mg_directory_find_id(d, p->id) != NULL)
			continue;	/* cleared with sh */
		for (size_t j = 0; j < own_n; j++)
			for (size_t k = 0; k < p->addresses.n; k++)
				if (mg_strlist_has_ci(&d->programs[j].addresses,
				    p->addresses.v[k])) {
					mg_cfg_bad(ld, config_setting_get_elem(own,
					    (unsigned)j), "the address %s also "
					    "belongs to program \"%s\" of %s",
					    p->addresses.v[k], p->id,
					    cfg->programs_file);
					goto out;
				}
		d->programs[d->n++] = *p;
		memset(p, 0, sizeof(*p));	/* now the configuration's */
	}
	memset(&d->programs[d->n], 0, sizeof(d->programs[0]));
	rc = 0;
out:
	mg_directory_clear(&sh);
	config_destroy(&cf);
	free(text);
	return rc;
}

static int
load_programs(struct loader *ld, config_setting_t *root, struct mg_config *cfg)
{
	config_setting_t	*s = config_setting_get_member(root, "programs");

	/* None is allowed: then every message passes. */
	if (s != NULL && load_program_list(ld, s, &cfg->dir) == -1)
		return -1;
	if (cfg->programs_file != NULL)
		return add_shared_programs(ld, s, cfg);
	return 0;
}

static int
load_root(struct loader *ld, config_t *cf, struct mg_config *cfg)
{
	static const char *const names[] = { "identity", "season", "policy",
	    "paths", "programs", "smtp", "upstream", "imap", "review", "milter",
	    NULL };
	config_setting_t	*root = config_root_setting(cf);
	/* An office's configuration (a milter group) may have no identity
	 * and no season: each applicant's own file has them. */
	int			 office = config_setting_get_member(root,
	    "milter") != NULL && config_setting_get_member(root,
	    "identity") == NULL;

	if (mg_cfg_check_known(ld, root, names) == -1 ||
	    (!office && load_identity(ld, root, cfg) == -1) ||
	    (!office && load_season(ld, root, cfg) == -1) ||
	    load_policy(ld, root, cfg) == -1 ||
	    load_paths(ld, root, cfg) == -1 ||
	    load_programs(ld, root, cfg) == -1 ||
	    mg_cfg_load_smtp(ld, root, cfg) == -1 ||
	    mg_cfg_load_upstream(ld, root, cfg) == -1 ||
	    mg_cfg_load_imap(ld, root, cfg) == -1 ||
	    mg_cfg_load_review(ld, root, cfg) == -1 ||
	    mg_cfg_load_milter(ld, root, cfg) == -1)
		return -1;
	return 0;
}

/* FILE:LINE: syntax error: and, when it can be told, what to type. */
static void
syntax_error(const struct loader *ld, config_t *cf, const char *text,
    char *err, size_t errlen)
{
	const char	*file = config_error_file(cf);
	char		*inc = NULL, *path = NULL, hint[512] = "", e2[MG_ERRLEN];
	int		 line = config_error_line(cf);

	if (file != NULL && (path = mg_expand_path(file, ld->dir)) != NULL &&
	    mg_read_file(path, MG_CONFIG_MAX_SIZE, &inc, NULL, e2,
	    sizeof(e2)) == 0)
		text = inc;
	if (file == NULL || inc != NULL)
		mg_config_syntax_hint(text, line, hint, sizeof(hint));
	mg_seterr(err, errlen, "%s:%d: %s%s%s", file != NULL ? file : ld->path,
	    line, config_error_text(cf), hint[0] != '\0' ? ": " : "", hint);
	free(inc);
	free(path);
}

int
mg_config_load(const char *path, struct mg_config *cfg, char *err,
    size_t errlen)
{
	struct loader	 ld = { path, NULL, err, errlen };
	config_t	 cf;
	char		*text = NULL, *tmp;
	int		 rc = -1;

	memset(cfg, 0, sizeof(*cfg));
	if (mg_read_file(path, MG_CONFIG_MAX_SIZE, &text, NULL, err,
	    errlen) == -1)
		return -1;
	if ((tmp = strdup(path)) == NULL || (ld.dir = strdup(dirname(tmp))) == NULL) {
		free(tmp);
		free(text);
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	free(tmp);
	unquote_names(text);
	config_init(&cf);
	config_set_include_dir(&cf, ld.dir);
	if (config_read_string(&cf, text) == CONFIG_FALSE) {
		syntax_error(&ld, &cf, text, err, errlen);
		goto out;
	}
	if ((cfg->path = strdup(path)) == NULL) {
		mg_seterr(err, errlen, "out of memory");
		goto out;
	}
	rc = load_root(&ld, &cf, cfg);
out:
	config_destroy(&cf);
	free(text);
	free(ld.dir);
	if (rc == -1)
		mg_config_clear(cfg);
	return rc;
}

void
mg_config_clear(struct mg_config *cfg)
{
	free(cfg->path);
	free(cfg->name);
	mg_strlist_clear(&cfg->addresses);
	for (size_t i = 0; i < cfg->policy.n_rules; i++)
		free(cfg->policy.rules[i].rule);
	free(cfg->policy.rules);
	free(cfg->state_dir);
	free(cfg->filters_dir);
	free(cfg->programs_file);
	mg_directory_clear(&cfg->dir);
	mg_cfg_clear_serve(cfg);
	mg_cfg_clear_imap(cfg);
	free(cfg->review.listen);
	mg_cfg_clear_milter(cfg);
	memset(cfg, 0, sizeof(*cfg));
}

char *
mg_config_default_path(void)
{
	const char	*x = getenv("XDG_CONFIG_HOME");
	char		*p;

	if (x != NULL && x[0] == '/') {
		size_t	n = strlen(x) + sizeof("/matchguard/matchguard.conf");

		if ((p = malloc(n)) != NULL)
			snprintf(p, n, "%s/matchguard/matchguard.conf", x);
		return p;
	}
	return mg_expand_path("~/.config/matchguard/matchguard.conf", NULL);
}

const char *
mg_severity_name(enum mg_severity sev)
{
	switch (sev) {
	case MG_SEV_HOLD:
		return "hold";
	case MG_SEV_WARN:
		return "warn";
	case MG_SEV_INFO:
		return "info";
	default:
		return "off";
	}
}

enum mg_severity
mg_config_rule_severity(const struct mg_config *cfg, const char *rule,
    enum mg_severity dflt)
{
	for (size_t i = 0; i < cfg->policy.n_rules; i++)
		if (strcmp(cfg->policy.rules[i].rule, rule) == 0)
			return cfg->policy.rules[i].sev;
	return dflt;
}
