/*
 * letter_edit.h - the text of a letter, out and back in: what the
 * applicant edits (queue edit, the review page) is the decoded text, not
 * the MIME source, and the new text goes back into every alternative a
 * reader may see, so that the plain and the HTML version say the same.
 *
 * The text edited is the letter's first inline text/plain part (not an
 * attachment), or, when it has none, its first inline text/html part as
 * text (mg_html_to_text()).  On replace:
 *   - that text/plain part gets the new text (UTF-8, quoted-printable or
 *     base64 as GMime finds best);
 *   - every inline text/html part of the multipart/alternative it is in
 *     (also inside a multipart/related there) is rebuilt from the new
 *     text: escaped, a paragraph for each run of lines between blank
 *     lines, a line break for each line end;
 *   - an HTML-only letter gets its HTML part rebuilt the same way;
 *   - every other part (attachments, images) and every header field is
 *     kept as it was.  Line ends follow the original: CR LF when it had
 *     CR LF.
 * Pure: no file, no clock.  Both need mg_message_init() (GMime).
 */
#ifndef MATCHGUARD_LETTER_EDIT_H
#define MATCHGUARD_LETTER_EDIT_H

#include <stddef.h>

/* The most bytes of text accepted as the new text. */
#define MG_EDIT_MAX_TEXT	(1024u * 1024u)

/* The decoded text of the part that is edited, UTF-8, LF line ends, in
 * *text (the caller frees).  0; -1 with err when data is not a message
 * or has no text part. */
int	mg_letter_edit_text(const char *data, size_t len, char **text,
	    char *err, size_t errlen);

/* The message data[len] with its text replaced by text[textlen] (UTF-8;
 * CR LF and CR are taken as line ends), as above: *out (*outlen bytes,
 * NUL-terminated) is new memory the caller frees.  0; -1 with err (not
 * a message, no text part, text not UTF-8 or longer than
 * MG_EDIT_MAX_TEXT, out of memory). */
int	mg_letter_edit_replace(const char *data, size_t len, const char *text,
	    size_t textlen, char **out, size_t *outlen, char *err,
	    size_t errlen);

/* The HTML made from text (escaped, paragraphs, line breaks), as
 * mg_letter_edit_replace() puts it in the text/html part; caller frees.
 * NULL when out of memory. */
char	*mg_letter_edit_html(const char *text);

#endif
