/*
 * tls_verify.h - check a server's TLS certificate chain and host name.
 *
 * libetpan completes any TLS handshake without looking at the server's
 * certificate, so every TLS connection matchguard makes (the SMTP relay,
 * the IMAP poller) calls one of these right after the handshake and
 * before a single command is sent, and drops the connection when it
 * fails.  There is no "insecure" switch: a private server's CA goes into
 * tls_trust_file instead.
 *
 * The chain is checked against the system trust store
 * (gnutls_x509_trust_list_add_system_trust, i.e. ca-certificates) plus,
 * when trust_file is not NULL, the CA certificates of that PEM file; the
 * leaf must be valid for TLS servers and carry hostname (a DNS name, or an
 * IP address in text form matched against the IP SANs).
 *
 * Both return 0 when the certificate is good, and -1 otherwise with one
 * line in err, e.g. "certificate of smtp.example.com is not trusted: The
 * certificate issuer is unknown."
 */
#ifndef MATCHGUARD_TLS_VERIFY_H
#define MATCHGUARD_TLS_VERIFY_H

#include <stddef.h>

/* libetpan's mailstream, declared here so that includers need not
 * include libetpan. */
struct _mailstream;

/* der[i] / der_len[i]: the chain as the server sent it, leaf first, in
 * DER; n >= 1. */
int	 mg_tls_verify_chain(const unsigned char *const *der,
	    const size_t *der_len, size_t n, const char *hostname,
	    const char *trust_file, char *err, size_t errlen);

/* The same for the peer of a libetpan TLS stream (after the handshake).
 * A stream that is not TLS fails. */
int	 mg_tls_verify_stream(struct _mailstream *s, const char *hostname,
	    const char *trust_file, char *err, size_t errlen);

#endif
