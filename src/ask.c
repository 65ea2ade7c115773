/*
 * ask.c - one question, one line of answer (ask.h).
 */
#include "config_auto.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "matchguard/ask.h"

int
mg_ask(FILE *in, FILE *out, const char *question, const char *def,
    char *buf, size_t len)
{
	char	line[MG_ASK_MAX];
	size_t	n, s = 0;

	if (def != NULL && def[0] != '\0')
		fprintf(out, "%s [%s]: ", question, def);
	else
		fprintf(out, "%s: ", question);
	fflush(out);
	if (fgets(line, sizeof(line), in) == NULL) {
		fputc('\n', out);
		return -1;
	}
	n = strlen(line);
	/* A line longer than the buffer: the rest is not another answer. */
	if (n > 0 && line[n - 1] != '\n') {
		int	c;

		while ((c = fgetc(in)) != EOF && c != '\n')
			;
	}
	while (n > 0 && isspace((unsigned char)line[n - 1]))
		line[--n] = '\0';
	while (isspace((unsigned char)line[s]))
		s++;
	if (!isatty(fileno(in)))
		fprintf(out, "%s\n", line + s);	/* the transcript reads well */
	snprintf(buf, len, "%s", line[s] != '\0' || def == NULL ? line + s :
	    def);
	return 0;
}

int
mg_ask_yes(FILE *in, FILE *out, const char *question, int def)
{
	char	a[16];

	for (;;) {
		if (mg_ask(in, out, question, def ? "yes" : "no", a,
		    sizeof(a)) == -1)
			return -1;
		if (strcasecmp(a, "y") == 0 || strcasecmp(a, "yes") == 0)
			return 1;
		if (strcasecmp(a, "n") == 0 || strcasecmp(a, "no") == 0)
			return 0;
		fputs("  Please answer yes or no.\n", out);
	}
}

void
mg_conf_quote(struct mg_buf *b, const char *s)
{
	mg_buf_puts(b, "\"");
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			mg_buf_add(b, "\\", 1);
		if ((unsigned char)*s >= 0x20 && *s != 0x7f)
			mg_buf_add(b, s, 1);
	}
	mg_buf_puts(b, "\"");
}
