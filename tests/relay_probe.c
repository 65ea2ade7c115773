/*
 * relay_probe.c - drives mg_upstream_send() for tests/integration/relay.sh.
 *
 *   relay_probe CONFFILE MESSAGEFILE FROM RCPT...
 *
 * Loads the configuration, sends the message to its upstream, prints
 * "CODE TEXT" and exits with mg_upstream_send()'s return value (0 sent,
 * 1 temporary failure, 2 permanent failure); 3 on a usage or
 * configuration error.
 */
#include "config_auto.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "matchguard/config.h"
#include "matchguard/upstream.h"
#include "matchguard/util.h"

#define PROBE_MAX_MESSAGE	(64 * 1024 * 1024)

int
main(int argc, char **argv)
{
	struct mg_config	 cfg;
	struct mg_upstream_result	 res;
	struct mg_strlist	 rcpts = { 0 };
	char			 err[MG_ERRLEN], *data;
	size_t			 len;
	int			 rc;

	if (argc < 5) {
		fprintf(stderr, "usage: relay_probe CONFFILE MESSAGEFILE FROM "
		    "RCPT...\n");
		return 3;
	}
	signal(SIGPIPE, SIG_IGN);	/* upstream.h asks for it */
	if (mg_config_load(argv[1], &cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "relay_probe: %s\n", err);
		return 3;
	}
	if (mg_read_file(argv[2], PROBE_MAX_MESSAGE, &data, &len, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "relay_probe: %s\n", err);
		mg_config_clear(&cfg);
		return 3;
	}
	for (int i = 4; i < argc; i++)
		if (mg_strlist_add(&rcpts, argv[i]) == -1) {
			fprintf(stderr, "relay_probe: out of memory\n");
			return 3;
		}
	rc = mg_upstream_send(&cfg.upstream, "relay-probe.localhost", argv[3],
	    &rcpts, data, len, &res);
	printf("%d %s\n", res.code, res.text);
	mg_strlist_clear(&rcpts);
	free(data);
	mg_config_clear(&cfg);
	return rc;
}
