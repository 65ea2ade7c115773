/*
 * test_endpoint.c - the connection settings read the same way from the
 * upstream and the imap group (defaults, one-line errors), the one
 * base64 encoder (RFC 4648 vectors), the SASL lines as they go on the
 * wire, the redaction set built from the same blobs, and the
 * credentials (password, password_command, none).
 */
#include "config_auto.h"
#include "mg_test.h"

#include <glib.h>

#include "matchguard/config.h"
#include "matchguard/endpoint.h"
#include "matchguard/redact.h"
#include "matchguard/secret.h"

static char	*tmp;

static const char base_conf[] =
    "identity = { name = \"Priya Raman\"; addresses = [ \"priya@example.com\" ]; };\n"
    "season = { eras_open = \"2026-09-24\"; rol_deadline = \"2027-03-03\";"
    " match_day = \"2027-03-19\"; };\n"
    "programs = (\n"
    " { id = \"harborview\"; name = \"Harborview Genetics\";"
    "   addresses = [ \"genetics-residency@harborview.edu\" ];"
    "   domains = [ \"harborview.edu\" ]; }\n"
    ");\n";

static int
load_conf(const char *extra, struct mg_config *c, char *err, size_t errlen)
{
	char	*text, *path;
	size_t	 n = strlen(base_conf) + strlen(extra) + 1;
	int	 rc;

	text = malloc(n);
	assert_non_null(text);
	snprintf(text, n, "%s%s", base_conf, extra);
	path = mg_test_write(tmp, "matchguard.conf", text);
	rc = mg_config_load(path, c, err, errlen);
	free(path);
	free(text);
	return rc;
}

static int
setup(void **state)
{
	(void)state;
	tmp = mg_test_tmpdir();
	return tmp == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	mg_test_rmrf(tmp);
	free(tmp);
	return 0;
}

/* Both groups through the one loader: each its own defaults. */
static void
test_defaults(void **state)
{
	struct mg_config	c;
	char			err[MG_ERRLEN] = "";

	(void)state;
	assert_int_equal(load_conf("upstream = { type = \"smtp\";"
	    " host = \"smtp.example.com\"; };\n"
	    "imap = { host = \"[::1]\"; user = \"u\"; password = \"p\";"
	    " tls = \"starttls\"; tls_trust_file = \"ca.pem\"; };\n",
	    &c, err, sizeof(err)), 0);
	print_message("%s\n", err);
	assert_string_equal(c.upstream.ep.host, "smtp.example.com");
	assert_int_equal(c.upstream.ep.tls, MG_TLS_STARTTLS);
	assert_int_equal(c.upstream.ep.port, 587);
	assert_int_equal(c.upstream.ep.auth, MG_AUTH_NONE);
	assert_int_equal(c.upstream.ep.timeout, MG_DEF_UPSTREAM_TIMEOUT);
	assert_null(c.upstream.ep.user);
	assert_int_equal(c.upstream.data_timeout,
	    MG_DEF_UPSTREAM_DATA_TIMEOUT);
	assert_string_equal(c.imap.ep.host, "[::1]");
	assert_int_equal(c.imap.ep.tls, MG_TLS_STARTTLS);
	assert_int_equal(c.imap.ep.port, 143);
	assert_int_equal(c.imap.ep.auth, MG_AUTH_LOGIN);
	assert_int_equal(c.imap.ep.timeout, MG_DEF_IMAP_TIMEOUT);
	assert_string_equal(c.imap.ep.password, "p");
	/* relative to the configuration file's directory */
	assert_non_null(strstr(c.imap.ep.tls_trust_file, tmp));
	assert_non_null(strstr(c.imap.ep.tls_trust_file, "/ca.pem"));
	mg_config_clear(&c);

	assert_int_equal(load_conf("upstream = { type = \"smtp\";"
	    " host = \"h\"; tls = \"implicit\"; auth = \"xoauth2\";"
	    " user = \"u\"; password_command = \"x\"; timeout = 5; };\n",
	    &c, err, sizeof(err)), 0);
	assert_int_equal(c.upstream.ep.port, 465);
	assert_int_equal(c.upstream.ep.auth, MG_AUTH_XOAUTH2);
	assert_int_equal(c.upstream.ep.timeout, 5);
	assert_string_equal(c.upstream.ep.password_command, "x");
	mg_config_clear(&c);
}

/* The one-line errors, the same words for both groups where the rule
 * is the same; "upstream." or "imap." names the group. */
static void
test_errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*error;
	} t[] = {
		{ "upstream = { type = \"smtp\"; host = \"h\";"
		  " auth = \"plain\"; password = \"p\"; };",
		  "auth = \"plain\" needs a \"user\"" },
		{ "upstream = { type = \"smtp\"; host = \"h\";"
		  " auth = \"login\"; user = \"u\"; };",
		  "auth = \"login\" needs \"password\" or" },
		{ "upstream = { type = \"smtp\"; host = \"h\";"
		  " tls = \"none\"; };", "upstream.tls" },
		{ "imap = { host = \"h\"; user = \"u\"; password = \"p\";"
		  " tls = \"none\"; };", "imap.tls" },
		{ "upstream = { type = \"smtp\"; host = \"h\"; auth = \"plain\";"
		  " user = \"u\"; password = \"p\"; password_command = \"x\"; };",
		  "not both" },
		{ "imap = { host = \"h\"; user = \"u\"; password = \"p\";"
		  " password_command = \"x\"; };", "not both" },
		{ "imap = { host = \"h\"; user = \"u\"; password = \"p\";"
		  " auth = \"none\"; };", "imap.auth" },
		{ "upstream = { type = \"smtp\"; host = \"h\"; port = 0; };",
		  "upstream.port" },
		{ "imap = { host = \"h\"; user = \"u\"; password = \"p\";"
		  " timeout = 3601; };", "imap.timeout" },
		{ "upstream = { type = \"smtp\"; port = 25; };",
		  "upstream: the setting \"host\" is missing" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct mg_config	c;
		char			err[MG_ERRLEN] = "";

		assert_int_equal(load_conf(t[i].text, &c, err, sizeof(err)),
		    -1);
		print_message("%s -> %s\n", t[i].text, err);
		assert_non_null(strstr(err, t[i].error));
		assert_null(strchr(err, '\n'));
	}
}

static void
test_base64(void **state)
{
	static const char *const v[][2] = {
		{ "", "" }, { "f", "Zg==" }, { "fo", "Zm8=" },
		{ "foo", "Zm9v" }, { "foob", "Zm9vYg==" },
		{ "fooba", "Zm9vYmE=" }, { "foobar", "Zm9vYmFy" },
	};
	const unsigned char	bin[] = { 0x00, 0xff, 0xfe, 0x80, 0x01 };
	char			*b;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		b = mg_base64_encode(v[i][0], strlen(v[i][0]));
		assert_non_null(b);
		assert_string_equal(b, v[i][1]);
		free(b);
	}
	b = mg_base64_encode(bin, sizeof(bin));
	assert_string_equal(b, "AP/+gAE=");
	free(b);
}

#define USER	"priya.raman@example.com"
#define PASS	"Tr0ub4dor&3xyz"

static void
check_sasl(enum mg_auth_mode mech, const char *user, const char *secret,
    const char *raw, size_t rawlen)
{
	char	*got = mg_endpoint_sasl(mech, user, secret);
	gchar	*want = g_base64_encode((const guchar *)raw, rawlen);

	assert_non_null(got);
	print_message("%d: %s\n", (int)mech, got);
	assert_string_equal(got, want);
	g_free(want);
	mg_secret_free(got);
}

static void
test_sasl(void **state)
{
	const char	plain[] = "\0" USER "\0" PASS;
	const char	xoauth[] = "user=" USER "\001auth=Bearer " PASS
	    "\001\001";

	(void)state;
	check_sasl(MG_AUTH_PLAIN, USER, PASS, plain, sizeof(plain) - 1);
	check_sasl(MG_AUTH_XOAUTH2, USER, PASS, xoauth, sizeof(xoauth) - 1);
	check_sasl(MG_AUTH_LOGIN, NULL, PASS, PASS, strlen(PASS));
	check_sasl(MG_AUTH_LOGIN, "ignored", USER, USER, strlen(USER));
	check_sasl(MG_AUTH_PLAIN, NULL, "", "\0\0", 2);
	assert_null(mg_endpoint_sasl(MG_AUTH_NONE, USER, PASS));
}

/* Every line the endpoint builds is hidden by the set it builds. */
static void
test_redact_blobs(void **state)
{
	static const enum mg_auth_mode mech[] = { MG_AUTH_PLAIN,
	    MG_AUTH_XOAUTH2, MG_AUTH_LOGIN };
	struct mg_redact	*r = mg_endpoint_redact_new(USER, PASS);
	char			 text[512], out[512];

	(void)state;
	assert_non_null(r);
	for (size_t i = 0; i < 3; i++) {
		char	*b = mg_endpoint_sasl(mech[i], USER, PASS);

		assert_non_null(b);
		snprintf(text, sizeof(text), "535 5.7.8 %s rejected", b);
		mg_redact(r, text, 0, out, sizeof(out));
		print_message("%s -> %s\n", text, out);
		assert_null(strstr(out, b));
		assert_non_null(strstr(out, MG_REDACT_MARK));
		assert_non_null(strstr(out, "rejected"));
		mg_secret_free(b);
	}
	mg_redact(r, "a2 NO LOGIN " USER " " PASS " failed", 0, out,
	    sizeof(out));
	assert_null(strstr(out, PASS));
	assert_null(strstr(out, USER));
	mg_redact_free(&r);
	assert_null(r);
}

static void
test_credentials(void **state)
{
	struct mg_endpoint	 ep = { 0 };
	struct mg_redact	*red;
	char			*secret, err[MG_ERRLEN] = "", out[128];

	(void)state;
	ep.timeout = 5;
	ep.auth = MG_AUTH_NONE;
	ep.password = "unused";
	assert_int_equal(mg_endpoint_credentials(&ep, &secret, &red, err,
	    sizeof(err)), 0);
	assert_null(secret);
	assert_null(red);

	ep.auth = MG_AUTH_PLAIN;
	ep.user = USER;
	ep.password = PASS;
	assert_int_equal(mg_endpoint_credentials(&ep, &secret, &red, err,
	    sizeof(err)), 0);
	assert_string_equal(secret, PASS);
	assert_ptr_not_equal(secret, ep.password);
	mg_redact(red, "echo " PASS, 0, out, sizeof(out));
	assert_string_equal(out, "echo " MG_REDACT_MARK);
	mg_secret_free(secret);
	mg_redact_free(&red);

	ep.password = NULL;
	ep.password_command = "printf 'tok-123\\nsecond\\n'";
	assert_int_equal(mg_endpoint_credentials(&ep, &secret, &red, err,
	    sizeof(err)), 0);
	assert_string_equal(secret, "tok-123");
	mg_secret_free(secret);
	mg_redact_free(&red);

	ep.password_command = "exit 3";
	assert_int_equal(mg_endpoint_credentials(&ep, &secret, &red, err,
	    sizeof(err)), -1);
	print_message("exit 3 -> %s\n", err);
	assert_null(secret);
	assert_null(red);
	assert_true(err[0] != '\0');
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_sasl),
		cmocka_unit_test(test_redact_blobs),
		cmocka_unit_test(test_credentials),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
