/*
 * rules_fixture.h - the fixture shared by the rule tests (one file per
 * rule in tests/unit/rules/, and test_policy.c): a real configuration
 * written from the including file's conf_text (a printf format whose one
 * %s takes extra policy settings; the directories are in
 * tests/unit/rules/fixture_*.h and rule_table.h), the real filters/, and
 * a real ledger, all in a temporary directory; and the assertions on
 * findings.  Include it after defining conf_text.
 */
#ifndef MG_RULES_FIXTURE_H
#define MG_RULES_FIXTURE_H

struct fixture {
	char			*dir;
	struct mg_config	 cfg;
	struct mg_filters	*filters;
	struct mg_ledger	*ledger;
	struct mg_findings	 findings;
	enum mg_verdict		 verdict;
	const char		*msg_class;
};

static int
open_fixture(void **state, const char *policy_extra)
{
	struct fixture	*fx = calloc(1, sizeof(*fx));
	char		 text[8192], err[MG_ERRLEN], *path, *db;

	assert_non_null(fx);
	fx->dir = mg_test_tmpdir();
	snprintf(text, sizeof(text), conf_text, policy_extra);
	path = mg_test_write(fx->dir, "matchguard.conf", text);
	if (mg_config_load(path, &fx->cfg, err, sizeof(err)) == -1)
		fail_msg("config: %s", err);
	if (mg_policy_validate(&fx->cfg, err, sizeof(err)) == -1 ||
	    mg_filters_load(fx->cfg.filters_dir, mg_policy_filter_lists(),
	    &fx->filters, err, sizeof(err)) == -1)
		fail_msg("setup: %s", err);
	db = mg_test_path(fx->dir, "state/ledger.sqlite");
	if (mg_ledger_open(db, MG_LEDGER_RW, &fx->ledger, err,
	    sizeof(err)) == -1)
		fail_msg("ledger: %s", err);
	free(db);
	free(path);
	*state = fx;
	return 0;
}

static int __attribute__((unused))
setup(void **state)
{
	return open_fixture(state, "");
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;

	mg_findings_clear(&fx->findings);
	mg_ledger_close(&fx->ledger);
	mg_filters_free(fx->filters);
	mg_config_clear(&fx->cfg);
	mg_test_rmrf(fx->dir);
	free(fx->dir);
	free(fx);
	return 0;
}

static time_t
at(const char *iso)
{
	time_t	t;

	assert_int_equal(mg_parse_time(iso, &t), 0);
	return t;
}

/* Records a message already sent to program at the given time, with its
 * template signature (NULL: none). */
static void __attribute__((unused))
fixture_sent_sig(struct fixture *fx, const char *msgid, const char *program,
    const char *iso, const char *msg_class, const struct mg_textsig *sig)
{
	const char	*progs[1] = { program };
	struct mg_sent	 s = { 0 };
	char		 hash[65], err[MG_ERRLEN];
	int		 inserted;

	mg_sha256_hex(msgid, strlen(msgid), hash);
	s.message_id = msgid;
	s.content_hash = hash;
	s.date = at(iso);
	s.subject = "earlier message";
	s.msg_class = msg_class;
	s.verdict = "imported";
	s.programs = progs;
	s.n_programs = 1;
	s.sig = sig;
	if (mg_ledger_record_sent(fx->ledger, &s, &inserted, err,
	    sizeof(err)) == -1)
		fail_msg("record: %s", err);
	assert_true(inserted);
}

/* The same without a signature. */
static void __attribute__((unused))
fixture_sent(struct fixture *fx, const char *msgid, const char *program,
    const char *iso, const char *msg_class)
{
	fixture_sent_sig(fx, msgid, program, iso, msg_class, NULL);
}

/* Runs the policy on m at now (every rule) into fx: its findings,
 * verdict and class.  With progs, the array of recipient programs is
 * handed over (the caller frees it). */
static void __attribute__((unused))
fixture_check(struct fixture *fx, const struct mg_message *m, time_t now,
    const struct mg_program ***progs, size_t *n)
{
	struct mg_check	ck = { .cfg = &fx->cfg, .filters = fx->filters,
	    .ledger = fx->ledger, .msg = m, .now = now,
	    .mode = MG_CHECK_RULES };
	char		err[MG_ERRLEN];

	mg_findings_clear(&fx->findings);
	if (mg_policy_check(&ck, err, sizeof(err)) == -1)
		fail_msg("policy: %s", err);
	fx->findings = ck.findings;
	memset(&ck.findings, 0, sizeof(ck.findings));
	fx->verdict = ck.verdict;
	fx->msg_class = ck.msg_class;
	if (progs != NULL) {
		*progs = ck.programs;
		*n = ck.n_programs;
		ck.programs = NULL;
	}
	mg_check_clear(&ck);
}

static const struct mg_finding * __attribute__((unused))
finding(const struct fixture *fx, const char *rule)
{
	for (size_t i = 0; i < fx->findings.n; i++)
		if (strcmp(fx->findings.v[i].rule, rule) == 0)
			return &fx->findings.v[i];
	return NULL;
}

static void __attribute__((unused))
expect(const struct fixture *fx, const char *rule, enum mg_severity sev)
{
	const struct mg_finding	*f = finding(fx, rule);

	if (f == NULL) {
		for (size_t i = 0; i < fx->findings.n; i++)
			print_message("  got %s: %s\n", fx->findings.v[i].rule,
			    fx->findings.v[i].message);
		fail_msg("expected a %s finding", rule);
	}
	if (f->sev != sev)
		fail_msg("%s: severity %d, wanted %d: %s", rule, f->sev, sev,
		    f->message);
	assert_true(f->message[0] != '\0');
}

static void __attribute__((unused))
expect_none(const struct fixture *fx, const char *rule)
{
	const struct mg_finding	*f = finding(fx, rule);

	if (f != NULL)
		fail_msg("unexpected %s finding: %s (evidence \"%s\")", rule,
		    f->message, f->evidence);
}

#endif
