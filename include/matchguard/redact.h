/*
 * redact.h - keeps a server's echo of a credential out of the log, the
 * mail client's screen and the notices.
 *
 * Some servers repeat, in their refusal, the line they were sent:
 * "535 5.7.8 AUTH PLAIN AHByaXlhAHNlY3JldA== rejected", or an IMAP
 * "a2 NO LOGIN priya secret failed".  Every reply text the relay and the
 * poller keep goes through mg_redact() first, with the secrets of that
 * connection.
 *
 * A set holds, for every secret added (a password, a token, a user name),
 * every form in which it went over the wire, derived once:
 *   - the secret itself, and its IMAP quoted-string form (\" and \\);
 *   - its base64 at each of the three offsets it can have inside a longer
 *     base64 blob (the SASL PLAIN blob "\0user\0password", the XOAUTH2
 *     "user=...\1auth=Bearer ...\1\1", AUTH LOGIN's separate lines): the
 *     characters that depend on the secret alone, so that base64 of any
 *     blob holding it is found whatever comes before or after;
 *   - the base64 of each whole blob added with mg_redact_add_blob().
 * Matching ignores case (an upper-cased echo still leaks the secret) and
 * any white space (space, tab, CR, LF) the server put inside it, e.g. a
 * blob cut over two lines.  A base64 form found inside a longer run of
 * base64 characters hides the whole run.  The plain forms are searched
 * whatever their length; a base64 form of a part shorter than
 * MG_REDACT_MIN_FORM characters is not (it would match ordinary words),
 * and the rule below covers it in authentication replies.
 *
 * With MG_REDACT_AUTH (a reply to an authentication step), any token of
 * MG_REDACT_MIN_TOKEN or more characters of the base64 alphabets
 * (A-Z a-z 0-9 + / - _, then at most two =) that is not a plain word
 * (letters and hyphens only: all lower case, all upper case, or one
 * capital then lower case) is hidden too, whatever the secrets: an echo of something the set does not know
 * (another encoding, a blob cut short) never reaches the log either.
 *
 * Every match becomes "[redacted]".  The set's memory is wiped when it is
 * freed.  A set is read-only once built: one set may serve several
 * threads.
 */
#ifndef MATCHGUARD_REDACT_H
#define MATCHGUARD_REDACT_H

#include <stddef.h>

#define MG_REDACT_MARK		"[redacted]"
#define MG_REDACT_MIN_FORM	4	/* shortest base64 form searched */
#define MG_REDACT_MIN_TOKEN	16	/* MG_REDACT_AUTH: base64-looking token */

/* flags of mg_redact() */
#define MG_REDACT_AUTH		0x01

struct mg_redact;

/* An empty set; NULL when out of memory.  Free with mg_redact_free(). */
struct mg_redact *mg_redact_new(void);

/* Adds secret (NUL-terminated) and its forms.  An empty or NULL secret
 * adds nothing.  0, or -1 when out of memory (the set is unchanged). */
int	mg_redact_add(struct mg_redact *r, const char *secret);

/* Adds the base64 of blob[0..len) (which may hold NUL bytes), as sent
 * whole in one line (AUTH PLAIN, AUTHENTICATE XOAUTH2).  0 or -1. */
int	mg_redact_add_blob(struct mg_redact *r, const void *blob, size_t len);

/* The set of one login's credentials is built by
 * mg_endpoint_redact_new() (endpoint.h), from the blobs it sends. */

/* Wipes and frees *rp and sets it to NULL; NULL and *rp == NULL are
 * allowed. */
void	mg_redact_free(struct mg_redact **rp);

/*
 * Copies text into out[outlen] (outlen > 0) with every form of every
 * secret of r (NULL: none) replaced by MG_REDACT_MARK, and with flags
 * MG_REDACT_AUTH every base64-looking token too; NUL-terminated, cut at
 * outlen - 1 bytes when longer (after the replacing: nothing of a secret
 * survives the cut).  Other bytes are copied as they are.  Returns out.
 * When memory runs out, out holds only MG_REDACT_MARK.
 */
char	*mg_redact(const struct mg_redact *r, const char *text, int flags,
	    char *out, size_t outlen);

#endif
