/*
 * config.h - the configuration file (libconfig syntax).
 *
 * Default file: $XDG_CONFIG_HOME/matchguard/matchguard.conf, or
 * ~/.config/matchguard/matchguard.conf.  Groups: identity, season, policy,
 * paths, programs (inline, or brought in with @include).  Every setting is
 * checked: an unknown name, a wrong type or a bad date is an error that
 * names the file, the line and the setting, so that a typo can never
 * silently change the policy.  Relative paths are taken relative to the
 * directory of the configuration file.
 */
#ifndef MATCHGUARD_CONFIG_H
#define MATCHGUARD_CONFIG_H

#include <stddef.h>

#include "matchguard/directory.h"
#include "matchguard/util.h"

enum mg_severity {
	MG_SEV_OFF = 0,
	MG_SEV_INFO,
	MG_SEV_WARN,
	MG_SEV_HOLD
};

/* Defaults of the policy thresholds (documented in matchguard.conf(5)). */
#define MG_DEF_MIN_DAYS_BETWEEN		7
#define MG_DEF_FOLLOW_UP_AFTER_DAYS	21
#define MG_DEF_SEASON_WARN		12
#define MG_DEF_SEASON_MAX		15

/* One entry of policy.rules: a rule's severity set by the user. */
struct mg_rule_setting {
	char			*rule;
	enum mg_severity	 sev;
	int			 line;
};

struct mg_policy_settings {
	int			 min_days_between;
	int			 follow_up_after_days;
	int			 season_warn;
	int			 season_max;
	struct mg_rule_setting	*rules;
	size_t			 n_rules;
};

struct mg_config {
	char			*path;		/* the file loaded */
	char			*name;		/* identity.name */
	struct mg_strlist	 addresses;	/* identity.addresses, lower case */
	long			 season_start;	/* days; see util.h */
	long			 eras_open;
	long			 rol_deadline;
	long			 match_day;
	struct mg_policy_settings policy;
	char			*state_dir;	/* expanded, absolute or relative to cwd */
	char			*filters_dir;
	struct mg_directory	 dir;
};

/* The default configuration path; caller frees. */
char	*mg_config_default_path(void);

/* Loads path into *cfg (zeroed by the call).  On error cfg holds nothing
 * to free and err says "FILE:LINE: setting: what is wrong". */
int	 mg_config_load(const char *path, struct mg_config *cfg, char *err,
	    size_t errlen);
void	 mg_config_clear(struct mg_config *cfg);

/* "hold", "warn", "off" <-> enum; "info" too for output. */
const char *mg_severity_name(enum mg_severity sev);

/* A user's severity for rule, or dflt when the configuration sets none. */
enum mg_severity mg_config_rule_severity(const struct mg_config *cfg,
	    const char *rule, enum mg_severity dflt);

#endif
