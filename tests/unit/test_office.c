/*
 * test_office.c - an advising office's applicants (src/office.c): who a
 * letter belongs to, and the folders that must stay apart.
 */
#include "config_auto.h"

#include "mg_test.h"

#include "matchguard/config.h"
#include "matchguard/office.h"

#define SEASON "season = { eras_open = \"2026-09-24\"; " \
	"rol_deadline = \"2027-03-03\"; match_day = \"2027-03-19\"; };\n"

/* dir/applicants/id/matchguard.conf for address addr, state in state. */
static void
applicant(const char *dir, const char *id, const char *addr,
    const char *state)
{
	char	path[4096], text[1024], *p;

	snprintf(path, sizeof(path), "%s/applicants/%s", dir, id);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(text, sizeof(text), "identity = { name = \"%s\"; addresses = "
	    "[ \"%s\" ]; };\n" SEASON "paths = { state = \"%s\"; filters = \""
	    MG_SRCDIR "/filters\"; };\n", id, addr, state);
	snprintf(path, sizeof(path), "applicants/%s/matchguard.conf", id);
	p = mg_test_write(dir, path, text);
	free(p);
}

static void
office_conf(const char *dir, struct mg_config *cfg)
{
	char	path[4096], err[MG_ERRLEN], *p;

	p = mg_test_write(dir, "office.conf", "milter = { };\n");
	if (mg_config_load(p, cfg, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	free(p);
	snprintf(path, sizeof(path), "%s/applicants", dir);
	(void)mkdir(path, 0700);
}

static void
test_find(void **state)
{
	char			*dir = mg_test_tmpdir(), err[MG_ERRLEN];
	struct mg_config	 cfg;
	struct mg_office	 o;
	char			*conf, *p;

	(void)state;
	office_conf(dir, &cfg);
	applicant(dir, "priya", "priya@x.test", "state");
	applicant(dir, "sam", "sam@x.test", "state");
	p = mg_test_path(dir, "applicants/not-one");	/* no conf */
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	if (mg_office_open(&cfg, &o, err, sizeof(err)) == -1)
		fail_msg("%s", err);
	assert_int_equal(o.n, 2);
	assert_string_equal(o.v[0].id, "priya");
	/* By the envelope sender, without a login. */
	assert_ptr_equal(mg_office_find(&o, NULL, "<priya@x.test>"), &o.v[0]);
	assert_ptr_equal(mg_office_find(&o, "", "PRIYA@X.test"), &o.v[0]);
	/* A login decides, whatever the sender: by ID or by address. */
	assert_ptr_equal(mg_office_find(&o, "sam", "<priya@x.test>"), &o.v[1]);
	assert_ptr_equal(mg_office_find(&o, "sam@x.test", NULL), &o.v[1]);
	assert_null(mg_office_find(&o, "mallory", "<priya@x.test>"));
	/* An ID is no sender address. */
	assert_null(mg_office_find(&o, NULL, "<sam>"));
	assert_null(mg_office_find(&o, NULL, "<>"));
	assert_null(mg_office_find(&o, NULL, NULL));
	/* Each has their own ledger. */
	assert_string_not_equal(o.v[0].guard->app.ledger_path,
	    o.v[1].guard->app.ledger_path);
	mg_office_close(&o);

	assert_int_equal(mg_office_applicant_conf(&cfg, "sam", &conf, err,
	    sizeof(err)), 0);
	assert_non_null(strstr(conf, "/applicants/sam/matchguard.conf"));
	free(conf);
	assert_int_equal(mg_office_applicant_conf(&cfg, "../sam", &conf, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "--applicant ../sam: not an applicant's "
	    "ID"));
	assert_int_equal(mg_office_applicant_conf(&cfg, "not-one", &conf, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "no "));
	mg_config_clear(&cfg);
	mg_test_rmrf(dir);
	free(dir);
}

/* Two applicants with one state folder, or one address: no start. */
static void
test_apart(void **state)
{
	char			*dir = mg_test_tmpdir(), err[MG_ERRLEN];
	char			 shared[4096], *p;
	struct mg_config	 cfg;
	struct mg_office	 o;

	(void)state;
	office_conf(dir, &cfg);
	snprintf(shared, sizeof(shared), "%s/shared-state", dir);
	applicant(dir, "a", "a@x.test", shared);
	applicant(dir, "b", "b@x.test", shared);
	assert_int_equal(mg_office_open(&cfg, &o, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "is also the state folder of applicant "
	    "a"));
	assert_int_equal(o.n, 0);
	p = mg_test_path(dir, "applicants/b");
	mg_test_rmrf(p);
	free(p);
	applicant(dir, "b", "A@x.test", "state");
	assert_int_equal(mg_office_open(&cfg, &o, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "identity.addresses: a@x.test is also an "
	    "address of applicant a"));
	mg_config_clear(&cfg);
	mg_test_rmrf(dir);
	free(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_apart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
