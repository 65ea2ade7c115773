/*
 * test_config.c - loading and checking the configuration file
 * (src/config.c).
 */
#include "config_auto.h"

#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "matchguard/config.h"
#include "matchguard/policy.h"
#include "matchguard/util.h"
#include "mg_test.h"

#ifndef MG_FILTERSDIR
#define MG_FILTERSDIR "/usr/share/matchguard/filters"
#endif

#define TEST_HOME	"/home/priya-test"

/* The form documented in matchguard.conf(5). */
static const char doc_conf[] =
    "identity = { name = \"Priya Raman\"; addresses = [ \"priya.raman@example.com\" ]; };\n"
    "season = { eras_open = \"2026-09-24\"; rol_deadline = \"2027-03-03\"; match_day = \"2027-03-19\"; };\n"
    "paths = { state = \"~/.local/state/matchguard\"; filters = \"/usr/share/matchguard/filters\"; };\n"
    "policy = { min_days_between = 7; follow_up_after_days = 21; season_warn = 12; season_max = 15;\n"
    "           rules = { \"vague-praise\" = \"off\"; }; };\n"
    "programs = (\n"
    "  { id = \"harborview\";\n"
    "    name = \"Harborview University Medical Genetics Residency\";\n"
    "    aliases = [ \"Harborview Genetics\" ];\n"
    "    institution = \"Harborview University\";\n"
    "    addresses = [ \"genetics-residency@harborview.edu\" ];\n"
    "    domains = [ \"harborview.edu\" ];\n"
    "    contacts = ( { role = \"director\"; name = \"Elena Marchetti\"; },\n"
    "                 { role = \"coordinator\"; name = \"Dana Whitfield\"; } );\n"
    "    features = [ \"hereditary cancer clinic\", \"biochemical genetics laboratory\" ];\n"
    "    interview_date = \"2026-11-10\"; }\n"
    ");\n";

/* The two groups every file needs, on lines 1 and 2. */
#define HEAD \
    "identity = { name = \"Priya Raman\"; addresses = [ \"priya.raman@example.com\" ]; };\n" \
    "season = { eras_open = \"2026-09-24\"; rol_deadline = \"2027-03-03\"; match_day = \"2027-03-19\"; };\n"

struct fixture {
	char	*dir;
	char	*home, *xdg_state;	/* saved environment */
};

static char *
save_env(const char *name)
{
	const char	*v = getenv(name);

	return v != NULL ? strdup(v) : NULL;
}

static void
restore_env(const char *name, char *v)
{
	if (v != NULL)
		setenv(name, v, 1);
	else
		unsetenv(name);
	free(v);
}

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	f->dir = mg_test_tmpdir();
	f->home = save_env("HOME");
	f->xdg_state = save_env("XDG_STATE_HOME");
	setenv("HOME", TEST_HOME, 1);
	unsetenv("XDG_STATE_HOME");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	restore_env("HOME", f->home);
	restore_env("XDG_STATE_HOME", f->xdg_state);
	mg_test_rmrf(f->dir);
	free(f->dir);
	free(f);
	return 0;
}

static long
day(const char *s)
{
	long	d;

	if (mg_parse_date(s, &d) == -1)
		fail_msg("bad date in the test: %s", s);
	return d;
}

/* Writes text as dir/name and loads it; fails the test when it does not
 * load.  Returns the file's path (caller frees). */
static char *
load_ok(const char *dir, const char *name, const char *text,
    struct mg_config *cfg)
{
	char	*path = mg_test_write(dir, name, text);
	char	 err[MG_ERRLEN] = "";

	if (mg_config_load(path, cfg, err, sizeof(err)) != 0)
		fail_msg("%s does not load: %s", name, err);
	assert_string_equal(cfg->path, path);
	return path;
}

/* A configuration that failed must hold nothing. */
static void
assert_cleared(const struct mg_config *cfg)
{
	assert_null(cfg->path);
	assert_null(cfg->name);
	assert_int_equal(cfg->addresses.n, 0);
	assert_null(cfg->policy.rules);
	assert_int_equal(cfg->policy.n_rules, 0);
	assert_null(cfg->state_dir);
	assert_null(cfg->filters_dir);
	assert_null(cfg->dir.programs);
	assert_int_equal(cfg->dir.n, 0);
}

static void
test_documented_form(void **state)
{
	struct fixture		*f = *state;
	struct mg_config	 cfg;
	const struct mg_program	*p;
	char			*path;

	path = load_ok(f->dir, "matchguard.conf", doc_conf, &cfg);

	assert_string_equal(cfg.name, "Priya Raman");
	assert_int_equal(cfg.addresses.n, 1);
	assert_string_equal(cfg.addresses.v[0], "priya.raman@example.com");

	assert_int_equal(cfg.eras_open, day("2026-09-24"));
	assert_int_equal(cfg.rol_deadline, day("2027-03-03"));
	assert_int_equal(cfg.match_day, day("2027-03-19"));
	/* No start: 1 June of the ERAS year. */
	assert_int_equal(cfg.season_start, day("2026-06-01"));

	assert_int_equal(cfg.policy.min_days_between, 7);
	assert_int_equal(cfg.policy.follow_up_after_days, 21);
	assert_int_equal(cfg.policy.season_warn, 12);
	assert_int_equal(cfg.policy.season_max, 15);
	/* The quoted rule name. */
	assert_int_equal(cfg.policy.n_rules, 1);
	assert_string_equal(cfg.policy.rules[0].rule, "vague-praise");
	assert_int_equal(cfg.policy.rules[0].sev, MG_SEV_OFF);
	assert_int_equal(cfg.policy.rules[0].line, 5);
	assert_int_equal(mg_config_rule_severity(&cfg, "vague-praise",
	    MG_SEV_WARN), MG_SEV_OFF);
	assert_int_equal(mg_config_rule_severity(&cfg, "bargaining",
	    MG_SEV_HOLD), MG_SEV_HOLD);
	assert_int_equal(mg_config_rule_severity(&cfg, "vague",
	    MG_SEV_WARN), MG_SEV_WARN);

	assert_string_equal(cfg.state_dir,
	    TEST_HOME "/.local/state/matchguard");
	assert_string_equal(cfg.filters_dir, "/usr/share/matchguard/filters");

	assert_int_equal(cfg.dir.n, 1);
	p = &cfg.dir.programs[0];
	assert_string_equal(p->id, "harborview");
	assert_string_equal(p->name,
	    "Harborview University Medical Genetics Residency");
	assert_int_equal(p->aliases.n, 1);
	assert_string_equal(p->aliases.v[0], "Harborview Genetics");
	assert_string_equal(p->institution, "Harborview University");
	assert_int_equal(p->addresses.n, 1);
	assert_string_equal(p->addresses.v[0],
	    "genetics-residency@harborview.edu");
	assert_int_equal(p->domains.n, 1);
	assert_string_equal(p->domains.v[0], "harborview.edu");
	assert_int_equal(p->n_contacts, 2);
	assert_string_equal(p->contacts[0].role, "director");
	assert_string_equal(p->contacts[0].name, "Elena Marchetti");
	assert_string_equal(p->contacts[1].role, "coordinator");
	assert_string_equal(p->contacts[1].name, "Dana Whitfield");
	assert_int_equal(p->features.n, 2);
	assert_string_equal(p->features.v[0], "hereditary cancer clinic");
	assert_string_equal(p->features.v[1],
	    "biochemical genetics laboratory");
	assert_true(p->has_interview);
	assert_int_equal(p->interview_day, day("2026-11-10"));
	assert_int_equal(p->line, 7);
	assert_ptr_equal(mg_directory_find_id(&cfg.dir, "harborview"), p);

	mg_config_clear(&cfg);
	assert_cleared(&cfg);
	/* Clearing twice is harmless. */
	mg_config_clear(&cfg);
	free(path);
}

/* Values other than the defaults, so that each one is seen to land. */
static void
test_values_land(void **state)
{
	struct fixture		*f = *state;
	struct mg_config	 cfg;
	const struct mg_program	*p;
	char			*path, *want;
	const char		*text =
	    "# comment with \"quotes\" = and // slashes\n"
	    "identity = { name = \"Priya // R#1\";\n"
	    "  addresses = [ \"Priya.Raman@Example.COM\", \"priya@alt.example\" ]; };\n"
	    "season = { start = \"2026-05-01\"; eras_open = \"2026-09-24\";\n"
	    "  rol_deadline = \"2027-03-03\"; match_day = \"2027-03-19\"; };\n"
	    "/* block \"x\" = comment */\n"
	    "paths = { state = \"state/here\"; filters = \"../filters\"; };\n"
	    "policy = { \"min_days_between\" = 3; follow_up_after_days = 10;\n"
	    "  season_warn = 40; season_max = 40;\n"
	    "  rules = { \"vague-praise\" = \"hold\";\n"
	    "    bargaining = \"warn\";\n"
	    "    \"letter-of-intent\" : \"off\"; }; };\n"
	    "programs = (\n"
	    "  { id = \"big-u_2\"; name = \"Big U\";\n"
	    "    addresses = [ \"Residency@BigU.EDU\" ];\n"
	    "    domains = [ \"@BigU.edu\", \".mail.bigu.edu\" ]; },\n"
	    "  { id = \"other\"; name = \"Other\"; domains = [ \"other.org\" ]; }\n"
	    ");\n";

	(void)state;
	path = load_ok(f->dir, "values.conf", text, &cfg);
	/* Comments and strings are not taken for quoted names. */
	assert_string_equal(cfg.name, "Priya // R#1");
	/* Addresses and domains in lower case. */
	assert_int_equal(cfg.addresses.n, 2);
	assert_string_equal(cfg.addresses.v[0], "priya.raman@example.com");
	assert_string_equal(cfg.addresses.v[1], "priya@alt.example");
	assert_int_equal(cfg.season_start, day("2026-05-01"));

	/* Relative paths are relative to the configuration's directory. */
	want = mg_test_path(f->dir, "state/here");
	assert_string_equal(cfg.state_dir, want);
	free(want);
	want = mg_test_path(f->dir, "../filters");
	assert_string_equal(cfg.filters_dir, want);
	free(want);

	assert_int_equal(cfg.policy.min_days_between, 3);
	assert_int_equal(cfg.policy.follow_up_after_days, 10);
	assert_int_equal(cfg.policy.season_warn, 40);
	assert_int_equal(cfg.policy.season_max, 40);
	assert_int_equal(cfg.policy.n_rules, 3);
	assert_int_equal(mg_config_rule_severity(&cfg, "vague-praise",
	    MG_SEV_OFF), MG_SEV_HOLD);
	assert_int_equal(mg_config_rule_severity(&cfg, "bargaining",
	    MG_SEV_OFF), MG_SEV_WARN);
	assert_int_equal(mg_config_rule_severity(&cfg, "letter-of-intent",
	    MG_SEV_HOLD), MG_SEV_OFF);
	assert_int_equal(cfg.policy.rules[0].line, 10);
	assert_int_equal(cfg.policy.rules[1].line, 11);
	assert_int_equal(cfg.policy.rules[2].line, 12);

	assert_int_equal(cfg.dir.n, 2);
	p = mg_directory_find_id(&cfg.dir, "big-u_2");
	assert_non_null(p);
	assert_int_equal(p->line, 14);
	assert_string_equal(p->addresses.v[0], "residency@bigu.edu");
	/* A leading "@" or "." of a domain is dropped. */
	assert_int_equal(p->domains.n, 2);
	assert_string_equal(p->domains.v[0], "bigu.edu");
	assert_string_equal(p->domains.v[1], "mail.bigu.edu");
	/* Optional settings. */
	assert_string_equal(p->institution, "");
	assert_int_equal(p->aliases.n, 0);
	assert_int_equal(p->features.n, 0);
	assert_int_equal(p->n_contacts, 0);
	assert_false(p->has_interview);
	p = mg_directory_find_id(&cfg.dir, "other");
	assert_non_null(p);
	assert_int_equal(p->addresses.n, 0);
	assert_int_equal(p->line, 17);
	assert_null(mg_directory_find_id(&cfg.dir, "Other"));

	mg_config_clear(&cfg);
	free(path);
}

static void
test_include(void **state)
{
	struct fixture		*f = *state;
	struct mg_config	 cfg;
	char			*path, *progs, *sub, *cwd, err[MG_ERRLEN];
	const struct mg_program	*p;

	progs = mg_test_write(f->dir, "conf/programs.conf",
	    "programs = (\n"
	    "  { id = \"harborview\"; name = \"Harborview\";\n"
	    "    domains = [ \"harborview.edu\" ]; },\n"
	    "  { id = \"lakeside\"; name = \"Lakeside\";\n"
	    "    domains = [ \"lakeside.org\" ]; }\n"
	    ");\n");
	/* Relative to the configuration's directory, not to the current
	 * one. */
	path = load_ok(f->dir, "conf/matchguard.conf",
	    HEAD "@include \"programs.conf\"\n", &cfg);
	assert_int_equal(cfg.dir.n, 2);
	p = mg_directory_find_id(&cfg.dir, "lakeside");
	assert_non_null(p);
	assert_string_equal(p->domains.v[0], "lakeside.org");
	/* Lines are those of the included file. */
	assert_int_equal(p->line, 4);
	mg_config_clear(&cfg);
	free(path);

	/* A subdirectory of the configuration's directory. */
	free(progs);
	progs = mg_test_write(f->dir, "conf/conf.d/more.conf",
	    "policy = { season_max = 30; };\n");
	path = load_ok(f->dir, "conf/main.conf",
	    HEAD "@include \"conf.d/more.conf\"\n", &cfg);
	assert_int_equal(cfg.policy.season_max, 30);
	mg_config_clear(&cfg);
	free(path);

	/* The configuration given by a relative name. */
	cwd = getcwd(NULL, 0);
	assert_non_null(cwd);
	sub = mg_test_path(f->dir, "conf");
	assert_int_equal(chdir(sub), 0);
	assert_int_equal(mg_config_load("matchguard.conf", &cfg, err,
	    sizeof(err)), 0);
	assert_int_equal(cfg.dir.n, 2);
	mg_config_clear(&cfg);
	assert_int_equal(chdir(cwd), 0);
	free(sub);
	free(cwd);

	/* An error in the included file names that file and its line. */
	free(progs);
	progs = mg_test_write(f->dir, "conf/programs.conf",
	    "programs = (\n"
	    "  { id = \"harborview\"; name = \"Harborview\";\n"
	    "    domians = [ \"harborview.edu\" ]; }\n"
	    ");\n");
	path = mg_test_path(f->dir, "conf/matchguard.conf");
	err[0] = '\0';
	assert_int_equal(mg_config_load(path, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "programs.conf:3: programs[0].domians: "
	    "unknown setting (did you mean \"domains\"?)"));
	assert_cleared(&cfg);

	/* A syntax error in the included file, likewise. */
	free(progs);
	progs = mg_test_write(f->dir, "conf/programs.conf",
	    "programs = (\n"
	    "  { id = \"harborview\" name = ; }\n"
	    ");\n");
	err[0] = '\0';
	assert_int_equal(mg_config_load(path, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "programs.conf:2: "));
	assert_non_null(strstr(err, "syntax error"));

	/* A missing included file: libconfig names the line of @include
	 * (line 3), not the file it could not open. */
	free(progs);
	progs = mg_test_path(f->dir, "conf/programs.conf");
	assert_int_equal(unlink(progs), 0);
	err[0] = '\0';
	assert_int_equal(mg_config_load(path, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, ":3: "));
	assert_non_null(strstr(err, "cannot open include file"));
	assert_cleared(&cfg);

	free(progs);
	free(path);
}

static void
test_defaults(void **state)
{
	struct fixture		*f = *state;
	struct mg_config	 cfg;
	char			*path;

	/* Neither policy nor paths nor programs. */
	setenv("XDG_STATE_HOME", "/xdg/state", 1);
	path = load_ok(f->dir, "min.conf", HEAD, &cfg);
	assert_int_equal(cfg.policy.min_days_between, MG_DEF_MIN_DAYS_BETWEEN);
	assert_int_equal(cfg.policy.follow_up_after_days,
	    MG_DEF_FOLLOW_UP_AFTER_DAYS);
	assert_int_equal(cfg.policy.season_warn, MG_DEF_SEASON_WARN);
	assert_int_equal(cfg.policy.season_max, MG_DEF_SEASON_MAX);
	/* The documented values of the defaults. */
	assert_int_equal(MG_DEF_MIN_DAYS_BETWEEN, 7);
	assert_int_equal(MG_DEF_FOLLOW_UP_AFTER_DAYS, 21);
	assert_int_equal(MG_DEF_SEASON_WARN, 12);
	assert_int_equal(MG_DEF_SEASON_MAX, 15);
	assert_true(cfg.policy.template_similarity == 0.8);
	assert_int_equal(cfg.policy.template_min_words, 40);
	assert_int_equal(cfg.policy.thank_you_max_days, 3);
	assert_int_equal(cfg.policy.thank_you_max_words, 250);
	assert_int_equal(cfg.policy.thank_you_max_paragraphs, 3);
	assert_int_equal(cfg.policy.max_words, 500);
	assert_int_equal(cfg.policy.n_rules, 0);
	assert_int_equal(mg_config_rule_severity(&cfg, "vague-praise",
	    MG_SEV_WARN), MG_SEV_WARN);
	assert_string_equal(cfg.state_dir, "/xdg/state/matchguard");
	/* The installed lists, or, not installed, the source tree's. */
	if (access(MG_FILTERSDIR, F_OK) == 0)
		assert_string_equal(cfg.filters_dir, MG_FILTERSDIR);
	else
		assert_string_equal(cfg.filters_dir, MG_SRC_FILTERSDIR);
	assert_int_equal(cfg.dir.n, 0);
	mg_config_clear(&cfg);

	/* A relative XDG_STATE_HOME is ignored, as the XDG spec says. */
	setenv("XDG_STATE_HOME", "relative/state", 1);
	assert_int_equal(mg_config_load(path, &cfg, NULL, 0), 0);
	assert_string_equal(cfg.state_dir,
	    TEST_HOME "/.local/state/matchguard");
	mg_config_clear(&cfg);
	unsetenv("XDG_STATE_HOME");
	assert_int_equal(mg_config_load(path, &cfg, NULL, 0), 0);
	assert_string_equal(cfg.state_dir,
	    TEST_HOME "/.local/state/matchguard");
	mg_config_clear(&cfg);
	free(path);

	/* Empty groups: defaults too; paths given one at a time. */
	setenv("XDG_STATE_HOME", "/xdg/state", 1);
	path = load_ok(f->dir, "empty.conf", HEAD
	    "policy = { };\npaths = { filters = \"/f\"; };\nprograms = ( );\n",
	    &cfg);
	assert_int_equal(cfg.policy.min_days_between, 7);
	assert_int_equal(cfg.policy.season_max, 15);
	assert_string_equal(cfg.state_dir, "/xdg/state/matchguard");
	assert_string_equal(cfg.filters_dir, "/f");
	assert_int_equal(cfg.dir.n, 0);
	mg_config_clear(&cfg);
	free(path);

	/* The season starts on 1 June, or with ERAS when that is earlier. */
	path = load_ok(f->dir, "early.conf",
	    "identity = { name = \"P\"; addresses = [ \"p@example.com\" ]; };\n"
	    "season = { eras_open = \"2026-03-01\"; rol_deadline = \"2027-03-03\";"
	    " match_day = \"2027-03-19\"; };\n", &cfg);
	assert_int_equal(cfg.season_start, day("2026-03-01"));
	mg_config_clear(&cfg);
	free(path);

	/* Policy thresholds at the edges of their ranges. */
	path = load_ok(f->dir, "edges.conf", HEAD
	    "policy = { min_days_between = 0; follow_up_after_days = 365;\n"
	    "  season_warn = 1; season_max = 10000; };\n", &cfg);
	assert_int_equal(cfg.policy.min_days_between, 0);
	assert_int_equal(cfg.policy.follow_up_after_days, 365);
	assert_int_equal(cfg.policy.season_warn, 1);
	assert_int_equal(cfg.policy.season_max, 10000);
	mg_config_clear(&cfg);
	free(path);

	/* The settings of the second policy issue; an integer is a number
	 * too for template_similarity. */
	path = load_ok(f->dir, "new.conf", HEAD
	    "policy = { template_similarity = 0.75; template_min_words = 60;\n"
	    "  thank_you_max_days = 0; thank_you_max_words = 300;\n"
	    "  thank_you_max_paragraphs = 4; max_words = 800; };\n"
	    "programs = ( { id = \"a\"; name = \"A\"; domains = [ \"a.edu\" ];\n"
	    "  tracks = [ \"research track\" ]; } );\n", &cfg);
	assert_true(cfg.policy.template_similarity == 0.75);
	assert_int_equal(cfg.policy.template_min_words, 60);
	assert_int_equal(cfg.policy.thank_you_max_days, 0);
	assert_int_equal(cfg.policy.thank_you_max_words, 300);
	assert_int_equal(cfg.policy.thank_you_max_paragraphs, 4);
	assert_int_equal(cfg.policy.max_words, 800);
	assert_int_equal(cfg.dir.programs[0].tracks.n, 1);
	assert_string_equal(cfg.dir.programs[0].tracks.v[0], "research track");
	mg_config_clear(&cfg);
	free(path);
	path = load_ok(f->dir, "one.conf", HEAD
	    "policy = { template_similarity = 1; };\n", &cfg);
	assert_true(cfg.policy.template_similarity == 1.0);
	mg_config_clear(&cfg);
	free(path);
}

/* libconfig makes the ";" after a setting optional: a missing one is not
 * an error, and the values still land. */
static void
test_missing_semicolon(void **state)
{
	struct fixture		*f = *state;
	struct mg_config	 cfg;
	char			*path;

	path = load_ok(f->dir, "nosemi.conf", HEAD
	    "policy = {\n"
	    "  min_days_between = 5\n"
	    "  season_warn = 20\n"
	    "  season_max = 30\n"
	    "}\n", &cfg);
	assert_int_equal(cfg.policy.min_days_between, 5);
	assert_int_equal(cfg.policy.season_warn, 20);
	assert_int_equal(cfg.policy.season_max, 30);
	mg_config_clear(&cfg);
	free(path);
}

static void
test_default_path_and_names(void **state)
{
	char	*p, *saved = save_env("XDG_CONFIG_HOME");

	(void)state;
	setenv("XDG_CONFIG_HOME", "/xdg/config", 1);
	p = mg_config_default_path();
	assert_string_equal(p, "/xdg/config/matchguard/matchguard.conf");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	p = mg_config_default_path();
	assert_string_equal(p, TEST_HOME "/.config/matchguard/matchguard.conf");
	free(p);
	restore_env("XDG_CONFIG_HOME", saved);

	assert_string_equal(mg_severity_name(MG_SEV_HOLD), "hold");
	assert_string_equal(mg_severity_name(MG_SEV_WARN), "warn");
	assert_string_equal(mg_severity_name(MG_SEV_INFO), "info");
	assert_string_equal(mg_severity_name(MG_SEV_OFF), "off");
}

/*
 * Errors: each names the file, the line and the setting.
 */

struct bad_case {
	const char	*what;
	const char	*text;
	int		 line;		/* 0: the error has no line */
	const char	*want[3];	/* substrings of the message */
	const char	*not;		/* must not be in the message */
};

static const struct bad_case bad_cases[] = {
	{ "unknown top-level group",
	  HEAD "polcy = { min_days_between = 7; };\n", 3,
	  { ": polcy: unknown setting", "did you mean \"policy\"" }, NULL },
	{ "unknown top-level group, nothing close",
	  HEAD "\n\ncolours = { red = 1; };\n", 5,
	  { ": colours: unknown setting" }, "did you mean" },
	{ "unknown setting in policy",
	  HEAD "policy = {\n  min_days_betwen = 7;\n};\n", 4,
	  { ": policy.min_days_betwen: unknown setting",
	    "(did you mean \"min_days_between\"?)" }, NULL },
	{ "unknown setting in paths",
	  HEAD "paths = { stat = \"x\"; };\n", 3,
	  { ": paths.stat: unknown setting", "did you mean \"state\"" }, NULL },
	{ "unknown setting in identity",
	  HEAD "\nidentity2 = { };\n", 4,
	  { ": identity2: unknown setting", "did you mean \"identity\"" },
	  NULL },
	{ "wrong type",
	  HEAD "policy = {\n  season_max = 20;\n  min_days_between = \"seven\";\n"
	  "};\n", 5,
	  { ": policy.min_days_between: ", "must be a whole number without "
	    "quotes", "like min_days_between = 7;" }, NULL },
	{ "float for a whole number",
	  HEAD "policy = { follow_up_after_days = 2.5; };\n", 3,
	  { ": policy.follow_up_after_days: must be a whole number" }, NULL },
	{ "number out of range",
	  HEAD "policy = {\n  min_days_between = 400; };\n", 4,
	  { ": policy.min_days_between: must be between 0 and 365" }, NULL },
	{ "season_max below 1",
	  HEAD "policy = {\n  season_max = 0; };\n", 4,
	  { ": policy.season_max: must be between 1 and 10000" }, NULL },
	{ "season_warn above season_max",
	  HEAD "\npolicy = { season_warn = 20; };\n", 4,
	  { ": policy: season_warn (20) must not be above season_max (15)" },
	  NULL },
	{ "policy not a group",
	  HEAD "policy = 7;\n", 3,
	  { ": policy: must be a group" }, NULL },
	{ "bad date",
	  "identity = { name = \"P\"; addresses = [ \"p@example.com\" ]; };\n"
	  "season = {\n"
	  "  eras_open = \"2026-13-40\";\n"
	  "  rol_deadline = \"2027-03-03\";\n"
	  "  match_day = \"2027-03-19\";\n"
	  "};\n", 3,
	  { ": season.eras_open: must be a date in double quotes",
	    "year-month-day" }, NULL },
	{ "date without quotes",
	  "identity = { name = \"P\"; addresses = [ \"p@example.com\" ]; };\n"
	  "season = { eras_open = \"2026-09-24\"; rol_deadline = \"2027-03-03\";\n"
	  "  match_day = 2027; };\n", 3,
	  { ": season.match_day: must be a date" }, NULL },
	{ "bad interview date",
	  HEAD "programs = ( { id = \"a\"; name = \"A\"; domains = [ \"a.edu\" ];\n"
	  "  interview_date = \"2026-02-29\"; } );\n", 4,
	  { ": programs[0].interview_date: must be a date" }, NULL },
	{ "dates out of order",
	  "identity = { name = \"P\"; addresses = [ \"p@example.com\" ]; };\n"
	  "\n"
	  "season = {\n"
	  "  eras_open = \"2026-09-24\";\n"
	  "  rol_deadline = \"2026-03-03\";\n"
	  "  match_day = \"2027-03-19\";\n"
	  "};\n", 3,
	  { ": season: dates out of order", "eras_open <= rol_deadline" },
	  NULL },
	{ "match day before the rank order list deadline",
	  "identity = { name = \"P\"; addresses = [ \"p@example.com\" ]; };\n"
	  "season = { eras_open = \"2026-09-24\"; rol_deadline = \"2027-03-20\";"
	  " match_day = \"2027-03-19\"; };\n", 2,
	  { ": season: dates out of order" }, NULL },
	{ "season start after ERAS",
	  "identity = { name = \"P\"; addresses = [ \"p@example.com\" ]; };\n"
	  "season = { start = \"2026-10-01\"; eras_open = \"2026-09-24\";\n"
	  "  rol_deadline = \"2027-03-03\"; match_day = \"2027-03-19\"; };\n", 2,
	  { ": season: dates out of order", "start <= eras_open" }, NULL },
	{ "missing season setting",
	  "identity = { name = \"P\"; addresses = [ \"p@example.com\" ]; };\n"
	  "season = { eras_open = \"2026-09-24\"; rol_deadline = \"2027-03-03\"; };\n",
	  2, { ": season: the setting \"match_day\" is missing" }, NULL },
	{ "unknown severity",
	  HEAD "policy = {\n  rules = {\n    \"vague-praise\" = \"maybe\";\n"
	  "  };\n};\n", 5,
	  { ": policy.rules.vague-praise: must be \"hold\", \"warn\" or "
	    "\"off\"" }, NULL },
	{ "severity not text",
	  HEAD "policy = { rules = {\n  bargaining = 1; }; };\n", 4,
	  { ": policy.rules.bargaining: must be \"hold\"" }, NULL },
	{ "severity in capitals",
	  HEAD "policy = { rules = {\n  bargaining = \"HOLD\"; }; };\n", 4,
	  { ": policy.rules.bargaining: must be \"hold\"" }, NULL },
	{ "rules not a group",
	  HEAD "policy = {\n  rules = [ \"vague-praise\" ]; };\n", 4,
	  { ": policy.rules: must be a group" }, NULL },
	{ "duplicate program id",
	  HEAD "programs = (\n"
	  "  { id = \"harborview\"; name = \"A\"; domains = [ \"a.edu\" ]; },\n"
	  "  { id = \"lakeside\"; name = \"L\"; domains = [ \"l.edu\" ]; },\n"
	  "  { id = \"harborview\"; name = \"B\"; domains = [ \"b.edu\" ]; }\n"
	  ");\n", 6,
	  { ": programs[2]: the id \"harborview\" is used twice" }, NULL },
	{ "address in two programs",
	  HEAD "programs = (\n"
	  "  { id = \"harborview\"; name = \"A\";\n"
	  "    addresses = [ \"genetics-residency@harborview.edu\" ]; },\n"
	  "  { id = \"other\"; name = \"B\";\n"
	  "    addresses = [ \"x@other.edu\", "
	  "\"Genetics-Residency@Harborview.EDU\" ]; }\n"
	  ");\n", 6,
	  { ": programs[1]: the address genetics-residency@harborview.edu "
	    "also belongs to program \"harborview\"" }, NULL },
	{ "domain without a dot",
	  HEAD "programs = ( { id = \"a\"; name = \"A\";\n"
	  "  domains = [ \"harborview\" ]; } );\n", 4,
	  { ": programs[0].domains: \"harborview\" is not a domain" }, NULL },
	{ "address given as a domain",
	  HEAD "programs = ( { id = \"a\"; name = \"A\";\n"
	  "  domains = [ \"harborview.edu\", \"gr@harborview.edu\" ]; } );\n", 4,
	  { ": programs[0].domains: \"gr@harborview.edu\" is not a domain" },
	  NULL },
	{ "program without name",
	  HEAD "programs = (\n  {\n    id = \"harborview\";\n"
	  "    domains = [ \"harborview.edu\" ];\n  }\n);\n", 4,
	  { ": programs[0]: the setting \"name\" is missing" }, NULL },
	{ "program with an empty name",
	  HEAD "programs = ( { id = \"a\";\n  name = \"\"; domains = [ \"a.edu\" ]; } );\n",
	  4, { ": programs[0].name: must not be empty" }, NULL },
	{ "program without id",
	  HEAD "programs = (\n  { name = \"A\"; domains = [ \"a.edu\" ]; }\n);\n", 4,
	  { ": programs[0]: the setting \"id\" is missing" }, NULL },
	{ "bad program id",
	  HEAD "programs = ( { name = \"A\"; domains = [ \"a.edu\" ];\n"
	  "  id = \"Harbor View\"; } );\n", 4,
	  { ": programs[0].id: use lower case letters" }, NULL },
	{ "program without addresses or domains",
	  HEAD "programs = (\n  { id = \"a\"; name = \"A\"; }\n);\n", 4,
	  { ": programs[0]: program \"a\" needs \"addresses\" or \"domains\"" },
	  NULL },
	{ "unknown program setting",
	  HEAD "programs = ( { id = \"a\"; name = \"A\";\n"
	  "  adresses = [ \"a@a.edu\" ]; } );\n", 4,
	  { ": programs[0].adresses: unknown setting",
	    "did you mean \"addresses\"" }, NULL },
	{ "addresses as text, not a list",
	  HEAD "programs = ( { id = \"a\"; name = \"A\";\n"
	  "  addresses = \"a@a.edu\"; } );\n", 4,
	  { ": programs[0].addresses: must be a list in brackets",
	    "addresses = [ \"a@a.edu\" ];" }, NULL },
	{ "empty item in a list",
	  HEAD "programs = ( { id = \"a\"; name = \"A\";\n"
	  "  domains = [ \"a.edu\", \"\" ]; } );\n", 4,
	  { ": programs[0].domains: item 2 must be non-empty text" }, NULL },
	{ "contact without role",
	  HEAD "programs = ( { id = \"a\"; name = \"A\"; domains = [ \"a.edu\" ];\n"
	  "  contacts = (\n    { role = \"director\"; name = \"E\"; },\n"
	  "    { name = \"Dana\"; } ); } );\n", 6,
	  { ": programs[0].contacts[1]: the setting \"role\" is missing" },
	  NULL },
	{ "contacts not a list of groups",
	  HEAD "programs = ( { id = \"a\"; name = \"A\"; domains = [ \"a.edu\" ];\n"
	  "  contacts = [ \"Elena\" ]; } );\n", 4,
	  { ": programs[0].contacts: must be a list of groups" }, NULL },
	{ "programs not a list",
	  HEAD "programs = { id = \"a\"; };\n", 3,
	  { ": programs: must be a list of programs in parentheses" }, NULL },
	{ "identity address without @",
	  "identity = {\n  name = \"P\";\n  addresses = [ \"priya\" ];\n};\n"
	  "season = { eras_open = \"2026-09-24\"; rol_deadline = \"2027-03-03\";"
	  " match_day = \"2027-03-19\"; };\n", 3,
	  { ": identity.addresses: \"priya\" is not an e-mail address" }, NULL },
	{ "identity without addresses",
	  "identity = {\n  name = \"P\";\n};\n"
	  "season = { eras_open = \"2026-09-24\"; rol_deadline = \"2027-03-03\";"
	  " match_day = \"2027-03-19\"; };\n", 1,
	  { ": identity: \"addresses\" must list at least one" }, NULL },
	{ "identity not a group",
	  "identity = \"Priya\";\n", 1,
	  { ": identity: must be a group" }, NULL },
	{ "missing group",
	  "identity = { name = \"P\"; addresses = [ \"p@example.com\" ]; };\n",
	  0, { ": the group \"season\" is missing" }, NULL },
	{ "syntax error: no equals sign",
	  HEAD "policy = {\n  min_days_between = 7;\n  season_warn 12;\n};\n", 5,
	  { ": syntax error", "put \"=\" between season_warn and its value" },
	  NULL },
	{ "syntax error: no comma between programs",
	  HEAD "programs = (\n  { id = \"a\"; name = \"A\"; domains = [ \"a.edu\" ]; }\n"
	  "  { id = \"b\"; name = \"B\"; domains = [ \"b.edu\" ]; }\n);\n", 5,
	  { ": syntax error", "put a comma after the } that ends line 4" }, NULL },
	{ "syntax error: group not closed",
	  HEAD "policy = {\n  min_days_between = 7;\n", 5,
	  { ": syntax error", "the { on line 3 is not closed: put };" }, NULL },
	/* A line that begins with { (the hint once looped on it forever). */
	{ "syntax error: a lone { at the start of a line",
	  "{\n", 1,
	  { ": syntax error", "the { on line 1 is not closed" }, NULL },
	{ "syntax error: curly quotes (a word processor's)",
	  "identity = {\n  name = \xe2\x80\x9cPriya Raman\xe2\x80\x9d;\n};\n", 2,
	  { "the quotes on line 2 are curly", "use straight double quotes" },
	  NULL },
	{ "syntax error: a name without quotes",
	  "identity = {\n  name = Priya Raman;\n};\n", 2,
	  { "goes in double quotes: name = \"Priya Raman\";" }, NULL },
	{ "syntax error: a date without quotes",
	  HEAD "policy = {\n  min_days_between = 7;\n};\nimap = { since = 2026-09-01; };\n",
	  6, { "goes in double quotes: since = \"2026-09-01\";" }, "curly" },
	{ "syntax error: a quote not closed",
	  "identity = {\n  name = \"Priya Raman;\n  addresses = [ ];\n};\n", 5,
	  { "the text in double quotes on line 2 is not closed" }, NULL },
	{ "syntax error: single quotes",
	  "identity = {\n  name = 'Priya Raman';\n};\n", 2,
	  { "line 2 has a single quote" }, NULL },
	{ "syntax error: the wrong bracket",
	  "identity = { name = \"P\"; addresses = [ \"p@example.com\" ); };\n", 1,
	  { "line 1 closes with ) where ] is needed" }, NULL },
	{ "duplicate setting",
	  HEAD "policy = {\n  season_max = 20;\n  season_max = 30;\n};\n", 5,
	  { ": duplicate setting name" }, NULL },
	{ "template_similarity in quotes",
	  HEAD "policy = {\n  template_similarity = \"0.8\";\n};\n", 4,
	  { ": policy.template_similarity: must be a number without quotes" },
	  NULL },
	{ "template_similarity out of range",
	  HEAD "policy = {\n  template_similarity = 1.5;\n};\n", 4,
	  { ": policy.template_similarity: must be between 0.5 and 1" }, NULL },
	{ "template_similarity too low",
	  HEAD "policy = {\n  template_similarity = 0.2;\n};\n", 4,
	  { ": policy.template_similarity: must be between" }, NULL },
	{ "thank_you_max_days negative",
	  HEAD "policy = {\n  thank_you_max_days = -1;\n};\n", 4,
	  { ": policy.thank_you_max_days: must be between 0 and 60" }, NULL },
	{ "thank_you_max_words as a fraction",
	  HEAD "policy = {\n  thank_you_max_words = 250.5;\n};\n", 4,
	  { ": policy.thank_you_max_words: must be a whole number" }, NULL },
	{ "max_words misspelled",
	  HEAD "policy = {\n  max_word = 500;\n};\n", 4,
	  { ": policy.max_word: unknown setting (did you mean \"max_words\"?)" },
	  NULL },
	{ "tracks not a list",
	  HEAD "programs = ( { id = \"a\"; name = \"A\"; domains = [ \"a.edu\" ];\n"
	  "  tracks = \"research\"; } );\n", 4,
	  { ": programs[0].tracks: must be a list in brackets" }, NULL },
	{ "milter.listen in Postfix's form",
	  "milter = {\n  listen = \"inet:127.0.0.1:8894\";\n};\n", 2,
	  { ": milter.listen: must be \"inet:PORT@HOST\"",
	    "not libmilter's" }, NULL },
	{ "milter.listen on every address",
	  "milter = {\n  listen = \"inet:8894@0.0.0.0\";\n};\n", 2,
	  { ": milter.listen: 0.0.0.0 is not a loopback address",
	    "milter.allow_remote = 1" }, NULL },
	{ "milter.listen: a relative socket",
	  "milter = {\n  listen = \"unix:milter.sock\";\n};\n", 2,
	  { ": milter.listen: the socket must be an absolute path" }, NULL },
	{ "milter.listen: another scheme",
	  "milter = { listen = \"tcp:8894\"; };\n", 1,
	  { ": milter.listen: must be \"inet:PORT@127.0.0.1\" or" }, NULL },
	{ "milter.on_hold",
	  "milter = {\n  on_hold = \"queue\";\n};\n", 2,
	  { ": milter.on_hold: must be \"quarantine\" or \"reject\"" }, NULL },
	{ "milter.max_sessions out of range",
	  "milter = {\n  max_sessions = 0;\n};\n", 2,
	  { ": milter.max_sessions: must be between 1 and 1000" }, NULL },
	{ "milter: unknown setting",
	  "milter = {\n  time_out = 5;\n};\n", 2,
	  { ": milter.time_out: unknown setting (did you mean \"timeout\"?)" },
	  NULL },
	{ "an office file with identity needs season",
	  "identity = { name = \"x\"; addresses = [ \"x@y.z\" ]; };\n"
	  "milter = { };\n", 0, { "the group \"season\" is missing" }, NULL },
};

static void
test_errors(void **state)
{
	struct fixture	*f = *state;
	char		 err[MG_ERRLEN], name[32], where[PATH_MAX + 32];
	char		*path;

	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case	*c = &bad_cases[i];
		struct mg_config	 cfg;
		int			 rc;

		snprintf(name, sizeof(name), "bad%zu.conf", i);
		path = mg_test_write(f->dir, name, c->text);
		memset(&cfg, 0xa5, sizeof(cfg));	/* zeroed by the call */
		err[0] = '\0';
		rc = mg_config_load(path, &cfg, err, sizeof(err));
		if (rc != -1)
			fail_msg("%s: loaded (rc %d)", c->what, rc);
		assert_cleared(&cfg);
		/* "FILE:LINE: setting: what", or "FILE: what". */
		if (c->line > 0)
			snprintf(where, sizeof(where), "%s:%d: ", path, c->line);
		else
			snprintf(where, sizeof(where), "%s: ", path);
		if (strncmp(err, where, strlen(where)) != 0)
			fail_msg("%s: \"%s\" does not begin with \"%s\"", c->what,
			    err, where);
		for (size_t j = 0; j < 3 && c->want[j] != NULL; j++)
			if (strstr(err, c->want[j]) == NULL)
				fail_msg("%s: \"%s\" lacks \"%s\"", c->what, err,
				    c->want[j]);
		if (c->not != NULL && strstr(err, c->not) != NULL)
			fail_msg("%s: \"%s\" has \"%s\"", c->what, err, c->not);
		assert_null(strchr(err, '\n'));
		free(path);
	}
}

/* An office's file: a milter group and no identity; an applicant's
 * file adds the office's shared programs to their own. */
static void
test_office(void **state)
{
	struct fixture		*f = *state;
	struct mg_config	 cfg;
	char			 err[MG_ERRLEN], *path;
	const struct mg_program	*p;

	path = load_ok(f->dir, "office.conf", "milter = { listen = "
	    "\"unix:/run/mg.sock\"; on_hold = \"reject\"; timeout = 30; };\n",
	    &cfg);
	assert_true(cfg.milter.present);
	assert_string_equal(cfg.milter.listen, "unix:/run/mg.sock");
	assert_int_equal(cfg.milter.on_hold, MG_MILTER_REJECT);
	assert_int_equal(cfg.milter.timeout, 30);
	assert_int_equal(cfg.milter.max_sessions, MG_DEF_MILTER_MAX_SESSIONS);
	assert_non_null(strstr(cfg.milter.applicants, "/applicants"));
	assert_null(cfg.name);
	mg_config_clear(&cfg);
	free(path);

	free(mg_test_write(f->dir, "shared.conf", "programs = (\n"
	    "  { id = \"a\"; name = \"A Shared\"; domains = [ \"a.edu\" ]; },\n"
	    "  { id = \"b\"; name = \"B\"; addresses = [ \"r@b.edu\" ]; }\n"
	    ");\n"));
	path = load_ok(f->dir, "applicant.conf", HEAD "paths = { programs = "
	    "\"shared.conf\"; };\nprograms = ( { id = \"a\"; name = \"A Own\";"
	    " domains = [ \"a.edu\" ]; interview_date = \"2026-11-02\"; },\n"
	    "  { id = \"c\"; name = \"C\"; domains = [ \"c.edu\" ]; } );\n",
	    &cfg);
	assert_int_equal(cfg.dir.n, 3);
	assert_non_null(p = mg_directory_find_id(&cfg.dir, "a"));
	assert_string_equal(p->name, "A Own");	/* the applicant's own */
	assert_true(p->has_interview);
	assert_non_null(mg_directory_find_id(&cfg.dir, "b"));
	assert_non_null(mg_directory_find_id(&cfg.dir, "c"));
	/* A policy-only default is still set in an office file. */
	mg_config_clear(&cfg);
	free(path);

	/* An own program with a shared one's address. */
	path = mg_test_write(f->dir, "clash.conf", HEAD "paths = { programs = "
	    "\"shared.conf\"; };\nprograms = (\n { id = \"d\"; name = \"D\";"
	    " addresses = [ \"r@b.edu\" ]; } );\n");
	assert_int_equal(mg_config_load(path, &cfg, err, sizeof(err)), -1);
	print_message("%s\n", err);
	assert_non_null(strstr(err, "clash.conf:5: programs[0]: "));
	assert_non_null(strstr(err, "r@b.edu also belongs to program \"b\""));
	free(path);
}

static void
test_file_errors(void **state)
{
	struct fixture		*f = *state;
	struct mg_config	 cfg;
	char			*path, *big, err[MG_ERRLEN];

	/* Missing file: the name and the reason. */
	path = mg_test_path(f->dir, "missing.conf");
	err[0] = '\0';
	assert_int_equal(mg_config_load(path, &cfg, err, sizeof(err)), -1);
	assert_cleared(&cfg);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, strerror(ENOENT)));
	free(path);

	/* A directory. */
	err[0] = '\0';
	assert_int_equal(mg_config_load(f->dir, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, f->dir));
	assert_non_null(strstr(err, "is a folder"));

	/* Larger than 4 MiB. */
	big = malloc(4u * 1024u * 1024u + 2);
	assert_non_null(big);
	memset(big, '\n', 4u * 1024u * 1024u + 1);
	big[4u * 1024u * 1024u + 1] = '\0';
	path = mg_test_write(f->dir, "big.conf", big);
	free(big);
	err[0] = '\0';
	assert_int_equal(mg_config_load(path, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "larger than"));
	free(path);

	/* An empty file: the first required group is missing. */
	path = mg_test_write(f->dir, "empty.conf", "");
	err[0] = '\0';
	assert_int_equal(mg_config_load(path, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "the group \"identity\" is missing"));
	/* A NULL err buffer is allowed. */
	assert_int_equal(mg_config_load(path, &cfg, NULL, 0), -1);
	assert_cleared(&cfg);
	free(path);
}

/* --- the settings table ---------------------------------------------- */

static char *
read_source(const char *rel)
{
	char	 path[PATH_MAX];
	FILE	*f;
	char	*buf;
	long	 n;

	snprintf(path, sizeof(path), "%s/%s", MG_SRCDIR, rel);
	if ((f = fopen(path, "r")) == NULL)
		fail_msg("cannot open %s", path);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 2);
	assert_non_null(buf);
	buf[0] = '\n';		/* so that every line starts after a '\n' */
	assert_int_equal(fread(buf + 1, 1, (size_t)n, f), (size_t)n);
	buf[n + 1] = '\0';
	fclose(f);
	return buf;
}

/* Is c a character that may come before a setting's name? */
static int
name_start(const char *text, const char *at)
{
	return at == text || strchr(" \t#{;\n", at[-1]) != NULL;
}

/* Does text hold "name =" (perhaps in a comment, perhaps after another
 * setting on the line: "{ type = "smtp"; host = ...")? */
static int
has_assignment(const char *text, const char *name)
{
	size_t	len = strlen(name);

	for (const char *p = text; (p = strstr(p, name)) != NULL; p++) {
		const char	*q = p + len;

		if (!name_start(text, p))
			continue;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == '=')
			return 1;
	}
	return 0;
}

static const char *const top_groups[] = { "identity", "season", "paths",
    "policy", "smtp", "upstream", "imap", "review", "milter", "programs",
    "@include", NULL };

/* Is the line at p the start of a top-level group other than except
 * ("smtp = {", "#   upstream = { type = ...")? */
static int
group_line(const char *p, const char *except)
{
	while (*p == ' ' || *p == '\t' || *p == '#')
		p++;
	for (const char *const *g = top_groups; *g != NULL; g++) {
		size_t		 len = strlen(*g);
		const char	*q = p + len;

		if (strncmp(p, *g, len) != 0 || (except != NULL &&
		    strcmp(*g, except) == 0))
			continue;
		if (**g == '@')
			return 1;
		while (*q == ' ')
			q++;
		if (*q == '=')
			return 1;
	}
	return 0;
}

/* The part of conf/example.conf about group: from its first line,
 * commented out or not, to the first line of another group.  NULL when
 * the group is not there.  Caller frees. */
static char *
example_section(const char *ex, const char *group)
{
	const char	*a = NULL, *b;

	for (const char *p = ex; (p = strchr(p, '\n')) != NULL && a == NULL;
	    p++)
		if (group_line(p + 1, NULL) && !group_line(p + 1, group))
			a = p + 1;
	if (a == NULL)
		return NULL;
	for (b = a; (b = strchr(b, '\n')) != NULL; b++)
		if (group_line(b + 1, group))
			break;
	return strndup(a, b != NULL ? (size_t)(b - a) : strlen(a));
}

/* The section of the man page on group: from ".SS group" to the next
 * section.  NULL when there is none.  Caller frees. */
static char *
man_section(const char *man, const char *group)
{
	char		 head[64];
	const char	*a, *b, *ss, *sh;

	snprintf(head, sizeof(head), "\n.SS %s\n", group);
	if ((a = strstr(man, head)) == NULL)
		return NULL;
	ss = strstr(a + 1, "\n.SS ");
	sh = strstr(a + 1, "\n.SH ");
	b = ss == NULL ? sh : sh == NULL ? ss : ss < sh ? ss : sh;
	return strndup(a, b != NULL ? (size_t)(b - a) : strlen(a));
}

/* Does the man page section head the row with its description, as
 * ".BR name \" (whole number, 1 to 100, default 3)\"" (quotes as \(dq),
 * perhaps with a remark after a colon or a semicolon? */
static int
man_describes(const char *sec, const struct mg_setting *s)
{
	char		 desc[256], want[512];
	size_t		 off;
	const char	*at;

	mg_setting_describe(s, desc, sizeof(desc));
	off = (size_t)snprintf(want, sizeof(want), "\n.BR %s \" (", s->name);
	for (const char *c = desc; *c != '\0' && off + 5 < sizeof(want); c++)
		if (*c == '"') {
			memcpy(want + off, "\\(dq", 4);
			off += 4;
		} else
			want[off++] = *c;
	want[off] = '\0';
	for (at = sec; (at = strstr(at, want)) != NULL; at++) {
		const char	*end = at + off;

		if (strncmp(end, ")\"", 2) == 0 || strncmp(end, ": ", 2) == 0 ||
		    strncmp(end, "; ", 2) == 0)
			return 1;
	}
	return 0;
}

static int
example_shows(const char *ex, const struct mg_setting *s)
{
	char	*sec = example_section(ex, s->group);
	int	 yes = sec != NULL && has_assignment(sec, s->name);

	free(sec);
	return yes;
}

static int
man_shows(const char *man, const struct mg_setting *s)
{
	char	*sec = man_section(man, s->group);
	int	 yes = sec != NULL && man_describes(sec, s);

	free(sec);
	return yes;
}

/* Every row of the table is in the section of its group in
 * matchguard.conf(5), headed with mg_setting_describe()'s words, and in
 * the part of conf/example.conf on its group (perhaps commented out). */
static void
test_settings_documented(void **state)
{
	char			*man = read_source("doc/matchguard.conf.5");
	char			*ex = read_source("conf/example.conf");
	char			 full[64];
	size_t			 n = 0;
	struct mg_setting	 fake;

	(void)state;
	for (const struct mg_setting *s = mg_settings; s->name != NULL; s++,
	    n++) {
		mg_setting_fullname(s, full, sizeof(full));
		if (!man_shows(man, s)) {
			char	desc[256];

			mg_setting_describe(s, desc, sizeof(desc));
			fail_msg("doc/matchguard.conf.5 lacks %s in \".SS %s\": "
			    "want .BR %s \" (%s)\"", full, s->group, s->name,
			    desc);
		}
		if (!example_shows(ex, s))
			fail_msg("conf/example.conf lacks %s in its %s group",
			    full, s->group);
		assert_ptr_equal(mg_setting_find(full), s);
		assert_ptr_equal(mg_setting_row(s->group, s->name), s);
		assert_non_null(s->help);
		assert_true(strlen(s->help) > 5 && strchr(s->help, '\n') == NULL);
		if (strcmp(s->group, "policy") == 0 && s->type != MG_SETTING_RULES)
			assert_non_null(s->rules);
		else if (strcmp(s->group, "season") != 0)
			assert_null(s->rules);
		if (s->type == MG_SETTING_CHOICE)
			assert_non_null(s->choices);
	}
	print_message("%zu settings documented\n", n);
	assert_true(n >= 70);
	assert_null(mg_setting_find("no_such_setting"));
	assert_null(mg_setting_find("smtp.no_such_setting"));
	assert_null(mg_setting_find("averyveryverylonggroup.name"));
	/* The checks can fail: a setting of each group that is not there. */
	for (const char *const *g = top_groups; *g != NULL; g++) {
		const struct mg_setting	*any = NULL;

		for (const struct mg_setting *s = mg_settings; s->name != NULL;
		    s++)
			if (strcmp(s->group, *g) == 0)
				any = s;
		if (any == NULL)
			continue;
		fake = *any;
		fake.name = "no_such_setting";
		assert_false(man_shows(man, &fake));
		assert_false(example_shows(ex, &fake));
		/* A wrong default is caught too. */
		if (any->type == MG_SETTING_INT) {
			fake = *any;
			fake.dflt += 1;
			assert_false(man_shows(man, &fake));
		}
	}
	free(man);
	free(ex);
}

/* What the man page's headings say, word for word. */
static void
test_settings_describe(void **state)
{
	static const struct {
		const char	*name, *want;
	} cases[] = {
		{ "min_days_between", "whole number, 0 to 365, default 7" },
		{ "template_similarity", "number, 0.5 to 1.0, default 0.8" },
		{ "season.start", "date, optional" },
		{ "season.match_day", "date, required" },
		{ "rules", "group, optional" },
		{ "smtp.greet_pause", "whole number of milliseconds, 0 to "
		  "10000, default 100" },
		{ "smtp.on_hold", "\"queue\", \"reject\" or \"reject-and-queue\", "
		    "default \"reject-and-queue\"" },
		{ "smtp.listen", "list of texts, default [ \"127.0.0.1:2525\", "
		  "\"[::1]:2525\" ]" },
		{ "smtp.local_user", "text, optional" },
		{ "upstream.type", "\"none\", \"smtp\" or \"maildir\", "
		  "required" },
		{ "upstream.port", "whole number, 1 to 65535, default 587, or "
		  "465 with tls = \"implicit\"" },
		{ "upstream.path", "text, default <state>/sent" },
		{ "imap.host", "text, required" },
		{ "imap.notices", "true or false, default true" },
		{ "imap.max_literal_size", "whole number of bytes, 1024 to "
		  "1073741824, default 33554432" },
	};
	char	buf[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mg_setting	*s = mg_setting_find(cases[i].name);

		if (s == NULL)
			fail_msg("no row %s", cases[i].name);
		mg_setting_describe(s, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
	}
}

/* The groups of the serve side, each present with only what it needs. */
#define SERVE_GROUPS \
    "smtp = { };\n" \
    "upstream = { type = \"smtp\"; host = \"127.0.0.1\"; };\n" \
    "imap = { host = \"imap.example.com\"; user = \"u\"; password = \"p\"; };\n"

/* The loader walks the table: every number a row has a default for is
 * that default when the setting is absent, and each bound of an INT row
 * is enforced with the row's words. */
static void
test_settings_loaded(void **state)
{
	struct fixture		*f = *state;
	struct mg_config	 cfg;
	char			*path, text[2048], err[MG_ERRLEN], want[128];
	char			 open_group[32];
	size_t			 checked = 0;

	path = load_ok(f->dir, "d.conf", HEAD SERVE_GROUPS, &cfg);
	free(path);
	for (const struct mg_setting *s = mg_settings; s->name != NULL; s++) {
		const void	*v = (const char *)&cfg + s->off;

		if (s->dflt_text != NULL || (s->flags & MG_SETTING_REQUIRED) ||
		    strcmp(s->group, "season") == 0)
			continue;
		switch (s->type) {
		case MG_SETTING_INT:
		case MG_SETTING_BOOL:
			assert_int_equal(*(const int *)v, (int)s->dflt);
			break;
		case MG_SETTING_FRACTION:
			assert_true(*(const double *)v == s->dflt);
			break;
		case MG_SETTING_CHOICE:
			/* auth: endpoint.c maps the choice to the mode */
			if (strcmp(s->name, "auth") == 0)
				continue;
			assert_int_equal(*(const unsigned *)v, (unsigned)s->dflt);
			break;
		default:
			continue;
		}
		checked++;
	}
	mg_config_clear(&cfg);
	assert_true(checked >= 40);
	for (const struct mg_setting *s = mg_settings; s->name != NULL; s++) {
		const char	*pre, *post;
		int		 bad[2];

		if (s->type != MG_SETTING_INT)
			continue;
		bad[0] = (int)s->min - 1;
		bad[1] = s->max < INT_MAX ? (int)s->max + 1 : INT_MAX;
		if (strcmp(s->group, "upstream") == 0) {
			pre = "smtp = { };\nupstream = { type = \"smtp\"; "
			    "host = \"127.0.0.1\"; ";
			post = " };\n";
		} else if (strcmp(s->group, "imap") == 0) {
			pre = "imap = { host = \"imap.example.com\"; user = "
			    "\"u\"; password = \"p\"; ";
			post = " };\n";
		} else {
			snprintf(open_group, sizeof(open_group), "%s = { ",
			    s->group);
			pre = open_group;
			post = " };\n";
		}
		/* No whole number is above INT_MAX: nothing to refuse. */
		for (int i = 0; i < (s->max < INT_MAX ? 2 : 1); i++) {
			snprintf(text, sizeof(text), HEAD "%s%s = %d;%s", pre,
			    s->name, bad[i], post);
			path = mg_test_write(f->dir, "b.conf", text);
			if (mg_config_load(path, &cfg, err, sizeof(err)) != -1)
				fail_msg("%s.%s = %d loads", s->group, s->name,
				    bad[i]);
			snprintf(want, sizeof(want), "%s.%s: must be between %d "
			    "and %d", s->group, s->name, (int)s->min,
			    (int)s->max);
			if (strstr(err, want) == NULL)
				fail_msg("%s: want \"%s\"", err, want);
			free(path);
		}
	}
}

/* Does the comma-separated list hold id? */
static int
in_list(const char *list, const char *id)
{
	size_t	len = strlen(id);

	for (const char *p = list; *p != '\0';) {
		size_t	n = strcspn(p, ", ");

		if (n == len && strncmp(p, id, len) == 0)
			return 1;
		p += n;
		p += strspn(p, ", ");
	}
	return 0;
}

static int
rule_reads(const struct mg_rule *r, const char *name)
{
	for (const char *const *s = r->settings; s != NULL && *s != NULL; s++)
		if (strcmp(*s, name) == 0)
			return 1;
	return 0;
}

/* A rule's settings[] and the table's rules column say the same. */
static void
test_settings_match_rules(void **state)
{
	(void)state;
	for (size_t i = 0; mg_rules[i] != NULL; i++) {
		const struct mg_rule	*r = mg_rules[i];

		for (const char *const *s = r->settings; s != NULL &&
		    *s != NULL; s++) {
			const struct mg_setting	*row = mg_setting_find(*s);

			if (row == NULL)
				fail_msg("rule %s reads %s, not in the table",
				    r->id, *s);
			if (row->rules == NULL || !in_list(row->rules, r->id))
				fail_msg("table row %s does not name rule %s",
				    *s, r->id);
		}
	}
	for (const struct mg_setting *s = mg_settings; s->name != NULL; s++) {
		char	list[128], full[64], *save = NULL;

		if (s->rules == NULL)
			continue;
		mg_setting_fullname(s, full, sizeof(full));
		snprintf(list, sizeof(list), "%s", s->rules);
		for (char *id = strtok_r(list, ", ", &save); id != NULL;
		    id = strtok_r(NULL, ", ", &save)) {
			const struct mg_rule	*r = mg_rule_find(id);

			if (r == NULL)
				fail_msg("table row %s names no rule %s",
				    full, id);
			if (!rule_reads(r, full))
				fail_msg("rule %s does not list %s in settings[]",
				    id, full);
		}
	}
	assert_true(in_list("a, length", "length"));
	assert_false(in_list("a, lengths", "length"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_documented_form, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_values_land, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_include, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_semicolon, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_default_path_and_names,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_file_errors, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_office, setup, teardown),
		cmocka_unit_test(test_settings_documented),
		cmocka_unit_test(test_settings_describe),
		cmocka_unit_test_setup_teardown(test_settings_loaded, setup,
		    teardown),
		cmocka_unit_test(test_settings_match_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
