/*
 * cmd_programs.c - matchguard programs [list | import FILE.csv | add]
 *
 * The program list without libconfig syntax: a spreadsheet's CSV export
 * (columns named in matchguard(1), a template in conf/programs.csv) or
 * questions one by one.  The list is the file the configuration
 * includes (@include "programs.conf", as `init` writes it); it is
 * rewritten whole, the old one kept as FILE.bak, and the configuration
 * is loaded again before the command says it is done.  A program of the
 * same id or name is replaced, the others are kept.
 */
#include "config_auto.h"

#include <sys/stat.h>

#include <ctype.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "matchguard/ask.h"
#include "matchguard/buf.h"
#include "matchguard/cmd.h"
#include "matchguard/config.h"
#include "matchguard/csv.h"
#include "matchguard/util.h"

#define MAX_CSV		(4u * 1024u * 1024u)

static const char usage[] =
    "usage: matchguard programs [-c CONF] [list | import FILE.csv | add]\n";

enum col { C_NAME, C_ID, C_ADDRESSES, C_DOMAINS, C_INSTITUTION, C_DIRECTOR,
	C_COORDINATOR, C_INTERVIEW, C_ALIASES, C_FEATURES, C_TRACKS, C_N };

/* Column headings (lower case, spaces for _ and -), first the one the
 * man page and the template use. */
static const struct {
	enum col	 col;
	const char	*names[4];
} headings[] = {
	{ C_NAME,	 { "name", "program", "program name", NULL } },
	{ C_ID,		 { "id", "short name", NULL } },
	{ C_ADDRESSES,	 { "email", "emails", "addresses", "e mail" } },
	{ C_DOMAINS,	 { "domains", "domain", NULL } },
	{ C_INSTITUTION, { "institution", "hospital", NULL } },
	{ C_DIRECTOR,	 { "director", "program director", NULL } },
	{ C_COORDINATOR, { "coordinator", "program coordinator", NULL } },
	{ C_INTERVIEW,	 { "interview date", "interview", NULL } },
	{ C_ALIASES,	 { "aliases", "also called", NULL } },
	{ C_FEATURES,	 { "features", NULL } },
	{ C_TRACKS,	 { "tracks", NULL } },
};

/* One program as text, before it is written. */
struct prog {
	char			*v[C_N];	/* NULL: empty */
};

struct progs {
	struct prog	*v;
	size_t		 n;
};

static void
prog_clear(struct prog *p)
{
	for (int i = 0; i < C_N; i++)
		free(p->v[i]);
	memset(p, 0, sizeof(*p));
}

static void
progs_clear(struct progs *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		prog_clear(&ps->v[i]);
	free(ps->v);
	ps->v = NULL;
	ps->n = 0;
}

static int
set(struct prog *p, enum col c, const char *s)
{
	free(p->v[c]);
	p->v[c] = s != NULL && s[0] != '\0' ? strdup(s) : NULL;
	return s != NULL && s[0] != '\0' && p->v[c] == NULL ? -1 : 0;
}

/* A list joined with "; ", the form a cell holds. */
static char *
join(const struct mg_strlist *l)
{
	struct mg_buf	b = { 0 };

	for (size_t i = 0; i < l->n; i++)
		mg_buf_printf(&b, "%s%s", i > 0 ? "; " : "", l->v[i]);
	return b.len > 0 && !b.failed ? b.s : (mg_buf_free(&b), NULL);
}

/* A loaded program, as the text a spreadsheet row would give. */
static int
from_program(const struct mg_program *mp, struct prog *p)
{
	char	d[16];
	int	rc = 0;

	memset(p, 0, sizeof(*p));
	rc |= set(p, C_NAME, mp->name) | set(p, C_ID, mp->id) |
	    set(p, C_INSTITUTION, mp->institution);
	p->v[C_ADDRESSES] = join(&mp->addresses);
	p->v[C_DOMAINS] = join(&mp->domains);
	p->v[C_ALIASES] = join(&mp->aliases);
	p->v[C_FEATURES] = join(&mp->features);
	p->v[C_TRACKS] = join(&mp->tracks);
	for (size_t i = 0; i < mp->n_contacts; i++) {
		enum col c = strcmp(mp->contacts[i].role, "director") == 0 ?
		    C_DIRECTOR : C_COORDINATOR;

		if (p->v[c] == NULL)
			rc |= set(p, c, mp->contacts[i].name);
	}
	if (mp->has_interview) {
		mg_format_day(mp->interview_day, d, sizeof(d));
		rc |= set(p, C_INTERVIEW, d);
	}
	return rc;
}

/* Splits a cell's list at ";" and line breaks (and "," for addresses). */
static void
split(const char *s, const char *seps, struct mg_strlist *out)
{
	while (s != NULL && *s != '\0') {
		size_t	n = strcspn(s, seps), a = 0, z = n;

		while (a < n && isspace((unsigned char)s[a]))
			a++;
		while (z > a && isspace((unsigned char)s[z - 1]))
			z--;
		if (z > a)
			mg_strlist_addn(out, s + a, z - a);
		s += n + (s[n] != '\0');
	}
}

static void
put_list(struct mg_buf *b, const char *name, const char *cell,
    const char *seps)
{
	struct mg_strlist	l = { 0 };

	split(cell, seps, &l);
	if (l.n == 0)
		return;
	mg_buf_printf(b, "    %s = [ ", name);
	for (size_t i = 0; i < l.n; i++) {
		mg_buf_puts(b, i > 0 ? ", " : "");
		mg_conf_quote(b, l.v[i]);
	}
	mg_buf_puts(b, " ];\n");
	mg_strlist_clear(&l);
}

static void
put_text(struct mg_buf *b, const char *name, const char *v)
{
	if (v == NULL)
		return;
	mg_buf_printf(b, "    %s = ", name);
	mg_conf_quote(b, v);
	mg_buf_puts(b, ";\n");
}

static void
write_prog(struct mg_buf *b, const struct prog *p, int last)
{
	mg_buf_puts(b, "  {\n");
	put_text(b, "id", p->v[C_ID]);
	put_text(b, "name", p->v[C_NAME]);
	put_text(b, "institution", p->v[C_INSTITUTION]);
	put_list(b, "aliases", p->v[C_ALIASES], ";\n");
	put_list(b, "addresses", p->v[C_ADDRESSES], ",; \n");
	put_list(b, "domains", p->v[C_DOMAINS], ",; \n");
	if (p->v[C_DIRECTOR] != NULL || p->v[C_COORDINATOR] != NULL) {
		mg_buf_puts(b, "    contacts = (");
		for (int r = 0; r < 2; r++) {
			const char *n = p->v[r == 0 ? C_DIRECTOR : C_COORDINATOR];

			if (n == NULL)
				continue;
			mg_buf_printf(b, "%s { role = \"%s\"; name = ",
			    r == 1 && p->v[C_DIRECTOR] != NULL ? "," : "",
			    r == 0 ? "director" : "coordinator");
			mg_conf_quote(b, n);
			mg_buf_puts(b, "; }");
		}
		mg_buf_puts(b, " );\n");
	}
	put_list(b, "features", p->v[C_FEATURES], ";\n");
	put_list(b, "tracks", p->v[C_TRACKS], ";\n");
	put_text(b, "interview_date", p->v[C_INTERVIEW]);
	mg_buf_printf(b, "  }%s\n", last ? "" : ",");
}

/* The file the configuration includes its program list from: the first
 * @include whose file exists and has "programs" in it. */
static char *
program_file(const char *conf, char *err, size_t errlen)
{
	char	*text = NULL, *tmp = strdup(conf), *dir, *p, *path = NULL;

	if (tmp == NULL || mg_read_file(conf, MAX_CSV, &text, NULL, err,
	    errlen) == -1) {
		free(tmp);
		return NULL;
	}
	dir = dirname(tmp);
	for (p = text; p != NULL && path == NULL; p = strchr(p, '\n')) {
		char	name[1024], *inc = NULL;
		size_t	n;

		p += *p == '\n';
		p += strspn(p, " \t");
		if (strncmp(p, "@include", 8) != 0 || strchr(p, '"') == NULL)
			continue;
		p = strchr(p, '"') + 1;
		n = strcspn(p, "\"\n");
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		if ((path = mg_expand_path(name, dir)) != NULL &&
		    (mg_read_file(path, MAX_CSV, &inc, NULL, err, errlen) ==
		    -1 || strstr(inc, "programs") == NULL)) {
			free(path);
			path = NULL;
		}
		free(inc);
	}
	if (path == NULL)
		mg_seterr(err, errlen, "%s does not include a program list to "
		    "write to: add the line  @include \"programs.conf\"  at "
		    "its end, and move any programs = ( ... ); there", conf);
	free(text);
	free(tmp);
	return path;
}

/* Writes the list (old one to FILE.bak) and loads the configuration
 * again; on a failure the old list is put back. */
static int
save(const char *conf, const struct progs *ps)
{
	struct mg_buf		 b = { 0 };
	struct mg_config	 cfg;
	char			*file, *old = NULL, bak[4200],
				 err[MG_ERRLEN];
	size_t			 oldlen = 0;
	int			 rc = -1;

	if ((file = program_file(conf, err, sizeof(err))) == NULL) {
		fprintf(stderr, "matchguard: %s\n", err);
		return -1;
	}
	mg_buf_puts(&b, "# The programs you write to; see matchguard.conf(5).  "
	    "Written by\n# `matchguard programs`: change it with `matchguard "
	    "programs import` or\n# `programs add`, or by hand.\nprograms = (\n");
	for (size_t i = 0; i < ps->n; i++)
		write_prog(&b, &ps->v[i], i + 1 == ps->n);
	mg_buf_puts(&b, ");\n");
	snprintf(bak, sizeof(bak), "%s.bak", file);
	if (mg_read_file(file, MAX_CSV, &old, &oldlen, err, sizeof(err)) ==
	    0 && mg_write_private(bak, old, oldlen, err, sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		goto out;
	}
	if (b.failed || mg_write_private(file, b.s, b.len, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s\n", b.failed ? "out of memory" :
		    err);
		goto out;
	}
	if (mg_config_load(conf, &cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: the new program list does not "
		    "load, so the old one is back: %s\n", err);
		if (old != NULL)
			mg_write_private(file, old, oldlen, err, sizeof(err));
		goto out;
	}
	printf("%s: %zu program%s; `matchguard check` uses the list now.\n",
	    file, cfg.dir.n, cfg.dir.n == 1 ? "" : "s");
	if (old != NULL)
		printf("The old list is kept in %s.\n", bak);
	mg_config_clear(&cfg);
	rc = 0;
out:
	mg_buf_free(&b);
	free(old);
	free(file);
	return rc;
}

static const char *const id_skip[] = { "the", "of", "and", "at", "for", "in",
    "university", "medical", "center", "centre", "hospital", "residency",
    "program", "programme", "school", "health", "college", "combined", NULL };

/* An id from the name: its first two telling words, in lower case
 * ASCII ("Harborview University Medical Genetics Residency" ->
 * "harborview-genetics"), made unique with -2, -3 ... */
static char *
make_id(const char *name, const struct progs *ps)
{
	char	id[64] = "", word[64], *out;
	size_t	n = 0;
	int	words = 0, k = 1;

	for (const char *p = name; *p != '\0' && words < 2;) {
		size_t	w = 0;

		while (*p != '\0' && !isalnum((unsigned char)*p))
			p++;
		while (isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80) {
			if (isalnum((unsigned char)*p) && w + 1 < sizeof(word))
				word[w++] = (char)tolower((unsigned char)*p);
			p++;
		}
		word[w] = '\0';
		if (w == 0)
			continue;
		int	skip = 0;

		for (size_t i = 0; id_skip[i] != NULL; i++)
			skip |= strcmp(word, id_skip[i]) == 0;
		if (skip && !(words == 0 && *p == '\0'))
			continue;
		n += (size_t)snprintf(id + n, sizeof(id) - n, "%s%s",
		    words > 0 ? "-" : "", word);
		n = n < sizeof(id) ? n : sizeof(id) - 1;
		words++;
	}
	if (id[0] == '\0')
		snprintf(id, sizeof(id), "program");
	if ((out = malloc(strlen(id) + 16)) == NULL)
		return NULL;
	strcpy(out, id);
	for (size_t i = 0; i < ps->n; i++)
		if (ps->v[i].v[C_ID] != NULL && strcmp(ps->v[i].v[C_ID], out) ==
		    0) {
			snprintf(out, strlen(id) + 16, "%s-%d", id, ++k % 10000);
			i = (size_t)-1;
		}
	return out;
}

static int
good_address(const char *a)
{
	const char	*at = strchr(a, '@');

	return at != NULL && at != a && strchr(at + 1, '@') == NULL &&
	    strchr(at + 1, '.') != NULL && strpbrk(a, " \t\"<>()") == NULL;
}

/* "2026-11-10", "11/10/2026" (month first, as in the US) or "10.11.2026"
 * (day first) into YYYY-MM-DD. */
static int
norm_date(const char *s, char out[16])
{
	int	a, b, y;
	long	day;
	char	d[32], tail;

	if (sscanf(s, "%d/%d/%d%c", &a, &b, &y, &tail) == 3)
		snprintf(d, sizeof(d), "%04d-%02d-%02d", y, a, b);
	else if (sscanf(s, "%d.%d.%d%c", &b, &a, &y, &tail) == 3)
		snprintf(d, sizeof(d), "%04d-%02d-%02d", y, a, b);
	else
		snprintf(d, sizeof(d), "%s", s);
	if (mg_parse_date(d, &day) == -1 || (d[0] != '2' && d[0] != '1'))
		return -1;
	mg_format_day(day, out, 16);
	return 0;
}

/* What is wrong with a program, or NULL; *col names the column. */
static const char *
check_prog(struct prog *p, enum col *col, char *why, size_t len)
{
	struct mg_strlist	l = { 0 };
	char			d[16];

	if (p->v[C_NAME] == NULL) {
		*col = C_NAME;
		return "the program's name is missing";
	}
	if (p->v[C_ADDRESSES] == NULL && p->v[C_DOMAINS] == NULL) {
		*col = C_ADDRESSES;
		return "give the program's e-mail address (or its domain, "
		    "like harborview.edu)";
	}
	split(p->v[C_ADDRESSES], ",; \n", &l);
	for (size_t i = 0; i < l.n; i++)
		if (!good_address(l.v[i])) {
			snprintf(why, len, "\"%s\" is not an e-mail address "
			    "(like genetics-residency@harborview.edu; several: "
			    "separate them with commas)", p->v[C_ADDRESSES]);
			*col = C_ADDRESSES;
			mg_strlist_clear(&l);
			return why;
		}
	mg_strlist_clear(&l);
	split(p->v[C_DOMAINS], ",; \n", &l);
	for (size_t i = 0; i < l.n; i++)
		if (strchr(l.v[i], '.') == NULL || strchr(l.v[i], '@') != NULL) {
			snprintf(why, len, "\"%s\" is not a domain (like "
			    "harborview.edu: what follows the @)", l.v[i]);
			*col = C_DOMAINS;
			mg_strlist_clear(&l);
			return why;
		}
	mg_strlist_clear(&l);
	if (p->v[C_ID] != NULL && (strspn(p->v[C_ID],
	    "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(p->v[C_ID]))) {
		*col = C_ID;
		return "an id has lower case letters, digits and - only, like "
		    "harborview";
	}
	if (p->v[C_INTERVIEW] != NULL) {
		if (norm_date(p->v[C_INTERVIEW], d) == -1) {
			snprintf(why, len, "\"%s\" is not a date: type it as "
			    "year-month-day, like 2026-11-10", p->v[C_INTERVIEW]);
			*col = C_INTERVIEW;
			return why;
		}
		set(p, C_INTERVIEW, d);
	}
	return NULL;
}

/* The new program takes the place of one with its id or name. */
static int
merge(struct progs *ps, struct prog *p)
{
	struct prog	*nv;

	for (size_t i = 0; i < ps->n; i++)
		if ((p->v[C_ID] != NULL && ps->v[i].v[C_ID] != NULL &&
		    strcmp(ps->v[i].v[C_ID], p->v[C_ID]) == 0) ||
		    strcasecmp(ps->v[i].v[C_NAME], p->v[C_NAME]) == 0) {
			if (p->v[C_ID] == NULL) {
				p->v[C_ID] = ps->v[i].v[C_ID];
				ps->v[i].v[C_ID] = NULL;
			}
			prog_clear(&ps->v[i]);
			ps->v[i] = *p;
			return 0;
		}
	if (p->v[C_ID] == NULL && (p->v[C_ID] = make_id(p->v[C_NAME],
	    ps)) == NULL)
		return -1;
	if ((nv = realloc(ps->v, (ps->n + 1) * sizeof(*nv))) == NULL)
		return -1;
	ps->v = nv;
	ps->v[ps->n++] = *p;
	return 0;
}

/* The programs the configuration has now. */
static int
load_current(const char *conf, struct progs *ps, char **path)
{
	struct mg_config	cfg;
	char			err[MG_ERRLEN];
	int			rc = 0;

	memset(ps, 0, sizeof(*ps));
	if ((*path = conf != NULL ? strdup(conf) : mg_config_default_path()) ==
	    NULL || mg_config_load(*path, &cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s\n", *path == NULL ?
		    "no configuration path" : err);
		return -1;
	}
	if (cfg.dir.n > 0 && (ps->v = calloc(cfg.dir.n, sizeof(*ps->v))) ==
	    NULL)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < cfg.dir.n; i++, ps->n++)
		rc = from_program(&cfg.dir.programs[i], &ps->v[i]);
	mg_config_clear(&cfg);
	return rc;
}

static int
column_of(const char *heading)
{
	char	h[128];
	size_t	n = 0;

	for (const char *p = heading; *p != '\0' && n + 1 < sizeof(h); p++)
		h[n++] = *p == '_' || *p == '-' ? ' ' :
		    (char)tolower((unsigned char)*p);
	while (n > 0 && h[n - 1] == ' ')
		n--;
	h[n] = '\0';
	for (size_t i = 0; i < sizeof(headings) / sizeof(headings[0]); i++)
		for (int j = 0; j < 4 && headings[i].names[j] != NULL; j++)
			if (strcmp(h + strspn(h, " "), headings[i].names[j]) == 0)
				return (int)headings[i].col;
	return -1;
}

/* "C" for the third column, "AA" for the 27th. */
static void
col_letters(size_t i, char out[8])
{
	char	tmp[8];
	int	n = 0;

	for (i++; i > 0 && n < 7; i = (i - 1) / 26)
		tmp[n++] = (char)('A' + (i - 1) % 26);
	for (int k = 0; k < n; k++)
		out[k] = tmp[n - 1 - k];
	out[n] = '\0';
}

static int
import_csv(const char *conf, const char *file)
{
	struct mg_strlist	 f = { 0 }, head = { 0 };
	struct progs		 ps;
	struct mg_csv		 c;
	char			*data = NULL, *path = NULL, err[MG_ERRLEN],
				 why[512], l[8];
	int			 map[64], rc = MG_EXIT_ERROR, bad = 0, r;
	size_t			 len, added = 0;

	if (load_current(conf, &ps, &path) == -1)
		goto out;
	if (mg_read_file(file, MAX_CSV, &data, &len, err, sizeof(err)) == -1 ||
	    mg_csv_open(&c, data, len, err, sizeof(err)) == -1 ||
	    (r = mg_csv_next(&c, &head, err, sizeof(err))) == -1) {
		fprintf(stderr, "matchguard: %s: %s\n", file, err);
		goto out;
	}
	if (r == 0 || head.n == 0) {
		fprintf(stderr, "matchguard: %s: the file is empty; the first "
		    "row names the columns (see conf/programs.csv)\n", file);
		goto out;
	}
	for (size_t i = 0; i < head.n && i < 64; i++) {
		col_letters(i, l);
		if ((map[i] = column_of(head.v[i])) == -1 && head.v[i][0] !=
		    '\0') {
			fprintf(stderr, "matchguard: %s: row 1, column %s: no "
			    "column is called \"%s\"; the columns are name, "
			    "email, domains, institution, director, "
			    "coordinator, interview date, aliases, features, "
			    "tracks, id\n", file, l, head.v[i]);
			bad++;
		}
	}
	for (size_t i = 0; i < head.n && i < 64; i++)
		if (map[i] == C_NAME)
			break;
		else if (i + 1 == head.n || i + 1 == 64) {
			fprintf(stderr, "matchguard: %s: row 1: no \"name\" "
			    "column; the first row names the columns (see "
			    "conf/programs.csv)\n", file);
			bad++;
		}
	if (bad > 0) {
		fprintf(stderr, "matchguard: %s: nothing imported; fix the "
		    "first row and import again\n", file);
		goto out;
	}
	while ((r = mg_csv_next(&c, &f, err, sizeof(err))) == 1) {
		struct prog	p = { 0 };
		const char	*problem;
		enum col	 col = C_NAME;
		int		 empty = 1;

		for (size_t i = 0; i < f.n && i < head.n && i < 64; i++)
			if (map[i] >= 0 && f.v[i][strspn(f.v[i], " \t")] !=
			    '\0') {
				set(&p, (enum col)map[i], f.v[i] + strspn(f.v[i],
				    " \t"));
				empty = 0;
			}
		if (empty) {
			prog_clear(&p);
			continue;
		}
		if ((problem = check_prog(&p, &col, why, sizeof(why))) != NULL) {
			size_t	k = 0;

			while (k < head.n && map[k] != (int)col)
				k++;
			col_letters(k, l);
			if (k < head.n)
				fprintf(stderr, "matchguard: %s: row %d, column "
				    "%s (%s): %s\n", file, c.row, l, head.v[k],
				    problem);
			else
				fprintf(stderr, "matchguard: %s: row %d: %s\n",
				    file, c.row, problem);
			prog_clear(&p);
			bad++;
			continue;
		}
		if (merge(&ps, &p) == -1) {
			prog_clear(&p);
			fputs("matchguard: out of memory\n", stderr);
			goto out;
		}
		added++;
	}
	if (r == -1) {
		fprintf(stderr, "matchguard: %s: %s\n", file, err);
		bad++;
	}
	if (bad > 0) {
		fprintf(stderr, "matchguard: %s: nothing imported; fix the "
		    "row%s above and import again\n", file, bad > 1 ? "s" : "");
		goto out;
	}
	printf("%zu program%s read from %s.\n", added, added == 1 ? "" : "s",
	    file);
	if (save(path, &ps) == 0)
		rc = MG_EXIT_OK;
out:
	progs_clear(&ps);
	mg_strlist_clear(&f);
	mg_strlist_clear(&head);
	free(data);
	free(path);
	return rc;
}

static int
list(const char *conf)
{
	struct progs	ps;
	char		*path = NULL;

	if (load_current(conf, &ps, &path) == -1) {
		free(path);
		return MG_EXIT_ERROR;
	}
	if (ps.n == 0)
		printf("No programs yet: `matchguard programs import FILE.csv` "
		    "or `matchguard programs add`.\n");
	for (size_t i = 0; i < ps.n; i++) {
		const struct prog *p = &ps.v[i];

		printf("%s\n  id %s; mail: %s%s%s", p->v[C_NAME], p->v[C_ID],
		    p->v[C_ADDRESSES] != NULL ? p->v[C_ADDRESSES] : "",
		    p->v[C_ADDRESSES] != NULL && p->v[C_DOMAINS] != NULL ?
		    "; anyone at " : p->v[C_DOMAINS] != NULL ? "anyone at " :
		    "", p->v[C_DOMAINS] != NULL ? p->v[C_DOMAINS] : "");
		if (p->v[C_INTERVIEW] != NULL)
			printf("; interview %s", p->v[C_INTERVIEW]);
		putchar('\n');
	}
	progs_clear(&ps);
	free(path);
	return MG_EXIT_OK;
}

/* The questions of `add`, in order: column, question, required. */
static const struct {
	enum col	 col;
	const char	*q;
	int		 required;
} questions[] = {
	{ C_NAME, "The program's name (as in ERAS)", 1 },
	{ C_ADDRESSES, "Its e-mail address(es), separated by commas", 0 },
	{ C_DOMAINS, "The domain of its staff's addresses (like "
	  "harborview.edu), or Enter", 0 },
	{ C_INSTITUTION, "The hospital or university, or Enter", 0 },
	{ C_DIRECTOR, "The program director's name, or Enter", 0 },
	{ C_COORDINATOR, "The program coordinator's name, or Enter", 0 },
	{ C_INTERVIEW, "Your interview date (year-month-day), or Enter", 0 },
};

static int
add(const char *conf)
{
	struct progs	 ps;
	struct prog	 p = { 0 };
	char		*path = NULL, a[MG_ASK_MAX], why[512];
	const char	*problem;
	enum col	 col;
	int		 rc = MG_EXIT_ERROR;

	if (load_current(conf, &ps, &path) == -1)
		goto out;
	for (size_t i = 0; i < sizeof(questions) / sizeof(questions[0]); i++) {
		do {
			if (mg_ask(stdin, stdout, questions[i].q, NULL, a,
			    sizeof(a)) == -1) {
				fputs("matchguard: programs add: the answers "
				    "ended early; nothing was written\n",
				    stderr);
				goto out;
			}
			set(&p, questions[i].col, a);
			col = C_N;
			problem = a[0] == '\0' && !questions[i].required ? NULL :
			    check_prog(&p, &col, why, sizeof(why));
			/* Only this question's own problem is asked again. */
			if (problem != NULL && col == questions[i].col)
				printf("  %s.\n", problem);
			else
				problem = NULL;
		} while (problem != NULL);
	}
	if ((problem = check_prog(&p, &col, why, sizeof(why))) != NULL) {
		fprintf(stderr, "matchguard: programs add: %s; nothing was "
		    "written\n", problem);
		goto out;
	}
	if (merge(&ps, &p) == -1)
		goto out;
	memset(&p, 0, sizeof(p));
	if (save(path, &ps) == 0)
		rc = MG_EXIT_OK;
out:
	prog_clear(&p);
	progs_clear(&ps);
	free(path);
	return rc;
}

int
mg_cmd_programs(int argc, char **argv, const char *conf)
{
	int	ch;

	optind = 1;
	while ((ch = getopt(argc, argv, "+c:")) != -1) {
		if (ch != 'c') {
			fputs(usage, stderr);
			return MG_EXIT_ERROR;
		}
		conf = optarg;
	}
	if (optind >= argc || strcmp(argv[optind], "list") == 0)
		return list(conf);
	if (strcmp(argv[optind], "import") == 0 && optind + 2 == argc)
		return import_csv(conf, argv[optind + 1]);
	if (strcmp(argv[optind], "add") == 0 && optind + 1 == argc)
		return add(conf);
	fputs(usage, stderr);
	return MG_EXIT_ERROR;
}
