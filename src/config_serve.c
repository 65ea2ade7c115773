/*
 * config_serve.c - the groups used by `matchguard serve`: smtp (the
 * local listener) and upstream (where passed messages go).
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <arpa/inet.h>

#include "matchguard/config.h"
#include "matchguard/peercred.h"
#include "config_priv.h"

/* Is host a name or address of this machine's loopback interface? */
int
mg_is_loopback_host(const char *host)
{
	return strcasecmp(host, "localhost") == 0 ||
	    strcmp(host, "::1") == 0 || strcmp(host, "[::1]") == 0 ||
	    strncmp(host, "127.", 4) == 0;
}

/* "host:port" or "[v6]:port". */
int
mg_split_hostport(const char *s, char *host, size_t hostlen, char *port,
    size_t portlen)
{
	const char	*colon, *h = s;
	size_t		 hl;

	if (*s == '[') {
		const char	*close = strchr(s, ']');

		if (close == NULL || close[1] != ':')
			return -1;
		h = s + 1;
		hl = (size_t)(close - h);
		colon = close + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL ||
		    strchr(s, ':') != colon)
			return -1;
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || hl >= hostlen || strlen(colon + 1) == 0 ||
	    strlen(colon + 1) >= portlen ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) ||
	    atoi(colon + 1) < 1 || atoi(colon + 1) > 65535)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	snprintf(port, portlen, "%s", colon + 1);
	return 0;
}

/* A path relative to the configuration file's directory, ~ expanded. */
static int
expand(char **path, const char *dir)
{
	char	*p = mg_expand_path(*path, dir);

	if (p == NULL)
		return -1;
	free(*path);
	*path = p;
	return 0;
}

/* Every address of smtp.listen is this computer's loopback. */
static int
listen_loopback(const struct mg_smtp_settings *sm)
{
	char	 host[256], port[8];

	for (size_t i = 0; i < sm->listen.n; i++)
		if (mg_split_hostport(sm->listen.v[i], host, sizeof(host), port,
		    sizeof(port)) == -1 || !mg_is_loopback_host(host))
			return 0;
	return 1;
}

/* smtp.peer_check: "uid" where the uid of a client can be known (Linux,
 * loopback only), else "password"; an explicit "uid" elsewhere is an
 * error rather than a silent password. */
static int
peer_check(struct loader *ld, config_setting_t *g, int pc,
    struct mg_smtp_settings *sm)
{
	int	 uid_ok = mg_peercred_supported() && listen_loopback(sm);

	if (pc == -1)
		sm->peer_check = uid_ok ? MG_PEER_CHECK_UID :
		    MG_PEER_CHECK_PASSWORD;
	else if (pc == MG_PEER_CHECK_UID && !uid_ok)
		return mg_cfg_bad(ld, config_setting_get_member(g,
		    "peer_check"), "\"uid\" works only on Linux and with "
		    "loopback addresses in smtp.listen (127.0.0.1, [::1]): "
		    "use \"password\"");
	else
		sm->peer_check = (enum mg_peer_check)pc;
	return 0;
}

/* The checks of settings that go together, once the group is read. */
static int
check_smtp(struct loader *ld, config_setting_t *g, struct mg_smtp_settings *sm)
{
	char	 host[256], port[8];

	for (size_t i = 0; i < sm->listen.n; i++)
		if (mg_split_hostport(sm->listen.v[i], host, sizeof(host), port,
		    sizeof(port)) == -1)
			return mg_cfg_bad(ld, config_setting_get_member(g,
			    "listen"), "\"%s\" is not an address and port like "
			    "\"127.0.0.1:2525\" or \"[::1]:2525\"",
			    sm->listen.v[i]);
	if ((sm->tls_cert == NULL) != (sm->tls_key == NULL))
		return mg_cfg_bad(ld, g, "tls_cert and tls_key go together: set "
		    "both or neither");
	if (sm->tls_cert != NULL && (expand(&sm->tls_cert, ld->dir) == -1 ||
	    expand(&sm->tls_key, ld->dir) == -1))
		return mg_cfg_bad(ld, g, "out of memory");
	if ((sm->local_password == NULL) != (sm->local_user == NULL))
		return mg_cfg_bad(ld, g, "local_user and local_password go "
		    "together: set both (the user name and password your mail "
		    "client will use) or neither");
	if (sm->local_password != NULL &&
	    strlen(sm->local_password) < MG_LOCAL_PASSWORD_MIN)
		return mg_cfg_bad(ld, config_setting_get_member(g,
		    "local_password"), "has %zu characters: use at least %d, "
		    "since any program on this computer may try to guess it",
		    strlen(sm->local_password), MG_LOCAL_PASSWORD_MIN);
	return 0;
}

int
mg_cfg_load_smtp(struct loader *ld, config_setting_t *root,
    struct mg_config *cfg)
{
	struct mg_smtp_settings	*sm = &cfg->smtp;
	config_setting_t	*g;
	int			 oh = MG_ON_HOLD_REJECT_AND_QUEUE, pc = -1;

	mg_settings_defaults(cfg, "smtp");
	if ((g = config_setting_get_member(root, "smtp")) != NULL) {
		if ((g = mg_cfg_need_group(ld, root, "smtp", 0)) == NULL)
			return -1;
		if (mg_cfg_check_rows(ld, g, "smtp", NULL) == -1 ||
		    mg_cfg_get_row_choice(ld, g, mg_setting_row("smtp",
		    "on_hold"), &oh) == -1 ||
		    mg_cfg_load_rows(ld, g, "smtp", NULL, cfg) == -1)
			return -1;
		/* unset: peer_check() picks one */
		if (config_setting_get_member(g, "peer_check") != NULL &&
		    mg_cfg_get_row_choice(ld, g, mg_setting_row("smtp",
		    "peer_check"), &pc) == -1)
			return -1;
		sm->on_hold = (enum mg_on_hold)oh;
		if (check_smtp(ld, g, sm) == -1)
			return -1;
	}
	if (sm->listen.n == 0 && (mg_strlist_add(&sm->listen,
	    "127.0.0.1:2525") == -1 || mg_strlist_add(&sm->listen,
	    "[::1]:2525") == -1))
		return mg_cfg_bad(ld, root, "out of memory");
	return peer_check(ld, g, pc, sm);
}

static int
load_smtp_upstream(struct loader *ld, config_setting_t *g,
    struct mg_config *cfg)
{
	struct mg_upstream	*up = &cfg->upstream;

	/* One per choice of the row upstream.auth. */
	static const enum mg_auth_mode modes[] = { MG_AUTH_NONE,
	    MG_AUTH_PLAIN, MG_AUTH_LOGIN, MG_AUTH_XOAUTH2 };
	static const struct mg_endpoint_profile pf = {
		.group = "upstream", .port_implicit = 465, .port_other = 587,
		.auth_modes = modes,
	};

	mg_settings_defaults(cfg, "upstream");
	if (mg_cfg_load_endpoint(ld, g, &pf, &up->ep) == -1 ||
	    mg_cfg_load_rows(ld, g, "upstream", "smtp", cfg) == -1)
		return -1;
	return 0;
}

int
mg_cfg_load_upstream(struct loader *ld, config_setting_t *root,
    struct mg_config *cfg)
{
	struct mg_upstream	*up = &cfg->upstream;
	config_setting_t	*g;
	int			 type = MG_UPSTREAM_NONE;
	char			*path = NULL;
	size_t			 len;

	if (config_setting_get_member(root, "upstream") == NULL)
		return 0;
	if ((g = mg_cfg_need_group(ld, root, "upstream", 0)) == NULL)
		return -1;
	if (config_setting_get_member(g, "type") == NULL)
		return mg_cfg_bad(ld, g, "the setting \"type\" is missing "
		    "(\"smtp\" or \"maildir\")");
	if (mg_cfg_get_row_choice(ld, g, mg_setting_row("upstream", "type"),
	    &type) == -1)
		return -1;
	up->type = (enum mg_upstream_type)type;
	switch (up->type) {
	case MG_UPSTREAM_SMTP:
		if (mg_cfg_check_rows(ld, g, "upstream", "smtp") == -1)
			return -1;
		return load_smtp_upstream(ld, g, cfg);
	case MG_UPSTREAM_MAILDIR:
		if (mg_cfg_check_rows(ld, g, "upstream", "maildir") == -1 ||
		    mg_cfg_get_string(ld, g, "path", 0, &path) == -1)
			return -1;
		if (path != NULL) {
			up->path = mg_expand_path(path, ld->dir);
			free(path);
		} else {
			len = strlen(cfg->state_dir) + sizeof("/sent");
			if ((up->path = malloc(len)) != NULL)
				snprintf(up->path, len, "%s/sent", cfg->state_dir);
		}
		if (up->path == NULL)
			return mg_cfg_bad(ld, g, "out of memory");
		return 0;
	default:
		return 0;
	}
}

/* review.listen is an address of the loopback interface, written as
 * an address (a name could resolve elsewhere). */
static int
loopback_address(const char *s)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;

	if (inet_pton(AF_INET, s, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, s, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

int
mg_cfg_load_review(struct loader *ld, config_setting_t *root,
    struct mg_config *cfg)
{
	struct mg_review_settings	*rv = &cfg->review;
	config_setting_t		*g;

	mg_settings_defaults(cfg, "review");
	if ((g = config_setting_get_member(root, "review")) != NULL) {
		if ((g = mg_cfg_need_group(ld, root, "review", 0)) == NULL ||
		    mg_cfg_check_rows(ld, g, "review", NULL) == -1 ||
		    mg_cfg_load_rows(ld, g, "review", NULL, cfg) == -1)
			return -1;
		if (rv->listen != NULL && !loopback_address(rv->listen))
			return mg_cfg_bad(ld, config_setting_get_member(g,
			    "listen"), "\"%s\" is not a loopback address: the "
			    "review page can send and delete your letters, so "
			    "it listens only on 127.0.0.1 or ::1", rv->listen);
	}
	if (rv->listen == NULL && (rv->listen = strdup("127.0.0.1")) == NULL)
		return mg_cfg_bad(ld, root, "out of memory");
	return 0;
}

void
mg_cfg_clear_serve(struct mg_config *cfg)
{
	struct mg_smtp_settings	*sm = &cfg->smtp;
	struct mg_upstream	*up = &cfg->upstream;

	mg_strlist_clear(&sm->listen);
	free(sm->local_user);
	free(sm->local_password);
	free(sm->tls_cert);
	free(sm->tls_key);
	mg_endpoint_clear(&up->ep);
	free(up->path);
}
