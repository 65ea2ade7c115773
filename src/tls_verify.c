/*
 * tls_verify.c - certificate chain and host name checks with GnuTLS.
 *
 * Protocol-free: the SMTP relay and the IMAP poller both call it after
 * the TLS handshake that libetpan performs without any verification.
 */
#include "config_auto.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include <libetpan/libetpan.h>

#include "matchguard/tls_verify.h"
#include "matchguard/util.h"

/* Exported by every libetpan built with TLS (Debian's uses GnuTLS), but
 * declared by mailstream_ssl.h only when the includer defines USE_SSL. */
extern mailstream_low_driver *mailstream_ssl_driver;

/* A server chain longer than this is refused rather than parsed. */
#define MG_TLS_MAX_CHAIN	16

static int
load_trust(gnutls_x509_trust_list_t tl, const char *trust_file, char *err,
    size_t errlen)
{
	int	 nsys, nfile;

	nsys = gnutls_x509_trust_list_add_system_trust(tl, 0, 0);
	if (trust_file != NULL) {
		nfile = gnutls_x509_trust_list_add_trust_file(tl, trust_file,
		    NULL, GNUTLS_X509_FMT_PEM, 0, 0);
		if (nfile < 0) {
			mg_seterr(err, errlen, "tls_trust_file %s: %s",
			    trust_file, gnutls_strerror(nfile));
			return -1;
		}
		if (nfile == 0) {
			mg_seterr(err, errlen, "tls_trust_file %s: no PEM "
			    "certificate in it", trust_file);
			return -1;
		}
		return 0;
	}
	if (nsys <= 0) {
		mg_seterr(err, errlen, "no trusted CA certificates: the "
		    "system store is empty or missing (install "
		    "ca-certificates) and no tls_trust_file is set");
		return -1;
	}
	return 0;
}

static int
import_chain(gnutls_x509_crt_t *crts, const unsigned char *const *der,
    const size_t *der_len, size_t n, const char *hostname, char *err,
    size_t errlen)
{
	gnutls_datum_t	 d;
	int		 r;

	for (size_t i = 0; i < n; i++) {
		if (der_len[i] > 0xffffffffu ||
		    (r = gnutls_x509_crt_init(&crts[i])) < 0) {
			mg_seterr(err, errlen, "certificate of %s: out of "
			    "memory", hostname);
			return -1;
		}
		d.data = (unsigned char *)(uintptr_t)der[i];
		d.size = (unsigned)der_len[i];
		if ((r = gnutls_x509_crt_import(crts[i], &d,
		    GNUTLS_X509_FMT_DER)) < 0) {
			mg_seterr(err, errlen, "certificate %zu of %s cannot "
			    "be read: %s", i + 1, hostname, gnutls_strerror(r));
			return -1;
		}
	}
	return 0;
}

/* One line from GnuTLS's description of what is wrong. */
static void
status_err(unsigned status, const char *hostname, char *err, size_t errlen)
{
	gnutls_datum_t	 out = { NULL, 0 };
	const char	*why = "verification failed";
	size_t		 len;

	if (gnutls_certificate_verification_status_print(status,
	    GNUTLS_CRT_X509, &out, 0) == 0 && out.data != NULL) {
		why = (const char *)out.data;
		len = strlen(why);
		while (len > 0 && why[len - 1] == ' ')
			out.data[--len] = '\0';
	}
	mg_seterr(err, errlen, "certificate of %s is not trusted: %s",
	    hostname, why);
	gnutls_free(out.data);
}

int
mg_tls_verify_chain(const unsigned char *const *der, const size_t *der_len,
    size_t n, const char *hostname, const char *trust_file, char *err,
    size_t errlen)
{
	gnutls_x509_trust_list_t tl = NULL;
	gnutls_x509_crt_t	 crts[MG_TLS_MAX_CHAIN] = { NULL };
	gnutls_typed_vdata_st	 vdata[2];
	unsigned		 status = 0;
	int			 r, rc = -1;

	if (n == 0) {
		mg_seterr(err, errlen, "%s sent no certificate", hostname);
		return -1;
	}
	if (n > MG_TLS_MAX_CHAIN) {
		mg_seterr(err, errlen, "certificate of %s: chain of %zu "
		    "certificates is too long", hostname, n);
		return -1;
	}
	if (gnutls_x509_trust_list_init(&tl, 0) < 0) {
		mg_seterr(err, errlen, "certificate of %s: out of memory",
		    hostname);
		return -1;
	}
	if (load_trust(tl, trust_file, err, errlen) == -1 ||
	    import_chain(crts, der, der_len, n, hostname, err, errlen) == -1)
		goto out;

	/* Host name and purpose in the same call, as
	 * gnutls_certificate_verify_peers3() does for a GnuTLS session. */
	vdata[0].type = GNUTLS_DT_DNS_HOSTNAME;
	vdata[0].data = (unsigned char *)(uintptr_t)hostname;
	vdata[0].size = 0;
	vdata[1].type = GNUTLS_DT_KEY_PURPOSE_OID;
	vdata[1].data = (unsigned char *)(uintptr_t)GNUTLS_KP_TLS_WWW_SERVER;
	vdata[1].size = 0;
	r = gnutls_x509_trust_list_verify_crt2(tl, crts, (unsigned)n, vdata, 2,
	    0, &status, NULL);
	if (r < 0)
		mg_seterr(err, errlen, "certificate of %s cannot be checked: "
		    "%s", hostname, gnutls_strerror(r));
	else if (status != 0)
		status_err(status, hostname, err, errlen);
	else
		rc = 0;
out:
	for (size_t i = 0; i < n; i++)
		if (crts[i] != NULL)
			gnutls_x509_crt_deinit(crts[i]);
	/* 1: the trust list owns the CA certificates it loaded. */
	gnutls_x509_trust_list_deinit(tl, 1);
	return rc;
}

/* libetpan 1.9.4 with GnuTLS returns an uninitialised pointer from
 * mailstream_get_certificate_chain() when the peer sent no certificate,
 * so make sure there is one (and that the stream is TLS at all) first. */
static int
stream_has_peer_cert(mailstream *s)
{
	unsigned char	*leaf = NULL;
	ssize_t		 len;

	if (mailstream_get_low(s) == NULL ||
	    mailstream_get_low(s)->driver != mailstream_ssl_driver)
		return 0;
	len = mailstream_ssl_get_certificate(s, &leaf);
	free(leaf);
	return len > 0;
}

int
mg_tls_verify_stream(struct _mailstream *s, const char *hostname,
    const char *trust_file, char *err, size_t errlen)
{
	carray			*chain;
	const unsigned char	*der[MG_TLS_MAX_CHAIN];
	size_t			 len[MG_TLS_MAX_CHAIN], n;
	int			 rc;

	if (!stream_has_peer_cert(s) ||
	    (chain = mailstream_get_certificate_chain(s)) == NULL) {
		mg_seterr(err, errlen, "%s sent no certificate", hostname);
		return -1;
	}
	n = carray_count(chain);
	if (n > MG_TLS_MAX_CHAIN)
		n = MG_TLS_MAX_CHAIN + 1;	/* refused below */
	for (size_t i = 0; i < n && i < MG_TLS_MAX_CHAIN; i++) {
		MMAPString *c = carray_get(chain, (unsigned)i);

		der[i] = (const unsigned char *)c->str;
		len[i] = c->len;
	}
	rc = mg_tls_verify_chain(der, len, n, hostname, trust_file, err,
	    errlen);
	mailstream_certificate_chain_free(chain);
	return rc;
}
