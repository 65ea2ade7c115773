/*
 * test_directory.c - mapping recipient addresses to programs
 * (src/directory.c), with directories loaded from configuration text.
 */
#include "config_auto.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "matchguard/config.h"
#include "matchguard/directory.h"
#include "mg_test.h"

#define HEAD \
    "identity = { name = \"Priya Raman\"; addresses = [ \"priya.raman@example.com\" ]; };\n" \
    "season = { eras_open = \"2026-09-24\"; rol_deadline = \"2027-03-03\"; match_day = \"2027-03-19\"; };\n"

/* "bigu" comes before "bigu-genetics", so that the longer domain has to
 * win over one seen first. */
static const char programs_conf[] = HEAD
    "programs = (\n"
    "  { id = \"harborview\"; name = \"Harborview Medical Genetics\";\n"
    "    addresses = [ \"Genetics-Residency@Harborview.edu\" ];\n"
    "    domains = [ \"harborview.edu\" ]; },\n"
    "  { id = \"bigu\"; name = \"Big University Internal Medicine\";\n"
    "    domains = [ \"bigu.edu\" ]; },\n"
    "  { id = \"bigu-genetics\"; name = \"Big University Genetics\";\n"
    "    domains = [ \"genetics.bigu.edu\" ]; },\n"
    "  { id = \"shared-a\"; name = \"Shared Health Genetics\";\n"
    "    addresses = [ \"gc-program@shared.org\" ];\n"
    "    domains = [ \"shared.org\" ]; },\n"
    "  { id = \"shared-b\"; name = \"Shared Health Pediatrics\";\n"
    "    addresses = [ \"peds@shared.org\" ];\n"
    "    domains = [ \"shared.org\" ]; },\n"
    "  { id = \"shared-dept\"; name = \"Shared Health Dermatology\";\n"
    "    domains = [ \"derm.shared.org\" ]; },\n"
    "  { id = \"lakeside\"; name = \"Lakeside\";\n"
    "    addresses = [ \"residency@lakeside-mail.com\" ]; }\n"
    ");\n";

/* The same with "bigu-genetics" first. */
static const char reversed_conf[] = HEAD
    "programs = (\n"
    "  { id = \"bigu-genetics\"; name = \"Big University Genetics\";\n"
    "    domains = [ \"genetics.bigu.edu\" ]; },\n"
    "  { id = \"bigu\"; name = \"Big University Internal Medicine\";\n"
    "    domains = [ \"bigu.edu\" ]; }\n"
    ");\n";

struct fixture {
	char			*tmp;
	struct mg_config	 cfg;
};

static int
load(void **state, const char *text)
{
	struct fixture	*f = calloc(1, sizeof(*f));
	char		*path, err[MG_ERRLEN];

	if (f == NULL)
		return -1;
	f->tmp = mg_test_tmpdir();
	path = mg_test_write(f->tmp, "matchguard.conf", text);
	if (mg_config_load(path, &f->cfg, err, sizeof(err)) == -1) {
		print_error("%s\n", err);
		free(path);
		mg_test_rmrf(f->tmp);
		free(f->tmp);
		free(f);
		return -1;
	}
	free(path);
	*state = f;
	return 0;
}

static int
setup(void **state)
{
	return load(state, programs_conf);
}

static int
setup_reversed(void **state)
{
	return load(state, reversed_conf);
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;

	mg_config_clear(&f->cfg);
	mg_test_rmrf(f->tmp);
	free(f->tmp);
	free(f);
	return 0;
}

static const struct mg_program *
prog_id(const struct mg_directory *dir, const char *id)
{
	const struct mg_program	*p = mg_directory_find_id(dir, id);

	if (p == NULL)
		fail_msg("no program \"%s\"", id);
	return p;
}

/* Looks address up; expects result, with program ids id and other_id
 * (NULL: none). */
static void
check(const struct mg_directory *dir, const char *address,
    enum mg_lookup result, const char *id, const char *other_id)
{
	const struct mg_program	*p = (const void *)1, *o = (const void *)1;
	enum mg_lookup		 r = mg_directory_lookup(dir, address, &p, &o);

	if (r != result)
		fail_msg("%s: lookup %d, expected %d", address, r, result);
	if (id == NULL ? p != NULL : p != prog_id(dir, id))
		fail_msg("%s: program %s, expected %s", address,
		    p != NULL ? p->id : "none", id != NULL ? id : "none");
	if (other_id == NULL ? o != NULL : o != prog_id(dir, other_id))
		fail_msg("%s: other %s, expected %s", address,
		    o != NULL ? o->id : "none",
		    other_id != NULL ? other_id : "none");
}

static void
test_exact_address(void **state)
{
	struct fixture	*f = *state;

	check(&f->cfg.dir, "genetics-residency@harborview.edu",
	    MG_LOOKUP_FOUND, "harborview", NULL);
	/* Case does not matter, in the file or in the address. */
	check(&f->cfg.dir, "GENETICS-Residency@HarborView.EDU",
	    MG_LOOKUP_FOUND, "harborview", NULL);
	/* A program known by address only. */
	check(&f->cfg.dir, "residency@lakeside-mail.com", MG_LOOKUP_FOUND,
	    "lakeside", NULL);
	check(&f->cfg.dir, "Residency@Lakeside-Mail.COM", MG_LOOKUP_FOUND,
	    "lakeside", NULL);
	/* Another address at that (non-program) domain is nobody's. */
	check(&f->cfg.dir, "other@lakeside-mail.com", MG_LOOKUP_NONE, NULL,
	    NULL);
	check(&f->cfg.dir, "xresidency@lakeside-mail.com", MG_LOOKUP_NONE,
	    NULL, NULL);
}

static void
test_domain(void **state)
{
	struct fixture	*f = *state;

	check(&f->cfg.dir, "elena.marchetti@harborview.edu", MG_LOOKUP_FOUND,
	    "harborview", NULL);
	check(&f->cfg.dir, "Elena.Marchetti@HARBORVIEW.Edu", MG_LOOKUP_FOUND,
	    "harborview", NULL);
	/* A subdomain, on a dot boundary. */
	check(&f->cfg.dir, "dana@mail.harborview.edu", MG_LOOKUP_FOUND,
	    "harborview", NULL);
	check(&f->cfg.dir, "dana@a.b.mail.harborview.edu", MG_LOOKUP_FOUND,
	    "harborview", NULL);
	/* Not a suffix of a longer label, nor a prefix. */
	check(&f->cfg.dir, "phish@evilharborview.edu", MG_LOOKUP_NONE, NULL,
	    NULL);
	check(&f->cfg.dir, "phish@harborview.edu.evil.com", MG_LOOKUP_NONE,
	    NULL, NULL);
	check(&f->cfg.dir, "phish@harborview.edux", MG_LOOKUP_NONE, NULL,
	    NULL);
	check(&f->cfg.dir, "phish@arborview.edu", MG_LOOKUP_NONE, NULL, NULL);
	/* The domain is what follows the last "@". */
	check(&f->cfg.dir, "\"a@evil.com\"@harborview.edu", MG_LOOKUP_FOUND,
	    "harborview", NULL);
	check(&f->cfg.dir, "\"a@harborview.edu\"@evil.com", MG_LOOKUP_NONE,
	    NULL, NULL);
}

static void
test_longest_domain(void **state)
{
	struct fixture	*f = *state;

	check(&f->cfg.dir, "pd@genetics.bigu.edu", MG_LOOKUP_FOUND,
	    "bigu-genetics", NULL);
	check(&f->cfg.dir, "pd@lab.genetics.bigu.edu", MG_LOOKUP_FOUND,
	    "bigu-genetics", NULL);
	check(&f->cfg.dir, "pd@bigu.edu", MG_LOOKUP_FOUND, "bigu", NULL);
	check(&f->cfg.dir, "pd@med.bigu.edu", MG_LOOKUP_FOUND, "bigu", NULL);
	/* "xgenetics.bigu.edu" is not "genetics.bigu.edu". */
	check(&f->cfg.dir, "pd@xgenetics.bigu.edu", MG_LOOKUP_FOUND, "bigu",
	    NULL);
	/* A longer domain settles what a shared shorter one cannot. */
	check(&f->cfg.dir, "md@derm.shared.org", MG_LOOKUP_FOUND,
	    "shared-dept", NULL);
}

/* The order of the programs does not matter. */
static void
test_longest_domain_reversed(void **state)
{
	struct fixture	*f = *state;

	assert_int_equal(f->cfg.dir.n, 2);
	check(&f->cfg.dir, "pd@genetics.bigu.edu", MG_LOOKUP_FOUND,
	    "bigu-genetics", NULL);
	check(&f->cfg.dir, "pd@GENETICS.BIGU.EDU", MG_LOOKUP_FOUND,
	    "bigu-genetics", NULL);
	check(&f->cfg.dir, "pd@bigu.edu", MG_LOOKUP_FOUND, "bigu", NULL);
	check(&f->cfg.dir, "pd@www.bigu.edu", MG_LOOKUP_FOUND, "bigu", NULL);
}

static void
test_ambiguous(void **state)
{
	struct fixture	*f = *state;

	/* Two programs share the domain: both reported, in file order. */
	check(&f->cfg.dir, "someone@shared.org", MG_LOOKUP_AMBIGUOUS,
	    "shared-a", "shared-b");
	check(&f->cfg.dir, "someone@SHARED.ORG", MG_LOOKUP_AMBIGUOUS,
	    "shared-a", "shared-b");
	check(&f->cfg.dir, "someone@mail.shared.org", MG_LOOKUP_AMBIGUOUS,
	    "shared-a", "shared-b");
	/* An exact address decides. */
	check(&f->cfg.dir, "peds@shared.org", MG_LOOKUP_FOUND, "shared-b",
	    NULL);
	check(&f->cfg.dir, "GC-Program@Shared.org", MG_LOOKUP_FOUND,
	    "shared-a", NULL);
}

static void
test_not_an_address(void **state)
{
	struct fixture	*f = *state;

	check(&f->cfg.dir, "harborview.edu", MG_LOOKUP_NONE, NULL, NULL);
	check(&f->cfg.dir, "genetics-residency", MG_LOOKUP_NONE, NULL, NULL);
	check(&f->cfg.dir, "", MG_LOOKUP_NONE, NULL, NULL);
	check(&f->cfg.dir, "someone@", MG_LOOKUP_NONE, NULL, NULL);
	check(&f->cfg.dir, "@", MG_LOOKUP_NONE, NULL, NULL);
	check(&f->cfg.dir, "priya.raman@example.com", MG_LOOKUP_NONE, NULL,
	    NULL);
}

static void
test_find_id(void **state)
{
	struct fixture			*f = *state;
	const struct mg_directory	*dir = &f->cfg.dir;
	const struct mg_program		*p;

	assert_int_equal(dir->n, 7);
	p = mg_directory_find_id(dir, "harborview");
	assert_ptr_equal(p, &dir->programs[0]);
	assert_string_equal(p->name, "Harborview Medical Genetics");
	/* Addresses are kept in lower case. */
	assert_string_equal(p->addresses.v[0],
	    "genetics-residency@harborview.edu");
	assert_ptr_equal(mg_directory_find_id(dir, "lakeside"),
	    &dir->programs[6]);
	assert_ptr_equal(mg_directory_find_id(dir, "bigu-genetics"),
	    &dir->programs[2]);
	/* Ids are exact: no case folding, no prefixes. */
	assert_null(mg_directory_find_id(dir, "Harborview"));
	assert_null(mg_directory_find_id(dir, "harbor"));
	assert_null(mg_directory_find_id(dir, "bigu-"));
	assert_null(mg_directory_find_id(dir, ""));
}

static void
test_empty_directory(void **state)
{
	struct mg_directory	 dir = { NULL, 0 };
	const struct mg_program	*p, *o;

	(void)state;
	assert_int_equal(mg_directory_lookup(&dir, "a@harborview.edu", &p, &o),
	    MG_LOOKUP_NONE);
	assert_null(p);
	assert_null(o);
	assert_null(mg_directory_find_id(&dir, "harborview"));
	mg_directory_clear(&dir);
	assert_int_equal(dir.n, 0);
}

static void
test_clear(void **state)
{
	struct fixture	*f = *state;

	mg_directory_clear(&f->cfg.dir);
	assert_null(f->cfg.dir.programs);
	assert_int_equal(f->cfg.dir.n, 0);
	check(&f->cfg.dir, "genetics-residency@harborview.edu",
	    MG_LOOKUP_NONE, NULL, NULL);
	/* The teardown clears the configuration again: harmless. */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_exact_address, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_domain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_longest_domain, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_longest_domain_reversed,
		    setup_reversed, teardown),
		cmocka_unit_test_setup_teardown(test_ambiguous, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_an_address, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_find_id, setup, teardown),
		cmocka_unit_test(test_empty_directory),
		cmocka_unit_test_setup_teardown(test_clear, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
