/*
 * cmd_opts.c - option values shared by the commands.
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>

#include "matchguard/cmd.h"
#include "matchguard/config.h"
#include "matchguard/office.h"
#include "matchguard/util.h"

int
mg_cmd_opt_now(const char *arg, time_t *now)
{
	if (mg_parse_time(arg, now) == 0)
		return 0;
	fprintf(stderr, "matchguard: --now %s: not a time like "
	    "2027-01-14T10:00:00-05:00\n", arg);
	return -1;
}

int
mg_cmd_opt_applicant(const char **conf, const char *id, char **own)
{
	struct mg_config	 office;
	const char		*path = *conf;
	char			 err[MG_ERRLEN], *dflt = NULL;
	int			 rc;

	*own = NULL;
	if (id == NULL)
		return 0;
	if (path == NULL && (path = dflt = mg_config_default_path()) == NULL) {
		fputs("matchguard: --applicant: set HOME or use -c FILE\n",
		    stderr);
		return -1;
	}
	rc = mg_config_load(path, &office, err, sizeof(err));
	free(dflt);
	if (rc == 0) {
		rc = mg_office_applicant_conf(&office, id, own, err,
		    sizeof(err));
		mg_config_clear(&office);
	}
	if (rc == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		return -1;
	}
	*conf = *own;
	return 0;
}
