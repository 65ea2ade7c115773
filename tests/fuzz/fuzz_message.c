/*
 * fuzz_message.c - the message model (message.c) on arbitrary bytes:
 * mg_message_parse() and mg_message_recipients() on the bytes as a
 * message; mg_html_to_text() and mg_split_body() on them as text.
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "matchguard/message.h"

#define FUZZ_MAX_INPUT	(1u << 20)

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	mg_message_init();
	return 0;
}

static void
parse(const char *in, size_t len)
{
	struct mg_message	*m;
	struct mg_strlist	 rcpts = { 0 };
	char			 err[MG_ERRLEN];

	err[0] = '\0';
	if (mg_message_parse(in, len, &m, err, sizeof(err)) == -1) {
		FUZZ_ASSERT(err[0] != '\0' && strchr(err, '\n') == NULL);
		return;
	}
	FUZZ_ASSERT(m->subject != NULL && m->body != NULL);
	FUZZ_ASSERT(m->new_text != NULL && m->quoted_text != NULL &&
	    m->signature != NULL);
	FUZZ_ASSERT(strlen(m->hash) == 64);
	FUZZ_ASSERT(m->n_parts < MG_MSG_MAX_TEXT_PARTS &&
	    m->n_unread <= MG_MSG_MAX_UNREAD);
	for (size_t i = 0; i < m->n_parts; i++)
		FUZZ_ASSERT(m->parts[i].label != NULL &&
		    m->parts[i].body != NULL && m->parts[i].new_text != NULL &&
		    m->parts[i].signature != NULL);
	if (mg_message_recipients(m, &rcpts) == 0)
		mg_strlist_clear(&rcpts);
	mg_message_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*text, *html, *new_text, *quoted, *sig;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	parse((const char *)data, size);
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if ((html = mg_html_to_text(text, size)) != NULL)
		free(html);
	if (mg_split_body(text, &new_text, &quoted, &sig) == 0) {
		FUZZ_ASSERT(new_text != NULL && quoted != NULL && sig != NULL);
		free(new_text);
		free(quoted);
		free(sig);
	}
	free(text);
	return 0;
}
