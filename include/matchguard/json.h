/*
 * json.h - the little JSON that matchguard writes (check --json, the
 * findings stored in the ledger).  Strings are escaped per RFC 8259;
 * invalid UTF-8 is replaced, so the output always parses.
 */
#ifndef MATCHGUARD_JSON_H
#define MATCHGUARD_JSON_H

#include "matchguard/buf.h"

/* Appends s as a quoted JSON string ("null" when s is NULL). */
void	mg_json_str(struct mg_buf *b, const char *s);

#endif
