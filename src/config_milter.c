/*
 * config_milter.c - the milter group: where `matchguard milter` listens
 * for the MTA, where the applicants' folders are, and its limits (the
 * rows of the settings table, config_settings.c).
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matchguard/config.h"
#include "config_priv.h"

/*
 * Is listen a form libmilter takes, and (unless remote is allowed) one
 * other computers cannot reach?  "unix:/path" (or "local:"), or
 * "inet:PORT@HOST" / "inet6:PORT@HOST" with a loopback HOST.  The
 * Postfix form "inet:HOST:PORT" would make libmilter listen on every
 * address, so it is refused with the right form.
 */
static int
check_listen(struct loader *ld, config_setting_t *s, const char *v,
    int remote)
{
	const char	*p, *at;
	char		 host[256];
	size_t		 digits;

	if (strncmp(v, "unix:", 5) == 0 || strncmp(v, "local:", 6) == 0) {
		p = strchr(v, ':') + 1;
		if (*p != '/')
			return mg_cfg_bad(ld, s, "the socket must be an absolute "
			    "path, like \"unix:/run/matchguard/milter.sock\"");
		return 0;
	}
	if (strncmp(v, "inet:", 5) == 0)
		p = v + 5;
	else if (strncmp(v, "inet6:", 6) == 0)
		p = v + 6;
	else
		return mg_cfg_bad(ld, s, "must be \"inet:PORT@127.0.0.1\" or "
		    "\"unix:/path/to/socket\"");
	digits = strspn(p, "0123456789");
	at = p + digits;
	if (digits == 0 || digits > 5 || atoi(p) < 1 || atoi(p) > 65535 ||
	    *at != '@' || at[1] == '\0')
		return mg_cfg_bad(ld, s, "must be \"inet:PORT@HOST\", like "
		    "\"inet:8894@127.0.0.1\" (the port first: \"inet:127.0.0.1:"
		    "8894\" is Postfix's way of writing it, not libmilter's)");
	snprintf(host, sizeof(host), "%s", at + 1);
	if (!remote && !mg_is_loopback_host(host))
		return mg_cfg_bad(ld, s, "%s is not a loopback address: other "
		    "computers could have letters checked and recorded; use "
		    "127.0.0.1, or set milter.allow_remote = 1 and firewall the "
		    "port", host);
	return 0;
}

int
mg_cfg_load_milter(struct loader *ld, config_setting_t *root,
    struct mg_config *cfg)
{
	struct mg_milter_settings *m = &cfg->milter;
	config_setting_t	*g;
	char			*apps = NULL;
	int			 oh = MG_MILTER_QUARANTINE, rc = -1;

	mg_settings_defaults(cfg, "milter");
	if ((g = config_setting_get_member(root, "milter")) != NULL &&
	    (g = mg_cfg_need_group(ld, root, "milter", 0)) == NULL)
		return -1;
	m->present = g != NULL;
	if (g != NULL && (mg_cfg_check_rows(ld, g, "milter", NULL) == -1 ||
	    mg_cfg_load_rows(ld, g, "milter", NULL, cfg) == -1 ||
	    mg_cfg_get_string(ld, g, "applicants", 0, &apps) == -1 ||
	    mg_cfg_get_row_choice(ld, g, mg_setting_row("milter", "on_hold"),
	    &oh) == -1))
		goto out;
	m->on_hold = (enum mg_milter_on_hold)oh;
	if (m->listen == NULL && (m->listen = strdup(MG_DEF_MILTER_LISTEN)) ==
	    NULL) {
		mg_seterr(ld->err, ld->errlen, "out of memory");
		goto out;
	}
	if (g != NULL && config_setting_get_member(g, "listen") != NULL &&
	    check_listen(ld, config_setting_get_member(g, "listen"),
	    m->listen, m->allow_remote) == -1)
		goto out;
	if ((m->applicants = mg_expand_path(apps != NULL ? apps : "applicants",
	    ld->dir)) == NULL) {
		mg_seterr(ld->err, ld->errlen, "out of memory");
		goto out;
	}
	rc = 0;
out:
	free(apps);
	return rc;
}

void
mg_cfg_clear_milter(struct mg_config *cfg)
{
	free(cfg->milter.listen);
	free(cfg->milter.applicants);
	memset(&cfg->milter, 0, sizeof(cfg->milter));
}
