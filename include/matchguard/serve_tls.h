/*
 * serve_tls.h - the certificate and key local mail clients see after
 * STARTTLS to `serve`.
 *
 * Those of smtp.tls_cert / smtp.tls_key when set; otherwise a
 * self-signed certificate for localhost, 127.0.0.1 and ::1 that the
 * first start makes in the state folder (smtp-cert.pem, smtp-key.pem,
 * both 0600), so that clients which insist on TLS (Debian's mutt and
 * neomutt, ssl_force_tls) can send through the guard.  The connection
 * never leaves the computer; TLS only satisfies the client.
 */
#ifndef MATCHGUARD_SERVE_TLS_H
#define MATCHGUARD_SERVE_TLS_H

#include <stddef.h>

#include "matchguard/config.h"

/* File names of the made certificate and key in cfg->state_dir. */
#define MG_SERVE_TLS_CERT	"smtp-cert.pem"
#define MG_SERVE_TLS_KEY	"smtp-key.pem"

/* Loads (or first makes) the credentials into *creds, a
 * gnutls_certificate_credentials_t the caller frees with
 * mg_serve_tls_free.  -1 with err (naming the file) on failure. */
int	mg_serve_tls_load(const struct mg_config *cfg, void **creds,
	    char *err, size_t errlen);
void	mg_serve_tls_free(void *creds);

#endif
