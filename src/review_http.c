/*
 * review_http.c - the review page's HTTP side (review.h): the
 * libmicrohttpd daemon, its bounds, and the checks every request passes
 * before a page sees it (loopback peer, Host, token, method, Origin and
 * Sec-Fetch-Site, CSRF value, body size).  The pages are in
 * review_pages.c.
 */
#include "config_auto.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "matchguard/log.h"
#include "matchguard/peercred.h"
#include "matchguard/review.h"
#include "matchguard/review_token.h"
#include "matchguard/util.h"
#include "review_priv.h"

/* Header memory of one connection (MHD's own buffer). */
#define REVIEW_CONN_MEMORY	(64 * 1024)
#define REVIEW_POST_BUFFER	(16 * 1024)

static const char *const field_names[RF_COUNT] = {
	[RF_CSRF] = "csrf", [RF_TEXT] = "text", [RF_TO] = "to",
	[RF_SUBJECT] = "subject", [RF_EML] = "eml",
};

struct mg_review {
	struct MHD_Daemon	*d;
	struct mg_guard		*g;
	char			*token;
	char			 base[64];	/* "/TOKEN" */
	char			 host[2][80];	/* accepted Host values */
	char			 origin[2][96];	/* accepted Origin values */
	size_t			 max_upload;
};

/* One request's state across MHD's calls. */
struct request {
	struct MHD_PostProcessor	*pp;
	struct review_form		 form;
	size_t				 got;	/* bytes of body */
	int				 bad;	/* a field too long */
};

/* Lines of the review page's log a minute: whoever can connect (any
 * user of this computer, any page in a browser) can make MHD say
 * something about each connection, and must not fill serve's log. */
#define REVIEW_LOG_PER_MINUTE	20

/* 1 when one more line may be logged this minute; the first one past the
 * limit says that the others are left out. */
static int
log_allowed(void)
{
	static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
	static time_t		 minute;
	static unsigned		 lines;
	time_t			 now = time(NULL) / 60;
	unsigned		 n;

	pthread_mutex_lock(&lock);
	if (now != minute) {
		minute = now;
		lines = 0;
	}
	if (lines <= REVIEW_LOG_PER_MINUTE)
		lines++;
	n = lines;
	pthread_mutex_unlock(&lock);
	if (n == REVIEW_LOG_PER_MINUTE + 1) {
		mg_log("review page: more than %d messages this minute; the "
		    "others of this minute are left out", REVIEW_LOG_PER_MINUTE);
		pthread_mutex_lock(&lock);
		if (minute == now)
			lines++;
		pthread_mutex_unlock(&lock);
	}
	return n <= REVIEW_LOG_PER_MINUTE;
}

static void
form_clear(struct review_form *f)
{
	for (size_t i = 0; i < RF_COUNT; i++)
		mg_buf_free(&f->f[i]);
}

static void
request_free(struct request *rq)
{
	if (rq == NULL)
		return;
	if (rq->pp != NULL)
		MHD_destroy_post_processor(rq->pp);
	form_clear(&rq->form);
	free(rq);
}

static void
completed(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)conn;
	(void)toe;
	request_free(*con_cls);
	*con_cls = NULL;
}

static enum MHD_Result
on_field(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *content_type,
    const char *transfer_encoding, const char *data, uint64_t off,
    size_t size)
{
	struct request	*rq = cls;

	(void)kind;
	(void)filename;
	(void)content_type;
	(void)transfer_encoding;
	(void)off;
	for (size_t i = 0; i < RF_COUNT; i++)
		if (key != NULL && strcmp(key, field_names[i]) == 0) {
			mg_buf_add(&rq->form.f[i], data, size);
			if (rq->form.f[i].failed)
				rq->bad = 1;
			return rq->bad ? MHD_NO : MHD_YES;
		}
	return MHD_YES;		/* an unknown field is ignored */
}

/* The security headers of every answer. */
static void
add_headers(struct MHD_Response *r, const char *type)
{
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Content-Security-Policy",
	    "default-src 'none'; style-src 'self'; img-src 'self'; "
	    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	MHD_add_response_header(r, "X-Frame-Options", "DENY");
	MHD_add_response_header(r, "Cross-Origin-Resource-Policy",
	    "same-origin");
}

static enum MHD_Result
answer(struct MHD_Connection *conn, unsigned status, const char *type,
    const char *body, size_t len)
{
	struct MHD_Response	*r;
	enum MHD_Result		 rc;

	r = MHD_create_response_from_buffer(len, (void *)(uintptr_t)body,
	    MHD_RESPMEM_MUST_COPY);
	if (r == NULL)
		return MHD_NO;
	add_headers(r, type);
	rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return rc;
}

static enum MHD_Result
refuse(struct MHD_Connection *conn, unsigned status, const char *why)
{
	char	page[512];
	int	n = snprintf(page, sizeof(page), "<!DOCTYPE html><html><head>"
	    "<meta charset=\"utf-8\"><title>matchguard</title></head><body>"
	    "<p>%s</p></body></html>\n", why);

	return answer(conn, status, "text/html; charset=utf-8", page,
	    (size_t)n);
}

/* The path after the token, or NULL when url does not start with it. */
static const char *
after_token(const struct mg_review *rv, const char *url)
{
	size_t	n;

	if (url[0] != '/')
		return NULL;
	n = strcspn(url + 1, "/");
	if (!mg_review_token_equal(url + 1, n, rv->token))
		return NULL;
	return url[1 + n] == '\0' ? "/" : url + 1 + n;
}

/* A POST from the page itself, when the browser says where it comes
 * from: Sec-Fetch-Site same-origin, an Origin of the page's own (or
 * "null": with Referrer-Policy no-referrer, Chromium sends that for the
 * page's own forms).  Whatever they say, the form's CSRF value is
 * required as well (handle()). */
static const char *
cross_site(const struct mg_review *rv, struct MHD_Connection *conn)
{
	const char	*site = MHD_lookup_connection_value(conn,
	    MHD_HEADER_KIND, "Sec-Fetch-Site");
	const char	*origin = MHD_lookup_connection_value(conn,
	    MHD_HEADER_KIND, "Origin");

	if (site != NULL && strcmp(site, "same-origin") != 0)
		return "a form of another site";
	if (origin != NULL && strcmp(origin, "null") != 0 &&
	    strcmp(origin, rv->origin[0]) != 0 &&
	    strcmp(origin, rv->origin[1]) != 0)
		return "a form of another site";
	return NULL;
}

static enum MHD_Result
first_call(struct mg_review *rv, struct MHD_Connection *conn,
    const char *method, const char *path, void **con_cls)
{
	const char	*len = MHD_lookup_connection_value(conn,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	struct request	*rq;

	if (strcmp(method, "POST") != 0)
		return MHD_YES;
	if (cross_site(rv, conn) != NULL)
		return refuse(conn, MHD_HTTP_FORBIDDEN, "This page takes "
		    "forms from itself only.");
	if (len != NULL && strtoull(len, NULL, 10) > rv->max_upload)
		return refuse(conn, MHD_HTTP_CONTENT_TOO_LARGE, "That is more "
		    "than review.max_upload bytes.");
	(void)path;
	if ((rq = calloc(1, sizeof(*rq))) == NULL)
		return MHD_NO;
	if ((rq->pp = MHD_create_post_processor(conn, REVIEW_POST_BUFFER,
	    on_field, rq)) == NULL) {
		free(rq);
		return refuse(conn, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "This "
		    "form's encoding is not one a browser sends.");
	}
	*con_cls = rq;
	return MHD_YES;
}

static enum MHD_Result
run_page(struct mg_review *rv, struct MHD_Connection *conn,
    const char *method, const char *path, const struct review_form *form)
{
	struct review_ctx	c = { rv->g, rv->token, rv->base,
	    rv->max_upload };
	struct review_answer	a = { 0 };
	enum MHD_Result		rc;

	review_route(&c, method, path, form, &a);
	if (a.body.failed || a.body.s == NULL) {
		mg_buf_free(&a.body);
		return refuse(conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "Out of "
		    "memory.");
	}
	rc = answer(conn, a.status, a.type, a.body.s, a.body.len);
	mg_buf_free(&a.body);
	return rc;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct mg_review	*rv = cls;
	struct request		*rq = *con_cls;
	static const struct review_form none;
	const char		*host, *path;

	(void)version;
	if (rq == NULL) {
		host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_HOST);
		if (host == NULL || (strcmp(host, rv->host[0]) != 0 &&
		    strcmp(host, rv->host[1]) != 0))
			return refuse(conn, MHD_HTTP_FORBIDDEN, "This page "
			    "answers to its own address only.");
		if ((path = after_token(rv, url)) == NULL)
			return refuse(conn, MHD_HTTP_NOT_FOUND, "Not found.  "
			    "Open the address that <code>matchguard "
			    "review-url</code> prints.");
		if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 &&
		    strcmp(method, "POST") != 0)
			return refuse(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
			    "Not allowed.");
		if (strcmp(method, "POST") != 0)
			return run_page(rv, conn, "GET", path, &none);
		return first_call(rv, conn, method, path, con_cls);
	}
	path = after_token(rv, url);
	if (*upload_data_size > 0) {
		rq->got += *upload_data_size;
		if (rq->got > rv->max_upload || path == NULL ||
		    MHD_post_process(rq->pp, upload_data,
		    *upload_data_size) != MHD_YES || rq->bad) {
			if (log_allowed())
				mg_log("review page: a request body over %zu bytes, or "
				    "one that cannot be read: connection closed",
				    rv->max_upload);
			return MHD_NO;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (path == NULL)
		return MHD_NO;
	if (!mg_review_csrf_ok(rv->token, path, rq->form.f[RF_CSRF].s))
		return refuse(conn, MHD_HTTP_FORBIDDEN, "This form is out of "
		    "date or comes from another site: open the page again "
		    "and repeat what you did.");
	return run_page(rv, conn, "POST", path, &rq->form);
}

/* Only this computer may connect. */
static enum MHD_Result
accept_peer(void *cls, const struct sockaddr *sa, socklen_t len)
{
	(void)cls;
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in))
		return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr)
		    >> 24) == 127 ? MHD_YES : MHD_NO;
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6))
		return IN6_IS_ADDR_LOOPBACK(
		    &((const struct sockaddr_in6 *)sa)->sin6_addr) ? MHD_YES :
		    MHD_NO;
	return MHD_NO;
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char	line[512];
	size_t	n;

	(void)cls;
	if (!log_allowed())
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	n = strlen(line);
	while (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	mg_log("review page: %s", line);
}

void
mg_review_url(const struct mg_config *cfg, const char *token, char *url,
    size_t urllen)
{
	const char	*h = cfg->review.listen;
	int		 v6 = strchr(h, ':') != NULL;

	snprintf(url, urllen, "http://%s%s%s:%d/%s/", v6 ? "[" : "", h,
	    v6 ? "]" : "", cfg->review.port, token);
}

/* The uid of another user's listening TCP socket on port in the kernel's
 * table text (/proc/net/tcp or tcp6), or -1 when there is none. */
static long
other_listener(const char *text, int port)
{
	for (const char *p = text; p != NULL && *p != '\0'; ) {
		unsigned	lport, st;
		unsigned long	uid;
		const char	*nl = strchr(p, '\n');

		/* "sl: laddr:lport raddr:rport st queues timer retr uid" */
		if (sscanf(p, " %*[0-9]: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x "
		    "%*x:%*x %*x:%*x %*x %lu", &lport, &st, &uid) == 3 &&
		    (int)lport == port && st == 0x0A && uid != geteuid())
			return (long)uid;
		p = nl != NULL ? nl + 1 : NULL;
	}
	return -1;
}

int
mg_review_port_check(const struct mg_config *cfg, char *err, size_t errlen)
{
	static const char *const tables[] = { "/proc/net/tcp",
	    "/proc/net/tcp6" };
	char	why[MG_ERRLEN], *text;
	long	uid = -1;

	for (size_t i = 0; i < 2 && uid == -1; i++) {
		if (mg_read_file(tables[i], 16 * 1024 * 1024, &text, NULL, why,
		    sizeof(why)) == -1)
			continue;	/* not Linux: nothing to look at */
		uid = other_listener(text, cfg->review.port);
		free(text);
	}
	if (uid == -1)
		return 0;
	mg_seterr(err, errlen, "review.port %d on %s is held by another user "
	    "of this computer (uid %ld), not by matchguard serve: the address "
	    "is not printed, as that user would learn the token (stop that "
	    "program, or set review.port)", cfg->review.port,
	    cfg->review.listen, uid);
	return -1;
}

static void
accepted_names(struct mg_review *rv, const struct mg_config *cfg)
{
	const char	*h = cfg->review.listen;
	int		 v6 = strchr(h, ':') != NULL;

	snprintf(rv->host[0], sizeof(rv->host[0]), "%s%s%s:%d", v6 ? "[" : "",
	    h, v6 ? "]" : "", cfg->review.port);
	snprintf(rv->host[1], sizeof(rv->host[1]), "localhost:%d",
	    cfg->review.port);
	for (size_t i = 0; i < 2; i++)
		snprintf(rv->origin[i], sizeof(rv->origin[i]), "http://%s",
		    rv->host[i]);
}

static struct MHD_Daemon *
start_daemon(struct mg_review *rv, const struct mg_review_settings *s,
    char *err, size_t errlen)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)&ss;
	/* MHD_USE_AUTO: poll or epoll, not select, so that a connection
	 * on a descriptor past FD_SETSIZE (serve busy with many SMTP
	 * clients) is still served. */
	unsigned		 flags = MHD_USE_AUTO_INTERNAL_THREAD |
	    MHD_USE_ERROR_LOG;
	struct MHD_Daemon	*d;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, s->listen, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)s->port);
	} else if (inet_pton(AF_INET6, s->listen, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)s->port);
		flags |= MHD_USE_IPv6;
	} else {
		mg_seterr(err, errlen, "review.listen: \"%s\" is not an "
		    "address", s->listen);
		return NULL;
	}
	/* The logger first: MHD prints to stderr itself what comes before. */
	d = MHD_start_daemon(flags, (uint16_t)s->port, accept_peer, NULL,
	    handle, rv,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, rv,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)s->max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)s->max_connections,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)s->timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)REVIEW_CONN_MEMORY,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, rv,
	    MHD_OPTION_END);
	if (d == NULL)
		mg_seterr(err, errlen, "the review page cannot listen on "
		    "%s port %d (is another program using it? set review.port)",
		    s->listen, s->port);
	return d;
}

int
mg_review_start(const char *conf, struct mg_review **out, char *url,
    size_t urllen, char *err, size_t errlen)
{
	struct mg_review	*rv;
	int			 created;

	*out = NULL;
	if ((rv = calloc(1, sizeof(*rv))) == NULL) {
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	if ((rv->g = mg_guard_new(conf, 1, err, errlen)) == NULL) {
		free(rv);
		return -1;
	}
	if (!rv->g->app.cfg.review.enabled) {
		mg_review_stop(&rv);
		return 0;
	}
	if (mg_review_token_load(rv->g->app.cfg.state_dir, &rv->token,
	    &created, err, errlen) == -1) {
		mg_review_stop(&rv);
		return -1;
	}
	snprintf(rv->base, sizeof(rv->base), "/%s", rv->token);
	rv->max_upload = (size_t)rv->g->app.cfg.review.max_upload;
	accepted_names(rv, &rv->g->app.cfg);
	if ((rv->d = start_daemon(rv, &rv->g->app.cfg.review, err,
	    errlen)) == NULL) {
		mg_review_stop(&rv);
		return -1;
	}
	mg_review_url(&rv->g->app.cfg, rv->token, url, urllen);
	*out = rv;
	return 0;
}

void
mg_review_stop(struct mg_review **rp)
{
	struct mg_review	*rv = *rp;

	if (rv == NULL)
		return;
	if (rv->d != NULL)
		MHD_stop_daemon(rv->d);
	if (rv->g != NULL)
		mg_guard_unref(rv->g);
	mg_peercred_password_free(rv->token);
	free(rv);
	*rp = NULL;
}
