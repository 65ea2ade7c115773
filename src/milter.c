/*
 * milter.c - matchguard milter [-c CONF]: the policy inside an advising
 * office's MTA (Postfix, Sendmail) through libmilter.
 *
 * Each letter of an applicant (office.h) takes the one letter path
 * (letter.h) with the applicant's guard: parse outside any lock, check
 * and record under the applicant's lock.  The verdict maps onto the MTA:
 * pass or warn: accepted unchanged; hold: quarantined (the MTA's hold
 * queue) and kept in the applicant's held queue, or rejected with the
 * findings (milter.on_hold); cannot check: tempfail.  Mail from anyone
 * who is not an applicant is accepted at MAIL FROM, unread, and the
 * sender logged once.
 *
 * libmilter runs one thread per MTA connection; a connection's state is
 * its smfi_setpriv() pointer, reset after each letter (one connection
 * can carry several).
 */
#include "config_auto.h"

#include <sys/stat.h>

#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmilter/mfapi.h>

#include "matchguard/buf.h"
#include "matchguard/cmd.h"
#include "matchguard/letter.h"
#include "matchguard/log.h"
#include "matchguard/office.h"
#include "matchguard/report.h"

/* The most senders who are not applicants logged once each. */
#define MILTER_SEEN_MAX		10000
/* Lines of a multi-line reject (libmilter takes 32). */
#define MILTER_REPLY_LINES	30
#define MILTER_LINE_MAX		400

static struct {
	struct mg_config	 cfg;		/* the office's */
	struct mg_office	 office;
	atomic_int		 sessions;
	pthread_mutex_t		 seen_lock;
	struct mg_strlist	 seen;		/* senders logged once */
	int			 seen_full;
} M = { .seen_lock = PTHREAD_MUTEX_INITIALIZER };

/* One MTA connection and the letter it is on. */
struct conn {
	unsigned long		 nr;		/* SMFIP_NR_*: steps with no reply */
	int			 counted;	/* one of milter.max_sessions */
	struct mg_applicant	*who;		/* NULL: no letter, or passed */
	char			*from;
	struct mg_strlist	 rcpts;
	struct mg_buf		 data;
	int			 too_big;
	int			 failed;	/* out of memory in a step with no
						 * reply: tempfail at the end */
};

/* The steps whose answer the MTA does not wait for (one round trip of
 * the MTA's process less for each header, each body chunk...); a
 * failure in one of them is answered at the end of the letter. */
#define MILTER_NR	(SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_RCPT | \
	SMFIP_NR_DATA | SMFIP_NR_UNKN | SMFIP_NR_HDR | SMFIP_NR_EOH | \
	SMFIP_NR_BODY)

static sfsistat
cont(const struct conn *c, unsigned long step)
{
	return (c->nr & step) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

static void
letter_reset(struct conn *c)
{
	c->who = NULL;
	free(c->from);
	c->from = NULL;
	mg_strlist_clear(&c->rcpts);
	mg_buf_free(&c->data);
	c->too_big = 0;
	c->failed = 0;
}

/* "<a@b>" -> "a@b", a new string. */
static char *
unbracket(const char *s)
{
	size_t	n;
	char	*r;

	if (*s == '<')
		s++;
	n = strcspn(s, ">");
	if ((r = malloc(n + 1)) != NULL) {
		memcpy(r, s, n);
		r[n] = '\0';
	}
	return r;
}

static void
log_stranger_once(const char *auth, const char *from)
{
	const char	*who = auth != NULL && *auth != '\0' ? auth : from;
	int		 log = 0;

	pthread_mutex_lock(&M.seen_lock);
	if (!mg_strlist_has_ci(&M.seen, who)) {
		if (M.seen.n < MILTER_SEEN_MAX) {
			log = mg_strlist_add(&M.seen, who) == 0;
		} else if (!M.seen_full) {
			M.seen_full = 1;
			mg_log("milter: %d senders who are not applicants were "
			    "logged; no more will be", MILTER_SEEN_MAX);
		}
	}
	pthread_mutex_unlock(&M.seen_lock);
	if (log)
		mg_log("milter: %s%s is not an applicant: their mail passes "
		    "unchecked (logged once)", who, who == auth ? " (login)" :
		    "");
}

static void
tempfail(SMFICTX *ctx, const char *what)
{
	(void)smfi_setreply(ctx, "451", "4.3.0", (char *)what);
}

/* The connection's state, made at the first step the MTA takes (the
 * negotiation, or the connect of an MTA that does not negotiate); a
 * connection beyond milter.max_sessions is told tempfail at MAIL FROM. */
static struct conn *
conn_of(SMFICTX *ctx)
{
	struct conn	*c = smfi_getpriv(ctx);

	if (c != NULL || (c = calloc(1, sizeof(*c))) == NULL)
		return c;
	if (atomic_fetch_add(&M.sessions, 1) < M.cfg.milter.max_sessions)
		c->counted = 1;
	else
		atomic_fetch_sub(&M.sessions, 1);
	smfi_setpriv(ctx, c);
	return c;
}

static sfsistat
on_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1,
    unsigned long f2, unsigned long f3, unsigned long *pf0,
    unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	struct conn	*c = conn_of(ctx);

	(void)f2;
	(void)f3;
	if (c == NULL)
		return SMFIS_TEMPFAIL;
	if (!(f0 & SMFIF_QUARANTINE) &&
	    M.cfg.milter.on_hold == MG_MILTER_QUARANTINE)
		mg_log("milter: the MTA cannot quarantine; letters to hold get "
		    "tempfail (set milter.on_hold = \"reject\")");
	*pf0 = f0 & SMFIF_QUARANTINE;
	/* Header values with their leading space, as they were written;
	 * no HELO, DATA or unknown commands; no reply where none is
	 * needed. */
	c->nr = f1 & MILTER_NR;
	*pf1 = (f1 & (SMFIP_HDR_LEADSPC | SMFIP_NOHELO | SMFIP_NOUNKNOWN |
	    SMFIP_NODATA)) | c->nr;
	*pf2 = 0;
	*pf3 = 0;
	return SMFIS_CONTINUE;
}

static sfsistat
on_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *addr)
{
	struct conn	*c = conn_of(ctx);

	(void)host;
	(void)addr;
	return c == NULL ? SMFIS_TEMPFAIL : cont(c, SMFIP_NR_CONN);
}

static sfsistat
on_envfrom(SMFICTX *ctx, char **argv)
{
	struct conn	*c = smfi_getpriv(ctx);
	const char	*auth = smfi_getsymval(ctx, "{auth_authen}");

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	letter_reset(c);
	if (!c->counted) {
		mg_log("milter: %d sessions already (milter.max_sessions): "
		    "tempfail", M.cfg.milter.max_sessions);
		tempfail(ctx, "matchguard is busy, try again later");
		return SMFIS_TEMPFAIL;
	}
	if ((c->from = unbracket(argv[0] != NULL ? argv[0] : "")) == NULL)
		return SMFIS_TEMPFAIL;
	if ((c->who = mg_office_find(&M.office, auth, c->from)) == NULL) {
		log_stranger_once(auth, c->from);
		letter_reset(c);
		return SMFIS_ACCEPT;	/* this letter: unread, unchanged */
	}
	return SMFIS_CONTINUE;
}

static sfsistat
on_envrcpt(SMFICTX *ctx, char **argv)
{
	struct conn	*c = smfi_getpriv(ctx);
	char		*r;

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	if ((r = unbracket(argv[0] != NULL ? argv[0] : "")) == NULL ||
	    mg_strlist_add(&c->rcpts, r) == -1)
		c->failed = 1;
	free(r);
	return cont(c, SMFIP_NR_RCPT);
}

/* Appends to the copy of the letter, up to milter.max_message_size. */
static void
keep(struct conn *c, const char *s, size_t len)
{
	if (c->too_big)
		return;
	if (c->data.len + len > (size_t)M.cfg.milter.max_message_size) {
		c->too_big = 1;
		mg_buf_free(&c->data);
		return;
	}
	mg_buf_add(&c->data, s, len);
}

static sfsistat
on_header(SMFICTX *ctx, char *name, char *value)
{
	struct conn	*c = smfi_getpriv(ctx);

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	keep(c, name, strlen(name));
	keep(c, ":", 1);
	/* The MTA gives folded lines with LF alone: CRLF, as on the wire
	 * (each line of the value, then one line end). */
	for (const char *p = value;;) {
		size_t	n = strcspn(p, "\n");

		keep(c, p, n > 0 && p[n - 1] == '\r' ? n - 1 : n);
		keep(c, "\r\n", 2);
		if (p[n] == '\0' || p[n + 1] == '\0')
			break;
		p += n + 1;
	}
	return cont(c, SMFIP_NR_HDR);
}

static sfsistat
on_eoh(SMFICTX *ctx)
{
	struct conn	*c = smfi_getpriv(ctx);

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	keep(c, "\r\n", 2);
	return cont(c, SMFIP_NR_EOH);
}

static sfsistat
on_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct conn	*c = smfi_getpriv(ctx);

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	keep(c, (const char *)chunk, len);
	return cont(c, SMFIP_NR_BODY);
}

/* One line of a reply: no line break, no '%' (a format to sendmail),
 * cut at MILTER_LINE_MAX bytes. */
static void
reply_line(char *dst, const char *rule, const char *msg)
{
	size_t	n;

	n = (size_t)snprintf(dst, MILTER_LINE_MAX, "%s%s%s", rule != NULL ?
	    rule : "", rule != NULL ? ": " : "", msg);
	if (n >= MILTER_LINE_MAX)
		n = MILTER_LINE_MAX - 1;
	for (size_t i = 0; i < n && dst[i] != '\0'; i++)
		if (dst[i] == '\r' || dst[i] == '\n' || dst[i] == '%' ||
		    (unsigned char)dst[i] < 0x20)
			dst[i] = ' ';
}

/* 550 5.7.1 with the findings that hold, one a line, then what to do. */
static sfsistat
reject(SMFICTX *ctx, const struct mg_findings *fs)
{
	char	 lines[MILTER_REPLY_LINES + 2][MILTER_LINE_MAX];
	char	*l[MILTER_REPLY_LINES + 2] = { NULL };
	size_t	 n = 0;

	reply_line(lines[n++], NULL, "matchguard held this letter; it was "
	    "not sent:");
	for (size_t i = 0; i < fs->n && n < MILTER_REPLY_LINES; i++)
		if (fs->v[i].sev == MG_SEV_HOLD)
			reply_line(lines[n++], fs->v[i].rule, fs->v[i].message);
	reply_line(lines[n++], NULL, "Fix it and send it again (matchguard "
	    "check shows the same findings).");
	for (size_t i = 0; i < n; i++)
		l[i] = lines[i];
	if (smfi_setmlreply(ctx, "550", "5.7.1", l[0], l[1], l[2], l[3], l[4],
	    l[5], l[6], l[7], l[8], l[9], l[10], l[11], l[12], l[13], l[14],
	    l[15], l[16], l[17], l[18], l[19], l[20], l[21], l[22], l[23],
	    l[24], l[25], l[26], l[27], l[28], l[29], l[30], NULL) !=
	    MI_SUCCESS)
		(void)smfi_setreply(ctx, "550", "5.7.1", lines[1]);
	return SMFIS_REJECT;
}

/* A letter larger than milter.max_message_size is not checked: to none
 * of the applicant's programs it passes, to one it is held. */
static int
to_a_program(const struct conn *c)
{
	const struct mg_directory *d = &c->who->guard->app.cfg.dir;
	const struct mg_program	*p, *q;

	for (size_t i = 0; i < c->rcpts.n; i++)
		if (mg_directory_lookup(d, c->rcpts.v[i], &p, &q) !=
		    MG_LOOKUP_NONE)
			return 1;
	return 0;
}

static sfsistat
too_big(SMFICTX *ctx, struct conn *c, const char *qid)
{
	char	reason[256];

	if (!to_a_program(c)) {
		mg_log("milter: %s: %s: larger than milter.max_message_size, "
		    "to no program: passed unchecked", c->who->id, qid);
		return SMFIS_ACCEPT;
	}
	snprintf(reason, sizeof(reason), "matchguard: this letter to a "
	    "program is larger than %d bytes (milter.max_message_size) and "
	    "was not checked", M.cfg.milter.max_message_size);
	mg_log("milter: %s: %s: %s", c->who->id, qid, reason);
	if (M.cfg.milter.on_hold == MG_MILTER_REJECT) {
		(void)smfi_setreply(ctx, "552", "5.3.4", reason);
		return SMFIS_REJECT;
	}
	if (smfi_quarantine(ctx, reason) != MI_SUCCESS) {
		tempfail(ctx, "matchguard cannot hold this letter");
		return SMFIS_TEMPFAIL;
	}
	return SMFIS_ACCEPT;
}

/* Held: into the applicant's held queue and the ledger, then the MTA's
 * hold queue with the first reason. */
static sfsistat
quarantine(SMFICTX *ctx, struct conn *c, struct mg_letter *lt, time_t now,
    const char *qid)
{
	struct mg_guard		*g = c->who->guard;
	const struct mg_finding	*f = mg_guard_first_hold(&lt->check.findings);
	char			 id[MG_SPOOL_IDLEN], err[MG_ERRLEN];
	char			 reason[MILTER_LINE_MAX];

	if (mg_guard_spool_held(g, c->from, &c->rcpts, c->data.s, c->data.len,
	    now, lt, id, err, sizeof(err)) == -1) {
		mg_log("milter: %s: %s: cannot keep it for review: %s (tempfail)",
		    c->who->id, qid, err);
		tempfail(ctx, "matchguard cannot hold this letter, try again "
		    "later");
		return SMFIS_TEMPFAIL;
	}
	reply_line(reason, "matchguard", f != NULL ? f->message :
	    "held by the policy");
	if (smfi_quarantine(ctx, reason) != MI_SUCCESS) {
		(void)mg_spool_remove(g->spool_dir, id, err, sizeof(err));
		mg_log("milter: %s: %s: the MTA did not take the quarantine "
		    "(tempfail)", c->who->id, qid);
		tempfail(ctx, "matchguard cannot hold this letter");
		return SMFIS_TEMPFAIL;
	}
	pthread_mutex_lock(&g->lock);
	if (mg_letter_record_held(lt, g->app.ledger, id, now, NULL, err,
	    sizeof(err)) == -1)
		mg_log("warning: %s (the letter is held all the same)", err);
	pthread_mutex_unlock(&g->lock);
	mg_log("milter: %s: %s: held as %s: %s", c->who->id, qid, id, reason);
	return SMFIS_ACCEPT;
}

/* The one letter path: parse, then check and record under the
 * applicant's lock (as serve's guard does). */
static sfsistat
decide(SMFICTX *ctx, struct conn *c, const char *qid)
{
	struct mg_guard		*g = c->who->guard;
	struct mg_letter	 lt = { 0 };
	enum mg_letter_recorded	 rec;
	char			 err[MG_ERRLEN], werr[MG_ERRLEN];
	time_t			 now = time(NULL);
	sfsistat		 st;
	int			 rc;

	if (c->data.failed || c->failed) {
		tempfail(ctx, "matchguard: out of memory");
		return SMFIS_TEMPFAIL;
	}
	rc = mg_letter_parse(&lt, c->data.s != NULL ? c->data.s : "",
	    c->data.len, c->from, &c->rcpts, err, sizeof(err));
	if (rc == -1) {
		mg_log("milter: %s: %s: unreadable: %s", c->who->id, qid, err);
		(void)smfi_setreply(ctx, "554", "5.6.0", "matchguard could not "
		    "read this message");
		return SMFIS_REJECT;
	}
	if (rc != 0) {
		tempfail(ctx, "matchguard: out of memory");
		return SMFIS_TEMPFAIL;
	}
	pthread_mutex_lock(&g->lock);
	rc = mg_letter_check(&lt, &g->app, now, MG_CHECK_RULES, err,
	    sizeof(err));
	if (rc == 0 && lt.check.verdict != MG_HOLD &&
	    mg_letter_record(&lt, g->app.ledger, MG_LETTER_RELAYED, &rec, werr,
	    sizeof(werr)) == -1)
		mg_log("warning: cannot record the letter: %s", werr);
	pthread_mutex_unlock(&g->lock);
	if (rc == -1) {
		mg_log("milter: %s: %s: cannot check it: %s (tempfail)",
		    c->who->id, qid, err);
		tempfail(ctx, "matchguard could not check this letter, try "
		    "again later");
		st = SMFIS_TEMPFAIL;
	} else if (lt.check.verdict != MG_HOLD) {
		mg_log("milter: %s: %s: %s [%s]", c->who->id, qid,
		    mg_verdict_name(lt.check.verdict), lt.programs);
		st = SMFIS_ACCEPT;
	} else if (M.cfg.milter.on_hold == MG_MILTER_REJECT) {
		mg_guard_record_rejected(g, now, &lt);
		mg_log("milter: %s: %s: rejected [%s]", c->who->id, qid,
		    lt.programs);
		st = reject(ctx, &lt.check.findings);
	} else
		st = quarantine(ctx, c, &lt, now, qid);
	mg_letter_clear(&lt);
	return st;
}

static sfsistat
on_eom(SMFICTX *ctx)
{
	struct conn	*c = smfi_getpriv(ctx);
	const char	*qid = smfi_getsymval(ctx, "i");
	sfsistat	 st;

	if (c == NULL || c->who == NULL)
		return SMFIS_TEMPFAIL;
	if (qid == NULL)
		qid = "-";
	st = c->too_big ? too_big(ctx, c, qid) : decide(ctx, c, qid);
	letter_reset(c);
	return st;
}

static sfsistat
on_abort(SMFICTX *ctx)
{
	struct conn	*c = smfi_getpriv(ctx);

	if (c != NULL)
		letter_reset(c);
	return SMFIS_CONTINUE;
}

static sfsistat
on_close(SMFICTX *ctx)
{
	struct conn	*c = smfi_getpriv(ctx);

	if (c != NULL) {
		letter_reset(c);
		if (c->counted)
			atomic_fetch_sub(&M.sessions, 1);
		free(c);
		smfi_setpriv(ctx, NULL);
	}
	return SMFIS_CONTINUE;
}

static struct smfiDesc desc = {
	.xxfi_name = "matchguard",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = SMFIF_QUARANTINE,
	.xxfi_connect = on_connect,
	.xxfi_envfrom = on_envfrom,
	.xxfi_envrcpt = on_envrcpt,
	.xxfi_header = on_header,
	.xxfi_eoh = on_eoh,
	.xxfi_body = on_body,
	.xxfi_eom = on_eom,
	.xxfi_abort = on_abort,
	.xxfi_close = on_close,
	.xxfi_negotiate = on_negotiate,
};

static const char usage[] = "usage: matchguard milter [-c CONF]\n";

int
mg_cmd_milter(int argc, char **argv, const char *conf)
{
	static const struct option longopts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	char	 err[MG_ERRLEN], *dflt = NULL;
	int	 ch, opened, status = MG_EXIT_ERROR;
	mode_t	 mask;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		if (ch == 'c')
			conf = optarg;
		else {
			fputs(usage, ch == 'h' ? stdout : stderr);
			return ch == 'h' ? MG_EXIT_OK : MG_EXIT_ERROR;
		}
	}
	if (conf == NULL && (conf = dflt = mg_config_default_path()) == NULL) {
		fputs("matchguard: milter: set HOME or use -c FILE\n", stderr);
		return MG_EXIT_ERROR;
	}
	if (mg_config_load(conf, &M.cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		free(dflt);
		return MG_EXIT_ERROR;
	}
	free(dflt);
	if (!M.cfg.milter.present) {
		fprintf(stderr, "matchguard: %s: no milter group: an office's "
		    "configuration says where the milter listens and where the "
		    "applicants are (see MILTER in matchguard(1))\n", M.cfg.path);
		goto out;
	}
	if (mg_office_open(&M.cfg, &M.office, err, sizeof(err)) == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		goto out;
	}
	/* A unix socket is made srw-rw----: the mail server's user (in
	 * the group) may connect, other users of the computer may not
	 * (libmilter would leave it to the umask). */
	mask = umask(0117);
	opened = smfi_register(desc) != MI_FAILURE &&
	    smfi_setconn(M.cfg.milter.listen) != MI_FAILURE &&
	    smfi_settimeout(M.cfg.milter.timeout) != MI_FAILURE &&
	    smfi_opensocket(1) != MI_FAILURE;
	umask(mask);
	if (!opened) {
		fprintf(stderr, "matchguard: %s: milter.listen %s: cannot listen "
		    "there (in use, or not allowed)\n", M.cfg.path,
		    M.cfg.milter.listen);
		goto out;
	}
	mg_log("milter: listening on %s for %zu applicants of %s",
	    M.cfg.milter.listen, M.office.n, M.cfg.milter.applicants);
	status = smfi_main() == MI_SUCCESS ? MG_EXIT_OK : MG_EXIT_ERROR;
	mg_log("milter: stopped");
out:
	mg_office_close(&M.office);
	mg_config_clear(&M.cfg);
	mg_strlist_clear(&M.seen);
	return status;
}
