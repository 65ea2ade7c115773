/*
 * cmd_opts.c - option values shared by the commands.
 */
#include "config_auto.h"

#include <stdio.h>

#include "matchguard/cmd.h"
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
