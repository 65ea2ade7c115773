/*
 * app.h - what every command opens: the configuration, the filters and
 * the ledger, with one-line errors.
 */
#ifndef MATCHGUARD_APP_H
#define MATCHGUARD_APP_H

#include "matchguard/config.h"
#include "matchguard/filters.h"
#include "matchguard/ledger.h"

struct mg_app {
	struct mg_config	 cfg;
	struct mg_filters	*filters;
	struct mg_ledger	*ledger;
	char			*ledger_path;
};

/* Loads conf (NULL: the default path), checks the rule settings, loads
 * the filters and opens the ledger in mode (see ledger.h). */
int	mg_app_open(struct mg_app *app, const char *conf, int ledger_mode,
	    char *err, size_t errlen);
void	mg_app_close(struct mg_app *app);

#endif
