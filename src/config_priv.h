/*
 * config_priv.h - the checked getters that every part of the
 * configuration loader shares (config.c, config_serve.c, config_imap.c,
 * endpoint.c).  Not installed,
 * not used outside the loader.
 *
 * Each getter leaves *out unchanged when the setting is absent, and on a
 * bad value writes "FILE:LINE: group.setting: problem" into ld->err and
 * returns -1.
 */
#ifndef MATCHGUARD_CONFIG_PRIV_H
#define MATCHGUARD_CONFIG_PRIV_H

#include <libconfig.h>

#include "matchguard/config.h"

struct loader {
	const char	*path;
	char		*dir;		/* directory of path, for relative paths */
	char		*err;
	size_t		 errlen;
};

int	mg_cfg_bad(struct loader *ld, const config_setting_t *set,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Every member of group must be one of names (NULL-terminated). */
int	mg_cfg_check_known(struct loader *ld, const config_setting_t *group,
	    const char *const *names);
config_setting_t *mg_cfg_need_group(struct loader *ld,
	    config_setting_t *parent, const char *name, int required);
int	mg_cfg_get_int(struct loader *ld, config_setting_t *group,
	    const char *name, int min, int max, int *out);
int	mg_cfg_get_string(struct loader *ld, config_setting_t *group,
	    const char *name, int required, char **out);
int	mg_cfg_get_date(struct loader *ld, config_setting_t *group,
	    const char *name, int required, long *out, int *present);
int	mg_cfg_get_strlist(struct loader *ld, config_setting_t *group,
	    const char *name, int lower, struct mg_strlist *out);
/* A number with or without a decimal point, like 0.8, in [min, max]. */
int	mg_cfg_get_fraction(struct loader *ld, config_setting_t *group,
	    const char *name, double min, double max, double *out);
/* true or false. */
int	mg_cfg_get_bool(struct loader *ld, config_setting_t *group,
	    const char *name, int *out);
/* A string that must be one of choices (NULL-terminated); *out is its
 * index, unchanged when the setting is absent. */
int	mg_cfg_get_choice(struct loader *ld, config_setting_t *group,
	    const char *name, const char *const *choices, int *out);

/*
 * The parts of the loader that walk the settings table
 * (config_settings.c).  A group's rows are those of its name and, for
 * upstream, of the type given as when (NULL: of any type).
 */
/* Every member of g must be the name of a row of group. */
int	mg_cfg_check_rows(struct loader *ld, const config_setting_t *g,
	    const char *group, const char *when);
/* Reads every row of group that is not MG_SETTING_OWN from g into cfg,
 * in the order of the table, with its bounds; a setting that is absent
 * keeps the value cfg has (mg_settings_defaults()). */
int	mg_cfg_load_rows(struct loader *ld, config_setting_t *g,
	    const char *group, const char *when, struct mg_config *cfg);
/* The choice of row s in g: *out is the index of the value among
 * s->choices, or of the row's default when it is absent. */
int	mg_cfg_get_row_choice(struct loader *ld, config_setting_t *g,
	    const struct mg_setting *s, int *out);

/* The connection settings of a group (endpoint.h), the same names for
 * every group that has them.  Their rows in the settings table give the
 * defaults and bounds of tls, auth (its choices), user (required or
 * not) and timeout; what the table does not say: */
struct mg_endpoint_profile {
	const char		*group;		/* "upstream", "imap" */
	int			 port_implicit;	/* default port, tls = implicit */
	int			 port_other;	/* default port otherwise */
	const enum mg_auth_mode	*auth_modes;	/* one per choice of auth */
};
/* Reads host, tls, auth, user, password, password_command,
 * tls_trust_file (expanded), timeout and port of group g into ep
 * (zeroed by the caller; freed by mg_endpoint_clear() whatever the
 * result).  The caller checks the names of g first. */
int	mg_cfg_load_endpoint(struct loader *ld, config_setting_t *g,
	    const struct mg_endpoint_profile *pf, struct mg_endpoint *ep);

/* The groups loaded by config_serve.c. */
int	mg_cfg_load_smtp(struct loader *ld, config_setting_t *root,
	    struct mg_config *cfg);
int	mg_cfg_load_upstream(struct loader *ld, config_setting_t *root,
	    struct mg_config *cfg);
void	mg_cfg_clear_serve(struct mg_config *cfg);
/* The review group (config_serve.c). */
int	mg_cfg_load_review(struct loader *ld, config_setting_t *root,
	    struct mg_config *cfg);
/* The imap group (config_imap.c). */
int	mg_cfg_load_imap(struct loader *ld, config_setting_t *root,
	    struct mg_config *cfg);
void	mg_cfg_clear_imap(struct mg_config *cfg);
/* The milter group (config_milter.c). */
int	mg_cfg_load_milter(struct loader *ld, config_setting_t *root,
	    struct mg_config *cfg);
void	mg_cfg_clear_milter(struct mg_config *cfg);

#endif
