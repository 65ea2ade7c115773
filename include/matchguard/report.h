/*
 * report.h - how a checked message is shown: plain text for the
 * applicant, one JSON object per line for programs.
 */
#ifndef MATCHGUARD_REPORT_H
#define MATCHGUARD_REPORT_H

#include "matchguard/json.h"
#include "matchguard/policy.h"

/* {"file":..,"verdict":..,"class":..,"programs":[..],"findings":[..]}:
 * the outputs of a run of the policy on file (a name to show). */
void	mg_report_json(struct mg_buf *b, const char *file,
	    const struct mg_check *r);
/* The findings alone, as a JSON array (stored in the ledger). */
void	mg_findings_json(struct mg_buf *b, const struct mg_findings *f);
/* Several lines of plain text, ending in a newline. */
/* The kind of a message (classify.h: "thank-you", "follow-up", ...) in
 * words for a person: "a thank-you note", "a request for news". */
const char *mg_class_words(const char *msg_class);

void	mg_report_text(struct mg_buf *b, const char *file,
	    const struct mg_check *r);

#endif
