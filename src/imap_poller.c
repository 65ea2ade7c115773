/*
 * imap_poller.c - the reply poller (see imap_poller.h), with libetpan's
 * IMAP client.
 *
 * The poller is a small state machine in the manner of fdm's
 * imap-common.c: the state is a function that does one step and says
 * what comes next (STEP_NEXT after enter()ing the next state, STEP_RETRY
 * on a lost connection or a refusal, STEP_STOP when done), and enter()
 * is the one place a transition happens.  States:
 *
 *   connect -> sync -> wait -> sync -> wait ...   (serve)
 *   connect -> sync -> logout                     (poll --once)
 *
 * STEP_RETRY closes the connection, logs why, sleeps the back-off
 * (doubling from 1 s to imap.max_backoff, interrupted by a stop) and
 * enters connect again.
 *
 * Each connection's stream goes through the guard of stream_guard.c, so
 * that whatever libetpan's parser asks for, no command outlives its
 * deadline or reads past its caps; a refusal ends the connection with
 * the guard's own words (failed()).  A pass over a folder goes window by
 * window (sync_window()): SEARCH, FETCH in batches, then the mark moves
 * up to the end of the window, or to just below the first UID the server
 * did not hand over.
 */
#include "config_auto.h"

#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "matchguard/endpoint.h"
#include "matchguard/imap_poller.h"
#include "matchguard/letter.h"
#include "matchguard/log.h"
#include "matchguard/message.h"
#include "matchguard/redact.h"
#include "matchguard/reply.h"
#include "matchguard/secret.h"
#include "matchguard/stream_guard.h"

/* The header fields a reply is matched on. */
static const char *const reply_fields[] = { "From", "To", "Cc", "Subject",
	"Date", "Message-ID", "In-Reply-To", "References", NULL };

/* One IMAP connection. */
struct session {
	const struct mg_imap_settings *im;
	const struct mg_endpoint *ep;		/* &im->ep */
	struct mg_endpoint_conn	 tls;		/* the names checked and sent */
	mailimap		*imap;
	struct mg_poller	*owner;		/* for the stop: may be NULL */
	struct mg_stream_guard	 guard;		/* bounds every read */
	struct mg_redact	*red;		/* the credentials' forms */
	int			 auth_step;	/* LOGIN or AUTHENTICATE */
};

/* The messages of one folder the server failed to hand over, and in
 * how many passes in a row (see left_unread()); the first
 * MG_IMAP_MAX_STUCK of them are counted. */
#define MG_IMAP_MAX_STUCK	64
struct stuck {
	uint32_t	validity;
	size_t		n;
	struct {
		uint32_t	uid;
		int		tries;
		int		seen;	/* unread in this pass */
	} v[MG_IMAP_MAX_STUCK];
};

enum step { STEP_NEXT, STEP_RETRY, STEP_STOP };
struct poller;
typedef enum step (*state_fn)(struct poller *);

struct poller {
	struct mg_app		*app;
	const struct mg_imap_settings *im;
	struct session		 s;
	int			 connected;
	int			 has_idle;
	int			 once;
	int			 retries;	/* connection failures in a row */
	state_fn		 state;
	const char		*state_name;
	struct mg_poller	*owner;		/* NULL in once mode */
	struct mg_poll_stats	 stats;
	struct stuck		*stuck;		/* one per folder, sent last */
	char			 err[MG_ERRLEN];
};

struct mg_poller {
	pthread_t		 thread;
	int			 wake[2];	/* stop: a byte on wake[1] */
	atomic_int		 stopping;
	pthread_mutex_t		 lock;
	pthread_cond_t		 done_cv;	/* done, with lock */
	int			 done;		/* the thread has ended */
	int			 abandoned;	/* the thread frees mp */
	int			 fd;		/* the connection, -1: none */
	struct mg_app		 app;
	struct poller		 p;
};

static int
stopping(const struct mg_poller *mp)
{
	return mp != NULL && atomic_load(&mp->stopping);
}

/* The connection mg_poller_stop() shuts down; one made after the stop
 * began is shut down here. */
static void
set_fd(struct mg_poller *mp, int fd)
{
	if (mp == NULL)
		return;
	pthread_mutex_lock(&mp->lock);
	mp->fd = fd;
	if (fd != -1 && atomic_load(&mp->stopping))
		(void)shutdown(fd, SHUT_RDWR);
	pthread_mutex_unlock(&mp->lock);
}

/* What the server said last, for messages: one line, printable, with
 * every echo of a credential hidden (redact.h). */
static const char *
server_said(const struct session *s, char *buf, size_t len)
{
	const char	*r = s->imap != NULL ? s->imap->imap_response : NULL;
	size_t		 i;

	mg_redact(s->red, r != NULL && r[0] != '\0' ? r : "no explanation",
	    s->auth_step ? MG_REDACT_AUTH : 0, buf, len);
	for (i = 0; buf[i] != '\0'; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = ' ';
	return buf;
}

/* A connection-level failure: the session cannot be used any more. */
static int
is_stream_error(int r)
{
	return r == MAILIMAP_ERROR_STREAM || r == MAILIMAP_ERROR_PARSE ||
	    r == MAILIMAP_ERROR_FATAL || r == MAILIMAP_ERROR_BAD_STATE ||
	    r == MAILIMAP_ERROR_MEMORY || r == MAILIMAP_ERROR_PROTOCOL;
}

/* s->imap, with what named as the command in progress for the guard's
 * messages: mailimap_examine(cmd(s, "EXAMINE"), ...). */
static mailimap *
cmd(struct session *s, const char *what)
{
	s->guard.what = what;
	return s->imap;
}

/* Why the command what failed with libetpan's r: the guard's refusal
 * (a bound, the deadline, the end of the stream), a lost connection, or
 * the server's own words. */
static void
failed(struct session *s, int r, const char *what, char *err, size_t errlen)
{
	char	buf[MG_ERRLEN];

	if (mg_stream_guard_why(&s->guard, buf, sizeof(buf)) != NULL)
		mg_seterr(err, errlen, "%s", buf);
	else if (is_stream_error(r))
		mg_seterr(err, errlen, "%s failed: connection to %s lost", what,
		    s->ep->host);
	else
		mg_seterr(err, errlen, "%s refused %s: %s", s->ep->host, what,
		    server_said(s, buf, sizeof(buf)));
}

/*
 * Connecting, TLS and login: shared by the poller and the notices.
 */

/* Drops the connection without a word (it may be dead). */
static void
session_drop(struct session *s)
{
	set_fd(s->owner, -1);
	mg_redact_free(&s->red);
	if (s->imap == NULL)
		return;
	if (s->imap->imap_stream != NULL) {
		mailstream_close(s->imap->imap_stream);
		s->imap->imap_stream = NULL;
	}
	mailimap_free(s->imap);
	s->imap = NULL;
}

/* LOGOUT, then the same. */
static void
session_close(struct session *s)
{
	if (s->imap != NULL && s->imap->imap_stream != NULL &&
	    s->guard.refused == MG_STREAM_OK)
		(void)mailimap_logout(cmd(s, "LOGOUT"));	/* may be gone */
	session_drop(s);
}

static int
starttls(struct session *s, char *err, size_t errlen)
{
	int	r;

	if (!mailimap_has_extension(s->imap, "STARTTLS")) {
		mg_seterr(err, errlen, "%s does not offer STARTTLS; the "
		    "password is never sent unencrypted", s->ep->host);
		return -1;
	}
	/* mailimap_starttls() refuses data sent after the OK
	 * (response injection, CVE-2020-15953), as the endpoint does. */
	if ((r = mailimap_starttls(cmd(s, "STARTTLS"))) != MAILIMAP_NO_ERROR) {
		failed(s, r, "STARTTLS", err, errlen);
		return -1;
	}
	return mg_endpoint_starttls(&s->tls, s->imap->imap_stream, &s->guard,
	    err, errlen);
}

/* Connects (endpoint.h: TCP, implicit TLS and its check, the guard)
 * and reads the greeting. */
static int
open_stream(struct session *s, char *err, size_t errlen)
{
	const struct mg_endpoint *ep = s->ep;
	mailstream	*stream;
	int		 fd, r;

	if ((fd = mg_endpoint_connect(&s->tls, ep, err, errlen)) == -1)
		return -1;
	set_fd(s->owner, fd);
	if ((stream = mg_endpoint_open(&s->tls, fd, &s->guard, err,
	    errlen)) == NULL) {
		set_fd(s->owner, -1);
		return -1;
	}
	if ((s->imap = mailimap_new(0, NULL)) == NULL) {
		set_fd(s->owner, -1);
		mailstream_close(stream);
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	mailimap_set_timeout(s->imap, ep->timeout);
	mg_stream_guard_arm(&s->guard, "the greeting");
	r = mailimap_connect(s->imap, stream);
	if (r != MAILIMAP_NO_ERROR_NON_AUTHENTICATED &&
	    r != MAILIMAP_NO_ERROR_AUTHENTICATED) {
		char	why[MG_ERRLEN];

		if (mg_stream_guard_why(&s->guard, why, sizeof(why)) != NULL)
			mg_seterr(err, errlen, "%s", why);
		else
			mg_seterr(err, errlen, "%s:%d did not greet as an IMAP "
			    "server (error %d)", ep->host, ep->port, r);
		return -1;
	}
	return 0;
}

static int
capability(struct session *s, char *err, size_t errlen)
{
	struct mailimap_capability_data	*caps = NULL;
	int				 r;

	if ((r = mailimap_capability(cmd(s, "CAPABILITY"), &caps)) !=
	    MAILIMAP_NO_ERROR) {
		failed(s, r, "CAPABILITY", err, errlen);
		return -1;
	}
	mailimap_capability_data_free(caps);
	return 0;
}

/* AUTHENTICATE PLAIN with the initial response on the command line
 * (RFC 4959): libetpan's own mailimap_authenticate() goes through Cyrus
 * SASL, whose PLAIN plugin may not be installed. */
static int
auth_plain(struct session *s, const char *secret)
{
	size_t	 cmdlen;
	char	*b64, *line;
	int	 r;

	if ((b64 = mg_endpoint_sasl(MG_AUTH_PLAIN, s->ep->user, secret)) ==
	    NULL)
		return MAILIMAP_ERROR_MEMORY;
	cmdlen = strlen(b64) + sizeof("AUTHENTICATE PLAIN ");
	if ((line = malloc(cmdlen)) == NULL) {
		mg_secret_free(b64);
		return MAILIMAP_ERROR_MEMORY;
	}
	snprintf(line, cmdlen, "AUTHENTICATE PLAIN %s", b64);
	mg_secret_free(b64);
	mailstream_set_privacy(s->imap->imap_stream, 0);
	r = mailimap_custom_command(cmd(s, "AUTHENTICATE PLAIN"), line);
	mailstream_set_privacy(s->imap->imap_stream, 1);
	mg_secret_free(line);
	if (r == MAILIMAP_NO_ERROR)
		s->imap->imap_state = MAILIMAP_STATE_AUTHENTICATED;
	else if (r == MAILIMAP_ERROR_CUSTOM_COMMAND)
		r = MAILIMAP_ERROR_LOGIN;
	return r;
}

static int
login(struct session *s, char *err, size_t errlen)
{
	const struct mg_endpoint *im = s->ep;
	const char	*how = "LOGIN";
	char		*secret, why[MG_ERRLEN];
	int		 r;

	if (s->imap->imap_state == MAILIMAP_STATE_AUTHENTICATED)
		return 0;	/* PREAUTH */
	/* Every reply from now on may echo the credentials: s->red. */
	if (mg_endpoint_credentials(im, &secret, &s->red, err, errlen) == -1)
		return -1;
	s->auth_step = 1;
	switch (im->auth) {
	case MG_AUTH_PLAIN:
		how = "AUTHENTICATE PLAIN";
		r = mailimap_has_extension(s->imap, "SASL-IR") ?
		    auth_plain(s, secret) : MAILIMAP_ERROR_EXTENSION;
		break;
	case MG_AUTH_XOAUTH2:
		how = "AUTHENTICATE XOAUTH2";
		r = mailimap_oauth2_authenticate(cmd(s, how), im->user,
		    secret);
		break;
	default:
		if (mailimap_has_extension(s->imap, "LOGINDISABLED"))
			r = MAILIMAP_ERROR_EXTENSION;
		else
			r = mailimap_login(cmd(s, how), im->user, secret);
		break;
	}
	mg_secret_free(secret);
	if (r == MAILIMAP_ERROR_EXTENSION) {
		s->auth_step = 0;
		mg_seterr(err, errlen, "%s does not allow %s here; try another "
		    "imap.auth", im->host, how);
		return -1;
	}
	if (r != MAILIMAP_NO_ERROR) {
		if (mg_stream_guard_why(&s->guard, why, sizeof(why)) != NULL)
			mg_seterr(err, errlen, "%s", why);
		else
			mg_seterr(err, errlen, "%s refused the %s of %s: %s",
			    im->host, how, im->user, is_stream_error(r) ?
			    "connection lost" : server_said(s, why,
			    sizeof(why)));
		s->auth_step = 0;
		return -1;
	}
	s->auth_step = 0;
	return 0;
}

/* The bounds of every command (stream_guard.h), from the imap group. */
static void
imap_limits(const struct mg_imap_settings *im, struct mg_stream_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->host = im->ep.host;
	l->noun = "answer";
	l->timeout = im->ep.timeout;
	l->deadline = im->command_timeout;
	l->max_bytes = (uint64_t)im->max_response_size;
	l->max_text = (uint64_t)im->max_response_text;
	l->max_literal = (uint64_t)im->max_literal_size;
	l->timeout_name = "imap.timeout";
	l->deadline_name = "imap.command_timeout";
	l->max_bytes_name = "imap.max_response_size";
	l->max_text_name = "imap.max_response_text";
	l->max_literal_name = "imap.max_literal_size";
	l->text_cap_name = "more than the UIDs of one imap.search_window need";
}

/* Connects, secures, logs in; *has_idle from the capabilities after
 * login.  On failure the session is dropped. */
static int
session_open(struct session *s, const struct mg_imap_settings *im,
    struct mg_poller *owner, int *has_idle, char *err, size_t errlen)
{
	struct mg_stream_limits	lim;

	memset(s, 0, sizeof(*s));
	s->im = im;
	s->ep = &im->ep;
	s->owner = owner;
	imap_limits(im, &lim);
	mg_stream_guard_init(&s->guard, &lim, owner != NULL ?
	    &owner->stopping : NULL);
	if (open_stream(s, err, errlen) == -1 ||
	    (im->ep.tls == MG_TLS_STARTTLS && (capability(s, err, errlen) == -1 ||
	    starttls(s, err, errlen) == -1)) ||
	    capability(s, err, errlen) == -1 ||
	    login(s, err, errlen) == -1 ||
	    capability(s, err, errlen) == -1) {
		session_drop(s);
		return -1;
	}
	if (has_idle != NULL)
		*has_idle = mailimap_has_idle(s->imap);
	return 0;
}

/*
 * Reading folders.
 */

static void
enter(struct poller *p, state_fn fn, const char *name)
{
	p->state = fn;
	p->state_name = name;
}

/* Printable copy for the log. */
static void
printable(const char *in, char *out, size_t len)
{
	size_t	i;

	snprintf(out, len, "%s", in != NULL ? in : "");
	for (i = 0; out[i] != '\0'; i++)
		if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
			out[i] = ' ';
}

static int
lookup_sent(void *arg, const char *message_id, struct mg_strlist *out,
    char *err, size_t errlen)
{
	return mg_ledger_sent_programs(arg, message_id, out, err, errlen);
}

/* A message of a reply folder: recorded when it comes from a program. */
static int
handle_reply(struct poller *p, const char *data, size_t len)
{
	const struct mg_config	*cfg = &p->app->cfg;
	struct mg_message	*m;
	struct mg_reply_match	 match;
	struct mg_reply_in	 in;
	struct mg_reply		 rp = { 0 };
	char			 id[96], subj[160], from[160];
	int			 inserted;

	if (mg_message_parse(data, len, &m, p->err, sizeof(p->err)) == -1) {
		p->stats.ignored++;
		return 0;	/* not a message we can read: not a reply */
	}
	in.from = m->from;
	in.in_reply_to = &m->in_reply_to;
	in.references = &m->references;
	if (mg_reply_match(&cfg->dir, &cfg->addresses, &in, lookup_sent,
	    p->app->ledger, &match, p->err, sizeof(p->err)) == -1) {
		mg_message_free(m);
		return -1;
	}
	if (match.via == MG_REPLY_NONE) {
		p->stats.ignored++;
		mg_message_free(m);
		return 0;
	}
	/* Without a Message-ID, the hash of the header fields keeps a
	 * message read twice from counting twice. */
	snprintf(id, sizeof(id), "%s@matchguard.invalid", m->hash);
	rp.message_id = m->message_id != NULL ? m->message_id : id;
	rp.program = match.program->id;
	rp.date = m->has_date ? m->date : time(NULL);
	rp.in_reply_to = match.via == MG_REPLY_THREAD ? match.in_reply_to :
	    (m->in_reply_to.n > 0 ? m->in_reply_to.v[0] : NULL);
	rp.sender = m->from;
	rp.subject = m->subject;
	rp.matched = mg_reply_via_name(match.via);
	if (mg_ledger_add_reply(p->app->ledger, &rp, &inserted, p->err,
	    sizeof(p->err)) == -1) {
		mg_message_free(m);
		return -1;
	}
	if (inserted) {
		p->stats.replies++;
		printable(m->subject, subj, sizeof(subj));
		printable(m->from, from, sizeof(from));
		mg_log("imap: reply from %s (%s, matched by %s): \"%s\"", from,
		    rp.program, rp.matched, subj);
	}
	mg_message_free(m);
	return 0;
}

/* Is m the applicant's, to a program, and not in the ledger yet? */
static int
sent_candidate(struct poller *p, const struct mg_message *m, int *yes)
{
	const struct mg_config	*cfg = &p->app->cfg;
	const struct mg_program	*prog, *other;
	struct mg_strlist	 rcpts = { 0 };
	int			 known;

	*yes = 0;
	if (cfg->addresses.n > 0 && (m->from == NULL ||
	    !mg_strlist_has_ci(&cfg->addresses, m->from)))
		return 0;
	if (mg_ledger_is_sent_id(p->app->ledger, m->message_id, &known,
	    p->err, sizeof(p->err)) == -1)
		return -1;
	if (known)
		return 0;
	if (mg_message_recipients(m, &rcpts) == -1) {
		mg_seterr(p->err, sizeof(p->err), "out of memory");
		return -1;
	}
	for (size_t i = 0; i < rcpts.n && !*yes; i++)
		*yes = mg_directory_lookup(&cfg->dir, rcpts.v[i], &prog,
		    &other) != MG_LOOKUP_NONE;
	mg_strlist_clear(&rcpts);
	return 0;
}

/* A whole message of sent_folder: the mail client's copy of a letter,
 * classified and recorded as import-sent does (letter.h): never when it
 * is a copy of a letter serve held. */
static int
record_sent(struct poller *p, const char *data, size_t len)
{
	struct mg_letter	 lt;
	enum mg_letter_recorded	 rec;
	char			 subj[160];

	if (mg_letter_parse(&lt, data, len, NULL, NULL, p->err,
	    sizeof(p->err)) != 0)
		return 0;
	if (!lt.msg->has_date) {
		mg_log("imap: %s: a sent message without a valid Date is not "
		    "recorded (%s)", p->im->sent_folder, lt.msg->message_id !=
		    NULL ? lt.msg->message_id : "no Message-ID");
		mg_letter_clear(&lt);
		return 0;
	}
	if (mg_letter_check(&lt, p->app, lt.msg->date, MG_CHECK_CLASSIFY,
	    p->err, sizeof(p->err)) == -1 || mg_letter_record(&lt,
	    p->app->ledger, MG_LETTER_COPY, &rec, p->err,
	    sizeof(p->err)) == -1) {
		mg_letter_clear(&lt);
		return -1;
	}
	printable(lt.msg->subject, subj, sizeof(subj));
	if (rec == MG_LETTER_NEW) {
		p->stats.sent++;
		mg_log("imap: recorded a message sent from elsewhere (%s): %s "
		    "to %s: \"%s\"", p->im->sent_folder, lt.check.msg_class,
		    lt.check.programs[0]->id, subj);
	} else if (rec == MG_LETTER_HELD_COPY)
		mg_log("imap: %s: \"%s\" is a copy of the letter held for "
		    "review %s (%s): not recorded as sent", p->im->sent_folder,
		    subj, lt.held.spool_id, lt.held.state);
	mg_letter_clear(&lt);
	return 0;
}

/* UIDs to fetch, ascending. */
struct uidv {
	uint32_t	*v;
	size_t		 n, cap;
};

static int
uidv_add(struct uidv *u, uint32_t uid)
{
	if (u->n == u->cap) {
		size_t		 ncap = u->cap ? u->cap * 2 : 256;
		uint32_t	*nv = realloc(u->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		u->v = nv;
		u->cap = ncap;
	}
	u->v[u->n++] = uid;
	return 0;
}

static int
cmp_uid(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The index of uid in the ascending v[0..n), or -1. */
static long
uid_index(const uint32_t *v, size_t n, uint32_t uid)
{
	const uint32_t	*at = bsearch(&uid, v, n, sizeof(*v), cmp_uid);

	return at != NULL ? (long)(at - v) : -1;
}

typedef int (*fetch_cb)(struct poller *p, uint32_t uid, uint32_t size,
	    const char *data, size_t len, void *arg);

static void
free_strings(clist *l)
{
	for (clistiter *it = clist_begin(l); it != NULL; it = clist_next(it))
		free(clist_content(it));
	clist_free(l);
}

static struct mailimap_fetch_type *
fetch_type(int whole)
{
	struct mailimap_fetch_type	*ft;
	struct mailimap_section		*sec;
	struct mailimap_header_list	*hl;
	clist				*hdrs;

	if ((ft = mailimap_fetch_type_new_fetch_att_list_empty()) == NULL)
		return NULL;
	if (mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_uid()) != MAILIMAP_NO_ERROR ||
	    mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_rfc822_size()) != MAILIMAP_NO_ERROR)
		goto fail;
	if (whole)
		sec = mailimap_section_new(NULL);
	else {
		if ((hdrs = clist_new()) == NULL)
			goto fail;
		for (size_t i = 0; reply_fields[i] != NULL; i++) {
			char	*h = strdup(reply_fields[i]);

			if (h == NULL || clist_append(hdrs, h) < 0) {
				free(h);
				free_strings(hdrs);
				goto fail;
			}
		}
		if ((hl = mailimap_header_list_new(hdrs)) == NULL) {
			free_strings(hdrs);
			goto fail;
		}
		if ((sec = mailimap_section_new_header_fields(hl)) == NULL)
			mailimap_header_list_free(hl);
	}
	/* PEEK: the server must not set \Seen. */
	if (sec == NULL || mailimap_fetch_type_new_fetch_att_list_add(ft,
	    mailimap_fetch_att_new_body_peek_section(sec)) !=
	    MAILIMAP_NO_ERROR)
		goto fail;
	return ft;
fail:
	mailimap_fetch_type_free(ft);
	return NULL;
}

static void
msg_att_parts(struct mailimap_msg_att *ma, uint32_t *uid, uint32_t *size,
    const char **data, size_t *len)
{
	*uid = *size = 0;
	*data = NULL;
	*len = 0;
	for (clistiter *it = clist_begin(ma->att_list); it != NULL;
	    it = clist_next(it)) {
		struct mailimap_msg_att_item	*item = clist_content(it);
		struct mailimap_msg_att_static	*st;

		if (item->att_type != MAILIMAP_MSG_ATT_ITEM_STATIC ||
		    (st = item->att_data.att_static) == NULL)
			continue;
		if (st->att_type == MAILIMAP_MSG_ATT_UID)
			*uid = st->att_data.att_uid;
		else if (st->att_type == MAILIMAP_MSG_ATT_RFC822_SIZE)
			*size = st->att_data.att_rfc822_size;
		else if (st->att_type == MAILIMAP_MSG_ATT_BODY_SECTION &&
		    st->att_data.att_body_section != NULL) {
			*data = st->att_data.att_body_section->sec_body_part;
			*len = st->att_data.att_body_section->sec_length;
		}
	}
}

/*
 * UID FETCH of uids[0..n) (ascending), header fields or whole messages;
 * cb for each message returned with its UID and its section, once, and
 * got[i] set for it.  A message left out of the answer, or sent without
 * its UID or its section, keeps got[i] at 0.  -1: p->err set.
 */
static int
fetch(struct poller *p, const uint32_t *uids, size_t n, int whole,
    unsigned char *got, fetch_cb cb, void *arg)
{
	struct mailimap_fetch_type	*ft;
	struct mailimap_set		*set;
	clist				*result = NULL;
	const char			*what = whole ? "UID FETCH (BODY[])" :
	    "UID FETCH";
	int				 r, rc = 0;

	if ((set = mailimap_set_new_empty()) == NULL)
		goto nomem;
	for (size_t i = 0; i < n; i++)
		if (mailimap_set_add_single(set, uids[i]) != MAILIMAP_NO_ERROR) {
			mailimap_set_free(set);
			goto nomem;
		}
	if ((ft = fetch_type(whole)) == NULL) {
		mailimap_set_free(set);
		goto nomem;
	}
	r = mailimap_uid_fetch(cmd(&p->s, what), set, ft, &result);
	mailimap_fetch_type_free(ft);
	mailimap_set_free(set);
	if (r != MAILIMAP_NO_ERROR) {
		failed(&p->s, r, what, p->err, sizeof(p->err));
		return -1;
	}
	for (clistiter *it = clist_begin(result); it != NULL && rc == 0;
	    it = clist_next(it)) {
		uint32_t	 uid, size;
		const char	*data;
		size_t		 len;
		long		 i;

		msg_att_parts(clist_content(it), &uid, &size, &data, &len);
		/* Flags of another message, a message not asked for, one
		 * twice, or one without its text. */
		if (uid == 0 || (i = uid_index(uids, n, uid)) == -1 ||
		    got[i] || data == NULL)
			continue;
		got[i] = 1;
		p->stats.fetched++;
		rc = cb(p, uid, size, data, len, arg);
	}
	mailimap_fetch_list_free(result);
	return rc;
nomem:
	mg_seterr(p->err, sizeof(p->err), "out of memory");
	return -1;
}

static int
on_reply_headers(struct poller *p, uint32_t uid, uint32_t size,
    const char *data, size_t len, void *arg)
{
	(void)uid;
	(void)size;
	(void)arg;
	return handle_reply(p, data, len);
}

static int
on_sent_headers(struct poller *p, uint32_t uid, uint32_t size,
    const char *data, size_t len, void *arg)
{
	struct uidv		*want = arg;
	struct mg_message	*m;
	int			 yes = 0, rc;

	if (mg_message_parse(data, len, &m, p->err, sizeof(p->err)) == -1)
		return 0;
	rc = sent_candidate(p, m, &yes);
	mg_message_free(m);
	if (rc != 0 || !yes)
		return rc;
	if (size > (uint32_t)p->im->max_literal_size) {
		mg_log("imap: \"%s\": the message with UID %u (%u bytes) is "
		    "bigger than imap.max_literal_size and is not read",
		    p->im->sent_folder, uid, size);
		return 0;
	}
	if (uidv_add(want, uid) == -1) {
		mg_seterr(p->err, sizeof(p->err), "out of memory");
		return -1;
	}
	return 0;
}

static int
on_sent_whole(struct poller *p, uint32_t uid, uint32_t size,
    const char *data, size_t len, void *arg)
{
	(void)uid;
	(void)size;
	(void)arg;
	return record_sent(p, data, len);
}

/* The UIDs of [a, b] (b 0: "*"), since the season's start on a first
 * pass, ascending, into out.  The answer may hold at most what a window
 * can: about 11 bytes a UID. */
static int
search(struct poller *p, int first, uint32_t a, uint32_t b, struct uidv *out)
{
	const struct mg_config		*cfg = &p->app->cfg;
	struct mailimap_search_key	*key, *sub;
	struct mailimap_set		*set;
	clist				*result = NULL;
	time_t				 t = mg_day_to_time(cfg->season_start);
	struct tm			 tm;
	int				 r, bad = 0;

	out->n = 0;
	if ((key = mailimap_search_key_new_multiple_empty()) == NULL)
		goto nomem;
	set = mailimap_set_new_interval(a, b);
	sub = set != NULL ? mailimap_search_key_new_uid(set) : NULL;
	if (sub == NULL)
		mailimap_set_free(set);
	bad = sub == NULL || mailimap_search_key_multiple_add(key, sub) !=
	    MAILIMAP_NO_ERROR;
	if (bad)
		mailimap_search_key_free(sub);
	if (!bad && first) {
		gmtime_r(&t, &tm);
		sub = mailimap_search_key_new_since(mailimap_date_new(
		    tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900));
		bad = sub == NULL || mailimap_search_key_multiple_add(key,
		    sub) != MAILIMAP_NO_ERROR;
		if (bad && sub != NULL)
			mailimap_search_key_free(sub);
	}
	if (bad) {
		mailimap_search_key_free(key);
		goto nomem;
	}
	if (b != 0)
		p->s.guard.text_cap = (size_t)p->im->search_window * 11 + 4096;
	r = mailimap_uid_search(cmd(&p->s, "UID SEARCH"), NULL, key, &result);
	p->s.guard.text_cap = 0;
	mailimap_search_key_free(key);
	if (r != MAILIMAP_NO_ERROR) {
		failed(&p->s, r, "UID SEARCH", p->err, sizeof(p->err));
		return -1;
	}
	for (clistiter *it = clist_begin(result); it != NULL;
	    it = clist_next(it)) {
		uint32_t	uid = *(uint32_t *)clist_content(it);

		/* "a:*" names the last message even below a: keep only
		 * what was asked for. */
		if (uid < a || (b != 0 && uid > b))
			continue;
		if (uidv_add(out, uid) == -1) {
			mailimap_search_result_free(result);
			goto nomem;
		}
	}
	mailimap_search_result_free(result);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_uid);
	return 0;
nomem:
	mg_seterr(p->err, sizeof(p->err), "out of memory");
	return -1;
}

/* One pass over one folder. */
struct pass {
	const char	*folder;
	size_t		 index;		/* in p->stuck */
	int		 sent;
	uint32_t	 validity;
	uint32_t	 mark;		/* every UID up to it is read */
	int		 advancing;	/* no UID left unread yet */
	unsigned long	 unread;	/* left unread this pass */
	char		 list[160];	/* the first of them, for the log */
};

/* How many passes in a row could not read uid, this one included. */
static int
count_try(struct stuck *st, uint32_t validity, uint32_t uid)
{
	size_t	i;

	if (st->validity != validity) {
		st->validity = validity;
		st->n = 0;
	}
	for (i = 0; i < st->n && st->v[i].uid != uid; i++)
		;
	if (i == st->n) {
		if (st->n == MG_IMAP_MAX_STUCK)
			return 1;	/* not counted: tried again */
		st->v[st->n].uid = uid;
		st->v[st->n++].tries = 0;
	}
	st->v[i].seen = 1;
	return ++st->v[i].tries;
}

/* After a pass: forgets the messages that were read this time. */
static void
end_tries(struct stuck *st)
{
	size_t	k = 0;

	for (size_t i = 0; i < st->n; i++)
		if (st->v[i].seen) {
			st->v[k] = st->v[i];
			st->v[k++].seen = 0;
		}
	st->n = k;
}

/*
 * A message the server did not hand over: the mark stays below it, so
 * that the next pass asks for it again, until imap.max_tries passes in a
 * row could not read it; then it is given up (logged) and the mark may
 * pass it.  1: given up.
 */
static int
left_unread(struct poller *p, struct pass *ps, uint32_t uid)
{
	size_t	used = strlen(ps->list);
	int	tries = count_try(&p->stuck[ps->index], ps->validity, uid);

	if (tries >= p->im->max_tries) {
		mg_log("imap: \"%s\": giving up on the message with UID %u: "
		    "%d pass(es) in a row could not read it (imap.max_tries)",
		    ps->folder, uid, tries);
		return 1;
	}
	ps->unread++;
	if (used + 16 < sizeof(ps->list))
		snprintf(ps->list + used, sizeof(ps->list) - used, "%s%u",
		    used > 0 ? ", " : "", uid);
	else if (used + 4 < sizeof(ps->list) && strstr(ps->list, "...") ==
	    NULL)
		snprintf(ps->list + used, sizeof(ps->list) - used, "...");
	return 0;
}

/* Reads uids[0..n) of one window (header fields, and for sent_folder the
 * candidates whole); got[i] says which were read.  -1: p->err. */
static int
read_window(struct poller *p, const struct pass *ps, const uint32_t *uids,
    size_t n, unsigned char *got)
{
	struct uidv	want = { 0 };
	int		rc = 0;

	for (size_t i = 0; i < n && rc == 0; i += MG_IMAP_FETCH_BATCH) {
		size_t	k = n - i < MG_IMAP_FETCH_BATCH ? n - i :
		    MG_IMAP_FETCH_BATCH;

		if (stopping(p->owner))
			break;
		want.n = 0;
		rc = fetch(p, uids + i, k, 0, got + i, ps->sent ?
		    on_sent_headers : on_reply_headers, &want);
		for (size_t j = 0; j < want.n && rc == 0; j++) {
			unsigned char	whole = 0;
			long		x = uid_index(uids, n, want.v[j]);

			rc = fetch(p, want.v + j, 1, 1, &whole, on_sent_whole,
			    NULL);
			if (rc == 0 && !whole && x >= 0)
				got[x] = 0;	/* its header only */
		}
	}
	free(want.v);
	return rc;
}

/* Reads the window [a, b] (b 0: "*"), and moves the mark.  -1: p->err. */
static int
sync_window(struct poller *p, struct pass *ps, int first, uint32_t a,
    uint32_t b)
{
	struct uidv	 uids = { 0 };
	unsigned char	*got = NULL;
	uint32_t	 mark = ps->mark;
	int		 rc = -1;

	if (search(p, first, a, b, &uids) == -1)
		goto out;
	if (uids.n > 0 && (got = calloc(uids.n, 1)) == NULL) {
		mg_seterr(p->err, sizeof(p->err), "out of memory");
		goto out;
	}
	if (read_window(p, ps, uids.v, uids.n, got) == -1)
		goto out;
	if (stopping(p->owner)) {
		rc = 0;		/* the mark stays: read again next time */
		goto out;
	}
	for (size_t i = 0; i < uids.n; i++)
		if (!got[i] && !left_unread(p, ps, uids.v[i]) &&
		    ps->advancing) {
			ps->advancing = 0;
			mark = uids.v[i] - 1;
		}
	if (ps->advancing)
		mark = b != 0 ? b : (uids.n > 0 ? uids.v[uids.n - 1] : mark);
	if (mark > ps->mark) {
		if (mg_ledger_set_imap_state(p->app->ledger, ps->folder,
		    ps->validity, mark, time(NULL), p->err,
		    sizeof(p->err)) == -1)
			goto out;
		ps->mark = mark;
	}
	rc = 0;
out:
	free(uids.v);
	free(got);
	return rc;
}

/* Reads the new messages of one folder, window by window of
 * imap.search_window UIDs up to UIDNEXT.  0, or -1 with p->err. */
static int
sync_folder(struct poller *p, const char *folder, size_t index, int sent)
{
	struct mailimap_selection_info	*sel;
	struct pass			 ps = { .folder = folder,
	    .index = index, .sent = sent, .advancing = 1 };
	uint32_t			 uidnext, v, last, top;
	uint64_t			 a;
	char				 said[256];
	int				 found, first, r;

	if ((r = mailimap_examine(cmd(&p->s, "EXAMINE"), folder)) !=
	    MAILIMAP_NO_ERROR) {
		if (is_stream_error(r) || p->s.guard.refused != MG_STREAM_OK) {
			failed(&p->s, r, "EXAMINE", p->err, sizeof(p->err));
			return -1;
		}
		/* A missing folder is the configuration's fault, not the
		 * connection's: say so and read the others. */
		mg_log("imap: cannot open folder \"%s\": %s", folder,
		    server_said(&p->s, said, sizeof(said)));
		return 0;
	}
	sel = p->s.imap->imap_selection_info;
	ps.validity = sel != NULL ? sel->sel_uidvalidity : 0;
	uidnext = sel != NULL ? sel->sel_uidnext : 0;
	if (mg_ledger_imap_state(p->app->ledger, folder, &found, &v, &last,
	    p->err, sizeof(p->err)) == -1)
		return -1;
	first = !found || v != ps.validity;
	if (found && v != ps.validity)
		mg_log("imap: the UIDVALIDITY of \"%s\" changed (%u, was %u): "
		    "reading it again from the season's start", folder,
		    ps.validity, v);
	ps.mark = first ? 0 : last;
	if (uidnext == 0) {
		/* No UIDNEXT (RFC 3501 requires it): one search to "*",
		 * bounded by imap.max_response_text. */
		if (sync_window(p, &ps, first, ps.mark + 1, 0) == -1)
			return -1;
	} else {
		top = uidnext - 1;
		for (a = (uint64_t)ps.mark + 1; a <= top &&
		    !stopping(p->owner); a += (uint64_t)p->im->search_window) {
			uint64_t	b = a + (uint64_t)p->im->search_window - 1;

			if (sync_window(p, &ps, first, (uint32_t)a,
			    (uint32_t)(b < top ? b : top)) == -1)
				return -1;
		}
	}
	end_tries(&p->stuck[index]);
	if (ps.unread > 0)
		mg_log("imap: \"%s\": %lu message(s) not read (the server's "
		    "answer left them out or could not be read): UID %s; asked "
		    "for again next time", folder, ps.unread, ps.list);
	/* An empty first pass still records the UIDVALIDITY. */
	if (first && ps.mark == 0 && mg_ledger_set_imap_state(p->app->ledger,
	    folder, ps.validity, 0, time(NULL), p->err, sizeof(p->err)) == -1)
		return -1;
	return 0;
}

/*
 * The states.
 */

static enum step	st_sync(struct poller *);
static enum step	st_wait(struct poller *);
static enum step	st_logout(struct poller *);

static enum step
st_connect(struct poller *p)
{
	if (session_open(&p->s, p->im, p->owner, &p->has_idle, p->err,
	    sizeof(p->err)) == -1)
		return STEP_RETRY;
	p->connected = 1;
	if (p->retries > 0)
		mg_log("imap: connected to %s again", p->im->ep.host);
	else if (!p->once)
		mg_log("imap: connected to %s as %s; %s", p->im->ep.host,
		    p->im->ep.user, p->has_idle ? "waiting for new mail with IDLE" :
		    "the server has no IDLE: polling");
	p->retries = 0;
	enter(p, st_sync, "sync");
	return STEP_NEXT;
}

static enum step
st_sync(struct poller *p)
{
	const struct mg_imap_settings *im = p->im;

	for (size_t i = 0; i < im->folders.n; i++)
		if (sync_folder(p, im->folders.v[i], i, 0) == -1)
			return STEP_RETRY;
	if (im->sent_folder != NULL && sync_folder(p, im->sent_folder,
	    im->folders.n, 1) == -1)
		return STEP_RETRY;
	if (p->once)
		enter(p, st_logout, "logout");
	else
		enter(p, st_wait, "wait");
	return STEP_NEXT;
}

/* Waits for input on fd (or the stop pipe) for at most ms; 1 when fd is
 * readable, 0 on timeout, 2 on stop, -1 on error. */
static int
wait_readable(struct poller *p, int fd, long ms)
{
	struct pollfd	pfd[2];
	nfds_t		n = 0;
	int		r;

	if (fd != -1)
		pfd[n++] = (struct pollfd){ fd, POLLIN, 0 };
	if (p->owner != NULL)
		pfd[n++] = (struct pollfd){ p->owner->wake[0], POLLIN, 0 };
	while ((r = poll(pfd, n, ms > INT32_MAX ? INT32_MAX : (int)ms)) == -1)
		if (errno != EINTR)
			return -1;
	if (stopping(p->owner))
		return 2;
	if (r == 0)
		return 0;
	return 1;
}

/* The time to wait before the next pass over every folder. */
static long
wait_ms(const struct poller *p)
{
	const struct mg_imap_settings *im = p->im;
	long	s = im->poll_seconds;

	if (p->has_idle) {
		/* IDLE watches the first folder only; the others are read
		 * every poll_seconds. */
		s = im->idle_seconds;
		if ((im->folders.n > 1 || im->sent_folder != NULL) &&
		    im->poll_seconds < s)
			s = im->poll_seconds;
	}
	return s * 1000;
}

static enum step
st_idle(struct poller *p)
{
	const char	*folder = p->im->folders.v[0];
	char		 said[256];
	int		 r, w = 1;

	if ((r = mailimap_examine(cmd(&p->s, "EXAMINE"), folder)) !=
	    MAILIMAP_NO_ERROR) {
		if (!is_stream_error(r) && p->s.guard.refused == MG_STREAM_OK) {
			mg_log("imap: cannot open \"%s\" for IDLE: %s; polling",
			    folder, server_said(&p->s, said, sizeof(said)));
			p->has_idle = 0;
			return STEP_NEXT;
		}
		failed(&p->s, r, "EXAMINE", p->err, sizeof(p->err));
		return STEP_RETRY;
	}
	if ((r = mailimap_idle(cmd(&p->s, "IDLE"))) != MAILIMAP_NO_ERROR) {
		if (stopping(p->owner))
			return STEP_STOP;
		failed(&p->s, r, "IDLE", p->err, sizeof(p->err));
		return STEP_RETRY;
	}
	/* Bytes libetpan has read already would never make the socket
	 * readable again. */
	if (p->s.imap->imap_stream->read_buffer_len == 0)
		w = wait_readable(p, mailimap_idle_get_fd(p->s.imap),
		    wait_ms(p));
	if (w == -1) {
		mg_seterr(p->err, sizeof(p->err), "poll: %s", strerror(errno));
		return STEP_RETRY;
	}
	if (w == 2)
		return STEP_STOP;	/* the connection is shut down */
	if ((r = mailimap_idle_done(cmd(&p->s, "DONE (the end of IDLE)"))) !=
	    MAILIMAP_NO_ERROR) {
		if (stopping(p->owner))
			return STEP_STOP;
		failed(&p->s, r, "the end of IDLE", p->err, sizeof(p->err));
		return STEP_RETRY;
	}
	enter(p, st_sync, "sync");
	return STEP_NEXT;
}

static enum step
st_wait(struct poller *p)
{
	if (p->has_idle) {
		enum step	s = st_idle(p);

		if (s != STEP_NEXT || p->state != st_wait)
			return s;
	}
	switch (wait_readable(p, -1, wait_ms(p))) {
	case 2:
		enter(p, st_logout, "logout");
		return STEP_NEXT;
	case -1:
		mg_seterr(p->err, sizeof(p->err), "poll: %s", strerror(errno));
		return STEP_RETRY;
	default:
		enter(p, st_sync, "sync");
		return STEP_NEXT;
	}
}

static enum step
st_logout(struct poller *p)
{
	session_close(&p->s);
	p->connected = 0;
	return STEP_STOP;
}

/* Sleeps the back-off; 1 when told to stop meanwhile. */
static int
back_off(struct poller *p)
{
	long	delay = 1;

	for (int i = 1; i < p->retries && delay < p->im->max_backoff; i++)
		delay *= 2;
	if (delay > p->im->max_backoff)
		delay = p->im->max_backoff;
	mg_log("imap: %s (while %s); trying again in %ld s", p->err,
	    p->connected ? p->state_name : "connecting", delay);
	return wait_readable(p, -1, delay * 1000) == 2;
}

static int
run(struct poller *p)
{
	enter(p, st_connect, "connect");
	for (;;) {
		if (stopping(p->owner)) {
			session_drop(&p->s);
			return 0;
		}
		switch (p->state(p)) {
		case STEP_NEXT:
			break;
		case STEP_STOP:
			session_drop(&p->s);
			return 0;
		case STEP_RETRY:
			session_drop(&p->s);
			if (p->once)
				return -1;
			if (stopping(p->owner))
				return 0;
			p->retries++;
			if (back_off(p))
				return 0;
			p->connected = 0;
			enter(p, st_connect, "connect");
			break;
		}
	}
}

int
mg_poll_once(struct mg_app *app, struct mg_poll_stats *st, char *err,
    size_t errlen)
{
	struct poller	p;
	int		rc;

	memset(&p, 0, sizeof(p));
	p.app = app;
	p.im = &app->cfg.imap;
	p.once = 1;
	if (p.im->ep.host == NULL) {
		mg_seterr(err, errlen, "%s: no \"imap\" group: say which "
		    "mailbox to read (see matchguard.conf(5))", app->cfg.path);
		return -1;
	}
	if ((p.stuck = calloc(p.im->folders.n + 1, sizeof(*p.stuck))) == NULL) {
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	rc = run(&p);
	if (rc == -1)
		mg_seterr(err, errlen, "%s", p.err);
	*st = p.stats;
	free(p.stuck);
	return rc;
}

static void
poller_free(struct mg_poller *mp)
{
	close(mp->wake[0]);
	close(mp->wake[1]);
	pthread_mutex_destroy(&mp->lock);
	pthread_cond_destroy(&mp->done_cv);
	mg_app_close(&mp->app);
	free(mp->p.stuck);
	free(mp);
}

static void *
poller_thread(void *arg)
{
	struct mg_poller	*mp = arg;
	int			 abandoned;

	(void)run(&mp->p);
	pthread_mutex_lock(&mp->lock);
	mp->done = 1;
	abandoned = mp->abandoned;
	pthread_cond_signal(&mp->done_cv);
	pthread_mutex_unlock(&mp->lock);
	if (abandoned)
		poller_free(mp);	/* mg_poller_stop() no longer waits */
	return NULL;
}

int
mg_poller_start(const char *conf, struct mg_poller **out, char *err,
    size_t errlen)
{
	struct mg_poller	*mp;

	*out = NULL;
	if ((mp = calloc(1, sizeof(*mp))) == NULL) {
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	mp->fd = -1;
	mp->wake[0] = mp->wake[1] = -1;
	if (mg_app_open(&mp->app, conf, MG_LEDGER_RW, err, errlen) == -1) {
		free(mp);
		return -1;
	}
	if (mp->app.cfg.imap.ep.host == NULL) {
		mg_app_close(&mp->app);
		free(mp);
		return 0;	/* no imap group: no poller */
	}
	if (pipe2(mp->wake, O_CLOEXEC | O_NONBLOCK) == -1) {
		mg_seterr(err, errlen, "pipe: %s", strerror(errno));
		mg_app_close(&mp->app);
		free(mp);
		return -1;
	}
	pthread_mutex_init(&mp->lock, NULL);
	pthread_cond_init(&mp->done_cv, NULL);
	mp->p.app = &mp->app;
	mp->p.im = &mp->app.cfg.imap;
	mp->p.owner = mp;
	if ((mp->p.stuck = calloc(mp->p.im->folders.n + 1,
	    sizeof(*mp->p.stuck))) == NULL) {
		mg_seterr(err, errlen, "out of memory");
		poller_free(mp);
		return -1;
	}
	if (pthread_create(&mp->thread, NULL, poller_thread, mp) != 0) {
		mg_seterr(err, errlen, "cannot start the IMAP poller thread");
		poller_free(mp);
		return -1;
	}
	*out = mp;
	return 0;
}

void
mg_poller_stop(struct mg_poller **pp)
{
	struct mg_poller	*mp;
	struct timespec		 until;
	char			 c = 's';

	if (pp == NULL || (mp = *pp) == NULL)
		return;
	atomic_store(&mp->stopping, 1);
	if (write(mp->wake[1], &c, 1) == -1) {
		/* full: a byte is there already */
	}
	*pp = NULL;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += MG_IMAP_STOP_WAIT;
	pthread_mutex_lock(&mp->lock);
	if (mp->fd != -1)
		(void)shutdown(mp->fd, SHUT_RDWR);	/* ends a blocked read */
	while (!mp->done)
		if (pthread_cond_timedwait(&mp->done_cv, &mp->lock,
		    &until) == ETIMEDOUT)
			break;
	if (!mp->done) {
		/* Stuck where no stop reaches (connecting, password_command):
		 * the thread frees everything when it ends, if it ends
		 * before the process. */
		mp->abandoned = 1;
		pthread_mutex_unlock(&mp->lock);
		pthread_detach(mp->thread);
		mg_log("imap: the poller did not stop within %d s; leaving it",
		    MG_IMAP_STOP_WAIT);
		return;
	}
	pthread_mutex_unlock(&mp->lock);
	pthread_join(mp->thread, NULL);
	poller_free(mp);
}

int
mg_imap_append(const struct mg_imap_settings *im, const char *folder,
    const char *data, size_t len, char *err, size_t errlen)
{
	struct session	s;
	char		said[MG_ERRLEN];
	int		r;

	if (session_open(&s, im, NULL, NULL, err, errlen) == -1)
		return -1;
	r = mailimap_append(cmd(&s, "APPEND"), folder, NULL, NULL, data, len);
	if (r != MAILIMAP_NO_ERROR) {
		if (mg_stream_guard_why(&s.guard, said, sizeof(said)) != NULL)
			mg_seterr(err, errlen, "%s", said);
		else
			mg_seterr(err, errlen, "%s refused to APPEND to \"%s\": "
			    "%s", im->ep.host, folder, is_stream_error(r) ?
			    "connection lost" : server_said(&s, said,
			    sizeof(said)));
		session_drop(&s);
		return -1;
	}
	session_close(&s);
	return 0;
}
