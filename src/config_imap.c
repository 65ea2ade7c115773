/*
 * config_imap.c - the imap group: the mailbox the reply poller watches
 * (imap_poller.c) and where notices of held messages are APPENDed.
 *
 *   imap = {
 *     host = "imap.example.com"; port = 993; tls = "implicit";
 *     auth = "login"; user = "priya.raman@example.com";
 *     password_command = "pass show mail";
 *     folders = [ "INBOX" ]; sent_folder = "Sent";
 *     poll_seconds = 300;
 *   };
 *
 * Without the group there is no poller and no notice.
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matchguard/config.h"
#include "config_priv.h"

static int
load_folders(struct loader *ld, config_setting_t *g,
    struct mg_imap_settings *im)
{
	if (mg_cfg_get_strlist(ld, g, "folders", 0, &im->folders) == -1 ||
	    mg_cfg_get_string(ld, g, "sent_folder", 0, &im->sent_folder) == -1 ||
	    mg_cfg_get_string(ld, g, "notice_folder", 0,
	    &im->notice_folder) == -1)
		return -1;
	if (im->folders.n == 0 && mg_strlist_add(&im->folders, "INBOX") == -1)
		return mg_cfg_bad(ld, g, "out of memory");
	if (im->notice_folder == NULL &&
	    (im->notice_folder = strdup("INBOX")) == NULL)
		return mg_cfg_bad(ld, g, "out of memory");
	for (size_t i = 0; i < im->folders.n; i++) {
		if (im->folders.v[i][0] == '\0')
			return mg_cfg_bad(ld, config_setting_get_member(g,
			    "folders"), "a folder name is empty");
		if (im->sent_folder != NULL &&
		    strcmp(im->folders.v[i], im->sent_folder) == 0)
			return mg_cfg_bad(ld, config_setting_get_member(g,
			    "sent_folder"), "\"%s\" is in \"folders\" too; "
			    "a folder holds either replies or your sent mail",
			    im->sent_folder);
	}
	return 0;
}

/* The bounds of one command (imap_poller.c). */
static int
load_limits(struct loader *ld, config_setting_t *g,
    struct mg_imap_settings *im)
{
	const int	GiB = 1024 * 1024 * 1024;

	if (mg_cfg_get_int(ld, g, "command_timeout", 1, 86400,
	    &im->command_timeout) == -1 ||
	    mg_cfg_get_int(ld, g, "max_literal_size", 1024, GiB,
	    &im->max_literal_size) == -1 ||
	    mg_cfg_get_int(ld, g, "max_response_size", 4096, GiB,
	    &im->max_response_size) == -1 ||
	    mg_cfg_get_int(ld, g, "max_response_text", 4096, 256 * 1024 * 1024,
	    &im->max_response_text) == -1 ||
	    mg_cfg_get_int(ld, g, "search_window", 100, 100000,
	    &im->search_window) == -1 ||
	    mg_cfg_get_int(ld, g, "max_tries", 1, 1000, &im->max_tries) == -1)
		return -1;
	if (im->max_literal_size > im->max_response_size)
		return mg_cfg_bad(ld, config_setting_get_member(g,
		    config_setting_get_member(g, "max_literal_size") != NULL ?
		    "max_literal_size" : "max_response_size"),
		    "max_literal_size (%d) is more than max_response_size "
		    "(%d): one literal must fit in one answer",
		    im->max_literal_size, im->max_response_size);
	return 0;
}

int
mg_cfg_load_imap(struct loader *ld, config_setting_t *root,
    struct mg_config *cfg)
{
	static const char *const names[] = { "host", "port", "tls", "auth",
	    "user", "password", "password_command", "tls_trust_file",
	    "timeout", "folders", "sent_folder", "poll_seconds",
	    "idle_seconds", "max_backoff", "notices", "notice_folder",
	    "command_timeout", "max_literal_size", "max_response_size",
	    "max_response_text", "search_window", "max_tries", "notice_queue",
	    NULL };
	static const char *const auth[] = { "login", "plain", "xoauth2",
	    NULL };
	static const enum mg_auth_mode modes[] = { MG_AUTH_LOGIN,
	    MG_AUTH_PLAIN, MG_AUTH_XOAUTH2 };
	static const struct mg_endpoint_profile pf = {
		.tls = MG_TLS_IMPLICIT, .port_implicit = 993,
		.port_other = 143, .auth_names = auth, .auth_modes = modes,
		.login_required = 1, .timeout = MG_DEF_IMAP_TIMEOUT,
	};
	struct mg_imap_settings	*im = &cfg->imap;
	config_setting_t	*g;

	if (config_setting_get_member(root, "imap") == NULL)
		return 0;
	if ((g = mg_cfg_need_group(ld, root, "imap", 0)) == NULL)
		return -1;
	im->poll_seconds = MG_DEF_IMAP_POLL_SECONDS;
	im->idle_seconds = MG_DEF_IMAP_IDLE_SECONDS;
	im->max_backoff = MG_DEF_IMAP_MAX_BACKOFF;
	im->notices = 1;
	im->command_timeout = MG_DEF_IMAP_COMMAND_TIMEOUT;
	im->max_literal_size = MG_DEF_IMAP_MAX_LITERAL;
	im->max_response_size = MG_DEF_IMAP_MAX_RESPONSE;
	im->max_response_text = MG_DEF_IMAP_MAX_RESPONSE_TEXT;
	im->search_window = MG_DEF_IMAP_SEARCH_WINDOW;
	im->max_tries = MG_DEF_IMAP_MAX_TRIES;
	im->notice_queue = MG_DEF_IMAP_NOTICE_QUEUE;
	if (mg_cfg_check_known(ld, g, names) == -1 ||
	    mg_cfg_load_endpoint(ld, g, &pf, &im->ep) == -1 ||
	    load_folders(ld, g, im) == -1 ||
	    mg_cfg_get_int(ld, g, "poll_seconds", 1, 86400,
	    &im->poll_seconds) == -1 ||
	    mg_cfg_get_int(ld, g, "idle_seconds", 1, 29 * 60 - 1,
	    &im->idle_seconds) == -1 ||
	    mg_cfg_get_int(ld, g, "max_backoff", 1, 86400,
	    &im->max_backoff) == -1 ||
	    mg_cfg_get_bool(ld, g, "notices", &im->notices) == -1 ||
	    load_limits(ld, g, im) == -1 ||
	    mg_cfg_get_int(ld, g, "notice_queue", 1, 100000,
	    &im->notice_queue) == -1)
		return -1;
	return 0;
}

void
mg_cfg_clear_imap(struct mg_config *cfg)
{
	struct mg_imap_settings	*im = &cfg->imap;

	mg_endpoint_clear(&im->ep);
	mg_strlist_clear(&im->folders);
	free(im->sent_folder);
	free(im->notice_folder);
}
