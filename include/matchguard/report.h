/*
 * report.h - how a checked message is shown: plain text for the
 * applicant, one JSON object per line for programs.
 */
#ifndef MATCHGUARD_REPORT_H
#define MATCHGUARD_REPORT_H

#include "matchguard/json.h"
#include "matchguard/policy.h"

struct mg_result {
	const char		 *file;
	enum mg_verdict		  verdict;
	const char		 *msg_class;
	const struct mg_program	**programs;
	size_t			  n_programs;
	const struct mg_findings *findings;
};

/* {"file":..,"verdict":..,"class":..,"programs":[..],"findings":[..]} */
void	mg_report_json(struct mg_buf *b, const struct mg_result *r);
/* The findings alone, as a JSON array (stored in the ledger). */
void	mg_findings_json(struct mg_buf *b, const struct mg_findings *f);
/* Several lines of plain text, ending in a newline. */
void	mg_report_text(struct mg_buf *b, const struct mg_result *r);

#endif
