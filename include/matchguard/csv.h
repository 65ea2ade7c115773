/*
 * csv.h - the CSV a spreadsheet exports (Excel, Numbers, Google Sheets,
 * LibreOffice): UTF-8 with or without a byte order mark, fields
 * separated by commas, semicolons (Excel where the decimal mark is a
 * comma) or tabs, found from the header line; quoted fields with
 * separators, line breaks and doubled quotes inside; CRLF or LF.
 */
#ifndef MATCHGUARD_CSV_H
#define MATCHGUARD_CSV_H

#include <stddef.h>

#include "matchguard/util.h"

struct mg_csv {
	const char	*p, *end;
	char		 sep;
	int		 row;	/* the spreadsheet row of the last record */
};

/* Starts reading data[0..len) (kept by the caller).  -1 with err for a
 * file that is not UTF-8 text (UTF-16 "Unicode text", a spreadsheet's
 * own format). */
int	mg_csv_open(struct mg_csv *c, const char *data, size_t len, char *err,
	    size_t errlen);

/* The next record's fields into fields (cleared first): 1, or 0 at the
 * end, or -1 with err (a quote never closed: the row it opens). */
int	mg_csv_next(struct mg_csv *c, struct mg_strlist *fields, char *err,
	    size_t errlen);

#endif
