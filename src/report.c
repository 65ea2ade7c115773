/*
 * report.c - show the result of a check.
 */
#include "config_auto.h"

#include <string.h>

#include "matchguard/report.h"

void
mg_findings_json(struct mg_buf *b, const struct mg_findings *f)
{
	mg_buf_puts(b, "[");
	for (size_t i = 0; i < f->n; i++) {
		mg_buf_puts(b, i > 0 ? ",{\"rule\":" : "{\"rule\":");
		mg_json_str(b, f->v[i].rule);
		mg_buf_puts(b, ",\"severity\":");
		mg_json_str(b, mg_severity_name(f->v[i].sev));
		mg_buf_puts(b, ",\"message\":");
		mg_json_str(b, f->v[i].message);
		mg_buf_puts(b, ",\"evidence\":");
		mg_json_str(b, f->v[i].evidence);
		mg_buf_puts(b, "}");
	}
	mg_buf_puts(b, "]");
}

void
mg_report_json(struct mg_buf *b, const char *file, const struct mg_check *r)
{
	mg_buf_puts(b, "{\"file\":");
	mg_json_str(b, file);
	mg_buf_puts(b, ",\"verdict\":");
	mg_json_str(b, mg_verdict_name(r->verdict));
	mg_buf_puts(b, ",\"class\":");
	mg_json_str(b, r->msg_class);
	mg_buf_puts(b, ",\"programs\":[");
	for (size_t i = 0; i < r->n_programs; i++) {
		if (i > 0)
			mg_buf_puts(b, ",");
		mg_json_str(b, r->programs[i]->id);
	}
	mg_buf_puts(b, "],\"findings\":");
	mg_findings_json(b, &r->findings);
	mg_buf_puts(b, "}");
}

static const char *
verdict_words(enum mg_verdict v)
{
	switch (v) {
	case MG_HOLD:
		return "HOLD - fix this before sending";
	case MG_WARN:
		return "WARN - can be sent, but read the notes";
	default:
		return "PASS";
	}
}

const char *
mg_class_words(const char *cls)
{
	static const char *const words[][2] = {
		{ "intent", "a letter of intent" },
		{ "thank-you", "a thank-you note" },
		{ "follow-up", "a request for news of your application" },
		{ "interest", "a letter of interest" },
		{ "update", "an update" },
		{ "inquiry", "a question" },
		{ "reply", "an answer to the program" },
		{ "other", "a letter of no particular kind" },
	};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (cls != NULL && strcmp(cls, words[i][0]) == 0)
			return words[i][1];
	return cls != NULL ? cls : "unknown";
}

void
mg_report_text(struct mg_buf *b, const char *file, const struct mg_check *r)
{
	mg_buf_printf(b, "%s: %s\n", file, verdict_words(r->verdict));
	if (r->n_programs == 0 && r->findings.n == 0) {
		mg_buf_puts(b, "  not addressed to any program in your "
		    "directory: nothing to check\n");
		return;
	}
	mg_buf_puts(b, "  to: ");
	for (size_t i = 0; i < r->n_programs; i++)
		mg_buf_printf(b, "%s%s", i > 0 ? ", " : "",
		    r->programs[i]->name);
	if (r->n_programs == 0)
		mg_buf_puts(b, "(no program could be matched)");
	mg_buf_printf(b, "\n  kind of message: %s\n",
	    mg_class_words(r->msg_class));
	for (size_t i = 0; i < r->findings.n; i++) {
		const struct mg_finding	*f = &r->findings.v[i];

		mg_buf_printf(b, "  [%s] %s: %s\n", mg_severity_name(f->sev),
		    f->rule, f->message);
		if (f->evidence[0] != '\0')
			mg_buf_printf(b, "      evidence: \"%s\"\n", f->evidence);
	}
}
