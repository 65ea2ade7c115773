/*
 * review_priv.h - between the review page's HTTP side (review_http.c:
 * the daemon, the checks of every request, the forms' fields) and its
 * pages (review_pages.c: what each shows, the actions).  Not installed.
 */
#ifndef MATCHGUARD_REVIEW_PRIV_H
#define MATCHGUARD_REVIEW_PRIV_H

#include <stddef.h>

#include "matchguard/buf.h"
#include "matchguard/guard.h"

/* The fields a form may send, and the most bytes each may have (the
 * whole body is bounded by review.max_upload as well). */
enum review_field {
	RF_CSRF,
	RF_TEXT,	/* the edited letter, a pasted draft */
	RF_TO,		/* a draft's recipient */
	RF_SUBJECT,	/* a draft's subject */
	RF_EML,		/* an uploaded .eml */
	RF_COUNT
};

struct review_form {
	struct mg_buf	f[RF_COUNT];
};

/* One answer: status, body (a page, or the CSS) and its type. */
struct review_answer {
	unsigned	 status;
	struct mg_buf	 body;
	const char	*type;		/* "text/html; charset=utf-8" */
};

struct review_ctx {
	struct mg_guard	*g;
	const char	*token;
	const char	*base;		/* "/TOKEN" */
	size_t		 max_upload;
};

/*
 * Fills a for the request of method ("GET" or "POST") to path (after
 * the token: "/", "/letter/ID", ...); form holds a POST's fields, whose
 * CSRF value review_http.c has checked already.
 */
void	review_route(const struct review_ctx *c, const char *method,
	    const char *path, const struct review_form *form,
	    struct review_answer *a);

/* s escaped for HTML text and attribute values. */
void	review_esc(struct mg_buf *b, const char *s);
void	review_esc_n(struct mg_buf *b, const char *s, size_t n);

/* The stylesheet (served at /TOKEN/style.css). */
extern const char review_css[];

#endif
