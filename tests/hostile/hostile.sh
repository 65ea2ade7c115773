#!/bin/sh
# hostile.sh - the hostile and malformed inputs of tests/hostile/cases.tsv,
# fed to matchguard serve (local mode, local AUTH, 60 MB size limit), to
# `matchguard check`, to `sendmail -t`, and as configurations, by
# tests/hostile/run.py, which asserts what each one gets.  Afterwards
# serve must still be running and answer.  MG_HOSTILE_ONLY=NAME runs one.

. "$MG_SRCDIR/tests/integration/lib.sh"
need python3

trap 'stop_serve; rm -rf "$MG_WORK"' EXIT
SERVE_PORT=$(free_port)
conf="$MG_WORK/matchguard.conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$SERVE_PORT\" ];#" \
    -e "s#max_message_size = 26214400;#max_message_size = 62914560; local_user = \"priya\"; local_password = \"local-password\";#" \
    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
    "$MG_SRCDIR/conf/example.conf" >"$conf"
grep -q 'local-password' "$conf" || { echo "cannot set up $conf" >&2; exit 99; }
start_serve "$conf"

python3 "$MG_SRCDIR/tests/hostile/run.py" --bin "$MG_BIN" --conf "$conf" \
    --port "$SERVE_PORT" --work "$MG_WORK" ${MG_HOSTILE_ONLY:+--only "$MG_HOSTILE_ONLY"} \
    "$MG_SRCDIR/tests/hostile/cases.tsv" || fail "see the cases above"

if kill -0 "$SERVE_PID" 2>/dev/null &&
    python3 "$MG_SRCDIR/tests/integration/smtpclient.py" "$SERVE_PORT" noop; then
	pass "serve is still running and answers"
else
	fail "serve died: $(tail -5 "$MG_WORK/serve.log")"
fi
finish
