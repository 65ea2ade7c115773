/*
 * stages.c - CPU time of the guard's stages, measured in-process.
 *
 * usage: stages CONF NOW MANIFEST [COUNT]
 *
 * For each message of MANIFEST (the lines of bench/mgload's manifest:
 * envelope recipient, tab, file), in order, it does what guard.c does
 * for a message that passes, one stage at a time, and sums the thread's
 * CPU time (CLOCK_THREAD_CPUTIME_ID) of each:
 *   parse   mg_message_parse() of the bytes as received;
 *   policy  mg_policy_check() (every rule, with its ledger reads);
 *   ledger  the template signature and mg_ledger_record_sent() of a
 *           message that passed (a committed SQLite write, WAL mode);
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
#include "matchguard/message.h"
#include "matchguard/policy.h"
#include "matchguard/report.h"
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

static void
record(struct mg_app *app, struct mg_message *m, struct mg_findings *fs,
    const char *cls, const struct mg_program **progs, size_t n, time_t now)
{
	const char		*ids[MG_POLICY_MAX_RCPTS];
	struct mg_sent		 s = { 0 };
	struct mg_textsig	 sig;
	struct mg_buf		 fj = { 0 };
	char			 err[MG_ERRLEN];
	int			 inserted;

	for (size_t i = 0; i < n && i < MG_POLICY_MAX_RCPTS; i++)
		ids[i] = progs[i]->id;
	if (mg_policy_signature(&app->cfg, m->new_text != NULL ? m->new_text :
	    "", &sig) == -1)
		exit(1);
	mg_findings_json(&fj, fs);
	s.message_id = m->message_id;
	s.content_hash = m->hash;
	s.date = now;
	s.subject = m->subject;
	s.msg_class = cls;
	s.verdict = "pass";
	s.findings_json = fj.failed ? NULL : fj.s;
	s.programs = ids;
	s.n_programs = n < MG_POLICY_MAX_RCPTS ? n : MG_POLICY_MAX_RCPTS;
	s.sig = &sig;
	if (mg_ledger_record_sent(app->ledger, &s, &inserted, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "stages: %s\n", err);
		exit(1);
	}
	mg_buf_free(&fj);
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
		struct mg_message	 *m;
		struct mg_findings	  fs = { 0 };
		enum mg_verdict		  verdict;
		const char		 *cls;
		const struct mg_program	**progs = NULL;
		size_t			  np = 0, len;
		char			 *tab = strchr(line, '\t'), *data;
		double			  t0, t1, t2, t3;

		if (tab == NULL)
			continue;
		*tab = '\0';
		tab[1 + strcspn(tab + 1, "\r\n")] = '\0';
		data = slurp(tab + 1, &len);
		t0 = cpu_us();
		if (mg_message_parse(data, len, &m, err, sizeof(err)) == -1) {
			fprintf(stderr, "stages: %s: %s\n", tab + 1, err);
			return 1;
		}
		m->env_from = strdup("priya.raman@example.com");
		mg_strlist_add(&m->env_rcpts, line);
		t1 = cpu_us();
		if (mg_policy_check(&app.cfg, app.filters, app.ledger, m, now,
		    &fs, &verdict, &cls, &progs, &np, err, sizeof(err)) == -1) {
			fprintf(stderr, "stages: %s\n", err);
			return 1;
		}
		t2 = cpu_us();
		if (verdict != MG_HOLD && np > 0)
			record(&app, m, &fs, cls, progs, np, now);
		t3 = cpu_us();
		parse += t1 - t0;
		policy += t2 - t1;
		ledger += t3 - t2;
		n++;
		mg_findings_clear(&fs);
		free(progs);
		mg_message_free(m);
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
