#!/bin/sh
# mime.sh - hostile and unusual MIME shapes (tests/mime/shapes.py), each
# with "[Program Name]" where a reader would see it: every one must be
# held by `matchguard check --json` (read and found, or said to be
# unreadable), and the clean twin of every readable one must pass
# (tests/mime/check.py prints the table).  Then a sample of them goes
# through `matchguard serve` in local mode (upstream = Maildir) with
# swaks: each is held for review (or refused, like a 1.2 MB line that
# SMTP does not allow) and none reaches the Maildir, while a clean letter
# of the same shape does, unchanged.  (Bare CR line ends are only tried
# with check: SMTP clients turn them into CR LF before sending.)

. "$MG_SRCDIR/tests/integration/lib.sh"
need python3

PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
shapes="$MG_WORK/shapes"
conf="$MG_WORK/matchguard.conf"
port=$(free_port)
sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$port\" ];#" \
    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
    "$MG_SRCDIR/conf/example.conf" >"$conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"

"$PY" "$MG_SRCDIR/tests/mime/shapes.py" "$shapes" || fail "shapes.py failed"
n=$(wc -l <"$shapes/manifest.tsv")
[ "$n" -ge 35 ] && pass "$n shapes" || fail "only $n shapes"

# The day after the Harborview interview, with an empty ledger.
if "$PY" "$MG_SRCDIR/tests/mime/check.py" "$MG_BIN" "$conf" "$shapes" \
    2026-11-11T10:00:00-05:00; then
	pass "check --json holds every shape and passes every clean twin"
else
	fail "check --json: see the table above"
fi
[ ! -e "$XDG_STATE_HOME/matchguard/ledger.sqlite" ] || fail "check wrote a ledger"

if ! command -v swaks >/dev/null 2>&1; then
	echo "SKIP: swaks not installed, no serve sample"
	finish
fi
maildir="$XDG_STATE_HOME/matchguard/sent"
count_new() { ls "$maildir/new" 2>/dev/null | wc -l; }
trap 'stop_serve; rm -rf "$MG_WORK"' EXIT
SERVE_PORT=$port
start_serve "$conf"
nheld=0
for s in alt-slot-in-html alt-html-base64 apple-text-image-text \
    mixed-alt-pdf forwarded-inline utf-16le-html garbage-content-type \
    nested-65 parts-1100 unknown-cte-in-html multipart-no-boundary \
    boundary-never-occurs qp-line-1.2mb-slot-last encrypted-pgp; do
	before=$(count_new)
	swaks --server 127.0.0.1 --port "$port" --from priya.raman@example.com \
	    --to genetics-residency@harborview.edu \
	    --data "@$shapes/$s.eml" >"$MG_WORK/swaks.out" 2>&1
	# The reply to the final dot (the last one is to QUIT).
	reply=$(grep -E '^<[-~*]* +[0-9]{3} ' "$MG_WORK/swaks.out" | tail -2 |
	    head -1 | sed -E 's/^<[-~*]* +//')
	if echo "$reply" | grep -q "held for review"; then
		pass "serve: $s held ($(echo "$reply" | cut -c1-100))"
		nheld=$((nheld + 1))
	elif echo "$reply" | grep -q '^5'; then
		pass "serve: $s refused ($reply)"
	else
		fail "serve: $s not held: $reply"
	fi
	[ "$(count_new)" = "$before" ] || fail "serve: $s reached the Maildir"
done
# A clean letter of a multipart shape is relayed unchanged.
swaks --server 127.0.0.1 --port "$port" --from priya.raman@example.com \
    --to genetics-residency@harborview.edu \
    --data "@$shapes/alt-slot-in-html.clean.eml" >"$MG_WORK/swaks.out" 2>&1
got=$(ls "$maildir/new" 2>/dev/null | head -1)
if [ -n "$got" ] && [ "$(count_new)" = 1 ]; then
	pass "serve: the clean alternative letter was relayed"
	# swaks ends the data with one more line end; compare without the
	# line ends and the blank lines at the end.
	strip() { tr -d '\r' <"$1" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'; }
	strip "$shapes/alt-slot-in-html.clean.eml" >"$MG_WORK/a"
	strip "$maildir/new/$got" >"$MG_WORK/b"
	cmp -s "$MG_WORK/a" "$MG_WORK/b" && pass "serve: unchanged" ||
	    fail "serve: the relayed letter differs"
else
	fail "serve: the clean letter was not relayed: $(tail -3 "$MG_WORK/swaks.out")"
fi
# The shapes share their subject and recipient, so each held one
# supersedes the one held before it (guard.c): the queue lists the last,
# held/superseded/ keeps the others.
"$MG_BIN" -c "$conf" queue >"$MG_WORK/out"
listed=$(grep -c '^[0-9]\{8\}-[0-9]\{6\}-' "$MG_WORK/out")
old=$(ls "$XDG_STATE_HOME/matchguard/held/superseded" 2>/dev/null | grep -c '\.env$')
held=$((listed + old))
[ "$held" = "$nheld" ] && pass "the queue keeps the $held held letters ($listed listed, $old superseded)" ||
    fail "the queue keeps $held held letters ($listed listed, $old superseded), wanted $nheld: $(head -5 "$MG_WORK/out")"
finish
