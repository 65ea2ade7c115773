/*
 * cmd_explain.c - matchguard explain [-c CONF] RULE
 *
 * Prints what a rule checks, why it matters to the applicant, its
 * settings with their current values (from the configuration, when one
 * can be read; else the defaults) and how to change its severity.  The
 * text is data of the rule itself (struct mg_rule in src/rules/).
 */
#include "config_auto.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "matchguard/cmd.h"
#include "matchguard/policy.h"

static const char usage[] = "usage: matchguard explain [-c CONF] RULE\n";

#define WRAP_COLUMNS	72

/* Prints text wrapped at WRAP_COLUMNS, every line indented by two. */
static void
print_wrapped(const char *text)
{
	size_t	col = 0;

	while (*text != '\0') {
		size_t	len;

		while (*text == ' ')
			text++;
		len = strcspn(text, " ");
		if (len == 0)
			break;
		if (col > 0 && col + 1 + len > WRAP_COLUMNS) {
			putchar('\n');
			col = 0;
		}
		printf("%s%.*s", col == 0 ? "  " : " ", (int)len, text);
		col += (col == 0 ? 2 : 1) + len;
		text += len;
	}
	if (col > 0)
		putchar('\n');
}

static void
unknown_rule(const char *id)
{
	const char	*best = NULL;
	int		 bestd = 4;

	for (size_t i = 0; mg_rules[i] != NULL; i++) {
		int	d = mg_edit_distance(id, mg_rules[i]->id, 3);

		if (d < bestd) {
			bestd = d;
			best = mg_rules[i]->id;
		}
	}
	fprintf(stderr, "matchguard: explain: no rule \"%s\"", id);
	if (best != NULL)
		fprintf(stderr, " (did you mean \"%s\"?)", best);
	fputs("; `matchguard help rules` lists them\n", stderr);
}

/* The configuration, when one can be read; 0 when there is none. */
static int
load_config(const char *conf, struct mg_config *cfg)
{
	char	*dflt = NULL, err[MG_ERRLEN];
	int	 rc;

	if (conf == NULL && (conf = dflt = mg_config_default_path()) == NULL)
		return 0;
	if (access(conf, F_OK) == -1 && dflt != NULL) {
		free(dflt);
		return 0;
	}
	rc = mg_config_load(conf, cfg, err, sizeof(err));
	free(dflt);
	if (rc == -1) {
		fprintf(stderr, "matchguard: %s\n", err);
		return -1;
	}
	return 1;
}

static void
print_settings(const struct mg_rule *r, const struct mg_config *cfg,
    int have_cfg)
{
	char	value[64], dflt[64];

	if (r->settings == NULL || r->settings[0] == NULL) {
		puts("\nSettings: none.");
		return;
	}
	printf("\nSettings (%s):\n", have_cfg ? "value in your configuration, "
	    "and the default" : "no configuration read: defaults");
	for (const char *const *s = r->settings; *s != NULL; s++) {
		if (mg_policy_setting(cfg, *s, value, sizeof(value), dflt,
		    sizeof(dflt)) == -1)
			continue;
		if (!have_cfg && strncmp(*s, "season.", 7) == 0)
			printf("  %-26s (%s)\n", *s, dflt);
		else if (have_cfg)
			printf("  %-26s = %-10s (default: %s)\n", *s, value,
			    dflt);
		else
			printf("  %-26s = %s\n", *s, dflt);
	}
}

static void
explain(const struct mg_rule *r, const struct mg_config *cfg, int have_cfg)
{
	enum mg_severity	sev = have_cfg ? mg_config_rule_severity(cfg,
	    r->id, r->severity) : r->severity;

	printf("%s: %s\n", r->id, r->summary);
	printf("Severity: %s", mg_severity_name(r->severity));
	if (have_cfg && sev != r->severity)
		printf(" (your configuration: %s)", mg_severity_name(sev));
	puts("");
	puts("\nWhat it checks:");
	print_wrapped(r->checks != NULL ? r->checks : r->summary);
	if (r->why != NULL) {
		puts("\nWhy it matters:");
		print_wrapped(r->why);
	}
	print_settings(r, cfg, have_cfg);
	if (r->lists != NULL && r->lists[0] != NULL) {
		printf("\nPhrase lists (filters/):");
		for (const char *const *l = r->lists; *l != NULL; l++)
			printf(" %s", *l);
		puts("");
	}
	printf("\nTo change it, in the policy group of matchguard.conf:\n"
	    "  rules = { \"%s\" = \"warn\"; };   # or \"hold\", \"off\"\n",
	    r->id);
}

int
mg_cmd_explain(int argc, char **argv, const char *conf)
{
	static const struct option longopts[] = {
		{ "config",	required_argument,	NULL, 'c' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	const struct mg_rule	*r;
	struct mg_config	 cfg;
	int			 ch, have;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			conf = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return MG_EXIT_OK;
		default:
			fputs(usage, stderr);
			return MG_EXIT_ERROR;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "matchguard: explain: name one rule\n%s",
		    usage);
		return MG_EXIT_ERROR;
	}
	if ((r = mg_rule_find(argv[optind])) == NULL) {
		unknown_rule(argv[optind]);
		return MG_EXIT_ERROR;
	}
	memset(&cfg, 0, sizeof(cfg));
	if ((have = load_config(conf, &cfg)) == -1)
		return MG_EXIT_ERROR;
	if (!have) {
		/* The defaults, as the loader sets them. */
		mg_settings_defaults(&cfg, "policy");
	}
	explain(r, &cfg, have);
	if (have)
		mg_config_clear(&cfg);
	return MG_EXIT_OK;
}
