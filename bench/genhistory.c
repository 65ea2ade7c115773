/*
 * genhistory.c - a synthetic history for the benchmark: N past letters in
 * a matchguard ledger, written fast.
 *
 * usage: genhistory [-p PROGRAM-PREFIX] [-P NPROGRAMS] [-r] [-v] LEDGER N NOW
 *        genhistory -s     (prints the ledger schema version)
 *
 * LEDGER is created (or upgraded) by mg_ledger_open() so that the schema
 * is the program's own; then N letters are added in one transaction with
 * prepared statements, the way tests/unit/rules/test_generic_template.c
 * fills its 100,000-letter ledger: a sent row, a sent_program row, a
 * random MinHash signature (the signatures of unrelated letters are
 * independent random values) and its LSH band rows, computed by textsim.c as the ledger
 * computes them.  The letters are spread evenly over the eight years
 * before NOW (seconds since the epoch), so that about one in eight falls
 * in the current season, and over NPROGRAMS programs: ids PREFIX000...
 * for the first 100 (the benchmark's directory), then hist00100...
 * With -r, one letter in ten gets a reply.
 *
 * For speed the secondary indexes of the tables written are dropped and
 * made again afterwards (their SQL is read from sqlite_master, so they
 * stay the ledger's own), and the band rows are inserted in key order,
 * one band at a time.  The bucket values are kept in memory meanwhile:
 * N * 32 * 8 bytes (256 MB for a million letters).
 */
#include "config_auto.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "matchguard/ledger.h"
#include "matchguard/textsim.h"
#include "matchguard/util.h"

#define YEARS8	(8LL * 365 * 86400)

static sqlite3	*db;
static int	 verbose;

static void
phase(const char *what)
{
	struct timespec	ts;

	if (!verbose)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(stderr, "genhistory: %.3f %s\n", (double)ts.tv_sec +
	    (double)ts.tv_nsec / 1e9, what);
}

static void
die(const char *what)
{
	fprintf(stderr, "genhistory: %s: %s\n", what, db != NULL ?
	    sqlite3_errmsg(db) : "?");
	exit(1);
}

static void
exec(const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(sql);
}

static sqlite3_stmt *
prep(const char *sql)
{
	sqlite3_stmt	*s;

	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
		die(sql);
	return s;
}

static void
step(sqlite3_stmt *s)
{
	if (sqlite3_step(s) != SQLITE_DONE)
		die("insert");
	sqlite3_reset(s);
}

static uint64_t
rng(uint64_t *s)
{
	uint64_t	z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

struct band_row {
	int64_t	bucket;
	int64_t	i;
};

static int
cmp_row(const void *a, const void *b)
{
	const struct band_row *x = a, *y = b;

	if (x->bucket != y->bucket)
		return x->bucket < y->bucket ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

static const char *prefix = "bench";
static long	 nprog = 5100;

static void
program_id(long i, char *buf, size_t len)
{
	long	p = i % nprog;

	if (p < 100)
		snprintf(buf, len, "%s%03ld", prefix, p);
	else
		snprintf(buf, len, "hist%05ld", p);
}

/* The SQL of the secondary indexes of the tables written, then dropped. */
static char **
drop_indexes(size_t *n)
{
	sqlite3_stmt	*s = prep("SELECT name, sql FROM sqlite_master WHERE "
	    "type = 'index' AND sql IS NOT NULL AND tbl_name IN ('sent', "
	    "'sent_program', 'sent_sig', 'sent_band', 'reply')");
	char		**sql = NULL, **names = NULL;
	char		  drop[300];

	*n = 0;
	while (sqlite3_step(s) == SQLITE_ROW) {
		if ((sql = realloc(sql, (*n + 1) * sizeof(*sql))) == NULL ||
		    (names = realloc(names, (*n + 1) * sizeof(*names))) == NULL)
			die("out of memory");
		sql[*n] = strdup((const char *)sqlite3_column_text(s, 1));
		names[*n] = strdup((const char *)sqlite3_column_text(s, 0));
		(*n)++;
	}
	sqlite3_finalize(s);
	for (size_t i = 0; i < *n; i++) {
		snprintf(drop, sizeof(drop), "DROP INDEX \"%s\"", names[i]);
		exec(drop);
		free(names[i]);
	}
	free(names);
	return sql;
}

int
main(int argc, char **argv)
{
	struct mg_ledger *l = NULL;
	sqlite3_stmt	*s, *p, *g, *b, *r = NULL;
	int64_t		*buckets;
	struct band_row	*rows;
	uint64_t	 seed = 42;
	char		 err[MG_ERRLEN], mid[48], prog[24], **idx;
	long		 n;
	long long	 now, first;
	size_t		 nidx;
	int		 ch, replies = 0;

	while ((ch = getopt(argc, argv, "p:P:rsv")) != -1) {
		if (ch == 'p')
			prefix = optarg;
		else if (ch == 'P')
			nprog = atol(optarg);
		else if (ch == 'r')
			replies = 1;
		else if (ch == 'v')
			verbose = 1;
		else if (ch == 's') {
			printf("%d\n", mg_ledger_schema_version());
			return 0;
		}
		else
			goto usage;
	}
	if (argc - optind != 3 || (n = atol(argv[optind + 1])) < 1 ||
	    nprog < 1)
		goto usage;
	now = atoll(argv[optind + 2]);
	first = now - YEARS8;
	if (mg_ledger_open(argv[optind], MG_LEDGER_RW, &l, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "genhistory: %s\n", err);
		return 1;
	}
	mg_ledger_close(&l);
	if ((buckets = malloc((size_t)n * MG_TEXTSIM_BANDS *
	    sizeof(*buckets))) == NULL ||
	    (rows = malloc((size_t)n * sizeof(*rows))) == NULL) {
		fprintf(stderr, "genhistory: out of memory\n");
		return 1;
	}
	if (sqlite3_open(argv[optind], &db) != SQLITE_OK)
		die(argv[optind]);
	/* A bulk load alone on the file, not a test of the ledger's writes. */
	exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
	    " PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY; PRAGMA threads = 4; BEGIN");
	phase("start");
	idx = drop_indexes(&nidx);
	s = prep("INSERT INTO sent (id, message_id, content_hash, date, "
	    "subject, class, verdict) VALUES (?1, ?2, ?3, ?4, 'Update on my "
	    "application', 'update', 'pass')");
	p = prep("INSERT INTO sent_program (sent_id, program, date, class) "
	    "VALUES (?1, ?2, ?3, 'update')");
	g = prep("INSERT INTO sent_sig (sent_id, scheme, sig) VALUES (?1, ?2, "
	    "?3)");
	b = prep("INSERT INTO sent_band (band, bucket, date, sent_id, program) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)");
	if (replies && sqlite3_prepare_v2(db, "INSERT INTO reply (message_id, "
	    "program, date, in_reply_to) VALUES (?1, ?2, ?3, ?4)", -1, &r,
	    NULL) != SQLITE_OK) {
		fprintf(stderr, "genhistory: no replies (%s)\n",
		    sqlite3_errmsg(db));
		r = NULL;
	}
	for (long i = 0; i < n; i++) {
		struct mg_textsig	sig;
		unsigned char		blob[MG_TEXTSIM_SIGBYTES];
		char			hash[65];
		sqlite3_int64		id = 10000000 + i;
		sqlite3_int64		date = first + (sqlite3_int64)(YEARS8 *
		    (double)i / (double)n);

		for (size_t k = 0; k < MG_TEXTSIM_HASHES; k++)
			sig.mh[k] = (uint32_t)rng(&seed);
		sig.words = 150;
		mg_textsim_pack(&sig, blob);
		mg_textsim_bands(&sig, buckets + (size_t)i * MG_TEXTSIM_BANDS);
		/* In key order, for the UNIQUE indexes. */
		snprintf(mid, sizeof(mid), "hist%09ld@history.example.com", i);
		snprintf(hash, sizeof(hash), "%064lx", (unsigned long)i);
		program_id(i, prog, sizeof(prog));
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, mid, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, hash, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s, 4, date);
		step(s);
		sqlite3_bind_int64(p, 1, id);
		sqlite3_bind_text(p, 2, prog, -1, SQLITE_STATIC);
		sqlite3_bind_int64(p, 3, date);
		step(p);
		sqlite3_bind_int64(g, 1, id);
		sqlite3_bind_int(g, 2, MG_TEXTSIM_SCHEME);
		sqlite3_bind_blob(g, 3, blob, sizeof(blob), SQLITE_STATIC);
		step(g);
		if (r != NULL && i % 10 == 0) {
			char	rid[48];

			snprintf(rid, sizeof(rid), "re%ld@program.example.org", i);
			sqlite3_bind_text(r, 1, rid, -1, SQLITE_STATIC);
			sqlite3_bind_text(r, 2, prog, -1, SQLITE_STATIC);
			sqlite3_bind_int64(r, 3, date + 86400);
			sqlite3_bind_text(r, 4, mid, -1, SQLITE_STATIC);
			step(r);
		}
	}
	phase("letters written");
	/* Band rows in key order: one band at a time, by bucket. */
	for (int k = 0; k < MG_TEXTSIM_BANDS; k++) {
		for (long i = 0; i < n; i++) {
			rows[i].bucket = buckets[(size_t)i * MG_TEXTSIM_BANDS +
			    (size_t)k];
			rows[i].i = i;
		}
		qsort(rows, (size_t)n, sizeof(*rows), cmp_row);
		for (long j = 0; j < n; j++) {
			long	i = (long)rows[j].i;

			program_id(i, prog, sizeof(prog));
			sqlite3_bind_int(b, 1, k);
			sqlite3_bind_int64(b, 2, rows[j].bucket);
			sqlite3_bind_int64(b, 3, first + (sqlite3_int64)(YEARS8 *
			    (double)i / (double)n));
			sqlite3_bind_int64(b, 4, 10000000 + i);
			sqlite3_bind_text(b, 5, prog, -1, SQLITE_STATIC);
			step(b);
		}
	}
	sqlite3_finalize(s);
	sqlite3_finalize(p);
	sqlite3_finalize(g);
	sqlite3_finalize(b);
	sqlite3_finalize(r);
	phase("band rows written");
	for (size_t i = 0; i < nidx; i++) {
		phase(idx[i]);
		exec(idx[i]);
		free(idx[i]);
	}
	free(idx);
	phase("indexes made");
	exec("COMMIT; PRAGMA journal_mode = WAL");
	phase("committed");
	if (sqlite3_close(db) != SQLITE_OK)
		die("close");
	free(buckets);
	free(rows);
	return 0;
usage:
	fprintf(stderr, "usage: genhistory [-p PREFIX] [-P NPROGRAMS] [-r] [-v] "
	    "LEDGER N NOW\n");
	return 1;
}
