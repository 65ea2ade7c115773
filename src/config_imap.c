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

/* The folders, once read: the defaults, and sent mail apart. */
static int
check_folders(struct loader *ld, config_setting_t *g,
    struct mg_imap_settings *im)
{
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

/* One literal must fit in one answer. */
static int
check_limits(struct loader *ld, config_setting_t *g,
    const struct mg_imap_settings *im)
{
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
	/* One per choice of the row imap.auth. */
	static const enum mg_auth_mode modes[] = { MG_AUTH_LOGIN,
	    MG_AUTH_PLAIN, MG_AUTH_XOAUTH2 };
	static const struct mg_endpoint_profile pf = {
		.group = "imap", .port_implicit = 993, .port_other = 143,
		.auth_modes = modes,
	};
	struct mg_imap_settings	*im = &cfg->imap;
	config_setting_t	*g;

	if (config_setting_get_member(root, "imap") == NULL)
		return 0;
	if ((g = mg_cfg_need_group(ld, root, "imap", 0)) == NULL)
		return -1;
	mg_settings_defaults(cfg, "imap");
	if (mg_cfg_check_rows(ld, g, "imap", NULL) == -1 ||
	    mg_cfg_load_endpoint(ld, g, &pf, &im->ep) == -1 ||
	    mg_cfg_load_rows(ld, g, "imap", NULL, cfg) == -1 ||
	    check_folders(ld, g, im) == -1 ||
	    check_limits(ld, g, im) == -1)
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
