/*
 * config_serve.c - the groups used by `matchguard serve`: smtp (the
 * local listener) and upstream (where passed messages go).
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

static const char *const peer_checks[] = { "uid", "password", NULL };

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

/* The limits against idle connections and password guessing. */
static int
load_guards(struct loader *ld, config_setting_t *g,
    struct mg_smtp_settings *sm)
{
	if (mg_cfg_get_int(ld, g, "first_command_timeout", 1, 3600,
	    &sm->first_command_timeout) == -1 ||
	    mg_cfg_get_int(ld, g, "auth_timeout", 1, 3600,
	    &sm->auth_timeout) == -1 ||
	    mg_cfg_get_int(ld, g, "auth_fail_delay", 0, 10000,
	    &sm->auth_fail_delay) == -1 ||
	    mg_cfg_get_int(ld, g, "max_auth_failures", 1,
	    MG_MAX_AUTH_FAILURES_LIMIT, &sm->max_auth_failures) == -1 ||
	    mg_cfg_get_int(ld, g, "auth_lockout", 1, 86400,
	    &sm->auth_lockout) == -1 ||
	    mg_cfg_get_int(ld, g, "log_interval", 1, 3600,
	    &sm->log_interval) == -1)
		return -1;
	return 0;
}

int
mg_cfg_load_smtp(struct loader *ld, config_setting_t *root,
    struct mg_config *cfg)
{
	static const char *const names[] = { "listen", "on_hold",
	    "max_sessions", "max_message_size", "command_timeout",
	    "data_timeout", "local_user", "local_password", "tls_cert",
	    "tls_key", "max_bad_commands", "greet_pause", "peer_check",
	    "resend_window", "first_command_timeout", "auth_timeout",
	    "auth_fail_delay", "max_auth_failures", "auth_lockout",
	    "log_interval", NULL };
	static const char *const on_hold[] = { "queue", "reject",
	    "reject-and-queue", NULL };
	struct mg_smtp_settings	*sm = &cfg->smtp;
	config_setting_t	*g;
	int			 oh = MG_ON_HOLD_REJECT_AND_QUEUE, pc = -1;
	char			 host[256], port[8];

	sm->max_sessions = MG_DEF_MAX_SESSIONS;
	sm->max_message_size = MG_DEF_MAX_MESSAGE_SIZE;
	sm->command_timeout = MG_DEF_COMMAND_TIMEOUT;
	sm->data_timeout = MG_DEF_DATA_TIMEOUT;
	sm->max_bad_commands = MG_DEF_MAX_BAD_COMMANDS;
	sm->greet_pause = MG_DEF_GREET_PAUSE;
	sm->resend_window = MG_DEF_RESEND_WINDOW;
	sm->first_command_timeout = MG_DEF_FIRST_COMMAND_TIMEOUT;
	sm->auth_timeout = MG_DEF_AUTH_TIMEOUT;
	sm->auth_fail_delay = MG_DEF_AUTH_FAIL_DELAY;
	sm->max_auth_failures = MG_DEF_MAX_AUTH_FAILURES;
	sm->auth_lockout = MG_DEF_AUTH_LOCKOUT;
	sm->log_interval = MG_DEF_LOG_INTERVAL;
	sm->on_hold = MG_ON_HOLD_REJECT_AND_QUEUE;
	if ((g = config_setting_get_member(root, "smtp")) != NULL) {
		if ((g = mg_cfg_need_group(ld, root, "smtp", 0)) == NULL)
			return -1;
		if (mg_cfg_check_known(ld, g, names) == -1 ||
		    mg_cfg_get_strlist(ld, g, "listen", 1, &sm->listen) == -1 ||
		    mg_cfg_get_choice(ld, g, "on_hold", on_hold, &oh) == -1 ||
		    mg_cfg_get_int(ld, g, "max_sessions", 1,
		    MG_MAX_SESSIONS_LIMIT, &sm->max_sessions) == -1 ||
		    mg_cfg_get_int(ld, g, "max_bad_commands", 1, 100,
		    &sm->max_bad_commands) == -1 ||
		    mg_cfg_get_int(ld, g, "greet_pause", 0, 10000,
		    &sm->greet_pause) == -1 ||
		    mg_cfg_get_choice(ld, g, "peer_check", peer_checks,
		    &pc) == -1 ||
		    mg_cfg_get_int(ld, g, "max_message_size", 1024, 1 << 30,
		    &sm->max_message_size) == -1 ||
		    mg_cfg_get_int(ld, g, "command_timeout", 1, 3600,
		    &sm->command_timeout) == -1 ||
		    mg_cfg_get_int(ld, g, "data_timeout", 1, 3600,
		    &sm->data_timeout) == -1 ||
		    load_guards(ld, g, sm) == -1 ||
		    mg_cfg_get_string(ld, g, "local_user", 0,
		    &sm->local_user) == -1 ||
		    mg_cfg_get_string(ld, g, "local_password", 0,
		    &sm->local_password) == -1 ||
		    mg_cfg_get_string(ld, g, "tls_cert", 0, &sm->tls_cert) == -1 ||
		    mg_cfg_get_string(ld, g, "tls_key", 0, &sm->tls_key) == -1 ||
		    mg_cfg_get_int(ld, g, "resend_window", 0, 30 * 86400,
		    &sm->resend_window) == -1)
			return -1;
		sm->on_hold = (enum mg_on_hold)oh;
		for (size_t i = 0; i < sm->listen.n; i++)
			if (mg_split_hostport(sm->listen.v[i], host,
			    sizeof(host), port, sizeof(port)) == -1)
				return mg_cfg_bad(ld, config_setting_get_member(g,
				    "listen"), "\"%s\" is not an address and "
				    "port like \"127.0.0.1:2525\" or "
				    "\"[::1]:2525\"", sm->listen.v[i]);
		if ((sm->tls_cert == NULL) != (sm->tls_key == NULL))
			return mg_cfg_bad(ld, g, "tls_cert and tls_key go "
			    "together: set both or neither");
		if (sm->tls_cert != NULL && (expand(&sm->tls_cert, ld->dir) == -1 ||
		    expand(&sm->tls_key, ld->dir) == -1))
			return mg_cfg_bad(ld, g, "out of memory");
		if ((sm->local_password == NULL) != (sm->local_user == NULL))
			return mg_cfg_bad(ld, g, "local_user and local_password "
			    "go together: set both (the user name and password "
			    "your mail client will use) or neither");
		if (sm->local_password != NULL &&
		    strlen(sm->local_password) < MG_LOCAL_PASSWORD_MIN)
			return mg_cfg_bad(ld, config_setting_get_member(g,
			    "local_password"), "has %zu characters: use at "
			    "least %d, since any program on this computer may "
			    "try to guess it", strlen(sm->local_password),
			    MG_LOCAL_PASSWORD_MIN);
	}
	if (sm->listen.n == 0 && (mg_strlist_add(&sm->listen,
	    "127.0.0.1:2525") == -1 || mg_strlist_add(&sm->listen,
	    "[::1]:2525") == -1))
		return mg_cfg_bad(ld, root, "out of memory");
	return peer_check(ld, g, pc, sm);
}

static int
load_smtp_upstream(struct loader *ld, config_setting_t *g,
    struct mg_upstream *up)
{
	static const char *const auth[] = { "none", "plain", "login",
	    "xoauth2", NULL };
	static const enum mg_auth_mode modes[] = { MG_AUTH_NONE,
	    MG_AUTH_PLAIN, MG_AUTH_LOGIN, MG_AUTH_XOAUTH2 };
	static const struct mg_endpoint_profile pf = {
		.tls = MG_TLS_STARTTLS, .port_implicit = 465,
		.port_other = 587, .auth_names = auth, .auth_modes = modes,
		.login_required = 0, .timeout = MG_DEF_UPSTREAM_TIMEOUT,
	};

	up->data_timeout = MG_DEF_UPSTREAM_DATA_TIMEOUT;
	up->max_reply_size = MG_DEF_UPSTREAM_MAX_REPLY;
	if (mg_cfg_load_endpoint(ld, g, &pf, &up->ep) == -1 ||
	    mg_cfg_get_int(ld, g, "data_timeout", 1, 86400,
	    &up->data_timeout) == -1 ||
	    mg_cfg_get_int(ld, g, "max_reply_size", 512, 16 * 1024 * 1024,
	    &up->max_reply_size) == -1)
		return -1;
	return 0;
}

int
mg_cfg_load_upstream(struct loader *ld, config_setting_t *root,
    struct mg_config *cfg)
{
	static const char *const smtp_names[] = { "type", "host", "port",
	    "tls", "auth", "user", "password", "password_command",
	    "tls_trust_file", "timeout", "data_timeout", "max_reply_size",
	    NULL };
	static const char *const maildir_names[] = { "type", "path", NULL };
	static const char *const types[] = { "none", "smtp", "maildir", NULL };
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
	if (mg_cfg_get_choice(ld, g, "type", types, &type) == -1)
		return -1;
	up->type = (enum mg_upstream_type)type;
	switch (up->type) {
	case MG_UPSTREAM_SMTP:
		if (mg_cfg_check_known(ld, g, smtp_names) == -1)
			return -1;
		return load_smtp_upstream(ld, g, up);
	case MG_UPSTREAM_MAILDIR:
		if (mg_cfg_check_known(ld, g, maildir_names) == -1 ||
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
