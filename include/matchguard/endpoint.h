/*
 * endpoint.h - the client side of a connection to a mail server, shared
 * by the SMTP relay (upstream_smtp.c, upstream group) and the IMAP poller
 * (imap_poller.c, imap group): the settings, TCP (net.h), implicit TLS or
 * the upgrade after STARTTLS with the certificate and host name check
 * (tls_verify.h), the credentials (secret.h), the SASL blobs and the
 * redaction set of those credentials (redact.h).
 *
 * Each protocol keeps its own dialogue: its STARTTLS command, which
 * blobs it sends how, and the words of its errors.  What is here says
 * the same thing for both.
 *
 * Every TLS connection is checked right after its handshake and before
 * a single command goes over it; there is no "insecure" switch.  The
 * stream guard (stream_guard.h) is put between the stream and its
 * driver after the check (tls_verify.c wants libetpan's own TLS driver).
 */
#ifndef MATCHGUARD_ENDPOINT_H
#define MATCHGUARD_ENDPOINT_H

#include <stddef.h>

enum mg_tls_mode { MG_TLS_STARTTLS, MG_TLS_IMPLICIT, MG_TLS_NONE };
enum mg_auth_mode { MG_AUTH_NONE, MG_AUTH_PLAIN, MG_AUTH_LOGIN,
	MG_AUTH_XOAUTH2 };

/*
 * The settings of one server, as a group of the configuration file
 * holds them (host, port, tls, auth, user, password, password_command,
 * tls_trust_file, timeout).  They are read by mg_cfg_load_endpoint()
 * (config_priv.h) and freed by mg_endpoint_clear().
 */
struct mg_endpoint {
	char			*host;		/* as written; "[::1]" allowed */
	int			 port;
	enum mg_tls_mode	 tls;
	enum mg_auth_mode	 auth;		/* MG_AUTH_NONE: no login */
	char			*user;
	char			*password;	/* never logged */
	char			*password_command;
	char			*tls_trust_file; /* an extra CA, PEM, expanded */
	int			 timeout;	/* seconds: connect, handshake,
						 * password_command, one step */
};

/* Frees (the password wiped first) and zeroes ep. */
void	mg_endpoint_clear(struct mg_endpoint *ep);

/* libetpan's types and ours, declared here so that includers (config.h)
 * need not include libetpan. */
struct _mailstream;
struct mg_stream_guard;
struct mg_redact;

/* One connection's identity: the name the certificate must carry, and
 * whether it goes out as SNI (RFC 6066: never an IP address). */
struct mg_endpoint_conn {
	const struct mg_endpoint *ep;
	char			 name[256];	/* host without [ ] */
	int			 sni;
};

/* Fills c for ep (not copied: it must outlive c) and connects (net.h):
 * a blocking socket the caller owns, or -1 with "cannot connect to
 * HOST:PORT: why" in err. */
int	mg_endpoint_connect(struct mg_endpoint_conn *c,
	    const struct mg_endpoint *ep, char *err, size_t errlen);

/* A stream over fd (which it owns from then on, closed on failure too):
 * with tls = implicit, the handshake and the certificate check; then,
 * when guard is not NULL (initialised by the caller), the guard around
 * its driver.  NULL with one line in err ("TLS handshake with HOST:PORT
 * failed", tls_verify.h's line, "out of memory"). */
struct _mailstream *mg_endpoint_open(struct mg_endpoint_conn *c, int fd,
	    struct mg_stream_guard *guard, char *err, size_t errlen);

/* The upgrade of s after the protocol's STARTTLS command was accepted:
 * bytes already buffered are refused (they came in clear: STARTTLS
 * response injection, CVE-2020-15953), then the handshake, the check,
 * and the guard (NULL: none) around the new driver.  -1 with one line in
 * err; s is the caller's to close either way. */
int	mg_endpoint_starttls(struct mg_endpoint_conn *c,
	    struct _mailstream *s, struct mg_stream_guard *guard, char *err,
	    size_t errlen);

/*
 * The credentials: with auth = none, *secret and *red are NULL; else
 * *secret is the password or what password_command printed (secret.h),
 * released with mg_secret_free(), and *red the redaction set of user and
 * secret (mg_endpoint_redact_new()), released with mg_redact_free().
 * -1 with one line in err, nothing to free.
 */
int	mg_endpoint_credentials(const struct mg_endpoint *ep, char **secret,
	    struct mg_redact **red, char *err, size_t errlen);

/* A redaction set for one login: user and secret (NULL is taken as ""),
 * and the base64 of the PLAIN and XOAUTH2 blobs exactly as
 * mg_endpoint_sasl() builds them (AUTH LOGIN's lines and IMAP's LOGIN
 * are covered by the parts).  NULL when out of memory. */
struct mg_redact *mg_endpoint_redact_new(const char *user,
	    const char *secret);

/*
 * The base64 line of a SASL initial response, in memory the caller
 * releases with mg_secret_free() (it is wiped):
 *   MG_AUTH_PLAIN    "\0user\0secret" (RFC 4616, no authorisation id);
 *   MG_AUTH_XOAUTH2  "user=U\1auth=Bearer T\1\1" (Google, Microsoft);
 *   MG_AUTH_LOGIN    secret alone, user ignored (AUTH LOGIN sends the
 *                    user and the password as two lines: one call for
 *                    each).
 * NULL when out of memory, or for MG_AUTH_NONE.
 */
char	*mg_endpoint_sasl(enum mg_auth_mode mech, const char *user,
	    const char *secret);

#endif
