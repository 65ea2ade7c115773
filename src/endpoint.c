/*
 * endpoint.c - the client side of a connection to a mail server (see
 * endpoint.h), and the loader of its settings (config_priv.h).
 *
 * libetpan's mailstream does the buffered I/O with timeouts and the TLS
 * handshake (implicit, or the upgrade after STARTTLS) and hands over the
 * peer's chain; tls_verify.c checks it.  The dialogue over the stream is
 * the protocol's (upstream_smtp.c, imap_poller.c).
 */
#include "config_auto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libetpan/libetpan.h>

#include "matchguard/endpoint.h"
#include "matchguard/net.h"
#include "matchguard/redact.h"
#include "matchguard/secret.h"
#include "matchguard/stream_guard.h"
#include "matchguard/tls_verify.h"
#include "config_priv.h"

/*
 * Settings.
 */

/* Credentials: the user, then the password or its command, one of them
 * and never both. */
static int
load_credentials(struct loader *ld, config_setting_t *g,
    const struct mg_endpoint_profile *pf, struct mg_endpoint *ep)
{
	const struct mg_setting	*auth = mg_setting_row(pf->group, "auth");
	int			 login_required = (mg_setting_row(pf->group,
	    "user")->flags & MG_SETTING_REQUIRED) != 0;
	int			 a;

	if (mg_cfg_get_row_choice(ld, g, auth, &a) == -1 ||
	    mg_cfg_get_string(ld, g, "user", login_required, &ep->user) ==
	    -1 || mg_cfg_get_string(ld, g, "password", 0, &ep->password) ==
	    -1 || mg_cfg_get_string(ld, g, "password_command", 0,
	    &ep->password_command) == -1)
		return -1;
	ep->auth = pf->auth_modes[a];
	if (login_required && ep->password == NULL &&
	    ep->password_command == NULL)
		return mg_cfg_bad(ld, g, "set \"password\" or "
		    "\"password_command\" (for an OAuth2 token, a command "
		    "that prints it, with auth = \"xoauth2\")");
	if (ep->auth != MG_AUTH_NONE && ep->user == NULL)
		return mg_cfg_bad(ld, g, "auth = \"%s\" needs a \"user\"",
		    auth->choices[a]);
	if (ep->auth != MG_AUTH_NONE && ep->password == NULL &&
	    ep->password_command == NULL)
		return mg_cfg_bad(ld, g, "auth = \"%s\" needs \"password\" or "
		    "\"password_command\"", auth->choices[a]);
	if (ep->password != NULL && ep->password_command != NULL)
		return mg_cfg_bad(ld, config_setting_get_member(g,
		    "password_command"), "set \"password\" or "
		    "\"password_command\", not both");
	return 0;
}

/* An int row of the group: its bounds from the table. */
static int
get_row_int(struct loader *ld, config_setting_t *g,
    const struct mg_endpoint_profile *pf, const char *name, int *out)
{
	const struct mg_setting	*s = mg_setting_row(pf->group, name);

	return mg_cfg_get_int(ld, g, name, (int)s->min, (int)s->max, out);
}

int
mg_cfg_load_endpoint(struct loader *ld, config_setting_t *g,
    const struct mg_endpoint_profile *pf, struct mg_endpoint *ep)
{
	int	t;

	ep->timeout = (int)mg_setting_row(pf->group, "timeout")->dflt;
	if (mg_cfg_get_string(ld, g, "host", 1, &ep->host) == -1 ||
	    mg_cfg_get_row_choice(ld, g, mg_setting_row(pf->group, "tls"),
	    &t) == -1 ||
	    load_credentials(ld, g, pf, ep) == -1 ||
	    mg_cfg_get_string(ld, g, "tls_trust_file", 0,
	    &ep->tls_trust_file) == -1 ||
	    get_row_int(ld, g, pf, "timeout", &ep->timeout) == -1)
		return -1;
	ep->tls = (enum mg_tls_mode)t;
	ep->port = ep->tls == MG_TLS_IMPLICIT ? pf->port_implicit :
	    pf->port_other;
	if (get_row_int(ld, g, pf, "port", &ep->port) == -1)
		return -1;
	if (ep->tls == MG_TLS_NONE && !mg_is_loopback_host(ep->host))
		return mg_cfg_bad(ld, config_setting_get_member(g, "tls"),
		    "\"none\" sends your password and mail unencrypted, so it "
		    "is allowed only for a server on this machine (127.0.0.1)");
	if (ep->tls_trust_file != NULL) {
		char	*p = mg_expand_path(ep->tls_trust_file, ld->dir);

		if (p == NULL)
			return mg_cfg_bad(ld, config_setting_get_member(g,
			    "tls_trust_file"), "out of memory");
		free(ep->tls_trust_file);
		ep->tls_trust_file = p;
	}
	return 0;
}

void
mg_endpoint_clear(struct mg_endpoint *ep)
{
	free(ep->host);
	free(ep->user);
	mg_secret_free(ep->password);
	free(ep->password_command);
	free(ep->tls_trust_file);
	memset(ep, 0, sizeof(*ep));
}

/*
 * Connecting and TLS.
 */

int
mg_endpoint_connect(struct mg_endpoint_conn *c, const struct mg_endpoint *ep,
    char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->ep = ep;
	c->sni = mg_net_host_name(ep->host, c->name, sizeof(c->name));
	return mg_net_connect(c->name, ep->host, ep->port, ep->timeout, err,
	    errlen);
}

/* libetpan calls this before the handshake: send the server name (SNI),
 * without which providers that host many names may present the wrong
 * certificate. */
static void
tls_setup(struct mailstream_ssl_context *ctx, void *data)
{
	struct mg_endpoint_conn	*c = data;

	if (c->sni)
		mailstream_ssl_set_server_name(ctx, c->name);
}

static int
handshake_failed(const struct mg_endpoint_conn *c, char *err, size_t errlen)
{
	mg_seterr(err, errlen, "TLS handshake with %s:%d failed", c->ep->host,
	    c->ep->port);
	return -1;
}

/* Puts guard (NULL: none) between s and its driver. */
static int
guard_stream(mailstream *s, struct mg_stream_guard *guard, char *err,
    size_t errlen)
{
	mailstream_low	*low;

	if (guard == NULL)
		return 0;
	if ((low = mg_stream_guard_wrap(mailstream_get_low(s), guard)) ==
	    NULL) {
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	mailstream_set_low(s, low);
	return 0;
}

mailstream *
mg_endpoint_open(struct mg_endpoint_conn *c, int fd,
    struct mg_stream_guard *guard, char *err, size_t errlen)
{
	const struct mg_endpoint *ep = c->ep;
	mailstream	*s;

	if (ep->tls == MG_TLS_IMPLICIT)
		s = mailstream_ssl_open_with_callback_timeout(fd, ep->timeout,
		    tls_setup, c);
	else
		s = mailstream_socket_open_timeout(fd, ep->timeout);
	if (s == NULL) {
		close(fd);
		handshake_failed(c, err, errlen);
		return NULL;
	}
	if ((ep->tls == MG_TLS_IMPLICIT && mg_tls_verify_stream(s, c->name,
	    ep->tls_trust_file, err, errlen) == -1) ||
	    guard_stream(s, guard, err, errlen) == -1) {
		mailstream_close(s);
		return NULL;
	}
	return s;
}

int
mg_endpoint_starttls(struct mg_endpoint_conn *c, mailstream *s,
    struct mg_stream_guard *guard, char *err, size_t errlen)
{
	mailstream_low	*low, *tls;

	if (s->read_buffer_len != 0) {
		mg_seterr(err, errlen, "%s sent data after its STARTTLS reply; "
		    "connection dropped", c->ep->host);
		return -1;
	}
	low = mailstream_get_low(s);
	tls = mailstream_low_tls_open_with_callback_timeout(
	    mailstream_low_get_fd(low), c->ep->timeout, tls_setup, c);
	if (tls == NULL)
		return handshake_failed(c, err, errlen);
	mailstream_low_free(low);	/* frees, keeps the socket */
	mailstream_set_low(s, tls);
	if (mg_tls_verify_stream(s, c->name, c->ep->tls_trust_file, err,
	    errlen) == -1)
		return -1;
	return guard_stream(s, guard, err, errlen);
}

/*
 * Credentials.
 */

/* The bytes of a SASL blob in new memory (*len of them, NUL after), to
 * wipe and free; NULL when out of memory. */
static char *
sasl_raw(enum mg_auth_mode mech, const char *user, const char *secret,
    size_t *len)
{
	size_t	 ul, sl, cap;
	char	*raw;

	user = user != NULL ? user : "";
	secret = secret != NULL ? secret : "";
	ul = strlen(user);
	sl = strlen(secret);
	cap = ul + sl + sizeof("user=\001auth=Bearer \001\001");
	if ((raw = malloc(cap)) == NULL)
		return NULL;
	switch (mech) {
	case MG_AUTH_PLAIN:
		raw[0] = '\0';
		memcpy(raw + 1, user, ul);
		raw[ul + 1] = '\0';
		memcpy(raw + ul + 2, secret, sl);
		raw[ul + sl + 2] = '\0';
		*len = ul + sl + 2;
		break;
	case MG_AUTH_XOAUTH2:
		snprintf(raw, cap, "user=%s\001auth=Bearer %s\001\001", user,
		    secret);
		*len = strlen(raw);
		break;
	default:
		memcpy(raw, secret, sl + 1);
		*len = sl;
		break;
	}
	return raw;
}

static void
raw_free(char *raw, size_t len)
{
	if (raw != NULL) {
		explicit_bzero(raw, len);
		free(raw);
	}
}

char *
mg_endpoint_sasl(enum mg_auth_mode mech, const char *user,
    const char *secret)
{
	char	*raw, *b64;
	size_t	 len = 0;

	if (mech == MG_AUTH_NONE ||
	    (raw = sasl_raw(mech, user, secret, &len)) == NULL)
		return NULL;
	b64 = mg_base64_encode(raw, len);
	raw_free(raw, len);
	return b64;
}

/* Adds the base64 of mech's blob to r: 0 or -1. */
static int
redact_blob(struct mg_redact *r, enum mg_auth_mode mech, const char *user,
    const char *secret)
{
	char	*raw;
	size_t	 len = 0;
	int	 rc;

	if ((raw = sasl_raw(mech, user, secret, &len)) == NULL)
		return -1;
	rc = mg_redact_add_blob(r, raw, len);
	raw_free(raw, len);
	return rc;
}

struct mg_redact *
mg_endpoint_redact_new(const char *user, const char *secret)
{
	struct mg_redact	*r;

	if ((r = mg_redact_new()) == NULL)
		return NULL;
	if (mg_redact_add(r, user) == -1 || mg_redact_add(r, secret) == -1 ||
	    redact_blob(r, MG_AUTH_PLAIN, user, secret) == -1 ||
	    redact_blob(r, MG_AUTH_XOAUTH2, user, secret) == -1)
		mg_redact_free(&r);
	return r;
}

int
mg_endpoint_credentials(const struct mg_endpoint *ep, char **secret,
    struct mg_redact **red, char *err, size_t errlen)
{
	*secret = NULL;
	*red = NULL;
	if (ep->auth == MG_AUTH_NONE)
		return 0;
	if (mg_secret_get(ep->password, ep->password_command, ep->timeout,
	    secret, err, errlen) == -1)
		return -1;
	if ((*red = mg_endpoint_redact_new(ep->user, *secret)) == NULL) {
		mg_secret_free(*secret);
		*secret = NULL;
		mg_seterr(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}
