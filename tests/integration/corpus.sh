#!/bin/sh
# corpus.sh - the example corpus gives the expected verdicts.
#
# Imports tests/corpus/history (an mbox and a Maildir of messages already
# sent this season) with `matchguard import-sent`, checks that a second
# import changes nothing, then runs `matchguard check --json` on every
# message of tests/corpus/expected.tsv at its `now` and compares the
# verdict, the rules that found something (warn or hold) and the exit
# status.

. "$MG_SRCDIR/tests/integration/lib.sh"
need python3

corpus="$MG_SRCDIR/tests/corpus"
conf="$MG_SRCDIR/conf/example.conf"

expect_status 0 "import the history" \
	"$MG_BIN" -c "$conf" import-sent "$corpus/history/sent.mbox" \
	"$corpus/history/Maildir"
cat "$MG_WORK/out"
grep -q " 0 recorded" "$MG_WORK/out" && fail "the first import recorded nothing"

expect_status 0 "import the history again" \
	"$MG_BIN" -c "$conf" import-sent "$corpus/history/sent.mbox" \
	"$corpus/history/Maildir"
grep -q " 0 recorded" "$MG_WORK/out" || fail "a second import recorded more: $(cat "$MG_WORK/out")"

python3 "$MG_SRCDIR/tests/integration/compare.py" "$MG_BIN" "$conf" \
	"$corpus" || fail "corpus verdicts differ from expected.tsv"
finish
