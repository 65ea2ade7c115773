/*
 * redact.c - the echo of a credential replaced in a server's reply text
 * (see redact.h).
 *
 * A set is a list of forms (byte strings); mg_redact() marks every byte
 * of the text that a form covers, then copies the text with each run of
 * marked bytes as one MG_REDACT_MARK.  Texts are server replies of a few
 * hundred bytes and the forms are a dozen, so the plain search, form by
 * form and offset by offset, costs nothing worth an index.
 */
#include "config_auto.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matchguard/redact.h"
#include "matchguard/util.h"

struct form {
	char	*s;
	size_t	 len;
	int	 b64;		/* hides the whole base64 run around it */
};

struct mg_redact {
	struct form	*v;
	size_t		 n, cap;
};

static const char b64tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "abcdefghijklmnopqrstuvwxyz0123456789+/";

static void
wipe(void *p, size_t n)
{
	if (p != NULL && n > 0)
		explicit_bzero(p, n);
}

struct mg_redact *
mg_redact_new(void)
{
	return calloc(1, sizeof(struct mg_redact));
}

void
mg_redact_free(struct mg_redact **rp)
{
	struct mg_redact	*r;

	if (rp == NULL || (r = *rp) == NULL)
		return;
	for (size_t i = 0; i < r->n; i++) {
		wipe(r->v[i].s, r->v[i].len);
		free(r->v[i].s);
	}
	free(r->v);
	free(r);
	*rp = NULL;
}

/* Takes s (len bytes, malloc'ed): added, or wiped and freed. */
static int
add_form(struct mg_redact *r, char *s, size_t len, int b64)
{
	if (len == 0 || (b64 && len < MG_REDACT_MIN_FORM)) {
		wipe(s, len);
		free(s);
		return 0;
	}
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].len == len && memcmp(r->v[i].s, s, len) == 0) {
			wipe(s, len);
			free(s);
			return 0;
		}
	if (r->n == r->cap) {
		size_t		 ncap = r->cap ? r->cap * 2 : 16;
		struct form	*nv = realloc(r->v, ncap * sizeof(*nv));

		if (nv == NULL) {
			wipe(s, len);
			free(s);
			return -1;
		}
		r->v = nv;
		r->cap = ncap;
	}
	r->v[r->n++] = (struct form){ s, len, b64 };
	return 0;
}

static int
add_copy(struct mg_redact *r, const char *s, size_t len, int b64)
{
	char	*c = malloc(len + 1);

	if (c == NULL)
		return -1;
	memcpy(c, s, len);
	c[len] = '\0';
	return add_form(r, c, len, b64);
}

/* The 6-bit group j of the bit string in[0..len). */
static unsigned
sextet(const unsigned char *in, size_t len, size_t j)
{
	size_t		bit = 6 * j, byte = bit / 8;
	unsigned	hi = in[byte], lo = byte + 1 < len ? in[byte + 1] : 0;

	return ((hi << 8 | lo) >> (10 - bit % 8)) & 63;
}

/*
 * The base64 characters that stand for s alone when s starts k bytes
 * (0, 1 or 2) into a blob: groups ceil(8k/6) to floor(8(k+m)/6) - 1 of
 * k zero bytes followed by s.  The groups before depend on the bytes
 * before s, the last partial one on the bytes after it.
 */
static int
add_base64_core(struct mg_redact *r, const char *s, size_t m, size_t k)
{
	size_t		 len = k + m, from = (8 * k + 5) / 6, to = 8 * len / 6;
	unsigned char	*buf;
	char		*out;
	int		 rc;

	if (to <= from || to - from < MG_REDACT_MIN_FORM)
		return 0;
	if ((buf = calloc(1, len)) == NULL)
		return -1;
	memcpy(buf + k, s, m);
	if ((out = malloc(to - from + 1)) == NULL) {
		wipe(buf, len);
		free(buf);
		return -1;
	}
	for (size_t j = from; j < to; j++)
		out[j - from] = b64tab[sextet(buf, len, j)];
	out[to - from] = '\0';
	wipe(buf, len);
	free(buf);
	rc = add_form(r, out, to - from, 1);
	return rc;
}

/* s as an IMAP quoted string carries it: \ and " escaped. */
static int
add_quoted(struct mg_redact *r, const char *s, size_t m)
{
	size_t	 n = 0;
	char	*q;

	if (strcspn(s, "\\\"") == m)
		return 0;
	if ((q = malloc(2 * m + 1)) == NULL)
		return -1;
	for (size_t i = 0; i < m; i++) {
		if (s[i] == '\\' || s[i] == '"')
			q[n++] = '\\';
		q[n++] = s[i];
	}
	q[n] = '\0';
	return add_form(r, q, n, 0);
}

int
mg_redact_add(struct mg_redact *r, const char *secret)
{
	size_t	m, n0;

	if (secret == NULL || *secret == '\0')
		return 0;
	m = strlen(secret);
	n0 = r->n;
	if (add_copy(r, secret, m, 0) == -1 || add_quoted(r, secret, m) == -1)
		goto fail;
	for (size_t k = 0; k < 3; k++)
		if (add_base64_core(r, secret, m, k) == -1)
			goto fail;
	return 0;
fail:
	while (r->n > n0) {
		r->n--;
		wipe(r->v[r->n].s, r->v[r->n].len);
		free(r->v[r->n].s);
	}
	return -1;
}

int
mg_redact_add_blob(struct mg_redact *r, const void *blob, size_t len)
{
	char	*out;

	if (len == 0)
		return 0;
	if ((out = mg_base64_encode(blob, len)) == NULL)
		return -1;
	return add_form(r, out, strlen(out), 1);
}

/*
 * Matching.
 */

static int
is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static unsigned char
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

static int
is_b64(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=' ||
	    c == '-' || c == '_';
}

/* The end of f matched at t[i], white space allowed between its
 * characters; 0 when it does not match there. */
static size_t
match_at(const unsigned char *t, size_t n, size_t i, const struct form *f)
{
	const unsigned char	*s = (const unsigned char *)f->s;
	size_t			 k = i;

	for (size_t j = 0; j < f->len; j++) {
		if (j > 0 && !is_space(s[j]))
			while (k < n && is_space(t[k]))
				k++;
		if (k >= n || lower(t[k]) != lower(s[j]))
			return 0;
		k++;
	}
	return k;
}

static void
mark_forms(const struct mg_redact *r, const unsigned char *t, size_t n,
    unsigned char *mask)
{
	for (size_t x = 0; r != NULL && x < r->n; x++) {
		const struct form	*f = &r->v[x];

		for (size_t i = 0; i + f->len <= n; i++) {
			size_t	a = i, e = match_at(t, n, i, f);

			if (e == 0)
				continue;
			if (f->b64) {
				while (a > 0 && is_b64(t[a - 1]))
					a--;
				while (e < n && is_b64(t[e]))
					e++;
			}
			memset(mask + a, 1, e - a);
		}
	}
}

/* Letters only: all lower case, all upper case, or Capitalised. */
static int
plain_word(const unsigned char *t, size_t len)
{
	size_t	up = 0, low = 0, inner_up = 0;

	for (size_t i = 0; i < len; i++) {
		if (t[i] >= 'a' && t[i] <= 'z')
			low++;
		else if (t[i] >= 'A' && t[i] <= 'Z') {
			up++;
			if (i > 0)
				inner_up++;
		} else if (t[i] != '-')
			return 0;
	}
	return low == 0 || up == 0 || inner_up == 0;
}

/* A run of base64 characters with at most two '=' at its end. */
static size_t
token_end(const unsigned char *t, size_t n, size_t i)
{
	size_t	e = i, pad = 0;

	while (e < n && is_b64(t[e]) && t[e] != '=')
		e++;
	while (e < n && t[e] == '=' && pad < 2) {
		e++;
		pad++;
	}
	return e;
}

static void
mark_tokens(const unsigned char *t, size_t n, unsigned char *mask)
{
	size_t	i = 0;

	while (i < n) {
		size_t	e = token_end(t, n, i);

		if (e - i >= MG_REDACT_MIN_TOKEN && !plain_word(t + i, e - i))
			memset(mask + i, 1, e - i);
		i = e > i ? e : i + 1;
	}
}

char *
mg_redact(const struct mg_redact *r, const char *text, int flags, char *out,
    size_t outlen)
{
	const unsigned char	*t = (const unsigned char *)text;
	const size_t		 marklen = sizeof(MG_REDACT_MARK) - 1;
	size_t			 n = text != NULL ? strlen(text) : 0, o = 0;
	unsigned char		*mask;

	if (outlen == 0)
		return out;
	if ((mask = calloc(1, n + 1)) == NULL) {
		snprintf(out, outlen, "%s", MG_REDACT_MARK);
		return out;
	}
	mark_forms(r, t, n, mask);
	if (flags & MG_REDACT_AUTH)
		mark_tokens(t, n, mask);
	for (size_t i = 0; i < n && o + 1 < outlen;) {
		if (!mask[i]) {
			out[o++] = text[i++];
			continue;
		}
		while (i < n && mask[i])
			i++;
		if (o + marklen + 1 > outlen)
			break;
		memcpy(out + o, MG_REDACT_MARK, marklen);
		o += marklen;
	}
	out[o] = '\0';
	free(mask);
	return out;
}
