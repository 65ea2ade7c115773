/*
 * config_hint.c - plain words for libconfig's "syntax error"
 * (config_hint.h).
 *
 * One pass over the file, as libconfig reads it (comments "#", "//" and
 * C style; strings in double quotes with backslash escapes), finds what
 * is open where; then the line libconfig stopped at is read on its own.
 */
#include "config_auto.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "matchguard/config_hint.h"

#define MAX_DEPTH	64

struct scan {
	int	curly_line;		/* first curly quote outside a string */
	int	single_line;		/* first ' outside a string */
	int	open_string_line;	/* a string not closed on its line */
	int	open_line[MAX_DEPTH];	/* where each open bracket is */
	char	open_char[MAX_DEPTH];
	int	depth;
	int	mismatch_line;		/* a bracket closed by the wrong one */
	char	mismatch_want, mismatch_got;
};

/* UTF-8 curly quotes: U+2018, U+2019, U+201C, U+201D. */
static int
curly_quote(const char *p)
{
	return (unsigned char)p[0] == 0xe2 && (unsigned char)p[1] == 0x80 &&
	    ((unsigned char)p[2] == 0x98 || (unsigned char)p[2] == 0x99 ||
	    (unsigned char)p[2] == 0x9c || (unsigned char)p[2] == 0x9d);
}

static char
closer(char c)
{
	return c == '{' ? '}' : c == '[' ? ']' : ')';
}

static void
bracket(struct scan *sc, char c, int line)
{
	if (strchr("{[(", c) != NULL) {
		if (sc->depth < MAX_DEPTH) {
			sc->open_line[sc->depth] = line;
			sc->open_char[sc->depth] = c;
		}
		sc->depth++;
		return;
	}
	if (sc->depth == 0)
		return;
	sc->depth--;
	if (sc->depth < MAX_DEPTH && closer(sc->open_char[sc->depth]) != c &&
	    sc->mismatch_line == 0) {
		sc->mismatch_line = line;
		sc->mismatch_want = closer(sc->open_char[sc->depth]);
		sc->mismatch_got = c;
	}
}

/* Up to err_line: what is open, and the first odd character. */
static void
scan(const char *p, int err_line, struct scan *sc)
{
	int	line = 1;

	memset(sc, 0, sizeof(*sc));
	while (*p != '\0' && line <= err_line) {
		if (*p == '\n') {
			line++;
			p++;
		} else if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
			while (*p != '\0' && *p != '\n')
				p++;
		} else if (p[0] == '/' && p[1] == '*') {
			for (p += 2; *p != '\0' && !(p[0] == '*' && p[1] == '/');
			    p++)
				line += *p == '\n';
			p += *p != '\0' ? 2 : 0;
		} else if (*p == '"') {
			for (p++; *p != '\0' && *p != '"' && *p != '\n'; p++)
				if (*p == '\\' && p[1] != '\0' && p[1] != '\n')
					p++;
			if (*p != '"') {
				if (sc->open_string_line == 0)
					sc->open_string_line = line;
			} else
				p++;
		} else {
			if (curly_quote(p) && sc->curly_line == 0)
				sc->curly_line = line;
			if (*p == '\'' && sc->single_line == 0)
				sc->single_line = line;
			if (strchr("{[()]}", *p) != NULL)
				bracket(sc, *p, line);
			p++;
		}
	}
}

/* Line n of text, without its newline, into buf. */
static void
get_line(const char *text, int n, char *buf, size_t len)
{
	const char	*p = text, *e;

	for (int i = 1; i < n && p != NULL; i++)
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	if (p == NULL) {
		buf[0] = '\0';
		return;
	}
	e = strchr(p, '\n');
	snprintf(buf, len, "%.*s", (int)(e != NULL ? e - p : (long)strlen(p)),
	    p);
}

static int
count_lines(const char *text)
{
	int	n = 1;

	for (const char *p = text; *p != '\0'; p++)
		n += *p == '\n' && p[1] != '\0';
	return n;
}

/* The line ends with a } (a group of a list with no comma after it). */
static int
ends_with_brace(const char *l)
{
	size_t	n = strlen(l);

	while (n > 0 && isspace((unsigned char)l[n - 1]))
		n--;
	return n > 0 && l[n - 1] == '}';
}

static int
is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '*';
}

/*
 * The line on its own: "name = value" whose value wants quotes, or
 * "name value" without "=".
 */
static int
line_hint(const char *line, char *out, size_t outlen)
{
	const char	*p = line, *name, *v, *ve;
	size_t		 nlen;

	while (*p == ' ' || *p == '\t')
		p++;
	name = p;
	while (is_name_char(*p))
		p++;
	nlen = (size_t)(p - name);
	if (nlen == 0 || !isalpha((unsigned char)*name))
		return 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '=' && *p != ':') {
		if (*p == '"' || isalnum((unsigned char)*p) || *p == '[' ||
		    *p == '{')
			snprintf(out, outlen, "put \"=\" between %.*s and its "
			    "value, as in  %.*s = ...;", (int)nlen, name,
			    (int)nlen, name);
		return *p == '"' || isalnum((unsigned char)*p) || *p == '[' ||
		    *p == '{';
	}
	for (p++; *p == ' ' || *p == '\t'; p++)
		;
	v = p;
	for (ve = v; *ve != '\0' && *ve != ';' && *ve != ',' && *ve != '#';)
		ve++;
	while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t' || ve[-1] == '\r'))
		ve--;
	if (ve == v || *v == '"' || *v == '{' || *v == '[' || *v == '(')
		return 0;
	if (strncasecmp(v, "true", 4) == 0 || strncasecmp(v, "false", 5) == 0)
		return 0;
	if (isalpha((unsigned char)*v) || strpbrk(v, "@/:") != NULL ||
	    (isdigit((unsigned char)*v) && memchr(v, '-', (size_t)(ve - v)))) {
		snprintf(out, outlen, "the value of %.*s is text (a name, an "
		    "address or a date) and goes in double quotes: %.*s = "
		    "\"%.*s\";", (int)nlen, name, (int)nlen, name,
		    (int)(ve - v), v);
		return 1;
	}
	return 0;
}

/* What the scan finds, first come first said: the line it is on, and
 * the sentence around that line's number. */
static const struct {
	size_t		 off;
	const char	*before, *after;
} whole[] = {
	{ offsetof(struct scan, curly_line), "the quotes on line ", " are "
	  "curly (\xe2\x80\x9c \xe2\x80\x9d), as a word processor types them; "
	  "use straight double quotes (\") instead" },
	{ offsetof(struct scan, open_string_line), "the text in double quotes "
	  "on line ", " is not closed: put a \" at its end, before the ;" },
	{ offsetof(struct scan, single_line), "line ", " has a single quote "
	  "('); text goes in double quotes (\"), as in  name = \"Priya "
	  "Raman\";" },
};

void
mg_config_syntax_hint(const char *text, int err_line, char *out,
    size_t outlen)
{
	struct scan	sc;
	char		line[512], prev[512];

	out[0] = '\0';
	scan(text, err_line, &sc);
	for (size_t i = 0; i < sizeof(whole) / sizeof(whole[0]); i++) {
		int	l = *(const int *)((const char *)&sc + whole[i].off);

		if (l > 0) {
			snprintf(out, outlen, "%s%d%s", whole[i].before, l,
			    whole[i].after);
			return;
		}
	}
	if (sc.mismatch_line > 0) {
		snprintf(out, outlen, "line %d closes with %c where %c is "
		    "needed (what was opened with %c closes with %c)",
		    sc.mismatch_line, sc.mismatch_got, sc.mismatch_want,
		    sc.mismatch_want == '}' ? '{' : sc.mismatch_want == ']' ?
		    '[' : '(', sc.mismatch_want);
		return;
	}
	get_line(text, err_line, line, sizeof(line));
	/* Each "name = value" of the line: after its start, a {, ( or ;. */
	for (const char *p = line, *q; ; p = q + 1) {
		if (line_hint(p, out, outlen))
			return;
		if ((q = strpbrk(p, "{(;")) == NULL)
			break;
	}
	get_line(text, err_line - 1, prev, sizeof(prev));
	if (ends_with_brace(prev) && line[strspn(line, " \t")] == '{') {
		snprintf(out, outlen, "put a comma after the } that ends line "
		    "%d: the groups of a list are separated by commas",
		    err_line - 1);
		return;
	}
	/* At the end of the file: something opened is still open. */
	if (sc.depth > 0 && sc.depth <= MAX_DEPTH &&
	    err_line >= count_lines(text)) {
		int	i = sc.depth - 1;

		snprintf(out, outlen, "the %c on line %d is not closed: put "
		    "%c; after the last setting inside it", sc.open_char[i],
		    sc.open_line[i], closer(sc.open_char[i]));
		return;
	}
}
