/*
 * app.c - open what the commands share.
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "matchguard/app.h"
#include "matchguard/policy.h"
#include "matchguard/signature.h"

int
mg_app_open(struct mg_app *app, const char *conf, int ledger_mode, char *err,
    size_t errlen)
{
	char	*dflt = NULL;
	size_t	 len;

	memset(app, 0, sizeof(*app));
	if (conf == NULL && (conf = dflt = mg_config_default_path()) == NULL) {
		mg_seterr(err, errlen, "cannot work out the configuration "
		    "path: set HOME or use -c FILE");
		return -1;
	}
	if (access(conf, F_OK) == -1) {
		mg_seterr(err, errlen, "%s: no configuration file there; copy "
		    "the example (matchguard.conf(5)) to it, or name one with "
		    "-c FILE", conf);
		free(dflt);
		return -1;
	}
	if (mg_config_load(conf, &app->cfg, err, errlen) == -1) {
		free(dflt);
		return -1;
	}
	free(dflt);
	if (app->cfg.name == NULL) {
		/* An office's file (a milter group) is no applicant's. */
		mg_seterr(err, errlen, "%s is an office's configuration (it has "
		    "a milter group and no identity): name the applicant with "
		    "--applicant ID", app->cfg.path);
		goto fail;
	}
	if (mg_policy_validate(&app->cfg, err, errlen) == -1)
		goto fail;
	if (mg_signature_prepare(&app->cfg) == -1) {
		mg_seterr(err, errlen, "out of memory");
		goto fail;
	}
	if (mg_filters_load(app->cfg.filters_dir, mg_policy_filter_lists(),
	    &app->filters, err, errlen) == -1)
		goto fail;
	len = strlen(app->cfg.state_dir) + sizeof("/ledger.sqlite");
	if ((app->ledger_path = malloc(len)) == NULL) {
		mg_seterr(err, errlen, "out of memory");
		goto fail;
	}
	snprintf(app->ledger_path, len, "%s/ledger.sqlite", app->cfg.state_dir);
	if (mg_ledger_open(app->ledger_path, ledger_mode, &app->ledger, err,
	    errlen) == -1)
		goto fail;
	return 0;
fail:
	mg_app_close(app);
	return -1;
}

void
mg_app_close(struct mg_app *app)
{
	mg_ledger_close(&app->ledger);
	mg_filters_free(app->filters);
	app->filters = NULL;
	free(app->ledger_path);
	app->ledger_path = NULL;
	mg_signature_unprepare(&app->cfg);
	mg_config_clear(&app->cfg);
}
