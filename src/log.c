/*
 * log.c - one line per event on standard error, or, for a command that
 * talks to a person on standard error (sendmail), appended to a file.
 */
#include "config_auto.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "matchguard/log.h"

static FILE	*log_file;	/* NULL: standard error */

int
mg_log_to_file(const char *path)
{
	int	 fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
	    0600);
	FILE	*f;

	if (fd == -1)
		return -1;
	if ((f = fdopen(fd, "a")) == NULL) {
		close(fd);
		return -1;
	}
	setvbuf(f, NULL, _IOLBF, 0);
	if (log_file != NULL)
		fclose(log_file);
	log_file = f;
	return 0;
}

void
mg_log_close(void)
{
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
}

void
mg_log(const char *fmt, ...)
{
	char		line[2048], when[32] = "";
	va_list		ap;
	time_t		now;
	struct tm	tm;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (char *p = line; *p != '\0'; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	if (log_file == NULL) {
		/* One write per line, so that threads do not interleave. */
		fprintf(stderr, "matchguard: %s\n", line);
		return;
	}
	now = time(NULL);
	if (localtime_r(&now, &tm) != NULL)
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S%z ", &tm);
	fprintf(log_file, "%s%s\n", when, line);
}
