/*
 * message.h - the message model: one parsed outgoing e-mail.
 *
 * A message is parsed once with GMime into a plain struct that the policy
 * reads; no GMime type leaks out of src/message.c.  Every string is
 * UTF-8 (decoded from RFC 2047 headers and any body charset GMime knows).
 */
#ifndef MATCHGUARD_MESSAGE_H
#define MATCHGUARD_MESSAGE_H

#include <stddef.h>
#include <time.h>

#include "matchguard/util.h"

/* Hard limits, so that hostile input cannot make parsing unbounded. */
#define MG_MSG_MAX_SIZE		(64u * 1024u * 1024u)	/* bytes of raw message */
#define MG_MSG_MAX_DEPTH	64			/* MIME nesting walked */
#define MG_MSG_MAX_PARTS	1024			/* MIME parts walked */
#define MG_MSG_MAX_TEXT_PARTS	32			/* text parts read */
#define MG_MSG_MAX_UNREAD	8			/* problems kept */

struct mg_attachment {
	char	*filename;	/* decoded; NULL when the part has none */
	char	*content_type;	/* "type/subtype", lower case */
	size_t	 size;		/* decoded size in bytes */
};

/* A text part a reader sees besides the one the body comes from: another
 * alternative (the HTML version), a second inline text part (Apple Mail
 * writes text, image, text), a forwarded message shown inline. */
struct mg_text_part {
	char	*label;		/* "the HTML version", "the second text part" */
	char	*body;		/* its text; HTML and enriched text as text */
	char	*new_text;	/* without quoted reply and "-- " signature */
	char	*signature;	/* after "-- " ("" when none) */
	int	 html;		/* came from text/html */
};

/* Why a letter could not be read in full (what a rule reports). */
enum mg_unread_kind {
	MG_UNREAD_DEPTH,	/* parts nested deeper than MG_MSG_MAX_DEPTH */
	MG_UNREAD_PARTS,	/* more than MG_MSG_MAX_PARTS parts, or more
				 * than MG_MSG_MAX_TEXT_PARTS text parts */
	MG_UNREAD_ENCODING,	/* a Content-Transfer-Encoding GMime does not
				 * know; detail: its name */
	MG_UNREAD_BOUNDARY,	/* a multipart whose parts cannot be found (no
				 * boundary, or one that never occurs) */
	MG_UNREAD_CHARSET,	/* 8-bit text in a charset that cannot be
				 * converted; detail: its name */
	MG_UNREAD_ENCRYPTED	/* encrypted content; detail: "PGP", "S/MIME" */
};

struct mg_unread {
	enum mg_unread_kind	 kind;
	char			 where[48];	/* "the HTML version", "part 3";
						 * "" for the whole letter */
	char			 detail[64];	/* "" when none */
};

struct mg_message {
	/* Envelope, filled by the caller when known (SMTP, sendmail). */
	char			*env_from;
	struct mg_strlist	 env_rcpts;

	/* Decoded header fields.  Addresses are bare "local@domain", with the
	 * domain lower-cased; group syntax is flattened. */
	char			*from;		/* NULL when absent */
	char			*from_name;	/* display name or NULL */
	struct mg_strlist	 to, cc, bcc;
	char			*subject;	/* "" when absent */
	time_t			 date;		/* valid when has_date */
	int			 has_date;
	char			*message_id;	/* without <>, or NULL */
	struct mg_strlist	 in_reply_to;	/* ids without <> */
	struct mg_strlist	 references;	/* ids without <> */

	/* Text. */
	char			*body;		/* whole body text */
	char			*new_text;	/* body without quote and signature */
	char			*quoted_text;	/* quoted reply ("" when none) */
	char			*signature;	/* after "-- " ("" when none) */
	int			 html_only;	/* body came from text/html */

	/* The other text parts a reader sees, in MIME order (not the one
	 * body comes from, which is the first inline text/plain, else the
	 * first text/html, else the first other inline text part; parts
	 * whose text is the body's are left out). */
	struct mg_text_part	*parts;
	size_t			 n_parts;

	/* What could not be read; n_unread 0 when everything was. */
	struct mg_unread	 unread[MG_MSG_MAX_UNREAD];
	size_t			 n_unread;

	struct mg_attachment	*attachments;
	size_t			 n_attachments;

	char			 hash[65];	/* SHA-256 hex of the raw bytes */
};

/* Call once before any parse, and mg_message_shutdown() at exit. */
void	mg_message_init(void);
void	mg_message_shutdown(void);

/* Parses len bytes of RFC 5322 message.  On success *out is a new message
 * the caller frees with mg_message_free().  Input that is not a message
 * (empty, no header, binary garbage) fails with a one-line reason.
 *
 * What a reader's mail client would show is read, and what cannot be read
 * is listed in unread: every inline text part (text/plain, text/html and
 * text/enriched as text, any other text/ type as it is), an inline
 * message/rfc822 (a forwarded letter), a part whose Content-Type cannot
 * be parsed (text/plain, as RFC 2045 says); bare CR line ends are read as
 * line ends; text in an unknown charset is read as it is when it is
 * ASCII.  Attachments (Content-Disposition: attachment, or a file name
 * without "inline") are recorded, not read. */
int	mg_message_parse(const char *buf, size_t len, struct mg_message **out,
	    char *err, size_t errlen);

/* Same, from a file (at most MG_MSG_MAX_SIZE bytes); err names the file. */
int	mg_message_parse_file(const char *path, struct mg_message **out,
	    char *err, size_t errlen);

/* Calls cb for every message of an mbox file, in order; stops and returns
 * cb's value when it is not 0.  The message passed to cb is freed after cb
 * returns. */
typedef int (*mg_message_cb)(struct mg_message *m, void *arg);
int	mg_message_foreach_mbox(const char *path, mg_message_cb cb, void *arg,
	    char *err, size_t errlen);

/* Every recipient: the envelope when it is set, else To, Cc and Bcc;
 * de-duplicated, case-insensitively.  Fills a list the caller clears. */
int	mg_message_recipients(const struct mg_message *m, struct mg_strlist *out);

void	mg_message_free(struct mg_message *m);

/* Turns HTML into readable text: tags removed, block elements as line
 * breaks, entities decoded, <script>/<style> dropped, <blockquote>
 * content prefixed with "> ".  Caller frees. */
char	*mg_html_to_text(const char *html, size_t len);

/* Splits body into new text, quoted reply and signature (each newly
 * allocated, caller frees). */
int	mg_split_body(const char *body, char **new_text, char **quoted,
	    char **signature);

#endif
