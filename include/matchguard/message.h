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
#define MG_MSG_MAX_PARTS	1024			/* MIME leaf parts walked */

struct mg_attachment {
	char	*filename;	/* decoded; NULL when the part has none */
	char	*content_type;	/* "type/subtype", lower case */
	size_t	 size;		/* decoded size in bytes */
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

	struct mg_attachment	*attachments;
	size_t			 n_attachments;

	char			 hash[65];	/* SHA-256 hex of the raw bytes */
};

/* Call once before any parse, and mg_message_shutdown() at exit. */
void	mg_message_init(void);
void	mg_message_shutdown(void);

/* Parses len bytes of RFC 5322 message.  On success *out is a new message
 * the caller frees with mg_message_free().  Input that is not a message
 * (empty, no header, binary garbage) fails with a one-line reason. */
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
