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
/* A string that must be one of choices (NULL-terminated); *out is its
 * index, unchanged when the setting is absent. */
int	mg_cfg_get_choice(struct loader *ld, config_setting_t *group,
	    const char *name, const char *const *choices, int *out);

/* The connection settings of a group (endpoint.h), the same names for
 * every group that has them; what differs between groups: */
struct mg_endpoint_profile {
	enum mg_tls_mode	 tls;		/* default */
	int			 port_implicit;	/* default port, tls = implicit */
	int			 port_other;	/* default port otherwise */
	const char *const	*auth_names;	/* NULL-terminated; [0] default */
	const enum mg_auth_mode	*auth_modes;	/* one per name */
	int			 login_required; /* user, password: always */
	int			 timeout;	/* default, seconds */
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
/* The imap group (config_imap.c). */
int	mg_cfg_load_imap(struct loader *ld, config_setting_t *root,
	    struct mg_config *cfg);
void	mg_cfg_clear_imap(struct mg_config *cfg);
/* The milter group (config_milter.c). */
int	mg_cfg_load_milter(struct loader *ld, config_setting_t *root,
	    struct mg_config *cfg);
void	mg_cfg_clear_milter(struct mg_config *cfg);

/* The rows of the settings table (config.h) of one group: their
 * defaults into cfg; their names within the group into names (at most
 * max; the count is returned); their values from g. */
void	mg_cfg_table_defaults(struct mg_config *cfg, const char *group);
int	mg_cfg_table_names(const char *group, const char **names,
	    size_t max);
int	mg_cfg_table_load(struct loader *ld, config_setting_t *g,
	    const char *group, struct mg_config *cfg);

#endif
