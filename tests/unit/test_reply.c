/*
 * test_reply.c - the pure cores of the IMAP poller: matching a received
 * message to a program (reply.h), the timeline arithmetic, the imap
 * configuration group and the notice of a held message.
 */
#include "config_auto.h"
#include "mg_test.h"

#include "matchguard/config.h"
#include "matchguard/imap_notice.h"
#include "matchguard/imap_poller.h"
#include "matchguard/reply.h"

static struct mg_config	cfg;
static char		*tmp;

static const char base_conf[] =
    "identity = { name = \"Priya Raman\"; addresses = [ \"priya@example.com\" ]; };\n"
    "season = { eras_open = \"2026-09-24\"; rol_deadline = \"2027-03-03\";"
    " match_day = \"2027-03-19\"; };\n"
    "programs = (\n"
    " { id = \"harborview\"; name = \"Harborview Genetics\";"
    "   addresses = [ \"genetics-residency@harborview.edu\" ];"
    "   domains = [ \"harborview.edu\" ]; },\n"
    " { id = \"lakeside\"; name = \"Lakeside Genetics\";"
    "   addresses = [ \"mgg-residency@lakeside.edu\" ];"
    "   domains = [ \"lakeside.edu\" ]; },\n"
    " { id = \"lakeside-peds\"; name = \"Lakeside Peds\";"
    "   addresses = [ \"peds-genetics@lakeside.edu\" ];"
    "   domains = [ \"lakeside.edu\" ]; },\n"
    " { id = \"pinecrest\"; name = \"Pinecrest Genetics\";"
    "   addresses = [ \"genetics.residency@pinecrest.org\" ];"
    "   domains = [ \"pinecrest.org\" ]; }\n"
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
	char	err[MG_ERRLEN];

	(void)state;
	tmp = mg_test_tmpdir();
	if (load_conf("", &cfg, err, sizeof(err)) == -1) {
		print_error("%s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	mg_config_clear(&cfg);
	mg_test_rmrf(tmp);
	free(tmp);
	return 0;
}

/* The fake ledger: which sent message went to which programs. */
static const struct {
	const char	*id;
	const char	*programs[3];
} sent[] = {
	{ "s1@example.com", { "pinecrest", NULL } },
	{ "s2@example.com", { "lakeside", "lakeside-peds", NULL } },
	{ "s3@example.com", { "gone-program", NULL } },
	{ "s4@example.com", { "harborview", NULL } },
};
static int	lookups;

static int
fake_lookup(void *arg, const char *id, struct mg_strlist *out, char *err,
    size_t errlen)
{
	(void)arg;
	lookups++;
	if (strcmp(id, "broken@x") == 0) {
		mg_seterr(err, errlen, "disk on fire");
		return -1;
	}
	for (size_t i = 0; i < sizeof(sent) / sizeof(sent[0]); i++)
		if (strcmp(sent[i].id, id) == 0)
			for (size_t j = 0; sent[i].programs[j] != NULL; j++)
				assert_int_equal(mg_strlist_add(out,
				    sent[i].programs[j]), 0);
	return 0;
}

static void
list_of(struct mg_strlist *l, const char *csv)
{
	const char	*p = csv, *c;

	memset(l, 0, sizeof(*l));
	while (p != NULL && *p != '\0') {
		c = strchr(p, ' ');
		assert_int_equal(mg_strlist_addn(l, p, c != NULL ?
		    (size_t)(c - p) : strlen(p)), 0);
		p = c != NULL ? c + 1 : NULL;
	}
}

static const struct {
	const char	*name;
	const char	*from;
	const char	*in_reply_to;	/* space-separated */
	const char	*references;
	int		 rc;
	enum mg_reply_via via;
	const char	*program;
	const char	*matched_id;
} cases[] = {
	{ "thread by In-Reply-To, private address", "osei@gmail.com",
	  "s1@example.com", "", 0, MG_REPLY_THREAD, "pinecrest",
	  "s1@example.com" },
	{ "thread by References only, newest first", "x@y.org", "",
	  "s4@example.com other@z s1@example.com", 0, MG_REPLY_THREAD,
	  "pinecrest", "s1@example.com" },
	{ "In-Reply-To wins over References", "x@y.org", "s4@example.com",
	  "s1@example.com", 0, MG_REPLY_THREAD, "harborview",
	  "s4@example.com" },
	{ "sent to two programs: From picks one", "peds-genetics@lakeside.edu",
	  "s2@example.com", "", 0, MG_REPLY_THREAD, "lakeside-peds",
	  "s2@example.com" },
	{ "sent to two programs: else the first", "someone@gmail.com",
	  "s2@example.com", "", 0, MG_REPLY_THREAD, "lakeside",
	  "s2@example.com" },
	{ "thread to a program no longer listed: by address",
	  "genetics-residency@harborview.edu", "s3@example.com", "", 0,
	  MG_REPLY_ADDRESS, "harborview", NULL },
	{ "unknown thread, program address", "mgg-residency@lakeside.edu",
	  "nobody@x", "", 0, MG_REPLY_ADDRESS, "lakeside", NULL },
	{ "program sub-domain", "dana@mail.harborview.edu", "", "", 0,
	  MG_REPLY_ADDRESS, "harborview", NULL },
	{ "look-alike domain", "dana@evilharborview.edu", "", "", 0,
	  MG_REPLY_NONE, NULL, NULL },
	{ "shared domain, no address decides", "someone@lakeside.edu", "",
	  "", 0, MG_REPLY_NONE, NULL, NULL },
	{ "unrelated", "friend@example.org", "", "", 0, MG_REPLY_NONE, NULL,
	  NULL },
	{ "no From at all", NULL, "", "", 0, MG_REPLY_NONE, NULL, NULL },
	{ "the applicant's own copy", "Priya@Example.com", "s1@example.com",
	  "", 0, MG_REPLY_NONE, NULL, NULL },
	{ "ledger error", "x@y.org", "broken@x", "", -1, MG_REPLY_NONE, NULL,
	  NULL },
};

static void
test_match_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mg_strlist	irt, refs;
		struct mg_reply_in	in;
		struct mg_reply_match	m;
		char			err[MG_ERRLEN] = "";
		int			rc;

		list_of(&irt, cases[i].in_reply_to);
		list_of(&refs, cases[i].references);
		in.from = cases[i].from;
		in.in_reply_to = &irt;
		in.references = &refs;
		rc = mg_reply_match(&cfg.dir, &cfg.addresses, &in, fake_lookup,
		    NULL, &m, err, sizeof(err));
		print_message("%s\n", cases[i].name);
		assert_int_equal(rc, cases[i].rc);
		if (rc == 0) {
			assert_int_equal(m.via, cases[i].via);
			if (cases[i].program == NULL)
				assert_null(m.program);
			else
				assert_string_equal(m.program->id,
				    cases[i].program);
			if (cases[i].matched_id != NULL)
				assert_string_equal(m.in_reply_to,
				    cases[i].matched_id);
		} else
			assert_string_equal(err, "disk on fire");
		mg_strlist_clear(&irt);
		mg_strlist_clear(&refs);
	}
}

/* A long References chain costs at most MG_REPLY_MAX_REFS lookups, the
 * newest first: an id older than that is not looked up. */
static void
test_match_bounded(void **state)
{
	struct mg_strlist	irt = { 0 }, refs = { 0 };
	struct mg_reply_in	in = { "x@y.org", &irt, &refs };
	struct mg_reply_match	m;
	char			err[MG_ERRLEN], id[32];

	(void)state;
	assert_int_equal(mg_strlist_add(&refs, "s1@example.com"), 0);
	for (int i = 0; i < 100; i++) {
		snprintf(id, sizeof(id), "r%d@x", i);
		assert_int_equal(mg_strlist_add(&refs, id), 0);
	}
	lookups = 0;
	assert_int_equal(mg_reply_match(&cfg.dir, &cfg.addresses, &in,
	    fake_lookup, NULL, &m, err, sizeof(err)), 0);
	assert_int_equal(lookups, MG_REPLY_MAX_REFS);
	assert_int_equal(m.via, MG_REPLY_NONE);
	mg_strlist_clear(&refs);
}

#define DAY	86400
#define T0	((time_t)1794000000)	/* 2026-11-07 */

static void
test_timeline(void **state)
{
	struct mg_timeline_in	in;
	struct mg_timeline_out	out;

	(void)state;
	/* Nothing sent: any time. */
	memset(&in, 0, sizeof(in));
	in.now = T0;
	in.min_days_between = 7;
	in.follow_up_after_days = 21;
	mg_timeline_compute(&in, &out);
	assert_int_equal(out.days_silent, -1);
	assert_int_equal(out.follow_up_now, 1);
	assert_int_equal(out.answered, 0);

	/* Sent 10.5 days ago, no reply: 10 days silent, follow-up at 21. */
	in.has_last_sent = 1;
	in.last_sent = T0 - 10 * DAY - DAY / 2;
	in.last_class = "interest";
	mg_timeline_compute(&in, &out);
	assert_int_equal(out.answered, 0);
	assert_int_equal(out.days_silent, 10);
	assert_int_equal(out.follow_up_from, in.last_sent + 21 * DAY);
	assert_int_equal(out.follow_up_now, 0);
	assert_int_equal(out.waiting_on_status, 0);

	/* Exactly 21 days: allowed now. */
	in.now = in.last_sent + 21 * DAY;
	mg_timeline_compute(&in, &out);
	assert_int_equal(out.follow_up_now, 1);
	assert_int_equal(out.days_silent, 21);

	/* A reply older than the last message does not answer it. */
	in.now = T0;
	in.has_last_reply = 1;
	in.last_reply = in.last_sent - DAY;
	mg_timeline_compute(&in, &out);
	assert_int_equal(out.answered, 0);

	/* A reply after it does: only min_days_between is left. */
	in.last_reply = in.last_sent + DAY;
	mg_timeline_compute(&in, &out);
	assert_int_equal(out.answered, 1);
	assert_int_equal(out.days_silent, -1);
	assert_int_equal(out.follow_up_from, in.last_sent + 7 * DAY);
	assert_int_equal(out.follow_up_now, 1);

	/* The interview between the message and now counts as contact. */
	in.has_last_reply = 0;
	in.has_interview = 1;
	in.interview = in.last_sent + 2 * DAY;
	mg_timeline_compute(&in, &out);
	assert_int_equal(out.answered, 1);
	/* ... but not one still to come. */
	in.interview = T0 + DAY;
	mg_timeline_compute(&in, &out);
	assert_int_equal(out.answered, 0);

	/* An unanswered status request: news only. */
	in.has_interview = 0;
	in.last_class = "follow-up";
	mg_timeline_compute(&in, &out);
	assert_int_equal(out.waiting_on_status, 1);

	/* min_days_between longer than follow_up_after_days wins. */
	in.min_days_between = 30;
	mg_timeline_compute(&in, &out);
	assert_int_equal(out.follow_up_from, in.last_sent + 30 * DAY);

	/* A clock behind the last message: 0 days, not negative. */
	in.now = in.last_sent - DAY;
	mg_timeline_compute(&in, &out);
	assert_int_equal(out.days_silent, 0);
}

static void
test_imap_config(void **state)
{
	static const struct {
		const char	*text;
		const char	*error;		/* NULL: loads */
	} t[] = {
		{ "imap = { host = \"imap.example.com\"; user = \"u\";"
		  " password = \"p\"; };", NULL },
		{ "imap = { host = \"imap.example.com\"; user = \"u\";"
		  " password = \"p\"; tls = \"none\"; };",
		  "allowed only for a server on this machine" },
		{ "imap = { host = \"127.0.0.1\"; user = \"u\";"
		  " password = \"p\"; tls = \"none\"; };", NULL },
		{ "imap = { host = \"h\"; user = \"u\"; };",
		  "\"password\" or \"password_command\"" },
		{ "imap = { host = \"h\"; user = \"u\"; password = \"p\";"
		  " password_command = \"x\"; };", "not both" },
		{ "imap = { host = \"h\"; password = \"p\"; };", "user" },
		{ "imap = { host = \"h\"; user = \"u\"; password = \"p\";"
		  " sent_folder = \"INBOX\"; };", "is in \"folders\" too" },
		{ "imap = { host = \"h\"; user = \"u\"; password = \"p\";"
		  " auth = \"cram-md5\"; };", "auth" },
		{ "imap = { host = \"h\"; user = \"u\"; password = \"p\";"
		  " idle_seconds = 1800; };", "idle_seconds" },
		{ "imap = { host = \"h\"; user = \"u\"; password = \"p\";"
		  " notices = 1; };", "true or false" },
		{ "imap = { host = \"h\"; user = \"u\"; password = \"p\";"
		  " folder = [ \"x\" ]; };", "folder" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct mg_config	c;
		char			err[MG_ERRLEN] = "";
		int			rc = load_conf(t[i].text, &c, err,
		    sizeof(err));

		print_message("%s -> %s\n", t[i].text, err);
		if (t[i].error == NULL) {
			assert_int_equal(rc, 0);
			mg_config_clear(&c);
		} else {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(err, t[i].error));
		}
	}
}

static void
test_imap_defaults(void **state)
{
	struct mg_config	c;
	char			err[MG_ERRLEN];

	(void)state;
	assert_int_equal(load_conf("imap = { host = \"imap.example.com\";"
	    " user = \"u\"; password_command = \"pass mail\";"
	    " auth = \"xoauth2\"; };", &c, err, sizeof(err)), 0);
	assert_string_equal(c.imap.ep.host, "imap.example.com");
	assert_int_equal(c.imap.ep.tls, MG_TLS_IMPLICIT);
	assert_int_equal(c.imap.ep.port, 993);
	assert_int_equal(c.imap.ep.auth, MG_AUTH_XOAUTH2);
	assert_int_equal(c.imap.folders.n, 1);
	assert_string_equal(c.imap.folders.v[0], "INBOX");
	assert_null(c.imap.sent_folder);
	assert_int_equal(c.imap.poll_seconds, MG_DEF_IMAP_POLL_SECONDS);
	assert_true(c.imap.idle_seconds < 29 * 60);
	assert_int_equal(c.imap.notices, 1);
	assert_string_equal(c.imap.notice_folder, "INBOX");
	mg_config_clear(&c);
	assert_null(cfg.imap.ep.host);	/* no group: no poller */
}

static void
test_notice(void **state)
{
	struct mg_finding	v[1] = { { "placeholder", MG_SEV_HOLD,
	    (char *)"The letter still has a template slot.",
	    (char *)"Dear Dr. [Last Name]" } };
	struct mg_findings	f = { v, 1, 1 };
	struct mg_buf		b = { 0 };

	(void)state;
	mg_notice_build(&cfg, "20261120-abc", "Thank you \xc3\xa9t\xc3\xa9",
	    "harborview", &f, T0, &b);
	assert_false(b.failed);
	assert_non_null(strstr(b.s, "From: matchguard <priya@example.com>\r\n"));
	assert_non_null(strstr(b.s, "Subject: =?UTF-8?B?"));
	assert_non_null(strstr(b.s, "placeholder (hold): The letter still"));
	assert_non_null(strstr(b.s, "found: Dear Dr. [Last Name]\r\n"));
	assert_non_null(strstr(b.s, "matchguard queue release 20261120-abc"));
	assert_non_null(strstr(b.s, "matchguard queue drop 20261120-abc"));
	assert_non_null(strstr(b.s, "\r\n\r\n"));
	/* Every line ends in CRLF and none is longer than 998. */
	for (const char *p = b.s, *nl; *p != '\0'; p = nl + 2) {
		nl = strstr(p, "\r\n");
		assert_non_null(nl);
		assert_true(nl - p <= 998);
		assert_null(memchr(p, '\n', (size_t)(nl - p)));
	}
	mg_buf_free(&b);

	/* Plain ASCII subjects stay readable. */
	mg_notice_build(&cfg, "x", "Thank you", NULL, NULL, T0, &b);
	assert_non_null(strstr(b.s, "Subject: Held: Thank you\r\n"));
	mg_buf_free(&b);
}

/* "Answered since": a reply at or after the message, or the interview
 * between it and now. */
static void
test_answered_since(void **state)
{
	time_t	msg = 1000000, now = 2000000;

	(void)state;
	assert_false(mg_answered_since(msg, now, 0, 0, 0, 0));
	assert_true(mg_answered_since(msg, now, 1, msg, 0, 0));
	assert_false(mg_answered_since(msg, now, 1, msg - 1, 0, 0));
	assert_true(mg_answered_since(msg, now, 0, 0, 1, msg));
	assert_true(mg_answered_since(msg, now, 0, 0, 1, now));
	assert_false(mg_answered_since(msg, now, 0, 0, 1, now + 1));
	assert_false(mg_answered_since(msg, now, 0, 0, 1, msg - 1));
	assert_false(mg_answered_since(msg, now, 0, msg, 0, msg));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_table),
		cmocka_unit_test(test_match_bounded),
		cmocka_unit_test(test_timeline),
		cmocka_unit_test(test_answered_since),
		cmocka_unit_test(test_imap_config),
		cmocka_unit_test(test_imap_defaults),
		cmocka_unit_test(test_notice),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
