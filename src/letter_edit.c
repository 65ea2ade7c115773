/*
 * letter_edit.c - the decoded text of a letter, and the letter with a
 * new text in its plain and HTML versions (letter_edit.h).
 */
#include "config_auto.h"

#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "matchguard/buf.h"
#include "matchguard/letter_edit.h"
#include "matchguard/message.h"
#include "matchguard/util.h"

/* The parts found in one walk of the message. */
struct found {
	GMimeObject	*plain;		/* first inline text/plain */
	GMimeObject	*plain_alt;	/* its multipart/alternative */
	GMimeObject	*html;		/* first inline text/html */
};

/* A text part a reader sees in the letter: not an attachment, and not a
 * named file unless it says inline (as message.c reads it). */
static int
inline_text(GMimeObject *obj, const char *subtype)
{
	GMimeContentDisposition	*cd;
	GMimeContentType	*ct;
	const char		*name;

	if (!GMIME_IS_TEXT_PART(obj) ||
	    (ct = g_mime_object_get_content_type(obj)) == NULL ||
	    !g_mime_content_type_is_type(ct, "text", subtype))
		return 0;
	cd = g_mime_object_get_content_disposition(obj);
	if (cd != NULL)
		return !g_mime_content_disposition_is_attachment(cd);
	name = g_mime_part_get_filename(GMIME_PART(obj));
	return name == NULL || *name == '\0';
}

static int
is_alternative(GMimeObject *obj)
{
	GMimeContentType	*ct = g_mime_object_get_content_type(obj);

	return ct != NULL && g_mime_content_type_is_type(ct, "multipart",
	    "alternative");
}

/* Walks obj (not into attached messages), at most MG_MSG_MAX_DEPTH. */
static void
walk(GMimeObject *obj, GMimeObject *alt, int depth, struct found *f)
{
	if (obj == NULL || depth > MG_MSG_MAX_DEPTH)
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart	*mp = GMIME_MULTIPART(obj);
		int		 n = g_mime_multipart_get_count(mp);

		if (is_alternative(obj))
			alt = obj;
		for (int i = 0; i < n && i < MG_MSG_MAX_PARTS; i++)
			walk(g_mime_multipart_get_part(mp, i), alt, depth + 1, f);
		return;
	}
	if (f->plain == NULL && inline_text(obj, "plain")) {
		f->plain = obj;
		f->plain_alt = alt;
	} else if (f->html == NULL && inline_text(obj, "html"))
		f->html = obj;
}

static GMimeMessage *
parse(const char *data, size_t len, char *err, size_t errlen)
{
	GMimeStream	*s;
	GMimeParser	*p;
	GMimeMessage	*m;

	if (data == NULL || len == 0 || len > MG_MSG_MAX_SIZE) {
		mg_seterr(err, errlen, "not a mail message: %s", len == 0 ?
		    "empty input" : "too large");
		return NULL;
	}
	s = g_mime_stream_mem_new_with_buffer(data, len);
	p = g_mime_parser_new_with_stream(s);
	g_object_unref(s);
	m = g_mime_parser_construct_message(p, NULL);
	g_object_unref(p);
	if (m == NULL || g_mime_message_get_mime_part(m) == NULL) {
		if (m != NULL)
			g_object_unref(m);
		mg_seterr(err, errlen, "not a mail message");
		return NULL;
	}
	return m;
}

/* s with CR LF and lone CR as LF; new memory. */
static char *
to_lf(const char *s, size_t len)
{
	char	*o = malloc(len + 1), *p = o;

	if (o == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\r') {
			*p++ = '\n';
			if (i + 1 < len && s[i + 1] == '\n')
				i++;
		} else
			*p++ = s[i];
	}
	*p = '\0';
	return o;
}

/* s (LF line ends) with CR LF; new memory of *outlen bytes. */
static char *
to_crlf(const char *s, size_t *outlen)
{
	size_t	 n = 0, len = strlen(s);
	char	*o, *p;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	if ((o = p = malloc(len + n + 1)) == NULL)
		return NULL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			*p++ = '\r';
		*p++ = s[i];
	}
	*p = '\0';
	*outlen = (size_t)(p - o);
	return o;
}

static char *
part_text(GMimeObject *obj)
{
	char	*t = g_mime_text_part_get_text(GMIME_TEXT_PART(obj));
	char	*r;

	if (t == NULL)
		return strdup("");
	r = to_lf(t, strlen(t));
	g_free(t);
	return r;
}

int
mg_letter_edit_text(const char *data, size_t len, char **text, char *err,
    size_t errlen)
{
	struct found	 f = { 0 };
	GMimeMessage	*m;
	char		*t;

	*text = NULL;
	if ((m = parse(data, len, err, errlen)) == NULL)
		return -1;
	walk(g_mime_message_get_mime_part(m), NULL, 0, &f);
	if (f.plain != NULL)
		*text = part_text(f.plain);
	else if (f.html != NULL && (t = part_text(f.html)) != NULL) {
		*text = mg_html_to_text(t, strlen(t));
		free(t);
	} else {
		g_object_unref(m);
		mg_seterr(err, errlen, "this letter has no text to edit");
		return -1;
	}
	g_object_unref(m);
	if (*text == NULL) {
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

char *
mg_letter_edit_html(const char *text)
{
	struct mg_buf	 b = { 0 };
	int		 in_p = 0;

	mg_buf_puts(&b, "<html><head><meta http-equiv=\"Content-Type\" "
	    "content=\"text/html; charset=utf-8\"></head><body>\n");
	for (const char *s = text; *s != '\0';) {
		size_t	 n = strcspn(s, "\n");
		int	 blank = strspn(s, " \t") == n;

		if (blank) {
			if (in_p)
				mg_buf_puts(&b, "</p>\n");
			in_p = 0;
		} else {
			mg_buf_puts(&b, in_p ? "<br>\n" : "<p>");
			in_p = 1;
			for (size_t i = 0; i < n; i++) {
				switch (s[i]) {
				case '&': mg_buf_puts(&b, "&amp;"); break;
				case '<': mg_buf_puts(&b, "&lt;"); break;
				case '>': mg_buf_puts(&b, "&gt;"); break;
				case '"': mg_buf_puts(&b, "&quot;"); break;
				default: mg_buf_add(&b, s + i, 1); break;
				}
			}
		}
		s += n;
		if (*s == '\n')
			s++;
	}
	if (in_p)
		mg_buf_puts(&b, "</p>\n");
	mg_buf_puts(&b, "</body></html>\n");
	if (b.failed) {
		mg_buf_free(&b);
		return NULL;
	}
	return b.s;
}

/* Puts text in part obj as a fresh text/SUBTYPE; charset=utf-8 (or
 * us-ascii) and the best transfer encoding for 7-bit transport. */
static void
set_part(GMimeObject *obj, const char *subtype, const char *text)
{
	GMimeContentType	*ct = g_mime_content_type_new("text", subtype);
	GMimePart		*p = GMIME_PART(obj);

	g_mime_object_set_content_type(obj, ct);
	g_object_unref(ct);
	g_mime_text_part_set_text(GMIME_TEXT_PART(obj), text);
	g_mime_part_set_content_encoding(p,
	    g_mime_part_get_best_content_encoding(p,
	    GMIME_ENCODING_CONSTRAINT_7BIT));
}

/* Every inline text/html part under obj gets html. */
static void
set_html_under(GMimeObject *obj, const char *html, int depth)
{
	if (obj == NULL || depth > MG_MSG_MAX_DEPTH)
		return;
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart	*mp = GMIME_MULTIPART(obj);
		int		 n = g_mime_multipart_get_count(mp);

		for (int i = 0; i < n && i < MG_MSG_MAX_PARTS; i++)
			set_html_under(g_mime_multipart_get_part(mp, i), html,
			    depth + 1);
	} else if (inline_text(obj, "html"))
		set_part(obj, "html", html);
}

static int
check_text(const char *text, size_t textlen, char *err, size_t errlen)
{
	if (textlen > MG_EDIT_MAX_TEXT) {
		mg_seterr(err, errlen, "the new text is longer than %u bytes",
		    MG_EDIT_MAX_TEXT);
		return -1;
	}
	if (!g_utf8_validate(text, (gssize)textlen, NULL)) {
		mg_seterr(err, errlen, "the new text is not UTF-8 (or holds "
		    "a NUL byte)");
		return -1;
	}
	return 0;
}

/* The message as bytes, with the line ends of the original. */
static int
serialize(GMimeMessage *m, int crlf, char **out, size_t *outlen)
{
	char	*s = g_mime_object_to_string(GMIME_OBJECT(m), NULL);
	char	*lf;

	if (s == NULL)
		return -1;
	lf = to_lf(s, strlen(s));
	g_free(s);
	if (lf == NULL)
		return -1;
	if (!crlf) {
		*out = lf;
		*outlen = strlen(lf);
		return 0;
	}
	*out = to_crlf(lf, outlen);
	free(lf);
	return *out == NULL ? -1 : 0;
}

int
mg_letter_edit_replace(const char *data, size_t len, const char *text,
    size_t textlen, char **out, size_t *outlen, char *err, size_t errlen)
{
	struct found	 f = { 0 };
	GMimeMessage	*m;
	char		*t = NULL, *html = NULL;
	int		 rc = -1;

	*out = NULL;
	*outlen = 0;
	if (check_text(text, textlen, err, errlen) == -1 ||
	    (m = parse(data, len, err, errlen)) == NULL)
		return -1;
	walk(g_mime_message_get_mime_part(m), NULL, 0, &f);
	if (f.plain == NULL && f.html == NULL) {
		mg_seterr(err, errlen, "this letter has no text to edit");
		goto out;
	}
	if ((t = to_lf(text, textlen)) == NULL ||
	    (html = mg_letter_edit_html(t)) == NULL) {
		mg_seterr(err, errlen, "out of memory");
		goto out;
	}
	if (f.plain != NULL) {
		set_part(f.plain, "plain", t);
		if (f.plain_alt != NULL)
			set_html_under(f.plain_alt, html, 0);
	} else
		set_part(f.html, "html", html);
	if (g_mime_object_get_header(GMIME_OBJECT(m), "MIME-Version") == NULL)
		g_mime_object_set_header(GMIME_OBJECT(m), "MIME-Version", "1.0",
		    NULL);
	if (serialize(m, memmem(data, len, "\r\n", 2) != NULL, out,
	    outlen) == -1) {
		mg_seterr(err, errlen, "out of memory");
		goto out;
	}
	rc = 0;
out:
	free(html);
	free(t);
	g_object_unref(m);
	return rc;
}
