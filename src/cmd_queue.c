/*
 * cmd_queue.c - matchguard queue [list | show ID | release ID [--recheck] |
 * drop ID | edit ID]: the messages `serve` held for review.
 */
#include "config_auto.h"

#include <sys/wait.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "matchguard/cmd.h"
#include "matchguard/guard.h"
#include "matchguard/letter.h"
#include "matchguard/letter_edit.h"
#include "matchguard/log.h"
#include "matchguard/message.h"
#include "matchguard/queue.h"
#include "matchguard/report.h"

static const char usage[] =
    "usage: matchguard queue [-c CONF] [--applicant ID] list held messages\n"
    "       matchguard queue show ID [--raw]           findings and message\n"
    "                                                  (--raw: its source)\n"
    "       matchguard queue release ID [--recheck]    send it now\n"
    "       matchguard queue drop ID                   delete it\n"
    "       matchguard queue edit ID                   edit, then check again\n";

static void
age(time_t then, time_t now, char *buf, size_t len)
{
	long	s = now > then ? (long)(now - then) : 0;

	if (s < 3600)
		snprintf(buf, len, "%ldm", s / 60);
	else if (s < 86400)
		snprintf(buf, len, "%ldh", s / 3600);
	else
		snprintf(buf, len, "%ldd", s / 86400);
}

/* Every finding of e, those that hold first, one line each. */
static void
print_findings(const struct mg_spool_entry *e, const char *indent)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < e->n_findings; i++) {
			const struct mg_spool_finding *f = &e->findings[i];

			if ((strcmp(f->severity, "hold") == 0) != (pass == 0))
				continue;
			printf("%s[%s] %s: %s\n", indent, f->severity, f->rule,
			    f->message);
		}
}

static int
list(struct mg_guard *g)
{
	struct mg_spool_entry	*v;
	size_t			 n;
	char			 err[MG_ERRLEN], a[32];
	time_t			 now = time(NULL);

	if (mg_spool_list(g->spool_dir, &v, &n, err, sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		return MG_EXIT_ERROR;
	}
	if (n == 0)
		puts("No message is held.");
	for (size_t i = 0; i < n; i++) {
		age(v[i].held_at, now, a, sizeof(a));
		printf("%s  %4s  %-20s %s\n", v[i].id, a, v[i].programs,
		    v[i].subject);
		print_findings(&v[i], "    ");
	}
	if (n > 0)
		puts("\nSee one with `matchguard queue show ID`; then `release`, "
		    "`edit` or `drop` it.");
	mg_spool_free_list(v, n);
	return MG_EXIT_OK;
}

/* A decoded address list: "a, b". */
static void
print_addrs(const char *name, const struct mg_strlist *l)
{
	if (l->n == 0)
		return;
	printf("%s", name);
	for (size_t i = 0; i < l->n; i++)
		printf("%s%s", i > 0 ? ", " : " ", l->v[i]);
	putchar('\n');
}

static void
print_text(const char *text)
{
	size_t	n = strlen(text);

	fputs(text, stdout);
	if (n > 0 && text[n - 1] != '\n')
		putchar('\n');
}

/* The letter as its reader sees it (message.h, GMime): the header fields
 * decoded, the text, the other text parts, the attachments. */
static void
print_decoded(const struct mg_message *m)
{
	char	when[32];

	printf("From:    ");
	if (m->from_name != NULL)
		printf("%s <%s>\n", m->from_name, m->from != NULL ? m->from : "");
	else
		printf("%s\n", m->from != NULL ? m->from : "");
	print_addrs("To:     ", &m->to);
	print_addrs("Cc:     ", &m->cc);
	print_addrs("Bcc:    ", &m->bcc);
	printf("Subject: %s\n", m->subject);
	if (m->has_date) {
		mg_format_time(m->date, when, sizeof(when));
		printf("Date:    %s\n", when);
	}
	if (m->message_id != NULL)
		printf("Message-ID: <%s>\n", m->message_id);
	putchar('\n');
	print_text(m->body != NULL ? m->body : "");
	for (size_t i = 0; i < m->n_parts; i++) {
		printf("\n----- %s -----\n", m->parts[i].label);
		print_text(m->parts[i].body != NULL ? m->parts[i].body : "");
	}
	for (size_t i = 0; i < m->n_attachments; i++)
		printf("%s[attachment: %s, %s, %zu bytes]\n", i == 0 ? "\n" :
		    "", m->attachments[i].filename != NULL ?
		    m->attachments[i].filename : "(no name)",
		    m->attachments[i].content_type, m->attachments[i].size);
	for (size_t i = 0; i < m->n_unread; i++)
		printf("[not readable: %s%s%s]\n", m->unread[i].where,
		    m->unread[i].detail[0] != '\0' ? " " : "",
		    m->unread[i].detail);
}

static int
show(struct mg_guard *g, const char *id, int raw)
{
	struct mg_spool_entry	 e;
	struct mg_message	*m = NULL;
	char			 err[MG_ERRLEN], *data, when[32];
	size_t			 len;

	if (mg_spool_load(g->spool_dir, id, &e, &data, &len, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		return MG_EXIT_ERROR;
	}
	if (raw) {
		fwrite(data, 1, len, stdout);
		goto out;
	}
	mg_format_time(e.held_at, when, sizeof(when));
	printf("Held message %s (held %s)\nFrom: %s\n", e.id, when, e.from);
	for (size_t i = 0; i < e.rcpts.n; i++)
		printf("To:   %s\n", e.rcpts.v[i]);
	printf("Programs: %s\n\nWhy it was held:\n", e.programs);
	for (size_t i = 0; i < e.n_findings; i++) {
		printf("  [%s] %s: %s\n", e.findings[i].severity,
		    e.findings[i].rule, e.findings[i].message);
		if (e.findings[i].evidence[0] != '\0')
			printf("      evidence: \"%s\"\n", e.findings[i].evidence);
	}
	printf("\n----- the message (its source: `matchguard queue show %s "
	    "--raw`) -----\n", e.id);
	if (mg_message_parse(data, len, &m, err, sizeof(err)) == -1) {
		printf("(it cannot be read as a message: %s; its source:)\n",
		    err);
		fwrite(data, 1, len, stdout);
		if (len > 0 && data[len - 1] != '\n')
			putchar('\n');
	} else
		print_decoded(m);
out:
	mg_message_free(m);
	free(data);
	mg_spool_entry_clear(&e);
	return MG_EXIT_OK;
}

/* Prints the report of a letter the queue checked, if it did. */
static void
print_check(const char *id, const struct mg_queue_result *r)
{
	struct mg_buf	b = { 0 };

	if (!r->lt.checked)
		return;
	mg_report_text(&b, id, &r->lt.check);
	if (b.s != NULL)
		fputs(b.s, stdout);
	mg_buf_free(&b);
}

static void
print_warning(const struct mg_queue_result *r)
{
	if (r->warning[0] != '\0')
		fprintf(stderr, "matchguard: warning: %s\n", r->warning);
}

static int
release(struct mg_guard *g, const char *id, int check_first)
{
	struct mg_queue_result	r;
	int			status = MG_EXIT_ERROR;

	mg_queue_release(g, id, check_first, &r);
	if (check_first)
		print_check(id, &r);
	switch (r.status) {
	case MG_QUEUE_DONE:
		print_warning(&r);
		printf("%s sent (%s)%s\n", id, r.text, check_first ? "" :
		    "; recorded as your decision to send it despite the "
		    "findings");
		status = MG_EXIT_OK;
		break;
	case MG_QUEUE_STILL_HELD:
		status = MG_EXIT_HELD;
		fprintf(stderr, "matchguard: %s is still held by the rules "
		    "above; fix it with `matchguard queue edit %s`, or release "
		    "it without --recheck to send it anyway\n", id, id);
		break;
	case MG_QUEUE_NOT_SENT:
		fprintf(stderr, "matchguard: %s was not sent (%s); it stays "
		    "in the queue\n", id, r.text);
		break;
	case MG_QUEUE_ERROR:
		fprintf(stderr, "matchguard: %s\n", r.text);
		break;
	}
	mg_queue_result_clear(&r);
	return status;
}

static int
drop(struct mg_guard *g, const char *id)
{
	struct mg_queue_result	r;
	int			status = MG_EXIT_ERROR;

	mg_queue_drop(g, id, &r);
	if (r.status == MG_QUEUE_DONE) {
		print_warning(&r);
		printf("%s deleted; it was not sent.\n", id);
		status = MG_EXIT_OK;
	} else
		fprintf(stderr, "matchguard: %s\n", r.text);
	mg_queue_result_clear(&r);
	return status;
}

static int
run_editor(const char *path)
{
	const char	*ed = getenv("VISUAL");
	pid_t		 pid;
	int		 st;

	if (ed == NULL || *ed == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || *ed == '\0')
		ed = "vi";
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		/* As git runs it: the variable is shell words ("code
		 * --wait", "'/opt/My Editor/ed' -n"), the file one more
		 * argument, never split. */
		char	*cmd = g_strdup_printf("%s \"$@\"", ed);

		execl("/bin/sh", "sh", "-c", cmd, "editor", path,
		    (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) == -1 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		return -1;
	return 0;
}

/* The decoded text goes to the editor, not the MIME source; what comes
 * back replaces the text/plain part and the HTML alternative is made
 * again from it (letter_edit.h), then the letter is checked again. */
static int
edit(struct mg_guard *g, const char *id)
{
	struct mg_spool_entry	e;
	struct mg_queue_result	r = { 0 };
	char			err[MG_ERRLEN], *data, *text = NULL;
	char			*ntext = NULL, *ndata = NULL;
	char			tmp[] = "/tmp/matchguard-edit-XXXXXX.txt";
	size_t			len, tlen, nlen;
	int			fd = -1, status = MG_EXIT_ERROR;

	if (mg_spool_load(g->spool_dir, id, &e, &data, &len, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		return MG_EXIT_ERROR;
	}
	if (mg_letter_edit_text(data, len, &text, err, sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s: %s\n", id, err);
		goto out;
	}
	tlen = strlen(text);
	if ((fd = mkstemps(tmp, 4)) == -1 || write(fd, text, tlen) !=
	    (ssize_t)tlen || close(fd) == -1) {
		fprintf(stderr, "matchguard: %s: cannot write a copy to edit\n",
		    tmp);
		goto out;
	}
	if (run_editor(tmp) == -1) {
		fprintf(stderr, "matchguard: the editor failed; %s is "
		    "unchanged\n", id);
		goto out;
	}
	if (mg_read_file(tmp, MG_EDIT_MAX_TEXT, &ntext, &nlen, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		goto out;
	}
	if (nlen == tlen && memcmp(ntext, text, tlen) == 0) {
		printf("%s is unchanged.\n", id);
		status = MG_EXIT_OK;
		goto out;
	}
	if (mg_letter_edit_replace(data, len, ntext, nlen, &ndata, &nlen, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s: %s; it is unchanged\n", id,
		    err);
		goto out;
	}
	mg_queue_replace(g, id, ndata, nlen, &r);
	print_check(id, &r);
	if (r.status == MG_QUEUE_ERROR) {
		fprintf(stderr, "matchguard: %s\n", r.text);
		goto out;
	}
	if (r.status == MG_QUEUE_STILL_HELD)
		printf("\n%s is saved with your changes and is still held.\n", id);
	else
		printf("\n%s is saved with your changes and passes now: send "
		    "it with `matchguard queue release %s --recheck`.\n", id, id);
	status = MG_EXIT_OK;
out:
	mg_queue_result_clear(&r);
	if (fd != -1)
		unlink(tmp);
	free(ndata);
	free(ntext);
	free(text);
	free(data);
	mg_spool_entry_clear(&e);
	return status;
}

int
mg_cmd_queue(int argc, char **argv, const char *conf)
{
	static const struct option longopts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "recheck",	no_argument,		NULL, 'r' },
		{ "applicant",	required_argument,	NULL, 'a' },
		{ "raw",	no_argument,		NULL, 'R' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct mg_guard	*g;
	const char	*sub, *id, *applicant = NULL;
	char		 err[MG_ERRLEN], *own;
	int		 ch, check_first = 0, raw = 0, status;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:rh", longopts, NULL)) != -1) {
		if (ch == 'c')
			conf = optarg;
		else if (ch == 'r')
			check_first = 1;
		else if (ch == 'a')
			applicant = optarg;
		else if (ch == 'R')
			raw = 1;
		else {
			fputs(usage, ch == 'h' ? stdout : stderr);
			return ch == 'h' ? MG_EXIT_OK : MG_EXIT_ERROR;
		}
	}
	sub = optind < argc ? argv[optind] : "list";
	id = optind + 1 < argc ? argv[optind + 1] : NULL;
	if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0 &&
	    strcmp(sub, "release") != 0 && strcmp(sub, "drop") != 0 &&
	    strcmp(sub, "edit") != 0) {
		fprintf(stderr, "matchguard: queue: no subcommand \"%s\"\n%s",
		    sub, usage);
		return MG_EXIT_ERROR;
	}
	if (strcmp(sub, "list") != 0 && id == NULL) {
		fprintf(stderr, "matchguard: queue %s: which message? Give its "
		    "ID (see `matchguard queue`)\n", sub);
		return MG_EXIT_ERROR;
	}
	if (mg_cmd_opt_applicant(&conf, applicant, &own) == -1)
		return MG_EXIT_ERROR;
	g = mg_guard_new(conf, strcmp(sub, "release") == 0, err, sizeof(err));
	free(own);
	if (g == NULL) {
		fprintf(stderr, "matchguard: %s\n", err);
		return MG_EXIT_ERROR;
	}
	if (strcmp(sub, "list") == 0)
		status = list(g);
	else if (strcmp(sub, "show") == 0)
		status = show(g, id, raw);
	else if (strcmp(sub, "release") == 0)
		status = release(g, id, check_first);
	else if (strcmp(sub, "drop") == 0)
		status = drop(g, id);
	else
		status = edit(g, id);
	mg_guard_unref(g);
	return status;
}
