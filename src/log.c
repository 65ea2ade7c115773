/*
 * log.c - one line per event on standard error.
 */
#include "config_auto.h"

#include <stdarg.h>
#include <stdio.h>

#include "matchguard/log.h"

void
mg_log(const char *fmt, ...)
{
	char	line[2048];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (char *p = line; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	/* One write per line, so that threads do not interleave. */
	fprintf(stderr, "matchguard: %s\n", line);
}
