/*
 * json.c - JSON string escaping (the buffer is buf.c).
 */
#include "config_auto.h"

#include <stdio.h>

#include <glib.h>

#include "matchguard/json.h"

void
mg_json_str(struct mg_buf *b, const char *s)
{
	gchar	*valid;

	if (s == NULL) {
		mg_buf_puts(b, "null");
		return;
	}
	valid = g_utf8_make_valid(s, -1);
	mg_buf_puts(b, "\"");
	for (const unsigned char *p = (const unsigned char *)valid; *p; p++) {
		char	esc[8];

		switch (*p) {
		case '"':	mg_buf_puts(b, "\\\""); break;
		case '\\':	mg_buf_puts(b, "\\\\"); break;
		case '\n':	mg_buf_puts(b, "\\n"); break;
		case '\r':	mg_buf_puts(b, "\\r"); break;
		case '\t':	mg_buf_puts(b, "\\t"); break;
		default:
			if (*p < 0x20) {
				snprintf(esc, sizeof(esc), "\\u%04x", *p);
				mg_buf_puts(b, esc);
			} else
				mg_buf_add(b, (const char *)p, 1);
		}
	}
	mg_buf_puts(b, "\"");
	g_free(valid);
}
