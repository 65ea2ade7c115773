/*
 * message.c - parse one e-mail with GMime into struct mg_message.
 *
 * GMime does the RFC 5322/2045/2047 work; this file only walks the result
 * with hard limits, reads every text part a reader sees (the body and the
 * other parts, each with a label), notes what it cannot read, records
 * attachments without keeping their data, and splits each text into new
 * text, quoted reply and signature.  Nothing of GMime escapes this file.
 *
 * Raw bytes and the hash: a leading mbox "From " line is not part of the
 * message and is left out of the hash, in a single message as in an mbox.
 * In an mbox the bytes of each message are read back from the file between
 * the parser's offsets (g_mime_parser_get_mbox_marker_offset() and
 * g_mime_parser_tell()), minus the "From " line and the one blank line the
 * mbox format puts before the next "From " line.  The hash is therefore
 * the same whether a message is parsed alone or found in an mbox.
 */
#include "config_auto.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "matchguard/buf.h"
#include "matchguard/message.h"
#include "matchguard/util.h"

/* Deepest <blockquote> that still gets its own "> "; bounds the output. */
#define HTML_MAX_QUOTE	16

/* The text being built is an mg_buf (buf.h); an empty piece allocates
 * nothing, so a buffer nothing went into still has s == NULL. */
static void
sb_putn(struct mg_buf *b, const char *s, size_t n)
{
	if (n > 0)
		mg_buf_add(b, s, n);
}

static void
sb_putc(struct mg_buf *b, char c)
{
	sb_putn(b, &c, 1);
}

static char
sb_last(const struct mg_buf *b)
{
	return b->len > 0 ? b->s[b->len - 1] : '\0';
}

static void
sb_rtrim(struct mg_buf *b)
{
	while (b->len > 0 && isspace((unsigned char)b->s[b->len - 1]))
		b->s[--b->len] = '\0';
}

/* Hands the string over (never NULL unless out of memory). */
static char *
sb_take(struct mg_buf *b)
{
	if (b->failed) {
		free(b->s);
		return NULL;
	}
	if (b->s == NULL)
		return strdup("");
	return b->s;
}

/* ---------------------------------------------------------------------
 * HTML to text.
 */

struct html {
	struct mg_buf	 out;
	const char	*end;
	int		 quote;		/* <blockquote> depth */
	int		 pre;		/* <pre> depth */
	int		 space;		/* whitespace seen, not yet written */
	int		 no_gt;		/* no '>' left in the input */
	int		 no_quoted_gt;	/* a quote-aware tag scan hit the end */
};

static const struct {
	const char	*name;
	const char	*utf8;
} html_entities[] = {
	{ "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" },
	{ "apos", "'" }, { "nbsp", " " }, { "copy", "\xc2\xa9" },
	{ "reg", "\xc2\xae" }, { "hellip", "\xe2\x80\xa6" },
	{ "ndash", "\xe2\x80\x93" }, { "mdash", "\xe2\x80\x94" },
	{ "lsquo", "\xe2\x80\x98" }, { "rsquo", "\xe2\x80\x99" },
	{ "ldquo", "\xe2\x80\x9c" }, { "rdquo", "\xe2\x80\x9d" },
	{ "euro", "\xe2\x82\xac" },
};

static const char *const html_line_tags[] = {
	"div", "tr", "li", "ul", "ol", "table", "hr", "dl", "dt", "dd",
	"section", "article", "header", "footer", "address", "center",
	"form", "fieldset", "nav", "aside", "figure", "main", "caption",
	"thead", "tbody", "tfoot", "pre", "blockquote",
};

/* Writes visible text, with the quote prefix at the start of a line. */
static void
html_emit(struct html *h, const char *s, size_t n)
{
	char	last = sb_last(&h->out);

	if (last == '\0' || last == '\n') {
		for (int i = 0; i < h->quote && i < HTML_MAX_QUOTE; i++)
			sb_putn(&h->out, "> ", 2);
	} else if (h->space)
		sb_putc(&h->out, ' ');
	h->space = 0;
	sb_putn(&h->out, s, n);
}

/* Ends the current line; want 2 asks for a blank line after it. */
static void
html_break(struct html *h, int want)
{
	size_t	nl = 0;

	h->space = 0;
	if (h->out.len == 0)
		return;
	while (nl < (size_t)want && nl < h->out.len &&
	    h->out.s[h->out.len - 1 - nl] == '\n')
		nl++;
	for (; nl < (size_t)want; nl++)
		sb_putc(&h->out, '\n');
}

static void
html_text_char(struct html *h, char c)
{
	if (c == '\0')
		return;
	if (h->pre) {
		if (c == '\n')
			sb_putc(&h->out, '\n');
		else if (c != '\r')
			html_emit(h, &c, 1);
		return;
	}
	if (isspace((unsigned char)c)) {
		h->space = 1;
		return;
	}
	html_emit(h, &c, 1);
}

/* Decodes the entity at p ('&'); returns the bytes used, 0 if none. */
static size_t
html_entity(struct html *h, const char *p)
{
	const char	*semi;
	char		 name[16], utf8[8];
	size_t		 n, avail = (size_t)(h->end - p);
	unsigned long	 cp;

	semi = memchr(p, ';', avail < 12 ? avail : 12);
	if (semi == NULL || (n = (size_t)(semi - p - 1)) == 0 ||
	    n >= sizeof(name))
		return 0;
	memcpy(name, p + 1, n);
	name[n] = '\0';
	if (name[0] == '#') {
		char	*ep;
		int	 hex = name[1] == 'x' || name[1] == 'X';

		if (name[1 + hex] == '\0' ||
		    !isxdigit((unsigned char)name[1 + hex]))
			return 0;
		errno = 0;
		cp = strtoul(name + 1 + hex, &ep, hex ? 16 : 10);
		if (*ep != '\0')
			return 0;
		if (errno != 0 || cp == 0 || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			cp = 0xfffd;
		if (cp == 0xa0)		/* non-breaking space reads as space */
			cp = ' ';
		html_emit(h, utf8, (size_t)g_unichar_to_utf8((gunichar)cp,
		    utf8));
		return n + 2;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(html_entities); i++) {
		if (strcmp(name, html_entities[i].name) == 0) {
			html_emit(h, html_entities[i].utf8,
			    strlen(html_entities[i].utf8));
			return n + 2;
		}
	}
	return 0;
}

/*
 * Finds the '>' closing the tag at p, skipping quoted attribute values.
 * Each fallback is remembered so that many unclosed tags stay linear.
 */
static const char *
html_tag_end(struct html *h, const char *p)
{
	if (!h->no_quoted_gt) {
		char	q = '\0';

		for (const char *s = p; s < h->end; s++) {
			if (q != '\0') {
				if (*s == q)
					q = '\0';
			} else if (*s == '"' || *s == '\'')
				q = *s;
			else if (*s == '>')
				return s;
		}
		h->no_quoted_gt = 1;
	}
	if (!h->no_gt) {
		const char	*gt = memchr(p, '>', (size_t)(h->end - p));

		if (gt != NULL)
			return gt;
		h->no_gt = 1;
	}
	return NULL;
}

/* Returns the position after "</name ...>", or the end of the input. */
static const char *
html_skip_element(struct html *h, const char *p, const char *name)
{
	size_t	n = strlen(name);

	while ((p = memchr(p, '<', (size_t)(h->end - p))) != NULL) {
		if ((size_t)(h->end - p) > n + 2 && p[1] == '/' &&
		    strncasecmp(p + 2, name, n) == 0 &&
		    !isalnum((unsigned char)p[2 + n])) {
			const char	*gt = memchr(p, '>', (size_t)(h->end - p));

			return gt != NULL ? gt + 1 : h->end;
		}
		p++;
	}
	return h->end;
}

static int
html_is_line_tag(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(html_line_tags); i++)
		if (strcmp(name, html_line_tags[i]) == 0)
			return 1;
	return 0;
}

/* Acts on one element boundary; returns where the input continues. */
static const char *
html_element(struct html *h, const char *name, int closing,
    const char *after)
{
	if (!closing && (strcmp(name, "script") == 0 ||
	    strcmp(name, "style") == 0 || strcmp(name, "head") == 0))
		return html_skip_element(h, after, name);
	if (strcmp(name, "br") == 0) {
		h->space = 0;
		sb_putc(&h->out, '\n');
	} else if (strcmp(name, "p") == 0 || (name[0] == 'h' &&
	    name[1] >= '1' && name[1] <= '6' && name[2] == '\0'))
		html_break(h, 2);
	else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)
		h->space = 1;
	else if (html_is_line_tag(name))
		html_break(h, 1);
	if (strcmp(name, "blockquote") == 0)
		h->quote += closing ? (h->quote > 0 ? -1 : 0) : 1;
	else if (strcmp(name, "pre") == 0)
		h->pre += closing ? (h->pre > 0 ? -1 : 0) : 1;
	return after;
}

/* Handles the '<' at p; returns where the input continues. */
static const char *
html_tag(struct html *h, const char *p)
{
	const char	*s = p + 1, *gt;
	char		 name[16];
	size_t		 n = 0;
	int		 closing = 0;

	if (s < h->end && (*s == '!' || *s == '?')) {
		if (h->end - s >= 3 && strncmp(s, "!--", 3) == 0) {
			gt = g_strstr_len(s + 3, h->end - s - 3, "-->");
			return gt != NULL ? gt + 3 : h->end;
		}
		gt = html_tag_end(h, s);
		return gt != NULL ? gt + 1 : h->end;
	}
	if (s < h->end && *s == '/') {
		closing = 1;
		s++;
	}
	if (s >= h->end || !isalpha((unsigned char)*s)) {
		html_text_char(h, '<');
		return p + 1;
	}
	while (s < h->end && isalnum((unsigned char)*s)) {
		if (n + 1 < sizeof(name))
			name[n++] = (char)tolower((unsigned char)*s);
		s++;
	}
	name[n] = '\0';
	if ((gt = html_tag_end(h, s)) == NULL)
		return h->end;		/* an unclosed tag hides the rest */
	return html_element(h, name, closing, gt + 1);
}

/* Trims every line, drops leading blank lines and runs of blank lines. */
static char *
html_tidy(const char *s)
{
	struct mg_buf	 b = { 0 };
	int		 blank = 1;

	while (*s != '\0') {
		const char	*nl = strchr(s, '\n');
		size_t		 n = nl != NULL ? (size_t)(nl - s) : strlen(s);
		size_t		 t = n;

		while (t > 0 && isspace((unsigned char)s[t - 1]))
			t--;
		if (t > 0) {
			if (blank == 2)
				sb_putc(&b, '\n');
			sb_putn(&b, s, t);
			sb_putc(&b, '\n');
			blank = 0;
		} else if (blank == 0)
			blank = 2;
		s += n + (nl != NULL);
	}
	sb_rtrim(&b);
	return sb_take(&b);
}

char *
mg_html_to_text(const char *html, size_t len)
{
	struct html	 h = { .end = html + len };
	const char	*p = html;
	char		*text;

	while (p < h.end && !h.out.failed) {
		size_t	used;

		if (*p == '<')
			p = html_tag(&h, p);
		else if (*p == '&' && (used = html_entity(&h, p)) > 0)
			p += used;
		else
			html_text_char(&h, *p++);
	}
	if (h.out.failed) {
		free(h.out.s);
		return NULL;
	}
	text = html_tidy(h.out.s != NULL ? h.out.s : "");
	free(h.out.s);
	return text;
}

/* ---------------------------------------------------------------------
 * Body split: new text, quoted reply, signature.
 */

struct line {
	const char	*s;
	size_t		 len;	/* without '\n' and a trailing '\r' */
};

enum split_state {
	SPLIT_NEW,
	SPLIT_SIG,
	SPLIT_QUOTE,		/* a block of "> " lines */
	SPLIT_REST		/* everything to the end is quoted */
};

static int
line_blank(const struct line *l)
{
	for (size_t i = 0; i < l->len; i++)
		if (!isspace((unsigned char)l->s[i]))
			return 0;
	return 1;
}

static int
line_prefix_ci(const struct line *l, const char *prefix)
{
	size_t	n = strlen(prefix);

	return l->len >= n && strncasecmp(l->s, prefix, n) == 0;
}

/* The line without leading and trailing blanks, as s and len. */
static void
line_trim(const struct line *l, const char **s, size_t *len)
{
	size_t	a = 0, b = l->len;

	while (a < b && isspace((unsigned char)l->s[a]))
		a++;
	while (b > a && isspace((unsigned char)l->s[b - 1]))
		b--;
	*s = l->s + a;
	*len = b - a;
}

static int
line_ends_wrote(const struct line *l)
{
	const char	*s;
	size_t		 n;

	line_trim(l, &s, &n);
	return n >= 6 && strncasecmp(s + n - 6, "wrote:", 6) == 0;
}

static int
line_is_sig(const struct line *l)
{
	return (l->len == 3 && memcmp(l->s, "-- ", 3) == 0) ||
	    (l->len == 2 && memcmp(l->s, "--", 2) == 0);
}

static int
line_is_original(const struct line *l)
{
	const char	*s;
	size_t		 n;

	line_trim(l, &s, &n);
	return n >= 20 && strncmp(s, "--", 2) == 0 &&
	    strncmp(s + n - 2, "--", 2) == 0 &&
	    g_strstr_len(s, (gssize)n, "Original Message") != NULL;
}

static int
line_is_underscores(const struct line *l)
{
	const char	*s;
	size_t		 n;

	line_trim(l, &s, &n);
	if (n < 10)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '_')
			return 0;
	return 1;
}

/* Index of the first non-blank line at or after i, or n. */
static size_t
next_nonblank(const struct line *v, size_t n, size_t i)
{
	while (i < n && line_blank(&v[i]))
		i++;
	return i;
}

/*
 * Returns how many lines from i form an "On ... wrote:" attribution that
 * introduces quoted lines (or ends the text), 0 when there is none.
 */
static size_t
attribution(const struct line *v, size_t n, size_t i)
{
	size_t	used, j;

	if (!line_prefix_ci(&v[i], "On "))
		return 0;
	if (line_ends_wrote(&v[i]))
		used = 1;
	else if (i + 1 < n && line_ends_wrote(&v[i + 1]))
		used = 2;
	else
		return 0;
	j = next_nonblank(v, n, i + used);
	if (j < n && v[j].s[0] != '>')
		return 0;
	return used;
}

/* An Outlook-style header block or separator that starts the original. */
static int
hard_quote(const struct line *v, size_t n, size_t i)
{
	size_t	j;

	if (line_is_original(&v[i]))
		return 1;
	if (line_prefix_ci(&v[i], "From:") && i + 1 < n &&
	    (line_prefix_ci(&v[i + 1], "Sent:") ||
	    line_prefix_ci(&v[i + 1], "Date:")))
		return 1;
	if (line_is_underscores(&v[i])) {
		j = next_nonblank(v, n, i + 1);
		return j < n && line_prefix_ci(&v[j], "From:");
	}
	return 0;
}

static struct line *
split_lines(const char *body, size_t *np)
{
	struct line	*v;
	size_t		 n = 1, i = 0;
	const char	*p;

	for (p = body; (p = strchr(p, '\n')) != NULL; p++)
		n++;
	if ((v = calloc(n, sizeof(*v))) == NULL)
		return NULL;
	for (p = body; i < n; i++) {
		const char	*nl = strchr(p, '\n');
		size_t		 len = nl != NULL ? (size_t)(nl - p) : strlen(p);

		v[i].s = p;
		v[i].len = len > 0 && p[len - 1] == '\r' ? len - 1 : len;
		p += len + 1;
	}
	*np = n;
	return v;
}

static void
put_line(struct mg_buf *b, const struct line *l)
{
	sb_putn(b, l->s, l->len);
	sb_putc(b, '\n');
}

/* Moves through the lines, sending each to one of the three parts. */
static void
split_walk(const struct line *v, size_t n, struct mg_buf *nb, struct mg_buf *qb,
    struct mg_buf *sb)
{
	enum split_state	 st = SPLIT_NEW;
	size_t			 att;

	for (size_t i = 0; i < n; i++) {
		const struct line	*l = &v[i];

		if (st == SPLIT_REST) {
			put_line(qb, l);
		} else if (hard_quote(v, n, i)) {
			st = SPLIT_REST;
			put_line(qb, l);
		} else if ((att = attribution(v, n, i)) > 0) {
			st = SPLIT_QUOTE;
			put_line(qb, l);
			if (att == 2)
				put_line(qb, &v[++i]);
		} else if (l->len > 0 && l->s[0] == '>') {
			st = SPLIT_QUOTE;
			put_line(qb, l);
		} else if (st == SPLIT_QUOTE && line_blank(l)) {
			put_line(qb, l);
		} else if (st != SPLIT_SIG && line_is_sig(l)) {
			st = SPLIT_SIG;
		} else if (st == SPLIT_SIG) {
			put_line(sb, l);
		} else {
			/* Text after a quote block answers it (interleaved). */
			st = SPLIT_NEW;
			put_line(nb, l);
		}
	}
}

/* Drops leading blank lines of a part (in place). */
static void
sb_ltrim_lines(struct mg_buf *b)
{
	size_t	i = 0, start = 0;

	if (b->s == NULL)
		return;
	while (i < b->len && isspace((unsigned char)b->s[i]))
		if (b->s[i++] == '\n')
			start = i;
	memmove(b->s, b->s + start, b->len - start + 1);
	b->len -= start;
}

int
mg_split_body(const char *body, char **new_text, char **quoted,
    char **signature)
{
	struct mg_buf	 nb = { 0 }, qb = { 0 }, sb = { 0 };
	struct line	*v;
	size_t		 n;

	*new_text = *quoted = *signature = NULL;
	if ((v = split_lines(body != NULL ? body : "", &n)) == NULL)
		return -1;
	split_walk(v, n, &nb, &qb, &sb);
	free(v);
	sb_rtrim(&nb);
	sb_rtrim(&qb);
	sb_ltrim_lines(&sb);
	sb_rtrim(&sb);
	*new_text = sb_take(&nb);
	*quoted = sb_take(&qb);
	*signature = sb_take(&sb);
	if (*new_text == NULL || *quoted == NULL || *signature == NULL) {
		free(*new_text);
		free(*quoted);
		free(*signature);
		*new_text = *quoted = *signature = NULL;
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Header fields.
 */

/* "local@Domain" to "local@domain"; the local part keeps its case. */
static char *
bare_address(const char *addr)
{
	const char	*at = strrchr(addr, '@');
	char		*out, *dom;
	size_t		 n;

	if (at == NULL)
		return strdup(addr);
	dom = g_utf8_validate(at + 1, -1, NULL) ? g_utf8_strdown(at + 1, -1) :
	    g_ascii_strdown(at + 1, -1);
	n = (size_t)(at - addr) + 1 + strlen(dom) + 1;
	if ((out = malloc(n)) != NULL)
		snprintf(out, n, "%.*s@%s", (int)(at - addr), addr, dom);
	g_free(dom);
	return out;
}

/* Appends every mailbox of list to l, flattening groups. */
static int
add_addresses(struct mg_strlist *l, InternetAddressList *list, int depth)
{
	int	count = list != NULL ? internet_address_list_length(list) : 0;

	for (int i = 0; i < count; i++) {
		InternetAddress	*ia = internet_address_list_get_address(list, i);
		const char	*addr;
		char		*bare;
		int		 rc;

		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			if (depth < 4 && add_addresses(l,
			    internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(ia)), depth + 1) == -1)
				return -1;
			continue;
		}
		if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
			continue;
		addr = internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia));
		if (addr == NULL || *addr == '\0')
			continue;
		if ((bare = bare_address(addr)) == NULL)
			return -1;
		rc = mg_strlist_add(l, bare);
		free(bare);
		if (rc == -1)
			return -1;
	}
	return 0;
}

/* The first mailbox of From, groups included. */
static InternetAddressMailbox *
first_mailbox(InternetAddressList *list, int depth)
{
	int	count = list != NULL ? internet_address_list_length(list) : 0;

	for (int i = 0; i < count; i++) {
		InternetAddress	*ia = internet_address_list_get_address(list, i);
		InternetAddressMailbox *mb;

		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			return INTERNET_ADDRESS_MAILBOX(ia);
		if (INTERNET_ADDRESS_IS_GROUP(ia) && depth < 4 &&
		    (mb = first_mailbox(internet_address_group_get_members(
		    INTERNET_ADDRESS_GROUP(ia)), depth + 1)) != NULL)
			return mb;
	}
	return NULL;
}

static int
set_from(struct mg_message *m, GMimeMessage *msg)
{
	InternetAddressMailbox	*mb = first_mailbox(g_mime_message_get_from(msg),
	    0);
	const char		*addr, *name;

	if (mb == NULL)
		return 0;
	addr = internet_address_mailbox_get_addr(mb);
	if (addr != NULL && *addr != '\0' &&
	    (m->from = bare_address(addr)) == NULL)
		return -1;
	name = internet_address_get_name(INTERNET_ADDRESS(mb));
	if (name != NULL && *name != '\0' && (m->from_name = strdup(name)) == NULL)
		return -1;
	return 0;
}

/* Message-IDs of a header (In-Reply-To, References), without <>. */
static int
add_msgids(struct mg_strlist *l, GMimeMessage *msg, const char *header)
{
	const char	*value = g_mime_object_get_header(GMIME_OBJECT(msg),
	    header);
	GMimeReferences	*refs;
	int		 rc = 0;

	if (value == NULL || (refs = g_mime_references_parse(NULL, value)) ==
	    NULL)
		return 0;
	for (int i = 0; i < g_mime_references_length(refs) && rc == 0; i++)
		rc = mg_strlist_add(l, g_mime_references_get_message_id(refs, i));
	g_mime_references_free(refs);
	return rc;
}

static int
set_headers(struct mg_message *m, GMimeMessage *msg)
{
	const char	*subject = g_mime_message_get_subject(msg);
	const char	*msgid = g_mime_message_get_message_id(msg);
	GDateTime	*date = g_mime_message_get_date(msg);

	if (set_from(m, msg) == -1 ||
	    add_addresses(&m->to, g_mime_message_get_addresses(msg,
	    GMIME_ADDRESS_TYPE_TO), 0) == -1 ||
	    add_addresses(&m->cc, g_mime_message_get_addresses(msg,
	    GMIME_ADDRESS_TYPE_CC), 0) == -1 ||
	    add_addresses(&m->bcc, g_mime_message_get_addresses(msg,
	    GMIME_ADDRESS_TYPE_BCC), 0) == -1)
		return -1;
	if ((m->subject = strdup(subject != NULL ? subject : "")) == NULL)
		return -1;
	if (date != NULL) {
		m->date = (time_t)g_date_time_to_unix(date);
		m->has_date = 1;
	}
	if (msgid != NULL && *msgid != '\0' &&
	    (m->message_id = strdup(msgid)) == NULL)
		return -1;
	if (add_msgids(&m->in_reply_to, msg, "In-Reply-To") == -1 ||
	    add_msgids(&m->references, msg, "References") == -1)
		return -1;
	return 0;
}

/* ---------------------------------------------------------------------
 * MIME tree: the text a reader sees, attachments, what cannot be read.
 *
 * The tree is walked once, in order, with hard limits.  Every inline text
 * part becomes a candidate; the body is the first text/plain (outside a
 * forwarded message), else the first text/html, else the first other
 * text part, so that the body of an ordinary letter is what it has always
 * been; the other candidates become m->parts, each with a label for
 * findings.  What stops the walk or cannot be decoded goes to m->unread.
 */

enum text_kind {
	TEXT_NONE,		/* not text: an attachment */
	TEXT_PLAIN,
	TEXT_HTML,
	TEXT_ENRICHED,
	TEXT_RICHTEXT,
	TEXT_OTHER		/* another text/ type, or a Content-Type that
				 * cannot be parsed: read as plain text */
};

struct cand {
	GMimeObject	*obj;
	enum text_kind	 kind;
	int		 in_alt;	/* inside a multipart/alternative */
	int		 forwarded;	/* inside an inline message/rfc822 */
};

struct walk {
	struct mg_message	*m;
	size_t			 cap;		/* of m->attachments */
	size_t			 seen;		/* objects visited */
	struct cand		 cands[MG_MSG_MAX_TEXT_PARTS];
	size_t			 n_cands;
	int			 failed;
};

/* Notes one thing that could not be read (once per kind and place). */
static void
add_unread(struct mg_message *m, enum mg_unread_kind kind, const char *where,
    const char *detail)
{
	struct mg_unread	*u;

	for (size_t i = 0; i < m->n_unread; i++)
		if (m->unread[i].kind == kind &&
		    strcmp(m->unread[i].where, where) == 0)
			return;
	if (m->n_unread == MG_MSG_MAX_UNREAD)
		return;
	u = &m->unread[m->n_unread++];
	u->kind = kind;
	snprintf(u->where, sizeof(u->where), "%s", where);
	snprintf(u->detail, sizeof(u->detail), "%s", detail);
	/* A header value may hold anything: keep the detail printable. */
	for (char *c = u->detail; *c != '\0'; c++)
		if ((unsigned char)*c < ' ' || (unsigned char)*c >= 127)
			*c = '?';
}

/* "" for the whole letter (part 1), else "part N". */
static void
part_where(size_t number, char *buf, size_t len)
{
	if (number <= 1)
		snprintf(buf, len, "%s", "");
	else
		snprintf(buf, len, "part %zu", number);
}

static char *
lower_mime_type(GMimeObject *obj)
{
	GMimeContentType	*ct = g_mime_object_get_content_type(obj);
	char			*t, *lower, *out;

	if (ct == NULL)
		return strdup("application/octet-stream");
	t = g_mime_content_type_get_mime_type(ct);
	lower = g_ascii_strdown(t != NULL ? t : "application/octet-stream", -1);
	out = strdup(lower);
	g_free(lower);
	g_free(t);
	return out;
}

static size_t
decoded_size(GMimeObject *obj)
{
	GMimeStream	*null = g_mime_stream_null_new();
	size_t		 size;

	if (GMIME_IS_PART(obj)) {
		GMimeDataWrapper *dw = g_mime_part_get_content(GMIME_PART(obj));

		if (dw != NULL)
			g_mime_data_wrapper_write_to_stream(dw, null);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage	*inner = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj));

		if (inner != NULL)
			g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL,
			    null);
	}
	size = GMIME_STREAM_NULL(null)->written;
	g_object_unref(null);
	return size;
}

static const char *
part_filename(GMimeObject *obj)
{
	const char	*name;

	if (GMIME_IS_PART(obj))
		name = g_mime_part_get_filename(GMIME_PART(obj));
	else
		name = g_mime_object_get_content_disposition_parameter(obj,
		    "filename");
	return name != NULL && *name != '\0' ? name : NULL;
}

static int
add_attachment(struct walk *w, GMimeObject *obj)
{
	struct mg_message	*m = w->m;
	struct mg_attachment	*a;
	const char		*name = part_filename(obj);

	if (m->n_attachments == w->cap) {
		size_t	ncap = w->cap ? w->cap * 2 : 4;

		if ((a = realloc(m->attachments, ncap * sizeof(*a))) == NULL)
			return -1;
		m->attachments = a;
		w->cap = ncap;
	}
	a = &m->attachments[m->n_attachments];
	memset(a, 0, sizeof(*a));
	m->n_attachments++;
	if (name != NULL && (a->filename = strdup(name)) == NULL)
		return -1;
	if ((a->content_type = lower_mime_type(obj)) == NULL)
		return -1;
	a->size = decoded_size(obj);
	return 0;
}

/* 1 for Content-Disposition: attachment, 2 for inline, 0 for none. */
static int
disposition(GMimeObject *obj)
{
	GMimeContentDisposition	*cd = g_mime_object_get_content_disposition(obj);

	if (cd == NULL)
		return 0;
	return g_mime_content_disposition_is_attachment(cd) ? 1 : 2;
}

static int
is_token_char(char c)
{
	return isalnum((unsigned char)c) || (c != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Does a Content-Type value start with "type/subtype"? */
static int
ctype_parses(const char *v)
{
	size_t	n;

	while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
		v++;
	for (n = 0; is_token_char(v[n]); n++)
		;
	if (n == 0 || v[n] != '/')
		return 0;
	v += n + 1;
	for (n = 0; is_token_char(v[n]); n++)
		;
	if (n == 0)
		return 0;
	v += n;
	while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
		v++;
	return *v == '\0' || *v == ';' || *v == '(';
}

static enum text_kind
text_kind(GMimeObject *obj)
{
	GMimeContentType	*ct = g_mime_object_get_content_type(obj);
	const char		*raw = g_mime_object_get_header(obj,
	    "Content-Type");

	if (raw != NULL && !ctype_parses(raw))
		return TEXT_OTHER;	/* RFC 2045 5.2: text/plain */
	if (ct == NULL)
		return TEXT_PLAIN;
	if (!g_mime_content_type_is_type(ct, "text", "*"))
		return TEXT_NONE;
	if (g_mime_content_type_is_type(ct, "text", "plain"))
		return TEXT_PLAIN;
	if (g_mime_content_type_is_type(ct, "text", "html"))
		return TEXT_HTML;
	if (g_mime_content_type_is_type(ct, "text", "enriched"))
		return TEXT_ENRICHED;
	if (g_mime_content_type_is_type(ct, "text", "richtext"))
		return TEXT_RICHTEXT;
	return TEXT_OTHER;
}

static void
walk_leaf(struct walk *w, GMimeObject *obj, int in_alt, int forwarded)
{
	enum text_kind	kind = GMIME_IS_PART(obj) ? text_kind(obj) : TEXT_NONE;
	int		disp = disposition(obj);
	const char	*name = part_filename(obj);

	/* What a reader would have to open: recorded, not read. */
	if ((kind == TEXT_NONE || name != NULL || disp == 1) &&
	    add_attachment(w, obj) == -1) {
		w->failed = 1;
		return;
	}
	/* Shown in the letter: an inline text part (a file name too, when
	 * it says inline). */
	if (kind == TEXT_NONE || disp == 1 || (name != NULL && disp != 2))
		return;
	if (w->n_cands == MG_MSG_MAX_TEXT_PARTS) {
		char	detail[64];

		snprintf(detail, sizeof(detail), "more than %d text parts",
		    MG_MSG_MAX_TEXT_PARTS);
		add_unread(w->m, MG_UNREAD_PARTS, "", detail);
		return;
	}
	w->cands[w->n_cands].obj = obj;
	w->cands[w->n_cands].kind = kind;
	w->cands[w->n_cands].in_alt = in_alt;
	w->cands[w->n_cands].forwarded = forwarded;
	w->n_cands++;
}

/* The letter itself is encrypted (PGP/MIME anywhere; S/MIME as the body
 * of the letter or of a forwarded one). */
static const char *
encrypted(GMimeObject *obj, int depth)
{
	GMimeContentType	*ct = g_mime_object_get_content_type(obj);

	if (GMIME_IS_MULTIPART_ENCRYPTED(obj))
		return "PGP";
	if (depth == 0 && ct != NULL &&
	    (g_mime_content_type_is_type(ct, "application", "pkcs7-mime") ||
	    g_mime_content_type_is_type(ct, "application", "x-pkcs7-mime")))
		return "S/MIME";
	return NULL;
}

static int
blank(const char *s)
{
	for (; s != NULL && *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 0;
	return 1;
}

static void walk_tree(struct walk *, GMimeObject *, int, int, int);

static void
walk_multipart(struct walk *w, GMimeObject *obj, int depth, int in_alt,
    int forwarded)
{
	GMimeMultipart	*mp = GMIME_MULTIPART(obj);
	int		 count = g_mime_multipart_get_count(mp);

	if (count == 0) {
		/* No part was found, and the text sits in the preamble. */
		const char	*raw = g_mime_object_get_header(obj,
		    "Content-Type");
		char		 where[32];

		if (blank(g_mime_multipart_get_prologue(mp)))
			return;
		part_where(w->seen, where, sizeof(where));
		add_unread(w->m, MG_UNREAD_BOUNDARY, where, raw != NULL &&
		    strcasestr(raw, "boundary") != NULL ?
		    "its boundary never occurs" : "it has no boundary");
		return;
	}
	/* The signature of multipart/signed is no attachment. */
	if (GMIME_IS_MULTIPART_SIGNED(obj))
		count = 1;
	if (g_mime_content_type_is_type(g_mime_object_get_content_type(obj),
	    "multipart", "alternative"))
		in_alt = 1;
	for (int i = 0; i < count && !w->failed; i++)
		walk_tree(w, g_mime_multipart_get_part(mp, i), depth + 1, in_alt,
		    forwarded);
}

static void
walk_tree(struct walk *w, GMimeObject *obj, int depth, int in_alt,
    int forwarded)
{
	const char	*enc;
	char		 where[32], detail[64];

	if (obj == NULL || w->failed)
		return;
	if (depth > MG_MSG_MAX_DEPTH) {
		snprintf(detail, sizeof(detail), "more than %d levels",
		    MG_MSG_MAX_DEPTH);
		add_unread(w->m, MG_UNREAD_DEPTH, "", detail);
		return;
	}
	if (w->seen >= MG_MSG_MAX_PARTS) {
		snprintf(detail, sizeof(detail), "more than %d parts",
		    MG_MSG_MAX_PARTS);
		add_unread(w->m, MG_UNREAD_PARTS, "", detail);
		return;
	}
	w->seen++;
	if ((enc = encrypted(obj, depth)) != NULL) {
		part_where(w->seen, where, sizeof(where));
		add_unread(w->m, MG_UNREAD_ENCRYPTED, where, enc);
		return;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		walk_multipart(w, obj, depth, in_alt, forwarded);
	} else if (GMIME_IS_MESSAGE_PART(obj)) {
		GMimeMessage	*inner = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj));

		/* A forwarded letter counts as an attachment; shown inline,
		 * its text is read too. */
		if (add_attachment(w, obj) == -1) {
			w->failed = 1;
			return;
		}
		if (inner != NULL && disposition(obj) != 1 &&
		    part_filename(obj) == NULL)
			walk_tree(w, g_mime_message_get_mime_part(inner), depth + 1,
			    0, 1);
	} else
		walk_leaf(w, obj, in_alt, forwarded);
}

/* Appends text with NUL bytes as spaces and CR LF and bare CR as LF. */
static void
put_clean(struct mg_buf *b, const char *s, size_t n)
{
	size_t	start = 0;

	if (n == 0)
		return;		/* s may be NULL (an empty part) */
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\0' && s[i] != '\r')
			continue;
		sb_putn(b, s + start, i - start);
		if (s[i] == '\0')
			sb_putc(b, ' ');
		else if (i + 1 == n || s[i + 1] != '\n')
			sb_putc(b, '\n');
		start = i + 1;
	}
	sb_putn(b, s + start, n - start);
}

/* Valid UTF-8: undeclared 8-bit text is read as Windows-1252 (what mail
 * clients assume), anything else invalid is repaired.  Frees s. */
static char *
make_utf8(char *s, size_t len, int declared)
{
	char	*conv = NULL, *out;

	if (g_utf8_validate(s, (gssize)len, NULL))
		return s;
	if (!declared)
		conv = g_convert(s, (gssize)len, "UTF-8", "WINDOWS-1252", NULL,
		    NULL, NULL);
	if (conv == NULL)
		conv = g_utf8_make_valid(s, (gssize)len);
	free(s);
	out = conv != NULL ? strdup(conv) : NULL;
	g_free(conv);
	return out;
}

static int
has_8bit(const GByteArray *ba)
{
	for (guint i = 0; i < ba->len; i++)
		if (ba->data[i] >= 0x80)
			return 1;
	return 0;
}

/* Adds the charset conversion to fs; 0 when the charset is unknown. */
static int
add_charset_filter(GMimeStream *fs, const char *charset)
{
	GMimeFilter	*f;

	if (charset == NULL || g_ascii_strcasecmp(charset, "utf-8") == 0 ||
	    g_ascii_strcasecmp(charset, "us-ascii") == 0)
		return 1;
	if ((f = g_mime_filter_charset_new(charset, "UTF-8")) == NULL)
		return 0;
	g_mime_stream_filter_add(GMIME_STREAM_FILTER(fs), f);
	g_object_unref(f);
	return 1;
}

/* The decoded content of a text part: bytes in the charset converted to
 * UTF-8, enriched text as HTML.  Notes what cannot be read under where.
 * Caller frees; NULL when out of memory. */
static char *
part_bytes(struct mg_message *m, GMimeObject *obj, enum text_kind kind,
    const char *where)
{
	GMimePart	*part = GMIME_PART(obj);
	GMimeDataWrapper *dw = g_mime_part_get_content(part);
	const char	*cte = g_mime_object_get_header(obj,
	    "Content-Transfer-Encoding");
	const char	*charset = g_mime_object_get_content_type_parameter(obj,
	    "charset");
	GMimeStream	*mem = g_mime_stream_mem_new();
	GMimeStream	*fs = g_mime_stream_filter_new(mem);
	GByteArray	*ba;
	struct mg_buf	 b = { 0 };
	int		 known;

	if (cte != NULL && !blank(cte) && g_mime_part_get_content_encoding(part) ==
	    GMIME_CONTENT_ENCODING_DEFAULT)
		add_unread(m, MG_UNREAD_ENCODING, where, cte + strspn(cte, " \t"));
	known = add_charset_filter(fs, charset);
	if (kind == TEXT_ENRICHED || kind == TEXT_RICHTEXT) {
		GMimeFilter	*f = g_mime_filter_enriched_new(kind ==
		    TEXT_RICHTEXT ? GMIME_FILTER_ENRICHED_IS_RICHTEXT : 0);

		g_mime_stream_filter_add(GMIME_STREAM_FILTER(fs), f);
		g_object_unref(f);
	}
	if (dw != NULL)
		g_mime_data_wrapper_write_to_stream(dw, fs);
	g_mime_stream_flush(fs);
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	/* ASCII reads the same in (nearly) every charset. */
	if (!known && has_8bit(ba))
		add_unread(m, MG_UNREAD_CHARSET, where, charset);
	put_clean(&b, (const char *)ba->data, ba->len);
	g_object_unref(fs);
	g_object_unref(mem);
	if (b.failed) {
		free(b.s);
		return NULL;
	}
	if (b.s == NULL)
		return strdup("");
	return make_utf8(b.s, b.len, charset != NULL);
}

/* The text of a candidate as a reader sees it; caller frees. */
static char *
cand_text(struct mg_message *m, const struct cand *c, const char *where)
{
	char	*raw = part_bytes(m, c->obj, c->kind, where), *text;

	if (raw == NULL || c->kind == TEXT_PLAIN || c->kind == TEXT_OTHER)
		text = raw;
	else {
		text = mg_html_to_text(raw, strlen(raw));
		free(raw);
	}
	if (text != NULL && strstr(text, "-----BEGIN PGP MESSAGE-----") != NULL)
		add_unread(m, MG_UNREAD_ENCRYPTED, where, "PGP");
	return text;
}

/* The candidate the body comes from, or -1. */
static ssize_t
pick_body(const struct walk *w)
{
	static const enum text_kind order[] = { TEXT_PLAIN, TEXT_HTML,
	    TEXT_NONE };

	for (size_t o = 0; o < G_N_ELEMENTS(order); o++)
		for (size_t i = 0; i < w->n_cands; i++)
			if (!w->cands[i].forwarded && (w->cands[i].kind ==
			    order[o] || order[o] == TEXT_NONE))
				return (ssize_t)i;
	return -1;
}

static const char *const ordinals[] = { "first", "second", "third",
    "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth" };

/* The label of candidate i for findings. */
static void
cand_label(const struct walk *w, size_t i, char *buf, size_t len)
{
	const struct cand	*c = &w->cands[i];
	size_t			 nth = 0;

	if (c->forwarded) {
		snprintf(buf, len, "the forwarded message");
		return;
	}
	if (c->in_alt && c->kind == TEXT_HTML) {
		snprintf(buf, len, "the HTML version");
		return;
	}
	if (c->in_alt && (c->kind == TEXT_ENRICHED || c->kind == TEXT_RICHTEXT)) {
		snprintf(buf, len, "the rich-text version");
		return;
	}
	for (size_t j = 0; j <= i; j++)
		nth += !w->cands[j].forwarded;
	if (nth >= 1 && nth <= G_N_ELEMENTS(ordinals))
		snprintf(buf, len, "the %s text part", ordinals[nth - 1]);
	else
		snprintf(buf, len, "text part %zu", nth);
}

/* Is text already the body or an earlier part? */
static int
seen_text(const struct mg_message *m, const char *text)
{
	if (strcmp(m->body, text) == 0)
		return 1;
	for (size_t i = 0; i < m->n_parts; i++)
		if (strcmp(m->parts[i].body, text) == 0)
			return 1;
	return 0;
}

static void
text_part_clear(struct mg_text_part *p)
{
	free(p->label);
	free(p->body);
	free(p->new_text);
	free(p->signature);
}

/* Adds candidate i to m->parts (takes text). */
static int
add_part(struct mg_message *m, const struct walk *w, size_t i, char *text,
    const char *label)
{
	struct mg_text_part	*p, *nv;
	char			*quoted;

	nv = realloc(m->parts, (m->n_parts + 1) * sizeof(*nv));
	if (nv == NULL) {
		free(text);
		return -1;
	}
	m->parts = nv;
	p = &m->parts[m->n_parts];
	memset(p, 0, sizeof(*p));
	p->body = text;
	p->html = w->cands[i].kind == TEXT_HTML;
	if ((p->label = strdup(label)) == NULL ||
	    mg_split_body(text, &p->new_text, &quoted, &p->signature) == -1) {
		text_part_clear(p);
		return -1;
	}
	free(quoted);
	m->n_parts++;
	return 0;
}

static int
set_body(struct mg_message *m, GMimeMessage *msg)
{
	struct walk	 w = { .m = m };
	ssize_t		 body;
	char		 label[48];

	walk_tree(&w, g_mime_message_get_mime_part(msg), 0, 0, 0);
	if (w.failed)
		return -1;
	if ((body = pick_body(&w)) >= 0) {
		m->body = cand_text(m, &w.cands[body], "");
		m->html_only = w.cands[body].kind == TEXT_HTML;
	} else
		m->body = strdup("");
	if (m->body == NULL || mg_split_body(m->body, &m->new_text,
	    &m->quoted_text, &m->signature) == -1)
		return -1;
	for (size_t i = 0; i < w.n_cands; i++) {
		char	*text;

		if ((ssize_t)i == body)
			continue;
		cand_label(&w, i, label, sizeof(label));
		if ((text = cand_text(m, &w.cands[i], label)) == NULL)
			return -1;
		if (seen_text(m, text))
			free(text);
		else if (add_part(m, &w, i, text, label) == -1)
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------------
 * Parsing.
 */

/* Length of a leading mbox "From " line, newline included, or 0. */
static size_t
from_line_len(const char *buf, size_t len)
{
	const char	*nl;

	if (len < 5 || memcmp(buf, "From ", 5) != 0)
		return 0;
	nl = memchr(buf, '\n', len);
	return nl != NULL ? (size_t)(nl - buf) + 1 : len;
}

/* Whether the input starts with "name:", a header field. */
static int
starts_with_field(const char *buf, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		if (buf[i] <= ' ' || buf[i] >= 127 || buf[i] == ':')
			break;
	return i > 0 && i < len && buf[i] == ':';
}

static int
build(GMimeMessage *msg, const char *raw, size_t rawlen,
    struct mg_message **out, char *err, size_t errlen)
{
	struct mg_message	*m;

	if ((m = calloc(1, sizeof(*m))) == NULL ||
	    set_headers(m, msg) == -1 || set_body(m, msg) == -1) {
		mg_message_free(m);
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	mg_sha256_hex(raw, rawlen, m->hash);
	*out = m;
	return 0;
}

/* Does the CR at buf[i] end a line on its own?  Not before LF, nor in
 * the CR CR LF of a line end converted twice. */
static int
bare_cr_at(const char *buf, size_t len, size_t i)
{
	if (i + 1 < len && buf[i + 1] == '\n')
		return 0;
	return !(i + 2 < len && buf[i + 1] == '\r' && buf[i + 2] == '\n');
}

static int
has_bare_cr(const char *buf, size_t len)
{
	const char	*p = buf, *end = buf + len;

	while ((p = memchr(p, '\r', (size_t)(end - p))) != NULL) {
		if (bare_cr_at(buf, len, (size_t)(p - buf)))
			return 1;
		p++;
	}
	return 0;
}

/* A copy of buf with every bare CR made a LF, for a letter written with
 * old Mac line ends: GMime splits lines at LF only, so such a letter
 * would be one endless header.  Caller frees. */
static char *
bare_cr_to_lf(const char *buf, size_t len)
{
	char	*copy = malloc(len ? len : 1);

	if (copy == NULL)
		return NULL;
	memcpy(copy, buf, len);
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\r' && bare_cr_at(buf, len, i))
			copy[i] = '\n';
	return copy;
}

static int
header_count(GMimeMessage *msg)
{
	return g_mime_header_list_get_count(
	    g_mime_object_get_header_list(GMIME_OBJECT(msg)));
}

int
mg_message_parse(const char *buf, size_t len, struct mg_message **out,
    char *err, size_t errlen)
{
	GMimeStream	*stream;
	GMimeParser	*parser;
	GMimeMessage	*msg;
	char		*lf = NULL;
	size_t		 skip;
	int		 rc;

	*out = NULL;
	if (buf == NULL || len == 0) {
		mg_seterr(err, errlen, "not a mail message: empty input");
		return -1;
	}
	if (len > MG_MSG_MAX_SIZE) {
		mg_seterr(err, errlen, "message larger than %u bytes",
		    MG_MSG_MAX_SIZE);
		return -1;
	}
	skip = from_line_len(buf, len);
	buf += skip;
	len -= skip;
	if (!starts_with_field(buf, len)) {
		mg_seterr(err, errlen, "not a mail message: no header fields");
		return -1;
	}
	if (has_bare_cr(buf, len) && (lf = bare_cr_to_lf(buf, len)) == NULL) {
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	/* The hash stays that of the bytes as sent. */
	stream = g_mime_stream_mem_new_with_buffer(lf != NULL ? lf : buf, len);
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	free(lf);
	if (msg == NULL || header_count(msg) == 0) {
		if (msg != NULL)
			g_object_unref(msg);
		mg_seterr(err, errlen, "not a mail message: no header fields");
		return -1;
	}
	rc = build(msg, buf, len, out, err, errlen);
	g_object_unref(msg);
	return rc;
}

int
mg_message_parse_file(const char *path, struct mg_message **out,
    char *err, size_t errlen)
{
	char	*buf, why[MG_ERRLEN];
	size_t	 len;
	int	 rc;

	*out = NULL;
	if (mg_read_file(path, MG_MSG_MAX_SIZE, &buf, &len, err, errlen) == -1)
		return -1;
	rc = mg_message_parse(buf, len, out, why, sizeof(why));
	free(buf);
	if (rc == -1)
		mg_seterr(err, errlen, "%s: %s", path, why);
	return rc;
}

/*
 * Reads back the bytes of the message the parser has just built: from its
 * "From " line to where the parser stopped, without the "From " line and
 * without the blank line that separates messages in an mbox.
 */
static char *
mbox_raw(int fd, gint64 start, gint64 end, size_t *lenp)
{
	size_t	 len = (size_t)(end - start), got = 0, skip;
	char	*buf;

	if ((buf = malloc(len + 1)) == NULL)
		return NULL;
	while (got < len) {
		ssize_t	r = pread(fd, buf + got, len - got, start + (off_t)got);

		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	skip = from_line_len(buf, got);
	memmove(buf, buf + skip, got - skip);
	len = got - skip;
	if (len >= 2 && buf[len - 1] == '\n' && buf[len - 2] == '\n')
		len--;
	else if (len >= 4 && memcmp(buf + len - 4, "\r\n\r\n", 4) == 0)
		len -= 2;
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

/* Builds message number nth (from 1) and hands it to cb. */
static int
mbox_one(const char *path, int fd, GMimeParser *parser, GMimeMessage *msg,
    size_t nth, mg_message_cb cb, void *arg, char *err, size_t errlen)
{
	gint64			 start = g_mime_parser_get_mbox_marker_offset(parser);
	gint64			 end = g_mime_parser_tell(parser);
	struct mg_message	*m;
	char			*raw, why[MG_ERRLEN];
	size_t			 len;
	int			 rc;

	if (start < 0 || end < start) {
		mg_seterr(err, errlen, "%s: message %zu: bad offsets", path, nth);
		return -1;
	}
	if ((guint64)(end - start) > MG_MSG_MAX_SIZE) {
		mg_seterr(err, errlen, "%s: message %zu larger than %u bytes",
		    path, nth, MG_MSG_MAX_SIZE);
		return -1;
	}
	if ((raw = mbox_raw(fd, start, end, &len)) == NULL) {
		mg_seterr(err, errlen, "%s: out of memory", path);
		return -1;
	}
	rc = build(msg, raw, len, &m, why, sizeof(why));
	free(raw);
	if (rc == -1) {
		mg_seterr(err, errlen, "%s: message %zu: %s", path, nth, why);
		return -1;
	}
	rc = cb(m, arg);
	mg_message_free(m);
	return rc;
}

int
mg_message_foreach_mbox(const char *path, mg_message_cb cb, void *arg,
    char *err, size_t errlen)
{
	GMimeStream	*stream;
	GMimeParser	*parser;
	size_t		 nth = 0;
	int		 fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		mg_seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* The stream owns fd; pread() in mbox_raw() leaves its offset alone. */
	stream = g_mime_stream_fs_new(fd);
	parser = g_mime_parser_new_with_stream(stream);
	g_object_unref(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MBOX);
	while (rc == 0 && !g_mime_parser_eos(parser)) {
		GMimeMessage	*msg = g_mime_parser_construct_message(parser,
		    NULL);

		if (msg == NULL) {
			if (nth == 0) {
				mg_seterr(err, errlen, "%s: not an mbox file "
				    "(no \"From \" line)", path);
				rc = -1;
			}
			break;
		}
		rc = mbox_one(path, fd, parser, msg, ++nth, cb, arg, err,
		    errlen);
		g_object_unref(msg);
	}
	g_object_unref(parser);
	return rc;
}

/* ---------------------------------------------------------------------
 * The rest of the interface.
 */

static int
add_unique(struct mg_strlist *out, const struct mg_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (!mg_strlist_has_ci(out, l->v[i]) &&
		    mg_strlist_add(out, l->v[i]) == -1)
			return -1;
	return 0;
}

int
mg_message_recipients(const struct mg_message *m, struct mg_strlist *out)
{
	if (m->env_rcpts.n > 0)
		return add_unique(out, &m->env_rcpts);
	if (add_unique(out, &m->to) == -1 || add_unique(out, &m->cc) == -1 ||
	    add_unique(out, &m->bcc) == -1)
		return -1;
	return 0;
}

void
mg_message_free(struct mg_message *m)
{
	if (m == NULL)
		return;
	free(m->env_from);
	mg_strlist_clear(&m->env_rcpts);
	free(m->from);
	free(m->from_name);
	mg_strlist_clear(&m->to);
	mg_strlist_clear(&m->cc);
	mg_strlist_clear(&m->bcc);
	free(m->subject);
	free(m->message_id);
	mg_strlist_clear(&m->in_reply_to);
	mg_strlist_clear(&m->references);
	free(m->body);
	free(m->new_text);
	free(m->quoted_text);
	free(m->signature);
	for (size_t i = 0; i < m->n_parts; i++)
		text_part_clear(&m->parts[i]);
	free(m->parts);
	for (size_t i = 0; i < m->n_attachments; i++) {
		free(m->attachments[i].filename);
		free(m->attachments[i].content_type);
	}
	free(m->attachments);
	free(m);
}

void
mg_message_init(void)
{
	g_mime_init();
}

void
mg_message_shutdown(void)
{
	g_mime_shutdown();
}
