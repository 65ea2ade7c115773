/*
 * stages.c - CPU time of the guard's stages, measured in-process.
 *
 * usage: stages CONF NOW MANIFEST [COUNT]
 *
 * For each message of MANIFEST (the lines of bench/mgload's manifest:
 * envelope recipient, tab, file), in order, it does what guard.c does
 * for a message that passes, one stage at a time, and sums the thread's
 * CPU time (CLOCK_THREAD_CPUTIME_ID) of each:
 *   parse   mg_letter_parse() of the bytes as received, with the envelope;
 *   policy  mg_letter_check() (every rule, with its ledger reads, and the
 *           letter's template signature, made once);
 *   ledger  mg_letter_record() of a letter that passed (a committed
 *           SQLite write, WAL mode);
 * and prints "messages=N parse_us=A policy_us=B ledger_us=C" (means per
 * message).  The relay stage is what `serve` spends beyond these (the
 * SMTP exchange with the client and upstream, threads); bench/run
 * reports it as the remainder of serve's own user+sys time.  No timing
 * code is built into matchguard itself.
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "matchguard/app.h"
#include "matchguard/letter.h"
#include "matchguard/util.h"

static double
cpu_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f = fopen(path, "rb");
	char	*buf;
	long	 n;

	if (f == NULL || fseek(f, 0, SEEK_END) == -1 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) == -1 || (buf = malloc((size_t)n + 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "stages: %s: cannot read\n", path);
		exit(1);
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

int
main(int argc, char **argv)
{
	struct mg_app	 app;
	FILE		*mf;
	char		 line[4096], err[MG_ERRLEN];
	double		 parse = 0, policy = 0, ledger = 0;
	long		 n = 0, max;
	time_t		 now;

	if (argc < 4 || argc > 5) {
		fprintf(stderr, "usage: stages CONF NOW MANIFEST [COUNT]\n");
		return 1;
	}
	mg_message_init();
	now = (time_t)atoll(argv[2]);
	max = argc == 5 ? atol(argv[4]) : 1000000;
	if (mg_app_open(&app, argv[1], MG_LEDGER_RW, err, sizeof(err)) == -1) {
		fprintf(stderr, "stages: %s\n", err);
		return 1;
	}
	if ((mf = fopen(argv[3], "r")) == NULL) {
		perror(argv[3]);
		return 1;
	}
	while (n < max && fgets(line, sizeof(line), mf) != NULL) {
		struct mg_letter	 lt;
		struct mg_strlist	 rcpts = { 0 };
		enum mg_letter_recorded	 rec;
		size_t			 len;
		char			*tab = strchr(line, '\t'), *data;
		double			 t0, t1, t2, t3;

		if (tab == NULL)
			continue;
		*tab = '\0';
		tab[1 + strcspn(tab + 1, "\r\n")] = '\0';
		data = slurp(tab + 1, &len);
		if (mg_strlist_add(&rcpts, line) == -1)
			exit(1);
		t0 = cpu_us();
		if (mg_letter_parse(&lt, data, len, "priya.raman@example.com",
		    &rcpts, err, sizeof(err)) != 0) {
			fprintf(stderr, "stages: %s: %s\n", tab + 1, err);
			return 1;
		}
		t1 = cpu_us();
		if (mg_letter_check(&lt, &app, now, MG_CHECK_RULES, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "stages: %s\n", err);
			return 1;
		}
		t2 = cpu_us();
		if (lt.check.verdict != MG_HOLD && mg_letter_record(&lt,
		    app.ledger, MG_LETTER_RELAYED, &rec, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "stages: %s\n", err);
			return 1;
		}
		t3 = cpu_us();
		parse += t1 - t0;
		policy += t2 - t1;
		ledger += t3 - t2;
		n++;
		mg_letter_clear(&lt);
		mg_strlist_clear(&rcpts);
		free(data);
	}
	fclose(mf);
	mg_app_close(&app);
	if (n == 0)
		return 1;
	printf("messages=%ld parse_us=%.0f policy_us=%.0f ledger_us=%.0f\n",
	    n, parse / (double)n, policy / (double)n, ledger / (double)n);
	return 0;
}
