#!/bin/sh
# programs.sh - `matchguard programs import` with the CSV each
# spreadsheet writes (Excel: UTF-8 BOM, semicolons, CRLF; Numbers and
# Google Sheets: commas, LF; quoted fields with separators, line breaks
# and doubled quotes inside), the shipped template, one error per bad row
# with its row and column and nothing written, `programs add` question
# by question, `programs list`, and `check` using the list at once.

. "$MG_SRCDIR/tests/integration/lib.sh"

printf '%s\n' "Priya Raman" "priya.raman@example.com" "" "" "" |
    "$MG_BIN" init >/dev/null 2>&1 || { echo "init failed"; exit 99; }
list="$XDG_CONFIG_HOME/matchguard/programs.conf"
held() {	# held TO: a letter with a wrong program name, to TO
	printf 'From: priya.raman@example.com\nTo: %s\nSubject: Thank you\nDate: Mon, 16 Nov 2026 10:00:00 -0500\n\nDear Dr. Okafor,\n\nThank you for the interview at Harborview University. I would be happy to train at Harborview.\n\nPriya\n' "$1" >"$MG_WORK/l.eml"
	"$MG_BIN" check --now 2026-11-16T10:00:00-05:00 "$MG_WORK/l.eml" >"$MG_WORK/check.out" 2>&1
}

# 1. The template as shipped.
expect_status 0 "import the template conf/programs.csv" "$MG_BIN" programs import "$MG_SRCDIR/conf/programs.csv"
grep -q "2 programs;" "$MG_WORK/out" && pass "$(head -2 "$MG_WORK/out" | tail -1)" ||
    fail "template: $(cat "$MG_WORK/out" "$MG_WORK/err")"
held mgg-residency@lakeside.edu
grep -q "to: Lakeside Medical Center" "$MG_WORK/check.out" && grep -q "HOLD" "$MG_WORK/check.out" &&
    pass "check uses the list at once (wrong program held)" || fail "check: $(cat "$MG_WORK/check.out")"

# 2. Excel on a computer whose decimal mark is a comma: BOM, ";", CRLF,
# a quoted name with a ";" and a line break, doubled quotes, a US date.
printf '\357\273\277Program Name;Email;Interview Date;Director;Features\r\n' >"$MG_WORK/excel.csv"
printf '"Cordillera University; Medical Genetics\r\nResidency";medgen.residency@cordillera.edu;11/20/2026;Jos\303\251 N\303\272\303\261ez-Ortega;"the ""Andes"" clinic"\r\n' >>"$MG_WORK/excel.csv"
printf ';;;;\r\n' >>"$MG_WORK/excel.csv"
printf 'Pinecrest Institute Genetics Residency;genetics.residency@pinecrest.org;;Margaret Osei;\r\n' >>"$MG_WORK/excel.csv"
expect_status 0 "import an Excel CSV (BOM, semicolons, CRLF)" "$MG_BIN" programs import "$MG_WORK/excel.csv"
grep -q "^2 programs read" "$MG_WORK/out" && grep -q "4 programs;" "$MG_WORK/out" &&
    pass "kept the template's two, added two" || fail "excel: $(cat "$MG_WORK/out" "$MG_WORK/err")"
grep -q 'name = "Cordillera University; Medical Genetics' "$list" &&
    grep -q 'features = \[ "the \\"Andes\\" clinic" \];' "$list" &&
    grep -q 'interview_date = "2026-11-20";' "$list" &&
    grep -q 'name = "José Núñez-Ortega"' "$list" &&
    pass "quoted fields, doubled quotes, UTF-8 and the date are right" || fail "list: $(cat "$list")"
[ "$(stat -c %a "$list")" = 600 ] && [ -f "$list.bak" ] && pass "0600, old list in .bak" ||
    fail "mode or backup"

# 3. Google Sheets: commas, LF; the same program again replaces it.
printf 'name,email,interview date\nPinecrest Institute Genetics Residency,genetics.residency@pinecrest.org,2026-12-01\n' >"$MG_WORK/sheets.csv"
expect_status 0 "import a Google Sheets CSV" "$MG_BIN" programs import "$MG_WORK/sheets.csv"
grep -q "4 programs;" "$MG_WORK/out" && [ "$(grep -c 'Pinecrest Institute' "$list")" -eq 1 ] &&
    grep -q '2026-12-01' "$list" && pass "the same name replaces the program" ||
    fail "sheets: $(cat "$MG_WORK/out") $(cat "$list")"

# 4. Bad rows: each named with row and column, nothing written.
cp "$list" "$MG_WORK/list.before"
printf 'name,email,interview date\nA Program,a@a.edu,2026-11-01\nB Program,b at b.edu,\nC Program,c@c.edu,next week\n,d@d.edu,\n' >"$MG_WORK/bad.csv"
expect_status 2 "a CSV with bad rows" "$MG_BIN" programs import "$MG_WORK/bad.csv"
grep -q 'bad.csv: row 3, column B (email): "b at b.edu" is not an e-mail address' "$MG_WORK/err" &&
    grep -q 'bad.csv: row 4, column C (interview date): "next week" is not a date' "$MG_WORK/err" &&
    grep -q "bad.csv: row 5, column A (name): the program's name is missing" "$MG_WORK/err" &&
    grep -q "nothing imported" "$MG_WORK/err" && pass "$(head -1 "$MG_WORK/err")" ||
    fail "bad rows: $(cat "$MG_WORK/err")"
cmp -s "$list" "$MG_WORK/list.before" && pass "nothing written" || fail "the list changed"
printf 'name,e-mail adress\nX,x@x.edu\n' >"$MG_WORK/col.csv"
expect_status 2 "an unknown column" "$MG_BIN" programs import "$MG_WORK/col.csv"
grep -q 'row 1, column B: no column is called "e-mail adress"' "$MG_WORK/err" &&
    pass "unknown column named" || fail "column: $(cat "$MG_WORK/err")"
printf '\377\376n\000a\000' >"$MG_WORK/u16.csv"
expect_status 2 "a UTF-16 file" "$MG_BIN" programs import "$MG_WORK/u16.csv"
one_line_error 'UTF-16.*save it as "CSV UTF-8"' "UTF-16"
printf 'name,email\n"Open quote,o@o.edu\n' >"$MG_WORK/q.csv"
expect_status 2 "a quote never closed" "$MG_BIN" programs import "$MG_WORK/q.csv"
grep -q 'row 2: a quote (") opens a field that never ends' "$MG_WORK/err" && pass "open quote: row 2" ||
    fail "open quote: $(cat "$MG_WORK/err")"

# 5. programs add, question by question; a bad address is asked again.
printf '%s\n' "Riverbend Health Medical Genetics Residency" "residency at riverbend" \
    "medgen@riverbend.org" "" "Riverbend Health" "Amara Singh" "" "2026-12-03" |
    "$MG_BIN" programs add >"$MG_WORK/out" 2>"$MG_WORK/err"
st=$?
[ $st -eq 0 ] && grep -q "is not an e-mail address" "$MG_WORK/out" && grep -q "5 programs;" "$MG_WORK/out" &&
    pass "programs add" || fail "add: exit $st $(cat "$MG_WORK/out" "$MG_WORK/err")"
expect_status 0 "programs list" "$MG_BIN" programs list
grep -q "^Riverbend Health Medical Genetics Residency" "$MG_WORK/out" &&
    grep -q "id riverbend-genetics; mail: medgen@riverbend.org; interview 2026-12-03" "$MG_WORK/out" &&
    pass "listed: $(grep -A1 Riverbend "$MG_WORK/out" | tail -1)" || fail "list: $(cat "$MG_WORK/out")"
held medgen@riverbend.org
grep -q "to: Riverbend Health" "$MG_WORK/check.out" && pass "check knows the added program" ||
    fail "check after add: $(cat "$MG_WORK/check.out")"
finish
