/*
 * serve_tls.c - the certificate local mail clients see after STARTTLS:
 * the configured one, or one made at the first start (serve_tls.h).
 */
#include "config_auto.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "matchguard/serve_tls.h"
#include "matchguard/util.h"

#define CERT_DAYS	(10L * 365)	/* the made certificate's lifetime */

static int
load_pair(const char *cert, const char *key, void **creds, const char *what,
    char *err, size_t errlen)
{
	gnutls_certificate_credentials_t cred;
	int	rc;

	if (gnutls_certificate_allocate_credentials(&cred) < 0) {
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	rc = gnutls_certificate_set_x509_key_file(cred, cert, key,
	    GNUTLS_X509_FMT_PEM);
	if (rc < 0) {
		mg_seterr(err, errlen, "%s %s / %s: %s", what, cert, key,
		    gnutls_strerror(rc));
		gnutls_certificate_free_credentials(cred);
		return -1;
	}
	*creds = cred;
	return 0;
}

static int
export_pem(int is_key, void *obj, gnutls_datum_t *out)
{
	return is_key ? gnutls_x509_privkey_export2(obj, GNUTLS_X509_FMT_PEM,
	    out) : gnutls_x509_crt_export2(obj, GNUTLS_X509_FMT_PEM, out);
}

static int
fill_cert(gnutls_x509_crt_t crt, gnutls_x509_privkey_t key)
{
	static const unsigned char v4[4] = { 127, 0, 0, 1 };
	static const unsigned char v6[16] = { [15] = 1 };
	static const char cn[] = "matchguard on this computer";
	unsigned char	serial[16];
	time_t		now = time(NULL);

	if (gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof(serial)) < 0)
		return -1;
	serial[0] &= 0x7f;	/* a positive number */
	return gnutls_x509_crt_set_version(crt, 3) < 0 ||
	    gnutls_x509_crt_set_serial(crt, serial, sizeof(serial)) < 0 ||
	    gnutls_x509_crt_set_activation_time(crt, now - 86400) < 0 ||
	    gnutls_x509_crt_set_expiration_time(crt, now + CERT_DAYS * 86400)
	    < 0 ||
	    gnutls_x509_crt_set_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0,
	    cn, sizeof(cn) - 1) < 0 ||
	    gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_DNSNAME,
	    "localhost", 9, GNUTLS_FSAN_APPEND) < 0 ||
	    gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS,
	    v4, sizeof(v4), GNUTLS_FSAN_APPEND) < 0 ||
	    gnutls_x509_crt_set_subject_alt_name(crt, GNUTLS_SAN_IPADDRESS,
	    v6, sizeof(v6), GNUTLS_FSAN_APPEND) < 0 ||
	    gnutls_x509_crt_set_basic_constraints(crt, 0, -1) < 0 ||
	    gnutls_x509_crt_set_key_usage(crt, GNUTLS_KEY_DIGITAL_SIGNATURE)
	    < 0 ||
	    gnutls_x509_crt_set_key_purpose_oid(crt, GNUTLS_KP_TLS_WWW_SERVER,
	    0) < 0 ||
	    gnutls_x509_crt_set_key(crt, key) < 0 ||
	    gnutls_x509_crt_sign2(crt, crt, key, GNUTLS_DIG_SHA256, 0) < 0 ?
	    -1 : 0;
}

/* A new ECDSA P-256 key and a self-signed certificate, key file first:
 * a certificate on disk always has its key. */
static int
make_pair(const char *cert, const char *key, char *err, size_t errlen)
{
	gnutls_x509_privkey_t	pk = NULL;
	gnutls_x509_crt_t	crt = NULL;
	gnutls_datum_t		kp = { NULL, 0 }, cp = { NULL, 0 };
	int			rc = -1;

	if (gnutls_x509_privkey_init(&pk) < 0 ||
	    gnutls_x509_privkey_generate(pk, GNUTLS_PK_ECDSA,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0) < 0 ||
	    gnutls_x509_crt_init(&crt) < 0 || fill_cert(crt, pk) == -1 ||
	    export_pem(1, pk, &kp) < 0 || export_pem(0, crt, &cp) < 0) {
		mg_seterr(err, errlen, "cannot make a certificate for "
		    "STARTTLS");
		goto out;
	}
	unlink(cert);
	if (mg_write_private(key, (const char *)kp.data, kp.size, err,
	    errlen) == -1 || mg_write_private(cert, (const char *)cp.data,
	    cp.size, err, errlen) == -1)
		goto out;
	rc = 0;
out:
	if (kp.data != NULL) {
		gnutls_memset(kp.data, 0, kp.size);
		gnutls_free(kp.data);
	}
	gnutls_free(cp.data);
	if (crt != NULL)
		gnutls_x509_crt_deinit(crt);
	if (pk != NULL)
		gnutls_x509_privkey_deinit(pk);
	return rc;
}

int
mg_serve_tls_load(const struct mg_config *cfg, void **creds, char *err,
    size_t errlen)
{
	char		cert[4096], key[4096], what[4200];
	struct stat	st;

	*creds = NULL;
	if (cfg->smtp.tls_cert != NULL) {
		snprintf(what, sizeof(what), "%s: smtp.tls_cert / tls_key",
		    cfg->path);
		return load_pair(cfg->smtp.tls_cert, cfg->smtp.tls_key, creds,
		    what, err, errlen);
	}
	snprintf(cert, sizeof(cert), "%s/%s", cfg->state_dir,
	    MG_SERVE_TLS_CERT);
	snprintf(key, sizeof(key), "%s/%s", cfg->state_dir, MG_SERVE_TLS_KEY);
	if ((stat(cert, &st) == -1 || stat(key, &st) == -1) &&
	    (mg_mkdir_p(cfg->state_dir, 0700, err, errlen) == -1 ||
	    make_pair(cert, key, err, errlen) == -1))
		return -1;
	return load_pair(cert, key, creds, "the STARTTLS certificate", err,
	    errlen);
}

void
mg_serve_tls_free(void *creds)
{
	if (creds != NULL)
		gnutls_certificate_free_credentials(creds);
}
