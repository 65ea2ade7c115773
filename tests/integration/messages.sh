#!/bin/sh
# messages.sh - what a person reads names programs and kinds of letters
# in words: check's "kind of message", the evidence of the frequency and
# repeat-status rules ("your last message to <program name>"), the lines
# import-sent prints, and the timeline's mark for "only with news".

. "$MG_SRCDIR/tests/integration/lib.sh"

conf="$MG_WORK/matchguard.conf"
cp "$MG_SRCDIR/conf/example.conf" "$conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
me=priya.raman@example.com
to=genetics.residency@pinecrest.org
printf 'From: %s\nTo: %s\nSubject: Update request\nMessage-ID: <m-1@example.com>\nDate: Mon, 16 Nov 2026 10:00:00 -0500\n\nDear Dr. Osei,\n\nIs there any update on the status of my application?\n\nPriya Raman\n' "$me" "$to" >"$MG_WORK/asked.eml"
expect_status 0 "import-sent a request for news" "$MG_BIN" -c "$conf" import-sent "$MG_WORK/asked.eml"
grep -q '^recorded 2026-11-16, a request for news of your application to The Pinecrest Institute Genetics Residency: "Update request"' "$MG_WORK/out" &&
    pass "$(head -1 "$MG_WORK/out")" || fail "import line: $(cat "$MG_WORK/out")"

sed -e 's/m-1@/m-2@/' -e 's/16 Nov/17 Nov/' "$MG_WORK/asked.eml" >"$MG_WORK/again.eml"
expect_status 1 "check a second request a day later" "$MG_BIN" -c "$conf" check \
    --now 2026-11-17T10:00:00-05:00 "$MG_WORK/again.eml"
grep -q "kind of message: a request for news of your application" "$MG_WORK/out" &&
    pass "kind of message in words" || fail "kind: $(cat "$MG_WORK/out")"
grep -q 'evidence: "your last message to The Pinecrest Institute Genetics Residency: 2026-11-16, a request for news' "$MG_WORK/out" &&
    pass "evidence names the program and the kind in words" || fail "evidence: $(cat "$MG_WORK/out")"
grep -Eq 'evidence: ".*(pinecrest:|\(follow-up\)|interview_date)' "$MG_WORK/out" &&
    fail "an id or class in the evidence: $(cat "$MG_WORK/out")"

expect_status 0 "timeline" "$MG_BIN" -c "$conf" timeline --now 2026-11-20T10:00:00-05:00
grep -Eq '^pinecrest .* \*$' "$MG_WORK/out" && grep -q '^\* You asked them how your application stands' "$MG_WORK/out" &&
    pass "timeline marks the only-with-news day and says what it means" ||
    fail "timeline: $(cat "$MG_WORK/out")"
grep -q "news only" "$MG_WORK/out" && fail "timeline still says (news only)"
finish
