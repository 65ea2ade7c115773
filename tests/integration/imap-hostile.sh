#!/bin/sh
# imap-hostile.sh - the poller against an IMAP server that misbehaves
# (tests/integration/hostile_imap.py): for each mode, `matchguard poll
# --once` must end on its own, promptly, with one clear line, in bounded
# memory, and leave the right mark (the last UID read) in the ledger; and
# `matchguard serve` with its poller stuck on such a server must stop on
# SIGTERM within its grace period.  Every probe prints what it measured.

. "$MG_SRCDIR/tests/integration/lib.sh"
need /usr/bin/time
need sqlite3
need timeout
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

SRV_PID=
trap 'stop_serve; stop_srv; rm -rf "$MG_WORK"' EXIT

stop_srv() {
	if [ -n "$SRV_PID" ]; then
		kill "$SRV_PID" 2>/dev/null
		wait "$SRV_PID" 2>/dev/null
		SRV_PID=
	fi
}

# start_srv MODE [ARGS...]: hostile_imap.py in MODE on $IMAP_PORT, its
# log $SRV_LOG.
SRV_N=0
start_srv() {
	stop_srv
	SRV_N=$((SRV_N + 1))
	SRV_LOG="$MG_WORK/srv$SRV_N.$1.log"
	: >"$SRV_LOG"
	m=$1
	shift
	"$PY" "$MG_SRCDIR/tests/integration/hostile_imap.py" --mode "$m" "$@" \
	    >>"$SRV_LOG" 2>&1 &
	SRV_PID=$!
	for _ in $(seq 50); do
		IMAP_PORT=$(sed -n 's/^ready //p' "$SRV_LOG")
		[ -n "$IMAP_PORT" ] && return 0
		sleep 0.1
	done
	echo "hostile_imap.py did not start: $(cat "$SRV_LOG")" >&2
	exit 99
}

SERVE_PORT=$(free_port)
conf="$MG_WORK/matchguard.conf"
cp "$MG_SRCDIR/conf/programs.example.conf" "$MG_WORK/"
# write_conf EXTRA-IMAP-SETTINGS (the password from $CRED if set)
write_conf() {
	sed -e "s#\"../filters\"#\"$MG_SRCDIR/filters\"#" \
	    -e "s#listen = \[.*\];#listen = [ \"127.0.0.1:$SERVE_PORT\" ];#" \
	    -e 's/on_hold = "reject-and-queue";/on_hold = "queue";/' \
	    "$MG_SRCDIR/conf/example.conf" >"$conf"
	printf 'imap = { host = "127.0.0.1"; port = %s; tls = "none"; user = "priya"; %s %s };\n' \
	    "$IMAP_PORT" "${CRED:-password = \"secret\";}" "$1" >>"$conf"
}
ledger="$XDG_STATE_HOME/matchguard/ledger.sqlite"
mark() {
	sqlite3 "$ledger" "SELECT last_uid FROM imap_state WHERE folder = 'INBOX'" 2>/dev/null
}

# poll_once: poll --once under timeout 60 and /usr/bin/time; sets RC,
# SECS, RSS_KB (maximum resident set) and ERR (what it printed).
poll_once() {
	/usr/bin/time -o "$MG_WORK/time" -f "%e %M" \
	    timeout 60 "$MG_BIN" -c "$conf" poll --once \
	    >"$MG_WORK/out" 2>"$MG_WORK/err"
	RC=$?
	SECS=$(awk 'END { print $1 }' "$MG_WORK/time")
	RSS_KB=$(awk 'END { print $2 }' "$MG_WORK/time")
	ERR=$(cat "$MG_WORK/err" "$MG_WORK/out")
}

# probe MODE WANT-RC MAX-SECS PATTERN WANT-MARK [SETTINGS]: one poll
# --once against MODE, from an empty ledger unless KEEP is set.
probe() {
	mode=$1 want_rc=$2 max_secs=$3 pattern=$4 want_mark=$5
	[ -n "${KEEP:-}" ] || rm -f "$ledger"
	start_srv "$mode"
	write_conf "timeout = 2; command_timeout = 4; ${6:-}"
	poll_once
	got_mark=$(mark)
	echo "measured: $mode: exit $RC in $SECS s, max RSS $RSS_KB KB, mark '${got_mark}'; $ERR"
	before=$MG_FAILS
	if [ "$RC" -eq 124 ]; then
		fail "$mode: poll --once did not end within 60 s"
		return
	fi
	[ "$RC" -eq "$want_rc" ] || fail "$mode: exit $RC, wanted $want_rc"
	awk -v s="$SECS" -v m="$max_secs" 'BEGIN { exit !(s <= m) }' ||
	    fail "$mode: took $SECS s, more than $max_secs"
	[ "$RSS_KB" -lt 102400 ] || fail "$mode: max RSS $RSS_KB KB, 100 MB or more"
	printf '%s\n' "$ERR" | grep -Eq -- "$pattern" ||
	    fail "$mode: output does not match /$pattern/"
	[ "$got_mark" = "$want_mark" ] ||
	    fail "$mode: mark '$got_mark', wanted '$want_mark'"
	[ "$MG_FAILS" -eq "$before" ] &&
	    pass "$mode: exit $RC within $max_secs s, RSS under 100 MB, mark '$want_mark'"
}

probe normal 0 3 '6 messages read' 6
probe close-literal 2 3 \
    '^matchguard: poll: 127.0.0.1 closed the connection before finishing its answer to UID FETCH$' ''
probe flood 2 3 \
    "127.0.0.1's answer to EXAMINE passed [0-9]+ bytes outside literals \(imap.max_response_text\)" ''
probe trickle 2 6 \
    'did not finish its answer to EXAMINE within 4 s \(imap.command_timeout\)' ''
probe silent 2 4 \
    'sent nothing for 2 s in its answer to EXAMINE \(imap.timeout\)' ''
probe huge-literal 2 3 \
    'announced a literal of 4000000000 bytes in its answer to UID FETCH, more than imap.max_literal_size \(33554432\)' ''
probe huge-search 2 3 \
    "answer to UID SEARCH passed [0-9]+ bytes outside literals" ''
# A total cap below the flood's text: the other bound.
probe flood 2 3 \
    "answer to EXAMINE passed [0-9]+ bytes \(imap.max_response_size is 65536\)" '' \
    'max_response_size = 65536; max_literal_size = 1024;'
# UIDs 3 and 4 are not handed over: the mark stays at 2, they are
# named, and they are asked for again; a good server then moves it on.
probe bad-fetch 0 3 '"INBOX": 2 message\(s\) not read .*UID 3, 4; asked for again next time' 2
KEEP=1 probe bad-fetch 0 3 'UID 3, 4; asked for again' 2
grep -c 'search 3:6' "$SRV_LOG" | grep -q '^1$' &&
    pass "the second pass asked for UID 3:6 again" ||
    fail "the second pass did not ask for 3:6: $(grep search "$SRV_LOG")"
KEEP=1 probe normal 0 3 '^4 messages read' 6

# SEARCH in windows: 250 messages, windows of 100 UIDs.
rm -f "$ledger"
start_srv normal --messages 250
write_conf "search_window = 100;"
poll_once
searches=$(grep '^search ' "$SRV_LOG" | tr '\n' ' ')
echo "measured: 250 messages, search_window 100: $searches"
[ "$RC" -eq 0 ] && [ "$(mark)" = 250 ] &&
    [ "$(grep -c '^search ' "$SRV_LOG")" -eq 3 ] &&
    grep -q '^search 201:250 -> 50 UIDs$' "$SRV_LOG" &&
    pass "UID SEARCH asked in 3 windows of at most 100 UIDs, mark 250" ||
    fail "windows: exit $RC, mark $(mark), $searches; $ERR"

# The configuration refuses a literal bigger than a whole answer.
write_conf "max_literal_size = 2000000; max_response_size = 1000000;"
expect_status 2 "max_literal_size above max_response_size" \
    "$MG_BIN" -c "$conf" poll --once
grep -q 'max_literal_size (2000000) is more than max_response_size (1000000)' "$MG_WORK/err" &&
    pass "the configuration error names both settings: $(cat "$MG_WORK/err")" ||
    fail "config error: $(cat "$MG_WORK/err")"

# serve: a poller stuck on the server (long limits, so that only the
# stop can end it) never keeps SIGTERM from ending serve in time.
# stop_timed MODE [LOG-PATTERN]: starts serve with the poller on MODE,
# waits for the server to get stuck, sends SIGTERM, and measures; serve's
# log must match LOG-PATTERN.
stop_timed() {
	rm -f "$ledger"
	start_srv "$1"
	write_conf "timeout = 600; command_timeout = 3600; max_backoff = 1;"
	: >"$MG_WORK/serve.log"
	start_serve "$conf"
	for _ in $(seq 100); do
		grep -q "^mode $1" "$SRV_LOG" && break
		sleep 0.1
	done
	sleep 0.5
	start=$(date +%s.%N)
	kill -TERM "$SERVE_PID"
	i=0
	while kill -0 "$SERVE_PID" 2>/dev/null && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	took=$(echo "$(date +%s.%N) $start" | awk '{ printf "%.2f", $1 - $2 }')
	echo "measured: serve with the poller in $1: stopped $took s after SIGTERM"
	if kill -0 "$SERVE_PID" 2>/dev/null; then
		fail "$1: serve still runs 60 s after SIGTERM"
		kill -KILL "$SERVE_PID"
	fi
	wait "$SERVE_PID" 2>/dev/null
	SERVE_PID=
	awk -v t="$took" 'BEGIN { exit !(t < 10) }' &&
	    pass "$1: serve stopped within its grace period ($took s)" ||
	    fail "$1: serve took $took s to stop: $(tail -3 "$MG_WORK/serve.log")"
	if [ -n "${2:-}" ]; then
		grep -q -- "$2" "$MG_WORK/serve.log" &&
		    pass "$1: serve logged: $(grep -m1 -- "$2" "$MG_WORK/serve.log")" ||
		    fail "$1: serve's log lacks /$2/: $(cat "$MG_WORK/serve.log")"
	fi
}
stop_timed silent
stop_timed trickle
stop_timed close-literal \
    "imap: 127.0.0.1 closed the connection before finishing its answer to UID FETCH (while sync); trying again in 1 s"
stop_timed huge-literal "imap: 127.0.0.1 announced a literal of 4000000000 bytes"

# Stuck where no stop reaches (a slow password_command): serve waits 5 s
# for the poller, then leaves it.
rm -f "$ledger"
start_srv normal
CRED='password_command = "sleep 8; echo secret";' write_conf "timeout = 60;"
: >"$MG_WORK/serve.log"
start_serve "$conf"
sleep 0.5
start=$(date +%s.%N)
kill -TERM "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null
SERVE_PID=
took=$(echo "$(date +%s.%N) $start" | awk '{ printf "%.2f", $1 - $2 }')
echo "measured: serve with the poller in password_command: stopped $took s after SIGTERM"
awk -v t="$took" 'BEGIN { exit !(t < 8) }' &&
    grep -q 'imap: the poller did not stop within 5 s; leaving it' "$MG_WORK/serve.log" &&
    pass "a poller out of reach is left after 5 s ($took s)" ||
    fail "slow password_command: $took s: $(cat "$MG_WORK/serve.log")"

# serve passes over a folder every poll_seconds: a message the server
# never hands over is asked for imap.max_tries times, then given up with
# a log line, and the mark moves past it.
rm -f "$ledger"
start_srv bad-fetch
write_conf "timeout = 2; command_timeout = 4; poll_seconds = 1; max_tries = 3;"
: >"$MG_WORK/serve.log"
start_serve "$conf"
for _ in $(seq 150); do
	[ "$(mark)" = 6 ] && break
	sleep 0.1
done
stop_serve
passes=$(grep -c '^cmd [0-9]* UID SEARCH' "$SRV_LOG")
echo "measured: bad-fetch under serve: mark '$(mark)' after $passes searches; $(grep -c 'not read' "$MG_WORK/serve.log") 'not read' lines"
grep -q 'imap: "INBOX": giving up on the message with UID 3: 3 pass(es) in a row could not read it (imap.max_tries)' "$MG_WORK/serve.log" &&
    grep -q 'giving up on the message with UID 4: 3 pass' "$MG_WORK/serve.log" &&
    [ "$(mark)" = 6 ] &&
    [ "$(grep -c 'not read (the server' "$MG_WORK/serve.log")" -eq 2 ] &&
    pass "serve tried UIDs 3 and 4 three times, gave them up with a log line, mark 6" ||
    fail "give up: mark '$(mark)': $(grep imap "$MG_WORK/serve.log")"

finish
