/*
 * signature.c - the template signature of a letter (signature.h): its
 * new text with the names of the directory and of the applicant masked,
 * then signed (textsim.h), and the mask, built once per configuration.
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "matchguard/buf.h"
#include "matchguard/policy.h"
#include "matchguard/signature.h"
#include "matchguard/textnorm.h"
#include "matchguard/textsim.h"
#include "matchguard/util.h"

/*
 * The words of program names that tell one program from another: those
 * in the names of one program, or of at most a third of them.  "Genetics"
 * and "Residency" are in every name and stay; "Harborview" goes.
 */
/* The KEY words of p's name, institution and aliases: " w1 w2 ... ". */
static char *
program_words(const struct mg_program *p)
{
	struct mg_buf	 b = { 0 };

	mg_buf_puts(&b, " ");
	for (size_t a = 0; a < p->aliases.n + 2; a++) {
		const char	*name = a == 0 ? p->name : a == 1 ?
		    p->institution : p->aliases.v[a - 2];
		char		*k = mg_name_key(name);

		if (k == NULL) {
			mg_buf_free(&b);
			return NULL;
		}
		mg_buf_puts(&b, k + (k[0] == ' '));
		free(k);
	}
	if (b.failed) {
		mg_buf_free(&b);
		return NULL;
	}
	return b.s;
}

/*
 * The words of program names that tell one program from another: those
 * in the names of one program only, or of at most a third of them.
 * "Genetics" and "Residency" are in every name and stay; "Harborview"
 * is masked.  Words under four letters stay.
 */
static int
add_program_words(struct mg_textmask *m, const struct mg_directory *dir)
{
	char	**words = calloc(dir->n + 1, sizeof(*words));
	int	  rc = 0;

	if (words == NULL)
		return -1;
	for (size_t i = 0; i < dir->n && rc == 0; i++)
		if ((words[i] = program_words(&dir->programs[i])) == NULL)
			rc = -1;
	for (size_t i = 0; i < dir->n && rc == 0; i++)
		for (char *w = words[i] + 1; *w != '\0' && rc == 0;) {
			size_t	len = strcspn(w, " "), count = 0;
			char	pad[128];

			if (len >= 4 && len + 3 <= sizeof(pad)) {
				snprintf(pad, sizeof(pad), " %.*s ", (int)len, w);
				for (size_t j = 0; j < dir->n; j++)
					count += strstr(words[j], pad) != NULL;
				if (count == 1 || count * 3 <= dir->n)
					rc = mg_textmask_add_words(m, pad);
			}
			w += len;
			w += *w == ' ';
		}
	for (size_t i = 0; i < dir->n; i++)
		free(words[i]);
	free(words);
	return rc;
}

static struct mg_textmask *
name_mask(const struct mg_config *cfg)
{
	struct mg_textmask	*m = mg_textmask_new();
	int			 rc = 0;

	if (m == NULL)
		return NULL;
	if (cfg->name != NULL)
		rc |= mg_textmask_add_phrase(m, cfg->name) |
		    mg_textmask_add_words(m, cfg->name);
	for (size_t i = 0; i < cfg->dir.n && rc == 0; i++) {
		const struct mg_program	*p = &cfg->dir.programs[i];

		rc |= mg_textmask_add_phrase(m, p->name);
		if (p->institution[0] != '\0')
			rc |= mg_textmask_add_phrase(m, p->institution);
		for (size_t a = 0; a < p->aliases.n; a++)
			rc |= mg_textmask_add_phrase(m, p->aliases.v[a]);
		for (size_t c = 0; c < p->n_contacts; c++)
			rc |= mg_textmask_add_phrase(m, p->contacts[c].name) |
			    mg_textmask_add_words(m, p->contacts[c].name);
	}
	if (rc != 0 || add_program_words(m, &cfg->dir) == -1) {
		mg_textmask_free(m);
		return NULL;
	}
	return m;
}

int
mg_signature_prepare(struct mg_config *cfg)
{
	if (cfg->sig_mask == NULL)
		cfg->sig_mask = name_mask(cfg);
	return cfg->sig_mask != NULL ? 0 : -1;
}

void
mg_signature_unprepare(struct mg_config *cfg)
{
	mg_textmask_free(cfg->sig_mask);
	cfg->sig_mask = NULL;
}

int
mg_signature_of(const struct mg_config *cfg, const char *text,
    struct mg_textsig *sig)
{
	struct mg_textmask	*m;
	char			*copy, *masked;
	size_t			 len = strlen(text);

	memset(sig, 0, sizeof(*sig));
	if (len > MG_POLICY_MAX_TEXT) {
		len = MG_POLICY_MAX_TEXT;
		while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
			len--;
	}
	if ((copy = mg_strndup(text, len)) == NULL)
		return -1;
	if ((m = cfg->sig_mask) == NULL && (m = name_mask(cfg)) == NULL) {
		free(copy);
		return -1;
	}
	masked = mg_textmask_apply(m, copy, NULL);
	if (m != cfg->sig_mask)
		mg_textmask_free(m);
	free(copy);
	if (masked == NULL)
		return -1;
	(void)mg_textsim_sign(masked, sig);	/* no word: no signature */
	free(masked);
	return 0;
}
