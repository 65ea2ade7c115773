/*
 * csv.c - spreadsheet CSV exports, as RFC 4180 and the spreadsheets
 * write them (csv.h).
 */
#include "config_auto.h"

#include <string.h>

#include "matchguard/buf.h"
#include "matchguard/csv.h"

/* The separator the header line uses most, outside quotes. */
static char
guess_sep(const char *p, const char *end)
{
	static const char seps[] = ",;\t";
	size_t	count[3] = { 0 };
	int	quoted = 0;

	for (; p < end && (quoted || (*p != '\n' && *p != '\r')); p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && strchr(seps, *p) != NULL)
			count[strchr(seps, *p) - seps]++;
	}
	return count[1] > count[0] && count[1] >= count[2] ? ';' :
	    count[2] > count[0] ? '\t' : ',';
}

int
mg_csv_open(struct mg_csv *c, const char *data, size_t len, char *err,
    size_t errlen)
{
	memset(c, 0, sizeof(*c));
	if (len >= 2 && ((data[0] == '\xff' && data[1] == '\xfe') ||
	    (data[0] == '\xfe' && data[1] == '\xff'))) {
		mg_seterr(err, errlen, "the file is UTF-16 (\"Unicode text\"); "
		    "save it as \"CSV UTF-8\" instead");
		return -1;
	}
	if (len >= 4 && (memcmp(data, "PK\3\4", 4) == 0 ||
	    memcmp(data, "\xd0\xcf\x11\xe0", 4) == 0)) {
		mg_seterr(err, errlen, "this is a spreadsheet file, not CSV; in "
		    "the spreadsheet choose File > Export (or Save As, or "
		    "Download) as CSV");
		return -1;
	}
	if (memchr(data, '\0', len) != NULL) {
		mg_seterr(err, errlen, "the file is not text (it has NUL "
		    "bytes); export it as CSV UTF-8");
		return -1;
	}
	if (len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0) {
		data += 3;
		len -= 3;
	}
	c->p = data;
	c->end = data + len;
	c->sep = guess_sep(c->p, c->end);
	return 0;
}

/* One field from c->p; *last is set when it ended its record. */
static int
field(struct mg_csv *c, struct mg_buf *b, int *last, char *err,
    size_t errlen)
{
	const char	*p = c->p;

	b->len = 0;
	*last = 0;
	if (p < c->end && *p == '"') {
		for (p++;; p++) {
			if (p >= c->end) {
				mg_seterr(err, errlen, "row %d: a quote (\") "
				    "opens a field that never ends", c->row);
				return -1;
			}
			if (*p == '"' && p + 1 < c->end && p[1] == '"')
				mg_buf_add(b, p++, 1);
			else if (*p == '"')
				break;
			else if (*p != '\r' || p + 1 >= c->end || p[1] != '\n')
				mg_buf_add(b, p, 1);
		}
		/* What follows the closing quote up to the separator is
		 * kept, as spreadsheets do with "a"b. */
		p++;
	}
	for (; p < c->end && *p != c->sep && *p != '\n' && *p != '\r'; p++)
		mg_buf_add(b, p, 1);
	if (p >= c->end || *p != c->sep) {
		*last = 1;
		if (p < c->end && *p == '\r')
			p++;
		if (p < c->end && *p == '\n')
			p++;
	} else
		p++;
	c->p = p;
	return 0;
}

int
mg_csv_next(struct mg_csv *c, struct mg_strlist *fields, char *err,
    size_t errlen)
{
	struct mg_buf	b = { 0 };
	int		last = 0, rc = 1;

	mg_strlist_clear(fields);
	if (c->p >= c->end)
		return 0;
	c->row++;
	while (!last) {
		if (field(c, &b, &last, err, errlen) == -1) {
			rc = -1;
			break;
		}
		mg_buf_add(&b, "", 1);	/* the NUL */
		if (b.failed || mg_strlist_add(fields, b.s) == -1) {
			mg_seterr(err, errlen, "out of memory");
			rc = -1;
			break;
		}
	}
	mg_buf_free(&b);
	return rc;
}
